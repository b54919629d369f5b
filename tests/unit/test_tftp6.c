// SPDX-License-Identifier: MIT
/*
 * The TFTP server over IPv6 and on its dual-stack socket, on a real
 * io_uring and real UDP sockets.
 *
 * The process first moves into a network namespace of its own (when it
 * may), with lo up and a veth pair d0/d1, where d0 has two IPv4, two
 * global IPv6 and one link-local IPv6 address.  There the tests bind the
 * server to [::] and check that every transfer answers from the address
 * the request was sent to, for IPv4 and IPv6 clients alike, and that the
 * completion callback gets IPv4 clients as AF_INET.  Without the
 * namespace (not root), only the tests on [::1] run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <net/if.h>
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
#include "lib/netns_unshare.h"
#include "tftp/tftp_addr.h"
#include "tftp/tftp_codec.h"
#include "tftp/tftp_server.h"

#define PKT_MAX		(RB_TFTP_HEADER_LEN + RB_TFTP_BLKSIZE_MAX)
#define WAIT_MS		2000	/* longest wait for a packet that must come */
#define QUIET_MS	150	/* how long "no packet" is watched */

/* Addresses on d0 in the private namespace. */
#define V4_FIRST	"10.66.0.1"
#define V4_SECOND	"10.66.0.2"
#define V6_FIRST	"2001:db8:66::1"
#define V6_SECOND	"2001:db8:66::2"
#define V6_LINK_LOCAL	"fe80::66"
#define VETH_IF		"d0"
#define VETH_PEER	"d1"

static bool have_netns;

/* Where the server binds: "::" (dual stack), "::1", or an IPv4 address. */
struct variant {
	const char *bind;
	bool needs_netns;
};

static const struct variant on_loopback6 = { .bind = "::1" };
static const struct variant on_dual_stack = { .bind = "::", .needs_netns = true };

struct fixture {
	struct io_uring ring;
	struct rb_tftp_server *srv;
	char top[PATH_MAX];
	uint16_t port;
	unsigned completions;
	union tftp_addr completed_client;
	char completed_path[256];
	uint64_t completed_bytes;
};

struct packet {
	uint8_t data[PKT_MAX];
	ssize_t len;
	union tftp_addr from;
};

static void on_complete(void *arg, const struct sockaddr *client, const char *path,
			uint64_t bytes)
{
	struct fixture *f = arg;

	f->completions++;
	memset(&f->completed_client, 0, sizeof(f->completed_client));
	if (client->sa_family == AF_INET6)
		memcpy(&f->completed_client.sin6, client, sizeof(struct sockaddr_in6));
	else
		memcpy(&f->completed_client.sin, client, sizeof(struct sockaddr_in));
	snprintf(f->completed_path, sizeof(f->completed_path), "%s", path);
	f->completed_bytes = bytes;
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

static void recv_packet(struct fixture *f, int sock, struct packet *p, unsigned timeout_ms)
{
	uint64_t until = rb_tftp_now_ms() + timeout_ms;
	socklen_t from_len = sizeof(p->from);

	p->len = -1;
	do {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };

		if (poll(&pfd, 1, 0) == 1) {
			p->len = recvfrom(sock, p->data, sizeof(p->data), 0, &p->from.sa, &from_len);
			return;
		}
		pump_once(f, 1);
	} while (rb_tftp_now_ms() < until);
}

/* Socket address for text ("::1", "10.66.0.1", "fe80::66%d0") and port. */
static union tftp_addr make_addr(const char *text, uint16_t port)
{
	union tftp_addr a = { 0 };
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	char *zone;

	snprintf(host, sizeof(host), "%s", text);
	zone = strchr(host, '%');
	if (zone)
		*zone++ = '\0';
	if (inet_pton(AF_INET, host, &a.sin.sin_addr) == 1) {
		a.sin.sin_family = AF_INET;
		a.sin.sin_port = htons(port);
		return a;
	}
	assert_int_equal(inet_pton(AF_INET6, host, &a.sin6.sin6_addr), 1);
	a.sin6.sin6_family = AF_INET6;
	a.sin6.sin6_port = htons(port);
	if (zone)
		a.sin6.sin6_scope_id = if_nametoindex(zone);
	return a;
}

