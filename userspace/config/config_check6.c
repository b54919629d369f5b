// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 checks that YANG cannot express: prefixes of the dhcpv6
 * subnets, the subnet6 of each device address, pool ranges, and DUIDs
 * that two devices share.  Each error names the data path and value,
 * like libyang's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN	512
#define PREFIX_LEN	(INET6_ADDRSTRLEN + 4)

bool rb_cfg_ipv6_in_prefix(const struct in6_addr *addr, const struct in6_addr *prefix,
			   uint8_t len)
{
	uint8_t full = len / 8, bits = len % 8;

	if (len > 128)
		return false;
	if (memcmp(addr->s6_addr, prefix->s6_addr, full) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((addr->s6_addr[full] ^ prefix->s6_addr[full]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* Two prefixes overlap when the shorter one contains the other. */
static bool prefixes_overlap(const struct in6_addr *a, uint8_t a_len, const struct in6_addr *b,
			     uint8_t b_len)
{
	return a_len <= b_len ? rb_cfg_ipv6_in_prefix(b, a, a_len) : rb_cfg_ipv6_in_prefix(a, b, b_len);
}

enum rb_cfg_ipv6_kind rb_cfg_ipv6_special(const struct in6_addr *prefix, uint8_t len)
{
	const struct in6_addr multicast = { .s6_addr = { 0xff } };
	const struct in6_addr link_local = { .s6_addr = { 0xfe, 0x80 } };

	if (prefixes_overlap(prefix, len, &multicast, 8))
		return RB_CFG_IPV6_MULTICAST;
	if (prefixes_overlap(prefix, len, &link_local, 10))
		return RB_CFG_IPV6_LINK_LOCAL;
	return RB_CFG_IPV6_UNICAST;
}

char *rb_cfg_ipv6_str(const struct in6_addr *addr, char *buf, size_t size)
{
	if (!inet_ntop(AF_INET6, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

static char *prefix6_str(const struct rb_cfg_subnet6 *subnet, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", rb_cfg_ipv6_str(&subnet->prefix, addr, sizeof(addr)),
		 subnet->prefix_len);
	return buf;
}

/*
 * The Subnet-Router anycast address (RFC 4291, section 2.6.1) is the
 * prefix with an all-zero interface identifier.  In a /127 or /128 every
 * address is needed for hosts, so this check skips those prefixes.
 */
static bool is_subnet_router(const struct rb_cfg_subnet6 *subnet, const struct in6_addr *addr)
{
	return subnet->prefix_len < 127 && memcmp(addr, &subnet->prefix, sizeof(*addr)) == 0;
}

static void check_prefix6(const struct rb_config *cfg, size_t i, const struct lyd_node *src,
			  struct rb_cfg_errors *errs)
{
	const struct rb_cfg_subnet6 *subnet = &cfg->subnets6[i];
	char path[PATH_LEN], prefix[PREFIX_LEN], other[PREFIX_LEN];

	rb_cfg_child_path(src, "prefix", path, sizeof(path));
	prefix6_str(subnet, prefix, sizeof(prefix));

	switch (rb_cfg_ipv6_special(&subnet->prefix, subnet->prefix_len)) {
	case RB_CFG_IPV6_MULTICAST:
		rb_cfg_err_add(errs, path, prefix, "overlaps the multicast prefix ff00::/8; use the "
			       "unicast prefix of the link, e.g. a unique local fd00::/8 prefix");
		return;
	case RB_CFG_IPV6_LINK_LOCAL:
		rb_cfg_err_add(errs, path, prefix, "overlaps the link-local prefix fe80::/10, whose "
			       "addresses DHCPv6 does not assign; use a global or unique local prefix");
		return;
	case RB_CFG_IPV6_UNICAST:
		break;
	}

	for (size_t j = 0; j < i; j++) {
		const struct rb_cfg_subnet6 *earlier = &cfg->subnets6[j];

		if (!prefixes_overlap(&subnet->prefix, subnet->prefix_len, &earlier->prefix,
				      earlier->prefix_len))
			continue;
		rb_cfg_err_add(errs, path, prefix, "overlaps dhcpv6 subnet \"%s\" (%s); subnets must "
			       "not overlap, so that each device address belongs to one subnet",
			       earlier->name, prefix6_str(earlier, other, sizeof(other)));
	}
}

static void check_device6(struct rb_config *cfg, size_t i, const struct lyd_node *src,
			  bool subnets6_complete, struct rb_cfg_errors *errs)
{
	struct rb_cfg_device *device = &cfg->devices[i];
	const struct rb_cfg_subnet6 *subnet = NULL;
	char path[PATH_LEN], addr[INET6_ADDRSTRLEN];

	if (!device->has_ipv6)
		return;
	rb_cfg_child_path(src, "ipv6-address", path, sizeof(path));
	rb_cfg_ipv6_str(&device->ipv6, addr, sizeof(addr));

	/* Subnets do not overlap (check_prefix6), so the first match is the only one. */
	for (size_t s = 0; s < cfg->n_subnets6 && !subnet; s++) {
		if (rb_cfg_ipv6_in_prefix(&device->ipv6, &cfg->subnets6[s].prefix,
					  cfg->subnets6[s].prefix_len)) {
			subnet = &cfg->subnets6[s];
			device->subnet6 = s;
		}
	}

	/* A subnet with errors of its own may be the one that would hold the device. */
	if (!subnet) {
		if (subnets6_complete)
			rb_cfg_err_add(errs, path, addr, "not inside any dhcpv6 subnet; add a subnet "
				       "to dhcpv6 or fix the address");
		return;
	}
	if (is_subnet_router(subnet, &device->ipv6))
		rb_cfg_err_add(errs, path, addr, "is the Subnet-Router anycast address of dhcpv6 "
			       "subnet \"%s\"; use a host address", subnet->name);
}

static bool in_range6(const struct rb_cfg_pool_range6 *range, const struct in6_addr *addr)
{
	return memcmp(addr, &range->start, sizeof(*addr)) >= 0 &&
	       memcmp(addr, &range->end, sizeof(*addr)) <= 0;
}

/* The end of one range: inside the prefix and not the Subnet-Router anycast address. */
static bool check_range6_end(const struct rb_cfg_subnet6 *subnet, const struct in6_addr *addr,
			     const char *path, struct rb_cfg_errors *errs)
{
	char text[INET6_ADDRSTRLEN], prefix[PREFIX_LEN];

	rb_cfg_ipv6_str(addr, text, sizeof(text));
	prefix6_str(subnet, prefix, sizeof(prefix));
	if (!rb_cfg_ipv6_in_prefix(addr, &subnet->prefix, subnet->prefix_len)) {
		rb_cfg_err_add(errs, path, text, "not inside prefix %s of dhcpv6 subnet \"%s\"; pool "
			       "addresses must belong to their subnet", prefix, subnet->name);
		return false;
	}
	if (is_subnet_router(subnet, addr)) {
		rb_cfg_err_add(errs, path, text, "is the Subnet-Router anycast address of prefix %s; "
			       "start the range after it", prefix);
		return false;
	}
	return true;
}

/* Inventory addresses that a pool range must not hand out. */
static void check_range6_taken(const struct rb_config *cfg, const struct rb_cfg_pool_range6 *range,
			       const char *path, const char *start, struct rb_cfg_errors *errs)
{
	char addr[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *device = &cfg->devices[i];

		if (!device->has_ipv6 || !in_range6(range, &device->ipv6))
			continue;
		rb_cfg_err_add(errs, path, start, "the range contains %s, the ipv6-address of "
			       "inventory device %02x:%02x:%02x:%02x:%02x:%02x; move the range or "
			       "the device", rb_cfg_ipv6_str(&device->ipv6, addr, sizeof(addr)),
			       device->mac[0], device->mac[1], device->mac[2], device->mac[3],
			       device->mac[4], device->mac[5]);
	}
}

static void check_range6_overlap(const struct rb_cfg_subnet6 *subnet, uint8_t i, const char *path,
				 const char *start, const char *end, struct rb_cfg_errors *errs)
{
	const struct rb_cfg_pool_range6 *range = &subnet->pool_ranges[i];
	char other[INET6_ADDRSTRLEN];

	for (uint8_t j = 0; j < i; j++) {
		const struct rb_cfg_pool_range6 *earlier = &subnet->pool_ranges[j];

		if (memcmp(&range->start, &earlier->end, sizeof(range->start)) <= 0 &&
		    memcmp(&earlier->start, &range->end, sizeof(range->start)) <= 0)
			rb_cfg_err_add(errs, path, start, "the range %s-%s overlaps the range starting "
				       "at %s; merge the two", start, end,
				       rb_cfg_ipv6_str(&earlier->start, other, sizeof(other)));
	}
}

/* The pool ranges of one subnet, in the order config_dhcp6.c read them. */
static void check_pool6(const struct rb_config *cfg, const struct rb_cfg_subnet6 *subnet,
			const struct lyd_node *src, struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], start[INET6_ADDRSTRLEN], end[INET6_ADDRSTRLEN];
	const struct lyd_node *node;
	uint8_t i = 0;

	if (subnet->n_pool_ranges == 0)
		return;

	RB_CFG_FOR_EACH_ENTRY(rb_cfg_child(src, "pool"), "range", node) {
		const struct rb_cfg_pool_range6 *range;
		bool ends_ok;

		if (i >= subnet->n_pool_ranges)
			break;
		range = &subnet->pool_ranges[i];
		rb_cfg_ipv6_str(&range->start, start, sizeof(start));
		rb_cfg_ipv6_str(&range->end, end, sizeof(end));

		ends_ok = check_range6_end(subnet, &range->start,
					   rb_cfg_child_path(node, "start", path, sizeof(path)), errs);
		ends_ok &= check_range6_end(subnet, &range->end,
					    rb_cfg_child_path(node, "end", path, sizeof(path)), errs);
		if (ends_ok && memcmp(&range->end, &range->start, sizeof(range->end)) < 0) {
			rb_cfg_err_add(errs, path, end, "below the range's start %s; swap start and "
				       "end", start);
			ends_ok = false;
		}
		if (ends_ok) {
			rb_cfg_child_path(node, "start", path, sizeof(path));
			check_range6_taken(cfg, range, path, start, errs);
			check_range6_overlap(subnet, i, path, start, end, errs);
		}
		i++;
	}
}

/*
 * The YANG duid leaf is a string, so 00:03:... and 0003... pass as two
 * values.  devices_by_duid puts equal DUIDs next to each other.
 */
static void check_duids(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], other[PATH_LEN];

	for (size_t i = 1; i < cfg->n_devices_by_duid; i++) {
		uint32_t a = cfg->devices_by_duid[i - 1], b = cfg->devices_by_duid[i];
		const struct rb_cfg_device *x = &cfg->devices[a], *y = &cfg->devices[b];

		if (x->duid_len != y->duid_len || memcmp(x->duid, y->duid, x->duid_len) != 0)
			continue;
		rb_cfg_err_add(errs, rb_cfg_child_path(src->devices[b], "duid", path, sizeof(path)),
			       rb_cfg_child_str(src->devices[b], "duid"),
			       "same DUID as %s; a DHCPv6 client can be only one device, so fix or "
			       "remove one of the two",
			       rb_cfg_node_path(src->devices[a], other, sizeof(other)));
	}
}

void rb_cfg_check6(struct rb_config *cfg, const struct rb_cfg_sources *src,
		   bool subnets6_complete, struct rb_cfg_errors *errs)
{
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		check_prefix6(cfg, i, src->subnets6[i], errs);

	for (size_t i = 0; i < cfg->n_devices; i++)
		check_device6(cfg, i, src->devices[i], subnets6_complete, errs);

	for (size_t i = 0; i < cfg->n_subnets6; i++)
		check_pool6(cfg, &cfg->subnets6[i], src->subnets6[i], errs);

	check_duids(cfg, src, errs);
	rb_cfg_check_relay6(cfg, src, errs);
	rb_cfg_check_ra(cfg, src, errs);
}
