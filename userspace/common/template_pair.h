/* SPDX-License-Identifier: MIT */
/* Template ids of (subnet, boot profile) pairs, shared by the DHCPv4 and DHCPv6 templates. */
#ifndef RB_COMMON_TEMPLATE_PAIR_H
#define RB_COMMON_TEMPLATE_PAIR_H

#include <errno.h>
#include <stddef.h>

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

#endif
