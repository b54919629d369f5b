/* SPDX-License-Identifier: MIT */
/* Small BPF maps and address helpers shared by the DHCPv4 slow-path tests. */
#ifndef RB_TEST_DHCP4_MAPS_H
#define RB_TEST_DHCP4_MAPS_H

#include <stdint.h>

/* An IPv4 address in dotted form, in network byte order. */
uint32_t test_ip4(const char *s);

/*
 * Create rb_devices (16 entries), rb_dhcp4_templates (4) and rb_ifaces (4)
 * shaped like rackbootd's.  Returns 0, or -errno when one failed.
 */
int test_dhcp4_maps_create(int *devices_fd, int *templates_fd, int *ifaces_fd);

#endif
