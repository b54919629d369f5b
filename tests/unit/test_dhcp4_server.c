// SPDX-License-Identifier: MIT
/*
 * The DHCPv4 slow path against real BPF maps: a table of requests, each
 * with the counter it must move and the device record it must leave, and
 * one request sent over UDP to 127.0.0.1 and received through io_uring.
 * Replies go out on the loopback interface (ifindex 1), where a packet
 * socket reads them back.  Relayed requests name a relay agent at
 * 127.0.0.1, whose UDP socket reads the replies that the server routes
 * there.  Needs CAP_BPF and CAP_NET_RAW; skips without.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>

#include "dhcp4/server.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/netns_unshare.h"
#include "rackboot/dhcp4_wire.h"
#include "xdp/device_state.h"

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define LO_IFINDEX 1

static const uint8_t known_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 };
static const uint8_t unknown_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0xff };
/* A device of the second subnet, 127.0.0.0/24, which holds the relay agent. */
static const uint8_t relayed_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 };

struct fixture {
	struct io_uring ring;
	struct rb_dhcp4_server *srv;
	uint64_t counters[RB_UC_COUNT];
	int devices_fd, templates_fd, ifaces_fd;
	int capture_fd;		/* AF_PACKET on lo, reads the replies */
	int relay_fd;		/* UDP on 127.0.0.1, the relay agent's server port */
	uint16_t port;
	uint16_t relay_port;
};

/*
 * Template 1 for 127.0.0.0/24 and its device.  Addresses in 127.0.0.0/8
 * reach this host over lo, so a relay agent at 127.0.0.1 in this subnet
 * is a local socket.
 */
static void maps_fill_relayed(struct fixture *f)
{
	struct rb_cfg_subnet subnet = {
		.name = "behind-relay", .interface = "lo", .prefix = test_ip4("127.0.0.0"),
		.prefix_len = 24, .server_id = test_ip4("127.0.0.2"), .lease_time = 3600,
		.renewal_time = 1800, .rebinding_time = 3150,
	};
	struct rb_cfg_profile profile = {
		.name = "bios", .n_bootfiles = 1,
		.bootfiles = { { .arch = RB_ARCH_ANY, .file = "undionly.kpxe" } },
	};
	struct rb_cfg_device dev = { .ipv4 = test_ip4("127.0.0.101"), .hostname = "rack2-node01" };
	struct rb_dhcp4_template tmpl;
	struct rb_mac_key key = rb_mac_key_of(relayed_mac);
	struct rb_device rec;
	__u32 one = 1;

	memcpy(dev.mac, relayed_mac, 6);
	assert_int_equal(rb_dhcp4_template_encode(&subnet, &profile, &tmpl), 0);
	assert_int_equal(bpf_map_update_elem(f->templates_fd, &one, &tmpl, BPF_ANY), 0);

	memset(&rec, 0, sizeof(rec));
	rb_dhcp4_device_fill(&dev, 1, &rec);
	assert_int_equal(bpf_map_update_elem(f->devices_fd, &key, &rec, BPF_ANY), 0);
}

