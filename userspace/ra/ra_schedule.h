/* SPDX-License-Identifier: MIT */
/*
 * When to send the next unsolicited Router Advertisement on one
 * interface (RFC 4861 6.2.4): the first at once, then at random
 * intervals between MinRtrAdvInterval and MaxRtrAdvInterval, with the
 * intervals between the first MAX_INITIAL_RTR_ADVERTISEMENTS capped at
 * MAX_INITIAL_RTR_ADVERT_INTERVAL.  No clock and no random source of its
 * own, so that a test can drive both.
 */
#ifndef RB_RA_SCHEDULE_H
#define RB_RA_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#define RB_RA_MAX_INITIAL_ADVERTS	3		/* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define RB_RA_MAX_INITIAL_INTERVAL_MS	16000		/* MAX_INITIAL_RTR_ADVERT_INTERVAL */

struct rb_ra_schedule {
	uint32_t min_ms;	/* MinRtrAdvInterval */
	uint32_t max_ms;	/* MaxRtrAdvInterval */
	uint32_t sent;		/* unsolicited RAs sent so far */
	uint64_t next_ms;	/* time the next RA is due, on the caller's clock */
};

/* Start the schedule at now_ms, so that the first RA is due at once. */
void rb_ra_schedule_start(struct rb_ra_schedule *s, uint32_t min_ms, uint32_t max_ms,
			  uint64_t now_ms);

bool rb_ra_schedule_due(const struct rb_ra_schedule *s, uint64_t now_ms);

/*
 * Record an RA sent at now_ms and pick the next time from random, a
 * uniformly random 32-bit value.  Returns the interval chosen, in ms.
 */
uint32_t rb_ra_schedule_sent(struct rb_ra_schedule *s, uint64_t now_ms, uint32_t random);

#endif
