/* SPDX-License-Identifier: MIT */
/*
 * The DATA payloads of one transfer, read block by block from the file.
 *
 * octet mode sends the bytes as stored.  netascii mode (RFC 1350) sends
 * LF as CR LF and CR as CR NUL.  A pair that does not fit at the end of a
 * block is split, and its second byte opens the next block.
 */
#ifndef RB_TFTP_SOURCE_H
#define RB_TFTP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rb_tftp_source {
	int fd;			/* regular file, read with pread */
	bool netascii;
	uint64_t offset;	/* next file byte to read */
	int carry;		/* netascii: second byte of a split pair, or -1 */
};

void rb_tftp_source_init(struct rb_tftp_source *src, int fd, bool netascii);

/*
 * Write the next block of at most blksize bytes into out.  scratch is a
 * buffer of blksize bytes, used in netascii mode only.  Returns the length:
 * blksize for a full block, less for the last block (0 when the payload
 * is an exact multiple of blksize).  Returns -errno when pread failed.
 */
ssize_t rb_tftp_source_read(struct rb_tftp_source *src, uint8_t *out, size_t blksize,
			    uint8_t *scratch);

#endif
