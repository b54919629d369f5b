// SPDX-License-Identifier: MIT
/*
 * DNS over TCP (RFC 7766): each message has a 2-byte length prefix, a
 * connection carries any number of queries, which are answered in
 * order, one at a time.  A connection is closed after
 * dns/tcp/idle-timeout seconds without a complete query, and one
 * accepted beyond dns/tcp/max-connections is closed at once.
 *
 * A connection has at most one receive and one send in the ring.  To
 * close it, rackbootd shuts the socket down, which ends both, and
 * closes the fd when the last completion arrives.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/bind_retry.h"
#include "common/log.h"
#include "dns/dns_internal.h"

#define CONN_BUF	(2 + RB_DNS_TCP_MAX)
#define LISTEN_BACKLOG	128

static struct rb_log_repeat repeat_limit =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "dns: TCP connections closed at the connection limit");
static struct rb_log_repeat repeat_accept_error =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dns: accepting a TCP connection failed");

int rb_dns_tcp_open(struct rb_dns_server *s, int family)
{
	union dns_addr addr = { 0 };
	unsigned int sock = family == AF_INET6;
	socklen_t len = sizeof(addr.sin);
	int fd, one = 1, err;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6) {
		addr.sin6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
						   .sin6_port = htons(s->dns->port) };
		len = sizeof(addr.sin6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	} else {
		addr.sin = (struct sockaddr_in){ .sin_family = AF_INET,
						 .sin_port = htons(s->dns->port) };
	}
	/* Connections of a rackbootd that just stopped linger in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	err = rb_bind_retry(fd, &addr.sa, len, "dns");
	if (!err && listen(fd, LISTEN_BACKLOG) < 0)
		err = -errno;
	if (err) {
		log_err("dns: listening on TCP %s:%u failed: %s; is another DNS server running? stop "
			"it, or set dns port", sock ? "[::]" : "0.0.0.0", s->dns->port, strerror(-err));
		close(fd);
		return err;
	}
	s->tcp_fd[sock] = fd;
	return 0;
}

void rb_dns_tcp_queue_accept(struct rb_dns_server *s, int sock)
{
	struct io_uring_sqe *sqe;

	if (s->stopping || s->accept_pending[sock] || s->tcp_fd[sock] < 0)
		return;
	sqe = rb_dns_get_sqe(s);
	if (!sqe) {
		log_err("dns: no free submission queue entry for a TCP accept; retrying next tick");
		return;
	}
	io_uring_prep_accept(sqe, s->tcp_fd[sock], NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, dns_tag(DNS_KIND_ACCEPT, 0, (uint32_t)sock));
	s->accept_pending[sock] = true;
}

static void conn_shutdown(struct dns_conn *c)
{
	if (!c->closing)
		shutdown(c->fd, SHUT_RDWR);
	c->closing = true;
}

/* Close and free the connection once nothing of it is in the ring. */
static void conn_release(struct rb_dns_server *s, struct dns_conn *c)
{
	if (c->ops > 0 || c->forward_pending)
		return;
	close(c->fd);
	free(c->in);
	free(c->out);
	*c = (struct dns_conn){ .fd = -1, .gen = (uint16_t)(c->gen + 1) };
	s->n_conns--;
}

static void queue_recv(struct rb_dns_server *s, struct dns_conn *c, uint32_t index)
{
	struct io_uring_sqe *sqe;

	if (c->recv_pending || c->closing)
		return;
	sqe = rb_dns_get_sqe(s);
	if (!sqe) {
		conn_shutdown(c);
		return;
	}
	io_uring_prep_recv(sqe, c->fd, c->in + c->in_len, CONN_BUF - c->in_len, 0);
	io_uring_sqe_set_data64(sqe, dns_tag(DNS_KIND_TCP_RECV, c->gen, index));
	c->recv_pending = true;
	c->ops++;
}

static void queue_send(struct rb_dns_server *s, struct dns_conn *c, uint32_t index)
{
	struct io_uring_sqe *sqe = rb_dns_get_sqe(s);

	if (!sqe) {
		conn_shutdown(c);
		return;
	}
	io_uring_prep_send(sqe, c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, dns_tag(DNS_KIND_TCP_SEND, c->gen, index));
	c->send_pending = true;
	c->ops++;
}

/* Answer the complete queries in c->in, one at a time, then read more. */
static void process(struct rb_dns_server *s, struct dns_conn *c, uint32_t index)
{
	while (!c->closing && !c->send_pending && !c->forward_pending && c->in_len >= 2) {
		size_t len = (size_t)c->in[0] << 8 | c->in[1], n;

		if (c->in_len < 2 + len)
			break;
		n = rb_dns_handle_query(s, c->in + 2, len, true, c->out + 2, NULL, index, c->gen);
		memmove(c->in, c->in + 2 + len, c->in_len - 2 - len);
		c->in_len -= 2 + len;
		c->last_ms = rb_dns_now_ms();
		if (c->forward_pending)
			return;
		if (n == 0) {
			/* A dropped message gets no response, so close rather than leave the client waiting. */
			conn_shutdown(c);
			return;
		}
		rb_dns_put_u16(c->out, (uint16_t)n);
		c->out_len = 2 + n;
		c->out_sent = 0;
		queue_send(s, c, index);
	}
	if (!c->send_pending && !c->forward_pending)
		queue_recv(s, c, index);
}

