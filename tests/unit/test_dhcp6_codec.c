// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 codec shared by XDP and rackbootd: parse errors for
 * malformed messages, the parsed fields, relay unwrapping and wrapping,
 * the template option encodings byte by byte, and reply building with
 * Option Request filtering.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp6/relay6.h"
#include "dhcp6/template6.h"
#include "rackboot/dhcp6_wire.h"

static struct rb_dhcp6_work work;
static struct rb_dhcp6_template tmpl;

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* DUID-LL (type 3, hardware type 1) of 52:54:00:00:00:01, 10 bytes. */
#define DUID_LL 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01
/* DUID-UUID (type 4) used as the server DUID, 18 bytes. */
#define DUID_SERVER 0x00, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
#define OPT_CLIENTID_LL 0, 1, 0, 10, DUID_LL
#define OPT_SERVERID 0, 2, 0, 18, DUID_SERVER
#define HDR(type) (type), 0x12, 0x34, 0x56
/* fd00:213::11 */
#define ADDR_11 0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11
#define ADDR_99 0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99
/* IA_NA with IAID 0a0b0c0d, T1 and T2 0, and no options. */
#define OPT_IA_NA_EMPTY 0, 3, 0, 12, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 0, 0, 0, 0, 0
/* The same with an IA Address option for fd00:213::11. */
#define OPT_IA_NA_11 0, 3, 0, 40, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 0, 0, 0, 0, 0, \
	0, 5, 0, 24, ADDR_11, 0, 0, 0, 0, 0, 0, 0, 0
#define UNKNOWN8 0, 99, 0, 0, 0, 99, 0, 0, 0, 99, 0, 0, 0, 99, 0, 0, \
	0, 99, 0, 0, 0, 99, 0, 0, 0, 99, 0, 0, 0, 99, 0, 0
#define UNKNOWN64 UNKNOWN8, UNKNOWN8, UNKNOWN8, UNKNOWN8, UNKNOWN8, UNKNOWN8, UNKNOWN8, UNKNOWN8
#define IAADDR_EMPTY_OPT 0, 99, 0, 0

static int parse(const uint8_t *msg, size_t len)
{
	memset(&work, 0, sizeof(work));
	memcpy(work.in.b, msg, len);
	return rb_dhcp6_parse(&work, (uint32_t)len);
}

struct parse_case {
	const char *name;
	const uint8_t *msg;
	size_t len;
	int expect;
};

static const struct parse_case parse_cases[] = {
	{ "Solicit with client id", BYTES(HDR(1), OPT_CLIENTID_LL), RB_D6_OK },
	{ "Solicit without options", BYTES(HDR(1)), RB_D6_OK },
	{ "Information-request", BYTES(HDR(11), 0, 6, 0, 2, 0, 23), RB_D6_OK },
	{ "unknown option of length 0", BYTES(HDR(1), 0, 200, 0, 0), RB_D6_OK },
	{ "shorter than the header", BYTES(1, 0x12, 0x34), RB_D6_ESHORT },
	{ "Advertise from a client", BYTES(HDR(2), OPT_CLIENTID_LL), RB_D6_EMSGTYPE },
	{ "Reply from a client", BYTES(HDR(7)), RB_D6_EMSGTYPE },
	{ "Reconfigure from a client", BYTES(HDR(10)), RB_D6_EMSGTYPE },
	{ "message type 0", BYTES(HDR(0)), RB_D6_EMSGTYPE },
	{ "message type 14", BYTES(HDR(14)), RB_D6_EMSGTYPE },
	{ "Relay-forward", BYTES(HDR(12)), RB_D6_ERELAYED },
	{ "Relay-reply", BYTES(HDR(13)), RB_D6_ERELAYED },
	{ "truncated option header", BYTES(HDR(1), 0, 1, 0), RB_D6_EOPTION },
	{ "length past the end", BYTES(HDR(1), 0, 1, 0, 20, DUID_LL), RB_D6_EOPTION },
	{ "zero-length client id", BYTES(HDR(1), 0, 1, 0, 0), RB_D6_EDUID },
	{ "two-byte client id", BYTES(HDR(1), 0, 1, 0, 2, 0, 3), RB_D6_EDUID },
	{ "zero-length server id", BYTES(HDR(3), OPT_CLIENTID_LL, 0, 2, 0, 0), RB_D6_EDUID },
	{ "client id twice", BYTES(HDR(1), OPT_CLIENTID_LL, OPT_CLIENTID_LL), RB_D6_EDUPLICATE },
	{ "server id twice", BYTES(HDR(3), OPT_SERVERID, OPT_SERVERID), RB_D6_EDUPLICATE },
	{ "elapsed time of 3 bytes", BYTES(HDR(1), 0, 8, 0, 3, 0, 0, 0), RB_D6_EBADLEN },
	{ "rapid commit with payload", BYTES(HDR(1), 0, 14, 0, 1, 0), RB_D6_EBADLEN },
	{ "option request of odd length", BYTES(HDR(1), 0, 6, 0, 3, 0, 23, 0), RB_D6_EBADLEN },
	{ "IA_NA of 11 bytes", BYTES(HDR(1), 0, 3, 0, 11, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0),
	  RB_D6_EBADLEN },
	{ "IA Address of 20 bytes",
	  BYTES(HDR(1), 0, 3, 0, 36, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 5, 0, 20, ADDR_11, 0, 0, 0, 0), RB_D6_EBADLEN },
	{ "IA Address past the IA_NA",
	  BYTES(HDR(1), 0, 3, 0, 20, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 5, 0, 24, ADDR_11, 0, 0, 0, 0, 0, 0, 0, 0), RB_D6_EOPTION },
	{ "IA_NA option header cut", BYTES(HDR(1), 0, 3, 0, 14, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
					   0, 5), RB_D6_EOPTION },
	{ "IA_NA with 9 options",
	  BYTES(HDR(1), 0, 3, 0, 48, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT,
		IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT, IAADDR_EMPTY_OPT,
		IAADDR_EMPTY_OPT), RB_D6_ETOOMANY },
	{ "IA_TA of 3 bytes", BYTES(HDR(1), 0, 4, 0, 3, 1, 2, 3), RB_D6_EBADLEN },
	{ "IA_PD of 11 bytes", BYTES(HDR(1), 0, 25, 0, 11, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0),
	  RB_D6_EBADLEN },
	{ "client arch of odd length", BYTES(HDR(1), 0, 61, 0, 3, 0, 7, 0), RB_D6_EBADLEN },
	{ "client arch of length 0", BYTES(HDR(1), 0, 61, 0, 0), RB_D6_EBADLEN },
	{ "vendor class of 3 bytes", BYTES(HDR(1), 0, 16, 0, 3, 0, 0, 1), RB_D6_EBADLEN },
	{ "user class of length 0", BYTES(HDR(1), 0, 15, 0, 0), RB_D6_EBADLEN },
	{ "reconfigure accept with payload", BYTES(HDR(1), 0, 20, 0, 1, 1), RB_D6_EBADLEN },
	{ "64 options", BYTES(HDR(1), UNKNOWN64), RB_D6_OK },
	{ "65 options", BYTES(HDR(1), UNKNOWN64, 0, 99, 0, 0), RB_D6_ETOOMANY },
};

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int got = parse(c->msg, c->len);

		if (got != c->expect)
			fail_msg("case \"%s\": rb_dhcp6_parse() returned %d, expected %d",
				 c->name, got, c->expect);
	}
}

