// SPDX-License-Identifier: MIT
/*
 * The responder: resolve a name and type in the zones, and encode the
 * response with name compression, EDNS(0) and truncation.
 */
#include <string.h>

#include "dns/dns_answer.h"

#define OPT_RR_LEN	11	/* root name, type, class, TTL, RDLENGTH 0 */
#define SOA_FIXED_LEN	20	/* serial, refresh, retry, expire, minimum */

static void add_item(struct rb_dns_result *res, struct rb_dns_item *section, unsigned int *n,
		     const struct rb_dns_rr *rr, const uint8_t *owner, size_t owner_len)
{
	if (*n >= RB_DNS_SECTION_MAX) {
		res->cut = true;
		return;
	}
	section[(*n)++] = (struct rb_dns_item){ .rr = rr, .owner = owner, .owner_len = owner_len };
}

/* The zone's SOA in the authority section of a negative answer (RFC 2308, 3). */
static void add_soa(const struct rb_dns_zone *z, const struct rb_dns_node *apex,
		    struct rb_dns_result *res)
{
	const struct rb_dns_rr *soa = rb_dns_zone_rr(z, apex, RB_DNS_SOA);

	if (soa)
		add_item(res, res->authority, &res->n_authority, soa,
			 rb_dns_zone_bytes(z, apex->name), apex->name_len);
}

/* A and AAAA of an in-zone target name, as additional records. */
static void add_glue(const struct rb_dns_zone *z, const uint8_t *target, size_t len,
		     struct rb_dns_result *res)
{
	const struct rb_dns_node *node = rb_dns_zone_find(z, target, len);
	static const uint16_t types[] = { RB_DNS_A, RB_DNS_AAAA };

	if (!node)
		return;
	for (size_t t = 0; t < 2; t++) {
		for (const struct rb_dns_rr *rr = rb_dns_zone_rr(z, node, types[t]); rr;
		     rr = rb_dns_zone_next(z, rr, types[t]))
			add_item(res, res->additional, &res->n_additional, rr,
				 rb_dns_zone_bytes(z, node->name), node->name_len);
	}
}

/* The target name inside the RDATA of an NS or SRV record. */
static const uint8_t *target_of(const struct rb_dns_zone *z, const struct rb_dns_rr *rr,
				size_t *len)
{
	size_t skip = rr->type == RB_DNS_SRV ? 6 : 0;

	if (rr->rdata_len <= skip)
		return NULL;
	*len = rr->rdata_len - skip;
	return rb_dns_zone_bytes(z, rr->rdata) + skip;
}

static void add_answers(const struct rb_dns_zone *z, const struct rb_dns_node *node,
			uint16_t qtype, const uint8_t *owner, size_t owner_len,
			struct rb_dns_result *res)
{
	for (const struct rb_dns_rr *rr = rb_dns_zone_rr(z, node, qtype); rr;
	     rr = rb_dns_zone_next(z, rr, qtype)) {
		const uint8_t *target;
		size_t target_len;

		add_item(res, res->answer, &res->n_answer, rr, owner, owner_len);
		if (rr->type != RB_DNS_NS && rr->type != RB_DNS_SRV)
			continue;
		target = target_of(z, rr, &target_len);
		if (target)
			add_glue(z, target, target_len, res);
	}
}

void rb_dns_resolve(const struct rb_dns_zone *z, const uint8_t *qname, size_t qname_len,
		    uint16_t qtype, struct rb_dns_result *res)
{
	const uint8_t *name = qname;
	size_t len = qname_len;

	memset(res, 0, sizeof(*res));
	res->rcode = RB_DNS_NOERROR;
	if (!rb_dns_zone_apex_of(z, qname, qname_len))
		return;
	res->in_zone = true;

	for (unsigned int hop = 0; hop <= RB_DNS_CHAIN_MAX; hop++) {
		const struct rb_dns_node *apex = rb_dns_zone_apex_of(z, name, len);
		const struct rb_dns_node *node;
		const struct rb_dns_rr *cname;

		/* A CNAME target outside the zones: the client's resolver follows it. */
		if (!apex)
			return;
		node = rb_dns_zone_find(z, name, len);
		if (!node) {
			res->rcode = RB_DNS_NXDOMAIN;
			add_soa(z, apex, res);
			return;
		}
		if (rb_dns_zone_rr(z, node, qtype)) {
			add_answers(z, node, qtype, name, len, res);
			return;
		}
		cname = rb_dns_zone_rr(z, node, RB_DNS_CNAME);
		if (!cname || qtype == RB_DNS_CNAME) {
			add_soa(z, apex, res);	/* NODATA */
			return;
		}
		add_item(res, res->answer, &res->n_answer, cname, name, len);
		name = rb_dns_zone_bytes(z, cname->rdata);
		len = cname->rdata_len;
	}
	/* NOTE: a chain longer than RB_DNS_CHAIN_MAX ends with its last CNAME, as for an outside target. */
}

