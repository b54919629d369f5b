// SPDX-License-Identifier: MIT
/*
 * Relayed requests in the DHCPv4 XDP program under BPF_PROG_TEST_RUN.
 *
 * The process moves into a network namespace of its own, so that
 * bpf_fib_lookup() sees a routing table made for the test, and nothing
 * is left behind when it exits:
 *
 *   rlink  10.215.0.1/24, forwarding on; the relay agent 10.215.0.2
 *          has a permanent neighbour entry; routes:
 *            10.214.0.0/25   via 10.215.0.2  (XDP_TX)
 *            10.214.0.192/26 via 10.215.0.3  (no neighbour entry)
 *   rother 10.216.0.1/24; the router 10.216.0.2 has a neighbour entry;
 *            10.214.0.128/26 via 10.216.0.2  (XDP_REDIRECT)
 *
 * The relayed subnet is 10.214.0.0/24 with server identifier 10.214.0.2.
 * Requests arrive on rlink, sent to 10.215.0.1.  Each reply is checked
 * against the userspace encoder's reply to the same request.
 *
 * Needs root; exits 77 (skipped) when the kernel refuses the namespace,
 * the veth devices or the program.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
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
#include "dhcp4/answer.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/netns_unshare.h"
#include "lib/xdp_run.h"
#include "xdp/loader_internal.h"

#define RELAY_MAC	"\x02\x00\x00\x00\x02\x02"	/* neighbour 10.215.0.2 on rlink */
#define ROUTER_MAC	"\x02\x00\x00\x00\x02\x03"	/* neighbour 10.216.0.2 on rother */
#define SERVER_LOCAL	"10.215.0.1"			/* rlink's address */

static const uint8_t mac_known[6] = { 0x52, 0x54, 0x00, 0x21, 0x32, 0x01 };
static const uint8_t mac_reserved[6] = { 0x52, 0x54, 0x00, 0x21, 0x32, 0x02 };
static const uint8_t mac_long[6] = { 0x52, 0x54, 0x00, 0x21, 0x32, 0x03 };
static const uint8_t mac_new[6] = { 0x52, 0x54, 0x00, 0x21, 0x32, 0x09 };

static struct dhcp4_bpf *skel;
static struct rb_dhcp4_template tmpl, long_tmpl;	/* template ids 0 and 1 */
static struct rb_cfg_device cfg_devices[3];
static struct rb_config config;
static uint32_t by_mac[3] = { 0, 1, 2 };
static int rlink, rother;
static uint8_t rlink_mac[6], rother_mac[6];

/* The links, neighbours and routes of the file header, in the test's namespace. */
static int topology(void)
{
	if (test_netns_sh("ip link set lo up") ||
	    test_netns_veth("rlink", "rlinkp", "10.215.0.1/24") ||
	    test_netns_veth("rother", "rotherp", "10.216.0.1/24") ||
	    test_netns_sh("ip neigh replace 10.215.0.2 lladdr 02:00:00:00:02:02 dev rlink nud permanent") ||
	    test_netns_sh("ip neigh replace 10.216.0.2 lladdr 02:00:00:00:02:03 dev rother nud permanent") ||
	    test_netns_sh("ip route add 10.214.0.0/25 via 10.215.0.2 dev rlink") ||
	    test_netns_sh("ip route add 10.214.0.192/26 via 10.215.0.3 dev rlink") ||
	    test_netns_sh("ip route add 10.214.0.128/26 via 10.216.0.2 dev rother") ||
	    test_netns_sh("echo 1 > /proc/sys/net/ipv4/conf/rlink/forwarding"))
		return -1;
	return 0;
}

/* The relayed subnet with a short boot file name (id 0) and one of 200 bytes (id 1). */
static void make_templates(void)
{
	struct rb_cfg_subnet sn = { 0 };
	struct rb_cfg_profile pf = { 0 }, long_pf = { 0 };

	strcpy(sn.name, "behind-relay");
	sn.prefix = test_ip4("10.214.0.0");
	sn.prefix_len = 24;
	sn.server_id = test_ip4("10.214.0.2");
	sn.lease_time = 3600;
	sn.routers.addr[0] = test_ip4("10.214.0.1");
	sn.routers.count = 1;
	strcpy(sn.domain_name, "relay.test");

	strcpy(pf.name, "bios");
	pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .file = "pxelinux.0" };
	pf.n_bootfiles = 1;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &tmpl), 0);

	strcpy(long_pf.name, "long");
	long_pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY };
	memset(long_pf.bootfiles[0].file, 'b', 200);
	long_pf.n_bootfiles = 1;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &long_pf, &long_tmpl), 0);
}