/* Template 0 for 10.213.0.0/24, the device, and lo as a served interface. */
static void maps_fill(struct fixture *f)
{
	struct rb_cfg_subnet subnet = {
		.name = "lab", .interface = "lo", .prefix = test_ip4("10.213.0.0"), .prefix_len = 24,
		.server_id = test_ip4("10.213.0.1"), .lease_time = 3600, .renewal_time = 1800,
		.rebinding_time = 3150,
	};
	struct rb_cfg_profile profile = {
		.name = "bios", .n_bootfiles = 1,
		.bootfiles = { { .arch = RB_ARCH_ANY, .file = "undionly.kpxe" } },
	};
	struct rb_cfg_device dev = { .ipv4 = test_ip4("10.213.0.101"), .hostname = "rack1-node01" };
	struct rb_dhcp4_template tmpl;
	struct rb_iface lo = { .mtu = 1500, .enabled = 1 };
	struct rb_mac_key key = rb_mac_key_of(known_mac);
	struct rb_device rec;
	__u32 zero = 0, ifindex = LO_IFINDEX;

	memcpy(dev.mac, known_mac, 6);
	assert_int_equal(rb_dhcp4_template_encode(&subnet, &profile, &tmpl), 0);
	assert_int_equal(bpf_map_update_elem(f->templates_fd, &zero, &tmpl, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(f->ifaces_fd, &ifindex, &lo, BPF_ANY), 0);

	memset(&rec, 0, sizeof(rec));
	rb_dhcp4_device_fill(&dev, 0, &rec);
	assert_int_equal(bpf_map_update_elem(f->devices_fd, &key, &rec, BPF_ANY), 0);
	maps_fill_relayed(f);
}

static int capture_open(void)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = LO_IFINDEX,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_IP));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* The relay agent's socket on 127.0.0.1 at a free port; sets f->relay_port. */
static int relay_open(struct fixture *f)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);

	f->relay_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (f->relay_fd < 0)
		return -errno;
	if (bind(f->relay_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(f->relay_fd, (struct sockaddr *)&addr, &len) < 0) {
		close(f->relay_fd);
		return -errno;
	}
	f->relay_port = ntohs(addr.sin_port);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rb_dhcp4_server_config cfg;

	assert_non_null(f);
	if (test_dhcp4_maps_create(&f->devices_fd, &f->templates_fd, &f->ifaces_fd) || (f->capture_fd = capture_open()) < 0) {
		fprintf(stderr, "# needs CAP_BPF and CAP_NET_RAW: %s\n", strerror(errno));
		free(f);
		return -1;
	}
	maps_fill(f);
	assert_int_equal(relay_open(f), 0);
	assert_int_equal(io_uring_queue_init(16, &f->ring, 0), 0);

	/* Port 0: any free port, so the test never meets a real DHCP server. */
	cfg = (struct rb_dhcp4_server_config){
		.devices_fd = f->devices_fd, .templates_fd = f->templates_fd,
		.ifaces_fd = f->ifaces_fd, .counters = f->counters, .relay_port = f->relay_port,
	};
	assert_int_equal(rb_dhcp4_server_new(&f->ring, &cfg, &f->srv), 0);
	f->port = rb_dhcp4_server_port(f->srv);
	assert_true(f->port != 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	io_uring_queue_exit(&f->ring);
	rb_dhcp4_server_free(f->srv);
	close(f->devices_fd);
	close(f->templates_fd);
	close(f->ifaces_fd);
	close(f->capture_fd);
	close(f->relay_fd);
	free(f);
	return 0;
}

/* The DHCP message of a request frame built by tests/lib/dhcp4_pkt. */
static size_t request(const struct test_dhcp4_req *r, uint8_t *msg, size_t size)
{
	/* Offset 2 puts the IPv4 header that test_dhcp4_frame() writes on 4 bytes. */
	_Alignas(8) uint8_t buf[2 + 2048];
	uint8_t *frame = buf + 2;
	size_t len = test_dhcp4_frame(r, frame, sizeof(buf) - 2);

	assert_true(len > TEST_DHCP4_OFF && len - TEST_DHCP4_OFF <= size);
	memcpy(msg, frame + TEST_DHCP4_OFF, len - TEST_DHCP4_OFF);
	return len - TEST_DHCP4_OFF;
}

/* Read captured frames until one is a reply of ours; returns its length or 0. */
static size_t capture_reply(struct fixture *f, uint8_t *frame, size_t size)
{
	struct pollfd pfd = { .fd = f->capture_fd, .events = POLLIN };

	for (int i = 0; i < 64 && poll(&pfd, 1, 200) > 0; i++) {
		ssize_t n = recv(f->capture_fd, frame, size, 0);

		/* UDP source port at 14 + 20; the server's frames carry its bound port. */
		if (n > TEST_DHCP4_OFF && frame[23] == 17 &&
		    ((frame[34] << 8) | frame[35]) == 0 && frame[TEST_DHCP4_OFF] == 2)
			return (size_t)n;
	}
	return 0;
}

static void drain_capture(struct fixture *f)
{
	uint8_t buf[2048];

	while (recv(f->capture_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* 64 empty options of code 224 (a site-specific code). */
#define EMPTY8 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0
#define EMPTY64 EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8

struct handle_case {
	const char *name;
	struct test_dhcp4_req req;
	int ifindex;
	size_t pad;			/* message length to pad to, for long messages */
	enum rb_us_counter counter;	/* the one outcome counter that must grow */
	enum rb_phase phase;		/* phase of the known device afterwards */
	uint64_t us_replies;		/* its us_replies afterwards */
	uint8_t reply_type;		/* option 53 of the captured reply, 0 = none */
};

static const struct handle_case cases[] = {
	{ "DISCOVER from a known device", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 1,
		.opts = OPTS(53, 1, 1, 93, 2, 0, 7, 255) },
	  LO_IFINDEX, 0, RB_UC_TX_OFFER, RB_PHASE_OFFERED, 1, 2 },
	{ "REQUEST for the reserved address", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 2,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 101, 54, 4, 10, 213, 0, 1, 255) },
	  LO_IFINDEX, 0, RB_UC_TX_ACK, RB_PHASE_LEASED, 2, 5 },
	{ "REQUEST for another address", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 3,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 150, 255) },
	  LO_IFINDEX, 0, RB_UC_TX_NAK, RB_PHASE_LEASED, 3, 6 },
	{ "REQUEST naming another server", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 4,
		.opts = OPTS(53, 1, 3, 50, 4, 10, 213, 0, 101, 54, 4, 10, 213, 0, 9, 255) },
	  LO_IFINDEX, 0, RB_UC_IGNORED_OTHER, RB_PHASE_LEASED, 3, 0 },
	{ "RELEASE from a known device", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 5,
		.opts = OPTS(53, 1, 7, 255) },
	  LO_IFINDEX, 0, RB_UC_IGNORED_OTHER, RB_PHASE_LEASED, 3, 0 },
	{ "DISCOVER from an unknown MAC", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0xff }, .xid = 6,
		.opts = OPTS(53, 1, 1, 255) },
	  LO_IFINDEX, 0, RB_UC_IGNORED_UNKNOWN, RB_PHASE_LEASED, 3, 0 },
	{ "DISCOVER on an interface not served", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 7,
		.opts = OPTS(53, 1, 1, 255) },
	  999, 0, RB_UC_IGNORED_OTHER, RB_PHASE_LEASED, 3, 0 },
	{ "BOOTREPLY", {
		.op = 2, .mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 9,
		.opts = OPTS(53, 1, 2, 255) },
	  LO_IFINDEX, 0, RB_UC_IGNORED_OTHER, RB_PHASE_LEASED, 3, 0 },
	{ "BOOTP request without option 53", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 10,
		.opts = OPTS(255) },
	  LO_IFINDEX, 0, RB_UC_IGNORED_OTHER, RB_PHASE_LEASED, 3, 0 },
	{ "magic cookie missing", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 11, .no_cookie = 1,
		.opts = OPTS(53, 1, 1, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "option past the end", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 12,
		.opts = OPTS(53, 1, 1, 12, 40, 'a') },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "hlen 17", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 14, .hlen = 17,
		.opts = OPTS(53, 1, 1, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "option past the padded end", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 15,
		.opts = OPTS(53, 1, 1, 43, 255, 'a'), .pad_to = 300 },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "no end option", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 16,
		.opts = OPTS(53, 1, 1, 1, 4, 255, 255, 255, 0) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "message type of length 0", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 17,
		.opts = OPTS(53, 0, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "parameter list of length 0", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 18,
		.opts = OPTS(53, 1, 1, 55, 0, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "requested address of length 3", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 19,
		.opts = OPTS(53, 1, 3, 50, 3, 10, 213, 0, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "client id of length 1", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 20,
		.opts = OPTS(53, 1, 1, 61, 1, 1, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "only pad bytes", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 21,
		.opts = OPTS(0, 0, 0, 0), .pad_to = 1000 },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "more than 255 options", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 22,
		.opts = OPTS(53, 1, 1, EMPTY64, EMPTY64, EMPTY64, EMPTY64, 255) },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
	{ "longer than 1472 bytes", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 13,
		.opts = OPTS(53, 1, 1, 255), .pad_to = 1500 },
	  LO_IFINDEX, 0, RB_UC_MALFORMED, RB_PHASE_LEASED, 3, 0 },
};

static void check_case(struct fixture *f, const struct handle_case *c)
{
	uint64_t before[RB_UC_COUNT];
	uint8_t msg[2048], frame[2048];
	struct rb_device rec;
	size_t len, got;

	print_message("# %s\n", c->name);
	memcpy(before, f->counters, sizeof(before));
	len = request(&c->req, msg, sizeof(msg));
	drain_capture(f);

	rb_dhcp4_server_handle(f->srv, c->ifindex, msg, len);

	assert_int_equal(f->counters[RB_UC_RX], before[RB_UC_RX] + 1);
	for (int i = RB_UC_RX + 1; i < RB_UC_COUNT; i++)
		assert_int_equal(f->counters[i], before[i] + (i == (int)c->counter));

	assert_int_equal(rb_device_get(f->devices_fd, known_mac, &rec), 0);
	assert_int_equal(rec.phase, c->phase);
	assert_int_equal(rec.us_replies, c->us_replies);
	assert_int_equal(rec.from_xdp, 0);
	assert_int_equal(rb_device_get(f->devices_fd, unknown_mac, &rec), -ENOENT);

	got = capture_reply(f, frame, sizeof(frame));
	if (c->reply_type == 0) {
		assert_int_equal(got, 0);
		return;
	}
	assert_true(got > 0);
	const uint8_t *opt53 = test_dhcp4_find_option(frame, got, 53);

	assert_non_null(opt53);
	assert_int_equal(opt53[2], c->reply_type);
	assert_memory_equal(frame + TEST_DHCP4_OFF + 4, &c->req.xid, 4);
}

static void handle_table(void **state)
{
	struct fixture *f = *state;
	struct rb_device rec;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(f, &cases[i]);

	/* The first DISCOVER recorded its phase times and option 93. */
	assert_int_equal(rb_device_get(f->devices_fd, known_mac, &rec), 0);
	assert_true(rec.phase_ns[RB_PHASE_DISCOVERED] > 0);
	assert_int_equal(rec.phase_ns[RB_PHASE_OFFERED], rec.phase_ns[RB_PHASE_DISCOVERED]);
	assert_true(rec.phase_ns[RB_PHASE_LEASED] >= rec.phase_ns[RB_PHASE_OFFERED]);
	assert_int_equal(rec.client_arch, 7);
}

/* Option 82 as dhcrelay -a sends it: circuit id "eth0" and remote id 2 bytes. */
#define AGENT 82, 10, 1, 4, 'e', 't', 'h', '0', 2, 2, 0xab, 0xcd
/* Option 82 with a link selection sub-option for 10.213.0.0/24 after the circuit id. */
#define AGENT_LINK_LAB 82, 12, 1, 4, 'e', 't', 'h', '0', 5, 4, 10, 213, 0, 0
/* Option 82 with a link selection sub-option for 127.0.0.0/24. */
#define AGENT_LINK_LOCAL 82, 6, 5, 4, 127, 0, 0, 0

struct relay_case {
	const char *name;
	struct test_dhcp4_req req;
	enum rb_us_counter counter;	/* the one outcome counter that must grow */
	uint8_t reply_type;		/* option 53 of the reply to the relay, 0 = none */
	const char *yiaddr;		/* of the reply; NULL for a NAK */
};

static const struct relay_case relay_cases[] = {
	{ "relayed DISCOVER", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 101, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, AGENT, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "127.0.0.101" },
	{ "relayed DISCOVER with broadcast flag", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 102, .giaddr = 0x0100007f,
		.flags = 0x8000, .opts = OPTS(53, 1, 1, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "127.0.0.101" },
	{ "relayed REQUEST", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 103, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 3, 50, 4, 127, 0, 0, 101, 54, 4, 127, 0, 0, 2, AGENT, 255) },
	  RB_UC_TX_ACK, RB_DHCPACK, "127.0.0.101" },
	{ "relayed REQUEST for another address", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 104, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 3, 50, 4, 127, 0, 0, 150, AGENT, 255) },
	  RB_UC_TX_NAK, RB_DHCPNAK, NULL },
	{ "relay with giaddr in no subnet", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 105, .giaddr = 0x0100017f,
		.opts = OPTS(53, 1, 1, AGENT, 255) },
	  RB_UC_IGNORED_OTHER, 0, NULL },
	{ "device in another subnet than giaddr", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 106, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, AGENT, 255) },
	  RB_UC_IGNORED_OTHER, 0, NULL },
	{ "link selection overrides giaddr", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 107, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, AGENT_LINK_LAB, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "10.213.0.101" },
	{ "link selection of another subnet", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 108, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, AGENT_LINK_LAB, 255) },
	  RB_UC_IGNORED_OTHER, 0, NULL },
	{ "subnet selection overrides giaddr", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 109, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, 118, 4, 10, 213, 0, 0, AGENT, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "10.213.0.101" },
	{ "subnet selection before link selection", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 110, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, 118, 4, 127, 0, 0, 0, AGENT_LINK_LAB, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "127.0.0.101" },
	{ "link selection of the device's subnet", {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x31, 0x01 }, .xid = 111, .giaddr = 0x0100007f,
		.opts = OPTS(53, 1, 1, AGENT_LINK_LOCAL, 255) },
	  RB_UC_TX_OFFER, RB_DHCPOFFER, "127.0.0.101" },
};