static void test_parse_oversize(void **state)
{
	uint8_t msg[RB_DHCP6_MAX_LEN + 1] = { HDR(1) };
	uint8_t duid[4 + RB_DUID_MAX + 1] = { 0, 1, 0, RB_DUID_MAX + 1, 0, 4 };

	assert_int_equal(parse(msg, sizeof(msg)), RB_D6_ELONG);

	/* A DUID of 131 bytes, one over RFC 8415's maximum. */
	memcpy(msg + 4, duid, sizeof(duid));
	assert_int_equal(parse(msg, 4 + sizeof(duid)), RB_D6_EDUID);

	/* 130 bytes is the maximum and parses. */
	msg[7] = RB_DUID_MAX;
	assert_int_equal(parse(msg, 4 + 4 + RB_DUID_MAX), RB_D6_OK);
	assert_int_equal(work.req.client_id_len, RB_DUID_MAX);
}

static void test_parse_fields(void **state)
{
	static const uint8_t msg[] = {
		HDR(3),
		OPT_CLIENTID_LL,
		OPT_SERVERID,
		0, 8, 0, 2, 0x01, 0x2c,			/* elapsed time 300 */
		0, 6, 0, 8, 0, 23, 0, 59, 0, 17, 0, 9,	/* ORO 23, 59, 17, 9 */
		0, 14, 0, 0,				/* rapid commit */
		0, 20, 0, 0,				/* reconfigure accept */
		0, 61, 0, 4, 0, 7, 0, 16,		/* arch 7, then 16 */
		0, 16, 0, 10, 0, 0, 0x01, 0x37, 0, 4, 'a', 'b', 'c', 'd',
		0, 3, 0, 68, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x0e, 0x10, 0, 0, 0x16, 0x80,
		0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20,
		0, 5, 0, 24, ADDR_99, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 3, 0, 12, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 25, 0, 12, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 4, 0, 4, 7, 7, 7, 7,
	};
	static const uint8_t addr11[16] = { ADDR_11 }, addr99[16] = { ADDR_99 };
	const struct rb_dhcp6_request *r = &work.req;

	assert_int_equal(parse(msg, sizeof(msg)), RB_D6_OK);
	assert_int_equal(r->msg_type, RB_D6_REQUEST);
	assert_memory_equal(r->xid, ((const uint8_t[]){ 0x12, 0x34, 0x56 }), 3);
	assert_int_equal(r->client_id_len, 10);
	assert_memory_equal(&work.in.b[r->client_id_off], ((const uint8_t[]){ DUID_LL }), 10);
	assert_int_equal(r->server_id_len, 18);
	assert_memory_equal(&work.in.b[r->server_id_off], ((const uint8_t[]){ DUID_SERVER }), 18);
	assert_int_equal(r->elapsed_time, 300);
	assert_int_equal(r->oro_len, 8);
	assert_int_equal(r->oro_bits, (1U << RB_D6_SLOT_DNS) | (1U << RB_D6_SLOT_VENDOR_OPTS) |
				      RB_D6_ORO_BOOTFILE_URL);
	assert_int_equal(r->rapid_commit, 1);
	assert_int_equal(r->reconfigure_accept, 1);
	assert_int_equal(r->has_client_arch, 1);
	assert_int_equal(r->client_arch, 7);
	assert_int_equal(r->has_vendor_class, 1);
	assert_int_equal(r->vendor_class_enterprise, 311);
	assert_int_equal(r->vendor_class_len, 6);
	assert_int_equal(r->is_ipxe, 0);
	assert_int_equal(r->has_ia_pd, 1);
	assert_int_equal(r->has_ia_ta, 1);

	assert_int_equal(r->n_ia_na, 2);
	assert_memory_equal(r->ia[0].iaid, ((const uint8_t[]){ 0x0a, 0x0b, 0x0c, 0x0d }), 4);
	assert_int_equal(r->ia[0].t1, 3600);
	assert_int_equal(r->ia[0].t2, 5760);
	assert_int_equal(r->ia[0].n_addrs, 2);
	assert_memory_equal(r->ia[0].addrs[0], addr11, 16);
	assert_memory_equal(r->ia[0].addrs[1], addr99, 16);
	assert_memory_equal(r->ia[1].iaid, ((const uint8_t[]){ 1, 2, 3, 4 }), 4);
	assert_int_equal(r->ia[1].n_addrs, 0);
}