static void set_relay_ids(struct rb_cfg_device *d, uint32_t giaddr, const char *circuit,
			  const char *remote)
{
	d->relay_giaddr = giaddr;
	d->circuit_id_len = circuit ? (uint8_t)strlen(circuit) : 0;
	d->remote_id_len = remote ? (uint8_t)strlen(remote) : 0;
	memcpy(d->circuit_id, circuit ? circuit : "", d->circuit_id_len);
	memcpy(d->remote_id, remote ? remote : "", d->remote_id_len);
	d->relay_key.giaddr = giaddr;
	d->relay_key.id_hash = rb_relay_id_hash(d->circuit_id, d->circuit_id_len, d->remote_id,
						d->remote_id_len);
}

/* Write the devices' records and reservations the way rackbootd does. */
static void fill_devices(void)
{
	const uint32_t ids[3] = { 0, 0, 1 };
	size_t written;

	memcpy(cfg_devices[0].mac, mac_known, 6);
	cfg_devices[0].ipv4 = test_ip4("10.214.0.50");
	strcpy(cfg_devices[0].hostname, "rack3-node01");

	/* Reserved for port "Gi1/0/9" of relay agent 10.214.0.1, whatever its MAC. */
	memcpy(cfg_devices[1].mac, mac_reserved, 6);
	cfg_devices[1].ipv4 = test_ip4("10.214.0.51");
	strcpy(cfg_devices[1].hostname, "rack3-node02");
	set_relay_ids(&cfg_devices[1], test_ip4("10.214.0.1"), "Gi1/0/9", NULL);

	memcpy(cfg_devices[2].mac, mac_long, 6);
	cfg_devices[2].ipv4 = test_ip4("10.214.0.52");

	for (int i = 0; i < 3; i++) {
		struct rb_mac_key key = { 0 };
		struct rb_device rec = { .client_arch = RB_ARCH_ANY };

		rb_dhcp4_device_fill(&cfg_devices[i], ids[i], &rec);
		memcpy(key.addr, cfg_devices[i].mac, 6);
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec,
						     BPF_ANY), 0);
	}
	/* The MAC index, as the config loader sorts it: the MACs above are in order. */
	config.devices = cfg_devices;
	config.n_devices = 3;
	config.devices_by_mac = by_mac;
	assert_int_equal(rb_xdp_relay_fill(bpf_map__fd(skel->maps.rb_relay_reservations), &config,
					   &written), 0);
	assert_int_equal(written, 1);
}

static void set_link(uint32_t circuit_rate, uint32_t circuit_burst)
{
	struct rb_iface iface = { .mtu = 1500, .enabled = 1, .circuit_rate = circuit_rate,
				  .circuit_burst = circuit_burst };
	uint32_t key = (uint32_t)rlink;

	memcpy(iface.mac, rlink_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &key, &iface, 0), 0);
}

static int setup(void **state)
{
	uint32_t id;
	int err;

	err = test_netns_unshare();
	if (err) {
		fprintf(stderr, "# cannot create a network namespace (%s): needs root\n",
			strerror(-err));
		exit(77);
	}
	if (topology()) {
		fprintf(stderr, "# cannot build the test network: needs ip(8) and veth\n");
		exit(77);
	}
	rlink = (int)if_nametoindex("rlink");
	rother = (int)if_nametoindex("rother");
	assert_int_equal(test_netns_read_mac("rlink", rlink_mac), 0);
	assert_int_equal(test_netns_read_mac("rother", rother_mac), 0);

	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "# cannot load the XDP program (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}

	make_templates();
	id = 0;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_dhcp4_templates), &id, &tmpl,
					     0), 0);
	id = 1;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_dhcp4_templates), &id,
					     &long_tmpl, 0), 0);
	fill_devices();
	set_link(0, 0);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	(void)state;
	return 0;
}

static uint64_t counter(enum rb_xdp_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.rb_xdp_counters), idx, &sum), 0);
	return sum;
}

