// SPDX-License-Identifier: MIT
/*
 * The DNS server's sockets and its UDP path.  Each UDP socket has
 * RB_DNS_UDP_SLOTS receives in the ring.  A completed one is answered at
 * once with sendmsg, from the address that the query reached (IP_PKTINFO
 * or IPV6_PKTINFO), and then its slot is queued again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/bind_retry.h"
#include "common/log.h"
#include "dns/dns_internal.h"

static struct rb_log_repeat repeat_send_error =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "dns: sending a UDP response failed");
static struct rb_log_repeat repeat_recv_error =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dns: a receive on a UDP socket failed");
static struct rb_log_repeat repeat_drop =
	RB_LOG_REPEAT_INIT(RB_LOG_DEBUG, "dns: UDP messages dropped without a response");

uint64_t rb_dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct io_uring_sqe *rb_dns_get_sqe(struct rb_dns_server *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(s->ring);

	if (!sqe) {
		io_uring_submit(s->ring);
		sqe = io_uring_get_sqe(s->ring);
	}
	return sqe;
}

static int set_option(int fd, int level, int name, const char *what)
{
	int one = 1;

	if (setsockopt(fd, level, name, &one, sizeof(one)) == 0)
		return 0;
	log_err("dns: setting %s on a UDP socket failed: %s", what, strerror(errno));
	return -errno;
}

/* Bind the UDP socket of family on port.  Returns the fd, or a negative errno. */
static int open_udp(int family, uint16_t port)
{
	union dns_addr addr = { 0 };
	socklen_t len;
	int fd, err;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6) {
		addr.sin6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(port) };
		len = sizeof(addr.sin6);
		err = set_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
		err = err ?: set_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO");
	} else {
		addr.sin = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
		len = sizeof(addr.sin);
		err = set_option(fd, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO");
	}
	err = err ?: rb_bind_retry(fd, &addr.sa, len, "dns");
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static void queue_udp(struct rb_dns_server *s, uint32_t index)
{
	struct dns_udp_slot *slot = &s->udp_slots[index];
	int fd = s->udp_fd[index / RB_DNS_UDP_SLOTS];
	struct io_uring_sqe *sqe = rb_dns_get_sqe(s);

	if (!sqe) {
		log_err("dns: no free submission queue entry for a UDP receive; slot %u stays idle",
			index);
		return;
	}
	memset(&slot->msg, 0, sizeof(slot->msg));
	slot->iov = (struct iovec){ .iov_base = slot->data, .iov_len = sizeof(slot->data) };
	slot->msg.msg_name = &slot->peer;
	slot->msg.msg_namelen = sizeof(slot->peer);
	slot->msg.msg_iov = &slot->iov;
	slot->msg.msg_iovlen = 1;
	slot->msg.msg_control = slot->control;
	slot->msg.msg_controllen = sizeof(slot->control);
	io_uring_prep_recvmsg(sqe, fd, &slot->msg, MSG_TRUNC);
	io_uring_sqe_set_data64(sqe, dns_tag(DNS_KIND_UDP, 0, index));
}

/* The route of a reply: back to the peer, from the address the query reached. */
static void route_of(const struct dns_udp_slot *slot, int fd, bool ipv6, struct dns_udp_route *r)
{
	struct msghdr msg = slot->msg;
	struct cmsghdr *c;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->ipv6 = ipv6;
	r->peer = slot->peer;
	r->peer_len = slot->msg.msg_namelen;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (!ipv6 && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			r->local4 = info.ipi_addr;
			r->ifindex = info.ipi_ifindex;
			r->has_local = true;
		} else if (ipv6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			r->local6 = info.ipi6_addr;
			r->ifindex = (int)info.ipi6_ifindex;
			r->has_local = true;
		}
	}
}

