// SPDX-License-Identifier: MIT
/*
 * Reservations by relay agent information (RFC 3046): the check that no
 * two devices name the same relay agent and IDs, and the lookup of the
 * device that a relayed request's option 82 selects.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

static bool has_relay(const struct rb_cfg_device *device)
{
	return device->circuit_id_len || device->remote_id_len;
}

static bool same_relay(const struct rb_cfg_device *a, const struct rb_cfg_device *b)
{
	return a->relay_giaddr == b->relay_giaddr &&
	       rb_cfg_same_id(a->circuit_id, a->circuit_id_len, b->circuit_id,
			      b->circuit_id_len) &&
	       rb_cfg_same_id(a->remote_id, a->remote_id_len, b->remote_id, b->remote_id_len);
}

static int compare_key(const void *a, const void *b, void *arg)
{
	const struct rb_cfg_device *devices = arg;
	const struct rb_relay_key *x = &devices[*(const uint32_t *)a].relay_key;
	const struct rb_relay_key *y = &devices[*(const uint32_t *)b].relay_key;

	if (x->giaddr != y->giaddr)
		return x->giaddr < y->giaddr ? -1 : 1;
	if (x->id_hash != y->id_hash)
		return x->id_hash < y->id_hash ? -1 : 1;
	return 0;
}

/* Report each device whose relay agent information an earlier device names too. */
static void report_duplicates(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			      const uint32_t *order, size_t n, struct rb_cfg_errors *errs)
{
	char path[512], other[512];

	for (size_t i = 1; i < n; i++) {
		const struct rb_cfg_device *b = &cfg->devices[order[i]];

		/* Devices with one key sit together; compare the bytes within the run. */
		for (size_t j = i; j-- > 0;) {
			const struct rb_cfg_device *a = &cfg->devices[order[j]];

			if (compare_key(&order[j], &order[i], cfg->devices) != 0)
				break;
			if (!same_relay(a, b))
				continue;
			rb_cfg_err_add(errs, rb_cfg_child_path(src->devices[order[i]], "relay-agent",
							       path, sizeof(path)), NULL,
				       "same relay agent address, circuit-id and remote-id as %s; "
				       "a relayed request can select only one device, so change or "
				       "remove one of the two",
				       rb_cfg_node_path(src->devices[order[j]], other, sizeof(other)));
			break;
		}
	}
}

void rb_cfg_check_relay(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			struct rb_cfg_errors *errs)
{
	uint32_t *order;
	size_t n = 0;

	if (cfg->n_devices < 2)
		return;
	order = calloc(cfg->n_devices, sizeof(*order));
	if (!order) {
		rb_cfg_err_add(errs, "/rackboot:rackboot/inventory", NULL,
			       "out of memory while checking the relay-agent reservations");
		return;
	}

	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (has_relay(&cfg->devices[i]))
			order[n++] = (uint32_t)i;
	}
	qsort_r(order, n, sizeof(*order), compare_key, cfg->devices);
	report_duplicates(cfg, src, order, n, errs);
	free(order);
}

/* The number of fields device names, or 0 when the request does not match it. */
static int match_fields(const struct rb_cfg_device *device, uint32_t giaddr,
			const uint8_t *circuit_id, size_t circuit_len,
			const uint8_t *remote_id, size_t remote_len)
{
	int fields = 0;

	if (!has_relay(device))
		return 0;
	if (device->relay_giaddr) {
		if (device->relay_giaddr != giaddr)
			return 0;
		fields++;
	}
	if (!rb_cfg_relay_id_matches(device->circuit_id, device->circuit_id_len, circuit_id,
				     circuit_len, &fields) ||
	    !rb_cfg_relay_id_matches(device->remote_id, device->remote_id_len, remote_id,
				     remote_len, &fields))
		return 0;
	return fields;
}

/*
 * NOTE: a linear search over the inventory.  It runs on the slow path
 * only, once per relayed request with option 82.
 */
const struct rb_cfg_device *rb_config_device_by_relay(const struct rb_config *cfg,
						      uint32_t giaddr,
						      const uint8_t *circuit_id, size_t circuit_len,
						      const uint8_t *remote_id, size_t remote_len)
{
	const struct rb_cfg_device *best = NULL;
	int best_fields = 0;

	if (circuit_len == 0 && remote_len == 0)
		return NULL;
	for (size_t i = 0; i < cfg->n_devices; i++) {
		int fields = match_fields(&cfg->devices[i], giaddr, circuit_id, circuit_len,
					  remote_id, remote_len);

		if (fields > best_fields) {
			best = &cfg->devices[i];
			best_fields = fields;
		}
	}
	return best;
}
