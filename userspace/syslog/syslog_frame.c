// SPDX-License-Identifier: MIT
/*
 * RFC 6587 framing of syslog over TCP, detected per frame: octet
 * counting ("LEN SP MSG") when the frame starts with a nonzero digit run
 * and SP, otherwise non-transparent framing with LF as the trailer.
 */
#include <string.h>

#include "syslog/syslog_parse.h"

#define OCTET_COUNT_DIGITS_MAX	10

/* Bytes still owed to a cut frame: drop them as they arrive. */
static enum rb_syslog_frame_result skip_bytes(struct rb_syslog_framer *f, const char *buf,
					      size_t len, size_t *used)
{
	const char *lf;

	if (f->skip > 0) {
		*used = len < f->skip ? len : f->skip;
		f->skip -= *used;
		return RB_FRAME_NONE;
	}
	lf = memchr(buf, '\n', len);
	*used = lf ? (size_t)(lf - buf) + 1 : len;
	if (lf)
		f->skip_to_lf = false;
	return RB_FRAME_NONE;
}

/*
 * Length of an octet-count header ("123 ") at buf, 0 when the frame is
 * not octet-counted, or -1 when more bytes are needed to tell.
 */
static long count_header(const char *buf, size_t len, unsigned long long *count)
{
	size_t i = 0;

	*count = 0;
	if (len == 0)
		return -1;
	if (buf[0] < '1' || buf[0] > '9')
		return 0;
	while (i < len && i < OCTET_COUNT_DIGITS_MAX && buf[i] >= '0' && buf[i] <= '9') {
		*count = *count * 10 + (unsigned long long)(buf[i] - '0');
		i++;
	}
	/* The byte after the digits decides, and the caller's buffer has room for it. */
	if (i == len)
		return -1;
	return buf[i] == ' ' ? (long)i + 1 : 0;
}

static enum rb_syslog_frame_result octet_frame(struct rb_syslog_framer *f, const char *buf,
					       size_t len, size_t header,
					       unsigned long long count,
					       struct rb_syslog_span *frame, size_t *used)
{
	size_t body = len - header;

	if (count <= f->max_frame) {
		if (body < count)
			return RB_FRAME_NONE;
		*frame = (struct rb_syslog_span){ buf + header, (size_t)count };
		*used = header + (size_t)count;
		return RB_FRAME_OK;
	}
	if (body < f->max_frame)
		return RB_FRAME_NONE;
	*frame = (struct rb_syslog_span){ buf + header, f->max_frame };
	*used = header + f->max_frame;
	f->skip = (size_t)(count - f->max_frame);
	return RB_FRAME_CUT;
}

static enum rb_syslog_frame_result lf_frame(struct rb_syslog_framer *f, const char *buf,
					    size_t len, struct rb_syslog_span *frame, size_t *used)
{
	size_t window = len < f->max_frame + 1 ? len : f->max_frame + 1;
	const char *lf = memchr(buf, '\n', window);
	size_t n;

	if (lf) {
		n = (size_t)(lf - buf);
		*used = n + 1;
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		*frame = (struct rb_syslog_span){ buf, n };
		return RB_FRAME_OK;
	}
	if (len < f->max_frame)
		return RB_FRAME_NONE;
	*frame = (struct rb_syslog_span){ buf, f->max_frame };
	*used = f->max_frame;
	f->skip_to_lf = true;
	return RB_FRAME_CUT;
}

enum rb_syslog_frame_result rb_syslog_frame_next(struct rb_syslog_framer *f, const char *buf,
						 size_t len, struct rb_syslog_span *frame,
						 size_t *used)
{
	unsigned long long count;
	long header;

	*used = 0;
	*frame = (struct rb_syslog_span){ buf, 0 };
	if (f->skip > 0 || f->skip_to_lf)
		return skip_bytes(f, buf, len, used);

	header = count_header(buf, len, &count);
	if (header < 0)
		return RB_FRAME_NONE;
	if (header > 0)
		return octet_frame(f, buf, len, (size_t)header, count, frame, used);
	return lf_frame(f, buf, len, frame, used);
}
