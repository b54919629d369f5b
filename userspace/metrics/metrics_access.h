/* SPDX-License-Identifier: MIT */
/* Access check of the metrics path against the prefixes of http/metrics/allowed-source. */
#ifndef RB_METRICS_ACCESS_H
#define RB_METRICS_ACCESS_H

#include <stdbool.h>
#include <sys/socket.h>

#include "config/config.h"

/*
 * Whether a client at peer may read the metrics: always when no prefix is
 * configured, else when peer lies in one of them.  A NULL peer (unknown)
 * may only when no prefix is configured.  An IPv4 peer must be given as
 * AF_INET, not as an IPv4-mapped IPv6 address.
 */
bool rb_metrics_allowed(const struct rb_cfg_metrics *cfg, const struct sockaddr *peer);

#endif
