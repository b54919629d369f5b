/* SPDX-License-Identifier: MIT */
/*
 * The byte form of stored syslog entries and of a device's ring, shared
 * by rackbootd (which writes them to the store) and rackbootctl (which
 * reads them).  Integers are in host byte order, as the rest of the
 * LMDB store is.
 *
 * An entry: u32 total length, i64 received (CLOCK_REALTIME ms), i16 PRI
 * (-1 = none), u8 format (enum rb_syslog_format), u8 transport, u8
 * flags, u8 address family (4 or 6), 16 bytes of source address (IPv4
 * in the first 4), then RB_SYSLOG_FIELDS fields, each a u16 length and
 * its bytes.
 *
 * A ring value: u32 version, u32 entry count, u64 entries overwritten
 * since rackbootd started, u16 hostname length and the hostname, then
 * the entries from oldest to newest.
 */
#ifndef RB_SYSLOG_RECORD_H
#define RB_SYSLOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syslog/syslog_parse.h"

enum rb_syslog_transport {
	RB_SYSLOG_UDP = 1,
	RB_SYSLOG_TCP = 2,
	RB_SYSLOG_TLS = 3,
};

/* Name of a transport for logs and output ("udp", "tcp", "tls"). */
const char *rb_syslog_transport_name(uint8_t transport);

#define RB_SYSLOG_FLAG_CUT	0x01	/* the message was longer than max-message-size */

enum rb_syslog_field {
	RB_SYSLOG_F_TIMESTAMP,
	RB_SYSLOG_F_HOSTNAME,
	RB_SYSLOG_F_APP_NAME,
	RB_SYSLOG_F_PROCID,
	RB_SYSLOG_F_MSGID,
	RB_SYSLOG_F_SD,
	RB_SYSLOG_F_MSG,
	RB_SYSLOG_FIELDS,
};

#define RB_SYSLOG_ENTRY_HEAD	34
#define RB_SYSLOG_RING_VERSION	1
#define RB_SYSLOG_HOSTNAME_STORED_MAX	64

/* One received message, before encoding or after decoding. */
struct rb_syslog_entry {
	int64_t received_ms;
	int16_t pri;
	uint8_t format;
	uint8_t transport;
	uint8_t flags;
	uint8_t family;		/* 4 or 6 */
	uint8_t source[16];
	struct rb_syslog_span fields[RB_SYSLOG_FIELDS];
};

/*
 * Encode e into a malloc'ed buffer, each field cut at 65535 bytes.
 * Returns NULL when out of memory.
 */
uint8_t *rb_syslog_entry_encode(const struct rb_syslog_entry *e, size_t *len);

/*
 * Decode the entry at buf[0..len).  Fields point into buf.  Returns its
 * encoded length, or 0 when the bytes are not a valid entry.
 */
size_t rb_syslog_entry_decode(const uint8_t *buf, size_t len, struct rb_syslog_entry *out);

/* The head of a ring value. */
struct rb_syslog_ring_head {
	uint32_t count;
	uint64_t overwritten;
	char hostname[RB_SYSLOG_HOSTNAME_STORED_MAX + 1];
	size_t entries_offset;	/* where the first entry starts in the value */
};

/* Decode the head of a ring value.  Returns false when it is invalid. */
bool rb_syslog_ring_head_decode(const uint8_t *buf, size_t len, struct rb_syslog_ring_head *out);

/* Fill an entry from a parsed message. */
void rb_syslog_entry_from_msg(struct rb_syslog_entry *e, const struct rb_syslog_msg *m);

#endif
