// SPDX-License-Identifier: MIT
/*
 * The DNS server in rackbootd.  open binds the sockets before the XDP
 * program is loaded and builds the zone from the config; start queues
 * the receives.  Every RB_DNS_REFRESH_MS the tick reads the DHCPv6
 * leases of inventory devices from the store, and rebuilds and swaps
 * the zone when they changed.  Inventory IPv4 addresses are always
 * reservations (ipv4-address is mandatory), so they come from the
 * config alone.  Without a dns container every step does nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "dns/dns_build.h"
#include "dns/dns_server.h"
#include "dns/dns_xdp.h"
#include "rackbootd/daemon.h"
#include "store/store.h"
#include "xdp/loader.h"

/* How often the leases are read again: a new lease resolves within this time. */
#define RB_DNS_REFRESH_MS	2000

_Static_assert(RB_UC_DNS_TCP_CONNECTIONS - RB_UC_DNS_QUERIES + 1 == RB_DNSC_COUNT,
	       "the DNS counters of rb_us_counters follow enum rb_dns_counter");

/* Add what the server counted since the last call to rb_us_counters, for rackbootctl stats. */
static void dns_mirror(struct rb_daemon *d)
{
	const uint64_t *now = rb_dns_server_counters(d->dns);
	uint64_t *us = d->xdp ? rb_xdp_maps(d->xdp)->us : NULL;

	if (!us)
		return;
	for (size_t i = 0; i < RB_DNSC_COUNT; i++) {
		us[RB_UC_DNS_QUERIES + i] += now[i] - d->dns_mirrored[i];
		d->dns_mirrored[i] = now[i];
	}
}

struct lease_scan {
	const struct rb_config *cfg;
	struct rb_dns_leased *items;
	size_t n, cap;
	int64_t now;
	int err;
};

/* Keep a bound, unexpired lease of an inventory device that has no ipv6-address. */
static int scan_lease6(const struct rb_store_lease6 *lease, void *arg)
{
	struct lease_scan *scan = arg;
	const struct rb_cfg_device *dev = NULL;
	struct rb_dns_leased *items;

	if (lease->state != RB_LEASE6_BOUND || lease->end <= scan->now)
		return 0;
	dev = rb_config_device_by_duid(scan->cfg, lease->duid, lease->duid_len);
	if (!dev && lease->has_mac)
		dev = rb_config_device_by_mac(scan->cfg, lease->mac);
	if (!dev || dev->has_ipv6 || !dev->hostname[0])
		return 0;
	if (scan->n == scan->cap) {
		size_t cap = scan->cap ? scan->cap * 2 : 64;

		items = realloc(scan->items, cap * sizeof(*items));
		if (!items) {
			scan->err = -ENOMEM;
			return 1;
		}
		scan->items = items;
		scan->cap = cap;
	}
	/* Zeroed padding too, because same_leases() compares the bytes. */
	memset(&scan->items[scan->n], 0, sizeof(scan->items[0]));
	scan->items[scan->n].device = (size_t)(dev - scan->cfg->devices);
	scan->items[scan->n].ipv6 = true;
	scan->items[scan->n].addr6 = lease->addr;
	scan->n++;
	return 0;
}

static bool same_leases(const struct rb_daemon *d, const struct lease_scan *scan)
{
	return scan->n == d->dns_n_leased &&
	       (scan->n == 0 || memcmp(scan->items, d->dns_leased, scan->n * sizeof(*scan->items)) == 0);
}

/* Write the server's zone into the XDP program's rb_dns_answers; nothing before XDP is loaded. */
static void fill_xdp(struct rb_daemon *d)
{
	const struct rb_dns_zone *zone = rb_dns_server_zone(d->dns);
	struct rb_dns_xdp_summary sum;

	if (!d->xdp || !zone)
		return;
	if (rb_dns_xdp_fill(rb_xdp_maps(d->xdp)->dns_answers, zone,
			    rb_dns_server_settings(d->dns), &sum))
		return;
	log_debug("dns: XDP responses: %zu written, %zu removed, %zu left to the socket",
		  sum.written, sum.removed, sum.left_out);
}

/* Build the zone with leased, and give it to the server.  Takes leased. */
static int install_zone(struct rb_daemon *d, struct rb_dns_leased *leased, size_t n)
{
	struct rb_dns_zone *zone;
	size_t skipped = 0;
	int err;

	err = rb_dns_build(d->cfg, leased, n, &zone, &skipped);
	if (err) {
		free(leased);
		return err;
	}
	rb_dns_server_set_zone(d->dns, zone);
	fill_xdp(d);
	free(d->dns_leased);
	d->dns_leased = leased;
	d->dns_n_leased = n;
	log_debug("dns: zone %s rebuilt: %zu names, %zu records, %zu leased addresses, %zu "
		  "records outside the zones left out", d->cfg->dns.zone, zone->n_nodes, zone->n_rrs,
		  n, skipped);
	return 0;
}

