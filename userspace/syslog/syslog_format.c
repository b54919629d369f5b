// SPDX-License-Identifier: MIT
/* Building RFC 5424 messages: header fields checked against the RFC's limits. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syslog/syslog_format.h"

struct out_buf {
	char *p;
	size_t size;
	size_t len;
};

static void put(struct out_buf *o, const char *s, size_t n)
{
	size_t room = o->size - o->len;

	if (n > room)
		n = room;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* A header field: printable US-ASCII of 1..max bytes, else NILVALUE. */
static void put_field(struct out_buf *o, const struct rb_syslog_span *s, size_t max)
{
	bool ok = s->len > 0 && s->len <= max;

	for (size_t i = 0; ok && i < s->len; i++)
		ok = s->p[i] >= 33 && s->p[i] <= 126;
	if (ok)
		put(o, s->p, s->len);
	else
		put(o, "-", 1);
	put(o, " ", 1);
}

static bool is_ip_literal(const struct rb_syslog_span *s)
{
	char text[INET6_ADDRSTRLEN];
	unsigned char addr[16];

	if (s->len == 0 || s->len >= sizeof(text))
		return false;
	memcpy(text, s->p, s->len);
	text[s->len] = '\0';
	return inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
}

static void put_received_time(struct out_buf *o, int64_t received_ms)
{
	time_t secs = (time_t)(received_ms / 1000);
	char text[40];
	struct tm tm;
	int n;

	gmtime_r(&secs, &tm);
	n = snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (int)(received_ms % 1000));
	put(o, text, (size_t)n);
}

size_t rb_syslog_format_5424(const struct rb_syslog_msg *m, const char *fallback_host,
			     int64_t received_ms, char *out, size_t size)
{
	struct out_buf o = { out, size, 0 };
	struct rb_syslog_span host = m->hostname;
	char pri[8];
	int n;

	n = snprintf(pri, sizeof(pri), "<%d>1 ", m->pri >= 0 ? m->pri : RB_SYSLOG_RAW_PRI);
	put(&o, pri, (size_t)n);

	if (m->format == RB_SYSLOG_RFC5424 && m->timestamp.len > 0)
		put_field(&o, &m->timestamp, RB_SYSLOG_TIMESTAMP_MAX);
	else
		put_received_time(&o, received_ms);

	if (host.len == 0 || is_ip_literal(&host))
		host = (struct rb_syslog_span){ fallback_host, strlen(fallback_host) };
	put_field(&o, &host, RB_SYSLOG_HOSTNAME_MAX);
	put_field(&o, &m->app_name, RB_SYSLOG_APP_NAME_MAX);
	put_field(&o, &m->procid, RB_SYSLOG_PROCID_MAX);
	put_field(&o, &m->msgid, RB_SYSLOG_MSGID_MAX);

	/* The parser validated the SD of an RFC 5424 message, and other formats have none. */
	if (m->sd.len > 0)
		put(&o, m->sd.p, m->sd.len);
	else
		put(&o, "-", 1);
	if (m->msg.len > 0) {
		put(&o, " ", 1);
		put(&o, m->msg.p, m->msg.len);
	}
	return o.len;
}
