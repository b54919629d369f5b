// SPDX-License-Identifier: MIT
/*
 * The syslog receiver's sockets and io_uring requests.  user_data
 * payload: request kind in bits 40..47, connection generation in bits
 * 24..39, slot index in bits 0..23.  A TCP connection slot is reused
 * only after its last receive completed, and the generation identifies
 * a stale completion.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/uring_sqe.h"
#include "common/uring_recv.h"
#include "syslog/syslog_internal.h"

enum request_kind {
	REQ_UDP = 1,
	REQ_ACCEPT = 2,
	REQ_TCP = 3,
	REQ_TLS_ACCEPT = 4,
};

uint64_t rb_syslog_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t tag(enum request_kind kind, uint32_t gen, uint32_t index)
{
	uint64_t payload = ((uint64_t)kind << 40) | ((uint64_t)(gen & 0xffff) << 24) |
			   (index & 0xffffff);

	return rb_uring_tag(RB_URING_OWNER_SYSLOG, payload);
}

/* A dual-stack socket on [::]:port, or 0.0.0.0:port where IPv6 is unavailable. */
int rb_syslog_bind_socket(int type, uint16_t port, int *fd_out)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, off = 0, on = 1, err;

	fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
			goto bound;
		err = -errno;
		close(fd);
		return err;
	}
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
bound:
	if (type == SOCK_STREAM && listen(fd, 128) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

static int open_sockets(struct rb_syslog_server *s)
{
	int err;

	if (s->cfg.udp_port) {
		int rcvbuf = RB_SYSLOG_UDP_RCVBUF;

		err = rb_syslog_bind_socket(SOCK_DGRAM, s->cfg.udp_port, &s->udp_fd);
		if (err) {
			log_err("syslog: binding UDP port %u failed: %s; free the port or set "
				"syslog/udp-port", s->cfg.udp_port, strerror(-err));
			return err;
		}
		if (setsockopt(s->udp_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
			log_warn("syslog: setting the UDP receive buffer to %d bytes failed: %s",
				 rcvbuf, strerror(errno));
	}
	if (s->cfg.tcp_port) {
		err = rb_syslog_bind_socket(SOCK_STREAM, s->cfg.tcp_port, &s->tcp_fd);
		if (err) {
			log_err("syslog: binding TCP port %u failed: %s; free the port or set "
				"syslog/tcp-port", s->cfg.tcp_port, strerror(-err));
			return err;
		}
	}
	return s->cfg.tls_port ? rb_syslog_tls_open(s) : 0;
}

int rb_syslog_server_new(struct io_uring *ring, const struct rb_syslog_config *cfg,
			 struct rb_syslog_server **out)
{
	struct rb_syslog_server *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->ring = ring;
	s->cfg = *cfg;
	s->udp_fd = -1;
	s->tcp_fd = -1;
	s->tls_fd = -1;
	s->conns = calloc(cfg->max_connections ? cfg->max_connections : 1, sizeof(*s->conns));
	err = s->conns ? rb_syslog_rings_init(&s->rings, cfg->entries_per_device) : -ENOMEM;
	for (size_t i = 0; !err && i < RB_SYSLOG_UDP_SLOTS; i++) {
		s->udp[i].data = malloc(cfg->max_message + 1);
		if (!s->udp[i].data)
			err = -ENOMEM;
	}
	s->format_buf = malloc(cfg->max_message + RB_SYSLOG_FORWARD_HEADER_MAX);
	if (!err && !s->format_buf)
		err = -ENOMEM;
	if (!err)
		err = rb_syslog_forwarder_new(cfg->collectors, cfg->n_collectors, &s->forwarder);
	if (!err)
		err = open_sockets(s);
	if (err) {
		if (err == -ENOMEM)
			log_err("syslog: out of memory setting up the receiver");
		rb_syslog_server_free(s);
		return err;
	}
	rb_syslog_table_init(&s->table);
	*out = s;
	return 0;
}

static void arm_udp(struct rb_syslog_server *s, uint32_t slot)
{
	struct rb_syslog_udp_slot *u = &s->udp[slot];
	struct rb_uring_recv_buffers b = {
		.msg = &u->msg,
		.iov = &u->iov,
		.data = u->data,
		.data_len = s->cfg.max_message + 1,
		.peer = &u->peer,
		.peer_len = sizeof(u->peer),
		.control = u->control,
		.control_len = sizeof(u->control),
	};

	if (s->stopping)
		return;
	if (!rb_uring_queue_recvmsg(s->ring, s->udp_fd, &b, tag(REQ_UDP, 0, slot)))
		log_err("syslog: no free submission queue entry for a UDP receive; receive slot "
			"%u waits for the next tick", slot);
	else
		u->armed = true;
}

/* Queue an accept on the TCP port, or on the TLS port when tls is set. */
static void arm_accept(struct rb_syslog_server *s, bool tls)
{
	bool *pending = tls ? &s->tls_accept_pending : &s->accept_pending;
	struct io_uring_sqe *sqe;

	if (s->stopping)
		return;
	sqe = rb_uring_get_sqe(s->ring);
	if (!sqe) {
		log_err("syslog: no free submission queue entry for accept; %s stays idle until "
			"the next tick", tls ? "TLS" : "TCP");
		*pending = true;
		return;
	}
	io_uring_prep_accept(sqe, tls ? s->tls_fd : s->tcp_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, tag(tls ? REQ_TLS_ACCEPT : REQ_ACCEPT, 0, 0));
	*pending = false;
}

int rb_syslog_server_start(struct rb_syslog_server *s)
{
	for (uint32_t i = 0; s->udp_fd >= 0 && i < RB_SYSLOG_UDP_SLOTS; i++)
		arm_udp(s, i);
	if (s->tcp_fd >= 0)
		arm_accept(s, false);
	if (s->tls_fd >= 0)
		arm_accept(s, true);
	log_info("syslog: receiving on UDP port %u, TCP port %u and TLS port %u (0 = off), max "
		 "message %u bytes, %u entries per device, %u TCP and TLS connections, idle "
		 "timeout %u s", s->cfg.udp_port, s->cfg.tcp_port, s->cfg.tls_port,
		 s->cfg.max_message, s->cfg.entries_per_device, s->cfg.max_connections,
		 s->cfg.idle_timeout_ms / 1000);
	return 0;
}

static void peer_bytes(const struct sockaddr_storage *ss, uint8_t peer[16])
{
	if (ss->ss_family == AF_INET6)
		memcpy(peer, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	else
		rb_syslog_addr_v4(((const struct sockaddr_in *)ss)->sin_addr.s_addr, peer);
}

static struct rb_log_repeat udp_failed =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "syslog: UDP receives that failed");

static void udp_done(struct rb_syslog_server *s, uint32_t slot, int res)
{
	struct rb_syslog_udp_slot *u = &s->udp[slot];
	uint8_t peer[16];

	u->armed = false;
	/* The tick queues the receive again, so that a lasting error cannot spin the loop. */
	if (res < 0) {
		if (res != -ECANCELED && res != -EINTR && res != -EAGAIN && res != -ENOBUFS)
			rb_log_repeat(&udp_failed, "syslog: UDP receive on port %u failed: %s",
				      s->cfg.udp_port, strerror(-res));
		return;
	}
	s->counters.rx_udp++;
	peer_bytes(&u->peer, peer);
	if ((size_t)res > s->cfg.max_message)
		rb_syslog_server_ingest(s, RB_SYSLOG_UDP, peer, u->data, s->cfg.max_message, true);
	else
		rb_syslog_server_ingest(s, RB_SYSLOG_UDP, peer, u->data, (size_t)res, false);
	arm_udp(s, slot);
}

int rb_syslog_server_handle_cqe(struct rb_syslog_server *s, const struct io_uring_cqe *cqe)
{
	uint64_t payload = rb_uring_payload(cqe->user_data);
	enum request_kind kind = (enum request_kind)((payload >> 40) & 0xff);
	uint32_t gen = (uint32_t)((payload >> 24) & 0xffff);
	uint32_t index = (uint32_t)(payload & 0xffffff);

	switch (kind) {
	case REQ_UDP:
		if (index >= RB_SYSLOG_UDP_SLOTS)
			return -EINVAL;
		udp_done(s, index, cqe->res);
		return 0;
	case REQ_ACCEPT:
	case REQ_TLS_ACCEPT:
		rb_syslog_tcp_accepted(s, cqe->res, kind == REQ_TLS_ACCEPT);
		arm_accept(s, kind == REQ_TLS_ACCEPT);
		return 0;
	case REQ_TCP:
		if (index >= s->cfg.max_connections)
			return -EINVAL;
		rb_syslog_tcp_received(s, index, gen, cqe->res);
		return 0;
	}
	return -EINVAL;
}

bool rb_syslog_queue_tcp_recv(struct rb_syslog_server *s, uint32_t index)
{
	struct rb_syslog_conn *c = &s->conns[index];
	struct io_uring_sqe *sqe = rb_uring_get_sqe(s->ring);

	if (!sqe)
		return false;
	/* A TLS connection receives ciphertext, which syslog_tls.c decrypts into buf. */
	if (c->tls)
		io_uring_prep_recv(sqe, c->fd, c->cipher, RB_SYSLOG_TLS_RECV, 0);
	else
		io_uring_prep_recv(sqe, c->fd, c->buf + c->fill, c->cap - c->fill, 0);
	io_uring_sqe_set_data64(sqe, tag(REQ_TCP, c->gen, index));
	c->recv_armed = true;
	return true;
}

void rb_syslog_server_tick(struct rb_syslog_server *s, uint64_t now_ms)
{
	if (!s)
		return;
	if (s->accept_pending)
		arm_accept(s, false);
	if (s->tls_accept_pending)
		arm_accept(s, true);
	for (uint32_t i = 0; s->udp_fd >= 0 && i < RB_SYSLOG_UDP_SLOTS; i++) {
		if (!s->udp[i].armed)
			arm_udp(s, i);
	}
	rb_syslog_tcp_sweep(s, now_ms);
	rb_syslog_forwarder_tick(s->forwarder, now_ms);
}

void rb_syslog_server_stop(struct rb_syslog_server *s)
{
	if (!s)
		return;
	s->stopping = true;
	rb_syslog_tcp_close_all(s);
}

void rb_syslog_server_free(struct rb_syslog_server *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; s->conns && i < s->cfg.max_connections; i++) {
		if (s->conns[i].in_use)
			close(s->conns[i].fd);
		rb_syslog_tls_conn_release(&s->conns[i]);
		free(s->conns[i].buf);
		free(s->conns[i].cipher);
	}
	for (size_t i = 0; i < RB_SYSLOG_UDP_SLOTS; i++)
		free(s->udp[i].data);
	if (s->udp_fd >= 0)
		close(s->udp_fd);
	if (s->tcp_fd >= 0)
		close(s->tcp_fd);
	rb_syslog_tls_close(s);
	rb_syslog_forwarder_free(s->forwarder);
	rb_syslog_rings_free(&s->rings);
	rb_syslog_table_free(&s->table);
	free(s->format_buf);
	free(s->conns);
	free(s);
}

void rb_syslog_server_set_table(struct rb_syslog_server *s, struct rb_syslog_table *table)
{
	rb_syslog_table_free(&s->table);
	s->table = *table;
	memset(table, 0, sizeof(*table));
}

struct rb_syslog_rings *rb_syslog_server_rings(struct rb_syslog_server *s)
{
	return &s->rings;
}

const struct rb_syslog_counters *rb_syslog_server_counters(const struct rb_syslog_server *s)
{
	return &s->counters;
}

void rb_syslog_server_forward_counters(const struct rb_syslog_server *s,
				       struct rb_syslog_collector_counters *sum)
{
	rb_syslog_forwarder_counters(s->forwarder, sum);
	sum->forwarded += s->forward_base.forwarded;
	sum->dropped += s->forward_base.dropped;
	sum->reconnects += s->forward_base.reconnects;
}

int rb_syslog_server_set_collectors(struct rb_syslog_server *s,
				    const struct rb_syslog_collector_config *collectors, size_t count)
{
	struct rb_syslog_forwarder *fw;
	struct rb_syslog_collector_counters old;
	int err;

	err = rb_syslog_forwarder_new(collectors, count, &fw);
	if (err)
		return err;
	/* The counters of the old collectors stay in the sums, which only grow. */
	rb_syslog_forwarder_counters(s->forwarder, &old);
	s->forward_base.forwarded += old.forwarded;
	s->forward_base.dropped += old.dropped;
	s->forward_base.reconnects += old.reconnects;
	rb_syslog_forwarder_free(s->forwarder);
	s->forwarder = fw;
	return 0;
}
