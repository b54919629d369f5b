// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "ra/ra_link.h"
#include "ra/ra_schedule.h"
#include "ra/ra_sender.h"
#include "ra/ra_template.h"

/* MaxRtrAdvInterval when the config leaves it 0 (RFC 4861 6.2.1 default). */
#define RA_DEFAULT_MAX_INTERVAL_MS	600000

/*
 * A failed send is tried again this much later, doubling with each
 * further failure up to MaxRtrAdvInterval, so that a link without IPv6
 * costs a send only now and then.  Only the first failure in a row is
 * logged as a warning.
 */
#define RA_RETRY_MS			1000

/* One advertising interface. */
struct ra_link {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int fd;			/* raw ICMPv6 socket bound to ifname, -1 with a send hook */
	uint8_t body[RB_RA_BODY_MAX];
	size_t body_len;
	uint16_t router_lifetime;	/* seconds, as configured */
	struct rb_ra_schedule schedule;
	uint32_t failures;	/* sends failed in a row */
};

struct rb_ra_sender {
	struct ra_link *links;
	size_t n_links;
	struct rb_ra_sender_hooks hooks;
	struct rb_ra_sender_stats stats;
	uint64_t random_state;	/* xorshift64 state when no random hook is given */
	bool stopped;
};

static uint32_t next_random(struct rb_ra_sender *s)
{
	if (s->hooks.random)
		return s->hooks.random(s->hooks.arg);

	/* Only the send times depend on it, so a non-cryptographic PRNG suffices. */
	s->random_state ^= s->random_state << 13;
	s->random_state ^= s->random_state >> 7;
	s->random_state ^= s->random_state << 17;
	return (uint32_t)(s->random_state >> 32);
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) ? -errno : 0;
}

/*
 * A raw ICMPv6 socket on ifname: hop limit 255 as RFC 4861 6.1.2
 * requires, no looped-back copies, and a filter that blocks every
 * incoming ICMPv6 message, since the sender reads none.  The kernel
 * computes the ICMPv6 checksum of raw ICMPv6 sockets.
 */
static int link_socket(struct ra_link *l)
{
	struct icmp6_filter filter;
	int fd, err;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;

	ICMP6_FILTER_SETBLOCKALL(&filter);
	err = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) ? -errno : 0;
	if (!err && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->ifname, strlen(l->ifname)))
		err = -errno;
	if (!err)
		err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, l->ifindex);
	if (!err)
		err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, RB_ND_HOP_LIMIT);
	if (!err)
		err = set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, RB_ND_HOP_LIMIT);
	if (!err)
		err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (err) {
		close(fd);
		return err;
	}
	l->fd = fd;
	return 0;
}

static int link_open(struct rb_ra_sender *s, const struct rb_cfg_ra *cfg, struct ra_link *l,
		     uint64_t now_ms)
{
	struct rb_ra_link_info info;
	uint32_t max_ms, min_ms;
	int len, err;

	snprintf(l->ifname, sizeof(l->ifname), "%s", cfg->interface);
	err = rb_ra_link_lookup(l->ifname, &info);
	if (err) {
		log_err("ra: looking up interface %s failed: %s; check the router-advertisements "
			"interface name", l->ifname, strerror(-err));
		return err;
	}
	l->ifindex = info.ifindex;

	len = rb_ra_body_encode(cfg, info.mac, l->body, sizeof(l->body));
	if (len < 0) {
		log_err("ra: encoding the router advertisement of %s failed: %s", l->ifname,
			strerror(-len));
		return len;
	}
	l->body_len = (size_t)len;
	l->router_lifetime = cfg->router_lifetime;

	if (!s->hooks.send) {
		err = link_socket(l);
		if (err) {
			log_err("ra: opening a raw ICMPv6 socket on %s failed: %s; rackbootd needs "
				"CAP_NET_RAW", l->ifname, strerror(-err));
			return err;
		}
	}

	/* RFC 4861 6.2.1: MinRtrAdvInterval defaults to 0.33 * MaxRtrAdvInterval. */
	max_ms = cfg->max_interval_ms ? cfg->max_interval_ms : RA_DEFAULT_MAX_INTERVAL_MS;
	min_ms = cfg->min_interval_ms ? cfg->min_interval_ms : max_ms / 3;
	rb_ra_schedule_start(&l->schedule, min_ms, max_ms, now_ms);
	log_info("ra: advertising on %s every %u to %u s, router lifetime %u s", l->ifname,
		 min_ms / 1000, max_ms / 1000, cfg->router_lifetime);
	return 0;
}

