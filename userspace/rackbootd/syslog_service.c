// SPDX-License-Identifier: MIT
/*
 * The syslog receiver in rackbootd.  open binds its ports and start
 * queues its receives.  Each tick rebuilds the address-to-device table
 * every SYSLOG_TABLE_REBUILD_MS and writes the changed rings to the store
 * every commit-interval.  It also adds the receiver's counters to the
 * pinned userspace counters.  Without syslog enabled every step does
 * nothing.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "rackbootd/daemon.h"
#include "store/store.h"
#include "syslog/syslog_server.h"

/* Pool leases change the table too, so they are picked up at most this late. */
#define SYSLOG_TABLE_REBUILD_MS	2000

static int collectors_from_config(const struct rb_cfg_syslog *cfg,
				  struct rb_syslog_collector_config *out)
{
	for (size_t i = 0; i < cfg->n_collectors; i++) {
		const struct rb_cfg_syslog_collector *c = &cfg->collectors[i];
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out[i].addr;
		struct sockaddr_in *sin = (struct sockaddr_in *)&out[i].addr;

		memset(&out[i], 0, sizeof(out[i]));
		out[i].transport = c->transport == RB_CFG_SYSLOG_TLS ? RB_SYSLOG_TLS :
				   c->transport == RB_CFG_SYSLOG_TCP ? RB_SYSLOG_TCP : RB_SYSLOG_UDP;
		out[i].queue_size = c->queue_size;
		out[i].ca_file = c->ca_certificates;
		out[i].server_name = c->server_name;
		if (inet_pton(AF_INET, c->host, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons(c->port);
			out[i].addr_len = sizeof(*sin);
		} else if (inet_pton(AF_INET6, c->host, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(c->port);
			out[i].addr_len = sizeof(*sin6);
		} else {
			log_err("syslog: collector host '%s' is not an IPv4 or IPv6 address; fix "
				"syslog/collector in the config", c->host);
			return -EINVAL;
		}
	}
	return 0;
}

int rb_daemon_syslog_open(struct rb_daemon *d)
{
	const struct rb_cfg_syslog *sl = &d->cfg->syslog;
	struct rb_syslog_collector_config collectors[RB_CFG_SYSLOG_COLLECTORS_MAX];
	struct rb_syslog_config cfg = {
		.udp_port = sl->udp_port,
		.tcp_port = sl->tcp_port,
		.max_message = sl->max_message,
		.entries_per_device = sl->entries_per_device,
		.max_connections = sl->max_connections,
		.idle_timeout_ms = sl->idle_timeout_s * 1000,
		.tls_port = sl->tls_enabled ? sl->tls_port : 0,
		.tls_certificate = sl->tls_certificate,
		.tls_private_key = sl->tls_private_key,
		.tls_client_ca = sl->tls_client_ca[0] ? sl->tls_client_ca : NULL,
		.collectors = collectors,
		.n_collectors = sl->n_collectors,
	};
	int err;

	if (!sl->enabled)
		return 0;
	err = collectors_from_config(sl, collectors);
	return err ?: rb_syslog_server_new(&d->ring, &cfg, &d->syslog);
}

static bool same_collectors(const struct rb_cfg_syslog *a, const struct rb_cfg_syslog *b)
{
	if (a->n_collectors != b->n_collectors)
		return false;
	for (size_t i = 0; i < a->n_collectors; i++) {
		const struct rb_cfg_syslog_collector *x = &a->collectors[i], *y = &b->collectors[i];

		if (strcmp(x->host, y->host) != 0 || x->port != y->port ||
		    x->transport != y->transport || x->queue_size != y->queue_size ||
		    strcmp(x->ca_certificates, y->ca_certificates) != 0 ||
		    strcmp(x->server_name, y->server_name) != 0)
			return false;
	}
	return true;
}

static void table_rebuild(struct rb_daemon *d);

int rb_daemon_syslog_reload(struct rb_daemon *d, const struct rb_config *old)
{
	struct rb_syslog_collector_config collectors[RB_CFG_SYSLOG_COLLECTORS_MAX];
	const struct rb_cfg_syslog *sl = &d->cfg->syslog;
	int err;

	if (!d->syslog)
		return 0;
	if (!same_collectors(sl, &old->syslog)) {
		err = collectors_from_config(sl, collectors);
		err = err ?: rb_syslog_server_set_collectors(d->syslog, collectors, sl->n_collectors);
		if (err) {
			log_err("syslog: setting up the collectors of the new config failed: %s",
				strerror(-err));
			return err;
		}
		log_info("syslog: forwarding to %zu collectors now (was %zu)", sl->n_collectors,
			 old->syslog.n_collectors);
	}
	/* The inventory's addresses may have changed. */
	table_rebuild(d);
	return 0;
}

/* The devices in the pinned map: pool devices with their current address, and the inventory. */
static void table_add_map(int fd, struct rb_syslog_table *t)
{
	struct rb_mac_key key, next;
	struct rb_device rec;
	uint8_t addr[16];
	void *prev = NULL;

	/* Bounded by the map's max_entries, since each key is visited once. */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rec) || rec.ipv4 == 0)
			continue;
		rb_syslog_addr_v4(rec.ipv4, addr);
		rb_syslog_table_add(t, addr, key.addr, (const char *)rec.hostname,
				    rec.hostname_len < RB_HOSTNAME_MAX ? rec.hostname_len :
									 RB_HOSTNAME_MAX);
	}
}

