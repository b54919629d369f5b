// SPDX-License-Identifier: MIT
/*
 * The DNS fast path of the XDP program under BPF_PROG_TEST_RUN, against
 * the userspace responder.  rb_dns_xdp_fill() fills rb_dns_answers from
 * a zone built out of a small config.  Each query goes to the XDP
 * program and to rb_dns_respond(), and the two DNS messages must match
 * byte for byte: A, AAAA, PTR, SRV, TXT, NS, SOA, a CNAME chain, NODATA,
 * an in-zone NXDOMAIN and mixed case, with and without EDNS, over IPv4
 * and IPv6.  The addresses, ports and checksums of the frame are checked
 * too.  Queries that XDP must leave to userspace pass unchanged, each
 * with its counter.  Frames arrive on a veth in a network namespace of
 * the test's own, which has the server's addresses.
 *
 * Needs root (loading BPF); exits 77 (skipped) when the kernel refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "config/config.h"
#include "dhcp4.skel.h"
#include "dns/dns_answer.h"
#include "dns/dns_build.h"
#include "dns/dns_wire.h"
#include "dns/dns_xdp.h"
#include "lib/netns_unshare.h"
#include "lib/xdp_run.h"
#include "rackboot/maps.h"

#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define UDP_LEN		8
#define DNS_OFF4	(ETH_LEN + IP4_LEN + UDP_LEN)
#define DNS_OFF6	(ETH_LEN + IP6_LEN + UDP_LEN)
#define FRAME_MAX	2048
#define DNS_PORT	53
#define CLIENT_PORT	40053

#define TXT_200 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define TXT_35	"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"

static const char config_json[] =
	"{\"rackboot:rackboot\": {"
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]},"
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"p\"}]},"
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
	"  \"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]},"
	"\"dhcpv6\": {\"subnet\": [{\"name\": \"lab6\", \"prefix\": \"fd00:213::/64\","
	"  \"interface\": \"rb0\"}]},"
	"\"dns\": {\"zone\": \"lab.test\", \"ttl\": 120, \"name-server\": [\"ns1\"],"
	"  \"soa\": {\"serial\": 7, \"minimum\": 30},"
	"  \"host\": [{\"name\": \"ns1\", \"ipv4-address\": [\"10.213.0.1\"],"
	"              \"ipv6-address\": [\"fd00:213::1\"]},"
	"            {\"name\": \"boot\", \"ipv4-address\": [\"10.213.0.2\", \"10.213.0.3\"]}],"
	"  \"cname\": [{\"name\": \"www\", \"target\": \"web\"},"
	"             {\"name\": \"web\", \"target\": \"boot\"},"
	"             {\"name\": \"dangling\", \"target\": \"nowhere\"}],"
	"  \"srv\": [{\"name\": \"_http._tcp\", \"target\": \"boot\", \"port\": 80,"
	"            \"priority\": 1, \"weight\": 5}],"
	"  \"txt\": [{\"name\": \"info\", \"text\": [\"hello\", \"world\"]},"
	/* Two 236-byte strings: a response of 516 bytes without EDNS, 527 with. */
	"            {\"name\": \"mid\", \"text\": [\"a" TXT_200 TXT_35 "\", \"b" TXT_200 TXT_35 "\"]},"
	"            {\"name\": \"big\", \"text\": [\"a" TXT_200 "\", \"b" TXT_200 "\", \"c"
	TXT_200 "\"]}]},"
	"\"inventory\": {\"device\": [{\"mac\": \"52:54:00:00:00:01\","
	"  \"ipv4-address\": \"10.213.0.101\", \"ipv6-address\": \"fd00:213::101\","
	"  \"hostname\": \"node01\", \"profile\": \"linux\"}]}"
	"}}";

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x53, 0x11 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static struct dhcp4_bpf *skel;
static uint32_t link_ifindex;	/* the veth with the server's addresses, where frames arrive */
static struct rb_config *cfg;
static struct rb_dns_zone *zone;
static struct rb_dns_settings settings = { .edns_udp_size = 1232 };
static uint32_t client4, server4;
static struct in6_addr client6, server6;

static uint64_t counter(enum rb_xdp_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.rb_xdp_counters), idx, &sum), 0);
	return sum;
}

