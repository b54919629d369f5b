// SPDX-License-Identifier: MIT
/*
 * Run one control request against rackbootd's state and build its
 * reply.  The table and JSON printers are rackbootctl's (xdp/state_format.h,
 * leases/lease_format.h, syslog/syslog_show.h), so that the socket and
 * the --offline mode print the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl_commands.h"
#include "leases/lease_format.h"
#include "syslog/syslog_show.h"
#include "xdp/device_state.h"
#include "xdp/state_format.h"

typedef int (*command_fn)(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
			  FILE *out, char *why, size_t why_len);

static int run_devices(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		       FILE *out, char *why, size_t why_len)
{
	struct rb_state_device *devs = NULL;
	size_t n = 0;
	int kept, err;

	err = rb_state_read_devices(ctx->devices_fd, &devs, &n);
	if (err) {
		snprintf(why, why_len, "reading the device records failed: %s", strerror(-err));
		return err;
	}
	err = rb_ctl_read_ipv6(ctx, devs, n, why, why_len);
	kept = err ? err : rb_ctl_filter_devices(ctx->cfg, req, devs, n, why, why_len);
	if (kept >= 0) {
		if (req->text)
			rb_state_devices_table(out, devs, (size_t)kept);
		else
			rb_state_devices_json(out, devs, (size_t)kept);
	}
	free(devs);
	return kept < 0 ? kept : 0;
}

static int run_device(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		      FILE *out, char *why, size_t why_len)
{
	return rb_ctl_device_timeline(ctx, req, out, why, why_len);
}

static int run_stats(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		     FILE *out, char *why, size_t why_len)
{
	struct rb_state_stats stats;
	int err = rb_state_read_stats(ctx->xdp_counters_fd, ctx->us_counters_fd, &stats);

	if (err) {
		snprintf(why, why_len, "reading the counters failed: %s", strerror(-err));
		return err;
	}
	if (req->text)
		rb_state_stats_table(out, &stats);
	else
		rb_state_stats_json(out, &stats);
	return 0;
}

static int need_store(const struct rb_ctl_context *ctx, char *why, size_t why_len)
{
	if (ctx->store)
		return 0;
	snprintf(why, why_len, "rackbootd runs without a store: see its start log");
	return -ENOENT;
}

static int run_leases(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		      FILE *out, char *why, size_t why_len)
{
	int err = need_store(ctx, why, why_len);

	if (err)
		return err;
	err = rb_lease_print(out, ctx->store, !req->text);
	/* -EBADMSG comes after the valid leases, and the error reply reports that some are missing. */
	if (err)
		snprintf(why, why_len, "reading the leases in the store failed: %s", strerror(-err));
	return err;
}

/*
 * Find device (a MAC or an inventory hostname) among the known devices:
 * the inventory, or for a MAC also rb_devices.  Fills mac and hostname
 * (hostname_size bytes) and returns true when known.
 */
static bool known_device(const struct rb_ctl_context *ctx, const char *device, uint8_t mac[6],
			 char *hostname, size_t hostname_size)
{
	const struct rb_cfg_device *dev = NULL;
	struct rb_device rec;

	hostname[0] = '\0';
	if (rb_syslog_device_mac(device, mac)) {
		dev = ctx->cfg ? rb_config_device_by_mac(ctx->cfg, mac) : NULL;
		if (!dev)
			return ctx->devices_fd >= 0 && rb_device_get(ctx->devices_fd, mac, &rec) == 0;
	} else if (ctx->cfg) {
		for (size_t i = 0; i < ctx->cfg->n_devices && !dev; i++) {
			if (strcmp(ctx->cfg->devices[i].hostname, device) == 0)
				dev = &ctx->cfg->devices[i];
		}
		if (!dev)
			return false;
		memcpy(mac, dev->mac, 6);
	} else {
		return false;
	}
	snprintf(hostname, hostname_size, "%s", dev->hostname);
	return true;
}

static int run_logs(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		    FILE *out, char *why, size_t why_len)
{
	char hostname[RB_HOSTNAME_MAX + 1];
	uint8_t mac[6];
	int err = need_store(ctx, why, why_len);

	if (err)
		return err;
	err = rb_syslog_show(out, ctx->store, req->device, req->lines, !req->text);
	if (err == -ENOENT && known_device(ctx, req->device, mac, hostname, sizeof(hostname))) {
		/* A known device that has sent no message yet: an empty ring, not an error. */
		rb_syslog_show_empty(out, mac, hostname, !req->text);
		return 0;
	}
	if (err == -ENOENT)
		snprintf(why, why_len, "no syslog messages stored for '%s': check the MAC or "
			 "hostname, and that syslog is enabled", req->device);
	else if (err)
		snprintf(why, why_len, "reading the syslog messages of '%s' failed: %s",
			 req->device, strerror(-err));
	return err;
}

static int run_reload(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		      FILE *out, char *why, size_t why_len)
{
	int err;

	if (!ctx->reload) {
		snprintf(why, why_len, "config reload is not available");
		return -EOPNOTSUPP;
	}
	err = ctx->reload(ctx->reload_arg, why, why_len);
	if (err)
		return err;
	fputs(req->text ? "config reloaded\n" : "{\"reloaded\":true}", out);
	return 0;
}

static int run_top(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		   FILE *out, char *why, size_t why_len)
{
	if (req->text) {
		snprintf(why, why_len, "top has no text format: rackbootctl top renders it");
		return -EINVAL;
	}
	return rb_ctl_top_snapshot(ctx, req, out, why, why_len);
}

static command_fn command_of(enum rb_ctl_command command)
{
	switch (command) {
	case RB_CTL_DEVICES:
		return run_devices;
	case RB_CTL_DEVICE:
		return run_device;
	case RB_CTL_LEASES:
		return run_leases;
	case RB_CTL_STATS:
		return run_stats;
	case RB_CTL_LOGS:
		return run_logs;
	case RB_CTL_RELOAD:
		return run_reload;
	case RB_CTL_TOP:
		return run_top;
	default:
		return NULL;
	}
}

int rb_ctl_execute(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		   struct rb_ctl_reply *reply)
{
	command_fn run = command_of(req->command);
	struct rb_ctl_body body;
	char why[512] = "";
	int err;

	if (!run)
		return rb_ctl_reply_error(reply, "unknown command");
	if (rb_ctl_body_open(&body))
		return -ENOMEM;
	err = run(ctx, req, body.out, why, sizeof(why));
	if (rb_ctl_body_close(&body)) {
		rb_ctl_body_free(&body);
		return -ENOMEM;
	}
	if (err) {
		if (!why[0])
			snprintf(why, sizeof(why), "%s failed: %s", rb_ctl_command_name(req->command),
				 strerror(-err));
		err = rb_ctl_reply_error(reply, "%s", why);
	} else {
		err = rb_ctl_reply_ok(reply, &body, req->text);
	}
	rb_ctl_body_free(&body);
	return err;
}
