// SPDX-License-Identifier: MIT
/*
 * The journal's write batch, its commit deadline on the io_uring, the
 * slow path's calls, and the walk that deletes expired leases.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "leases/leases_internal.h"
#include "xdp/device_state.h"

#define NS_PER_S	1000000000ULL
#define NS_PER_MS	1000000ULL

/* Expired leases deleted by one walk; the rest wait for the next one. */
#define SWEEP_MAX	4096

static struct rb_log_repeat repeat_write_failed =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "leases: writing a lease to the store failed");

int64_t rb_leases_realtime(uint64_t boot_ns)
{
	struct timespec real;
	uint64_t now_boot = rb_boottime_ns();
	int64_t ago_ns = now_boot > boot_ns ? (int64_t)(now_boot - boot_ns) : 0;

	clock_gettime(CLOCK_REALTIME, &real);
	return (int64_t)real.tv_sec - ago_ns / (int64_t)NS_PER_S;
}

static void arm_timeout(struct rb_leases *l)
{
	struct io_uring_sqe *sqe;

	if (l->timeout_queued || !l->ring)
		return;
	sqe = io_uring_get_sqe(l->ring);
	if (!sqe) {
		/* The tick commits instead, at most one loop cycle late. */
		return;
	}
	l->timeout.tv_sec = l->cfg.commit_interval_ms / 1000;
	l->timeout.tv_nsec = (long long)(l->cfg.commit_interval_ms % 1000) * (long long)NS_PER_MS;
	io_uring_prep_timeout(sqe, &l->timeout, 0, 0);
	io_uring_sqe_set_data64(sqe, rb_uring_tag(RB_URING_OWNER_LEASES, RB_LEASES_TIMEOUT));
	l->timeout_queued = true;
}

/* Queue the next periodic drain of the ring. */
static void arm_drain(struct rb_leases *l)
{
	struct io_uring_sqe *sqe;

	if (l->drain_queued || !l->ring || l->stopping)
		return;
	sqe = io_uring_get_sqe(l->ring);
	if (!sqe) {
		/* The tick drains instead and arms it again. */
		return;
	}
	l->drain_timeout.tv_sec = 0;
	l->drain_timeout.tv_nsec = RB_LEASES_DRAIN_MS * (long long)NS_PER_MS;
	io_uring_prep_timeout(sqe, &l->drain_timeout, 0, 0);
	io_uring_sqe_set_data64(sqe, rb_uring_tag(RB_URING_OWNER_LEASES, RB_LEASES_DRAIN));
	l->drain_queued = true;
}

/* Make room for one write in the open batch, opening one when needed. */
int rb_leases_batch_write(struct rb_leases *l)
{
	int err;

	if (l->batch_open && l->batch_writes >= RB_LEASES_BATCH_MAX)
		rb_leases_batch_commit(l);
	if (!l->batch_open) {
		err = rb_store_begin(l->store);
		if (err)
			return err;
		l->batch_open = true;
		l->batch_writes = 0;
		arm_timeout(l);
	}
	l->batch_writes++;
	return 0;
}

void rb_leases_batch_commit(struct rb_leases *l)
{
	int err;

	if (!l->batch_open)
		return;
	l->batch_open = false;
	err = rb_store_commit(l->store);
	if (err)
		l->write_errors += l->batch_writes;
	else
		log_debug("leases: committed %u writes to the store", l->batch_writes);
	l->batch_writes = 0;
}

static void log_write_failed(const uint8_t mac[6], uint32_t ipv4, int err)
{
	char text[18], addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ipv4, addr, sizeof(addr));
	rb_log_repeat(&repeat_write_failed, "leases: writing the lease of %s on %s to the store "
		      "failed: %s", rb_mac_format(mac, text), addr, strerror(-err));
}

/* Delete the store lease of the MAC that holds ipv4 there. */
static int evict_holder(struct rb_leases *l, const uint8_t mac[6], uint32_t ipv4)
{
	struct rb_store_lease old;
	char old_mac[18], new_mac[18], addr[INET_ADDRSTRLEN];
	int err = rb_store_get_lease_by_addr(l->store, ipv4, &old);

	if (err)
		return err;
	inet_ntop(AF_INET, &ipv4, addr, sizeof(addr));
	log_warn("leases: %s was ACKed %s, which the store had as leased to %s; the store now "
		 "has it for %s (the ACK went on the wire)", rb_mac_format(mac, new_mac), addr,
		 rb_mac_format(old.mac, old_mac), new_mac);
	return rb_store_del_lease(l->store, old.mac);
}

int rb_leases_write(struct rb_leases *l, const uint8_t mac[6], uint32_t ipv4,
		    uint32_t template_id, uint64_t ack_ns, uint32_t lease_time, uint16_t source)
{
	struct rb_store_lease lease = {
		.source = source,
		.ipv4 = ipv4,
		.template_id = template_id,
		.start = rb_leases_realtime(ack_ns),
	};
	int err;

	memcpy(lease.mac, mac, sizeof(lease.mac));
	lease.end = lease.start + lease_time;

	err = rb_leases_batch_write(l);
	if (!err)
		err = rb_store_put_lease(l->store, &lease);
	if (err == -EEXIST) {
		err = evict_holder(l, mac, ipv4);
		if (!err)
			err = rb_store_put_lease(l->store, &lease);
	}
	if (err) {
		l->write_errors++;
		log_write_failed(mac, ipv4, err);
	}
	return err;
}

int rb_leases_new(struct rb_store *store, const struct rb_leases_config *cfg,
		  struct rb_leases **out)
{
	struct rb_leases *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->store = store;
	l->cfg = *cfg;
	if (l->cfg.commit_interval_ms == 0)
		l->cfg.commit_interval_ms = 100;
	l->maps = (struct rb_leases_maps){ .events = -1, .devices = -1, .templates = -1 };
	*out = l;
	return 0;
}

