/* SPDX-License-Identifier: MIT */
/*
 * The metrics route of the HTTP server: the configured path (http/metrics,
 * "/metrics" by default) gets the Prometheus document that the render
 * callback writes (rackbootd's is metrics/metrics.h) instead of a file.  The document is larger than a response's inline
 * body, so it is written to a memfd that the connection sends like a file.
 */
#ifndef RB_HTTP_METRICS_H
#define RB_HTTP_METRICS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

#include "config/config.h"
#include "http/http_handle.h"
#include "metrics/prom_text.h"

/* The metrics path and the renderer of its document. */
struct rb_http_metrics {
	const struct rb_cfg_metrics *cfg;	/* path, on/off and allowed-source */
	/*
	 * Called on the worker thread with the config of the site in use:
	 * fill b, or return a negative errno with *what set to a static text
	 * for the 500 response.
	 */
	int (*render)(void *arg, const struct rb_config *cfg, struct rb_prom_buf *b,
		      const char **what);
	void *arg;
};

/* Whether path (root-relative, decoded) is the metrics path of site. */
bool rb_http_metrics_target(const struct rb_http_site *site, const char *path);

/*
 * Fill resp with the metrics, 403 for a client outside allowed-source,
 * or 500 when rendering failed.  peer may be NULL (unknown client).
 */
void rb_http_metrics_respond(const struct rb_http_site *site, const struct sockaddr *peer,
			     struct rb_http_response *resp, bool head_only, bool close_conn,
			     time_t now);

#endif
