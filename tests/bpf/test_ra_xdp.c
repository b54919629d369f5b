// SPDX-License-Identifier: MIT
/*
 * The Router Solicitation handler of the XDP program under
 * BPF_PROG_TEST_RUN.  An RS gets the template's RA with a valid ICMPv6
 * checksum, and an RS from :: gets it at ff02::1.  Malformed
 * solicitations and links without a template are passed up and counted.
 * Solicitations over the link's reply rate are passed up.
 *
 * Needs root (loading BPF); exits 77 (skipped) when the kernel refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "dhcp4.skel.h"
#include "lib/xdp_run.h"
#include "ra/ra_template.h"

#define LO_IFINDEX	1
#define ETH_LEN		14
#define IP6_LEN		40
#define ICMP_OFF	(ETH_LEN + IP6_LEN)

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x11 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static struct dhcp4_bpf *skel;
static struct rb_ra_template tmpl;
static struct in6_addr client_ll, server_ll, unspecified, all_nodes, all_routers;

static struct in6_addr addr6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

/* Router lifetime 1800 s, M and O, MTU, two prefixes and two RDNSS addresses. */
static void make_template(void)
{
	struct rb_cfg_ra cfg = { 0 };

	strcpy(cfg.interface, "lo");
	cfg.router_lifetime = 1800;
	cfg.reachable_time = 30000;
	cfg.retrans_timer = 1000;
	cfg.cur_hop_limit = 64;
	cfg.managed = true;
	cfg.other = true;
	cfg.mtu = 1500;
	cfg.prefixes[0] = (struct rb_cfg_ra_prefix){ .prefix = addr6("fd00:213::"), .prefix_len = 64,
						     .on_link = true, .valid_lifetime = 2592000,
						     .preferred_lifetime = 604800 };
	cfg.prefixes[1] = (struct rb_cfg_ra_prefix){ .prefix = addr6("fd00:214::"), .prefix_len = 64,
						     .autonomous = true, .valid_lifetime = 7200,
						     .preferred_lifetime = 3600 };
	cfg.n_prefixes = 2;
	cfg.rdnss.addr[0] = addr6("fd00:213::1");
	cfg.rdnss.addr[1] = addr6("fd00:213::2");
	cfg.rdnss.count = 2;
	cfg.rdnss_lifetime = 1800;

	assert_int_equal(rb_ra_template_fill(&cfg, server_mac, &server_ll, &tmpl), 0);
}

static void template_put(const struct rb_ra_template *t)
{
	uint32_t ifindex = LO_IFINDEX;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ra_templates), &ifindex, t, 0), 0);
}

static int setup(void **state)
{
	libbpf_set_print(NULL);
	skel = dhcp4_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "# cannot load the XDP program (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}

	client_ll = addr6("fe80::5054:ff:fe21:3011");
	server_ll = addr6("fe80::1");
	unspecified = addr6("::");
	all_nodes = addr6("ff02::1");
	all_routers = addr6("ff02::2");
	make_template();
	template_put(&tmpl);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	(void)state;
	return 0;
}

/* Fields of a Router Solicitation frame that the cases vary. */
struct rs_spec {
	const struct in6_addr *src;
	uint8_t hop_limit;
	uint8_t code;
	const uint8_t *options;	/* raw option bytes after the RS header */
	size_t options_len;
	int payload_delta;	/* added to the IPv6 payload length, to break it */
};

