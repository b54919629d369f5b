// SPDX-License-Identifier: MIT
/*
 * The TFTP data path of the XDP program under BPF_PROG_TEST_RUN: ACK(n)
 * of a recorded transfer becomes DATA(n+1) with the block's exact bytes
 * and valid checksums, the final ACK marks the transfer done and reports
 * it in rb_events, duplicates are dropped, block numbers roll over from
 * 65535 to 0, and everything else is passed up with a counter.
 * BPF_PROG_TEST_RUN frames have a page of room, so they always grow.
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
#include "rackboot/tftp_maps.h"

#define LO_IFINDEX	1
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define UDP_LEN		8
#define TFTP_OFF4	(ETH_LEN + IP4_LEN + UDP_LEN)
#define TFTP_OFF6	(ETH_LEN + IP6_LEN + UDP_LEN)
#define FRAME_MAX	2048

#define CLIENT_PORT	40001
#define SERVER_PORT	50001

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x11 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static struct dhcp4_bpf *skel;
static uint32_t client4, server4;
static struct in6_addr client6, server6;

/* Files of the cases: id, slots, size and blksize. */
enum { FILE_SHORT = 0, FILE_EXACT, FILE_ROLLOVER, FILE_BIG_BLOCKS };

static uint8_t pattern(uint32_t slot, uint32_t i)
{
	return (uint8_t)(slot * 31 + i * 7 + 1);
}

/* Fill slot with len bytes of pattern() and zeros after them. */
static void slot_put(uint32_t slot, uint64_t len)
{
	struct rb_tftp_block blk = { 0 };

	for (uint32_t i = 0; i < len; i++)
		blk.data[i] = pattern(slot, i);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_tftp_blocks), &slot, &blk,
					     0), 0);
}

/*
 * Write file id with blocks of blksize from first_slot.  Its first three
 * blocks get slots filled with pattern() when they are in the map.
 */
static void file_put(uint32_t id, uint32_t first_slot, uint64_t size, uint32_t blksize,
		     uint32_t gen)
{
	struct rb_tftp_cached_file f = { .size = size, .n_blocks = size / blksize + 1,
				  .first_slot = first_slot, .gen = gen, .blksize = blksize };

	for (uint64_t b = 0; b < f.n_blocks && b < 3 && first_slot < RB_TFTP_SLOTS_BUILTIN; b++)
		slot_put(first_slot + (uint32_t)b, b + 1 < f.n_blocks ? blksize : size - b * blksize);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_tftp_files), &id, &f, 0), 0);
}

static struct rb_tftp_xfer_key key4(uint16_t client_port)
{
	struct rb_tftp_xfer_key k = { .client_port = htons(client_port),
				      .server_port = htons(SERVER_PORT),
				      .family = RB_TFTP_FAMILY_IPV4 };

	memcpy(k.client, &client4, 4);
	return k;
}

static struct rb_tftp_xfer_key key6(void)
{
	struct rb_tftp_xfer_key k = { .client_port = htons(CLIENT_PORT),
				      .server_port = htons(SERVER_PORT),
				      .family = RB_TFTP_FAMILY_IPV6 };

	memcpy(k.client, &client6, 16);
	return k;
}

static void xfer_put(const struct rb_tftp_xfer_key *k, uint32_t file_id, uint64_t sent)
{
	struct rb_tftp_xfer x = { .sent = sent, .file_id = file_id, .file_gen = 1, .owner = 7,
				  .owner_gen = 3, .state = RB_TFTP_XS_ACTIVE };

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_tftp_xfers), k, &x, 0), 0);
}

static struct rb_tftp_xfer xfer_get(const struct rb_tftp_xfer_key *k)
{
	struct rb_tftp_xfer x;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_tftp_xfers), k, &x), 0);
	return x;
}

static void iface_put(uint16_t mtu)
{
	struct rb_iface iface = { .mtu = mtu, .enabled = 1 };
	uint32_t ifindex = LO_IFINDEX;

	memcpy(iface.mac, server_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ifaces), &ifindex, &iface, 0), 0);
}

