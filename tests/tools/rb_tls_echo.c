// SPDX-License-Identifier: MIT
/*
 * rb-tls-echo: a one-process TLS server on plain non-blocking sockets
 * and poll(), for testing the HTTP server's TLS layer
 * (userspace/http/tls.c) with real clients such as curl and s_client.
 *
 *   rb-tls-echo --cert FILE --key FILE [--file FILE] [--address 127.0.0.1]
 *               [--port 0] [--port-file FILE] [--max-conns 256]
 *               [--tls13-only] [--release-buffers] [--log-level info]
 *
 * With --file, every connection gets one HTTP/1.1 response whose body is
 * that file, whatever it requested, and then close_notify.  Without
 * --file, the plaintext each client sends is sent back.
 *
 * SIGTERM or SIGINT stops it and logs the counters; SIGUSR1 logs them
 * without stopping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "http/tls.h"

#define RX_SIZE		(16 * 1024)	/* ciphertext received per recv */
#define PLAIN_SIZE	(64 * 1024)	/* file bytes read and encrypted per step */
#define REQUEST_MAX	8192		/* request head, bytes */
#define STEPS_MAX	64		/* work per connection per poll wake-up */
#define POLL_MS		1000		/* also the period of the log summaries */
#define DRAIN_SECONDS	5		/* longest wait for the peer to close */

enum client_state {
	READING_REQUEST,
	SENDING_FILE,
	ECHOING,
	CLOSING,	/* send what is pending, then shut down the sending side */
	DRAINING,	/* read and drop until the peer closes, so close sends no RST */
};

struct client {
	int fd;
	struct rb_tls_conn *tls;
	enum client_state state;
	bool want_write;		/* the socket refused part of the output */
	bool peer_eof;			/* recv returned 0 */
	time_t drain_deadline;
	uint8_t rx[RX_SIZE];		/* received, not yet fed */
	size_t rx_start, rx_end;
	char request[REQUEST_MAX];
	size_t request_len;
	uint8_t *plain;			/* plaintext to encrypt: [plain_start, plain_end) */
	size_t plain_start, plain_end;
	off_t file_offset;
};

struct counters {
	unsigned long long connections, handshakes, tls13, resumed, responses, echoed;
	unsigned long long bytes_out, failed, peer_closed;
};

struct server {
	int listen_fd;
	int file_fd;
	off_t file_size;
	struct rb_tls_ctx *ctx;
	struct client **clients;
	unsigned max_clients;
	struct counters counters;
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t counters_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		counters_requested = 1;
	else
		stop_requested = 1;
}

static void log_counters(const struct counters *c)
{
	log_info("tls-echo counters: connections=%llu handshakes=%llu tls13=%llu resumed=%llu "
		 "responses=%llu echoed=%llu bytes_out=%llu failed=%llu peer_closed=%llu",
		 c->connections, c->handshakes, c->tls13, c->resumed, c->responses, c->echoed,
		 c->bytes_out, c->failed, c->peer_closed);
}

/* ---- one connection ---- */

static void client_free(struct server *srv, unsigned slot)
{
	struct client *c = srv->clients[slot];

	close(c->fd);
	rb_tls_conn_free(c->tls);
	free(c->plain);
	free(c);
	srv->clients[slot] = NULL;
}

/* Send the pending ciphertext.  Returns -1 when the socket failed. */
static int client_flush(struct server *srv, struct client *c)
{
	const void *out;
	size_t len;
	ssize_t n;

	c->want_write = false;
	while ((len = rb_tls_pending_out(c->tls, &out)) > 0) {
		n = send(c->fd, out, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			c->want_write = true;
			return 0;
		}
		if (n < 0) {
			log_debug("rb-tls-echo: send failed: %s", strerror(errno));
			return -1;
		}
		rb_tls_consume_out(c->tls, (size_t)n);
		srv->counters.bytes_out += (size_t)n;
	}
	return 0;
}

/* Feed what was received.  Returns -1 when the socket failed. */
static int client_receive(struct client *c)
{
	ssize_t n;

	if (c->rx_start == c->rx_end) {
		if (c->peer_eof)
			return 0;
		n = recv(c->fd, c->rx, sizeof(c->rx), 0);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->rx_start = 0;
		c->rx_end = (size_t)n;
		if (n == 0) {
			c->peer_eof = true;
			rb_tls_feed(c->tls, NULL, 0);
			return 0;
		}
	}

	n = rb_tls_feed(c->tls, c->rx + c->rx_start, c->rx_end - c->rx_start);
	if (n > 0)
		c->rx_start += (size_t)n;
	return 0;
}

