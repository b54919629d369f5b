/* SPDX-License-Identifier: MIT */
/* rackbootctl's connection to rackbootd's control socket. */
#ifndef RB_RACKBOOTCTL_CLIENT_H
#define RB_RACKBOOTCTL_CLIENT_H

#include <jansson.h>

#include "control/ctl_request.h"

/* Longest reply read, so that a broken server cannot exhaust memory. */
#define RB_CLIENT_REPLY_MAX	(512u << 20)

/* Seconds a reply may take before a command gives up. */
#define RB_CLIENT_TIMEOUT_S	30

/*
 * Connect to path, with timeout_s for each send and receive.  Returns the
 * fd, or a negative errno with why filled with what failed and what to try.
 */
int rb_client_connect(const char *path, int timeout_s, char *why, size_t why_len);

/*
 * Send req on fd and read its reply.  Returns the parsed reply object
 * (json_decref it), or NULL with why filled.
 */
json_t *rb_client_call(int fd, const struct rb_ctl_request *req, char *why, size_t why_len);

/* The "error" of a reply that has "ok": false, else NULL. */
const char *rb_client_error(json_t *reply);

#endif
