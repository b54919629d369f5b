// SPDX-License-Identifier: MIT
/*
 * Pass every frame to the network stack.
 *
 * The integration tests attach this program to the far end of each veth
 * pair that faces rackbootd.  A frame that a native XDP program sends with
 * XDP_TX on a veth reaches the peer only when the peer runs in XDP mode
 * itself, and attaching any program turns that mode on.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
