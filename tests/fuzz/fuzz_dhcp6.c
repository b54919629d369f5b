// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the DHCPv6 codec.  It unwraps any input as a
 * relay chain and parses the client message inside.  Then it builds the
 * XDP reply and a slow-path reply with IA actions taken from the input,
 * and wraps the reply back into Relay-reply messages.  Each built reply must parse
 * again as a well-formed message.  The sanitizers catch any read or
 * write outside the buffers.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp6/relay6.h"
#include "dhcp6/template6.h"
#include "rackboot/dhcp6_wire.h"

static struct rb_dhcp6_work work;
static struct rb_dhcp6_work check;
static struct rb_dhcp6_template tmpl;
static struct rb_device6 dev;

static void fuzz_init(void)
{
	static const uint8_t duid[] = { 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct rb_cfg_subnet6 sn = { .preferred_lifetime = 60, .valid_lifetime = 120,
				     .renewal_time = 30, .rebinding_time = 48, .rapid_commit = true };
	struct rb_cfg_profile pf = { .n_bootfiles6 = 2, .n_sztp_servers = 1 };

	inet_pton(AF_INET6, "fd00::1", &sn.dns_servers.addr[0]);
	sn.dns_servers.count = 1;
	strcpy(sn.domain_search[0], "fuzz.test");
	sn.n_domain_search = 1;
	sn.vendor4491.has_time_offset = true;
	strcpy(pf.sztp_servers[0], "https://fuzz.test");
	pf.bootfiles6[0] = (struct rb_cfg_bootfile6){ .arch = RB_ARCH_ANY, .ipxe = 1,
						      .url = "http://[fd00::1]/a.ipxe" };
	pf.bootfiles6[1] = (struct rb_cfg_bootfile6){ .arch = RB_ARCH_ANY, .url = "tftp://[fd00::1]/b",
						      .params = { "x", "y" }, .n_params = 2 };
	if (rb_dhcp6_template_encode(&sn, &pf, duid, sizeof(duid), &tmpl))
		__builtin_trap();

	inet_pton(AF_INET6, "fd00::9", dev.addr);
	dev.preferred_lifetime = 60;
	dev.valid_lifetime = 120;
	dev.t1 = 30;
	dev.t2 = 48;
}

/* Check that a built reply of len bytes parses again, read as a Request. */
static void check_reply(int len)
{
	if (len < RB_DHCP6_HDR_LEN || len > RB_DHCP6_MAX_LEN)
		__builtin_trap();
	memcpy(check.in.b, work.out.b, (size_t)len);
	check.in.b[0] = RB_D6_REQUEST;
	if (rb_dhcp6_parse(&check, (uint32_t)len) != RB_D6_OK)
		__builtin_trap();
}

/* Set the slow-path arguments from the first bytes of the input. */
static void slow_args(const uint8_t *data, size_t size)
{
	struct rb_dhcp6_build_args *a = &work.args;

	memset(a, 0, sizeof(*a));
	a->reply_type = RB_D6_ADVERTISE;
	a->status = size > 0 && data[0] < 7 ? data[0] : RB_D6_STATUS_NONE;
	a->preferred_lifetime = 1;
	a->valid_lifetime = 2;
	memcpy(a->addr, dev.addr, 16);
	for (size_t i = 0; i < RB_DHCP6_IA_MAX; i++) {
		uint8_t b = size > i + 1 ? data[i + 1] : 0;

		a->ia_action[i] = b & 3;
		a->ia_status[i] = b >> 4;
	}
	a->bootfile = rb_dhcp6_pick_bootfile(&work, &tmpl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t wrapped[8192];
	struct rb_relay6_chain chain;
	int len;

	if (!ready) {
		fuzz_init();
		ready = 1;
	}
	if (rb_relay6_unwrap(data, size, &chain) != 0)
		return 0;
	if (chain.msg_len > sizeof(work.in.b))
		return 0;
	memset(&work.in, 0, sizeof(work.in));
	memcpy(work.in.b, chain.msg, chain.msg_len);
	if (rb_dhcp6_parse(&work, (uint32_t)chain.msg_len) != RB_D6_OK)
		return 0;

	if (rb_dhcp6_fast_prepare(&work, &tmpl, &dev) == RB_D6_V_REPLY) {
		len = rb_dhcp6_build(&work, &tmpl);
		check_reply(len);
	}

	slow_args(data, size);
	len = rb_dhcp6_build(&work, &tmpl);
	check_reply(len);
	if (rb_relay6_wrap(&chain, work.out.b, (size_t)len, wrapped, sizeof(wrapped)) < 0 &&
	    chain.n_levels * (RB_DHCP6_RELAY_HDR_LEN + 8 + RB_RELAY6_ID_MAX) + (size_t)len <
		    sizeof(wrapped))
		__builtin_trap();
	return 0;
}