/* One relayed request: what the client and the relay agent put in it. */
struct relayed_req {
	const uint8_t *mac;
	const char *giaddr;
	const char *ip_dst;		/* NULL: SERVER_LOCAL */
	const char *ip_src;		/* NULL: the relay agent 10.215.0.2 */
	const uint8_t *opts;		/* options after the cookie, with the end option */
	size_t opts_len;
	uint16_t flags;
	uint32_t xid;
};

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Option 82 with circuit-id "Gi1/0/7" or "Gi1/0/9" and remote-id "sw3". */
#define AGENT_PORT7 82, 14, 1, 7, 'G', 'i', '1', '/', '0', '/', '7', 2, 3, 's', 'w', '3'
#define AGENT_PORT9 82, 14, 1, 7, 'G', 'i', '1', '/', '0', '/', '9', 2, 3, 's', 'w', '3'

static uint16_t ip_checksum(const uint8_t *p)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Build the frame the relay agent 10.215.0.2 sends to the server. */
static size_t build_relayed(const struct relayed_req *r, uint8_t *frame, size_t size)
{
	struct test_dhcp4_req req = {
		.xid = htonl(r->xid ? r->xid : 0x5a5a0001),
		.flags = r->flags,
		.giaddr = test_ip4(r->giaddr),
		.ip_src = test_ip4(r->ip_src ? r->ip_src : "10.215.0.2"),
		.opts = r->opts,
		.opts_len = r->opts_len,
		.pad_to = 300,
	};
	uint32_t dst = test_ip4(r->ip_dst ? r->ip_dst : SERVER_LOCAL);
	uint16_t check;
	size_t len;

	memcpy(req.mac, r->mac, 6);
	len = test_dhcp4_frame(&req, frame, size);
	assert_true(len > 0);

	/* A relay agent unicasts from its port 67 to the server's address and MAC. */
	memcpy(frame, rlink_mac, 6);
	memcpy(frame + 6, RELAY_MAC, 6);
	memcpy(frame + 30, &dst, 4);
	frame[24] = frame[25] = 0;
	check = htons(ip_checksum(frame + 14));
	memcpy(frame + 24, &check, 2);
	frame[34] = 0;
	frame[35] = 67;
	return len;
}

/* Run one frame arriving on rlink through the program; returns the verdict. */
static int run_xdp(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	int verdict = test_xdp_run(bpf_program__fd(skel->progs.rb_dhcp4_xdp), (uint32_t)rlink, in,
				   in_len, out, out_len, NULL);

	assert_true(verdict >= 0);
	return verdict;
}

/* Send r through XDP; checks the verdict and that counter grew by one. */
static uint32_t expect_verdict(const struct relayed_req *r, int verdict,
			       enum rb_xdp_counter idx, uint8_t *out, size_t out_size)
{
	uint8_t in[2048];
	uint32_t out_len = (uint32_t)out_size;
	uint64_t before = counter(idx);
	size_t in_len = build_relayed(r, in, sizeof(in));

	assert_int_equal(run_xdp(in, in_len, out, &out_len), verdict);
	assert_int_equal(counter(idx), before + 1);
	return out_len;
}

/*
 * The userspace encoder's reply to the same request for the device
 * cfg_devices[device], as rackbootd builds it for a relayed request:
 * link MTU 0, the reservation search of the config.  Returns the DHCP
 * message length; fills ans.
 */
static size_t userspace_reply(const struct relayed_req *r, size_t device, uint8_t *msg,
			      struct rb_dhcp4_answer *ans)
{
	static struct rb_dhcp4_work work;
	uint8_t in[2048];
	size_t in_len = build_relayed(r, in, sizeof(in));
	const struct rb_cfg_device *by_relay;
	struct rb_device rec = { .client_arch = RB_ARCH_ANY };
	uint32_t circuit_off, circuit_len, remote_off, remote_len;

	assert_int_equal(rb_dhcp4_load(&work, in + TEST_DHCP4_OFF, in_len - TEST_DHCP4_OFF), RB_D4_OK);
	circuit_off = rb_dhcp4_relay_suboption(&work, RB_RELAY_CIRCUIT_ID, &circuit_len);
	remote_off = rb_dhcp4_relay_suboption(&work, RB_RELAY_REMOTE_ID, &remote_len);
	by_relay = rb_config_device_by_relay(&config, work.req.giaddr, &work.in.b[circuit_off],
					     circuit_len, &work.in.b[remote_off], remote_len);
	if (!rb_config_device_by_mac(&config, work.req.chaddr) && by_relay)
		assert_ptr_equal(by_relay, &cfg_devices[device]);

