// SPDX-License-Identifier: MIT
/*
 * The TFTP server on a real io_uring and real UDP sockets on 127.0.0.1.
 * A hand-written client checks each protocol rule packet by packet: OACK
 * contents, lock-step DATA/ACK, RFC 7440 windows (a window per ACK, restart
 * after a lost block), no reply to duplicate ACKs, retransmission
 * and abandonment (timers driven by tick), block number rollover, foreign
 * transfer IDs, the transfer limit, errors for requests that cannot be
 * served, and stop.  Floods of requests are checked against the log
 * lines they cause, captured from stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "tftp/tftp_codec.h"
#include "tftp/tftp_server.h"

#define PKT_MAX		(RB_TFTP_HEADER_LEN + RB_TFTP_BLKSIZE_MAX)
#define WAIT_MS		2000	/* longest wait for a packet that must come */
#define QUIET_MS	150	/* how long "no packet" is watched */
#define ROLLOVER_BLOCKS	(65536 + 2)
#define FLOOD_REQUESTS	300	/* missing-file requests in the flood test */
#define FLOOD_TRANSFERS	100	/* transfers never acknowledged */
#define FLOOD_LOG_MAX	2	/* log lines a flood may cause: first one and a summary */
#define LOG_TEXT_MAX	16384
#define LOG_SHOW_MAX	10	/* captured lines printed */

/* Settings that one test changes from the defaults. */
struct variant {
	unsigned max_transfers;
	unsigned retries;
};

static const struct variant default_variant = { 0 };
static const struct variant one_transfer = { .max_transfers = 1 };
static const struct variant two_retries = { .retries = 2 };
static const struct variant one_retry = { .retries = 1 };

struct fixture {
	struct io_uring ring;
	struct rb_tftp_server *srv;
	char top[PATH_MAX];
	char root[PATH_MAX + 8];
	int client;
	struct sockaddr_in server;
	unsigned completions;
	char completed_path[256];
	uint64_t completed_bytes;
	struct sockaddr_in completed_client;	/* AF_UNSPEC when the callback got another family */
	int saved_stderr;		/* while the log is captured, else -1 */
	FILE *log_file;
	char log_text[LOG_TEXT_MAX];	/* captured log, after capture_stop */
};

/* A received packet and the address it came from. */
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
	memset(&f->completed_client, 0, sizeof(f->completed_client));
	if (client->sa_family == AF_INET)
		memcpy(&f->completed_client, client, sizeof(f->completed_client));
	snprintf(f->completed_path, sizeof(f->completed_path), "%s", path);
	f->completed_bytes = bytes;
}

/* One turn of the daemon loop: submit, wait up to wait_ms, dispatch, tick. */
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

/* Run the loop until sock has a packet, then read it; len -1 after timeout_ms. */
static void recv_packet(struct fixture *f, int sock, struct packet *p, unsigned timeout_ms)
{
	uint64_t until = rb_tftp_now_ms() + timeout_ms;
	socklen_t from_len = sizeof(p->from);

	p->len = -1;
	do {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };

		if (poll(&pfd, 1, 0) == 1) {
			p->len = recvfrom(sock, p->data, sizeof(p->data), 0,
					  (struct sockaddr *)&p->from, &from_len);
			return;
		}
		pump_once(f, 1);
	} while (rb_tftp_now_ms() < until);
}

static void send_to(int sock, const struct sockaddr_in *to, const void *data, size_t len)
{
	assert_int_equal(sendto(sock, data, len, 0, (const struct sockaddr *)to, sizeof(*to)),
			 (ssize_t)len);
}

/* Request "opcode file mode" plus NULL-terminated name/value pairs. */
static size_t build_request(uint8_t *buf, uint16_t opcode, const char *file, const char *mode,
			    const char *const *options)
{
	size_t len = 2;

	buf[0] = 0;
	buf[1] = (uint8_t)opcode;
	len += (size_t)sprintf((char *)buf + len, "%s", file) + 1;
	len += (size_t)sprintf((char *)buf + len, "%s", mode) + 1;
	for (; options && *options; options++)
		len += (size_t)sprintf((char *)buf + len, "%s", *options) + 1;
	return len;
}

static void send_request(struct fixture *f, int sock, uint16_t opcode, const char *file,
			 const char *mode, const char *const *options)
{
	uint8_t buf[RB_TFTP_REQUEST_MAX];

	send_to(sock, &f->server, buf, build_request(buf, opcode, file, mode, options));
}

