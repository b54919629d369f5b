/* SPDX-License-Identifier: MIT */
/*
 * The in-memory log rings: one per device (by MAC) and one for messages
 * from unknown sources.  Each keeps the newest `capacity` encoded
 * entries, so a full ring overwrites its oldest.  A ring is dirty from a
 * push until its value is taken for the store.
 */
#ifndef RB_SYSLOG_RING_H
#define RB_SYSLOG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syslog/syslog_record.h"

/* Key of the unattributed ring in the store: the broadcast MAC, never a device's. */
extern const uint8_t rb_syslog_unattributed_key[6];

struct rb_syslog_ring {
	uint8_t mac[6];
	char hostname[RB_SYSLOG_HOSTNAME_STORED_MAX + 1];
	uint8_t **entries;	/* capacity slots of encoded entries, NULL = empty */
	size_t *lens;
	uint32_t capacity;
	uint32_t head;		/* slot of the oldest entry */
	uint32_t count;
	uint64_t overwritten;
	bool dirty;
};

struct rb_syslog_rings {
	struct rb_syslog_ring **slots;	/* hash by MAC, linear probing */
	size_t slot_count;		/* a power of two */
	size_t count;
	uint32_t entries_per_ring;
};

int rb_syslog_rings_init(struct rb_syslog_rings *r, uint32_t entries_per_ring);
void rb_syslog_rings_free(struct rb_syslog_rings *r);

/* The ring of mac, created on first use.  NULL when out of memory. */
struct rb_syslog_ring *rb_syslog_rings_get(struct rb_syslog_rings *r, const uint8_t mac[6],
					   const char *hostname);

/* Append one encoded entry.  The ring takes ownership of entry. */
void rb_syslog_ring_push(struct rb_syslog_ring *ring, uint8_t *entry, size_t len);

/*
 * The ring as its store value (syslog_record.h), malloc'ed.  NULL when
 * out of memory.
 */
uint8_t *rb_syslog_ring_value(const struct rb_syslog_ring *ring, size_t *len);

#endif
