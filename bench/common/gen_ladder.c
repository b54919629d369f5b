// SPDX-License-Identifier: MIT
/*
 * Rate ladder, pacing and live-frames test runs of the load generators
 * (gen_ladder.h).  Their options are parsed in gen_options.c.  Messages
 * start with the generator's name.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen_ladder.h"
#include "gen_window.h"

#define BURST_MAX	64		/* least frames per paced call, at high rates */
#define BURST_NS	100000		/* paced calls send at least this much time's worth */
#define IDLE_SLEEP_NS	20000		/* wait when the paced schedule is ahead */
#define MAX_COUNTERS	32
#define WINDOW_QUIET_MIN_NS	50000000ULL	/* 50 ms */
#define WINDOW_QUIET_MAX_NS	1000000000ULL	/* 1 s */

volatile sig_atomic_t gen_stop_requested;

static void on_signal(int sig)
{
	gen_stop_requested = 1;
}

void gen_catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

/* CLOCK_MONOTONIC in nanoseconds, the clock of bpf_ktime_get_ns(). */
static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double now_s(void)
{
	return mono_ns() / 1e9;
}

void gen_sleep_s(double seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds,
			       .tv_nsec = (long)((seconds - (time_t)seconds) * 1e9) };

	nanosleep(&ts, NULL);
}

/*
 * Fill in sender for the client veth opt->ifname.  prog_fd is set by
 * the caller once its skeleton is loaded.
 */
int gen_sender_init(struct gen_sender *sender, const char *tool, const char *prog_name,
		    const struct gen_options *opt, const void *frame, uint32_t frame_len)
{
	*sender = (struct gen_sender){ .tool = tool, .prog_name = prog_name, .prog_fd = -1,
				       .max_burst = opt->max_burst, .frame = frame,
				       .frame_len = frame_len };
	sender->ifindex = if_nametoindex(opt->ifname);
	if (!sender->ifindex) {
		fprintf(stderr, "%s: interface %s not found in this namespace; run the "
			"generator in the namespace of the client veth (ip netns exec)\n",
			tool, opt->ifname);
		return -ENODEV;
	}
	return 0;
}

/*
 * Attach the live-frames program to a spare interface that carries no
 * traffic.  Each test run of an XDP program adds it to the kernel's XDP
 * dispatcher and removes it again, and each change waits for an RCU
 * grace period (milliseconds, far longer than the run of a few thousand
 * frames).  A program that is attached to an interface stays in the
 * dispatcher, so the test runs skip both changes.
 */
static int hold_attach(struct gen_sender *sender, const char *ifname)
{
	int err;

	sender->hold_ifindex = if_nametoindex(ifname);
	if (!sender->hold_ifindex) {
		fprintf(stderr, "%s: --hold-ifname %s not found in this namespace\n",
			sender->tool, ifname);
		return -ENODEV;
	}
	err = bpf_xdp_attach(sender->hold_ifindex, sender->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "%s: attaching %s to %s failed: %s\n", sender->tool,
			sender->prog_name, ifname, strerror(-err));
		return err;
	}
	sender->hold_attached = 1;
	return 0;
}

/*
 * Attach the client program client_fd (gen_client) to the client veth in
 * native mode, and the live-frames program to opt->hold_ifname if given.
 */
int gen_sender_attach(struct gen_sender *sender, int client_fd,
		      const struct gen_options *opt)
{
	int err;

	err = bpf_xdp_attach(sender->ifindex, client_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "%s: attaching gen_client to %s in native mode "
			"failed: %s; is another XDP program attached?\n", sender->tool,
			opt->ifname, strerror(-err));
		return err;
	}
	sender->client_attached = 1;

	if (opt->hold_ifname)
		return hold_attach(sender, opt->hold_ifname);
	return 0;
}