/* Build the frame and return its length. */
static size_t rs_frame(const struct rs_spec *s, uint8_t *out)
{
	size_t icmp_len = RB_RS_HDR_LEN + s->options_len;
	uint16_t plen = htons((uint16_t)((int)icmp_len + s->payload_delta));

	memset(out, 0, ICMP_OFF + icmp_len);
	memcpy(out, "\x33\x33\x00\x00\x00\x02", 6);
	memcpy(out + 6, client_mac, 6);
	out[12] = 0x86;
	out[13] = 0xdd;

	out[ETH_LEN] = 0x60;
	memcpy(out + ETH_LEN + 4, &plen, 2);
	out[ETH_LEN + 6] = IPPROTO_ICMPV6;
	out[ETH_LEN + 7] = s->hop_limit;
	memcpy(out + ETH_LEN + 8, s->src, 16);
	memcpy(out + ETH_LEN + 24, &all_routers, 16);

	out[ICMP_OFF] = RB_ND_ROUTER_SOLICIT;
	out[ICMP_OFF + 1] = s->code;
	memcpy(out + ICMP_OFF + RB_RS_HDR_LEN, s->options, s->options_len);
	return ICMP_OFF + icmp_len;
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

/* Compute the ICMPv6 checksum over pseudo-header and message, which is 0 for a valid one. */
static uint16_t icmp6_verify(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < 32; i += 2)
		sum += (uint32_t)(ip6[8 + i] << 8 | ip6[8 + i + 1]);
	sum += (uint32_t)len;
	sum += IPPROTO_ICMPV6;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(icmp[i] << 8 | (i + 1 < len ? icmp[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Check every byte of the RA that the program wrote for an RS. */
static void check_ra(const uint8_t *out, uint32_t out_len, const uint8_t dst_mac[6],
		     const struct in6_addr *dst)
{
	uint8_t body[RB_RA_BODY_MAX];

	assert_int_equal(out_len, ICMP_OFF + tmpl.body_len);
	assert_memory_equal(out, dst_mac, 6);
	assert_memory_equal(out + 6, server_mac, 6);
	assert_int_equal(out[12], 0x86);
	assert_int_equal(out[13], 0xdd);

	assert_int_equal(out[ETH_LEN], 0x60);
	assert_int_equal(out[ETH_LEN + 1] | out[ETH_LEN + 2] | out[ETH_LEN + 3], 0);
	assert_int_equal(out[ETH_LEN + 4] << 8 | out[ETH_LEN + 5], tmpl.body_len);
	assert_int_equal(out[ETH_LEN + 6], IPPROTO_ICMPV6);
	assert_int_equal(out[ETH_LEN + 7], 255);
	assert_memory_equal(out + ETH_LEN + 8, &server_ll, 16);
	assert_memory_equal(out + ETH_LEN + 24, dst, 16);

	/* The body is the template's, apart from the checksum. */
	memcpy(body, out + ICMP_OFF, tmpl.body_len);
	assert_int_not_equal(body[RB_RA_CHECKSUM] | body[RB_RA_CHECKSUM + 1], 0);
	body[RB_RA_CHECKSUM] = 0;
	body[RB_RA_CHECKSUM + 1] = 0;
	assert_memory_equal(body, tmpl.body, tmpl.body_len);
	assert_int_equal(icmp6_verify(out + ETH_LEN, out + ICMP_OFF, tmpl.body_len), 0);
}

static void test_rs_unicast_reply(void **state)
{
	const uint8_t sll[8] = { RB_ND_OPT_SOURCE_LL, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 0x11 };
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255, .options = sll,
			     .options_len = sizeof(sll) };
	uint8_t in[256], out[1024];
	uint32_t out_len = sizeof(out);
	uint64_t tx = counter(RB_XC_TX_RA);
	size_t len = rs_frame(&s, in);

	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_TX);
	check_ra(out, out_len, client_mac, &client_ll);
	assert_int_equal(counter(RB_XC_TX_RA), tx + 1);
	(void)state;
}

static void test_rs_unspecified_to_all_nodes(void **state)
{
	const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct rs_spec s = { .src = &unspecified, .hop_limit = 255 };
	uint8_t in[256], out[1024];
	uint32_t out_len = sizeof(out);
	uint64_t tx = counter(RB_XC_TX_RA);
	size_t len = rs_frame(&s, in);

	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_TX);
	check_ra(out, out_len, all_nodes_mac, &all_nodes);
	assert_int_equal(counter(RB_XC_TX_RA), tx + 1);
	(void)state;
}

/* Ethernet padding after a short RS must not count as options. */
static void test_rs_padded_frame(void **state)
{
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255 };
	uint8_t in[256] = { 0 }, out[1024];
	uint32_t out_len = sizeof(out);
	size_t len = rs_frame(&s, in);

	memset(in + len, 0, 8);
	assert_int_equal(run_xdp(in, len + 8, out, &out_len), XDP_TX);
	check_ra(out, out_len, client_mac, &client_ll);
	(void)state;
}

struct malformed_case {
	const char *description;
	struct rs_spec spec;
};

static void test_rs_malformed(void **state)
{
	static const uint8_t sll[8] = { RB_ND_OPT_SOURCE_LL, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 0x11 };
	static const uint8_t zero_len[8] = { 14, 0, 1, 2, 3, 4, 5, 6 };
	static const uint8_t past_end[8] = { 14, 2, 1, 2, 3, 4, 5, 6 };
	static const uint8_t half_option[1] = { 14 };
	const struct malformed_case cases[] = {
		{ "hop limit 254", { .src = &client_ll, .hop_limit = 254 } },
		{ "ICMP code 1", { .src = &client_ll, .hop_limit = 255, .code = 1 } },
		{ "zero-length option",
		  { .src = &client_ll, .hop_limit = 255, .options = zero_len, .options_len = 8 } },
		{ "option past the end",
		  { .src = &client_ll, .hop_limit = 255, .options = past_end, .options_len = 8 } },
		{ "option header cut off",
		  { .src = &client_ll, .hop_limit = 255, .options = half_option, .options_len = 1 } },
		{ "source link-layer option from ::",
		  { .src = &unspecified, .hop_limit = 255, .options = sll, .options_len = 8 } },
		{ "ICMP length below 8", { .src = &client_ll, .hop_limit = 255, .payload_delta = -1 } },
		{ "payload longer than the frame",
		  { .src = &client_ll, .hop_limit = 255, .payload_delta = 8 } },
		{ "multicast source", { .src = &all_nodes, .hop_limit = 255 } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t in[256], out[1024];
		uint32_t out_len = sizeof(out);
		uint64_t malformed = counter(RB_XC_MALFORMED_RS), tx = counter(RB_XC_TX_RA);
		size_t len = rs_frame(&cases[i].spec, in);

		print_message("# %s\n", cases[i].description);
		assert_int_equal(run_xdp(in, len, out, &out_len), XDP_PASS);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, in, len);
		assert_int_equal(counter(RB_XC_MALFORMED_RS), malformed + 1);
		assert_int_equal(counter(RB_XC_TX_RA), tx);
	}
	(void)state;
}

