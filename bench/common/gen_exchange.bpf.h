// SPDX-License-Identifier: MIT
/*
 * XDP helpers that the DHCPv4 and DHCPv6 load generators (gen.bpf.c,
 * gen6.bpf.c) share: counters, client MACs, writing a request template
 * into the frame, and recording a new exchange.  All are inlined, so
 * they add no calls or per-packet work to the programs.
 */
#ifndef RB_BENCH_COMMON_GEN_EXCHANGE_BPF_H
#define RB_BENCH_COMMON_GEN_EXCHANGE_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#include "gen_exchange.h"
#include "gen_window.bpf.h"

/* Add n to counter idx of the per-CPU array counters. */
static __always_inline void gen_count_add(void *counters, __u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(counters, &idx);

	if (v)
		*v += n;
}

/* Write the MAC of the client whose big-endian index is idx_be at p. */
static __always_inline void gen_put_mac(__u8 *p, __u32 idx_be)
{
	p[0] = GEN_MAC_PREFIX0;
	p[1] = GEN_MAC_PREFIX1;
	__builtin_memcpy(p + 2, &idx_be, 4);
}

/*
 * Window mode: take the next slot that the driver queued into *slot and
 * count it in started_idx.  Returns 0 when the queue is empty, counted
 * in empty_idx.  Outside window mode it returns 1 with *slot untouched.
 */
static __always_inline int gen_slot_pop(void *counters, __u32 empty_idx, __u32 started_idx,
					__u32 *slot)
{
	if (!window_mode)
		return 1;
	if (bpf_map_pop_elem(&gen_refill, slot)) {
		gen_count_add(counters, empty_idx, 1);
		return 0;
	}
	gen_count_add(counters, started_idx, 1);
	return 1;
}

/*
 * Write the request template (len bytes) at the start of the frame in ctx,
 * which is at least len bytes long, and store the frame in *frame.
 * Returns 0, or -1 when the frame cannot take the template.  Failure is
 * returned as a status rather than a NULL frame, so that after inlining
 * no comparison of the packet pointer is left.
 */
static __always_inline int gen_store_template(struct xdp_md *ctx, const volatile __u8 *template,
					      __u32 len, __u8 **frame)
{
	void *data, *data_end;

	if (bpf_xdp_store_bytes(ctx, 0, (void *)template, len))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + len > data_end)
		return -1;
	*frame = data;
	return 0;
}

/*
 * Write the request template into the live frame in ctx (see
 * gen_store_template).
 *
 * Live frames recycle their pages without copying data_in again, so a
 * page may still hold a reply of an earlier round trip, and the kernel
 * keeps that frame's length unless the program moves the frame bounds.
 * So move them (4 bytes to the front, 4 off the tail: the same length)
 * and write the whole template every time.
 */
static __always_inline int gen_live_frame(struct xdp_md *ctx, const volatile __u8 *template,
					  __u32 len, __u8 **frame)
{
	if (bpf_xdp_adjust_head(ctx, -4) || bpf_xdp_adjust_tail(ctx, -4))
		return -1;
	return gen_store_template(ctx, template, len, frame);
}

/*
 * Resize the received frame in ctx to len bytes and write the template
 * into it (see gen_store_template).
 */
static __always_inline int gen_refit_frame(struct xdp_md *ctx, const volatile __u8 *template,
					   __u32 len, __u8 **frame)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int delta = (int)len - (int)(data_end - data);

	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return -1;
	return gen_store_template(ctx, template, len, frame);
}

/*
 * Record that client idx of the array clients started exchange xid in
 * slot at now, with no reply seen yet.
 */
static __always_inline void gen_exchange_start(void *clients, __u32 idx, __u32 xid, __u32 slot,
					       __u64 now)
{
	struct gen_client *client = bpf_map_lookup_elem(clients, &idx);

	if (client) {
		client->xid = xid;
		client->flags = 0;
		client->sent_ns = now;
		client->slot = slot;
	}
	if (window_mode)
		slot_start(slot, xid, now);
}

/*
 * Window mode: hand slot back to the driver, because the frame could not
 * take the slot's next request, and count that in requeued_idx.
 */
static __always_inline int gen_slot_give_back(void *counters, __u32 requeued_idx, __u32 slot)
{
	slot_requeue(slot);
	gen_count_add(counters, requeued_idx, 1);
	return XDP_DROP;
}

#endif
