// SPDX-License-Identifier: MIT
/*
 * rb-tftpd: the rackboot TFTP server alone, on its own io_uring loop, for
 * tests and manual runs without the rest of rackbootd.
 *
 *   rb-tftpd --root DIR [--address 127.0.0.1] [--port 69] [--port-file FILE]
 *            [--blksize-max 1468] [--windowsize-max 16] [--retries 5] [--timeout-ms 1000]
 *            [--max-transfers 1024] [--log-level info]
 *
 * SIGTERM or SIGINT stops it: transfers end, the ring drains, and the
 * counters are logged.  SIGUSR1 logs the counters without stopping.
 * Summaries of repeated log lines come once a second, as in rackbootd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/log.h"
#include "tftp/tftp_server.h"

#define RING_ENTRIES		1024
#define LOOP_WAIT_MAX_MS	100	/* longest wait, so signals and timers run */
#define DRAIN_MAX_MS		3000	/* after a stop request */
#define REPEAT_FLUSH_MS		1000	/* summaries of repeated log lines */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t counters_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		counters_requested = 1;
	else
		stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-tftpd --root DIR [options]\n"
		"  --root DIR            folder served (required)\n"
		"  --address IPV4        address to bind (default 127.0.0.1); 0.0.0.0 binds [::] for IPv4 and IPv6\n"
		"  --port N              UDP port (default 69, 0 = any free port)\n"
		"  --port-file FILE      write the bound port to FILE once serving\n"
		"  --blksize-max N       largest blksize granted, bytes (default 1468)\n"
		"  --windowsize-max N    largest windowsize granted, blocks per ACK (default 16, at most 64)\n"
		"  --retries N           retransmissions before a transfer is abandoned (default 5)\n"
		"  --timeout-ms N        retransmission timeout, ms (default 1000)\n"
		"  --max-transfers N     concurrent transfers (default 1024)\n"
		"  --log-level LEVEL     error, warning, info or debug (default info)\n");
}