static int link_send(struct rb_ra_sender *s, struct ra_link *l)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_addr = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } },	/* all-nodes */
		.sin6_scope_id = (uint32_t)l->ifindex,
	};
	int err = 0;

	if (s->hooks.send)
		err = s->hooks.send(s->hooks.arg, l->ifindex, l->body, l->body_len);
	else if (sendto(l->fd, l->body, l->body_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err = -errno;

	if (err) {
		s->stats.failed++;
		l->failures++;
		if (l->failures == 1)
			log_warn("ra: sending a router advertisement on %s failed: %s; retrying with "
				 "growing delays, check that IPv6 is enabled on %s", l->ifname,
				 strerror(-err), l->ifname);
		else
			log_debug("ra: sending a router advertisement on %s failed again (%u in a "
				  "row): %s", l->ifname, l->failures, strerror(-err));
		return err;
	}

	s->stats.sent++;
	if (l->failures)
		log_info("ra: sent a router advertisement on %s after %u failed attempts", l->ifname,
			 l->failures);
	l->failures = 0;
	return 0;
}

/* The delay before the next attempt after l->failures failed sends in a row. */
static uint64_t retry_delay_ms(const struct ra_link *l)
{
	uint64_t delay = RA_RETRY_MS;

	for (uint32_t i = 1; i < l->failures && delay < l->schedule.max_ms; i++)
		delay *= 2;
	return delay < l->schedule.max_ms ? delay : l->schedule.max_ms;
}

static void seed(struct rb_ra_sender *s)
{
	if (getrandom(&s->random_state, sizeof(s->random_state), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(s->random_state))
		s->random_state = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	if (s->random_state == 0)
		s->random_state = 1;	/* xorshift stays at 0 forever */
}

int rb_ra_sender_new(const struct rb_config *cfg, const struct rb_ra_sender_hooks *hooks,
		     uint64_t now_ms, struct rb_ra_sender **out)
{
	struct rb_ra_sender *s;
	int err;

	*out = NULL;
	if (cfg->n_ras == 0)
		return 0;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->links = calloc(cfg->n_ras, sizeof(*s->links));
	if (!s->links) {
		free(s);
		return -ENOMEM;
	}
	if (hooks)
		s->hooks = *hooks;
	seed(s);

	for (size_t i = 0; i < cfg->n_ras; i++) {
		s->links[i].fd = -1;
		err = link_open(s, &cfg->ras[i], &s->links[i], now_ms);
		s->n_links = i + 1;
		if (err) {
			rb_ra_sender_free(s);
			return err;
		}
	}
	*out = s;
	return 0;
}

void rb_ra_sender_tick(struct rb_ra_sender *s, uint64_t now_ms)
{
	if (!s || s->stopped)
		return;

	for (size_t i = 0; i < s->n_links; i++) {
		struct ra_link *l = &s->links[i];

		if (!rb_ra_schedule_due(&l->schedule, now_ms))
			continue;
		if (link_send(s, l))
			l->schedule.next_ms = now_ms + retry_delay_ms(l);
		else
			rb_ra_schedule_sent(&l->schedule, now_ms, next_random(s));
	}
}

void rb_ra_sender_stop(struct rb_ra_sender *s)
{
	if (!s || s->stopped)
		return;
	s->stopped = true;

	for (size_t i = 0; i < s->n_links; i++) {
		struct ra_link *l = &s->links[i];

		if (l->router_lifetime == 0)
			continue;
		rb_ra_body_set_router_lifetime(l->body, 0);
		if (link_send(s, l) == 0)
			log_info("ra: sent the final router advertisement (router lifetime 0) on %s",
				 l->ifname);
	}
}

const struct rb_ra_sender_stats *rb_ra_sender_stats(const struct rb_ra_sender *s)
{
	return &s->stats;
}

void rb_ra_sender_free(struct rb_ra_sender *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_links; i++) {
		if (s->links[i].fd >= 0)
			close(s->links[i].fd);
	}
	free(s->links);
	free(s);
}

uint64_t rb_ra_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
