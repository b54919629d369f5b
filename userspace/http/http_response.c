// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http/http_response.h"

#define RB_HTTP_SERVER_NAME	"rackboot"

static const struct {
	int status;
	const char *text;
} status_texts[] = {
	{ 200, "OK" },
	{ 206, "Partial Content" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 414, "URI Too Long" },
	{ 416, "Range Not Satisfiable" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
	{ 505, "HTTP Version Not Supported" },
};

const char *rb_http_status_text(int status)
{
	for (size_t i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++) {
		if (status_texts[i].status == status)
			return status_texts[i].text;
	}
	return "Unknown";
}

static const struct {
	const char *ext;
	const char *type;
} content_types[] = {
	{ "ipxe", "text/plain; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "cfg", "text/plain; charset=utf-8" },
	{ "conf", "text/plain; charset=utf-8" },
	{ "sh", "text/x-shellscript" },
	{ "html", "text/html; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "yaml", "application/yaml" },
	{ "efi", "application/efi" },
	{ "iso", "application/x-iso9660-image" },
	{ "gz", "application/gzip" },
	{ "xz", "application/x-xz" },
	{ "zst", "application/zstd" },
	{ "tar", "application/x-tar" },
	{ "cpio", "application/x-cpio" },
};

const char *rb_http_content_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	if (dot) {
		for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++) {
			if (strcasecmp(dot + 1, content_types[i].ext) == 0)
				return content_types[i].type;
		}
	}
	return "application/octet-stream";
}

char *rb_http_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0 && size)
		out[0] = '\0';
	return out;
}

void rb_http_response_init(struct rb_http_response *resp)
{
	resp->status = 0;
	resp->head_len = 0;
	resp->file_fd = -1;
	resp->file_offset = 0;
	resp->file_len = 0;
	resp->body_len = 0;
	resp->inline_body = 0;
	resp->close = false;
	resp->keep_alive_10 = false;
	resp->full_file = false;
	resp->reason = NULL;
	resp->path[0] = '\0';
}

void rb_http_response_release(struct rb_http_response *resp)
{
	if (resp->file_fd >= 0)
		close(resp->file_fd);
	resp->file_fd = -1;
}

__attribute__((format(printf, 2, 3)))
static int append(struct rb_http_response *resp, const char *fmt, ...)
{
	size_t room = sizeof(resp->head) - resp->head_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(resp->head + resp->head_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -ENOSPC;
	resp->head_len += (size_t)n;
	return 0;
}

/* The status line and the headers every response has. */
static int start_head(struct rb_http_response *resp, int status, uint64_t length, bool close_conn,
		      time_t now)
{
	char date[40];

	resp->status = status;
	resp->head_len = 0;
	resp->inline_body = 0;
	resp->close = close_conn;
	resp->body_len = length;
	return append(resp,
		      "HTTP/1.1 %d %s\r\nServer: " RB_HTTP_SERVER_NAME "\r\nDate: %s\r\n"
		      "Content-Length: %" PRIu64 "\r\n%s",
		      status, rb_http_status_text(status), rb_http_date(now, date, sizeof(date)),
		      length, close_conn ? "Connection: close\r\n" :
		      resp->keep_alive_10 ? "Connection: keep-alive\r\n" : "");
}

int rb_http_body_response(struct rb_http_response *resp, int status, const char *type,
			  const char *body, size_t body_len, bool head_only, bool close_conn,
			  time_t now)
{
	int err = start_head(resp, status, body_len, close_conn, now);

	if (!err && status == 405)
		err = append(resp, "Allow: GET, HEAD\r\n");
	if (!err)
		err = append(resp, "Content-Type: %s\r\n\r\n", type);
	if (err)
		return err;
	if (head_only)
		return 0;
	if (body_len > sizeof(resp->head) - resp->head_len)
		return -ENOSPC;
	memcpy(resp->head + resp->head_len, body, body_len);
	resp->head_len += body_len;
	resp->inline_body = body_len;
	return 0;
}

int rb_http_error_response(struct rb_http_response *resp, int status, const char *reason,
			   bool head_only, bool close_conn, time_t now)
{
	char body[512];
	int n = snprintf(body, sizeof(body), "%d %s: %s\n", status, rb_http_status_text(status),
			 reason);

	if (n < 0)
		return -EINVAL;
	resp->reason = reason;
	return rb_http_body_response(resp, status, "text/plain; charset=utf-8", body,
				     (size_t)n < sizeof(body) ? (size_t)n : sizeof(body) - 1,
				     head_only, close_conn, now);
}

int rb_http_file_head(struct rb_http_response *resp, int status, const char *path,
		      uint64_t size, uint64_t first, uint64_t len, time_t mtime, bool close_conn,
		      time_t now)
{
	char modified[40];
	int err = start_head(resp, status, status == 416 ? 0 : len, close_conn, now);

	if (!err && status == 206)
		err = append(resp, "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n",
			     first, first + len - 1, size);
	if (!err && status == 416)
		err = append(resp, "Content-Range: bytes */%" PRIu64 "\r\n", size);
	if (!err)
		err = append(resp, "Content-Type: %s\r\nLast-Modified: %s\r\n"
			     "Accept-Ranges: bytes\r\n\r\n", status == 416 ?
			     "text/plain; charset=utf-8" : rb_http_content_type(path),
			     rb_http_date(mtime, modified, sizeof(modified)));
	return err;
}
