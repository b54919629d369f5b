// SPDX-License-Identifier: MIT
/*
 * XDP side of the DHCPv4 load generator.
 *
 * gen_discover runs under BPF_PROG_TEST_RUN with live frames on the
 * client end of the veth pair: each repetition turns the DISCOVER
 * template into the DISCOVER of the next client (MAC, chaddr, xid, UDP
 * checksum) and sends it with XDP_TX.  gen_client is attached to the
 * same interface and plays every client's part in the rest of the
 * exchange: an OFFER becomes the client's REQUEST (XDP_TX), an ACK
 * completes the exchange and is counted.  With the per-client state in
 * gen_clients, a completed exchange is counted apart from a duplicate or
 * a stale reply.  Frames to port 67 that come back are counted as reflected, for
 * the XDP_TX reflector that measures the ceiling of the setup.
 *
 * In window mode (gen_window.h) gen_discover starts the slots that the
 * driver queued, and gen_client turns a completed exchange's ACK (or a
 * reflected DISCOVER) into the slot's next DISCOVER, for a new client.
 *
 * gen_client returns XDP_TX for the REQUEST and, in window mode, for
 * the next DISCOVER.  It returns XDP_DROP for every other DHCP reply and
 * reflected frame, which it counts, and XDP_PASS for anything else.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "gen_csum.bpf.h"
#include "gen_exchange.bpf.h"
#include "gen.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define BOOTREPLY		2
#define DHCPOFFER		2
#define DHCPACK			5
#define DHCPNAK			6
#define OPT_PAD			0
#define OPT_MESSAGE_TYPE	53
#define OPT_END			255

/* Set by gen.c before loading. */
const volatile __u32 n_clients = 1;
const volatile __u32 xid_base;
const volatile __u64 discover_sum;	/* checksum sum of the DISCOVER template */
const volatile __u64 request_sum;	/* checksum sum of the REQUEST template */
const volatile __u8 request_frame[GEN_REQ_FRAME_LEN];
const volatile __u8 discover_frame[GEN_FRAME_LEN];

__u32 next_seq;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, GEN_COUNTER_COUNT);
} gen_counters SEC(".maps");

/* One entry per client; gen.c sets max_entries to n_clients. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct gen_client);
	__uint(max_entries, 1);
} gen_clients SEC(".maps");

static __always_inline void count_add(__u32 idx, __u64 n)
{
	gen_count_add(&gen_counters, idx, n);
}

/*
 * Turn the DISCOVER template that the frame contains (GEN_FRAME_LEN bytes
 * from data) into the next client's DISCOVER in slot, record the
 * exchange, and return XDP_TX.
 */
static __always_inline int fill_discover(__u8 *frame, __u32 slot)
{
	struct udphdr *udp;
	__u32 seq, idx, idx_be, xid_be;
	__u64 now = bpf_ktime_get_ns();

	/*
	 * Live-frames test runs and, in window mode, gen_client both start
	 * exchanges.  Both run with bottom halves off on the generator's
	 * core, so they do not interleave.  On other cores a rare lost
	 * increment gives two exchanges one xid, and the later one counts as
	 * stale.
	 */
	seq = next_seq++;
	idx = seq % n_clients;
	idx_be = bpf_htonl(idx);
	xid_be = bpf_htonl(xid_base + seq);

	gen_put_mac(frame + ETH_ALEN, idx_be);
	gen_put_mac(frame + GEN_BOOTP_OFF + GEN_CHADDR_OFF, idx_be);
	__builtin_memcpy(frame + GEN_BOOTP_OFF + GEN_XID_OFF, &xid_be, 4);

	udp = (void *)(frame + GEN_UDP_OFF);
	udp->check = udp_check(discover_sum + words32(xid_be) + words32(idx_be));

	gen_exchange_start(&gen_clients, idx, xid_base + seq, slot, now);
	count_add(GEN_TX_DISCOVER, 1);
	return XDP_TX;
}

SEC("xdp")
int gen_discover(struct xdp_md *ctx)
{
	__u32 slot = 0;
	__u8 *frame;

	if (!gen_slot_pop(&gen_counters, GEN_REFILL_EMPTY, GEN_SLOT_STARTED, &slot))
		return XDP_DROP;
	if (gen_live_frame(ctx, discover_frame, GEN_FRAME_LEN, &frame))
		return XDP_ABORTED;
	return fill_discover(frame, slot);
}

/*
 * Window mode: turn the frame in ctx (an ACK, or a reflected DISCOVER)
 * into slot's next DISCOVER and return XDP_TX.  A frame that cannot
 * take the DISCOVER hands the slot back to the driver.
 */
static __always_inline int next_discover(struct xdp_md *ctx, __u32 slot)
{
	__u8 *frame;

	if (gen_refit_frame(ctx, discover_frame, GEN_FRAME_LEN, &frame))
		return gen_slot_give_back(&gen_counters, GEN_SLOT_REQUEUED, slot);
	return fill_discover(frame, slot);
}

/* Value of option 53 in the options that start at opts, or 0. */
static __always_inline int message_type(__u8 *opts, void *data_end)
{
	__u32 off = 0;
	__u8 *p;
	int i;

	for (i = 0; i < GEN_MAX_OPTIONS; i++) {
		/* The mask only bounds off for the verifier. */
		off &= 0x3ff;
		p = opts + off;
		if ((void *)(p + 1) > data_end)
			return 0;
		if (p[0] == OPT_PAD) {
			off++;
			continue;
		}
		if (p[0] == OPT_END || (void *)(p + 3) > data_end)
			return 0;
		if (p[0] == OPT_MESSAGE_TYPE)
			return p[2];
		off += 2 + p[1];
	}
	return 0;
}

