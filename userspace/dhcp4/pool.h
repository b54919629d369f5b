/* SPDX-License-Identifier: MIT */
/*
 * The address allocator of the subnet pools: which pool addresses are
 * held by a device record, which rest in quarantine after a DECLINE, and
 * which address a new device gets.
 *
 * A device record is dynamic when its MAC is not in the inventory and
 * its address lies in a pool range; struct rb_device needs no flag.
 * The allocator lives only in rackbootd's memory, so at start it is
 * rebuilt from the dynamic records in rb_devices, which is pinned and
 * outlives a restart.  Quarantine is lost on restart.
 *
 * A device that leaves without a RELEASE loses its record and address
 * when its lease ends without a renewal: rb_dhcp4_server_pool_expire()
 * in server_pool.c, run from the 1 s tick, calls rb_dhcp4_pool_release().
 *
 * Two marks refine "held" for the XDP pool queues (pool_lend.h): a lent
 * address sits in a queue, or XDP bound it and rackbootd has not yet
 * seen the bind event.  A held-back address was lent before an unclean
 * start and may belong to a device that the maps no longer show, so it
 * waits out a lease time.  Both marks imply held, so that
 * rb_dhcp4_pool_alloc() never hands such an address out.
 */
#ifndef RB_DHCP4_POOL_H
#define RB_DHCP4_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* Declined addresses remembered at once; a full list drops the one that ends first. */
#define RB_DHCP4_QUARANTINE_MAX	1024

struct rb_dhcp4_quarantine {
	uint32_t addr;		/* network order, 0 = free slot */
	uint64_t until_ns;	/* CLOCK_BOOTTIME */
};

/* Marks beside "held", each a bitmap per range like held. */
enum rb_dhcp4_pool_mark {
	RB_DHCP4_POOL_LENT = 0,	/* in an XDP queue, or bound there and not yet reported */
	RB_DHCP4_POOL_HELD_BACK,	/* lent before an unclean start; released after a lease time */
	RB_DHCP4_POOL_MARKS,
};

struct rb_dhcp4_pool {
	const struct rb_config *cfg;
	/* Bitmap of held addresses per (subnet, range): index s * RB_CFG_POOL_RANGES_MAX + r. */
	uint8_t **held;
	uint8_t **marks[RB_DHCP4_POOL_MARKS];	/* same layout as held */
	struct rb_dhcp4_quarantine quarantine[RB_DHCP4_QUARANTINE_MAX];
};

/* Returns 0, or -ENOMEM.  The pool keeps cfg, which must outlive it. */
int rb_dhcp4_pool_init(struct rb_dhcp4_pool *p, const struct rb_config *cfg);
void rb_dhcp4_pool_free(struct rb_dhcp4_pool *p);

/* true when addr lies in a pool range; sets *subnet (may be NULL) to its index. */
bool rb_dhcp4_pool_find(const struct rb_config *cfg, uint32_t addr, size_t *subnet);

/*
 * The subnet whose pool serves devices not in the inventory on the link
 * ifname: the first subnet of that interface with a pool.  false when
 * there is none.
 */
bool rb_dhcp4_pool_of_interface(const struct rb_config *cfg, const char *ifname, size_t *subnet);

/* true when a record of mac at addr is a pool device's, not an inventory device's. */
bool rb_dhcp4_pool_is_dynamic(const struct rb_config *cfg, const uint8_t mac[6], uint32_t addr);

/*
 * Mark addr as held by an existing record (the rebuild at start).
 * Returns 0, -ENOENT when addr is in no pool, -EEXIST when already held.
 */
int rb_dhcp4_pool_hold(struct rb_dhcp4_pool *p, uint32_t addr);

/*
 * Take the first free address of the pool of subnet: not held, not an
 * inventory address, not in quarantine at now_ns.  Returns 0 and sets
 * *addr, -ENOENT when the subnet has no pool, -ENOSPC when it is full.
 */
int rb_dhcp4_pool_alloc(struct rb_dhcp4_pool *p, size_t subnet, uint64_t now_ns, uint32_t *addr);

/*
 * Take up to max free addresses of the pool of subnet, lowest first, as
 * rb_dhcp4_pool_alloc() does, into addrs.  Returns how many it took.
 */
size_t rb_dhcp4_pool_alloc_many(struct rb_dhcp4_pool *p, size_t subnet, uint64_t now_ns,
				uint32_t *addrs, size_t max);

/* true when addr is held (by a device, a queue or a hold-back). */
bool rb_dhcp4_pool_is_held(struct rb_dhcp4_pool *p, uint32_t addr);

/*
 * Set or clear a mark of a held address.  Returns whether the mark was
 * set before; false for an address in no pool.  Setting a mark on an
 * address that is not held holds it too.
 */
bool rb_dhcp4_pool_mark(struct rb_dhcp4_pool *p, uint32_t addr, enum rb_dhcp4_pool_mark mark,
			bool set);
bool rb_dhcp4_pool_marked(struct rb_dhcp4_pool *p, uint32_t addr, enum rb_dhcp4_pool_mark mark);

/*
 * Call fn for every address with mark, in address order per range, until
 * it returns non-zero, which is returned.  fn may clear marks and release
 * addresses.
 */
int rb_dhcp4_pool_foreach_marked(struct rb_dhcp4_pool *p, enum rb_dhcp4_pool_mark mark,
				 int (*fn)(uint32_t addr, void *arg), void *arg);

/* Give addr back (RELEASE) and clear its marks; addresses outside the pools are ignored. */
void rb_dhcp4_pool_release(struct rb_dhcp4_pool *p, uint32_t addr);

/* Give addr back and keep it out of rb_dhcp4_pool_alloc until now_ns + decline-quarantine. */
void rb_dhcp4_pool_decline(struct rb_dhcp4_pool *p, uint32_t addr, uint64_t now_ns);

#endif
