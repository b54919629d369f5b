// SPDX-License-Identifier: MIT
/*
 * DHCPv6 lookups: devices by DUID and by IPv6 address through index
 * arrays sorted once per load, and subnets6 and router advertisements
 * by address or interface.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

/* Shorter DUIDs first, then by bytes.  Ties keep file order for the duplicate check. */
static int compare_duid(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int diff;

	if (devices[x].duid_len != devices[y].duid_len)
		return devices[x].duid_len < devices[y].duid_len ? -1 : 1;
	diff = memcmp(devices[x].duid, devices[y].duid, devices[x].duid_len);
	if (diff)
		return diff;
	return x < y ? -1 : x > y;
}

static int compare_ipv6(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int diff = memcmp(&devices[x].ipv6, &devices[y].ipv6, sizeof(devices[x].ipv6));

	if (diff)
		return diff;
	return x < y ? -1 : x > y;
}

int rb_cfg_index_devices6(struct rb_config *cfg)
{
	if (cfg->n_devices == 0)
		return 0;

	cfg->devices_by_duid = calloc(cfg->n_devices, sizeof(uint32_t));
	cfg->devices_by_ipv6 = calloc(cfg->n_devices, sizeof(uint32_t));
	if (!cfg->devices_by_duid || !cfg->devices_by_ipv6)
		return -ENOMEM;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (cfg->devices[i].duid_len)
			cfg->devices_by_duid[cfg->n_devices_by_duid++] = (uint32_t)i;
		if (cfg->devices[i].has_ipv6)
			cfg->devices_by_ipv6[cfg->n_devices_by_ipv6++] = (uint32_t)i;
	}
	qsort_r(cfg->devices_by_duid, cfg->n_devices_by_duid, sizeof(uint32_t), compare_duid,
		cfg->devices);
	qsort_r(cfg->devices_by_ipv6, cfg->n_devices_by_ipv6, sizeof(uint32_t), compare_ipv6,
		cfg->devices);
	return 0;
}

struct duid_key {
	const uint8_t *duid;
	size_t len;
};

/* The order of compare_duid(): shorter DUIDs first, then by bytes. */
static int order_by_duid(const struct rb_cfg_device *device, const void *arg)
{
	const struct duid_key *key = arg;

	if (device->duid_len != key->len)
		return device->duid_len < key->len ? -1 : 1;
	return memcmp(device->duid, key->duid, key->len);
}

static int order_by_ipv6(const struct rb_cfg_device *device, const void *addr)
{
	return memcmp(&device->ipv6, addr, sizeof(device->ipv6));
}

const struct rb_cfg_device *rb_config_device_by_duid(const struct rb_config *cfg,
						     const uint8_t *duid, size_t duid_len)
{
	const struct duid_key key = { .duid = duid, .len = duid_len };

	if (!duid || duid_len == 0 || duid_len > RB_CFG_DUID_MAX)
		return NULL;
	return rb_cfg_index_search(cfg, cfg->devices_by_duid, cfg->n_devices_by_duid, order_by_duid,
				   &key);
}

const struct rb_cfg_device *rb_config_device_by_ipv6(const struct rb_config *cfg,
						     const struct in6_addr *addr)
{
	return rb_cfg_index_search(cfg, cfg->devices_by_ipv6, cfg->n_devices_by_ipv6, order_by_ipv6,
				   addr);
}

/* NOTE: linear searches, because configs have few subnets6 and interfaces. */
const struct rb_cfg_subnet6 *rb_config_subnet6_by_addr(const struct rb_config *cfg,
						       const struct in6_addr *addr)
{
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		const struct rb_cfg_subnet6 *subnet = &cfg->subnets6[i];

		if (rb_cfg_ipv6_in_prefix(addr, &subnet->prefix, subnet->prefix_len))
			return subnet;
	}
	return NULL;
}

const struct rb_cfg_subnet6 *rb_config_subnet6_by_iface(const struct rb_config *cfg,
							const char *ifname)
{
	if (!ifname || !*ifname)
		return NULL;
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		if (strcmp(cfg->subnets6[i].interface, ifname) == 0)
			return &cfg->subnets6[i];
	}
	return NULL;
}

const struct rb_cfg_ra *rb_config_ra_by_iface(const struct rb_config *cfg, const char *ifname)
{
	if (!ifname || !*ifname)
		return NULL;
	for (size_t i = 0; i < cfg->n_ras; i++) {
		if (strcmp(cfg->ras[i].interface, ifname) == 0)
			return &cfg->ras[i];
	}
	return NULL;
}