static void send_ack(int sock, const struct sockaddr_in *to, uint16_t block)
{
	uint8_t ack[4] = { 0, RB_TFTP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	send_to(sock, to, ack, sizeof(ack));
}

static uint16_t pkt_u16(const struct packet *p, size_t offset)
{
	return (uint16_t)(p->data[offset] << 8 | p->data[offset + 1]);
}

/* The next packet must be DATA block with len payload bytes. */
static void expect_data(struct fixture *f, int sock, struct packet *p, uint16_t block,
			size_t len)
{
	recv_packet(f, sock, p, WAIT_MS);
	assert_int_equal(p->len, (ssize_t)(RB_TFTP_HEADER_LEN + len));
	assert_int_equal(pkt_u16(p, 0), RB_TFTP_DATA);
	assert_int_equal(pkt_u16(p, 2), block);
}

static void expect_error(struct fixture *f, int sock, uint16_t code, const char *message)
{
	struct packet p;

	recv_packet(f, sock, &p, WAIT_MS);
	assert_true(p.len > RB_TFTP_HEADER_LEN);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_ERROR);
	assert_int_equal(pkt_u16(&p, 2), code);
	assert_int_equal(p.data[p.len - 1], 0);
	assert_string_equal((const char *)p.data + RB_TFTP_HEADER_LEN, message);
	/* Request errors come from the server port, not a transfer port. */
	assert_int_equal(p.from.sin_port, f->server.sin_port);
}

static void expect_quiet(struct fixture *f, int sock)
{
	struct packet p;

	recv_packet(f, sock, &p, QUIET_MS);
	if (p.len >= 0)
		fail_msg("expected no packet, got %zd bytes: opcode %u, block or code %u", p.len,
			 p.len >= 2 ? pkt_u16(&p, 0) : 0, p.len >= 4 ? pkt_u16(&p, 2) : 0);
}

static void wait_idle(struct fixture *f)
{
	for (int i = 0; i < 100 && rb_tftp_server_active(f->srv) > 0; i++)
		pump_once(f, 5);
	assert_int_equal(rb_tftp_server_active(f->srv), 0);
}

static uint8_t pattern_byte(uint64_t offset)
{
	return (uint8_t)(offset * 7 + (offset >> 8));
}

static void write_pattern(struct fixture *f, const char *name, size_t size)
{
	char path[PATH_MAX * 2];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", f->root, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	for (size_t i = 0; i < size; i++)
		assert_int_not_equal(fputc(pattern_byte(i), out), EOF);
	assert_int_equal(fclose(out), 0);
}

static void write_text(struct fixture *f, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", f->root, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(text, 1, strlen(text), out), strlen(text));
	assert_int_equal(fclose(out), 0);
}

static int udp_socket(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -1;
	return sock;
}

/*
 * Send the log to a temporary file, at info level like rackbootd.  The
 * flush first drops the repeat counts of earlier tests, silently because
 * this binary logs errors only.
 */
static void capture_start(struct fixture *f)
{
	rb_log_repeat_flush();
	fflush(stderr);
	f->log_file = tmpfile();
	assert_non_null(f->log_file);
	f->saved_stderr = dup(STDERR_FILENO);
	assert_true(f->saved_stderr >= 0);
	assert_true(dup2(fileno(f->log_file), STDERR_FILENO) >= 0);
	rb_log_set_level(RB_LOG_INFO);
}

/* Restore stderr and the level.  The teardown calls this too, after a failed check. */
static void capture_restore(struct fixture *f)
{
	if (f->saved_stderr < 0)
		return;
	rb_log_set_level(RB_LOG_ERR);
	fflush(stderr);
	dup2(f->saved_stderr, STDERR_FILENO);
	close(f->saved_stderr);
	f->saved_stderr = -1;
}

/*
 * Log the repeat summaries as rackbootd's one-second timer does, stop the
 * capture, and return the number of lines logged (text in f->log_text).
 */
static unsigned capture_stop(struct fixture *f)
{
	unsigned lines = 0;
	const char *line;
	size_t len;

	rb_log_repeat_flush();
	capture_restore(f);

	rewind(f->log_file);
	len = fread(f->log_text, 1, sizeof(f->log_text) - 1, f->log_file);
	f->log_text[len] = '\0';
	fclose(f->log_file);
	f->log_file = NULL;

	for (size_t i = 0; i < len; i++)
		lines += f->log_text[i] == '\n';

	/* The start of the log, shown for a failing check. */
	printf("# captured log, %u lines:\n", lines);
	line = f->log_text;
	for (unsigned shown = 0; *line && shown < LOG_SHOW_MAX; shown++) {
		const char *end = strchr(line, '\n');
		int n = end ? (int)(end - line) : (int)strlen(line);

		printf("#   %.*s\n", n, line);
		line += n + (end != NULL);
	}
	return lines;
}

