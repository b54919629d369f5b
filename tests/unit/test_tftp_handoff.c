// SPDX-License-Identifier: MIT
/*
 * The server's side of transfers handed to XDP (userspace/tftp/tftp_xdp.c),
 * on a real io_uring, UDP sockets on 127.0.0.1 and real BPF maps.  No XDP
 * program runs: each test writes the rb_tftp_xfers entry the way the XDP
 * program would (bpf/tftp.h), then checks what the server sends and that
 * its window state (block_acked, block_sent) follows the entry.  Covered:
 * which requests are handed over, an ACK that XDP passed up for lack of
 * room, an ACK that XDP did not take, retransmission with backoff from
 * XDP's progress, and the end by the done event.  Skipped without the
 * right to create BPF maps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "tftp/tftp_internal.h"

#define SLOTS		64
#define BLKSIZE		512
#define FILE_BLOCKS	21	/* 20 full blocks and a last one of LAST_LEN bytes */
#define LAST_LEN	100
#define FILE_SIZE	((FILE_BLOCKS - 1) * BLKSIZE + LAST_LEN)
#define TIMEOUT_MS	200	/* the server's first retransmission timeout in these tests */
#define WAIT_MS		3000	/* longest wait for a packet that must come */
#define QUIET_MS	100	/* how long "no packet" is watched */
#define PKT_MAX		(RB_TFTP_HEADER_LEN + RB_TFTP_BLKSIZE_MAX)

struct fixture {
	struct io_uring ring;
	struct rb_tftp_server *srv;
	int xfers_fd;
	int files_fd;
	int blocks_fd;
	char root[64];
	int client;
	struct sockaddr_in server;
	struct sockaddr_in peer;	/* the transfer's port, from its first packet */
	unsigned completions;
	uint64_t completed_bytes;
};

struct packet {
	uint8_t data[PKT_MAX];
	ssize_t len;
	struct sockaddr_in from;
};

static void on_complete(void *arg, const struct sockaddr *client, const char *path,
			uint64_t bytes)
{
	struct fixture *f = arg;

	f->completions++;
	f->completed_bytes = bytes;
}

static uint8_t pattern_byte(uint64_t offset)
{
	return (uint8_t)(offset * 7 + (offset >> 8));
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void create_maps(struct fixture *f)
{
	LIBBPF_OPTS(bpf_map_create_opts, mmapable, .map_flags = BPF_F_MMAPABLE);

	f->xfers_fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, sizeof(struct rb_tftp_xfer_key),
				     sizeof(struct rb_tftp_xfer), RB_MAX_TFTP_XFERS, NULL);
	f->files_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4,
				     sizeof(struct rb_tftp_cached_file), RB_MAX_TFTP_FILES, NULL);
	f->blocks_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, sizeof(struct rb_tftp_block),
				      SLOTS, &mmapable);
	if (f->xfers_fd < 0 || f->files_fd < 0 || f->blocks_fd < 0) {
		fprintf(stderr, "# creating BPF maps failed (%s): run the test as root\n",
			strerror(errno));
		exit(77);
	}
}

static void write_file(struct fixture *f)
{
	char path[128];
	FILE *out;

	snprintf(path, sizeof(path), "%s/image.bin", f->root);
	out = fopen(path, "wb");
	assert_non_null(out);
	for (uint64_t i = 0; i < FILE_SIZE; i++)
		assert_int_not_equal(fputc(pattern_byte(i), out), EOF);
	assert_int_equal(fclose(out), 0);
}

