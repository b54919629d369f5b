// SPDX-License-Identifier: MIT
/*
 * Attach and detach the DHCPv4 XDP program on one interface through
 * libxdp, which puts it behind its dispatcher so that other XDP programs
 * can share the interface.  libxdp falls back to attaching the program
 * alone when the kernel rejects the dispatcher; check_dispatcher() warns
 * about that case.  Copies left by a killed rackbootd are removed before,
 * in leftover.c.
 */
#include <errno.h>
#include <string.h>

#include <xdp/libxdp.h>

#include "common/log.h"
#include "xdp/loader_internal.h"

static enum xdp_attach_mode attach_mode(enum rb_xdp_mode mode)
{
	return mode == RB_XDP_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
}

static const char *mode_name(enum rb_xdp_mode mode)
{
	return mode == RB_XDP_MODE_SKB ? "skb" : "native";
}

static void log_attach_error(const struct rb_xdp_iface *iface, int err)
{
	char msg[256];

	libxdp_strerror(err, msg, sizeof(msg));
	if (iface->mode == RB_XDP_MODE_NATIVE && (err == -EOPNOTSUPP || err == -EINVAL))
		log_err("interface %s: attaching the DHCPv4 XDP program in native mode failed: "
			"%s; the driver may lack native XDP: try \"xdp-mode\": \"skb\" for %s",
			iface->name, msg, iface->name);
	else if (err == -EBUSY || err == -EEXIST)
		log_err("interface %s: attaching the DHCPv4 XDP program failed: %s; another XDP "
			"program is attached to %s without libxdp's dispatcher: detach it "
			"(ip link set dev %s xdp off) or load it with libxdp (xdp-loader)",
			iface->name, msg, iface->name, iface->name);
	else
		log_err("interface %s: attaching the DHCPv4 XDP program in %s mode failed: %s; "
			"start with --log-level debug to see the libbpf and libxdp messages",
			iface->name, mode_name(iface->mode), msg);
}

/*
 * Warn when libxdp attached the program alone: it does that when the
 * kernel rejects its dispatcher, and then no other XDP program can be
 * attached to the interface beside rackboot's.
 */
static void check_dispatcher(const struct rb_xdp_iface *iface)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(iface->ifindex);

	if (!mp || libxdp_get_error(mp)) {
		log_debug("interface %s: reading the attached XDP programs failed", iface->name);
		return;
	}
	if (xdp_multiprog__is_legacy(mp))
		log_warn("interface %s: libxdp attached the DHCPv4 XDP program without its "
			 "dispatcher (the kernel rejected it; --log-level debug shows why), so no "
			 "other XDP program can share %s", iface->name, iface->name);
	xdp_multiprog__close(mp);
}

int rb_xdp_attach(struct xdp_program *prog, struct rb_xdp_iface *iface)
{
	int err;

	err = xdp_program__attach(prog, iface->ifindex, attach_mode(iface->mode), 0);
	if (err) {
		log_attach_error(iface, err);
		return err;
	}
	iface->attached = true;
	log_info("interface %s: DHCPv4 XDP program attached in %s mode", iface->name,
		 mode_name(iface->mode));
	check_dispatcher(iface);
	return 0;
}

void rb_xdp_detach(struct xdp_program *prog, struct rb_xdp_iface *iface)
{
	char msg[256];
	int err;

	if (!iface->attached)
		return;
	iface->attached = false;

	err = xdp_program__detach(prog, iface->ifindex, attach_mode(iface->mode), 0);
	if (err == -ENOENT) {
		log_warn("interface %s: the DHCPv4 XDP program was already detached, by another "
			 "tool", iface->name);
		return;
	}
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		log_err("interface %s: detaching the DHCPv4 XDP program failed: %s; detach it "
			"by hand (xdp-loader unload %s --all)", iface->name, msg, iface->name);
		return;
	}
	log_info("interface %s: DHCPv4 XDP program detached", iface->name);
}
