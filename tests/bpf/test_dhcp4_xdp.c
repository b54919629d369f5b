// SPDX-License-Identifier: MIT
/*
 * The DHCPv4 XDP program under BPF_PROG_TEST_RUN.  A table of requests
 * gives the expected verdict, counter and reply bytes, and a second table
 * covers malformed packets.  The differential test checks that the XDP
 * reply and the userspace encoder's reply to one request are one frame.
 * The flood test limits unknown devices on the test link and checks that
 * the known device is still answered.
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
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "dhcp4.skel.h"
#include "dhcp4/answer.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/xdp_run.h"

#define LO_IFINDEX 1

static const uint8_t mac_known[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 };
static const uint8_t mac_unknown[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
static const uint8_t mac_switch[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x02 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* Boot file of UEFI HTTP Boot clients, 30 bytes. */
#define HTTP_BOOT_URL "http://10.213.0.1/boot/x64.efi"
#define HTTP_BOOT_URL_BYTES \
	'h', 't', 't', 'p', ':', '/', '/', '1', '0', '.', '2', '1', '3', '.', '0', '.', '1', \
	'/', 'b', 'o', 'o', 't', '/', 'x', '6', '4', '.', 'e', 'f', 'i'

/* The option 97 UUID sent by the client machine identifier case. */
#define TEST_UUID_BYTES \
	0x4c, 0x4c, 0x45, 0x44, 0x00, 0x31, 0x10, 0x80, \
	0x80, 0x35, 0xb7, 0xc0, 0x4f, 0x52, 0x4a, 0x32

static struct dhcp4_bpf *skel;
static struct rb_dhcp4_template tmpl, switch_tmpl;	/* template ids 0 and 1 */
static struct rb_device device, switch_device;
static uint32_t server_ip, device_ip;

/*
 * The lab subnet with a profile with one boot file of each kind and PXE
 * discovery control 8, and with a switch profile that has options 150,
 * 43 and 143.
 */
static void make_templates(void)
{
	struct rb_cfg_subnet sn = { 0 };
	struct rb_cfg_profile pf = { 0 };
	struct rb_cfg_profile sw = { 0 };

	strcpy(sn.name, "lab");
	sn.prefix = test_ip4("10.213.0.0");
	sn.prefix_len = 24;
	sn.server_id = server_ip;
	sn.lease_time = 3600;
	sn.renewal_time = 1800;
	sn.rebinding_time = 3150;
	sn.has_time_offset = 1;
	sn.time_offset = -3600;
	sn.routers.addr[0] = test_ip4("10.213.0.1");
	sn.routers.count = 1;
	sn.dns_servers.addr[0] = test_ip4("10.213.0.2");
	sn.dns_servers.addr[1] = test_ip4("10.213.0.3");
	sn.dns_servers.count = 2;
	sn.time_servers.addr[0] = test_ip4("10.213.0.4");
	sn.time_servers.count = 1;
	sn.log_servers.addr[0] = test_ip4("10.213.0.5");
	sn.log_servers.count = 1;
	strcpy(sn.domain_name, "lab.test");
	strcpy(sn.tftp_server_name, "10.213.0.1");

	strcpy(pf.name, "mixed");
	pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .http = 1,
						    .file = HTTP_BOOT_URL };
	pf.bootfiles[1] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .ipxe = 1, .file = "boot.ipxe" };
	pf.bootfiles[2] = (struct rb_cfg_bootfile){ .arch = 7, .file = "ipxe.efi" };
	pf.bootfiles[3] = (struct rb_cfg_bootfile){ .arch = 0, .file = "undionly.kpxe" };
	pf.bootfiles[4] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .file = "pxelinux.0" };
	pf.n_bootfiles = 5;
	pf.has_pxe_discovery_control = true;
	pf.pxe_discovery_control = 8;

	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &tmpl), 0);

	strcpy(sw.name, "switch");
	sw.tftp_server_addrs.addr[0] = test_ip4("10.213.0.6");
	sw.tftp_server_addrs.addr[1] = test_ip4("10.213.0.7");
	sw.tftp_server_addrs.count = 2;
	memcpy(sw.vendor_info, "\x01\x04\x0a\xd5\x00\x06", 6);
	sw.vendor_info_len = 6;
	strcpy(sw.sztp_servers[0], "https://sztp1.test");
	strcpy(sw.sztp_servers[1], "https://sztp2.test:8443");
	sw.n_sztp_servers = 2;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &sw, &switch_tmpl), 0);
}

/* Load one device record and its template into the maps. */
static void add_device(const uint8_t mac[6], uint32_t id, const struct rb_dhcp4_template *t,
		       const struct rb_device *rec)
{
	struct rb_mac_key key = { 0 };

	memcpy(key.addr, mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_dhcp4_templates), &id, t, 0), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &key, rec, 0), 0);
}

static int setup(void **state)
{
	struct rb_cfg_device cd = { 0 };
	struct rb_iface iface = { .mtu = 1500, .enabled = 1 };
	uint32_t ifindex = LO_IFINDEX;

	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "# cannot load the XDP program (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}

	server_ip = test_ip4("10.213.0.1");
	device_ip = test_ip4("10.213.0.101");
	make_templates();

	cd.ipv4 = device_ip;
	strcpy(cd.hostname, "rack1-node01");
	memset(&device, 0, sizeof(device));
	rb_dhcp4_device_fill(&cd, 0, &device);

	/* The switch shares the address, so that every case checks one yiaddr. */
	memset(cd.hostname, 0, sizeof(cd.hostname));
	memset(&switch_device, 0, sizeof(switch_device));
	rb_dhcp4_device_fill(&cd, 1, &switch_device);

	add_device(mac_known, 0, &tmpl, &device);
	add_device(mac_switch, 1, &switch_tmpl, &switch_device);
	memcpy(iface.mac, server_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &ifindex, &iface, 0), 0);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	(void)state;
	return 0;
}

