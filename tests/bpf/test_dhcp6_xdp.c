// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 part of the XDP program under BPF_PROG_TEST_RUN.  A table
 * of requests gives the expected verdict and counter, and for replies
 * the exact DHCPv6 message.  The differential test checks that the XDP
 * reply and the userspace codec's reply (rackboot/dhcp6_reply.h), with
 * the arguments rackbootd's DHCPv6 handlers choose, to one request are
 * the same bytes.  Further cases: the whole Solicit, Advertise, Request,
 * Reply exchange in XDP, the RB_EV_DHCP6_LEASE record of a Reply, and
 * the lease journal writing that record to a real store.
 *
 * Needs root (loading BPF); exits 77 (skipped) when the kernel refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "dhcp4.skel.h"
#include "dhcp6/template6.h"
#include "leases/leases.h"
#include "lib/dhcp4_pkt.h"
#include "lib/store_fixture.h"
#include "lib/xdp_run.h"
#include "store/store.h"
#include "xdp/dhcp6_fill.h"
#include "rackboot/dhcp6_wire.h"

#define LO_IFINDEX 1
#define ETH_IP6_UDP 62

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
/* fe80::1, the server's link-local address. */
static const uint8_t server_ll[16] = { 0xfe, 0x80, [15] = 1 };
/* fe80::5054:ff:fe21:3001, the client's. */
static const uint8_t client_ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0, 0xff, 0xfe, 0x21, 0x30, 0x01 };
static const uint8_t client_global[16] = { 0xfd, 0, 2, 0x13, [15] = 0x50 };

#define DUID_KNOWN 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 0x01
#define DUID_NORC 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 0x02
#define DUID_UNKNOWN 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x99, 0x99, 0x99
/* The configured DUID of a device whose record has no RB_D6_DEV_F_MAC_KEY. */
#define DUID_CONFIGURED 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 0x05
/* Configured DUIDs of a device whose subnet6 is on another link, and of one only behind relays. */
#define DUID_OTHER_LINK 0, 2, 0, 0, 0x12, 0x34, 'o', 't', 'h', 'e', 'r'
#define DUID_RELAY_ONLY 0, 2, 0, 0, 0x12, 0x34, 'r', 'e', 'l', 'a', 'y'
/* The ifindex recorded for the other link.  The tests run the program on lo only. */
#define OTHER_IFINDEX 7
/* DUID-LLT (type 1, Ethernet, a time, the MAC) of the known, unknown and configured MACs. */
#define LLT_TIME 0x2a, 0x11, 0x22, 0x33
#define DUID_LLT_KNOWN 0, 1, 0, 1, LLT_TIME, 0x52, 0x54, 0x00, 0x21, 0x30, 0x01
#define DUID_LLT_UNKNOWN 0, 1, 0, 1, LLT_TIME, 0x52, 0x54, 0x00, 0x99, 0x99, 0x99
#define DUID_LLT_CONFIGURED 0, 1, 0, 1, LLT_TIME, 0x52, 0x54, 0x00, 0x21, 0x30, 0x05
#define DUID_SERVER 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
#define OPT_CLIENTID(...) 0, 1, 0, 10, __VA_ARGS__
#define OPT_CLIENTID_LLT(...) 0, 1, 0, 14, __VA_ARGS__
#define OPT_CLIENTID_EN(...) 0, 1, 0, 11, __VA_ARGS__
#define OPT_SERVERID 0, 2, 0, 18, DUID_SERVER
#define HDR(type) (type), 0xab, 0xcd, 0xef
#define ADDR_11 0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11
#define ADDR_99 0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99
#define OPT_IA_NA_EMPTY 0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0
#define OPT_IA_NA(addr) 0, 3, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, \
	0, 5, 0, 24, addr, 0, 0, 0, 0, 0, 0, 0, 0
#define OPT_ORO_DNS_BOOT 0, 6, 0, 6, 0, 23, 0, 59, 0, 60
#define OPT_ARCH7 0, 61, 0, 2, 0, 7
#define RAPID_COMMIT 0, 14, 0, 0

/* What every Reply to the known device carries after the header and client id. */
#define REPLY_TAIL \
	0, 3, 0, 40, 0, 0, 0, 1, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40, \
	0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20, \
	0, 23, 0, 16, 0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, \
	0, 59, 0, 10, 't', 'f', 't', 'p', ':', '/', '/', 'x', '/', 'e', \
	0, 60, 0, 6, 0, 4, 'q', 'u', 'i', 'e'

static struct dhcp4_bpf *skel;
static struct rb_dhcp6_template tmpl, norc_tmpl;	/* template ids 0 and 1 */
static struct rb_device6 device, norc_device, configured_device, other_link_device,
	relay_only_device;

static const uint8_t server_duid[] = { DUID_SERVER };

static void make_templates(void)
{
	struct rb_cfg_subnet6 sn = { 0 };
	struct rb_cfg_profile pf = { 0 };

	strcpy(sn.name, "lab6");
	sn.preferred_lifetime = 3600;
	sn.valid_lifetime = 7200;
	sn.renewal_time = 1800;
	sn.rebinding_time = 2880;
	sn.rapid_commit = true;
	inet_pton(AF_INET6, "fd00:213::1", &sn.dns_servers.addr[0]);
	sn.dns_servers.count = 1;
	strcpy(sn.domain_search[0], "lab.test");
	sn.n_domain_search = 1;

	strcpy(pf.name, "uefi");
	pf.bootfiles6[0] = (struct rb_cfg_bootfile6){ .arch = RB_ARCH_ANY, .ipxe = 1,
						      .url = "http://x/boot.ipxe" };
	pf.bootfiles6[1] = (struct rb_cfg_bootfile6){ .arch = 7, .url = "tftp://x/e",
						      .params = { "quie" }, .n_params = 1 };
	pf.n_bootfiles6 = 2;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pf, server_duid, sizeof(server_duid), &tmpl), 0);

	sn.rapid_commit = false;
	assert_int_equal(rb_dhcp6_template_encode(&sn, &pf, server_duid, sizeof(server_duid),
						  &norc_tmpl), 0);
}

/*
 * Add a record with flags (RB_D6_DEV_F_*) and the ifindex of its subnet6's
 * link under duid, as rb_xdp_dhcp6_fill() writes it.
 */
