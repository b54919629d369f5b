/* SPDX-License-Identifier: MIT */
/*
 * The DNS server on a caller-owned io_uring: UDP and TCP on one port,
 * IPv4 and IPv6.  It answers from a zone set (dns_zone.h) that the
 * caller builds and swaps in.  When the config enables forwarding, it
 * forwards queries for names outside the zones to upstream resolvers.
 *
 *	rb_dns_server_new(ring, &cfg, &s);     bind the sockets
 *	rb_dns_server_set_zone(s, zone);        any time; s owns the zone
 *	rb_dns_server_start(s);                 queue receives and accepts
 *	loop: each cqe with rb_dns_owns(): rb_dns_server_handle_cqe(s, cqe);
 *	      rb_dns_server_tick(s, now_ms);    at least every 100 ms
 *	shutdown: rb_dns_server_stop(s); io_uring_queue_exit(); rb_dns_server_free(s);
 */
#ifndef RB_DNS_SERVER_H
#define RB_DNS_SERVER_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/uring_tag.h"
#include "config/config.h"
#include "dns/dns_answer.h"
#include "dns/dns_zone.h"

/* Counters, in the order of the RB_UC_DNS_* entries of rb_us_counters. */
enum rb_dns_counter {
	RB_DNSC_QUERIES = 0,	/* messages received over UDP and TCP, malformed ones included */
	RB_DNSC_NOERROR,	/* responses by rcode */
	RB_DNSC_FORMERR,
	RB_DNSC_SERVFAIL,
	RB_DNSC_NXDOMAIN,
	RB_DNSC_NOTIMP,
	RB_DNSC_REFUSED,
	RB_DNSC_BADVERS,
	RB_DNSC_FORWARDED,	/* queries sent to an upstream (each retry counts) */
	RB_DNSC_TRUNCATED,	/* responses with TC set */
	RB_DNSC_DROPPED,	/* messages answered with nothing: short, a response, or no room */
	RB_DNSC_TCP_CONNECTIONS,	/* connections accepted */
	RB_DNSC_COUNT,
};

struct rb_dns_server;

struct rb_dns_server_config {
	const struct rb_config *config;	/* dns settings; must outlive the server */
};

/* Open and bind the sockets.  Returns 0 or a negative errno, logged. */
int rb_dns_server_new(struct io_uring *ring, const struct rb_dns_server_config *cfg,
		      struct rb_dns_server **out);

/*
 * Take the dns settings of config from now on (the reload): TTL and SOA
 * through the zone that the caller builds next, EDNS size, upstreams and
 * timeouts.  The port, tcp max-connections and forwarding on or off are
 * fixed at new, and so are the address families of the upstreams.
 * Returns -EINVAL, changing nothing, when config changes one of them.
 * config must outlive the server or the next call.
 */
int rb_dns_server_set_config(struct rb_dns_server *s, const struct rb_config *config);

/* Answer from zone from now on; the server frees the previous one. */
void rb_dns_server_set_zone(struct rb_dns_server *s, struct rb_dns_zone *zone);

int rb_dns_server_start(struct rb_dns_server *s);

static inline bool rb_dns_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_DNS;
}

/* Handle one completion that rb_dns_owns.  Returns 0 or a negative errno. */
int rb_dns_server_handle_cqe(struct rb_dns_server *s, const struct io_uring_cqe *cqe);

/* Close idle TCP connections and move forwarded queries past their timeout on. */
void rb_dns_server_tick(struct rb_dns_server *s, uint64_t now_ms);

/* Stop accepting and close the connections; receives end with the ring. */
void rb_dns_server_stop(struct rb_dns_server *s);
void rb_dns_server_free(struct rb_dns_server *s);

const uint64_t *rb_dns_server_counters(const struct rb_dns_server *s);
/* The zone answered from (NULL before rb_dns_server_set_zone()) and the response settings. */
const struct rb_dns_zone *rb_dns_server_zone(const struct rb_dns_server *s);
const struct rb_dns_settings *rb_dns_server_settings(const struct rb_dns_server *s);
uint16_t rb_dns_server_port(const struct rb_dns_server *s);

/* Milliseconds of CLOCK_MONOTONIC, the clock of rb_dns_server_tick(). */
uint64_t rb_dns_now_ms(void);

#endif
