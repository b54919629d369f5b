/* SPDX-License-Identifier: MIT */
/*
 * Unsolicited Router Advertisements (RFC 4861 6.2.4 and 6.2.5): one raw
 * ICMPv6 socket per interface of the config's router-advertisements,
 * bound to the interface, sending to ff02::1 with hop limit 255 on the
 * schedule of ra_schedule.h.  On stop, every interface whose router
 * lifetime is nonzero gets a final RA with router lifetime 0, so that
 * hosts stop using the appliance as a default router at once.
 *
 * The caller passes the time (ms on any monotonic clock) to
 * rb_ra_sender_tick() at least once a second.  The hooks let a test
 * replace the socket and the random source.
 */
#ifndef RB_RA_SENDER_H
#define RB_RA_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct rb_ra_sender;

/* Replacements for tests.  A NULL function pointer selects the real one. */
struct rb_ra_sender_hooks {
	/* Send body[0..len) on ifindex.  Returns 0 or a negative errno. */
	int (*send)(void *arg, int ifindex, const uint8_t *body, size_t len);
	/* A uniformly random 32-bit value. */
	uint32_t (*random)(void *arg);
	void *arg;
};

/* Counts per sender, over all its interfaces. */
struct rb_ra_sender_stats {
	uint64_t sent;		/* RAs sent, final ones included */
	uint64_t failed;	/* sends that failed (logged, retried on the next tick) */
};

/*
 * Look up every interface of cfg->ras, encode its RA and open its socket.
 * hooks may be NULL.  Returns 0 and sets *out (NULL when cfg has no
 * router-advertisements), or a negative errno after logging which
 * interface failed and why.
 */
int rb_ra_sender_new(const struct rb_config *cfg, const struct rb_ra_sender_hooks *hooks,
		     uint64_t now_ms, struct rb_ra_sender **out);

/* Send the RAs that are due at now_ms. */
void rb_ra_sender_tick(struct rb_ra_sender *s, uint64_t now_ms);

/* Send the final RAs (router lifetime 0) and stop the schedule. */
void rb_ra_sender_stop(struct rb_ra_sender *s);

const struct rb_ra_sender_stats *rb_ra_sender_stats(const struct rb_ra_sender *s);

/* Close the sockets and free s, which may be NULL. */
void rb_ra_sender_free(struct rb_ra_sender *s);

/* CLOCK_MONOTONIC in ms, the clock rackbootd ticks the sender with. */
uint64_t rb_ra_now_ms(void);

#endif
