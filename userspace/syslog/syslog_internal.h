/* SPDX-License-Identifier: MIT */
/* The syslog receiver's state, shared by the syslog_*.c files of the server. */
#ifndef RB_SYSLOG_INTERNAL_H
#define RB_SYSLOG_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "syslog/syslog_parse.h"
#include "syslog/syslog_server.h"

struct rb_tls_ctx;
struct rb_tls_conn;

/*
 * UDP receives kept in flight at once.  The loop re-queues them once per
 * cycle, so this bounds the datagrams handled per cycle.
 */
#define RB_SYSLOG_UDP_SLOTS	32

/*
 * Ciphertext received per TLS receive: one TLS record of 16 KiB with
 * its header and expansion.
 */
#define RB_SYSLOG_TLS_RECV	(16 * 1024 + 512)

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
	struct rb_tls_conn *tls;	/* a connection of the TLS port, else NULL */
	uint8_t *cipher;	/* RB_SYSLOG_TLS_RECV bytes of ciphertext, kept with the slot */
};

struct rb_syslog_server {
	struct io_uring *ring;
	struct rb_syslog_config cfg;
	int udp_fd;
	int tcp_fd;
	int tls_fd;
	struct rb_tls_ctx *tls_ctx;
	bool stopping;
	bool accept_pending;	/* the TCP accept could not be queued: retry at the next tick */
	bool tls_accept_pending;	/* the same for the TLS port */
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

/* syslog_server.c: a listening (SOCK_STREAM) or UDP socket on port, dual-stack where possible. */
int rb_syslog_bind_socket(int type, uint16_t port, int *fd_out);

/* syslog_tcp.c: connections of the TCP and TLS ports. */
void rb_syslog_tcp_accepted(struct rb_syslog_server *s, int res, bool tls);
/* Pass every complete frame in the connection's buffer to ingest. */
void rb_syslog_tcp_drain(struct rb_syslog_server *s, struct rb_syslog_conn *c);
/* Close a connection: at once, or after its pending receive completed. */
void rb_syslog_tcp_shutdown(struct rb_syslog_server *s, uint32_t index);
void rb_syslog_peer_text(const uint8_t peer[16], char *out, size_t size);
void rb_syslog_tcp_received(struct rb_syslog_server *s, uint32_t index, uint32_t gen, int res);
void rb_syslog_tcp_sweep(struct rb_syslog_server *s, uint64_t now_ms);
void rb_syslog_tcp_close_all(struct rb_syslog_server *s);

/* syslog_tls.c: the TLS port (RFC 5425) on top of the TCP connections. */
int rb_syslog_tls_open(struct rb_syslog_server *s);
void rb_syslog_tls_close(struct rb_syslog_server *s);
/* Give connection c its TLS state.  False (logged) when out of memory. */
bool rb_syslog_tls_conn_setup(struct rb_syslog_server *s, struct rb_syslog_conn *c);
void rb_syslog_tls_conn_release(struct rb_syslog_conn *c);
/*
 * Take len bytes of ciphertext that arrived in c->cipher: decrypt, frame,
 * ingest, and send what TLS has to send.  False when the connection must
 * close.
 */
bool rb_syslog_tls_received(struct rb_syslog_server *s, uint32_t index, size_t len);
/* Send the ciphertext that an earlier send() left.  False when the connection must close. */
bool rb_syslog_tls_send_pending(struct rb_syslog_server *s, struct rb_syslog_conn *c);

#endif
