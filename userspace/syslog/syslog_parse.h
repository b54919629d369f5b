/* SPDX-License-Identifier: MIT */
/*
 * Syslog message parsing (RFC 5424 and RFC 3164) and TCP framing
 * (RFC 6587).  Both work on untrusted bytes: every read is bounds-checked
 * and the parsed fields point into the caller's buffer.
 */
#ifndef RB_SYSLOG_PARSE_H
#define RB_SYSLOG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_syslog_format {
	RB_SYSLOG_RAW = 0,	/* no valid header: the whole input is the message */
	RB_SYSLOG_RFC3164 = 1,
	RB_SYSLOG_RFC5424 = 2,
};

/* Bytes of one field inside the parsed buffer.  len 0 means absent or NILVALUE. */
struct rb_syslog_span {
	const char *p;
	size_t len;
};

/* Field limits of RFC 5424, section 6. */
#define RB_SYSLOG_HOSTNAME_MAX	255
#define RB_SYSLOG_APP_NAME_MAX	48
#define RB_SYSLOG_PROCID_MAX	128
#define RB_SYSLOG_MSGID_MAX	32
#define RB_SYSLOG_TIMESTAMP_MAX	48
#define RB_SYSLOG_PRI_MAX	191	/* facility 23, severity 7 */

struct rb_syslog_msg {
	enum rb_syslog_format format;
	int pri;			/* 0..191, -1 for a raw message */
	struct rb_syslog_span timestamp;
	struct rb_syslog_span hostname;
	struct rb_syslog_span app_name;	/* RFC 3164: the TAG */
	struct rb_syslog_span procid;	/* RFC 3164: the number in TAG[PID] */
	struct rb_syslog_span msgid;
	struct rb_syslog_span sd;	/* RFC 5424 STRUCTURED-DATA, validated, kept whole */
	struct rb_syslog_span msg;
};

/*
 * Parse one message of len bytes, ignoring trailing LF, CR and NUL
 * bytes.  Returns 0 for an RFC 5424 or RFC 3164 message, or -EBADMSG
 * with out->format RB_SYSLOG_RAW and out->msg covering the whole input.
 */
int rb_syslog_parse(const char *buf, size_t len, struct rb_syslog_msg *out);

/*
 * The framing state of one TCP connection (RFC 6587).  Each frame is
 * detected on its own: a frame that starts with a digit run and SP is
 * octet-counted (section 3.4.1), any other ends at LF (section 3.4.2).
 * Frames longer than max_frame are cut at max_frame and the rest of
 * them skipped.
 */
struct rb_syslog_framer {
	size_t max_frame;
	size_t skip;		/* octet-counted bytes still to skip after a cut */
	bool skip_to_lf;	/* LF frame cut: skip up to and including the next LF */
};

enum rb_syslog_frame_result {
	RB_FRAME_NONE = 0,	/* need more bytes */
	RB_FRAME_OK,		/* *frame is one complete message */
	RB_FRAME_CUT,		/* *frame is the first max_frame bytes of a longer message */
};

/*
 * Take the next frame from buf[0..len).  *used is set to the bytes
 * consumed (header, frame and skipped bytes) in every case, and the
 * caller drops them from its buffer and calls again while *used > 0.  A
 * buffer of RB_SYSLOG_FRAME_HEADER_MAX + max_frame bytes always makes
 * progress once full.
 */
#define RB_SYSLOG_FRAME_HEADER_MAX	11	/* up to 10 digits and SP */
enum rb_syslog_frame_result rb_syslog_frame_next(struct rb_syslog_framer *f, const char *buf,
						 size_t len, struct rb_syslog_span *frame,
						 size_t *used);

#endif