static uint64_t counter(enum rb_xdp_counter idx)
{
	uint64_t sum;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.rb_xdp_counters), idx, &sum), 0);
	return sum;
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
	assert_int_equal(inet_pton(AF_INET, "10.213.0.50", &client4), 1);
	assert_int_equal(inet_pton(AF_INET, "10.213.0.1", &server4), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:213::50", &client6), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:213::1", &server6), 1);
	iface_put(1500);

	/* 1300 bytes in 512-byte blocks: 512, 512, 276. */
	file_put(FILE_SHORT, 0, 1300, 512, 1);
	/* 1024 bytes: 512, 512 and an empty third block. */
	file_put(FILE_EXACT, 10, 1024, 512, 1);
	/*
	 * 65537 blocks of 8 bytes and one empty, at a first slot chosen so that
	 * the 32-bit slot index of block 65536 wraps to slot 20: the test
	 * needs the slots around the rollover only.
	 */
	file_put(FILE_ROLLOVER, 20 - 65535u, 65537ull * 8, 8, 1);
	slot_put(20, 8);
	slot_put(21, 8);
	/* 2936 bytes in 1468-byte blocks, for the MTU and IPv6 cases. */
	file_put(FILE_BIG_BLOCKS, 30, 2 * 1468, 1468, 1);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dhcp4_bpf__destroy(skel);
	(void)state;
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Fields of an IPv4 ACK frame that the cases vary. */
struct ack_spec {
	uint16_t opcode;
	uint16_t block;
	uint16_t client_port;
	uint16_t server_port;
	int udp_delta;		/* added to the UDP length */
	int ip_delta;		/* added to the IP total length */
	size_t payload;		/* TFTP bytes, 4 for an ACK */
};

static size_t ack4_frame(const struct ack_spec *s, uint8_t *out)
{
	size_t udp_len = UDP_LEN + s->payload;

	memset(out, 0, TFTP_OFF4 + s->payload);
	memcpy(out, server_mac, 6);
	memcpy(out + 6, client_mac, 6);
	out[12] = 0x08;
	out[13] = 0x00;

	out[ETH_LEN] = 0x45;
	put16(out + ETH_LEN + 2, (uint16_t)((int)(IP4_LEN + udp_len) + s->ip_delta));
	out[ETH_LEN + 8] = 64;
	out[ETH_LEN + 9] = IPPROTO_UDP;
	memcpy(out + ETH_LEN + 12, &client4, 4);
	memcpy(out + ETH_LEN + 16, &server4, 4);

	put16(out + ETH_LEN + IP4_LEN, s->client_port ? s->client_port : CLIENT_PORT);
	put16(out + ETH_LEN + IP4_LEN + 2, s->server_port ? s->server_port : SERVER_PORT);
	put16(out + ETH_LEN + IP4_LEN + 4, (uint16_t)((int)udp_len + s->udp_delta));

	if (s->payload >= 2)
		put16(out + TFTP_OFF4, s->opcode);
	if (s->payload >= 4)
		put16(out + TFTP_OFF4 + 2, s->block);
	return TFTP_OFF4 + s->payload;
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

/* Check the addresses, ports, lengths and checksums of an IPv4 DATA frame. */
static void assert_data4_headers(const uint8_t *f, size_t len)
{
	uint8_t pseudo[12];
	size_t udp_len = len - ETH_LEN - IP4_LEN;

	assert_memory_equal(f, client_mac, 6);
	assert_memory_equal(f + 6, server_mac, 6);
	assert_int_equal(get16(f + ETH_LEN + 2), IP4_LEN + udp_len);
	assert_memory_equal(f + ETH_LEN + 12, &server4, 4);
	assert_memory_equal(f + ETH_LEN + 16, &client4, 4);
	assert_int_equal(get16(f + ETH_LEN + IP4_LEN), SERVER_PORT);
	assert_int_equal(get16(f + ETH_LEN + IP4_LEN + 2), CLIENT_PORT);
	assert_int_equal(get16(f + ETH_LEN + IP4_LEN + 4), udp_len);

	assert_int_equal(sum_words(f + ETH_LEN, IP4_LEN, 0), 0xffff);
	memcpy(pseudo, f + ETH_LEN + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	put16(pseudo + 10, (uint16_t)udp_len);
	assert_int_equal(sum_words(f + ETH_LEN + IP4_LEN, udp_len, sum_words(pseudo, 12, 0)),
			 0xffff);
}

/* Check that the TFTP payload at p is DATA wire of len bytes from slot. */
static void assert_data_payload(const uint8_t *p, uint16_t wire, uint32_t slot, size_t len)
{
	assert_int_equal(get16(p), 3);
	assert_int_equal(get16(p + 2), wire);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p[4 + i], pattern(slot, (uint32_t)i));
}

static int run(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	*out_len = FRAME_MAX;
	return test_xdp_run(bpf_program__fd(skel->progs.rb_dhcp4_xdp), LO_IFINDEX, in, in_len, out,
			    out_len, NULL);
}

/* Send ACK block and expect DATA wire of len bytes from slot. */
static void expect_data4(uint16_t block, uint16_t wire, uint32_t slot, size_t len)
{
	struct ack_spec s = { .opcode = 4, .block = block, .payload = 4 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint64_t tx = counter(RB_XC_TX_TFTP_DATA);
	uint32_t out_len;

	assert_int_equal(run(in, ack4_frame(&s, in), out, &out_len), XDP_TX);
	assert_int_equal(out_len, TFTP_OFF4 + 4 + len);
	assert_data4_headers(out, out_len);
	assert_data_payload(out + TFTP_OFF4, wire, slot, len);
	assert_int_equal(counter(RB_XC_TX_TFTP_DATA), tx + 1);
}

/* Send ACK block and expect verdict with counter idx grown by one. */
static void expect_verdict4(const struct ack_spec *s, int verdict, enum rb_xdp_counter idx)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint64_t before = counter(idx);
	uint32_t out_len;

	assert_int_equal(run(in, ack4_frame(s, in), out, &out_len), verdict);
	assert_int_equal(counter(idx), before + 1);
}

static int done_events;
static struct rb_tftp_event last_event;

static int on_event(void *ctx, void *data, size_t size)
{
	uint16_t type;

	memcpy(&type, data, sizeof(type));
	if (type == RB_EV_TFTP_DONE && size >= sizeof(last_event)) {
		memcpy(&last_event, data, sizeof(last_event));
		done_events++;
	}
	(void)ctx;
	return 0;
}

/* Count the RB_EV_TFTP_DONE records in rb_events. */
static int drain_done_events(void)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb_events), on_event,
						  NULL, NULL);

	assert_non_null(rb);
	done_events = 0;
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
	return done_events;
}

