/* SPDX-License-Identifier: MIT */
/*
 * Pool addresses lent to XDP.  rackbootd keeps one BPF queue of free
 * addresses per pool that serves a link (rb_pool_queues); the XDP
 * program pops one for the first DISCOVER of an unknown device, adds the
 * device record and reports RB_EV_DHCP4_BIND.  rackbootd still decides
 * which addresses may go out:
 *
 * - each address is recorded with the lender (the store) and the commit
 *   is durable before the address enters a queue;
 * - the allocator marks it held and lent (pool.h), so the slow path never
 *   hands it out while it sits in a queue;
 * - a bind event, passed in by the lease journal, clears the lent mark
 *   and the store's record: the device record now holds the address;
 * - at start the queues are drained back into the allocator.  A lent
 *   address that is neither in a queue nor in a device record may be in
 *   use by a device that the maps lost (a reboot cleared the pins), so
 *   it is held back for a lease time plus a grace before it is free.
 */
#ifndef RB_DHCP4_POOL_LEND_H
#define RB_DHCP4_POOL_LEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rackboot/maps.h"

struct rb_dhcp4_server;
struct rb_store;

/*
 * Where lent addresses are recorded.  lend, unlend and foreach_lent have
 * the contract of rb_store_lend(), rb_store_unlend() and
 * rb_store_foreach_lent().  begin and commit have that of rb_store_begin()
 * and rb_store_commit(): commit is durable on return, and begin returns
 * -EBUSY while another batch is open.  arg is passed to each.
 */
struct rb_dhcp4_lender {
	int (*begin)(void *arg);
	int (*commit)(void *arg);
	void (*abort)(void *arg);
	int (*lend)(void *arg, uint32_t ipv4);
	int (*unlend)(void *arg, uint32_t ipv4);
	int (*foreach_lent)(void *arg, int (*fn)(uint32_t ipv4, void *fn_arg), void *fn_arg);
	void *arg;
	/*
	 * Commit the batch that another writer (the lease journal) keeps
	 * open, so that a refill can start its own; NULL = wait for the next
	 * tick instead.  Under steady load the journal's batch is open most
	 * of the time.
	 */
	void (*flush)(void *flush_arg);
	void *flush_arg;
};

/* Lending state of one server; zeroed by the server's calloc. */
struct rb_dhcp4_lending {
	bool enabled;			/* rb_dhcp4_server_set_lending() gave a queues map */
	bool started;			/* the queues were drained and are kept filled */
	bool has_lender;
	bool fds_valid;			/* queue_fd holds fds or -1 (set at start) */
	int queues_fd;			/* rb_pool_queues */
	struct rb_dhcp4_lender lender;
	int queue_fd[RB_MAX_POOLS];	/* inner queue per pool id - 1 (config subnet), -1 = none */
	uint32_t lent[RB_MAX_POOLS];	/* addresses lent per queue and not yet reported bound */
	uint64_t hold_back_until_ns;	/* CLOCK_BOOTTIME when held-back addresses go free, 0 = none */
};

/*
 * The store as a lender (pool_store.c).  The store must outlive the
 * server.
 */
void rb_dhcp4_lender_of_store(struct rb_store *st, struct rb_dhcp4_lender *out);

/*
 * Give the server the pinned rb_pool_queues map (fd) and the lender,
 * before rb_dhcp4_server_start().  lender NULL records lent addresses
 * nowhere, which only tests should do: after a reboot nothing then holds
 * back what XDP handed out.  Without this call no address is lent.
 */
void rb_dhcp4_server_set_lending(struct rb_dhcp4_server *srv, int queues_fd,
				 const struct rb_dhcp4_lender *lender);

/*
 * Drain the queues into the allocator, hold back lent addresses that no
 * device record holds, create the missing queues and fill them.  The
 * server's pool start calls it after rebuilding the allocator.
 * Returns 0 or a negative errno after logging.
 */
int rb_dhcp4_server_lend_start(struct rb_dhcp4_server *srv, uint64_t now_ns);

/*
 * Take one RB_EV_DHCP4_BIND event: the address is now held by the
 * device record, no longer in the queue.  The store keeps it lent until
 * the lease is written.  The lease journal calls it for every bind
 * event it drains, inside its write batch.  Other events and calls before the server started are
 * ignored; the start reconciles the store with the device records.
 */
void rb_dhcp4_server_pool_bound(struct rb_dhcp4_server *srv, const struct rb_event *ev);

/*
 * Fill every queue back up and free the held-back addresses whose time
 * came.  The server's tick runs it each second.  The journal may also
 * run it after a commit that reported many binds, so that a busy queue
 * does not run dry until the next tick.  While another store batch is
 * open and the lender has no flush, the lending waits for the next call.
 */
void rb_dhcp4_server_pool_refill(struct rb_dhcp4_server *srv, uint64_t now_ns);

/*
 * Forget that addr is lent or held back, and end its loan in the store,
 * before a record that holds it gives it back to the free pool (expiry,
 * RELEASE, DECLINE).  Returns whether it was marked lent or held back.
 */
bool rb_dhcp4_server_lend_forget(struct rb_dhcp4_server *srv, uint32_t addr);

/*
 * Take addresses that device records hold: each still marked lent or
 * held back (its bind event was lost, or not passed in) is no longer.
 * The store keeps them lent until their leases are written.  The expiry
 * walk passes the pool records it reads.
 */
void rb_dhcp4_server_lend_held(struct rb_dhcp4_server *srv, const uint32_t *addrs, size_t n);

/*
 * Pop an address of the queue of config subnet for the slow path, when
 * its allocator has no free address left because the queue took them.
 * The address stays held and is no longer marked lent; the store keeps
 * it lent until its lease is written.  Returns 0, -ENOENT
 * without a queue, or -ENOSPC when the queue is empty.
 */
int rb_dhcp4_server_lend_take(struct rb_dhcp4_server *srv, size_t subnet, uint32_t *addr);

/*
 * Record addr, which the slow path took from its allocator, as lent in
 * the store and commit, before the OFFER goes out: after a power loss it
 * is then held back like an address XDP handed out.  Returns 0 (also
 * when lending is off) or a negative errno.
 */
int rb_dhcp4_server_lend_record(struct rb_dhcp4_server *srv, uint32_t addr);

/* Close the queue fds; the queues stay in the pinned map. */
void rb_dhcp4_server_lend_free(struct rb_dhcp4_server *srv);

#endif