/* Read the leased addresses of the inventory devices from the store into scan. */
static int scan_leased(struct rb_daemon *d, struct lease_scan *scan)
{
	int err;

	*scan = (struct lease_scan){ .cfg = d->cfg, .now = (int64_t)time(NULL) };
	if (!d->store)
		return 0;
	err = rb_store_foreach_lease6(d->store, scan_lease6, scan);
	if (err || scan->err) {
		free(scan->items);
		scan->items = NULL;
		scan->n = 0;
		return err ? err : scan->err;
	}
	return 0;
}

static void refresh(struct rb_daemon *d)
{
	struct lease_scan scan;
	int err;

	if (!d->store)
		return;
	err = scan_leased(d, &scan);
	if (err) {
		log_warn("dns: reading the DHCPv6 leases from the store failed: %s; the zone keeps "
			 "the leased addresses it has", strerror(-err));
		return;
	}
	if (same_leases(d, &scan)) {
		free(scan.items);
		return;
	}
	install_zone(d, scan.items, scan.n);
}

int rb_daemon_dns_reload(struct rb_daemon *d)
{
	struct lease_scan scan;
	int err;

	if (!d->dns)
		return 0;
	err = rb_dns_server_set_config(d->dns, d->cfg);
	if (err) {
		log_err("dns: the new config changes the port, tcp max-connections, forwarding or "
			"the upstreams' address families; restart rackbootd to apply it");
		return err;
	}
	/* The leased addresses name devices by their index in the config, so they are read again. */
	err = scan_leased(d, &scan);
	if (err)
		log_warn("dns: reading the DHCPv6 leases from the store failed: %s; the zone has "
			 "no leased addresses until the next refresh", strerror(-err));
	err = install_zone(d, scan.items, scan.n);
	if (err) {
		log_err("dns: building zone %s from the new config failed: %s", d->cfg->dns.zone,
			strerror(-err));
		return err;
	}
	log_info("dns: zone %s rebuilt from the new config: %zu names, %zu records",
		 d->cfg->dns.zone, rb_dns_server_zone(d->dns)->n_nodes,
		 rb_dns_server_zone(d->dns)->n_rrs);
	return 0;
}

int rb_daemon_dns_open(struct rb_daemon *d)
{
	struct rb_dns_server_config cfg = { .config = d->cfg };
	int err;

	if (!d->cfg->dns.enabled) {
		log_info("dns: no dns container configured; DNS is off");
		return 0;
	}
	err = rb_dns_server_new(&d->ring, &cfg, &d->dns);
	if (err)
		return err;
	return install_zone(d, NULL, 0);
}

int rb_daemon_dns_start(struct rb_daemon *d)
{
	int err;

	if (!d->dns)
		return 0;
	refresh(d);
	/* The zone built at open, when the XDP program was not loaded yet. */
	fill_xdp(d);
	d->dns_refresh_ms = rb_dns_now_ms() + RB_DNS_REFRESH_MS;
	err = rb_dns_server_start(d->dns);
	if (err)
		return err;
	log_info("dns: serving zone %s on port %u (UDP and TCP)%s", d->cfg->dns.zone,
		 rb_dns_server_port(d->dns),
		 d->cfg->dns.forwarding ? "; other names are forwarded" : "; other names are refused");
	return 0;
}

int rb_daemon_dns_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	int err;

	if (!d->dns || !rb_dns_owns(cqe->user_data))
		return -ENOENT;
	err = rb_dns_server_handle_cqe(d->dns, cqe);
	dns_mirror(d);
	return err;
}

void rb_daemon_dns_tick(struct rb_daemon *d)
{
	uint64_t now;

	if (!d->dns)
		return;
	now = rb_dns_now_ms();
	rb_dns_server_tick(d->dns, now);
	if (now >= d->dns_refresh_ms) {
		refresh(d);
		d->dns_refresh_ms = now + RB_DNS_REFRESH_MS;
	}
	dns_mirror(d);
}

void rb_daemon_dns_stop(struct rb_daemon *d)
{
	if (d->dns)
		rb_dns_server_stop(d->dns);
}

void rb_daemon_dns_free(struct rb_daemon *d)
{
	if (d->dns && d->xdp)
		dns_mirror(d);
	rb_dns_server_free(d->dns);
	d->dns = NULL;
	free(d->dns_leased);
	d->dns_leased = NULL;
	d->dns_n_leased = 0;
}
