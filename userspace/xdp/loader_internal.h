/* SPDX-License-Identifier: MIT */
/* Steps of rb_xdp_start(), one file each. */
#ifndef RB_XDP_LOADER_INTERNAL_H
#define RB_XDP_LOADER_INTERNAL_H

#include <linux/if_ether.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "config/config.h"
#include "xdp/loader.h"

struct rb_dhcp4_templates;

/* One configured interface, with what the kernel reports for it. */
struct rb_xdp_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[ETH_ALEN];
	uint16_t mtu;
	enum rb_xdp_mode mode;
	bool dhcp4;		/* some subnet is served on it */
	bool attached;
};

struct xdp_program;

/* iface.c: look up every configured interface and check subnet addresses. */
int rb_xdp_ifaces_check(const struct rb_config *cfg, struct rb_xdp_iface *ifaces);

/*
 * bpffs.c: make sure /sys/fs/bpf is a BPF filesystem, create the pin
 * folder and lock it against a second rackbootd.  Returns the lock fd or
 * a negative errno.
 */
int rb_bpffs_prepare(const char *pin_dir);

/*
 * bpffs.c: make map use the map pinned as pin_dir/name when one exists
 * with the same definition, and set *reused to whether it did.  A pinned map
 * with another definition (from another rackboot version) is unpinned
 * with a warning and replaced.
 */
int rb_pin_reuse(struct bpf_map *map, const char *pin_dir, const char *name, bool *reused);

/*
 * bpffs.c: open the object pinned at path.  Returns 0 with *fd = -1 when
 * nothing is pinned there, 0 with *fd open, or a negative errno after
 * logging the failure.
 */
int rb_pin_open(const char *path, int *fd);

/* bpffs.c: pin a loaded map as pin_dir/name. */
int rb_pin_map(struct bpf_map *map, const char *pin_dir, const char *name);

/*
 * leftover.c: remove the DHCPv4 XDP programs that a killed rackbootd
 * with this pin folder left on the interfaces.  Returns -EBUSY, after
 * logging the program id and the fix, when another rackbootd's program
 * is attached to one of them.  Call with the pin folder locked.
 */
int rb_xdp_remove_leftovers(const struct rb_xdp_iface *ifaces, size_t n, const char *pin_dir);

/* attach.c: attach prog to iface, or detach it.  Both log what they did. */
int rb_xdp_attach(struct xdp_program *prog, struct rb_xdp_iface *iface);
void rb_xdp_detach(struct xdp_program *prog, struct rb_xdp_iface *iface);

/* us_counters.c: open or create rb_us_counters and map its values. */
int rb_us_counters_open(const char *pin_dir, int *fd, uint64_t **values, bool *reused);
void rb_us_counters_close(int fd, uint64_t *values);

/*
 * relay_fill.c: replace the entries of rb_relay_reservations with the
 * config's reservations and set *written to the number written.
 */
int rb_xdp_relay_fill(int fd, const struct rb_config *cfg, size_t *written);

/*
 * relay_fill.c: replace the entries of rb_relay_pools with the subnets
 * whose pools have an XDP queue, so that relayed unknown devices on
 * those links bind pool addresses in XDP.
 */
int rb_xdp_relay_pools_fill(int fd, const struct rb_config *cfg,
			    const struct rb_dhcp4_templates *t);

/*
 * relay_fill.c: log each interface with IPv4 forwarding off.  The XDP
 * program routes replies to relay agents with a FIB lookup made as for a
 * forwarded packet, which the kernel rejects on such an interface.
 */
void rb_xdp_relay_forwarding_hint(const struct rb_xdp_iface *ifaces, size_t n);

/* maps_fill.c: write rb_ifaces, rb_dhcp4_templates, rb_devices and rb_relay_reservations. */
int rb_xdp_maps_fill(const struct rb_config *cfg, const struct rb_xdp_maps *maps,
		     const struct rb_xdp_iface *ifaces, size_t n_ifaces,
		     struct rb_xdp_summary *summary);

#endif
