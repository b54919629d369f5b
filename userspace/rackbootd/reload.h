/* SPDX-License-Identifier: MIT */
/* Config reload, on SIGHUP and on rackbootctl reload. */
#ifndef RB_DAEMON_RELOAD_H
#define RB_DAEMON_RELOAD_H

#include <stddef.h>

struct rb_daemon;

/* Reload the config file; 0, or a negative errno with why filled. */
int rb_daemon_reload(struct rb_daemon *d, char *why, size_t why_len);

#endif
