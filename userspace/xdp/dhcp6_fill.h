/* SPDX-License-Identifier: MIT */
/*
 * Write the DHCPv6 part of the config into the XDP maps: rb_ifaces6,
 * rb_dhcp6_templates and rb_devices6.
 */
#ifndef RB_XDP_DHCP6_FILL_H
#define RB_XDP_DHCP6_FILL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "rackboot/dhcp6_maps.h"
#include "xdp/loader_internal.h"

/* The DHCPv6 maps, open in this process. */
struct rb_xdp_dhcp6_maps {
	int devices6;		/* rb_devices6, pinned */
	int templates6;		/* rb_dhcp6_templates */
	int ifaces6;		/* rb_ifaces6 */
};

/*
 * Fill the DHCPv6 maps from cfg, with the server DUID duid (duid_len
 * bytes; 0 only when cfg has no dhcpv6 subnet).  An interface is enabled
 * when a subnet6 names it and it has a link-local address, the source of
 * XDP's replies.  A device with an IPv6 address gets an rb_devices6
 * record under its configured DUID, or else under the DUID-LL of its
 * MAC; records that keep their key keep xdp_replies and lease_ns, and
 * records of devices no longer configured are removed.  Returns 0 or a
 * negative errno after logging what failed on which map entry.
 */
int rb_xdp_dhcp6_fill(const struct rb_config *cfg, const struct rb_xdp_dhcp6_maps *maps,
		      const uint8_t *duid, size_t duid_len, const struct rb_xdp_iface *ifaces,
		      size_t n_ifaces);

struct dhcp4_bpf;

/*
 * Fill the DHCPv6 maps of the loaded program skel as rb_xdp_dhcp6_fill()
 * does, with the server DUID that rackbootd's DHCPv6 server derives
 * (rb_dhcp6_server_duid()).  Call after the maps are pinned.
 */
int rb_xdp_dhcp6_start(const struct rb_config *cfg, struct dhcp4_bpf *skel,
		       const struct rb_xdp_iface *ifaces, size_t n_ifaces);

#endif
