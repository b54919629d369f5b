// SPDX-License-Identifier: MIT
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "xdp/state_read.h"

int rb_state_open(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int n, fd;

	n = snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static int compare_mac(const void *a, const void *b)
{
	const struct rb_state_device *x = a, *y = b;

	return memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
}

int rb_state_read_devices(int fd, struct rb_state_device **out, size_t *count)
{
	struct rb_state_device *devs;
	struct rb_mac_key key, *prev = NULL;
	size_t n = 0, unique = 0;

	devs = calloc(RB_MAX_DEVICES, sizeof(*devs));
	if (!devs)
		return -ENOMEM;

	/* The map has at most RB_MAX_DEVICES keys, which bounds the walk. */
	while (n < RB_MAX_DEVICES && bpf_map_get_next_key(fd, prev, &key) == 0) {
		/* A record deleted between the two calls is skipped. */
		if (bpf_map_lookup_elem(fd, &key, &devs[n].rec) == 0) {
			devs[n].key = key;
			n++;
		}
		prev = &key;
	}

	qsort(devs, n, sizeof(*devs), compare_mac);

	/* A walk that lost its place to a concurrent delete restarts and repeats keys. */
	for (size_t i = 0; i < n; i++) {
		if (unique > 0 && compare_mac(&devs[unique - 1], &devs[i]) == 0)
			continue;
		devs[unique++] = devs[i];
	}
	*out = devs;
	*count = unique;
	return 0;
}

int rb_state_read_stats(int xdp_fd, int us_fd, struct rb_state_stats *out)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *percpu;

	if (ncpus <= 0)
		return ncpus < 0 ? ncpus : -EINVAL;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;

	memset(out, 0, sizeof(*out));
	for (__u32 i = 0; i < RB_XC_COUNT; i++) {
		if (bpf_map_lookup_elem(xdp_fd, &i, percpu)) {
			int err = -errno;

			free(percpu);
			return err;
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			out->xdp[i] += percpu[cpu];
	}
	free(percpu);

	for (__u32 i = 0; i < RB_UC_COUNT; i++) {
		if (bpf_map_lookup_elem(us_fd, &i, &out->us[i]))
			return -errno;
	}
	return 0;
}

int rb_state_daemon_running(const char *pin_dir)
{
	int fd, ret = 0;

	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* rackbootd holds LOCK_EX, which a shared lock cannot join. */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		ret = errno == EWOULDBLOCK ? 1 : -errno;
	close(fd);
	return ret;
}
