/* SPDX-License-Identifier: MIT */
/*
 * The lease journal: every DHCPv4 lease that rackboot grants or ends
 * goes into the store.  XDP reports its ACKs, and its DHCPv6 Replies,
 * through the rb_events ring buffer, which the journal drains from
 * rackbootd's io_uring loop.  The DHCPv4 slow path calls
 * rb_leases_granted() and rb_leases_ended() directly, and the DHCPv6
 * slow path writes its leases to the store itself.
 *
 * Writes are batched: a batch is committed (durably) RB_LEASES_BATCH_MAX
 * writes after it started, or commit_interval_ms after its first write,
 * whichever comes first.  A SIGKILL loses no lease: at start the journal
 * drains the ring's backlog, then writes every lease that rb_devices
 * records (lease_ns set) and the store lacks.  A power loss can cost the
 * writes of the last commit interval.
 *
 * Embedding, on a caller-owned io_uring:
 *
 *	rb_leases_new(store, &cfg, &l);     before the maps exist
 *	rb_leases_start(l, &ring, &maps);   after: backlog, reconcile, restore
 *	loop: each cqe with rb_leases_owns(): rb_leases_handle_cqe(l, cqe);
 *	      rb_leases_tick(l);
 *	shutdown: rb_leases_stop(l); io_uring_queue_exit(); rb_leases_free(l);
 *
 * Every function accepts l == NULL and then does nothing, so that the
 * slow path runs without a journal in unit tests.
 */
#ifndef RB_LEASES_H
#define RB_LEASES_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/uring_tag.h"
#include "rackboot/maps.h"
#include "rackboot/tftp_maps.h"

struct rb_leases;
struct rb_store;
struct rb_config;

/*
 * Writes per commit.  The loop thread that commits also runs the slow
 * path and TFTP, so one commit must stay short: 4096 leases dirty at
 * most a few thousand 4 KiB pages, written with one fdatasync.  A full
 * rb_events ring (209,715 DHCPv4 records) then drains in 52 commits.
 */
#define RB_LEASES_BATCH_MAX	4096

/* Seconds after its end at which a lease leaves the store. */
#define RB_LEASES_EXPIRE_GRACE_S	10

/* Seconds between two walks of the store for expired leases. */
#define RB_LEASES_SWEEP_S	30

struct rb_leases_config {
	uint32_t commit_interval_ms;	/* most time a write waits for its commit */
	/* Pools, for restoring pool devices, and the subnets6 of XDP's DHCPv6 leases; must outlive l. */
	const struct rb_config *config;
};

/* The maps the journal reads and writes, from the XDP loader. */
struct rb_leases_maps {
	int events;		/* rb_events ring buffer */
	int devices;		/* rb_devices */
	int templates;		/* rb_dhcp4_templates: lease times */
};

/* Returns 0 or a negative errno.  The journal writes to store, which must outlive it. */
int rb_leases_new(struct rb_store *store, const struct rb_leases_config *cfg,
		  struct rb_leases **out);

/*
 * Drain the backlog of the ring and reconcile the store with rb_devices
 * in both directions.  Leases that the store lacks are written, and
 * unexpired pool leases whose device rb_devices lacks get their record
 * back.  Then commit and queue the poll of the ring on ring.  Call it
 * before the slow path rebuilds its pool allocator from rb_devices.
 */
int rb_leases_start(struct rb_leases *l, struct io_uring *ring, const struct rb_leases_maps *maps);

static inline bool rb_leases_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_LEASES;
}

/* Handle one completion that rb_leases_owns.  Returns 0 or a negative errno. */
int rb_leases_handle_cqe(struct rb_leases *l, const struct io_uring_cqe *cqe);

/* Commit a due batch, queue a poll that found the ring full, sweep expired leases. */
void rb_leases_tick(struct rb_leases *l);

/*
 * Record the ACK the slow path sent to mac for the device record dev
 * (lease_ns set to the ACK's CLOCK_BOOTTIME).
 */
void rb_leases_granted(struct rb_leases *l, const uint8_t mac[6], const struct rb_device *dev);

/* Record that the lease of mac ended: RELEASE, DECLINE or expiry. */
void rb_leases_ended(struct rb_leases *l, const uint8_t mac[6]);

/*
 * Call fn(arg, ev) for each RB_EV_DHCP4_BIND event, inside the write
 * batch, so that the store writes fn makes join it.  NULL = ignore them.
 */
void rb_leases_set_bind_handler(struct rb_leases *l,
				void (*fn)(void *arg, const struct rb_event *ev), void *arg);

/*
 * Read pools and subnets6 from config from now on (the reload).  config
 * must outlive l or the next call.  NULL l is accepted.
 */
void rb_leases_set_config(struct rb_leases *l, const struct rb_config *config);

/*
 * Call fn(arg, ev) for each RB_EV_TFTP_DONE record, so that the TFTP
 * server ends the transfer that XDP finished.  NULL = ignore them.
 */
void rb_leases_set_tftp_handler(struct rb_leases *l,
				void (*fn)(void *arg, const struct rb_tftp_event *ev), void *arg);

/* Commit the open write batch now, so that another writer can start one. */
void rb_leases_flush(struct rb_leases *l);

/* Drain the ring one last time and commit.  The poll in flight ends with the ring. */
void rb_leases_stop(struct rb_leases *l);

void rb_leases_free(struct rb_leases *l);

#endif
