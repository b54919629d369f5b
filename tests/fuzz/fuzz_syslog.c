// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the syslog decoders: the message parser, the
 * RFC 6587 framer, the RFC 5424 formatter fed by the parser, and the
 * decoders of stored entries and ring heads.  Each parsed field must lie
 * inside the input and within its RFC 5424 limit.  An encoded entry must
 * decode to the same fields, and a full framer buffer must make
 * progress.  A broken contract traps.
 */
#include <stdlib.h>
#include <string.h>

#include "syslog/syslog_format.h"
#include "syslog/syslog_parse.h"
#include "syslog/syslog_record.h"

#define MAX_FRAME	256

static void check_span(const struct rb_syslog_span *s, const char *buf, size_t len, size_t max)
{
	if (s->len == 0)
		return;
	if (s->p < buf || s->p + s->len > buf + len || s->len > max)
		__builtin_trap();
}

static void check_message(const char *buf, size_t len)
{
	struct rb_syslog_entry e = { .family = 4 }, back;
	struct rb_syslog_msg m;
	char out[MAX_FRAME * 2 + 1024];
	uint8_t *bytes;
	size_t n, used;

	if (rb_syslog_parse(buf, len, &m) == 0 && (m.pri < 0 || m.pri > RB_SYSLOG_PRI_MAX))
		__builtin_trap();
	check_span(&m.timestamp, buf, len, RB_SYSLOG_TIMESTAMP_MAX);
	check_span(&m.hostname, buf, len, RB_SYSLOG_HOSTNAME_MAX);
	check_span(&m.app_name, buf, len, RB_SYSLOG_APP_NAME_MAX);
	check_span(&m.procid, buf, len, RB_SYSLOG_PROCID_MAX);
	check_span(&m.msgid, buf, len, RB_SYSLOG_MSGID_MAX);
	check_span(&m.sd, buf, len, len);
	check_span(&m.msg, buf, len, len);

	if (rb_syslog_format_5424(&m, "host", 0, out, sizeof(out)) > sizeof(out))
		__builtin_trap();

	rb_syslog_entry_from_msg(&e, &m);
	bytes = rb_syslog_entry_encode(&e, &n);
	if (!bytes)
		return;
	used = rb_syslog_entry_decode(bytes, n, &back);
	if (used != n)
		__builtin_trap();
	for (int i = 0; i < RB_SYSLOG_FIELDS; i++) {
		if (back.fields[i].len != e.fields[i].len ||
		    (e.fields[i].len && memcmp(back.fields[i].p, e.fields[i].p, e.fields[i].len)))
			__builtin_trap();
	}
	free(bytes);
}

/* Feed data to the framer in pieces of the sizes a TCP stream might deliver. */
static void check_framing(const char *data, size_t size)
{
	struct rb_syslog_framer f = { .max_frame = MAX_FRAME };
	char buf[RB_SYSLOG_FRAME_HEADER_MAX + MAX_FRAME];
	size_t fill = 0, at = 0, chunk = size ? (unsigned char)data[0] % 64 + 1 : 1;

	while (at < size || fill > 0) {
		size_t room = sizeof(buf) - fill, take = size - at;
		size_t consumed = 0, used;
		struct rb_syslog_span frame;

		take = take < chunk ? take : chunk;
		take = take < room ? take : room;
		memcpy(buf + fill, data + at, take);
		fill += take;
		at += take;
		do {
			enum rb_syslog_frame_result r;

			r = rb_syslog_frame_next(&f, buf + consumed, fill - consumed, &frame, &used);
			if (r != RB_FRAME_NONE) {
				if (frame.len > MAX_FRAME || frame.p < buf + consumed ||
				    frame.p + frame.len > buf + fill)
					__builtin_trap();
				check_message(frame.p, frame.len);
			}
			consumed += used;
		} while (used > 0);
		memmove(buf, buf + consumed, fill - consumed);
		fill -= consumed;
		/* A full buffer must always make progress, and the input end leaves a tail. */
		if (fill == sizeof(buf))
			__builtin_trap();
		if (at == size)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_syslog_ring_head head;
	struct rb_syslog_entry e;

	check_message((const char *)data, size);
	check_framing((const char *)data, size);
	rb_syslog_entry_decode(data, size, &e);
	rb_syslog_ring_head_decode(data, size, &head);
	return 0;
}