static void note_handshake(struct server *srv, struct client *c)
{
	srv->counters.handshakes++;
	if (strcmp(rb_tls_conn_version(c->tls), "TLSv1.3") == 0)
		srv->counters.tls13++;
	if (rb_tls_conn_resumed(c->tls))
		srv->counters.resumed++;
}

/* The response head goes in front of the first file bytes, in one record. */
static void start_response(struct server *srv, struct client *c)
{
	int n = snprintf((char *)c->plain, PLAIN_SIZE,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
			 "Content-Length: %lld\r\nConnection: close\r\n\r\n",
			 (long long)srv->file_size);

	c->plain_start = 0;
	c->plain_end = (size_t)n;
	c->file_offset = 0;
	c->state = SENDING_FILE;
}

/* Turn a failure or close of the TLS layer into CLOSING.  Returns 1 (progress). */
static int client_result(struct server *srv, struct client *c, ssize_t result)
{
	if (result == RB_TLS_CLOSED) {
		srv->counters.peer_closed++;
		rb_tls_close_notify(c->tls);
	} else {
		/* The TLS layer logged the reason; its alert is pending output. */
		srv->counters.failed++;
	}
	c->state = CLOSING;
	return 1;
}

/* Read plaintext (a request head, or bytes to echo).  Returns 0 when input is needed. */
static int client_read(struct server *srv, struct client *c)
{
	bool was_done = rb_tls_handshake_done(c->tls);
	ssize_t n;

	if (c->state == ECHOING) {
		n = rb_tls_read(c->tls, c->plain, PLAIN_SIZE);
	} else {
		if (c->request_len == sizeof(c->request)) {
			log_warn("rb-tls-echo: request head longer than %d bytes, connection closed",
				 REQUEST_MAX);
			srv->counters.failed++;
			c->state = CLOSING;
			return 1;
		}
		n = rb_tls_read(c->tls, c->request + c->request_len,
				sizeof(c->request) - c->request_len);
	}
	if (!was_done && rb_tls_handshake_done(c->tls))
		note_handshake(srv, c);

	if (n == RB_TLS_WANT_INPUT)
		return 0;
	if (n < 0)
		return client_result(srv, c, n);

	if (c->state == ECHOING) {
		c->plain_start = 0;
		c->plain_end = (size_t)n;
		srv->counters.echoed += (size_t)n;
		return 1;
	}
	c->request_len += (size_t)n;
	if (memmem(c->request, c->request_len, "\r\n\r\n", 4))
		start_response(srv, c);
	return 1;
}

/* Encrypt the next plaintext, after reading the next file chunk when none is left. */
static int client_write(struct server *srv, struct client *c)
{
	ssize_t n;

	if (c->plain_start == c->plain_end) {
		if (c->state == ECHOING)
			return client_read(srv, c);

		n = pread(srv->file_fd, c->plain, PLAIN_SIZE, c->file_offset);
		if (n < 0) {
			log_err("rb-tls-echo: reading the file failed: %s", strerror(errno));
			srv->counters.failed++;
			c->state = CLOSING;
			return 1;
		}
		if (n == 0) {
			srv->counters.responses++;
			rb_tls_close_notify(c->tls);
			c->state = CLOSING;
			return 1;
		}
		c->file_offset += n;
		c->plain_start = 0;
		c->plain_end = (size_t)n;
	}

	n = rb_tls_write(c->tls, c->plain + c->plain_start, c->plain_end - c->plain_start);
	if (n == RB_TLS_WANT_OUTPUT)
		return 1;
	if (n < 0)
		return client_result(srv, c, n);
	c->plain_start += (size_t)n;
	return 1;
}

/* Drop what the peer still sends.  Returns true once it closed or the time is up. */
static bool client_drained(struct client *c)
{
	ssize_t n;

	do {
		n = recv(c->fd, c->rx, sizeof(c->rx), 0);
	} while (n > 0);
	if (n < 0 && errno == EAGAIN)
		return time(NULL) >= c->drain_deadline;
	return true;
}

