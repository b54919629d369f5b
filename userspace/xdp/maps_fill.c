// SPDX-License-Identifier: MIT
/*
 * Write the config into the maps: interfaces with their flood limits,
 * reply templates and device records.  Records of devices still in the
 * inventory keep their state (phase, times, reply counts) and get the new
 * inventory fields.  Records of devices no longer in the inventory are
 * deleted, except the records of pool devices (dhcp4/pool.h), which keep
 * their address and get the template of their subnet's pool.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dhcp4/pool.h"
#include "dhcp4/template.h"
#include "xdp/device_state.h"
#include "xdp/loader_internal.h"

/*
 * Point the link at the queue of the pool that serves unknown devices on
 * it (pool id = config subnet + 1), if it has one the queues can index.
 * NOTE: when a config change renumbers the subnets, XDP can bind from
 * the old subnet's queue with the new template until rackbootd's pool
 * start drains the queues, moments later.
 */
static void iface_pool(const struct rb_config *cfg, const struct rb_dhcp4_templates *t,
		       const char *ifname, struct rb_iface *val)
{
	size_t subnet;

	if (!rb_dhcp4_pool_of_interface(cfg, ifname, &subnet) || subnet >= RB_MAX_POOLS)
		return;
	val->pool_id = (__u32)subnet + 1;
	val->pool_template = t->pool_template[subnet];
}

/*
 * ifaces[i] was looked up from cfg->ifaces[i].  Writing the whole value
 * zeroes the flood bucket, which XDP reads as full.
 */
static int ifaces_fill(int fd, const struct rb_config *cfg, const struct rb_dhcp4_templates *t,
		       const struct rb_xdp_iface *ifaces, size_t n)
{
	__u32 key, next;
	void *prev = NULL;

	for (size_t i = 0; i < n && i < cfg->n_ifaces; i++) {
		struct rb_iface val = {
			.mtu = ifaces[i].mtu,
			.enabled = ifaces[i].dhcp4,
			.unknown_rate = cfg->ifaces[i].unknown_rate,
			.unknown_burst = cfg->ifaces[i].unknown_burst,
			.circuit_rate = cfg->ifaces[i].circuit_rate,
			.circuit_burst = cfg->ifaces[i].circuit_burst,
		};

		memcpy(val.mac, ifaces[i].mac, sizeof(val.mac));
		iface_pool(cfg, t, ifaces[i].name, &val);
		key = (__u32)ifaces[i].ifindex;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			int err = -errno;

			log_err("map %s: writing interface %s failed: %s", RB_PIN_IFACES,
				ifaces[i].name, strerror(-err));
			return err;
		}
	}

	/* Drop interfaces of an earlier run; ifindexes are not reused at once. */
	for (int guard = 0; guard < RB_MAX_IFACES * 2; guard++) {
		bool configured = false;

		if (bpf_map_get_next_key(fd, prev, &next))
			break;
		for (size_t i = 0; i < n; i++)
			configured |= (__u32)ifaces[i].ifindex == next;
		if (!configured && bpf_map_delete_elem(fd, &next) == 0) {
			prev = NULL;	/* the walk restarts after a delete */
			continue;
		}
		key = next;
		prev = &key;
	}
	return 0;
}