static void test_parse_many_ia(void **state)
{
	static const uint8_t msg[] = {
		HDR(1), OPT_IA_NA_EMPTY, OPT_IA_NA_EMPTY, OPT_IA_NA_EMPTY,
		OPT_IA_NA_EMPTY, OPT_IA_NA_EMPTY, OPT_IA_NA_11,
	};

	/* Six IA_NAs: all are counted, four kept, and the last one's address is not read. */
	assert_int_equal(parse(msg, sizeof(msg)), RB_D6_OK);
	assert_int_equal(work.req.n_ia_na, 6);
	assert_int_equal(work.req.ia[3].n_addrs, 0);
}

static void test_parse_user_class(void **state)
{
	assert_int_equal(parse(BYTES(HDR(1), 0, 15, 0, 6, 0, 4, 'i', 'P', 'X', 'E')), RB_D6_OK);
	assert_int_equal(work.req.is_ipxe, 1);

	/* The second class of a list. */
	assert_int_equal(parse(BYTES(HDR(1), 0, 15, 0, 11, 0, 3, 'f', 'o', 'o', 0, 4,
				     'i', 'P', 'X', 'E')), RB_D6_OK);
	assert_int_equal(work.req.is_ipxe, 1);

	/* The bare string without a class length. */
	assert_int_equal(parse(BYTES(HDR(1), 0, 15, 0, 4, 'i', 'P', 'X', 'E')), RB_D6_OK);
	assert_int_equal(work.req.is_ipxe, 1);

	assert_int_equal(parse(BYTES(HDR(1), 0, 15, 0, 6, 0, 4, 'i', 'p', 'x', 'e')), RB_D6_OK);
	assert_int_equal(work.req.is_ipxe, 0);

	/* A class length that runs past the option. */
	assert_int_equal(parse(BYTES(HDR(1), 0, 15, 0, 5, 0, 4, 'i', 'P', 'X')), RB_D6_OK);
	assert_int_equal(work.req.is_ipxe, 0);
}

/* A Relay-forward with hop-count hop around inner, with an optional Interface-Id. */
static size_t relay_forw(uint8_t *out, uint8_t hop, uint8_t link_last, const uint8_t *ifid,
			 size_t ifid_len, const uint8_t *inner, size_t inner_len)
{
	size_t pos = 0;

	out[pos++] = RB_D6_RELAY_FORW;
	out[pos++] = hop;
	memset(out + pos, 0, 32);
	out[pos] = 0xfd;
	out[pos + 15] = link_last;
	out[pos + 16] = 0xfe;
	out[pos + 17] = 0x80;
	out[pos + 31] = hop + 1;
	pos += 32;
	if (ifid) {
		out[pos++] = 0;
		out[pos++] = RB_D6_OPT_INTERFACE_ID;
		out[pos++] = 0;
		out[pos++] = (uint8_t)ifid_len;
		memcpy(out + pos, ifid, ifid_len);
		pos += ifid_len;
	}
	out[pos++] = 0;
	out[pos++] = RB_D6_OPT_RELAY_MSG;
	out[pos++] = (uint8_t)(inner_len >> 8);
	out[pos++] = (uint8_t)inner_len;
	memmove(out + pos, inner, inner_len);
	return pos + inner_len;
}

static void test_relay_unwrap_single(void **state)
{
	static const uint8_t msg[] = {
		RB_D6_RELAY_FORW, 0,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0, 0, 1,
		0, 18, 0, 5, 'e', 't', 'h', '1', '1',
		0, 37, 0, 7, 0, 0, 0x0d, 0xe9, 'r', 'i', 'd',
		0, 79, 0, 8, 0, 1, 0x52, 0x54, 0, 0, 0, 1,
		0, 9, 0, 18, HDR(1), OPT_CLIENTID_LL,
	};
	struct rb_relay6_chain chain;
	const struct rb_relay6_level *lv = &chain.levels[0];

	assert_int_equal(rb_relay6_unwrap(msg, sizeof(msg), &chain), 0);
	assert_int_equal(chain.n_levels, 1);
	assert_int_equal(lv->hop_count, 0);
	assert_memory_equal(&lv->link_address, msg + 2, 16);
	assert_memory_equal(&lv->peer_address, msg + 18, 16);
	assert_true(lv->has_interface_id);
	assert_int_equal(lv->interface_id_len, 5);
	assert_memory_equal(lv->interface_id, "eth11", 5);
	assert_true(lv->has_remote_id);
	assert_int_equal(lv->remote_id_enterprise, 3561);
	assert_int_equal(lv->remote_id_len, 3);
	assert_memory_equal(lv->remote_id, "rid", 3);
	assert_true(lv->has_client_lladdr);
	assert_int_equal(lv->client_lladdr_type, 1);
	assert_int_equal(lv->client_lladdr_len, 6);
	assert_memory_equal(lv->client_lladdr, ((const uint8_t[]){ 0x52, 0x54, 0, 0, 0, 1 }), 6);
	assert_int_equal(chain.msg_len, 18);
	assert_ptr_equal(chain.msg, msg + sizeof(msg) - 18);
}

static void test_relay_unwrap_plain(void **state)
{
	static const uint8_t msg[] = { HDR(1), OPT_CLIENTID_LL };
	struct rb_relay6_chain chain;

	assert_int_equal(rb_relay6_unwrap(msg, sizeof(msg), &chain), 0);
	assert_int_equal(chain.n_levels, 0);
	assert_ptr_equal(chain.msg, msg);
	assert_int_equal(chain.msg_len, sizeof(msg));
}

