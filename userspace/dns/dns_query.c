// SPDX-License-Identifier: MIT
/*
 * Parse a DNS query: header, the one question, and the OPT record of
 * EDNS(0) (RFC 6891) among the additional records.  Every read goes
 * through the bounds-checked reader of dns_wire.c.
 */
#include <string.h>

#include "dns/dns_answer.h"

/* Records in a query beyond the question; more is not a query we answer. */
#define RECORDS_MAX	64

/* Skip one resource record, or parse it when it is an OPT record. */
static void read_record(struct rb_dns_reader *r, bool additional, struct rb_dns_query *q,
			unsigned int *n_opt, bool *opt_bad)
{
	uint8_t name[RB_DNS_NAME_MAX];
	size_t name_len = rb_dns_read_name(r, name);
	uint16_t type = rb_dns_read_u16(r);
	uint16_t rclass = rb_dns_read_u16(r);
	uint32_t ttl = rb_dns_read_u32(r);
	uint16_t rdlen = rb_dns_read_u16(r);

	rb_dns_skip(r, rdlen);
	if (r->err || type != RB_DNS_OPT)
		return;
	/* RFC 6891, 6.1.1: one OPT record, owned by the root, in the additional section. */
	if (!additional || name_len != 1 || ++*n_opt > 1) {
		*opt_bad = true;
		return;
	}
	q->has_edns = true;
	q->edns_udp_size = rclass < RB_DNS_UDP_MIN ? RB_DNS_UDP_MIN : rclass;
	q->edns_version = (uint8_t)(ttl >> 16);
}

enum rb_dns_parse rb_dns_parse_query(const uint8_t *msg, size_t len, struct rb_dns_query *q,
				     uint8_t *rcode)
{
	struct rb_dns_reader r;
	uint16_t qdcount, ancount, nscount, arcount;
	unsigned int n_opt = 0;
	bool opt_bad = false;

	memset(q, 0, sizeof(*q));
	*rcode = RB_DNS_NOERROR;
	if (len < RB_DNS_HEADER_LEN)
		return RB_DNS_PARSE_DROP;

	rb_dns_reader_init(&r, msg, len);
	q->id = rb_dns_read_u16(&r);
	q->flags = rb_dns_read_u16(&r);
	qdcount = rb_dns_read_u16(&r);
	ancount = rb_dns_read_u16(&r);
	nscount = rb_dns_read_u16(&r);
	arcount = rb_dns_read_u16(&r);
	if (q->flags & RB_DNS_FLAG_QR)
		return RB_DNS_PARSE_DROP;

	if (qdcount == 1) {
		q->qname_len = rb_dns_read_name(&r, q->qname);
		q->qtype = rb_dns_read_u16(&r);
		q->qclass = rb_dns_read_u16(&r);
		q->has_question = !r.err;
	}
	if (RB_DNS_OPCODE(q->flags) != 0) {
		*rcode = RB_DNS_NOTIMP;
		return RB_DNS_PARSE_ERROR;
	}
	if (qdcount != 1 || !q->has_question ||
	    (size_t)ancount + nscount + arcount > RECORDS_MAX) {
		*rcode = RB_DNS_FORMERR;
		return RB_DNS_PARSE_ERROR;
	}

	for (unsigned int i = 0; i < (unsigned int)ancount + nscount + arcount && !r.err; i++)
		read_record(&r, i >= (unsigned int)ancount + nscount, q, &n_opt, &opt_bad);
	if (r.err || opt_bad) {
		q->has_edns = false;
		*rcode = RB_DNS_FORMERR;
		return RB_DNS_PARSE_ERROR;
	}
	if (q->has_edns && q->edns_version > 0) {
		*rcode = RB_DNS_BADVERS;
		return RB_DNS_PARSE_ERROR;
	}
	return RB_DNS_PARSE_OK;
}
