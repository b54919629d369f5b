// SPDX-License-Identifier: MIT
#include <errno.h>
#include <unistd.h>

#include "tftp/tftp_source.h"

/* pread calls for one block; each call that does not fail adds bytes or hits EOF. */
#define READ_CALLS_MAX	16

void rb_tftp_source_init(struct rb_tftp_source *src, int fd, bool netascii)
{
	src->fd = fd;
	src->netascii = netascii;
	src->offset = 0;
	src->carry = -1;
}

/* Read len bytes at offset, fewer only at the end of the file. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len, uint64_t offset)
{
	size_t got = 0;

	for (unsigned calls = 0; got < len; calls++) {
		ssize_t n;

		if (calls == READ_CALLS_MAX)
			return -EIO;
		n = pread(fd, buf + got, len - got, (off_t)(offset + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static ssize_t read_octet(struct rb_tftp_source *src, uint8_t *out, size_t blksize)
{
	ssize_t n = read_full(src->fd, out, blksize, src->offset);

	if (n > 0)
		src->offset += (uint64_t)n;
	return n;
}

/*
 * Convert file bytes from in into out until out contains blksize bytes.
 * Returns how many input bytes were consumed.
 */
static size_t convert_netascii(struct rb_tftp_source *src, const uint8_t *in, size_t in_len,
			       uint8_t *out, size_t *out_len, size_t blksize)
{
	size_t used = 0;

	while (used < in_len && *out_len < blksize) {
		uint8_t c = in[used++];
		uint8_t second;

		if (c == '\n')
			second = '\n';
		else if (c == '\r')
			second = '\0';
		else {
			out[(*out_len)++] = c;
			continue;
		}

		out[(*out_len)++] = '\r';
		if (*out_len < blksize)
			out[(*out_len)++] = second;
		else
			src->carry = second;
	}
	return used;
}

/*
 * Every file byte yields at least one output byte, so reading as many
 * bytes as the block still lacks never overshoots.  Bytes that did not
 * fit are read again for the next block.  The loop ends after a read
 * that fills the block or one that reaches the end of the file.
 */
static ssize_t read_netascii(struct rb_tftp_source *src, uint8_t *out, size_t blksize,
			     uint8_t *scratch)
{
	size_t len = 0;

	if (src->carry >= 0 && blksize > 0) {
		out[len++] = (uint8_t)src->carry;
		src->carry = -1;
	}

	for (unsigned calls = 0; len < blksize; calls++) {
		ssize_t n;

		if (calls == READ_CALLS_MAX)
			return -EIO;
		n = read_full(src->fd, scratch, blksize - len, src->offset);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		src->offset += convert_netascii(src, scratch, (size_t)n, out, &len, blksize);
	}
	return (ssize_t)len;
}

ssize_t rb_tftp_source_read(struct rb_tftp_source *src, uint8_t *out, size_t blksize,
			    uint8_t *scratch)
{
	if (src->netascii)
		return read_netascii(src, out, blksize, scratch);
	return read_octet(src, out, blksize);
}