int rb_leases_start(struct rb_leases *l, struct io_uring *ring, const struct rb_leases_maps *maps)
{
	int err;

	if (!l)
		return 0;
	l->maps = *maps;

	/* No ring yet: the backlog and the reconcile commit by size and at the end. */
	err = rb_leases_ring_open(l);
	if (!err)
		err = rb_leases_ring_drain(l);
	if (!err)
		err = rb_leases_reconcile(l);
	if (!err)
		err = rb_leases_restore(l);
	rb_leases_batch_commit(l);
	if (err)
		return err;

	l->ring = ring;
	l->next_sweep_ns = rb_boottime_ns();
	arm_drain(l);
	return 0;
}

int rb_leases_handle_cqe(struct rb_leases *l, const struct io_uring_cqe *cqe)
{
	uint64_t request = rb_uring_payload(cqe->user_data);

	if (request == RB_LEASES_TIMEOUT) {
		l->timeout_queued = false;
		rb_leases_batch_commit(l);
		return 0;
	}
	if (request != RB_LEASES_DRAIN)
		return -EINVAL;

	l->drain_queued = false;
	rb_leases_ring_drain(l);
	arm_drain(l);
	return 0;
}

static void sweep(struct rb_leases *l);

void rb_leases_tick(struct rb_leases *l)
{
	uint64_t now;

	if (!l || !l->ring)
		return;
	/* Cheap when the ring is empty; it covers a drain timeout that found no free entry. */
	rb_leases_ring_drain(l);
	arm_drain(l);

	now = rb_boottime_ns();
	if (now >= l->next_sweep_ns) {
		l->next_sweep_ns = now + RB_LEASES_SWEEP_S * NS_PER_S;
		sweep(l);
	}
	/* A batch whose deadline found no free submission entry. */
	if (l->batch_open && !l->timeout_queued)
		rb_leases_batch_commit(l);
}

void rb_leases_granted(struct rb_leases *l, const uint8_t mac[6], const struct rb_device *dev)
{
	struct rb_dhcp4_template tmpl;
	__u32 id = dev->template_id;

	if (!l || l->maps.templates < 0)
		return;
	if (bpf_map_lookup_elem(l->maps.templates, &id, &tmpl)) {
		log_write_failed(mac, dev->ipv4, -ENOENT);
		return;
	}
	rb_leases_write(l, mac, dev->ipv4, dev->template_id, dev->lease_ns, tmpl.lease_time,
			RB_LEASE_USERSPACE);
}

void rb_leases_ended(struct rb_leases *l, const uint8_t mac[6])
{
	char text[18];
	int err;

	if (!l)
		return;
	err = rb_leases_batch_write(l);
	if (!err)
		err = rb_store_del_lease(l->store, mac);
	if (err && err != -ENOENT) {
		l->write_errors++;
		log_err("leases: deleting the lease of %s from the store failed: %s",
			rb_mac_format(mac, text), strerror(-err));
	}
}

struct sweep_state {
	int64_t now;
	uint8_t (*macs)[6];
	size_t n;
};

static int collect_expired(const struct rb_store_lease *lease, void *arg)
{
	struct sweep_state *s = arg;

	if (rb_leases_expiry(lease) >= s->now)
		return 0;
	memcpy(s->macs[s->n++], lease->mac, 6);
	return s->n == SWEEP_MAX;
}

/*
 * Delete the leases that ended more than the journal lag and
 * RB_LEASES_EXPIRE_GRACE_S ago (rb_leases_expiry).
 * Pool leases usually leave earlier, through the slow path's expiry;
 * this catches inventory leases and those of a store that was offline.
 */
static void sweep(struct rb_leases *l)
{
	struct sweep_state s = { .now = rb_leases_realtime(rb_boottime_ns()) };

	s.macs = calloc(SWEEP_MAX, sizeof(*s.macs));
	if (!s.macs)
		return;
	rb_store_foreach_lease(l->store, collect_expired, &s);
	for (size_t i = 0; i < s.n; i++)
		rb_leases_ended(l, s.macs[i]);
	if (s.n)
		log_info("leases: deleted %zu expired leases from the store", s.n);
	free(s.macs);
}

void rb_leases_set_bind_handler(struct rb_leases *l,
				void (*fn)(void *arg, const struct rb_event *ev), void *arg)
{
	if (!l)
		return;
	l->on_bind = fn;
	l->on_bind_arg = arg;
}

void rb_leases_set_config(struct rb_leases *l, const struct rb_config *config)
{
	if (l)
		l->cfg.config = config;
}

void rb_leases_set_tftp_handler(struct rb_leases *l,
				void (*fn)(void *arg, const struct rb_tftp_event *ev), void *arg)
{
	if (!l)
		return;
	l->on_tftp_done = fn;
	l->on_tftp_done_arg = arg;
}

void rb_leases_flush(struct rb_leases *l)
{
	if (l)
		rb_leases_batch_commit(l);
}

void rb_leases_stop(struct rb_leases *l)
{
	if (!l)
		return;
	l->stopping = true;
	if (l->events)
		rb_leases_ring_drain(l);
	rb_leases_batch_commit(l);
	log_info("leases: %llu XDP lease events drained since start, %llu store writes failed",
		 (unsigned long long)l->events_seen, (unsigned long long)l->write_errors);
}

void rb_leases_free(struct rb_leases *l)
{
	if (!l)
		return;
	/* Writes made after rb_leases_stop(), by completions of the drain. */
	rb_leases_batch_commit(l);
	ring_buffer__free(l->events);
	free(l);
}
