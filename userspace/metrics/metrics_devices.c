// SPDX-License-Identifier: MIT
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics_devices.h"
#include "xdp/map_names.h"

/*
 * Records per batch lookup.  A hash bucket longer than this doubles it.
 * 4096 read 262,144 records in about 80 ms where 256 took about 270 ms
 * (one run each on a busy 2-core VM, kernel 6.18).
 */
#define RB_DEVICE_BATCH		4096
#define RB_DEVICE_BATCH_MAX	65536

const double rb_provision_bucket_bounds[RB_PROVISION_BUCKETS] = {
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600,
};

static const struct {
	const char *name;
	enum rb_phase from;
	enum rb_phase to;
} steps[RB_STEP_COUNT] = {
	[RB_STEP_DISCOVER_TO_LEASE] = { "discover_to_lease", RB_PHASE_DISCOVERED, RB_PHASE_LEASED },
	[RB_STEP_LEASE_TO_BOOTFILE] = { "lease_to_bootfile", RB_PHASE_LEASED, RB_PHASE_BOOTFILE },
	[RB_STEP_BOOTFILE_TO_IMAGE] = { "bootfile_to_image", RB_PHASE_BOOTFILE, RB_PHASE_IMAGE },
};

/* Index of the first bucket whose bound is at least ns, or RB_PROVISION_BUCKETS for +Inf. */
static size_t bucket_of(uint64_t ns)
{
	double seconds = (double)ns / 1e9;
	size_t i = 0;

	while (i < RB_PROVISION_BUCKETS && seconds > rb_provision_bucket_bounds[i])
		i++;
	return i;
}

void rb_device_tally_add(struct rb_device_tally *t, const struct rb_device *rec)
{
	/* A phase past the known ones (a record of a newer rackbootd) is not in the gauge. */
	if (rec->phase < RB_PHASE_COUNT)
		t->devices[rec->inventory ? 1 : 0][rec->phase]++;

	for (int s = 0; s < RB_STEP_COUNT; s++) {
		uint64_t from = rec->phase_ns[steps[s].from], to = rec->phase_ns[steps[s].to];

		if (from == 0 || to == 0 || to < from)
			continue;
		t->step_buckets[s][bucket_of(to - from)]++;
		t->step_sum_ns[s] += to - from;
	}
}

/* One batch lookup.  It doubles *chunk on -ENOSPC, which means a bucket longer than the batch. */
static int read_batch(int fd, void *in, void *out, struct rb_mac_key *keys,
		      struct rb_device **values, __u32 *chunk, __u32 *count)
{
	for (;;) {
		int err;

		*count = *chunk;
		err = bpf_map_lookup_batch(fd, in, out, keys, *values, count, NULL);
		if (err == 0 || errno == ENOENT)
			return err ? -ENOENT : 0;
		if (errno != ENOSPC || *chunk >= RB_DEVICE_BATCH_MAX)
			return -errno;
		*chunk *= 2;
		free(*values);
		*values = calloc(*chunk, sizeof(**values));
		if (!*values)
			return -ENOMEM;
	}
}

int rb_device_tally_read(int devices_fd, struct rb_device_tally *t)
{
	__u64 token[2];		/* opaque batch position; a hash map's is a __u32 */
	bool first = true;
	__u32 chunk = RB_DEVICE_BATCH, count;
	struct rb_mac_key *keys = calloc(RB_DEVICE_BATCH_MAX, sizeof(*keys));
	struct rb_device *values = calloc(chunk, sizeof(*values));
	size_t seen = 0;
	int err = 0;

	if (!keys || !values) {
		err = -ENOMEM;
		goto out;
	}
	/* The map has at most RB_MAX_DEVICES records, which bounds the walk. */
	while (seen <= RB_MAX_DEVICES) {
		err = read_batch(devices_fd, first ? NULL : token, token, keys, &values, &chunk,
				 &count);
		if (err && err != -ENOENT)
			break;
		for (__u32 i = 0; i < count; i++)
			rb_device_tally_add(t, &values[i]);
		seen += count;
		first = false;
		if (err == -ENOENT) {
			err = 0;
			break;
		}
	}
out:
	free(keys);
	free(values);
	return err;
}

static void write_device_gauge(struct rb_prom_buf *b, const struct rb_device_tally *t)
{
	static const char *const origins[2] = { "pool", "inventory" };

	rb_prom_family(b, "rackboot_devices", RB_PROM_GAUGE,
		       "Devices with a record in rb_devices, by the highest phase reached and by "
		       "origin (inventory: from the config, pool: bound to a pool address).");
	for (int origin = 1; origin >= 0; origin--) {
		for (int p = RB_PHASE_NONE; p < RB_PHASE_COUNT; p++) {
			struct rb_prom_label labels[] = {
				{ "origin", origins[origin] },
				{ "phase", rb_phase_names[p] },
			};

			rb_prom_sample_u64(b, "rackboot_devices", labels, 2, t->devices[origin][p]);
		}
	}
}

void rb_metrics_write_devices(struct rb_prom_buf *b, const struct rb_device_tally *t)
{
	const char *name = "rackboot_provision_step_duration_seconds";

	write_device_gauge(b, t);
	rb_prom_family(b, name, RB_PROM_HISTOGRAM,
		       "Time from one provisioning phase of a device to the next, over the devices "
		       "that have a record: discover_to_lease (first DISCOVER to first ACK), "
		       "lease_to_bootfile (to the TFTP boot file) and bootfile_to_image (to the "
		       "first whole-file HTTP GET, the done phase).");
	for (int s = 0; s < RB_STEP_COUNT; s++) {
		struct rb_prom_label label = { "step", steps[s].name };
		struct rb_prom_histogram h = {
			.bounds = rb_provision_bucket_bounds,
			.n_bounds = RB_PROVISION_BUCKETS,
			.counts = t->step_buckets[s],
			.sum = (double)t->step_sum_ns[s] / 1e9,
		};

		rb_prom_histogram(b, name, &label, 1, &h);
	}
}
