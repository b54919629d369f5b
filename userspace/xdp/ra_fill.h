/* SPDX-License-Identifier: MIT */
/* Filling rb_ra_templates, the XDP program's Router Advertisement templates. */
#ifndef RB_XDP_RA_FILL_H
#define RB_XDP_RA_FILL_H

#include <stddef.h>

#include "config/config.h"

/*
 * Write one template for each interface of cfg->ras and delete the
 * templates of other interfaces.  An interface without a link-local
 * address gets no template (XDP then passes its solicitations up) and a
 * warning.  Sets *written to the templates written.  Returns 0 or a
 * negative errno after logging.
 */
int rb_xdp_ra_fill(int fd, const struct rb_config *cfg, size_t *written);

#endif
