// SPDX-License-Identifier: MIT
/*
 * The checks that YANG cannot express: address arithmetic between
 * subnets, servers, routers and devices, and MAC addresses that differ
 * only in the case of their hex digits.  Each error names the data path
 * and value, like libyang's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN	512

static uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(~0u << (32 - len));
}

static bool in_subnet(const struct rb_cfg_subnet *subnet, uint32_t addr)
{
	uint32_t mask = prefix_mask(subnet->prefix_len);

	return (addr & mask) == (subnet->prefix & mask);
}

/* "network" or "broadcast" when addr is one of them, else NULL.  /31 and /32 have neither. */
static const char *reserved_role(const struct rb_cfg_subnet *subnet, uint32_t addr)
{
	uint32_t mask = prefix_mask(subnet->prefix_len);
	uint32_t network = subnet->prefix & mask;

	if (subnet->prefix_len >= 31)
		return NULL;
	if (addr == network)
		return "network";
	if (addr == (network | ~mask))
		return "broadcast";
	return NULL;
}

static char *addr_str(uint32_t addr, char *buf)
{
	struct in_addr in = { .s_addr = addr };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
	return buf;
}

static char *prefix_str(const struct rb_cfg_subnet *subnet, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", addr_str(subnet->prefix, addr), subnet->prefix_len);
	return buf;
}

static void check_server(const struct rb_cfg_subnet *subnet, const struct lyd_node *src,
			 struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], addr[INET_ADDRSTRLEN], prefix[INET_ADDRSTRLEN + 4];
	const char *role = reserved_role(subnet, subnet->server_id);

	rb_cfg_child_path(src, "server-address", path, sizeof(path));
	addr_str(subnet->server_id, addr);
	prefix_str(subnet, prefix, sizeof(prefix));

	if (!in_subnet(subnet, subnet->server_id))
		rb_cfg_err_add(errs, path, addr,
			       "not inside prefix %s; use the appliance's own address in this subnet",
			       prefix);
	else if (role)
		rb_cfg_err_add(errs, path, addr,
			       "is the %s address of prefix %s; use a host address", role, prefix);
}

static void check_routers(const struct rb_cfg_subnet *subnet, const struct lyd_node *src,
			  struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], addr[INET_ADDRSTRLEN], prefix[INET_ADDRSTRLEN + 4];

	rb_cfg_child_path(src, "routers", path, sizeof(path));
	prefix_str(subnet, prefix, sizeof(prefix));

	for (uint8_t i = 0; i < subnet->routers.count; i++) {
		uint32_t router = subnet->routers.addr[i];

		if (!in_subnet(subnet, router))
			rb_cfg_err_add(errs, path, addr_str(router, addr),
				       "not inside prefix %s; clients reach only routers on their own subnet",
				       prefix);
	}
}

static void check_overlap(const struct rb_config *cfg, size_t i, const struct lyd_node *src,
			  struct rb_cfg_errors *errs)
{
	const struct rb_cfg_subnet *subnet = &cfg->subnets[i];
	char path[PATH_LEN], prefix[INET_ADDRSTRLEN + 4], other[INET_ADDRSTRLEN + 4];

	for (size_t j = 0; j < i; j++) {
		const struct rb_cfg_subnet *earlier = &cfg->subnets[j];
		uint8_t len = subnet->prefix_len < earlier->prefix_len ? subnet->prefix_len :
									  earlier->prefix_len;
		uint32_t mask = prefix_mask(len);

		if ((subnet->prefix & mask) != (earlier->prefix & mask))
			continue;
		rb_cfg_err_add(errs, rb_cfg_child_path(src, "prefix", path, sizeof(path)),
			       prefix_str(subnet, prefix, sizeof(prefix)),
			       "overlaps subnet \"%s\" (%s); subnets must not overlap, so that each "
			       "device address belongs to one subnet",
			       earlier->name, prefix_str(earlier, other, sizeof(other)));
	}
}

static bool is_router(const struct rb_cfg_subnet *subnet, uint32_t addr)
{
	for (uint8_t i = 0; i < subnet->routers.count; i++) {
		if (subnet->routers.addr[i] == addr)
			return true;
	}
	return false;
}