static void add_device(const uint8_t *duid, size_t duid_len, uint32_t id,
		       const struct rb_dhcp6_template *t, uint32_t flags, uint32_t ifindex,
		       struct rb_device6 *rec)
{
	struct rb_duid_key key;
	struct rb_cfg_subnet6 sn = { .preferred_lifetime = 3600, .valid_lifetime = 7200,
				     .renewal_time = 1800, .rebinding_time = 2880 };
	struct rb_cfg_device cd = { 0 };

	inet_pton(AF_INET6, "fd00:213::11", &cd.ipv6);
	memcpy(cd.mac, client_mac, 6);
	memset(rec, 0, sizeof(*rec));
	rb_dhcp6_device_fill(&cd, &sn, id, rec);
	rec->flags = flags;
	rec->ifindex = ifindex;
	assert_int_equal(rb_dhcp6_duid_key(duid, duid_len, &key), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_dhcp6_templates), &id, t, 0), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices6), &key, rec, 0), 0);
}

static int setup(void **state)
{
	static const uint8_t known[] = { DUID_KNOWN }, norc[] = { DUID_NORC };
	static const uint8_t configured[] = { DUID_CONFIGURED };
	static const uint8_t other_link[] = { DUID_OTHER_LINK }, relay_only[] = { DUID_RELAY_ONLY };
	struct rb_iface6 iface = { .mtu = 1500, .enabled = 1 };
	struct rb_device rec4 = { 0 };
	struct rb_mac_key mac = { 0 };
	uint32_t ifindex = LO_IFINDEX;

	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "# cannot load the XDP program (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}

	make_templates();
	add_device(known, sizeof(known), 0, &tmpl, RB_D6_DEV_F_MAC_KEY, LO_IFINDEX, &device);
	add_device(norc, sizeof(norc), 1, &norc_tmpl, RB_D6_DEV_F_MAC_KEY, LO_IFINDEX, &norc_device);
	add_device(configured, sizeof(configured), 0, &tmpl, 0, LO_IFINDEX, &configured_device);
	add_device(other_link, sizeof(other_link), 0, &tmpl, 0, OTHER_IFINDEX, &other_link_device);
	add_device(relay_only, sizeof(relay_only), 0, &tmpl, 0, 0, &relay_only_device);

	memcpy(mac.addr, client_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &mac, &rec4, 0), 0);

	memcpy(iface.mac, server_mac, 6);
	memcpy(iface.link_local, server_ll, 16);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces6), &ifindex, &iface, 0), 0);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	(void)state;
	return 0;
}

/*
 * A frame from the client to ff02::1:2 port 547 with msg as payload.
 * udp_len_delta shifts the UDP length field, for the malformed cases.
 */
static size_t build_frame(uint8_t *f, const uint8_t *src, const uint8_t *msg, size_t len,
			  int udp_len_delta)
{
	static const uint8_t all_servers[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
	size_t udp_len = 8 + len;

	memcpy(f, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(f + 14, 0, 8);
	f[14] = 0x60;
	f[18] = (uint8_t)(udp_len >> 8);
	f[19] = (uint8_t)udp_len;
	f[20] = IPPROTO_UDP;
	f[21] = 1;
	memcpy(f + 22, src, 16);
	memcpy(f + 38, all_servers, 16);
	f[54] = 546 >> 8;
	f[55] = 546 & 0xff;
	f[56] = 547 >> 8;
	f[57] = 547 & 0xff;
	f[58] = (uint8_t)((udp_len + udp_len_delta) >> 8);
	f[59] = (uint8_t)(udp_len + udp_len_delta);
	f[60] = 0;
	f[61] = 0;
	memcpy(f + ETH_IP6_UDP, msg, len);
	return ETH_IP6_UDP + len;
}

static int run_xdp(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	int verdict = test_xdp_run(bpf_program__fd(skel->progs.rb_dhcp4_xdp), LO_IFINDEX, in, in_len,
				   out, out_len, NULL);

	assert_true(verdict >= 0);
	return verdict;
}

static uint64_t counter(enum rb_xdp_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.rb_xdp_counters), idx, &sum), 0);
	return sum;
}