static void test_rs_no_template(void **state)
{
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255 };
	uint32_t ifindex = LO_IFINDEX;
	uint8_t in[256], out[1024];
	uint32_t out_len = sizeof(out);
	uint64_t none = counter(RB_XC_PASS_RA_NO_TEMPLATE), tx = counter(RB_XC_TX_RA);
	size_t len = rs_frame(&s, in);

	assert_int_equal(bpf_map_delete_elem(bpf_map__fd(skel->maps.rb_ra_templates), &ifindex), 0);
	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_PASS);
	template_put(&tmpl);

	assert_int_equal(out_len, len);
	assert_int_equal(counter(RB_XC_PASS_RA_NO_TEMPLATE), none + 1);
	assert_int_equal(counter(RB_XC_TX_RA), tx);
	(void)state;
}

/*
 * A bucket of 2 RAs refilled at 1 per second: two solicitations in a row
 * get an RA each, and the third, well within the second, is passed up.
 */
static void test_rs_over_rate(void **state)
{
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255 };
	struct rb_ra_template limited = tmpl;
	uint8_t in[256], out[1024];
	uint32_t out_len;
	uint64_t tx = counter(RB_XC_TX_RA), rate = counter(RB_XC_PASS_RA_RATE);
	size_t len = rs_frame(&s, in);
	int verdicts[3];

	limited.reply_rate = 1;
	limited.reply_burst = 2;
	template_put(&limited);
	for (int i = 0; i < 3; i++) {
		out_len = sizeof(out);
		verdicts[i] = run_xdp(in, len, out, &out_len);
	}
	template_put(&tmpl);

	assert_int_equal(verdicts[0], XDP_TX);
	assert_int_equal(verdicts[1], XDP_TX);
	assert_int_equal(verdicts[2], XDP_PASS);
	assert_int_equal(out_len, len);
	assert_int_equal(counter(RB_XC_TX_RA), tx + 2);
	assert_int_equal(counter(RB_XC_PASS_RA_RATE), rate + 1);
	(void)state;
}

/*
 * An RS with one option more than the walk takes (RB_RS_MAX_OPTIONS, 16)
 * is passed up unchecked and counted; one with exactly 16 gets an RA.
 */
static void test_rs_too_many_options(void **state)
{
	uint8_t options[17 * 8] = { 0 };
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255, .options = options };
	uint8_t in[512], out[1024];
	uint32_t out_len = sizeof(out);
	uint64_t many = counter(RB_XC_PASS_RS_OPTIONS), tx = counter(RB_XC_TX_RA);
	uint64_t malformed = counter(RB_XC_MALFORMED_RS);
	size_t len;

	/* Option type 200 (unknown, skipped), length 1 unit of 8 bytes, each. */
	for (int i = 0; i < 17; i++) {
		options[i * 8] = 200;
		options[i * 8 + 1] = 1;
	}

	s.options_len = 16 * 8;
	len = rs_frame(&s, in);
	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_TX);
	assert_int_equal(counter(RB_XC_TX_RA), tx + 1);

	s.options_len = 17 * 8;
	len = rs_frame(&s, in);
	out_len = sizeof(out);
	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_PASS);
	assert_int_equal(out_len, len);
	assert_int_equal(counter(RB_XC_PASS_RS_OPTIONS), many + 1);
	assert_int_equal(counter(RB_XC_TX_RA), tx + 1);
	assert_int_equal(counter(RB_XC_MALFORMED_RS), malformed);
	(void)state;
}

/* Another ICMPv6 type does not reach the RS handler. */
static void test_neighbor_solicit_passed(void **state)
{
	struct rs_spec s = { .src = &client_ll, .hop_limit = 255 };
	uint8_t in[256], out[1024];
	uint32_t out_len = sizeof(out);
	uint64_t other = counter(RB_XC_PASS_IPV6_OTHER), malformed = counter(RB_XC_MALFORMED_RS);
	size_t len = rs_frame(&s, in);

	in[ICMP_OFF] = 135;
	assert_int_equal(run_xdp(in, len, out, &out_len), XDP_PASS);
	assert_int_equal(counter(RB_XC_PASS_IPV6_OTHER), other + 1);
	assert_int_equal(counter(RB_XC_MALFORMED_RS), malformed);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rs_unicast_reply),
		cmocka_unit_test(test_rs_unspecified_to_all_nodes),
		cmocka_unit_test(test_rs_padded_frame),
		cmocka_unit_test(test_rs_malformed),
		cmocka_unit_test(test_rs_no_template),
		cmocka_unit_test(test_rs_over_rate),
		cmocka_unit_test(test_rs_too_many_options),
		cmocka_unit_test(test_neighbor_solicit_passed),
	};

	return cmocka_run_group_tests_name("ra_xdp", tests, setup, teardown);
}