/* A client socket bound to the address text, any port. */
static int client_socket(const char *text)
{
	union tftp_addr a = make_addr(text, 0);
	int sock = socket(a.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(sock >= 0);
	assert_int_equal(bind(sock, &a.sa, tftp_addr_len(&a)), 0);
	return sock;
}

static void send_to(int sock, const union tftp_addr *to, const void *data, size_t len)
{
	assert_int_equal(sendto(sock, data, len, 0, &to->sa, tftp_addr_len(to)), (ssize_t)len);
}

/* RRQ for file in octet mode to the server port at address text. */
static void send_rrq(struct fixture *f, int sock, const char *text, const char *file,
		     const char *option, const char *value)
{
	union tftp_addr to = make_addr(text, f->port);
	uint8_t buf[RB_TFTP_REQUEST_MAX];
	size_t len = 2;

	buf[0] = 0;
	buf[1] = RB_TFTP_RRQ;
	len += (size_t)sprintf((char *)buf + len, "%s", file) + 1;
	len += (size_t)sprintf((char *)buf + len, "octet") + 1;
	if (option) {
		len += (size_t)sprintf((char *)buf + len, "%s", option) + 1;
		len += (size_t)sprintf((char *)buf + len, "%s", value) + 1;
	}
	send_to(sock, &to, buf, len);
}

static void send_ack(int sock, const union tftp_addr *to, uint16_t block)
{
	uint8_t ack[4] = { 0, RB_TFTP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	send_to(sock, to, ack, sizeof(ack));
}

static uint16_t pkt_u16(const struct packet *p, size_t offset)
{
	return (uint16_t)(p->data[offset] << 8 | p->data[offset + 1]);
}

static uint16_t addr_port(const union tftp_addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->sin6.sin6_port : a->sin.sin_port);
}

/* The packet came from the address text (any port). */
static void assert_from_address(const struct packet *p, const char *text)
{
	union tftp_addr want = make_addr(text, addr_port(&p->from));
	char got[TFTP_ADDR_TEXT_MAX];

	tftp_addr_text(&p->from, got, sizeof(got));
	if (!tftp_addr_equal(&p->from, &want))
		fail_msg("packet from %s, expected it from %s", got, text);
}

static void expect_data(struct fixture *f, int sock, struct packet *p, uint16_t block,
			size_t len)
{
	recv_packet(f, sock, p, WAIT_MS);
	assert_int_equal(p->len, (ssize_t)(RB_TFTP_HEADER_LEN + len));
	assert_int_equal(pkt_u16(p, 0), RB_TFTP_DATA);
	assert_int_equal(pkt_u16(p, 2), block);
}

static void expect_quiet(struct fixture *f, int sock)
{
	struct packet p;

	recv_packet(f, sock, &p, QUIET_MS);
	if (p.len >= 0)
		fail_msg("expected no packet, got %zd bytes", p.len);
}

static void wait_idle(struct fixture *f)
{
	for (int i = 0; i < 100 && rb_tftp_server_active(f->srv) > 0; i++)
		pump_once(f, 5);
	assert_int_equal(rb_tftp_server_active(f->srv), 0);
}

static void write_file(struct fixture *f, const char *name, size_t size)
{
	char path[PATH_MAX * 2];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", f->top, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	for (size_t i = 0; i < size; i++)
		assert_int_not_equal(fputc((int)(i * 13 % 251), out), EOF);
	assert_int_equal(fclose(out), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Fill cfg's bind address from text: IPv4 in bind_addr, IPv6 in bind_addr6. */
static void set_bind(struct rb_tftp_config *cfg, const char *text)
{
	if (inet_pton(AF_INET, text, &cfg->bind_addr) == 1)
		return;
	cfg->bind_addr = htonl(INADDR_ANY);
	assert_int_equal(inet_pton(AF_INET6, text, &cfg->bind_addr6), 1);
}

static int fixture_setup(void **state)
{
	const struct variant *v = *state;
	struct fixture *f;
	struct rb_tftp_config cfg;

	/* The test skips itself (require_fixture), because cmocka counts a skip here as an error. */
	if (v->needs_netns && !have_netns) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->top, sizeof(f->top), "%s/rb-tftp6.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(f->top) || io_uring_queue_init(128, &f->ring, 0) < 0) {
		free(f);
		return -1;
	}

	rb_tftp_config_defaults(&cfg);
	cfg.root = f->top;
	cfg.port = 0;
	cfg.on_complete = on_complete;
	cfg.on_complete_arg = f;
	set_bind(&cfg, v->bind);
	if (rb_tftp_server_new(&f->ring, &cfg, &f->srv) < 0 || rb_tftp_server_start(f->srv) < 0) {
		io_uring_queue_exit(&f->ring);
		rb_tftp_server_free(f->srv);
		nftw(f->top, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
		free(f);
		return -1;
	}
	f->port = rb_tftp_server_port(f->srv);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	rb_tftp_server_stop(f->srv);
	for (int i = 0; i < 200 && !rb_tftp_server_drained(f->srv); i++)
		pump_once(f, 5);
	io_uring_queue_exit(&f->ring);
	rb_tftp_server_free(f->srv);
	nftw(f->top, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/*
 * Download a 700-byte file from the client address to the server
 * address: DATA 1 and 2 must come from server_text on a transfer port,
 * and the completion must name the client.
 */
static void download_from(struct fixture *f, const char *client_text, const char *server_text)
{
	int sock = client_socket(client_text);
	union tftp_addr me;
	socklen_t me_len = sizeof(me);
	struct packet p;
	unsigned before = f->completions;

	assert_int_equal(getsockname(sock, &me.sa, &me_len), 0);
	write_file(f, "img", 700);

	send_rrq(f, sock, server_text, "img", NULL, NULL);
	expect_data(f, sock, &p, 1, 512);
	assert_from_address(&p, server_text);
	assert_int_not_equal(addr_port(&p.from), f->port);
	send_ack(sock, &p.from, 1);
	expect_data(f, sock, &p, 2, 188);
	assert_from_address(&p, server_text);
	send_ack(sock, &p.from, 2);
	wait_idle(f);

	assert_int_equal(f->completions, before + 1);
	assert_string_equal(f->completed_path, "img");
	assert_int_equal(f->completed_bytes, 700);
	assert_int_equal(f->completed_client.sa.sa_family, me.sa.sa_family);
	assert_true(tftp_addr_equal(&f->completed_client, &me));
	close(sock);
}

static void test_loopback6_download(void **state)
{
	download_from(*state, "::1", "::1");
}

/* A request for a missing file gets ERROR 1 from the server port and address. */
static void expect_not_found(struct fixture *f, const char *client_text, const char *server_text)
{
	int sock = client_socket(client_text);
	struct packet p;

	send_rrq(f, sock, server_text, "missing.efi", NULL, NULL);
	recv_packet(f, sock, &p, WAIT_MS);
	assert_true(p.len > RB_TFTP_HEADER_LEN);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_ERROR);
	assert_int_equal(pkt_u16(&p, 2), RB_TFTP_ENOTFOUND);
	assert_int_equal(addr_port(&p.from), f->port);
	assert_from_address(&p, server_text);
	close(sock);
}

static void test_loopback6_not_found(void **state)
{
	expect_not_found(*state, "::1", "::1");
}

/* IPv6 clients get 20 bytes less than blksize_max, so DATA fits the same MTU. */
static void test_loopback6_blksize_clamped(void **state)
{
	struct fixture *f = *state;
	int sock = client_socket("::1");
	struct packet p;
	const char *oack = "blksize\0" "1448";

	write_file(f, "big", 3000);
	send_rrq(f, sock, "::1", "big", "blksize", "1468");
	recv_packet(f, sock, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	assert_int_equal(p.len, (ssize_t)(2 + strlen("blksize") + 1 + strlen("1448") + 1));
	assert_memory_equal(p.data + 2, oack, (size_t)p.len - 2);

	send_ack(sock, &p.from, 0);
	expect_data(f, sock, &p, 1, 1448);
	close(sock);
}

/* A packet to a transfer port from another IPv6 port gets ERROR 5; the transfer goes on. */
static void test_loopback6_foreign_tid(void **state)
{
	struct fixture *f = *state;
	int sock = client_socket("::1"), other = client_socket("::1");
	struct packet p, q;

	write_file(f, "img", 600);
	send_rrq(f, sock, "::1", "img", NULL, NULL);
	expect_data(f, sock, &p, 1, 512);

	send_ack(other, &p.from, 1);
	recv_packet(f, other, &q, WAIT_MS);
	assert_int_equal(q.len, 4 + (ssize_t)strlen("unknown transfer ID") + 1);
	assert_int_equal(pkt_u16(&q, 0), RB_TFTP_ERROR);
	assert_int_equal(pkt_u16(&q, 2), RB_TFTP_EBADID);
	expect_quiet(f, sock);

	send_ack(sock, &p.from, 1);
	expect_data(f, sock, &p, 2, 88);
	close(sock);
	close(other);
}

/* An IPv6-only server does not take IPv4 requests. */
static void test_loopback6_ignores_ipv4(void **state)
{
	struct fixture *f = *state;
	int sock = client_socket("127.0.0.1");

	write_file(f, "img", 10);
	send_rrq(f, sock, "127.0.0.1", "img", NULL, NULL);
	expect_quiet(f, sock);
	assert_int_equal(rb_tftp_server_counters(f->srv)->rrq, 0);
	close(sock);
}

/* The fixture of a dual-stack test, which skips when there is no namespace. */
static struct fixture *require_fixture(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static void test_dual_ipv4_second_address(void **state)
{
	download_from(require_fixture(state), V4_FIRST, V4_SECOND);
}

static void test_dual_ipv6_second_address(void **state)
{
	download_from(require_fixture(state), V6_FIRST, V6_SECOND);
}

static void test_dual_link_local(void **state)
{
	download_from(require_fixture(state), V6_LINK_LOCAL "%" VETH_IF, V6_LINK_LOCAL "%" VETH_IF);
}

static void test_dual_loopback_both(void **state)
{
	struct fixture *f = require_fixture(state);

	download_from(f, "127.0.0.1", "127.0.0.1");
	download_from(f, "::1", "::1");
}

static void test_dual_errors_from_address(void **state)
{
	struct fixture *f = require_fixture(state);

	expect_not_found(f, V4_FIRST, V4_SECOND);
	expect_not_found(f, V6_FIRST, V6_SECOND);
	expect_not_found(f, V6_LINK_LOCAL "%" VETH_IF, V6_LINK_LOCAL "%" VETH_IF);
}

/* IPv4 clients keep the full blksize on the dual-stack socket. */
static void test_dual_ipv4_blksize_full(void **state)
{
	struct fixture *f = require_fixture(state);
	int sock = client_socket(V4_FIRST);
	struct packet p;

	write_file(f, "big", 3000);
	send_rrq(f, sock, V4_FIRST, "big", "blksize", "1468");
	recv_packet(f, sock, &p, WAIT_MS);
	assert_int_equal(pkt_u16(&p, 0), RB_TFTP_OACK);
	assert_string_equal((const char *)p.data + 2 + strlen("blksize") + 1, "1468");
	close(sock);
}

static void test_link_local_bind_rejected(void **state)
{
	struct io_uring ring;
	struct rb_tftp_server *srv = (void *)1;
	struct rb_tftp_config cfg;

	assert_int_equal(io_uring_queue_init(8, &ring, 0), 0);
	rb_tftp_config_defaults(&cfg);
	cfg.root = "/";
	cfg.port = 0;
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", &cfg.bind_addr6), 1);
	assert_int_equal(rb_tftp_server_new(&ring, &cfg, &srv), -EINVAL);
	assert_null(srv);
	io_uring_queue_exit(&ring);
}

static void test_addr_text_forms(void **state)
{
	union tftp_addr a = make_addr("10.1.2.3", 69);
	char text[TFTP_ADDR_TEXT_MAX];

	assert_string_equal(tftp_addr_text(&a, text, sizeof(text)), "10.1.2.3:69");
	a = make_addr("2001:db8::5", 1069);
	assert_string_equal(tftp_addr_text(&a, text, sizeof(text)), "[2001:db8::5]:1069");
	a = make_addr("fe80::5", 69);
	a.sin6.sin6_scope_id = if_nametoindex("lo");
	assert_string_equal(tftp_addr_text(&a, text, sizeof(text)), "[fe80::5%lo]:69");
	/* An interface index that names no interface is printed as the number. */
	a.sin6.sin6_scope_id = 999999;
	assert_string_equal(tftp_addr_text(&a, text, sizeof(text)), "[fe80::5%999999]:69");
}

static void test_addr_unmap_and_map(void **state)
{
	union tftp_addr mapped = make_addr("::ffff:192.0.2.7", 1234), back;
	union tftp_addr plain4 = make_addr("192.0.2.7", 1234);
	union tftp_addr plain6 = make_addr("2001:db8::7", 1234), copy;
	union tftp_addr remapped = make_addr("::ffff:192.0.2.7", 1234);

	tftp_addr_unmap(&mapped);
	assert_int_equal(mapped.sa.sa_family, AF_INET);
	assert_true(tftp_addr_equal(&mapped, &plain4));

	assert_int_equal(tftp_addr_for_socket(&mapped, AF_INET6, &back), sizeof(back.sin6));
	assert_true(tftp_addr_equal(&back, &remapped));
	assert_int_equal(tftp_addr_for_socket(&mapped, AF_INET, &back), sizeof(back.sin));

	copy = plain6;
	tftp_addr_unmap(&copy);
	assert_true(tftp_addr_equal(&copy, &plain6));
	assert_int_equal(tftp_addr_for_socket(&plain6, AF_INET, &back), 0);
}

/* lo up, and veth d0 with two addresses of each family plus a link-local one. */
static bool setup_netns(void)
{
	int err = test_netns_unshare();

	if (err) {
		printf("# no private network namespace (%s); dual-stack tests skipped\n",
		       strerror(-err));
		return false;
	}
	return test_netns_sh("ip link set lo up") == 0 &&
	       test_netns_sh("ip link add " VETH_IF " type veth peer name " VETH_PEER) == 0 &&
	       test_netns_sh("ip link set " VETH_IF " up && ip link set " VETH_PEER " up") == 0 &&
	       test_netns_sh("ip addr add " V4_FIRST "/24 dev " VETH_IF) == 0 &&
	       test_netns_sh("ip addr add " V4_SECOND "/24 dev " VETH_IF) == 0 &&
	       test_netns_sh("ip addr add " V6_FIRST "/64 dev " VETH_IF " nodad") == 0 &&
	       test_netns_sh("ip addr add " V6_SECOND "/64 dev " VETH_IF " nodad") == 0 &&
	       test_netns_sh("ip addr add " V6_LINK_LOCAL "/64 dev " VETH_IF " nodad") == 0;
}

#define TEST_ON(fn, variant)                                                          \
	cmocka_unit_test_prestate_setup_teardown(fn, fixture_setup, fixture_teardown, \
						 (void *)&(variant))

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_text_forms),
		cmocka_unit_test(test_addr_unmap_and_map),
		cmocka_unit_test(test_link_local_bind_rejected),
		TEST_ON(test_loopback6_download, on_loopback6),
		TEST_ON(test_loopback6_not_found, on_loopback6),
		TEST_ON(test_loopback6_blksize_clamped, on_loopback6),
		TEST_ON(test_loopback6_foreign_tid, on_loopback6),
		TEST_ON(test_loopback6_ignores_ipv4, on_loopback6),
		TEST_ON(test_dual_loopback_both, on_dual_stack),
		TEST_ON(test_dual_ipv4_second_address, on_dual_stack),
		TEST_ON(test_dual_ipv6_second_address, on_dual_stack),
		TEST_ON(test_dual_link_local, on_dual_stack),
		TEST_ON(test_dual_errors_from_address, on_dual_stack),
		TEST_ON(test_dual_ipv4_blksize_full, on_dual_stack),
	};

	rb_log_init("test_tftp6", RB_LOG_ERR);
	have_netns = setup_netns();
	return cmocka_run_group_tests_name("tftp6", tests, NULL, NULL);
}