static unsigned count_substring(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static int make_tree(struct fixture *f)
{
	char path[PATH_MAX * 2];

	snprintf(f->top, sizeof(f->top), "%s/rb-tftp-server.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(f->top))
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root", f->top);
	if (mkdir(f->root, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/secret", f->top);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/escape", f->root);
	return symlink("../secret", path);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Undo a setup that failed half way; cmocka skips the teardown then. */
static int setup_failed(struct fixture *f, bool ring_ready)
{
	/* The ring goes first: rb_tftp_server_free is safe after io_uring_queue_exit. */
	if (ring_ready)
		io_uring_queue_exit(&f->ring);
	rb_tftp_server_free(f->srv);
	if (f->top[0])
		nftw(f->top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return -1;
}

static int fixture_setup(void **state)
{
	const struct variant *v = *state ? *state : &default_variant;
	struct fixture *f = calloc(1, sizeof(*f));
	struct rb_tftp_config cfg;

	if (!f)
		return -1;
	f->saved_stderr = -1;
	if (make_tree(f) < 0)
		return setup_failed(f, false);
	if (io_uring_queue_init(256, &f->ring, 0) < 0)
		return setup_failed(f, false);

	rb_tftp_config_defaults(&cfg);
	cfg.root = f->root;
	cfg.bind_addr = htonl(INADDR_LOOPBACK);
	cfg.port = 0;
	cfg.on_complete = on_complete;
	cfg.on_complete_arg = f;
	if (v->max_transfers)
		cfg.max_transfers = v->max_transfers;
	if (v->retries)
		cfg.retries = v->retries;
	if (rb_tftp_server_new(&f->ring, &cfg, &f->srv) < 0 || rb_tftp_server_start(f->srv) < 0)
		return setup_failed(f, true);

	f->server = (struct sockaddr_in){ .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					  .sin_port = htons(rb_tftp_server_port(f->srv)) };
	f->client = udp_socket();
	if (f->client < 0)
		return setup_failed(f, true);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	capture_restore(f);
	if (f->log_file)
		fclose(f->log_file);
	rb_tftp_server_stop(f->srv);
	for (int i = 0; i < 200 && !rb_tftp_server_drained(f->srv); i++)
		pump_once(f, 5);
	if (!rb_tftp_server_drained(f->srv))
		fprintf(stderr, "# server not drained after 1 s\n");
	io_uring_queue_exit(&f->ring);
	rb_tftp_server_free(f->srv);
	close(f->client);
	nftw(f->top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void test_small_file_octet(void **state)
{
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "small", 100);
	send_request(f, f->client, RB_TFTP_RRQ, "small", "octet", NULL);
	expect_data(f, f->client, &p, 1, 100);
	assert_int_not_equal(p.from.sin_port, f->server.sin_port);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p.data[RB_TFTP_HEADER_LEN + i], pattern_byte((uint64_t)i));

	send_ack(f->client, &p.from, 1);
	wait_idle(f);
	assert_int_equal(rb_tftp_server_counters(f->srv)->rrq, 1);
	assert_int_equal(rb_tftp_server_counters(f->srv)->done, 1);
	assert_int_equal(f->completions, 1);
	assert_string_equal(f->completed_path, "small");
	assert_int_equal(f->completed_bytes, 100);
	assert_int_equal(f->completed_client.sin_family, AF_INET);
	assert_int_equal(f->completed_client.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

static void test_exact_multiple_ends_empty(void **state)
{
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "k1", 1024);
	send_request(f, f->client, RB_TFTP_RRQ, "k1", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);
	send_ack(f->client, &p.from, 1);
	expect_data(f, f->client, &p, 2, 512);
	send_ack(f->client, &p.from, 2);
	expect_data(f, f->client, &p, 3, 0);
	send_ack(f->client, &p.from, 3);
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, 1024);
}

static void test_oack_only_known_options(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "1468\0timeout\0" "3\0tsize\0" "5000";
	static const char *const options[] = { "tsize", "0", "blksize", "1468", "timeout", "3",
					       "multicast", "", NULL };
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "img", 5000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, sizeof(oack));
	assert_memory_equal(p.data, oack, sizeof(oack));

	send_ack(f->client, &p.from, 0);
	expect_data(f, f->client, &p, 1, 1468);
	assert_int_equal(p.data[RB_TFTP_HEADER_LEN + 1467], pattern_byte(1467));
}

static void test_blksize_clamped_to_max(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "1468";
	static const char *const options[] = { "BlkSize", "65464", NULL };
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "img", 3000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, sizeof(oack));
	assert_memory_equal(p.data, oack, sizeof(oack));
}

static void test_no_accepted_option_sends_data(void **state)
{
	static const char *const options[] = { "blksize", "4", "windowsize", "0", "multicast", "",
					       NULL };
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "img", 600);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", options);
	expect_data(f, f->client, &p, 1, 512);
}

static void test_error_after_oack_ends(void **state)
{
	static const char *const options[] = { "tsize", "0", "blksize", "1468", NULL };
	static const uint8_t abort_pkt[] = "\0\5\0\10User aborted the transfer";
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "snponly.efi", 173792);
	send_request(f, f->client, RB_TFTP_RRQ, "snponly.efi", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);

	send_to(f->client, &p.from, abort_pkt, sizeof(abort_pkt));
	wait_idle(f);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->aborted, 1);
	assert_int_equal(rb_tftp_server_counters(f->srv)->done, 0);
	assert_int_equal(f->completions, 0);
}

static void test_duplicate_ack_no_resend(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	struct sockaddr_in tid;

	write_pattern(f, "img", 2000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);
	tid = p.from;
	send_ack(f->client, &tid, 1);
	expect_data(f, f->client, &p, 2, 512);

	/* A delayed duplicate of ACK 1 and an old ACK 0 get no reply. */
	send_ack(f->client, &tid, 1);
	send_ack(f->client, &tid, 0);
	expect_quiet(f, f->client);

	send_ack(f->client, &tid, 2);
	expect_data(f, f->client, &p, 3, 512);
	send_ack(f->client, &tid, 3);
	expect_data(f, f->client, &p, 4, 2000 - 3 * 512);
	send_ack(f->client, &tid, 4);
	wait_idle(f);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 0);
	assert_int_equal(f->completed_bytes, 2000);
}