static int setup(void **state)
{
	struct sockaddr_in local = { .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct fixture *f = calloc(1, sizeof(*f));
	struct rb_tftp_xdp_maps maps;
	struct rb_tftp_config cfg;

	assert_non_null(f);
	create_maps(f);
	strcpy(f->root, "/tmp/rb-tftp-handoff-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	write_file(f);
	assert_int_equal(io_uring_queue_init(64, &f->ring, 0), 0);

	rb_tftp_config_defaults(&cfg);
	cfg.root = f->root;
	cfg.bind_addr = htonl(INADDR_LOOPBACK);
	cfg.port = 0;
	cfg.timeout_ms = TIMEOUT_MS;
	cfg.on_complete = on_complete;
	cfg.on_complete_arg = f;
	assert_int_equal(rb_tftp_server_new(&f->ring, &cfg, &f->srv), 0);
	maps = (struct rb_tftp_xdp_maps){ .xfers_fd = f->xfers_fd, .files_fd = f->files_fd,
					  .blocks_fd = f->blocks_fd, .n_slots = SLOTS,
					  .mtu = 1500 };
	assert_int_equal(rb_tftp_server_set_xdp(f->srv, &maps), 0);
	assert_int_equal(rb_tftp_server_start(f->srv), 0);

	f->server = (struct sockaddr_in){ .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					  .sin_port = htons(rb_tftp_server_port(f->srv)) };
	f->client = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(f->client >= 0);
	assert_int_equal(bind(f->client, (struct sockaddr *)&local, sizeof(local)), 0);
	*state = f;
	return 0;
}

static void pump_once(struct fixture *f, unsigned wait_ms)
{
	struct __kernel_timespec ts = { .tv_nsec = (long long)wait_ms * 1000000 };
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;

	io_uring_submit_and_wait_timeout(&f->ring, &cqe, 1, &ts, NULL);
	io_uring_for_each_cqe(&f->ring, head, cqe) {
		if (rb_tftp_owns(cqe->user_data))
			assert_int_equal(rb_tftp_handle_cqe(f->srv, cqe), 0);
		seen++;
	}
	io_uring_cq_advance(&f->ring, seen);
	rb_tftp_server_tick(f->srv, rb_tftp_now_ms());
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	rb_tftp_server_stop(f->srv);
	for (int i = 0; i < 200 && !rb_tftp_server_drained(f->srv); i++)
		pump_once(f, 5);
	io_uring_queue_exit(&f->ring);
	rb_tftp_server_free(f->srv);
	close(f->client);
	close(f->xfers_fd);
	close(f->files_fd);
	close(f->blocks_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Run the loop until the client has a packet, then read it; len -1 after timeout_ms. */
static void recv_packet(struct fixture *f, struct packet *p, unsigned timeout_ms)
{
	uint64_t until = rb_tftp_now_ms() + timeout_ms;
	socklen_t from_len = sizeof(p->from);

	p->len = -1;
	do {
		struct pollfd pfd = { .fd = f->client, .events = POLLIN };

		if (poll(&pfd, 1, 0) == 1) {
			p->len = recvfrom(f->client, p->data, sizeof(p->data), 0,
					  (struct sockaddr *)&p->from, &from_len);
			return;
		}
		pump_once(f, 1);
	} while (rb_tftp_now_ms() < until);
}

static uint16_t pkt_u16(const struct packet *p, size_t offset)
{
	return (uint16_t)(p->data[offset] << 8 | p->data[offset + 1]);
}

/* Send a read request for image.bin with the options, and expect the OACK. */
static void start_transfer(struct fixture *f, const char *mode, const char *const *options)
{
	uint8_t buf[RB_TFTP_REQUEST_MAX];
	size_t len = 2;
	struct packet p;

	buf[0] = 0;
	buf[1] = RB_TFTP_RRQ;
	len += (size_t)sprintf((char *)buf + len, "image.bin") + 1;
	len += (size_t)sprintf((char *)buf + len, "%s", mode) + 1;
	for (; *options; options++)
		len += (size_t)sprintf((char *)buf + len, "%s", *options) + 1;
	assert_int_equal(sendto(f->client, buf, len, 0, (struct sockaddr *)&f->server,
				sizeof(f->server)), (ssize_t)len);

	recv_packet(f, &p, WAIT_MS);
	assert_true(p.len >= 2);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	f->peer = p.from;
}

static void send_ack(struct fixture *f, uint16_t block)
{
	uint8_t ack[4] = { 0, RB_TFTP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	assert_int_equal(sendto(f->client, ack, sizeof(ack), 0, (struct sockaddr *)&f->peer,
				sizeof(f->peer)), (ssize_t)sizeof(ack));
}

/* The next packet must be DATA block with the file's bytes of that block. */
static void expect_data(struct fixture *f, uint64_t block)
{
	size_t len = block < FILE_BLOCKS ? BLKSIZE : LAST_LEN;
	uint64_t offset = (block - 1) * BLKSIZE;
	struct packet p;

	recv_packet(f, &p, WAIT_MS);
	assert_int_equal(p.len, (ssize_t)(RB_TFTP_HEADER_LEN + len));
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_DATA);
	assert_int_equal(pkt_u16(&p, 2), (uint16_t)block);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p.data[RB_TFTP_HEADER_LEN + i], pattern_byte(offset + i));
}

static void expect_quiet(struct fixture *f)
{
	struct packet p;

	recv_packet(f, &p, QUIET_MS);
	if (p.len >= 0)
		fail_msg("expected no packet, got %zd bytes: opcode %u, block %u", p.len,
			 p.len >= 2 ? pkt_u16(&p, 0) : 0, p.len >= 4 ? pkt_u16(&p, 2) : 0);
}

/* The one transfer in progress. */
static struct tftp_xfer *the_transfer(struct fixture *f)
{
	assert_int_equal(rb_tftp_server_active(f->srv), 1);
	assert_non_null(f->srv->active);
	return f->srv->active;
}

static void read_entry(struct fixture *f, struct tftp_xfer *x, struct rb_tftp_xfer *e)
{
	assert_true(x->xdp.active);
	assert_int_equal(bpf_map_lookup_elem(f->xfers_fd, &x->xdp.key, e), 0);
}

/* Move the entry as XDP does: sent, the block left to userspace, and the time of the ACK. */
static void write_entry(struct fixture *f, struct tftp_xfer *x, uint64_t sent, uint64_t us_block)
{
	struct rb_tftp_xfer e;

	read_entry(f, x, &e);
	e.sent = sent;
	e.us_block = us_block;
	e.ack_ns = boottime_ns();
	assert_int_equal(bpf_map_update_elem(f->xfers_fd, &x->xdp.key, &e, BPF_EXIST), 0);
}

static unsigned count_entries(struct fixture *f)
{
	struct rb_tftp_xfer_key key, next;
	unsigned n = 0;

	for (int err = bpf_map_get_next_key(f->xfers_fd, NULL, &next); err == 0 && n < 100;
	     err = bpf_map_get_next_key(f->xfers_fd, &key, &next)) {
		key = next;
		n++;
	}
	return n;
}

static const char *const octet_blksize[] = { "blksize", "512", NULL };

static void test_handoff_records_entry(void **state)
{
	struct fixture *f = *state;
	struct rb_tftp_xfer e;
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);
	read_entry(f, x, &e);
	assert_int_equal(e.sent, 0);
	assert_int_equal(e.state, RB_TFTP_XS_ACTIVE);
	assert_int_equal(e.owner, x->index);
	assert_int_equal(e.owner_gen, x->gen);
	assert_int_equal(x->xdp.n_blocks, FILE_BLOCKS);
	assert_true(x->oack_pending);
}

static void test_window_stays_in_userspace(void **state)
{
	static const char *const window[] = { "blksize", "512", "windowsize", "4", NULL };
	struct fixture *f = *state;
	struct tftp_xfer *x;

	start_transfer(f, "octet", window);
	x = the_transfer(f);
	assert_int_equal(x->windowsize, 4);
	assert_false(x->xdp.active);
	assert_int_equal(count_entries(f), 0);

	/* The window code sends blocks 1..4 for ACK 0. */
	send_ack(f, 0);
	for (uint64_t block = 1; block <= 4; block++)
		expect_data(f, block);
}

static void test_netascii_stays_in_userspace(void **state)
{
	struct fixture *f = *state;

	start_transfer(f, "netascii", octet_blksize);
	assert_false(the_transfer(f)->xdp.active);
	assert_int_equal(count_entries(f), 0);
}

static void test_no_room_ack_synced(void **state)
{
	struct fixture *f = *state;
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);

	/* XDP took ACK 0 but had no room for DATA 1: the server sends it. */
	write_entry(f, x, 1, 1);
	send_ack(f, 0);
	expect_data(f, 1);
	assert_false(x->oack_pending);
	assert_int_equal(x->block_acked, 0);
	assert_int_equal(x->block_sent, 1);

	/* XDP sent DATA 2..4 itself, then passed ACK 4 up without room for DATA 5. */
	write_entry(f, x, 5, 5);
	send_ack(f, 4);
	expect_data(f, 5);
	assert_int_equal(x->block_acked, 4);
	assert_int_equal(x->block_sent, 5);
	assert_int_equal(x->bytes_acked, 4 * BLKSIZE);

	/* A repeat of that ACK sends nothing, as XDP would drop it. */
	send_ack(f, 4);
	expect_quiet(f);
}

static void test_passed_ack_moves_entry(void **state)
{
	struct fixture *f = *state;
	struct rb_tftp_xfer e;
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);

	/* XDP did not take ACK 0 (sent is still 0): the server moves the entry on. */
	send_ack(f, 0);
	expect_data(f, 1);
	read_entry(f, x, &e);
	assert_int_equal(e.sent, 1);
	send_ack(f, 1);
	expect_data(f, 2);
	read_entry(f, x, &e);
	assert_int_equal(e.sent, 2);
	assert_int_equal(x->block_acked, 1);
	assert_int_equal(x->block_sent, 2);
}

