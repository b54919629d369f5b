// SPDX-License-Identifier: MIT
/*
 * rb-xdp-cost: the cost of one packet in the DHCPv4 XDP program, per
 * path, measured with BPF_PROG_TEST_RUN.
 *
 *   rb-xdp-cost [RUNS]
 *
 * Each path runs RUNS times (default 20,000) with one repetition per
 * test run, because a repetition would see the reply that the one
 * before it wrote into the frame.  The kernel's own timing of each run
 * (bpf_test_run_opts.duration, in ns) is kept, and the median and the
 * mean are printed.  First come the verifier's figures for the program
 * (instructions processed, translated and JIT-compiled sizes), then the
 * timing of a program that only returns XDP_PASS: the floor that the
 * test run itself costs.
 *
 * The maps hold what the DHCPv4 benchmark's server has, plus a host name,
 * domain and TFTP server name: one subnet with options 1, 3, 6, 12, 15,
 * 51, 54, 58, 59, 66 and 67.  The paths are:
 *   known DISCOVER   inventory device, parameter list 1, 3, 6, 51
 *   known REQUEST    inventory device, SELECTING, no parameter list
 *   dhclient DISCOVER  inventory device, ISC dhclient's parameter list
 *   pool bind DISCOVER a new MAC on every run, which pops a pool address
 *   relayed DISCOVER inventory device, giaddr set, option 82
 *
 * The process moves into a network namespace of its own (for the relay
 * path's FIB lookups), which the kernel removes with its veth pair when
 * the process exits.  Needs root.  Exits 1 when a path does not give
 * the expected verdict, so that a broken fast path is not timed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dhcp4.skel.h"
#include "xdp_pass.skel.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/netns_unshare.h"
#include "lib/xdp_run.h"

#define DEFAULT_RUNS	20000
#define MAX_RUNS	100000
#define FRAME_MAX	2048

#define LINK		"xcost0"
#define LINK_PEER	"xcost1"
#define SERVER_IP	"10.200.0.1"
#define RELAY_IP	"10.200.0.254"	/* giaddr, on the link */

static const uint8_t mac_known[6] = { 0x52, 0x54, 0x00, 0x21, 0x40, 0x01 };

static struct dhcp4_bpf *skel;
static int link_ifindex;
static uint8_t link_mac[6];
static uint64_t durations[MAX_RUNS];

/* A veth link with the server address and a permanent neighbour entry for the relay agent. */
static int make_link(void)
{
	int err = test_netns_unshare();

	if (err) {
		fprintf(stderr, "rb-xdp-cost: cannot create a network namespace: %s (run as root)\n",
			strerror(-err));
		return -1;
	}
	if (test_netns_sh("ip link set lo up") ||
	    test_netns_veth(LINK, LINK_PEER, SERVER_IP "/14") ||
	    test_netns_sh("ip neigh replace " RELAY_IP " lladdr 02:00:00:00:02:02 dev " LINK
			  " nud permanent") ||
	    test_netns_sh("echo 1 > /proc/sys/net/ipv4/conf/" LINK "/forwarding"))
		return -1;
	link_ifindex = (int)if_nametoindex(LINK);

	err = test_netns_read_mac(LINK, link_mac);
	if (err) {
		fprintf(stderr, "rb-xdp-cost: cannot read the MAC address of %s: %s\n", LINK,
			strerror(-err));
		return -1;
	}
	return 0;
}

