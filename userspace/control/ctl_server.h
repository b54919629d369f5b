/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a UNIX stream socket served from rackbootd's
 * io_uring loop.  Sockets are non-blocking and the ring only polls them,
 * so no request in flight points into a client's buffers.  A client that
 * connects and stalls, or stops reading its reply, takes one slot until
 * idle-timeout closes it, and never blocks the loop.
 *
 * Only root and members of the configured group may connect: the
 * socket file is root:group with mode 0660, and each connection's
 * SO_PEERCRED and SO_PEERGROUPS are checked again.
 */
#ifndef RB_CTL_SERVER_H
#define RB_CTL_SERVER_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "control/ctl_reply.h"
#include "control/ctl_request.h"

struct rb_ctl_server;

/* Build the reply of a parsed request.  Returns 0 or -ENOMEM. */
typedef int (*rb_ctl_handler)(void *arg, const struct rb_ctl_request *req,
			      struct rb_ctl_reply *reply);

struct rb_ctl_server_config {
	const char *path;		/* socket path, at most 107 bytes */
	const char *group;		/* group name, "" or NULL = root only */
	uint32_t max_clients;		/* connections served at once */
	uint32_t idle_timeout_ms;
	rb_ctl_handler handler;
	void *handler_arg;
};

/*
 * Create the socket: its folder (one level) when missing, a stale
 * socket removed, bind, owner, mode, listen.  Fails with -EADDRINUSE
 * when a process listens on path.  Returns 0 or a negative errno, with
 * the reason logged.
 */
int rb_ctl_server_open(struct io_uring *ring, const struct rb_ctl_server_config *cfg,
		       struct rb_ctl_server **out);

/*
 * Queue the first poll on the listening socket.  now_ms is
 * CLOCK_MONOTONIC, the clock of rb_ctl_server_tick, which the server
 * reads its time from between ticks.
 */
int rb_ctl_server_start(struct rb_ctl_server *srv, uint64_t now_ms);

/* Whether a completion belongs to the control server. */
bool rb_ctl_owns(uint64_t user_data);

int rb_ctl_server_handle_cqe(struct rb_ctl_server *srv, const struct io_uring_cqe *cqe);

/* Close connections idle for idle_timeout_ms; now_ms is CLOCK_MONOTONIC milliseconds. */
void rb_ctl_server_tick(struct rb_ctl_server *srv, uint64_t now_ms);

/* Close every connection and the socket, and remove the socket file.  NULL is ignored. */
void rb_ctl_server_free(struct rb_ctl_server *srv);

/* Connections open now. */
uint32_t rb_ctl_server_clients(const struct rb_ctl_server *srv);

#endif