/*
 * Read one reply at the relay agent's socket into msg + TEST_DHCP4_OFF,
 * where test_dhcp4_find_option() looks for it.  Returns the message
 * length, 0 when none arrived within 500 ms.
 */
static size_t relay_receive(struct fixture *f, uint8_t *msg, size_t size,
			    struct sockaddr_in *from)
{
	struct pollfd pfd = { .fd = f->relay_fd, .events = POLLIN };
	socklen_t from_len = sizeof(*from);
	ssize_t n;

	if (poll(&pfd, 1, 500) <= 0)
		return 0;
	n = recvfrom(f->relay_fd, msg + TEST_DHCP4_OFF, size - TEST_DHCP4_OFF, 0,
		     (struct sockaddr *)from, &from_len);
	return n > 0 ? (size_t)n : 0;
}

/* The option after TLV p, skipping pad bytes; NULL past the end. */
static const uint8_t *option_after(const uint8_t *p, const uint8_t *end)
{
	p += 2 + p[1];
	while (p < end && *p == 0)
		p++;
	return p < end ? p : NULL;
}

static void check_relay_reply(struct fixture *f, const struct relay_case *c)
{
	uint8_t buf[TEST_DHCP4_OFF + 2048];
	const uint8_t *msg = buf + TEST_DHCP4_OFF;
	const uint8_t *opt53, *agent, *sent_agent, *next;
	uint8_t req_msg[2048];
	struct sockaddr_in from;
	uint16_t flags = c->reply_type == RB_DHCPNAK ? 0x8000 : c->req.flags;
	uint32_t yiaddr = c->yiaddr ? test_ip4(c->yiaddr) : 0;
	size_t len, req_len;

	len = relay_receive(f, buf, sizeof(buf), &from);
	assert_true(len >= 300);
	len += TEST_DHCP4_OFF;

	/* From the server port, over UDP to the relay agent's server port. */
	assert_int_equal(ntohs(from.sin_port), f->port);
	assert_int_equal(msg[RB_BOOTP_OP], RB_BOOTREPLY);
	assert_int_equal(msg[RB_BOOTP_HOPS], 0);
	assert_memory_equal(msg + RB_BOOTP_XID, &c->req.xid, 4);
	assert_int_equal(msg[RB_BOOTP_FLAGS] << 8 | msg[RB_BOOTP_FLAGS + 1], flags);
	assert_memory_equal(msg + RB_BOOTP_GIADDR, &c->req.giaddr, 4);
	assert_memory_equal(msg + RB_BOOTP_YIADDR, &yiaddr, 4);
	assert_memory_equal(msg + RB_BOOTP_CHADDR, c->req.mac, 6);

	opt53 = test_dhcp4_find_option(buf, len, RB_OPT_MSG_TYPE);
	assert_non_null(opt53);
	assert_int_equal(opt53[2], c->reply_type);

	/* Option 82 comes back unchanged and last, right before the end option. */
	req_len = request(&c->req, req_msg, sizeof(req_msg));
	memmove(req_msg + TEST_DHCP4_OFF, req_msg, req_len);
	sent_agent = test_dhcp4_find_option(req_msg, req_len + TEST_DHCP4_OFF, RB_OPT_RELAY_AGENT);
	agent = test_dhcp4_find_option(buf, len, RB_OPT_RELAY_AGENT);
	if (!sent_agent) {
		assert_null(agent);
		return;
	}
	assert_non_null(agent);
	assert_memory_equal(agent, sent_agent, 2 + sent_agent[1]);
	next = option_after(agent, buf + len);
	assert_non_null(next);
	assert_int_equal(*next, RB_OPT_END);
}