void rb_dns_udp_send(struct rb_dns_server *s, const struct dns_udp_route *route,
		     const uint8_t *data, size_t len)
{
	union {
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (void *)&route->peer,
		.msg_namelen = route->peer_len,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	char peer[INET6_ADDRSTRLEN] = "?";

	if (route->has_local) {
		struct cmsghdr *c = (struct cmsghdr *)control.buf;

		msg.msg_control = control.buf;
		if (route->ipv6) {
			struct in6_pktinfo info = { .ipi6_addr = route->local6,
						    .ipi6_ifindex = (unsigned int)route->ifindex };

			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(info));
			memcpy(CMSG_DATA(c), &info, sizeof(info));
			msg.msg_controllen = CMSG_SPACE(sizeof(info));
		} else {
			/* The source is the address the query reached; the route picks the interface. */
			struct in_pktinfo info = { .ipi_spec_dst = route->local4 };

			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(info));
			memcpy(CMSG_DATA(c), &info, sizeof(info));
			msg.msg_controllen = CMSG_SPACE(sizeof(info));
		}
	}
	if (sendmsg(route->fd, &msg, MSG_DONTWAIT) >= 0)
		return;
	if (route->ipv6)
		inet_ntop(AF_INET6, &route->peer.sin6.sin6_addr, peer, sizeof(peer));
	else
		inet_ntop(AF_INET, &route->peer.sin.sin_addr, peer, sizeof(peer));
	rb_log_repeat(&repeat_send_error, "dns: sending a response of %zu bytes to %s failed: %s",
		      len, peer, strerror(errno));
}

void rb_dns_count_reply(struct rb_dns_server *s, const struct rb_dns_reply_info *info)
{
	static const enum rb_dns_counter by_rcode[] = {
		[RB_DNS_NOERROR] = RB_DNSC_NOERROR, [RB_DNS_FORMERR] = RB_DNSC_FORMERR,
		[RB_DNS_SERVFAIL] = RB_DNSC_SERVFAIL, [RB_DNS_NXDOMAIN] = RB_DNSC_NXDOMAIN,
		[RB_DNS_NOTIMP] = RB_DNSC_NOTIMP, [RB_DNS_REFUSED] = RB_DNSC_REFUSED,
	};

	if (info->rcode == RB_DNS_BADVERS)
		s->counters[RB_DNSC_BADVERS]++;
	else if (info->rcode <= RB_DNS_REFUSED)
		s->counters[by_rcode[info->rcode]]++;
	if (info->truncated)
		s->counters[RB_DNSC_TRUNCATED]++;
}

size_t rb_dns_handle_query(struct rb_dns_server *s, const uint8_t *msg, size_t len, bool tcp,
			   uint8_t *out, const struct dns_udp_route *route, uint32_t conn,
			   uint16_t gen)
{
	struct rb_dns_reply_info info;
	struct rb_dns_query q;
	size_t n;

	s->counters[RB_DNSC_QUERIES]++;
	if (!s->zone) {
		s->counters[RB_DNSC_DROPPED]++;
		return 0;
	}
	n = rb_dns_respond(s->zone, &s->settings, msg, len, tcp, out, &q, &info);
	if (info.action == RB_DNS_ACTION_DROP) {
		s->counters[RB_DNSC_DROPPED]++;
		return 0;
	}
	if (info.action == RB_DNS_ACTION_OUTSIDE) {
		if (s->dns->forwarding && rb_dns_forward(s, msg, len, &q, route, conn, gen))
			return 0;
		info.rcode = s->dns->forwarding ? RB_DNS_SERVFAIL : RB_DNS_REFUSED;
		n = rb_dns_encode_error(&s->settings, &q, info.rcode, out,
					tcp ? RB_DNS_TCP_MAX : rb_dns_udp_max(&s->settings, &q));
	}
	rb_dns_count_reply(s, &info);
	return n;
}

