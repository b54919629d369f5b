/* SPDX-License-Identifier: MIT */
/* The control socket's file and its peers' credentials (ctl_server.h). */
#ifndef RB_CTL_SOCKET_H
#define RB_CTL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Bind and listen on path, owned by root and gid with mode 0660.
 * Returns the listening fd or a negative errno, with the reason logged.
 */
int rb_ctl_socket_listen(const char *path, gid_t gid, int backlog);

/*
 * Look up a group name.  Returns 0, or -ENOENT when no such group
 * exists, with the reason logged.
 */
int rb_ctl_group_lookup(const char *name, gid_t *gid);

/*
 * Check the peer of a connected socket: root, or (when allow_group) a
 * member of gid by its primary or supplementary groups.  Returns 0,
 * -EACCES with *uid set, or another negative errno.
 */
int rb_ctl_peer_check(int fd, bool allow_group, gid_t gid, uid_t *uid);

#endif