	rb_dhcp4_device_fill(&cfg_devices[device], 0, &rec);
	assert_true(rb_dhcp4_template_has_addr(&tmpl, rb_dhcp4_link_address(&work)));
	assert_int_equal(rb_dhcp4_answer(&work, &tmpl, &rec, 0, ans), 0);
	assert_true(ans->reply_type != 0);
	assert_int_equal(ans->relayed, 1);
	memcpy(msg, work.out.b, ans->len);
	return ans->len;
}

/*
 * Check a reply frame to the relay agent: addresses from the FIB, ports
 * 67 to 67, and the DHCP message equal to the userspace encoder's.
 */
static void check_relay_reply(const struct relayed_req *r, size_t device, const uint8_t *out,
			      uint32_t out_len, const char *next_hop_mac, const uint8_t *src_mac)
{
	uint8_t us[2048];
	struct rb_dhcp4_answer ans;
	size_t us_len = userspace_reply(r, device, us, &ans);
	uint32_t giaddr = test_ip4(r->giaddr), server_id = test_ip4("10.214.0.2");

	assert_memory_equal(out, next_hop_mac, 6);
	assert_memory_equal(out + 6, src_mac, 6);
	assert_memory_equal(out + 26, &server_id, 4);
	assert_memory_equal(out + 30, &giaddr, 4);
	assert_int_equal(out[34] << 8 | out[35], 67);
	assert_int_equal(out[36] << 8 | out[37], 67);
	assert_int_equal(ans.dst_ip, giaddr);

	assert_int_equal(out_len - TEST_DHCP4_OFF, us_len);
	assert_memory_equal(out + TEST_DHCP4_OFF, us, us_len);
	assert_memory_equal(out + TEST_DHCP4_OFF + 24, &giaddr, 4);	/* giaddr kept */
}

/* Check that option 82 of the request is the reply's last option, unchanged. */
static void check_agent_last(const uint8_t *out, uint32_t out_len, const uint8_t *agent,
			     size_t agent_len)
{
	const uint8_t *opt = test_dhcp4_find_option(out, out_len, 82);

	assert_non_null(opt);
	assert_memory_equal(opt, agent, agent_len);
	assert_int_equal(opt[agent_len], 255);
}

static void test_known_mac_tx(void **state)
{
	static const uint8_t agent[] = { AGENT_PORT7 };
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	uint8_t out[4096];
	uint64_t offers = counter(RB_XC_TX_OFFER);
	uint32_t len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));

	check_relay_reply(&r, 0, out, len, RELAY_MAC, rlink_mac);
	check_agent_last(out, len, agent, sizeof(agent));
	assert_int_equal(counter(RB_XC_TX_OFFER), offers + 1);
	(void)state;
}

static void test_broadcast_flag_kept(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1", .flags = 0x8000,
				       .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];
	uint32_t len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));

	check_relay_reply(&r, 0, out, len, RELAY_MAC, rlink_mac);
	assert_int_equal(out[TEST_DHCP4_OFF + 10], 0x80);
	(void)state;
}

/* A NAK to a relay agent gets the broadcast bit (RFC 2131 section 4.3.2). */
static void test_nak_broadcast(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 3, 50, 4, 10, 214, 0, 99, 255) };
	uint8_t out[4096];
	uint32_t len = expect_verdict(&r, XDP_TX, RB_XC_TX_NAK, out, sizeof(out));

	check_relay_reply(&r, 0, out, len, RELAY_MAC, rlink_mac);
	assert_int_equal(out[TEST_DHCP4_OFF + 10], 0x80);
	(void)state;
}

