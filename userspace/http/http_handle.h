/* SPDX-License-Identifier: MIT */
/*
 * Respond to one parsed request: an iPXE script of a device, the metrics
 * (http_metrics.h), a file under the root (whole, one range, or 416), or
 * an error.  No I/O besides
 * opening the file, so the unit test and the fuzz harness call it as
 * the workers do.
 */
#ifndef RB_HTTP_HANDLE_H
#define RB_HTTP_HANDLE_H

#include <sys/socket.h>
#include <time.h>

#include "config/config.h"
#include "http/http_request.h"
#include "http/http_response.h"

struct rb_http_metrics;

/* The root folder, inventory and metrics that responses come from. */
struct rb_http_site {
	int root_fd;			/* O_PATH or O_DIRECTORY descriptor of the HTTP root */
	const struct rb_config *cfg;	/* inventory and profiles, NULL = every iPXE script gets 404 */
	const struct rb_http_metrics *metrics;	/* NULL = no metrics path */
};

/*
 * Fill resp for req, which rb_http_parse() completed without error, from
 * the client at peer (NULL when unknown).  resp owns the opened file, if
 * any: rb_http_response_release() closes it.
 */
void rb_http_handle(const struct rb_http_site *site, const struct rb_http_request *req,
		    const struct sockaddr *peer, struct rb_http_response *resp, time_t now);

/*
 * Fill resp with the error response to a request that rb_http_parse()
 * rejected (req->error_status).  The connection closes after it.
 */
void rb_http_handle_error(const struct rb_http_request *req, struct rb_http_response *resp,
			  time_t now);

#endif
