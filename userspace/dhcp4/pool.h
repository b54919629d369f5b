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

struct rb_dhcp4_pool {
	const struct rb_config *cfg;
	/* Bitmap of held addresses per (subnet, range): index s * RB_CFG_POOL_RANGES_MAX + r. */
	uint8_t **held;
	struct rb_dhcp4_quarantine quarantine[RB_DHCP4_QUARANTINE_MAX];
};

/* Returns 0, or -ENOMEM.  The pool keeps cfg, which must outlive it. */
int rb_dhcp4_pool_init(struct rb_dhcp4_pool *p, const struct rb_config *cfg);
void rb_dhcp4_pool_free(struct rb_dhcp4_pool *p);

/* true when addr lies in a pool range; sets *subnet (may be NULL) to its index. */
bool rb_dhcp4_pool_find(const struct rb_config *cfg, uint32_t addr, size_t *subnet);

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

/* Give addr back (RELEASE); addresses outside the pools are ignored. */
void rb_dhcp4_pool_release(struct rb_dhcp4_pool *p, uint32_t addr);

/* Give addr back and keep it out of rb_dhcp4_pool_alloc until now_ns + decline-quarantine. */
void rb_dhcp4_pool_decline(struct rb_dhcp4_pool *p, uint32_t addr, uint64_t now_ns);

#endif
