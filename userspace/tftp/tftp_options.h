/* SPDX-License-Identifier: MIT */
/*
 * Option negotiation for a read request (RFC 2347, 2348, 2349, 7440):
 * which of the options a client sent the server accepts, with which
 * values.
 */
#ifndef RB_TFTP_OPTIONS_H
#define RB_TFTP_OPTIONS_H

#include "tftp/tftp_codec.h"

/* The server's upper bounds for the values it accepts. */
struct rb_tftp_limits {
	uint32_t blksize_max;		/* bytes */
	uint32_t windowsize_max;	/* blocks, >= 1 */
};

/*
 * Fill accepted with the options of req that the server takes, for a
 * file of file_size bytes:
 *   blksize     clamped to limits->blksize_max (the decoder already dropped < 8);
 *   timeout     taken as sent (the decoder already dropped values outside 1..255);
 *   tsize       set to file_size in octet mode, whatever value the client
 *               sent (0 requests the size).  In netascii mode the size on
 *               the wire differs from the file size, so tsize is not
 *               taken.  Nor is it for an empty file, because curl rejects
 *               tsize 0.
 *   windowsize  clamped to limits->windowsize_max.
 * Returns true when at least one option is accepted, so an OACK is due.
 * Otherwise DATA 1 is the reply, as for a request without options.
 */
bool rb_tftp_negotiate(const struct rb_tftp_request *req, const struct rb_tftp_limits *limits,
		       uint64_t file_size, struct rb_tftp_options *accepted);

#endif
