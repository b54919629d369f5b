// SPDX-License-Identifier: MIT
/*
 * The TLS steps of a connection accepted on the HTTPS port.  Received
 * ciphertext goes through the TLS layer (tls.h) into the connection's
 * plaintext buffer, and from there to the same parser and handlers as
 * plain HTTP.  A response is encrypted in userspace: the header block
 * and up to RB_TLS_WRITE_MAX bytes of the file range are copied into
 * the worker's plaintext buffer and passed to rb_tls_write.  The
 * ciphertext that rb_tls_pending_out points at is sent before anything
 * else is written, because that pointer is valid only until the next
 * call on the connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "http/http_internal.h"

static void after_flush(struct rb_http_worker *w, struct rb_http_conn *c);

int rb_http_tls_conn_start(struct rb_http_worker *w, struct rb_http_conn *c)
{
	char peer[INET6_ADDRSTRLEN];

	c->tls = rb_tls_conn_new(w->srv->tls);
	if (!c->tls) {
		rb_http_worker_log(w, RB_LOG_ERR, "https: no memory for the TLS state of a new "
				   "connection; closed");
		return -ENOMEM;
	}
	rb_http_conn_peer_text(c, peer, sizeof(peer));
	rb_tls_conn_set_peer_name(c->tls, peer);
	rb_http_count(&w->counters.tls_connections, 1);
	return 0;
}

/* Send the TLS layer's pending output, then go on with next. */
static void flush(struct rb_http_worker *w, struct rb_http_conn *c, enum rb_http_tls_next next)
{
	const void *out;
	size_t len = rb_tls_pending_out(c->tls, &out);
	struct io_uring_sqe *sqe;

	c->tls_next = next;
	if (len == 0) {
		after_flush(w, c);
		return;
	}
	sqe = rb_http_conn_sqe(w, c);
	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_TLS_SEND;
	io_uring_prep_send(sqe, c->fd, out, len, MSG_NOSIGNAL);
}

void rb_http_tls_sent(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	rb_tls_consume_out(c->tls, (size_t)res);
	flush(w, c, c->tls_next);
}

/*
 * The connection's TLS stream ended: the peer's close_notify gets one
 * back, and a failure is logged and its alert (if any) sent before the
 * close.
 */
static void tls_ended(struct rb_http_worker *w, struct rb_http_conn *c, int result)
{
	char peer[INET6_ADDRSTRLEN];

	if (result == RB_TLS_CLOSED) {
		(void)rb_tls_close_notify(c->tls);
		flush(w, c, RB_HTTP_TLS_NEXT_CLOSE);
		return;
	}
	rb_http_conn_peer_text(c, peer, sizeof(peer));
	if (result == RB_TLS_ERR_TRUNCATED) {
		rb_http_worker_log(w, RB_LOG_DEBUG, "https: %s: %s; connection closed", peer,
				   rb_tls_conn_error(c->tls));
	} else {
		rb_http_count(&w->counters.tls_failures, 1);
		rb_http_worker_log(w, RB_LOG_WARN, "https: %s: %s; connection closed", peer,
				   rb_tls_conn_error(c->tls));
	}
	flush(w, c, RB_HTTP_TLS_NEXT_CLOSE);
}

/*
 * Feed the received ciphertext to the TLS layer and decrypt what it
 * completes into the plaintext buffer.  Returns the plaintext bytes
 * added (0 when a whole record is still missing) or a negative
 * enum rb_tls_result.
 */
static ssize_t decrypt(struct rb_http_conn *c)
{
	size_t added = 0;

	for (;;) {
		size_t room = sizeof(c->buf) - c->buf_len;
		ssize_t fed = 0, n;

		if (c->tls_in_start < c->tls_in_len) {
			fed = rb_tls_feed(c->tls, c->tls_in + c->tls_in_start,
					  c->tls_in_len - c->tls_in_start);
			if (fed < 0)
				return fed;
			c->tls_in_start += (size_t)fed;
		}
		if (room == 0)
			break;
		n = rb_tls_read(c->tls, c->buf + c->buf_len, room);
		if (n > 0) {
			c->buf_len += (size_t)n;
			added += (size_t)n;
			continue;
		}
		/* The layer takes more input once it has decrypted some. */
		if (n == RB_TLS_WANT_INPUT && fed > 0 && c->tls_in_start < c->tls_in_len)
			continue;
		if (n == RB_TLS_WANT_INPUT)
			break;
		return n;
	}
	if (c->tls_in_start == c->tls_in_len)
		c->tls_in_start = c->tls_in_len = 0;
	return (ssize_t)added;
}

/*
 * Decrypt what is buffered and parse it, or send what the handshake
 * queued, or receive more ciphertext.
 */