/* Run one frame arriving on lo through the program; returns the verdict. */
static int run_xdp(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	int verdict = test_xdp_run(bpf_program__fd(skel->progs.rb_dhcp4_xdp), LO_IFINDEX, in, in_len,
				   out, out_len, NULL);

	assert_true(verdict >= 0);
	return verdict;
}

/* Read one program counter, summed over the CPUs. */
static uint64_t counter(enum rb_xdp_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.rb_xdp_counters), idx, &sum), 0);
	return sum;
}

/* Build the frame the userspace encoder sends for the same request. */
static int run_userspace(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size)
{
	static struct rb_dhcp4_work work;
	bool is_switch = memcmp(in + 6, mac_switch, 6) == 0;
	const struct rb_dhcp4_template *t = is_switch ? &switch_tmpl : &tmpl;
	struct rb_dhcp4_answer ans;
	struct rb_device dev = is_switch ? switch_device : device;

	if (rb_dhcp4_load(&work, in + TEST_DHCP4_OFF, in_len - TEST_DHCP4_OFF) != RB_D4_OK)
		return -1;
	if (rb_dhcp4_answer(&work, t, &dev, 1500, &ans) || ans.reply_type == 0)
		return -1;
	return rb_dhcp4_frame(&work, &ans, server_mac, 67, 68, out, out_size);
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

/* Check the IPv4 header and UDP checksums of a reply frame. */
static void assert_checksums(const uint8_t *f, size_t len)
{
	uint8_t pseudo[12];
	size_t udp_len = len - 34;

	assert_int_equal(sum_words(f + 14, 20, 0), 0xffff);
	memcpy(pseudo, f + 26, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	assert_int_equal(sum_words(f + 34, udp_len, sum_words(pseudo, 12, 0)), 0xffff);
}

/*
 * One request case: the options the client sends, and what must come
 * back.  expect_opts, when set, is the exact option area of the reply up
 * to and including the end option.
 */
struct xdp_case {
	const char *name;
	const uint8_t *mac;
	const uint8_t *opts;
	size_t opts_len;
	uint16_t flags;
	const char *ciaddr;
	const char *giaddr;
	int verdict;			/* XDP_TX or XDP_PASS */
	enum rb_xdp_counter counter;	/* must grow by one */
	int reply_type;			/* option 53 of the reply */
	const char *boot_file;		/* expected file field, NULL: don't check */
	int broadcast;			/* expect ff:ff:ff:ff:ff:ff and 255.255.255.255 */
	const char *dst_ip;		/* expected IPv4 destination when not broadcast */
	const uint8_t *expect_opts;
	size_t expect_opts_len;
	size_t max_len;			/* reply DHCP message at most this long, 0: no check */
};

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

#define PAD10 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define PAD100 PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10

/* 64 empty options of code 224 (a site-specific code). */
#define EMPTY8 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0
#define EMPTY64 EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8

/* The parameter list ISC dhclient 4.4 sends in its DISCOVER, and the end option. */
#define DHCLIENT_DISCOVER \
	53, 1, 1, 55, 11, 1, 28, 2, 3, 15, 6, 12, 66, 67, 4, 7, 255

static const struct xdp_case cases[] = {
	{
		.name = "dhclient DISCOVER gets the exact OFFER",
		.mac = mac_known,
		.opts = OPTS(DHCLIENT_DISCOVER),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "pxelinux.0", .dst_ip = "10.213.0.101",
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			1, 4, 255, 255, 255, 0,
			2, 4, 0xff, 0xff, 0xf1, 0xf0,
			3, 4, 10, 213, 0, 1,
			15, 8, 'l', 'a', 'b', '.', 't', 'e', 's', 't',
			6, 8, 10, 213, 0, 2, 10, 213, 0, 3,
			12, 12, 'r', 'a', 'c', 'k', '1', '-', 'n', 'o', 'd', 'e', '0', '1',
			66, 10, '1', '0', '.', '2', '1', '3', '.', '0', '.', '1',
			67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0',
			4, 4, 10, 213, 0, 4,
			7, 4, 10, 213, 0, 5,
			255),
	},
	{
		.name = "REQUEST for the reserved address gets ACK",
		.mac = mac_known,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 101, 54, 4, 10, 213, 0, 1, 55, 2, 1, 3, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_ACK, .reply_type = RB_DHCPACK,
		.dst_ip = "10.213.0.101",
		.expect_opts = OPTS(
			53, 1, 5,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			1, 4, 255, 255, 255, 0,
			3, 4, 10, 213, 0, 1,
			255),
	},
	{
		.name = "REQUEST for another address gets NAK",
		.mac = mac_known,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 150, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_NAK, .reply_type = RB_DHCPNAK,
		.broadcast = 1, .boot_file = "",
		.expect_opts = OPTS(53, 1, 6, 54, 4, 10, 213, 0, 1, 255),
	},
	{
		.name = "client id and relay agent info echoed, 82 last",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 61, 7, 1, 0x52, 0x54, 0, 0x21, 0x30, 1,
			     82, 6, 1, 4, 'p', 'o', 'r', 't', 55, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			1, 4, 255, 255, 255, 0,
			61, 7, 1, 0x52, 0x54, 0, 0x21, 0x30, 1,
			82, 6, 1, 4, 'p', 'o', 'r', 't',
			255),
	},
	{
		.name = "broadcast flag sends to 255.255.255.255",
		.mac = mac_known, .flags = 0x8000,
		.opts = OPTS(53, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.broadcast = 1,
	},
	{
		.name = "renewal with ciaddr is unicast to ciaddr",
		.mac = mac_known, .ciaddr = "10.213.0.101",
		.opts = OPTS(53, 1, 3, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_ACK, .reply_type = RB_DHCPACK,
		.dst_ip = "10.213.0.101",
	},
	{
		.name = "iPXE user class gets the iPXE script",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 93, 2, 0, 0, 77, 4, 'i', 'P', 'X', 'E', 55, 1, 67, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "boot.ipxe",
	},
	{
		.name = "RFC 3004 user class list with iPXE",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 77, 9, 3, 'f', 'o', 'o', 4, 'i', 'P', 'X', 'E', 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "boot.ipxe",
	},
	{
		.name = "UEFI x64 firmware gets ipxe.efi",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 93, 2, 0, 7, 60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "ipxe.efi",
	},
	{
		.name = "BIOS firmware gets undionly.kpxe",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 93, 2, 0, 0, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "undionly.kpxe",
	},
	{
		.name = "PXEClient gets option 60 back",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', 55, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
			1, 4, 255, 255, 255, 0,
			255),
	},
	{
		.name = "HTTPClient gets option 60 and the URL",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 93, 2, 0, 16,
			     60, 33, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't', ':',
			     'A', 'r', 'c', 'h', ':', '0', '0', '0', '1', '6', ':',
			     'U', 'N', 'D', 'I', ':', '0', '0', '3', '0', '0', '1',
			     55, 2, 1, 67, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = HTTP_BOOT_URL,
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			60, 10, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't',
			1, 4, 255, 255, 255, 0,
			67, 30, HTTP_BOOT_URL_BYTES,
			255),
	},
	{
		.name = "PXEClient asking for 43 gets discovery control",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
			     55, 2, 43, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "pxelinux.0",
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
			43, 4, 6, 1, 8, 255,
			1, 4, 255, 255, 255, 0,
			255),
	},
	{
		.name = "client without PXEClient gets no 43",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 55, 2, 43, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.boot_file = "pxelinux.0",
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			1, 4, 255, 255, 255, 0,
			255),
	},
	{
		.name = "client machine identifier accepted",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 97, 17, 0, TEST_UUID_BYTES, 55, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
	},
	{
		.name = "no parameter list gets every option",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			1, 4, 255, 255, 255, 0,
			2, 4, 0xff, 0xff, 0xf1, 0xf0,
			3, 4, 10, 213, 0, 1,
			4, 4, 10, 213, 0, 4,
			6, 8, 10, 213, 0, 2, 10, 213, 0, 3,
			7, 4, 10, 213, 0, 5,
			12, 12, 'r', 'a', 'c', 'k', '1', '-', 'n', 'o', 'd', 'e', '0', '1',
			15, 8, 'l', 'a', 'b', '.', 't', 'e', 's', 't',
			66, 10, '1', '0', '.', '2', '1', '3', '.', '0', '.', '1',
			67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0',
			255),
	},
	{
		.name = "switch asking for 150, 43 and 143 gets them in its order",
		.mac = mac_switch,
		.opts = OPTS(53, 1, 1, 55, 4, 150, 43, 143, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.dst_ip = "10.213.0.101",
		.expect_opts = OPTS(
			53, 1, 2,
			54, 4, 10, 213, 0, 1,
			51, 4, 0, 0, 0x0e, 0x10,
			58, 4, 0, 0, 0x07, 0x08,
			59, 4, 0, 0, 0x0c, 0x4e,
			150, 8, 10, 213, 0, 6, 10, 213, 0, 7,
			43, 6, 0x01, 0x04, 0x0a, 0xd5, 0x00, 0x06,
			143, 45,
			0, 18, 'h', 't', 't', 'p', 's', ':', '/', '/',
			's', 'z', 't', 'p', '1', '.', 't', 'e', 's', 't',
			0, 23, 'h', 't', 't', 'p', 's', ':', '/', '/',
			's', 'z', 't', 'p', '2', '.', 't', 'e', 's', 't', ':', '8', '4', '4', '3',
			1, 4, 255, 255, 255, 0,
			255),
	},
	{
		.name = "maximum message size 576 bounds the reply",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 57, 2, 0x02, 0x40, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
		.max_len = 548,
	},
	{
		.name = "400 pad bytes before the options",
		.mac = mac_known,
		.opts = OPTS(PAD100, PAD100, PAD100, PAD100, 53, 1, 1, 55, 1, 1, 255),
		.verdict = XDP_TX, .counter = RB_XC_TX_OFFER, .reply_type = RB_DHCPOFFER,
	},
	{
		.name = "REQUEST naming another server passes",
		.mac = mac_known,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 101, 54, 4, 10, 213, 0, 99, 255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_OTHER_SERVER,
	},
	{
		.name = "unknown MAC passes",
		.mac = mac_unknown,
		.opts = OPTS(53, 1, 1, 255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_UNKNOWN_MAC,
	},
	{
		.name = "relayed RELEASE passes",
		.mac = mac_known, .giaddr = "10.9.0.1",
		.opts = OPTS(53, 1, 7, 255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_RELAYED,
	},
	{
		.name = "INFORM passes",
		.mac = mac_known, .ciaddr = "10.213.0.101",
		.opts = OPTS(53, 1, 8, 255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_MSG_TYPE,
	},
	{
		.name = "BOOTP request without option 53 passes",
		.mac = mac_known,
		.opts = OPTS(255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_MSG_TYPE,
	},
	{
		.name = "option overload passes",
		.mac = mac_known,
		.opts = OPTS(53, 1, 1, 52, 1, 1, 255),
		.verdict = XDP_PASS, .counter = RB_XC_PASS_MSG_TYPE,
	},
};

static void build_case(const struct xdp_case *c, uint8_t *frame, size_t *len)
{
	struct test_dhcp4_req r = {
		.xid = htonl(0x11223344),
		.flags = c->flags,
		.ciaddr = c->ciaddr ? test_ip4(c->ciaddr) : 0,
		.giaddr = c->giaddr ? test_ip4(c->giaddr) : 0,
		.opts = c->opts,
		.opts_len = c->opts_len,
		.pad_to = 300,
	};

	memcpy(r.mac, c->mac, 6);
	*len = test_dhcp4_frame(&r, frame, 2048);
	assert_true(*len > 0);
}

static void check_reply(const struct xdp_case *c, const uint8_t *in, const uint8_t *out,
			uint32_t out_len)
{
	const uint8_t *m = out + TEST_DHCP4_OFF;
	const uint8_t *opt53, *end;
	uint32_t yiaddr, dst;

	assert_true(out_len >= TEST_DHCP4_OFF + 300);
	assert_checksums(out, out_len);
	assert_memory_equal(out + 6, server_mac, 6);
	assert_int_equal(m[0], 2);
	assert_memory_equal(m + 4, in + TEST_DHCP4_OFF + 4, 4);	/* xid */
	assert_memory_equal(m + 28, c->mac, 6);			/* chaddr */
	assert_memory_equal(out + 26, &server_ip, 4);		/* IP source */
	assert_int_equal(out[34] << 8 | out[35], 67);
	assert_int_equal(out[36] << 8 | out[37], 68);

	opt53 = test_dhcp4_find_option(out, out_len, 53);
	assert_non_null(opt53);
	assert_int_equal(opt53[2], c->reply_type);

	memcpy(&yiaddr, m + 16, 4);
	assert_int_equal(yiaddr, c->reply_type == RB_DHCPNAK ? 0 : device_ip);

	memcpy(&dst, out + 30, 4);
	if (c->broadcast) {
		assert_memory_equal(out, "\xff\xff\xff\xff\xff\xff", 6);
		assert_int_equal(dst, 0xffffffff);
	} else {
		assert_memory_equal(out, c->mac, 6);
	}
	if (c->dst_ip)
		assert_int_equal(dst, test_ip4(c->dst_ip));
	if (c->boot_file)
		assert_string_equal((const char *)m + 108, c->boot_file);
	if (c->expect_opts) {
		assert_true(out_len >= TEST_DHCP4_OFF + 240 + c->expect_opts_len);
		assert_memory_equal(m + 240, c->expect_opts, c->expect_opts_len);
	}
	if (c->max_len)
		assert_true(out_len - TEST_DHCP4_OFF <= c->max_len);

	end = test_dhcp4_find_option(out, out_len, 255);
	assert_non_null(end);

	/* The codec copies options in 8-byte words: every byte after the end option stays zero. */
	for (const uint8_t *p = end + 1; p < out + out_len; p++)
		assert_int_equal(*p, 0);
}

static void test_request_table(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xdp_case *c = &cases[i];
		uint8_t in[2048], out[4096];
		uint32_t out_len = sizeof(out);
		uint64_t before;
		size_t in_len;
		int verdict;

		print_message("# case: %s\n", c->name);
		build_case(c, in, &in_len);
		before = counter(c->counter);
		verdict = run_xdp(in, in_len, out, &out_len);
		assert_int_equal(verdict, c->verdict);
		assert_int_equal(counter(c->counter), before + 1);
		if (c->verdict == XDP_TX)
			check_reply(c, in, out, out_len);
	}
	(void)state;
}

/* Same request to both paths: the frames must match byte for byte. */
static void test_differential(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xdp_case *c = &cases[i];
		uint8_t in[2048], xdp_out[4096], us_out[4096];
		uint32_t xdp_len = sizeof(xdp_out);
		size_t in_len;
		int us_len;

		if (c->verdict != XDP_TX)
			continue;
		print_message("# differential: %s\n", c->name);
		build_case(c, in, &in_len);
		assert_int_equal(run_xdp(in, in_len, xdp_out, &xdp_len), XDP_TX);
		us_len = run_userspace(in, in_len, us_out, sizeof(us_out));
		assert_int_equal(us_len, (int)xdp_len);
		assert_memory_equal(xdp_out, us_out, xdp_len);
	}
	(void)state;
}

static void test_device_state(void **state)
{
	struct rb_mac_key key = { 0 };
	struct rb_device rec;

	memcpy(key.addr, mac_known, 6);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec), 0);
	assert_int_equal(rec.phase, RB_PHASE_LEASED);
	assert_true(rec.phase_ns[RB_PHASE_DISCOVERED] > 0);
	assert_true(rec.phase_ns[RB_PHASE_OFFERED] >= rec.phase_ns[RB_PHASE_DISCOVERED]);
	assert_true(rec.phase_ns[RB_PHASE_LEASED] >= rec.phase_ns[RB_PHASE_OFFERED]);
	assert_true(rec.xdp_replies > 0);
	assert_int_equal(rec.from_xdp, 1);

	/* From the "client machine identifier accepted" case. */
	assert_int_equal(rec.has_uuid, 1);
	assert_memory_equal(rec.uuid, ((const uint8_t[]){ TEST_UUID_BYTES }), 16);
	(void)state;
}

