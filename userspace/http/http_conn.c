// SPDX-License-Identifier: MIT
/*
 * One HTTP connection on a worker's ring: receive, parse, respond, and
 * again for the next request of a keep-alive connection.  A connection
 * has at most one request in the ring, so completions arrive in the
 * order the steps were queued and a close never races with a request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "http/http_internal.h"

void rb_http_conn_peer_text(const struct rb_http_conn *c, char *out, size_t size)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&c->peer;
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&c->peer;

	if (c->peer.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
	else if (c->peer.ss_family == AF_INET)
		inet_ntop(AF_INET, &in4->sin_addr, out, (socklen_t)size);
	else
		snprintf(out, size, "-");
}

/* An IPv4 client of the dual-stack socket shows as ::ffff:a.b.c.d, so store it as IPv4. */
static void unmap_peer(struct rb_http_conn *c)
{
	struct sockaddr_in6 in6;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&c->peer;

	if (c->peer.ss_family != AF_INET6)
		return;
	memcpy(&in6, &c->peer, sizeof(in6));
	if (!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
		return;
	memset(&c->peer, 0, sizeof(c->peer));
	in4->sin_family = AF_INET;
	in4->sin_port = in6.sin6_port;
	memcpy(&in4->sin_addr, &in6.sin6_addr.s6_addr[12], 4);
}

struct io_uring_sqe *rb_http_conn_sqe(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe = rb_http_worker_sqe(w);

	if (sqe)
		io_uring_sqe_set_data64(sqe, rb_http_user_data(RB_HTTP_OP_CONN, c->slot, c->gen));
	return sqe;
}

void rb_http_conn_free(struct rb_http_worker *w, struct rb_http_conn *c)
{
	rb_http_response_release(&c->resp);
	rb_tls_conn_free(c->tls);
	if (c->pipe[0] >= 0) {
		close(c->pipe[0]);
		close(c->pipe[1]);
	}
	if (c->fd >= 0)
		close(c->fd);
	w->conns[c->slot] = NULL;
	w->n_conns--;
	if (w->n_spare < RB_HTTP_SPARE_CONNS)
		w->spare[w->n_spare++] = c;
	else
		free(c);
}

void rb_http_conn_free_spares(struct rb_http_worker *w)
{
	while (w->n_spare > 0)
		free(w->spare[--w->n_spare]);
}

/*
 * A spare connection, or a new one.  With HTTPS on, every connection has
 * room for the TLS receive buffer, so that spares fit both ports.
 */
static struct rb_http_conn *conn_alloc(struct rb_http_worker *w)
{
	struct rb_http_conn *c;

	if (w->n_spare == 0)
		return calloc(1, sizeof(*c) + (w->srv->tls ? RB_HTTP_TLS_RECV_BUF : 0));
	c = w->spare[--w->n_spare];
	memset(c, 0, offsetof(struct rb_http_conn, parser));
	return c;
}

void rb_http_conn_close(struct rb_http_worker *w, struct rb_http_conn *c)
{
	rb_http_conn_free(w, c);
}

/*
 * Send 503 at once and close: the worker is at max_connections.  An
 * HTTPS client gets no response, because a response needs the
 * handshake that the limit is there to avoid.
 */
static void reject(struct rb_http_worker *w, int fd, bool tls)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nServer: rackboot\r\n"
				   "Content-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
	char request[RB_HTTP_CONN_BUF];

	/*
	 * The listener accepts once the request is in, and a close over
	 * unread bytes sends RST, which can cost the client the 503.  So
	 * read what has arrived first.
	 */
	(void)recv(fd, request, sizeof(request), MSG_DONTWAIT);

	/* A new socket has room for these bytes, so one non-blocking send does. */
	if (!tls && send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		rb_http_worker_log(w, RB_LOG_DEBUG, "http: sending 503 to a connection over the "
				   "limit failed: %s", strerror(errno));
	close(fd);
	rb_http_count(&w->counters.rejected, 1);
	rb_http_worker_log(w, RB_LOG_WARN, "http: worker %u has %u connections, the "
			   "max-connections limit: a new one %s", w->index, w->n_conns,
			   tls ? "on the HTTPS port was closed" : "got 503");
}

void rb_http_conn_accepted(struct rb_http_worker *w, int fd, bool tls)
{
	unsigned max = w->srv->cfg.max_connections;
	socklen_t len = sizeof(struct sockaddr_storage);
	struct rb_http_conn *c;
	unsigned slot;

	if (w->n_conns >= max) {
		reject(w, fd, tls);
		return;
	}
	c = conn_alloc(w);
	if (!c) {
		rb_http_worker_log(w, RB_LOG_ERR, "http: no memory for a new connection; closed");
		close(fd);
		return;
	}
	for (slot = 0; slot < max && w->conns[slot]; slot++)
		;
	c->fd = fd;
	c->slot = slot;
	c->gen = ++w->next_gen;
	c->pipe[0] = c->pipe[1] = -1;
	c->active_ms = rb_http_now_ms();
	if (getpeername(fd, (struct sockaddr *)&c->peer, &len) < 0)
		c->peer.ss_family = AF_UNSPEC;
	unmap_peer(c);
	rb_http_parser_init(&c->parser);
	rb_http_response_init(&c->resp);
	w->conns[slot] = c;
	w->n_conns++;
	rb_http_count(&w->counters.connections, 1);
	if (tls) {
		c->tls_in = (uint8_t *)(c + 1);
		if (rb_http_tls_conn_start(w, c) < 0) {
			rb_http_conn_close(w, c);
			return;
		}
	}
	rb_http_conn_receive(w, c);
}

void rb_http_conn_receive(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe;

	if (c->tls) {
		rb_http_tls_receive(w, c);
		return;
	}

	/* Keep the unparsed bytes at the front, so that the buffer has room at its end. */
	if (c->buf_start > 0) {
		memmove(c->buf, c->buf + c->buf_start, c->buf_len - c->buf_start);
		c->buf_len -= c->buf_start;
		c->buf_start = 0;
	}
	sqe = rb_http_conn_sqe(w, c);
	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_RECV;
	io_uring_prep_recv(sqe, c->fd, c->buf + c->buf_len, sizeof(c->buf) - c->buf_len, 0);
}

/*
 * Whether the client has sent nothing after a request that was answered
 * without an error.  It asked to close, so a close then sends FIN, not
 * RST, and no lingering is needed.
 */
static bool client_done(const struct rb_http_conn *c)
{
	int unread = 0;

	if (c->resp.status >= 400 || c->buf_start != c->buf_len || c->tls_in_len > 0)
		return false;
	return ioctl(c->fd, FIONREAD, &unread) == 0 && unread == 0;
}

/*
 * Read and drop what the client still sends, so that closing sends no
 * RST over the response.  A client that is done gets the close at once.
 */
void rb_http_conn_linger(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe;

	if (client_done(c)) {
		rb_http_conn_close(w, c);
		return;
	}
	if (shutdown(c->fd, SHUT_WR) < 0) {
		rb_http_conn_close(w, c);
		return;
	}
	sqe = rb_http_conn_sqe(w, c);
	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_LINGER;
	c->active_ms = rb_http_now_ms();
	io_uring_prep_recv(sqe, c->fd, c->buf, sizeof(c->buf), 0);
}

static void send_head(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe = rb_http_conn_sqe(w, c);
	int flags = MSG_NOSIGNAL;

	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	/* The file follows at once: let TCP fill its first segments with both. */
	if (c->resp.file_len > 0)
		flags |= MSG_MORE;
	c->state = RB_HTTP_CONN_SEND_HEAD;
	io_uring_prep_send(sqe, c->fd, c->resp.head + c->head_sent, c->resp.head_len - c->head_sent,
			   flags);
}

static void count_status(struct rb_http_worker *w, int status)
{
	rb_http_count(&w->counters.requests, 1);
	if (status >= 500)
		rb_http_count(&w->counters.status_5xx, 1);
	else if (status >= 400)
		rb_http_count(&w->counters.status_4xx, 1);
	else
		rb_http_count(&w->counters.status_2xx, 1);
}

/* The response is out: count it, then read the next request or close. */
void rb_http_conn_response_done(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct rb_http_response *resp = &c->resp;
	const struct rb_http_server_config *cfg = &w->srv->cfg;
	char peer[INET6_ADDRSTRLEN], path[sizeof(resp->path) * 4];

	count_status(w, resp->status);
	rb_http_count(&w->counters.bytes, c->file_sent + resp->inline_body);
	peer[0] = path[0] = '\0';
	if (rb_log_enabled(resp->reason ? RB_LOG_INFO : RB_LOG_DEBUG)) {
		rb_http_conn_peer_text(c, peer, sizeof(peer));
		rb_escape(resp->path, strlen(resp->path), path, sizeof(path));
	}
	if (resp->reason)
		rb_http_worker_log(w, RB_LOG_INFO, "http: %s /%s: %d %s", peer, path, resp->status,
				   resp->reason);
	else
		rb_http_worker_log(w, RB_LOG_DEBUG, "http: %s /%s: %d, %llu body bytes", peer, path,
				   resp->status,
				   (unsigned long long)(c->file_sent + resp->inline_body));
	if (resp->full_file && cfg->on_fetch)
		cfg->on_fetch(cfg->on_fetch_arg, rb_http_site_current(w->srv)->cfg,
			      (const struct sockaddr *)&c->peer, resp->path, c->file_sent);

	rb_http_response_release(resp);
	if (resp->close && c->tls) {
		rb_http_tls_close(w, c);
		return;
	}
	if (resp->close) {
		rb_http_conn_linger(w, c);
		return;
	}
	rb_http_response_init(resp);
	rb_http_parser_next(&c->parser);
	rb_http_conn_process(w, c);
}

static void start_response(struct rb_http_worker *w, struct rb_http_conn *c)
{
	c->head_sent = 0;
	c->file_sent = 0;
	c->in_pipe = 0;
	if (c->tls)
		rb_http_tls_respond(w, c);
	else
		send_head(w, c);
}

/* Parse the buffered bytes and respond to the next complete request. */
void rb_http_conn_process(struct rb_http_worker *w, struct rb_http_conn *c)
{
	enum rb_http_parse_result r;
	size_t used;

	r = rb_http_parse(&c->parser, c->buf + c->buf_start, c->buf_len - c->buf_start, &used);
	c->buf_start += used;
	if (r == RB_HTTP_PARSE_MORE) {
		/* Every byte went to the parser, which keeps what it needs. */
		c->buf_start = c->buf_len;
		rb_http_conn_receive(w, c);
		return;
	}
	if (r == RB_HTTP_PARSE_DONE)
		rb_http_handle(rb_http_site_current(w->srv), &c->parser.req,
			       (const struct sockaddr *)&c->peer, &c->resp, time(NULL));
	else
		rb_http_handle_error(&c->parser.req, &c->resp, time(NULL));
	start_response(w, c);
}

static void head_sent(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	c->head_sent += (size_t)res;
	if (c->head_sent < c->resp.head_len) {
		send_head(w, c);
		return;
	}
	if (c->resp.file_len > 0) {
		rb_http_body_send(w, c);
		return;
	}
	rb_http_conn_response_done(w, c);
}

/* The bytes read after the closing response are dropped.  Read on until EOF or the linger time. */
static void linger_read(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe = rb_http_conn_sqe(w, c);

	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	io_uring_prep_recv(sqe, c->fd, c->buf, sizeof(c->buf), 0);
}

static void received(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	c->buf_len += (size_t)res;
	rb_http_conn_process(w, c);
}

static const char *state_name(enum rb_http_conn_state state)
{
	switch (state) {
	case RB_HTTP_CONN_RECV:
		return "receive";
	case RB_HTTP_CONN_SEND_HEAD:
		return "send";
	case RB_HTTP_CONN_SPLICE_IN:
		return "splice from the file";
	case RB_HTTP_CONN_WRITABLE:
		return "send of the file";
	case RB_HTTP_CONN_LINGER:
		return "final receive";
	case RB_HTTP_CONN_TLS_RECV:
		return "TLS receive";
	case RB_HTTP_CONN_TLS_SEND:
		return "TLS send";
	}
	return "request";
}

/* A failed step, or the peer's EOF: close, and log what is worth a line. */
void rb_http_conn_step_failed(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	char peer[INET6_ADDRSTRLEN];

	rb_http_conn_peer_text(c, peer, sizeof(peer));
	if (c->timed_out)
		rb_http_worker_log(w, RB_LOG_DEBUG, "http: %s idle for %u ms: connection closed",
				   peer, w->srv->cfg.idle_timeout_ms);
	else if (res < 0 && res != -ECONNRESET && res != -EPIPE && res != -ECANCELED)
		rb_http_worker_log(w, RB_LOG_WARN, "http: %s: %s failed: %s; connection closed",
				   peer, state_name(c->state), strerror(-res));
	rb_http_conn_close(w, c);
}

void rb_http_conn_complete(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	/*
	 * An EOF ends a connection in every state, and so does a send of 0
	 * bytes.  A splice of 0 bytes from the file means that the file got
	 * shorter, which the body code logs.
	 */
	if ((res <= 0 && !(res == 0 && c->state == RB_HTTP_CONN_SPLICE_IN)) || w->stop) {
		rb_http_conn_step_failed(w, c, res);
		return;
	}
	c->active_ms = rb_http_now_ms();
	switch (c->state) {
	case RB_HTTP_CONN_RECV:
		received(w, c, res);
		break;
	case RB_HTTP_CONN_SEND_HEAD:
		head_sent(w, c, res);
		break;
	case RB_HTTP_CONN_SPLICE_IN:
	case RB_HTTP_CONN_WRITABLE:
		rb_http_body_complete(w, c, res);
		break;
	case RB_HTTP_CONN_LINGER:
		linger_read(w, c);
		break;
	case RB_HTTP_CONN_TLS_RECV:
		rb_http_tls_received(w, c, res);
		break;
	case RB_HTTP_CONN_TLS_SEND:
		rb_http_tls_sent(w, c, res);
		break;
	}
}

/*
 * Shut down the connections idle for longer than their limit.  Their
 * request in the ring then completes, and the completion closes them.
 */
void rb_http_conn_sweep(struct rb_http_worker *w, uint64_t now_ms)
{
	unsigned idle = w->srv->cfg.idle_timeout_ms;

	for (unsigned i = 0; i < w->srv->cfg.max_connections; i++) {
		struct rb_http_conn *c = w->conns[i];
		unsigned limit;

		if (!c || c->timed_out)
			continue;
		limit = c->state == RB_HTTP_CONN_LINGER ? RB_HTTP_LINGER_MS : idle;
		if (now_ms - c->active_ms < limit)
			continue;
		c->timed_out = true;
		if (c->state != RB_HTTP_CONN_LINGER)
			rb_http_count(&w->counters.timeouts, 1);
		shutdown(c->fd, SHUT_RDWR);
	}
}
