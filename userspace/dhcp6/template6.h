/* SPDX-License-Identifier: MIT */
/*
 * Turn the config into the map values the DHCPv6 fast path reads: one
 * reply template per (subnet6, boot profile) pair in use, and one
 * rb_devices6 record per inventory device with a DUID and an IPv6
 * address.  rackbootd's slow path builds its replies from the same
 * templates with rb_dhcp6_build().
 */
#ifndef RB_DHCP6_TEMPLATE6_H
#define RB_DHCP6_TEMPLATE6_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "rackboot/dhcp6_maps.h"

/* rb_dhcp6_templates.device_template entry of a device without a DHCPv6 template. */
#define RB_DHCP6_NO_TEMPLATE	UINT32_MAX

struct rb_dhcp6_templates {
	struct rb_dhcp6_template *items;	/* index = template id */
	size_t count;
	uint32_t *device_template;		/* template id per config device, or RB_DHCP6_NO_TEMPLATE */
	uint32_t *pool_template;		/* template id per config subnet6, or RB_DHCP6_NO_TEMPLATE */
};

/*
 * Encode the templates for cfg with the server DUID duid (duid_len
 * bytes, RB_DUID_MIN..RB_DUID_MAX).  A device gets a template when it
 * has an IPv6 address; a subnet6 when it has a pool.  Returns 0, or a
 * negative errno after logging which subnet or profile did not fit.
 */
int rb_dhcp6_templates_build(const struct rb_config *cfg, const uint8_t *duid, size_t duid_len,
			     struct rb_dhcp6_templates *out);
void rb_dhcp6_templates_free(struct rb_dhcp6_templates *t);

/*
 * Encode the template of one subnet6 and profile into out (zeroed
 * first).  Returns 0, or -EMSGSIZE after logging which option did not
 * fit RB_DHCP6_TMPL_OPTS_LEN or RB_DHCP6_BOOT_TLV_MAX, or -EINVAL for a
 * DUID length outside RB_DUID_MIN..RB_DUID_MAX.
 */
int rb_dhcp6_template_encode(const struct rb_cfg_subnet6 *subnet, const struct rb_cfg_profile *profile,
			     const uint8_t *duid, size_t duid_len, struct rb_dhcp6_template *out);

/*
 * Fill the config part of a device's rb_devices6 record: address,
 * template, the subnet's lifetimes, T1 and T2, and the MAC of its
 * rb_devices record.  xdp_replies and lease_ns are left as they are, so
 * that a reload keeps them.  ifindex is set to 0, and the caller sets it to
 * the ifindex of the subnet6's XDP interface.
 */
void rb_dhcp6_device_fill(const struct rb_cfg_device *dev, const struct rb_cfg_subnet6 *subnet,
			  uint32_t template_id, struct rb_device6 *rec);

/* Fill key with duid (len RB_DUID_MIN..RB_DUID_MAX); returns 0 or -EINVAL. */
int rb_dhcp6_duid_key(const uint8_t *duid, size_t len, struct rb_duid_key *key);

#endif
