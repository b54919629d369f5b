// SPDX-License-Identifier: MIT
/*
 * The BPF filesystem side of the loader: mount /sys/fs/bpf when it is
 * missing (libxdp keeps its dispatcher state there), create and lock the
 * pin folder, and reuse or create the pinned maps.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/log.h"
#include "xdp/loader_internal.h"

#define RB_BPFFS_DEFAULT "/sys/fs/bpf"

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

static int bpffs_mount_default(void)
{
	int err;

	if (is_bpffs(RB_BPFFS_DEFAULT))
		return 0;
	if (mount("bpf", RB_BPFFS_DEFAULT, "bpf", 0, "mode=0700") < 0) {
		err = -errno;
		log_err("mounting a BPF filesystem on %s failed: %s; mount it "
			"(mount -t bpf bpf %s) and start again", RB_BPFFS_DEFAULT, strerror(-err),
			RB_BPFFS_DEFAULT);
		return err;
	}
	log_info("mounted a BPF filesystem on %s, where none was mounted", RB_BPFFS_DEFAULT);
	return 0;
}

/* mkdir -p with mode 0700 for the folders it creates. */
static int mkdir_parents(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);

	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

/*
 * rackbootctl takes a shared lock on the pin folder for an instant to
 * find out whether a rackbootd runs, so a busy lock is tried again a few
 * times before it counts as another rackbootd's.
 */
#define RB_LOCK_TRIES		10
#define RB_LOCK_RETRY_US	20000

static int lock_pin_dir(int fd)
{
	for (int i = 0; i < RB_LOCK_TRIES; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return -errno;
		usleep(RB_LOCK_RETRY_US);
	}
	return -EWOULDBLOCK;
}

int rb_bpffs_prepare(const char *pin_dir)
{
	int err, fd;

	err = bpffs_mount_default();
	if (err)
		return err;

	err = mkdir_parents(pin_dir);
	if (err) {
		log_err("creating the pin folder %s failed: %s; check bpffs-pin-path",
			pin_dir, strerror(-err));
		return err;
	}
	if (!is_bpffs(pin_dir)) {
		log_err("pin folder %s is not on a BPF filesystem: set bpffs-pin-path below %s, "
			"or mount one on its parent (mount -t bpf bpf DIR)", pin_dir,
			RB_BPFFS_DEFAULT);
		return -ENOTSUP;
	}

	/* The lock lives as long as the fd, so until rackbootd exits. */
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_err("opening the pin folder %s failed: %s", pin_dir, strerror(-err));
		return err;
	}
	err = lock_pin_dir(fd);
	if (err) {
		close(fd);
		if (err == -EWOULDBLOCK) {
			log_err("another rackbootd uses the pin folder %s: stop it first, or give "
				"this one another bpffs-pin-path", pin_dir);
			return -EBUSY;
		}
		log_err("locking the pin folder %s failed: %s", pin_dir, strerror(-err));
		return err;
	}
	return fd;
}

static int pin_path(char *out, size_t size, const char *pin_dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", pin_dir, name);

	if (n < 0 || (size_t)n >= size) {
		log_err("pin path %s/%s is longer than %zu bytes: shorten bpffs-pin-path",
			pin_dir, name, size - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* True when the pinned map behind fd has the definition of map. */
static bool pin_matches(int fd, const struct bpf_map *map, const char *path)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		log_warn("reading the definition of pinned map %s failed: %s", path,
			 strerror(errno));
		return false;
	}
	if (info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
	    info.value_size == bpf_map__value_size(map) &&
	    info.max_entries == bpf_map__max_entries(map) &&
	    info.map_flags == bpf_map__map_flags(map))
		return true;

	log_warn("pinned map %s has another definition (type %u, key %u, value %u, "
		 "%u entries; expected %u, %u, %u, %u), probably from another rackboot "
		 "version: replacing it, and the state it held is lost", path, info.type,
		 info.key_size, info.value_size, info.max_entries, bpf_map__type(map),
		 bpf_map__key_size(map), bpf_map__value_size(map), bpf_map__max_entries(map));
	return false;
}

int rb_pin_open(const char *path, int *fd)
{
	int err;

	*fd = bpf_obj_get(path);
	if (*fd >= 0)
		return 0;

	err = -errno;
	if (err == -ENOENT)
		return 0;
	log_err("opening pinned map %s failed: %s; remove it (rm %s) to start from "
		"an empty map", path, strerror(-err), path);
	return err;
}

int rb_pin_reuse(struct bpf_map *map, const char *pin_dir, const char *name, bool *reused)
{
	char path[PATH_MAX];
	int fd, err;

	*reused = false;
	err = pin_path(path, sizeof(path), pin_dir, name);
	if (err)
		return err;

	err = rb_pin_open(path, &fd);
	if (err || fd < 0)
		return err;

	if (!pin_matches(fd, map, path)) {
		close(fd);
		if (unlink(path) < 0) {
			err = -errno;
			log_err("removing pinned map %s failed: %s", path, strerror(-err));
			return err;
		}
		return 0;
	}

	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	if (err) {
		log_err("reusing pinned map %s failed: %s", path, strerror(-err));
		return err;
	}
	*reused = true;
	return 0;
}

int rb_pin_map(struct bpf_map *map, const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = pin_path(path, sizeof(path), pin_dir, name);
	if (err)
		return err;
	err = bpf_map__pin(map, path);
	if (err) {
		log_err("pinning map %s as %s failed: %s", name, path, strerror(-err));
		return err;
	}
	return 0;
}