static int setup(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_dns_xdp_summary sum;
	size_t skipped = 0;

	/*
	 * The XDP program answers only queries to this host's addresses.  With
	 * forwarding on, the FIB lookup tells them from routed ones.
	 */
	if (test_netns_unshare()) {
		fprintf(stderr, "# cannot create a network namespace: needs root\n");
		exit(77);
	}
	if (test_netns_veth("dlink", "dpeer", "10.213.0.1/24") ||
	    test_netns_sh("ip -6 addr add fd00:213::1/64 dev dlink nodad") ||
	    test_netns_sh("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1")) {
		fprintf(stderr, "# cannot build the test network: needs ip(8) and veth\n");
		exit(77);
	}
	link_ifindex = if_nametoindex("dlink");
	assert_true(link_ifindex > 0);

	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open();
	assert_non_null(skel);
	skel->rodata->dns_port = DNS_PORT;
	if (dhcp4_bpf__load(skel)) {
		fprintf(stderr, "# cannot load the XDP program (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}
	assert_int_equal(rb_config_load_string(config_json, &cfg, &errs), 0);
	rb_cfg_errors_free(&errs);
	assert_int_equal(rb_dns_build(cfg, NULL, 0, &zone, &skipped), 0);
	assert_int_equal(rb_dns_xdp_fill(bpf_map__fd(skel->maps.rb_dns_answers), zone, &settings,
					 &sum), 0);
	assert_true(sum.written > 20);

	assert_int_equal(inet_pton(AF_INET, "10.213.0.50", &client4), 1);
	assert_int_equal(inet_pton(AF_INET, "10.213.0.1", &server4), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:213::50", &client6), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:213::1", &server6), 1);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	rb_dns_zone_free(zone);
	rb_config_free(cfg);
	(void)state;
	return 0;
}

/* A query: the fields a case sets; zero means the usual value. */
struct query_spec {
	const char *name;	/* text, case kept */
	uint16_t type;
	uint16_t edns_size;	/* 0: no OPT record */
	uint16_t flags;		/* RD when 0 */
	uint16_t qdcount;	/* 1 when 0 */
	uint16_t qclass;	/* IN when 0 */
	uint8_t edns_version;
	bool cookie;		/* an 8-byte client COOKIE option in the OPT record */
};

static size_t make_query(uint8_t *buf, size_t size, const struct query_spec *s)
{
	struct rb_dns_writer w;
	uint8_t wire[RB_DNS_NAME_MAX];
	size_t len = rb_dns_name_from_text(s->name, NULL, 0, wire);

	assert_true(len > 0);
	rb_dns_writer_init(&w, buf, size);
	rb_dns_write_u16(&w, 0x5eed);
	rb_dns_write_u16(&w, s->flags ? s->flags : RB_DNS_FLAG_RD);
	rb_dns_write_u16(&w, s->qdcount ? s->qdcount : 1);
	rb_dns_write_u16(&w, 0);
	rb_dns_write_u16(&w, 0);
	rb_dns_write_u16(&w, s->edns_size ? 1 : 0);
	rb_dns_write_bytes(&w, wire, len);
	rb_dns_write_u16(&w, s->type);
	rb_dns_write_u16(&w, s->qclass ? s->qclass : RB_DNS_CLASS_IN);
	if (s->edns_size) {
		rb_dns_write_u8(&w, 0);
		rb_dns_write_u16(&w, RB_DNS_OPT);
		rb_dns_write_u16(&w, s->edns_size);
		rb_dns_write_u32(&w, (uint32_t)s->edns_version << 16);
		rb_dns_write_u16(&w, s->cookie ? 12 : 0);
		if (s->cookie) {
			rb_dns_write_u16(&w, 10);	/* COOKIE */
			rb_dns_write_u16(&w, 8);
			rb_dns_write_u32(&w, 0x01020304);
			rb_dns_write_u32(&w, 0x05060708);
		}
	}
	assert_false(w.full);
	return w.pos;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Wrap dns (len bytes) in Ethernet, IPv4 or IPv6 and UDP from the client to the server. */
static size_t make_frame(uint8_t *f, bool v6, const uint8_t *dns, size_t len)
{
	size_t off = v6 ? DNS_OFF6 : DNS_OFF4;
	uint8_t *udp = f + off - UDP_LEN;

	memset(f, 0, off);
	memcpy(f, server_mac, 6);
	memcpy(f + 6, client_mac, 6);
	if (v6) {
		f[12] = 0x86;
		f[13] = 0xdd;
		f[14] = 0x60;
		rb_dns_put_u16(f + 18, (uint16_t)(UDP_LEN + len));
		f[20] = IPPROTO_UDP;
		f[21] = 64;
		memcpy(f + 22, &client6, 16);
		memcpy(f + 38, &server6, 16);
	} else {
		f[12] = 0x08;
		f[14] = 0x45;
		rb_dns_put_u16(f + 16, (uint16_t)(IP4_LEN + UDP_LEN + len));
		f[22] = 64;
		f[23] = IPPROTO_UDP;
		memcpy(f + 26, &client4, 4);
		memcpy(f + 30, &server4, 4);
		rb_dns_put_u16(f + 24, (uint16_t)~fold(sum16(f + 14, IP4_LEN, 0)));
	}
	rb_dns_put_u16(udp, CLIENT_PORT);
	rb_dns_put_u16(udp + 2, DNS_PORT);
	rb_dns_put_u16(udp + 4, (uint16_t)(UDP_LEN + len));
	memcpy(f + off, dns, len);
	return off + len;
}

static int run(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	*out_len = FRAME_MAX;
	return test_xdp_run(bpf_program__fd(skel->progs.rb_dhcp4_xdp), link_ifindex, in, in_len,
			    out, out_len, NULL);
}

/* Check the response frame's addresses, ports, lengths and checksums. */
static void check_headers(const uint8_t *f, size_t len, bool v6)
{
	size_t off = v6 ? DNS_OFF6 : DNS_OFF4;
	const uint8_t *udp = f + off - UDP_LEN;
	uint32_t sum;

	assert_memory_equal(f, client_mac, 6);
	assert_memory_equal(f + 6, server_mac, 6);
	if (v6) {
		assert_memory_equal(f + 22, &server6, 16);
		assert_memory_equal(f + 38, &client6, 16);
		assert_int_equal(f[20], IPPROTO_UDP);
		sum = sum16(f + 22, 32, 0);
	} else {
		assert_memory_equal(f + 26, &server4, 4);
		assert_memory_equal(f + 30, &client4, 4);
		assert_int_equal((f[16] << 8 | f[17]), len - ETH_LEN);
		assert_int_equal(fold(sum16(f + 14, IP4_LEN, 0)), 0xffff);
		sum = sum16(f + 26, 8, 0);
	}
	assert_int_equal((udp[0] << 8 | udp[1]), DNS_PORT);
	assert_int_equal((udp[2] << 8 | udp[3]), CLIENT_PORT);
	assert_int_equal((udp[4] << 8 | udp[5]), len - off + UDP_LEN);
	/* Pseudo header, then the UDP header and payload with the checksum in place. */
	sum += IPPROTO_UDP + (uint32_t)(len - off + UDP_LEN);
	assert_int_equal(fold(sum16(udp, len - off + UDP_LEN, sum)), 0xffff);
}

/* Send the query over IPv4 or IPv6 and expect XDP_TX with rb_dns_respond()'s exact bytes. */
static void expect_same(const struct query_spec *s, bool v6)
{
	uint8_t query[512], in[FRAME_MAX], out[FRAME_MAX];
	static uint8_t want[RB_DNS_TCP_MAX];
	struct rb_dns_query q;
	struct rb_dns_reply_info info;
	size_t qlen = make_query(query, sizeof(query), s);
	size_t in_len = make_frame(in, v6, query, qlen);
	size_t off = v6 ? DNS_OFF6 : DNS_OFF4;
	size_t want_len = rb_dns_respond(zone, &settings, query, qlen, false, want, &q, &info);
	uint64_t tx = counter(RB_XC_TX_DNS);
	uint32_t out_len;

	print_message("# %s type %u edns %u over %s\n", s->name, s->type, s->edns_size,
		      v6 ? "IPv6" : "IPv4");
	assert_int_equal(info.action, RB_DNS_ACTION_REPLY);
	assert_int_equal(run(in, in_len, out, &out_len), XDP_TX);
	assert_int_equal(counter(RB_XC_TX_DNS), tx + 1);
	assert_int_equal(out_len - off, want_len);
	assert_memory_equal(out + off, want, want_len);
	check_headers(out, out_len, v6);
}

static void test_answers_match_userspace(void **state)
{
	static const struct query_spec cases[] = {
		{ .name = "boot.lab.test.", .type = RB_DNS_A },
		{ .name = "BoOt.LAB.test.", .type = RB_DNS_A },
		{ .name = "ns1.lab.test.", .type = RB_DNS_AAAA },
		{ .name = "node01.lab.test.", .type = RB_DNS_AAAA },
		{ .name = "101.0.213.10.in-addr.arpa.", .type = RB_DNS_PTR },
		{ .name = "_http._tcp.lab.test.", .type = RB_DNS_SRV },
		{ .name = "info.lab.test.", .type = RB_DNS_TXT },
		{ .name = "Www.Lab.Test.", .type = RB_DNS_A },
		{ .name = "web.lab.test.", .type = RB_DNS_CNAME },
		{ .name = "lab.test.", .type = RB_DNS_NS },
		{ .name = "lab.test.", .type = RB_DNS_SOA },
		{ .name = "boot.lab.test.", .type = RB_DNS_AAAA },		/* NODATA */
		{ .name = "dangling.lab.test.", .type = RB_DNS_A },	/* CNAME to NXDOMAIN */
		{ .name = "_tcp.lab.test.", .type = RB_DNS_A },		/* empty non-terminal */
		{ .name = "boot.lab.test.", .type = RB_DNS_A, .edns_size = 1232 },
		{ .name = "NODE01.lab.test.", .type = RB_DNS_A, .edns_size = 4096, .cookie = true },
		{ .name = "www.lab.test.", .type = RB_DNS_A, .edns_size = 100 },
		{ .name = "mid.lab.test.", .type = RB_DNS_TXT, .edns_size = 1232 },
		{ .name = "boot.lab.test.", .type = RB_DNS_A,
		  .flags = RB_DNS_FLAG_RD | RB_DNS_FLAG_CD },
		{ .name = "boot.lab.test.", .type = RB_DNS_A, .flags = 0x0020 },	/* AD only */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_same(&cases[i], false);
		expect_same(&cases[i], true);
	}
	(void)state;
}

/* Send raw DNS bytes and expect XDP_PASS with the frame unchanged and counter idx grown. */
static void expect_pass_bytes(const uint8_t *dns, size_t len, enum rb_xdp_counter idx)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t in_len = make_frame(in, false, dns, len);
	uint64_t before = counter(idx);
	uint32_t out_len;

	assert_int_equal(run(in, in_len, out, &out_len), XDP_PASS);
	assert_int_equal(counter(idx), before + 1);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
}

static void expect_pass(const struct query_spec *s, enum rb_xdp_counter idx)
{
	uint8_t query[512];

	print_message("# %s type %u passes\n", s->name, s->type);
	expect_pass_bytes(query, make_query(query, sizeof(query), s), idx);
}

static void test_queries_passed_up(void **state)
{
	static const struct {
		struct query_spec s;
		enum rb_xdp_counter idx;
	} cases[] = {
		{ { .name = "nothere.lab.test.", .type = RB_DNS_A }, RB_XC_PASS_DNS_MISS },
		{ { .name = "example.org.", .type = RB_DNS_A }, RB_XC_PASS_DNS_MISS },
		{ { .name = "boot.lab.test.", .type = RB_DNS_ANY }, RB_XC_PASS_DNS_MISS },
		{ { .name = "big.lab.test.", .type = RB_DNS_TXT, .edns_size = 4096 },
		  RB_XC_PASS_DNS_MISS },
		{ { .name = "mid.lab.test.", .type = RB_DNS_TXT }, RB_XC_PASS_DNS_TOO_BIG },
		{ { .name = "mid.lab.test.", .type = RB_DNS_TXT, .edns_size = 512 },
		  RB_XC_PASS_DNS_TOO_BIG },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .flags = RB_DNS_FLAG_QR },
		  RB_XC_PASS_DNS_HEADER },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .flags = 2 << 11 },
		  RB_XC_PASS_DNS_HEADER },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .qdcount = 2 },
		  RB_XC_PASS_DNS_HEADER },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .qclass = 3 }, RB_XC_PASS_DNS_CLASS },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .qclass = RB_DNS_CLASS_ANY },
		  RB_XC_PASS_DNS_CLASS },
		{ { .name = "boot.lab.test.", .type = RB_DNS_A, .edns_size = 1232,
		    .edns_version = 1 }, RB_XC_PASS_DNS_EDNS },
		{ { .name = "a123456789012345678901234567890123456789012345678901234567890."
			    "b123456789012345678901234567890123456789012345678901234567890."
			    "lab.test.", .type = RB_DNS_A }, RB_XC_PASS_DNS_NAME },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_pass(&cases[i].s, cases[i].idx);
	(void)state;
}

