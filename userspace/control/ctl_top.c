// SPDX-License-Identifier: MIT
/*
 * The snapshot behind rackbootctl top:
 *
 *	{"devices":N,"phases":{"none":N,...,"image":N},
 *	 "totals":{"dhcp4":N,"dhcp6":N,"tftp":N,"http":N,"dns":N,"syslog":N},
 *	 "errors":{"malformed_short":N,...},
 *	 "slowest":[{"mac":"..","hostname":"..","phase":"..","in_phase_s":F,
 *	             "elapsed_s":F}, ...]}
 *
 * totals only grow; the client divides the difference of two snapshots
 * by the time between them.  errors lists the error counters (by name,
 * see is_error_counter) that are not 0, XDP's and rackbootd's under
 * their names in rackbootctl stats, rackbootd's prefixed "us_".
 * slowest lists the devices that started (discovered) but have fetched
 * no boot file yet, longest in their current phase first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl_commands.h"
#include "xdp/device_state.h"
#include "xdp/map_names.h"
#include "xdp/state_format.h"

/* Protocol totals: what each protocol sent or received, as counted. */
static void totals_json(FILE *out, const struct rb_state_stats *s)
{
	const uint64_t *x = s->xdp, *u = s->us;

	fprintf(out, "\"totals\":{\"dhcp4\":%" PRIu64 ",\"dhcp6\":%" PRIu64 ",\"tftp\":%" PRIu64
		",\"http\":%" PRIu64 ",\"dns\":%" PRIu64 ",\"syslog\":%" PRIu64 "}",
		x[RB_XC_TX_OFFER] + x[RB_XC_TX_ACK] + x[RB_XC_TX_NAK] + u[RB_UC_TX_OFFER] +
			u[RB_UC_TX_ACK] + u[RB_UC_TX_NAK],
		x[RB_XC_TX_DHCP6_REPLY] + x[RB_XC_TX_DHCP6_ADVERTISE] +
			u[RB_UC_DHCP6_TX_ADVERTISE] + u[RB_UC_DHCP6_TX_REPLY],
		u[RB_UC_TFTP_RRQ], u[RB_UC_HTTP_REQUESTS],
		x[RB_XC_TX_DNS] + u[RB_UC_DNS_QUERIES],
		u[RB_UC_SYSLOG_RX_UDP] + u[RB_UC_SYSLOG_RX_TCP]);
}

/* Counters that count failures, by the words of their names. */
static bool is_error_counter(const char *name)
{
	static const char *const words[] = {
		"malformed", "failed", "error", "timeout", "lost", "drop", "servfail",
		"5xx", "rejected",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strstr(name, words[i]))
			return true;
	}
	return false;
}

static void errors_json(FILE *out, const struct rb_state_stats *s)
{
	const char *sep = "";

	fputs(",\"errors\":{", out);
	for (int i = 0; i < RB_XC_COUNT; i++) {
		if (s->xdp[i] && is_error_counter(rb_xdp_counter_names[i])) {
			fprintf(out, "%s\"%s\":%" PRIu64, sep, rb_xdp_counter_names[i], s->xdp[i]);
			sep = ",";
		}
	}
	for (int i = 0; i < RB_UC_COUNT; i++) {
		if (s->us[i] && is_error_counter(rb_us_counter_names[i])) {
			fprintf(out, "%s\"us_%s\":%" PRIu64, sep, rb_us_counter_names[i], s->us[i]);
			sep = ",";
		}
	}
	fputc('}', out);
}

static void phases_json(FILE *out, const struct rb_state_device *devs, size_t n)
{
	size_t count[RB_PHASE_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (devs[i].rec.phase < RB_PHASE_COUNT)
			count[devs[i].rec.phase]++;
	}
	fprintf(out, "{\"devices\":%zu,\"phases\":{", n);
	for (int p = 0; p < RB_PHASE_COUNT; p++)
		fprintf(out, "%s\"%s\":%zu", p ? "," : "", rb_phase_names[p], count[p]);
	fputs("},", out);
}

struct waiting {
	const struct rb_state_device *dev;
	uint64_t in_phase_ns;
	uint64_t elapsed_ns;
};

static int longest_first(const void *a, const void *b)
{
	const struct waiting *x = a, *y = b;

	if (x->in_phase_ns != y->in_phase_ns)
		return x->in_phase_ns < y->in_phase_ns ? 1 : -1;
	return memcmp(x->dev->key.addr, y->dev->key.addr, 6);
}

/* The earliest and the latest phase time of a record. */
static void phase_span(const struct rb_device *r, uint64_t *first, uint64_t *last)
{
	*first = 0;
	*last = 0;
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		if (r->phase_ns[p] == 0)
			continue;
		if (*first == 0 || r->phase_ns[p] < *first)
			*first = r->phase_ns[p];
		if (r->phase_ns[p] > *last)
			*last = r->phase_ns[p];
	}
}

static int slowest_json(FILE *out, const struct rb_state_device *devs, size_t n, size_t max)
{
	struct waiting *w = calloc(n ? n : 1, sizeof(*w));
	uint64_t now = rb_boottime_ns(), first, last;
	size_t count = 0;
	char mac[18];

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct rb_device *r = &devs[i].rec;

		if (r->phase < RB_PHASE_DISCOVERED || r->phase >= RB_PHASE_BOOTFILE)
			continue;
		phase_span(r, &first, &last);
		w[count++] = (struct waiting){ &devs[i], last && now > last ? now - last : 0,
					       first && now > first ? now - first : 0 };
	}
	qsort(w, count, sizeof(*w), longest_first);

	fputs(",\"slowest\":[", out);
	for (size_t i = 0; i < count && i < max; i++) {
		const struct rb_device *r = &w[i].dev->rec;

		fprintf(out, "%s{\"mac\":\"%s\",\"hostname\":", i ? "," : "",
			rb_mac_format(w[i].dev->key.addr, mac));
		rb_json_string(out, r->hostname, r->hostname_len < RB_HOSTNAME_MAX ?
			       r->hostname_len : RB_HOSTNAME_MAX);
		fprintf(out, ",\"phase\":\"%s\",\"in_phase_s\":%.1f,\"elapsed_s\":%.1f}",
			rb_phase_name(r->phase), (double)w[i].in_phase_ns / 1e9,
			(double)w[i].elapsed_ns / 1e9);
	}
	fputc(']', out);
	free(w);
	return 0;
}

int rb_ctl_top_snapshot(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
			FILE *out, char *why, size_t why_len)
{
	struct rb_state_device *devs = NULL;
	struct rb_state_stats stats;
	size_t n = 0;
	int err;

	err = rb_state_read_devices(ctx->devices_fd, &devs, &n);
	if (!err)
		err = rb_state_read_stats(ctx->xdp_counters_fd, ctx->us_counters_fd, &stats);
	if (err) {
		snprintf(why, why_len, "reading the device records and counters failed: %s",
			 strerror(-err));
		free(devs);
		return err;
	}
	phases_json(out, devs, n);
	totals_json(out, &stats);
	errors_json(out, &stats);
	err = slowest_json(out, devs, n, req->slowest);
	fputc('}', out);
	free(devs);
	if (err)
		snprintf(why, why_len, "out of memory sorting %zu devices", n);
	return err;
}
