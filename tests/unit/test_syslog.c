// SPDX-License-Identifier: MIT
/*
 * The syslog parsers, framing, formatter, rings and address table.  The
 * cases are tables of RFC 5424 and RFC 3164 messages (valid, edge and
 * malformed) and of RFC 6587 streams, delivered whole and in small
 * pieces, with frames cut at the limit.  Others check HOSTNAME
 * replacement on forwarding, ring overwrite and the stored value's round
 * trip.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "syslog/syslog_format.h"
#include "syslog/syslog_parse.h"
#include "syslog/syslog_record.h"
#include "syslog/syslog_ring.h"
#include "syslog/syslog_table.h"

struct parse_case {
	const char *name;
	const char *input;
	int result;
	enum rb_syslog_format format;
	int pri;
	const char *timestamp, *hostname, *app_name, *procid, *msgid, *sd, *msg;
};

static const struct parse_case parse_cases[] = {
	{ "5424 full example", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	  "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event",
	  0, RB_SYSLOG_RFC5424, 165, "2003-10-11T22:14:15.003Z", "mymachine.example.com",
	  "evntslog", "", "ID47", "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]",
	  "An application event" },
	{ "5424 all nil, no msg", "<0>1 - - - - - -", 0, RB_SYSLOG_RFC5424, 0, "", "", "", "", "",
	  "", "" },
	{ "5424 bom stripped", "<13>1 - h a 1 m - \xef\xbb\xbfhello", 0, RB_SYSLOG_RFC5424, 13, "",
	  "h", "a", "1", "m", "", "hello" },
	{ "5424 escaped sd", "<13>1 - h a - - [x@1 k=\"a\\\"b\\]c\"][y@2] msg", 0,
	  RB_SYSLOG_RFC5424, 13, "", "h", "a", "", "", "[x@1 k=\"a\\\"b\\]c\"][y@2]", "msg" },
	{ "5424 trailing lf", "<13>1 - h a - - - msg\r\n", 0, RB_SYSLOG_RFC5424, 13, "", "h", "a",
	  "", "", "", "msg" },
	{ "5424 unterminated sd", "<13>1 - h a - - [x@1 k=\"v] msg", -EBADMSG, RB_SYSLOG_RAW, -1,
	  "", "", "", "", "", "", "<13>1 - h a - - [x@1 k=\"v] msg" },
	{ "5424 msgid too long", "<13>1 - h a - 123456789012345678901234567890123 - m", -EBADMSG,
	  RB_SYSLOG_RAW, -1, "", "", "", "", "", "", "<13>1 - h a - 123456789012345678901234567890123 - m" },
	{ "5424 missing fields", "<13>1 - h", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "",
	  "<13>1 - h" },
	{ "3164 with host and pid", "<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed", 0,
	  RB_SYSLOG_RFC3164, 34, "Oct 11 22:14:15", "mymachine", "su", "230", "", "",
	  "'su root' failed" },
	{ "3164 padded day, no host", "<13>Feb  5 17:32:18 tag: text", 0, RB_SYSLOG_RFC3164, 13,
	  "Feb  5 17:32:18", "", "tag", "", "", "", "text" },
	{ "3164 without timestamp", "<13>just text", 0, RB_SYSLOG_RFC3164, 13, "", "", "", "", "",
	  "", "just text" },
	{ "3164 bad month", "<13>Foo 11 22:14:15 host tag: x", 0, RB_SYSLOG_RFC3164, 13, "", "",
	  "", "", "", "", "Foo 11 22:14:15 host tag: x" },
	{ "pri 191", "<191>x", 0, RB_SYSLOG_RFC3164, 191, "", "", "", "", "", "", "x" },
	{ "pri 192 rejected", "<192>x", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "", "<192>x" },
	{ "pri leading zero", "<013>x", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "",
	  "<013>x" },
	{ "pri unterminated", "<13", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "", "<13" },
	{ "no pri", "hello", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "", "hello" },
	{ "empty", "", -EBADMSG, RB_SYSLOG_RAW, -1, "", "", "", "", "", "", "" },
};

static void assert_span(const struct rb_syslog_span *s, const char *want, const char *what,
			const char *name)
{
	char got[512];
	size_t n = s->len < sizeof(got) - 1 ? s->len : sizeof(got) - 1;

	memcpy(got, s->len ? s->p : "", n);
	got[n] = '\0';
	if (strcmp(got, want) != 0)
		fail_msg("%s: %s is '%s', expected '%s'", name, what, got, want);
}

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct rb_syslog_msg m;
		int ret = rb_syslog_parse(c->input, strlen(c->input), &m);

		if (ret != c->result)
			fail_msg("%s: result %d, expected %d", c->name, ret, c->result);
		if (m.format != c->format)
			fail_msg("%s: format %d, expected %d", c->name, m.format, c->format);
		if (m.pri != c->pri)
			fail_msg("%s: pri %d, expected %d", c->name, m.pri, c->pri);
		assert_span(&m.timestamp, c->timestamp, "timestamp", c->name);
		assert_span(&m.hostname, c->hostname, "hostname", c->name);
		assert_span(&m.app_name, c->app_name, "app_name", c->name);
		assert_span(&m.procid, c->procid, "procid", c->name);
		assert_span(&m.msgid, c->msgid, "msgid", c->name);
		assert_span(&m.sd, c->sd, "sd", c->name);
		assert_span(&m.msg, c->msg, "msg", c->name);
	}
}

/* Run the framer over a stream delivered `chunk` bytes at a time; frames joined by '|'. */
static void frame_all(const char *stream, size_t chunk, size_t max, char *out, size_t out_size,
		      unsigned *cut)
{
	struct rb_syslog_framer f = { .max_frame = max };
	char buf[RB_SYSLOG_FRAME_HEADER_MAX + 64];
	size_t len = strlen(stream), at = 0, fill = 0;

	assert_true(max <= 64);
	out[0] = '\0';
	*cut = 0;
	while (at < len) {
		size_t take = len - at < chunk ? len - at : chunk, consumed = 0, used;

		if (take > sizeof(buf) - fill)
			take = sizeof(buf) - fill;
		memcpy(buf + fill, stream + at, take);
		fill += take;
		at += take;
		do {
			struct rb_syslog_span frame;
			enum rb_syslog_frame_result r;

			r = rb_syslog_frame_next(&f, buf + consumed, fill - consumed, &frame, &used);
			if (r != RB_FRAME_NONE) {
				strncat(out, frame.p, frame.len < out_size - strlen(out) - 2 ?
							      frame.len : 0);
				strcat(out, "|");
				*cut += r == RB_FRAME_CUT;
			}
			consumed += used;
		} while (used > 0);
		memmove(buf, buf + consumed, fill - consumed);
		fill -= consumed;
	}
}

