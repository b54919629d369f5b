// SPDX-License-Identifier: MIT
/*
 * Transfer mode of rb-tftp-gen (tftpgen_xfer.h).
 *
 * Userspace resets the slot in the XDP program's memory-mapped .bss and
 * sends the RRQ from a UDP socket bound to the slot's client port.  The
 * ring buffer reports when a transfer ended, and userspace then starts
 * the next one in that slot.  Everything between the RRQ and the
 * end happens in tftpgen.bpf.c.  A scan every SCAN_INTERVAL_NS sends an
 * RRQ again when no reply came and the latest ACK again when no DATA
 * followed for a second, fails transfers that made no progress for
 * --timeout seconds, and catches ends whose event was lost.
 *
 * The window starts --warmup seconds after the first RRQs, so that the
 * start-up burst is not measured, and lasts --duration seconds.  Its
 * throughput is the payload of the in-order DATA blocks acknowledged in
 * it, which includes the parts of transfers that are still running at
 * either end of the window.  After the window no transfer is started,
 * and the generator waits up to --grace seconds for the running ones.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen_ladder.h"
#include "tftpgen.h"
#include "tftpgen_xfer.h"
#include "tftpgen.skel.h"

#define TOOL			"rb-tftp-gen"
#define NS_PER_S		1000000000ull
#define SCAN_INTERVAL_NS	(10 * 1000000ull)
#define RRQ_RETRY_NS		NS_PER_S	/* RRQ sent again after 1 s without reply */
#define ACK_RETRY_NS		NS_PER_S	/* last ACK sent again after 1 s without DATA */
#define RRQ_MAX_SENDS		3
#define POLL_TIMEOUT_MS		1
#define RRQ_MAX			512
#define ERROR_NOT_DEFINED	0		/* TFTP error code 0 (RFC 1350) */

/*
 * Nanoseconds from then to now.  XDP may store a time later than the now
 * that userspace read just before, so the difference is signed.
 */
static int64_t ns_since(uint64_t now, uint64_t then)
{
	return (int64_t)(now - then);
}

/* Userspace side of one slot. */
struct xfer_slot {
	int sock;
	bool running;		/* a transfer started and its end not yet handled */
	unsigned rrq_sends;
	uint64_t rrq_ns;
	uint64_t ack_resend_ns;	/* latest ACK that userspace sent again */
};

/* Transfer counts since the start.  The window's counts are differences of two snapshots. */
struct xfer_totals {
	uint64_t started;
	uint64_t ended[TFTPGEN_STATUS_COUNT];	/* by enum tftpgen_status */
	uint64_t elapsed_ns_ok;			/* sum over the TFTPGEN_OK transfers */
};

struct runner {
	const struct tftpgen_xfer_options *opt;
	struct tftpgen_slot *slots;		/* the program's .bss */
	struct xfer_slot *user;
	struct ring_buffer *events;
	int counters_fd;
	struct sockaddr_in server;
	uint8_t rrq[RRQ_MAX];
	size_t rrq_len;
	bool starting;				/* replace transfers that end */
	uint32_t running;
	uint64_t late_events;
	uint64_t ack_resends;
	struct xfer_totals totals;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* The RRQ of every transfer: octet mode, blksize and tsize 0 (RFC 2348, 2349). */
static int build_rrq(struct runner *r)
{
	int n;

	r->rrq[0] = 0;
	r->rrq[1] = TFTPGEN_OP_RRQ;
	n = snprintf((char *)r->rrq + 2, sizeof(r->rrq) - 2, "%s%coctet%cblksize%c%u%ctsize%c0",
		     r->opt->file, 0, 0, 0, r->opt->blksize, 0, 0);
	if (n < 0 || (size_t)n + 3 > sizeof(r->rrq)) {
		fprintf(stderr, "%s: --file '%s' is too long for an RRQ of %d bytes\n", TOOL,
			r->opt->file, RRQ_MAX);
		return -EINVAL;
	}
	r->rrq_len = 2 + (size_t)n + 1;
	return 0;
}

/* Raise the open-files limit by a socket per slot. */
static int raise_nofile(uint32_t clients)
{
	struct rlimit lim;
	rlim_t need = clients + 64;

	if (getrlimit(RLIMIT_NOFILE, &lim))
		return -errno;
	if (lim.rlim_cur >= need)
		return 0;
	lim.rlim_cur = need;
	if (lim.rlim_max < need)
		lim.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &lim)) {
		int err = -errno;

		fprintf(stderr, "%s: raising the open-files limit to %llu failed: %s; "
			"run as root or lower --clients\n", TOOL, (unsigned long long)need,
			strerror(-err));
		return err;
	}
	return 0;
}

