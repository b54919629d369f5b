// SPDX-License-Identifier: MIT
/*
 * The block store of the XDP data path: slot allocation, loading,
 * reloading on change and eviction (rules in tftp_cache.h).
 *
 * Slots are given out as one contiguous range per copy, found first-fit
 * between the ranges in use.  Evicting a copy frees its range.  The
 * rb_tftp_files entry of a copy is written after its slots, and cleared
 * before its slots are reused, so that XDP never reads a slot of another
 * copy under a valid generation.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "rackboot/tftp_maps.h"
#include "tftp/tftp_cache.h"

struct cache_entry {
	bool used;		/* holds slots */
	bool stale;		/* replaced by a newer copy; freed when refs drops to 0 */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint32_t blksize;
	uint32_t first_slot;
	uint64_t n_blocks;	/* also the slots taken */
	uint32_t gen;
	uint32_t refs;		/* transfers using the copy */
	uint64_t last_use;	/* value of tftp_cache.uses at the last get */
};

struct tftp_cache {
	int files_fd;
	uint8_t *blocks;	/* n_slots * RB_TFTP_SLOT_SIZE bytes, mapped */
	size_t blocks_bytes;
	uint32_t n_slots;
	uint32_t next_gen;
	uint64_t uses;
	struct cache_entry entries[RB_MAX_TFTP_FILES];
	uint64_t ranges[RB_MAX_TFTP_FILES];	/* find_range(): first_slot << 32 | id, sorted */
};

static int files_write(struct tftp_cache *c, uint32_t id, const struct rb_tftp_cached_file *f)
{
	if (bpf_map_update_elem(c->files_fd, &id, f, 0) < 0) {
		int err = -errno;

		log_err("tftp: writing entry %u of rb_tftp_files failed: %s", id, strerror(-err));
		return err;
	}
	return 0;
}

int tftp_cache_new(int files_fd, int blocks_fd, uint32_t n_slots, struct tftp_cache **out)
{
	struct tftp_cache *c = calloc(1, sizeof(*c));
	struct rb_tftp_cached_file empty = { 0 };
	int err;

	if (!c)
		return -ENOMEM;
	c->files_fd = files_fd;
	c->n_slots = n_slots;
	c->next_gen = 1;
	c->blocks_bytes = (size_t)n_slots * RB_TFTP_SLOT_SIZE;
	c->blocks = mmap(NULL, c->blocks_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, blocks_fd, 0);
	if (c->blocks == MAP_FAILED) {
		err = -errno;
		log_err("tftp: mapping the XDP block store (%u slots, %zu bytes) failed: %s",
			n_slots, c->blocks_bytes, strerror(-err));
		free(c);
		return err;
	}

	/* Entries of an earlier run point at slots that this run reuses. */
	for (uint32_t id = 0; id < RB_MAX_TFTP_FILES; id++) {
		err = files_write(c, id, &empty);
		if (err) {
			tftp_cache_free(c);
			return err;
		}
	}
	*out = c;
	return 0;
}

void tftp_cache_free(struct tftp_cache *c)
{
	if (!c)
		return;
	munmap(c->blocks, c->blocks_bytes);
	free(c);
}