static void handle_udp(struct rb_dns_server *s, uint32_t index, int res)
{
	struct dns_udp_slot *slot = &s->udp_slots[index];
	unsigned int sock = index / RB_DNS_UDP_SLOTS;
	struct dns_udp_route route;
	size_t n;

	if (res < 0) {
		if (res != -ECANCELED)
			rb_log_repeat(&repeat_recv_error, "dns: a receive on the %s UDP socket failed: %s",
				      sock ? "IPv6" : "IPv4", strerror(-res));
	} else if ((size_t)res > sizeof(slot->data) || (slot->msg.msg_flags & MSG_TRUNC)) {
		s->counters[RB_DNSC_QUERIES]++;
		s->counters[RB_DNSC_DROPPED]++;
		rb_log_repeat(&repeat_drop, "dns: a UDP message of %d bytes, over %d, dropped", res,
			      RB_DNS_QUERY_BUF);
	} else {
		route_of(slot, s->udp_fd[sock], sock == 1, &route);
		n = rb_dns_handle_query(s, slot->data, (size_t)res, false, s->out, &route, 0, 0);
		if (n)
			rb_dns_udp_send(s, &route, s->out, n);
		else if ((size_t)res < RB_DNS_HEADER_LEN)
			rb_log_repeat(&repeat_drop, "dns: a UDP message of %d bytes, shorter than a "
				      "header, dropped", res);
	}
	if (!s->stopping && res != -ECANCELED)
		queue_udp(s, index);
}

int rb_dns_server_handle_cqe(struct rb_dns_server *s, const struct io_uring_cqe *cqe)
{
	uint64_t payload = rb_uring_payload(cqe->user_data);
	enum dns_kind kind = (enum dns_kind)(payload >> 48);
	uint16_t gen = (uint16_t)(payload >> 32);
	uint32_t index = (uint32_t)payload;

	switch (kind) {
	case DNS_KIND_UDP:
		if (index >= 2 * RB_DNS_UDP_SLOTS)
			return -EINVAL;
		handle_udp(s, index, cqe->res);
		return 0;
	case DNS_KIND_ACCEPT:
	case DNS_KIND_TCP_RECV:
	case DNS_KIND_TCP_SEND:
		rb_dns_tcp_handle(s, kind, gen, index, cqe->res);
		return 0;
	case DNS_KIND_UPSTREAM:
		rb_dns_forward_handle(s, index, cqe->res);
		return 0;
	}
	return -EINVAL;
}

/* Open the UDP socket of family; IPv6 may be missing (no IPv6 in the kernel or namespace). */
static int open_family(struct rb_dns_server *s, int family, unsigned int sock)
{
	const char *name = family == AF_INET ? "0.0.0.0" : "[::]";
	int fd = open_udp(family, s->dns->port);

	if (fd == -EAFNOSUPPORT && family == AF_INET6) {
		log_warn("dns: IPv6 is not available (%s); serving DNS over IPv4 only", strerror(-fd));
		return 0;
	}
	if (fd < 0) {
		log_err("dns: binding UDP %s:%u failed: %s; is another DNS server running? stop it, "
			"or set dns port", name, s->dns->port, strerror(-fd));
		return fd;
	}
	s->udp_fd[sock] = fd;
	return rb_dns_tcp_open(s, family);
}

int rb_dns_server_new(struct io_uring *ring, const struct rb_dns_server_config *cfg,
		      struct rb_dns_server **out)
{
	struct rb_dns_server *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->ring = ring;
	s->config = cfg->config;
	s->dns = &cfg->config->dns;
	s->settings.edns_udp_size = s->dns->edns_udp_size;
	s->settings.recursion_available = s->dns->forwarding;
	for (int i = 0; i < 2; i++)
		s->udp_fd[i] = s->tcp_fd[i] = s->upstream_fd[i] = -1;
	s->udp_slots = calloc(2 * RB_DNS_UDP_SLOTS, sizeof(*s->udp_slots));
	s->conns = calloc(s->dns->tcp_max_connections, sizeof(*s->conns));
	if (!s->udp_slots || !s->conns) {
		rb_dns_server_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->dns->tcp_max_connections; i++)
		s->conns[i].fd = -1;