static void test_malformed_passed_up(void **state)
{
	struct query_spec s = { .name = "boot.lab.test.", .type = RB_DNS_A };
	struct query_spec opt = { .name = "boot.lab.test.", .type = RB_DNS_A, .edns_size = 1232,
				  .cookie = true };
	uint8_t q[512], in[FRAME_MAX], out[FRAME_MAX];
	size_t len = make_query(q, sizeof(q), &s);
	size_t in_len;
	uint32_t out_len;
	uint64_t before;

	/* Header only, and a name cut inside its first label. */
	expect_pass_bytes(q, RB_DNS_HEADER_LEN, RB_XC_MALFORMED_DNS);
	expect_pass_bytes(q, RB_DNS_HEADER_LEN + 8, RB_XC_PASS_DNS_NAME);
	/* A question cut after the name: no type and class. */
	expect_pass_bytes(q, len - 3, RB_XC_PASS_DNS_NAME);

	/* A compression pointer as the question name. */
	q[RB_DNS_HEADER_LEN] = 0xc0;
	q[RB_DNS_HEADER_LEN + 1] = 0x0c;
	expect_pass_bytes(q, len, RB_XC_PASS_DNS_NAME);

	/* An OPT record whose options run past the message. */
	len = make_query(q, sizeof(q), &opt);
	expect_pass_bytes(q, len - 1, RB_XC_PASS_DNS_EDNS);
	/* An additional record that is not OPT. */
	len = make_query(q, sizeof(q), &opt);
	rb_dns_put_u16(q + len - 12 - 10, RB_DNS_TXT);
	expect_pass_bytes(q, len, RB_XC_PASS_DNS_EDNS);

	/* A UDP length beyond the frame. */
	len = make_query(q, sizeof(q), &s);
	in_len = make_frame(in, false, q, len);
	rb_dns_put_u16(in + DNS_OFF4 - 4, (uint16_t)(UDP_LEN + len + 10));
	before = counter(RB_XC_MALFORMED_DNS);
	assert_int_equal(run(in, in_len, out, &out_len), XDP_PASS);
	assert_int_equal(counter(RB_XC_MALFORMED_DNS), before + 1);
	(void)state;
}

