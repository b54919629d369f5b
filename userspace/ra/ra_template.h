/* SPDX-License-Identifier: MIT */
/*
 * Encoding of Router Advertisements from the config: the ICMPv6 body
 * that both the XDP reply path and the unsolicited sender use, and the
 * XDP template around it.
 */
#ifndef RB_RA_TEMPLATE_H
#define RB_RA_TEMPLATE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "rackboot/ra_wire.h"

/*
 * Encode the RA body of cfg into out[0..size): the RA header with a zero
 * checksum, the source link-layer address option with mac, the MTU option
 * when cfg->mtu is set, one prefix information option per prefix and the
 * RDNSS option when cfg->rdnss has addresses.  Returns the length, a
 * multiple of 8, or -EINVAL when cfg has more prefixes or RDNSS
 * addresses than the template holds, or -ENOSPC when size is too small.
 */
int rb_ra_body_encode(const struct rb_cfg_ra *cfg, const uint8_t mac[6], uint8_t *out,
		      size_t size);

/*
 * Fill the XDP template of one interface: the encoded body, mac as the
 * Ethernet source, src (a link-local address) as the IPv6 source and the
 * default reply limit.  Returns 0 or a negative errno from
 * rb_ra_body_encode().
 */
int rb_ra_template_fill(const struct rb_cfg_ra *cfg, const uint8_t mac[6],
			const struct in6_addr *src, struct rb_ra_template *out);

/* Set the router lifetime field of an encoded body, for the final RA. */
void rb_ra_body_set_router_lifetime(uint8_t *body, uint16_t seconds);

#endif