static void test_retransmit_then_abandon(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint64_t now = rb_tftp_now_ms();

	write_pattern(f, "img", 2000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);

	/* Before the 1 s timeout nothing is sent again. */
	rb_tftp_server_tick(f->srv, now + 500);
	expect_quiet(f, f->client);

	/* Each timeout repeats DATA 1, two times (variant two_retries). */
	for (unsigned i = 1; i <= 2; i++) {
		now += 2000;
		rb_tftp_server_tick(f->srv, now);
		expect_data(f, f->client, &p, 1, 512);
		assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, i);
	}

	now += 2000;
	rb_tftp_server_tick(f->srv, now);
	wait_idle(f);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->timeout, 1);
	assert_int_equal(f->completions, 0);
}

static void test_negotiated_timeout_honoured(void **state)
{
	static const char *const options[] = { "timeout", "3", NULL };
	struct fixture *f = *state;
	struct packet p;
	uint64_t now = rb_tftp_now_ms();

	write_pattern(f, "img", 100);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);

	rb_tftp_server_tick(f->srv, now + 2000);
	expect_quiet(f, f->client);
	rb_tftp_server_tick(f->srv, now + 3500);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
}

static void test_block_number_rollover(void **state)
{
	static const char *const options[] = { "blksize", "8", NULL };
	const uint64_t size = (uint64_t)(ROLLOVER_BLOCKS - 1) * 8 + 3;
	struct fixture *f = *state;
	struct packet p;
	struct sockaddr_in tid;

	write_pattern(f, "big", size);
	send_request(f, f->client, RB_TFTP_RRQ, "big", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	tid = p.from;
	send_ack(f->client, &tid, 0);

	for (uint64_t n = 1; n <= ROLLOVER_BLOCKS; n++) {
		size_t len = n < ROLLOVER_BLOCKS ? 8 : 3;
		uint64_t offset = (n - 1) * 8;

		recv_packet(f, f->client, &p, WAIT_MS);
		if (p.len != (ssize_t)(RB_TFTP_HEADER_LEN + len) ||
		    pkt_u16(&p, 2) != (uint16_t)n ||
		    p.data[RB_TFTP_HEADER_LEN] != pattern_byte(offset))
			fail_msg("block %llu: length %zd, block number %u",
				 (unsigned long long)n, p.len, pkt_u16(&p, 2));
		send_ack(f->client, &tid, (uint16_t)n);
	}
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, size);
}

static void test_foreign_tid_gets_error(void **state)
{
	struct fixture *f = *state;
	int stranger = udp_socket();
	struct packet p, e;
	struct sockaddr_in tid;

	assert_true(stranger >= 0);
	write_pattern(f, "img", 600);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);
	tid = p.from;

	send_ack(stranger, &tid, 1);
	recv_packet(f, stranger, &e, WAIT_MS);
	assert_true(e.len > RB_TFTP_HEADER_LEN);
	assert_int_equal(pkt_u16(&e, 0), RB_TFTP_ERROR);
	assert_int_equal(pkt_u16(&e, 2), RB_TFTP_EBADID);
	assert_int_equal(e.from.sin_port, tid.sin_port);
	close(stranger);

	/* The real client's transfer goes on: the stranger's ACK moved nothing. */
	expect_quiet(f, f->client);
	send_ack(f->client, &tid, 1);
	expect_data(f, f->client, &p, 2, 88);
}

static void test_busy_at_transfer_limit(void **state)
{
	struct fixture *f = *state;
	int second = udp_socket();
	struct packet p;

	assert_true(second >= 0);
	write_pattern(f, "img", 600);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);

	send_request(f, second, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_error(f, second, RB_TFTP_EUNDEF, "server busy, retry later");
	close(second);
	assert_int_equal(rb_tftp_server_counters(f->srv)->busy, 1);
}

static void test_write_request_rejected(void **state)
{
	struct fixture *f = *state;

	send_request(f, f->client, RB_TFTP_WRQ, "upload.bin", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_EACCESS, "write requests are not accepted");
	assert_int_equal(rb_tftp_server_counters(f->srv)->wrq, 1);
}

static void test_unservable_requests(void **state)
{
	struct fixture *f = *state;

	send_request(f, f->client, RB_TFTP_RRQ, "missing.efi", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_ENOTFOUND, "file not found");
	send_request(f, f->client, RB_TFTP_RRQ, "/etc/passwd", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_ENOTFOUND, "file not found");
	send_request(f, f->client, RB_TFTP_RRQ, "../etc/passwd", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_EACCESS, "access violation: \"..\" in the file name");
	send_request(f, f->client, RB_TFTP_RRQ, "/../../etc/passwd", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_EACCESS, "access violation: \"..\" in the file name");
	send_request(f, f->client, RB_TFTP_RRQ, "..\\..\\etc\\passwd", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_EACCESS, "access violation: \"..\" in the file name");
	send_request(f, f->client, RB_TFTP_RRQ, "escape/x", "octet", NULL);
	expect_error(f, f->client, RB_TFTP_EACCESS,
		     "access violation: the path leaves the TFTP root");
	send_request(f, f->client, RB_TFTP_RRQ, "f", "mail", NULL);
	expect_error(f, f->client, RB_TFTP_EBADOP, "mail mode is not supported, use octet");

	assert_int_equal(rb_tftp_server_counters(f->srv)->rrq, 7);
	assert_int_equal(rb_tftp_server_counters(f->srv)->error, 7);
	assert_int_equal(rb_tftp_server_active(f->srv), 0);
}

