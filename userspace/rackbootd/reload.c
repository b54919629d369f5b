// SPDX-License-Identifier: MIT
/*
 * Reload the config file on rackbootd's loop thread.  The new file is
 * loaded and validated aside, with the checks of a start.  A file with
 * errors, or one that changes a leaf only a restart applies
 * (rb_config_restart_leaves()), is rejected and the running config
 * stays.  Otherwise the steps below apply it service by service, in an
 * order where each step reads what the steps before it wrote.  When a
 * step fails, the steps before it run again with the old config, which
 * puts the old state back.
 *
 * What survives: leases live in the store and in rb_devices, whose
 * records of devices still in the inventory keep their phase, and pool
 * devices keep their address while it lies in a pool of the new config.
 * TFTP transfers read the files they opened, and HTTP workers let go of
 * the old config only between two batches of completions.  The XDP
 * program stays attached and replies from the maps while they change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "leases/leases.h"
#include "rackbootd/daemon.h"
#include "rackbootd/reload.h"

/* Restart leaves logged per rejected reload. */
#define RELOAD_LEAVES_MAX	16

/* How often a reload checks whether the HTTP workers let go of the config before the last one. */
#define RELOAD_SETTLE_STEP_MS	20

struct reload_state {
	struct rb_xdp_summary xdp;	/* what the maps step wrote */
};

struct reload_step {
	const char *name;
	int (*apply)(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st);
	bool undo_itself;	/* a failure may leave it half done: run it again with the old config */
};

static int step_tftp(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return d->tftp ? rb_tftp_server_set_root(d->tftp, d->cfg->tftp_root) : 0;
}

static int step_dhcp6(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_daemon_dhcp6_reload(d);
}

static int step_maps(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_xdp_reload(d->xdp, d->cfg, &st->xdp);
}

static int step_dhcp4(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	rb_leases_set_config(d->leases, d->cfg);
	return d->dhcp4 ? rb_dhcp4_server_set_config(d->dhcp4, d->cfg) : 0;
}

static int step_dns(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_daemon_dns_reload(d);
}

static int step_ra(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_daemon_ra_reload(d, old);
}

static int step_syslog(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_daemon_syslog_reload(d, old);
}

static int step_http(struct rb_daemon *d, const struct rb_config *old, struct reload_state *st)
{
	return rb_daemon_http_reload(d);
}

/* The maps come before the DHCPv4 pools, which are rebuilt from rb_devices. */
static const struct reload_step steps[] = {
	{ "tftp root", step_tftp, false },
	{ "dhcpv6 templates", step_dhcp6, false },
	{ "xdp maps", step_maps, true },
	{ "dhcpv4 pools", step_dhcp4, true },
	{ "dns zone", step_dns, true },
	{ "router advertisements", step_ra, false },
	{ "syslog", step_syslog, false },
	{ "http site", step_http, false },
};

#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

/* Log every error of a rejected file and put the first one into why. */
static int load_aside(struct rb_daemon *d, struct rb_config **out, char *why, size_t why_len)
{
	struct rb_cfg_errors errs = { 0 };
	char line[1300];
	int err;

	err = rb_config_load(d->config_path, out, &errs);
	if (!err)
		return 0;
	log_err("reload: config %s rejected, errors: %zu; the running config stays", d->config_path,
		errs.count + errs.omitted);
	for (size_t i = 0; i < errs.count; i++)
		log_err("reload: %s", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
	if (errs.count)
		snprintf(why, why_len, "config %s rejected: %s%s; the running config stays",
			 d->config_path, rb_cfg_error_format(&errs.items[0], line, sizeof(line)),
			 errs.count + errs.omitted > 1 ? " (more errors in the log)" : "");
	else
		snprintf(why, why_len, "config %s: loading failed: %s; the running config stays",
			 d->config_path, strerror(-err));
	rb_cfg_errors_free(&errs);
	return err;
}

/* Reject next when it changes a leaf that only a restart applies. */
static int check_restart(struct rb_daemon *d, const struct rb_config *next, char *why,
			 size_t why_len)
{
	struct rb_cfg_restart_leaf leaves[RELOAD_LEAVES_MAX];
	size_t n = rb_config_restart_leaves(d->cfg, next, leaves, RELOAD_LEAVES_MAX);

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n && i < RELOAD_LEAVES_MAX; i++)
		log_err("reload: config %s: %s changed from \"%s\" to \"%s\", which only a restart of "
			"rackbootd applies", d->config_path, leaves[i].path, leaves[i].old_value,
			leaves[i].new_value);
	snprintf(why, why_len, "config %s: %s changed from \"%s\" to \"%s\"%s; restart rackbootd to "
		 "apply it, or undo the change; the running config stays", d->config_path,
		 leaves[0].path, leaves[0].old_value, leaves[0].new_value,
		 n > 1 ? " (more such changes in the log)" : "");
	return -EINVAL;
}

