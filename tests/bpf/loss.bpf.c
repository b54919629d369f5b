// SPDX-License-Identifier: MIT
/*
 * Lossy link for tests: drop a share of the UDP packets that cross a
 * veth, at random, the way a bad cable or a full switch buffer would.
 * The kernel the tests run on has no netem qdisc.  So
 * tests/integration/tftp_loss.sh attaches this object to the client's
 * veth twice: loss_xdp for frames that arrive (DATA from the server), and
 * loss_tc on the clsact egress hook for frames that leave (requests and
 * ACKs from the client).
 *
 * The share is loss_config[0] in drops per million UDP packets, 0 (the
 * value of a new map) drops nothing.  loss_counts counts per CPU the UDP
 * packets seen and dropped, by direction (enum loss_count).  Everything that is not
 * UDP over IPv4 or IPv6 passes untouched, so ARP and neighbour discovery
 * still work.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define LOSS_PER_MILLION	1000000u

enum loss_count {
	LOSS_IN_SEEN = 0,	/* arriving UDP packets (loss_xdp) */
	LOSS_IN_DROPPED,
	LOSS_OUT_SEEN,		/* leaving UDP packets (loss_tc) */
	LOSS_OUT_DROPPED,
	LOSS_COUNTS,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} loss_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} loss_counts SEC(".maps");

/* True when the Ethernet frame from data to data_end carries UDP over IPv4 or IPv6. */
static __always_inline int frame_is_udp(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	__u8 protocol;

	if ((void *)(eth + 1) > data_end)
		return 0;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return 0;
		protocol = ip->protocol;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		/* Extension headers are not followed, because the test's TFTP packets carry none. */
		protocol = ip6->nexthdr;
	} else {
		return 0;
	}
	return protocol == IPPROTO_UDP;
}

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&loss_counts, &index);

	if (value)
		*value += 1;
}

/*
 * True when this frame is UDP and chosen for a drop, per the configured
 * share.  seen is LOSS_IN_SEEN or LOSS_OUT_SEEN; the drop count follows it.
 */
static __always_inline int drop_frame(void *data, void *data_end, __u32 seen)
{
	__u32 key = 0;
	__u32 *per_million;

	if (!frame_is_udp(data, data_end))
		return 0;
	count(seen);

	per_million = bpf_map_lookup_elem(&loss_config, &key);
	if (!per_million || bpf_get_prandom_u32() % LOSS_PER_MILLION >= *per_million)
		return 0;
	count(seen + 1);
	return 1;
}

SEC("xdp")
int loss_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	return drop_frame(data, data_end, LOSS_IN_SEEN) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int loss_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	return drop_frame(data, data_end, LOSS_OUT_SEEN) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
