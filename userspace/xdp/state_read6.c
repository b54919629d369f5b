// SPDX-License-Identifier: MIT
#include <bpf/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rackboot/dhcp6_maps.h"
#include "store/store.h"
#include "xdp/state_read6.h"

static int compare_mac_to_device(const void *mac, const void *dev)
{
	return memcmp(mac, ((const struct rb_state_device *)dev)->key.addr, 6);
}

static struct rb_state_device *find_device(struct rb_state_device *devs, size_t n,
					   const uint8_t mac[6])
{
	return n ? bsearch(mac, devs, n, sizeof(*devs), compare_mac_to_device) : NULL;
}

static int read_reservations(int fd, struct rb_state_device *devs, size_t n)
{
	struct rb_duid_key key, *prev = NULL;
	struct rb_device6 rec;

	/* The map has at most RB_MAX_DEVICES6 keys, which bounds the walk. */
	for (size_t walked = 0; walked < RB_MAX_DEVICES6; walked++) {
		struct rb_state_device *dev;

		if (bpf_map_get_next_key(fd, prev, &key) != 0)
			return errno == ENOENT ? 0 : -errno;
		prev = &key;
		/* A record deleted between the two calls is skipped. */
		if (bpf_map_lookup_elem(fd, &key, &rec) != 0 || !rec.has_mac)
			continue;
		dev = find_device(devs, n, rec.mac);
		if (!dev || dev->ipv6_source == RB_STATE_IPV6_LEASE)
			continue;
		memcpy(dev->ipv6, rec.addr, sizeof(dev->ipv6));
		dev->ipv6_source = RB_STATE_IPV6_RESERVATION;
	}
	return 0;
}

struct lease_join {
	struct rb_state_device *devs;
	size_t n;
	int devices6_fd;
	int64_t now_s;
};

/*
 * Find the MAC of a lease: the one the store took from the client's
 * DUID-LL, DUID-LLT or relay option 79, else the inventory MAC of the
 * rb_devices6 record keyed by the lease's DUID (a configured DUID of
 * another type).
 */
static bool lease_mac(const struct lease_join *j, const struct rb_store_lease6 *lease,
		      uint8_t mac[6])
{
	struct rb_duid_key key;
	struct rb_device6 rec;

	if (lease->has_mac) {
		memcpy(mac, lease->mac, 6);
		return true;
	}
	if (j->devices6_fd < 0 || lease->duid_len < RB_DUID_MIN || lease->duid_len > RB_DUID_MAX)
		return false;
	memset(&key, 0, sizeof(key));
	key.len = lease->duid_len;
	memcpy(key.duid, lease->duid, lease->duid_len);
	if (bpf_map_lookup_elem(j->devices6_fd, &key, &rec) != 0 || !rec.has_mac)
		return false;
	memcpy(mac, rec.mac, 6);
	return true;
}

static int join_lease(const struct rb_store_lease6 *lease, void *arg)
{
	struct lease_join *j = arg;
	struct rb_state_device *dev;
	uint8_t mac[6];

	if (lease->state != RB_LEASE6_BOUND || lease->end <= j->now_s || !lease_mac(j, lease, mac))
		return 0;
	dev = find_device(j->devs, j->n, mac);
	if (!dev)
		return 0;
	if (dev->ipv6_source == RB_STATE_IPV6_LEASE && dev->ipv6_lease_end >= lease->end)
		return 0;
	memcpy(dev->ipv6, &lease->addr, sizeof(dev->ipv6));
	dev->ipv6_source = RB_STATE_IPV6_LEASE;
	dev->ipv6_lease_end = lease->end;
	return 0;
}

int rb_state_read_ipv6(int devices6_fd, struct rb_store *store, int64_t now_s,
		       struct rb_state_device *devs, size_t n)
{
	struct lease_join join = {
		.devs = devs, .n = n, .devices6_fd = devices6_fd, .now_s = now_s,
	};
	int err;

	if (store) {
		err = rb_store_foreach_lease6(store, join_lease, &join);
		if (err)
			return err;
	}
	return devices6_fd >= 0 ? read_reservations(devices6_fd, devs, n) : 0;
}
