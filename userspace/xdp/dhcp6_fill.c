// SPDX-License-Identifier: MIT
#include <bpf/bpf.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dhcp4.skel.h"
#include "dhcp6/server.h"
#include "dhcp6/template6.h"
#include "xdp/device_state.h"
#include "xdp/dhcp6_fill.h"

/* Machine ID file of rackbootd's DHCPv6 server, the source of its default DUID. */
#define MACHINE_ID_PATH	"/etc/machine-id"

/* DUID-LL (RFC 8415 section 11.4): type 3, hardware type 1 (Ethernet), the MAC. */
#define DUID_LL_LEN	10

/* Check that some subnet6 is served on the interface ifname. */
static bool iface_serves_dhcp6(const struct rb_config *cfg, const char *ifname)
{
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		if (strcmp(cfg->subnets6[i].interface, ifname) == 0)
			return true;
	}
	return false;
}

/* Copy the first fe80::/10 address of ifname into out; returns 0 or -ENOENT. */
static int link_local_of(const struct ifaddrs *list, const char *ifname, uint8_t out[16])
{
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ifa->ifa_addr;

		if (!sin6 || sin6->sin6_family != AF_INET6 || strcmp(ifa->ifa_name, ifname) != 0)
			continue;
		if (!IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			continue;
		memcpy(out, &sin6->sin6_addr, 16);
		return 0;
	}
	return -ENOENT;
}

static int ifaces6_fill(int fd, const struct rb_config *cfg, const struct rb_xdp_iface *ifaces,
			size_t n)
{
	struct ifaddrs *list = NULL;
	int err = 0;

	if (getifaddrs(&list) < 0) {
		err = -errno;
		log_err("reading the interface addresses for DHCPv6 failed: %s", strerror(-err));
		return err;
	}

	for (size_t i = 0; i < n; i++) {
		struct rb_iface6 val = { .mtu = ifaces[i].mtu };
		__u32 key = (__u32)ifaces[i].ifindex;

		memcpy(val.mac, ifaces[i].mac, sizeof(val.mac));
		if (iface_serves_dhcp6(cfg, ifaces[i].name)) {
			if (link_local_of(list, ifaces[i].name, val.link_local) == 0)
				val.enabled = 1;
			else
				log_warn("interface %s has no link-local IPv6 address: XDP passes its "
					 "DHCPv6 requests to rackbootd; enable IPv6 on it to reply to "
					 "them in XDP", ifaces[i].name);
		}
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			err = -errno;
			log_err("map %s: writing interface %s failed: %s", RB_PIN_IFACES6,
				ifaces[i].name, strerror(-err));
			break;
		}
	}
	freeifaddrs(list);
	return err;
}

/* Write every template slot, zeroing the unused ones (server_duid_len 0 = none). */
static int templates6_fill(int fd, const struct rb_dhcp6_templates *t)
{
	static const struct rb_dhcp6_template empty;

	for (__u32 id = 0; id < RB_MAX_TEMPLATES; id++) {
		const struct rb_dhcp6_template *val = id < t->count ? &t->items[id] : &empty;

		if (bpf_map_update_elem(fd, &id, val, BPF_ANY)) {
			int err = -errno;

			log_err("map %s: writing template %u failed: %s", RB_PIN_DHCP6_TEMPLATES, id,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The rb_devices6 key of a device: its DUID, or else the DUID-LL of its MAC. */
static int device_key(const struct rb_cfg_device *dev, struct rb_duid_key *key)
{
	uint8_t duid_ll[DUID_LL_LEN] = { 0, 3, 0, 1 };

	if (dev->duid_len)
		return rb_dhcp6_duid_key(dev->duid, dev->duid_len, key);
	memcpy(duid_ll + 4, dev->mac, 6);
	return rb_dhcp6_duid_key(duid_ll, sizeof(duid_ll), key);
}

static int key_compare(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rb_duid_key));
}

/*
 * Collect the keys of the devices of cfg that get a record, sorted for
 * bsearch(), into *out.  Returns the count or a negative errno.
 */
static long configured_keys(const struct rb_config *cfg, const struct rb_dhcp6_templates *t,
			    struct rb_duid_key **out)
{
	struct rb_duid_key *keys = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*keys));
	size_t n = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (t->device_template[i] != RB_DHCP6_NO_TEMPLATE &&
		    device_key(&cfg->devices[i], &keys[n]) == 0)
			n++;
	}
	qsort(keys, n, sizeof(*keys), key_compare);
	*out = keys;
	return (long)n;
}

/*
 * Check whether key, the DUID-LL of a device without a configured DUID,
 * is the configured DUID of a device with an IPv6 address.  The slow
 * path looks up the exact DUID before the MAC, so that device owns the
 * key, and the record must be its own.
 */
static bool duid_ll_configured(const struct rb_config *cfg, const struct rb_duid_key *key)
{
	const struct rb_cfg_device *owner = rb_config_device_by_duid(cfg, key->duid, key->len);

	return owner && owner->has_ipv6;
}

/*
 * Return the ifindex of the XDP interface that serves subnet, or 0 when
 * the subnet is served only behind relays or on an interface without
 * the XDP program.  XDP replies to a device on that link alone.
 */