static uint16_t sum_words(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Check the headers of a reply frame to the client, and its UDP checksum. */
static void assert_reply_headers(const uint8_t *f, size_t len)
{
	uint8_t pseudo[40];
	size_t udp_len = len - 54;

	assert_memory_equal(f, client_mac, 6);
	assert_memory_equal(f + 6, server_mac, 6);
	assert_int_equal(f[12] << 8 | f[13], 0x86dd);
	assert_int_equal(f[14], 0x60);
	assert_int_equal(f[18] << 8 | f[19], udp_len);
	assert_int_equal(f[20], IPPROTO_UDP);
	assert_memory_equal(f + 22, server_ll, 16);
	assert_memory_equal(f + 38, client_ll, 16);
	assert_int_equal(f[54] << 8 | f[55], 547);
	assert_int_equal(f[56] << 8 | f[57], 546);
	assert_int_equal(f[58] << 8 | f[59], udp_len);
	assert_int_not_equal(f[60] << 8 | f[61], 0);

	memcpy(pseudo, f + 22, 32);
	memset(pseudo + 32, 0, 8);
	pseudo[34] = (uint8_t)(udp_len >> 8);
	pseudo[35] = (uint8_t)udp_len;
	pseudo[39] = IPPROTO_UDP;
	assert_int_equal(sum_words(f + 54, udp_len, sum_words(pseudo, 40, 0)), 0xffff);
}

struct xdp6_case {
	const char *name;
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *src;		/* IPv6 source, NULL: client_ll */
	int udp_len_delta;
	int verdict;
	enum rb_xdp_counter counter;	/* must grow by one */
	const uint8_t *expect;		/* exact DHCPv6 reply, NULL: don't check */
	size_t expect_len;
};

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static const struct xdp6_case cases[] = {
	{
		.name = "rapid commit Solicit gets a Reply",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), 0, 8, 0, 2, 0, 0, RAPID_COMMIT,
			     OPT_ORO_DNS_BOOT, OPT_ARCH7, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, RAPID_COMMIT,
				REPLY_TAIL),
	},
	{
		.name = "Request gets a Reply",
		.msg = BYTES(HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_ORO_DNS_BOOT,
			     OPT_ARCH7, OPT_IA_NA(ADDR_11)),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "Renew gets a Reply",
		.msg = BYTES(HDR(5), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_ORO_DNS_BOOT,
			     OPT_ARCH7, OPT_IA_NA(ADDR_11)),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "Request without ORO gets no DNS or boot file",
		.msg = BYTES(HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID,
				0, 3, 0, 40, 0, 0, 0, 1, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40,
				0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20),
	},
	{
		.name = "unknown DUID passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_UNKNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "Solicit without rapid commit gets an Advertise",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), 0, 8, 0, 2, 0, 0, OPT_ORO_DNS_BOOT,
			     OPT_ARCH7, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_ADVERTISE,
		.expect = BYTES(HDR(2), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "rapid commit off in the subnet gets an Advertise",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_NORC), RAPID_COMMIT, OPT_ORO_DNS_BOOT,
			     OPT_ARCH7, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_ADVERTISE,
		.expect = BYTES(HDR(2), OPT_CLIENTID(DUID_NORC), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "Advertise without ORO has the IA_NA only",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_ADVERTISE,
		.expect = BYTES(HDR(2), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID,
				0, 3, 0, 40, 0, 0, 0, 1, 0, 0, 0x07, 0x08, 0, 0, 0x0b, 0x40,
				0, 5, 0, 24, ADDR_11, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20),
	},
	{
		.name = "Solicit with a server id passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_OTHER_SERVER,
	},
	{
		.name = "Solicit for another address passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), OPT_IA_NA(ADDR_99)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_SLOW,
	},
	{
		.name = "Relay-forward passed",
		.msg = BYTES(12, 0, [2 ... 33] = 0, 0, 9, 0, 18, HDR(1), OPT_CLIENTID(DUID_KNOWN)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_RELAYED,
	},
	{
		.name = "Request to another server passed",
		.msg = BYTES(HDR(3), OPT_CLIENTID(DUID_KNOWN), 0, 2, 0, 4, 0, 4, 9, 9,
			     OPT_IA_NA(ADDR_11)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_OTHER_SERVER,
	},
	{
		.name = "Request for another address passed",
		.msg = BYTES(HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_IA_NA(ADDR_99)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_SLOW,
	},
	{
		.name = "Rebind passed",
		.msg = BYTES(HDR(6), OPT_CLIENTID(DUID_KNOWN), OPT_IA_NA(ADDR_11)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_MSG_TYPE,
	},
	{
		.name = "global source address passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.src = client_global,
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_NOT_LINK_LOCAL,
	},
	{
		.name = "DUID-LLT of an inventory MAC gets a Reply",
		.msg = BYTES(HDR(1), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), 0, 8, 0, 2, 0, 0, RAPID_COMMIT,
			     OPT_ORO_DNS_BOOT, OPT_ARCH7, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_SERVERID, RAPID_COMMIT,
				REPLY_TAIL),
	},
	{
		.name = "DUID-LLT of an inventory MAC gets an Advertise",
		.msg = BYTES(HDR(1), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_ORO_DNS_BOOT, OPT_ARCH7,
			     OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_ADVERTISE,
		.expect = BYTES(HDR(2), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "DUID-LLT Request gets a Reply",
		.msg = BYTES(HDR(3), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_SERVERID, OPT_ORO_DNS_BOOT,
			     OPT_ARCH7, OPT_IA_NA(ADDR_11)),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
		.expect = BYTES(HDR(7), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_SERVERID, REPLY_TAIL),
	},
	{
		.name = "DUID-LLT of an unknown MAC passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID_LLT(DUID_LLT_UNKNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "DUID-LLT of hardware type 6 passed",
		.msg = BYTES(HDR(1), 0, 1, 0, 14, 0, 1, 0, 6, LLT_TIME, 0x52, 0x54, 0x00, 0x21, 0x30, 0x01,
			     RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "DUID-LLT with a 4-byte address passed",
		.msg = BYTES(HDR(1), 0, 1, 0, 12, 0, 1, 0, 1, LLT_TIME, 0x52, 0x54, 0x00, 0x21,
			     RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "DUID-LLT with an 8-byte address passed",
		.msg = BYTES(HDR(1), 0, 1, 0, 16, 0, 1, 0, 1, LLT_TIME, 0x52, 0x54, 0x00, 0x21, 0x30,
			     0x01, 0, 0, RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "DUID-LL of hardware type 6 passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(0, 3, 0, 6, 0x52, 0x54, 0x00, 0x21, 0x30, 0x01),
			     RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "configured DUID gets a Reply",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_CONFIGURED), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
	},
	{
		.name = "DUID-LLT of a configured-DUID device passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID_LLT(DUID_LLT_CONFIGURED), RAPID_COMMIT,
			     OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "device on its subnet's link gets a Reply",
		.msg = BYTES(HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID, OPT_IA_NA(ADDR_11)),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
	},
	{
		.name = "Solicit on another link passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID_EN(DUID_OTHER_LINK), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_WRONG_LINK,
	},
	{
		.name = "Request on another link passed and counted",
		.msg = BYTES(HDR(3), OPT_CLIENTID_EN(DUID_OTHER_LINK), OPT_SERVERID,
			     OPT_IA_NA(ADDR_11)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_WRONG_LINK,
	},
	{
		.name = "relay-only subnet passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID_EN(DUID_RELAY_ONLY), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_WRONG_LINK,
	},
	{
		.name = "truncated option passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), 0, 8, 0),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_OPTION,
	},
	{
		.name = "option length past the end passed and counted",
		.msg = BYTES(HDR(1), 0, 1, 0, 40, DUID_KNOWN),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_OPTION,
	},
	{
		.name = "zero-length client id passed and counted",
		.msg = BYTES(HDR(1), 0, 1, 0, 0, RAPID_COMMIT),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_DUID,
	},
	{
		.name = "two client ids passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), OPT_CLIENTID(DUID_KNOWN)),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_DUPLICATE,
	},
	{
		.name = "rapid commit with a payload passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), 0, 14, 0, 1, 0),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_BAD_LEN,
	},
	{
		.name = "Advertise from a client passed and counted",
		.msg = BYTES(HDR(2), OPT_CLIENTID(DUID_KNOWN)),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_MSG_TYPE,
	},
	{
		.name = "three-byte message passed and counted",
		.msg = BYTES(1, 2, 3),
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_SHORT,
	},
	{
		.name = "UDP length past the frame passed and counted",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), RAPID_COMMIT),
		.udp_len_delta = 8,
		.verdict = XDP_PASS, .counter = RB_XC_MALFORMED_DHCP6_UDP,
	},
};

static void test_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xdp6_case *c = &cases[i];
		uint8_t in[2048], out[4096];
		uint32_t out_len = sizeof(out);
		uint64_t before = counter(c->counter);
		size_t in_len;
		int verdict;

		print_message("# %s\n", c->name);
		in_len = build_frame(in, c->src ? c->src : client_ll, c->msg, c->msg_len,
				     c->udp_len_delta);
		verdict = run_xdp(in, in_len, out, &out_len);
		if (verdict != c->verdict)
			fail_msg("case \"%s\": verdict %d, expected %d", c->name, verdict, c->verdict);
		if (counter(c->counter) != before + 1)
			fail_msg("case \"%s\": counter %d did not grow by one", c->name, c->counter);
		if (c->verdict != XDP_TX)
			continue;

		assert_reply_headers(out, out_len);
		if (c->expect) {
			assert_int_equal(out_len - ETH_IP6_UDP, c->expect_len);
			assert_memory_equal(out + ETH_IP6_UDP, c->expect, c->expect_len);
		}
	}
	(void)state;
}

/*
 * Build the userspace codec's reply to the DHCPv6 message of a frame.
 * The arguments are those that rackbootd's Solicit, Request and Renew
 * handlers set (userspace/dhcp6/server_handle.c), not the output of
 * rb_dhcp6_fast_prepare().  They are the subnet's lifetimes, Rapid Commit
 * when the Solicit has it and the subnet allows it, and the reserved address.
 */
static int run_userspace(const uint8_t *msg, size_t len, uint8_t *out)
{
	static struct rb_dhcp6_work work;
	static const uint8_t norc[] = { DUID_NORC };
	struct rb_dhcp6_build_args *a = &work.args;
	struct rb_duid_key key;
	const struct rb_dhcp6_template *t;
	const struct rb_device6 *dev;
	bool subnet_rapid;
	int n;

	memset(&work, 0, sizeof(work));
	memcpy(work.in.b, msg, len);
	if (rb_dhcp6_parse(&work, (uint32_t)len) != RB_D6_OK)
		return -1;
	if (rb_dhcp6_client_key(&work, &key))
		return -1;
	/* Every other DUID that XDP replies to has template 0 and address fd00:213::11. */
	if (key.len == sizeof(norc) && memcmp(key.duid, norc, sizeof(norc)) == 0)
		dev = &norc_device;
	else
		dev = &device;
	t = dev == &device ? &tmpl : &norc_tmpl;
	subnet_rapid = dev == &device;

	a->status = RB_D6_STATUS_NONE;
	a->preferred_lifetime = 3600;
	a->valid_lifetime = 7200;
	a->t1 = 1800;
	a->t2 = 2880;
	a->bootfile = rb_dhcp6_pick_bootfile(&work, t);
	memcpy(a->addr, dev->addr, sizeof(a->addr));
	switch (work.req.msg_type) {
	case RB_D6_SOLICIT:
		if (work.req.rapid_commit && subnet_rapid) {
			a->reply_type = RB_D6_REPLY;
			a->flags = RB_D6_BUILD_RAPID_COMMIT;
		} else {
			a->reply_type = RB_D6_ADVERTISE;
		}
		a->ia_action[0] = RB_D6_IA_BIND;
		break;
	case RB_D6_REQUEST:
	case RB_D6_RENEW:
		a->reply_type = RB_D6_REPLY;
		a->ia_action[0] = RB_D6_IA_BIND_ZERO_OTHERS;
		break;
	default:
		return -1;
	}
	n = rb_dhcp6_build(&work, t);
	if (n > 0)
		memcpy(out, work.out.b, (size_t)n);
	return n;
}

static void test_differential(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xdp6_case *c = &cases[i];
		uint8_t in[2048], xdp_out[4096], us_out[2048];
		uint32_t xdp_len = sizeof(xdp_out);
		size_t in_len;
		int us_len;

		if (c->verdict != XDP_TX)
			continue;
		print_message("# differential: %s\n", c->name);
		in_len = build_frame(in, client_ll, c->msg, c->msg_len, 0);
		assert_int_equal(run_xdp(in, in_len, xdp_out, &xdp_len), XDP_TX);
		us_len = run_userspace(c->msg, c->msg_len, us_out);
		assert_int_equal(us_len + ETH_IP6_UDP, (int)xdp_len);
		assert_memory_equal(xdp_out + ETH_IP6_UDP, us_out, (size_t)us_len);
	}
	(void)state;
}

/*
 * Find option code at the top level of the DHCPv6 message msg (len
 * bytes).  Returns the offset of its header, or -1.
 */
static int find_option(const uint8_t *msg, size_t len, unsigned int code)
{
	size_t off = 4;

	for (int i = 0; i < 64 && off + 4 <= len; i++) {
		unsigned int c = (unsigned int)(msg[off] << 8 | msg[off + 1]);
		size_t olen = (size_t)(msg[off + 2] << 8 | msg[off + 3]);

		if (c == code)
			return (int)off;
		off += 4 + olen;
	}
	return -1;
}

/* Copy the whole option at off of msg to out; returns its length with the header. */
static size_t copy_option(const uint8_t *msg, int off, uint8_t *out)
{
	size_t olen = 4 + (size_t)(msg[off + 2] << 8 | msg[off + 3]);

	memcpy(out, msg + off, olen);
	return olen;
}

/*
 * Solicit, Advertise, Request, Reply of a known device, all four in
 * XDP: the Request carries the Server Identifier and the IA_NA of the
 * Advertise, as a client builds it (RFC 8415 section 18.2.2).
 */
static void test_four_message_exchange(void **state)
{
	static const uint8_t solicit[] = { HDR(1), OPT_CLIENTID(DUID_KNOWN), 0, 8, 0, 2, 0, 0,
					   OPT_ORO_DNS_BOOT, OPT_IA_NA_EMPTY };
	uint64_t rx = counter(RB_XC_RX), adv = counter(RB_XC_TX_DHCP6_ADVERTISE);
	uint64_t reply = counter(RB_XC_TX_DHCP6_REPLY);
	uint8_t in[2048], out[4096], request[1024];
	uint32_t out_len = sizeof(out);
	const uint8_t *msg = out + ETH_IP6_UDP;
	size_t in_len, req_len, msg_len;
	int sid, ia;

	in_len = build_frame(in, client_ll, solicit, sizeof(solicit), 0);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	msg_len = out_len - ETH_IP6_UDP;
	assert_int_equal(msg[0], RB_D6_ADVERTISE);
	assert_int_equal(find_option(msg, msg_len, RB_D6_OPT_RAPID_COMMIT), -1);
	sid = find_option(msg, msg_len, RB_D6_OPT_SERVERID);
	ia = find_option(msg, msg_len, RB_D6_OPT_IA_NA);
	assert_true(sid > 0);
	assert_true(ia > 0);

	memcpy(request, (const uint8_t[]){ HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_ORO_DNS_BOOT }, 28);
	req_len = 28;
	req_len += copy_option(msg, sid, request + req_len);
	req_len += copy_option(msg, ia, request + req_len);

	in_len = build_frame(in, client_ll, request, req_len, 0);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	msg_len = out_len - ETH_IP6_UDP;
	assert_int_equal(msg[0], RB_D6_REPLY);
	assert_memory_equal(msg + 1, request + 1, 3);
	assert_true(find_option(msg, msg_len, RB_D6_OPT_IA_NA) > 0);

	/* Two frames seen, one Advertise and one Reply sent: nothing passed up. */
	assert_int_equal(counter(RB_XC_RX), rx + 2);
	assert_int_equal(counter(RB_XC_TX_DHCP6_ADVERTISE), adv + 1);
	assert_int_equal(counter(RB_XC_TX_DHCP6_REPLY), reply + 1);
	(void)state;
}

/* The rb_events records of one ring_buffer__consume(). */
struct seen_events {
	size_t n4, n6;
	struct rb_event6 last6;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct seen_events *seen = ctx;
	uint16_t type;

	memcpy(&type, data, sizeof(type));
	if (type == RB_EV_DHCP6_LEASE) {
		assert_int_equal(size, sizeof(struct rb_event6));
		memcpy(&seen->last6, data, sizeof(seen->last6));
		seen->n6++;
	} else {
		seen->n4++;
	}
	return 0;
}

static void consume_events(struct seen_events *seen)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb_events), on_event,
						  seen, NULL);

	assert_non_null(rb);
	memset(seen, 0, sizeof(*seen));
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
}

