// SPDX-License-Identifier: MIT
#include "tftp/tftp_options.h"

static uint32_t clamp_u32(uint32_t value, uint32_t max)
{
	return value < max ? value : max;
}

bool rb_tftp_negotiate(const struct rb_tftp_request *req, const struct rb_tftp_limits *limits,
		       uint64_t file_size, struct rb_tftp_options *accepted)
{
	const struct rb_tftp_options *requested = &req->options;

	*accepted = (struct rb_tftp_options){ 0 };

	if (requested->has_blksize) {
		accepted->has_blksize = true;
		accepted->blksize = clamp_u32(requested->blksize, limits->blksize_max);
	}
	if (requested->has_timeout) {
		accepted->has_timeout = true;
		accepted->timeout = requested->timeout;
	}

	/*
	 * RFC 2349 lets a server leave tsize out of the OACK.  It is left out
	 * for an empty file because curl 7.88.1 fails with "invalid tsize" and
	 * exit status 71 on an OACK with tsize 0, and curl sends tsize with
	 * every request that carries options.
	 */
	if (requested->has_tsize && req->mode == RB_TFTP_MODE_OCTET && file_size > 0) {
		accepted->has_tsize = true;
		accepted->tsize = file_size;
	}

	/* RFC 7440 allows the server to reply with a smaller window than requested. */
	if (requested->has_windowsize) {
		accepted->has_windowsize = true;
		accepted->windowsize = clamp_u32(requested->windowsize, limits->windowsize_max);
	}
	return accepted->has_blksize || accepted->has_timeout || accepted->has_tsize ||
	       accepted->has_windowsize;
}