/* Malformed input: raw frame pieces, and the counter that must grow. */
struct bad_case {
	const char *name;
	enum rb_xdp_counter counter;
	size_t frame_len;		/* cut the frame to this length, 0: keep */
	uint8_t hlen;
	uint8_t op;
	int no_cookie;
	int udp_len_delta;		/* added to the UDP length field */
	const uint8_t *opts;
	size_t opts_len;
	size_t pad_to;			/* 0: pad to 300 like clients, 1: no padding */
};

static const struct bad_case bad_cases[] = {
	{ "Ethernet header only", RB_XC_PASS_NOT_DHCP, .frame_len = 14, .opts = OPTS(255) },
	{ "IPv4 header cut short", RB_XC_PASS_NOT_DHCP, .frame_len = 30, .opts = OPTS(255) },
	{ "UDP header cut short", RB_XC_PASS_NOT_DHCP, .frame_len = 38, .opts = OPTS(255) },
	{ "BOOTP header cut short", RB_XC_MALFORMED_UDP, .frame_len = 42 + 100, .opts = OPTS(255) },
	{ "UDP length shorter than BOOTP", RB_XC_MALFORMED_SHORT, .udp_len_delta = -100,
	  .opts = OPTS(53, 1, 1, 255) },
	{ "UDP length past the frame", RB_XC_MALFORMED_UDP, .udp_len_delta = 50,
	  .opts = OPTS(53, 1, 1, 255) },
	{ "op is BOOTREPLY", RB_XC_MALFORMED_OP, .op = 2, .opts = OPTS(53, 1, 1, 255) },
	{ "hlen 17", RB_XC_MALFORMED_HLEN, .hlen = 17, .opts = OPTS(53, 1, 1, 255) },
	{ "hlen 8 is not Ethernet", RB_XC_MALFORMED_HLEN, .hlen = 8, .opts = OPTS(53, 1, 1, 255) },
	{ "magic cookie missing", RB_XC_MALFORMED_COOKIE, .no_cookie = 1, .opts = OPTS(53, 1, 1, 255) },
	{ "option length past the end", RB_XC_MALFORMED_OPTION, .opts = OPTS(53, 1, 1, 12, 200, 'a'),
	  .pad_to = 1 },
	{ "option length past the padded end", RB_XC_MALFORMED_OPTION,
	  .opts = OPTS(53, 1, 1, 43, 255, 'a') },
	{ "option code without length", RB_XC_MALFORMED_OPTION, .opts = OPTS(53, 1, 1, 12),
	  .pad_to = 1 },
	{ "no end option", RB_XC_MALFORMED_NO_END, .opts = OPTS(53, 1, 1, 1, 4, 255, 255, 255, 0) },
	{ "message type of length 0", RB_XC_MALFORMED_BAD_LEN, .opts = OPTS(53, 0, 255) },
	{ "parameter list of length 0", RB_XC_MALFORMED_BAD_LEN, .opts = OPTS(53, 1, 1, 55, 0, 255) },
	{ "requested address of length 3", RB_XC_MALFORMED_BAD_LEN,
	  .opts = OPTS(53, 1, 3, 50, 3, 10, 213, 0, 255) },
	{ "client arch of odd length", RB_XC_MALFORMED_BAD_LEN, .opts = OPTS(53, 1, 1, 93, 1, 0, 255) },
	{ "client id of length 1", RB_XC_MALFORMED_BAD_LEN, .opts = OPTS(53, 1, 1, 61, 1, 1, 255) },
	{ "machine id of length 16", RB_XC_MALFORMED_BAD_LEN,
	  .opts = OPTS(53, 1, 1, 97, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255) },
	{ "machine id of length 18", RB_XC_MALFORMED_BAD_LEN,
	  .opts = OPTS(53, 1, 1, 97, 18, 0, TEST_UUID_BYTES, 0, 255) },
	{ "machine id of length 0", RB_XC_MALFORMED_BAD_LEN, .opts = OPTS(53, 1, 1, 97, 0, 255) },
	{ "machine id of type 1", RB_XC_MALFORMED_BAD_LEN,
	  .opts = OPTS(53, 1, 1, 97, 17, 1, TEST_UUID_BYTES, 255) },
	{ "only pad bytes", RB_XC_MALFORMED_NO_END, .opts = OPTS(0, 0, 0, 0), .pad_to = 1000 },
	{ "more than 255 options", RB_XC_MALFORMED_TOO_MANY,
	  .opts = OPTS(53, 1, 1, EMPTY64, EMPTY64, EMPTY64, EMPTY64, 255) },
	{ "huge message", RB_XC_PASS_TOO_LARGE, .opts = OPTS(53, 1, 1, 255), .pad_to = 2000 },
};

