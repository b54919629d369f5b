/* SPDX-License-Identifier: MIT */
/*
 * The Range header of a GET (RFC 9110 section 14), against a file size.
 *
 * One range is served as 206: "bytes=a-b", "bytes=a-" and "bytes=-n".
 * A list of several ranges gets the whole file (200), which
 * RFC 9110 14.2 allows, so no multipart/byteranges body is ever built.
 * A value that does not parse is ignored in the same way.  A single
 * range that starts at or past the end of the file, or a suffix of 0
 * bytes, is unsatisfiable (416).
 */
#ifndef RB_HTTP_RANGE_H
#define RB_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

enum rb_http_range_kind {
	RB_HTTP_RANGE_FULL = 0,		/* respond 200 with the whole file */
	RB_HTTP_RANGE_PARTIAL,		/* respond 206 with first..last */
	RB_HTTP_RANGE_UNSATISFIABLE,	/* respond 416 */
};

struct rb_http_range {
	enum rb_http_range_kind kind;
	uint64_t first;		/* offset of the first byte, PARTIAL only */
	uint64_t last;		/* offset of the last byte, included, PARTIAL only */
};

/* Decide how to respond to the Range value (len bytes, not NUL terminated) for size. */
struct rb_http_range rb_http_range_parse(const char *value, size_t len, uint64_t size);

#endif
