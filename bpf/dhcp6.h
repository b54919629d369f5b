/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * DHCPv6 handler of the XDP program.
 */
#ifndef RB_BPF_DHCP6_H
#define RB_BPF_DHCP6_H

/* UDP port of the DHCPv6 server; rackbootd sets it before load. */
const volatile __u16 dhcp6_server_port = 547;

/* TODO: answer known devices from templates; passed up until then. */
static __noinline int rb_dhcp6_request(struct xdp_md *ctx)
{
	if (!ctx)
		return XDP_PASS;
	return pass(RB_XC_PASS_IPV6_OTHER);
}

#endif
