// SPDX-License-Identifier: MIT
/* The address-to-device hash table: linear probing, grown at half full. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "syslog/syslog_table.h"

#define TABLE_MIN_CAPACITY	64

/* FNV-1a over the 16 address bytes. */
static size_t hash_addr(const uint8_t addr[16])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 16; i++) {
		h ^= addr[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

void rb_syslog_table_init(struct rb_syslog_table *t)
{
	memset(t, 0, sizeof(*t));
}

void rb_syslog_table_free(struct rb_syslog_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct rb_syslog_table_slot *probe(struct rb_syslog_table_slot *slots, size_t capacity,
					  const uint8_t addr[16])
{
	size_t i = hash_addr(addr) & (capacity - 1);

	/* The table is never more than half full, so an empty slot ends the walk. */
	while (slots[i].used && memcmp(slots[i].addr, addr, 16) != 0)
		i = (i + 1) & (capacity - 1);
	return &slots[i];
}

static int grow(struct rb_syslog_table *t)
{
	size_t capacity = t->capacity ? t->capacity * 2 : TABLE_MIN_CAPACITY;
	struct rb_syslog_table_slot *slots = calloc(capacity, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->capacity; i++) {
		if (t->slots[i].used)
			*probe(slots, capacity, t->slots[i].addr) = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->capacity = capacity;
	return 0;
}

int rb_syslog_table_add(struct rb_syslog_table *t, const uint8_t addr[16], const uint8_t mac[6],
			const char *hostname, size_t hostname_len)
{
	struct rb_syslog_table_slot *slot;

	if ((t->count + 1) * 2 > t->capacity && grow(t))
		return -ENOMEM;

	slot = probe(t->slots, t->capacity, addr);
	if (!slot->used)
		t->count++;
	slot->used = 1;
	memcpy(slot->addr, addr, 16);
	memcpy(slot->dev.mac, mac, 6);
	if (hostname_len > RB_SYSLOG_HOSTNAME_STORED_MAX)
		hostname_len = RB_SYSLOG_HOSTNAME_STORED_MAX;
	memcpy(slot->dev.hostname, hostname, hostname_len);
	slot->dev.hostname[hostname_len] = '\0';
	return 0;
}

const struct rb_syslog_device *rb_syslog_table_find(const struct rb_syslog_table *t,
						    const uint8_t addr[16])
{
	const struct rb_syslog_table_slot *slot;

	if (t->capacity == 0)
		return NULL;
	slot = probe(t->slots, t->capacity, addr);
	return slot->used ? &slot->dev : NULL;
}

void rb_syslog_addr_v4(uint32_t ipv4, uint8_t addr[16])
{
	memset(addr, 0, 10);
	addr[10] = 0xff;
	addr[11] = 0xff;
	memcpy(addr + 12, &ipv4, 4);
}
