// SPDX-License-Identifier: MIT
/*
 * The DNS codec and responder: names with compression pointers (valid,
 * looping, out of bounds), query parsing with EDNS(0), and responses
 * from a zone built out of a small config: A, AAAA, PTR, SRV, TXT, NS,
 * SOA, CNAME chains, NXDOMAIN and NODATA with the SOA, REFUSED classes,
 * mixed case kept, truncation at 512 bytes and the EDNS size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "dns/dns_answer.h"
#include "dns/dns_build.h"
#include "dns/dns_wire.h"

#define TXT_200 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const char config_json[] =
	"{\"rackboot:rackboot\": {"
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]},"
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"p\"}]},"
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
	"  \"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"},"
	"  {\"name\": \"wide\", \"prefix\": \"10.220.0.0/22\","
	"  \"interface\": \"rb0\", \"server-address\": \"10.220.0.1\"}]},"
	"\"dhcpv6\": {\"subnet\": [{\"name\": \"lab6\", \"prefix\": \"fd00:213::/64\","
	"  \"interface\": \"rb0\"}]},"
	"\"dns\": {\"zone\": \"lab.test\", \"ttl\": 120, \"name-server\": [\"ns1\"],"
	"  \"soa\": {\"serial\": 7, \"minimum\": 30},"
	"  \"host\": [{\"name\": \"ns1\", \"ipv4-address\": [\"10.213.0.1\"],"
	"              \"ipv6-address\": [\"fd00:213::1\"]},"
	"            {\"name\": \"boot\", \"ipv4-address\": [\"10.213.0.2\"]}],"
	"  \"cname\": [{\"name\": \"www\", \"target\": \"web\"},"
	"             {\"name\": \"web\", \"target\": \"boot\"},"
	"             {\"name\": \"ext\", \"target\": \"example.org.\"},"
	"             {\"name\": \"dangling\", \"target\": \"nowhere\"}],"
	"  \"srv\": [{\"name\": \"_http._tcp\", \"target\": \"boot\", \"port\": 80,"
	"            \"priority\": 1, \"weight\": 5}],"
	"  \"txt\": [{\"name\": \"info\", \"text\": [\"hello\", \"world\"]},"
	"            {\"name\": \"big\", \"text\": [\"a" TXT_200 "\", \"b" TXT_200 "\", \"c"
	TXT_200 "\"]}]},"
	"\"inventory\": {\"device\": [{\"mac\": \"52:54:00:00:00:01\","
	"  \"ipv4-address\": \"10.213.0.101\", \"ipv6-address\": \"fd00:213::101\","
	"  \"hostname\": \"node01\", \"profile\": \"linux\"},"
	"  {\"mac\": \"52:54:00:00:00:02\", \"ipv4-address\": \"10.213.0.102\","
	"  \"hostname\": \"node02\", \"profile\": \"linux\"}]}"
	"}}";

struct fixture {
	struct rb_config *cfg;
	struct rb_dns_zone *zone;
	struct rb_dns_settings settings;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rb_cfg_errors errs = { 0 };
	struct rb_dns_leased leased = { .device = 1, .ipv6 = true };
	char line[1400];
	size_t skipped = 0;

	assert_non_null(f);
	if (rb_config_load_string(config_json, &f->cfg, &errs)) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# %s\n", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
		fail_msg("the test config was rejected");
	}
	rb_cfg_errors_free(&errs);
	inet_pton(AF_INET6, "fd00:213::1234", &leased.addr6);
	assert_int_equal(rb_dns_build(f->cfg, &leased, 1, &f->zone, &skipped), 0);
	assert_int_equal(skipped, 0);
	f->settings.edns_udp_size = 1232;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rb_dns_zone_free(f->zone);
	rb_config_free(f->cfg);
	free(f);
	return 0;
}

/* A query for name (text, absolute) and type, with an OPT record when edns_size > 0. */
static size_t make_query(uint8_t *buf, const char *name, uint16_t type, uint16_t edns_size)
{
	struct rb_dns_writer w;
	uint8_t wire[RB_DNS_NAME_MAX];
	size_t len = rb_dns_name_from_text(name, NULL, 0, wire);

	assert_true(len > 0);
	rb_dns_writer_init(&w, buf, 512);
	rb_dns_write_u16(&w, 0xbeef);
	rb_dns_write_u16(&w, RB_DNS_FLAG_RD);
	rb_dns_write_u16(&w, 1);
	rb_dns_write_u16(&w, 0);
	rb_dns_write_u16(&w, 0);
	rb_dns_write_u16(&w, edns_size ? 1 : 0);
	rb_dns_write_bytes(&w, wire, len);
	rb_dns_write_u16(&w, type);
	rb_dns_write_u16(&w, RB_DNS_CLASS_IN);
	if (edns_size) {
		rb_dns_write_u8(&w, 0);
		rb_dns_write_u16(&w, RB_DNS_OPT);
		rb_dns_write_u16(&w, edns_size);
		rb_dns_write_u32(&w, 0);
		rb_dns_write_u16(&w, 0);
	}
	return w.pos;
}

