/* SPDX-License-Identifier: MIT */
/* rackbootctl logs: one device's log ring from the store, as a table or JSON. */
#ifndef RB_SYSLOG_SHOW_H
#define RB_SYSLOG_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rb_store;

/* The device name that selects the ring of messages from unknown sources. */
#define RB_SYSLOG_UNATTRIBUTED_NAME	"unattributed"

/*
 * Print the newest `lines` entries (0 = all) of the ring of device: a
 * MAC (aa:bb:cc:dd:ee:ff), a hostname or "unattributed".  Returns 0,
 * -ENOENT when the store has no ring for it, or -EBADMSG for a damaged
 * value.
 */
int rb_syslog_show(FILE *out, struct rb_store *st, const char *device, size_t lines, bool json);

/*
 * Print an empty ring for the known device mac with hostname (may be
 * ""), in the format of rb_syslog_show(): for a device that has sent no
 * message yet.
 */
void rb_syslog_show_empty(FILE *out, const uint8_t mac[6], const char *hostname, bool json);

/* Parse device as a MAC (aa:bb:cc:dd:ee:ff) into mac.  Returns false when device is not a MAC. */
bool rb_syslog_device_mac(const char *device, uint8_t mac[6]);

#endif