/*
 * Rewrite the OFFER in ctx into client idx's REQUEST for yiaddr_raw (as
 * it lies in memory) and return XDP_TX, or XDP_DROP when the frame
 * cannot be resized.  A frame that a socket-based server sent arrives
 * through the veth's skb path, which may leave no room to grow it.
 */
static __always_inline int send_request(struct xdp_md *ctx, __u32 idx, __u32 xid,
					__u32 yiaddr_raw)
{
	__u32 idx_be = bpf_htonl(idx), xid_be = bpf_htonl(xid);
	struct udphdr *udp;
	__u8 *frame;

	if (gen_refit_frame(ctx, request_frame, GEN_REQ_FRAME_LEN, &frame)) {
		count_add(GEN_REQUEST_FAILED, 1);
		return XDP_DROP;
	}

	gen_put_mac(frame + ETH_ALEN, idx_be);
	gen_put_mac(frame + GEN_BOOTP_OFF + GEN_CHADDR_OFF, idx_be);
	__builtin_memcpy(frame + GEN_BOOTP_OFF + GEN_XID_OFF, &xid_be, 4);
	__builtin_memcpy(frame + GEN_BOOTP_OFF + GEN_REQ_IP_OFF, &yiaddr_raw, 4);

	udp = (void *)(frame + GEN_UDP_OFF);
	udp->check = udp_check(request_sum + words32(xid_be) + words32(idx_be) +
			       words32(yiaddr_raw));
	count_add(GEN_TX_REQUEST, 1);
	return XDP_TX;
}

/* Handle a BOOTREPLY for one of our clients; bootp has 240 bytes. */
static __always_inline int handle_reply(struct xdp_md *ctx, __u8 *bootp, void *data_end)
{
	struct gen_client *client;
	__u32 xid_be, xid, idx, idx_be, yiaddr_raw;
	int type;

	if (bootp[0] != BOOTREPLY)
		goto stale;
	__builtin_memcpy(&xid_be, bootp + GEN_XID_OFF, 4);
	xid = bpf_ntohl(xid_be);
	idx = (xid - xid_base) % n_clients;
	idx_be = bpf_htonl(idx);

	client = bpf_map_lookup_elem(&gen_clients, &idx);
	if (!client || client->xid != xid)
		goto stale;
	if (bootp[GEN_CHADDR_OFF] != GEN_MAC_PREFIX0 ||
	    bootp[GEN_CHADDR_OFF + 1] != GEN_MAC_PREFIX1 ||
	    __builtin_memcmp(bootp + GEN_CHADDR_OFF + 2, &idx_be, 4))
		goto stale;

	type = message_type(bootp + GEN_OPTIONS_OFF, data_end);
	if (type == DHCPOFFER) {
		if (client->flags & GEN_F_OFFERED) {
			count_add(GEN_DUP_OFFER, 1);
			return XDP_DROP;
		}
		client->flags |= GEN_F_OFFERED;
		count_add(GEN_RX_OFFER, 1);
		if (window_mode)
			slot_touch(client->slot, xid, bpf_ktime_get_ns());
		__builtin_memcpy(&yiaddr_raw, bootp + GEN_YIADDR_OFF, 4);
		return send_request(ctx, idx, xid, yiaddr_raw);
	}
	if (type == DHCPACK) {
		if (client->flags & GEN_F_ACKED) {
			count_add(GEN_DUP_ACK, 1);
			return XDP_DROP;
		}
		client->flags |= GEN_F_ACKED;
		count_add(GEN_RX_ACK, 1);
		count_add(GEN_LATENCY_NS, bpf_ktime_get_ns() - client->sent_ns);
		if (slot_goes_on(client->slot, xid))
			return next_discover(ctx, client->slot);
		return XDP_DROP;
	}
	if (type == DHCPNAK) {
		count_add(GEN_RX_NAK, 1);
		if (slot_goes_on(client->slot, xid))
			return next_discover(ctx, client->slot);
		return XDP_DROP;
	}

stale:
	count_add(GEN_STALE, 1);
	return XDP_DROP;
}

/* Window mode: a reflected DISCOVER of a live slot starts the slot's next one. */
static __always_inline int reflected(struct xdp_md *ctx, __u8 *bootp)
{
	struct gen_client *client;
	__u32 xid_be, xid, idx;

	__builtin_memcpy(&xid_be, bootp + GEN_XID_OFF, 4);
	xid = bpf_ntohl(xid_be);
	idx = (xid - xid_base) % n_clients;
	client = bpf_map_lookup_elem(&gen_clients, &idx);
	if (client && client->xid == xid && slot_goes_on(client->slot, xid))
		return next_discover(ctx, client->slot);
	return XDP_DROP;
}

SEC("xdp")
int gen_client(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u8 *bootp = (void *)(udp + 1);

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		goto other;

	if (udp->dest == bpf_htons(DHCP_SERVER_PORT)) {
		count_add(GEN_REFLECTED, 1);
		if (window_mode && (void *)(bootp + GEN_OPTIONS_OFF) <= data_end)
			return reflected(ctx, bootp);
		return XDP_DROP;
	}
	if (udp->dest != bpf_htons(DHCP_CLIENT_PORT))
		goto other;
	if ((void *)(bootp + GEN_OPTIONS_OFF) > data_end) {
		count_add(GEN_STALE, 1);
		return XDP_DROP;
	}
	return handle_reply(ctx, bootp, data_end);

other:
	count_add(GEN_OTHER, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