/*
 * Clear the journaled Reply of the known device, which earlier tests
 * left, so that its next Reply goes to rb_events.
 */
static void forget_journal(void)
{
	struct rb_duid_key key = { .len = 10, .duid = { DUID_KNOWN } };
	int fd = bpf_map__fd(skel->maps.rb_devices6);
	struct rb_device6 dev;

	assert_int_equal(bpf_map_lookup_elem(fd, &key, &dev), 0);
	dev.journal_ns = 0;
	assert_int_equal(bpf_map_update_elem(fd, &key, &dev, BPF_EXIST), 0);
}

/* A Reply puts one RB_EV_DHCP6_LEASE record in rb_events; an Advertise none. */
static void test_reply_event(void **state)
{
	static const uint8_t known[] = { DUID_KNOWN };
	static const uint8_t addr11[16] = { ADDR_11 };
	static const uint8_t request[] = { HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID,
					   OPT_IA_NA(ADDR_11) };
	static const uint8_t solicit[] = { HDR(1), OPT_CLIENTID(DUID_KNOWN), OPT_IA_NA_EMPTY };
	uint8_t in[1024], out[4096];
	uint32_t out_len = sizeof(out);
	struct seen_events seen;
	size_t in_len;

	forget_journal();
	consume_events(&seen);

	in_len = build_frame(in, client_ll, solicit, sizeof(solicit), 0);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	consume_events(&seen);
	assert_int_equal(seen.n6, 0);
	assert_int_equal(seen.n4, 0);

	in_len = build_frame(in, client_ll, request, sizeof(request), 0);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	consume_events(&seen);
	assert_int_equal(seen.n6, 1);
	assert_int_equal(seen.n4, 0);
	assert_int_equal(seen.last6.type, RB_EV_DHCP6_LEASE);
	assert_int_equal(seen.last6.duid_len, sizeof(known));
	assert_memory_equal(seen.last6.duid, known, sizeof(known));
	assert_int_equal(seen.last6.duid[sizeof(known)], 0);
	assert_memory_equal(seen.last6.iaid, ((const uint8_t[]){ 0, 0, 0, 1 }), 4);
	assert_memory_equal(seen.last6.addr, addr11, 16);
	assert_int_equal(seen.last6.has_mac, 1);
	assert_memory_equal(seen.last6.mac, client_mac, 6);
	assert_int_equal(seen.last6.template_id, 0);
	assert_int_equal(seen.last6.preferred_lifetime, 3600);
	assert_int_equal(seen.last6.valid_lifetime, 7200);
	assert_int_not_equal(seen.last6.ns, 0);
	(void)state;
}

