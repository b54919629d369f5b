// SPDX-License-Identifier: MIT
/*
 * Two trivial XDP programs for the server end of the benchmarks.
 *
 * reflect sends every frame back where it came from with the Ethernet
 * addresses swapped: the least work a server can do per packet, so its
 * packet rate is the ceiling of the veth setup.  pass hands every frame
 * to the network stack.  A veth end needs some XDP program attached for
 * frames that its peer sends with XDP_TX to arrive, so the socket-based
 * servers (Kea, dnsmasq, tftp-hpa) and perfdhcp's client end run behind
 * this one.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 mac[ETH_ALEN];

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
}

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