static void check_relay_case(struct fixture *f, const struct relay_case *c)
{
	uint64_t before[RB_UC_COUNT];
	uint8_t msg[2048], buf[TEST_DHCP4_OFF + 2048];
	struct sockaddr_in from;
	size_t len;

	print_message("# %s\n", c->name);
	memcpy(before, f->counters, sizeof(before));
	len = request(&c->req, msg, sizeof(msg));
	drain_capture(f);

	rb_dhcp4_server_handle(f->srv, LO_IFINDEX, msg, len);

	assert_int_equal(f->counters[RB_UC_RX], before[RB_UC_RX] + 1);
	for (int i = RB_UC_RX + 1; i < RB_UC_COUNT; i++)
		assert_int_equal(f->counters[i], before[i] + (i == (int)c->counter));

	/* Replies to relayed requests never go out as frames on the ingress interface. */
	assert_int_equal(capture_reply(f, buf, sizeof(buf)), 0);

	if (c->reply_type == 0) {
		assert_int_equal(relay_receive(f, buf, sizeof(buf), &from), 0);
		return;
	}
	check_relay_reply(f, c);
}

static void relayed_requests(void **state)
{
	struct fixture *f = *state;
	struct rb_device rec;
	uint64_t replies;

	assert_int_equal(rb_device_get(f->devices_fd, relayed_mac, &rec), 0);
	replies = rec.us_replies;

	for (size_t i = 0; i < sizeof(relay_cases) / sizeof(relay_cases[0]); i++)
		check_relay_case(f, &relay_cases[i]);

	/* Six replies to the device behind the relay, the last an OFFER. */
	assert_int_equal(rb_device_get(f->devices_fd, relayed_mac, &rec), 0);
	assert_int_equal(rec.us_replies, replies + 6);
	assert_int_equal(rec.phase, RB_PHASE_LEASED);
	assert_int_equal(rec.ipv4, test_ip4("127.0.0.101"));
}

