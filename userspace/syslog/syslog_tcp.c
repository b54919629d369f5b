// SPDX-License-Identifier: MIT
/*
 * TCP connections of the syslog receiver: accept up to max_connections
 * on the TCP and TLS ports together, frame each stream (RFC 6587), close
 * connections idle for idle_timeout_ms.  syslog_tls.c decrypts the
 * streams of the TLS port before they reach the framer.  A connection is closed with shutdown(), which ends
 * its pending receive, and the slot is freed when that receive completes,
 * so no request ever points at a reused buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "syslog/syslog_internal.h"

static struct rb_log_repeat over_limit =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "syslog: TCP connections rejected over max-connections");

void rb_syslog_peer_text(const uint8_t peer[16], char *out, size_t size)
{
	static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(peer, v4_prefix, sizeof(v4_prefix)) == 0)
		inet_ntop(AF_INET, peer + 12, out, (socklen_t)size);
	else
		inet_ntop(AF_INET6, peer, out, (socklen_t)size);
}

static void peer_of_fd(int fd, uint8_t peer[16])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	getpeername(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6)
		memcpy(peer, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	else
		rb_syslog_addr_v4(((struct sockaddr_in *)&ss)->sin_addr.s_addr, peer);
}

static int free_slot(const struct rb_syslog_server *s)
{
	for (uint32_t i = 0; i < s->cfg.max_connections; i++) {
		if (!s->conns[i].in_use)
			return (int)i;
	}
	return -1;
}

static void conn_release(struct rb_syslog_server *s, uint32_t index)
{
	struct rb_syslog_conn *c = &s->conns[index];

	close(c->fd);
	rb_syslog_tls_conn_release(c);
	c->fd = -1;
	c->in_use = false;
	c->recv_armed = false;
	c->closing = false;
	c->fill = 0;
	s->n_conns--;
}

void rb_syslog_tcp_shutdown(struct rb_syslog_server *s, uint32_t index)
{
	struct rb_syslog_conn *c = &s->conns[index];

	if (!c->recv_armed) {
		conn_release(s, index);
		return;
	}
	c->closing = true;
	shutdown(c->fd, SHUT_RDWR);
}

void rb_syslog_tcp_accepted(struct rb_syslog_server *s, int res, bool tls)
{
	char text[INET6_ADDRSTRLEN];
	struct rb_syslog_conn *c;
	uint8_t peer[16];
	int index;

	if (res < 0) {
		if (res != -ECANCELED && res != -EINTR && res != -EAGAIN)
			log_err("syslog: accepting a %s connection failed: %s", tls ? "TLS" : "TCP",
				strerror(-res));
		return;
	}
	peer_of_fd(res, peer);
	index = free_slot(s);
	if (index < 0 || s->stopping) {
		s->counters.tcp_rejected++;
		rb_syslog_peer_text(peer, text, sizeof(text));
		rb_log_repeat(&over_limit, "syslog: TCP connection from %s closed at once: %u "
			      "connections open, the max-connections limit", text, s->n_conns);
		close(res);
		return;
	}

	c = &s->conns[index];
	memcpy(c->peer, peer, 16);
	c->cap = RB_SYSLOG_FRAME_HEADER_MAX + s->cfg.max_message;
	if (!c->buf)
		c->buf = malloc(c->cap);
	if (!c->buf) {
		log_err("syslog: out of memory for a TCP connection buffer; connection closed");
		close(res);
		return;
	}
	c->fd = res;
	c->in_use = true;
	c->gen++;
	c->fill = 0;
	c->framer = (struct rb_syslog_framer){ .max_frame = s->cfg.max_message };
	c->last_rx_ms = rb_syslog_now_ms();
	s->n_conns++;
	if (tls && !rb_syslog_tls_conn_setup(s, c)) {
		conn_release(s, (uint32_t)index);
		return;
	}
	if (!rb_syslog_queue_tcp_recv(s, (uint32_t)index)) {
		log_err("syslog: no free submission queue entry for a TCP receive; connection "
			"closed");
		conn_release(s, (uint32_t)index);
	}
}

void rb_syslog_tcp_drain(struct rb_syslog_server *s, struct rb_syslog_conn *c)
{
	uint8_t transport = c->tls ? RB_SYSLOG_TLS : RB_SYSLOG_TCP;

	size_t at = 0;

	for (;;) {
		struct rb_syslog_span frame;
		enum rb_syslog_frame_result r;
		size_t used;

		r = rb_syslog_frame_next(&c->framer, c->buf + at, c->fill - at, &frame, &used);
		/* An empty LF-framed line is no message. */
		if (r == RB_FRAME_CUT || (r == RB_FRAME_OK && frame.len > 0)) {
			if (c->tls)
				s->counters.rx_tls++;
			else
				s->counters.rx_tcp++;
			rb_syslog_server_ingest(s, transport, c->peer, frame.p, frame.len,
						r == RB_FRAME_CUT);
		}
		at += used;
		if (used == 0)
			break;
	}
	memmove(c->buf, c->buf + at, c->fill - at);
	c->fill -= at;
}

void rb_syslog_tcp_received(struct rb_syslog_server *s, uint32_t index, uint32_t gen, int res)
{
	struct rb_syslog_conn *c = &s->conns[index];
	char text[INET6_ADDRSTRLEN];

	if (!c->in_use || c->gen != (uint16_t)gen)
		return;
	c->recv_armed = false;
	if (res <= 0 || c->closing || s->stopping) {
		if (res < 0 && res != -ECANCELED && res != -ECONNRESET && !c->closing) {
			rb_syslog_peer_text(c->peer, text, sizeof(text));
			log_debug("syslog: TCP receive from %s failed: %s; connection closed", text,
				  strerror(-res));
		}
		conn_release(s, index);
		return;
	}

	c->last_rx_ms = rb_syslog_now_ms();
	if (c->tls) {
		if (!rb_syslog_tls_received(s, index, (size_t)res)) {
			rb_syslog_tcp_shutdown(s, index);
			return;
		}
	} else {
		c->fill += (size_t)res;
		rb_syslog_tcp_drain(s, c);
	}
	if (!rb_syslog_queue_tcp_recv(s, index)) {
		log_err("syslog: no free submission queue entry for a TCP receive; connection "
			"closed");
		conn_release(s, index);
	}
}

void rb_syslog_tcp_sweep(struct rb_syslog_server *s, uint64_t now_ms)
{
	char text[INET6_ADDRSTRLEN];

	for (uint32_t i = 0; i < s->cfg.max_connections; i++) {
		struct rb_syslog_conn *c = &s->conns[i];

		if (!c->in_use || c->closing)
			continue;
		if (c->tls && !rb_syslog_tls_send_pending(s, c)) {
			rb_syslog_tcp_shutdown(s, i);
			continue;
		}
		if (now_ms - c->last_rx_ms < s->cfg.idle_timeout_ms)
			continue;
		s->counters.tcp_idle_closed++;
		rb_syslog_peer_text(c->peer, text, sizeof(text));
		log_debug("syslog: closing the %s connection from %s: idle for %u ms",
			  c->tls ? "TLS" : "TCP", text, s->cfg.idle_timeout_ms);
		rb_syslog_tcp_shutdown(s, i);
	}
}

void rb_syslog_tcp_close_all(struct rb_syslog_server *s)
{
	for (uint32_t i = 0; i < s->cfg.max_connections; i++) {
		if (s->conns[i].in_use && !s->conns[i].closing)
			rb_syslog_tcp_shutdown(s, i);
	}
}
