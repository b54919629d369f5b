/* SPDX-License-Identifier: MIT */
/* The store's leases as rackbootctl prints them: a table or JSON. */
#ifndef RB_LEASE_FORMAT_H
#define RB_LEASE_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

struct rb_store;

/*
 * Print every lease of st to out, the DHCPv4 ones in MAC order, then the
 * DHCPv6 ones in (DUID, IAID) order.  JSON is
 * {"leases":[{"mac","ipv4","source","template_id","start","end"}, ...],
 *  "leases6":[{"duid","iaid","ipv6","state","mac","subnet6","start","end"}, ...]}
 * with start and end in CLOCK_REALTIME seconds and mac "" when unknown.
 * Returns 0, or a
 * negative errno (-EBADMSG after printing the valid leases when some
 * records were invalid).
 */
int rb_lease_print(FILE *out, struct rb_store *st, bool json);

#endif
