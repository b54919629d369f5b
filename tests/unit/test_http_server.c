// SPDX-License-Identifier: MIT
/*
 * The HTTP server's workers on real io_uring rings and TCP sockets on
 * ::1, in a network namespace of the test's own: keep-alive and
 * pipelined requests on one connection, and a 3 MiB file by sendfile
 * and, evicted from the page cache, through a pipe.  Also a client that
 * resets the connection and a file that shrinks in the middle of a body,
 * the 503 at max_connections, the idle timeout, the counters, and a stop
 * with connections still open.  Needs root for the namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cachestat.h"
#include "http/http_server.h"
#include "lib/netns_unshare.h"

#define BIG_SIZE	(3 * 1024 * 1024 + 7)
#define LARGE_SIZE	(32 * 1024 * 1024)	/* more than a loopback socket buffer queues */
#define RESET_REPEATS	20			/* resets mid-body, until one catches a sendfile */
#define IDLE_MS		300
#define MAX_CONNS	2

struct fixture {
	char root[64];
	uint8_t *big;
	struct rb_http_server *srv;
	uint16_t port;
};

static void write_bytes(const char *root, const char *name, const void *data, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct rb_http_server_config cfg;

	assert_non_null(fx);
	snprintf(fx->root, sizeof(fx->root), "/tmp/rb-test-http-server.XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	fx->big = malloc(BIG_SIZE);
	assert_non_null(fx->big);
	for (size_t i = 0; i < BIG_SIZE; i++)
		fx->big[i] = (uint8_t)(i * 7 + i / 4096);
	write_bytes(fx->root, "big.bin", fx->big, BIG_SIZE);
	write_bytes(fx->root, "a.txt", "first\n", 6);
	write_bytes(fx->root, "b.txt", "second\n", 7);

	rb_http_server_config_defaults(&cfg);
	cfg.root = fx->root;
	cfg.port = 0;
	cfg.loopback_only = true;
	cfg.workers = 1;
	cfg.max_connections = MAX_CONNS;
	cfg.idle_timeout_ms = IDLE_MS;
	assert_int_equal(rb_http_server_new(&cfg, &fx->srv), 0);
	assert_int_equal(rb_http_server_start(fx->srv), 0);
	fx->port = rb_http_server_port(fx->srv);
	assert_true(fx->port != 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	rb_http_server_free(fx->srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx->big);
	free(fx);
	return 0;
}

static int connect_to(uint16_t port)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct timeval timeout = { .tv_sec = 5 };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void send_text(int fd, const char *text)
{
	assert_int_equal(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t)strlen(text));
}

/* Read exactly len bytes, failing on EOF or the 5 s receive timeout. */
static void read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, 0);

		if (n <= 0)
			fail_msg("read %zu of %zu bytes, then %s", got, len,
				 n == 0 ? "EOF" : strerror(errno));
		got += (size_t)n;
	}
}

/*
 * Read one response: its header block into head (NUL terminated) and
 * its body, of Content-Length bytes, into body.  Returns the body length.
 */
static size_t read_response(int fd, char *head, size_t head_size, void *body, size_t body_size)
{
	size_t len = 0;
	unsigned long long content_length;
	const char *field;

	while (len < 4 || memcmp(head + len - 4, "\r\n\r\n", 4) != 0) {
		assert_true(len + 1 < head_size);
		read_exact(fd, head + len, 1);
		len++;
	}
	head[len] = '\0';
	field = strstr(head, "Content-Length: ");
	assert_non_null(field);
	content_length = strtoull(field + 16, NULL, 10);
	/* body_size 0: a HEAD response, whose Content-Length has no body behind it. */
	if (body_size == 0)
		return 0;
	assert_true(content_length <= body_size);
	read_exact(fd, body, content_length);
	return (size_t)content_length;
}

static void wait_counters(const struct fixture *fx, struct rb_http_counters *c,
			  uint64_t requests)
{
	for (int i = 0; i < 100; i++) {
		rb_http_server_counters(fx->srv, c);
		if (c->requests >= requests)
			return;
		usleep(10000);
	}
}