struct reply {
	uint8_t buf[RB_DNS_TCP_MAX];
	size_t len;
	struct rb_dns_query q;
	struct rb_dns_reply_info info;
	uint16_t flags, qd, an, ns, ar;
};

static void respond(const struct fixture *f, const uint8_t *msg, size_t len, bool tcp,
		    struct reply *r)
{
	r->len = rb_dns_respond(f->zone, &f->settings, msg, len, tcp, r->buf, &r->q, &r->info);
	if (r->len >= RB_DNS_HEADER_LEN) {
		r->flags = (uint16_t)(r->buf[2] << 8 | r->buf[3]);
		r->qd = (uint16_t)(r->buf[4] << 8 | r->buf[5]);
		r->an = (uint16_t)(r->buf[6] << 8 | r->buf[7]);
		r->ns = (uint16_t)(r->buf[8] << 8 | r->buf[9]);
		r->ar = (uint16_t)(r->buf[10] << 8 | r->buf[11]);
	}
}

static void ask(const struct fixture *f, const char *name, uint16_t type, struct reply *r)
{
	uint8_t q[512];

	respond(f, q, make_query(q, name, type, 0), false, r);
}

/* The RDATA of answer record index of r (after the question), for comparing bytes. */
static const uint8_t *answer_rdata(const struct reply *r, unsigned int index, uint16_t *type,
				   uint16_t *rdlen, struct rb_dns_reader *rd)
{
	uint8_t name[RB_DNS_NAME_MAX];

	rb_dns_reader_init(rd, r->buf, r->len);
	rb_dns_skip(rd, RB_DNS_HEADER_LEN);
	rb_dns_read_name(rd, name);
	rb_dns_skip(rd, 4);
	for (unsigned int i = 0;; i++) {
		rb_dns_read_name(rd, name);
		*type = rb_dns_read_u16(rd);
		rb_dns_skip(rd, 6);
		*rdlen = rb_dns_read_u16(rd);
		assert_int_equal(rd->err, 0);
		if (i == index)
			return r->buf + rd->pos;
		rb_dns_skip(rd, *rdlen);
	}
}

static void test_name_pointers(void **state)
{
	/* "a" then a pointer to "b.c" at offset 5. */
	static const uint8_t good[] = { 0, 0, 0, 0, 0, 1, 'b', 1, 'c', 0, 1, 'a', 0xc0, 5 };
	static const uint8_t loop[] = { 0, 0, 0, 0, 0xc0, 4 };
	static const uint8_t forward[] = { 0xc0, 2, 1, 'a', 0 };
	static const uint8_t past[] = { 3, 'a', 'b' };
	static const uint8_t ext[] = { 0x41, 'a', 0 };
	struct rb_dns_reader r;
	uint8_t name[RB_DNS_NAME_MAX];
	char text[RB_DNS_TEXT_MAX];

	(void)state;
	rb_dns_reader_init(&r, good, sizeof(good));
	rb_dns_skip(&r, 10);
	assert_int_equal(rb_dns_read_name(&r, name), 7);
	assert_string_equal(rb_dns_name_to_text(name, 7, text, sizeof(text)), "a.b.c.");
	assert_int_equal(r.pos, sizeof(good));

	rb_dns_reader_init(&r, loop, sizeof(loop));
	rb_dns_skip(&r, 4);
	assert_int_equal(rb_dns_read_name(&r, name), 0);
	assert_int_equal(r.err, -EBADMSG);

	rb_dns_reader_init(&r, forward, sizeof(forward));
	assert_int_equal(rb_dns_read_name(&r, name), 0);
	rb_dns_reader_init(&r, past, sizeof(past));
	assert_int_equal(rb_dns_read_name(&r, name), 0);
	rb_dns_reader_init(&r, ext, sizeof(ext));
	assert_int_equal(rb_dns_read_name(&r, name), 0);
}