size_t rb_dns_udp_max(const struct rb_dns_settings *s, const struct rb_dns_query *q)
{
	size_t ours = s->edns_udp_size < RB_DNS_UDP_MIN ? RB_DNS_UDP_MIN : s->edns_udp_size;

	if (!q->has_edns)
		return RB_DNS_UDP_MIN;
	return q->edns_udp_size < ours ? q->edns_udp_size : ours;
}

static void write_header(struct rb_dns_writer *w, const struct rb_dns_settings *s,
			 const struct rb_dns_query *q, uint8_t rcode, bool aa)
{
	uint16_t flags = RB_DNS_FLAG_QR | (q->flags & (0x7800 | RB_DNS_FLAG_RD | RB_DNS_FLAG_CD));

	if (aa)
		flags |= RB_DNS_FLAG_AA;
	if (s->recursion_available)
		flags |= RB_DNS_FLAG_RA;
	flags |= rcode & 0xf;
	rb_dns_write_u16(w, q->id);
	rb_dns_write_u16(w, flags);
	rb_dns_write_u16(w, q->has_question ? 1 : 0);
	rb_dns_write_u16(w, 0);
	rb_dns_write_u16(w, 0);
	rb_dns_write_u16(w, 0);
	if (q->has_question) {
		rb_dns_write_name(w, q->qname, q->qname_len, false);
		rb_dns_write_u16(w, q->qtype);
		rb_dns_write_u16(w, q->qclass);
	}
}

/* The OPT record (RFC 6891, 6.1.2): our payload size, the rcode's upper bits, version 0. */
static void write_opt(struct rb_dns_writer *w, const struct rb_dns_settings *s, uint8_t rcode)
{
	rb_dns_write_u8(w, 0);
	rb_dns_write_u16(w, RB_DNS_OPT);
	rb_dns_write_u16(w, s->edns_udp_size < RB_DNS_UDP_MIN ? RB_DNS_UDP_MIN : s->edns_udp_size);
	rb_dns_write_u32(w, (uint32_t)(rcode >> 4) << 24);
	rb_dns_write_u16(w, 0);
}

/* Write the RDATA of rr, compressing the names of the types that allow it. */
static void write_rdata(struct rb_dns_writer *w, const struct rb_dns_zone *z,
			const struct rb_dns_rr *rr)
{
	const uint8_t *rdata = rb_dns_zone_bytes(z, rr->rdata);
	size_t len_pos = w->pos, start, first;

	rb_dns_write_u16(w, 0);
	start = w->pos;
	switch (rr->type) {
	case RB_DNS_NS:
	case RB_DNS_CNAME:
	case RB_DNS_PTR:
		rb_dns_write_name(w, rdata, rr->rdata_len, true);
		break;
	case RB_DNS_SOA:
		/* The zone builder stores two names then 20 bytes; the lengths follow from the labels. */
		first = 0;
		while (first < rr->rdata_len && rdata[first])
			first += 1 + (size_t)rdata[first];
		first++;
		rb_dns_write_name(w, rdata, first, true);
		rb_dns_write_name(w, rdata + first, rr->rdata_len - first - SOA_FIXED_LEN, true);
		rb_dns_write_bytes(w, rdata + rr->rdata_len - SOA_FIXED_LEN, SOA_FIXED_LEN);
		break;
	default:
		rb_dns_write_bytes(w, rdata, rr->rdata_len);
		break;
	}
	if (!w->full)
		rb_dns_put_u16(w->buf + len_pos, (uint16_t)(w->pos - start));
}

/* The TTL of a record; for the SOA of a negative answer the smaller of its TTL and MINIMUM. */
static uint32_t ttl_of(const struct rb_dns_zone *z, const struct rb_dns_rr *rr, bool negative)
{
	const uint8_t *m;
	uint32_t minimum;

	if (!negative || rr->type != RB_DNS_SOA || rr->rdata_len < SOA_FIXED_LEN)
		return rr->ttl;
	m = rb_dns_zone_bytes(z, rr->rdata) + rr->rdata_len - 4;
	minimum = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	return minimum < rr->ttl ? minimum : rr->ttl;
}

/* Write records until one does not fit; returns how many were written whole. */
static unsigned int write_section(struct rb_dns_writer *w, const struct rb_dns_zone *z,
				  const struct rb_dns_item *items, unsigned int n, bool negative)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct rb_dns_rr *rr = items[i].rr;
		size_t before = w->pos;
		unsigned int labels_before = w->n_labels;

		rb_dns_write_name(w, items[i].owner, items[i].owner_len, true);
		rb_dns_write_u16(w, rr->type);
		rb_dns_write_u16(w, RB_DNS_CLASS_IN);
		rb_dns_write_u32(w, ttl_of(z, rr, negative));
		write_rdata(w, z, rr);
		if (w->full) {
			w->pos = before;
			w->n_labels = labels_before;
			w->full = false;
			return i;
		}
	}
	return n;
}

