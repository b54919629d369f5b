// SPDX-License-Identifier: MIT
/*
 * Peer verification of the TLS layer as syslog uses it, and a TLS
 * collector of the forwarder over loopback.  openssl(1) makes two CAs
 * and the certificates in a temporary folder: a collector certificate
 * for DNS collector.test and IP 127.0.0.1, a client certificate of the
 * same CA and one of the other CA.  The client and server connections
 * run in memory, each handshake driven by moving the pending output of
 * one side into the other.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/tls.h"
#include "syslog/syslog_forward.h"

/* Rounds of moving bytes between the two sides of an in-memory handshake. */
#define PUMP_ROUNDS	20
/* Ticks of 1 ms that the forwarder test waits for the collector's frames. */
#define FORWARD_TICKS	3000

static char dir[] = "/tmp/rb-syslog-tls.XXXXXX";

static char *path(const char *name)
{
	static char buf[8][160];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* NAME.pem and NAME.key signed by CA, with subjectAltName SAN. */
static int make_cert(const char *name, const char *ca, const char *san)
{
	return run("cd %s && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		   "-keyout %s.key -out %s.csr -subj /CN=%s 2>/dev/null && "
		   "printf 'subjectAltName=%s\\n' > %s.ext && "
		   "openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key -CAcreateserial -days 2 "
		   "-extfile %s.ext -out %s.pem 2>/dev/null && chmod 600 %s.key",
		   dir, name, name, name, san, name, name, ca, ca, name, name, name);
}

static int setup_certs(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	if (run("cd %s && for ca in ca-a ca-b; do openssl req -x509 -newkey ec "
		"-pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout $ca.key -out $ca.pem "
		"-subj \"/CN=test $ca\" 2>/dev/null || exit 1; done", dir) != 0)
		return -1;
	if (make_cert("collector", "ca-a", "DNS:collector.test,IP:127.0.0.1") != 0 ||
	    make_cert("client", "ca-a", "DNS:client.test") != 0 ||
	    make_cert("stray", "ca-b", "DNS:stray.test") != 0)
		return -1;
	return 0;
}

static int remove_certs(void **state)
{
	return run("rm -rf %s", dir);
}

/* Move the pending output of from into to.  Returns the bytes moved. */
static size_t move_output(struct rb_tls_conn *from, struct rb_tls_conn *to)
{
	const void *out;
	size_t len = rb_tls_pending_out(from, &out), moved = 0;

	while (len > 0) {
		ssize_t n = rb_tls_feed(to, out, len);

		if (n <= 0)
			break;
		rb_tls_consume_out(from, (size_t)n);
		moved += (size_t)n;
		len = rb_tls_pending_out(from, &out);
	}
	return moved;
}

struct pair_result {
	int client;
	int server;
	char client_error[192];
	char server_error[192];
};

/*
 * Handshake a client of ca_file, expecting server_name and presenting
 * client_cert (NULL: none), with a server that requires client
 * certificates of CA A.  The server also reads one byte, because a TLS
 * 1.3 server checks the client's certificate after its own Finished.
 */
static void handshake_pair(const char *ca_file, const char *server_name,
			   const char *client_cert, struct pair_result *r)
{
	struct rb_tls_options server_options = {
		.caller_logs_failures = true, .verify_ca_file = path("ca-a.pem") };
	struct rb_tls_options client_options = {
		.client = true, .caller_logs_failures = true, .verify_ca_file = ca_file };
	char key[160];
	struct rb_tls_ctx *sctx, *cctx;
	struct rb_tls_conn *s, *c;
	char byte;

	/* The key of NAME.pem is NAME.key. */
	if (client_cert)
		snprintf(key, sizeof(key), "%.*s.key", (int)(strlen(client_cert) - 4), client_cert);
	sctx = rb_tls_ctx_new(path("collector.pem"), path("collector.key"), &server_options);
	cctx = rb_tls_ctx_new(client_cert, client_cert ? key : NULL, &client_options);
	assert_non_null(sctx);
	assert_non_null(cctx);
	s = rb_tls_conn_new(sctx);
	c = rb_tls_conn_new(cctx);
	assert_int_equal(rb_tls_conn_set_server_name(c, server_name), 0);

	r->client = r->server = RB_TLS_WANT_INPUT;
	for (int i = 0; i < PUMP_ROUNDS; i++) {
		if (r->client == RB_TLS_WANT_INPUT)
			r->client = rb_tls_handshake(c);
		move_output(c, s);
		if (r->server == RB_TLS_WANT_INPUT)
			r->server = rb_tls_handshake(s);
		if (r->server == RB_TLS_OK && r->client == RB_TLS_OK) {
			rb_tls_write(c, "x", 1);
			move_output(c, s);
			r->server = (int)rb_tls_read(s, &byte, 1) == 1 ? RB_TLS_OK :
				    (int)rb_tls_read(s, &byte, 1);
		}
		move_output(s, c);
		if (r->client < RB_TLS_CLOSED || r->server < RB_TLS_CLOSED)
			break;
	}
	snprintf(r->client_error, sizeof(r->client_error), "%s", rb_tls_conn_error(c));
	snprintf(r->server_error, sizeof(r->server_error), "%s", rb_tls_conn_error(s));
	rb_tls_conn_free(s);
	rb_tls_conn_free(c);
	rb_tls_ctx_free(sctx);
	rb_tls_ctx_free(cctx);
}

struct verify_case {
	const char *name;
	const char *ca;			/* the client's CA file */
	const char *server_name;
	const char *client_cert;	/* NULL: the client presents none */
	int client;			/* expected results */
	int server;
	const char *client_error;	/* part of the expected message, or NULL */
	const char *server_error;
};

static const struct verify_case verify_cases[] = {
	{ "DNS name", "ca-a.pem", "collector.test", "client.pem", RB_TLS_OK, RB_TLS_OK, NULL, NULL },
	{ "IP address", "ca-a.pem", "127.0.0.1", "client.pem", RB_TLS_OK, RB_TLS_OK, NULL, NULL },
	{ "wrong DNS name", "ca-a.pem", "other.test", "client.pem", RB_TLS_ERR_HANDSHAKE, 0,
	  "certificate verify failed: hostname mismatch", NULL },
	{ "wrong IP address", "ca-a.pem", "127.0.0.2", "client.pem", RB_TLS_ERR_HANDSHAKE, 0,
	  "IP address mismatch", NULL },
	{ "wrong CA", "ca-b.pem", "collector.test", "client.pem", RB_TLS_ERR_HANDSHAKE, 0,
	  "certificate verify failed", NULL },
	{ "no client certificate", "ca-a.pem", "collector.test", NULL, 0, RB_TLS_ERR_HANDSHAKE,
	  NULL, "peer did not return a certificate" },
	{ "client of another CA", "ca-a.pem", "collector.test", "stray.pem", 0,
	  RB_TLS_ERR_HANDSHAKE, NULL, "certificate verify failed" },
};

/* A zero expected result is not checked: that side sees the other's alert. */
static void test_verify_table(void **state)
{
	for (size_t i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
		const struct verify_case *t = &verify_cases[i];
		struct pair_result r;

		print_message("case: %s\n", t->name);
		handshake_pair(path(t->ca), t->server_name,
			       t->client_cert ? path(t->client_cert) : NULL, &r);
		if (t->client)
			assert_int_equal(r.client, t->client);
		if (t->server)
			assert_int_equal(r.server, t->server);
		if (t->client_error)
			assert_non_null(strstr(r.client_error, t->client_error));
		if (t->server_error)
			assert_non_null(strstr(r.server_error, t->server_error));
	}
}

static void test_client_ctx_missing_ca(void **state)
{
	struct rb_tls_options options = { .client = true, .verify_ca_file = path("missing.pem") };

	assert_null(rb_tls_ctx_new(NULL, NULL, &options));
}

/* ---- the forwarder against a TLS collector on loopback ---- */

struct collector_side {
	int listen_fd;
	int fd;
	struct rb_tls_ctx *ctx;
	struct rb_tls_conn *conn;
	char plain[1024];
	size_t plain_len;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint16_t collector_listen(struct collector_side *col)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	col->fd = -1;
	col->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(col->listen_fd >= 0);
	assert_int_equal(bind(col->listen_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(col->listen_fd, 4), 0);
	assert_int_equal(getsockname(col->listen_fd, (struct sockaddr *)&sin, &len), 0);
	col->ctx = rb_tls_ctx_new(path("collector.pem"), path("collector.key"),
				  &(struct rb_tls_options){ .caller_logs_failures = true });
	assert_non_null(col->ctx);
	return ntohs(sin.sin_port);
}

/* Accept, handshake and read what arrived, without blocking. */
static void collector_step(struct collector_side *col)
{
	char buf[4096];
	const void *out;
	size_t len;
	ssize_t n;

	if (col->fd < 0) {
		col->fd = accept4(col->listen_fd, NULL, NULL, SOCK_NONBLOCK);
		if (col->fd < 0)
			return;
		col->conn = rb_tls_conn_new(col->ctx);
	}
	n = recv(col->fd, buf, sizeof(buf), 0);
	if (n > 0)
		assert_int_equal(rb_tls_feed(col->conn, buf, (size_t)n), n);
	n = rb_tls_read(col->conn, col->plain + col->plain_len,
			sizeof(col->plain) - 1 - col->plain_len);
	if (n > 0)
		col->plain_len += (size_t)n;
	while ((len = rb_tls_pending_out(col->conn, &out)) > 0) {
		n = send(col->fd, out, len, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		rb_tls_consume_out(col->conn, (size_t)n);
	}
	col->plain[col->plain_len] = '\0';
}

static void collector_close(struct collector_side *col)
{
	rb_tls_conn_free(col->conn);
	rb_tls_ctx_free(col->ctx);
	if (col->fd >= 0)
		close(col->fd);
	close(col->listen_fd);
}

/* Forward two messages to a collector that expects server_name; returns what it decrypted. */
static void forward_two(const char *server_name, struct collector_side *col,
			struct rb_syslog_collector_counters *counters)
{
	struct rb_syslog_collector_config cfg = {
		.transport = RB_SYSLOG_TLS,
		.queue_size = 1,
		.ca_file = path("ca-a.pem"),
		.server_name = server_name,
	};
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg.addr;
	struct rb_syslog_forwarder *fw;
	uint16_t port = collector_listen(col);

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(port);
	cfg.addr_len = sizeof(*sin);
	assert_int_equal(rb_syslog_forwarder_new(&cfg, 1, &fw), 0);

	rb_syslog_forward(fw, "<14>1 - h a - - - one", 21, now_ms());
	/* The queue has room for one message, so the second is dropped while the handshake runs. */
	rb_syslog_forward(fw, "<14>1 - h a - - - two", 21, now_ms());
	for (int i = 0; i < FORWARD_TICKS && !strstr(col->plain, "three"); i++) {
		rb_syslog_forwarder_tick(fw, now_ms());
		collector_step(col);
		if (i == FORWARD_TICKS / 3)
			rb_syslog_forward(fw, "<14>1 - h a - - - three", 23, now_ms());
		usleep(1000);
	}
	rb_syslog_forwarder_counters(fw, counters);
	rb_syslog_forwarder_free(fw);
}

static void test_forward_tls(void **state)
{
	struct collector_side col = { 0 };
	struct rb_syslog_collector_counters counters;

	forward_two("collector.test", &col, &counters);
	assert_string_equal(col.plain, "21 <14>1 - h a - - - one23 <14>1 - h a - - - three");
	assert_int_equal(counters.forwarded, 2);
	assert_int_equal(counters.dropped, 1);
	collector_close(&col);
}

static void test_forward_tls_wrong_name(void **state)
{
	struct collector_side col = { 0 };
	struct rb_syslog_collector_counters counters;

	forward_two("other.test", &col, &counters);
	assert_string_equal(col.plain, "");
	assert_int_equal(counters.forwarded, 0);
	/*
	 * "two" and "three" meet a full queue, and the handshake is retried.
	 * The retry waits for a ServerHello until the test ends, because
	 * this collector accepts one connection only.
	 */
	assert_int_equal(counters.dropped, 2);
	assert_true(counters.reconnects >= 1);
	collector_close(&col);
}

static void test_forwarder_needs_ca(void **state)
{
	struct rb_syslog_collector_config cfg = {
		.transport = RB_SYSLOG_TLS,
		.queue_size = 1,
		.server_name = "collector.test",
	};
	struct rb_syslog_forwarder *fw = NULL;

	cfg.addr.ss_family = AF_INET;
	cfg.addr_len = sizeof(struct sockaddr_in);
	assert_int_equal(rb_syslog_forwarder_new(&cfg, 1, &fw), -EINVAL);
	assert_null(fw);
	cfg.ca_file = path("missing.pem");
	assert_int_equal(rb_syslog_forwarder_new(&cfg, 1, &fw), -EINVAL);
	assert_null(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_table),
		cmocka_unit_test(test_client_ctx_missing_ca),
		cmocka_unit_test(test_forward_tls),
		cmocka_unit_test(test_forward_tls_wrong_name),
		cmocka_unit_test(test_forwarder_needs_ca),
	};

	return cmocka_run_group_tests(tests, setup_certs, remove_certs);
}
