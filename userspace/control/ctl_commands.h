/* SPDX-License-Identifier: MIT */
/*
 * The commands of the control protocol, run on rackbootd's loop thread
 * against its config, pinned maps and store.  Each call reads the state
 * once and returns; nothing here blocks on a client.
 */
#ifndef RB_CTL_COMMANDS_H
#define RB_CTL_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "control/ctl_reply.h"
#include "control/ctl_request.h"
#include "xdp/state_read.h"

struct rb_store;

/* The state that the commands read, filled in by rackbootd for each request. */
struct rb_ctl_context {
	const struct rb_config *cfg;
	int devices_fd;			/* rb_devices */
	int xdp_counters_fd;		/* rb_xdp_counters (per CPU) */
	int us_counters_fd;		/* rb_us_counters */
	struct rb_store *store;		/* NULL: no store */
	/* SIGHUP's reload: 0, or a negative errno with why filled. */
	int (*reload)(void *arg, char *why, size_t why_len);
	void *reload_arg;
};

/* Run req and build its reply, an error reply included.  Returns 0 or -ENOMEM. */
int rb_ctl_execute(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
		   struct rb_ctl_reply *reply);

/*
 * ctl_devices.c.  Keep the devices that match req's phase, profile and
 * subnet filters, in place, and return how many are kept.  The subnet
 * filter keeps a device whose IPv4 address lies in a DHCPv4 subnet or
 * prefix, or whose ipv6 (see rb_ctl_read_ipv6()) lies in a DHCPv6 subnet
 * or prefix.  A name of both a DHCPv4 and a DHCPv6 subnet matches
 * either.  Returns -EINVAL with why filled when the subnet is neither a
 * configured name nor an IPv4 or IPv6 prefix, or when the profile is
 * not configured.
 */
int rb_ctl_filter_devices(const struct rb_config *cfg, const struct rb_ctl_request *req,
			  struct rb_state_device *devs, size_t n, char *why, size_t why_len);

/*
 * Fill the ipv6 fields of devs (sorted by MAC) from the pinned
 * rb_devices6 map and the store's DHCPv6 leases, as rb_state_read_ipv6()
 * describes.  Returns 0, or a negative errno with why filled.
 */
int rb_ctl_read_ipv6(const struct rb_ctl_context *ctx, struct rb_state_device *devs, size_t n,
		     char *why, size_t why_len);

/* The profile of a device record: its inventory entry's, else its pool's; NULL when none. */
const struct rb_cfg_profile *rb_ctl_device_profile(const struct rb_config *cfg,
						   const struct rb_state_device *dev);

/* The subnet that contains the record's address, NULL when none. */
const struct rb_cfg_subnet *rb_ctl_device_subnet(const struct rb_config *cfg,
						 const struct rb_state_device *dev);

/* One device's timeline (device MAC): 0, -ENOENT, or another negative errno. */
int rb_ctl_device_timeline(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
			   FILE *out, char *why, size_t why_len);

/*
 * ctl_top.c.  One snapshot for rackbootctl top: devices per phase,
 * protocol totals (the client turns them into rates), error counters
 * that are not 0, and the devices waiting longest in a phase before
 * bootfile.
 */
int rb_ctl_top_snapshot(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
			FILE *out, char *why, size_t why_len);

#endif
