// SPDX-License-Identifier: MIT
/*
 * Device lookups by MAC and by address: binary search over index arrays
 * sorted once per load, so a lookup among 262144 devices takes at most
 * 19 comparisons.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

/* Ties keep file order, so that errors name the earlier entry first. */
static int compare_mac(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int diff = memcmp(devices[x].mac, devices[y].mac, sizeof(devices[x].mac));

	if (diff)
		return diff;
	return x < y ? -1 : x > y;
}

static int compare_ipv4(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (devices[x].ipv4 != devices[y].ipv4)
		return devices[x].ipv4 < devices[y].ipv4 ? -1 : 1;
	return x < y ? -1 : x > y;
}

int rb_cfg_index_devices(struct rb_config *cfg)
{
	if (cfg->n_devices == 0)
		return 0;

	cfg->devices_by_mac = calloc(cfg->n_devices, sizeof(uint32_t));
	cfg->devices_by_ipv4 = calloc(cfg->n_devices, sizeof(uint32_t));
	if (!cfg->devices_by_mac || !cfg->devices_by_ipv4)
		return -ENOMEM;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		cfg->devices_by_mac[i] = (uint32_t)i;
		cfg->devices_by_ipv4[i] = (uint32_t)i;
	}
	qsort_r(cfg->devices_by_mac, cfg->n_devices, sizeof(uint32_t), compare_mac, cfg->devices);
	qsort_r(cfg->devices_by_ipv4, cfg->n_devices, sizeof(uint32_t), compare_ipv4, cfg->devices);
	return 0;
}

const struct rb_cfg_device *rb_cfg_index_search(const struct rb_config *cfg,
						const uint32_t *index, size_t n,
						int (*compare)(const struct rb_cfg_device *device,
							       const void *key),
						const void *key)
{
	size_t low = 0, high = n;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		const struct rb_cfg_device *device = &cfg->devices[index[mid]];
		int diff = compare(device, key);

		if (diff == 0)
			return device;
		if (diff < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return NULL;
}

static int order_by_mac(const struct rb_cfg_device *device, const void *mac)
{
	return memcmp(device->mac, mac, sizeof(device->mac));
}

static int order_by_ipv4(const struct rb_cfg_device *device, const void *key)
{
	uint32_t ipv4;

	memcpy(&ipv4, key, sizeof(ipv4));
	if (device->ipv4 == ipv4)
		return 0;
	return device->ipv4 < ipv4 ? -1 : 1;
}

const struct rb_cfg_device *rb_config_device_by_mac(const struct rb_config *cfg,
						    const uint8_t mac[6])
{
	if (!cfg->devices_by_mac)
		return NULL;
	return rb_cfg_index_search(cfg, cfg->devices_by_mac, cfg->n_devices, order_by_mac, mac);
}

const struct rb_cfg_device *rb_config_device_by_ipv4(const struct rb_config *cfg, uint32_t ipv4)
{
	if (!cfg->devices_by_ipv4)
		return NULL;
	return rb_cfg_index_search(cfg, cfg->devices_by_ipv4, cfg->n_devices, order_by_ipv4, &ipv4);
}