static void test_relay_nested(void **state)
{
	static const uint8_t client[] = { HDR(3), OPT_CLIENTID_LL };
	static const uint8_t reply[] = { HDR(7), OPT_CLIENTID_LL, OPT_SERVERID };
	uint8_t a[512], b[512], out[512];
	struct rb_relay6_chain chain;
	size_t len;
	ssize_t wrapped;

	/* The relay next to the client adds "port7", the next one none, the outer one "up". */
	len = relay_forw(a, 0, 1, (const uint8_t *)"port7", 5, client, sizeof(client));
	len = relay_forw(b, 1, 2, NULL, 0, a, len);
	len = relay_forw(a, 2, 3, (const uint8_t *)"up", 2, b, len);

	assert_int_equal(rb_relay6_unwrap(a, len, &chain), 0);
	assert_int_equal(chain.n_levels, 3);
	assert_int_equal(chain.levels[0].hop_count, 2);
	assert_int_equal(chain.levels[1].hop_count, 1);
	assert_int_equal(chain.levels[2].hop_count, 0);
	assert_memory_equal(chain.levels[0].interface_id, "up", 2);
	assert_false(chain.levels[1].has_interface_id);
	assert_memory_equal(chain.levels[2].interface_id, "port7", 5);
	assert_int_equal(chain.msg_len, sizeof(client));
	assert_memory_equal(chain.msg, client, sizeof(client));

	/* The wrapped reply unwraps to the same chain when read as a Relay-forward. */
	wrapped = rb_relay6_wrap(&chain, reply, sizeof(reply), out, sizeof(out));
	assert_int_equal(wrapped, (ssize_t)(len - sizeof(client) + sizeof(reply)));
	assert_int_equal(out[0], RB_D6_RELAY_REPL);
	assert_int_equal(out[1], 2);
	assert_memory_equal(out + 2, a + 2, 32);
	/* The outer Interface-Id, then the Relay Message of everything after it. */
	assert_memory_equal(out + 34, ((const uint8_t[]){ 0, 18, 0, 2, 'u', 'p' }), 6);
	assert_int_equal(out[40] << 8 | out[41], RB_D6_OPT_RELAY_MSG);
	assert_int_equal(out[42] << 8 | out[43], wrapped - 44);
	assert_int_equal(out[44], RB_D6_RELAY_REPL);
	assert_int_equal(out[45], 1);
	assert_memory_equal(out + wrapped - sizeof(reply), reply, sizeof(reply));

	out[0] = RB_D6_RELAY_FORW;
	out[44] = RB_D6_RELAY_FORW;
	out[44 + 38] = RB_D6_RELAY_FORW;
	assert_int_equal(rb_relay6_unwrap(out, (size_t)wrapped, &chain), 0);
	assert_int_equal(chain.n_levels, 3);
	assert_memory_equal(chain.levels[2].interface_id, "port7", 5);
	assert_memory_equal(chain.msg, reply, sizeof(reply));
}

static void test_relay_wrap_bytes(void **state)
{
	static const uint8_t reply[] = { HDR(7), 0, 14, 0, 0 };
	struct rb_relay6_chain chain;
	uint8_t out[128];

	memset(&chain, 0, sizeof(chain));
	chain.n_levels = 1;
	chain.levels[0].hop_count = 0;
	chain.levels[0].link_address.s6_addr[0] = 0xfd;
	chain.levels[0].peer_address.s6_addr[0] = 0xfe;
	chain.levels[0].has_interface_id = true;
	chain.levels[0].interface_id_len = 3;
	memcpy(chain.levels[0].interface_id, "ab1", 3);
	chain.levels[0].has_remote_id = true;
	chain.levels[0].remote_id_len = 2;

	assert_int_equal(rb_relay6_wrap(&chain, reply, sizeof(reply), out, sizeof(out)),
			 34 + 7 + 4 + sizeof(reply));
	assert_memory_equal(out, ((const uint8_t[]){
		13, 0, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 18, 0, 3, 'a', 'b', '1',
		0, 9, 0, 8, HDR(7), 0, 14, 0, 0 }), 34 + 7 + 4 + sizeof(reply));

	/* Remote-Id is not echoed, and too small an output buffer fails. */
	assert_int_equal(rb_relay6_wrap(&chain, reply, sizeof(reply), out, 40), -ENOSPC);
}

static void test_relay_errors(void **state)
{
	static const uint8_t client[] = { HDR(1), OPT_CLIENTID_LL };
	uint8_t a[1024], b[1024];
	struct rb_relay6_chain chain;
	size_t len;

	len = relay_forw(a, 9, 1, NULL, 0, client, sizeof(client));
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), -RB_R6_EHOPCOUNT);

	/* Ten levels, one more than hop-counts 0 to 8 allow. */
	memcpy(a, client, sizeof(client));
	len = sizeof(client);
	for (int i = 0; i < 10; i++) {
		len = relay_forw(b, (uint8_t)(i > 8 ? 8 : i), 1, NULL, 0, a, len);
		memcpy(a, b, len);
	}
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), -RB_R6_EDEPTH);

	/* Nine levels are the maximum. */
	memcpy(a, client, sizeof(client));
	len = sizeof(client);
	for (int i = 0; i < 9; i++) {
		len = relay_forw(b, (uint8_t)i, 1, NULL, 0, a, len);
		memcpy(a, b, len);
	}
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), 0);
	assert_int_equal(chain.n_levels, 9);

	len = relay_forw(a, 0, 1, (const uint8_t *)"x", 1, client, sizeof(client));
	assert_int_equal(rb_relay6_unwrap(a, 34 + 5, &chain), -RB_R6_ENOMSG);
	assert_int_equal(rb_relay6_unwrap(a, 20, &chain), -RB_R6_ESHORT);
	assert_int_equal(rb_relay6_unwrap(a, len - 1, &chain), -RB_R6_EOPTION);

	/* An inner Relay-reply, and an empty inner message. */
	len = relay_forw(a, 0, 1, NULL, 0, BYTES(HDR(13)));
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), -RB_R6_EINNER);
	len = relay_forw(a, 0, 1, NULL, 0, client, 0);
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), -RB_R6_EINNER);

	/* Two Relay Message options. */
	len = relay_forw(a, 0, 1, NULL, 0, client, sizeof(client));
	memcpy(a + len, a + 34, 4 + sizeof(client));
	assert_int_equal(rb_relay6_unwrap(a, len + 4 + sizeof(client), &chain), -RB_R6_EDUPLICATE);

	/* A Remote-Id without the whole enterprise number. */
	len = relay_forw(a, 0, 1, NULL, 0, client, sizeof(client));
	memcpy(a + len, ((const uint8_t[]){ 0, 37, 0, 3, 0, 0, 9 }), 7);
	assert_int_equal(rb_relay6_unwrap(a, len + 7, &chain), -RB_R6_EBADLEN);

	/* An Interface-Id of 129 bytes. */
	memset(b, 'i', 129);
	len = relay_forw(a, 0, 1, b, 129, client, sizeof(client));
	assert_int_equal(rb_relay6_unwrap(a, len, &chain), -RB_R6_EIDLONG);

	assert_string_equal(rb_relay6_strerror(-RB_R6_EHOPCOUNT), "hop-count above HOP_COUNT_LIMIT");
}