/* The benchmark's subnet and profile, with a host name, domain and TFTP server name added. */
static int fill_maps(uint32_t pool_size)
{
	struct rb_cfg_subnet sn = { 0 };
	struct rb_cfg_profile pf = { 0 };
	struct rb_cfg_device cd = { 0 };
	static struct rb_dhcp4_template tmpl;
	struct rb_device rec = { .client_arch = RB_ARCH_ANY };
	struct rb_iface iface = { .mtu = 1500, .enabled = 1, .pool_id = 1, .pool_template = 0 };
	struct rb_mac_key key = { 0 };
	uint32_t id = 0, slot = 0, ifindex = (uint32_t)link_ifindex, addr, i;
	int queue;

	strcpy(sn.name, "bench");
	sn.prefix = test_ip4("10.200.0.0");
	sn.prefix_len = 14;
	sn.server_id = test_ip4(SERVER_IP);
	sn.lease_time = 3600;
	sn.routers.addr[0] = test_ip4(SERVER_IP);
	sn.routers.count = 1;
	sn.dns_servers.addr[0] = test_ip4(SERVER_IP);
	sn.dns_servers.count = 1;
	strcpy(sn.domain_name, "bench.test");
	strcpy(sn.tftp_server_name, SERVER_IP);
	strcpy(pf.name, "linux");
	pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .file = "pxelinux.0" };
	pf.n_bootfiles = 1;
	if (rb_dhcp4_template_encode(&sn, &pf, &tmpl))
		return -1;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rb_dhcp4_templates), &id, &tmpl, 0))
		return -1;

	memcpy(cd.mac, mac_known, 6);
	cd.ipv4 = test_ip4("10.200.0.10");
	strcpy(cd.hostname, "rack1-node01");
	rb_dhcp4_device_fill(&cd, 0, &rec);
	memcpy(key.addr, mac_known, 6);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rb_devices), &key, &rec, 0))
		return -1;

	memcpy(iface.mac, link_mac, 6);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &ifindex, &iface, 0))
		return -1;

	queue = bpf_map_create(BPF_MAP_TYPE_QUEUE, "rb_pool_queue", 0, sizeof(uint32_t),
			       RB_POOL_QUEUE_MAX, NULL);
	if (queue < 0)
		return -1;
	for (i = 0; i < pool_size; i++) {
		addr = htonl(ntohl(test_ip4("10.200.1.0")) + i);
		if (bpf_map_update_elem(queue, NULL, &addr, 0))
			return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rb_pool_queues), &slot, &queue, 0))
		return -1;
	return 0;
}

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* One request shape to time. */
struct cost_path {
	const char *name;
	const uint8_t *opts;
	size_t opts_len;
	size_t pad_to;		/* DHCP message length */
	int relayed;
	int new_mac;		/* a new MAC on each run: the pool bind path */
	int verdict;
};

static const struct cost_path paths[] = {
	{ "known DISCOVER", OPTS(53, 1, 1, 55, 4, 1, 3, 6, 51, 255), 300, 0, 0, XDP_TX },
	{ "known REQUEST", OPTS(53, 1, 3, 0, 50, 4, 10, 200, 0, 10, 54, 4, 10, 200, 0, 1, 255),
	  260, 0, 0, XDP_TX },
	{ "dhclient DISCOVER",
	  OPTS(53, 1, 1, 55, 11, 1, 28, 2, 3, 15, 6, 12, 66, 67, 4, 7, 255), 300, 0, 0, XDP_TX },
	{ "pool bind DISCOVER", OPTS(53, 1, 1, 55, 4, 1, 3, 6, 51, 255), 300, 0, 1, XDP_TX },
	{ "relayed DISCOVER",
	  OPTS(53, 1, 1, 55, 4, 1, 3, 6, 51, 82, 9, 1, 7, 'G', 'i', '1', '/', '0', '/', '7', 255),
	  300, 1, 0, XDP_TX },
};

static size_t build_frame(const struct cost_path *p, uint8_t *frame)
{
	struct test_dhcp4_req req = {
		.xid = htonl(0x5a5a0001),
		.flags = p->relayed ? 0 : 0x8000,
		.opts = p->opts,
		.opts_len = p->opts_len,
		.pad_to = p->pad_to,
	};
	uint32_t dst = test_ip4(SERVER_IP);
	size_t len;

	memcpy(req.mac, mac_known, 6);
	if (p->relayed)
		req.giaddr = test_ip4(RELAY_IP);
	len = test_dhcp4_frame(&req, frame, FRAME_MAX);
	if (!p->relayed || len == 0)
		return len;

	/* A relay agent unicasts from its port 67 to the server; the program ignores the IP checksum. */
	memcpy(frame, link_mac, 6);
	memcpy(frame + 26, &req.giaddr, 4);
	memcpy(frame + 30, &dst, 4);
	frame[34] = 0;
	frame[35] = 67;
	return len;
}