static void test_malformed_table(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct test_dhcp4_req r = {
			.op = c->op, .hlen = c->hlen, .no_cookie = c->no_cookie,
			.opts = c->opts, .opts_len = c->opts_len,
			.pad_to = c->pad_to ? c->pad_to : 300,
		};
		uint8_t in[4096], out[4096];
		uint32_t out_len = sizeof(out);
		size_t len;
		uint64_t before;

		print_message("# malformed: %s\n", c->name);
		memcpy(r.mac, mac_known, 6);
		len = test_dhcp4_frame(&r, in, sizeof(in));
		assert_true(len > 0);
		if (c->udp_len_delta) {
			int udp_len = (in[38] << 8 | in[39]) + c->udp_len_delta;

			in[38] = (uint8_t)(udp_len >> 8);
			in[39] = (uint8_t)udp_len;
		}
		if (c->frame_len)
			len = c->frame_len;

		before = counter(c->counter);
		assert_int_equal(run_xdp(in, len, out, &out_len), XDP_PASS);
		assert_int_equal(counter(c->counter), before + 1);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, in, len);
	}
	(void)state;
}

/* Flood test: link limit, unknown devices sent in a row, their MACs. */
#define FLOOD_RATE	10	/* requests per second */
#define FLOOD_BURST	5
#define FLOOD_FRAMES	50

