// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the TFTP request decoder.  Any input goes through
 * every decoder.  A request that decodes is checked against the decoder's
 * contract, negotiated, encoded as an OACK and normalized as a path.  The
 * sanitizers catch reads and writes outside the buffers, and a broken
 * contract traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tftp/tftp_codec.h"
#include "tftp/tftp_options.h"
#include "tftp/tftp_path.h"

/* True when a '/'-separated component of path is exactly "..". */
static int has_dotdot_component(const char *path)
{
	for (const char *p = path; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return 1;
	}
	return 0;
}

static void check_request(const struct rb_tftp_request *req)
{
	static const struct rb_tftp_limits limits = { .blksize_max = RB_TFTP_BLKSIZE_MAX,
						      .windowsize_max = 64 };
	struct rb_tftp_options accepted;
	uint8_t oack[RB_TFTP_OACK_MAX];
	char path[RB_TFTP_REQUEST_MAX];
	const char *error;

	if (req->filename_len == 0 || strlen(req->filename) != req->filename_len)
		__builtin_trap();
	if (req->options.has_blksize && req->options.blksize < RB_TFTP_BLKSIZE_MIN)
		__builtin_trap();
	if (req->options.has_timeout && (req->options.timeout < RB_TFTP_TIMEOUT_MIN ||
					 req->options.timeout > RB_TFTP_TIMEOUT_MAX))
		__builtin_trap();
	if (req->options.has_windowsize && (req->options.windowsize < RB_TFTP_WINDOWSIZE_MIN ||
					    req->options.windowsize > RB_TFTP_WINDOWSIZE_MAX))
		__builtin_trap();

	/* The largest file size, so that tsize takes the most digits. */
	if (rb_tftp_negotiate(req, &limits, UINT64_MAX, &accepted)) {
		if (accepted.has_blksize && accepted.blksize > RB_TFTP_BLKSIZE_MAX)
			__builtin_trap();
		if (accepted.has_windowsize && accepted.windowsize > limits.windowsize_max)
			__builtin_trap();
		if (rb_tftp_encode_oack(oack, sizeof(oack), &accepted) < 0)
			__builtin_trap();
	}

	if (rb_tftp_path_normalize(req->filename, path, sizeof(path), &error) == 0 &&
	    (strchr(path, '\\') || path[0] == '/' || has_dotdot_component(path)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_tftp_request req;
	char message[64];
	const char *error = NULL;
	uint16_t value;

	if (rb_tftp_decode_request(data, size, &req, &error) == 0)
		check_request(&req);
	else if (!error)
		__builtin_trap();

	rb_tftp_decode_ack(data, size, &value, &error);
	rb_tftp_decode_error(data, size, &value, message, sizeof(message), &error);
	return 0;
}
