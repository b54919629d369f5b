// SPDX-License-Identifier: MIT
/*
 * rb_us_counters: rackbootd's own counters in a pinned BPF array, so that
 * rackbootctl reads them the same way as the XDP counters.  The array is
 * created with BPF_F_MMAPABLE and mapped, so the daemon increments a
 * counter with a plain store rather than a syscall.  Only the daemon's
 * one thread writes it.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"
#include "xdp/loader_internal.h"

static size_t us_counters_map_len(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = RB_UC_COUNT * sizeof(__u64);

	return (len + page - 1) / page * page;
}

/* True when fd is an mmapable array of RB_UC_COUNT __u64. */
static bool us_counters_match(int fd, const char *path)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	if (info.type == BPF_MAP_TYPE_ARRAY && info.key_size == sizeof(__u32) &&
	    info.value_size == sizeof(__u64) && info.max_entries == RB_UC_COUNT &&
	    (info.map_flags & BPF_F_MMAPABLE))
		return true;

	log_warn("pinned map %s is not an mmapable array of %d counters, probably from "
		 "another rackboot version: replacing it, and its counts are lost",
		 path, RB_UC_COUNT);
	return false;
}

/* Open the pinned array at path, or return -ENOENT when there is none to reuse. */
static int us_counters_reuse(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (us_counters_match(fd, path))
		return fd;

	close(fd);
	if (unlink(path) < 0)
		return -errno;
	return -ENOENT;
}

static int us_counters_create(const char *path)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, RB_PIN_US_COUNTERS, sizeof(__u32),
			    sizeof(__u64), RB_UC_COUNT, &opts);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int rb_us_counters_open(const char *pin_dir, int *fd_out, uint64_t **values, bool *reused)
{
	char path[PATH_MAX];
	void *mem;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, RB_PIN_US_COUNTERS);
	*reused = false;

	fd = us_counters_reuse(path);
	if (fd == -ENOENT)
		fd = us_counters_create(path);
	else if (fd >= 0)
		*reused = true;
	if (fd < 0) {
		log_err("opening or creating the userspace counters %s failed: %s", path,
			strerror(-fd));
		return fd;
	}

	mem = mmap(NULL, us_counters_map_len(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		err = -errno;
		log_err("mapping the userspace counters %s failed: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	*fd_out = fd;
	*values = mem;
	return 0;
}

void rb_us_counters_close(int fd, uint64_t *values)
{
	if (values)
		munmap(values, us_counters_map_len());
	if (fd >= 0)
		close(fd);
}