static void test_name_too_long(void **state)
{
	uint8_t msg[300], name[RB_DNS_NAME_MAX];
	struct rb_dns_reader r;
	size_t len = 0;

	(void)state;
	/* 4 labels of 63 bytes: 256 bytes with the root label, one too many. */
	for (int i = 0; i < 4; i++) {
		msg[len++] = 63;
		memset(msg + len, 'a', 63);
		len += 63;
	}
	msg[len++] = 0;
	rb_dns_reader_init(&r, msg, len);
	assert_int_equal(rb_dns_read_name(&r, name), 0);
	assert_int_equal(r.err, -EBADMSG);
}

static void test_answer_a_and_case(void **state)
{
	const struct fixture *f = *state;
	struct rb_dns_reader rd;
	struct reply *r = malloc(sizeof(*r));
	uint16_t type, rdlen;
	const uint8_t *rdata;

	ask(f, "NoDe01.Lab.TEST.", RB_DNS_A, r);
	assert_int_equal(r->info.action, RB_DNS_ACTION_REPLY);
	assert_int_equal(r->flags & 0xf, RB_DNS_NOERROR);
	assert_true(r->flags & RB_DNS_FLAG_AA);
	assert_true(r->flags & RB_DNS_FLAG_QR);
	assert_true(r->flags & RB_DNS_FLAG_RD);
	assert_int_equal(r->an, 1);
	/* The question keeps the query's case, and the answer's owner points at it. */
	assert_memory_equal(r->buf + 12, "\6NoDe01\3Lab\4TEST", 17);
	assert_int_equal(r->buf[12 + 17 + 4], 0xc0);
	assert_int_equal(r->buf[12 + 17 + 5], 12);
	rdata = answer_rdata(r, 0, &type, &rdlen, &rd);
	assert_int_equal(type, RB_DNS_A);
	assert_int_equal(rdlen, 4);
	assert_memory_equal(rdata, "\x0a\xd5\x00\x65", 4);
	free(r);
}

static void test_answer_aaaa_and_leased(void **state)
{
	const struct fixture *f = *state;
	struct rb_dns_reader rd;
	struct reply *r = malloc(sizeof(*r));
	uint16_t type, rdlen;
	struct in6_addr want;

	ask(f, "node01.lab.test.", RB_DNS_AAAA, r);
	assert_int_equal(r->an, 1);
	inet_pton(AF_INET6, "fd00:213::101", &want);
	assert_memory_equal(answer_rdata(r, 0, &type, &rdlen, &rd), &want, 16);

	/* node02 has no ipv6-address; its AAAA is the leased one. */
	ask(f, "node02.lab.test.", RB_DNS_AAAA, r);
	assert_int_equal(r->an, 1);
	inet_pton(AF_INET6, "fd00:213::1234", &want);
	assert_memory_equal(answer_rdata(r, 0, &type, &rdlen, &rd), &want, 16);
	free(r);
}

