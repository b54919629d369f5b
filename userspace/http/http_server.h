/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.1 server: worker threads, each with its own io_uring and its
 * own listening socket on the same port (SO_REUSEPORT), so that the
 * kernel spreads connections over the workers.
 *
 * Each socket is [::] with IPV6_V6ONLY off, so it serves IPv4 and IPv6,
 * or 0.0.0.0 when the kernel has no IPv6.  Connections are accepted
 * with a multishot accept.  GET and HEAD are served with keep-alive and
 * pipelining.  File bodies go from the file to the socket by splice
 * through a pipe, so their bytes never reach userspace.  Generated
 * bodies (error texts, iPXE scripts, at most RB_HTTP_HEAD_MAX bytes with
 * the header) go out in the same send as the header.  For bodies this
 * small, a copy is expected to cost less than the page pinning and the
 * extra completion of IORING_OP_SEND_ZC (an estimate, not measured).
 * Requests and responses are described in http_request.h, http_handle.h
 * and http_range.h.
 *
 * With tls_certificate set, each worker also listens on tls_port and
 * serves the same requests over TLS 1.2 and 1.3 (tls.h).  The kernel
 * here has no kernel TLS, so file bodies are read with pread into a
 * per-worker buffer, encrypted in userspace in 16 KiB records, and sent
 * in 64 KiB writes.
 *
 * The workers run apart from rackbootd's ring.  They read the root
 * folder and the configuration of the iPXE scripts from one site, which
 * rb_http_server_set_site() replaces while they run: connections and
 * responses in progress go on.  Their counters are read by
 * rb_http_server_counters() from any thread.
 */
#ifndef RB_HTTP_SERVER_H
#define RB_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"

struct rb_http_server;
struct rb_http_metrics;

/*
 * Called from a worker thread after the whole body of a 200 GET for a
 * file was sent.  cfg is the config of the site in use (NULL without
 * one), valid until the callback returns.  client is a struct
 * sockaddr_in for IPv4 clients (also those of the dual-stack socket) or
 * a struct sockaddr_in6.  path is root-relative.
 */
typedef void (*rb_http_fetch_fn)(void *arg, const struct rb_config *cfg,
				 const struct sockaddr *client, const char *path, uint64_t bytes);

struct rb_http_server_config {
	const char *root;		/* folder served, opened by rb_http_server_new */
	uint16_t port;			/* host order, 0 = a free port, the same for every worker */
	bool loopback_only;		/* bind ::1 (or 127.0.0.1) instead of every address, for tests */
	unsigned workers;		/* 0 = one per online CPU */
	unsigned max_connections;	/* per worker */
	unsigned idle_timeout_ms;
	const char *tls_certificate;	/* PEM chain: HTTPS on, or NULL: HTTPS off */
	const char *tls_private_key;	/* PEM key of the certificate, mode o-rwx */
	uint16_t tls_port;		/* host order, 0 = a free port, the same for every worker */
	const struct rb_config *cfg;	/* inventory and profiles for the iPXE scripts, or NULL */
	const struct rb_http_metrics *metrics;	/* the metrics path's document, or NULL */
	rb_http_fetch_fn on_fetch;	/* may be NULL */
	void *on_fetch_arg;
};

#define RB_HTTP_DEFAULT_MAX_CONNECTIONS	1024
#define RB_HTTP_DEFAULT_IDLE_TIMEOUT_MS	30000
#define RB_HTTP_MAX_WORKERS		256

/* Counters since rb_http_server_new, summed over the workers. */
struct rb_http_counters {
	uint64_t requests;	/* responses sent, errors included */
	uint64_t bytes;		/* body bytes sent, of files and generated bodies */
	uint64_t status_2xx;
	uint64_t status_4xx;
	uint64_t status_5xx;
	uint64_t connections;	/* connections accepted */
	uint64_t rejected;	/* connections closed with 503 at max_connections */
	uint64_t timeouts;	/* connections closed after idle_timeout_ms */
	uint64_t tls_connections; /* connections accepted on the HTTPS port, also in connections */
	uint64_t tls_failures;	/* HTTPS connections closed on a failed handshake or a bad record */
};

/* Set every field to its default.  root must still be set. */
void rb_http_server_config_defaults(struct rb_http_server_config *cfg);

/*
 * Open the root and bind every worker's listening socket.  Returns 0 and
 * sets *out, or a negative errno after logging what failed.
 */
int rb_http_server_new(const struct rb_http_server_config *cfg, struct rb_http_server **out);

/* Start the worker threads.  Returns 0 or a negative errno after logging. */
int rb_http_server_start(struct rb_http_server *srv);

/* Local port of the listening sockets, host order. */
uint16_t rb_http_server_port(const struct rb_http_server *srv);

/* Local port of the HTTPS listening sockets, host order, or 0 without HTTPS. */
uint16_t rb_http_server_tls_port(const struct rb_http_server *srv);

/*
 * Serve root and the iPXE scripts of cfg from now on (the reload).
 * Responses in progress keep their open files.  The old site and its
 * config stay in use until every worker has finished its current batch
 * of completions, which an idle worker does on its next tick (250 ms).
 * So the caller keeps the old config alive until
 * rb_http_server_site_settled() returns true.
 * Returns 0, -EBUSY while the site replaced before has not settled, or
 * another negative errno after logging (root not found); the running
 * site is then kept.
 */
int rb_http_server_set_site(struct rb_http_server *srv, const struct rb_config *cfg,
			    const char *root);

/*
 * Free the site that rb_http_server_set_site() replaced once no worker
 * can use it any more.  Returns true when no replaced site is left.
 * Called from the thread that calls rb_http_server_set_site().
 */
bool rb_http_server_site_settled(struct rb_http_server *srv);

/* How long a caller may wait for a replaced site: one tick of an idle worker, and a margin. */
#define RB_HTTP_SETTLE_MS	1000

/* Number of workers. */
unsigned rb_http_server_workers(const struct rb_http_server *srv);

void rb_http_server_counters(const struct rb_http_server *srv, struct rb_http_counters *sum);

/*
 * Stop the workers and wait for their threads: connections are closed,
 * responses in progress are cut off.  Safe to call twice.
 */
void rb_http_server_stop(struct rb_http_server *srv);

/* Stop the server if it runs, close the sockets and free it.  NULL is accepted. */
void rb_http_server_free(struct rb_http_server *srv);

#endif