size_t rb_dns_encode(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		     const struct rb_dns_query *q, const struct rb_dns_result *res, uint8_t *out,
		     size_t max, bool *truncated)
{
	struct rb_dns_writer w;
	size_t question_end;
	unsigned int an, ns, ar = 0;

	/* Keep room for the OPT record, which is never cut. */
	rb_dns_writer_init(&w, out, q->has_edns ? max - OPT_RR_LEN : max);
	write_header(&w, s, q, res->rcode, res->in_zone);
	question_end = w.pos;

	an = write_section(&w, z, res->answer, res->n_answer, false);
	/* The authority section contains only the SOA of an NXDOMAIN or NODATA answer. */
	ns = an == res->n_answer ? write_section(&w, z, res->authority, res->n_authority, true) : 0;
	*truncated = res->cut || an < res->n_answer || ns < res->n_authority;
	if (*truncated) {
		/* RFC 2181, 9: an incomplete RRset is not sent, so drop them all and set TC. */
		w.pos = question_end;
		an = ns = 0;
		rb_dns_put_u16(out + 2, (uint16_t)((out[2] << 8 | out[3]) | RB_DNS_FLAG_TC));
	} else {
		ar = write_section(&w, z, res->additional, res->n_additional, false);
	}
	if (q->has_edns) {
		w.size = max;
		write_opt(&w, s, res->rcode);
	}
	rb_dns_put_u16(out + 6, (uint16_t)an);
	rb_dns_put_u16(out + 8, (uint16_t)ns);
	rb_dns_put_u16(out + 10, (uint16_t)(ar + (q->has_edns ? 1 : 0)));
	return w.pos;
}

size_t rb_dns_encode_error(const struct rb_dns_settings *s, const struct rb_dns_query *q,
			   uint8_t rcode, uint8_t *out, size_t max)
{
	struct rb_dns_writer w;
	bool edns = q->has_edns || rcode == RB_DNS_BADVERS;

	rb_dns_writer_init(&w, out, max);
	write_header(&w, s, q, rcode, false);
	if (w.full) {
		/* A question longer than max: send the header alone. */
		rb_dns_writer_init(&w, out, max);
		write_header(&w, s, &(struct rb_dns_query){ .id = q->id, .flags = q->flags }, rcode,
			     false);
	}
	if (edns) {
		write_opt(&w, s, rcode);
		if (!w.full)
			rb_dns_put_u16(out + 10, 1);
	}
	return w.full ? RB_DNS_HEADER_LEN : w.pos;
}

size_t rb_dns_respond(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		      const uint8_t *msg, size_t len, bool tcp, uint8_t *out,
		      struct rb_dns_query *q, struct rb_dns_reply_info *info)
{
	struct rb_dns_result res;
	uint8_t rcode;
	size_t max;

	memset(info, 0, sizeof(*info));
	switch (rb_dns_parse_query(msg, len, q, &rcode)) {
	case RB_DNS_PARSE_DROP:
		info->action = RB_DNS_ACTION_DROP;
		return 0;
	case RB_DNS_PARSE_ERROR:
		info->rcode = rcode;
		return rb_dns_encode_error(s, q, rcode, out, tcp ? RB_DNS_TCP_MAX : RB_DNS_UDP_MIN);
	case RB_DNS_PARSE_OK:
		break;
	}
	max = tcp ? RB_DNS_TCP_MAX : rb_dns_udp_max(s, q);

	if (q->qtype == RB_DNS_OPT) {
		info->rcode = RB_DNS_FORMERR;
		return rb_dns_encode_error(s, q, RB_DNS_FORMERR, out, max);
	}
	if (q->qclass != RB_DNS_CLASS_IN && q->qclass != RB_DNS_CLASS_ANY) {
		info->rcode = RB_DNS_REFUSED;
		return rb_dns_encode_error(s, q, RB_DNS_REFUSED, out, max);
	}
	rb_dns_resolve(z, q->qname, q->qname_len, q->qtype, &res);
	if (!res.in_zone) {
		info->action = RB_DNS_ACTION_OUTSIDE;
		return 0;
	}
	/* Zone transfers are not offered. */
	if (q->qtype == RB_DNS_AXFR || q->qtype == RB_DNS_IXFR) {
		info->rcode = RB_DNS_REFUSED;
		return rb_dns_encode_error(s, q, RB_DNS_REFUSED, out, max);
	}
	info->rcode = res.rcode;
	return rb_dns_encode(z, s, q, &res, out, max, &info->truncated);
}
