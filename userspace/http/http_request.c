// SPDX-License-Identifier: MIT
/* HTTP request parsing: http_parser callbacks that fill struct rb_http_request. */
#include <string.h>
#include <strings.h>

#include "http/http_request.h"

static struct rb_http_parser *of(http_parser *parser)
{
	return parser->data;
}

/* Record an error and make http_parser stop with HPE_CB_*. */
static int fail(struct rb_http_parser *p, int status, const char *reason)
{
	if (!p->req.error_status) {
		p->req.error_status = status;
		p->req.error_reason = reason;
	}
	return -1;
}

static int on_message_begin(http_parser *parser)
{
	struct rb_http_parser *p = of(parser);

	p->complete = false;
	return 0;
}

static int on_url(http_parser *parser, const char *at, size_t len)
{
	struct rb_http_parser *p = of(parser);
	struct rb_http_request *req = &p->req;

	if (len > RB_HTTP_URL_MAX - req->url_len)
		return fail(p, 414, "the request-target is longer than 2048 bytes");
	memcpy(req->url + req->url_len, at, len);
	req->url_len += len;
	req->url[req->url_len] = '\0';
	return 0;
}

static int add_header_bytes(struct rb_http_parser *p, size_t len)
{
	if (len > RB_HTTP_HEADERS_MAX - p->req.header_bytes)
		return fail(p, 431, "the header lines are longer than 8192 bytes");
	p->req.header_bytes += len;
	return 0;
}

/* http_parser may hand over a name in pieces, and a new name starts after a value. */
static int on_header_field(http_parser *parser, const char *at, size_t len)
{
	struct rb_http_parser *p = of(parser);

	if (p->in_value || p->req.header_count == 0) {
		if (p->req.header_count == RB_HTTP_HEADER_COUNT_MAX)
			return fail(p, 431, "the request has more than 64 header lines");
		p->req.header_count++;
		p->field_len = 0;
		p->in_value = false;
	}
	if (add_header_bytes(p, len))
		return -1;

	/* A name that does not fit is neither Range nor Host, and its length marks it so. */
	if (len > sizeof(p->field) - p->field_len) {
		p->field_len = sizeof(p->field);
		return 0;
	}
	memcpy(p->field + p->field_len, at, len);
	p->field_len += len;
	return 0;
}

static enum rb_http_header_kind header_kind(const struct rb_http_parser *p)
{
	if (p->field_len == 5 && strncasecmp(p->field, "range", 5) == 0)
		return RB_HTTP_HEADER_RANGE;
	if (p->field_len == 4 && strncasecmp(p->field, "host", 4) == 0)
		return RB_HTTP_HEADER_HOST;
	return RB_HTTP_HEADER_OTHER;
}

static void append_range(struct rb_http_request *req, const char *at, size_t len)
{
	if (req->range_too_long || len > RB_HTTP_RANGE_MAX - req->range_len) {
		req->range_too_long = true;
		return;
	}
	memcpy(req->range + req->range_len, at, len);
	req->range_len += len;
	req->range[req->range_len] = '\0';
}

static int on_header_value(http_parser *parser, const char *at, size_t len)
{
	struct rb_http_parser *p = of(parser);
	struct rb_http_request *req = &p->req;

	if (!p->in_value) {
		p->in_value = true;
		p->kind = header_kind(p);
		if (p->kind == RB_HTTP_HEADER_RANGE) {
			/* A second Range line makes the value a list, which gets the whole file. */
			if (req->has_range)
				append_range(req, ",", 1);
			req->has_range = true;
		} else if (p->kind == RB_HTTP_HEADER_HOST) {
			req->has_host = true;
		}
	}
	if (add_header_bytes(p, len))
		return -1;
	if (p->kind == RB_HTTP_HEADER_RANGE)
		append_range(req, at, len);
	return 0;
}

static bool has_body(const http_parser *parser)
{
	if (parser->flags & F_CHUNKED)
		return true;
	return parser->content_length > 0 && parser->content_length != UINT64_MAX;
}

static int on_headers_complete(http_parser *parser)
{
	struct rb_http_parser *p = of(parser);
	struct rb_http_request *req = &p->req;

	req->method = (enum http_method)parser->method;
	req->version_major = (uint8_t)parser->http_major;
	req->version_minor = (uint8_t)parser->http_minor;
	req->keep_alive = http_should_keep_alive(parser);

	if (parser->http_major != 1)
		return fail(p, 505, "only HTTP/1.0 and HTTP/1.1 are served");
	if (req->method != HTTP_GET && req->method != HTTP_HEAD)
		return fail(p, 405, "only GET and HEAD are allowed");
	if (has_body(parser))
		return fail(p, 400, "request bodies are not accepted");
	if (parser->http_minor >= 1 && !req->has_host)
		return fail(p, 400, "an HTTP/1.1 request needs a Host header");
	return 0;
}

/* Stop after each request, so that the caller responds to it before the next. */
static int on_message_complete(http_parser *parser)
{
	struct rb_http_parser *p = of(parser);

	p->complete = true;
	http_parser_pause(parser, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_message_complete = on_message_complete,
};

void rb_http_parser_init(struct rb_http_parser *p)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(&p->parser, HTTP_REQUEST);
	p->parser.data = p;
}

void rb_http_parser_next(struct rb_http_parser *p)
{
	memset(&p->req, 0, sizeof(p->req));
	p->field_len = 0;
	p->in_value = false;
	p->kind = RB_HTTP_HEADER_OTHER;
	p->complete = false;
	http_parser_pause(&p->parser, 0);
}

/* The status of an error that http_parser found itself. */
static void parser_error(struct rb_http_parser *p)
{
	enum http_errno err = HTTP_PARSER_ERRNO(&p->parser);

	if (p->req.error_status)
		return;
	if (err == HPE_HEADER_OVERFLOW)
		fail(p, 431, "the request header is too large");
	else if (err == HPE_INVALID_VERSION)
		fail(p, 400, "the HTTP version is malformed");
	else if (err == HPE_INVALID_METHOD)
		fail(p, 400, "the request method is malformed");
	else
		fail(p, 400, "the request is malformed");
}

enum rb_http_parse_result rb_http_parse(struct rb_http_parser *p, const char *data, size_t len,
					size_t *used)
{
	size_t n;

	if (p->req.error_status) {
		*used = 0;
		return RB_HTTP_PARSE_ERROR;
	}
	/* http_parser takes len 0 as the end of the stream, which the caller handles. */
	if (len == 0) {
		*used = 0;
		return RB_HTTP_PARSE_MORE;
	}
	n = http_parser_execute(&p->parser, &settings, data, len);
	*used = n;
	if (p->complete && HTTP_PARSER_ERRNO(&p->parser) == HPE_PAUSED)
		return RB_HTTP_PARSE_DONE;
	if (HTTP_PARSER_ERRNO(&p->parser) != HPE_OK) {
		parser_error(p);
		return RB_HTTP_PARSE_ERROR;
	}
	return RB_HTTP_PARSE_MORE;
}
