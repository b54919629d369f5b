/* SPDX-License-Identifier: MIT */
/*
 * The syslog receiver on rackbootd's io_uring: UDP, TCP (RFC 6587) and
 * optionally TLS (RFC 5425) on one dual-stack socket each, messages parsed (RFC 5424, RFC 3164),
 * attributed to a device by source address, kept in per-device rings
 * and forwarded to the configured collectors.
 */
#ifndef RB_SYSLOG_SERVER_H
#define RB_SYSLOG_SERVER_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/uring_tag.h"
#include "syslog/syslog_forward.h"
#include "syslog/syslog_ring.h"
#include "syslog/syslog_table.h"

struct rb_syslog_config {
	uint16_t udp_port;		/* 0 = no UDP */
	uint16_t tcp_port;		/* 0 = no TCP */
	uint32_t max_message;		/* bytes; longer messages are cut */
	uint32_t entries_per_device;
	uint32_t max_connections;
	uint32_t idle_timeout_ms;
	uint16_t tls_port;		/* 0 = no TLS */
	const char *tls_certificate;	/* PEM chain, with tls_port */
	const char *tls_private_key;
	const char *tls_client_ca;	/* PEM CAs that clients must chain to; NULL = no mutual TLS */
	const struct rb_syslog_collector_config *collectors;
	size_t n_collectors;
};

struct rb_syslog_counters {
	uint64_t rx_udp;
	uint64_t rx_tcp;
	uint64_t parse_errors;	/* stored as raw text */
	uint64_t cut;		/* longer than max_message */
	uint64_t unattributed;	/* from an address of no known device */
	uint64_t tcp_rejected;	/* connections closed at once: over max_connections */
	uint64_t tcp_idle_closed;	/* TCP and TLS */
	uint64_t rx_tls;
	uint64_t tls_rejected;	/* failed handshake (no or bad client certificate, not TLS) or bad record */
};

struct rb_syslog_server;

/* Bind the sockets.  Nothing is queued on the ring before start. */
int rb_syslog_server_new(struct io_uring *ring, const struct rb_syslog_config *cfg,
			 struct rb_syslog_server **out);
int rb_syslog_server_start(struct rb_syslog_server *s);
void rb_syslog_server_stop(struct rb_syslog_server *s);
void rb_syslog_server_free(struct rb_syslog_server *s);

static inline bool rb_syslog_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_SYSLOG;
}

int rb_syslog_server_handle_cqe(struct rb_syslog_server *s, const struct io_uring_cqe *cqe);

/* Close idle connections and run the forwarder.  now_ms is CLOCK_MONOTONIC. */
void rb_syslog_server_tick(struct rb_syslog_server *s, uint64_t now_ms);

/* Swap in a rebuilt address table.  The server frees the old one. */
void rb_syslog_server_set_table(struct rb_syslog_server *s, struct rb_syslog_table *table);

/*
 * Forward to collectors from now on (the reload).  The old collectors
 * are closed, and the messages still in their queues are lost; their
 * log line says how many.  Returns 0, or a negative errno with the old
 * collectors kept.
 */
int rb_syslog_server_set_collectors(struct rb_syslog_server *s,
				    const struct rb_syslog_collector_config *collectors, size_t count);

struct rb_syslog_rings *rb_syslog_server_rings(struct rb_syslog_server *s);
const struct rb_syslog_counters *rb_syslog_server_counters(const struct rb_syslog_server *s);
void rb_syslog_server_forward_counters(const struct rb_syslog_server *s,
				       struct rb_syslog_collector_counters *sum);

/*
 * The receive path after framing, for the server and the tests: parse,
 * attribute, store, forward.  peer is the 16-byte source address
 * (IPv4-mapped for IPv4).
 */
void rb_syslog_server_ingest(struct rb_syslog_server *s, uint8_t transport,
			     const uint8_t peer[16], const char *buf, size_t len, bool cut);

uint64_t rb_syslog_now_ms(void);

#endif