struct frame_case {
	const char *name;
	const char *stream;
	size_t max;
	const char *frames;
	unsigned cut;
};

static const struct frame_case frame_cases[] = {
	{ "lf", "<13>a\n<13>b\n", 32, "<13>a|<13>b|", 0 },
	{ "crlf", "<13>a\r\n", 32, "<13>a|", 0 },
	{ "octet", "5 <13>a6 <13>bc", 32, "<13>a|<13>bc|", 0 },
	{ "mixed per frame", "5 <13>a<13>b\n3 xyz", 32, "<13>a|<13>b|xyz|", 0 },
	{ "digits without sp", "12ab\n", 32, "12ab|", 0 },
	{ "zero start is lf", "0 x\n", 32, "0 x|", 0 },
	{ "empty lines", "\n\n<13>a\n", 32, "||<13>a|", 0 },
	{ "octet cut", "20 0123456789abcdefghij5 <13>z", 8, "01234567|<13>z|", 1 },
	{ "lf cut", "0123456789abcdef\n<13>z\n", 8, "01234567|<13>z|", 1 },
	{ "huge count", "9999999999 abcdefghijk", 8, "abcdefgh|", 1 },
};

static void test_framing_table(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64 };
	char out[512];
	unsigned cut;

	for (size_t i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		const struct frame_case *c = &frame_cases[i];

		for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			frame_all(c->stream, chunks[k], c->max, out, sizeof(out), &cut);
			if (strcmp(out, c->frames) != 0)
				fail_msg("%s, chunks of %zu: frames '%s', expected '%s'", c->name,
					 chunks[k], out, c->frames);
			if (cut != c->cut)
				fail_msg("%s, chunks of %zu: %u cut, expected %u", c->name,
					 chunks[k], cut, c->cut);
		}
	}
}

static void format_of(const char *input, const char *fallback, char *out, size_t size)
{
	struct rb_syslog_msg m;
	size_t n;

	rb_syslog_parse(input, strlen(input), &m);
	/* 2026-12-05T07:00:00.250Z */
	n = rb_syslog_format_5424(&m, fallback, 1796454000250LL, out, size - 1);
	out[n] = '\0';
}

static void test_format_hostname(void **state)
{
	char out[512];

	format_of("<13>1 2026-01-01T00:00:00Z - app 7 id [a@1 b=\"c\"] text", "node01", out,
		  sizeof(out));
	assert_string_equal(out, "<13>1 2026-01-01T00:00:00Z node01 app 7 id [a@1 b=\"c\"] text");

	/* A NILVALUE TIMESTAMP is filled in with the time of receipt. */
	format_of("<13>1 - 10.0.0.5 app - - - text", "node01", out, sizeof(out));
	assert_string_equal(out, "<13>1 2026-12-05T07:00:00.250Z node01 app - - - text");

	format_of("<13>1 2026-01-01T00:00:00Z own-name app - - - text", "node01", out, sizeof(out));
	assert_string_equal(out, "<13>1 2026-01-01T00:00:00Z own-name app - - - text");

	format_of("<34>Oct 11 22:14:15 fe80::1 su[230]: failed", "node01", out, sizeof(out));
	assert_string_equal(out, "<34>1 2026-12-05T07:00:00.250Z node01 su 230 - - failed");

	format_of("no header", "10.213.0.250", out, sizeof(out));
	assert_string_equal(out, "<13>1 2026-12-05T07:00:00.250Z 10.213.0.250 - - - - no header");
}

