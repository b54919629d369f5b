// SPDX-License-Identifier: MIT
/*
 * Forwarding of queries for names outside the zones to the upstream
 * resolvers of dns/forwarding, over UDP.  Each forwarded query gets a
 * random ID of its own and waits in a table of RB_DNS_PENDING_MAX
 * entries.  A response is accepted only from the upstream that was sent
 * the query, with that ID and the same question.  It goes back to the
 * client with the client's ID.  After dns/forwarding/timeout ms the next upstream is
 * asked, and after the last one the client gets SERVFAIL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/log.h"
#include "dns/dns_internal.h"

static struct rb_log_repeat repeat_full =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "dns: forwarded queries answered SERVFAIL, table full");
static struct rb_log_repeat repeat_unmatched =
	RB_LOG_REPEAT_INIT(RB_LOG_DEBUG, "dns: upstream messages that match no forwarded query");
static struct rb_log_repeat repeat_timeout =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "dns: forwarded queries timed out at every upstream");
static struct rb_log_repeat repeat_send =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "dns: sending a query to an upstream failed");

/* A UDP socket on an ephemeral port, which the kernel picks at random. */
static int open_upstream_socket(int family)
{
	union dns_addr any = { .sa.sa_family = (sa_family_t)family };
	socklen_t len = family == AF_INET6 ? sizeof(any.sin6) : sizeof(any.sin);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), err;

	if (fd < 0)
		return -errno;
	if (bind(fd, &any.sa, len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int rb_dns_forward_open(struct rb_dns_server *s)
{
	bool want[2] = { false, false };
	int fd;

	if (!s->dns->forwarding)
		return 0;
	for (uint8_t i = 0; i < s->dns->n_upstreams; i++)
		want[s->dns->upstreams[i].ipv6] = true;
	s->pending = calloc(RB_DNS_PENDING_MAX, sizeof(*s->pending));
	s->upstream_slots = calloc(2 * RB_DNS_UPSTREAM_SLOTS, sizeof(*s->upstream_slots));
	if (!s->pending || !s->upstream_slots)
		return -ENOMEM;
	for (int sock = 0; sock < 2; sock++) {
		if (!want[sock])
			continue;
		fd = open_upstream_socket(sock ? AF_INET6 : AF_INET);
		if (fd < 0) {
			log_err("dns: opening the %s socket for upstream resolvers failed: %s",
				sock ? "IPv6" : "IPv4", strerror(-fd));
			return fd;
		}
		s->upstream_fd[sock] = fd;
	}
	return 0;
}

static void queue_upstream_recv(struct rb_dns_server *s, uint32_t index)
{
	struct dns_upstream_slot *slot = &s->upstream_slots[index];
	struct io_uring_sqe *sqe = rb_dns_get_sqe(s);

	if (!sqe) {
		log_err("dns: no free submission queue entry for an upstream receive");
		return;
	}
	memset(&slot->msg, 0, sizeof(slot->msg));
	slot->iov = (struct iovec){ .iov_base = slot->data, .iov_len = sizeof(slot->data) };
	slot->msg.msg_name = &slot->peer;
	slot->msg.msg_namelen = sizeof(slot->peer);
	slot->msg.msg_iov = &slot->iov;
	slot->msg.msg_iovlen = 1;
	io_uring_prep_recvmsg(sqe, s->upstream_fd[index / RB_DNS_UPSTREAM_SLOTS], &slot->msg, 0);
	io_uring_sqe_set_data64(sqe, dns_tag(DNS_KIND_UPSTREAM, 0, index));
}

void rb_dns_forward_start(struct rb_dns_server *s)
{
	for (uint32_t i = 0; s->upstream_slots && i < 2 * RB_DNS_UPSTREAM_SLOTS; i++) {
		if (s->upstream_fd[i / RB_DNS_UPSTREAM_SLOTS] >= 0)
			queue_upstream_recv(s, i);
	}
}

static void upstream_addr(const struct rb_cfg_dns_upstream *up, union dns_addr *addr,
			  socklen_t *len)
{
	memset(addr, 0, sizeof(*addr));
	if (up->ipv6) {
		addr->sin6.sin6_family = AF_INET6;
		addr->sin6.sin6_addr = up->addr6;
		addr->sin6.sin6_port = htons(up->port);
		*len = sizeof(addr->sin6);
	} else {
		addr->sin.sin_family = AF_INET;
		addr->sin.sin_addr.s_addr = up->ipv4;
		addr->sin.sin_port = htons(up->port);
		*len = sizeof(addr->sin);
	}
}

static bool id_in_use(const struct rb_dns_server *s, uint16_t id)
{
	for (size_t i = 0; i < RB_DNS_PENDING_MAX; i++) {
		if (s->pending[i].used && s->pending[i].upstream_id == id)
			return true;
	}
	return false;
}

static uint16_t new_id(const struct rb_dns_server *s)
{
	uint16_t id = 0;

	/* With at most 1024 of 65536 IDs in use, a few tries find a free one. */
	for (int tries = 0; tries < 64; tries++) {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint16_t)rand();
		if (!id_in_use(s, id))
			break;
	}
	return id;
}

/* Send p's query to its current upstream.  Returns false when that upstream's family has no socket. */
static bool send_upstream(struct rb_dns_server *s, struct dns_pending *p, uint64_t now_ms)
{
	const struct rb_cfg_dns_upstream *up = &s->dns->upstreams[p->upstream];
	int fd = s->upstream_fd[up->ipv6];
	union dns_addr addr;
	socklen_t len;

	if (fd < 0)
		return false;
	p->upstream_id = new_id(s);
	rb_dns_put_u16(p->msg, p->upstream_id);
	upstream_addr(up, &addr, &len);
	p->deadline_ms = now_ms + s->dns->forward_timeout_ms;
	s->counters[RB_DNSC_FORWARDED]++;
	if (sendto(fd, p->msg, p->msg_len, MSG_DONTWAIT, &addr.sa, len) < 0)
		rb_log_repeat(&repeat_send, "dns: sending a query to upstream %u failed: %s; waiting "
			      "for its timeout", p->upstream, strerror(errno));
	return true;
}

/*
 * NOTE: a TCP client's query is forwarded over UDP too, so an upstream
 * response with TC set reaches the TCP client truncated.
 */
bool rb_dns_forward(struct rb_dns_server *s, const uint8_t *msg, size_t len,
		    const struct rb_dns_query *q, const struct dns_udp_route *route, uint32_t conn,
		    uint16_t gen)
{
	struct dns_pending *p = NULL;

	if (!s->pending || len > sizeof(p->msg))
		return false;
	for (size_t i = 0; i < RB_DNS_PENDING_MAX; i++) {
		if (!s->pending[i].used) {
			p = &s->pending[i];
			break;
		}
	}
	if (!p) {
		rb_log_repeat(&repeat_full, "dns: %d forwarded queries wait for a response, the "
			      "maximum; responding SERVFAIL", RB_DNS_PENDING_MAX);
		return false;
	}
	memset(p, 0, offsetof(struct dns_pending, msg));
	p->q = *q;
	memcpy(p->msg, msg, len);
	p->msg_len = len;
	p->tcp = route == NULL;
	if (route)
		p->route = *route;
	p->conn = conn;
	p->conn_gen = gen;
	p->upstream = 0;
	p->used = true;
	while (!send_upstream(s, p, rb_dns_now_ms())) {
		if (++p->upstream >= s->dns->n_upstreams) {
			p->used = false;
			return false;
		}
	}
	s->n_pending++;
	if (p->tcp)
		s->conns[conn].forward_pending = true;
	return true;
}

/* Send msg to p's client and free p. */
static void finish(struct rb_dns_server *s, struct dns_pending *p, const uint8_t *msg, size_t len)
{
	if (p->tcp)
		rb_dns_tcp_reply(s, p->conn, p->conn_gen, msg, len);
	else
		rb_dns_udp_send(s, &p->route, msg, len);
	p->used = false;
	s->n_pending--;
}

static bool same_addr(const union dns_addr *a, const struct rb_cfg_dns_upstream *up)
{
	if (up->ipv6)
		return a->sa.sa_family == AF_INET6 &&
		       memcmp(&a->sin6.sin6_addr, &up->addr6, sizeof(up->addr6)) == 0 &&
		       ntohs(a->sin6.sin6_port) == up->port;
	return a->sa.sa_family == AF_INET && a->sin.sin_addr.s_addr == up->ipv4 &&
	       ntohs(a->sin.sin_port) == up->port;
}

/* The pending query that an upstream's answer belongs to, or NULL. */
static struct dns_pending *match(struct rb_dns_server *s, const uint8_t *msg, size_t len,
				 const union dns_addr *from)
{
	struct rb_dns_reader r;
	uint8_t qname[RB_DNS_NAME_MAX];
	uint16_t id, flags, qdcount, qtype, qclass;
	size_t qname_len;

	rb_dns_reader_init(&r, msg, len);
	id = rb_dns_read_u16(&r);
	flags = rb_dns_read_u16(&r);
	qdcount = rb_dns_read_u16(&r);
	rb_dns_skip(&r, 6);
	qname_len = rb_dns_read_name(&r, qname);
	qtype = rb_dns_read_u16(&r);
	qclass = rb_dns_read_u16(&r);
	if (r.err || !(flags & RB_DNS_FLAG_QR) || qdcount != 1)
		return NULL;
	for (size_t i = 0; i < RB_DNS_PENDING_MAX; i++) {
		struct dns_pending *p = &s->pending[i];

		if (p->used && p->upstream_id == id &&
		    same_addr(from, &s->dns->upstreams[p->upstream]) && p->q.qtype == qtype &&
		    p->q.qclass == qclass &&
		    rb_dns_name_equal(p->q.qname, p->q.qname_len, qname, qname_len))
			return p;
	}
	return NULL;
}

void rb_dns_forward_handle(struct rb_dns_server *s, uint32_t index, int res)
{
	struct dns_upstream_slot *slot;
	struct dns_pending *p;

	if (!s->upstream_slots || index >= 2 * RB_DNS_UPSTREAM_SLOTS || res == -ECANCELED)
		return;
	slot = &s->upstream_slots[index];
	if (res >= RB_DNS_HEADER_LEN) {
		p = match(s, slot->data, (size_t)res, &slot->peer);
		if (p) {
			struct rb_dns_reply_info info = { .rcode = slot->data[3] & 0xf };

			rb_dns_put_u16(slot->data, p->q.id);
			rb_dns_count_reply(s, &info);
			finish(s, p, slot->data, (size_t)res);
		} else {
			rb_log_repeat(&repeat_unmatched, "dns: an upstream message of %d bytes matches "
				      "no forwarded query; dropped", res);
		}
	}
	if (!s->stopping)
		queue_upstream_recv(s, index);
}

/* Answer p's client SERVFAIL: every upstream timed out. */
static void fail(struct rb_dns_server *s, struct dns_pending *p)
{
	struct rb_dns_reply_info info = { .rcode = RB_DNS_SERVFAIL };
	uint8_t out[RB_DNS_UDP_MIN];
	size_t n;

	rb_log_repeat(&repeat_timeout, "dns: a forwarded query timed out at all %u upstreams; "
		      "answering SERVFAIL", s->dns->n_upstreams);
	n = rb_dns_encode_error(&s->settings, &p->q, RB_DNS_SERVFAIL, out, sizeof(out));
	rb_dns_count_reply(s, &info);
	finish(s, p, out, n);
}

void rb_dns_forward_tick(struct rb_dns_server *s, uint64_t now_ms)
{
	for (size_t i = 0; s->pending && s->n_pending > 0 && i < RB_DNS_PENDING_MAX; i++) {
		struct dns_pending *p = &s->pending[i];
		bool sent = false;

		if (!p->used || now_ms < p->deadline_ms)
			continue;
		while (!sent && ++p->upstream < s->dns->n_upstreams)
			sent = send_upstream(s, p, now_ms);
		if (!sent)
			fail(s, p);
	}
}

void rb_dns_forward_close(struct rb_dns_server *s)
{
	for (int i = 0; i < 2; i++) {
		if (s->upstream_fd[i] >= 0)
			close(s->upstream_fd[i]);
		s->upstream_fd[i] = -1;
	}
	free(s->pending);
	free(s->upstream_slots);
	s->pending = NULL;
	s->upstream_slots = NULL;
}