static void test_malformed_request_error(void **state)
{
	static const uint8_t no_mode[] = "\0\1file";
	static const uint8_t stray_ack[] = "\0\4\0\1";
	struct fixture *f = *state;

	send_to(f->client, &f->server, no_mode, sizeof(no_mode));
	expect_error(f, f->client, RB_TFTP_EBADOP, "transfer mode is not NUL terminated");

	/* An ACK to the server port gets no reply at all. */
	send_to(f->client, &f->server, stray_ack, sizeof(stray_ack) - 1);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->malformed, 2);
}

static void test_netascii_and_mode_case(void **state)
{
	static const uint8_t expected[] = "a\r\nb\r\0c";
	struct fixture *f = *state;
	struct packet p;

	write_text(f, "t.txt", "a\nb\rc");
	send_request(f, f->client, RB_TFTP_RRQ, "t.txt", "NetAscii", NULL);
	expect_data(f, f->client, &p, 1, sizeof(expected) - 1);
	assert_memory_equal(p.data + RB_TFTP_HEADER_LEN, expected, sizeof(expected) - 1);
	send_ack(f->client, &p.from, 1);

	send_request(f, f->client, RB_TFTP_RRQ, "t.txt", "OCTET", NULL);
	expect_data(f, f->client, &p, 1, 5);
	assert_memory_equal(p.data + RB_TFTP_HEADER_LEN, "a\nb\rc", 5);
}

static void test_repeated_request_same_transfer(void **state)
{
	struct fixture *f = *state;
	struct packet first, again;

	write_pattern(f, "img", 600);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &first, 1, 512);
	send_request(f, f->client, RB_TFTP_RRQ, "/img", "octet", NULL);
	expect_data(f, f->client, &again, 1, 512);
	assert_int_equal(again.from.sin_port, first.from.sin_port);
	assert_int_equal(rb_tftp_server_active(f->srv), 1);
}

/* tsize 0 is left out of the OACK; with no other option, DATA 1 comes at once. */
static void test_empty_file_tsize_only(void **state)
{
	static const char *const options[] = { "tsize", "0", NULL };
	struct fixture *f = *state;
	struct packet p;

	write_text(f, "empty", "");
	send_request(f, f->client, RB_TFTP_RRQ, "empty", "octet", options);
	expect_data(f, f->client, &p, 1, 0);
	send_ack(f->client, &p.from, 1);
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, 0);
}

/* curl's default request: the OACK keeps blksize and timeout, without tsize. */
static void test_empty_file_curl_options(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0timeout\0" "6";
	static const char *const options[] = { "tsize", "0", "blksize", "512", "timeout", "6",
					       NULL };
	struct fixture *f = *state;
	struct packet p;

	write_text(f, "empty", "");
	send_request(f, f->client, RB_TFTP_RRQ, "empty", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, sizeof(oack));
	assert_memory_equal(p.data, oack, sizeof(oack));
	send_ack(f->client, &p.from, 0);
	expect_data(f, f->client, &p, 1, 0);
	send_ack(f->client, &p.from, 1);
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, 0);
}

static void test_missing_file_flood_log(void **state)
{
	struct fixture *f = *state;
	unsigned replies = 0, lines;
	char name[32];
	struct packet p;

	capture_start(f);
	for (unsigned i = 0; i < FLOOD_REQUESTS; i++) {
		snprintf(name, sizeof(name), "missing-%u.efi", i);
		send_request(f, f->client, RB_TFTP_RRQ, name, "octet", NULL);
		recv_packet(f, f->client, &p, WAIT_MS);
		if (p.len > RB_TFTP_HEADER_LEN && pkt_u16(&p, 0) == RB_TFTP_ERROR &&
		    pkt_u16(&p, 2) == RB_TFTP_ENOTFOUND)
			replies++;
	}
	lines = capture_stop(f);

	/* Every request is answered and counted, but logged at most twice. */
	assert_int_equal(replies, FLOOD_REQUESTS);
	assert_int_equal(rb_tftp_server_counters(f->srv)->rrq, FLOOD_REQUESTS);
	assert_int_equal(rb_tftp_server_counters(f->srv)->error, FLOOD_REQUESTS);
	assert_in_range(lines, 1, FLOOD_LOG_MAX);
	assert_in_range(count_substring(f->log_text, "rejected with ERROR 1"), 0, 1);
	assert_int_equal(count_substring(f->log_text, "tftp: requests for missing files: "), 1);
}

