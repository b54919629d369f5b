/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * IPv6 part of the XDP program: Router Solicitations go to the RA
 * handler (ra.h), UDP to the DHCPv6 server port to the DHCPv6 handler
 * (dhcp6.h), UDP to the DNS port to the DNS fast path (dns.h), other
 * UDP to the TFTP data path (tftp.h).  Frames with extension headers
 * and everything else pass to the kernel.  Included by dhcp4.bpf.c
 * after count(), pass(), tftp.h and dns.h.
 */
#ifndef RB_BPF_IPV6_H
#define RB_BPF_IPV6_H

#include <linux/icmpv6.h>
#include <linux/ipv6.h>

#include "ra.h"
#include "dhcp6.h"

static __always_inline int rb_ipv6_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *icmp6;
	struct udphdr *udp;

	if ((void *)(ip6 + 1) > data_end)
		return pass(RB_XC_PASS_IPV6_OTHER);

	if (ip6->nexthdr == IPPROTO_ICMPV6) {
		icmp6 = (void *)(ip6 + 1);
		if ((void *)(icmp6 + 1) > data_end)
			return pass(RB_XC_PASS_IPV6_OTHER);
		if (icmp6->icmp6_type != RB_ND_ROUTER_SOLICIT)
			return pass(RB_XC_PASS_IPV6_OTHER);
		return rb_ra_solicit(ctx);
	}

	if (ip6->nexthdr == IPPROTO_UDP) {
		udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > data_end)
			return pass(RB_XC_PASS_IPV6_OTHER);
		if (dns_port && udp->dest == bpf_htons(dns_port))
			return rb_dns_ipv6(ctx);
		/* Other UDP: an ACK of a TFTP transfer in rb_tftp_xfers, or not ours. */
		if (udp->dest != bpf_htons(dhcp6_server_port))
			return rb_tftp_ipv6(ctx);
		return rb_dhcp6_request(ctx);
	}

	/* Hop-by-hop, routing, fragment, destination options and the rest. */
	if (ip6->nexthdr == IPPROTO_HOPOPTS || ip6->nexthdr == IPPROTO_ROUTING ||
	    ip6->nexthdr == IPPROTO_FRAGMENT || ip6->nexthdr == IPPROTO_DSTOPTS)
		return pass(RB_XC_PASS_IPV6_EXT);
	return pass(RB_XC_PASS_IPV6_OTHER);
}

#endif
