// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the DNS query parser and responder.  Each input
 * is answered as a UDP and as a TCP query from a small zone with every
 * record type and a CNAME chain.  A response must fit its limit, carry
 * the query's ID, and decode again: every name in it, compression
 * pointers included, must read back without error.  The sanitizers
 * catch reads and writes outside the buffers, and a broken contract
 * traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/dns_answer.h"
#include "dns/dns_wire.h"
#include "dns/dns_zone.h"

static struct rb_dns_zone *zone;
static uint8_t out[RB_DNS_TCP_MAX];

static size_t name(const char *text, uint8_t *wire)
{
	return rb_dns_name_from_text(text, NULL, 0, wire);
}

static void add(const char *owner, uint16_t type, const void *rdata, size_t len)
{
	uint8_t wire[RB_DNS_NAME_MAX];

	if (rb_dns_zone_add(zone, wire, name(owner, wire), type, 60, rdata, len))
		__builtin_trap();
}

static void add_name(const char *owner, uint16_t type, const char *target)
{
	uint8_t wire[RB_DNS_NAME_MAX];

	add(owner, type, wire, name(target, wire));
}

static void build_zone(void)
{
	uint8_t wire[RB_DNS_NAME_MAX], soa[2 * RB_DNS_NAME_MAX + 20] = { 0 };
	static const uint8_t srv[] = "\0\1\0\2\0\x50\4boot\3lab\4test";
	size_t n, m;

	zone = rb_dns_zone_new();
	rb_dns_zone_add_apex(zone, wire, name("lab.test.", wire));
	rb_dns_zone_add_apex(zone, wire, name("0.10.in-addr.arpa.", wire));
	n = name("ns.lab.test.", soa);
	m = name("hostmaster.lab.test.", soa + n);
	add("lab.test.", RB_DNS_SOA, soa, n + m + 20);
	add_name("lab.test.", RB_DNS_NS, "ns.lab.test.");
	add("ns.lab.test.", RB_DNS_A, "\x0a\0\0\1", 4);
	add("ns.lab.test.", RB_DNS_AAAA, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	add("boot.lab.test.", RB_DNS_A, "\x0a\0\0\2", 4);
	add_name("www.lab.test.", RB_DNS_CNAME, "web.lab.test.");
	add_name("web.lab.test.", RB_DNS_CNAME, "boot.lab.test.");
	add_name("out.lab.test.", RB_DNS_CNAME, "example.org.");
	add_name("loop.lab.test.", RB_DNS_CNAME, "loop.lab.test.");
	add("_http._tcp.lab.test.", RB_DNS_SRV, srv, sizeof(srv));
	add("txt.lab.test.", RB_DNS_TXT, "\5hello\0", 7);
	add_name("2.0.0.10.in-addr.arpa.", RB_DNS_PTR, "boot.lab.test.");
	for (int i = 0; i < 40; i++) {
		uint8_t addr[4] = { 10, 0, 1, (uint8_t)i };

		add("many.lab.test.", RB_DNS_A, addr, 4);
	}
}

/* Every name and record of a response must decode within its length. */
static void check_response(const uint8_t *msg, size_t len, const uint8_t *query, size_t max)
{
	struct rb_dns_reader r;
	uint8_t wire[RB_DNS_NAME_MAX];
	unsigned int records;

	if (len < RB_DNS_HEADER_LEN || len > max || memcmp(msg, query, 2) != 0 || !(msg[2] & 0x80))
		__builtin_trap();
	rb_dns_reader_init(&r, msg, len);
	rb_dns_skip(&r, 4);
	if (rb_dns_read_u16(&r) == 1) {
		rb_dns_skip(&r, 6);
		rb_dns_read_name(&r, wire);
		rb_dns_skip(&r, 4);
	} else {
		rb_dns_skip(&r, 6);
	}
	records = (unsigned int)(msg[6] << 8 | msg[7]) + (unsigned int)(msg[8] << 8 | msg[9]) +
		  (unsigned int)(msg[10] << 8 | msg[11]);
	for (unsigned int i = 0; i < records; i++) {
		uint16_t type;

		rb_dns_read_name(&r, wire);
		type = rb_dns_read_u16(&r);
		rb_dns_skip(&r, 6);
		if (type == RB_DNS_CNAME || type == RB_DNS_NS || type == RB_DNS_PTR) {
			uint16_t rdlen = rb_dns_read_u16(&r);
			size_t end = r.pos + rdlen;

			rb_dns_read_name(&r, wire);
			if (!r.err && r.pos != end)
				__builtin_trap();
		} else {
			rb_dns_skip(&r, rb_dns_read_u16(&r));
		}
	}
	if (r.err || r.pos != len)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_dns_settings settings = { .edns_udp_size = 1232 };
	struct rb_dns_reply_info info;
	struct rb_dns_query q;
	char text[RB_DNS_TEXT_MAX];
	size_t n;

	if (!zone)
		build_zone();
	for (int tcp = 0; tcp < 2; tcp++) {
		n = rb_dns_respond(zone, &settings, data, size, tcp, out, &q, &info);
		if (info.action == RB_DNS_ACTION_DROP || info.action == RB_DNS_ACTION_OUTSIDE) {
			if (n != 0)
				__builtin_trap();
			if (info.action == RB_DNS_ACTION_OUTSIDE) {
				n = rb_dns_encode_error(&settings, &q, RB_DNS_REFUSED, out,
							RB_DNS_UDP_MIN);
				check_response(out, n, data, RB_DNS_UDP_MIN);
			}
			continue;
		}
		/* Error responses before the EDNS size is known are held to 512 bytes or less. */
		check_response(out, n, data, tcp ? RB_DNS_TCP_MAX : rb_dns_udp_max(&settings, &q));
		if (q.has_question)
			rb_dns_name_to_text(q.qname, q.qname_len, text, sizeof(text));
	}
	return 0;
}