static void test_abandoned_flood_log(void **state)
{
	struct fixture *f = *state;
	unsigned lines, first_blocks = 0;
	struct packet p;
	uint64_t now;
	char name[32];

	for (unsigned i = 0; i < FLOOD_TRANSFERS; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		write_pattern(f, name, 600);
	}

	/* Batches of 16 stay below the 64 receive buffers of the server socket. */
	capture_start(f);
	for (unsigned i = 0; i < FLOOD_TRANSFERS; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		send_request(f, f->client, RB_TFTP_RRQ, name, "octet", NULL);
		if (i % 16 != 15 && i + 1 < FLOOD_TRANSFERS)
			continue;
		for (int j = 0; j < 1000 && rb_tftp_server_active(f->srv) <= i; j++)
			pump_once(f, 1);
	}

	/* Each DATA 1 arrives before its send completes, so pump once more. */
	for (unsigned i = 0; i < FLOOD_TRANSFERS; i++) {
		recv_packet(f, f->client, &p, WAIT_MS);
		if (p.len == RB_TFTP_HEADER_LEN + 512 && pkt_u16(&p, 2) == 1)
			first_blocks++;
	}
	pump_once(f, 1);

	/* One retransmission (variant one_retry), then every transfer is abandoned. */
	now = rb_tftp_now_ms();
	rb_tftp_server_tick(f->srv, now + 2000);
	pump_once(f, 1);
	rb_tftp_server_tick(f->srv, now + 4000);
	wait_idle(f);
	lines = capture_stop(f);

	assert_int_equal(first_blocks, FLOOD_TRANSFERS);
	assert_int_equal(rb_tftp_server_counters(f->srv)->rrq, FLOOD_TRANSFERS);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, FLOOD_TRANSFERS);
	assert_int_equal(rb_tftp_server_counters(f->srv)->timeout, FLOOD_TRANSFERS);
	assert_in_range(lines, 1, FLOOD_LOG_MAX);
	assert_in_range(count_substring(f->log_text, "transfer abandoned"), 0, 1);
	assert_int_equal(count_substring(f->log_text,
					 "tftp: transfers abandoned without an ACK: "), 1);
}

/* Completed transfers make one info line per interval, not one each. */
static void test_done_summary_line(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	unsigned lines;

	write_pattern(f, "img", 100);
	capture_start(f);
	for (unsigned i = 0; i < 3; i++) {
		send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
		expect_data(f, f->client, &p, 1, 100);
		send_ack(f->client, &p.from, 1);
		wait_idle(f);
	}
	assert_true(rb_tftp_server_next_deadline_ms(f->srv) <= rb_tftp_now_ms() + 10000);

	/* 11 s later by the server's clock, tick logs the summary and closes it. */
	rb_tftp_server_tick(f->srv, rb_tftp_now_ms() + 11000);
	assert_int_equal(rb_tftp_server_next_deadline_ms(f->srv), UINT64_MAX);
	lines = capture_stop(f);

	assert_int_equal(rb_tftp_server_counters(f->srv)->done, 3);
	assert_int_equal(lines, 1);
	assert_non_null(strstr(f->log_text, "tftp: 3 transfers done, 300 bytes sent, in the last"));
}

static void test_stop_ends_transfers(void **state)
{
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "img", 2000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);
	assert_int_equal(rb_tftp_server_active(f->srv), 1);

	rb_tftp_server_stop(f->srv);
	for (int i = 0; i < 200 && !rb_tftp_server_drained(f->srv); i++)
		pump_once(f, 5);
	assert_true(rb_tftp_server_drained(f->srv));
	assert_int_equal(rb_tftp_server_active(f->srv), 0);

	/* Nothing listens any more: the ACK goes unanswered. */
	send_ack(f->client, &p.from, 1);
	expect_quiet(f, f->client);
}


/* Request file with blksize 512 and windowsize window; check the OACK and ACK it. */
static struct sockaddr_in start_window(struct fixture *f, const char *file, const char *window,
				       const uint8_t *oack, size_t oack_len)
{
	const char *const options[] = { "blksize", "512", "windowsize", window, NULL };
	struct packet p;

	send_request(f, f->client, RB_TFTP_RRQ, file, "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, oack_len);
	assert_memory_equal(p.data, oack, oack_len);
	send_ack(f->client, &p.from, 0);
	return p.from;
}

/* The next packets must be DATA first..last, full blocks of 512 bytes. */
static void expect_window(struct fixture *f, uint64_t first, uint64_t last)
{
	struct packet p;

	for (uint64_t block = first; block <= last; block++) {
		expect_data(f, f->client, &p, (uint16_t)block, 512);
		assert_int_equal(p.data[RB_TFTP_HEADER_LEN], pattern_byte((block - 1) * 512));
	}
}

static void test_window_sent_per_ack(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0windowsize\0" "4";
	struct fixture *f = *state;
	struct sockaddr_in tid;
	struct packet p;

	/* 10 blocks: 9 full ones and 100 bytes. */
	write_pattern(f, "img", 9 * 512 + 100);
	tid = start_window(f, "img", "4", oack, sizeof(oack));
	expect_window(f, 1, 4);
	expect_quiet(f, f->client);

	send_ack(f->client, &tid, 4);
	expect_window(f, 5, 8);
	expect_quiet(f, f->client);

	send_ack(f->client, &tid, 8);
	expect_data(f, f->client, &p, 9, 512);
	expect_data(f, f->client, &p, 10, 100);
	expect_quiet(f, f->client);
	send_ack(f->client, &tid, 10);
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, 9 * 512 + 100);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 0);
}

