// SPDX-License-Identifier: MIT
/*
 * Write the XDP program's Router Advertisement templates from the
 * config's router-advertisements.
 *
 * The loader neither pins rb_ra_templates nor hands out its fd, so the
 * map is found through the program attached to a configured interface:
 * the DHCPv4 program whose maps include this rackbootd's rb_devices.
 * NOTE: the dispatcher path of libxdp is walked here as in leftover.c,
 * but only the program attached alone has run.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include <xdp/libxdp.h>

#include "common/log.h"
#include "ra/ra_link.h"
#include "ra/ra_template.h"
#include "xdp/ra_fill.h"

/* Name of the program in bpf/dhcp4.bpf.c, as the kernel reports it. */
#define RA_PROG_NAME		"rb_dhcp4_xdp"

/* Map ids read per program.  The DHCPv4 program uses about a dozen maps. */
#define RA_PROG_MAP_IDS_MAX	64

/* Programs a dispatcher runs at most (10 in libxdp 1.3, as leftover.c notes), bounding a scan. */
#define RA_DISPATCHER_MAX	10

static int map_id_of_fd(int fd, __u32 *id, char name[BPF_OBJ_NAME_LEN])
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	if (name)
		memcpy(name, info.name, BPF_OBJ_NAME_LEN);
	return 0;
}

/*
 * Open the map named RB_MAP_RA_TEMPLATES among the maps of prog, when
 * they include devices_id.  Returns 0 with *fd open, -ENOENT, or another
 * negative errno.
 */
static int prog_ra_map(const struct xdp_program *prog, __u32 devices_id, int *fd)
{
	__u32 ids[RA_PROG_MAP_IDS_MAX], len, n;
	struct bpf_prog_info info;
	int candidate = -1;
	bool ours = false;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = RA_PROG_MAP_IDS_MAX;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(xdp_program__fd(prog), &info, &len))
		return -errno;
	n = info.nr_map_ids < RA_PROG_MAP_IDS_MAX ? info.nr_map_ids : RA_PROG_MAP_IDS_MAX;

	for (__u32 i = 0; i < n; i++) {
		char name[BPF_OBJ_NAME_LEN];
		__u32 id;
		int map_fd;

		ours |= ids[i] == devices_id;
		if (candidate >= 0)
			continue;
		map_fd = bpf_map_get_fd_by_id(ids[i]);
		if (map_fd < 0)
			continue;
		if (map_id_of_fd(map_fd, &id, name) == 0 &&
		    strncmp(name, RB_MAP_RA_TEMPLATES, BPF_OBJ_NAME_LEN) == 0)
			candidate = map_fd;
		else
			close(map_fd);
	}

	if (candidate >= 0 && ours) {
		*fd = candidate;
		return 0;
	}
	if (candidate >= 0)
		close(candidate);
	return -ENOENT;
}

static bool is_dhcp4_prog(const struct xdp_program *prog)
{
	const char *name = prog ? xdp_program__name(prog) : NULL;

	return name && strcmp(name, RA_PROG_NAME) == 0;
}

/* Search the programs attached to ifindex, alone or behind a dispatcher. */
static int ifindex_ra_map(int ifindex, __u32 devices_id, int *fd)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *prog = NULL;
	int err = -ENOENT;

	if (libxdp_get_error(mp))
		return (int)libxdp_get_error(mp);

	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (is_dhcp4_prog(prog))
			err = prog_ra_map(prog, devices_id, fd);
	} else {
		for (int i = 0; i < RA_DISPATCHER_MAX && err == -ENOENT; i++) {
			prog = xdp_multiprog__next_prog(prog, mp);
			if (!prog)
				break;
			if (is_dhcp4_prog(prog))
				err = prog_ra_map(prog, devices_id, fd);
		}
	}
	xdp_multiprog__close(mp);
	return err;
}

int rb_xdp_ra_map_open(const char *ifname, int devices_fd, int *fd)
{
	int ifindex = (int)if_nametoindex(ifname);
	__u32 devices_id = 0;
	int err;

	*fd = -1;
	if (ifindex == 0) {
		log_err("ra: interface %s not found", ifname);
		return -ENODEV;
	}
	err = map_id_of_fd(devices_fd, &devices_id, NULL);
	if (err) {
		log_err("ra: reading the id of map %s failed: %s", RB_PIN_DEVICES, strerror(-err));
		return err;
	}

	err = ifindex_ra_map(ifindex, devices_id, fd);
	if (err)
		log_err("ra: map %s of this rackbootd's XDP program not found through %s: %s; "
			"check that the program is attached there (ip link show %s)",
			RB_MAP_RA_TEMPLATES, ifname, strerror(-err), ifname);
	return err;
}

/* Write the template of one config entry.  Returns 1 when written, 0 when skipped. */
static int template_write(int fd, const struct rb_cfg_ra *ra)
{
	struct rb_ra_link_info info;
	struct rb_ra_template t;
	__u32 key;
	int err;

	err = rb_ra_link_lookup(ra->interface, &info);
	if (err) {
		log_err("ra: looking up interface %s failed: %s", ra->interface, strerror(-err));
		return err;
	}
	if (!info.has_link_local) {
		log_warn("ra: interface %s has no IPv6 link-local address, so XDP leaves its router "
			 "solicitations to the kernel; enable IPv6 on it", ra->interface);
		return 0;
	}

	err = rb_ra_template_fill(ra, info.mac, &info.link_local, &t);
	if (err) {
		log_err("ra: encoding the router advertisement of %s failed: %s", ra->interface,
			strerror(-err));
		return err;
	}
	key = (__u32)info.ifindex;
	if (bpf_map_update_elem(fd, &key, &t, BPF_ANY)) {
		err = -errno;
		log_err("map %s: writing the template of %s failed: %s", RB_MAP_RA_TEMPLATES,
			ra->interface, strerror(-err));
		return err;
	}
	return 1;
}

/* Delete the templates whose ifindex is not one of cfg->ras. */
static void templates_prune(int fd, const struct rb_config *cfg)
{
	__u32 key, next, *prev = NULL;

	for (int guard = 0; guard < RB_MAX_IFACES * 2; guard++) {
		bool configured = false;

		if (bpf_map_get_next_key(fd, prev, &next))
			return;
		for (size_t i = 0; i < cfg->n_ras; i++)
			configured |= if_nametoindex(cfg->ras[i].interface) == next;
		if (!configured && bpf_map_delete_elem(fd, &next) == 0) {
			prev = NULL;	/* the walk restarts after a delete */
			continue;
		}
		key = next;
		prev = &key;
	}
}

int rb_xdp_ra_fill(int fd, const struct rb_config *cfg, size_t *written)
{
	*written = 0;
	templates_prune(fd, cfg);

	for (size_t i = 0; i < cfg->n_ras; i++) {
		int ret = template_write(fd, &cfg->ras[i]);

		if (ret < 0)
			return ret;
		*written += (size_t)ret;
	}
	return 0;
}