static int lease6_add(const struct rb_store_lease6 *lease, void *arg)
{
	if (lease->has_mac && lease->state == RB_LEASE6_BOUND)
		rb_syslog_table_add(arg, lease->addr.s6_addr, lease->mac, "", 0);
	return 0;
}

/* The inventory's reservations go last, so that their hostnames win. */
static void table_add_inventory(const struct rb_config *cfg, struct rb_syslog_table *t)
{
	uint8_t addr[16];

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];

		if (dev->ipv4) {
			rb_syslog_addr_v4(dev->ipv4, addr);
			rb_syslog_table_add(t, addr, dev->mac, dev->hostname, strlen(dev->hostname));
		}
		if (dev->has_ipv6)
			rb_syslog_table_add(t, dev->ipv6.s6_addr, dev->mac, dev->hostname,
					    strlen(dev->hostname));
	}
}

static void table_rebuild(struct rb_daemon *d)
{
	struct rb_syslog_table t;

	rb_syslog_table_init(&t);
	if (d->xdp)
		table_add_map(rb_xdp_maps(d->xdp)->devices, &t);
	if (d->store)
		rb_store_foreach_lease6(d->store, lease6_add, &t);
	table_add_inventory(d->cfg, &t);
	if (t.count != d->syslog_table_size)
		log_debug("syslog: address table rebuilt: %zu addresses (was %zu)", t.count,
			  d->syslog_table_size);
	d->syslog_table_size = t.count;
	rb_syslog_server_set_table(d->syslog, &t);
}

int rb_daemon_syslog_start(struct rb_daemon *d)
{
	uint64_t now = rb_syslog_now_ms();

	if (!d->syslog)
		return 0;
	table_rebuild(d);
	d->syslog_next_rebuild_ms = now + SYSLOG_TABLE_REBUILD_MS;
	d->syslog_next_commit_ms = now + d->cfg->syslog.commit_interval_ms;
	return rb_syslog_server_start(d->syslog);
}

int rb_daemon_syslog_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	if (!d->syslog || !rb_syslog_owns(cqe->user_data))
		return -ENOENT;
	return rb_syslog_server_handle_cqe(d->syslog, cqe);
}

/*
 * Write every changed ring in one batch of its own.  Returns -EBUSY while
 * the lease journal has a batch open, because a failed put would spoil
 * that batch's leases.  The caller then tries again at the next tick.
 */
static int rings_commit(struct rb_daemon *d)
{
	struct rb_syslog_rings *rings = rb_syslog_server_rings(d->syslog);
	uint64_t *us = rb_xdp_maps(d->xdp)->us;
	size_t written = 0;
	int err;

	if (!d->store)
		return 0;
	err = rb_store_begin(d->store);
	if (err) {
		if (err != -EBUSY)
			us[RB_UC_SYSLOG_STORE_FAILED]++;
		return err;
	}
	for (size_t i = 0; i < rings->slot_count; i++) {
		struct rb_syslog_ring *ring = rings->slots[i];
		uint8_t *value;
		size_t len;

		if (!ring || !ring->dirty)
			continue;
		value = rb_syslog_ring_value(ring, &len);
		err = value ? rb_store_put_syslog(d->store, ring->mac, value, len) : -ENOMEM;
		free(value);
		if (err) {
			us[RB_UC_SYSLOG_STORE_FAILED]++;
			log_err("syslog: writing a log ring to the store %s failed: %s",
				d->cfg->store_path, strerror(-err));
			continue;
		}
		ring->dirty = false;
		written++;
	}
	err = rb_store_commit(d->store);
	if (err) {
		/* Nothing of the batch is stored, so every ring is written again next time. */
		us[RB_UC_SYSLOG_STORE_FAILED]++;
		for (size_t i = 0; i < rings->slot_count; i++) {
			if (rings->slots[i])
				rings->slots[i]->dirty = true;
		}
	} else if (written) {
		log_debug("syslog: %zu log rings written to the store", written);
	}
	return 0;
}

