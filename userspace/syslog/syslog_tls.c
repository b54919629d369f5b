// SPDX-License-Identifier: MIT
/*
 * The TLS port of the syslog receiver (RFC 5425): the TLS server of
 * http/tls.c over the TCP connections of syslog_tcp.c.  A receive brings
 * ciphertext into c->cipher; it is decrypted into the framer's buffer
 * and framed as on the TCP port.  What TLS sends (handshake, alerts,
 * session tickets) goes out with a non-blocking send(), and what does
 * not fit now is retried at the next tick.  With client-ca-certificates
 * set, a client must present a certificate that chains to those CAs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "http/tls.h"
#include "syslog/syslog_internal.h"

static struct rb_log_repeat tls_rejected =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "syslog: TLS connections closed on a TLS error");

int rb_syslog_tls_open(struct rb_syslog_server *s)
{
	struct rb_tls_options options = {
		.caller_logs_failures = true,
		.release_buffers = true,
		.verify_ca_file = s->cfg.tls_client_ca,
	};
	int err;

	s->tls_ctx = rb_tls_ctx_new(s->cfg.tls_certificate, s->cfg.tls_private_key, &options);
	if (!s->tls_ctx) {
		log_err("syslog: loading the TLS certificate %s failed (reason above); fix "
			"syslog/tls in the config", s->cfg.tls_certificate);
		return -EINVAL;
	}
	err = rb_syslog_bind_socket(SOCK_STREAM, s->cfg.tls_port, &s->tls_fd);
	if (err) {
		log_err("syslog: binding TLS port %u failed: %s; free the port or set "
			"syslog/tls/port", s->cfg.tls_port, strerror(-err));
		return err;
	}
	log_info("syslog: TLS port %u, certificate %s, %s", s->cfg.tls_port,
		 s->cfg.tls_certificate,
		 s->cfg.tls_client_ca ? "client certificates required (mutual TLS)" :
					"no client certificate requested");
	return 0;
}

void rb_syslog_tls_close(struct rb_syslog_server *s)
{
	if (s->tls_fd >= 0)
		close(s->tls_fd);
	s->tls_fd = -1;
	rb_tls_ctx_free(s->tls_ctx);
	s->tls_ctx = NULL;
}

bool rb_syslog_tls_conn_setup(struct rb_syslog_server *s, struct rb_syslog_conn *c)
{
	char text[INET6_ADDRSTRLEN];

	if (!c->cipher)
		c->cipher = malloc(RB_SYSLOG_TLS_RECV);
	c->tls = c->cipher ? rb_tls_conn_new(s->tls_ctx) : NULL;
	if (!c->tls) {
		log_err("syslog: out of memory for a TLS connection; connection closed");
		return false;
	}
	rb_syslog_peer_text(c->peer, text, sizeof(text));
	rb_tls_conn_set_peer_name(c->tls, text);
	return true;
}

void rb_syslog_tls_conn_release(struct rb_syslog_conn *c)
{
	rb_tls_conn_free(c->tls);
	c->tls = NULL;
}

bool rb_syslog_tls_send_pending(struct rb_syslog_server *s, struct rb_syslog_conn *c)
{
	const void *out;
	size_t len;

	while ((len = rb_tls_pending_out(c->tls, &out)) > 0) {
		ssize_t n = send(c->fd, out, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		rb_tls_consume_out(c->tls, (size_t)n);
	}
	return true;
}

static void log_tls_error(struct rb_syslog_server *s, struct rb_syslog_conn *c)
{
	char text[INET6_ADDRSTRLEN];

	s->counters.tls_rejected++;
	rb_syslog_peer_text(c->peer, text, sizeof(text));
	rb_log_repeat(&tls_rejected, "syslog: TLS connection from %s closed: %s", text,
		      rb_tls_conn_error(c->tls));
}

/* Decrypt into the framer's buffer until TLS needs more input. */
static bool decrypt_all(struct rb_syslog_server *s, struct rb_syslog_conn *c)
{
	for (;;) {
		ssize_t n;

		/* A full buffer always contains a frame or a cut one, so draining makes room. */
		if (c->fill == c->cap)
			rb_syslog_tcp_drain(s, c);
		n = rb_tls_read(c->tls, c->buf + c->fill, c->cap - c->fill);
		if (n > 0) {
			c->fill += (size_t)n;
			rb_syslog_tcp_drain(s, c);
			continue;
		}
		if (n == RB_TLS_WANT_INPUT)
			return true;
		if (n == RB_TLS_CLOSED) {
			rb_tls_close_notify(c->tls);
			return false;
		}
		log_tls_error(s, c);
		return false;
	}
}

bool rb_syslog_tls_received(struct rb_syslog_server *s, uint32_t index, size_t len)
{
	struct rb_syslog_conn *c = &s->conns[index];
	bool open;

	/* The TLS layer reads what it is fed before it is fed again, so all of it fits. */
	if (rb_tls_feed(c->tls, c->cipher, len) != (ssize_t)len) {
		log_tls_error(s, c);
		return false;
	}
	open = decrypt_all(s, c);
	/* The alert with the reason for a rejected client goes out before the close. */
	return rb_syslog_tls_send_pending(s, c) && open;
}