/*
 * The journal lag: a second Reply to the same DUID and IAID at once is
 * sent and counted, but not journaled.  One after the lag is journaled.
 */
static void test_reply_journal_lag(void **state)
{
	static const uint8_t request[] = { HDR(3), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID,
					   OPT_IA_NA(ADDR_11) };
	uint64_t skipped = counter(RB_XC_JOURNAL6_SKIPPED);
	uint8_t in[1024], out[4096];
	uint32_t out_len = sizeof(out);
	struct seen_events seen;
	struct rb_device6 dev;
	struct rb_duid_key key = { .len = 10, .duid = { DUID_KNOWN } };
	size_t in_len;
	int fd = bpf_map__fd(skel->maps.rb_devices6);

	forget_journal();
	consume_events(&seen);
	in_len = build_frame(in, client_ll, request, sizeof(request), 0);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	consume_events(&seen);
	assert_int_equal(seen.n6, 1);

	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	consume_events(&seen);
	assert_int_equal(seen.n6, 0);
	assert_int_equal(counter(RB_XC_JOURNAL6_SKIPPED), skipped + 1);

	/* The last journaled Reply older than the lag: journaled again. */
	assert_int_equal(bpf_map_lookup_elem(fd, &key, &dev), 0);
	assert_int_not_equal(dev.journal_ns, 0);
	dev.journal_ns -= (uint64_t)rb_journal_lag_s(dev.valid_lifetime) * 1000000000ULL;
	assert_int_equal(bpf_map_update_elem(fd, &key, &dev, BPF_EXIST), 0);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	consume_events(&seen);
	assert_int_equal(seen.n6, 1);
	assert_int_equal(counter(RB_XC_JOURNAL6_SKIPPED), skipped + 1);
	(void)state;
}