static void test_answer_ptr(void **state)
{
	const struct fixture *f = *state;
	struct rb_dns_reader rd;
	struct reply *r = malloc(sizeof(*r));
	uint16_t type, rdlen;
	uint8_t name[RB_DNS_NAME_MAX];
	char text[RB_DNS_TEXT_MAX];
	size_t len;

	ask(f, "101.0.213.10.in-addr.arpa.", RB_DNS_PTR, r);
	assert_int_equal(r->an, 1);
	answer_rdata(r, 0, &type, &rdlen, &rd);
	assert_int_equal(type, RB_DNS_PTR);
	len = rb_dns_read_name(&rd, name);
	assert_int_equal(rd.err, 0);
	assert_string_equal(rb_dns_name_to_text(name, len, text, sizeof(text)), "node01.lab.test.");

	ask(f, "4.3.2.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.1.2.0.0.0.d.f.ip6.arpa.",
	    RB_DNS_PTR, r);
	assert_int_equal(r->an, 1);
	/* The /22 subnet has four /24 reverse zones; a name in the last is in a zone. */
	ask(f, "9.3.220.10.in-addr.arpa.", RB_DNS_PTR, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NXDOMAIN);
	assert_true(r->flags & RB_DNS_FLAG_AA);
	ask(f, "9.4.220.10.in-addr.arpa.", RB_DNS_PTR, r);
	assert_int_equal(r->info.action, RB_DNS_ACTION_OUTSIDE);
	free(r);
}

static void test_answer_cname_chain(void **state)
{
	const struct fixture *f = *state;
	struct rb_dns_reader rd;
	struct reply *r = malloc(sizeof(*r));
	uint16_t type, rdlen;

	ask(f, "www.lab.test.", RB_DNS_A, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NOERROR);
	assert_int_equal(r->an, 3);
	answer_rdata(r, 0, &type, &rdlen, &rd);
	assert_int_equal(type, RB_DNS_CNAME);
	answer_rdata(r, 1, &type, &rdlen, &rd);
	assert_int_equal(type, RB_DNS_CNAME);
	assert_memory_equal(answer_rdata(r, 2, &type, &rdlen, &rd), "\x0a\xd5\x00\x02", 4);
	assert_int_equal(type, RB_DNS_A);

	/* A CNAME to a missing in-zone name: NXDOMAIN with the CNAME (RFC 6604) and the SOA. */
	ask(f, "dangling.lab.test.", RB_DNS_A, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NXDOMAIN);
	assert_int_equal(r->an, 1);
	assert_int_equal(r->ns, 1);
	assert_memory_equal(r->buf + r->len - 20, "\0\0\0\7", 4);

	/* A CNAME out of the zones ends the chain. */
	ask(f, "ext.lab.test.", RB_DNS_A, r);
	assert_int_equal(r->an, 1);
	ask(f, "www.lab.test.", RB_DNS_CNAME, r);
	assert_int_equal(r->an, 1);
	free(r);
}

static void test_answer_srv_txt_ns_soa(void **state)
{
	const struct fixture *f = *state;
	struct rb_dns_reader rd;
	struct reply *r = malloc(sizeof(*r));
	uint16_t type, rdlen;
	const uint8_t *rdata;

	ask(f, "_http._tcp.lab.test.", RB_DNS_SRV, r);
	assert_int_equal(r->an, 1);
	assert_int_equal(r->ar, 1);	/* the A of boot */
	rdata = answer_rdata(r, 0, &type, &rdlen, &rd);
	/* Priority 1, weight 5, port 80, and the target uncompressed (RFC 2782). */
	assert_memory_equal(rdata, "\0\1\0\5\0\x50\4boot\3lab\4test\0", 21);

	ask(f, "info.lab.test.", RB_DNS_TXT, r);
	assert_int_equal(r->an, 1);
	assert_memory_equal(answer_rdata(r, 0, &type, &rdlen, &rd), "\5hello\5world", 12);

	ask(f, "lab.test.", RB_DNS_NS, r);
	assert_int_equal(r->an, 1);
	assert_int_equal(r->ar, 2);	/* A and AAAA of ns1 */
	ask(f, "lab.test.", RB_DNS_SOA, r);
	assert_int_equal(r->an, 1);
	rdata = answer_rdata(r, 0, &type, &rdlen, &rd);
	assert_int_equal(type, RB_DNS_SOA);
	/* Serial 7, then refresh, retry, expire and minimum 30 at the end. */
	assert_memory_equal(rdata + rdlen - 20, "\0\0\0\7", 4);
	assert_memory_equal(rdata + rdlen - 4, "\0\0\0\x1e", 4);
	free(r);
}

