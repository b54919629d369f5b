// SPDX-License-Identifier: MIT
/*
 * The client program of the TFTP load generator (bench/tftp/tftpgen.bpf.c)
 * under BPF_PROG_TEST_RUN.  An OACK becomes ACK 0 and an in-order DATA
 * block its ACK, with valid checksums, and a repeated block is ACKed
 * again.  A block off the file's pattern, a wrong total and a server
 * ERROR end the transfer as failed.  A packet from a stray port gets
 * ERROR 5, and the final block of the previous transfer is ACKed again
 * after the slot restarted.
 *
 * Needs root (loading BPF); exits 77 (skipped) when the kernel refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
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

#include "lib/xdp_run.h"
#include "tftpgen.h"
#include "tftpgen.skel.h"

#define LO_IFINDEX	1
#define BLKSIZE		1468
#define FILE_SIZE	(2 * BLKSIZE + 100)	/* two full blocks and a short one */
#define BASE_PORT	20000
#define SERVER_PORT	3000			/* the server's transfer port */
#define STRAY_PORT	3001
#define SLOTS		4
#define FRAME_MAX	(TFTPGEN_PAYLOAD_OFF + BLKSIZE)

static struct tftpgen_bpf *skel;
static uint32_t server_addr, client_addr;

static int setup(void **state)
{
	libbpf_set_print(NULL);
	skel = tftpgen_bpf__open();
	if (!skel) {
		fprintf(stderr, "# opening the XDP program failed (%s)\n", strerror(errno));
		exit(77);
	}
	inet_pton(AF_INET, "10.214.0.1", &server_addr);
	inet_pton(AF_INET, "10.214.0.2", &client_addr);
	skel->rodata->server_addr = server_addr;
	skel->rodata->base_port = BASE_PORT;
	skel->rodata->n_slots = SLOTS;
	skel->rodata->blksize = BLKSIZE;
	skel->rodata->file_size = FILE_SIZE;
	if (tftpgen_bpf__load(skel)) {
		fprintf(stderr, "# loading the XDP program failed (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	tftpgen_bpf__destroy(skel);
	(void)state;
	return 0;
}

/* Slot 0 as userspace leaves it after sending an RRQ. */
static struct tftpgen_slot *fresh_slot(void)
{
	struct tftpgen_slot *s = &skel->bss->slots[0];

	memset(s, 0, sizeof(*s));
	s->state = TFTPGEN_SLOT_ACTIVE;
	s->next_block = 1;
	return s;
}

static uint64_t counter(enum tftpgen_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.tftpgen_counters), idx, &sum), 0);
	return sum;
}

/*
 * A frame from the server's src_port to slot 0's client port with the
 * TFTP header opcode and value and len bytes of payload.  Returns its
 * length.
 */
static size_t tftp_frame(uint8_t *out, uint16_t src_port, uint16_t opcode, uint16_t value,
			 const uint8_t *payload, size_t len)
{
	uint8_t *ip = out + TFTPGEN_IP_OFF, *udp = out + TFTPGEN_UDP_OFF;
	uint16_t v16;

	memset(out, 0, TFTPGEN_PAYLOAD_OFF);
	memcpy(out, "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(out + 6, "\x02\x00\x00\x00\x00\x01", 6);
	out[12] = 0x08;

	ip[0] = 0x45;
	v16 = htons((uint16_t)(20 + 8 + 4 + len));
	memcpy(ip + 2, &v16, 2);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &server_addr, 4);
	memcpy(ip + 16, &client_addr, 4);

	v16 = htons(src_port);
	memcpy(udp, &v16, 2);
	v16 = htons(BASE_PORT);
	memcpy(udp + 2, &v16, 2);
	v16 = htons((uint16_t)(8 + 4 + len));
	memcpy(udp + 4, &v16, 2);

	v16 = htons(opcode);
	memcpy(out + TFTPGEN_TFTP_OFF, &v16, 2);
	v16 = htons(value);
	memcpy(out + TFTPGEN_TFTP_OFF + 2, &v16, 2);
	if (len)
		memcpy(out + TFTPGEN_PAYLOAD_OFF, payload, len);
	return TFTPGEN_PAYLOAD_OFF + len;
}

/* DATA block from src_port with the file's bytes of that block. */
static size_t data_frame(uint8_t *out, uint16_t src_port, uint16_t block)
{
	uint8_t payload[BLKSIZE];
	uint64_t off = (uint64_t)(block - 1) * BLKSIZE, word;
	size_t len = FILE_SIZE - off < BLKSIZE ? FILE_SIZE - off : BLKSIZE, i;

	for (i = 0; i < len; i++) {
		word = tftpgen_word((off + i) / 8);
		payload[i] = (uint8_t)(word >> (8 * ((off + i) % 8)));
	}
	return tftp_frame(out, src_port, TFTPGEN_OP_DATA, block, payload, len);
}