static void test_keep_alive_pipelined(void **state)
{
	struct fixture *fx = *state;
	int fd = connect_to(fx->port);
	char head[1024], body[64];
	struct rb_http_counters c;

	send_text(fd, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
		      "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, sizeof(body)), 6);
	assert_memory_equal(body, "first\n", 6);
	assert_int_equal(read_response(fd, head, sizeof(head), body, sizeof(body)), 7);
	assert_memory_equal(body, "second\n", 7);

	/* The same connection takes a third request, sent later. */
	send_text(fd, "HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, 0), 0);
	assert_non_null(strstr(head, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(head, "Content-Length: 6\r\n"));
	close(fd);

	wait_counters(fx, &c, 3);
	assert_int_equal(c.requests, 3);
	assert_int_equal(c.status_2xx, 3);
	assert_int_equal(c.connections, 1);
	assert_int_equal(c.bytes, 13);
}

static void test_big_file(void **state)
{
	struct fixture *fx = *state;
	int fd = connect_to(fx->port);
	uint8_t *body = malloc(BIG_SIZE);
	char head[1024];
	struct rb_http_counters c;

	assert_non_null(body);
	send_text(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, BIG_SIZE), BIG_SIZE);
	assert_memory_equal(body, fx->big, BIG_SIZE);
	/* Connection: close: the server ends the stream after the body. */
	assert_int_equal(recv(fd, head, 1, 0), 0);
	close(fd);
	free(body);

	wait_counters(fx, &c, 1);
	assert_int_equal(c.bytes, BIG_SIZE);
}

/* A range in the middle of the big file, across a pipe's worth of bytes. */
static void test_range_spliced(void **state)
{
	struct fixture *fx = *state;
	int fd = connect_to(fx->port);
	size_t first = 100000, len = 600000;
	uint8_t *body = malloc(len);
	char head[1024], request[128];

	assert_non_null(body);
	snprintf(request, sizeof(request), "GET /big.bin HTTP/1.1\r\nHost: x\r\n"
		 "Range: bytes=%zu-%zu\r\n\r\n", first, first + len - 1);
	send_text(fd, request);
	assert_int_equal(read_response(fd, head, sizeof(head), body, len), len);
	assert_non_null(strstr(head, "HTTP/1.1 206 Partial Content\r\n"));
	assert_memory_equal(body, fx->big + first, len);
	close(fd);
	free(body);
}

/*
 * The big file evicted from the page cache: the first turn of the body
 * goes through the pipe, which the worker fills by a splice on the ring.
 */
static void test_big_file_uncached(void **state)
{
	struct fixture *fx = *state;
	uint8_t *body = malloc(BIG_SIZE);
	char path[128], head[1024];
	uint64_t cached = 1;
	int fd, file, err;

	assert_non_null(body);
	snprintf(path, sizeof(path), "%s/big.bin", fx->root);
	file = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(file >= 0);
	assert_int_equal(fsync(file), 0);
	assert_int_equal(posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED), 0);
	err = rb_cached_pages(file, 0, BIG_SIZE, &cached);
	close(file);
	if (err || cached > 0) {
		free(body);
		print_message("# %s: cachestat failed (%s) or %llu pages stay cached\n", path,
			      strerror(-err), (unsigned long long)cached);
		skip();
	}

	fd = connect_to(fx->port);
	send_text(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, BIG_SIZE), BIG_SIZE);
	assert_memory_equal(body, fx->big, BIG_SIZE);

	/* The connection goes on after a body sent through the pipe. */
	send_text(fd, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, BIG_SIZE), 6);
	assert_memory_equal(body, "first\n", 6);
	close(fd);
	free(body);
}

/*
 * Write a LARGE_SIZE file to the root and return its contents.  It is
 * larger than the big file, because a server's socket buffer may grow to
 * a few MiB on loopback, and the tests that use it need a body that is
 * still being sent when they act.
 */
static uint8_t *write_large(const struct fixture *fx, const char *name)
{
	uint8_t *data = malloc(LARGE_SIZE);

	assert_non_null(data);
	for (size_t i = 0; i < LARGE_SIZE; i++)
		data[i] = (uint8_t)(i * 13 + i / 4096);
	write_bytes(fx->root, name, data, LARGE_SIZE);
	return data;
}

/* A connection with a small receive window, so that the server sends a body slowly. */
static int connect_small_window(uint16_t port)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct timeval timeout = { .tv_sec = 5 };
	int size = 16 * 1024;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

/* Check that the server still responds, on a new connection. */
static void assert_serving(const struct fixture *fx)
{
	int fd = connect_to(fx->port);
	char head[1024], body[64];

	send_text(fd, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fd, head, sizeof(head), body, sizeof(body)), 6);
	assert_memory_equal(body, "first\n", 6);
	close(fd);
}

/*
 * The client resets the connection in the middle of the body.  The
 * worker's next sendfile fails with ECONNRESET, and a later one with
 * EPIPE, which raises SIGPIPE, which would end this process unless the
 * worker blocks it.  Whether the worker gets to the later call depends
 * on when the reset arrives, so the test repeats the reset
 * RESET_REPEATS times.
 */
static void test_client_resets_mid_body(void **state)
{
	struct fixture *fx = *state;
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	uint8_t *file = write_large(fx, "large.bin");
	char head[1024];

	for (int i = 0; i < RESET_REPEATS; i++) {
		int fd = connect_small_window(fx->port);

		send_text(fd, "GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
		read_response(fd, head, sizeof(head), NULL, 0);
		assert_non_null(strstr(head, "HTTP/1.1 200 OK\r\n"));
		read_exact(fd, head, sizeof(head));
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)), 0);
		close(fd);
	}
	free(file);

	assert_serving(fx);
}