static __u32 subnet_ifindex(const struct rb_cfg_subnet6 *subnet, const struct rb_xdp_iface *ifaces,
			    size_t n)
{
	if (subnet->interface[0] == '\0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ifaces[i].name, subnet->interface) == 0)
			return (__u32)ifaces[i].ifindex;
	}
	return 0;
}

static int devices6_write(int fd, const struct rb_config *cfg, const struct rb_dhcp6_templates *t,
			  const struct rb_xdp_iface *ifaces, size_t n_ifaces)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];
		struct rb_duid_key key;
		struct rb_device6 rec;
		char mac[18];

		if (t->device_template[i] == RB_DHCP6_NO_TEMPLATE || device_key(dev, &key))
			continue;
		if (dev->duid_len == 0 && duid_ll_configured(cfg, &key)) {
			log_warn("device %s: the DUID-LL of its MAC is another device's configured "
				 "DUID, so DHCPv6 clients with that DUID get the other device's address; "
				 "set a duid for %s or change the other device's duid",
				 rb_mac_format(dev->mac, mac), mac);
			continue;
		}
		if (bpf_map_lookup_elem(fd, &key, &rec))
			memset(&rec, 0, sizeof(rec));
		rb_dhcp6_device_fill(dev, &cfg->subnets6[dev->subnet6], t->device_template[i], &rec);
		rec.flags = dev->duid_len ? 0 : RB_D6_DEV_F_MAC_KEY;
		rec.ifindex = subnet_ifindex(&cfg->subnets6[dev->subnet6], ifaces, n_ifaces);
		if (bpf_map_update_elem(fd, &key, &rec, BPF_ANY)) {
			int err = -errno;

			log_err("map %s: writing device %s failed: %s", RB_PIN_DEVICES6,
				rb_mac_format(dev->mac, mac), strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Collect the keys of records that no configured device produces, then delete them. */
static int devices6_prune(int fd, const struct rb_config *cfg, const struct rb_dhcp6_templates *t)
{
	struct rb_duid_key *stale = NULL, *keys = NULL, key, *prev = NULL;
	long n_keys = configured_keys(cfg, t, &keys);
	size_t n = 0, size = 0;
	int err = 0;

	if (n_keys < 0)
		return (int)n_keys;

	/* The stale list grows as needed: at 132 bytes a key, a full map's would be 34 MB. */
	while (n < RB_MAX_DEVICES6 && bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		if (bsearch(&key, keys, (size_t)n_keys, sizeof(key), key_compare))
			continue;
		if (n == size) {
			struct rb_duid_key *grown;

			size = size ? size * 2 : 64;
			grown = realloc(stale, size * sizeof(*stale));
			if (!grown) {
				free(stale);
				free(keys);
				return -ENOMEM;
			}
			stale = grown;
		}
		stale[n++] = key;
	}
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, &stale[i]) && errno != ENOENT) {
			err = -errno;
			log_err("map %s: removing a device record of a DUID of %u bytes failed: %s",
				RB_PIN_DEVICES6, stale[i].len, strerror(-err));
			break;
		}
	}
	if (n)
		log_debug("map %s: removed %zu records of devices no longer configured",
			  RB_PIN_DEVICES6, n);
	free(stale);
	free(keys);
	return err;
}

int rb_xdp_dhcp6_fill(const struct rb_config *cfg, const struct rb_xdp_dhcp6_maps *maps,
		      const uint8_t *duid, size_t duid_len, const struct rb_xdp_iface *ifaces,
		      size_t n_ifaces)
{
	struct rb_dhcp6_templates t;
	int err;

	err = rb_dhcp6_templates_build(cfg, duid, duid_len, &t);
	if (err)
		return err;

	/* Templates first: a device record must name a written template. */
	err = templates6_fill(maps->templates6, &t);
	if (!err)
		err = ifaces6_fill(maps->ifaces6, cfg, ifaces, n_ifaces);
	if (!err)
		err = devices6_write(maps->devices6, cfg, &t, ifaces, n_ifaces);
	if (!err)
		err = devices6_prune(maps->devices6, cfg, &t);
	rb_dhcp6_templates_free(&t);
	return err;
}

int rb_xdp_dhcp6_start(const struct rb_config *cfg, struct dhcp4_bpf *skel,
		       const struct rb_xdp_iface *ifaces, size_t n_ifaces)
{
	struct rb_xdp_dhcp6_maps maps = {
		.devices6 = bpf_map__fd(skel->maps.rb_devices6),
		.templates6 = bpf_map__fd(skel->maps.rb_dhcp6_templates),
		.ifaces6 = bpf_map__fd(skel->maps.rb_ifaces6),
	};
	uint8_t duid[RB_CFG_DUID_MAX];
	size_t duid_len = 0;
	int err;

	/*
	 * rackbootd puts the DHCPv6 server's DUID into the config before XDP
	 * is loaded. Without a subnet6 no template is encoded, so no DUID is
	 * needed.
	 */
	if (cfg->server_duid_len) {
		memcpy(duid, cfg->server_duid, cfg->server_duid_len);
		duid_len = cfg->server_duid_len;
	} else if (cfg->n_subnets6) {
		err = rb_dhcp6_server_duid(cfg, MACHINE_ID_PATH, duid, &duid_len);
		if (err)
			return err;
	}
	return rb_xdp_dhcp6_fill(cfg, &maps, duid, duid_len, ifaces, n_ifaces);
}
