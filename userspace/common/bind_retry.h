/* SPDX-License-Identifier: MIT */
#ifndef RB_COMMON_BIND_RETRY_H
#define RB_COMMON_BIND_RETRY_H

#include <sys/socket.h>

/*
 * Bind fd to addr, retrying for up to 2 s while the port is in use.
 * A rackbootd killed with SIGKILL leaves sockets that its io_uring
 * closes a moment after the process is gone, so a restart right after
 * it finds the port busy for a short time.  service names the socket in
 * the log.  Returns 0 or a negative errno; the caller logs the failure.
 */
int rb_bind_retry(int fd, const struct sockaddr *addr, socklen_t len, const char *service);

#endif
