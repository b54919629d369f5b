/* SPDX-License-Identifier: MIT */
/*
 * The block store of the XDP data path: files cached in the slots of
 * rb_tftp_blocks, one slot per block, and described in rb_tftp_files
 * (rackboot/tftp_maps.h).
 *
 * A file is cached once per blksize and shared by every transfer that
 * uses it.  Each lookup compares device, inode, size and modification
 * time with the cached copy, and loads the file again when one differs.
 * A copy that transfers still use stays until the last one ends.  When
 * the store is full, copies that no transfer uses are evicted, least
 * recently used first.  A file that still does not fit is served by
 * userspace.
 *
 * NOTE: a file is read with pread on the caller's thread, so loading a
 * large file stalls rackbootd's loop for the time the disk needs.
 */
#ifndef RB_TFTP_CACHE_H
#define RB_TFTP_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct tftp_cache;

/*
 * Map the n_slots slots of the block store blocks_fd (an mmapable
 * array) and clear the file table files_fd.  Returns 0 and sets *out, or
 * a negative errno after logging what failed.
 */
int tftp_cache_new(int files_fd, int blocks_fd, uint32_t n_slots, struct tftp_cache **out);

void tftp_cache_free(struct tftp_cache *c);

/* A reference to one cached copy. */
struct tftp_cache_ref {
	uint32_t id;		/* index into rb_tftp_files */
	uint32_t gen;		/* rb_tftp_cached_file.gen of the copy */
	uint64_t n_blocks;	/* size / blksize + 1 */
	uint64_t size;		/* bytes */
};

/*
 * Take a reference to the copy of the open file fd (st from fstat) in
 * blocks of blksize, loading it when needed.  Returns 0, or -ENOSPC when
 * it does not fit the store, -EINVAL for a blksize above a slot, or
 * another negative errno when reading the file failed.
 */
int tftp_cache_get(struct tftp_cache *c, int fd, const struct stat *st, uint32_t blksize,
		   struct tftp_cache_ref *ref);

/* Drop a reference that tftp_cache_get() took. */
void tftp_cache_put(struct tftp_cache *c, uint32_t id);

/*
 * Return block (counted from 1) of the copy id and set *len to its bytes,
 * or NULL when the copy has no such block.
 */
const uint8_t *tftp_cache_block(const struct tftp_cache *c, uint32_t id, uint64_t block,
				size_t *len);

#endif
