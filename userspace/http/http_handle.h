/* SPDX-License-Identifier: MIT */
/*
 * Respond to one parsed request: an iPXE script of a device, a file under
 * the root (whole, one range, or 416), or an error.  No I/O besides
 * opening the file, so the unit test and the fuzz harness call it as
 * the workers do.
 */
#ifndef RB_HTTP_HANDLE_H
#define RB_HTTP_HANDLE_H

#include <time.h>

#include "config/config.h"
#include "http/http_request.h"
#include "http/http_response.h"

/* The root folder and inventory that responses come from. */
struct rb_http_site {
	int root_fd;			/* O_PATH or O_DIRECTORY descriptor of the HTTP root */
	const struct rb_config *cfg;	/* inventory and profiles, NULL = every iPXE script gets 404 */
};

/*
 * Fill resp for req, which rb_http_parse() completed without error.
 * resp owns the opened file, if any: rb_http_response_release() closes it.
 */
void rb_http_handle(const struct rb_http_site *site, const struct rb_http_request *req,
		    struct rb_http_response *resp, time_t now);

/*
 * Fill resp with the error response to a request that rb_http_parse()
 * rejected (req->error_status).  The connection closes after it.
 */
void rb_http_handle_error(const struct rb_http_request *req, struct rb_http_response *resp,
			  time_t now);

#endif