/* Free the slots of entry id; its table entry goes first, so XDP stops reading them. */
static void entry_free(struct tftp_cache *c, uint32_t id)
{
	struct rb_tftp_cached_file empty = { 0 };

	files_write(c, id, &empty);
	c->entries[id] = (struct cache_entry){ 0 };
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* First slot of a free range of n slots, or -1. */
static int64_t find_range(struct tftp_cache *c, uint64_t n)
{
	uint64_t *ranges = c->ranges;
	size_t count = 0;
	uint64_t start = 0;

	for (uint32_t id = 0; id < RB_MAX_TFTP_FILES; id++) {
		if (c->entries[id].used)
			ranges[count++] = (uint64_t)c->entries[id].first_slot << 32 | id;
	}
	qsort(ranges, count, sizeof(ranges[0]), compare_u64);

	for (size_t i = 0; i < count; i++) {
		const struct cache_entry *e = &c->entries[(uint32_t)ranges[i]];

		if (e->first_slot >= start + n)
			return (int64_t)start;
		start = e->first_slot + e->n_blocks;
	}
	return start + n <= c->n_slots ? (int64_t)start : -1;
}

/* Evict the least recently used copy that no transfer uses.  Returns false when none is left. */
static bool evict_one(struct tftp_cache *c)
{
	uint32_t victim = RB_MAX_TFTP_FILES;

	for (uint32_t id = 0; id < RB_MAX_TFTP_FILES; id++) {
		const struct cache_entry *e = &c->entries[id];

		if (!e->used || e->refs > 0)
			continue;
		if (victim == RB_MAX_TFTP_FILES || e->last_use < c->entries[victim].last_use)
			victim = id;
	}
	if (victim == RB_MAX_TFTP_FILES)
		return false;
	log_debug("tftp: evicted a cached copy of %llu blocks from the XDP block store",
		  (unsigned long long)c->entries[victim].n_blocks);
	entry_free(c, victim);
	return true;
}

/* Read len bytes at off into dst; a file that became shorter is an error. */
static int read_full(int fd, uint8_t *dst, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pread(fd, dst, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		dst += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Copy the file into the slots of entry e, each block followed by zeros. */
static int load_blocks(struct tftp_cache *c, const struct cache_entry *e, int fd)
{
	for (uint64_t b = 0; b < e->n_blocks; b++) {
		uint8_t *slot = c->blocks + (size_t)(e->first_slot + b) * RB_TFTP_SLOT_SIZE;
		uint64_t off = b * e->blksize;
		size_t len = b + 1 < e->n_blocks ? e->blksize : (size_t)(e->size - off);
		int err = read_full(fd, slot, len, (off_t)off);

		if (err)
			return err;
		memset(slot + len, 0, RB_TFTP_SLOT_SIZE - len);
	}
	return 0;
}

static bool same_file(const struct cache_entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * Find the current copy of st for blksize.  A copy of an older version
 * of the file is freed, or marked stale while transfers use it.
 */
static int64_t find_copy(struct tftp_cache *c, const struct stat *st, uint32_t blksize)
{
	for (uint32_t id = 0; id < RB_MAX_TFTP_FILES; id++) {
		struct cache_entry *e = &c->entries[id];

		if (!e->used || e->stale || e->dev != st->st_dev || e->ino != st->st_ino ||
		    e->blksize != blksize)
			continue;
		if (same_file(e, st))
			return id;
		log_debug("tftp: a cached file changed on disk (inode %llu); loading it again",
			  (unsigned long long)st->st_ino);
		if (e->refs == 0)
			entry_free(c, id);
		else
			e->stale = true;
	}
	return -1;
}

/* Take free slots and a free entry for n blocks, evicting unused copies.  Returns the id or -ENOSPC. */
static int64_t reserve(struct tftp_cache *c, uint64_t n, uint32_t *first_slot)
{
	int64_t start, id = -1;

	if (n > c->n_slots)
		return -ENOSPC;
	for (;;) {
		start = find_range(c, n);
		for (id = 0; id < RB_MAX_TFTP_FILES && c->entries[id].used; id++)
			;
		if (start >= 0 && id < RB_MAX_TFTP_FILES)
			break;
		if (!evict_one(c))
			return -ENOSPC;
	}
	*first_slot = (uint32_t)start;
	return id;
}

static int load_copy(struct tftp_cache *c, int fd, const struct stat *st, uint32_t blksize)
{
	uint64_t n_blocks = (uint64_t)st->st_size / blksize + 1;
	struct cache_entry *e;
	struct rb_tftp_cached_file f;
	uint32_t first_slot;
	int64_t id = reserve(c, n_blocks, &first_slot);
	int err;

	if (id < 0)
		return (int)id;
	e = &c->entries[id];
	*e = (struct cache_entry){ .used = true, .dev = st->st_dev, .ino = st->st_ino,
				   .size = st->st_size, .mtime = st->st_mtim, .blksize = blksize,
				   .first_slot = first_slot, .n_blocks = n_blocks };
	err = load_blocks(c, e, fd);
	if (err) {
		*e = (struct cache_entry){ 0 };
		return err;
	}

	e->gen = c->next_gen++;
	if (c->next_gen == 0)
		c->next_gen = 1;
	f = (struct rb_tftp_cached_file){ .size = (uint64_t)st->st_size, .n_blocks = n_blocks,
				   .first_slot = first_slot, .gen = e->gen, .blksize = blksize };
	err = files_write(c, (uint32_t)id, &f);
	if (err) {
		*e = (struct cache_entry){ 0 };
		return err;
	}
	log_debug("tftp: cached %llu bytes in %llu blocks of %u in the XDP block store",
		  (unsigned long long)st->st_size, (unsigned long long)n_blocks, blksize);
	return (int)id;
}

int tftp_cache_get(struct tftp_cache *c, int fd, const struct stat *st, uint32_t blksize,
		   struct tftp_cache_ref *ref)
{
	int64_t id;
	struct cache_entry *e;

	if (blksize == 0 || blksize > RB_TFTP_XDP_BLKSIZE_MAX)
		return -EINVAL;

	id = find_copy(c, st, blksize);
	if (id < 0) {
		id = load_copy(c, fd, st, blksize);
		if (id < 0)
			return (int)id;
	}

	e = &c->entries[id];
	e->refs++;
	e->last_use = ++c->uses;
	*ref = (struct tftp_cache_ref){ .id = (uint32_t)id, .gen = e->gen,
					.n_blocks = e->n_blocks, .size = (uint64_t)e->size };
	return 0;
}

void tftp_cache_put(struct tftp_cache *c, uint32_t id)
{
	struct cache_entry *e;

	if (id >= RB_MAX_TFTP_FILES)
		return;
	e = &c->entries[id];
	if (!e->used || e->refs == 0)
		return;
	e->refs--;
	if (e->refs == 0 && e->stale)
		entry_free(c, id);
}

const uint8_t *tftp_cache_block(const struct tftp_cache *c, uint32_t id, uint64_t block,
				size_t *len)
{
	const struct cache_entry *e;

	if (id >= RB_MAX_TFTP_FILES)
		return NULL;
	e = &c->entries[id];
	if (!e->used || block == 0 || block > e->n_blocks)
		return NULL;
	*len = block < e->n_blocks ? e->blksize : (size_t)(e->size - (block - 1) * e->blksize);
	return c->blocks + (size_t)(e->first_slot + block - 1) * RB_TFTP_SLOT_SIZE;
}
