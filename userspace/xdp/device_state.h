/* SPDX-License-Identifier: MIT */
/*
 * Read and update device records in rb_devices from userspace, with the
 * same phase rules as the XDP program: each phase keeps the time it was
 * first reached, and the record's phase only moves forward.
 */
#ifndef RB_DEVICE_STATE_H
#define RB_DEVICE_STATE_H

#include <stdint.h>

#include "rackboot/maps.h"

/* Nanoseconds of CLOCK_BOOTTIME, the clock of bpf_ktime_get_boot_ns(). */
uint64_t rb_boottime_ns(void);

/* Build the rb_devices key of a MAC. */
struct rb_mac_key rb_mac_key_of(const uint8_t mac[6]);

/* Format a MAC as "52:54:00:21:30:01"; out needs 18 bytes.  Returns out. */
char *rb_mac_format(const uint8_t mac[6], char *out);

/*
 * Copy the record of mac from the rb_devices map fd into rec.  Returns 0,
 * -ENOENT when the MAC has no record, or another negative errno.
 */
int rb_device_get(int devices_fd, const uint8_t mac[6], struct rb_device *rec);

/*
 * Write rec back for mac; only an existing record is replaced, so that a
 * device removed from the inventory meanwhile stays removed.  Returns 0
 * or a negative errno (-ENOENT for a removed record).
 */
int rb_device_put(int devices_fd, const uint8_t mac[6], const struct rb_device *rec);

/* Record that the device reached phase at now_ns. */
void rb_device_set_phase(struct rb_device *rec, enum rb_phase phase, uint64_t now_ns);

#endif