static int run(const uint8_t *in, size_t in_len, uint8_t *out, uint32_t *out_len)
{
	int verdict;

	*out_len = FRAME_MAX;
	verdict = test_xdp_run(bpf_program__fd(skel->progs.tftpgen_client), LO_IFINDEX, in,
			       in_len, out, out_len, NULL);
	assert_true(verdict >= 0);
	return verdict;
}

/* One's complement sum of 16-bit big-endian words, an odd last byte padded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Check that out is a reply of tftp_len TFTP bytes from the client port to
 * dst_port with opcode and value, and valid IPv4 and UDP checksums.
 */
static void check_reply(const uint8_t *out, uint32_t out_len, uint16_t dst_port, uint16_t opcode,
			uint16_t value, size_t tftp_len)
{
	const uint8_t *ip = out + TFTPGEN_IP_OFF, *udp = out + TFTPGEN_UDP_OFF;
	size_t udp_len = 8 + tftp_len;
	uint32_t pseudo;

	assert_int_equal(out_len, TFTPGEN_TFTP_OFF + tftp_len);
	assert_memory_equal(out, "\x02\x00\x00\x00\x00\x01", 6);
	assert_memory_equal(out + 6, "\x02\x00\x00\x00\x00\x02", 6);
	assert_memory_equal(ip + 12, &client_addr, 4);
	assert_memory_equal(ip + 16, &server_addr, 4);
	assert_int_equal(ip[2] << 8 | ip[3], 20 + udp_len);
	assert_int_equal(fold(sum16(ip, 20, 0)), 0);

	assert_int_equal(udp[0] << 8 | udp[1], BASE_PORT);
	assert_int_equal(udp[2] << 8 | udp[3], dst_port);
	assert_int_equal(udp[4] << 8 | udp[5], udp_len);
	assert_int_not_equal(udp[6] << 8 | udp[7], 0);
	pseudo = sum16(ip + 12, 8, 0) + IPPROTO_UDP + (uint32_t)udp_len;
	assert_int_equal(fold(sum16(udp, udp_len, pseudo)), 0);

	assert_int_equal(udp[8] << 8 | udp[9], opcode);
	assert_int_equal(udp[10] << 8 | udp[11], value);
}

static void test_oack_becomes_ack0(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint64_t oacks = counter(TFTPGEN_RX_OACK);
	uint32_t out_len;
	size_t len = tftp_frame(in, SERVER_PORT, TFTPGEN_OP_OACK, 0, (const uint8_t *)"blksize\0" "1468", 13);

	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	check_reply(out, out_len, SERVER_PORT, TFTPGEN_OP_ACK, 0, 4);
	assert_int_equal(s->server_port, htons(SERVER_PORT));
	assert_int_equal(counter(TFTPGEN_RX_OACK), oacks + 1);
	(void)state;
}

static void test_whole_file_done(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	uint16_t block;
	size_t len;

	for (block = 1; block <= 3; block++) {
		len = data_frame(in, SERVER_PORT, block);
		assert_int_equal(run(in, len, out, &out_len), XDP_TX);
		check_reply(out, out_len, SERVER_PORT, TFTPGEN_OP_ACK, block, 4);
	}
	assert_int_equal(s->bytes, FILE_SIZE);
	assert_int_equal(s->state, TFTPGEN_SLOT_DONE);
	assert_int_equal(s->status, TFTPGEN_OK);
	(void)state;
}

static void test_repeated_block_acked_again(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint64_t dups = counter(TFTPGEN_DUP_DATA);
	uint32_t out_len;
	size_t len = data_frame(in, SERVER_PORT, 1);

	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	check_reply(out, out_len, SERVER_PORT, TFTPGEN_OP_ACK, 1, 4);
	assert_int_equal(counter(TFTPGEN_DUP_DATA), dups + 1);
	assert_int_equal(s->bytes, BLKSIZE);
	assert_int_equal(s->next_block, 2);
	(void)state;
}

static void test_changed_byte_fails(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	size_t len = data_frame(in, SERVER_PORT, 1);

	in[len - 1] ^= 0x01;
	assert_int_equal(run(in, len, out, &out_len), XDP_DROP);
	assert_int_equal(s->state, TFTPGEN_SLOT_FAILED);
	assert_int_equal(s->status, TFTPGEN_BAD_CONTENT);
	assert_int_equal(s->bytes, 0);
	(void)state;
}

