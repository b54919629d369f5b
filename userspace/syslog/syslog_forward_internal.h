/* SPDX-License-Identifier: MIT */
/* A collector's state, shared by syslog_forward.c and syslog_forward_tls.c. */
#ifndef RB_SYSLOG_FORWARD_INTERNAL_H
#define RB_SYSLOG_FORWARD_INTERNAL_H

#include <arpa/inet.h>
#include <stdbool.h>

#include "syslog/syslog_forward.h"

struct rb_tls_ctx;
struct rb_tls_conn;

/* Maximum length of a server name: a DNS name of 253 characters or an address. */
#define RB_SYSLOG_SERVER_NAME_MAX	253

enum collector_state {
	COLLECTOR_DOWN,
	COLLECTOR_CONNECTING,
	COLLECTOR_HANDSHAKE,	/* TCP connected, TLS handshake running */
	COLLECTOR_UP,
};

struct queued {
	char *data;	/* the message, with its octet-count header for TCP and TLS */
	size_t len;
};

struct collector {
	struct rb_syslog_collector_config cfg;	/* ca_file and server_name are NULL */
	char name[INET6_ADDRSTRLEN + 16];	/* "udp ADDR:PORT" for logs */
	char server_name[RB_SYSLOG_SERVER_NAME_MAX + 1];
	int fd;
	enum collector_state state;
	bool ever_tried;
	uint64_t next_attempt_ms;
	uint64_t connect_started_ms;	/* the timeout covers connect and TLS handshake */
	uint32_t backoff_ms;
	struct queued *queue;
	uint32_t head;
	uint32_t count;
	size_t head_sent;	/* bytes of the head message already sent (TCP) or encrypted (TLS) */
	struct rb_tls_ctx *tls_ctx;	/* RB_SYSLOG_TLS only */
	struct rb_tls_conn *tls;	/* while connected over TLS */
	struct rb_syslog_collector_counters counters;
};

/* syslog_forward.c */
void rb_syslog_collector_reconnect(struct collector *c, uint64_t now_ms, const char *why);
void rb_syslog_collector_up(struct collector *c);
void rb_syslog_collector_pop(struct collector *c);

/* syslog_forward_tls.c: the TLS layer of a collector's connection. */
int rb_syslog_tls_collector_init(struct collector *c, const char *ca_file,
				 const char *server_name);
/* End the TLS connection (close_notify is not sent: the socket closes next). */
void rb_syslog_tls_collector_close(struct collector *c);
void rb_syslog_tls_collector_free(struct collector *c);
/* Start the handshake on the connected socket. */
void rb_syslog_tls_begin(struct collector *c, uint64_t now_ms);
/* Drive the handshake; the collector goes up or is reconnected. */
void rb_syslog_tls_handshake(struct collector *c, uint64_t now_ms);
/* Read what the collector sent; true when it closed the connection. */
bool rb_syslog_tls_peer_closed(struct collector *c, const char **why);
void rb_syslog_tls_flush(struct collector *c, uint64_t now_ms);

#endif
