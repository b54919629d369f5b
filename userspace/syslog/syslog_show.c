// SPDX-License-Identifier: MIT
/*
 * Printing a stored log ring.  The value comes from the store and is
 * decoded with the bounds checks of syslog_record.c.  The network's
 * bytes are escaped for the terminal (rb_escape) and for JSON
 * (rb_json_string).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "store/store.h"
#include "syslog/syslog_record.h"
#include "syslog/syslog_ring.h"
#include "syslog/syslog_show.h"
#include "xdp/state_format.h"

struct match {
	const char *device;
	bool by_mac;
	uint8_t mac[6];
	bool found;
	uint8_t found_mac[6];
	const uint8_t *value;	/* valid inside the walk only, so copied */
	size_t len;
	uint8_t *copy;
};

static const char *const format_names[] = { "raw", "rfc3164", "rfc5424" };

bool rb_syslog_device_mac(const char *text, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

static int visit(const uint8_t mac[6], const void *value, size_t len, void *arg)
{
	struct match *m = arg;
	struct rb_syslog_ring_head head;

	if (m->by_mac) {
		if (memcmp(mac, m->mac, 6) != 0)
			return 0;
	} else {
		if (!rb_syslog_ring_head_decode(value, len, &head) ||
		    strcmp(head.hostname, m->device) != 0)
			return 0;
	}
	m->copy = malloc(len ? len : 1);
	if (!m->copy)
		return -ENOMEM;
	memcpy(m->copy, value, len);
	m->len = len;
	memcpy(m->found_mac, mac, 6);
	m->found = true;
	return 1;
}

static void source_text(const struct rb_syslog_entry *e, char *out, size_t size)
{
	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->source, out, (socklen_t)size);
}