void rb_http_tls_receive(struct rb_http_worker *w, struct rb_http_conn *c)
{
	ssize_t n = decrypt(c);
	struct io_uring_sqe *sqe;
	const void *out;

	if (n < 0) {
		tls_ended(w, c, (int)n);
		return;
	}
	/* Output queued by the handshake (session tickets) goes out with the response. */
	if (n > 0) {
		rb_http_conn_process(w, c);
		return;
	}
	if (rb_tls_pending_out(c->tls, &out) > 0) {
		flush(w, c, RB_HTTP_TLS_NEXT_RECEIVE);
		return;
	}
	if (c->tls_in_start > 0) {
		memmove(c->tls_in, c->tls_in + c->tls_in_start, c->tls_in_len - c->tls_in_start);
		c->tls_in_len -= c->tls_in_start;
		c->tls_in_start = 0;
	}
	sqe = rb_http_conn_sqe(w, c);
	if (!sqe || c->tls_in_len >= RB_HTTP_TLS_RECV_BUF) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_TLS_RECV;
	io_uring_prep_recv(sqe, c->fd, c->tls_in + c->tls_in_len,
			   RB_HTTP_TLS_RECV_BUF - c->tls_in_len, 0);
}

void rb_http_tls_received(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	c->tls_in_len += (size_t)res;
	rb_http_conn_receive(w, c);
}

/*
 * Copy the rest of the header block and the next part of the file range
 * into the worker's plaintext buffer.  Returns the bytes copied, or a
 * negative errno after logging (-ENODATA: the file got shorter).
 */
static ssize_t fill_plain(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct rb_http_response *resp = &c->resp;
	size_t len = resp->head_len - c->head_sent;
	uint64_t file_left = resp->file_len - c->file_sent;
	size_t want;
	ssize_t got;

	if (len > RB_TLS_WRITE_MAX)
		len = RB_TLS_WRITE_MAX;
	memcpy(w->tls_plain, resp->head + c->head_sent, len);
	if (file_left == 0 || len == RB_TLS_WRITE_MAX)
		return (ssize_t)len;

	want = RB_TLS_WRITE_MAX - len;
	if (want > file_left)
		want = (size_t)file_left;
	got = pread(resp->file_fd, w->tls_plain + len, want,
		    (off_t)(resp->file_offset + c->file_sent));
	if (got < 0) {
		int err = errno;

		rb_http_worker_log(w, RB_LOG_ERR, "https: reading %s at offset %llu failed: %s; "
				   "connection closed", resp->path,
				   (unsigned long long)(resp->file_offset + c->file_sent),
				   strerror(err));
		return -err;
	}
	if (got == 0) {
		rb_http_worker_log(w, RB_LOG_WARN, "https: %s ended %llu bytes early (truncated "
				   "while being sent?); connection closed", resp->path,
				   (unsigned long long)file_left);
		return -ENODATA;
	}
	return (ssize_t)len + got;
}

/* Account n bytes taken by the TLS layer: header block first, then file. */
static void advance(struct rb_http_conn *c, size_t n)
{
	size_t head_left = c->resp.head_len - c->head_sent;

	if (n <= head_left) {
		c->head_sent += n;
		return;
	}
	c->head_sent = c->resp.head_len;
	c->file_sent += n - head_left;
}

/*
 * Encrypt the response until RB_TLS_OUT_HIGH bytes of ciphertext are
 * pending, send them, and come back for the rest.
 */
void rb_http_tls_respond(struct rb_http_worker *w, struct rb_http_conn *c)
{
	for (;;) {
		bool head_left = c->head_sent < c->resp.head_len;
		bool file_left = c->file_sent < c->resp.file_len;
		const void *out;
		ssize_t len, n;

		if (!head_left && !file_left) {
			flush(w, c, RB_HTTP_TLS_NEXT_DONE);
			return;
		}
		if (rb_tls_pending_out(c->tls, &out) >= RB_TLS_OUT_HIGH) {
			flush(w, c, RB_HTTP_TLS_NEXT_RESPOND);
			return;
		}
		len = fill_plain(w, c);
		if (len < 0) {
			rb_http_conn_close(w, c);
			return;
		}
		n = rb_tls_write(c->tls, w->tls_plain, (size_t)len);
		if (n == RB_TLS_WANT_OUTPUT) {
			flush(w, c, RB_HTTP_TLS_NEXT_RESPOND);
			return;
		}
		if (n < 0) {
			tls_ended(w, c, (int)n);
			return;
		}
		advance(c, (size_t)n);
	}
}

/* Send close_notify, then shut down the socket and drain it as plain HTTP does. */
void rb_http_tls_close(struct rb_http_worker *w, struct rb_http_conn *c)
{
	if (rb_tls_close_notify(c->tls) < 0) {
		rb_http_conn_close(w, c);
		return;
	}
	flush(w, c, RB_HTTP_TLS_NEXT_LINGER);
}

static void after_flush(struct rb_http_worker *w, struct rb_http_conn *c)
{
	switch (c->tls_next) {
	case RB_HTTP_TLS_NEXT_RECEIVE:
		rb_http_conn_receive(w, c);
		return;
	case RB_HTTP_TLS_NEXT_RESPOND:
		rb_http_tls_respond(w, c);
		return;
	case RB_HTTP_TLS_NEXT_DONE:
		rb_http_conn_response_done(w, c);
		return;
	case RB_HTTP_TLS_NEXT_LINGER:
		rb_http_conn_linger(w, c);
		return;
	case RB_HTTP_TLS_NEXT_CLOSE:
		rb_http_conn_close(w, c);
		return;
	}
}