static void test_timer_resends_xdp_block(void **state)
{
	struct fixture *f = *state;
	uint64_t first_ms, second_ms;
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);
	send_ack(f, 0);
	expect_data(f, 1);

	/* XDP sent DATA 2..8, and the ACK of 8 never comes. */
	write_entry(f, x, 8, 0);
	expect_data(f, 8);
	first_ms = rb_tftp_now_ms();
	assert_int_equal(x->block_acked, 7);
	assert_int_equal(x->block_sent, 8);
	assert_int_equal(x->retries, 1);

	/* The next retransmission waits twice the timeout (backoff). */
	expect_data(f, 8);
	second_ms = rb_tftp_now_ms();
	assert_int_equal(x->retries, 2);
	assert_true(second_ms - first_ms >= 2 * TIMEOUT_MS - 20);
}

static void test_loss_after_retransmit(void **state)
{
	struct fixture *f = *state;
	uint64_t moved_ms, resent_ms;
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);
	send_ack(f, 0);
	expect_data(f, 1);
	write_entry(f, x, 8, 0);
	expect_data(f, 8);
	assert_int_equal(x->retries, 1);

	/* The resent block got through, XDP sent up to 12, and 12 was lost. */
	write_entry(f, x, 12, 0);
	moved_ms = rb_tftp_now_ms();
	expect_data(f, 12);
	resent_ms = rb_tftp_now_ms();

	/* One timeout after XDP's last ACK, not the 2-timeout backoff of block 8. */
	assert_int_equal(x->retries, 1);
	assert_int_equal(x->block_acked, 11);
	assert_true(resent_ms - moved_ms >= TIMEOUT_MS - 20);
	assert_true(resent_ms - moved_ms < 2 * TIMEOUT_MS - 100);
}

