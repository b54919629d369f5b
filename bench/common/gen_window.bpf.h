// SPDX-License-Identifier: MIT
/*
 * XDP side of the load generators' window mode (gen_window.h): the slot
 * table, the queue of slots that wait for a new exchange, and the flag
 * that the driver clears to end a step.  Included by one program file.
 */
#ifndef RB_BENCH_COMMON_GEN_WINDOW_BPF_H
#define RB_BENCH_COMMON_GEN_WINDOW_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "gen_window.h"

/* Set by the driver before loading: 1 runs steps in window mode. */
const volatile __u32 window_mode;

/* 1 while a window step runs: a completed exchange starts the slot's next one. */
__u32 gen_running;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct gen_slot);
	__uint(max_entries, GEN_WINDOW_MAX);
} gen_slots SEC(".maps");

/* Slots that the next live-frames test run starts, one per repetition. */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u32);
	__uint(max_entries, GEN_WINDOW_MAX);
} gen_refill SEC(".maps");

/* Record that slot's latest exchange is xid and that it moved at now. */
static __always_inline void slot_start(__u32 slot, __u32 xid, __u64 now)
{
	struct gen_slot *s = bpf_map_lookup_elem(&gen_slots, &slot);

	if (s) {
		s->xid = xid;
		s->last_ns = now;
	}
}

/* Return 1 when xid is slot's latest exchange, and record that it moved at now. */
static __always_inline int slot_touch(__u32 slot, __u32 xid, __u64 now)
{
	struct gen_slot *s = bpf_map_lookup_elem(&gen_slots, &slot);

	if (!s || s->xid != xid)
		return 0;
	s->last_ns = now;
	return 1;
}

/* Return 1 when the completed exchange xid of slot starts the slot's next one. */
static __always_inline int slot_goes_on(__u32 slot, __u32 xid)
{
	struct gen_slot *s;

	if (!window_mode || !gen_running)
		return 0;
	s = bpf_map_lookup_elem(&gen_slots, &slot);
	return s && s->xid == xid;
}

/* Hand slot back to the driver, which starts it with its next test run. */
static __always_inline void slot_requeue(__u32 slot)
{
	bpf_map_push_elem(&gen_refill, &slot, 0);
}

#endif
