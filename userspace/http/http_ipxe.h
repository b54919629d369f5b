/* SPDX-License-Identifier: MIT */
/*
 * Per-device iPXE scripts, generated from the device's boot profile.
 *
 * The stable URL of a device's script is /ipxe/<mac>.ipxe, with the MAC
 * as 52:54:00:21:30:01, 52-54-00-21-30-01 or 525400213001 in either
 * case.  /ipxe/boot.ipxe?mac=<mac> names the same script, for an iPXE
 * first stage that chains ${net0/mac}.  These two names are served
 * from the configuration, never from a file of the HTTP root.  Other
 * names under /ipxe/ are files, so that a kernel path relative to the
 * script's URL, which iPXE resolves to /ipxe/<path>, can be served.
 */
#ifndef RB_HTTP_IPXE_H
#define RB_HTTP_IPXE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define RB_HTTP_IPXE_PREFIX	"ipxe/"
#define RB_HTTP_IPXE_BOOT	"ipxe/boot.ipxe"

/* Parse a MAC in one of the three forms above.  Returns 0 or -EINVAL. */
int rb_http_parse_mac(const char *text, uint8_t mac[6]);

/*
 * Find the MAC that a root-relative path and query name.  *is_script is
 * set, and mac with it, when the path is ipxe/<mac>.ipxe or
 * ipxe/boot.ipxe.  Returns 0, or -EINVAL with *is_script set for an
 * ipxe/boot.ipxe whose mac parameter is missing or does not parse.
 */
int rb_http_ipxe_target(const char *path, const char *query, uint8_t mac[6], int *is_script);

/*
 * Write the script of the device with mac into out.  Returns its length,
 * or with *reason set: -ENOENT for a MAC not in the inventory, -ENODATA
 * for a profile without ipxe-kernel, -ENOSPC when out is too small.
 */
long rb_http_ipxe_script(const struct rb_config *cfg, const uint8_t mac[6], char *out,
			 size_t size, const char **reason);

#endif
