// SPDX-License-Identifier: MIT
/*
 * Syslog message parsing: the RFC 5424 header and the RFC 3164 (BSD)
 * header.  A cursor (p, end) walks the input, and every helper checks
 * the bound before it reads a byte.
 */
#include <errno.h>
#include <string.h>

#include "syslog/syslog_parse.h"

struct cursor {
	const char *p;
	const char *end;
};

static bool at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static bool peek_is(const struct cursor *c, char ch)
{
	return !at_end(c) && *c->p == ch;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* PRINTUSASCII of RFC 5424: %d33-126. */
static bool is_print(char ch)
{
	return ch >= 33 && ch <= 126;
}

/* "<" PRIVAL ">": 1 to 3 digits, no leading zero, at most 191. */
static int parse_pri(struct cursor *c)
{
	int value = 0, digits = 0;

	if (!peek_is(c, '<'))
		return -1;
	c->p++;
	while (!at_end(c) && is_digit(*c->p) && digits < 3) {
		if (digits == 1 && value == 0)
			return -1;
		value = value * 10 + (*c->p - '0');
		c->p++;
		digits++;
	}
	if (digits == 0 || value > RB_SYSLOG_PRI_MAX || !peek_is(c, '>'))
		return -1;
	c->p++;
	return value;
}

/* One SP-terminated header field of 1..max printable bytes.  A "-" gives len 0. */
static bool parse_field(struct cursor *c, size_t max, struct rb_syslog_span *out)
{
	const char *start = c->p;

	while (!at_end(c) && is_print(*c->p))
		c->p++;
	out->p = start;
	out->len = (size_t)(c->p - start);
	if (out->len == 0 || out->len > max)
		return false;
	if (out->len == 1 && start[0] == '-')
		out->len = 0;
	if (!peek_is(c, ' '))
		return false;
	c->p++;
	return true;
}

/* One SD-ELEMENT: "[" SD-ID *(SP SD-PARAM) "]".  A PARAM-VALUE may escape '"', '\' and ']'. */
static bool skip_sd_element(struct cursor *c)
{
	bool quoted = false;

	if (!peek_is(c, '['))
		return false;
	c->p++;
	if (at_end(c) || !is_print(*c->p) || *c->p == ']' || *c->p == '=')
		return false;
	while (!at_end(c)) {
		char ch = *c->p++;

		if (quoted && ch == '\\') {
			if (at_end(c))
				return false;
			c->p++;
		} else if (ch == '"') {
			quoted = !quoted;
		} else if (!quoted && ch == ']') {
			return true;
		}
	}
	return false;
}

/* STRUCTURED-DATA: NILVALUE or one or more SD-ELEMENTs. */
static bool parse_sd(struct cursor *c, struct rb_syslog_span *out)
{
	const char *start = c->p;

	out->p = start;
	out->len = 0;
	if (peek_is(c, '-')) {
		c->p++;
		return true;
	}
	if (!skip_sd_element(c))
		return false;
	while (peek_is(c, '[')) {
		if (!skip_sd_element(c))
			return false;
	}
	out->len = (size_t)(c->p - start);
	return true;
}

/* RFC 5424 section 6: the header after PRI, then SD and an optional MSG. */
static bool parse_5424(struct cursor *c, struct rb_syslog_msg *m)
{
	static const char bom[] = "\xef\xbb\xbf";

	/* VERSION is NONZERO-DIGIT 0*2DIGIT, and only version 1 is defined. */
	if (!peek_is(c, '1'))
		return false;
	c->p++;
	if (!peek_is(c, ' '))
		return false;
	c->p++;

	if (!parse_field(c, RB_SYSLOG_TIMESTAMP_MAX, &m->timestamp) ||
	    !parse_field(c, RB_SYSLOG_HOSTNAME_MAX, &m->hostname) ||
	    !parse_field(c, RB_SYSLOG_APP_NAME_MAX, &m->app_name) ||
	    !parse_field(c, RB_SYSLOG_PROCID_MAX, &m->procid) ||
	    !parse_field(c, RB_SYSLOG_MSGID_MAX, &m->msgid))
		return false;
	if (!parse_sd(c, &m->sd))
		return false;

	if (at_end(c)) {
		m->msg = (struct rb_syslog_span){ c->p, 0 };
		return true;
	}
	if (!peek_is(c, ' '))
		return false;
	c->p++;
	if ((size_t)(c->end - c->p) >= 3 && memcmp(c->p, bom, 3) == 0)
		c->p += 3;
	m->msg = (struct rb_syslog_span){ c->p, (size_t)(c->end - c->p) };
	return true;
}

/* "Mmm dd hh:mm:ss" of RFC 3164 section 4.1.2, the day padded with a space. */
static bool parse_3164_time(struct cursor *c, struct rb_syslog_span *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char shape[] = "Aaa Dd Dd:Dd:Dd";
	const size_t len = sizeof(shape) - 1;
	bool month_ok = false;

	if ((size_t)(c->end - c->p) < len + 1 || c->p[len] != ' ')
		return false;
	for (size_t m = 0; m < 12; m++)
		month_ok = month_ok || memcmp(c->p, months + 3 * m, 3) == 0;
	if (!month_ok)
		return false;
	for (size_t i = 3; i < len; i++) {
		char want = shape[i], ch = c->p[i];

		if (want == 'D' && !(is_digit(ch) || (i == 4 && ch == ' ')))
			return false;
		if (want == 'd' && !is_digit(ch))
			return false;
		if ((want == ' ' || want == ':') && ch != want)
			return false;
	}
	*out = (struct rb_syslog_span){ c->p, len };
	c->p += len + 1;
	return true;
}

/*
 * TAG[PID]: 1 to 32 printable bytes other than '[' and ':', then an
 * optional [PID] of digits, then ':'.  RFC 3164 describes alphanumeric
 * TAGs, but senders also use '-', '.' and '/'.
 */
static void parse_3164_tag(struct cursor *c, struct rb_syslog_msg *m)
{
	struct cursor probe = *c;
	const char *start = probe.p, *pid_start;

	while (!at_end(&probe) && probe.p - start < 32 && is_print(*probe.p) && *probe.p != '[' &&
	       *probe.p != ':')
		probe.p++;
	if (probe.p == start)
		return;
	m->app_name = (struct rb_syslog_span){ start, (size_t)(probe.p - start) };

	if (peek_is(&probe, '[')) {
		pid_start = ++probe.p;
		while (!at_end(&probe) && is_digit(*probe.p) && probe.p - pid_start < 16)
			probe.p++;
		if (!peek_is(&probe, ']') || probe.p == pid_start) {
			m->app_name.len = 0;
			return;
		}
		m->procid = (struct rb_syslog_span){ pid_start, (size_t)(probe.p - pid_start) };
		probe.p++;
	}
	if (!peek_is(&probe, ':')) {
		m->app_name.len = 0;
		m->procid.len = 0;
		return;
	}
	probe.p++;
	if (peek_is(&probe, ' '))
		probe.p++;
	*c = probe;
}

/* RFC 3164 section 4.1: TIMESTAMP SP HOSTNAME SP, then TAG and CONTENT. */
static void parse_3164(struct cursor *c, struct rb_syslog_msg *m)
{
	m->format = RB_SYSLOG_RFC3164;

	/* Without a valid TIMESTAMP the rest is the message (section 4.3.3). */
	if (parse_3164_time(c, &m->timestamp)) {
		struct cursor probe = *c;
		const char *start = probe.p;

		while (!at_end(&probe) && is_print(*probe.p) &&
		       probe.p - start < RB_SYSLOG_HOSTNAME_MAX)
			probe.p++;
		/*
		 * A word that ends in ':' or has a '[' is the TAG of a message
		 * without HOSTNAME.  An IPv6 address is a hostname.
		 */
		if (peek_is(&probe, ' ') && probe.p > start && probe.p[-1] != ':' &&
		    !memchr(start, '[', (size_t)(probe.p - start))) {
			m->hostname = (struct rb_syslog_span){ start, (size_t)(probe.p - start) };
			c->p = probe.p + 1;
		}
		parse_3164_tag(c, m);
	}
	m->msg = (struct rb_syslog_span){ c->p, (size_t)(c->end - c->p) };
}

int rb_syslog_parse(const char *buf, size_t len, struct rb_syslog_msg *out)
{
	struct rb_syslog_msg m = { .pri = -1 };
	struct cursor c;
	int pri;

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == '\0'))
		len--;
	c = (struct cursor){ buf, buf + len };

	pri = parse_pri(&c);
	if (pri >= 0) {
		struct cursor after_pri = c;

		m.pri = pri;
		if (peek_is(&c, '1') && parse_5424(&c, &m)) {
			m.format = RB_SYSLOG_RFC5424;
			*out = m;
			return 0;
		}
		/* "<PRI>1 " that fails the RFC 5424 grammar is not taken for RFC 3164. */
		if (!((size_t)(after_pri.end - after_pri.p) >= 2 && after_pri.p[0] == '1' &&
		      after_pri.p[1] == ' ')) {
			m = (struct rb_syslog_msg){ .pri = pri };
			parse_3164(&after_pri, &m);
			*out = m;
			return 0;
		}
	}

	*out = (struct rb_syslog_msg){ .format = RB_SYSLOG_RAW, .pri = -1 };
	out->msg = (struct rb_syslog_span){ buf, len };
	return -EBADMSG;
}