static void test_circuit_reservation(void **state)
{
	static const uint8_t agent[] = { AGENT_PORT9 };
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT9, 255) };
	uint8_t out[4096];
	uint32_t len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	uint32_t yiaddr, reserved = test_ip4("10.214.0.51");
	struct rb_mac_key key = { 0 };
	struct rb_device rec;

	check_relay_reply(&r, 1, out, len, RELAY_MAC, rlink_mac);
	check_agent_last(out, len, agent, sizeof(agent));
	memcpy(&yiaddr, out + TEST_DHCP4_OFF + 16, 4);
	assert_int_equal(yiaddr, reserved);
	assert_memory_equal(out + TEST_DHCP4_OFF + 28, mac_new, 6);	/* chaddr of the request */

	/* The reserved device's record counts the reply; the new MAC gets none. */
	memcpy(key.addr, mac_reserved, 6);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec), 0);
	assert_true(rec.xdp_replies >= 1);
	assert_int_equal(rec.phase, RB_PHASE_OFFERED);
	memcpy(key.addr, mac_new, 6);
	assert_int_not_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec), 0);
	(void)state;
}

/* The same circuit-id from another relay agent matches no reservation. */
static void test_circuit_other_relay(void **state)
{
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.2",
				       .opts = OPTS(53, 1, 1, AGENT_PORT9, 255) };
	uint8_t out[4096];

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_UNKNOWN_MAC, out, sizeof(out));
	(void)state;
}

/* An inventory chaddr on a reserved port keeps its own reservation. */
static void test_known_on_reserved_port(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT9, 255) };
	uint8_t out[4096];
	uint32_t len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));

	check_relay_reply(&r, 0, out, len, RELAY_MAC, rlink_mac);
	(void)state;
}

/* A pool device on a reserved port gets the port's reservation, as in rackbootd. */
static void test_pool_device_on_reserved_port(void **state)
{
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT9, 255) };
	struct rb_device pool_rec = { .ipv4 = test_ip4("10.214.0.60"), .client_arch = RB_ARCH_ANY };
	int fd = bpf_map__fd(skel->maps.rb_devices);
	struct rb_mac_key key = { 0 };
	uint8_t out[4096];
	uint32_t len, yiaddr;

	memcpy(key.addr, mac_new, 6);
	assert_int_equal(bpf_map_update_elem(fd, &key, &pool_rec, BPF_NOEXIST), 0);
	len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	assert_int_equal(bpf_map_delete_elem(fd, &key), 0);

	check_relay_reply(&r, 1, out, len, RELAY_MAC, rlink_mac);
	memcpy(&yiaddr, out + TEST_DHCP4_OFF + 16, 4);
	assert_int_equal(yiaddr, test_ip4("10.214.0.51"));
	(void)state;
}

/* A reservation whose key collides with the request's but names other IDs. */
static void test_reservation_collision(void **state)
{
	struct rb_cfg_device other = { 0 };
	struct rb_relay_reservation res = { 0 };
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	int fd = bpf_map__fd(skel->maps.rb_relay_reservations);
	uint8_t out[4096];

	set_relay_ids(&other, test_ip4("10.214.0.1"), "Gi1/0/7", NULL);
	memcpy(res.mac, mac_reserved, 6);
	res.circuit_id_len = 7;
	memcpy(res.circuit_id, "Gi1/0/8", 7);
	assert_int_equal(bpf_map_update_elem(fd, &other.relay_key, &res, BPF_NOEXIST), 0);

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_RELAY_AMBIGUOUS, out, sizeof(out));
	assert_int_equal(bpf_map_delete_elem(fd, &other.relay_key), 0);
	(void)state;
}

static void test_unknown_passes(void **state)
{
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	uint8_t out[4096];

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_UNKNOWN_MAC, out, sizeof(out));
	(void)state;
}

/*
 * A relayed DISCOVER from an unknown MAC on a link whose subnet has a
 * pool in rb_relay_pools binds the queue's address and gets its OFFER
 * here, with the bind event's counter.
 */