	err = open_family(s, AF_INET, 0);
	err = err ?: open_family(s, AF_INET6, 1);
	err = err ?: rb_dns_forward_open(s);
	if (err) {
		rb_dns_server_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int rb_dns_server_set_config(struct rb_dns_server *s, const struct rb_config *config)
{
	const struct rb_cfg_dns *dns = &config->dns;
	bool want[2] = { false, false };

	if (dns->port != s->dns->port || dns->tcp_max_connections != s->dns->tcp_max_connections ||
	    dns->forwarding != s->dns->forwarding)
		return -EINVAL;
	/* The upstream sockets are opened at start, one per address family in use. */
	for (uint8_t i = 0; dns->forwarding && i < dns->n_upstreams; i++)
		want[dns->upstreams[i].ipv6] = true;
	for (int family = 0; family < 2; family++) {
		if (want[family] && s->upstream_fd[family] < 0)
			return -EINVAL;
	}
	if (dns->forwarding && dns->n_upstreams == 0)
		return -EINVAL;
	/*
	 * A query in flight to an upstream that the new list lacks waits for
	 * its timeout against the last one, and then fails over as usual.
	 */
	for (size_t i = 0; s->pending && i < RB_DNS_PENDING_MAX; i++) {
		if (s->pending[i].used && s->pending[i].upstream >= dns->n_upstreams)
			s->pending[i].upstream = (uint8_t)(dns->n_upstreams - 1);
	}
	s->config = config;
	s->dns = dns;
	s->settings.edns_udp_size = dns->edns_udp_size;
	s->settings.recursion_available = dns->forwarding;
	return 0;
}

void rb_dns_server_set_zone(struct rb_dns_server *s, struct rb_dns_zone *zone)
{
	rb_dns_zone_free(s->zone);
	s->zone = zone;
}

int rb_dns_server_start(struct rb_dns_server *s)
{
	for (uint32_t i = 0; i < 2 * RB_DNS_UDP_SLOTS; i++) {
		if (s->udp_fd[i / RB_DNS_UDP_SLOTS] >= 0)
			queue_udp(s, i);
	}
	for (int sock = 0; sock < 2; sock++) {
		if (s->tcp_fd[sock] >= 0)
			rb_dns_tcp_queue_accept(s, sock);
	}
	rb_dns_forward_start(s);
	return 0;
}

void rb_dns_server_tick(struct rb_dns_server *s, uint64_t now_ms)
{
	rb_dns_tcp_tick(s, now_ms);
	rb_dns_forward_tick(s, now_ms);
}

void rb_dns_server_stop(struct rb_dns_server *s)
{
	s->stopping = true;
	rb_dns_tcp_stop(s);
}

void rb_dns_server_free(struct rb_dns_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++) {
		if (s->udp_fd[i] >= 0)
			close(s->udp_fd[i]);
		if (s->tcp_fd[i] >= 0)
			close(s->tcp_fd[i]);
	}
	for (size_t i = 0; s->conns && i < s->dns->tcp_max_connections; i++) {
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
		free(s->conns[i].in);
		free(s->conns[i].out);
	}
	rb_dns_forward_close(s);
	rb_dns_zone_free(s->zone);
	free(s->conns);
	free(s->udp_slots);
	free(s);
}

const uint64_t *rb_dns_server_counters(const struct rb_dns_server *s)
{
	return s->counters;
}

const struct rb_dns_zone *rb_dns_server_zone(const struct rb_dns_server *s)
{
	return s->zone;
}

const struct rb_dns_settings *rb_dns_server_settings(const struct rb_dns_server *s)
{
	return &s->settings;
}

uint16_t rb_dns_server_port(const struct rb_dns_server *s)
{
	return s->dns->port;
}
