/* SPDX-License-Identifier: MIT */
/*
 * Load the DHCPv4 XDP program, attach it to the configured interfaces
 * through libxdp (so that it can share them with other XDP programs via
 * libxdp's dispatcher), and fill its maps from the config.
 *
 * The maps are pinned under the config's bpffs-pin-path and reused by the
 * next start, so device progress and counters survive a restart.  They
 * stay pinned after rackbootd exits: remove the pin folder (rm -r) to
 * reset that state.  A process killed without rb_xdp_stop() leaves its
 * program attached, still replying from the maps, until the next
 * rb_xdp_start() with the same pin folder removes it.
 */
#ifndef RB_XDP_LOADER_H
#define RB_XDP_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct rb_xdp;

/* The pinned maps, open in this process. */
struct rb_xdp_maps {
	int devices;		/* rb_devices */
	int templates;		/* rb_dhcp4_templates */
	int ifaces;		/* rb_ifaces */
	int xdp_counters;	/* rb_xdp_counters */
	int events;		/* rb_events ring buffer */
	int pool_queues;	/* rb_pool_queues: free-address queue per pool */
	int relay_reservations;	/* rb_relay_reservations: reservations by option 82 */
	int relay_pools;	/* rb_relay_pools: pools of relayed unknown devices */
	int us_counters;	/* rb_us_counters */
	int ra_templates;	/* rb_ra_templates, not pinned: Router Advertisement templates */
	int tftp_xfers;		/* rb_tftp_xfers: transfers served from XDP */
	int tftp_files;		/* rb_tftp_files, not pinned: files in the block store */
	int tftp_blocks;	/* rb_tftp_blocks, not pinned: the block store */
	int dns_answers;	/* rb_dns_answers, not pinned: pre-encoded DNS responses */
	uint32_t tftp_slots;	/* slots of rb_tftp_blocks; 0 = the TFTP data path is off */
	uint32_t min_mtu;	/* smallest MTU of the interfaces with the program */
	uint64_t *us;		/* the RB_UC_COUNT values of rb_us_counters, mapped */
};

/* Counts of what rb_xdp_start() found and wrote, for the start log. */
struct rb_xdp_summary {
	size_t interfaces;	/* interfaces the program is attached to */
	size_t templates;	/* reply templates written */
	size_t devices;		/* device records written */
	size_t devices_kept;	/* of those, records that kept earlier state */
	size_t devices_removed;	/* records of devices no longer in the config */
	size_t relay_reservations;	/* reservations by relay agent information written */
	size_t maps_reused;	/* maps found pinned from an earlier run */
};

/*
 * Check the interfaces, remove programs that a killed rackbootd with the
 * same pin folder left attached, load and attach the program, pin and
 * fill the maps.  Returns 0 and sets *out, or a negative errno after
 * logging what failed on which interface or map.  On failure the
 * programs this call attached are detached again.  A DHCPv4 program that
 * does not use the maps of this pin folder belongs to another rackbootd:
 * it stays attached, and the call returns -EBUSY.
 */
int rb_xdp_start(const struct rb_config *cfg, struct rb_xdp **out);

/*
 * Write cfg into the maps of the running program (the reload), as the
 * start does.  Records of devices still in the inventory keep their
 * phase, times and counts.  Those of removed devices go, except pool
 * devices whose address lies in a pool of cfg.  Templates, links, relay
 * reservations and the DHCPv6 maps are replaced.  cfg
 * must list the interfaces the program is attached to, in the same
 * order.  Fills *summary.  Returns 0, or a negative errno after
 * logging: nothing was written when an interface check failed, the maps
 * may be half written when a map update failed.
 */
int rb_xdp_reload(struct rb_xdp *xdp, const struct rb_config *cfg, struct rb_xdp_summary *summary);

const struct rb_xdp_maps *rb_xdp_maps(const struct rb_xdp *xdp);
const struct rb_xdp_summary *rb_xdp_summary(const struct rb_xdp *xdp);

/* Detach from every interface and close everything; the pins stay. */
void rb_xdp_stop(struct rb_xdp *xdp);

/*
 * Route libbpf and libxdp messages through common/log.h, one level lower
 * than they report (warnings become debug lines): the caller logs the
 * failure with its own message and fix.
 */
void rb_xdp_route_library_logs(void);

#endif