static void set_flood_limit(uint32_t rate, uint32_t burst)
{
	struct rb_iface iface = { .mtu = 1500, .enabled = 1, .unknown_rate = rate,
				  .unknown_burst = burst };
	uint32_t ifindex = LO_IFINDEX;

	memcpy(iface.mac, server_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &ifindex, &iface, 0), 0);
}

static int flood_setup(void **state)
{
	set_flood_limit(FLOOD_RATE, FLOOD_BURST);
	(void)state;
	return 0;
}

/* Back to no limit, as setup() left the link, even when the test failed. */
static int flood_teardown(void **state)
{
	set_flood_limit(0, 0);
	(void)state;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* DISCOVER from mac; returns the verdict. */
static int send_discover(const uint8_t mac[6], uint32_t xid)
{
	struct test_dhcp4_req r = { .xid = htonl(xid), .opts = OPTS(53, 1, 1, 255), .pad_to = 300 };
	uint8_t in[2048], out[4096];
	uint32_t out_len = sizeof(out);
	size_t len;

	memcpy(r.mac, mac, 6);
	len = test_dhcp4_frame(&r, in, sizeof(in));
	assert_true(len > 0);
	return run_xdp(in, len, out, &out_len);
}

/*
 * FLOOD_FRAMES DISCOVERs from distinct unknown MACs, each followed by one
 * from the known device.  The bucket starts full: the first FLOOD_BURST
 * pass, then only the refill of the elapsed time passes and the rest is
 * dropped.  The known device gets an OFFER every time.
 */
static void test_flood_limit(void **state)
{
	uint64_t drop_before = counter(RB_XC_DROP_FLOOD), pass_before = counter(RB_XC_PASS_UNKNOWN_MAC);
	uint64_t offer_before = counter(RB_XC_TX_OFFER), start, refilled;
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xf1, 0x00, 0x00 };
	int passed = 0, dropped = 0;

	start = now_ns();
	for (int i = 0; i < FLOOD_FRAMES; i++) {
		int verdict;

		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		verdict = send_discover(mac, 0x5000 + (uint32_t)i);
		if (i < FLOOD_BURST)
			assert_int_equal(verdict, XDP_PASS);
		else
			assert_true(verdict == XDP_PASS || verdict == XDP_DROP);
		passed += verdict == XDP_PASS;
		dropped += verdict == XDP_DROP;

		assert_int_equal(send_discover(mac_known, 0x6000 + (uint32_t)i), XDP_TX);
	}
	refilled = (now_ns() - start) * FLOOD_RATE / 1000000000ULL + 1;

	print_message("# flood: %d passed, %d dropped, refill allowed %llu more\n", passed, dropped,
		      (unsigned long long)refilled);
	assert_true((uint64_t)passed <= FLOOD_BURST + refilled);
	assert_true(dropped > 0);
	assert_int_equal(counter(RB_XC_DROP_FLOOD), drop_before + (uint64_t)dropped);
	assert_int_equal(counter(RB_XC_PASS_UNKNOWN_MAC), pass_before + (uint64_t)passed);
	assert_int_equal(counter(RB_XC_TX_OFFER), offer_before + FLOOD_FRAMES);

	/* After 0.3 s the bucket has refilled about 3 tokens. */
	usleep(300000);
	mac[3] = 0xf2;
	assert_int_equal(send_discover(mac, 0x7000), XDP_PASS);
	(void)state;
}

