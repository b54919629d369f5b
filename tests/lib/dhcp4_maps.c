// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>

#include <bpf/bpf.h>

#include "dhcp4_maps.h"
#include "rackboot/maps.h"

uint32_t test_ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

int test_dhcp4_maps_create(int *devices_fd, int *templates_fd, int *ifaces_fd)
{
	*devices_fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, sizeof(struct rb_mac_key),
				     sizeof(struct rb_device), 16, NULL);
	*templates_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4,
				       sizeof(struct rb_dhcp4_template), 4, NULL);
	*ifaces_fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, sizeof(struct rb_iface), 4, NULL);
	if (*devices_fd < 0 || *templates_fd < 0 || *ifaces_fd < 0)
		return -errno;
	return 0;
}
