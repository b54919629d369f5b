/* SPDX-License-Identifier: MIT */
/*
 * cachestat(2), Linux 6.5 and later: how much of a file range is in the
 * page cache, without reading it and without starting readahead.  Debian
 * 12's kernel headers and glibc 2.36 lack it, so the structures and the
 * system call number (451 on x86-64, arm64 and the other architectures of
 * the generic system call table) are defined here.
 */
#ifndef RB_COMMON_CACHESTAT_H
#define RB_COMMON_CACHESTAT_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif

struct rb_cachestat_range {
	uint64_t off;
	uint64_t len;
};

struct rb_cachestat {
	uint64_t nr_cache;		/* pages of the range in the page cache */
	uint64_t nr_dirty;
	uint64_t nr_writeback;
	uint64_t nr_evicted;
	uint64_t nr_recently_evicted;
};

/*
 * Store in *pages the number of pages of [off, off + len) that are in the
 * page cache.  Returns 0, or -ENOSYS before Linux 6.5, or another
 * negative errno.
 */
static inline int rb_cached_pages(int fd, uint64_t off, uint64_t len, uint64_t *pages)
{
	struct rb_cachestat_range range = { .off = off, .len = len };
	struct rb_cachestat stat;

	if (syscall(__NR_cachestat, fd, &range, &stat, 0) < 0)
		return -errno;
	*pages = stat.nr_cache;
	return 0;
}

#endif