static void test_unknown_binds_relay_pool(void **state)
{
	const struct relayed_req r = { .mac = mac_new, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	struct rb_relay_pool_key link = { .prefixlen = 24, .addr = test_ip4("10.214.0.0") };
	struct rb_relay_pool pool = { .pool_id = 1, .pool_template = 0 };
	int pools_fd = bpf_map__fd(skel->maps.rb_relay_pools);
	int queues_fd = bpf_map__fd(skel->maps.rb_pool_queues);
	int devices_fd = bpf_map__fd(skel->maps.rb_devices);
	uint32_t slot = 0, addr = test_ip4("10.214.0.77"), yiaddr, len;
	uint64_t binds = counter(RB_XC_POOL_BIND);
	struct rb_mac_key key = { 0 };
	const uint8_t *type;
	struct rb_device rec;
	uint8_t out[4096];
	int queue_fd;

	queue_fd = bpf_map_create(BPF_MAP_TYPE_QUEUE, "test_relay_q", 0, sizeof(uint32_t),
				  RB_POOL_QUEUE_MAX, NULL);
	assert_true(queue_fd >= 0);
	assert_int_equal(bpf_map_update_elem(queue_fd, NULL, &addr, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(queues_fd, &slot, &queue_fd, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(pools_fd, &link, &pool, BPF_ANY), 0);

	len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	assert_int_equal(counter(RB_XC_POOL_BIND), binds + 1);
	type = test_dhcp4_find_option(out, len, 53);
	assert_non_null(type);
	assert_int_equal(type[2], RB_DHCPOFFER);
	memcpy(&yiaddr, out + TEST_DHCP4_OFF + 16, 4);
	assert_int_equal(yiaddr, addr);
	memcpy(key.addr, mac_new, 6);
	assert_int_equal(bpf_map_lookup_elem(devices_fd, &key, &rec), 0);
	assert_int_equal(rec.ipv4, addr);

	/* The queue is empty now: the next unknown device goes up. */
	assert_int_equal(bpf_map_delete_elem(devices_fd, &key), 0);
	expect_verdict(&r, XDP_PASS, RB_XC_PASS_POOL_EMPTY, out, sizeof(out));

	assert_int_equal(bpf_map_delete_elem(pools_fd, &link), 0);
	assert_int_equal(bpf_map_delete_elem(queues_fd, &slot), 0);
	close(queue_fd);
	(void)state;
}

static void test_fib_no_neigh(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.193",
				       .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_FIB_NO_NEIGH, out, sizeof(out));
	(void)state;
}

/*
 * An agent on the ingress link without a neighbour entry, that sent the
 * request from giaddr itself, gets the reply at the request's source MAC.
 */
static void test_no_neigh_agent_on_link(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.215.0.9",
				       .ip_src = "10.215.0.9",
				       .opts = OPTS(53, 1, 1, 82, 6, 5, 4, 10, 214, 0, 0, 255) };
	uint64_t no_neigh = counter(RB_XC_TX_RELAY_NO_NEIGH);
	uint8_t out[4096];
	uint32_t len;

	len = expect_verdict(&r, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	assert_int_equal(counter(RB_XC_TX_RELAY_NO_NEIGH), no_neigh + 1);
	check_relay_reply(&r, 0, out, len, RELAY_MAC, rlink_mac);
	(void)state;
}

static void test_redirect(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.129",
				       .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];
	uint32_t len = expect_verdict(&r, XDP_REDIRECT, RB_XC_REDIRECT_RELAY, out, sizeof(out));

	check_relay_reply(&r, 0, out, len, ROUTER_MAC, rother_mac);
	(void)state;
}

static void test_fwd_disabled(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];

	assert_int_equal(test_netns_sh("echo 0 > /proc/sys/net/ipv4/conf/rlink/forwarding"), 0);
	expect_verdict(&r, XDP_PASS, RB_XC_PASS_FIB_FWD_DISABLED, out, sizeof(out));
	assert_int_equal(test_netns_sh("echo 1 > /proc/sys/net/ipv4/conf/rlink/forwarding"), 0);
	(void)state;
}

/* Sent to an address routed on through rother: not this host's request. */
static void test_not_local(void **state)
{
	const struct relayed_req r = { .mac = mac_known, .giaddr = "10.214.0.1",
				       .ip_dst = "10.216.0.9", .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_RELAY_NOT_LOCAL, out, sizeof(out));
	(void)state;
}

