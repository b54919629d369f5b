// SPDX-License-Identifier: MIT
/*
 * The collectors' queues and sockets.  Every socket call is
 * non-blocking (O_NONBLOCK, MSG_DONTWAIT), and a message that cannot be sent
 * now stays at the head of its queue until the next tick.  The TLS
 * layer of a collector's connection is in syslog_forward_tls.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "syslog/syslog_forward_internal.h"

struct rb_syslog_forwarder {
	struct collector *collectors;
	size_t count;
};

static void collector_name(struct collector *c)
{
	const struct sockaddr_storage *ss = &c->cfg.addr;
	char text[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		port = ntohs(sin6->sin6_port);
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		port = ntohs(sin->sin_port);
	}
	snprintf(c->name, sizeof(c->name), "%s %s%s%s:%u", rb_syslog_transport_name(c->cfg.transport),
		 ss->ss_family == AF_INET6 ? "[" : "", text, ss->ss_family == AF_INET6 ? "]" : "",
		 port);
}

static int open_socket(struct collector *c, int type)
{
	c->fd = socket(c->cfg.addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return c->fd < 0 ? -errno : 0;
}

int rb_syslog_forwarder_new(const struct rb_syslog_collector_config *collectors, size_t count,
			    struct rb_syslog_forwarder **out)
{
	struct rb_syslog_forwarder *fw = calloc(1, sizeof(*fw));

	*out = NULL;
	if (!fw)
		return -ENOMEM;
	fw->collectors = calloc(count ? count : 1, sizeof(*fw->collectors));
	if (!fw->collectors) {
		free(fw);
		return -ENOMEM;
	}
	fw->count = count;
	for (size_t i = 0; i < count; i++) {
		struct collector *c = &fw->collectors[i];

		c->cfg = collectors[i];
		c->cfg.ca_file = NULL;
		c->cfg.server_name = NULL;
		c->fd = -1;
		c->backoff_ms = RB_SYSLOG_BACKOFF_MIN_MS;
		collector_name(c);
		if (c->cfg.transport == RB_SYSLOG_TLS &&
		    rb_syslog_tls_collector_init(c, collectors[i].ca_file,
						 collectors[i].server_name) < 0) {
			rb_syslog_forwarder_free(fw);
			return -EINVAL;
		}
		c->queue = calloc(c->cfg.queue_size ? c->cfg.queue_size : 1, sizeof(*c->queue));
		if (!c->queue || (c->cfg.transport == RB_SYSLOG_UDP && open_socket(c, SOCK_DGRAM))) {
			log_err("syslog: setting up collector %s failed: %s", c->name,
				c->queue ? strerror(errno) : "out of memory");
			rb_syslog_forwarder_free(fw);
			return -ENOMEM;
		}
		if (c->cfg.transport == RB_SYSLOG_UDP)
			c->state = COLLECTOR_UP;
		log_info("syslog: forwarding to collector %s, queue of %u messages", c->name,
			 c->cfg.queue_size);
	}
	*out = fw;
	return 0;
}

void rb_syslog_forwarder_free(struct rb_syslog_forwarder *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->count; i++) {
		struct collector *c = &fw->collectors[i];

		if (c->queue) {
			for (uint32_t k = 0; k < c->count; k++)
				free(c->queue[(c->head + k) % c->cfg.queue_size].data);
			log_info("syslog: collector %s: %llu forwarded, %llu dropped (queue full), "
				 "%llu reconnects, %u still queued at stop", c->name,
				 (unsigned long long)c->counters.forwarded,
				 (unsigned long long)c->counters.dropped,
				 (unsigned long long)c->counters.reconnects, c->count);
		}
		free(c->queue);
		rb_syslog_tls_collector_free(c);
		if (c->fd >= 0)
			close(c->fd);
	}
	free(fw->collectors);
	free(fw);
}

void rb_syslog_collector_pop(struct collector *c)
{
	free(c->queue[c->head].data);
	c->queue[c->head].data = NULL;
	c->head = (c->head + 1) % c->cfg.queue_size;
	c->count--;
	c->head_sent = 0;
	c->counters.forwarded++;
}

void rb_syslog_collector_reconnect(struct collector *c, uint64_t now_ms, const char *why)
{
	if (c->state == COLLECTOR_UP)
		log_warn("syslog: collector %s: connection lost (%s); %u messages queued, "
			 "reconnecting in %u ms", c->name, why, c->count, c->backoff_ms);
	else if (c->state == COLLECTOR_HANDSHAKE)
		log_warn("syslog: collector %s: TLS handshake failed: %s; %u messages queued, "
			 "next try in %u ms", c->name, why, c->count, c->backoff_ms);
	else
		log_debug("syslog: collector %s: connecting failed (%s); next try in %u ms",
			  c->name, why, c->backoff_ms);
	rb_syslog_tls_collector_close(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->head_sent = 0;
	c->state = COLLECTOR_DOWN;
	c->next_attempt_ms = now_ms + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > RB_SYSLOG_BACKOFF_MAX_MS ? RB_SYSLOG_BACKOFF_MAX_MS :
								    c->backoff_ms * 2;
}

void rb_syslog_collector_up(struct collector *c)
{
	c->state = COLLECTOR_UP;
	c->backoff_ms = RB_SYSLOG_BACKOFF_MIN_MS;
	log_info("syslog: collector %s: connected; sending %u queued messages", c->name, c->count);
}

/* TCP is up: a TLS collector starts its handshake, a TCP one is ready. */
static void connected(struct collector *c, uint64_t now_ms)
{
	if (c->cfg.transport == RB_SYSLOG_TLS)
		rb_syslog_tls_begin(c, now_ms);
	else
		rb_syslog_collector_up(c);
}