static int parse_uint(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

struct options {
	struct rb_tftp_config cfg;
	const char *port_file;
	enum rb_log_level level;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "address", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'f' },
		{ "blksize-max", required_argument, NULL, 'b' },
		{ "windowsize-max", required_argument, NULL, 'w' },
		{ "retries", required_argument, NULL, 'R' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "max-transfers", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned v = 0;
	int c, index = 0, ret = 0;

	rb_tftp_config_defaults(&o->cfg);
	o->cfg.bind_addr = htonl(INADDR_LOOPBACK);
	o->level = RB_LOG_INFO;

	while ((c = getopt_long(argc, argv, "", longopts, &index)) != -1) {
		switch (c) {
		case 'r': o->cfg.root = optarg; break;
		case 'a': ret = inet_pton(AF_INET, optarg, &o->cfg.bind_addr) == 1 ? 0 : -EINVAL; break;
		case 'p': ret = parse_uint(optarg, 65535, &v); o->cfg.port = (uint16_t)v; break;
		case 'f': o->port_file = optarg; break;
		case 'b': ret = parse_uint(optarg, UINT32_MAX, &o->cfg.blksize_max); break;
		case 'w': ret = parse_uint(optarg, UINT32_MAX, &o->cfg.windowsize_max); break;
		case 'R': ret = parse_uint(optarg, 1000, &o->cfg.retries); break;
		case 't': ret = parse_uint(optarg, UINT32_MAX, &o->cfg.timeout_ms); break;
		case 'm': ret = parse_uint(optarg, UINT32_MAX, &o->cfg.max_transfers); break;
		case 'l': ret = rb_log_parse_level(optarg, &o->level) == 0 ? 0 : -EINVAL; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
		if (ret < 0) {
			fprintf(stderr, "rb-tftpd: invalid value for --%s: %s\n",
				longopts[index].name, optarg);
			return ret;
		}
	}
	if (!o->cfg.root) {
		fprintf(stderr, "rb-tftpd: --root is required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static void log_counters(const struct rb_tftp_server *srv)
{
	const struct rb_tftp_counters *c = rb_tftp_server_counters(srv);

	log_info("tftp counters: rrq=%llu wrq=%llu done=%llu error=%llu aborted=%llu "
		 "timeout=%llu busy=%llu malformed=%llu retransmits=%llu bytes=%llu active=%u",
		 (unsigned long long)c->rrq, (unsigned long long)c->wrq,
		 (unsigned long long)c->done, (unsigned long long)c->error,
		 (unsigned long long)c->aborted, (unsigned long long)c->timeout,
		 (unsigned long long)c->busy, (unsigned long long)c->malformed,
		 (unsigned long long)c->retransmits, (unsigned long long)c->bytes,
		 rb_tftp_server_active(srv));
}

static int write_port_file(const char *path, uint16_t port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -errno;
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: the wait for completions returns -EINTR at once. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/* Each transfer uses two file descriptors, so take the hard limit. */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Wait for completions up to the next timer, dispatch them, run the timers. */
static int run_once(struct io_uring *ring, struct rb_tftp_server *srv)
{
	uint64_t now = rb_tftp_now_ms(), next = rb_tftp_server_next_deadline_ms(srv);
	uint64_t wait_ms = next <= now ? 0 : next - now;
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int ret;

	if (wait_ms > LOOP_WAIT_MAX_MS)
		wait_ms = LOOP_WAIT_MAX_MS;
	ts.tv_sec = 0;
	ts.tv_nsec = (long long)wait_ms * 1000000;

	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EBUSY) {
		log_err("rb-tftpd: waiting for completions failed: %s", strerror(-ret));
		return ret;
	}

	io_uring_for_each_cqe(ring, head, cqe) {
		if (rb_tftp_owns(cqe->user_data))
			rb_tftp_handle_cqe(srv, cqe);
		seen++;
	}
	io_uring_cq_advance(ring, seen);
	rb_tftp_server_tick(srv, rb_tftp_now_ms());
	return 0;
}

static int serve(struct io_uring *ring, struct rb_tftp_server *srv)
{
	uint64_t flush_at = rb_tftp_now_ms() + REPEAT_FLUSH_MS, drain_until = 0;
	int ret = 0;

	while (!rb_tftp_server_drained(srv)) {
		uint64_t now = rb_tftp_now_ms();

		if (stop_requested && drain_until == 0) {
			rb_tftp_server_stop(srv);
			drain_until = now + DRAIN_MAX_MS;
		}
		if (drain_until && now > drain_until) {
			log_err("rb-tftpd: requests still in flight %d ms after the stop",
				DRAIN_MAX_MS);
			return -ETIMEDOUT;
		}
		if (counters_requested) {
			counters_requested = 0;
			log_counters(srv);
		}
		if (now >= flush_at) {
			rb_log_repeat_flush();
			flush_at = now + REPEAT_FLUSH_MS;
		}

		ret = run_once(ring, srv);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rb_tftp_server *srv = NULL;
	struct io_uring ring;
	struct options o = { 0 };
	int ret;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	rb_log_init("rb-tftpd", o.level);
	raise_nofile_limit();
	install_signals();

	ret = io_uring_queue_init(RING_ENTRIES, &ring, 0);
	if (ret < 0) {
		log_err("rb-tftpd: io_uring_queue_init failed: %s", strerror(-ret));
		return 1;
	}

	ret = rb_tftp_server_new(&ring, &o.cfg, &srv);
	if (ret == 0)
		ret = rb_tftp_server_start(srv);
	if (ret == 0)
		ret = io_uring_submit(&ring) < 0 ? -EIO : 0;
	if (ret == 0 && o.port_file) {
		ret = write_port_file(o.port_file, rb_tftp_server_port(srv));
		if (ret < 0)
			log_err("rb-tftpd: writing %s failed: %s", o.port_file, strerror(-ret));
	}
	if (ret == 0)
		ret = serve(&ring, srv);

	rb_log_repeat_flush();
	if (srv)
		log_counters(srv);
	/* Exit the ring first: that waits for every request still in flight. */
	io_uring_queue_exit(&ring);
	rb_tftp_server_free(srv);
	return ret == 0 ? 0 : 1;
}