static void test_answer_negative(void **state)
{
	const struct fixture *f = *state;
	struct reply *r = malloc(sizeof(*r));
	uint8_t name[RB_DNS_NAME_MAX];
	struct rb_dns_reader rd;

	ask(f, "missing.lab.test.", RB_DNS_A, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NXDOMAIN);
	assert_int_equal(r->an, 0);
	assert_int_equal(r->ns, 1);
	/* The SOA's TTL is the smaller of its TTL (120) and MINIMUM (30), RFC 2308. */
	rb_dns_reader_init(&rd, r->buf, r->len);
	rb_dns_skip(&rd, RB_DNS_HEADER_LEN);
	rb_dns_read_name(&rd, name);
	rb_dns_skip(&rd, 4);
	rb_dns_read_name(&rd, name);
	assert_int_equal(rb_dns_read_u16(&rd), RB_DNS_SOA);
	rb_dns_skip(&rd, 2);
	assert_int_equal(rb_dns_read_u32(&rd), 30);
	assert_int_equal(rd.err, 0);
	assert_memory_equal(r->buf + r->len - 20, "\0\0\0\7", 4);

	ask(f, "node01.lab.test.", RB_DNS_TXT, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NOERROR);
	assert_int_equal(r->an, 0);
	assert_int_equal(r->ns, 1);

	/* An empty non-terminal exists: NODATA, not NXDOMAIN. */
	ask(f, "_tcp.lab.test.", RB_DNS_A, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NOERROR);
	assert_int_equal(r->ns, 1);

	ask(f, "example.org.", RB_DNS_A, r);
	assert_int_equal(r->info.action, RB_DNS_ACTION_OUTSIDE);
	assert_int_equal(r->len, 0);
	free(r);
}

static void test_truncation(void **state)
{
	const struct fixture *f = *state;
	struct reply *r = malloc(sizeof(*r));
	uint8_t q[512];
	size_t len;

	/* Three strings of 200 bytes: over 512 bytes. */
	ask(f, "big.lab.test.", RB_DNS_TXT, r);
	assert_true(r->info.truncated);
	assert_true(r->flags & RB_DNS_FLAG_TC);
	assert_int_equal(r->an, 0);
	assert_true(r->len <= 512);

	len = make_query(q, "big.lab.test.", RB_DNS_TXT, 0);
	respond(f, q, len, true, r);
	assert_false(r->info.truncated);
	assert_int_equal(r->an, 1);
	assert_true(r->len > 600);

	/* EDNS 4096 from the client, 1232 from us: it fits. */
	len = make_query(q, "big.lab.test.", RB_DNS_TXT, 4096);
	respond(f, q, len, false, r);
	assert_false(r->info.truncated);
	assert_int_equal(r->an, 1);
	assert_int_equal(r->ar, 1);	/* the OPT record */
	assert_memory_equal(r->buf + r->len - 11, "\0\0\x29\x04\xd0\0\0\0\0\0\0", 11);

	/* EDNS 600 from the client: truncated, the OPT record kept. */
	len = make_query(q, "big.lab.test.", RB_DNS_TXT, 600);
	respond(f, q, len, false, r);
	assert_true(r->info.truncated);
	assert_int_equal(r->ar, 1);
	free(r);
}

