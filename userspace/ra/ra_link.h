/* SPDX-License-Identifier: MIT */
/* Interface lookups for the RA code: index, Ethernet address, link-local address. */
#ifndef RB_RA_LINK_H
#define RB_RA_LINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct rb_ra_link_info {
	int ifindex;
	uint8_t mac[6];
	bool has_link_local;
	struct in6_addr link_local;	/* the first fe80::/10 address listed, if any */
};

/*
 * Look up ifname's index, Ethernet address and link-local address.
 * Returns 0, -ENODEV when the interface does not exist, or another
 * negative errno from getifaddrs(3).  A missing link-local address is not
 * an error: has_link_local is false then.
 */
int rb_ra_link_lookup(const char *ifname, struct rb_ra_link_info *out);

#endif