static void test_short_total_fails(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	size_t len = data_frame(in, SERVER_PORT, 1);

	/* Block 1 cut to 100 bytes: the server ended the transfer early. */
	len -= BLKSIZE - 100;
	in[TFTPGEN_IP_OFF + 2] = (uint8_t)((20 + 8 + 4 + 100) >> 8);
	in[TFTPGEN_IP_OFF + 3] = (uint8_t)(20 + 8 + 4 + 100);
	in[TFTPGEN_UDP_OFF + 4] = 0;
	in[TFTPGEN_UDP_OFF + 5] = 8 + 4 + 100;
	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	check_reply(out, out_len, SERVER_PORT, TFTPGEN_OP_ACK, 1, 4);
	assert_int_equal(s->state, TFTPGEN_SLOT_FAILED);
	assert_int_equal(s->status, TFTPGEN_BAD_LENGTH);
	(void)state;
}

static void test_server_error_fails(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	size_t len = tftp_frame(in, 69, TFTPGEN_OP_ERROR, 1, (const uint8_t *)"not found", 10);

	assert_int_equal(run(in, len, out, &out_len), XDP_DROP);
	assert_int_equal(s->state, TFTPGEN_SLOT_FAILED);
	assert_int_equal(s->status, TFTPGEN_SERVER_ERROR);
	assert_int_equal(s->error_code, 1);
	(void)state;
}

static void test_stray_port_gets_error5(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint64_t sent = counter(TFTPGEN_TX_UNKNOWN_TID);
	uint32_t out_len;
	size_t len;

	s->server_port = htons(SERVER_PORT);
	len = tftp_frame(in, STRAY_PORT, TFTPGEN_OP_OACK, 0, (const uint8_t *)"tsize\0" "1", 8);
	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	check_reply(out, out_len, STRAY_PORT, TFTPGEN_OP_ERROR, TFTPGEN_ERR_UNKNOWN_TID, 5);
	assert_int_equal(out[TFTPGEN_PAYLOAD_OFF], 0);
	assert_int_equal(counter(TFTPGEN_TX_UNKNOWN_TID), sent + 1);
	assert_int_equal(s->state, TFTPGEN_SLOT_ACTIVE);
	assert_int_equal(s->server_port, htons(SERVER_PORT));
	(void)state;
}

static void test_stray_error_dropped(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	size_t len;

	s->server_port = htons(SERVER_PORT);
	len = tftp_frame(in, STRAY_PORT, TFTPGEN_OP_ERROR, 0, (const uint8_t *)"", 1);
	assert_int_equal(run(in, len, out, &out_len), XDP_DROP);
	assert_int_equal(s->state, TFTPGEN_SLOT_ACTIVE);
	(void)state;
}

static void test_previous_final_block_acked(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct tftpgen_slot *s = fresh_slot();
	uint32_t out_len;
	size_t len = data_frame(in, SERVER_PORT, 3);

	s->prev_server_port = htons(SERVER_PORT);
	s->prev_last_block = 3;
	assert_int_equal(run(in, len, out, &out_len), XDP_TX);
	check_reply(out, out_len, SERVER_PORT, TFTPGEN_OP_ACK, 3, 4);
	assert_int_equal(s->server_port, 0);
	assert_int_equal(s->bytes, 0);
	(void)state;
}

static void test_other_traffic_passed(void **state)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t out_len;
	size_t len;

	fresh_slot();
	len = data_frame(in, SERVER_PORT, 1);
	in[TFTPGEN_UDP_OFF + 2] = (uint8_t)((BASE_PORT + SLOTS) >> 8);
	in[TFTPGEN_UDP_OFF + 3] = (uint8_t)(BASE_PORT + SLOTS);
	assert_int_equal(run(in, len, out, &out_len), XDP_PASS);

	len = data_frame(in, SERVER_PORT, 1);
	in[12] = 0x08;
	in[13] = 0x06;	/* ARP */
	assert_int_equal(run(in, len, out, &out_len), XDP_PASS);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oack_becomes_ack0),
		cmocka_unit_test(test_whole_file_done),
		cmocka_unit_test(test_repeated_block_acked_again),
		cmocka_unit_test(test_changed_byte_fails),
		cmocka_unit_test(test_short_total_fails),
		cmocka_unit_test(test_server_error_fails),
		cmocka_unit_test(test_stray_port_gets_error5),
		cmocka_unit_test(test_stray_error_dropped),
		cmocka_unit_test(test_previous_final_block_acked),
		cmocka_unit_test(test_other_traffic_passed),
	};

	return cmocka_run_group_tests_name("tftpgen_xdp", tests, setup, teardown);
}
