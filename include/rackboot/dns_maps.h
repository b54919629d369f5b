/* SPDX-License-Identifier: MIT */
/*
 * Map key and value of the DNS fast path in XDP, shared by the XDP
 * program and rackbootd.  The layout rules of rackboot/maps.h apply.
 *
 * rackbootd encodes the response to each (name, type) pair with the
 * functions that respond on its socket.  The map stores the part after
 * the question: the flags, the section counts, and the bytes of the
 * answer, authority and additional sections followed by the OPT record.  Compression pointers in those bytes point into the
 * question at offset 12, whose length the key fixes, so the tail is the
 * same for every spelling of the name's case.
 */
#ifndef RACKBOOT_DNS_MAPS_H
#define RACKBOOT_DNS_MAPS_H

#include <linux/types.h>

/* Maximum query name (wire bytes, root label included) that XDP responds to. */
#define RB_DNS_XDP_NAME_MAX	128
/* Maximum tail (sections and OPT record) in bytes.  A longer response stays in userspace. */
#define RB_DNS_XDP_TAIL_MAX	512
/* Entries of rb_dns_answers. */
#define RB_DNS_XDP_ENTRIES	65536
/* Bytes of the OPT record at the end of every tail: root, type, class, TTL, RDLENGTH 0. */
#define RB_DNS_XDP_OPT_LEN	11

/* Key of rb_dns_answers: the query name lower-cased, and its type. */
struct rb_dns_key {
	__u8 name[RB_DNS_XDP_NAME_MAX];	/* wire format, zero after name_len bytes */
	__u16 qtype;			/* host order */
	__u8 name_len;			/* 1..RB_DNS_XDP_NAME_MAX */
	__u8 pad;			/* zero */
};

/* Value of rb_dns_answers: the response after its question. */
struct rb_dns_answer {
	__u16 flags;		/* host order: QR, AA, RA and rcode; XDP adds the query's RD and CD */
	__u16 ancount;		/* host order */
	__u16 nscount;		/* host order */
	__u16 arcount;		/* host order, without the OPT record */
	__u16 len;		/* tail bytes with the OPT record, RB_DNS_XDP_OPT_LEN..RB_DNS_XDP_TAIL_MAX */
	__u16 edns_udp_size;	/* the server's EDNS payload size, the most it sends with EDNS */
	__u32 sum;		/* ones' complement sum of the tail without OPT, placed after the question */
	__u32 opt_sum;		/* the same for the OPT record's bytes */
	__u32 pad;		/* zero */
	__u8 tail[RB_DNS_XDP_TAIL_MAX];
};

_Static_assert(sizeof(struct rb_dns_key) == RB_DNS_XDP_NAME_MAX + 4, "rb_dns_key size");
_Static_assert(sizeof(struct rb_dns_answer) == 24 + RB_DNS_XDP_TAIL_MAX, "rb_dns_answer size");

#endif