/*
 * Wait up to RB_HTTP_SETTLE_MS for the HTTP workers to let go of the
 * config before the last reload, which only then can be freed.
 */
static int settle(struct rb_daemon *d, char *why, size_t why_len)
{
	for (int waited = 0; waited < RB_HTTP_SETTLE_MS; waited += RELOAD_SETTLE_STEP_MS) {
		if (rb_daemon_http_settled(d))
			return 0;
		usleep(RELOAD_SETTLE_STEP_MS * 1000);
	}
	if (rb_daemon_http_settled(d))
		return 0;
	snprintf(why, why_len, "an HTTP worker still uses the config of the reload before; try "
		 "again in a second");
	return -EBUSY;
}

/* Run the steps with d->cfg; on a failure run the ones done again with old, and return the error. */
static int apply(struct rb_daemon *d, struct rb_config *old, struct reload_state *st, char *why,
		 size_t why_len)
{
	struct rb_config *next = d->cfg;
	size_t failed;
	int err = 0;

	for (failed = 0; failed < N_STEPS; failed++) {
		err = steps[failed].apply(d, old, st);
		if (err)
			break;
	}
	if (!err)
		return 0;

	snprintf(why, why_len, "config %s: applying the %s failed: %s; the running config stays "
		 "(details in the log)", d->config_path, steps[failed].name, strerror(-err));
	d->cfg = old;
	for (size_t i = 0; i < failed + (steps[failed].undo_itself ? 1 : 0); i++) {
		int undo = steps[i].apply(d, next, st);

		if (undo)
			log_err("reload: putting the %s of the running config back failed: %s; "
				"restart rackbootd", steps[i].name, strerror(-undo));
	}
	return err;
}

/* The level from --log-level, else from the new config's log-level, else info. */
static void apply_log_level(const struct rb_daemon *d)
{
	enum rb_log_level level = RB_LOG_INFO;

	if (d->log_level_option)
		return;
	if (d->cfg->log_level[0] && rb_log_parse_level(d->cfg->log_level, &level) == 0)
		rb_log_set_level(level);
	else
		rb_log_set_level(RB_LOG_INFO);
}

int rb_daemon_reload(struct rb_daemon *d, char *why, size_t why_len)
{
	struct reload_state st = { 0 };
	struct rb_config *next, *old = d->cfg;
	int err;

	if (why_len)
		why[0] = '\0';
	log_info("reload: reading config %s", d->config_path);
	err = settle(d, why, why_len);
	if (!err)
		err = load_aside(d, &next, why, why_len);
	if (err)
		return err;
	err = check_restart(d, next, why, why_len);
	if (err) {
		rb_config_free(next);
		return err;
	}
	/* The DHCPv6 server signs with the DUID it has, set at start when the file has none. */
	if (next->server_duid_len == 0) {
		memcpy(next->server_duid, old->server_duid, old->server_duid_len);
		next->server_duid_len = old->server_duid_len;
	}

	d->cfg = next;
	err = apply(d, old, &st, why, why_len);
	if (err) {
		log_err("reload: %s", why);
		rb_config_free(next);
		return err;
	}
	apply_log_level(d);
	/* The HTTP workers may still read old; rb_daemon_http_settled() frees it. */
	d->retired_cfg = old;
	rb_daemon_http_settled(d);

	log_info("reload: config %s applied: %zu devices (%zu added, %zu kept their state), %zu "
		 "records of devices no longer configured removed, %zu reply templates; leases "
		 "and transfers in progress are kept", d->config_path, st.xdp.devices,
		 st.xdp.devices - st.xdp.devices_kept, st.xdp.devices_kept, st.xdp.devices_removed,
		 st.xdp.templates);
	return 0;
}