/* Move a connection as far as its socket allows, and free it when it ends. */
static void client_run(struct server *srv, unsigned slot)
{
	struct client *c = srv->clients[slot];
	int progress;

	if (c->state == DRAINING) {
		if (client_drained(c))
			client_free(srv, slot);
		return;
	}

	for (int step = 0; step < STEPS_MAX; step++) {
		progress = 0;
		if (c->state != CLOSING) {
			if (client_receive(c) < 0) {
				client_free(srv, slot);
				return;
			}
			if (c->state == SENDING_FILE || c->plain_start < c->plain_end)
				progress = client_write(srv, c);
			else
				progress = client_read(srv, c);
		}

		/* Any call above may have queued output, the handshake's too. */
		if (client_flush(srv, c) < 0) {
			client_free(srv, slot);
			return;
		}
		if (c->want_write || c->state == CLOSING)
			break;
		if (progress == 0 && c->rx_start == c->rx_end)
			return;
	}
	if (c->state != CLOSING || c->want_write)
		return;		/* more work: the next poll round continues */

	if (shutdown(c->fd, SHUT_WR) < 0 || c->peer_eof) {
		client_free(srv, slot);
		return;
	}
	c->state = DRAINING;
	c->drain_deadline = time(NULL) + DRAIN_SECONDS;
}

/* ---- the server ---- */

static void accept_clients(struct server *srv, bool echo)
{
	struct sockaddr_in peer;
	socklen_t peer_len;
	char name[64], addr[INET_ADDRSTRLEN];
	struct client *c;
	unsigned slot;
	int fd;

	for (;;) {
		peer_len = sizeof(peer);
		fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &peer_len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		for (slot = 0; slot < srv->max_clients && srv->clients[slot]; slot++)
			;
		c = slot < srv->max_clients ? calloc(1, sizeof(*c)) : NULL;
		if (c)
			c->plain = malloc(PLAIN_SIZE);
		if (c)
			c->tls = c->plain ? rb_tls_conn_new(srv->ctx) : NULL;
		if (!c || !c->tls) {
			log_warn("rb-tls-echo: connection refused: %s",
				 c ? "out of memory" : "--max-conns reached");
			if (c)
				free(c->plain);
			free(c);
			close(fd);
			continue;
		}

		inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));
		snprintf(name, sizeof(name), "%s:%u", addr, ntohs(peer.sin_port));
		rb_tls_conn_set_peer_name(c->tls, name);
		c->fd = fd;
		c->state = echo ? ECHOING : READING_REQUEST;
		srv->clients[slot] = c;
		srv->counters.connections++;
	}
}

static int serve(struct server *srv, bool echo)
{
	struct pollfd *fds = calloc(srv->max_clients + 1, sizeof(*fds));
	unsigned *slots = calloc(srv->max_clients + 1, sizeof(*slots));
	time_t last_flush = time(NULL);

	if (!fds || !slots) {
		log_err("rb-tls-echo: out of memory for %u poll entries", srv->max_clients);
		free(fds);
		free(slots);
		return -1;
	}

	while (!stop_requested) {
		nfds_t n = 1;

		fds[0] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
		for (unsigned i = 0; i < srv->max_clients; i++) {
			struct client *c = srv->clients[i];

			if (!c)
				continue;
			/* A connection with plaintext left to send continues when writable. */
			bool sending = c->want_write || c->state == SENDING_FILE ||
				       c->plain_start < c->plain_end;

			fds[n] = (struct pollfd){ .fd = c->fd, .events = sending ? POLLOUT : POLLIN };
			slots[n++] = i;
		}

		if (poll(fds, n, POLL_MS) < 0 && errno != EINTR) {
			log_err("rb-tls-echo: poll failed: %s", strerror(errno));
			break;
		}
		if (fds[0].revents & POLLIN)
			accept_clients(srv, echo);
		for (nfds_t i = 1; i < n; i++) {
			struct client *c = srv->clients[slots[i]];

			if (fds[i].revents || (c->state == DRAINING && time(NULL) >= c->drain_deadline))
				client_run(srv, slots[i]);
		}

		if (counters_requested) {
			counters_requested = 0;
			log_counters(&srv->counters);
		}
		if (time(NULL) != last_flush) {
			last_flush = time(NULL);
			rb_log_repeat_flush();
		}
	}
	free(fds);
	free(slots);
	return 0;
}