void rb_dns_tcp_reply(struct rb_dns_server *s, uint32_t index, uint16_t gen, const uint8_t *msg,
		      size_t len)
{
	struct dns_conn *c;

	if (index >= s->dns->tcp_max_connections)
		return;
	c = &s->conns[index];
	if (c->fd < 0 || c->gen != gen || !c->forward_pending)
		return;
	c->forward_pending = false;
	if (c->closing) {
		conn_release(s, c);
		return;
	}
	if (msg != c->out + 2)
		memcpy(c->out + 2, msg, len);
	rb_dns_put_u16(c->out, (uint16_t)len);
	c->out_len = 2 + len;
	c->out_sent = 0;
	queue_send(s, c, index);
}

static void accept_conn(struct rb_dns_server *s, int fd)
{
	size_t max = s->dns->tcp_max_connections;

	for (uint32_t i = 0; i < max; i++) {
		struct dns_conn *c = &s->conns[i];

		if (c->fd >= 0)
			continue;
		c->in = malloc(CONN_BUF);
		c->out = malloc(CONN_BUF);
		if (!c->in || !c->out) {
			free(c->in);
			free(c->out);
			c->in = c->out = NULL;
			break;
		}
		c->fd = fd;
		c->last_ms = rb_dns_now_ms();
		s->n_conns++;
		s->counters[RB_DNSC_TCP_CONNECTIONS]++;
		queue_recv(s, c, i);
		return;
	}
	rb_log_repeat(&repeat_limit, "dns: a TCP connection closed: %zu of %zu open already",
		      s->n_conns, max);
	close(fd);
}

void rb_dns_tcp_handle(struct rb_dns_server *s, enum dns_kind kind, uint16_t gen, uint32_t index,
		       int res)
{
	struct dns_conn *c;

	if (kind == DNS_KIND_ACCEPT) {
		if (index > 1)
			return;
		s->accept_pending[index] = false;
		if (res >= 0 && s->stopping)
			close(res);
		else if (res >= 0)
			accept_conn(s, res);
		else if (res != -ECANCELED)
			rb_log_repeat(&repeat_accept_error, "dns: accepting a TCP connection failed: %s; "
				      "retrying at the next tick", strerror(-res));
		/* After an error (EMFILE, say) the tick queues the accept, so that it cannot spin. */
		if (res >= 0)
			rb_dns_tcp_queue_accept(s, (int)index);
		return;
	}

	if (index >= s->dns->tcp_max_connections)
		return;
	c = &s->conns[index];
	if (c->fd < 0 || c->gen != gen)
		return;
	c->ops--;
	if (kind == DNS_KIND_TCP_RECV) {
		c->recv_pending = false;
		if (res <= 0)
			conn_shutdown(c);
		else
			c->in_len += (size_t)res;
	} else {
		c->send_pending = false;
		if (res <= 0)
			conn_shutdown(c);
		else
			c->out_sent += (size_t)res;
		if (!c->closing && c->out_sent < c->out_len) {
			queue_send(s, c, index);
			return;
		}
	}
	if (c->closing) {
		conn_release(s, c);
		return;
	}
	/*
	 * A length prefix is at most 65535, so in_len reaches CONN_BUF only
	 * with a complete message, which process() consumes.
	 */
	process(s, c, index);
}

void rb_dns_tcp_tick(struct rb_dns_server *s, uint64_t now_ms)
{
	uint64_t idle_ms = (uint64_t)s->dns->tcp_idle_timeout * 1000;

	for (size_t i = 0; i < s->dns->tcp_max_connections && s->n_conns > 0; i++) {
		struct dns_conn *c = &s->conns[i];

		if (c->fd >= 0 && !c->closing && !c->forward_pending && now_ms - c->last_ms > idle_ms) {
			log_debug("dns: TCP connection %zu idle for %u s; closing it", i,
				  s->dns->tcp_idle_timeout);
			conn_shutdown(c);
		}
	}
	for (int sock = 0; sock < 2; sock++)
		rb_dns_tcp_queue_accept(s, sock);
}

void rb_dns_tcp_stop(struct rb_dns_server *s)
{
	for (int sock = 0; sock < 2; sock++) {
		if (s->tcp_fd[sock] >= 0)
			shutdown(s->tcp_fd[sock], SHUT_RDWR);
	}
	for (size_t i = 0; i < s->dns->tcp_max_connections; i++) {
		if (s->conns[i].fd >= 0)
			conn_shutdown(&s->conns[i]);
	}
}