/* Run prog once on the frame; returns the verdict or -errno, and sets *ns. */
static int run_once(int prog, const uint8_t *frame, size_t len, uint64_t *ns)
{
	static uint8_t out[FRAME_MAX];
	uint32_t out_len = sizeof(out), duration = 0;
	int verdict;

	verdict = test_xdp_run(prog, (uint32_t)link_ifindex, frame, len, out, &out_len, &duration);
	*ns = duration;
	return verdict;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, uint32_t runs)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < runs; i++)
		sum += durations[i];
	qsort(durations, runs, sizeof(durations[0]), cmp_u64);
	printf("%-20s median %5llu ns  mean %5llu ns  p90 %5llu ns  (%u runs)\n", name,
	       (unsigned long long)durations[runs / 2], (unsigned long long)(sum / runs),
	       (unsigned long long)durations[runs * 9 / 10], runs);
}

static int drain_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

static int time_path(const struct cost_path *p, uint32_t runs, struct ring_buffer *events)
{
	int prog = bpf_program__fd(skel->progs.rb_dhcp4_xdp);
	uint8_t frame[FRAME_MAX];
	size_t len = build_frame(p, frame);
	uint32_t i;
	int verdict;

	if (len == 0)
		return -1;
	for (i = 0; i < runs; i++) {
		if (p->new_mac) {
			/* 02:62:00:xx:xx:xx in the source MAC and chaddr. */
			uint8_t mac[6] = { 0x02, 0x62, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
					   (uint8_t)i };

			memcpy(frame + 6, mac, 6);
			memcpy(frame + TEST_DHCP4_OFF + 28, mac, 6);
		}
		verdict = run_once(prog, frame, len, &durations[i]);
		if (verdict != p->verdict) {
			fprintf(stderr, "rb-xdp-cost: %s: verdict %d on run %u, expected %d\n",
				p->name, verdict, i, p->verdict);
			return -1;
		}
		if ((i & 1023) == 0)
			ring_buffer__consume(events);
	}
	ring_buffer__consume(events);
	report(p->name, runs);
	return 0;
}

static int time_floor(uint32_t runs)
{
	struct xdp_pass_bpf *pass = xdp_pass_bpf__open_and_load();
	uint8_t frame[FRAME_MAX];
	size_t len = build_frame(&paths[0], frame);
	uint32_t i;
	int prog;

	if (!pass)
		return -1;
	prog = bpf_program__fd(pass->progs.xdp_pass);
	for (i = 0; i < runs; i++) {
		if (run_once(prog, frame, len, &durations[i]) != XDP_PASS) {
			xdp_pass_bpf__destroy(pass);
			return -1;
		}
	}
	report("XDP_PASS floor", runs);
	xdp_pass_bpf__destroy(pass);
	return 0;
}

static void print_prog_info(void)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.rb_dhcp4_xdp), &info, &len))
		return;
	printf("rb_dhcp4_xdp: verified insns %u, xlated %u bytes, jited %u bytes\n",
	       info.verified_insns, info.xlated_prog_len, info.jited_prog_len);
}

int main(int argc, char **argv)
{
	struct ring_buffer *events;
	uint32_t runs = DEFAULT_RUNS;
	size_t i;
	int ret = 0;

	if (argc > 1) {
		runs = (uint32_t)strtoul(argv[1], NULL, 10);
		if (runs == 0 || runs > MAX_RUNS) {
			fprintf(stderr, "rb-xdp-cost: invalid run count '%s': use 1 to %d\n",
				argv[1], MAX_RUNS);
			return 2;
		}
	}
	if (make_link())
		return 1;

	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "rb-xdp-cost: cannot load the DHCPv4 XDP program: %s\n",
			strerror(errno));
		return 1;
	}
	if (fill_maps(runs)) {
		fprintf(stderr, "rb-xdp-cost: cannot fill the maps: %s\n", strerror(errno));
		dhcp4_bpf__destroy(skel);
		return 1;
	}
	events = ring_buffer__new(bpf_map__fd(skel->maps.rb_events), drain_event, NULL, NULL);
	if (!events) {
		dhcp4_bpf__destroy(skel);
		return 1;
	}

	print_prog_info();
	if (time_floor(runs))
		ret = 1;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && ret == 0; i++) {
		if (time_path(&paths[i], runs, events))
			ret = 1;
	}

	ring_buffer__free(events);
	dhcp4_bpf__destroy(skel);
	return ret;
}
