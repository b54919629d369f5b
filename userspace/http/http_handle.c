// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http/http_handle.h"
#include "http/http_ipxe.h"
#include "http/http_metrics.h"
#include "http/http_path.h"
#include "http/http_range.h"

static void respond_error(struct rb_http_response *resp, int status, const char *reason,
			 bool head_only, bool close_conn, time_t now)
{
	/* Every reason is a short static text, so the response always fits. */
	rb_http_error_response(resp, status, reason, head_only, close_conn, now);
}

void rb_http_handle_error(const struct rb_http_request *req, struct rb_http_response *resp,
			  time_t now)
{
	int status = req->error_status ? req->error_status : 400;
	const char *reason = req->error_reason ? req->error_reason : "the request is malformed";
	const char *url;
	size_t len;

	rb_http_response_init(resp);
	/* The log names the request-target as far as it was read, cut to the path buffer. */
	url = req->url[0] == '/' ? req->url + 1 : req->url;
	len = strnlen(url, sizeof(resp->path) - 1);
	memcpy(resp->path, url, len);
	resp->path[len] = '\0';
	respond_error(resp, status, reason, false, true, now);
}

static void respond_script(const struct rb_http_site *site, const uint8_t mac[6],
			  struct rb_http_response *resp, bool head_only, bool close_conn, time_t now)
{
	char script[RB_HTTP_HEAD_MAX / 2];
	const char *reason = "the server has no inventory";
	long len = site->cfg ? rb_http_ipxe_script(site->cfg, mac, script, sizeof(script), &reason)
			     : -ENOENT;

	if (len == -ENOENT || len == -ENODATA) {
		respond_error(resp, 404, reason, head_only, close_conn, now);
		return;
	}
	if (len < 0 ||
	    rb_http_body_response(resp, 200, "text/plain; charset=utf-8", script, (size_t)len,
				  head_only, close_conn, now)) {
		respond_error(resp, 500, "the iPXE script does not fit the response buffer",
			     head_only, close_conn, now);
	}
}

static void respond_file(const struct rb_http_site *site, const struct rb_http_request *req,
			struct rb_http_response *resp, bool close_conn, time_t now)
{
	bool head_only = req->method == HTTP_HEAD;
	struct rb_http_range range = { .kind = RB_HTTP_RANGE_FULL };
	struct rb_http_file file;
	const char *reason;
	uint64_t first = 0, len;
	int status;

	status = rb_http_open_file(site->root_fd, resp->path, &file, &reason);
	if (status) {
		respond_error(resp, status, reason, head_only, close_conn, now);
		return;
	}
	/* Range applies to GET only (RFC 9110 14.2), so a HEAD gets the 200 headers. */
	if (!head_only && req->has_range && !req->range_too_long)
		range = rb_http_range_parse(req->range, req->range_len, file.size);

	len = file.size;
	status = 200;
	if (range.kind == RB_HTTP_RANGE_PARTIAL) {
		status = 206;
		first = range.first;
		len = range.last - range.first + 1;
	} else if (range.kind == RB_HTTP_RANGE_UNSATISFIABLE) {
		status = 416;
		len = 0;
		resp->reason = "the range starts past the end of the file";
	}
	rb_http_file_head(resp, status, resp->path, file.size, first, len, file.mtime.tv_sec,
			  close_conn, now);
	if (head_only || len == 0) {
		close(file.fd);
		return;
	}
	resp->file_fd = file.fd;
	resp->file_offset = first;
	resp->file_len = len;
	resp->full_file = status == 200;
}

void rb_http_handle(const struct rb_http_site *site, const struct rb_http_request *req,
		    const struct sockaddr *peer, struct rb_http_response *resp, time_t now)
{
	bool head_only = req->method == HTTP_HEAD;
	bool close_conn = !req->keep_alive;
	struct rb_http_target target;
	const char *reason;
	uint8_t mac[6];
	int status, is_script;

	rb_http_response_init(resp);
	/*
	 * HTTP/1.0 closes by default, so a client that requested keep-alive
	 * gets "Connection: keep-alive" in the response.
	 */
	resp->keep_alive_10 = req->keep_alive && req->version_minor == 0;
	status = rb_http_target_parse(req->url, req->url_len, &target, &reason);
	if (status) {
		respond_error(resp, status, reason, head_only, close_conn, now);
		return;
	}
	_Static_assert(sizeof(resp->path) == sizeof(target.path), "path sizes differ");
	memcpy(resp->path, target.path, sizeof(resp->path));

	if (rb_http_metrics_target(site, target.path)) {
		rb_http_metrics_respond(site, peer, resp, head_only, close_conn, now);
		return;
	}
	if (rb_http_ipxe_target(target.path, target.query, mac, &is_script) && is_script) {
		respond_error(resp, 400, "ipxe/boot.ipxe needs a mac parameter with a valid MAC",
			      head_only, close_conn, now);
		return;
	}
	if (is_script) {
		respond_script(site, mac, resp, head_only, close_conn, now);
		return;
	}
	respond_file(site, req, resp, close_conn, now);
}