/* Detach what gen_sender_attach attached. */
void gen_sender_detach(struct gen_sender *sender)
{
	if (sender->client_attached)
		bpf_xdp_detach(sender->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (sender->hold_attached)
		bpf_xdp_detach(sender->hold_ifindex, XDP_FLAGS_DRV_MODE, NULL);
	sender->client_attached = 0;
	sender->hold_attached = 0;
}

/* Store per-CPU counter key of counters_fd, summed over the CPUs, in sum. */
static int read_counter(int counters_fd, uint32_t key, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t values[ncpu > 0 ? ncpu : 1];
	int cpu;

	if (ncpu <= 0)
		return -EINVAL;
	if (bpf_map_lookup_elem(counters_fd, &key, values))
		return -errno;
	*sum = 0;
	for (cpu = 0; cpu < ncpu; cpu++)
		*sum += values[cpu];
	return 0;
}

/* Store the first n_counters per-CPU counters of counters_fd, each summed, in out. */
static int read_counters(int counters_fd, uint32_t n_counters, uint64_t *out)
{
	int err;

	for (uint32_t key = 0; key < n_counters; key++) {
		err = read_counter(counters_fd, key, &out[key]);
		if (err)
			return err;
	}
	return 0;
}

/* Send n requests with one live-frames test run. */
static int inject(const struct gen_sender *sender, uint32_t n)
{
	struct xdp_md ctx = { .data_end = sender->frame_len,
			      .ingress_ifindex = sender->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = sender->frame,
		.data_size_in = sender->frame_len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = n,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	return bpf_prog_test_run_opts(sender->prog_fd, &opts) ? -errno : 0;
}

/*
 * Send requests at rate per second (0: as fast as possible) for
 * duration seconds.  Stores the frames sent and the seconds it took.
 */
static int send_paced(const struct gen_sender *sender, double rate, double duration,
		      uint64_t *sent, double *seconds)
{
	const struct timespec idle = { .tv_nsec = IDLE_SLEEP_NS };
	uint64_t total = rate > 0 ? (uint64_t)(rate * duration) : UINT64_MAX;
	uint64_t burst = (uint64_t)(rate * BURST_NS / 1e9);
	uint64_t due, iter, max_iter = (uint64_t)(duration * 1e9 / IDLE_SLEEP_NS) + 1000;
	double start = now_s(), schedule = start, elapsed = 0;
	uint32_t n;
	int err;

	/*
	 * Each test run call costs an estimated tens of microseconds of
	 * setup (a page pool for the live frames), so at high rates a call
	 * waits until BURST_MAX frames are due.  A call sends at most
	 * max_burst frames (default GEN_CATCHUP_MAX), because a veth ring
	 * has room for 256.
	 */
	if (burst < 1)
		burst = 1;
	if (burst > BURST_MAX)
		burst = BURST_MAX;

	*sent = 0;
	for (iter = 0; iter < max_iter && !gen_stop_requested && *sent < total; iter++) {
		elapsed = now_s() - start;
		if (elapsed >= duration)
			break;
		due = rate > 0 ? (uint64_t)(rate * (now_s() - schedule)) + 1 : *sent + GEN_CHUNK_MAX;

		/*
		 * Behind schedule (this process was preempted by the NAPI thread
		 * on its core): give up the backlog beyond max_burst frames
		 * rather than send it in one burst, which would overflow the
		 * server veth's ring of 256 frames.  The step's offered rate
		 * then reports the shortfall.
		 */
		if (rate > 0 && due > *sent + sender->max_burst) {
			schedule += (double)(due - *sent - sender->max_burst) / rate;
			due = *sent + sender->max_burst;
		}
		if (due > total)
			due = total;
		if (due < *sent + burst && due < total) {
			nanosleep(&idle, NULL);
			continue;
		}
		n = due - *sent > GEN_CHUNK_MAX ? GEN_CHUNK_MAX : (uint32_t)(due - *sent);
		if (rate > 0 && n > sender->max_burst)
			n = sender->max_burst;
		err = inject(sender, n);
		if (err) {
			fprintf(stderr, "%s: live-frames test run failed: %s\n", sender->tool,
				strerror(-err));
			return err;
		}
		*sent += n;
	}
	elapsed = now_s() - start;
	*seconds = elapsed < duration ? duration : elapsed;
	return 0;
}

/* Send n requests in test runs of at most max_burst frames, 100 us apart. */
static int inject_spread(const struct gen_sender *sender, uint32_t n)
{
	const struct timespec gap = { .tv_nsec = 100000 };
	uint32_t chunk;
	int err;

	while (n > 0) {
		chunk = n > sender->max_burst ? sender->max_burst : n;
		err = inject(sender, chunk);
		if (err) {
			fprintf(stderr, "%s: live-frames test run failed: %s\n", sender->tool,
				strerror(-err));
			return err;
		}
		n -= chunk;
		if (n)
			nanosleep(&gap, NULL);
	}
	return 0;
}

/* The three counters that a window step follows, summed over the CPUs. */
struct window_counts {
	uint64_t done;
	uint64_t latency;
	uint64_t requeued;
};

static int read_window_counts(const struct gen_window_maps *w, struct window_counts *c)
{
	int err = read_counter(w->counters_fd, w->completed_idx, &c->done);

	if (!err)
		err = read_counter(w->counters_fd, w->latency_idx, &c->latency);
	if (!err)
		err = read_counter(w->counters_fd, w->requeued_idx, &c->requeued);
	return err;
}

/*
 * Queue every slot of [0, window) whose exchange has not moved for
 * timeout_ns.  Returns the number queued, or a negative errno.
 */
static int queue_quiet_slots(const struct gen_window_maps *w, uint32_t window,
			     uint64_t timeout_ns, __u32 *keys, struct gen_slot *slots)
{
	__u32 count = window, out_batch, i;
	uint64_t now;
	int n = 0;

	if (bpf_map_lookup_batch(w->slots_fd, NULL, &out_batch, keys, slots, &count, NULL) &&
	    errno != ENOENT)
		return -errno;
	now = mono_ns();
	for (i = 0; i < count; i++) {
		if (keys[i] >= window || slots[i].last_ns == 0 ||
		    now < slots[i].last_ns + timeout_ns)
			continue;
		if (bpf_map_update_elem(w->refill_fd, NULL, &keys[i], BPF_ANY))
			return -errno;
		n++;
	}
	return n;
}

/*
 * Empty the refill queue, set gen_running and queue the slots [0, window)
 * for the step's first test runs.  Slots that the client program handed
 * back after the previous step's last test run are still in the queue,
 * so the first test runs would start them in place of some of this
 * step's slots.
 */
static int queue_window(const struct gen_sender *sender, uint32_t window)
{
	const struct gen_window_maps *w = &sender->window;
	__u32 slot, i;
	int err;

	for (i = 0; i < GEN_WINDOW_MAX; i++)
		if (bpf_map_lookup_and_delete_elem(w->refill_fd, NULL, &slot))
			break;
	*w->running = 1;
	for (slot = 0; slot < window; slot++) {
		if (bpf_map_update_elem(w->refill_fd, NULL, &slot, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "%s: queueing window slot %u of %u failed: %s\n",
				sender->tool, slot, window, strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * Window mode: start window slots, then every millisecond start again
 * the slots that went quiet, for duration seconds.  A slot is quiet
 * after eight times the mean exchange time of the last millisecond, but
 * at least WINDOW_QUIET_MIN_NS.  On the 2-core VM that this was tuned
 * on, both cores stall now and then for several milliseconds, and
 * starting the slots again then only pushed more frames into full veth
 * rings.  Stores the slot starts and the seconds it took.
 */
static int send_window(const struct gen_sender *sender, uint32_t window, double duration,
		       uint64_t *started, double *seconds)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	const struct gen_window_maps *w = &sender->window;
	uint64_t timeout_ns = WINDOW_QUIET_MIN_NS, iter, max_iter = (uint64_t)(duration * 1000) + 1000;
	struct window_counts now, prev;
	uint64_t restart;
	struct gen_slot *slots = calloc(window, sizeof(*slots));
	__u32 *keys = calloc(window, sizeof(*keys));
	double start, elapsed = 0;
	int err = 0, quiet;

	*started = 0;
	if (!w->running) {
		fprintf(stderr, "%s: this generator has no window mode; use --rates\n",
			sender->tool);
		err = -EINVAL;
		goto out;
	}
	if (!slots || !keys) {
		fprintf(stderr, "%s: allocating the table of %u window slots failed\n",
			sender->tool, window);
		err = -ENOMEM;
		goto out;
	}
	err = read_window_counts(w, &prev);
	if (!err)
		err = queue_window(sender, window);
	start = now_s();
	if (!err)
		err = inject_spread(sender, window);
	*started = window;

	for (iter = 0; !err && iter < max_iter && !gen_stop_requested; iter++) {
		nanosleep(&tick, NULL);
		elapsed = now_s() - start;
		if (elapsed >= duration)
			break;

		err = read_window_counts(w, &now);
		if (err) {
			fprintf(stderr, "%s: reading the counters failed: %s\n", sender->tool,
				strerror(-err));
			break;
		}
		if (now.done > prev.done) {
			timeout_ns = 8 * ((now.latency - prev.latency) / (now.done - prev.done));
			if (timeout_ns < WINDOW_QUIET_MIN_NS)
				timeout_ns = WINDOW_QUIET_MIN_NS;
			if (timeout_ns > WINDOW_QUIET_MAX_NS)
				timeout_ns = WINDOW_QUIET_MAX_NS;
		}
		quiet = queue_quiet_slots(w, window, timeout_ns, keys, slots);
		if (quiet < 0) {
			err = quiet;
			fprintf(stderr, "%s: reading or queueing the window slots failed: %s\n",
				sender->tool, strerror(-err));
			break;
		}
		restart = (uint64_t)quiet + (now.requeued - prev.requeued);
		if (restart > 0)
			err = inject_spread(sender, (uint32_t)restart);
		*started += restart;
		prev = now;
	}
	elapsed = now_s() - start;
	*seconds = elapsed < duration ? duration : elapsed;

out:
	if (w->running)
		*w->running = 0;
	free(slots);
	free(keys);
	return err;
}

/*
 * Send at rate for opt->duration seconds, then wait out opt->grace.
 * Stores the step's totals and, in diff, how much each of the first
 * n_counters counters of counters_fd grew.
 */
int gen_run_counted(const struct gen_sender *sender, const struct gen_options *opt,
		    int counters_fd, uint32_t n_counters, double rate,
		    struct gen_step *step, uint64_t *diff)
{
	uint64_t before[MAX_COUNTERS], after[MAX_COUNTERS];
	uint32_t i;
	int err;

	if (n_counters > MAX_COUNTERS) {
		fprintf(stderr, "%s: %u counters exceed the %d that gen_ladder.c reads; "
			"raise MAX_COUNTERS\n", sender->tool, n_counters, MAX_COUNTERS);
		return -EINVAL;
	}
	step->rate = rate;
	err = read_counters(counters_fd, n_counters, before);
	if (!err && opt->window_mode)
		err = send_window(sender, (uint32_t)rate, opt->duration, &step->sent, &step->seconds);
	else if (!err)
		err = send_paced(sender, rate, opt->duration, &step->sent, &step->seconds);
	if (err)
		return err;
	gen_sleep_s(opt->grace);
	err = read_counters(counters_fd, n_counters, after);
	if (err)
		return err;
	for (i = 0; i < n_counters; i++)
		diff[i] = after[i] - before[i];
	return 0;
}

void gen_step_open(const struct gen_sender *sender, const struct gen_options *opt,
		   struct gen_step *step, uint64_t sent, const uint64_t *diff)
{
	const struct gen_window_maps *w = &sender->window;

	if (!opt->window_mode) {
		printf("{");
		return;
	}
	printf("{\"window\": %.0f, \"slot_starts\": %llu, \"slots_requeued\": %llu, "
	       "\"refill_empty\": %llu, \"slots_started\": %llu, ", step->rate,
	       (unsigned long long)step->sent, (unsigned long long)diff[w->requeued_idx],
	       (unsigned long long)diff[w->refill_empty_idx],
	       (unsigned long long)diff[w->started_idx]);
	step->sent = sent;
}

/*
 * Store the completed exchanges per second and the percentage of the
 * frames sent that did not complete, with completed capped at the
 * frames sent.
 */
void gen_complete(const struct gen_step *step, uint64_t completed,
		  double *completed_per_s, double *drop_pct)
{
	if (completed > step->sent)
		completed = step->sent;
	*completed_per_s = completed / step->seconds;
	*drop_pct = step->sent ?
		100.0 * (double)(step->sent - completed) / (double)step->sent : 100.0;
}

/*
 * Run one step per rate of opt until a step stays at opt->max_drop or
 * more.  A failed step is run again up to opt->retries times before it
 * counts.  Stores the highest completed rate under max_drop and the
 * offered rate of its step.
 */
int gen_run_ladder(const struct gen_options *opt, gen_step_fn run_step, void *ctx,
		   double *best, double *best_rate)
{
	double completed_per_s = 0, drop = 100;
	int i, try, err = 0;

	*best = 0;
	*best_rate = 0;
	for (i = 0; !err && i < opt->n_rates && !gen_stop_requested; i++) {
		for (try = 0; try <= opt->retries && !gen_stop_requested; try++) {
			err = run_step(ctx, opt->rates[i], &completed_per_s, &drop);
			if (err || drop < opt->max_drop)
				break;
		}
		if (err || drop >= opt->max_drop)
			break;
		if (completed_per_s > *best) {
			*best = completed_per_s;
			*best_rate = opt->rates[i];
		}
	}
	return err;
}

/*
 * Wait opt->settle seconds, run the ladder, and print the summary line
 * with the highest rate under opt->max_drop in unit.  Returns 0, or the
 * error of a step.
 */
int gen_run_summarized(const struct gen_options *opt, gen_step_fn run_step, void *ctx,
		       const char *unit)
{
	double best = 0, best_rate = 0;
	int err;

	gen_sleep_s(opt->settle);
	err = gen_run_ladder(opt, run_step, ctx, &best, &best_rate);
	if (err)
		return err;
	printf("{\"summary\": true, \"sustained_per_s\": %.0f, \"unit\": \"%s\", "
	       "\"at_rate\": %.0f, \"max_drop_pct\": %.2f}\n", best, unit, best_rate,
	       opt->max_drop);
	return 0;
}
