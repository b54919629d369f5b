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
	if (requested->has_tsize && req->mode == RB_TFTP_MODE_OCTET) {
		accepted->has_tsize = true;
		accepted->tsize = file_size;
	}
	return accepted->has_blksize || accepted->has_timeout || accepted->has_tsize;
}
