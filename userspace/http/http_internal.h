/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server's workers and connections, shared by http_server.c,
 * http_worker.c, http_conn.c and http_conn_tls.c.
 */
#ifndef RB_HTTP_INTERNAL_H
#define RB_HTTP_INTERNAL_H

#include <liburing.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/log.h"
#include "http/http_handle.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "http/http_server.h"
#include "http/tls.h"

/*
 * Receive buffer of a connection.  The parser copies what it keeps, so a
 * request may be longer than the buffer.  The limits are in http_request.h.
 */
#define RB_HTTP_CONN_BUF	4096
#define RB_HTTP_RING_ENTRIES	1024
#define RB_HTTP_PIPE_SIZE	(256 * 1024)	/* requested with F_SETPIPE_SZ, but the default 64 KiB also works */
#define RB_HTTP_SENDFILE_TURN	(1024 * 1024)	/* file bytes a connection sends before the others get a turn */
#define RB_HTTP_TICK_MS		250		/* idle sweep and log summary period */
#define RB_HTTP_LINGER_MS	2000		/* read and drop after a closing response, at most this long */
#define RB_HTTP_LOG_LINES	20		/* log lines per worker per second before they are counted */
#define RB_HTTP_TLS_RECV_BUF	(16 * 1024 + 512) /* ciphertext per receive: one whole record */
#define RB_HTTP_SPARE_CONNS	64		/* freed connections a worker keeps for reuse */

/* The step a connection waits for.  It has at most one request in the ring. */
enum rb_http_conn_state {
	RB_HTTP_CONN_RECV = 1,		/* a request, or the rest of one */
	RB_HTTP_CONN_SEND_HEAD,		/* the header block and generated body */
	RB_HTTP_CONN_SPLICE_IN,		/* file to pipe, for file pages not in the page cache */
	RB_HTTP_CONN_WRITABLE,		/* POLLOUT, to send more of the file */
	RB_HTTP_CONN_LINGER,		/* after shutdown(SHUT_WR): read until EOF, then close */
	RB_HTTP_CONN_TLS_RECV,		/* ciphertext: a handshake message or request records */
	RB_HTTP_CONN_TLS_SEND,		/* the TLS layer's pending output, then tls_next */
};

/* Next step of a TLS connection once its pending output is sent. */
enum rb_http_tls_next {
	RB_HTTP_TLS_NEXT_RECEIVE = 1,	/* decrypt what is buffered, or receive more */
	RB_HTTP_TLS_NEXT_RESPOND,	/* encrypt more of the response */
	RB_HTTP_TLS_NEXT_DONE,		/* the response is out */
	RB_HTTP_TLS_NEXT_LINGER,	/* close_notify is out: shut down and drain */
	RB_HTTP_TLS_NEXT_CLOSE,		/* a fatal alert is out: close */
};

struct rb_http_conn {
	int fd;
	uint32_t slot;			/* index in the worker's conns */
	uint32_t gen;			/* changes each time the slot is reused */
	enum rb_http_conn_state state;
	int pipe[2];			/* -1 until a file body needs a disk read */
	uint32_t in_pipe;		/* bytes spliced into the pipe, not yet out */
	bool nonblocking;		/* O_NONBLOCK is set on fd */
	uint64_t file_sent;		/* bytes of resp's file range sent */
	size_t head_sent;
	uint64_t active_ms;		/* last progress, for the idle timeout */
	bool timed_out;
	struct sockaddr_storage peer;
	struct rb_tls_conn *tls;	/* NULL: plain HTTP */
	enum rb_http_tls_next tls_next;
	uint8_t *tls_in;		/* RB_HTTP_TLS_RECV_BUF bytes after the struct, TLS only */
	size_t tls_in_start;		/* first byte not fed to the TLS layer yet */
	size_t tls_in_len;
	size_t buf_start;		/* first byte not parsed yet */
	size_t buf_len;			/* bytes received into buf */
	/* The fields from here on are set up by their own init functions, not zeroed on reuse. */
	struct rb_http_parser parser;
	struct rb_http_response resp;
	char buf[RB_HTTP_CONN_BUF];
};

/* Per-worker log budget, so that a flood of bad requests costs a few lines. */
struct rb_http_log_budget {
	uint64_t window_ms;		/* start of the current second */
	unsigned lines;			/* lines logged in it */
	uint64_t dropped;		/* lines not logged since the last summary */
};

/* Counters of one worker, written by it alone with relaxed atomic stores. */
struct rb_http_worker_counters {
	uint64_t requests;
	uint64_t bytes;
	uint64_t status_2xx;
	uint64_t status_4xx;
	uint64_t status_5xx;
	uint64_t connections;
	uint64_t rejected;
	uint64_t timeouts;
	uint64_t tls_connections;
	uint64_t tls_failures;
};

