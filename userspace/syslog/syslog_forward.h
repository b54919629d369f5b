/* SPDX-License-Identifier: MIT */
/*
 * Forwarding to the operator's collectors: a bounded queue per
 * collector, drained with non-blocking sockets from rackbootd's loop so
 * that a slow or dead collector never blocks serving.  TCP collectors
 * get RFC 6587 octet-counted frames and are reconnected with a backoff
 * from RB_SYSLOG_BACKOFF_MIN_MS doubling to RB_SYSLOG_BACKOFF_MAX_MS.
 * TLS collectors (RFC 5425) get the same frames inside TLS, the same
 * backoff, and a failed handshake counts as a failed connection.  UDP
 * collectors get one datagram per message.
 */
#ifndef RB_SYSLOG_FORWARD_H
#define RB_SYSLOG_FORWARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "syslog/syslog_record.h"

#define RB_SYSLOG_BACKOFF_MIN_MS	500
#define RB_SYSLOG_BACKOFF_MAX_MS	8000
#define RB_SYSLOG_CONNECT_TIMEOUT_MS	5000

struct rb_syslog_collector_config {
	struct sockaddr_storage addr;	/* address and port */
	socklen_t addr_len;
	uint8_t transport;		/* enum rb_syslog_transport */
	uint32_t queue_size;		/* messages */
	const char *ca_file;		/* RB_SYSLOG_TLS: PEM CAs of the collector's chain */
	const char *server_name;	/* RB_SYSLOG_TLS: name its certificate must carry */
};

struct rb_syslog_collector_counters {
	uint64_t forwarded;	/* messages fully handed to the socket */
	uint64_t dropped;	/* messages not queued because the queue was full */
	uint64_t reconnects;	/* TCP connection attempts after the first */
};

struct rb_syslog_forwarder;

int rb_syslog_forwarder_new(const struct rb_syslog_collector_config *collectors, size_t count,
			    struct rb_syslog_forwarder **out);
void rb_syslog_forwarder_free(struct rb_syslog_forwarder *fw);

/* Queue one RFC 5424 message (without framing) for every collector and send what can go now. */
void rb_syslog_forward(struct rb_syslog_forwarder *fw, const char *msg, size_t len,
		       uint64_t now_ms);

/* Connect, detect closed connections and send queued messages. */
void rb_syslog_forwarder_tick(struct rb_syslog_forwarder *fw, uint64_t now_ms);

/* Counters summed over the collectors. */
void rb_syslog_forwarder_counters(const struct rb_syslog_forwarder *fw,
				  struct rb_syslog_collector_counters *sum);

#endif
