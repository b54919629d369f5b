// SPDX-License-Identifier: MIT
/*
 * The store and the lease journal in rackbootd: the store opens before
 * any interface is touched, the journal starts once the XDP loader has
 * the maps and before the slow path rebuilds its pool from rb_devices.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "dhcp4/pool_lend.h"
#include "leases/leases.h"
#include "rackbootd/daemon.h"
#include "store/store.h"

int rb_daemon_journal_open(struct rb_daemon *d)
{
	const struct rb_config *cfg = d->cfg;
	struct rb_leases_config lcfg = {
		.commit_interval_ms = cfg->store_commit_ms,
		.config = cfg,
	};
	int err;

	/* The folder itself, not its parents: a missing parent is likely a typo. */
	if (mkdir(cfg->store_path, 0700) == 0)
		log_info("created the store folder %s", cfg->store_path);

	err = rb_store_open_sized(cfg->store_path, false, cfg->store_map_size, &d->store);
	if (err) {
		log_err("opening the lease store in %s failed: %s; create the folder, make it "
			"writable by root, or set store/path in %s to another folder", cfg->store_path,
			strerror(-err), d->config_path);
		return err;
	}
	err = rb_leases_new(d->store, &lcfg, &d->leases);
	if (err)
		log_err("leases: allocating the lease journal failed: %s", strerror(-err));
	return err;
}

/* The slow path takes each address that XDP bound off loan, in the journal's batch. */
static void pool_bound(void *arg, const struct rb_event *ev)
{
	rb_dhcp4_server_pool_bound(arg, ev);
}

int rb_daemon_journal_start(struct rb_daemon *d)
{
	const struct rb_xdp_maps *maps = rb_xdp_maps(d->xdp);
	struct rb_leases_maps lmaps = {
		.events = maps->events,
		.devices = maps->devices,
		.templates = maps->templates,
	};
	int err;

	rb_leases_set_bind_handler(d->leases, pool_bound, d->dhcp4);
	err = rb_leases_start(d->leases, &d->ring, &lmaps);

	if (err)
		log_err("leases: starting the lease journal on store %s failed: %s",
			d->cfg->store_path, strerror(-err));
	else
		log_info("leases: journal on store %s, commit interval %u ms", d->cfg->store_path,
			 d->cfg->store_commit_ms);
	return err;
}

void rb_daemon_journal_close(struct rb_daemon *d)
{
	rb_leases_free(d->leases);
	rb_store_close(d->store);
	d->leases = NULL;
	d->store = NULL;
}
