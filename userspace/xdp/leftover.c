// SPDX-License-Identifier: MIT
/*
 * Before attaching, find the DHCPv4 XDP programs already attached to an
 * interface.  A rackbootd killed by SIGKILL (or a crash) leaves its
 * program attached, and the restart must remove it.  Otherwise the
 * attach fails with EBUSY (program attached alone) or two copies run
 * (both behind libxdp's dispatcher).
 *
 * A program of that name is removed only when it is provably ours: the
 * maps it uses include the rb_devices map pinned in our pin folder, which
 * the caller has locked, so no running rackbootd uses that folder.  Any
 * other copy belongs to another rackbootd, which may still run with
 * another pin folder, and the start is rejected.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xdp/libxdp.h>

#include "common/log.h"
#include "xdp/loader_internal.h"

/* Name of the program in bpf/dhcp4.bpf.c, as the kernel reports it. */
#define RB_XDP_PROG_NAME "rb_dhcp4_xdp"

/* Programs a dispatcher runs at most (libxdp 1.3: 10), bounding a scan. */
#define RB_XDP_DISPATCHER_MAX 10

/* Map ids read per program; the DHCPv4 program uses about five maps. */
#define RB_PROG_MAP_IDS_MAX 64

static bool is_dhcp4_prog(const struct xdp_program *prog)
{
	const char *name = prog ? xdp_program__name(prog) : NULL;

	return name && strcmp(name, RB_XDP_PROG_NAME) == 0;
}

/*
 * Set *id to the id of the rb_devices map pinned in pin_dir, or to 0 when
 * none is pinned there (first start, or the folder was removed).
 */
static int pinned_devices_id(const char *pin_dir, __u32 *id)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, n, err;

	*id = 0;
	n = snprintf(path, sizeof(path), "%s/%s", pin_dir, RB_PIN_DEVICES);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;

	err = rb_pin_open(path, &fd);
	if (err || fd < 0)
		return err;

	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err) {
		log_err("reading the id of pinned map %s failed: %s", path, strerror(-err));
		return err;
	}
	*id = info.id;
	return 0;
}

/* True when the program uses the map with id map_id; false also on errors. */
static bool prog_uses_map(const struct xdp_program *prog, __u32 map_id)
{
	__u32 ids[RB_PROG_MAP_IDS_MAX];
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	__u32 n;

	if (map_id == 0)
		return false;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = RB_PROG_MAP_IDS_MAX;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(xdp_program__fd(prog), &info, &len)) {
		log_debug("reading the maps of XDP program id %u failed: %s",
			  xdp_program__id(prog), strerror(errno));
		return false;
	}

	/* The kernel reports the full count but fills at most the array. */
	n = info.nr_map_ids < RB_PROG_MAP_IDS_MAX ? info.nr_map_ids : RB_PROG_MAP_IDS_MAX;
	for (__u32 i = 0; i < n; i++) {
		if (ids[i] == map_id)
			return true;
	}
	return false;
}

static void log_foreign(const struct rb_xdp_iface *iface, const struct xdp_program *prog,
			const char *pin_dir)
{
	log_err("interface %s: another rackbootd serves %s (XDP program id %u, maps not under "
		"%s): stop it, or if none runs, detach it with `ip link set dev %s xdp off`",
		iface->name, iface->name, xdp_program__id(prog), pin_dir, iface->name);
}

static void log_leftover(const struct rb_xdp_iface *iface, const struct xdp_program *prog,
			 const char *pin_dir)
{
	log_warn("interface %s: removing DHCPv4 XDP program id %u, which uses the maps under %s "
		 "and was left attached by a rackbootd that did not stop cleanly (killed or "
		 "crashed)", iface->name, xdp_program__id(prog), pin_dir);
}

/* Turn a libxdp detach status into remove_one()'s result. */
static int detach_result(const struct rb_xdp_iface *iface, const struct xdp_program *prog,
			 int err)
{
	char msg[256];

	if (!err)
		return 1;
	libxdp_strerror(err, msg, sizeof(msg));
	log_err("interface %s: removing the leftover DHCPv4 XDP program id %u failed: %s; "
		"detach it with `ip link set dev %s xdp off`", iface->name, xdp_program__id(prog),
		msg, iface->name);
	return err;
}

/*
 * Remove the first DHCPv4 program on mp that uses devices_id.  Returns 1
 * when one was removed, 0 when mp has none, or a negative errno after
 * logging a program that is not ours (-EBUSY) or a failed detach.
 */
static int remove_one(struct xdp_multiprog *mp, const struct rb_xdp_iface *iface,
		      const char *pin_dir, __u32 devices_id)
{
	struct xdp_program *prog = NULL;
	int n = 0;

	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (!is_dhcp4_prog(prog))
			return 0;
		if (!prog_uses_map(prog, devices_id)) {
			log_foreign(iface, prog, pin_dir);
			return -EBUSY;
		}
		log_leftover(iface, prog, pin_dir);
		return detach_result(iface, prog, xdp_multiprog__detach(mp));
	}

	/* NOTE: untested, like every path behind the dispatcher (loader.c says why). */
	while ((prog = xdp_multiprog__next_prog(prog, mp)) && n++ < RB_XDP_DISPATCHER_MAX) {
		if (!is_dhcp4_prog(prog))
			continue;
		if (!prog_uses_map(prog, devices_id)) {
			log_foreign(iface, prog, pin_dir);
			return -EBUSY;
		}
		log_leftover(iface, prog, pin_dir);
		return detach_result(iface, prog,
				     xdp_program__detach(prog, iface->ifindex,
							 xdp_multiprog__attach_mode(mp), 0));
	}
	return 0;
}

/* Remove our leftover programs from one interface, one per round. */
static int iface_clean(const struct rb_xdp_iface *iface, const char *pin_dir, __u32 devices_id)
{
	for (int round = 0; round < RB_XDP_DISPATCHER_MAX; round++) {
		struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(iface->ifindex);
		int ret;

		/* Nothing attached, or unreadable: the attach reports what is wrong. */
		if (!mp || libxdp_get_error(mp))
			return 0;
		ret = remove_one(mp, iface, pin_dir, devices_id);
		xdp_multiprog__close(mp);
		if (ret <= 0)
			return ret;
	}
	log_err("interface %s: DHCPv4 XDP programs are still attached after removing %d of "
		"them: detach them with `ip link set dev %s xdp off`", iface->name,
		RB_XDP_DISPATCHER_MAX, iface->name);
	return -EBUSY;
}

int rb_xdp_remove_leftovers(const struct rb_xdp_iface *ifaces, size_t n, const char *pin_dir)
{
	__u32 devices_id;
	int err;

	err = pinned_devices_id(pin_dir, &devices_id);
	if (err)
		return err;

	for (size_t i = 0; i < n; i++) {
		err = iface_clean(&ifaces[i], pin_dir, devices_id);
		if (err)
			return err;
	}
	return 0;
}