/*
 * Pool binding: the lo link serves unknown devices from pool queue 0,
 * with the lab template.  pool_setup() gives the queue slot a fresh
 * queue and sets the link; pool_teardown() takes both away again.
 */
#define POOL_SLOT	0

static int pool_queue_fd = -1;

static void set_pool_link(uint32_t pool_id, uint32_t rate, uint32_t burst)
{
	struct rb_iface iface = { .mtu = 1500, .enabled = 1, .unknown_rate = rate,
				  .unknown_burst = burst, .pool_id = pool_id, .pool_template = 0 };
	uint32_t ifindex = LO_IFINDEX;

	memcpy(iface.mac, server_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &ifindex, &iface, 0), 0);
}

static int pool_setup(void **state)
{
	uint32_t slot = POOL_SLOT;

	pool_queue_fd = bpf_map_create(BPF_MAP_TYPE_QUEUE, "test_pool_q", 0, sizeof(uint32_t),
				       RB_POOL_QUEUE_MAX, NULL);
	assert_true(pool_queue_fd >= 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_pool_queues), &slot,
					     &pool_queue_fd, BPF_ANY), 0);
	set_pool_link(POOL_SLOT + 1, 0, 0);
	(void)state;
	return 0;
}

static int pool_teardown(void **state)
{
	uint32_t slot = POOL_SLOT;

	set_pool_link(0, 0, 0);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.rb_pool_queues), &slot);
	close(pool_queue_fd);
	pool_queue_fd = -1;
	(void)state;
	return 0;
}

static void pool_push(const char *addr)
{
	uint32_t a = test_ip4(addr);

	assert_int_equal(bpf_map_update_elem(pool_queue_fd, NULL, &a, BPF_ANY), 0);
}

/* Addresses left in the queue, popped and pushed back in order. */
static size_t pool_count(void)
{
	uint32_t addrs[64];
	size_t n = 0;

	while (n < 64 && bpf_map_lookup_and_delete_elem(pool_queue_fd, NULL, &addrs[n]) == 0)
		n++;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bpf_map_update_elem(pool_queue_fd, NULL, &addrs[i], BPF_ANY), 0);
	return n;
}

static int record_of(const uint8_t mac[6], struct rb_device *rec)
{
	struct rb_mac_key key = { 0 };

	memcpy(key.addr, mac, 6);
	return bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices), &key, rec);
}

