/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the DHCPv4 load generator's XDP programs (gen.bpf.c)
 * and its userspace driver (gen.c): frame offsets, the counters and the
 * reply flags.  The per-client state is in gen_exchange.h.
 *
 * The generator sends Ethernet, IPv4 without options, UDP and a BOOTP
 * message: 300 bytes in a DISCOVER (zero padding after the end option)
 * and 260 in a REQUEST.
 * A REQUEST is built in the frame of the OFFER.  An OFFER that a
 * socket-based server sent may have no room to grow, so the REQUEST is
 * kept shorter than the OFFERs of the servers measured here: these have
 * 240 bytes of header and cookie, then options 53, 54, 51, 1 and more.
 * An OFFER that cannot take the REQUEST is counted in GEN_REQUEST_FAILED.
 */
#ifndef RB_BENCH_DHCP4_GEN_H
#define RB_BENCH_DHCP4_GEN_H

#include <linux/types.h>

#include "gen_exchange.h"

#define GEN_ETH_LEN		14
#define GEN_IP_OFF		GEN_ETH_LEN
#define GEN_UDP_OFF		(GEN_IP_OFF + 20)
#define GEN_BOOTP_OFF		(GEN_UDP_OFF + 8)
#define GEN_BOOTP_LEN		300
#define GEN_FRAME_LEN		(GEN_BOOTP_OFF + GEN_BOOTP_LEN)
#define GEN_REQ_BOOTP_LEN	260
#define GEN_REQ_FRAME_LEN	(GEN_BOOTP_OFF + GEN_REQ_BOOTP_LEN)

/* Offsets inside the BOOTP message (RFC 2131 section 2). */
#define GEN_XID_OFF		4
#define GEN_YIADDR_OFF		16
#define GEN_CHADDR_OFF		28
#define GEN_OPTIONS_OFF		240

/*
 * Offset of the option 50 (requested IP address) value in the REQUEST
 * template.  A pad option in front of it keeps the value at an even
 * offset, so that its 16-bit words add straight into the UDP checksum.
 */
#define GEN_REQ_IP_OFF		246

/* Most options the client program walks in an OFFER or ACK. */
#define GEN_MAX_OPTIONS		64

/* Per-CPU counters; the driver sums them over the CPUs. */
enum gen_counter {
	GEN_TX_DISCOVER,	/* DISCOVERs sent by the live-frames program */
	GEN_RX_OFFER,		/* OFFERs that matched an outstanding DISCOVER */
	GEN_TX_REQUEST,		/* REQUESTs sent back with XDP_TX */
	GEN_RX_ACK,		/* first ACK of an exchange: one completed DORA */
	GEN_RX_NAK,		/* NAKs */
	GEN_DUP_OFFER,		/* OFFERs for an exchange that already had one */
	GEN_DUP_ACK,		/* ACKs for an exchange that already had one */
	GEN_STALE,		/* replies whose xid or chaddr matches no exchange */
	GEN_REFLECTED,		/* frames to port 67 that came back (reflector) */
	GEN_OTHER,		/* other frames, passed to the stack */
	GEN_REQUEST_FAILED,	/* OFFERs that could not be turned into a REQUEST */
	GEN_LATENCY_NS,		/* sum of DISCOVER-to-ACK times of GEN_RX_ACK */
	GEN_SLOT_REQUEUED,	/* window mode: an ACK too short to become the next DISCOVER */
	GEN_REFILL_EMPTY,	/* window mode: a test run repetition found no slot to start */
	GEN_SLOT_STARTED,	/* window mode: slots started by test runs */
	GEN_COUNTER_COUNT,
};

/* Replies seen in an exchange, in struct gen_client's flags. */
#define GEN_F_OFFERED		1
#define GEN_F_ACKED		2

#endif
