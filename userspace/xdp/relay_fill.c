// SPDX-License-Identifier: MIT
/*
 * Write rb_relay_reservations: one entry for each inventory device with a
 * relay-agent reservation, keyed by its struct rb_relay_key, so that XDP
 * replies to relayed requests from the port a device is plugged into.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xdp/device_state.h"
#include "xdp/loader_internal.h"

static void reservation_of(const struct rb_cfg_device *dev, struct rb_relay_reservation *res)
{
	memset(res, 0, sizeof(*res));
	memcpy(res->mac, dev->mac, sizeof(res->mac));
	res->circuit_id_len = dev->circuit_id_len;
	res->remote_id_len = dev->remote_id_len;
	memcpy(res->circuit_id, dev->circuit_id, dev->circuit_id_len);
	memcpy(res->remote_id, dev->remote_id, dev->remote_id_len);
}

/* Delete every entry, so that reservations no longer in the config go. */
static int relay_clear(int fd)
{
	struct rb_relay_key key;

	for (size_t guard = 0; guard <= RB_MAX_RELAY_RESERVATIONS; guard++) {
		if (bpf_map_get_next_key(fd, NULL, &key))
			return 0;
		if (bpf_map_delete_elem(fd, &key) && errno != ENOENT) {
			int err = -errno;

			log_err("map %s: removing a reservation failed: %s",
				RB_PIN_RELAY_RESERVATIONS, strerror(-err));
			return err;
		}
	}
	return 0;
}

int rb_xdp_relay_fill(int fd, const struct rb_config *cfg, size_t *written)
{
	char mac[18];
	int err;

	*written = 0;
	err = relay_clear(fd);
	if (err)
		return err;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];
		struct rb_relay_reservation res;

		if (!dev->circuit_id_len && !dev->remote_id_len)
			continue;
		reservation_of(dev, &res);
		if (bpf_map_update_elem(fd, &dev->relay_key, &res, BPF_NOEXIST) == 0) {
			(*written)++;
			continue;
		}

		/*
		 * Another reservation has the same key.  XDP then finds IDs that
		 * differ from this device's and passes its requests up, where
		 * rackbootd searches the whole inventory.
		 */
		err = -errno;
		if (err == -EEXIST) {
			log_debug("map %s: reservation of device %s shares its key with another "
				  "device's; its relayed requests are answered by rackbootd",
				  RB_PIN_RELAY_RESERVATIONS, rb_mac_format(dev->mac, mac));
			continue;
		}
		log_err("map %s: writing the reservation of device %s failed: %s",
			RB_PIN_RELAY_RESERVATIONS, rb_mac_format(dev->mac, mac), strerror(-err));
		return err;
	}
	return 0;
}

/* Read net.ipv4.conf.IFNAME.forwarding; returns 0 or 1, or -1 when unreadable. */
static int forwarding_of(const char *ifname)
{
	char path[128], value[8] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(value, sizeof(value), f))
		value[0] = '\0';
	fclose(f);

	if (value[0] == '1')
		return 1;
	if (value[0] == '0')
		return 0;
	return -1;
}

void rb_xdp_relay_forwarding_hint(const struct rb_xdp_iface *ifaces, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (forwarding_of(ifaces[i].name) != 0)
			continue;
		log_info("interface %s: net.ipv4.conf.%s.forwarding is 0, so the XDP program "
			 "passes relayed requests arriving there to the slow path "
			 "(pass_fib_fwd_disabled); set it to 1 to answer them in XDP",
			 ifaces[i].name, ifaces[i].name);
	}
}