/*
 * A Reply to a DUID-LLT client, found by its MAC, echoes that DUID-LLT,
 * and its lease event carries it, because the store keys the lease by
 * the client's own DUID.
 */
static void test_llt_reply_event(void **state)
{
	static const uint8_t llt[] = { DUID_LLT_KNOWN };
	static const uint8_t request[] = { HDR(3), OPT_CLIENTID_LLT(DUID_LLT_KNOWN), OPT_SERVERID,
					   OPT_IA_NA(ADDR_11) };
	uint8_t in[1024], out[4096];
	uint32_t out_len = sizeof(out);
	struct seen_events seen;
	size_t in_len;
	int cid;

	consume_events(&seen);
	in_len = build_frame(in, client_ll, request, sizeof(request), 0);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	cid = find_option(out + ETH_IP6_UDP, out_len - ETH_IP6_UDP, RB_D6_OPT_CLIENTID);
	assert_true(cid > 0);
	assert_int_equal(out[ETH_IP6_UDP + cid + 3], sizeof(llt));
	assert_memory_equal(out + ETH_IP6_UDP + cid + 4, llt, sizeof(llt));

	consume_events(&seen);
	assert_int_equal(seen.n6, 1);
	assert_int_equal(seen.last6.duid_len, sizeof(llt));
	assert_memory_equal(seen.last6.duid, llt, sizeof(llt));
	assert_int_equal(seen.last6.duid[sizeof(llt)], 0);
	assert_memory_equal(seen.last6.mac, client_mac, 6);
	(void)state;
}

/*
 * The lease journal on the program's rb_events and a real store: the
 * DHCPv6 lease of an XDP Reply reaches the store under (DUID, IAID),
 * with the index of the subnet6 that contains the address.
 */
static void test_journal_writes_lease6(void **state)
{
	static const uint8_t known[] = { DUID_KNOWN };
	static const uint8_t renew[] = { HDR(5), OPT_CLIENTID(DUID_KNOWN), OPT_SERVERID,
					 OPT_IA_NA(ADDR_11) };
	struct rb_cfg_subnet6 subnets[2] = { 0 };
	struct rb_config cfg = { 0 };
	struct rb_leases_config lcfg = { .commit_interval_ms = 100, .config = &cfg };
	struct rb_leases_maps maps = {
		.events = bpf_map__fd(skel->maps.rb_events),
		.devices = bpf_map__fd(skel->maps.rb_devices),
		.templates = bpf_map__fd(skel->maps.rb_dhcp4_templates),
	};
	struct rb_store_lease6 lease;
	struct rb_leases *l = NULL;
	struct rb_store *st = NULL;
	struct seen_events seen;
	uint8_t in[1024], out[4096];
	uint32_t out_len = sizeof(out);
	char dir[64];
	size_t in_len;

	/* The address lies in the second subnet6, so subnet6 must be 1. */
	inet_pton(AF_INET6, "fd00:999::", &subnets[0].prefix);
	subnets[0].prefix_len = 64;
	inet_pton(AF_INET6, "fd00:213::", &subnets[1].prefix);
	subnets[1].prefix_len = 64;
	cfg.subnets6 = subnets;
	cfg.n_subnets6 = 2;

	consume_events(&seen);
	test_store_create(dir, sizeof(dir), "rb-test-dhcp6-xdp", &st);
	assert_int_equal(rb_leases_new(st, &lcfg, &l), 0);
	assert_int_equal(rb_leases_start(l, NULL, &maps), 0);

	in_len = build_frame(in, client_ll, renew, sizeof(renew), 0);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_TX);
	rb_leases_stop(l);

	assert_int_equal(rb_store_get_lease6(st, known, sizeof(known), 1, &lease), 0);
	assert_memory_equal(&lease.addr, ((const uint8_t[]){ ADDR_11 }), 16);
	assert_int_equal(lease.state, RB_LEASE6_BOUND);
	assert_int_equal(lease.subnet6, 1);
	assert_int_equal(lease.preferred_lifetime, 3600);
	assert_int_equal(lease.valid_lifetime, 7200);
	assert_int_equal(lease.end - lease.start, 7200);
	assert_true(lease.has_mac);
	assert_memory_equal(lease.mac, client_mac, 6);

	rb_leases_free(l);
	test_store_remove(dir, st);
	(void)state;
}

static void test_device_state(void **state)
{
	static const uint8_t known[] = { DUID_KNOWN };
	struct rb_duid_key key;
	struct rb_mac_key mac = { 0 };
	struct rb_device6 rec6;
	struct rb_device rec;

	assert_int_equal(rb_dhcp6_duid_key(known, sizeof(known), &key), 0);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices6), &key, &rec6), 0);
	assert_true(rec6.xdp_replies >= 4);
	assert_int_not_equal(rec6.lease_ns, 0);

	memcpy(mac.addr, client_mac, 6);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices), &mac, &rec), 0);
	assert_int_equal(rec.phase, RB_PHASE_LEASED);
	assert_int_not_equal(rec.phase_ns[RB_PHASE_LEASED], 0);
	assert_int_equal(rec.from_xdp, 1);
	assert_true(rec.xdp_replies >= 4);
	(void)state;
}

