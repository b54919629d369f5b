/* SPDX-License-Identifier: MIT */
/*
 * The /metrics document: every counter family (metrics_counters.h), the
 * device gauges and time-to-provision histograms (metrics_devices.h) and
 * the lease gauges (metrics_leases.h), rendered on request.
 *
 * Rendering reads the pinned maps with bpf syscalls and the store in a
 * read-only transaction of its own, and only reads the configuration,
 * so the HTTP worker threads call it directly.  Its cost grows with the
 * device records (read in batches of 4096) and the leases.  The output
 * does not grow with them, because no label names a device.
 */
#ifndef RB_METRICS_H
#define RB_METRICS_H

#include "config/config.h"
#include "metrics/prom_text.h"
#include "store/store.h"

/* Sources of the document: maps, store and config.  A field set to -1 or NULL leaves its families out. */
struct rb_metrics_source {
	int devices_fd;			/* rb_devices */
	int xdp_counters_fd;		/* rb_xdp_counters */
	int us_counters_fd;		/* rb_us_counters */
	struct rb_store *store;		/* the lease store */
	const struct rb_config *cfg;	/* subnets and pools */
};

/*
 * Render the document into b (rb_prom_buf_init'ed by the caller).
 * Returns 0, or a negative errno after logging it, with *what set to a
 * static text that says which part failed.
 */
int rb_metrics_render(const struct rb_metrics_source *src, struct rb_prom_buf *b,
		      const char **what);

#endif
