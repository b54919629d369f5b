/* SPDX-License-Identifier: MIT */
/* Template ids of (subnet, boot profile) pairs, shared by the DHCPv4 and DHCPv6 templates. */
#ifndef RB_COMMON_TEMPLATE_PAIR_H
#define RB_COMMON_TEMPLATE_PAIR_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rackboot/maps.h"

/*
 * Return the template id of a (subnet, profile) pair, adding it if new.
 * pairs contains the key of each of the *count ids so far and has room
 * for RB_MAX_TEMPLATES keys.  A new pair increments *count.  Returns
 * -ENOSPC when all RB_MAX_TEMPLATES ids are taken.
 */
static inline int rb_template_pair_id(size_t *pairs, size_t *count, size_t n_profiles,
				      size_t subnet, size_t profile)
{
	size_t key = subnet * n_profiles + profile;

	for (size_t i = 0; i < *count; i++) {
		if (pairs[i] == key)
			return (int)i;
	}
	if (*count >= RB_MAX_TEMPLATES)
		return -ENOSPC;
	pairs[*count] = key;
	return (int)(*count)++;
}

/*
 * Allocate a template set's tables: items, RB_MAX_TEMPLATES templates of
 * item_size bytes, a template id for each of n_devices devices and
 * n_subnets subnets (one entry at least), and the pair keys that
 * rb_template_pair_id() fills.  Returns 0, or -ENOMEM with what was
 * allocated left for rb_template_tables_free() and free(*pairs).
 */
static inline int rb_template_tables_alloc(size_t item_size, size_t n_devices, size_t n_subnets,
					   void **items, uint32_t **device_template,
					   uint32_t **pool_template, size_t **pairs)
{
	*items = calloc(RB_MAX_TEMPLATES, item_size);
	*device_template = calloc(n_devices ? n_devices : 1, sizeof(uint32_t));
	*pool_template = calloc(n_subnets ? n_subnets : 1, sizeof(uint32_t));
	*pairs = calloc(RB_MAX_TEMPLATES, sizeof(**pairs));
	if (!*items || !*device_template || !*pool_template || !*pairs)
		return -ENOMEM;
	return 0;
}

static inline void rb_template_tables_free(void *items, uint32_t *device_template,
					   uint32_t *pool_template)
{
	free(items);
	free(device_template);
	free(pool_template);
}

#endif