/* Option 118 names a link outside the device's subnet; sub-option 5 one inside. */
static void test_link_selection(void **state)
{
	const struct relayed_req other_link = {
		.mac = mac_known, .giaddr = "10.214.0.1",
		.opts = OPTS(53, 1, 1, 118, 4, 10, 99, 0, 0, 255),
	};
	const struct relayed_req sub5 = {
		.mac = mac_known, .giaddr = "10.215.0.2",
		.opts = OPTS(53, 1, 1, 82, 6, 5, 4, 10, 214, 0, 0, 255),
	};
	uint8_t out[4096];
	uint32_t len;

	expect_verdict(&other_link, XDP_PASS, RB_XC_PASS_RELAY_LINK, out, sizeof(out));
	len = expect_verdict(&sub5, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	check_relay_reply(&sub5, 0, out, len, RELAY_MAC, rlink_mac);
	(void)state;
}

static void test_long_bootfile_slow_reply(void **state)
{
	const struct relayed_req r = { .mac = mac_long, .giaddr = "10.214.0.1",
				       .opts = OPTS(53, 1, 1, 255) };
	uint8_t out[4096];

	expect_verdict(&r, XDP_PASS, RB_XC_PASS_SLOW_REPLY, out, sizeof(out));
	(void)state;
}

#define CIRCUIT_RATE	10	/* requests per second */
#define CIRCUIT_BURST	3
#define CIRCUIT_FRAMES	20

static int circuit_setup(void **state)
{
	set_link(CIRCUIT_RATE, CIRCUIT_BURST);
	(void)state;
	return 0;
}

static int circuit_teardown(void **state)
{
	set_link(0, 0);
	(void)state;
	return 0;
}

/*
 * A DISCOVER flood with random MACs behind port "Gi1/0/7" is limited to
 * the circuit's burst plus refill; port "Gi1/0/8" of the same relay agent
 * and the known device still get through.
 */
static void test_circuit_bucket(void **state)
{
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xc1, 0x00, 0x00 };
	uint64_t drops = counter(RB_XC_DROP_RELAY_CIRCUIT);
	struct relayed_req r = { .mac = mac, .giaddr = "10.214.0.1",
				 .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	const struct relayed_req other_port = {
		.mac = mac, .giaddr = "10.214.0.1",
		.opts = OPTS(53, 1, 1, 82, 9, 1, 7, 'G', 'i', '1', '/', '0', '/', '8', 255),
	};
	const struct relayed_req known = { .mac = mac_known, .giaddr = "10.214.0.1",
					   .opts = OPTS(53, 1, 1, AGENT_PORT7, 255) };
	uint8_t in[2048], out[4096];
	int passed = 0, dropped = 0;

	for (int i = 0; i < CIRCUIT_FRAMES; i++) {
		uint32_t out_len = sizeof(out);
		size_t in_len;
		int verdict;

		mac[5] = (uint8_t)i;
		r.xid = 0x7000 + (uint32_t)i;
		in_len = build_relayed(&r, in, sizeof(in));
		verdict = run_xdp(in, in_len, out, &out_len);
		if (i < CIRCUIT_BURST)
			assert_int_equal(verdict, XDP_PASS);
		passed += verdict == XDP_PASS;
		dropped += verdict == XDP_DROP;
		expect_verdict(&known, XDP_TX, RB_XC_TX_RELAY, out, sizeof(out));
	}
	print_message("# circuit flood: %d passed, %d dropped\n", passed, dropped);
	assert_true(passed < CIRCUIT_BURST + 3);
	assert_int_equal(passed + dropped, CIRCUIT_FRAMES);
	assert_int_equal(counter(RB_XC_DROP_RELAY_CIRCUIT), drops + (uint64_t)dropped);

	mac[5] = 0xff;
	expect_verdict(&other_port, XDP_PASS, RB_XC_PASS_UNKNOWN_MAC, out, sizeof(out));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_mac_tx),
		cmocka_unit_test(test_broadcast_flag_kept),
		cmocka_unit_test(test_nak_broadcast),
		cmocka_unit_test(test_circuit_reservation),
		cmocka_unit_test(test_circuit_other_relay),
		cmocka_unit_test(test_known_on_reserved_port),
		cmocka_unit_test(test_pool_device_on_reserved_port),
		cmocka_unit_test(test_reservation_collision),
		cmocka_unit_test(test_unknown_passes),
		cmocka_unit_test(test_unknown_binds_relay_pool),
		cmocka_unit_test(test_fib_no_neigh),
		cmocka_unit_test(test_no_neigh_agent_on_link),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_fwd_disabled),
		cmocka_unit_test(test_not_local),
		cmocka_unit_test(test_link_selection),
		cmocka_unit_test(test_long_bootfile_slow_reply),
		cmocka_unit_test_setup_teardown(test_circuit_bucket, circuit_setup, circuit_teardown),
	};

	return cmocka_run_group_tests_name("dhcp4_relay_xdp", tests, setup, teardown);
}