struct rb_http_worker {
	struct rb_http_server *srv;
	unsigned index;
	int listen_fd;
	int tls_listen_fd;		/* -1 without HTTPS */
	int wake_fd;			/* eventfd: a write stops the worker */
	uint64_t wake_value;		/* target of the eventfd read */
	pthread_t thread;
	bool thread_started;
	struct io_uring ring;
	bool ring_ready;
	bool stop;
	bool accept_armed;
	bool tls_accept_armed;
	uint8_t *tls_plain;		/* RB_TLS_WRITE_MAX bytes: plaintext of a response, encrypted at once */
	struct __kernel_timespec tick;	/* the tick timeout, alive while it is queued */
	struct rb_http_conn **conns;	/* max_connections slots, NULL = free */
	unsigned n_conns;
	/* Freed connections, reused so that a new connection costs no allocation. */
	struct rb_http_conn *spare[RB_HTTP_SPARE_CONNS];
	unsigned n_spare;
	uint32_t next_gen;
	struct rb_http_log_budget log;
	struct rb_http_worker_counters counters;
	/*
	 * Bumped between two batches of completions, when the worker keeps
	 * no pointer to a site; offline once the worker loop has ended.  Both
	 * let rb_http_server_site_settled() free a replaced site.
	 */
	uint64_t quiescent;
	bool offline;
};

struct rb_http_server {
	struct rb_http_server_config cfg;
	char root[4096];
	/*
	 * The site the workers serve, swapped whole by
	 * rb_http_server_set_site().  Workers load it with
	 * rb_http_site_current() and drop it at the end of each batch.
	 */
	struct rb_http_site *site;
	struct rb_http_site *retired;	/* replaced, freed once every worker passed a batch */
	uint64_t *retired_seen;		/* quiescent of each worker when site was replaced */
	uint16_t port;
	uint16_t tls_port;
	struct rb_tls_ctx *tls;		/* NULL without HTTPS */
	unsigned n_workers;
	struct rb_http_worker *workers;
	bool stopped;
};

/* The site in use; valid until the calling worker's next quiescent point. */
static inline const struct rb_http_site *rb_http_site_current(const struct rb_http_server *srv)
{
	return __atomic_load_n(&srv->site, __ATOMIC_ACQUIRE);
}

/* user_data of the workers' requests: kind, slot and generation. */
enum rb_http_op {
	RB_HTTP_OP_ACCEPT = 1,
	RB_HTTP_OP_ACCEPT_TLS,
	RB_HTTP_OP_TICK,
	RB_HTTP_OP_WAKE,
	RB_HTTP_OP_CONN,
};

static inline uint64_t rb_http_user_data(enum rb_http_op op, uint32_t slot, uint32_t gen)
{
	return (uint64_t)op << 56 | (uint64_t)(slot & 0xffffff) << 32 | gen;
}

static inline enum rb_http_op rb_http_user_op(uint64_t data)
{
	return (enum rb_http_op)(data >> 56);
}

static inline uint32_t rb_http_user_slot(uint64_t data)
{
	return (uint32_t)(data >> 32) & 0xffffff;
}

static inline uint32_t rb_http_user_gen(uint64_t data)
{
	return (uint32_t)data;
}

/* Add n to a counter of the worker's own.  Readers use __atomic_load_n. */
static inline void rb_http_count(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

/* http_worker.c */
void *rb_http_worker_main(void *arg);
struct io_uring_sqe *rb_http_worker_sqe(struct rb_http_worker *w);
uint64_t rb_http_now_ms(void);
void rb_http_worker_log(struct rb_http_worker *w, enum rb_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* http_conn.c */
void rb_http_conn_accepted(struct rb_http_worker *w, int fd, bool tls);
void rb_http_conn_close(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_receive(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_process(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_linger(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_response_done(struct rb_http_worker *w, struct rb_http_conn *c);
struct io_uring_sqe *rb_http_conn_sqe(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_peer_text(const struct rb_http_conn *c, char *out, size_t size);
void rb_http_conn_step_failed(struct rb_http_worker *w, struct rb_http_conn *c, int res);

/* http_conn_body.c: the file body of a plain HTTP response. */
void rb_http_body_send(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_body_complete(struct rb_http_worker *w, struct rb_http_conn *c, int res);

/* http_conn_tls.c: the TLS steps of a connection of the HTTPS port. */
int rb_http_tls_conn_start(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_tls_receive(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_tls_respond(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_tls_close(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_tls_received(struct rb_http_worker *w, struct rb_http_conn *c, int res);
void rb_http_tls_sent(struct rb_http_worker *w, struct rb_http_conn *c, int res);
void rb_http_conn_complete(struct rb_http_worker *w, struct rb_http_conn *c, int res);
void rb_http_conn_sweep(struct rb_http_worker *w, uint64_t now_ms);
void rb_http_conn_free(struct rb_http_worker *w, struct rb_http_conn *c);
void rb_http_conn_free_spares(struct rb_http_worker *w);

#endif