/* A subnet and profile with every option set, as the tests below expect them. */
static void full_config(struct rb_cfg_subnet6 *sn, struct rb_cfg_profile *pr)
{
	memset(sn, 0, sizeof(*sn));
	memset(pr, 0, sizeof(*pr));
	strcpy(sn->name, "lab6");
	sn->preferred_lifetime = 3600;
	sn->valid_lifetime = 7200;
	sn->renewal_time = 1800;
	sn->rebinding_time = 2880;
	sn->rapid_commit = true;
	inet_pton(AF_INET6, "fd00:213::1", &sn->dns_servers.addr[0]);
	inet_pton(AF_INET6, "fd00:213::2", &sn->dns_servers.addr[1]);
	sn->dns_servers.count = 2;
	strcpy(sn->domain_search[0], "lab.rackboot.test");
	strcpy(sn->domain_search[1], "b.test.");
	sn->n_domain_search = 2;
	inet_pton(AF_INET6, "fd00:213::3", &sn->ntp_servers.addr[0]);
	sn->ntp_servers.count = 1;
	inet_pton(AF_INET6, "fd00:213::4", &sn->sntp_servers.addr[0]);
	sn->sntp_servers.count = 1;
	inet_pton(AF_INET6, "fd00:213::5", &sn->vendor4491.tftp_servers.addr[0]);
	sn->vendor4491.tftp_servers.count = 1;
	strcpy(sn->vendor4491.config_file, "sw.cfg");
	inet_pton(AF_INET6, "fd00:213::6", &sn->vendor4491.syslog_servers.addr[0]);
	sn->vendor4491.syslog_servers.count = 1;
	inet_pton(AF_INET6, "fd00:213::7", &sn->vendor4491.time_servers.addr[0]);
	sn->vendor4491.time_servers.count = 1;
	sn->vendor4491.has_time_offset = true;
	sn->vendor4491.time_offset = -3600;

	strcpy(pr->name, "uefi");
	strcpy(pr->sztp_servers[0], "https://a");
	strcpy(pr->sztp_servers[1], "https://bb");
	pr->n_sztp_servers = 2;
	pr->bootfiles6[0].arch = RB_ARCH_ANY;
	pr->bootfiles6[0].ipxe = true;
	strcpy(pr->bootfiles6[0].url, "http://x/b.ipxe");
	pr->bootfiles6[1].arch = 7;
	strcpy(pr->bootfiles6[1].url, "tftp://x/e");
	strcpy(pr->bootfiles6[1].params[0], "p1");
	strcpy(pr->bootfiles6[1].params[1], "q");
	pr->bootfiles6[1].n_params = 2;
	pr->bootfiles6[2].arch = RB_ARCH_ANY;
	strcpy(pr->bootfiles6[2].url, "tftp://x/d");
	pr->n_bootfiles6 = 3;
}

static const uint8_t server_duid[] = { DUID_SERVER };

/* Check the template TLV of slot against want (code, length and payload). */
static void check_slot(enum rb_dhcp6_slot slot, const uint8_t *want, size_t len)
{
	uint16_t off = tmpl.slot_off[slot];

	if (off == 0)
		fail_msg("slot %d is empty", slot);
	assert_memory_equal(&tmpl.opts[off - 1], want, len);
}