/* The client lost block 3: it ACKs 2, and the window starts again at 3. */
static void test_window_restarts_after_lost_block(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0windowsize\0" "4";
	struct fixture *f = *state;
	struct sockaddr_in tid;

	write_pattern(f, "img", 20 * 512);
	tid = start_window(f, "img", "4", oack, sizeof(oack));
	expect_window(f, 1, 4);

	send_ack(f->client, &tid, 2);
	expect_window(f, 3, 6);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 2);

	send_ack(f->client, &tid, 6);
	expect_window(f, 7, 10);
	assert_int_equal(rb_tftp_server_counters(f->srv)->bytes, 6 * 512);
}

/* Duplicate and old ACKs send nothing; only the timer sends the window again. */
static void test_window_duplicate_ack_no_burst(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0windowsize\0" "4";
	struct fixture *f = *state;
	struct sockaddr_in tid;
	uint64_t now;

	write_pattern(f, "img", 20 * 512);
	tid = start_window(f, "img", "4", oack, sizeof(oack));
	expect_window(f, 1, 4);
	send_ack(f->client, &tid, 4);
	expect_window(f, 5, 8);

	send_ack(f->client, &tid, 4);
	send_ack(f->client, &tid, 4);
	send_ack(f->client, &tid, 2);
	send_ack(f->client, &tid, 0);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 0);

	now = rb_tftp_now_ms();
	rb_tftp_server_tick(f->srv, now + 2000);
	expect_window(f, 5, 8);
	expect_quiet(f, f->client);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 4);
}

/* A window larger than the server's maximum is cut to it in the OACK. */
static void test_window_clamped_to_max(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0windowsize\0" "16";
	struct fixture *f = *state;

	write_pattern(f, "img", 40 * 512);
	start_window(f, "img", "65535", oack, sizeof(oack));
	expect_window(f, 1, 16);
	expect_quiet(f, f->client);
}

/* A file whose size is a multiple of the block size ends with an empty block in the window. */
static void test_window_exact_multiple(void **state)
{
	static const uint8_t oack[] = "\0\6blksize\0" "512\0windowsize\0" "4";
	struct fixture *f = *state;
	struct sockaddr_in tid;
	struct packet p;

	write_pattern(f, "img", 4 * 512);
	tid = start_window(f, "img", "4", oack, sizeof(oack));
	expect_window(f, 1, 4);
	send_ack(f->client, &tid, 4);
	expect_data(f, f->client, &p, 5, 0);
	expect_quiet(f, f->client);
	send_ack(f->client, &tid, 5);
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, 4 * 512);
}

/* Block numbers wrap from 65535 to 0 inside a window, and ACKs wrap with them. */
static void test_window_block_rollover(void **state)
{
	static const char *const options[] = { "blksize", "8", "windowsize", "16", NULL };
	const uint64_t blocks = ROLLOVER_BLOCKS + 40;
	const uint64_t size = (blocks - 1) * 8 + 5;
	struct fixture *f = *state;
	struct sockaddr_in tid;
	struct packet p;
	uint64_t n = 1;

	write_pattern(f, "big", size);
	send_request(f, f->client, RB_TFTP_RRQ, "big", "octet", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	tid = p.from;
	send_ack(f->client, &tid, 0);

	while (n <= blocks) {
		uint64_t end = n + 15 < blocks ? n + 15 : blocks;

		for (; n <= end; n++) {
			size_t len = n < blocks ? 8 : 5;

			recv_packet(f, f->client, &p, WAIT_MS);
			if (p.len != (ssize_t)(RB_TFTP_HEADER_LEN + len) ||
			    pkt_u16(&p, 2) != (uint16_t)n ||
			    p.data[RB_TFTP_HEADER_LEN] != pattern_byte((n - 1) * 8))
				fail_msg("block %llu: length %zd, block number %u",
					 (unsigned long long)n, p.len, pkt_u16(&p, 2));
		}
		send_ack(f->client, &tid, (uint16_t)end);
	}
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(f->completed_bytes, size);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 0);
}