static void test_iface_off(void **state)
{
	static const uint8_t msg[] = { HDR(1), OPT_CLIENTID(DUID_KNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY };
	struct rb_iface6 iface = { .enabled = 0 };
	uint32_t ifindex = LO_IFINDEX, out_len;
	uint64_t before = counter(RB_XC_PASS_DHCP6_IFACE_OFF);
	uint8_t in[512], out[2048];
	size_t in_len = build_frame(in, client_ll, msg, sizeof(msg), 0);
	int fd = bpf_map__fd(skel->maps.rb_ifaces6);
	struct rb_iface6 saved;

	assert_int_equal(bpf_map_lookup_elem(fd, &ifindex, &saved), 0);
	assert_int_equal(bpf_map_update_elem(fd, &ifindex, &iface, 0), 0);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_PASS);
	assert_int_equal(bpf_map_delete_elem(fd, &ifindex), 0);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_PASS);
	assert_int_equal(counter(RB_XC_PASS_DHCP6_IFACE_OFF), before + 2);
	assert_int_equal(bpf_map_update_elem(fd, &ifindex, &saved, 0), 0);
	(void)state;
}

/* One frame of the flood test and what it must get. */
struct flood_step {
	const char *name;
	bool dhcp4;			/* a DHCPv4 DISCOVER from an unknown MAC, else msg */
	const uint8_t *msg;
	size_t msg_len;
	int verdict;
	enum rb_xdp_counter counter;	/* must grow by one */
};

/*
 * Bucket of 2 requests at 1 per second, so the steps run long before a
 * token comes back.  Each step's counter grows by one.
 */
static const struct flood_step flood_steps[] = {
	{
		.name = "unknown DUID under the rate passed",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_UNKNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_UNKNOWN_DUID,
	},
	{
		.name = "DHCPv4 unknown takes the last token of the shared bucket",
		.dhcp4 = true,
		.verdict = XDP_PASS, .counter = RB_XC_PASS_UNKNOWN_MAC,
	},
	{
		.name = "unknown DUID over the rate dropped",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_UNKNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_DROP, .counter = RB_XC_DROP_DHCP6_FLOOD,
	},
	{
		.name = "unknown DUID-LLT Request over the rate dropped",
		.msg = BYTES(HDR(3), OPT_CLIENTID_LLT(DUID_LLT_UNKNOWN), OPT_SERVERID,
			     OPT_IA_NA(ADDR_11)),
		.verdict = XDP_DROP, .counter = RB_XC_DROP_DHCP6_FLOOD,
	},
	{
		.name = "inventory device gets a Reply with the bucket empty",
		.msg = BYTES(HDR(1), OPT_CLIENTID(DUID_KNOWN), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_TX, .counter = RB_XC_TX_DHCP6_REPLY,
	},
	{
		.name = "device on another link passed with the bucket empty",
		.msg = BYTES(HDR(1), OPT_CLIENTID_EN(DUID_OTHER_LINK), RAPID_COMMIT, OPT_IA_NA_EMPTY),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_WRONG_LINK,
	},
	{
		.name = "Relay-forward of an unknown client passed",
		.msg = BYTES(12, 0, [2 ... 33] = 0, 0, 9, 0, 18, HDR(1), OPT_CLIENTID(DUID_UNKNOWN)),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_DHCP6_RELAYED,
	},
};

/* A DHCPv4 DISCOVER from a MAC that rb_devices does not contain. */
static size_t build_discover4(uint8_t *f, size_t size)
{
	static const uint8_t opts[] = { 53, 1, 1, 255 };
	struct test_dhcp4_req r = { .xid = 0x6f6c, .opts = opts, .opts_len = sizeof(opts),
				    .mac = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x98 } };
	size_t len = test_dhcp4_frame(&r, f, size);

	assert_int_not_equal(len, 0);
	return len;
}

/*
 * Messages of unknown DUIDs take tokens from the link's unknown-device
 * bucket in rb_ifaces, the one DHCPv4 unknowns take from, and are
 * dropped when it is empty.  Inventory devices are not limited.
 */
static void test_unknown_flood(void **state)
{
	struct rb_iface link = { .enabled = 1, .mtu = 1500, .unknown_rate = 1, .unknown_burst = 2 };
	int fd = bpf_map__fd(skel->maps.rb_ifaces);
	uint32_t ifindex = LO_IFINDEX;
	uint64_t drops = counter(RB_XC_DROP_DHCP6_FLOOD);

	assert_int_equal(bpf_map_update_elem(fd, &ifindex, &link, 0), 0);
	for (size_t i = 0; i < sizeof(flood_steps) / sizeof(flood_steps[0]); i++) {
		const struct flood_step *c = &flood_steps[i];
		uint8_t in[2048], out[4096];
		uint32_t out_len = sizeof(out);
		uint64_t before = counter(c->counter);
		size_t in_len;
		int verdict;

		print_message("# flood: %s\n", c->name);
		if (c->dhcp4)
			in_len = build_discover4(in, sizeof(in));
		else
			in_len = build_frame(in, client_ll, c->msg, c->msg_len, 0);
		verdict = run_xdp(in, in_len, out, &out_len);
		if (verdict != c->verdict)
			fail_msg("step \"%s\": verdict %d, expected %d", c->name, verdict, c->verdict);
		if (counter(c->counter) != before + 1)
			fail_msg("step \"%s\": counter %d did not grow by one", c->name, c->counter);
	}
	assert_int_equal(counter(RB_XC_DROP_DHCP6_FLOOD), drops + 2);

	/* Without an rb_ifaces entry the link has no limit. */
	assert_int_equal(bpf_map_delete_elem(fd, &ifindex), 0);
	for (int i = 0; i < 3; i++) {
		uint8_t in[512], out[2048];
		uint32_t out_len = sizeof(out);
		size_t in_len = build_frame(in, client_ll, flood_steps[0].msg, flood_steps[0].msg_len, 0);

		assert_int_equal(run_xdp(in, in_len, out, &out_len), XDP_PASS);
	}
	assert_int_equal(counter(RB_XC_DROP_DHCP6_FLOOD), drops + 2);
	(void)state;
}

/* Count the records of rb_devices6. */
static size_t devices6_count(int fd)
{
	struct rb_duid_key key, *prev = NULL;
	size_t n = 0;

	while (n < 1000 && bpf_map_get_next_key(fd, prev, &key) == 0) {
		n++;
		prev = &key;
	}
	return n;
}

