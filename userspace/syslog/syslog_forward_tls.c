// SPDX-License-Identifier: MIT
/*
 * The TLS layer of a collector's connection (RFC 5425): the TLS client
 * of http/tls.c over the non-blocking socket of syslog_forward.c.  The
 * collector's chain must end in the configured CAs and its certificate
 * must carry server-name.  Ciphertext goes out with non-blocking send()
 * calls from the tick, as for TCP collectors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "http/tls.h"
#include "syslog/syslog_forward_internal.h"

/* Ciphertext read from the collector per recv(); its TLS layer buffers up to 64 KiB. */
#define TLS_RECV_CHUNK	4096

enum send_result { SENT_ALL, SENT_PART, SEND_FAILED };

int rb_syslog_tls_collector_init(struct collector *c, const char *ca_file,
				 const char *server_name)
{
	struct rb_tls_options options = {
		.client = true,
		.caller_logs_failures = true,
		.verify_ca_file = ca_file,
	};

	if (!ca_file || !ca_file[0] || !server_name || !server_name[0]) {
		log_err("syslog: collector %s: transport tls needs ca-certificates and "
			"server-name; set both in syslog/collector", c->name);
		return -1;
	}
	snprintf(c->server_name, sizeof(c->server_name), "%s", server_name);
	c->tls_ctx = rb_tls_ctx_new(NULL, NULL, &options);
	if (!c->tls_ctx) {
		log_err("syslog: collector %s: setting up TLS with the CA certificates %s failed "
			"(reason above)", c->name, ca_file);
		return -1;
	}
	return 0;
}

void rb_syslog_tls_collector_close(struct collector *c)
{
	rb_tls_conn_free(c->tls);
	c->tls = NULL;
}

void rb_syslog_tls_collector_free(struct collector *c)
{
	rb_syslog_tls_collector_close(c);
	rb_tls_ctx_free(c->tls_ctx);
	c->tls_ctx = NULL;
}

/* Send the pending ciphertext.  *why is set on SEND_FAILED. */
static enum send_result send_pending(struct collector *c, const char **why)
{
	const void *out;
	size_t len;

	while ((len = rb_tls_pending_out(c->tls, &out)) > 0) {
		ssize_t n = send(c->fd, out, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return SENT_PART;
			*why = strerror(errno);
			return SEND_FAILED;
		}
		rb_tls_consume_out(c->tls, (size_t)n);
	}
	return SENT_ALL;
}

/*
 * Feed the bytes received on the socket to the TLS layer.  Returns false with *why
 * set when the stream ended or failed.
 */
static bool receive_pending(struct collector *c, const char **why)
{
	char buf[TLS_RECV_CHUNK];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0) {
			rb_tls_feed(c->tls, NULL, 0);
			*why = "closed by the collector";
			return false;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return true;
			*why = strerror(errno);
			return false;
		}
		if (rb_tls_feed(c->tls, buf, (size_t)n) != n) {
			*why = rb_tls_conn_error(c->tls)[0] ? rb_tls_conn_error(c->tls) :
				"the collector sent more than the TLS input buffer holds";
			return false;
		}
	}
}

void rb_syslog_tls_begin(struct collector *c, uint64_t now_ms)
{
	c->tls = rb_tls_conn_new(c->tls_ctx);
	if (!c->tls) {
		rb_syslog_collector_reconnect(c, now_ms, "out of memory for the TLS connection");
		return;
	}
	rb_tls_conn_set_peer_name(c->tls, c->name);
	if (rb_tls_conn_set_server_name(c->tls, c->server_name) < 0) {
		rb_syslog_collector_reconnect(c, now_ms, "the server-name was rejected");
		return;
	}
	c->state = COLLECTOR_HANDSHAKE;
	rb_syslog_tls_handshake(c, now_ms);
}

void rb_syslog_tls_handshake(struct collector *c, uint64_t now_ms)
{
	const char *why = NULL;
	bool open = receive_pending(c, &why);
	int result = rb_tls_handshake(c->tls);

	/* The alert with the reason for the collector goes out before the close. */
	if (send_pending(c, &why) == SEND_FAILED) {
		rb_syslog_collector_reconnect(c, now_ms, why);
		return;
	}
	if (result == RB_TLS_OK) {
		log_info("syslog: collector %s: TLS handshake done (%s, %s), certificate of %s "
			 "verified", c->name, rb_tls_conn_version(c->tls),
			 rb_tls_conn_cipher(c->tls), c->server_name);
		rb_syslog_collector_up(c);
		return;
	}
	if (result != RB_TLS_WANT_INPUT) {
		rb_syslog_collector_reconnect(c, now_ms, rb_tls_conn_error(c->tls));
		return;
	}
	if (!open)
		rb_syslog_collector_reconnect(c, now_ms, why);
	else if (now_ms - c->connect_started_ms >= RB_SYSLOG_CONNECT_TIMEOUT_MS)
		rb_syslog_collector_reconnect(c, now_ms, "timed out");
}

bool rb_syslog_tls_peer_closed(struct collector *c, const char **why)
{
	char plain[TLS_RECV_CHUNK];
	bool open = receive_pending(c, why);
	ssize_t n;

	/* A collector sends no data, but TLS 1.3 session tickets and alerts arrive here. */
	do {
		n = rb_tls_read(c->tls, plain, sizeof(plain));
	} while (n > 0);
	if (n == RB_TLS_CLOSED) {
		*why = "close_notify from the collector";
		return true;
	}
	if (n != RB_TLS_WANT_INPUT) {
		*why = rb_tls_conn_error(c->tls);
		return true;
	}
	if (send_pending(c, why) == SEND_FAILED)
		return true;
	return !open;
}

/*
 * NOTE: a message counts as forwarded once TLS has encrypted it, so the
 * ciphertext still waiting for send() when the connection drops is lost
 * without a count, like the bytes in a TCP socket's send buffer.
 */
void rb_syslog_tls_flush(struct collector *c, uint64_t now_ms)
{
	const char *why = NULL;

	while (c->count > 0) {
		struct queued *q = &c->queue[c->head];
		ssize_t n = rb_tls_write(c->tls, q->data + c->head_sent, q->len - c->head_sent);

		if (n < 0 && n != RB_TLS_WANT_OUTPUT) {
			rb_syslog_collector_reconnect(c, now_ms, rb_tls_conn_error(c->tls));
			return;
		}
		if (n > 0) {
			c->head_sent += (size_t)n;
			if (c->head_sent == q->len)
				rb_syslog_collector_pop(c);
		}
		switch (send_pending(c, &why)) {
		case SEND_FAILED:
			rb_syslog_collector_reconnect(c, now_ms, why);
			return;
		case SENT_PART:
			return;
		case SENT_ALL:
			break;
		}
	}
}
