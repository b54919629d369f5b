// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 slow path in rackbootd.  open binds [::]:server-port and
 * joins ff02::1:2 before the XDP program is loaded, so that a port in use
 * fails the start before any interface is touched.  start queues the
 * receives on the daemon's ring.  Without dhcpv6 subnets in the config,
 * every step does nothing.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dhcp6/server.h"
#include "rackbootd/daemon.h"
#include "xdp/loader.h"

_Static_assert(RB_UC_DHCP6_SEND_FAILED - RB_UC_DHCP6_RX + 1 == RB_D6C_COUNT,
	       "the DHCPv6 counters of rb_us_counters follow enum rb_dhcp6_counter");

/* Add what the server counted since the last call to rb_us_counters, for rackbootctl stats. */
static void dhcp6_mirror(struct rb_daemon *d)
{
	const uint64_t *now = rb_dhcp6_server_counters(d->dhcp6);
	uint64_t *us = rb_xdp_maps(d->xdp)->us;
	size_t i;

	if (!us)
		return;
	for (i = 0; i < RB_D6C_COUNT; i++) {
		us[RB_UC_DHCP6_RX + i] += now[i] - d->dhcp6_mirrored[i];
		d->dhcp6_mirrored[i] = now[i];
	}
}

int rb_daemon_dhcp6_open(struct rb_daemon *d)
{
	struct rb_dhcp6_server_config cfg = {
		.server_port = d->cfg->dhcp6_server_port,
		.client_port = (uint16_t)(d->cfg->dhcp6_server_port - 1),
		.config = d->cfg,
		.store = d->store,
	};
	const uint8_t *duid;
	size_t duid_len;
	int err;

	if (d->cfg->n_subnets6 == 0) {
		log_info("dhcpv6: no dhcpv6 subnet configured; DHCPv6 is off");
		return 0;
	}
	if (!d->store) {
		log_err("dhcpv6: the lease store is not open; DHCPv6 needs it to keep its leases");
		return -EINVAL;
	}
	memcpy(cfg.server_duid, d->cfg->server_duid, d->cfg->server_duid_len);
	cfg.server_duid_len = d->cfg->server_duid_len;
	err = rb_dhcp6_server_new(&d->ring, &cfg, &d->dhcp6);
	if (err)
		return err;

	/* XDP, loaded next, must sign its replies with the same server DUID. */
	duid = rb_dhcp6_server_get_duid(d->dhcp6, &duid_len);
	memcpy(d->cfg->server_duid, duid, duid_len);
	d->cfg->server_duid_len = (uint8_t)duid_len;
	return 0;
}

int rb_daemon_dhcp6_start(struct rb_daemon *d)
{
	int err;

	if (!d->dhcp6)
		return 0;
	err = rb_dhcp6_server_start(d->dhcp6);
	if (err)
		return err;
	log_info("dhcpv6: slow path listening on [::]:%u", rb_dhcp6_server_port(d->dhcp6));
	return 0;
}

int rb_daemon_dhcp6_reload(struct rb_daemon *d)
{
	int err;

	if (!d->dhcp6)
		return 0;
	err = rb_dhcp6_server_set_config(d->dhcp6, d->cfg);
	if (err)
		log_err("dhcpv6: building the reply templates of the new config failed: %s",
			strerror(-err));
	return err;
}

int rb_daemon_dhcp6_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	int err;

	if (!d->dhcp6 || !rb_dhcp6_owns(cqe->user_data))
		return -ENOENT;
	err = rb_dhcp6_server_handle_cqe(d->dhcp6, cqe);
	dhcp6_mirror(d);
	return err;
}

void rb_daemon_dhcp6_tick(struct rb_daemon *d)
{
	if (d->dhcp6)
		rb_dhcp6_server_tick(d->dhcp6);
}

void rb_daemon_dhcp6_stop(struct rb_daemon *d)
{
	if (d->dhcp6)
		rb_dhcp6_server_stop(d->dhcp6);
}

void rb_daemon_dhcp6_free(struct rb_daemon *d)
{
	if (d->dhcp6 && d->xdp)
		dhcp6_mirror(d);
	rb_dhcp6_server_free(d->dhcp6);
	d->dhcp6 = NULL;
}