/*
 * rb_xdp_dhcp6_fill() on the program's maps.  A device with a DUID keeps
 * its record and counters, and a device without one gets the DUID-LL of
 * its MAC.  A device without an IPv6 address gets no record, and the
 * record of a device no longer configured is removed.  lo serves the
 * first subnet but has no link-local address, so it stays disabled.  A
 * record carries the ifindex of its subnet's link, 0 for the second
 * subnet, which is served only behind relays.
 */
static void test_fill_maps(void **state)
{
	static const uint8_t known[] = { DUID_KNOWN }, stale_duid[] = { 0, 2, 9, 9, 9 };
	static const uint8_t duid_ll_other[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0x21, 0x30, 0x07 };
	struct rb_xdp_dhcp6_maps maps = {
		.devices6 = bpf_map__fd(skel->maps.rb_devices6),
		.templates6 = bpf_map__fd(skel->maps.rb_dhcp6_templates),
		.ifaces6 = bpf_map__fd(skel->maps.rb_ifaces6),
	};
	struct rb_cfg_subnet6 subnets[2] = {
		{ .preferred_lifetime = 100, .valid_lifetime = 200, .renewal_time = 50,
		  .rebinding_time = 80 },
		{ .preferred_lifetime = 300, .valid_lifetime = 400, .renewal_time = 150,
		  .rebinding_time = 240 },
	};
	struct rb_cfg_profile profile = { .name = "p" };
	struct rb_cfg_device devices[3] = { 0 };
	struct rb_config cfg = { 0 };
	struct rb_xdp_iface iface = { .name = "lo", .ifindex = LO_IFINDEX, .mtu = 1500 };
	struct rb_device6 rec, before;
	struct rb_iface6 iface6;
	struct rb_duid_key key;
	struct rb_dhcp6_template t;
	uint32_t ifindex = LO_IFINDEX, id = 0;

	strcpy(subnets[0].interface, "lo");
	cfg.subnets6 = subnets;
	cfg.n_subnets6 = 2;
	cfg.profiles = &profile;
	cfg.n_profiles = 1;
	cfg.devices = devices;
	cfg.n_devices = 3;
	devices[0].has_ipv6 = true;
	inet_pton(AF_INET6, "fd00:213::11", &devices[0].ipv6);
	memcpy(devices[0].duid, known, sizeof(known));
	devices[0].duid_len = sizeof(known);
	memcpy(devices[0].mac, client_mac, 6);
	devices[1].has_ipv6 = true;
	inet_pton(AF_INET6, "fd00:213::12", &devices[1].ipv6);
	memcpy(devices[1].mac, duid_ll_other + 4, 6);
	devices[1].subnet6 = 1;
	memcpy(devices[2].mac, client_mac, 6);

	assert_int_equal(rb_dhcp6_duid_key(known, sizeof(known), &key), 0);
	assert_int_equal(bpf_map_lookup_elem(maps.devices6, &key, &before), 0);
	assert_int_equal(rb_dhcp6_duid_key(stale_duid, sizeof(stale_duid), &key), 0);
	assert_int_equal(bpf_map_update_elem(maps.devices6, &key, &before, 0), 0);

	assert_int_equal(rb_xdp_dhcp6_fill(&cfg, &maps, server_duid, sizeof(server_duid), &iface, 1), 0);

	/* The known device and the DUID-LL one; the norc and stale records are gone. */
	assert_int_equal(devices6_count(maps.devices6), 2);
	assert_int_not_equal(bpf_map_lookup_elem(maps.devices6, &key, &rec), 0);
	assert_int_equal(rb_dhcp6_duid_key(known, sizeof(known), &key), 0);
	assert_int_equal(bpf_map_lookup_elem(maps.devices6, &key, &rec), 0);
	assert_int_equal(rec.xdp_replies, before.xdp_replies);
	assert_int_equal(rec.lease_ns, before.lease_ns);
	assert_int_equal(rec.preferred_lifetime, 100);
	assert_int_equal(rec.t2, 80);
	assert_int_equal(rec.template_id, 0);
	assert_int_equal(rec.flags, 0);
	assert_int_equal(rec.ifindex, LO_IFINDEX);
	assert_int_equal(rb_dhcp6_duid_key(duid_ll_other, sizeof(duid_ll_other), &key), 0);
	assert_int_equal(bpf_map_lookup_elem(maps.devices6, &key, &rec), 0);
	assert_int_equal(rec.addr[15], 0x12);
	assert_int_equal(rec.xdp_replies, 0);
	assert_int_equal(rec.flags, RB_D6_DEV_F_MAC_KEY);
	assert_int_equal(rec.preferred_lifetime, 300);
	assert_int_equal(rec.ifindex, 0);
	assert_int_equal(rec.template_id, 1);

	/* One template for each (subnet6, profile) pair, and the other slots zeroed. */
	assert_int_equal(bpf_map_lookup_elem(maps.templates6, &id, &t), 0);
	assert_int_equal(t.server_duid_len, sizeof(server_duid));
	id = 1;
	assert_int_equal(bpf_map_lookup_elem(maps.templates6, &id, &t), 0);
	assert_int_equal(t.server_duid_len, sizeof(server_duid));
	id = 2;
	assert_int_equal(bpf_map_lookup_elem(maps.templates6, &id, &t), 0);
	assert_int_equal(t.server_duid_len, 0);

	assert_int_equal(bpf_map_lookup_elem(maps.ifaces6, &ifindex, &iface6), 0);
	assert_int_equal(iface6.enabled, 0);
	assert_int_equal(iface6.mtu, 1500);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_four_message_exchange),
		cmocka_unit_test(test_reply_event),
		cmocka_unit_test(test_reply_journal_lag),
		cmocka_unit_test(test_llt_reply_event),
		cmocka_unit_test(test_journal_writes_lease6),
		cmocka_unit_test(test_device_state),
		cmocka_unit_test(test_iface_off),
		cmocka_unit_test(test_unknown_flood),
		cmocka_unit_test(test_fill_maps),
	};

	return cmocka_run_group_tests_name("dhcp6_xdp", tests, setup, teardown);
}