static void test_format_cut_at_size(void **state)
{
	char out[16];
	struct rb_syslog_msg m;
	const char *in = "<13>1 - host app - - - a long message text";

	rb_syslog_parse(in, strlen(in), &m);
	assert_int_equal(rb_syslog_format_5424(&m, "x", 0, out, sizeof(out)), sizeof(out));
}

static uint8_t *entry_with(const char *msg, size_t *len)
{
	struct rb_syslog_entry e = { .received_ms = 1000, .pri = 13, .format = RB_SYSLOG_RFC5424,
				     .transport = RB_SYSLOG_UDP, .family = 4 };

	e.fields[RB_SYSLOG_F_MSG] = (struct rb_syslog_span){ msg, strlen(msg) };
	return rb_syslog_entry_encode(&e, len);
}

static void test_ring_keeps_newest(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x21, 0x30, 1 };
	struct rb_syslog_ring_head head;
	struct rb_syslog_rings rings;
	struct rb_syslog_ring *ring;
	struct rb_syslog_entry e;
	uint8_t *value;
	size_t len, at;
	char msg[16];

	assert_int_equal(rb_syslog_rings_init(&rings, 3), 0);
	ring = rb_syslog_rings_get(&rings, mac, "node01");
	assert_non_null(ring);
	for (int i = 1; i <= 5; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		value = entry_with(msg, &len);
		rb_syslog_ring_push(ring, value, len);
	}
	assert_ptr_equal(rb_syslog_rings_get(&rings, mac, NULL), ring);

	value = rb_syslog_ring_value(ring, &len);
	assert_true(rb_syslog_ring_head_decode(value, len, &head));
	assert_int_equal(head.count, 3);
	assert_int_equal(head.overwritten, 2);
	assert_string_equal(head.hostname, "node01");
	at = head.entries_offset;
	for (int i = 3; i <= 5; i++) {
		size_t n = rb_syslog_entry_decode(value + at, len - at, &e);

		assert_true(n > 0);
		snprintf(msg, sizeof(msg), "m%d", i);
		assert_int_equal(e.fields[RB_SYSLOG_F_MSG].len, strlen(msg));
		assert_memory_equal(e.fields[RB_SYSLOG_F_MSG].p, msg, strlen(msg));
		at += n;
	}
	assert_int_equal(at, len);

	/* A truncated value must not decode past its end. */
	assert_int_equal(rb_syslog_entry_decode(value + head.entries_offset, 10, &e), 0);
	free(value);
	rb_syslog_rings_free(&rings);
}

static void test_rings_grow(void **state)
{
	struct rb_syslog_rings rings;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };

	assert_int_equal(rb_syslog_rings_init(&rings, 1), 0);
	for (int i = 0; i < 1000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_non_null(rb_syslog_rings_get(&rings, mac, NULL));
	}
	assert_int_equal(rings.count, 1000);
	mac[4] = 0;
	mac[5] = 7;
	assert_memory_equal(rb_syslog_rings_get(&rings, mac, NULL)->mac, mac, 6);
	assert_int_equal(rings.count, 1000);
	rb_syslog_rings_free(&rings);
}

static void test_table_lookup(void **state)
{
	static const uint8_t mac1[6] = { 1, 1, 1, 1, 1, 1 }, mac2[6] = { 2, 2, 2, 2, 2, 2 };
	struct rb_syslog_table t;
	uint8_t addr[16];
	const struct rb_syslog_device *dev;

	rb_syslog_table_init(&t);
	rb_syslog_addr_v4(0x650dd50a, addr);	/* 10.213.13.101 */
	assert_null(rb_syslog_table_find(&t, addr));
	for (uint32_t i = 0; i < 500; i++) {
		rb_syslog_addr_v4(0x0a000000 + i, addr);
		assert_int_equal(rb_syslog_table_add(&t, addr, mac1, "pool", 4), 0);
	}
	rb_syslog_addr_v4(0x650dd50a, addr);
	assert_int_equal(rb_syslog_table_add(&t, addr, mac2, "node02", 6), 0);
	dev = rb_syslog_table_find(&t, addr);
	assert_non_null(dev);
	assert_memory_equal(dev->mac, mac2, 6);
	assert_string_equal(dev->hostname, "node02");
	assert_int_equal(t.count, 501);

	rb_syslog_addr_v4(0x0a000000 + 499, addr);
	assert_non_null(rb_syslog_table_find(&t, addr));
	rb_syslog_addr_v4(0x0a000000 + 500, addr);
	assert_null(rb_syslog_table_find(&t, addr));
	rb_syslog_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_framing_table),
		cmocka_unit_test(test_format_hostname),
		cmocka_unit_test(test_format_cut_at_size),
		cmocka_unit_test(test_ring_keeps_newest),
		cmocka_unit_test(test_rings_grow),
		cmocka_unit_test(test_table_lookup),
	};

	return cmocka_run_group_tests_name("syslog", tests, NULL, NULL);
}