static int open_sockets(struct runner *r)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	uint32_t i;
	int err = raise_nofile(r->opt->clients);

	if (err)
		return err;
	for (i = 0; i < r->opt->clients; i++) {
		r->user[i].sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (r->user[i].sock < 0) {
			err = -errno;
			fprintf(stderr, "%s: socket for slot %u failed: %s\n", TOOL, i,
				strerror(-err));
			return err;
		}
		local.sin_port = htons(r->opt->base_port + i);
		if (bind(r->user[i].sock, (struct sockaddr *)&local, sizeof(local))) {
			err = -errno;
			fprintf(stderr, "%s: binding UDP port %u failed: %s; choose another "
				"--base-port\n", TOOL, r->opt->base_port + i, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void close_sockets(struct runner *r)
{
	uint32_t i;

	for (i = 0; i < r->opt->clients; i++)
		if (r->user[i].sock > 0)
			close(r->user[i].sock);
}

static void send_rrq(struct runner *r, uint32_t i, uint64_t now)
{
	/* A failed send is retried by the scan, like a lost RRQ. */
	sendto(r->user[i].sock, r->rrq, r->rrq_len, 0, (struct sockaddr *)&r->server,
	       sizeof(r->server));
	r->user[i].rrq_sends++;
	r->user[i].rrq_ns = now;
}

/*
 * ERROR 0 to the server's transfer port of slot i, so that the server
 * ends a transfer that the client gave up on.
 */
static void send_error(struct runner *r, uint32_t i, const char *message)
{
	struct sockaddr_in to = r->server;
	uint8_t pkt[64] = { 0, TFTPGEN_OP_ERROR, 0, ERROR_NOT_DEFINED };
	size_t len = strlen(message);

	if (!r->slots[i].server_port)
		return;
	if (len > sizeof(pkt) - 5)
		len = sizeof(pkt) - 5;
	memcpy(pkt + 4, message, len);
	to.sin_port = r->slots[i].server_port;
	sendto(r->user[i].sock, pkt, 4 + len + 1, 0, (struct sockaddr *)&to, sizeof(to));
}

/*
 * Reset slot i for a new transfer and send its RRQ.  XDP reads a slot
 * only while its state is ACTIVE or DONE, so the fields are written in
 * IDLE and the release store of ACTIVE publishes them.
 */
static void start_transfer(struct runner *r, uint32_t i)
{
	struct tftpgen_slot *s = &r->slots[i];
	uint64_t now = now_ns();
	uint32_t prev_state = __atomic_exchange_n(&s->state, TFTPGEN_SLOT_IDLE, __ATOMIC_ACQ_REL);

	s->prev_last_block = prev_state == TFTPGEN_SLOT_DONE ? (uint16_t)(s->next_block - 1) : 0;
	if (s->server_port)
		s->prev_server_port = s->server_port;
	s->server_port = 0;
	s->status = 0;
	s->error_code = 0;
	s->next_block = 1;
	s->bytes = 0;
	s->started_ns = now;
	s->progress_ns = now;
	s->transfer_id++;
	__atomic_store_n(&s->state, TFTPGEN_SLOT_ACTIVE, __ATOMIC_RELEASE);

	r->user[i].running = true;
	r->user[i].rrq_sends = 0;
	r->user[i].ack_resend_ns = now;
	r->running++;
	r->totals.started++;
	send_rrq(r, i, now);
}

/* Count the end of the transfer in slot i and start the next one. */
static void transfer_ended(struct runner *r, uint32_t i, uint32_t status, uint64_t elapsed_ns)
{
	if (status >= TFTPGEN_STATUS_COUNT)
		status = 0;
	if (status == TFTPGEN_BAD_CONTENT || status == TFTPGEN_BAD_LENGTH)
		send_error(r, i, "content check failed");
	r->totals.ended[status]++;
	if (status == TFTPGEN_OK)
		r->totals.elapsed_ns_ok += elapsed_ns;
	r->user[i].running = false;
	r->running--;
	if (r->starting)
		start_transfer(r, i);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct runner *r = ctx;
	const struct tftpgen_event *ev = data;

	if (size < sizeof(*ev) || ev->slot >= r->opt->clients || !r->user[ev->slot].running ||
	    ev->transfer_id != r->slots[ev->slot].transfer_id) {
		r->late_events++;
		return 0;
	}
	transfer_ended(r, ev->slot, ev->status, ev->elapsed_ns);
	return 0;
}

/*
 * Send the latest ACK of slot i again from its socket, as a TFTP client
 * does when no DATA follows (RFC 1350).  The ACK that XDP sent
 * may have been lost, and the server may wait longer before it sends the
 * DATA again.
 */
static void resend_ack(struct runner *r, uint32_t i, uint64_t now)
{
	const struct tftpgen_slot *s = &r->slots[i];
	struct sockaddr_in to = r->server;
	uint16_t block = htons((uint16_t)(s->next_block - 1));
	uint8_t pkt[4] = { 0, TFTPGEN_OP_ACK };

	memcpy(pkt + 2, &block, 2);
	to.sin_port = s->server_port;
	sendto(r->user[i].sock, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
	r->user[i].ack_resend_ns = now;
	r->ack_resends++;
}

/* Stop slot i's transfer on the client side and tell the server. */
static void give_up(struct runner *r, uint32_t i, const char *message)
{
	struct tftpgen_slot *s = &r->slots[i];

	__atomic_store_n(&s->state, TFTPGEN_SLOT_FAILED, __ATOMIC_RELEASE);
	s->status = TFTPGEN_TIMED_OUT;
	send_error(r, i, message);
}

/*
 * Resend RRQs without reply and ACKs without DATA, fail transfers
 * without progress, and count ends whose ring buffer event was lost.
 */
static void scan_slots(struct runner *r, uint64_t now)
{
	int64_t timeout_ns = (int64_t)(r->opt->timeout * NS_PER_S);
	struct tftpgen_slot *s;
	uint32_t i, state;
	int64_t since;

	for (i = 0; i < r->opt->clients; i++) {
		if (!r->user[i].running)
			continue;
		s = &r->slots[i];
		state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (state == TFTPGEN_SLOT_DONE || state == TFTPGEN_SLOT_FAILED) {
			/* The event comes within microseconds unless it was lost. */
			if (ns_since(now, __atomic_load_n(&s->progress_ns, __ATOMIC_RELAXED)) >
			    (int64_t)NS_PER_S)
				transfer_ended(r, i, s->status, 0);
			continue;
		}
		if (!s->server_port && r->user[i].rrq_sends < RRQ_MAX_SENDS &&
		    ns_since(now, r->user[i].rrq_ns) > (int64_t)RRQ_RETRY_NS) {
			send_rrq(r, i, now);
			continue;
		}
		since = ns_since(now, __atomic_load_n(&s->progress_ns, __ATOMIC_RELAXED));
		if (since > timeout_ns) {
			give_up(r, i, "client timed out");
			transfer_ended(r, i, TFTPGEN_TIMED_OUT, 0);
		} else if (s->server_port && since > (int64_t)ACK_RETRY_NS &&
			   ns_since(now, r->user[i].ack_resend_ns) > (int64_t)ACK_RETRY_NS) {
			resend_ack(r, i, now);
		}
	}
}

/* Per-CPU counters of the client program, summed over the CPUs. */
static int read_counters(int fd, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t values[ncpu > 0 ? ncpu : 1];
	uint32_t key;
	int cpu;

	if (ncpu <= 0)
		return -EINVAL;
	for (key = 0; key < TFTPGEN_COUNTER_COUNT; key++) {
		if (bpf_map_lookup_elem(fd, &key, values))
			return -errno;
		out[key] = 0;
		for (cpu = 0; cpu < ncpu; cpu++)
			out[key] += values[cpu];
	}
	return 0;
}

/* Snapshot of the counters and totals at one end of the window. */
struct snapshot {
	uint64_t counters[TFTPGEN_COUNTER_COUNT];
	struct xfer_totals totals;
	uint64_t ns;
};

static int take_snapshot(struct runner *r, struct snapshot *snap)
{
	snap->totals = r->totals;
	snap->ns = now_ns();
	return read_counters(r->counters_fd, snap->counters);
}

/* One JSON line per second of the window: the throughput of that second. */
static void print_progress(struct runner *r, struct snapshot *last, double t)
{
	struct snapshot now;

	if (take_snapshot(r, &now))
		return;
	printf("{\"t\": %.0f, \"mib_per_s\": %.1f, \"running\": %u, \"completed\": %llu}\n", t,
	       (now.counters[TFTPGEN_PAYLOAD_BYTES] - last->counters[TFTPGEN_PAYLOAD_BYTES]) /
		       1048576.0 / ((now.ns - last->ns) / 1e9),
	       r->running,
	       (unsigned long long)(now.totals.ended[TFTPGEN_OK] - last->totals.ended[TFTPGEN_OK]));
	fflush(stdout);
	*last = now;
}

static void print_summary(const struct runner *r, const struct snapshot *a,
			  const struct snapshot *b)
{
	const uint64_t *ended = r->totals.ended;
	double seconds = (b->ns - a->ns) / 1e9;
	uint64_t bytes = b->counters[TFTPGEN_PAYLOAD_BYTES] - a->counters[TFTPGEN_PAYLOAD_BYTES];
	uint64_t failed = ended[TFTPGEN_BAD_CONTENT] + ended[TFTPGEN_BAD_LENGTH] +
			  ended[TFTPGEN_SERVER_ERROR] + ended[TFTPGEN_TIMED_OUT] + ended[0];
	uint64_t counters[TFTPGEN_COUNTER_COUNT] = { 0 };

	read_counters(r->counters_fd, counters);
	printf("{\"summary\": true, \"unit\": \"MiB/s\", \"mib_per_s\": %.1f, "
	       "\"window_seconds\": %.3f, \"window_bytes\": %llu, "
	       "\"window_completed\": %llu, \"clients\": %u, \"size\": %llu, \"blksize\": %u, "
	       "\"started\": %llu, \"completed\": %llu, \"failed\": %llu, "
	       "\"bad_content\": %llu, \"bad_length\": %llu, \"server_error\": %llu, "
	       "\"timed_out\": %llu, \"unfinished\": %u, \"mean_transfer_ms\": %.1f, "
	       "\"dup_data\": %llu, \"dup_oack\": %llu, \"stale\": %llu, "
	       "\"unknown_tid_sent\": %llu, \"ack_failed\": %llu, "
	       "\"ack_resends\": %llu, \"events_lost\": %llu, \"late_events\": %llu}\n",
	       bytes / 1048576.0 / seconds, seconds, (unsigned long long)bytes,
	       (unsigned long long)(b->totals.ended[TFTPGEN_OK] - a->totals.ended[TFTPGEN_OK]),
	       r->opt->clients, (unsigned long long)r->opt->size, r->opt->blksize,
	       (unsigned long long)r->totals.started, (unsigned long long)ended[TFTPGEN_OK],
	       (unsigned long long)failed, (unsigned long long)ended[TFTPGEN_BAD_CONTENT],
	       (unsigned long long)ended[TFTPGEN_BAD_LENGTH],
	       (unsigned long long)ended[TFTPGEN_SERVER_ERROR],
	       (unsigned long long)ended[TFTPGEN_TIMED_OUT], r->running,
	       ended[TFTPGEN_OK] ? r->totals.elapsed_ns_ok / 1e6 / ended[TFTPGEN_OK] : 0.0,
	       (unsigned long long)counters[TFTPGEN_DUP_DATA],
	       (unsigned long long)counters[TFTPGEN_DUP_OACK],
	       (unsigned long long)counters[TFTPGEN_STALE],
	       (unsigned long long)counters[TFTPGEN_TX_UNKNOWN_TID],
	       (unsigned long long)counters[TFTPGEN_ACK_FAILED],
	       (unsigned long long)r->ack_resends,
	       (unsigned long long)counters[TFTPGEN_EVENT_LOST],
	       (unsigned long long)r->late_events);
	fflush(stdout);
}

/* Poll the ring buffer and scan the slots until the time end_ns or a signal. */
static int run_until(struct runner *r, uint64_t end_ns, struct snapshot *progress,
		     uint64_t window_start_ns)
{
	uint64_t now = now_ns(), next_scan = now, next_progress = now + NS_PER_S;
	int err;

	while (now < end_ns && !gen_stop_requested) {
		err = ring_buffer__poll(r->events, POLL_TIMEOUT_MS);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "%s: polling the event ring buffer failed: %s\n", TOOL,
				strerror(-err));
			return err;
		}
		now = now_ns();
		if (now >= next_scan) {
			scan_slots(r, now);
			next_scan = now + SCAN_INTERVAL_NS;
		}
		if (progress && now >= next_progress) {
			print_progress(r, progress, (now - window_start_ns) / 1e9);
			next_progress += NS_PER_S;
		}
		if (!r->starting && !r->running)
			break;
	}
	return 0;
}

/* Give up the transfers still running after the drain time. */
static void stop_running(struct runner *r)
{
	uint32_t i;

	for (i = 0; i < r->opt->clients; i++)
		if (r->user[i].running) {
			__atomic_store_n(&r->slots[i].state, TFTPGEN_SLOT_FAILED, __ATOMIC_RELEASE);
			send_error(r, i, "benchmark ended");
		}
}

static int run_phases(struct runner *r)
{
	uint64_t t0 = now_ns(), window_start = t0 + (uint64_t)(r->opt->warmup * NS_PER_S);
	uint64_t window_end = window_start + (uint64_t)(r->opt->duration * NS_PER_S);
	uint64_t drain_end = window_end + (uint64_t)(r->opt->drain * NS_PER_S);
	struct snapshot a, b, progress;
	uint32_t i;
	int err;

	r->starting = true;
	for (i = 0; i < r->opt->clients; i++)
		start_transfer(r, i);

	err = run_until(r, window_start, NULL, 0);
	if (!err)
		err = take_snapshot(r, &a);
	progress = a;
	if (!err)
		err = run_until(r, window_end, &progress, a.ns);
	if (!err)
		err = take_snapshot(r, &b);
	if (err)
		return err;

	r->starting = false;
	err = run_until(r, drain_end, NULL, 0);
	stop_running(r);
	print_summary(r, &a, &b);
	return err;
}

int tftpgen_run_transfers(struct tftpgen_bpf *skel, const struct tftpgen_xfer_options *opt)
{
	struct runner r = {
		.opt = opt,
		.slots = skel->bss->slots,
		.counters_fd = bpf_map__fd(skel->maps.tftpgen_counters),
		.server = { .sin_family = AF_INET, .sin_port = htons(opt->server_port),
			    .sin_addr.s_addr = opt->server_addr },
	};
	int err;

	r.user = calloc(opt->clients, sizeof(*r.user));
	if (!r.user)
		return -ENOMEM;
	err = build_rrq(&r);
	if (!err)
		err = open_sockets(&r);
	if (!err) {
		r.events = ring_buffer__new(bpf_map__fd(skel->maps.tftpgen_events), handle_event,
					    &r, NULL);
		if (!r.events) {
			err = -errno;
			fprintf(stderr, "%s: opening the event ring buffer failed: %s\n", TOOL,
				strerror(-err));
		}
	}
	if (!err)
		err = run_phases(&r);

	ring_buffer__free(r.events);
	close_sockets(&r);
	free(r.user);
	return err;
}