/* The last RB_EV_DHCP4_BIND event read from rb_events, and the LEASE events. */
struct bind_seen {
	struct rb_event ev;
	int count;
	int leases;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct bind_seen *seen = ctx;
	struct rb_event ev;

	assert_int_equal(size, sizeof(ev));
	memcpy(&ev, data, sizeof(ev));
	if (ev.type == RB_EV_DHCP4_BIND) {
		seen->ev = ev;
		seen->count++;
	} else if (ev.type == RB_EV_DHCP4_LEASE) {
		seen->leases++;
	}
	return 0;
}

static void read_binds(struct bind_seen *seen)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb_events), on_event,
						  seen, NULL);

	assert_non_null(rb);
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
}

/* DISCOVER (dhclient's) or REQUEST from mac; returns the verdict, the reply in out. */
static int send_pool_request(const uint8_t mac[6], int type, uint8_t *out, uint32_t *out_len)
{
	struct test_dhcp4_req discover = { .xid = htonl(0x8800), .opts = OPTS(DHCLIENT_DISCOVER),
					   .pad_to = 300 };
	struct test_dhcp4_req request = {
		.xid = htonl(0x8800),
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 150, 54, 4, 10, 213, 0, 1, 255),
		.pad_to = 300,
	};
	struct test_dhcp4_req r = type == RB_DHCPDISCOVER ? discover : request;
	uint8_t in[2048];
	size_t len;

	memcpy(r.mac, mac, 6);
	len = test_dhcp4_frame(&r, in, sizeof(in));
	assert_true(len > 0);
	return run_xdp(in, len, out, out_len);
}

/* Send a pool request that must pass, and check that counter idx grew by one. */
static void expect_pool_pass(const uint8_t mac[6], int type, enum rb_xdp_counter idx)
{
	uint64_t before = counter(idx);
	uint8_t out[4096];
	uint32_t out_len = sizeof(out);

	assert_int_equal(send_pool_request(mac, type, out, &out_len), XDP_PASS);
	assert_int_equal(counter(idx), before + 1);
}

/*
 * An unknown device's DISCOVER takes the queued address: the OFFER is
 * the one userspace builds for the new record, the record points at the
 * pool template, and a bind event reports it.
 */
static void test_pool_bind(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb0, 0x00, 0x01 };
	uint64_t bind_before = counter(RB_XC_POOL_BIND), offer_before = counter(RB_XC_TX_OFFER);
	uint8_t out[4096], in[2048], us_out[4096];
	uint32_t out_len = sizeof(out), yiaddr;
	struct test_dhcp4_req r = { .xid = htonl(0x8800), .opts = OPTS(DHCLIENT_DISCOVER),
				    .pad_to = 300 };
	struct bind_seen seen = { 0 };
	struct rb_dhcp4_answer ans;
	static struct rb_dhcp4_work work;
	struct rb_device rec;
	size_t in_len;
	int us_len;

	read_binds(&seen);	/* skip what earlier tests left */
	seen.count = 0;
	pool_push("10.213.0.150");

	assert_int_equal(send_pool_request(mac, RB_DHCPDISCOVER, out, &out_len), XDP_TX);
	assert_int_equal(counter(RB_XC_POOL_BIND), bind_before + 1);
	assert_int_equal(counter(RB_XC_TX_OFFER), offer_before + 1);
	memcpy(&yiaddr, out + TEST_DHCP4_OFF + 16, 4);
	assert_int_equal(yiaddr, test_ip4("10.213.0.150"));
	assert_int_equal(test_dhcp4_find_option(out, out_len, 53)[2], RB_DHCPOFFER);
	assert_int_equal(pool_count(), 0);

	assert_int_equal(record_of(mac, &rec), 0);
	assert_int_equal(rec.ipv4, test_ip4("10.213.0.150"));
	assert_int_equal(rec.template_id, 0);
	assert_int_equal(rec.phase, RB_PHASE_OFFERED);
	assert_int_equal(rec.from_xdp, 1);

	read_binds(&seen);
	assert_int_equal(seen.count, 1);
	assert_memory_equal(seen.ev.mac, mac, 6);
	assert_int_equal(seen.ev.ipv4, test_ip4("10.213.0.150"));
	assert_int_equal(seen.ev.template_id, 0);
	assert_int_equal(seen.ev.lease_time, 0);

	/* The same frame as the slow path sends for a pool device with a fresh record. */
	memcpy(r.mac, mac, 6);
	in_len = test_dhcp4_frame(&r, in, sizeof(in));
	memset(&rec, 0, sizeof(rec));
	rec.ipv4 = test_ip4("10.213.0.150");
	rec.client_arch = RB_ARCH_ANY;
	assert_int_equal(rb_dhcp4_load(&work, in + TEST_DHCP4_OFF, in_len - TEST_DHCP4_OFF), RB_D4_OK);
	assert_int_equal(rb_dhcp4_answer(&work, &tmpl, &rec, 1500, &ans), 0);
	us_len = rb_dhcp4_frame(&work, &ans, server_mac, 67, 68, us_out, sizeof(us_out));
	assert_int_equal(us_len, (int)out_len);
	assert_memory_equal(out, us_out, out_len);

	/* Its REQUEST now finds the record and gets the ACK in XDP. */
	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPREQUEST, out, &out_len), XDP_TX);
	assert_int_equal(test_dhcp4_find_option(out, out_len, 53)[2], RB_DHCPACK);
	(void)state;
}

/* With the queue empty the DISCOVER goes up, and no record appears. */
static void test_pool_empty(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb0, 0x00, 0x02 };
	struct rb_device rec;

	assert_int_equal(pool_count(), 0);
	expect_pool_pass(mac, RB_DHCPDISCOVER, RB_XC_PASS_POOL_EMPTY);
	assert_int_not_equal(record_of(mac, &rec), 0);
	(void)state;
}