static void time_text(int64_t ms, char *out, size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void json_field(FILE *out, const char *name, const struct rb_syslog_span *s)
{
	fprintf(out, ",\"%s\":", name);
	rb_json_string(out, s->p, s->len);
}

static void entry_json(FILE *out, const struct rb_syslog_entry *e, bool first)
{
	static const char *const names[RB_SYSLOG_FIELDS] = {
		"timestamp", "hostname", "app_name", "procid", "msgid", "structured_data",
		"message",
	};
	char when[64], source[INET6_ADDRSTRLEN];

	time_text(e->received_ms, when, sizeof(when));
	source_text(e, source, sizeof(source));
	fprintf(out, "%s{\"received\":\"%s\",\"received_ms\":%lld,\"source\":\"%s\","
		"\"transport\":\"%s\",\"format\":\"%s\",\"pri\":%d,\"facility\":%d,"
		"\"severity\":%d,\"cut\":%s", first ? "" : ",", when, (long long)e->received_ms,
		source, rb_syslog_transport_name(e->transport), format_names[e->format], e->pri,
		e->pri >= 0 ? e->pri / 8 : -1, e->pri >= 0 ? e->pri % 8 : -1,
		e->flags & RB_SYSLOG_FLAG_CUT ? "true" : "false");
	for (int i = 0; i < RB_SYSLOG_FIELDS; i++)
		json_field(out, names[i], &e->fields[i]);
	fputs("}", out);
}

static void field_text(const struct rb_syslog_span *s, char *out, size_t size)
{
	if (s->len == 0)
		snprintf(out, size, "-");
	else
		rb_escape(s->p, s->len, out, size);
}

static void entry_line(FILE *out, const struct rb_syslog_entry *e)
{
	char when[64], source[INET6_ADDRSTRLEN], host[128], app[64], pid[64], msgid[48];
	char msg[4 * 8192];

	time_text(e->received_ms, when, sizeof(when));
	source_text(e, source, sizeof(source));
	field_text(&e->fields[RB_SYSLOG_F_HOSTNAME], host, sizeof(host));
	field_text(&e->fields[RB_SYSLOG_F_APP_NAME], app, sizeof(app));
	field_text(&e->fields[RB_SYSLOG_F_PROCID], pid, sizeof(pid));
	field_text(&e->fields[RB_SYSLOG_F_MSGID], msgid, sizeof(msgid));
	rb_escape(e->fields[RB_SYSLOG_F_MSG].p, e->fields[RB_SYSLOG_F_MSG].len, msg, sizeof(msg));
	fprintf(out, "%s %s %s %s <%d> %s %s[%s] %s: %s%s\n", when, source,
		rb_syslog_transport_name(e->transport), format_names[e->format], e->pri, host, app, pid,
		msgid, msg, e->flags & RB_SYSLOG_FLAG_CUT ? " (cut)" : "");
}

/* Decode every entry first, so that a damaged value prints nothing. */
static int print_ring(FILE *out, const struct match *m, size_t lines, bool json)
{
	struct rb_syslog_ring_head head;
	size_t at, skip = 0;
	char mac[18];

	if (!rb_syslog_ring_head_decode(m->copy, m->len, &head))
		return -EBADMSG;
	at = head.entries_offset;
	for (uint32_t i = 0; i < head.count; i++) {
		struct rb_syslog_entry e;
		size_t n = rb_syslog_entry_decode(m->copy + at, m->len - at, &e);

		if (n == 0)
			return -EBADMSG;
		at += n;
	}
	if (lines && head.count > lines)
		skip = head.count - lines;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m->found_mac[0],
		 m->found_mac[1], m->found_mac[2], m->found_mac[3], m->found_mac[4],
		 m->found_mac[5]);
	if (json) {
		fprintf(out, "{\"mac\":\"%s\",\"hostname\":", mac);
		rb_json_string(out, head.hostname, strlen(head.hostname));
		fprintf(out, ",\"overwritten\":%llu,\"entries\":[",
			(unsigned long long)head.overwritten);
	} else {
		bool unattributed = memcmp(m->found_mac, rb_syslog_unattributed_key, 6) == 0;

		fprintf(out, "# %s %s: %u %s kept, %llu older ones overwritten\n",
			unattributed ? RB_SYSLOG_UNATTRIBUTED_NAME : mac,
			head.hostname[0] ? head.hostname : "-", head.count,
			head.count == 1 ? "entry" : "entries", (unsigned long long)head.overwritten);
	}

	at = head.entries_offset;
	for (uint32_t i = 0; i < head.count; i++) {
		struct rb_syslog_entry e;

		at += rb_syslog_entry_decode(m->copy + at, m->len - at, &e);
		if (i < skip)
			continue;
		if (json)
			entry_json(out, &e, i == skip);
		else
			entry_line(out, &e);
	}
	if (json)
		fputs("]}\n", out);
	return 0;
}

void rb_syslog_show_empty(FILE *out, const uint8_t mac[6], const char *hostname, bool json)
{
	char text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	if (json) {
		fprintf(out, "{\"mac\":\"%s\",\"hostname\":", text);
		rb_json_string(out, hostname, strlen(hostname));
		fputs(",\"overwritten\":0,\"entries\":[]}\n", out);
		return;
	}
	fprintf(out, "# %s %s: 0 entries kept, 0 older ones overwritten\n", text,
		hostname[0] ? hostname : "-");
}

int rb_syslog_show(FILE *out, struct rb_store *st, const char *device, size_t lines, bool json)
{
	struct match m = { .device = device };
	int err;

	if (strcmp(device, RB_SYSLOG_UNATTRIBUTED_NAME) == 0) {
		m.by_mac = true;
		memcpy(m.mac, rb_syslog_unattributed_key, 6);
	} else {
		m.by_mac = rb_syslog_device_mac(device, m.mac);
	}
	err = rb_store_foreach_syslog(st, visit, &m);
	if (err < 0) {
		free(m.copy);
		return err;
	}
	if (!m.found)
		return -ENOENT;
	err = print_ring(out, &m, lines, json);
	free(m.copy);
	return err;
}
