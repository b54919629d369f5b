/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the DNS load generator's XDP programs (dnsgen.bpf.c)
 * and its userspace driver (dnsgen.c, dnsgen_names.c): frame offsets,
 * the query names, the per-ID query slots and the counters.
 *
 * A query is Ethernet, IPv4 without options, UDP and a DNS message of
 * a header and one question (type A, class IN, RD set, no EDNS), as
 * dnsperf sends by default.  Userspace builds the whole frame of each
 * name with ID 0 and source port 0, and the XDP program writes both
 * fields and the UDP checksum into every copy it sends.
 */
#ifndef RB_BENCH_DNS_DNSGEN_H
#define RB_BENCH_DNS_DNSGEN_H

#include <linux/types.h>

#define DNSGEN_ETH_LEN		14
#define DNSGEN_IP_OFF		DNSGEN_ETH_LEN
#define DNSGEN_UDP_OFF		(DNSGEN_IP_OFF + 20)
#define DNSGEN_DNS_OFF		(DNSGEN_UDP_OFF + 8)
#define DNSGEN_HDR_LEN		12		/* DNS header (RFC 1035 section 4.1.1) */
#define DNSGEN_QNAME_OFF	(DNSGEN_DNS_OFF + DNSGEN_HDR_LEN)

/* Maximum name in wire format, root label included (RFC 1035 section 2.3.4). */
#define DNSGEN_NAME_MAX		255
/* Frame of a query for a name of n wire bytes: headers, DNS header, name, type, class. */
#define DNSGEN_FRAME_LEN(n)	(DNSGEN_QNAME_OFF + (n) + 4)
#define DNSGEN_FRAME_MIN	DNSGEN_FRAME_LEN(1)
#define DNSGEN_FRAME_MAX	320		/* DNSGEN_FRAME_LEN(DNSGEN_NAME_MAX), rounded up */

/* Maximum names the generator takes, the entries of dnsgen_names. */
#define DNSGEN_MAX_NAMES	65536
/* Query slots: one per 16-bit query ID. */
#define DNSGEN_SLOTS		65536

#define DNSGEN_DNS_PORT		53
/* Source port of the first simulated client; client i sends from this + i. */
#define DNSGEN_BASE_PORT	40000
/* Maximum simulated clients, so that the last source port stays below 65536. */
#define DNSGEN_MAX_CLIENTS	1024

/* DNS header fields (RFC 1035 section 4.1.1), as bytes of the header. */
#define DNSGEN_FLAGS1_QR	0x80		/* byte 2: response */
#define DNSGEN_FLAGS1_TC	0x02		/* byte 2: truncated */
#define DNSGEN_FLAGS1_RD	0x01		/* byte 2: recursion desired */
#define DNSGEN_FLAGS2_RCODE	0x0f		/* byte 3: response code, 0 is NOERROR */
#define DNSGEN_TYPE_A		1
#define DNSGEN_CLASS_IN		1

/* One query name: its whole query frame and the A record a server must return. */
struct dnsgen_name {
	__u8 frame[DNSGEN_FRAME_MAX];	/* the query, ID 0 and source port 0, zeros after frame_len */
	__u64 sum;			/* ones' complement sum of the UDP checksum's words, as in memory */
	__u32 addr;			/* expected A record data, network order */
	__u16 frame_len;		/* DNSGEN_FRAME_MIN..DNSGEN_FRAME_LEN(DNSGEN_NAME_MAX) */
	__u16 qname_len;		/* wire bytes of the name, root label included */
};

_Static_assert(DNSGEN_FRAME_LEN(DNSGEN_NAME_MAX) <= DNSGEN_FRAME_MAX,
	       "a query for the longest name fits the frame buffer");
_Static_assert(sizeof(struct dnsgen_name) == DNSGEN_FRAME_MAX + 16, "dnsgen_name size");

enum dnsgen_slot_state {
	DNSGEN_SLOT_FREE = 0,		/* no query sent with this ID yet */
	DNSGEN_SLOT_PENDING,		/* query sent, no response yet */
	DNSGEN_SLOT_DONE,		/* the first response arrived */
};

/* The latest query sent with one ID; the slot's index is the ID. */
struct dnsgen_slot {
	__u32 name_idx;			/* entry of dnsgen_names that was asked for */
	__u16 port;			/* source port of the query, network order */
	__u16 state;			/* enum dnsgen_slot_state */
	__u64 sent_ns;			/* CLOCK_MONOTONIC time of the query */
};

/* Per-CPU counters; the driver sums them over the CPUs. */
enum dnsgen_counter {
	DNSGEN_TX_QUERY,	/* queries sent by the live-frames program */
	DNSGEN_RX_MATCHED,	/* first response to a pending query (ID and port match) */
	DNSGEN_RX_ANSWERED,	/* of those: NOERROR with the name's A record first */
	DNSGEN_RX_NO_ANSWER,	/* of those: NOERROR without answer records (the reflector) */
	DNSGEN_RX_WRONG_ANSWER,	/* of those: NOERROR, but the first answer is not the expected A */
	DNSGEN_RX_RCODE,	/* of those: a response code other than NOERROR */
	DNSGEN_RX_TRUNCATED,	/* of those: TC set */
	DNSGEN_RX_DUP,		/* responses to a query that already had one */
	DNSGEN_RX_STALE,	/* responses whose ID or port matches no pending query */
	DNSGEN_RX_MALFORMED,	/* from port 53 to a client port, but no DNS response header */
	DNSGEN_OTHER,		/* other frames, passed to the stack */
	DNSGEN_LATENCY_NS,	/* sum of query-to-response times of DNSGEN_RX_MATCHED */
	DNSGEN_COUNTER_COUNT,
};

#endif
