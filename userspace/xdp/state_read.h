/* SPDX-License-Identifier: MIT */
/*
 * Read rackbootd's pinned state: device records and counters.  Used by
 * rackbootctl; the functions return negative errnos and log nothing, so
 * that the caller words the error for its user.
 */
#ifndef RB_STATE_READ_H
#define RB_STATE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "rackboot/maps.h"

/* Source of rb_state_device.ipv6. */
enum rb_state_ipv6_source {
	RB_STATE_IPV6_NONE = 0,		/* no DHCPv6 address known */
	RB_STATE_IPV6_RESERVATION,	/* the inventory's address in rb_devices6, not leased */
	RB_STATE_IPV6_LEASE,		/* a bound, unexpired DHCPv6 lease in the store */
};

struct rb_state_device {
	struct rb_mac_key key;
	struct rb_device rec;
	/* DHCPv6 address, filled by rb_state_read_ipv6(); zero while ipv6_source is NONE. */
	uint8_t ipv6[16];
	enum rb_state_ipv6_source ipv6_source;
	int64_t ipv6_lease_end;		/* CLOCK_REALTIME seconds, for a lease */
};

struct rb_state_stats {
	uint64_t xdp[RB_XC_COUNT];	/* rb_xdp_counters summed over CPUs */
	uint64_t us[RB_UC_COUNT];	/* rb_us_counters */
};

/* Open the map pinned as pin_dir/name.  Returns its fd or a negative errno. */
int rb_state_open(const char *pin_dir, const char *name);

/*
 * Read every record of the rb_devices map fd, sorted by MAC.  *out is
 * malloc'ed (free it); returns 0 or a negative errno.
 */
int rb_state_read_devices(int fd, struct rb_state_device **out, size_t *count);

/* Read the per-CPU XDP counters (summed) and the userspace counters. */
int rb_state_read_stats(int xdp_fd, int us_fd, struct rb_state_stats *out);

/*
 * Find out whether a rackbootd runs with pin_dir: it holds an exclusive
 * flock on the folder while it runs.  Returns 1 when one does, 0 when
 * none does, or a negative errno.  The probe holds a shared lock for an
 * instant, which a rackbootd starting at that moment waits out.
 */
int rb_state_daemon_running(const char *pin_dir);

#endif
