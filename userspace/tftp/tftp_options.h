/* SPDX-License-Identifier: MIT */
/*
 * Option negotiation for a read request (RFC 2347, 2348, 2349): which of
 * the options a client sent the server accepts, with which values.
 */
#ifndef RB_TFTP_OPTIONS_H
#define RB_TFTP_OPTIONS_H

#include "tftp/tftp_codec.h"

/*
 * Fill accepted with the options of req that the server takes, for a
 * file of file_size bytes:
 *   blksize  clamped to blksize_max (the decoder already dropped < 8);
 *   timeout  taken as sent (the decoder already dropped values outside 1..255);
 *   tsize    set to file_size in octet mode.  In netascii mode the size
 *            on the wire differs from the file size, so tsize is not taken.
 *            Nor is it for an empty file, because curl rejects tsize 0.
 * Returns true when at least one option is accepted, so an OACK is due.
 * Otherwise DATA 1 is the reply, as for a request without options.
 */
bool rb_tftp_negotiate(const struct rb_tftp_request *req, uint32_t blksize_max,
		       uint64_t file_size, struct rb_tftp_options *accepted);

#endif