/* A DISCOVER over UDP to 127.0.0.1, through io_uring and IP_PKTINFO. */
static void receive_through_ring(void **state)
{
	struct fixture *f = *state;
	struct test_dhcp4_req req = {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }, .xid = 77,
		.opts = OPTS(53, 1, 1, 255),
	};
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(f->port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct __kernel_timespec timeout = { .tv_sec = 2 };
	uint64_t offers = f->counters[RB_UC_TX_OFFER];
	struct io_uring_cqe *cqe;
	uint8_t msg[2048];
	size_t len = request(&req, msg, sizeof(msg));
	int sock;

	assert_int_equal(rb_dhcp4_server_start(f->srv), 0);
	assert_true(io_uring_submit(&f->ring) > 0);

	sock = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(sock >= 0);
	assert_int_equal(sendto(sock, msg, len, 0, (struct sockaddr *)&to, sizeof(to)), len);
	close(sock);

	assert_int_equal(io_uring_wait_cqe_timeout(&f->ring, &cqe, &timeout), 0);
	assert_true(rb_dhcp4_owns(cqe->user_data));
	assert_int_equal(cqe->res, len);
	assert_int_equal(rb_dhcp4_server_handle_cqe(f->srv, cqe), 0);
	io_uring_cqe_seen(&f->ring, cqe);

	/* It came in on lo, which rb_ifaces serves, so the server sent an OFFER. */
	assert_int_equal(f->counters[RB_UC_TX_OFFER], offers + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handle_table),
		cmocka_unit_test(relayed_requests),
		cmocka_unit_test(receive_through_ring),
	};
	struct fixture *probe;
	void *state = NULL;

	/*
	 * A namespace of its own, so that another test run on this host
	 * sending to port 67 on lo cannot change the counters this test
	 * compares.  Exit 77 (skipped) when this process may not create
	 * namespaces, maps or packet sockets.
	 */
	if (test_netns_unshare() != 0 || test_netns_sh("ip link set lo up") != 0)
		return 77;
	if (setup(&state) != 0)
		return 77;
	probe = state;
	teardown((void **)&probe);

	return cmocka_run_group_tests_name("dhcp4_server", tests, setup, teardown);
}
