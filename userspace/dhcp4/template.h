/* SPDX-License-Identifier: MIT */
/*
 * Turn the config into the map values the DHCPv4 fast path reads: one
 * reply template per (subnet, boot profile) pair in use, and one device
 * record per inventory entry.
 */
#ifndef RB_DHCP4_TEMPLATE_H
#define RB_DHCP4_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "rackboot/maps.h"

struct rb_dhcp4_templates {
	struct rb_dhcp4_template *items;	/* index = template id */
	size_t count;
	uint32_t *device_template;		/* template id per config device */
	uint32_t *pool_template;		/* template id per config subnet with a pool */
};

/*
 * Encode the templates for cfg.  Returns 0, or a negative errno after
 * logging which subnet or profile did not fit (options longer than
 * RB_TMPL_OPTS_LEN, more than RB_MAX_TEMPLATES pairs).
 */
int rb_dhcp4_templates_build(const struct rb_config *cfg, struct rb_dhcp4_templates *out);
void rb_dhcp4_templates_free(struct rb_dhcp4_templates *t);

/* Encode the template of one subnet and profile into out. */
int rb_dhcp4_template_encode(const struct rb_cfg_subnet *subnet,
			     const struct rb_cfg_profile *profile,
			     struct rb_dhcp4_template *out);

/*
 * Fill the inventory part of a device record (address, template, host
 * name, the inventory mark); the state fields are left as they are, so
 * that a reload keeps the progress already recorded.
 */
void rb_dhcp4_device_fill(const struct rb_cfg_device *dev, uint32_t template_id,
			  struct rb_device *rec);

#endif
