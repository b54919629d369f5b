// SPDX-License-Identifier: MIT
/*
 * The control socket on rackbootd's ring: rackbootctl's requests run
 * against the config, pinned maps and store of this daemon.  open binds
 * the socket with the other services, so that a socket in use fails the
 * start before any interface is touched.
 */
#include <string.h>

#include "common/log.h"
#include "control/ctl_commands.h"
#include "control/ctl_server.h"
#include "rackbootd/daemon.h"
#include "rackbootd/reload.h"
#include "tftp/tftp_server.h"

static int reload(void *arg, char *why, size_t why_len)
{
	struct rb_daemon *d = arg;
	int err;

	log_info("control: reload requested by rackbootctl");
	err = rb_daemon_reload(d, why, why_len);
	if (err)
		log_warn("control: reload failed: %s", why);
	return err;
}

static int handle(void *arg, const struct rb_ctl_request *req, struct rb_ctl_reply *reply)
{
	struct rb_daemon *d = arg;
	const struct rb_xdp_maps *maps = rb_xdp_maps(d->xdp);
	struct rb_ctl_context ctx = {
		.cfg = d->cfg,
		.devices_fd = maps->devices,
		.xdp_counters_fd = maps->xdp_counters,
		.us_counters_fd = maps->us_counters,
		.store = d->store,
		.reload = reload,
		.reload_arg = d,
	};

	return rb_ctl_execute(&ctx, req, reply);
}

int rb_daemon_control_open(struct rb_daemon *d)
{
	const struct rb_cfg_control *c = &d->cfg->control;
	struct rb_ctl_server_config cfg = {
		.path = c->socket_path,
		.group = c->group,
		.max_clients = c->max_clients,
		.idle_timeout_ms = c->idle_timeout_s * 1000,
		.handler = handle,
		.handler_arg = d,
	};

	return rb_ctl_server_open(&d->ring, &cfg, &d->control);
}

int rb_daemon_control_start(struct rb_daemon *d)
{
	/* The daemon's tick passes the same clock (services.c). */
	return d->control ? rb_ctl_server_start(d->control, rb_tftp_now_ms()) : 0;
}

void rb_daemon_control_free(struct rb_daemon *d)
{
	rb_ctl_server_free(d->control);
	d->control = NULL;
}
