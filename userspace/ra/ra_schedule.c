// SPDX-License-Identifier: MIT
#include "ra/ra_schedule.h"

void rb_ra_schedule_start(struct rb_ra_schedule *s, uint32_t min_ms, uint32_t max_ms,
			  uint64_t now_ms)
{
	s->min_ms = min_ms <= max_ms ? min_ms : max_ms;
	s->max_ms = max_ms;
	s->sent = 0;
	s->next_ms = now_ms;
}

bool rb_ra_schedule_due(const struct rb_ra_schedule *s, uint64_t now_ms)
{
	return now_ms >= s->next_ms;
}

uint32_t rb_ra_schedule_sent(struct rb_ra_schedule *s, uint64_t now_ms, uint32_t random)
{
	uint64_t span = (uint64_t)s->max_ms - s->min_ms + 1;
	uint32_t interval = s->min_ms + (uint32_t)(random % span);

	s->sent++;
	/* The gaps between the first RB_RA_MAX_INITIAL_ADVERTS RAs are capped. */
	if (s->sent < RB_RA_MAX_INITIAL_ADVERTS && interval > RB_RA_MAX_INITIAL_INTERVAL_MS)
		interval = RB_RA_MAX_INITIAL_INTERVAL_MS;

	/* From the send time, so that a late tick does not bring on a burst. */
	s->next_ms = now_ms + interval;
	return interval;
}
