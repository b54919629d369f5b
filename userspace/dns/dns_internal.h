/* SPDX-License-Identifier: MIT */
/*
 * State of the DNS server shared by its files:
 *
 *   dns_server.c   sockets, UDP receives and replies, lifecycle
 *   dns_tcp.c      TCP connections: framing, pipelined queries, idle timeout
 *   dns_forward.c  forwarding to upstream resolvers with a pending table
 *
 * user_data payload: the request kind in bits 48-55, a generation in
 * bits 32-47 (TCP connections) and an index in bits 0-31.
 */
#ifndef RB_DNS_INTERNAL_H
#define RB_DNS_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "dns/dns_answer.h"
#include "dns/dns_server.h"

#define RB_DNS_UDP_SLOTS	32	/* receives in flight per UDP socket */
#define RB_DNS_QUERY_BUF	4096	/* a larger datagram is dropped */
#define RB_DNS_CONTROL_BUF	128	/* room for IP_PKTINFO or IPV6_PKTINFO */
#define RB_DNS_PENDING_MAX	1024	/* forwarded queries waiting for an upstream */
#define RB_DNS_UPSTREAM_SLOTS	8	/* receives in flight per upstream socket */

enum dns_kind {
	DNS_KIND_UDP = 1,	/* index: socket (0 IPv4, 1 IPv6) * RB_DNS_UDP_SLOTS + slot */
	DNS_KIND_ACCEPT,	/* index: socket */
	DNS_KIND_TCP_RECV,	/* index: connection */
	DNS_KIND_TCP_SEND,
	DNS_KIND_UPSTREAM,	/* index: socket * RB_DNS_UPSTREAM_SLOTS + slot */
};

static inline uint64_t dns_tag(enum dns_kind kind, uint16_t gen, uint32_t index)
{
	return rb_uring_tag(RB_URING_OWNER_DNS,
			    (uint64_t)kind << 48 | (uint64_t)gen << 32 | index);
}

union dns_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* One receive in flight on a UDP socket, and the buffers it fills. */
struct dns_udp_slot {
	struct msghdr msg;
	struct iovec iov;
	union dns_addr peer;
	_Alignas(struct cmsghdr) uint8_t control[RB_DNS_CONTROL_BUF];	/* CMSG_NXTHDR reads aligned headers */
	uint8_t data[RB_DNS_QUERY_BUF];
};

/* The route of a UDP reply: the peer, and the local address and interface that the query reached. */
struct dns_udp_route {
	int fd;
	union dns_addr peer;
	socklen_t peer_len;
	bool has_local;
	bool ipv6;
	struct in_addr local4;
	struct in6_addr local6;
	int ifindex;
};

struct dns_conn {
	int fd;				/* -1: free */
	uint16_t gen;			/* tells a completion for an old occupant apart */
	unsigned int ops;		/* requests in the ring */
	bool recv_pending, send_pending, forward_pending, closing;
	uint64_t last_ms;
	size_t in_len;			/* bytes in in */
	size_t out_len, out_sent;
	uint8_t *in;			/* 2 + RB_DNS_TCP_MAX bytes */
	uint8_t *out;			/* 2 + RB_DNS_TCP_MAX bytes */
};

/* A forwarded query waiting for an upstream's answer. */
struct dns_pending {
	bool used;
	uint16_t upstream_id;		/* the ID sent upstream */
	uint8_t upstream;		/* index of the upstream asked */
	uint64_t deadline_ms;
	struct rb_dns_query q;		/* the client's query: ID, question, EDNS */
	uint8_t msg[RB_DNS_QUERY_BUF];
	size_t msg_len;
	bool tcp;
	uint32_t conn;			/* for tcp: connection index and generation */
	uint16_t conn_gen;
	struct dns_udp_route route;	/* for udp */
};

struct dns_upstream_slot {
	struct msghdr msg;
	struct iovec iov;
	union dns_addr peer;
	uint8_t data[RB_DNS_TCP_MAX];
};

struct rb_dns_server {
	struct io_uring *ring;
	const struct rb_config *config;
	const struct rb_cfg_dns *dns;
	struct rb_dns_zone *zone;
	struct rb_dns_settings settings;
	bool stopping;

	int udp_fd[2];			/* IPv4, IPv6; -1 when absent */
	struct dns_udp_slot *udp_slots;	/* 2 * RB_DNS_UDP_SLOTS */
	int tcp_fd[2];
	bool accept_pending[2];

	struct dns_conn *conns;		/* dns->tcp_max_connections */
	size_t n_conns;			/* in use */

	int upstream_fd[2];		/* IPv4, IPv6; -1 when not forwarding */
	struct dns_upstream_slot *upstream_slots;	/* 2 * RB_DNS_UPSTREAM_SLOTS */
	struct dns_pending *pending;	/* RB_DNS_PENDING_MAX, when forwarding */
	size_t n_pending;

	uint8_t out[2 + RB_DNS_TCP_MAX];	/* UDP replies, built and sent at once */
	uint64_t counters[RB_DNSC_COUNT];
};

/* dns_server.c */
struct io_uring_sqe *rb_dns_get_sqe(struct rb_dns_server *s);
void rb_dns_count_reply(struct rb_dns_server *s, const struct rb_dns_reply_info *info);
void rb_dns_udp_send(struct rb_dns_server *s, const struct dns_udp_route *route,
		     const uint8_t *msg, size_t len);

/* dns_tcp.c */
int rb_dns_tcp_open(struct rb_dns_server *s, int family);
void rb_dns_tcp_queue_accept(struct rb_dns_server *s, int sock);
void rb_dns_tcp_handle(struct rb_dns_server *s, enum dns_kind kind, uint16_t gen, uint32_t index,
		       int res);
void rb_dns_tcp_tick(struct rb_dns_server *s, uint64_t now_ms);
void rb_dns_tcp_stop(struct rb_dns_server *s);
/* Send a response of len bytes at conn->out + 2 (from a forward), then read on. */
void rb_dns_tcp_reply(struct rb_dns_server *s, uint32_t index, uint16_t gen, const uint8_t *msg,
		      size_t len);

/* dns_forward.c */
int rb_dns_forward_open(struct rb_dns_server *s);
void rb_dns_forward_start(struct rb_dns_server *s);
/*
 * Forward the query msg (parsed as q) for a UDP client (route) or a TCP
 * connection (conn, gen when route is NULL).  Returns false when it
 * cannot (table full, no upstream socket); the caller sends SERVFAIL.
 */
bool rb_dns_forward(struct rb_dns_server *s, const uint8_t *msg, size_t len,
		    const struct rb_dns_query *q, const struct dns_udp_route *route, uint32_t conn,
		    uint16_t gen);
void rb_dns_forward_handle(struct rb_dns_server *s, uint32_t index, int res);
void rb_dns_forward_tick(struct rb_dns_server *s, uint64_t now_ms);
void rb_dns_forward_close(struct rb_dns_server *s);

/*
 * Answer one query for a client; for names outside the zones, forward
 * it or build REFUSED.  Returns the length of the response in out, or 0
 * when there is nothing to send now (dropped, or forwarded).
 */
size_t rb_dns_handle_query(struct rb_dns_server *s, const uint8_t *msg, size_t len, bool tcp,
			   uint8_t *out, const struct dns_udp_route *route, uint32_t conn,
			   uint16_t gen);

#endif
