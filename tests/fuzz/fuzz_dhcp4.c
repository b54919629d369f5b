// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the DHCPv4 codec: parse any input, and when it
 * parses, build the reply a known device would get.  The sanitizers catch
 * any read or write outside the work buffers.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp4/answer.h"
#include "dhcp4/template.h"

static struct rb_dhcp4_work work;
static struct rb_dhcp4_template tmpl;
static struct rb_device dev;

static void fuzz_init(void)
{
	struct rb_cfg_subnet sn = { .prefix_len = 24, .lease_time = 60,
				    .renewal_time = 30, .rebinding_time = 50 };
	struct rb_cfg_profile pf = { .n_bootfiles = 2 };

	sn.server_id = htonl(0x0a000001);
	sn.dns_servers.addr[0] = sn.server_id;
	sn.dns_servers.count = 1;
	strcpy(sn.domain_name, "fuzz.test");
	pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .ipxe = 1, .file = "a.ipxe" };
	pf.bootfiles[1] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .file = "b.efi" };
	rb_dhcp4_template_encode(&sn, &pf, &tmpl);

	dev.ipv4 = htonl(0x0a000009);
	dev.hostname_len = 4;
	memcpy(dev.hostname, "node", 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct rb_dhcp4_answer ans;
	uint8_t frame[2048];

	if (!ready) {
		fuzz_init();
		ready = 1;
	}
	if (rb_dhcp4_load(&work, data, size) != RB_D4_OK)
		return 0;

	/* Both a small and a large link MTU, to cover the reply limits. */
	for (uint32_t mtu = 576; mtu <= 1500; mtu += 924) {
		if (rb_dhcp4_answer(&work, &tmpl, &dev, mtu, &ans) || ans.reply_type == 0)
			continue;
		if (ans.len > RB_DHCP4_MAX_LEN || ans.len + 28 > (mtu > 576 ? mtu : 576))
			__builtin_trap();
		rb_dhcp4_frame(&work, &ans, (const uint8_t *)"\2\0\0\0\0\1", 67, 68,
			       frame, sizeof(frame));
	}
	return 0;
}
