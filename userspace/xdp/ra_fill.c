// SPDX-License-Identifier: MIT
/*
 * Write the XDP program's Router Advertisement templates from the
 * config's router-advertisements, into the rb_ra_templates fd that the
 * loader hands out (struct rb_xdp_maps).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "common/log.h"
#include "ra/ra_link.h"
#include "ra/ra_template.h"
#include "xdp/ra_fill.h"

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
