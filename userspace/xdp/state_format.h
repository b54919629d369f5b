/* SPDX-License-Identifier: MIT */
/*
 * rackbootctl's output of device records and counters: a table for
 * people and JSON for scripts.  JSON shapes:
 *
 *	{"devices":[{"mac":"52:54:00:21:30:01","ipv4":"10.213.0.101",
 *	  "hostname":"rack1-node01","phase":"leased",
 *	  "phase_times_ns":{"discovered":N,"offered":N,"leased":N},
 *	  "xdp_replies":N,"us_replies":N,"client_arch":N,"uuid":null,
 *	  "ipv6":"fd00:213::101","ipv6_source":"lease"}, ...]}
 *
 *	{"xdp":{"rx":N,"pass_not_dhcp":N,...},"userspace":{"rx":N,...}}
 *
 * phase_times_ns lists only the phases reached, in CLOCK_BOOTTIME
 * nanoseconds.  client_arch is the last option 93 value, or null (and
 * "-" in the table) while the device has sent none.  ipv6 and
 * ipv6_source are what rb_state_read_ipv6() filled: "lease" or
 * "reservation", both null when it found neither.  Counter keys are
 * the names in xdp/map_names.h.
 */
#ifndef RB_STATE_FORMAT_H
#define RB_STATE_FORMAT_H

#include <netinet/in.h>
#include <stdio.h>

#include "xdp/state_read.h"

/* "lease", "reservation" or "none", the names of --json's ipv6_source. */
const char *rb_state_ipv6_source_name(enum rb_state_ipv6_source source);

/*
 * Format d's DHCPv6 address into buf and return buf, or return NULL when
 * d has none (ipv6_source NONE).
 */
const char *rb_state_ipv6_text(const struct rb_state_device *d, char buf[INET6_ADDRSTRLEN]);

/* Write the "ipv6" and "ipv6_source" members of d, without braces or commas around them. */
void rb_state_ipv6_json(FILE *out, const struct rb_state_device *d);

void rb_state_devices_json(FILE *out, const struct rb_state_device *devs, size_t n);

/* Times are seconds after the first phase reached, normally discovered. */
void rb_state_devices_table(FILE *out, const struct rb_state_device *devs, size_t n);

void rb_state_stats_json(FILE *out, const struct rb_state_stats *stats);
void rb_state_stats_table(FILE *out, const struct rb_state_stats *stats);

/* Write len bytes as a JSON string, quotes included. */
void rb_json_string(FILE *out, const void *data, size_t len);

#endif
