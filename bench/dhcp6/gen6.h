/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the DHCPv6 load generator's XDP programs (gen6.bpf.c)
 * and its userspace driver (gen6.c): frame offsets, the counters and the
 * reply flags.  The per-client state is in gen_exchange.h.
 *
 * The generator sends Ethernet, IPv6 without extension headers, UDP and
 * a DHCPv6 message (RFC 8415 section 8) from client port 546 to
 * ff02::1:2 port 547.  A Solicit is 46 bytes: the header, Client
 * Identifier (DUID-LL), an empty IA_NA, Elapsed Time and an Option
 * Request for DNS servers.  A Request is 74 bytes plus the Server
 * Identifier option copied from the Advertise: the header, the same
 * Client Identifier, an IA_NA with the offered address, Elapsed Time,
 * Option Request, then Server Identifier.  The Request is built in the
 * frame of the Advertise, which the program grows or shrinks to fit.
 */
#ifndef RB_BENCH_DHCP6_GEN6_H
#define RB_BENCH_DHCP6_GEN6_H

#include <linux/types.h>

#include "gen_exchange.h"

#define GEN6_ETH_LEN		14
#define GEN6_IP6_OFF		GEN6_ETH_LEN
#define GEN6_UDP_OFF		(GEN6_IP6_OFF + 40)
#define GEN6_MSG_OFF		(GEN6_UDP_OFF + 8)

#define GEN6_SOLICIT_LEN	46
#define GEN6_SOLICIT_FRAME_LEN	(GEN6_MSG_OFF + GEN6_SOLICIT_LEN)
#define GEN6_REQUEST_FIXED_LEN	74
#define GEN6_REQUEST_FIXED_FRAME_LEN	(GEN6_MSG_OFF + GEN6_REQUEST_FIXED_LEN)

/*
 * Server Identifier: option header and a DUID of 3 to 130 bytes, the
 * range of rackboot's duid-hex YANG type.  RFC 8415 section 11.1 allows
 * at most 128 bytes after the 2-byte DUID type.  GEN6_SERVER_ID_BUF is
 * the option's maximum size rounded up to a multiple of 4 for
 * bpf_csum_diff.
 */
#define GEN6_DUID_MIN		3
#define GEN6_DUID_MAX		130
#define GEN6_SERVER_ID_BUF	136

/* Offsets inside the IPv6 header and the DHCPv6 message. */
#define GEN6_SRC_ADDR_OFF	8	/* from the IPv6 header */
#define GEN6_DST_ADDR_OFF	24
#define GEN6_ADDR_INDEX_OFF	12	/* client index in a client address */
#define GEN6_DUID_INDEX_OFF	14	/* client index in the DUID-LL's MAC */
#define GEN6_CLIENT_ID_OFF	4	/* Client Identifier option */
#define GEN6_CLIENT_ID_LEN	10	/* DUID-LL with a 6-byte MAC */
#define GEN6_REQ_ADDR_OFF	38	/* IA Address in the Request's IA_NA */

/*
 * Client addresses.  Client i has the MAC of gen_exchange.h (02:62
 * followed by i as four bytes, big-endian) and link-local address
 * fe80::262:0:X:Y with i in the last four bytes.  A server's replies go
 * to that address, so its last four bytes name the client.
 */

/* The Request's xid: the Solicit's xid with its top bit flipped. */
#define GEN6_XID_MASK		0xffffff
#define GEN6_REQUEST_XID_FLIP	0x800000

/* Maximum options the client program walks in a message or in an IA_NA. */
#define GEN6_MAX_OPTIONS	32

/* Per-CPU counters; the driver sums them over the CPUs. */
enum gen6_counter {
	GEN6_TX_SOLICIT,	/* Solicits sent by the live-frames program */
	GEN6_RX_ADVERTISE,	/* Advertises with an address for an outstanding Solicit */
	GEN6_TX_REQUEST,	/* Requests sent back with XDP_TX */
	GEN6_RX_REPLY,		/* first Reply with an address: one completed exchange */
	GEN6_NO_ADDRESS,	/* Advertises and Replies without an address, with an error status or a bad option length */
	GEN6_DUP_ADVERTISE,	/* Advertises for an exchange that already had one */
	GEN6_DUP_REPLY,		/* Replies for an exchange that already had one */
	GEN6_STALE,		/* replies whose xid or Client Identifier matches no exchange */
	GEN6_REFLECTED,		/* frames to port 547 that came back (reflector) */
	GEN6_OTHER,		/* other frames, passed to the stack */
	GEN6_REQUEST_FAILED,	/* Advertises that could not be turned into a Request */
	GEN6_LATENCY_NS,	/* sum of Solicit-to-Reply times of GEN6_RX_REPLY */
	GEN6_SLOT_REQUEUED,	/* window mode: a Reply that could not become the next Solicit */
	GEN6_REFILL_EMPTY,	/* window mode: a test run repetition found no slot to start */
	GEN6_SLOT_STARTED,	/* window mode: slots started by test runs */
	GEN6_COUNTER_COUNT,
};

/* Replies seen in an exchange, in struct gen_client's flags. */
#define GEN6_F_ADVERTISED	1
#define GEN6_F_REPLIED		2

#endif