static void check_device(struct rb_config *cfg, size_t i, const struct lyd_node *src,
			 bool subnets_complete, struct rb_cfg_errors *errs)
{
	struct rb_cfg_device *device = &cfg->devices[i];
	char path[PATH_LEN], addr[INET_ADDRSTRLEN];
	const struct rb_cfg_subnet *subnet = NULL;
	const char *role;

	rb_cfg_child_path(src, "ipv4-address", path, sizeof(path));
	addr_str(device->ipv4, addr);

	/* Subnets do not overlap (check_overlap), so the first match is the only one. */
	for (size_t s = 0; s < cfg->n_subnets && !subnet; s++) {
		if (in_subnet(&cfg->subnets[s], device->ipv4)) {
			subnet = &cfg->subnets[s];
			device->subnet = s;
		}
	}

	/* A subnet with errors of its own may be the one that would hold the device. */
	if (!subnet) {
		if (subnets_complete)
			rb_cfg_err_add(errs, path, addr,
				       "not inside any dhcpv4 subnet; add a subnet or fix the address");
		return;
	}

	role = reserved_role(subnet, device->ipv4);
	if (role)
		rb_cfg_err_add(errs, path, addr,
			       "is the %s address of subnet \"%s\"; use a host address", role,
			       subnet->name);
	else if (device->ipv4 == subnet->server_id)
		rb_cfg_err_add(errs, path, addr,
			       "is the server-address of subnet \"%s\"; use another address",
			       subnet->name);
	else if (is_router(subnet, device->ipv4))
		rb_cfg_err_add(errs, path, addr,
			       "is a router of subnet \"%s\"; use another address", subnet->name);
}

static bool in_range(const struct rb_cfg_pool_range *range, uint32_t addr)
{
	return ntohl(addr) >= ntohl(range->start) && ntohl(addr) <= ntohl(range->end);
}

/* The end of one range: inside the prefix and a host address. */
static bool check_range_end(const struct rb_cfg_subnet *subnet, uint32_t addr, const char *path,
			    struct rb_cfg_errors *errs)
{
	char text[INET_ADDRSTRLEN], prefix[INET_ADDRSTRLEN + 4];
	const char *role = reserved_role(subnet, addr);

	addr_str(addr, text);
	prefix_str(subnet, prefix, sizeof(prefix));
	if (!in_subnet(subnet, addr)) {
		rb_cfg_err_add(errs, path, text, "not inside prefix %s of subnet \"%s\"; pool "
			       "addresses must belong to their subnet", prefix, subnet->name);
		return false;
	}
	if (role) {
		rb_cfg_err_add(errs, path, text, "is the %s address of prefix %s; use a host "
			       "address", role, prefix);
		return false;
	}
	return true;
}

/* Addresses that a pool range must not hand out: the server, routers, inventory devices. */
static void check_range_taken(const struct rb_config *cfg, const struct rb_cfg_subnet *subnet,
			      const struct rb_cfg_pool_range *range, const char *path,
			      const char *start, struct rb_cfg_errors *errs)
{
	char addr[INET_ADDRSTRLEN];

	if (in_range(range, subnet->server_id))
		rb_cfg_err_add(errs, path, start, "the range contains the server-address %s; start "
			       "the range after it or end it before it",
			       addr_str(subnet->server_id, addr));
	for (uint8_t i = 0; i < subnet->routers.count; i++) {
		if (in_range(range, subnet->routers.addr[i]))
			rb_cfg_err_add(errs, path, start, "the range contains the router %s; move the "
				       "range or the router", addr_str(subnet->routers.addr[i], addr));
	}
	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (in_range(range, cfg->devices[i].ipv4))
			rb_cfg_err_add(errs, path, start, "the range contains %s, the address of "
				       "inventory device %02x:%02x:%02x:%02x:%02x:%02x; move the "
				       "range or the device", addr_str(cfg->devices[i].ipv4, addr),
				       cfg->devices[i].mac[0], cfg->devices[i].mac[1],
				       cfg->devices[i].mac[2], cfg->devices[i].mac[3],
				       cfg->devices[i].mac[4], cfg->devices[i].mac[5]);
	}
}