/* Add what the receiver's counters gained since the last call to the pinned ones. */
static void counters_mirror(struct rb_daemon *d)
{
	const struct rb_syslog_counters *c = rb_syslog_server_counters(d->syslog);
	struct rb_syslog_collector_counters fw;
	uint64_t *us = rb_xdp_maps(d->xdp)->us;
	uint64_t now[RB_UC_SYSLOG_TLS_REJECTED - RB_UC_SYSLOG_RX_UDP + 1];

	rb_syslog_server_forward_counters(d->syslog, &fw);
	now[RB_UC_SYSLOG_RX_UDP - RB_UC_SYSLOG_RX_UDP] = c->rx_udp;
	now[RB_UC_SYSLOG_RX_TCP - RB_UC_SYSLOG_RX_UDP] = c->rx_tcp;
	now[RB_UC_SYSLOG_PARSE_ERRORS - RB_UC_SYSLOG_RX_UDP] = c->parse_errors;
	now[RB_UC_SYSLOG_CUT - RB_UC_SYSLOG_RX_UDP] = c->cut;
	now[RB_UC_SYSLOG_UNATTRIBUTED - RB_UC_SYSLOG_RX_UDP] = c->unattributed;
	now[RB_UC_SYSLOG_TCP_REJECTED - RB_UC_SYSLOG_RX_UDP] = c->tcp_rejected;
	now[RB_UC_SYSLOG_TCP_IDLE_CLOSED - RB_UC_SYSLOG_RX_UDP] = c->tcp_idle_closed;
	now[RB_UC_SYSLOG_FORWARDED - RB_UC_SYSLOG_RX_UDP] = fw.forwarded;
	now[RB_UC_SYSLOG_FWD_DROPPED - RB_UC_SYSLOG_RX_UDP] = fw.dropped;
	now[RB_UC_SYSLOG_FWD_RECONNECTS - RB_UC_SYSLOG_RX_UDP] = fw.reconnects;
	now[RB_UC_SYSLOG_RX_TLS - RB_UC_SYSLOG_RX_UDP] = c->rx_tls;
	now[RB_UC_SYSLOG_TLS_REJECTED - RB_UC_SYSLOG_RX_UDP] = c->tls_rejected;

	for (size_t i = 0; i < sizeof(now) / sizeof(now[0]); i++) {
		us[RB_UC_SYSLOG_RX_UDP + i] += now[i] - d->syslog_mirrored[i];
		d->syslog_mirrored[i] = now[i];
	}
}

void rb_daemon_syslog_tick(struct rb_daemon *d)
{
	uint64_t now = rb_syslog_now_ms();

	if (!d->syslog)
		return;
	rb_syslog_server_tick(d->syslog, now);
	if (now >= d->syslog_next_rebuild_ms) {
		table_rebuild(d);
		d->syslog_next_rebuild_ms = now + SYSLOG_TABLE_REBUILD_MS;
	}
	/*
	 * NOTE: under a steady stream of lease writes the journal's batch may
	 * be open at every tick, which delays the rings past commit-interval.
	 */
	if (now >= d->syslog_next_commit_ms && rings_commit(d) != -EBUSY)
		d->syslog_next_commit_ms = now + d->cfg->syslog.commit_interval_ms;
	counters_mirror(d);
}

void rb_daemon_syslog_stop(struct rb_daemon *d)
{
	if (!d->syslog)
		return;
	rb_syslog_server_stop(d->syslog);
}

void rb_daemon_syslog_free(struct rb_daemon *d)
{
	/* Without d->xdp the start failed before the counters were mapped. */
	if (d->syslog && d->xdp) {
		if (rings_commit(d) == -EBUSY)
			log_warn("syslog: the log rings were not written to the store at stop, "
				 "because a lease batch was still open; messages since the last "
				 "commit are lost");
		counters_mirror(d);
	}
	rb_syslog_server_free(d->syslog);
	d->syslog = NULL;
}
