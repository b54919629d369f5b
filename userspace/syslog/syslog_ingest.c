// SPDX-License-Identifier: MIT
/*
 * One received message: parse it, find its device by source address,
 * append it to that device's ring (or the unattributed ring) and queue
 * it for the collectors.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "syslog/syslog_format.h"
#include "syslog/syslog_internal.h"

static struct rb_log_repeat unparsable =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "syslog: messages without a valid header, stored as text");
static struct rb_log_repeat no_memory =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "syslog: messages not stored: out of memory");

static int64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_v4_mapped(const uint8_t peer[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(peer, prefix, sizeof(prefix)) == 0;
}

static void peer_text(const uint8_t peer[16], char *out, size_t size)
{
	if (is_v4_mapped(peer))
		inet_ntop(AF_INET, peer + 12, out, (socklen_t)size);
	else
		inet_ntop(AF_INET6, peer, out, (socklen_t)size);
}

static void store_entry(struct rb_syslog_server *s, struct rb_syslog_ring *ring,
			struct rb_syslog_entry *e)
{
	size_t len;
	uint8_t *bytes = rb_syslog_entry_encode(e, &len);

	if (!bytes || !ring) {
		free(bytes);
		rb_log_repeat(&no_memory, "syslog: storing a message failed: out of memory");
		return;
	}
	rb_syslog_ring_push(ring, bytes, len);
}

void rb_syslog_server_ingest(struct rb_syslog_server *s, uint8_t transport,
			     const uint8_t peer[16], const char *buf, size_t len, bool cut)
{
	const struct rb_syslog_device *dev = rb_syslog_table_find(&s->table, peer);
	struct rb_syslog_entry e = { .transport = transport, .flags = cut ? RB_SYSLOG_FLAG_CUT : 0 };
	char source[INET6_ADDRSTRLEN], escaped[128];
	struct rb_syslog_ring *ring;
	struct rb_syslog_msg m;
	size_t out_len;

	e.received_ms = realtime_ms();
	e.family = is_v4_mapped(peer) ? 4 : 6;
	memcpy(e.source, e.family == 4 ? peer + 12 : peer, e.family == 4 ? 4 : 16);
	peer_text(peer, source, sizeof(source));
	if (cut)
		s->counters.cut++;

	if (rb_syslog_parse(buf, len, &m) != 0) {
		s->counters.parse_errors++;
		rb_log_repeat(&unparsable, "syslog: message from %s has no valid header, stored "
			      "as text: %s", source, rb_escape(buf, len < 60 ? len : 60, escaped,
							       sizeof(escaped)));
	}
	rb_syslog_entry_from_msg(&e, &m);

	if (dev) {
		ring = rb_syslog_rings_get(&s->rings, dev->mac, dev->hostname);
	} else {
		s->counters.unattributed++;
		ring = rb_syslog_rings_get(&s->rings, rb_syslog_unattributed_key, NULL);
	}
	store_entry(s, ring, &e);

	if (!s->forwarder)
		return;
	out_len = rb_syslog_format_5424(&m, dev && dev->hostname[0] ? dev->hostname : source,
					e.received_ms, s->format_buf,
					s->cfg.max_message + RB_SYSLOG_FORWARD_HEADER_MAX);
	rb_syslog_forward(s->forwarder, s->format_buf, out_len, rb_syslog_now_ms());
}