/* OACK acknowledged, three blocks, a duplicate, then the final ACK. */
static void test_short_file(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);
	struct ack_spec dup = { .opcode = 4, .block = 1, .payload = 4 };
	struct ack_spec last = { .opcode = 4, .block = 3, .payload = 4 };
	struct rb_tftp_xfer x;

	drain_done_events();
	xfer_put(&k, FILE_SHORT, 0);
	expect_data4(0, 1, 0, 512);
	assert_int_equal(xfer_get(&k).sent, 1);
	expect_data4(1, 2, 1, 512);

	/* ACK 1 again: no DATA 2 a second time. */
	expect_verdict4(&dup, XDP_DROP, RB_XC_DROP_TFTP_DUP);
	assert_int_equal(xfer_get(&k).dup_acks, 1);
	assert_int_equal(xfer_get(&k).sent, 2);

	expect_data4(2, 3, 2, 1300 - 1024);
	expect_verdict4(&last, XDP_DROP, RB_XC_TFTP_DONE);
	x = xfer_get(&k);
	assert_int_equal(x.state, RB_TFTP_XS_DONE);
	assert_int_equal(x.xdp_data, 3);
	assert_int_equal(drain_done_events(), 1);
	assert_int_equal(last_event.owner, 7);
	assert_int_equal(last_event.owner_gen, 3);
	assert_int_equal(last_event.blocks, 3);

	/* The final ACK repeated: dropped, no second event. */
	expect_verdict4(&last, XDP_DROP, RB_XC_DROP_TFTP_DUP);
	assert_int_equal(drain_done_events(), 0);
	(void)state;
}

