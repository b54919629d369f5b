// SPDX-License-Identifier: MIT
/* Per-device log rings, kept in a hash table keyed by MAC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "syslog/syslog_ring.h"

#define RINGS_MIN_SLOTS	64

const uint8_t rb_syslog_unattributed_key[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static size_t hash_mac(const uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 6; i++) {
		h ^= mac[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

int rb_syslog_rings_init(struct rb_syslog_rings *r, uint32_t entries_per_ring)
{
	memset(r, 0, sizeof(*r));
	r->entries_per_ring = entries_per_ring ? entries_per_ring : 1;
	r->slots = calloc(RINGS_MIN_SLOTS, sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	r->slot_count = RINGS_MIN_SLOTS;
	return 0;
}

static void ring_free(struct rb_syslog_ring *ring)
{
	if (!ring)
		return;
	for (uint32_t i = 0; i < ring->capacity; i++)
		free(ring->entries[i]);
	free(ring->entries);
	free(ring->lens);
	free(ring);
}

void rb_syslog_rings_free(struct rb_syslog_rings *r)
{
	for (size_t i = 0; i < r->slot_count; i++)
		ring_free(r->slots[i]);
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

static size_t find_slot(struct rb_syslog_ring **slots, size_t slot_count, const uint8_t mac[6])
{
	size_t i = hash_mac(mac) & (slot_count - 1);

	/* At most half the slots are used, so the walk ends at an empty one. */
	while (slots[i] && memcmp(slots[i]->mac, mac, 6) != 0)
		i = (i + 1) & (slot_count - 1);
	return i;
}

static int grow(struct rb_syslog_rings *r)
{
	size_t slot_count = r->slot_count * 2;
	struct rb_syslog_ring **slots = calloc(slot_count, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < r->slot_count; i++) {
		if (r->slots[i])
			slots[find_slot(slots, slot_count, r->slots[i]->mac)] = r->slots[i];
	}
	free(r->slots);
	r->slots = slots;
	r->slot_count = slot_count;
	return 0;
}

static struct rb_syslog_ring *ring_new(const uint8_t mac[6], uint32_t capacity)
{
	struct rb_syslog_ring *ring = calloc(1, sizeof(*ring));

	if (!ring)
		return NULL;
	ring->entries = calloc(capacity, sizeof(*ring->entries));
	ring->lens = calloc(capacity, sizeof(*ring->lens));
	if (!ring->entries || !ring->lens) {
		ring_free(ring);
		return NULL;
	}
	memcpy(ring->mac, mac, 6);
	ring->capacity = capacity;
	return ring;
}

struct rb_syslog_ring *rb_syslog_rings_get(struct rb_syslog_rings *r, const uint8_t mac[6],
					   const char *hostname)
{
	struct rb_syslog_ring *ring;
	size_t i;

	if ((r->count + 1) * 2 > r->slot_count && grow(r))
		return NULL;
	i = find_slot(r->slots, r->slot_count, mac);
	if (!r->slots[i]) {
		r->slots[i] = ring_new(mac, r->entries_per_ring);
		if (!r->slots[i])
			return NULL;
		r->count++;
	}
	ring = r->slots[i];

	/* The hostname follows the inventory and the leases as they change. */
	if (hostname && strcmp(ring->hostname, hostname) != 0) {
		strncpy(ring->hostname, hostname, RB_SYSLOG_HOSTNAME_STORED_MAX);
		ring->hostname[RB_SYSLOG_HOSTNAME_STORED_MAX] = '\0';
		ring->dirty = true;
	}
	return ring;
}

void rb_syslog_ring_push(struct rb_syslog_ring *ring, uint8_t *entry, size_t len)
{
	uint32_t slot = (ring->head + ring->count) % ring->capacity;

	if (ring->count == ring->capacity) {
		free(ring->entries[ring->head]);
		ring->head = (ring->head + 1) % ring->capacity;
		ring->overwritten++;
	} else {
		ring->count++;
	}
	ring->entries[slot] = entry;
	ring->lens[slot] = len;
	ring->dirty = true;
}

uint8_t *rb_syslog_ring_value(const struct rb_syslog_ring *ring, size_t *len)
{
	uint16_t name_len = (uint16_t)strlen(ring->hostname);
	uint32_t version = RB_SYSLOG_RING_VERSION;
	size_t total = 18 + name_len, at;
	uint8_t *buf;

	for (uint32_t i = 0; i < ring->count; i++)
		total += ring->lens[(ring->head + i) % ring->capacity];
	buf = malloc(total);
	if (!buf)
		return NULL;

	memcpy(buf, &version, 4);
	memcpy(buf + 4, &ring->count, 4);
	memcpy(buf + 8, &ring->overwritten, 8);
	memcpy(buf + 16, &name_len, 2);
	memcpy(buf + 18, ring->hostname, name_len);
	at = 18 + name_len;
	for (uint32_t i = 0; i < ring->count; i++) {
		uint32_t slot = (ring->head + i) % ring->capacity;

		memcpy(buf + at, ring->entries[slot], ring->lens[slot]);
		at += ring->lens[slot];
	}
	*len = total;
	return buf;
}