static void test_template_options(void **state)
{
	struct rb_cfg_subnet6 sn;
	struct rb_cfg_profile pr;

	full_config(&sn, &pr);
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl), 0);

	assert_int_equal(tmpl.server_duid_len, 18);
	assert_memory_equal(tmpl.server_id, ((const uint8_t[]){ OPT_SERVERID }), 22);
	assert_int_equal(tmpl.flags, RB_D6_TMPL_F_RAPID_COMMIT);

	check_slot(RB_D6_SLOT_DNS, BYTES(0, 23, 0, 32,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2));
	check_slot(RB_D6_SLOT_DOMAINS, BYTES(0, 24, 0, 27,
		3, 'l', 'a', 'b', 8, 'r', 'a', 'c', 'k', 'b', 'o', 'o', 't', 4, 't', 'e', 's', 't', 0,
		1, 'b', 4, 't', 'e', 's', 't', 0));
	check_slot(RB_D6_SLOT_SNTP, BYTES(0, 31, 0, 16,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4));
	check_slot(RB_D6_SLOT_NTP, BYTES(0, 56, 0, 20, 0, 1, 0, 16,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3));
	check_slot(RB_D6_SLOT_VENDOR_OPTS, BYTES(0, 17, 0, 82, 0, 0, 0x11, 0x8b,
		0, 32, 0, 16, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 33, 0, 6, 's', 'w', '.', 'c', 'f', 'g',
		0, 34, 0, 16, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6,
		0, 37, 0, 16, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
		0, 38, 0, 4, 0xff, 0xff, 0xf1, 0xf0));
	check_slot(RB_D6_SLOT_SZTP, BYTES(0, 136, 0, 23,
		0, 9, 'h', 't', 't', 'p', 's', ':', '/', '/', 'a',
		0, 10, 'h', 't', 't', 'p', 's', ':', '/', '/', 'b', 'b'));
	check_slot(RB_D6_SLOT_SOL_MAX_RT, BYTES(0, 82, 0, 4, 0, 0, 0x0e, 0x10));
	check_slot(RB_D6_SLOT_INF_MAX_RT, BYTES(0, 83, 0, 4, 0, 0, 0x0e, 0x10));

	assert_int_equal(tmpl.n_bootfiles, 3);
	assert_int_equal(tmpl.bootfiles[0].ipxe, 1);
	assert_int_equal(tmpl.bootfiles[0].arch, RB_ARCH_ANY);
	assert_int_equal(tmpl.bootfiles[0].url_tlv_len, 4 + 15);
	assert_int_equal(tmpl.bootfiles[0].param_tlv_len, 0);
	assert_int_equal(tmpl.bootfiles[1].arch, 7);
	assert_int_equal(tmpl.bootfiles[1].url_tlv_len, 14);
	assert_int_equal(tmpl.bootfiles[1].param_tlv_len, 4 + 4 + 3);
	assert_memory_equal(tmpl.bootfiles[1].tlv, ((const uint8_t[]){
		0, 59, 0, 10, 't', 'f', 't', 'p', ':', '/', '/', 'x', '/', 'e',
		0, 60, 0, 7, 0, 2, 'p', '1', 0, 1, 'q' }), 25);
}

static void test_template_empty_subnet(void **state)
{
	struct rb_cfg_subnet6 sn;
	struct rb_cfg_profile pr;

	memset(&sn, 0, sizeof(sn));
	memset(&pr, 0, sizeof(pr));
	/* Only the time offset of option 17 is set, and option 17 is still sent. */
	sn.vendor4491.has_time_offset = true;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl), 0);
	assert_int_equal(tmpl.slot_off[RB_D6_SLOT_DNS], 0);
	assert_int_equal(tmpl.slot_off[RB_D6_SLOT_DOMAINS], 0);
	assert_int_equal(tmpl.slot_off[RB_D6_SLOT_SZTP], 0);
	check_slot(RB_D6_SLOT_VENDOR_OPTS, BYTES(0, 17, 0, 12, 0, 0, 0x11, 0x8b, 0, 38, 0, 4, 0, 0, 0, 0));
	assert_int_equal(tmpl.flags, 0);

	/* A vendor option with no sub-option is left out. */
	sn.vendor4491.has_time_offset = false;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl), 0);
	assert_int_equal(tmpl.slot_off[RB_D6_SLOT_VENDOR_OPTS], 0);
}

static void test_template_errors(void **state)
{
	struct rb_cfg_subnet6 sn;
	struct rb_cfg_profile pr;

	full_config(&sn, &pr);
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, 2, &tmpl), -EINVAL);

	/* Eight names of 200 bytes do not fit 1024 bytes. */
	for (int i = 0; i < RB_CFG_DOMAINS_MAX; i++) {
		memset(sn.domain_search[i], 'a', 200);
		for (int j = 50; j < 200; j += 51)
			sn.domain_search[i][j] = '.';
		sn.domain_search[i][200] = '\0';
	}
	sn.n_domain_search = RB_CFG_DOMAINS_MAX;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl),
			 -EMSGSIZE);

	full_config(&sn, &pr);
	strcpy(sn.domain_search[0], "a..b");
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl),
			 -EINVAL);

	full_config(&sn, &pr);
	memset(pr.bootfiles6[1].url, 'u', RB_CFG_URI_MAX - 1);
	for (int i = 0; i < RB_CFG_BOOT_PARAMS_MAX; i++)
		memset(pr.bootfiles6[1].params[i], 'p', RB_CFG_BOOT_PARAM_LEN - 1);
	pr.bootfiles6[1].n_params = RB_CFG_BOOT_PARAMS_MAX;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl),
			 -EMSGSIZE);
}

/* Parse msg and build a reply with the template of full_config(). */
static int build_for(const uint8_t *msg, size_t len)
{
	struct rb_cfg_subnet6 sn;
	struct rb_cfg_profile pr;

	full_config(&sn, &pr);
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pr, server_duid, sizeof(server_duid), &tmpl), 0);
	assert_int_equal(parse(msg, len), RB_D6_OK);
	return 0;
}

/* The device record of fd00:213::11 in the subnet of full_config(). */
static void device11(struct rb_device6 *dev)
{
	static const uint8_t addr[16] = { ADDR_11 };

	memset(dev, 0, sizeof(*dev));
	memcpy(dev->addr, addr, 16);
	dev->preferred_lifetime = 3600;
	dev->valid_lifetime = 7200;
	dev->t1 = 1800;
	dev->t2 = 2880;
}

