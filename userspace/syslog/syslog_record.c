// SPDX-License-Identifier: MIT
/* Encoding and bounds-checked decoding of stored syslog entries and ring heads. */
#include <stdlib.h>
#include <string.h>

#include "syslog/syslog_record.h"

#define FIELD_MAX	UINT16_MAX

static size_t field_len(const struct rb_syslog_span *s)
{
	return s->len > FIELD_MAX ? FIELD_MAX : s->len;
}

uint8_t *rb_syslog_entry_encode(const struct rb_syslog_entry *e, size_t *len)
{
	size_t total = RB_SYSLOG_ENTRY_HEAD, at = 0;
	uint32_t total32;
	uint8_t *buf;

	for (int i = 0; i < RB_SYSLOG_FIELDS; i++)
		total += 2 + field_len(&e->fields[i]);
	buf = malloc(total);
	if (!buf)
		return NULL;

	total32 = (uint32_t)total;
	memcpy(buf + at, &total32, 4);
	memcpy(buf + 4, &e->received_ms, 8);
	memcpy(buf + 12, &e->pri, 2);
	buf[14] = e->format;
	buf[15] = e->transport;
	buf[16] = e->flags;
	buf[17] = e->family;
	memcpy(buf + 18, e->source, 16);
	at = RB_SYSLOG_ENTRY_HEAD;

	for (int i = 0; i < RB_SYSLOG_FIELDS; i++) {
		uint16_t n = (uint16_t)field_len(&e->fields[i]);

		memcpy(buf + at, &n, 2);
		if (n)
			memcpy(buf + at + 2, e->fields[i].p, n);
		at += 2 + (size_t)n;
	}
	*len = total;
	return buf;
}

size_t rb_syslog_entry_decode(const uint8_t *buf, size_t len, struct rb_syslog_entry *out)
{
	uint32_t total;
	size_t at = RB_SYSLOG_ENTRY_HEAD;

	if (len < RB_SYSLOG_ENTRY_HEAD)
		return 0;
	memcpy(&total, buf, 4);
	if (total < RB_SYSLOG_ENTRY_HEAD || total > len)
		return 0;

	memset(out, 0, sizeof(*out));
	memcpy(&out->received_ms, buf + 4, 8);
	memcpy(&out->pri, buf + 12, 2);
	out->format = buf[14];
	out->transport = buf[15];
	out->flags = buf[16];
	out->family = buf[17];
	memcpy(out->source, buf + 18, 16);
	if (out->format > RB_SYSLOG_RFC5424 || (out->family != 4 && out->family != 6) ||
	    out->pri < -1 || out->pri > RB_SYSLOG_PRI_MAX)
		return 0;

	for (int i = 0; i < RB_SYSLOG_FIELDS; i++) {
		uint16_t n;

		if (total - at < 2)
			return 0;
		memcpy(&n, buf + at, 2);
		at += 2;
		if (total - at < n)
			return 0;
		out->fields[i] = (struct rb_syslog_span){ (const char *)buf + at, n };
		at += n;
	}
	return at == total ? total : 0;
}

bool rb_syslog_ring_head_decode(const uint8_t *buf, size_t len, struct rb_syslog_ring_head *out)
{
	uint32_t version;
	uint16_t name_len;

	if (len < 18)
		return false;
	memcpy(&version, buf, 4);
	memcpy(&out->count, buf + 4, 4);
	memcpy(&out->overwritten, buf + 8, 8);
	memcpy(&name_len, buf + 16, 2);
	if (version != RB_SYSLOG_RING_VERSION || name_len > RB_SYSLOG_HOSTNAME_STORED_MAX ||
	    len - 18 < name_len)
		return false;
	memcpy(out->hostname, buf + 18, name_len);
	out->hostname[name_len] = '\0';
	out->entries_offset = 18 + (size_t)name_len;
	return true;
}

void rb_syslog_entry_from_msg(struct rb_syslog_entry *e, const struct rb_syslog_msg *m)
{
	e->pri = (int16_t)m->pri;
	e->format = (uint8_t)m->format;
	e->fields[RB_SYSLOG_F_TIMESTAMP] = m->timestamp;
	e->fields[RB_SYSLOG_F_HOSTNAME] = m->hostname;
	e->fields[RB_SYSLOG_F_APP_NAME] = m->app_name;
	e->fields[RB_SYSLOG_F_PROCID] = m->procid;
	e->fields[RB_SYSLOG_F_MSGID] = m->msgid;
	e->fields[RB_SYSLOG_F_SD] = m->sd;
	e->fields[RB_SYSLOG_F_MSG] = m->msg;
}

const char *rb_syslog_transport_name(uint8_t transport)
{
	switch (transport) {
	case RB_SYSLOG_UDP: return "udp";
	case RB_SYSLOG_TCP: return "tcp";
	case RB_SYSLOG_TLS: return "tls";
	default: return "unknown";
	}
}