static void start_connect(struct collector *c, uint64_t now_ms)
{
	int err;

	if (c->ever_tried)
		c->counters.reconnects++;
	c->ever_tried = true;
	err = open_socket(c, SOCK_STREAM);
	if (err) {
		rb_syslog_collector_reconnect(c, now_ms, strerror(-err));
		return;
	}
	c->connect_started_ms = now_ms;
	if (connect(c->fd, (const struct sockaddr *)&c->cfg.addr, c->cfg.addr_len) == 0) {
		connected(c, now_ms);
		return;
	}
	if (errno != EINPROGRESS) {
		rb_syslog_collector_reconnect(c, now_ms, strerror(errno));
		return;
	}
	c->state = COLLECTOR_CONNECTING;
}

static void check_connect(struct collector *c, uint64_t now_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (poll(&pfd, 1, 0) <= 0) {
		if (now_ms - c->connect_started_ms >= RB_SYSLOG_CONNECT_TIMEOUT_MS)
			rb_syslog_collector_reconnect(c, now_ms, "timed out");
		return;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr) {
		rb_syslog_collector_reconnect(c, now_ms, strerror(soerr));
		return;
	}
	connected(c, now_ms);
}

/* A collector does not send, so a read of 0 or an error means it closed the connection. */
static bool peer_closed(struct collector *c, const char **why)
{
	char scratch[256];
	ssize_t n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

	if (n == 0) {
		*why = "closed by the collector";
		return true;
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		*why = strerror(errno);
		return true;
	}
	return false;
}

static void flush_plain(struct collector *c, uint64_t now_ms)
{
	while (c->count > 0) {
		struct queued *q = &c->queue[c->head];
		ssize_t n;

		if (c->cfg.transport == RB_SYSLOG_UDP)
			n = sendto(c->fd, q->data, q->len, MSG_DONTWAIT | MSG_NOSIGNAL,
				   (const struct sockaddr *)&c->cfg.addr, c->cfg.addr_len);
		else
			n = send(c->fd, q->data + c->head_sent, q->len - c->head_sent,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (c->cfg.transport == RB_SYSLOG_TCP)
				rb_syslog_collector_reconnect(c, now_ms, strerror(errno));
			/* A UDP error (unreachable, say) is retried at the next tick. */
			return;
		}
		if (c->cfg.transport == RB_SYSLOG_TCP && c->head_sent + (size_t)n < q->len) {
			c->head_sent += (size_t)n;
			return;
		}
		rb_syslog_collector_pop(c);
	}
}

static void send_queued(struct collector *c, uint64_t now_ms)
{
	if (c->cfg.transport == RB_SYSLOG_TLS)
		rb_syslog_tls_flush(c, now_ms);
	else
		flush_plain(c, now_ms);
}

static void collector_tick(struct collector *c, uint64_t now_ms)
{
	bool tls = c->cfg.transport == RB_SYSLOG_TLS;
	const char *why;

	if (c->cfg.transport != RB_SYSLOG_UDP) {
		if (c->state == COLLECTOR_DOWN && now_ms >= c->next_attempt_ms)
			start_connect(c, now_ms);
		if (c->state == COLLECTOR_CONNECTING)
			check_connect(c, now_ms);
		if (c->state == COLLECTOR_HANDSHAKE)
			rb_syslog_tls_handshake(c, now_ms);
		if (c->state == COLLECTOR_UP &&
		    (tls ? rb_syslog_tls_peer_closed(c, &why) : peer_closed(c, &why)))
			rb_syslog_collector_reconnect(c, now_ms, why);
	}
	if (c->state == COLLECTOR_UP)
		send_queued(c, now_ms);
}

void rb_syslog_forwarder_tick(struct rb_syslog_forwarder *fw, uint64_t now_ms)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->count; i++)
		collector_tick(&fw->collectors[i], now_ms);
}

static void enqueue(struct collector *c, const char *msg, size_t len)
{
	struct queued *q;
	char header[16];
	int header_len = 0;

	if (c->count == c->cfg.queue_size) {
		c->counters.dropped++;
		return;
	}
	if (c->cfg.transport != RB_SYSLOG_UDP)
		header_len = snprintf(header, sizeof(header), "%zu ", len);
	q = &c->queue[(c->head + c->count) % c->cfg.queue_size];
	q->data = malloc((size_t)header_len + len);
	if (!q->data) {
		c->counters.dropped++;
		return;
	}
	memcpy(q->data, header, (size_t)header_len);
	memcpy(q->data + header_len, msg, len);
	q->len = (size_t)header_len + len;
	c->count++;
}

void rb_syslog_forward(struct rb_syslog_forwarder *fw, const char *msg, size_t len,
		       uint64_t now_ms)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->count; i++) {
		struct collector *c = &fw->collectors[i];

		enqueue(c, msg, len);
		/*
		 * NOTE: a TCP collector that closed the connection since the last
		 * tick is noticed only at the next tick, so messages sent in
		 * between may be lost without a count.
		 */
		if (c->state == COLLECTOR_UP)
			send_queued(c, now_ms);
	}
}

void rb_syslog_forwarder_counters(const struct rb_syslog_forwarder *fw,
				  struct rb_syslog_collector_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; fw && i < fw->count; i++) {
		sum->forwarded += fw->collectors[i].counters.forwarded;
		sum->dropped += fw->collectors[i].counters.dropped;
		sum->reconnects += fw->collectors[i].counters.reconnects;
	}
}