/* tsize only when the request has it: here blksize alone gets no tsize. */
static void test_tsize_only_when_requested(void **state)
{
	static const uint8_t no_tsize[] = "\0\6blksize\0" "1024";
	static const uint8_t with_tsize[] = "\0\6tsize\0" "3000";
	static const char *const blksize_only[] = { "blksize", "1024", NULL };
	static const char *const tsize_zero[] = { "tsize", "0", NULL };
	struct fixture *f = *state;
	struct packet p;

	write_pattern(f, "img", 3000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", blksize_only);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, sizeof(no_tsize));
	assert_memory_equal(p.data, no_tsize, sizeof(no_tsize));
	send_to(f->client, &p.from, "\0\5\0\10done", 9);

	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", tsize_zero);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(p.len, sizeof(with_tsize));
	assert_memory_equal(p.data, with_tsize, sizeof(with_tsize));
}

/* Each retransmission waits twice as long as the one before, up to 2 s. */
static void test_retransmit_backoff(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint64_t start = rb_tftp_now_ms();

	write_pattern(f, "img", 2000);
	send_request(f, f->client, RB_TFTP_RRQ, "img", "octet", NULL);
	expect_data(f, f->client, &p, 1, 512);

	/* 1 s after the send: first retransmission, the next one 2 s later. */
	rb_tftp_server_tick(f->srv, start + 1100);
	expect_data(f, f->client, &p, 1, 512);
	rb_tftp_server_tick(f->srv, start + 2900);
	expect_quiet(f, f->client);
	rb_tftp_server_tick(f->srv, start + 3200);
	expect_data(f, f->client, &p, 1, 512);

	/* The cap: 2 s again, not 4 s. */
	rb_tftp_server_tick(f->srv, start + 5300);
	expect_data(f, f->client, &p, 1, 512);
	assert_int_equal(rb_tftp_server_counters(f->srv)->retransmits, 3);
}

/* netascii in a window: each block is converted once, pairs split across blocks stay intact. */
static void test_window_netascii(void **state)
{
	static const char *const options[] = { "blksize", "8", "windowsize", "4", NULL };
	static const char text[] = "ab\ncd\r\nef\n\n\ngh\rij\nklmnopq\nrs\n";
	char expected[2 * sizeof(text)], received[2 * sizeof(text)];
	size_t expected_len = 0, received_len = 0;
	struct fixture *f = *state;
	struct sockaddr_in tid;
	struct packet p;
	uint16_t block = 0;

	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		if (text[i] == '\n' || text[i] == '\r')
			expected[expected_len++] = '\r';
		expected[expected_len++] = text[i] == '\r' ? '\0' : text[i];
	}

	write_text(f, "t.txt", text);
	send_request(f, f->client, RB_TFTP_RRQ, "t.txt", "netascii", options);
	recv_packet(f, f->client, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	tid = p.from;
	send_ack(f->client, &tid, 0);

	/* Read windows of 4 blocks until a block shorter than 8 bytes. */
	for (unsigned windows = 0; windows < 16; windows++) {
		bool last = false;

		for (unsigned i = 0; i < 4 && !last; i++) {
			recv_packet(f, f->client, &p, WAIT_MS);
			assert_true(p.len >= RB_TFTP_HEADER_LEN);
			assert_int_equal(pkt_u16(&p, 2), ++block);
			assert_true(received_len + (size_t)p.len - RB_TFTP_HEADER_LEN <= sizeof(received));
			memcpy(received + received_len, p.data + RB_TFTP_HEADER_LEN,
			       (size_t)p.len - RB_TFTP_HEADER_LEN);
			received_len += (size_t)p.len - RB_TFTP_HEADER_LEN;
			last = p.len < RB_TFTP_HEADER_LEN + 8;
		}
		send_ack(f->client, &tid, block);
		if (last)
			break;
	}
	wait_idle(f);
	assert_int_equal(f->completions, 1);
	assert_int_equal(received_len, expected_len);
	assert_memory_equal(received, expected, expected_len);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
#define TEST_WITH(fn, variant)                                                        \
	cmocka_unit_test_prestate_setup_teardown(fn, fixture_setup, fixture_teardown, \
						 (void *)&(variant))

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_small_file_octet),
		TEST(test_exact_multiple_ends_empty),
		TEST(test_oack_only_known_options),
		TEST(test_blksize_clamped_to_max),
		TEST(test_no_accepted_option_sends_data),
		TEST(test_error_after_oack_ends),
		TEST(test_duplicate_ack_no_resend),
		TEST_WITH(test_retransmit_then_abandon, two_retries),
		TEST(test_negotiated_timeout_honoured),
		TEST(test_block_number_rollover),
		TEST(test_foreign_tid_gets_error),
		TEST_WITH(test_busy_at_transfer_limit, one_transfer),
		TEST(test_write_request_rejected),
		TEST(test_unservable_requests),
		TEST(test_malformed_request_error),
		TEST(test_netascii_and_mode_case),
		TEST(test_repeated_request_same_transfer),
		TEST(test_empty_file_tsize_only),
		TEST(test_empty_file_curl_options),
		TEST(test_missing_file_flood_log),
		TEST_WITH(test_abandoned_flood_log, one_retry),
		TEST(test_done_summary_line),
		TEST(test_stop_ends_transfers),
		TEST(test_window_sent_per_ack),
		TEST(test_window_restarts_after_lost_block),
		TEST(test_window_duplicate_ack_no_burst),
		TEST(test_window_clamped_to_max),
		TEST(test_window_exact_multiple),
		TEST(test_window_block_rollover),
		TEST(test_tsize_only_when_requested),
		TEST(test_retransmit_backoff),
		TEST(test_window_netascii),
	};

	/* Transfer logs would drown the test output; errors still show. */
	rb_log_init("test_tftp_server", RB_LOG_ERR);
	return cmocka_run_group_tests_name("tftp_server", tests, NULL, NULL);
}
