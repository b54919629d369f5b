/* SPDX-License-Identifier: MIT */
/*
 * Device gauges and time-to-provision histograms, from the records of
 * rb_devices.
 *
 * Each record keeps the CLOCK_BOOTTIME of the first time the device
 * reached each phase.  A step's duration is the time between two of
 * those phases:
 *
 *	discover_to_lease	DISCOVERED to LEASED (first DHCPv4 ACK)
 *	lease_to_bootfile	LEASED to BOOTFILE (boot file sent by TFTP)
 *	bootfile_to_image	BOOTFILE to IMAGE (first whole-file HTTP GET)
 *
 * IMAGE is "done": it is the last phase that rackboot sees of a PXE
 * boot.  A step is counted for a device only when both of its phases
 * were reached and the second is not earlier than the first.  So a
 * device that booted over UEFI HTTP Boot (IMAGE without BOOTFILE) or
 * that skipped DISCOVER (an INIT-REBOOT REQUEST) leaves those steps out.
 *
 * The histograms are rebuilt from the records on every scrape, so they
 * count the devices that have a record now.  A pool device whose record
 * is removed leaves them, which Prometheus reads as a counter reset.
 */
#ifndef RB_METRICS_DEVICES_H
#define RB_METRICS_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/prom_text.h"
#include "rackboot/maps.h"

enum rb_provision_step {
	RB_STEP_DISCOVER_TO_LEASE = 0,
	RB_STEP_LEASE_TO_BOOTFILE,
	RB_STEP_BOOTFILE_TO_IMAGE,
	RB_STEP_COUNT,
};

/*
 * Upper bounds of the histogram buckets in seconds, from 100 ms (a DORA
 * answered from XDP) to an hour (a large image over a slow link).
 */
#define RB_PROVISION_BUCKETS	15
extern const double rb_provision_bucket_bounds[RB_PROVISION_BUCKETS];

/* Devices by origin and phase, and the observations of each step. */
struct rb_device_tally {
	uint64_t devices[2][RB_PHASE_COUNT];	/* [1: inventory, 0: pool][phase] */
	uint64_t step_buckets[RB_STEP_COUNT][RB_PROVISION_BUCKETS + 1];	/* not cumulative */
	uint64_t step_sum_ns[RB_STEP_COUNT];
};

/* Add one record to the tally. */
void rb_device_tally_add(struct rb_device_tally *t, const struct rb_device *rec);

/*
 * Add every record of the rb_devices map fd, read in batches.  Safe from
 * any thread.  Returns 0 or a negative errno.
 */
int rb_device_tally_read(int devices_fd, struct rb_device_tally *t);

/* Write the device gauge and the step histogram families. */
void rb_metrics_write_devices(struct rb_prom_buf *b, const struct rb_device_tally *t);

#endif
