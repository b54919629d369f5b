/* SPDX-License-Identifier: MIT */
/*
 * Lease gauges per subnet and pool, from the lease store.
 *
 * A DHCPv4 lease counts while its end has not passed, a DHCPv6 lease
 * while it is bound and its end has not passed.  Each counts under the
 * subnet that holds its address (DHCPv6: the subnet6 that granted it),
 * as kind "pool" when the address lies in the subnet's pool ranges and
 * "reserved" otherwise.  Leases outside every configured subnet, left
 * from an older config, are not counted.  The store is read in a
 * read-only transaction of its own, so the counts are as of the last
 * commit (store/commit-interval).
 */
#ifndef RB_METRICS_LEASES_H
#define RB_METRICS_LEASES_H

#include <stdint.h>

#include "config/config.h"
#include "metrics/prom_text.h"
#include "store/store.h"

enum rb_lease_kind {
	RB_LEASE_KIND_RESERVED = 0,
	RB_LEASE_KIND_POOL,
	RB_LEASE_KIND_COUNT,
};

struct rb_lease_tally {
	const struct rb_config *cfg;
	int64_t now;			/* CLOCK_REALTIME seconds the ends are compared with */
	uint64_t (*v4)[RB_LEASE_KIND_COUNT];	/* per cfg->subnets entry */
	uint64_t (*v6)[RB_LEASE_KIND_COUNT];	/* per cfg->subnets6 entry */
};

/* Prepare an empty tally for the subnets of cfg.  Returns 0 or -ENOMEM. */
int rb_lease_tally_init(struct rb_lease_tally *t, const struct rb_config *cfg, int64_t now);
void rb_lease_tally_free(struct rb_lease_tally *t);

/* Count one lease.  Each returns 0, so that they serve as store walk callbacks. */
int rb_lease_tally_add4(const struct rb_store_lease *lease, void *tally);
int rb_lease_tally_add6(const struct rb_store_lease6 *lease, void *tally);

/* Count every committed lease of st.  Safe from any thread.  Returns 0 or a negative errno. */
int rb_lease_tally_read(struct rb_store *st, struct rb_lease_tally *t);

/* Write the lease and pool size gauge families. */
void rb_metrics_write_leases(struct rb_prom_buf *b, const struct rb_lease_tally *t);

#endif
