/* SPDX-License-Identifier: MIT */
/*
 * Build the zones that rackbootd serves from the config and the
 * addresses of inventory devices.  The provisioning zone gets its static
 * records and the A, AAAA and PTR records of each device.  Each subnet
 * gets one reverse zone per octet (IPv4) or nibble (IPv6) block, at most
 * 128 for an IPv4 prefix and 8 for an IPv6 one.
 */
#ifndef RB_DNS_BUILD_H
#define RB_DNS_BUILD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "dns/dns_zone.h"

/* An address that an inventory device holds beyond its reservations: a lease. */
struct rb_dns_leased {
	size_t device;			/* index into cfg->devices */
	bool ipv6;
	uint32_t ipv4;			/* network order */
	struct in6_addr addr6;
};

/*
 * Build a zone set from cfg (whose dns.enabled is set) and n leased
 * addresses.  Returns 0 and *out, or a negative errno after logging what
 * failed.  Records whose owner falls outside every zone (a PTR for an
 * address outside the subnets, a static name ending with a dot outside
 * the zone) are left out and counted in *skipped.
 */
int rb_dns_build(const struct rb_config *cfg, const struct rb_dns_leased *leased, size_t n,
		 struct rb_dns_zone **out, size_t *skipped);

/* The reverse name of an address: d.c.b.a.in-addr.arpa or 32 nibbles and ip6.arpa.  Returns the length. */
size_t rb_dns_reverse_name4(uint32_t ipv4, uint8_t *out);
size_t rb_dns_reverse_name6(const struct in6_addr *addr, uint8_t *out);

#endif
