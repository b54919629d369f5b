/* SPDX-License-Identifier: MIT */
/* The syslog receiver's state, shared by the syslog_*.c files of the server. */
#ifndef RB_SYSLOG_INTERNAL_H
#define RB_SYSLOG_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "syslog/syslog_parse.h"
#include "syslog/syslog_server.h"

/*
 * UDP receives kept in flight at once.  The loop re-queues them once per
 * cycle, so this bounds the datagrams handled per cycle.
 */
#define RB_SYSLOG_UDP_SLOTS	32

/* Receive buffer requested for the UDP socket, so that bursts wait in the kernel (capped by rmem_max). */
#define RB_SYSLOG_UDP_RCVBUF	(4 << 20)

/*
 * Bytes that the RFC 5424 header of a forwarded message can add to the
 * received message: PRI, VERSION, the separators and the header fields
 * at their maximum lengths.  SD and MSG come from the received message.
 */
#define RB_SYSLOG_FORWARD_HEADER_MAX	(16 + RB_SYSLOG_TIMESTAMP_MAX + RB_SYSLOG_HOSTNAME_MAX + \
					 RB_SYSLOG_APP_NAME_MAX + RB_SYSLOG_PROCID_MAX + \
					 RB_SYSLOG_MSGID_MAX)

struct rb_syslog_udp_slot {
	struct msghdr msg;
	struct iovec iov;
	struct sockaddr_storage peer;
	char control[64];
	char *data;		/* max_message + 1 bytes, to tell a longer datagram */
	bool armed;
};

struct rb_syslog_conn {
	bool in_use;
	bool recv_armed;
	bool closing;		/* shut down; freed when its receive completes */
	int fd;
	uint16_t gen;
	uint8_t peer[16];
	char *buf;		/* RB_SYSLOG_FRAME_HEADER_MAX + max_message bytes */
	size_t cap;
	size_t fill;
	uint64_t last_rx_ms;
	struct rb_syslog_framer framer;
};

struct rb_syslog_server {
	struct io_uring *ring;
	struct rb_syslog_config cfg;
	int udp_fd;
	int tcp_fd;
	bool stopping;
	bool accept_armed;
	bool accept_pending;	/* the accept could not be queued: retry at the next tick */
	struct rb_syslog_udp_slot udp[RB_SYSLOG_UDP_SLOTS];
	struct rb_syslog_conn *conns;	/* max_connections slots */
	uint32_t n_conns;
	struct rb_syslog_table table;
	struct rb_syslog_rings rings;
	struct rb_syslog_forwarder *forwarder;
	struct rb_syslog_collector_counters forward_base;	/* of forwarders replaced by a reload */
	char *format_buf;	/* one forwarded message */
	struct rb_syslog_counters counters;
};

/* syslog_server.c: queue a receive on connection index.  False when the ring is full. */
bool rb_syslog_queue_tcp_recv(struct rb_syslog_server *s, uint32_t index);

/* syslog_tcp.c: connections. */
void rb_syslog_tcp_accepted(struct rb_syslog_server *s, int res);
void rb_syslog_tcp_received(struct rb_syslog_server *s, uint32_t index, uint32_t gen, int res);
void rb_syslog_tcp_sweep(struct rb_syslog_server *s, uint64_t now_ms);
void rb_syslog_tcp_close_all(struct rb_syslog_server *s);

#endif
