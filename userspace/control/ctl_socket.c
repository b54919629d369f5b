// SPDX-License-Identifier: MIT
/*
 * The control socket's file: its folder, a stale socket left by a
 * killed rackbootd, owner and mode; and the credentials of each peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "control/ctl_socket.h"

/* Supplementary groups read per SO_PEERGROUPS call; more are read on ERANGE. */
#define PEER_GROUPS_FIRST	64

int rb_ctl_group_lookup(const char *name, gid_t *gid)
{
	struct group *gr;

	errno = 0;
	gr = getgrnam(name);
	if (!gr) {
		log_err("control: group '%s' of control/group not found%s%s: create it or change "
			"control/group", name, errno ? ": " : "", errno ? strerror(errno) : "");
		return -ENOENT;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* Create the socket's folder when missing, one level only, mode 0755. */
static int make_folder(const char *path)
{
	char copy[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (mkdir(dir, 0755) == 0) {
		log_info("control: created the folder %s of the control socket", dir);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	log_err("control: creating the folder %s for the control socket failed: %s; create "
		"it or change control/socket-path", dir, strerror(errno));
	return -errno;
}

/*
 * Remove a socket file that no process listens on.  A live socket
 * means another rackbootd: -EADDRINUSE.
 */
static int remove_stale(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, err;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_err("control: %s exists and is not a socket; remove it or change "
			"control/socket-path", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ? 0 : -errno;
	close(fd);
	if (err == 0) {
		log_err("control: another process listens on %s (another rackbootd?); stop it or "
			"change control/socket-path", path);
		return -EADDRINUSE;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		log_err("control: removing the stale socket %s failed: %s", path, strerror(errno));
		return -errno;
	}
	log_info("control: removed the stale socket %s (%s)", path, strerror(-err));
	return 0;
}

static int bind_socket(const char *path, const struct sockaddr_un *addr, gid_t gid)
{
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		log_err("control: creating a UNIX socket failed: %s", strerror(-err));
		return err;
	}
	/* Only root may connect between bind and the final chmod. */
	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    chmod(path, 0600) < 0 || chown(path, 0, gid) < 0 || chmod(path, 0660) < 0) {
		err = -errno;
		log_err("control: binding %s, or setting its owner root:%u and mode 0660, failed: "
			"%s", path, (unsigned int)gid, strerror(-err));
		close(fd);
		unlink(path);
		return err;
	}
	return fd;
}

int rb_ctl_socket_listen(const char *path, gid_t gid, int backlog)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		log_err("control: socket path %s is longer than %zu bytes", path,
			sizeof(addr.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path));
	err = make_folder(path);
	err = err ?: remove_stale(path, &addr);
	if (err)
		return err;
	fd = bind_socket(path, &addr, gid);
	if (fd < 0)
		return fd;
	if (listen(fd, backlog) < 0) {
		err = -errno;
		log_err("control: listening on %s failed: %s", path, strerror(-err));
		close(fd);
		unlink(path);
		return err;
	}
	return fd;
}

/* Whether gid is among the peer's supplementary groups. */
static int peer_in_group(int fd, gid_t gid)
{
	socklen_t len = PEER_GROUPS_FIRST * sizeof(gid_t);
	gid_t *groups = NULL;
	int found = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		gid_t *bigger = realloc(groups, len ? len : sizeof(gid_t));

		if (!bigger) {
			free(groups);
			return -ENOMEM;
		}
		groups = bigger;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
			break;
		if (errno != ERANGE || attempt == 1) {
			found = -errno;
			free(groups);
			return found;
		}
		/* len now contains the size that the peer's groups need. */
	}
	for (size_t i = 0; i < len / sizeof(gid_t); i++) {
		if (groups[i] == gid)
			found = 1;
	}
	free(groups);
	return found;
}

int rb_ctl_peer_check(int fd, bool allow_group, gid_t gid, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int member;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	*uid = cred.uid;
	if (cred.uid == 0)
		return 0;
	if (!allow_group)
		return -EACCES;
	if (cred.gid == gid)
		return 0;
	member = peer_in_group(fd, gid);
	if (member < 0)
		return member;
	return member ? 0 : -EACCES;
}