/* A REQUEST from an unknown device goes up and leaves the queue alone. */
static void test_pool_request_unknown(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb0, 0x00, 0x03 };
	struct rb_device rec;

	pool_push("10.213.0.151");
	expect_pool_pass(mac, RB_DHCPREQUEST, RB_XC_PASS_UNKNOWN_MAC);
	assert_int_not_equal(record_of(mac, &rec), 0);
	assert_int_equal(pool_count(), 1);
	(void)state;
}

/*
 * The flood bucket comes before the queue.  With a burst of 2 and a rate
 * of 1 per second, 2 of 5 DISCOVERs in a row bind (3 if a token came
 * back meanwhile), and the dropped ones take no address.
 */
static void test_pool_flood(void **state)
{
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb1, 0x00, 0x00 };
	uint64_t drop_before = counter(RB_XC_DROP_FLOOD), bind_before = counter(RB_XC_POOL_BIND);
	int bound = 0, dropped = 0;

	set_pool_link(POOL_SLOT + 1, 1, 2);
	pool_push("10.213.0.152");
	pool_push("10.213.0.153");
	pool_push("10.213.0.154");
	pool_push("10.213.0.155");
	for (int i = 0; i < 5; i++) {
		uint8_t out[4096];
		uint32_t out_len = sizeof(out);
		int verdict;

		mac[5] = (uint8_t)i;
		verdict = send_pool_request(mac, RB_DHCPDISCOVER, out, &out_len);
		assert_true(verdict == XDP_TX || verdict == XDP_DROP);
		bound += verdict == XDP_TX;
		dropped += verdict == XDP_DROP;
	}
	print_message("# pool flood: %d bound, %d dropped\n", bound, dropped);
	assert_true(bound >= 2 && bound <= 3);
	assert_int_equal(counter(RB_XC_POOL_BIND), bind_before + (uint64_t)bound);
	assert_int_equal(counter(RB_XC_DROP_FLOOD), drop_before + (uint64_t)dropped);
	assert_int_equal(pool_count(), 4 - (size_t)bound);
	(void)state;
}

/* A link whose pool slot has no queue passes unknown devices up. */
static void test_pool_no_queue(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb0, 0x00, 0x04 };

	set_pool_link(RB_MAX_POOLS, 0, 0);
	expect_pool_pass(mac, RB_DHCPDISCOVER, RB_XC_PASS_POOL_EMPTY);
	(void)state;
}

/*
 * The journal lag: the first ACK of a pool device goes to rb_events, a
 * repeated ACK inside the lag does not and is counted, and an ACK after
 * the lag, or for another address, goes again.
 */
static void test_journal_lag(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xb0, 0x00, 0x07 };
	uint64_t skipped = counter(RB_XC_JOURNAL_SKIPPED);
	struct bind_seen seen = { 0 };
	uint8_t out[4096];
	uint32_t out_len;
	struct rb_device rec;
	struct rb_mac_key key = { 0 };

	memcpy(key.addr, mac, 6);
	read_binds(&seen);	/* skip what earlier tests left */
	seen = (struct bind_seen){ 0 };
	pool_push("10.213.0.150");	/* the address that send_pool_request() asks for */

	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPDISCOVER, out, &out_len), XDP_TX);
	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPREQUEST, out, &out_len), XDP_TX);
	assert_int_equal(test_dhcp4_find_option(out, out_len, 53)[2], RB_DHCPACK);
	read_binds(&seen);
	assert_int_equal(seen.leases, 1);
	assert_int_equal(record_of(mac, &rec), 0);
	assert_int_not_equal(rec.journal_ns, 0);
	assert_int_equal(rec.journal_ns, rec.lease_ns);
	assert_int_equal(rec.journal_ipv4, test_ip4("10.213.0.150"));

	/* A renewal at once: on the wire, not in the journal. */
	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPREQUEST, out, &out_len), XDP_TX);
	assert_int_equal(test_dhcp4_find_option(out, out_len, 53)[2], RB_DHCPACK);
	read_binds(&seen);
	assert_int_equal(seen.leases, 1);
	assert_int_equal(counter(RB_XC_JOURNAL_SKIPPED), skipped + 1);
	assert_int_equal(record_of(mac, &rec), 0);
	assert_true(rec.lease_ns > rec.journal_ns);

	/* The last journaled ACK older than the lag: journaled again. */
	rec.journal_ns -= (uint64_t)rb_journal_lag_s(tmpl.lease_time) * 1000000000ULL;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec,
					     BPF_EXIST), 0);
	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPREQUEST, out, &out_len), XDP_TX);
	read_binds(&seen);
	assert_int_equal(seen.leases, 2);

	/* Journaled for another address: journaled again at once. */
	assert_int_equal(record_of(mac, &rec), 0);
	rec.journal_ipv4 = test_ip4("10.213.0.152");
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec,
					     BPF_EXIST), 0);
	out_len = sizeof(out);
	assert_int_equal(send_pool_request(mac, RB_DHCPREQUEST, out, &out_len), XDP_TX);
	read_binds(&seen);
	assert_int_equal(seen.leases, 3);
	assert_int_equal(counter(RB_XC_JOURNAL_SKIPPED), skipped + 1);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_table),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_device_state),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test_setup_teardown(test_flood_limit, flood_setup, flood_teardown),
		cmocka_unit_test_setup_teardown(test_pool_bind, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_journal_lag, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_pool_empty, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_pool_request_unknown, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_pool_flood, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_pool_no_queue, pool_setup, pool_teardown),
	};

	return cmocka_run_group_tests_name("dhcp4_xdp", tests, setup, teardown);
}