static void test_reply_rapid_commit(void **state)
{
	static const uint8_t solicit[] = {
		HDR(1), OPT_CLIENTID_LL, 0, 14, 0, 0, 0, 8, 0, 2, 0, 0,
		0, 6, 0, 4, 0, 23, 0, 99, OPT_IA_NA_EMPTY,
	};
	static const uint8_t want[] = {
		HDR(7), OPT_CLIENTID_LL, OPT_SERVERID, 0, 14, 0, 0,
		0, 3, 0, 40, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40,
		0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20,
		0, 23, 0, 32, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	struct rb_device6 dev;
	int len;

	build_for(solicit, sizeof(solicit));
	device11(&dev);
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(work.out.b, want, sizeof(want));
	assert_int_equal(work.args.dropped, 0);
}

/* The same Solicit without Rapid Commit: an Advertise with the same IA_NA and no option 14. */
static void test_reply_advertise(void **state)
{
	static const uint8_t solicit[] = {
		HDR(1), OPT_CLIENTID_LL, 0, 8, 0, 2, 0, 0,
		0, 6, 0, 4, 0, 23, 0, 99, OPT_IA_NA_EMPTY,
	};
	static const uint8_t want[] = {
		HDR(2), OPT_CLIENTID_LL, OPT_SERVERID,
		0, 3, 0, 40, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40,
		0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20,
		0, 23, 0, 32, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	struct rb_device6 dev;
	int len;

	build_for(solicit, sizeof(solicit));
	device11(&dev);
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(work.out.b, want, sizeof(want));
	assert_int_equal(work.args.dropped, 0);
}

static void test_reply_oro_filter(void **state)
{
	/* No ORO: none of the ORO-only options. */
	static const uint8_t no_oro[] = { HDR(3), OPT_CLIENTID_LL, OPT_SERVERID, OPT_IA_NA_11 };
	/* Every code the template has, and a few it has not. */
	static const uint8_t all[] = {
		HDR(11), OPT_CLIENTID_LL,
		0, 6, 0, 26, 0, 60, 0, 59, 0, 83, 0, 82, 0, 136, 0, 17, 0, 56, 0, 31, 0, 24, 0, 23,
		0, 1, 0, 2, 0, 200,
		0, 61, 0, 2, 0, 7,
	};
	struct rb_device6 dev;
	int len, pos;

	build_for(no_oro, sizeof(no_oro));
	device11(&dev);
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	len = rb_dhcp6_build(&work, &tmpl);
	/* Header, client id, server id and the IA_NA with one address, nothing else. */
	assert_int_equal(len, 4 + 14 + 22 + 44);

	/* An Information-request: every slot in slot order, then the arch 7 boot file. */
	build_for(all, sizeof(all));
	memset(&work.args, 0, sizeof(work.args));
	work.args.reply_type = RB_D6_REPLY;
	work.args.status = RB_D6_STATUS_NONE;
	work.args.bootfile = rb_dhcp6_pick_bootfile(&work, &tmpl);
	assert_int_equal(work.args.bootfile, 1);
	len = rb_dhcp6_build(&work, &tmpl);
	assert_true(len > 0);
	pos = 4 + 14 + 22;
	for (int slot = 0; slot < RB_D6_SLOT_COUNT; slot++) {
		uint16_t off = tmpl.slot_off[slot] - 1;
		int tlv = 4 + (tmpl.opts[off + 2] << 8 | tmpl.opts[off + 3]);

		if (memcmp(&work.out.b[pos], &tmpl.opts[off], (size_t)tlv))
			fail_msg("slot %d not at offset %d of the reply", slot, pos);
		pos += tlv;
	}
	assert_memory_equal(&work.out.b[pos], tmpl.bootfiles[1].tlv, 25);
	assert_int_equal(len, pos + 25);

	/* INF_MAX_RT is only for Information-request; the Solicit gets the rest. */
	memcpy(work.in.b, all, sizeof(all));
	work.in.b[0] = RB_D6_SOLICIT;
	assert_int_equal(rb_dhcp6_parse(&work, sizeof(all)), RB_D6_OK);
	work.args.bootfile = -1;
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, pos - 8);
}

static void test_reply_bootfile_choice(void **state)
{
	static const uint8_t ipxe[] = {
		HDR(11), 0, 6, 0, 2, 0, 59, 0, 15, 0, 6, 0, 4, 'i', 'P', 'X', 'E', 0, 61, 0, 2, 0, 7,
	};
	static const uint8_t arch9[] = { HDR(11), 0, 6, 0, 4, 0, 60, 0, 59, 0, 61, 0, 2, 0, 9 };
	int len;

	/* The iPXE rule wins over the architecture rule; no client id is echoed when absent. */
	build_for(ipxe, sizeof(ipxe));
	assert_int_equal(rb_dhcp6_pick_bootfile(&work, &tmpl), 0);
	memset(&work.args, 0, sizeof(work.args));
	work.args.reply_type = RB_D6_REPLY;
	work.args.status = RB_D6_STATUS_NONE;
	work.args.bootfile = 0;
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, 4 + 22 + 19);
	assert_memory_equal(&work.out.b[26], ((const uint8_t[]){ 0, 59, 0, 15, 'h', 't', 't', 'p' }), 8);

	/* Another architecture gets the default rule, which has no parameters. */
	build_for(arch9, sizeof(arch9));
	assert_int_equal(rb_dhcp6_pick_bootfile(&work, &tmpl), 2);
	work.args.reply_type = RB_D6_REPLY;
	work.args.status = RB_D6_STATUS_NONE;
	work.args.bootfile = 2;
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, 4 + 22 + 14);
}