static void test_malformed_queries(void **state)
{
	const struct fixture *f = *state;
	struct reply *r = malloc(sizeof(*r));
	uint8_t q[600];
	size_t len;

	/* A short header is dropped. */
	respond(f, (const uint8_t *)"\1\2\3", 3, false, r);
	assert_int_equal(r->info.action, RB_DNS_ACTION_DROP);

	/* qdcount 2 */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[5] = 2;
	respond(f, q, len, false, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_FORMERR);
	assert_int_equal(r->len, 12);

	/* A label that runs past the end. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[12] = 60;
	respond(f, q, len, false, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_FORMERR);

	/* A question name that points at itself. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[12] = 0xc0;
	q[13] = 12;
	respond(f, q, len, false, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_FORMERR);

	/* Opcode 2 (STATUS): NOTIMP with the question. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[2] |= 2 << 3;
	respond(f, q, len, false, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_NOTIMP);
	assert_int_equal(r->qd, 1);

	/* EDNS version 1: BADVERS, 16 = 0 in the header and 1 in the OPT's extended rcode. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 1232);
	q[len - 5] = 1;
	respond(f, q, len, false, r);
	assert_int_equal(r->info.rcode, RB_DNS_BADVERS);
	assert_int_equal(r->flags & 0xf, 0);
	assert_int_equal(r->ar, 1);
	assert_int_equal(r->buf[r->len - 6], 1);

	/* A response (QR set) is dropped. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[2] |= 0x80;
	respond(f, q, len, false, r);
	assert_int_equal(r->info.action, RB_DNS_ACTION_DROP);

	/* Class CHAOS is refused. */
	len = make_query(q, "node01.lab.test.", RB_DNS_A, 0);
	q[len - 1] = 3;
	respond(f, q, len, false, r);
	assert_int_equal(r->flags & 0xf, RB_DNS_REFUSED);
	free(r);
}

static void test_reverse_names(void **state)
{
	uint8_t name[RB_DNS_NAME_MAX];
	char text[RB_DNS_TEXT_MAX];
	struct in6_addr a6;
	size_t len;

	(void)state;
	len = rb_dns_reverse_name4(htonl(0x0ad50065), name);
	assert_string_equal(rb_dns_name_to_text(name, len, text, sizeof(text)),
			    "101.0.213.10.in-addr.arpa.");
	inet_pton(AF_INET6, "fd00::1", &a6);
	len = rb_dns_reverse_name6(&a6, name);
	assert_int_equal(len, 64 + 10);
	assert_string_equal(rb_dns_name_to_text(name, len, text, sizeof(text)),
			    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.");
}

/* 65536 owners with an A record each: the table grows, and every name is found again. */
static void test_zone_many_names(void **state)
{
	struct rb_dns_zone *z = rb_dns_zone_new();
	uint8_t apex[RB_DNS_NAME_MAX], name[RB_DNS_NAME_MAX];
	size_t apex_len = rb_dns_name_from_text("big.test.", NULL, 0, apex), len;
	char text[32];

	(void)state;
	assert_non_null(z);
	assert_true(rb_dns_zone_add_apex(z, apex, apex_len) >= 0);
	for (uint32_t i = 0; i < 65536; i++) {
		snprintf(text, sizeof(text), "host%u", i);
		len = rb_dns_name_from_text(text, apex, apex_len, name);
		assert_int_equal(rb_dns_zone_add(z, name, len, RB_DNS_A, 60, (const uint8_t *)&i, 4), 0);
	}
	assert_int_equal(z->n_nodes, 65537);
	assert_true(z->n_slots >= 2 * z->n_nodes);
	for (uint32_t i = 0; i < 65536; i++) {
		const struct rb_dns_node *node;
		const struct rb_dns_rr *rr;

		snprintf(text, sizeof(text), "HOST%u", i);
		len = rb_dns_name_from_text(text, apex, apex_len, name);
		node = rb_dns_zone_find(z, name, len);
		assert_non_null(node);
		rr = rb_dns_zone_rr(z, node, RB_DNS_A);
		assert_non_null(rr);
		assert_memory_equal(rb_dns_zone_bytes(z, rr->rdata), &i, 4);
	}
	len = rb_dns_name_from_text("other.test.", NULL, 0, name);
	assert_int_equal(rb_dns_zone_add(z, name, len, RB_DNS_A, 60, (const uint8_t *)"abcd", 4),
			 -ERANGE);
	rb_dns_zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_pointers),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_reverse_names),
		cmocka_unit_test(test_zone_many_names),
		cmocka_unit_test(test_answer_a_and_case),
		cmocka_unit_test(test_answer_aaaa_and_leased),
		cmocka_unit_test(test_answer_ptr),
		cmocka_unit_test(test_answer_cname_chain),
		cmocka_unit_test(test_answer_srv_txt_ns_soa),
		cmocka_unit_test(test_answer_negative),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_malformed_queries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
