/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 request parsing over http_parser (libhttp-parser), one
 * request at a time, so that pipelined requests get their responses in order.
 *
 * The parser stops after each complete request, and the caller feeds the
 * rest of its buffer once the response is sent.  Only GET and HEAD without
 * a body are accepted.  Every limit below ends the request with the 4xx
 * or 5xx status that names it, and the connection closes after that
 * response because the rest of the stream cannot be trusted.
 */
#ifndef RB_HTTP_REQUEST_H
#define RB_HTTP_REQUEST_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_HTTP_URL_MAX		2048	/* request-target bytes, longer gets 414 */
#define RB_HTTP_HEADERS_MAX	8192	/* bytes of all header names and values, more gets 431 */
#define RB_HTTP_HEADER_COUNT_MAX 64	/* header lines, more gets 431 */
#define RB_HTTP_RANGE_MAX	256	/* bytes of the Range value, a longer one is ignored */
#define RB_HTTP_FIELD_NAME_MAX	64	/* longer names cannot be Range or Host */

enum rb_http_parse_result {
	RB_HTTP_PARSE_MORE = 0,	/* every byte used, the request is not complete */
	RB_HTTP_PARSE_DONE,	/* one request complete */
	RB_HTTP_PARSE_ERROR,	/* invalid or over a limit: see error_status */
};

/* One parsed request.  Strings are NUL terminated. */
struct rb_http_request {
	enum http_method method;
	uint8_t version_major;
	uint8_t version_minor;
	bool keep_alive;	/* http_should_keep_alive(): HTTP/1.1 default, Connection honoured */
	bool has_host;
	bool has_range;
	bool range_too_long;	/* the Range value did not fit in range */
	char url[RB_HTTP_URL_MAX + 1];
	size_t url_len;
	char range[RB_HTTP_RANGE_MAX + 1];
	size_t range_len;
	unsigned header_count;
	size_t header_bytes;
	int error_status;	/* 0, or the status of the error response */
	const char *error_reason;	/* static text for the error body and the log */
};

enum rb_http_header_kind {
	RB_HTTP_HEADER_OTHER = 0,
	RB_HTTP_HEADER_RANGE,
	RB_HTTP_HEADER_HOST,
};

struct rb_http_parser {
	http_parser parser;
	struct rb_http_request req;
	char field[RB_HTTP_FIELD_NAME_MAX];
	size_t field_len;
	bool in_value;		/* the last callback was a header value */
	enum rb_http_header_kind kind;	/* of the header whose value is being read */
	bool complete;
};

/* Prepare p for the first request of a connection. */
void rb_http_parser_init(struct rb_http_parser *p);

/*
 * Parse up to len bytes of data.  *used is set to the bytes that belong to
 * the request (all of them for RB_HTTP_PARSE_MORE).  After
 * RB_HTTP_PARSE_DONE, call rb_http_parser_next() before feeding the bytes
 * after *used.  After RB_HTTP_PARSE_ERROR the parser is unusable.
 */
enum rb_http_parse_result rb_http_parse(struct rb_http_parser *p, const char *data, size_t len,
					size_t *used);

/* Reset the request for the next one on the same connection. */
void rb_http_parser_next(struct rb_http_parser *p);

#endif
