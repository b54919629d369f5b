// SPDX-License-Identifier: MIT
/*
 * DHCPv6 reservations by relay agent information: the Interface-Id
 * option (18) and the Relay Agent Remote-ID option (37) of a
 * Relay-forward message.  The check that no two devices name the same
 * pair, and the lookup of the device that a relayed request selects.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

static bool has_relay6(const struct rb_cfg_device *device)
{
	return device->interface_id_len || device->remote_id_len;
}

static int compare_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	if (a_len != b_len)
		return a_len < b_len ? -1 : 1;
	return memcmp(a, b, a_len);
}

/* By interface-id, then remote-id, then file order. */
static int compare_relay6(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct rb_cfg_device *x = &devices[i], *y = &devices[j];
	int diff;

	diff = compare_bytes(x->interface_id, x->interface_id_len, y->interface_id,
			     y->interface_id_len);
	if (!diff)
		diff = compare_bytes(x->remote_id, x->remote_id_len, y->remote_id, y->remote_id_len);
	if (!diff)
		diff = i < j ? -1 : i > j;
	return diff;
}

/*
 * Devices without an interface-id are left out: DHCPv4 reservations may
 * repeat a remote-id with different circuit-ids, and for those the
 * DHCPv6 lookup returns the first device in file order.
 */
void rb_cfg_check_relay6(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			 struct rb_cfg_errors *errs)
{
	char path[512], other[512];
	uint32_t *order;
	size_t n = 0;

	if (cfg->n_devices < 2)
		return;
	order = calloc(cfg->n_devices, sizeof(*order));
	if (!order) {
		rb_cfg_err_add(errs, RB_CFG_ROOT "/inventory", NULL,
			       "out of memory while checking the DHCPv6 relay-agent reservations");
		return;
	}
	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (cfg->devices[i].interface_id_len)
			order[n++] = (uint32_t)i;
	}
	qsort_r(order, n, sizeof(*order), compare_relay6, cfg->devices);

	for (size_t i = 1; i < n; i++) {
		const struct rb_cfg_device *a = &cfg->devices[order[i - 1]];
		const struct rb_cfg_device *b = &cfg->devices[order[i]];

		if (!rb_cfg_same_id(a->interface_id, a->interface_id_len, b->interface_id,
				    b->interface_id_len) ||
		    !rb_cfg_same_id(a->remote_id, a->remote_id_len, b->remote_id, b->remote_id_len))
			continue;
		rb_cfg_err_add(errs, rb_cfg_child_path(src->devices[order[i]], "relay-agent", path,
						       sizeof(path)), NULL,
			       "same DHCPv6 interface-id and remote-id as %s; a relayed request "
			       "can select only one device, so change or remove one of the two",
			       rb_cfg_node_path(src->devices[order[i - 1]], other, sizeof(other)));
	}
	free(order);
}

/* The number of fields device names, or 0 when the request does not match it. */
static int match_fields6(const struct rb_cfg_device *device, const uint8_t *interface_id,
			 size_t interface_id_len, const uint8_t *remote_id, size_t remote_id_len)
{
	int fields = 0;

	if (!has_relay6(device))
		return 0;
	if (!rb_cfg_relay_id_matches(device->interface_id, device->interface_id_len, interface_id,
				     interface_id_len, &fields) ||
	    !rb_cfg_relay_id_matches(device->remote_id, device->remote_id_len, remote_id,
				     remote_id_len, &fields))
		return 0;
	return fields;
}

/*
 * NOTE: a linear search over the inventory.  It runs on the slow path
 * only, once per relayed request with option 18 or 37.
 */
const struct rb_cfg_device *rb_config_device_by_relay6(const struct rb_config *cfg,
						       const uint8_t *interface_id,
						       size_t interface_id_len,
						       const uint8_t *remote_id, size_t remote_id_len)
{
	const struct rb_cfg_device *best = NULL;
	int best_fields = 0;

	if (interface_id_len == 0 && remote_id_len == 0)
		return NULL;
	for (size_t i = 0; i < cfg->n_devices; i++) {
		int fields = match_fields6(&cfg->devices[i], interface_id, interface_id_len,
					   remote_id, remote_id_len);

		if (fields > best_fields) {
			best = &cfg->devices[i];
			best_fields = fields;
		}
	}
	return best;
}