/* A file that is a multiple of blksize ends with an empty DATA block. */
static void test_exact_multiple(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT + 1);
	struct ack_spec s = { .opcode = 4, .block = 2, .client_port = CLIENT_PORT + 1,
			      .payload = 4 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t out_len;

	xfer_put(&k, FILE_EXACT, 2);
	assert_int_equal(run(in, ack4_frame(&s, in), out, &out_len), XDP_TX);
	assert_int_equal(out_len, TFTP_OFF4 + 4);
	assert_int_equal(get16(out + TFTP_OFF4), 3);
	assert_int_equal(get16(out + TFTP_OFF4 + 2), 3);
	assert_int_equal(get16(out + ETH_LEN + IP4_LEN + 2), CLIENT_PORT + 1);

	s.block = 3;
	expect_verdict4(&s, XDP_DROP, RB_XC_TFTP_DONE);
	assert_int_equal(xfer_get(&k).state, RB_TFTP_XS_DONE);
	(void)state;
}

/* ACK 65535 gets DATA 0 (block 65536), and ACK 0 gets DATA 1 (block 65537). */
static void test_rollover(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);

	xfer_put(&k, FILE_ROLLOVER, 65535);
	expect_data4(65535, 0, 20, 8);
	assert_int_equal(xfer_get(&k).sent, 65536);
	expect_data4(0, 1, 21, 8);
	assert_int_equal(xfer_get(&k).sent, 65537);
	(void)state;
}

/* An ACK for a block older than the last sent gets nothing. */
static void test_old_ack_dropped(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);
	struct ack_spec s = { .opcode = 4, .block = 0, .payload = 4 };

	xfer_put(&k, FILE_SHORT, 2);
	expect_verdict4(&s, XDP_DROP, RB_XC_DROP_TFTP_DUP);
	s.block = 1;
	expect_verdict4(&s, XDP_DROP, RB_XC_DROP_TFTP_DUP);
	assert_int_equal(xfer_get(&k).sent, 2);
	(void)state;
}

/* Frames that are not ACKs of a known transfer, and what each must count. */
static void test_passed_table(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);
	const struct {
		const char *name;
		struct ack_spec s;
		int verdict;
		enum rb_xdp_counter counter;
	} cases[] = {
		{ "unknown client port", { .opcode = 4, .client_port = 999, .payload = 4 },
		  XDP_PASS, RB_XC_PASS_NOT_DHCP },
		{ "wrong server port", { .opcode = 4, .server_port = SERVER_PORT + 1, .payload = 4 },
		  XDP_PASS, RB_XC_PASS_NOT_DHCP },
		{ "ERROR from the client", { .opcode = 5, .payload = 8 }, XDP_PASS,
		  RB_XC_PASS_TFTP_OPCODE },
		{ "DATA from the client", { .opcode = 3, .payload = 4 }, XDP_PASS,
		  RB_XC_PASS_TFTP_OPCODE },
		{ "ACK with trailing bytes", { .opcode = 4, .payload = 6 }, XDP_PASS,
		  RB_XC_PASS_TFTP_OPCODE },
		{ "UDP payload of 2 bytes", { .opcode = 4, .payload = 2 }, XDP_PASS,
		  RB_XC_MALFORMED_TFTP },
		{ "UDP length past the frame", { .opcode = 4, .payload = 4, .udp_delta = 8 },
		  XDP_PASS, RB_XC_MALFORMED_TFTP },
		{ "IP length shorter than UDP", { .opcode = 4, .payload = 4, .ip_delta = -4 },
		  XDP_PASS, RB_XC_MALFORMED_TFTP },
	};

	xfer_put(&k, FILE_SHORT, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "# case: %s\n", cases[i].name);
		expect_verdict4(&cases[i].s, cases[i].verdict, cases[i].counter);
	}
	/* None of them moved the transfer. */
	assert_int_equal(xfer_get(&k).sent, 0);
	(void)state;
}

