/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 addresses of the device records that rb_state_read_devices()
 * returns.  An rb_devices record is keyed by MAC, and DHCPv6 state is
 * keyed by DUID, so the two are joined by the MAC that rb_devices6 and
 * the store record beside each DUID.
 */
#ifndef RB_STATE_READ6_H
#define RB_STATE_READ6_H

#include <stddef.h>
#include <stdint.h>

#include "xdp/state_read.h"

struct rb_store;
struct rb_store_lease6;

/*
 * Fill the ipv6 fields of devs, which must be sorted by MAC as
 * rb_state_read_devices() returns them.  A device gets the address of
 * its bound DHCPv6 lease in store whose end is after now_s (CLOCK_REALTIME
 * seconds), the longest-lasting one when it has several.  Otherwise it
 * gets the address reserved for its MAC in the rb_devices6 map fd.  A
 * lease whose DUID carries no MAC is joined through the rb_devices6
 * record of that DUID.  devices6_fd < 0 skips the reservations, and a
 * NULL store skips the leases.  Returns 0 or a negative errno.
 */
int rb_state_read_ipv6(int devices6_fd, struct rb_store *store, int64_t now_s,
		       struct rb_state_device *devs, size_t n);

#endif
