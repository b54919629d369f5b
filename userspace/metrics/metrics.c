// SPDX-License-Identifier: MIT
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "metrics/metrics_counters.h"
#include "metrics/metrics_devices.h"
#include "metrics/metrics_leases.h"
#include "xdp/state_read.h"

static int render_counters(const struct rb_metrics_source *src, struct rb_prom_buf *b)
{
	struct rb_state_stats stats;
	int err;

	if (src->xdp_counters_fd < 0 || src->us_counters_fd < 0)
		return 0;
	err = rb_state_read_stats(src->xdp_counters_fd, src->us_counters_fd, &stats);
	if (!err)
		rb_metrics_write_counters(b, stats.xdp, stats.us);
	return err;
}

static int render_devices(const struct rb_metrics_source *src, struct rb_prom_buf *b)
{
	struct rb_device_tally tally;
	int err;

	if (src->devices_fd < 0)
		return 0;
	memset(&tally, 0, sizeof(tally));
	err = rb_device_tally_read(src->devices_fd, &tally);
	if (!err)
		rb_metrics_write_devices(b, &tally);
	return err;
}

static int render_leases(const struct rb_metrics_source *src, struct rb_prom_buf *b)
{
	struct rb_lease_tally tally;
	int err;

	if (!src->store || !src->cfg)
		return 0;
	err = rb_lease_tally_init(&tally, src->cfg, (int64_t)time(NULL));
	if (err)
		return err;
	err = rb_lease_tally_read(src->store, &tally);
	if (!err)
		rb_metrics_write_leases(b, &tally);
	rb_lease_tally_free(&tally);
	return err;
}

int rb_metrics_render(const struct rb_metrics_source *src, struct rb_prom_buf *b,
		      const char **what)
{
	int err;

	*what = "reading the counter maps failed";
	err = render_counters(src, b);
	if (!err) {
		*what = "reading the device records failed";
		err = render_devices(src, b);
	}
	if (!err) {
		*what = "reading the lease store failed";
		err = render_leases(src, b);
	}
	if (!err) {
		*what = "the document does not fit its buffer";
		err = rb_prom_buf_error(b);
	}
	if (err)
		log_err("metrics: %s: %s", *what, strerror(-err));
	return err;
}