/* A block larger than the link's MTU, and a file reloaded since the hand-off, go up. */
static void test_mtu_and_stale_file(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);
	struct ack_spec s = { .opcode = 4, .block = 0, .payload = 4 };

	xfer_put(&k, FILE_BIG_BLOCKS, 0);
	iface_put(1400);
	expect_verdict4(&s, XDP_PASS, RB_XC_PASS_TFTP_MTU);
	iface_put(1500);
	assert_int_equal(xfer_get(&k).sent, 0);

	file_put(FILE_SHORT, 0, 1300, 512, 2);
	xfer_put(&k, FILE_SHORT, 0);
	expect_verdict4(&s, XDP_PASS, RB_XC_PASS_TFTP_NO_BLOCK);
	file_put(FILE_SHORT, 0, 1300, 512, 1);
	(void)state;
}

/* A 1468-byte block fills a 1500-byte MTU exactly. */
static void test_full_mtu_block(void **state)
{
	struct rb_tftp_xfer_key k = key4(CLIENT_PORT);

	xfer_put(&k, FILE_BIG_BLOCKS, 0);
	expect_data4(0, 1, 30, 1468);
	(void)state;
}

static size_t ack6_frame(uint16_t block, uint8_t *out)
{
	size_t udp_len = UDP_LEN + 4;

	memset(out, 0, TFTP_OFF6 + 4);
	memcpy(out, server_mac, 6);
	memcpy(out + 6, client_mac, 6);
	out[12] = 0x86;
	out[13] = 0xdd;
	out[ETH_LEN] = 0x60;
	put16(out + ETH_LEN + 4, (uint16_t)udp_len);
	out[ETH_LEN + 6] = IPPROTO_UDP;
	out[ETH_LEN + 7] = 64;
	memcpy(out + ETH_LEN + 8, &client6, 16);
	memcpy(out + ETH_LEN + 24, &server6, 16);
	put16(out + ETH_LEN + IP6_LEN, CLIENT_PORT);
	put16(out + ETH_LEN + IP6_LEN + 2, SERVER_PORT);
	put16(out + ETH_LEN + IP6_LEN + 4, (uint16_t)udp_len);
	put16(out + TFTP_OFF6, 4);
	put16(out + TFTP_OFF6 + 2, block);
	return TFTP_OFF6 + 4;
}

/* IPv6: DATA with swapped addresses and a valid UDP checksum. */
static void test_ipv6_data(void **state)
{
	struct rb_tftp_xfer_key k = key6();
	uint8_t in[FRAME_MAX], out[FRAME_MAX], pseudo[40];
	uint32_t out_len;
	size_t udp_len;

	/* 1448 is the largest IPv6 blksize for a 1500-byte MTU; 1468 does not fit. */
	xfer_put(&k, FILE_BIG_BLOCKS, 0);
	assert_int_equal(run(in, ack6_frame(0, in), out, &out_len), XDP_PASS);

	xfer_put(&k, FILE_SHORT, 0);
	assert_int_equal(run(in, ack6_frame(0, in), out, &out_len), XDP_TX);
	assert_int_equal(out_len, TFTP_OFF6 + 4 + 512);
	assert_memory_equal(out, client_mac, 6);
	assert_memory_equal(out + ETH_LEN + 8, &server6, 16);
	assert_memory_equal(out + ETH_LEN + 24, &client6, 16);
	udp_len = out_len - ETH_LEN - IP6_LEN;
	assert_int_equal(get16(out + ETH_LEN + 4), udp_len);
	assert_int_equal(get16(out + ETH_LEN + IP6_LEN + 2), CLIENT_PORT);
	assert_data_payload(out + TFTP_OFF6, 1, 0, 512);

	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, out + ETH_LEN + 8, 32);
	put16(pseudo + 34, (uint16_t)udp_len);
	pseudo[39] = IPPROTO_UDP;
	assert_int_equal(sum_words(out + ETH_LEN + IP6_LEN, udp_len, sum_words(pseudo, 40, 0)),
			 0xffff);
	assert_int_equal(xfer_get(&k).sent, 1);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_file),
		cmocka_unit_test(test_exact_multiple),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_old_ack_dropped),
		cmocka_unit_test(test_passed_table),
		cmocka_unit_test(test_mtu_and_stale_file),
		cmocka_unit_test(test_full_mtu_block),
		cmocka_unit_test(test_ipv6_data),
	};

	return cmocka_run_group_tests_name("tftp_xdp", tests, setup, teardown);
}