/* The pool ranges of one subnet, in the order config_convert.c read them. */
static void check_pool(const struct rb_config *cfg, const struct rb_cfg_subnet *subnet,
		       const struct lyd_node *src, struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], start[INET_ADDRSTRLEN], end[INET_ADDRSTRLEN], other[INET_ADDRSTRLEN];
	struct lyd_node *pool = NULL;
	const struct lyd_node *node;
	uint8_t i = 0;

	if (subnet->n_pool_ranges == 0 || lyd_find_path(src, "pool", 0, &pool))
		return;

	LY_LIST_FOR(lyd_child(pool), node) {
		const struct rb_cfg_pool_range *range;
		bool ends_ok;

		if (!node->schema || strcmp(node->schema->name, "range") != 0)
			continue;
		if (i >= subnet->n_pool_ranges)
			break;
		range = &subnet->pool_ranges[i++];
		addr_str(range->start, start);
		addr_str(range->end, end);

		ends_ok = check_range_end(subnet, range->start,
					  rb_cfg_child_path(node, "start", path, sizeof(path)), errs);
		ends_ok &= check_range_end(subnet, range->end,
					   rb_cfg_child_path(node, "end", path, sizeof(path)), errs);
		if (!ends_ok)
			continue;
		if (ntohl(range->end) < ntohl(range->start)) {
			rb_cfg_err_add(errs, path, end, "below the range's start %s; swap start and "
				       "end", start);
			continue;
		}

		rb_cfg_child_path(node, "start", path, sizeof(path));
		check_range_taken(cfg, subnet, range, path, start, errs);
		for (uint8_t j = 0; j + 1 < i; j++) {
			const struct rb_cfg_pool_range *earlier = &subnet->pool_ranges[j];

			if (ntohl(range->start) <= ntohl(earlier->end) &&
			    ntohl(earlier->start) <= ntohl(range->end))
				rb_cfg_err_add(errs, path, start, "the range %s-%s overlaps the range "
					       "starting at %s; merge the two", start, end,
					       addr_str(earlier->start, other));
		}
	}
}

/*
 * The YANG list key compares MAC strings, so 52:54:00:aa:00:01 and
 * 52:54:00:AA:00:01 pass as two devices.  devices_by_mac puts equal MACs
 * next to each other.
 */
static void check_mac_case(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			   struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], other[PATH_LEN];

	for (size_t i = 1; i < cfg->n_devices; i++) {
		uint32_t a = cfg->devices_by_mac[i - 1], b = cfg->devices_by_mac[i];
		struct lyd_node *mac = NULL;

		if (memcmp(cfg->devices[a].mac, cfg->devices[b].mac, 6) != 0)
			continue;
		lyd_find_path(src->devices[b], "mac", 0, &mac);
		rb_cfg_err_add(errs, rb_cfg_child_path(src->devices[b], "mac", path, sizeof(path)),
			       mac ? lyd_get_value(mac) : NULL,
			       "same MAC address as %s, in other letter case; remove one of the two",
			       rb_cfg_node_path(src->devices[a], other, sizeof(other)));
	}
}

void rb_cfg_check(struct rb_config *cfg, const struct rb_cfg_sources *src,
		  bool subnets_complete, struct rb_cfg_errors *errs)
{
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		check_server(&cfg->subnets[i], src->subnets[i], errs);
		check_routers(&cfg->subnets[i], src->subnets[i], errs);
		check_overlap(cfg, i, src->subnets[i], errs);
	}

	for (size_t i = 0; i < cfg->n_devices; i++)
		check_device(cfg, i, src->devices[i], subnets_complete, errs);

	if (cfg->devices_by_mac)
		check_mac_case(cfg, src, errs);
	rb_cfg_check_relay(cfg, src, errs);

	for (size_t i = 0; i < cfg->n_subnets; i++)
		check_pool(cfg, &cfg->subnets[i], src->subnets[i], errs);
}
