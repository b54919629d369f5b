// SPDX-License-Identifier: MIT
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xdp/device_state.h"

uint64_t rb_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct rb_mac_key rb_mac_key_of(const uint8_t mac[6])
{
	struct rb_mac_key key;

	memset(&key, 0, sizeof(key));
	memcpy(key.addr, mac, sizeof(key.addr));
	return key;
}

char *rb_mac_format(const uint8_t mac[6], char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return out;
}

int rb_device_get(int devices_fd, const uint8_t mac[6], struct rb_device *rec)
{
	struct rb_mac_key key = rb_mac_key_of(mac);

	if (bpf_map_lookup_elem(devices_fd, &key, rec))
		return -errno;
	return 0;
}

int rb_device_put(int devices_fd, const uint8_t mac[6], const struct rb_device *rec)
{
	struct rb_mac_key key = rb_mac_key_of(mac);

	if (bpf_map_update_elem(devices_fd, &key, rec, BPF_EXIST))
		return -errno;
	return 0;
}

void rb_device_set_phase(struct rb_device *rec, enum rb_phase phase, uint64_t now_ns)
{
	if (phase <= RB_PHASE_NONE || phase >= RB_PHASE_COUNT)
		return;
	if (rec->phase_ns[phase] == 0)
		rec->phase_ns[phase] = now_ns;
	if (rec->phase < (uint32_t)phase)
		rec->phase = phase;
}