static void test_done_event_ends_transfer(void **state)
{
	struct fixture *f = *state;
	struct rb_tftp_event ev = { .type = RB_EV_TFTP_DONE };
	struct tftp_xfer *x;

	start_transfer(f, "octet", octet_blksize);
	x = the_transfer(f);
	ev.owner = x->index;
	ev.owner_gen = x->gen;
	ev.blocks = FILE_BLOCKS;

	/* An event of an earlier generation of the slot is ignored. */
	ev.owner_gen = (x->gen + 1) & TFTP_UD_GEN_MASK;
	rb_tftp_server_xdp_done(f->srv, &ev);
	assert_int_equal(rb_tftp_server_active(f->srv), 1);

	ev.owner_gen = x->gen;
	rb_tftp_server_xdp_done(f->srv, &ev);
	for (int i = 0; i < 100 && rb_tftp_server_active(f->srv) > 0; i++)
		pump_once(f, 5);
	assert_int_equal(rb_tftp_server_active(f->srv), 0);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, FILE_SIZE);
	assert_int_equal(count_entries(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handoff_records_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_stays_in_userspace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netascii_stays_in_userspace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_room_ack_synced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passed_ack_moves_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_resends_xdp_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loss_after_retransmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_event_ends_transfer, setup, teardown),
	};

	return cmocka_run_group_tests_name("tftp_handoff", tests, NULL, NULL);
}
