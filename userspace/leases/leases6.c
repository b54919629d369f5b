// SPDX-License-Identifier: MIT
/*
 * DHCPv6 leases that XDP granted: the RB_EV_DHCP6_LEASE records of
 * rb_events, written to the store's DHCPv6 leases.  rackbootd's DHCPv6
 * slow path writes its own leases to the store directly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "config/config.h"
#include "leases/leases_internal.h"

static struct rb_log_repeat repeat_write6_failed =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "leases: writing a DHCPv6 lease to the store failed");
static struct rb_log_repeat repeat_no_subnet6 =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "leases: DHCPv6 lease outside every subnet6 not written");

/* Delete the store lease that holds the address of lease under another (DUID, IAID). */
static int evict_holder6(struct rb_leases *l, const struct rb_store_lease6 *lease)
{
	struct rb_store_lease6 old;
	char addr[INET6_ADDRSTRLEN];
	int err = rb_store_get_lease6_by_addr(l->store, &lease->addr, &old);

	if (err)
		return err;
	inet_ntop(AF_INET6, &lease->addr, addr, sizeof(addr));
	log_warn("leases: XDP replied with %s to IAID %u, which the store had as leased to IAID "
		 "%u of another DUID; the store now has it for the new client (the Reply went "
		 "on the wire)", addr, lease->iaid, old.iaid);
	return rb_store_del_lease6(l->store, old.duid, old.duid_len, old.iaid);
}

/*
 * Fill lease from ev.  The store keeps the index of the config subnet6,
 * not the XDP template, so the address selects the subnet6.  Returns 0,
 * -EINVAL for a DUID length out of range, or -ENOENT when no subnet6
 * contains the address.
 */
static int lease_of_event(const struct rb_leases *l, const struct rb_event6 *ev,
			  struct rb_store_lease6 *lease)
{
	const struct rb_config *cfg = l->cfg.config;
	const struct rb_cfg_subnet6 *subnet;

	memset(lease, 0, sizeof(*lease));
	memcpy(&lease->addr, ev->addr, sizeof(lease->addr));
	lease->iaid = (uint32_t)ev->iaid[0] << 24 | (uint32_t)ev->iaid[1] << 16 |
		      (uint32_t)ev->iaid[2] << 8 | ev->iaid[3];
	if (ev->duid_len < RB_DUID_MIN || ev->duid_len > RB_DUID_MAX)
		return -EINVAL;
	subnet = cfg ? rb_config_subnet6_by_addr(cfg, &lease->addr) : NULL;
	if (!subnet)
		return -ENOENT;

	memcpy(lease->duid, ev->duid, ev->duid_len);
	lease->duid_len = ev->duid_len;
	lease->state = RB_LEASE6_BOUND;
	lease->has_mac = ev->has_mac != 0;
	memcpy(lease->mac, ev->mac, sizeof(lease->mac));
	lease->preferred_lifetime = ev->preferred_lifetime;
	lease->valid_lifetime = ev->valid_lifetime;
	lease->subnet6 = (uint32_t)(subnet - cfg->subnets6);
	lease->start = rb_leases_realtime(ev->ns);
	lease->end = lease->start + ev->valid_lifetime;
	return 0;
}

int rb_leases_write6(struct rb_leases *l, const struct rb_event6 *ev)
{
	struct rb_store_lease6 lease;
	char addr[INET6_ADDRSTRLEN];
	int err;

	inet_ntop(AF_INET6, ev->addr, addr, sizeof(addr));
	err = lease_of_event(l, ev, &lease);
	if (err == -ENOENT) {
		l->write_errors++;
		rb_log_repeat(&repeat_no_subnet6, "leases: XDP replied with %s, which no subnet6 "
			      "of the config contains; the lease is not written to the store", addr);
		return err;
	}
	if (err == -EINVAL) {
		l->write_errors++;
		rb_log_repeat(&repeat_write6_failed, "leases: the DHCPv6 lease of %s (IAID %u) has "
			      "a DUID of %u bytes, outside %d..%d, and is not written to the store; "
			      "is the loaded XDP program from another rackboot release?", addr,
			      lease.iaid, ev->duid_len, RB_DUID_MIN, RB_DUID_MAX);
		return err;
	}

	err = rb_leases_batch_write(l);
	if (!err)
		err = rb_store_put_lease6(l->store, &lease);
	if (err == -EEXIST) {
		err = evict_holder6(l, &lease);
		if (!err)
			err = rb_store_put_lease6(l->store, &lease);
	}
	if (err) {
		l->write_errors++;
		rb_log_repeat(&repeat_write6_failed, "leases: writing the DHCPv6 lease of %s "
			      "(IAID %u) to the store failed: %s", addr, lease.iaid, strerror(-err));
	}
	return err;
}