/* A query routed through this host to another server passes, over IPv4 and IPv6. */
static void test_not_local_passed_up(void **state)
{
	struct query_spec s = { .name = "boot.lab.test.", .type = RB_DNS_A };
	uint8_t q[512], in[FRAME_MAX], out[FRAME_MAX];
	size_t len = make_query(q, sizeof(q), &s), in_len;
	uint32_t server4_kept = server4, out_len;
	struct in6_addr server6_kept = server6;
	uint64_t before;

	assert_int_equal(inet_pton(AF_INET, "10.213.0.9", &server4), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:213::9", &server6), 1);
	for (int v6 = 0; v6 <= 1; v6++) {
		in_len = make_frame(in, v6, q, len);
		before = counter(RB_XC_PASS_DNS_NOT_LOCAL);
		assert_int_equal(run(in, in_len, out, &out_len), XDP_PASS);
		assert_int_equal(counter(RB_XC_PASS_DNS_NOT_LOCAL), before + 1);
		assert_memory_equal(out, in, in_len);
	}
	server4 = server4_kept;
	server6 = server6_kept;
	(void)state;
}

/* rb_dns_xdp_fill() again with a changed zone: replaced entries answer, removed ones pass. */
static void test_refill_removes_stale(void **state)
{
	struct rb_dns_zone *small;
	struct rb_dns_xdp_summary sum;
	struct rb_dns_key key;
	struct rb_dns_answer val;
	uint8_t apex[RB_DNS_NAME_MAX];
	size_t apex_len = rb_dns_name_from_text("lab.test.", NULL, 0, apex);
	int fd = bpf_map__fd(skel->maps.rb_dns_answers);

	small = rb_dns_zone_new();
	assert_non_null(small);
	assert_true(rb_dns_zone_add_apex(small, apex, apex_len) >= 0);
	assert_int_equal(rb_dns_xdp_fill(fd, small, &settings, &sum), 0);
	assert_true(sum.removed > 0);
	expect_pass(&(struct query_spec){ .name = "boot.lab.test.", .type = RB_DNS_A },
		    RB_XC_PASS_DNS_MISS);
	assert_true(rb_dns_xdp_entry(small, &settings, apex, apex_len, RB_DNS_A, &key, &val));
	assert_int_equal(bpf_map_lookup_elem(fd, &key, &val), 0);
	rb_dns_zone_free(small);

	/* Back to the full zone for the tests that follow. */
	assert_int_equal(rb_dns_xdp_fill(fd, zone, &settings, &sum), 0);
	expect_same(&(struct query_spec){ .name = "boot.lab.test.", .type = RB_DNS_A }, false);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_match_userspace),
		cmocka_unit_test(test_queries_passed_up),
		cmocka_unit_test(test_malformed_passed_up),
		cmocka_unit_test(test_not_local_passed_up),
		cmocka_unit_test(test_refill_removes_stale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
