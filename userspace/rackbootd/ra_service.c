// SPDX-License-Identifier: MIT
/*
 * Router Advertisements in rackbootd: at start, the XDP templates that
 * reply to Router Solicitations and the sender of unsolicited RAs; on every
 * loop tick, the RAs that are due; on stop, the final RAs with router
 * lifetime 0.  Without router-advertisements in the config, all four
 * steps do nothing.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "ra/ra_sender.h"
#include "rackboot/ra_wire.h"
#include "rackbootd/daemon.h"
#include "xdp/ra_fill.h"

/* True when the XDP program is attached to ifname, so that it receives the RS there. */
static bool xdp_on(const struct rb_config *cfg, const char *ifname)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		if (strcmp(cfg->ifaces[i].name, ifname) == 0)
			return true;
	}
	return false;
}

/*
 * Fill the program's rb_ra_templates when it is attached to an RA
 * interface.  All interfaces share one program, so one map.
 */
static int templates_start(struct rb_daemon *d)
{
	const struct rb_config *cfg = d->cfg;
	const char *via = NULL;
	size_t written = 0;
	int fd, err;

	for (size_t i = 0; i < cfg->n_ras && !via; i++) {
		if (xdp_on(cfg, cfg->ras[i].interface))
			via = cfg->ras[i].interface;
		else
			log_warn("ra: the XDP program is not attached to %s, so router "
				 "solicitations there get no reply until the next unsolicited RA; "
				 "add %s to interfaces to reply to them in XDP",
				 cfg->ras[i].interface, cfg->ras[i].interface);
	}
	if (!via)
		return 0;

	/* The fd belongs to the loader's skeleton: not closed here. */
	fd = rb_xdp_maps(d->xdp)->ra_templates;
	if (fd < 0) {
		log_err("ra: map %s of the XDP program is not open, so router solicitations on "
			"%s get no reply from XDP; restart rackbootd", RB_MAP_RA_TEMPLATES, via);
		return -EBADF;
	}
	err = rb_xdp_ra_fill(fd, cfg, &written);
	if (!err)
		log_info("ra: %zu router advertisement templates written for XDP", written);
	return err;
}

int rb_daemon_ra_start(struct rb_daemon *d)
{
	int err;

	if (d->cfg->n_ras == 0)
		return 0;
	err = templates_start(d);
	if (err)
		return err;
	return rb_ra_sender_new(d->cfg, NULL, rb_ra_now_ms(), &d->ra);
}

int rb_daemon_ra_reload(struct rb_daemon *d, const struct rb_config *old)
{
	struct rb_ra_sender *ra = NULL;
	size_t written = 0;
	int err;

	if (d->cfg->n_ras == 0 && old->n_ras == 0)
		return 0;
	/* A new sender sends every RA at once, so that hosts learn the changed fields. */
	err = rb_ra_sender_new(d->cfg, NULL, rb_ra_now_ms(), &ra);
	if (err)
		return err;
	if (d->cfg->n_ras)
		err = templates_start(d);
	else if (rb_xdp_maps(d->xdp)->ra_templates >= 0)
		err = rb_xdp_ra_fill(rb_xdp_maps(d->xdp)->ra_templates, d->cfg, &written);
	if (err) {
		rb_ra_sender_free(ra);
		return err;
	}
	/*
	 * No final RA: the links that keep RAs get the new one at once.
	 * NOTE: a link removed from router-advertisements gets no final RA
	 * with router lifetime 0, so its hosts keep a nonzero lifetime.
	 */
	rb_ra_sender_free(d->ra);
	d->ra = ra;
	return 0;
}

void rb_daemon_ra_tick(struct rb_daemon *d)
{
	rb_ra_sender_tick(d->ra, rb_ra_now_ms());
}

void rb_daemon_ra_stop(struct rb_daemon *d)
{
	rb_ra_sender_stop(d->ra);
}

void rb_daemon_ra_free(struct rb_daemon *d)
{
	rb_ra_sender_free(d->ra);
	d->ra = NULL;
}
