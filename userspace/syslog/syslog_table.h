/* SPDX-License-Identifier: MIT */
/*
 * Source address to device: an open-addressing hash table rebuilt from
 * the inventory and the current leases, so that each received message
 * finds its device in O(1).  IPv4 addresses are kept as IPv4-mapped
 * IPv6 addresses (::ffff:a.b.c.d).
 */
#ifndef RB_SYSLOG_TABLE_H
#define RB_SYSLOG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "syslog/syslog_record.h"

struct rb_syslog_device {
	uint8_t mac[6];
	char hostname[RB_SYSLOG_HOSTNAME_STORED_MAX + 1];	/* "" = none */
};

struct rb_syslog_table_slot {
	uint8_t addr[16];
	uint8_t used;
	struct rb_syslog_device dev;
};

struct rb_syslog_table {
	struct rb_syslog_table_slot *slots;
	size_t capacity;	/* a power of two */
	size_t count;
};

/* Make an empty table, which rb_syslog_table_free releases. */
void rb_syslog_table_init(struct rb_syslog_table *t);
void rb_syslog_table_free(struct rb_syslog_table *t);

/*
 * Map addr (16 bytes) to a device.  A later add of the same address
 * replaces the device.  Returns 0 or -ENOMEM.
 */
int rb_syslog_table_add(struct rb_syslog_table *t, const uint8_t addr[16], const uint8_t mac[6],
			const char *hostname, size_t hostname_len);

/* The device of addr, or NULL. */
const struct rb_syslog_device *rb_syslog_table_find(const struct rb_syslog_table *t,
						    const uint8_t addr[16]);

/* Write ipv4 (network order) to addr as an IPv4-mapped IPv6 address. */
void rb_syslog_addr_v4(uint32_t ipv4, uint8_t addr[16]);

#endif
