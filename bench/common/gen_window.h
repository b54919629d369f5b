/* SPDX-License-Identifier: MIT */
/*
 * Window mode of the load generators, the layout that the XDP side
 * (gen_window.bpf.h) and the driver (gen_ladder.c) share.
 *
 * In window mode a step keeps a fixed number of exchanges in flight
 * instead of sending at an offered rate.  Each in-flight exchange is a
 * slot.  The client program turns each reply into the exchange's next
 * request, and when an exchange completes it starts the slot's next one
 * with a new client, all in XDP.  The driver starts the slots with
 * live-frames test runs and starts again each slot whose exchange went
 * quiet for longer than a timeout (a lost frame).  So the exchanges in
 * flight stay at the window, and it measures the rate that a server
 * sustains without overflowing the veth rings or socket buffers, as wrk
 * does for HTTP with a number of connections.  A slot started again
 * while its old exchange was only slow runs that exchange to its end
 * too, one exchange over the window for that while.
 */
#ifndef RB_BENCH_COMMON_GEN_WINDOW_H
#define RB_BENCH_COMMON_GEN_WINDOW_H

#include <linux/types.h>

/* Most slots of a window step. */
#define GEN_WINDOW_MAX		4096

/* One slot: its latest exchange and when it last moved. */
struct gen_slot {
	__u64 last_ns;		/* CLOCK_MONOTONIC of its latest frame sent, 0 = idle */
	__u32 xid;		/* transaction ID of its latest exchange */
	__u32 pad;		/* zero */
};

#endif
