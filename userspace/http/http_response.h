/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 responses: the status line and header block, a generated body
 * in the same buffer, or a file range sent after it.
 *
 * Every response carries Content-Length, so that keep-alive works
 * without chunked encoding, and Date.  File responses add Content-Type
 * (from the file name extension), Last-Modified, Accept-Ranges and, for
 * 206 and 416, Content-Range.  405 adds Allow.  A HEAD response has the
 * headers of the GET response and no body.
 */
#ifndef RB_HTTP_RESPONSE_H
#define RB_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Header block and generated body.  An iPXE script may take half of it. */
#define RB_HTTP_HEAD_MAX	8192

struct rb_http_response {
	int status;
	char head[RB_HTTP_HEAD_MAX];	/* header block, then the generated body if any */
	size_t head_len;		/* bytes of head to send */
	int file_fd;			/* -1 = no file body, else owned by the response */
	uint64_t file_offset;		/* first byte of the file to send */
	uint64_t file_len;		/* bytes of the file to send after head */
	uint64_t body_len;		/* Content-Length: of the file part or the generated body */
	size_t inline_body;		/* bytes at the end of head that are a generated body */
	bool close;			/* close the connection after this response */
	bool keep_alive_10;		/* send Connection: keep-alive, for an HTTP/1.0 client that asked */
	bool full_file;			/* a 200 GET that sends the whole file */
	const char *reason;		/* why an error status was chosen, for the log, else NULL */
	char path[1024];		/* root-relative path: RB_HTTP_PATH_MAX of http_path.h */
};

/* The reason phrase of a status code, "Unknown" for codes not used here. */
const char *rb_http_status_text(int status);

/* Content-Type for a file name, by its extension, application/octet-stream by default. */
const char *rb_http_content_type(const char *path);

/* Format t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").  out needs 30 bytes. */
char *rb_http_date(time_t t, char *out, size_t size);

/* Empty response: no file, status 0. */
void rb_http_response_init(struct rb_http_response *resp);

/* Close the file of resp, if any. */
void rb_http_response_release(struct rb_http_response *resp);

/*
 * Fill resp with an error response: a text/plain body "STATUS TEXT: reason".
 * head_only leaves the body out (HEAD).  Returns 0, or -ENOSPC when the
 * response does not fit RB_HTTP_HEAD_MAX.
 */
int rb_http_error_response(struct rb_http_response *resp, int status, const char *reason,
			   bool head_only, bool close_conn, time_t now);

/*
 * Fill resp with a generated body of content type type.  Returns 0 or
 * -ENOSPC.
 */
int rb_http_body_response(struct rb_http_response *resp, int status, const char *type,
			  const char *body, size_t body_len, bool head_only, bool close_conn,
			  time_t now);

/*
 * Fill resp with the header block of a file response: status 200, 206 (with
 * Content-Range of first..first+len-1) or 416 (Content-Range "bytes *" and the size).
 * Returns 0 or -ENOSPC.
 */
int rb_http_file_head(struct rb_http_response *resp, int status, const char *path,
		      uint64_t size, uint64_t first, uint64_t len, time_t mtime, bool close_conn,
		      time_t now);

#endif
