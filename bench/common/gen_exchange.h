/* SPDX-License-Identifier: MIT */
/*
 * Per-client state of the DHCPv4 and DHCPv6 load generators, shared by
 * their XDP programs (gen_exchange.bpf.h) and drivers.  Each simulated
 * client runs one exchange at a time: a request, an offer, a second
 * request and the reply that completes it.
 */
#ifndef RB_BENCH_COMMON_GEN_EXCHANGE_H
#define RB_BENCH_COMMON_GEN_EXCHANGE_H

#include <linux/types.h>

/* Maximum clients: one gen_clients entry each (24 bytes). */
#define GEN_MAX_CLIENTS		(1u << 24)

/*
 * Client MAC: 02:62 (locally administered), then the client index as
 * four bytes, big-endian.
 */
#define GEN_MAC_PREFIX0		0x02
#define GEN_MAC_PREFIX1		0x62

/* State of one simulated client's latest exchange. */
struct gen_client {
	__u32 xid;		/* transaction ID of the latest exchange */
	__u32 flags;		/* replies seen, the generator's GEN_F_* or GEN6_F_* */
	__u64 sent_ns;		/* CLOCK_MONOTONIC time of the exchange's first request */
	__u32 slot;		/* window mode: the slot that the exchange runs in */
	__u32 pad;		/* zero */
};

#endif
