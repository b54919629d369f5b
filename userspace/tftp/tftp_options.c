// SPDX-License-Identifier: MIT
#include "tftp/tftp_options.h"

bool rb_tftp_negotiate(const struct rb_tftp_request *req, uint32_t blksize_max,
		       uint64_t file_size, struct rb_tftp_options *accepted)
{
	const struct rb_tftp_options *requested = &req->options;

	*accepted = (struct rb_tftp_options){ 0 };

	if (requested->has_blksize) {
		accepted->has_blksize = true;
		accepted->blksize = requested->blksize < blksize_max ? requested->blksize : blksize_max;
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
	return accepted->has_blksize || accepted->has_timeout || accepted->has_tsize;
}