static void test_reply_statuses(void **state)
{
	static const uint8_t request[] = {
		HDR(5), OPT_CLIENTID_LL, OPT_SERVERID,
		0, 3, 0, 68, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 5, 0, 24, ADDR_99, 0, 0, 0, 1, 0, 0, 0, 2,
		0, 5, 0, 24, ADDR_11, 0, 0, 0, 1, 0, 0, 0, 2,
		OPT_IA_NA_EMPTY,
	};
	static const uint8_t want_ias[] = {
		0, 13, 0, 2, 0, 0,
		0, 3, 0, 68, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40,
		0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20,
		0, 5, 0, 24, ADDR_99, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 3, 0, 18, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 13, 0, 2, 0, 2,
	};
	static const uint8_t addr[16] = { ADDR_11 };
	struct rb_device6 dev;
	int len;

	build_for(request, sizeof(request));
	device11(&dev);
	/* Another address in the IA: XDP leaves this Renew to rackbootd. */
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_SLOW);

	memset(&work.args, 0, sizeof(work.args));
	work.args.reply_type = RB_D6_REPLY;
	work.args.status = RB_D6_STATUS_SUCCESS;
	work.args.preferred_lifetime = 3600;
	work.args.valid_lifetime = 7200;
	work.args.t1 = 1800;
	work.args.t2 = 2880;
	work.args.bootfile = -1;
	memcpy(work.args.addr, addr, 16);
	work.args.ia_action[0] = RB_D6_IA_BIND_ZERO_OTHERS;
	work.args.ia_action[1] = RB_D6_IA_STATUS;
	work.args.ia_status[1] = RB_D6_STATUS_NO_ADDRS_AVAIL;
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, 4 + 14 + 22 + sizeof(want_ias));
	assert_memory_equal(&work.out.b[40], want_ias, sizeof(want_ias));

	/* An omitted IA and a top-level UseMulticast only. */
	work.args.status = RB_D6_STATUS_USE_MULTICAST;
	work.args.ia_action[0] = RB_D6_IA_OMIT;
	work.args.ia_action[1] = RB_D6_IA_OMIT;
	len = rb_dhcp6_build(&work, &tmpl);
	assert_int_equal(len, 4 + 14 + 22 + 6);
	assert_memory_equal(&work.out.b[40], ((const uint8_t[]){ 0, 13, 0, 2, 0, 5 }), 6);
}

static void test_fast_prepare_verdicts(void **state)
{
	struct rb_device6 dev;

	device11(&dev);
	build_for(BYTES(HDR(1), OPT_CLIENTID_LL, OPT_IA_NA_EMPTY));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	assert_int_equal(work.args.reply_type, RB_D6_ADVERTISE);
	assert_int_equal(work.args.flags, 0);
	assert_int_equal(work.args.ia_action[0], RB_D6_IA_BIND);

	build_for(BYTES(HDR(1), OPT_CLIENTID_LL, 0, 14, 0, 0, OPT_IA_NA_EMPTY));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	assert_int_equal(work.args.reply_type, RB_D6_REPLY);
	assert_int_equal(work.args.flags, RB_D6_BUILD_RAPID_COMMIT);

	/* Rapid Commit off in the subnet: the same Solicit gets an Advertise. */
	tmpl.flags = 0;
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	assert_int_equal(work.args.reply_type, RB_D6_ADVERTISE);
	assert_int_equal(work.args.flags, 0);

	build_for(BYTES(HDR(1), OPT_CLIENTID_LL, OPT_SERVERID, 0, 14, 0, 0, OPT_IA_NA_EMPTY));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_OTHER_SERVER);

	build_for(BYTES(HDR(3), OPT_CLIENTID_LL, OPT_IA_NA_11));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_OTHER_SERVER);

	build_for(BYTES(HDR(3), OPT_CLIENTID_LL, 0, 2, 0, 3, 0, 4, 1, OPT_IA_NA_11));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_OTHER_SERVER);

	build_for(BYTES(HDR(5), OPT_CLIENTID_LL, OPT_SERVERID, OPT_IA_NA_11));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_REPLY);
	assert_int_equal(work.args.flags, 0);
	assert_int_equal(work.args.ia_action[0], RB_D6_IA_BIND);

	build_for(BYTES(HDR(3), OPT_CLIENTID_LL, OPT_SERVERID, OPT_IA_NA_11, OPT_IA_NA_EMPTY));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_SLOW);

	build_for(BYTES(HDR(3), OPT_CLIENTID_LL, OPT_SERVERID));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_SLOW);

	build_for(BYTES(HDR(3), OPT_CLIENTID_LL, OPT_SERVERID, OPT_IA_NA_11, 0, 25, 0, 12,
			1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_SLOW);

	build_for(BYTES(HDR(6), OPT_CLIENTID_LL, OPT_IA_NA_11));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_MSG_TYPE);

	build_for(BYTES(HDR(8), OPT_CLIENTID_LL, OPT_SERVERID, OPT_IA_NA_11));
	assert_int_equal(rb_dhcp6_fast_prepare(&work, &tmpl, &dev), RB_D6_V_PASS_MSG_TYPE);
}

static void test_duid_key(void **state)
{
	struct rb_duid_key a, b;
	static const uint8_t duid[] = { DUID_LL };

	memset(&b, 0xff, sizeof(b));
	assert_int_equal(rb_dhcp6_duid_key(duid, sizeof(duid), &a), 0);
	assert_int_equal(a.len, 10);
	assert_memory_equal(a.duid, duid, 10);

	/* The key built from a parsed request is the same bytes, padding included. */
	assert_int_equal(parse(BYTES(HDR(1), OPT_CLIENTID_LL)), RB_D6_OK);
	assert_int_equal(rb_dhcp6_client_key(&work, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));

	assert_int_equal(rb_dhcp6_duid_key(duid, 2, &a), -EINVAL);
	assert_int_equal(rb_dhcp6_duid_key(duid, RB_DUID_MAX + 1, &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_oversize),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_many_ia),
		cmocka_unit_test(test_parse_user_class),
		cmocka_unit_test(test_relay_unwrap_single),
		cmocka_unit_test(test_relay_unwrap_plain),
		cmocka_unit_test(test_relay_nested),
		cmocka_unit_test(test_relay_wrap_bytes),
		cmocka_unit_test(test_relay_errors),
		cmocka_unit_test(test_template_options),
		cmocka_unit_test(test_template_empty_subnet),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_reply_rapid_commit),
		cmocka_unit_test(test_reply_advertise),
		cmocka_unit_test(test_reply_oro_filter),
		cmocka_unit_test(test_reply_bootfile_choice),
		cmocka_unit_test(test_reply_statuses),
		cmocka_unit_test(test_fast_prepare_verdicts),
		cmocka_unit_test(test_duid_key),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
