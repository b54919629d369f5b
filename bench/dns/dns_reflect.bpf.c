// SPDX-License-Identifier: MIT
/*
 * The reflector of bench-dns: an XDP program for the server end that
 * turns every IPv4 UDP query to port 53 into its own response and sends it
 * back with XDP_TX.  It swaps the Ethernet and IPv4 addresses and the
 * UDP ports, which leaves the IPv4 checksum valid, and sets QR.  The
 * UDP checksum becomes 0, "none" over IPv4 (RFC 768), because the
 * query's field may hold only the pseudo-header sum that veth's
 * checksum offload left for the receiver to finish.
 *
 * The response has no answer records, but dnsperf counts it by its ID.
 * So the rate that dnsperf reaches against this program is that of the
 * generator and the veth pair when the server does the least work per
 * query.  Every other frame (ARP among them) passes to the stack.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define DNS_PORT	53
#define DNS_HDR_LEN	12
#define DNS_FLAG_QR	0x80	/* in the first flags byte */

SEC("xdp")
int dns_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u8 *dns = (void *)(udp + 1);
	__u8 mac[ETH_ALEN];
	__be32 addr;
	__be16 port;

	if ((void *)(dns + DNS_HDR_LEN) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    udp->dest != bpf_htons(DNS_PORT) || (dns[2] & DNS_FLAG_QR))
		return XDP_PASS;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;

	udp->check = 0;
	dns[2] |= DNS_FLAG_QR;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