/* Write every template slot, zeroing the unused ones (server_id 0 = none). */
static int templates_fill(int fd, const struct rb_dhcp4_templates *t)
{
	static const struct rb_dhcp4_template empty;

	for (__u32 id = 0; id < RB_MAX_TEMPLATES; id++) {
		const struct rb_dhcp4_template *val = id < t->count ? &t->items[id] : &empty;

		if (bpf_map_update_elem(fd, &id, val, BPF_ANY)) {
			int err = -errno;

			log_err("map %s: writing template %u failed: %s", RB_PIN_TEMPLATES, id,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

static int devices_write(int fd, const struct rb_config *cfg, const struct rb_dhcp4_templates *t,
			 struct rb_xdp_summary *summary)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];
		struct rb_mac_key key = rb_mac_key_of(dev->mac);
		struct rb_device rec;
		char mac[18];

		if (bpf_map_lookup_elem(fd, &key, &rec) == 0) {
			summary->devices_kept++;
		} else {
			memset(&rec, 0, sizeof(rec));
			/* 0 is x86 BIOS, so a device yet to send option 93 needs another value. */
			rec.client_arch = RB_ARCH_ANY;
		}

		rb_dhcp4_device_fill(dev, t->device_template[i], &rec);
		if (bpf_map_update_elem(fd, &key, &rec, BPF_ANY)) {
			int err = -errno;

			log_err("map %s: writing device %s failed: %s", RB_PIN_DEVICES,
				rb_mac_format(dev->mac, mac), strerror(-err));
			return err;
		}
		summary->devices++;
	}
	return 0;
}

/*
 * Point a pool device's record at its subnet's pool template.  Returns
 * true when the record is a pool device's and was kept.
 */
static bool pool_keep(int fd, const struct rb_config *cfg, const struct rb_dhcp4_templates *t,
		      const struct rb_mac_key *key)
{
	struct rb_device rec;
	size_t subnet;
	char mac[18];

	if (bpf_map_lookup_elem(fd, key, &rec) || !rb_dhcp4_pool_is_dynamic(cfg, key->addr, rec.ipv4))
		return false;
	rb_dhcp4_pool_find(cfg, rec.ipv4, &subnet);
	if (rec.template_id == t->pool_template[subnet] && !rec.inventory)
		return true;

	/* A device that left the inventory for the pool loses its inventory mark. */
	rec.template_id = t->pool_template[subnet];
	rec.inventory = 0;
	if (bpf_map_update_elem(fd, key, &rec, BPF_EXIST)) {
		log_warn("map %s: pointing pool device %s at template %u failed: %s; removing it",
			 RB_PIN_DEVICES, rb_mac_format(key->addr, mac), rec.template_id,
			 strerror(errno));
		return false;
	}
	return true;
}

/*
 * Collect the keys of records whose MAC is not in the inventory and that
 * are not pool devices, then delete them.
 */
static int devices_prune(int fd, const struct rb_config *cfg, const struct rb_dhcp4_templates *t,
			 struct rb_xdp_summary *summary)
{
	struct rb_mac_key *stale, key, *prev = NULL;
	size_t n = 0;
	int err = 0;

	stale = calloc(RB_MAX_DEVICES, sizeof(*stale));
	if (!stale)
		return -ENOMEM;

	while (n < RB_MAX_DEVICES && bpf_map_get_next_key(fd, prev, &key) == 0) {
		if (!rb_config_device_by_mac(cfg, key.addr) && !pool_keep(fd, cfg, t, &key))
			stale[n++] = key;
		prev = &key;
	}

	for (size_t i = 0; i < n; i++) {
		char mac[18];

		if (bpf_map_delete_elem(fd, &stale[i]) && errno != ENOENT) {
			err = -errno;
			log_err("map %s: removing device %s failed: %s", RB_PIN_DEVICES,
				rb_mac_format(stale[i].addr, mac), strerror(-err));
			break;
		}
		log_debug("map %s: removed device %s, which is no longer in the inventory",
			  RB_PIN_DEVICES, rb_mac_format(stale[i].addr, mac));
		summary->devices_removed++;
	}
	free(stale);
	return err;
}

int rb_xdp_maps_fill(const struct rb_config *cfg, const struct rb_xdp_maps *maps,
		     const struct rb_xdp_iface *ifaces, size_t n_ifaces,
		     struct rb_xdp_summary *summary)
{
	struct rb_dhcp4_templates t;
	int err;

	err = rb_dhcp4_templates_build(cfg, &t);
	if (err)
		return err;

	/* Templates first: a link's pool_template must name a written template. */
	err = templates_fill(maps->templates, &t);
	if (!err)
		err = ifaces_fill(maps->ifaces, cfg, &t, ifaces, n_ifaces);
	if (!err)
		err = devices_write(maps->devices, cfg, &t, summary);
	if (!err)
		err = devices_prune(maps->devices, cfg, &t, summary);
	if (!err)
		err = rb_xdp_relay_fill(maps->relay_reservations, cfg, &summary->relay_reservations);
	if (!err)
		err = rb_xdp_relay_pools_fill(maps->relay_pools, cfg, &t);
	if (!err)
		rb_xdp_relay_forwarding_hint(ifaces, n_ifaces);
	summary->templates = t.count;
	rb_dhcp4_templates_free(&t);
	return err;
}