static int listen_on(const char *address, unsigned port, const char *port_file)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof(sin);
	int fd, one = 1;
	FILE *f;

	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1) {
		log_err("rb-tls-echo: invalid --address %s; give an IPv4 address", address);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 512) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		log_err("rb-tls-echo: listening on %s:%u failed: %s", address, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	log_info("rb-tls-echo: listening on %s:%u", address, ntohs(sin.sin_port));

	if (port_file) {
		f = fopen(port_file, "w");
		if (!f || fprintf(f, "%u\n", ntohs(sin.sin_port)) < 0 || fclose(f) != 0) {
			log_err("rb-tls-echo: writing %s failed: %s", port_file, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

struct options {
	const char *cert, *key, *file, *address, *port_file;
	unsigned port, max_clients;
	struct rb_tls_options tls;
	enum rb_log_level level;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-tls-echo --cert FILE --key FILE [options]\n"
		"  --cert FILE          PEM certificate chain, server certificate first (required)\n"
		"  --key FILE           PEM private key, not accessible to others (required)\n"
		"  --file FILE          answer every HTTP request with this file (default: echo)\n"
		"  --address IPV4       address to listen on (default 127.0.0.1)\n"
		"  --port N             TCP port (default 0 = any free port)\n"
		"  --port-file FILE     write the bound port to FILE once listening\n"
		"  --max-conns N        concurrent connections (default 256)\n"
		"  --tls13-only         reject TLS 1.2 clients\n"
		"  --release-buffers    free idle TLS buffers (SSL_MODE_RELEASE_BUFFERS)\n"
		"  --log-level LEVEL    error, warning, info or debug (default info)\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "file", required_argument, NULL, 'f' },
		{ "address", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "tls13-only", no_argument, NULL, '3' },
		{ "release-buffers", no_argument, NULL, 'r' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c, index = 0;

	*o = (struct options){ .address = "127.0.0.1", .max_clients = 256, .level = RB_LOG_INFO };
	while ((c = getopt_long(argc, argv, "", longopts, &index)) != -1) {
		switch (c) {
		case 'c': o->cert = optarg; break;
		case 'k': o->key = optarg; break;
		case 'f': o->file = optarg; break;
		case 'a': o->address = optarg; break;
		case 'P': o->port_file = optarg; break;
		case '3': o->tls.tls13_only = true; break;
		case 'r': o->tls.release_buffers = true; break;
		case 'p':
			o->port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->port > 65535)
				goto invalid;
			break;
		case 'm':
			o->max_clients = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->max_clients == 0 || o->max_clients > 65536)
				goto invalid;
			break;
		case 'l':
			if (rb_log_parse_level(optarg, &o->level) < 0)
				goto invalid;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (!o->cert || !o->key) {
		fprintf(stderr, "rb-tls-echo: --cert and --key are required\n");
		usage(stderr);
		return -1;
	}
	return 0;

invalid:
	fprintf(stderr, "rb-tls-echo: invalid value for --%s: %s\n", longopts[index].name, optarg);
	return -1;
}

static int open_file(struct server *srv, const char *path)
{
	struct stat st;

	srv->file_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (srv->file_fd < 0 || fstat(srv->file_fd, &st) < 0) {
		log_err("rb-tls-echo: opening %s failed: %s", path, strerror(errno));
		return -1;
	}
	srv->file_size = st.st_size;
	log_info("rb-tls-echo: serving %s (%lld bytes)", path, (long long)st.st_size);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct server srv = { .file_fd = -1 };
	struct options o;
	int status = 1;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	rb_log_init("rb-tls-echo", o.level);

	/* No SA_RESTART, so that poll returns at once on a signal. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	if (o.file && open_file(&srv, o.file) < 0)
		return 1;
	srv.max_clients = o.max_clients;
	srv.clients = calloc(o.max_clients, sizeof(*srv.clients));
	srv.ctx = rb_tls_ctx_new(o.cert, o.key, &o.tls);
	if (srv.clients && srv.ctx) {
		srv.listen_fd = listen_on(o.address, o.port, o.port_file);
		if (srv.listen_fd >= 0 && serve(&srv, !o.file) == 0)
			status = 0;
	}

	for (unsigned i = 0; srv.clients && i < srv.max_clients; i++) {
		if (srv.clients[i])
			client_free(&srv, i);
	}
	rb_log_repeat_flush();
	log_counters(&srv.counters);
	rb_tls_ctx_free(srv.ctx);
	free(srv.clients);
	if (srv.file_fd >= 0)
		close(srv.file_fd);
	return status;
}
