/* SPDX-License-Identifier: MIT */
/*
 * The DNS responder as pure functions of the zone and the query bytes,
 * with no sockets, no clock and no state between calls.  So the same
 * code serves UDP and TCP, the tests and the fuzzer, and it can
 * pre-encode the answers of every in-zone name and type for a fast path.
 *
 *   rb_dns_parse_query()  header, question and OPT record, with the
 *                         rcode that a malformed query gets
 *   rb_dns_resolve()      name and type -> answer, authority and
 *                         additional records (the zone's content)
 *   rb_dns_encode()       those records -> a response message, with
 *                         name compression and truncation
 *   rb_dns_respond()      the three in a row, as the server calls them
 */
#ifndef RB_DNS_ANSWER_H
#define RB_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_wire.h"
#include "dns/dns_zone.h"

/* CNAME records followed for one query, which bounds a long chain or a loop. */
#define RB_DNS_CHAIN_MAX	8
/*
 * Records per section.  NOTE: a larger set is cut and the response gets
 * TC, over TCP too.  The config allows at most 8 + 8 addresses per name.
 */
#define RB_DNS_SECTION_MAX	64

/* A parsed query: the fields that the response and the counters need. */
struct rb_dns_query {
	uint16_t id;
	uint16_t flags;			/* as received */
	bool has_question;		/* the question was parsed and is echoed */
	uint8_t qname[RB_DNS_NAME_MAX];	/* as received, case kept */
	size_t qname_len;
	uint16_t qtype;
	uint16_t qclass;
	bool has_edns;			/* exactly one valid OPT record */
	uint16_t edns_udp_size;		/* the client's payload size; below 512 counts as 512 */
	uint8_t edns_version;
};

/* Outcome of parsing a query. */
enum rb_dns_parse {
	RB_DNS_PARSE_OK = 0,
	RB_DNS_PARSE_DROP,	/* too short for a header, or a response (QR set): send nothing */
	RB_DNS_PARSE_ERROR,	/* answer with the rcode in *rcode and no records */
};

/*
 * Parse msg.  On RB_DNS_PARSE_ERROR, *rcode is FORMERR (qdcount other
 * than 1, a malformed question or record, two OPT records or an OPT
 * record not owned by the root), NOTIMP (an opcode other than QUERY) or
 * BADVERS (an EDNS version above 0).
 */
enum rb_dns_parse rb_dns_parse_query(const uint8_t *msg, size_t len, struct rb_dns_query *q,
				     uint8_t *rcode);

/* One record of a response and the owner name it goes out under. */
struct rb_dns_item {
	const struct rb_dns_rr *rr;
	const uint8_t *owner;		/* wire name; the query name for the first owner */
	size_t owner_len;
};

struct rb_dns_result {
	uint8_t rcode;
	bool in_zone;			/* the name lies in a zone of z: AA is set */
	bool cut;			/* a section had more than RB_DNS_SECTION_MAX records */
	struct rb_dns_item answer[RB_DNS_SECTION_MAX];
	unsigned int n_answer;
	struct rb_dns_item authority[RB_DNS_SECTION_MAX];
	unsigned int n_authority;
	struct rb_dns_item additional[RB_DNS_SECTION_MAX];
	unsigned int n_additional;
};

/*
 * Look qname and qtype up in z.  A name outside every zone gets
 * in_zone false and no records (the caller refuses or forwards it).  In
 * a zone: the records of the type, or a CNAME chain followed inside the
 * zones; NXDOMAIN or NODATA (NOERROR without answers) with the zone's
 * SOA in the authority section; A and AAAA of in-zone NS and SRV
 * targets as additional records.  The items point into z and qname.
 */
void rb_dns_resolve(const struct rb_dns_zone *z, const uint8_t *qname, size_t qname_len,
		    uint16_t qtype, struct rb_dns_result *res);

/* Response settings that are the server's, not the query's. */
struct rb_dns_settings {
	uint16_t edns_udp_size;		/* advertised in OPT, and the most we send over UDP */
	bool recursion_available;	/* forwarding is on: the RA bit */
};

/*
 * Encode the response to q with res into out, at most max bytes (512 or
 * the EDNS size for UDP, 65535 for TCP; out_size at least max).  When
 * the answer or authority records do not fit, they are all left out and
 * TC is set (*truncated); additional records that do not fit are left
 * out silently.  Returns the length (always at least the header).
 */
size_t rb_dns_encode(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		     const struct rb_dns_query *q, const struct rb_dns_result *res, uint8_t *out,
		     size_t max, bool *truncated);

/* Encode a response with rcode and no records (the question echoed when parsed). */
size_t rb_dns_encode_error(const struct rb_dns_settings *s, const struct rb_dns_query *q,
			   uint8_t rcode, uint8_t *out, size_t max);

/* The largest response to q over UDP: 512 without EDNS, else the smaller of both sizes. */
size_t rb_dns_udp_max(const struct rb_dns_settings *s, const struct rb_dns_query *q);

/* Outcome of rb_dns_respond(). */
enum rb_dns_action {
	RB_DNS_ACTION_REPLY = 0,	/* send out[0, length) */
	RB_DNS_ACTION_DROP,		/* send nothing */
	RB_DNS_ACTION_OUTSIDE,		/* a valid query for a name outside the zones */
};

struct rb_dns_reply_info {
	enum rb_dns_action action;
	uint8_t rcode;			/* of the reply; BADVERS is 16 */
	bool truncated;
};

/*
 * Parse msg, resolve it and encode the response into out (out_size at
 * least RB_DNS_TCP_MAX for tcp, else at least the settings' EDNS size
 * and 512).  A query for a name outside the zones gets action OUTSIDE
 * and length 0, and the caller forwards it or calls
 * rb_dns_encode_error() with REFUSED.  q receives the parsed query.
 */
size_t rb_dns_respond(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		      const uint8_t *msg, size_t len, bool tcp, uint8_t *out,
		      struct rb_dns_query *q, struct rb_dns_reply_info *info);

#endif