/*
 * A 32 MiB file shrinks to 1 MiB while the server sends it: the client
 * gets the first MiB intact, then the connection closes before the
 * length that the header promised.
 */
static void test_file_shrinks_mid_body(void **state)
{
	struct fixture *fx = *state;
	size_t file_len = LARGE_SIZE, truncated_len = 1024 * 1024, got = 0;
	uint8_t *file = write_large(fx, "shrinking.bin"), *body = malloc(file_len);
	char path[128], head[1024], length_field[64];
	int fd;
	ssize_t n;

	assert_non_null(body);

	fd = connect_small_window(fx->port);
	send_text(fd, "GET /shrinking.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	read_response(fd, head, sizeof(head), NULL, 0);
	snprintf(length_field, sizeof(length_field), "Content-Length: %zu\r\n", file_len);
	assert_non_null(strstr(head, length_field));
	read_exact(fd, body, 4096);
	got = 4096;
	snprintf(path, sizeof(path), "%s/shrinking.bin", fx->root);
	assert_int_equal(truncate(path, (off_t)truncated_len), 0);

	while (got < file_len && (n = recv(fd, body + got, file_len - got, 0)) > 0)
		got += (size_t)n;
	print_message("# %zu of %zu bytes arrived before the close\n", got, file_len);
	assert_true(got >= truncated_len);
	assert_true(got < file_len);
	assert_memory_equal(body, file, truncated_len);
	close(fd);
	free(body);
	free(file);

	assert_serving(fx);
}

static void test_connection_limit(void **state)
{
	struct fixture *fx = *state;
	int fds[MAX_CONNS], extra;
	char head[1024], body[64];
	struct rb_http_counters c;

	/* A full response on each proves that the worker keeps the connection. */
	for (int i = 0; i < MAX_CONNS; i++) {
		fds[i] = connect_to(fx->port);
		send_text(fds[i], "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
		read_response(fds[i], head, sizeof(head), body, sizeof(body));
	}
	/* The listener accepts a connection once its first bytes are in (TCP_DEFER_ACCEPT). */
	extra = connect_to(fx->port);
	send_text(extra, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	read_response(extra, head, sizeof(head), body, 0);
	assert_non_null(strstr(head, "HTTP/1.1 503 Service Unavailable\r\n"));
	assert_int_equal(recv(extra, head, 1, 0), 0);
	close(extra);

	rb_http_server_counters(fx->srv, &c);
	assert_int_equal(c.rejected, 1);
	assert_int_equal(c.connections, MAX_CONNS);
	for (int i = 0; i < MAX_CONNS; i++)
		close(fds[i]);
}

static void test_idle_timeout(void **state)
{
	struct fixture *fx = *state;
	int fd = connect_to(fx->port);
	struct timespec start, end;
	struct rb_http_counters c;
	char byte;
	long ms;

	/* Half a request line: accepted at once (TCP_DEFER_ACCEPT), then idle. */
	send_text(fd, "GET /a.txt HT");
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(recv(fd, &byte, 1, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
	print_message("# idle connection closed after %ld ms\n", ms);
	assert_true(ms >= IDLE_MS - 50);
	assert_true(ms < IDLE_MS + 1000);
	close(fd);

	rb_http_server_counters(fx->srv, &c);
	assert_int_equal(c.timeouts, 1);
}

/* A malformed request gets 400 and the connection closes after it. */
static void test_malformed_closes(void **state)
{
	struct fixture *fx = *state;
	int fd = connect_to(fx->port);
	char head[1024], body[256];
	struct rb_http_counters c;

	send_text(fd, "GET /a.txt HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
	read_response(fd, head, sizeof(head), body, sizeof(body));
	assert_non_null(strstr(head, "HTTP/1.1 400 Bad Request\r\n"));
	assert_non_null(strstr(head, "Connection: close\r\n"));
	assert_int_equal(recv(fd, head, 1, 0), 0);
	close(fd);
	wait_counters(fx, &c, 1);
	assert_int_equal(c.status_4xx, 1);
}

/* Stopping with an idle connection and one in the middle of a body. */
static void test_stop_with_open_connections(void **state)
{
	struct fixture *fx = *state;
	int idle = connect_to(fx->port), busy = connect_to(fx->port);
	struct timespec start, end;
	long ms;

	send_text(busy, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	clock_gettime(CLOCK_MONOTONIC, &start);
	rb_http_server_stop(fx->srv);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
	print_message("# stop took %ld ms\n", ms);
	assert_true(ms < 1000);
	close(idle);
	close(busy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_alive_pipelined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_spliced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_file_uncached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_resets_mid_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_shrinks_mid_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_with_open_connections, setup, teardown),
	};
	int err = test_netns_unshare();

	if (err) {
		printf("1..0 # SKIP a network namespace of its own needs root: %s\n", strerror(-err));
		return 77;
	}
	if (test_netns_sh("ip link set lo up") ||
	    test_netns_sh("sysctl -qw net.ipv6.conf.lo.disable_ipv6=0"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
