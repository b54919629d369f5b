/* SPDX-License-Identifier: MIT */
/* rackbootctl's options and the functions of its files. */
#ifndef RB_RACKBOOTCTL_H
#define RB_RACKBOOTCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "control/ctl_request.h"

#define EXIT_USAGE 2

struct options {
	const char *socket_path;	/* rackbootd's control socket */
	const char *pin_path;		/* --offline: the pinned maps */
	const char *store_path;		/* --offline: the store */
	bool offline;			/* read the maps and store, not the socket */
	bool json;
	struct rb_ctl_request req;	/* the request for the socket */
	const char *device;		/* the argument of logs */
	size_t lines;			/* logs --lines, 0 = all */
};

/* offline.c: each returns the exit status. */
int rb_offline_devices(const struct options *opts);
int rb_offline_stats(const struct options *opts);
int rb_offline_leases(const struct options *opts);
int rb_offline_logs(const struct options *opts);

/*
 * client.c.  Send opts->req to rackbootd and print the reply: the text,
 * or with --json the result.  Returns the exit status.
 */
int rb_client_run(const struct options *opts);

/* top.c: the full-screen view, or one snapshot with --json.  Returns the exit status. */
int rb_top_run(const struct options *opts);

#endif
