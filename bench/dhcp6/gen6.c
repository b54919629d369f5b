// SPDX-License-Identifier: MIT
/*
 * rb-dhcp6-gen: DHCPv6 load generator for the benchmark.
 *
 * Loads the programs of gen6.bpf.c and attaches the client program to
 * the client end of the veth pair.  Each step then injects Solicits at
 * one offered rate with BPF_PROG_TEST_RUN live frames for a fixed time,
 * waits for the late replies and prints one JSON line with the counts.
 * A step at --max-drop or more runs again up to --retries times, and
 * the first step that stays there ends the run.  The summary line gives
 * the highest exchanges per second (Solicit, Advertise, Request, Reply
 * with an address) of a step under --max-drop.  With --reflect, a step
 * counts the frames that a reflector sends back instead, and the
 * summary gives the highest packet rate under --max-drop.
 *
 * Run it inside the client namespace, pinned to a core of its own.  The
 * pacing is that of rb-dhcp4-gen (bench/dhcp4/gen.c).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen6.h"
#include "gen6_frames.h"
#include "gen6.skel.h"

#define MAX_STEPS	32
#define MAX_CLIENTS	(1u << 24)
#define CHUNK_MAX	4096		/* frames per test run call */
#define BURST_MAX	64		/* least frames per paced call, at high rates */
#define CATCHUP_MAX	128		/* default --max-burst: half a veth ring */
#define BURST_NS	100000		/* paced calls send at least this much time's worth */
#define IDLE_SLEEP_NS	20000		/* wait when the paced schedule is ahead */

struct options {
	const char *ifname;
	const char *hold_ifname;
	uint32_t clients;
	double duration;		/* seconds of sending per step */
	double grace;			/* seconds of waiting for replies after */
	double max_drop;		/* percent */
	double settle;			/* seconds between attaching and the first step */
	int retries;			/* runs more of a step over max_drop */
	int reflect;
	uint32_t max_burst;		/* maximum frames per test run call */
	int n_rates;
	double rates[MAX_STEPS];	/* frames per second; 0 is unpaced */
};

struct generator {
	struct gen6_bpf *skel;
	int solicit_fd;
	int counters_fd;
	int ifindex;
	int hold_ifindex;
	int attached;
	int hold_attached;
	uint32_t max_burst;
	uint8_t solicit[GEN6_SOLICIT_FRAME_LEN];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds,
			       .tv_nsec = (long)((seconds - (time_t)seconds) * 1e9) };

	nanosleep(&ts, NULL);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-dhcp6-gen --ifname IF [options]\n"
		"  --ifname IF       client end of the veth pair (in this namespace)\n"
		"  --hold-ifname IF  spare interface that gen_solicit is attached to,\n"
		"                    which saves an RCU grace period per test run\n"
		"  --clients N       distinct client DUIDs, cycled, 1 to 16777216\n"
		"                    (default 65536)\n"
		"  --duration S      seconds of sending per step (default 2)\n"
		"  --grace S         seconds of waiting for late replies per step (default 1)\n"
		"  --rates LIST      offered Solicits per second, comma separated, ascending;\n"
		"                    'max' sends as fast as one core can (default max)\n"
		"  --max-drop PCT    stop after the first step with this drop rate (default 1)\n"
		"  --retries N       run a step over --max-drop up to N more times before\n"
		"                    it counts, against noise from other processes (default 1)\n"
		"  --reflect         count the frames that a reflector returns, not exchanges\n"
		"  --max-burst N     maximum frames per test run call, 1 to 4096 (default 128,\n"
		"                    half a veth ring); a backlog beyond it is given up\n"
		"  --settle S        seconds to wait after attaching, before the first step,\n"
		"                    for example to pin the veth's NAPI thread (default 0)\n");
}

static int parse_rates(struct options *opt, char *list)
{
	char *tok, *save = NULL, *end;

	opt->n_rates = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_rates == MAX_STEPS) {
			fprintf(stderr, "rb-dhcp6-gen: --rates has more than %d steps\n", MAX_STEPS);
			return -EINVAL;
		}
		if (strcmp(tok, "max") == 0) {
			opt->rates[opt->n_rates++] = 0;
			continue;
		}
		opt->rates[opt->n_rates] = strtod(tok, &end);
		if (*end || opt->rates[opt->n_rates] <= 0) {
			fprintf(stderr, "rb-dhcp6-gen: invalid rate '%s' in --rates; "
				"use positive numbers or 'max'\n", tok);
			return -EINVAL;
		}
		opt->n_rates++;
	}
	return opt->n_rates ? 0 : -EINVAL;
}

/* A whole number for --clients or --max-burst in [min, max], or 0. */
static uint32_t parse_count(const char *name, const char *arg, uint32_t min, uint32_t max)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg == '\0' || *end || v < min || v > max) {
		fprintf(stderr, "rb-dhcp6-gen: invalid %s '%s'; give %u to %u\n", name, arg,
			min, max);
		return 0;
	}
	return (uint32_t)v;
}

static int parse_options(struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ifname", required_argument, NULL, 'i' },
		{ "hold-ifname", required_argument, NULL, 'H' },
		{ "clients", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "grace", required_argument, NULL, 'g' },
		{ "rates", required_argument, NULL, 'r' },
		{ "max-drop", required_argument, NULL, 'm' },
		{ "reflect", no_argument, NULL, 'R' },
		{ "max-burst", required_argument, NULL, 'B' },
		{ "settle", required_argument, NULL, 'S' },
		{ "retries", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*opt = (struct options){ .clients = 65536, .duration = 2, .grace = 1,
				 .max_drop = 1, .retries = 1, .n_rates = 1,
				 .max_burst = CATCHUP_MAX };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': opt->ifname = optarg; break;
		case 'H': opt->hold_ifname = optarg; break;
		case 'c':
			opt->clients = parse_count("--clients", optarg, 1, MAX_CLIENTS);
			if (!opt->clients)
				return -EINVAL;
			break;
		case 'd': opt->duration = strtod(optarg, NULL); break;
		case 'g': opt->grace = strtod(optarg, NULL); break;
		case 'm': opt->max_drop = strtod(optarg, NULL); break;
		case 'r':
			if (parse_rates(opt, optarg))
				return -EINVAL;
			break;
		case 'R': opt->reflect = 1; break;
		case 'B':
			opt->max_burst = parse_count("--max-burst", optarg, 1, CHUNK_MAX);
			if (!opt->max_burst)
				return -EINVAL;
			break;
		case 'S': opt->settle = strtod(optarg, NULL); break;
		case 'T': opt->retries = atoi(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (!opt->ifname) {
		fprintf(stderr, "rb-dhcp6-gen: --ifname is required\n");
		return -EINVAL;
	}
	if (opt->duration <= 0 || opt->duration > 600 || opt->grace < 0 || opt->grace > 60 ||
	    opt->settle < 0 || opt->settle > 60 || opt->retries < 0 || opt->retries > 5) {
		fprintf(stderr, "rb-dhcp6-gen: --duration must be in (0, 600], --grace and "
			"--settle in [0, 60] seconds, --retries in [0, 5]\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Attach gen_solicit to a spare interface that carries no traffic.
 * Each test run of an XDP program adds it to the kernel's XDP dispatcher
 * and removes it again, and each change waits for an RCU grace period.
 * A program that is attached to an interface stays in the dispatcher,
 * so the test runs skip both changes.
 */
static int hold_attach(struct generator *gen, const char *ifname)
{
	int err;

	gen->hold_ifindex = if_nametoindex(ifname);
	if (!gen->hold_ifindex) {
		fprintf(stderr, "rb-dhcp6-gen: --hold-ifname %s not found in this namespace\n",
			ifname);
		return -ENODEV;
	}
	err = bpf_xdp_attach(gen->hold_ifindex, gen->solicit_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "rb-dhcp6-gen: attaching gen_solicit to %s failed: %s\n",
			ifname, strerror(-err));
		return err;
	}
	gen->hold_attached = 1;
	return 0;
}

/* Open the skeleton, set its constants and map size, load it and attach gen_client. */
static int generator_load(struct generator *gen, const struct options *opt)
{
	struct gen6_frames frames;
	uint32_t xid_base;
	int err;

	gen->max_burst = opt->max_burst;
	gen->ifindex = if_nametoindex(opt->ifname);
	if (!gen->ifindex) {
		fprintf(stderr, "rb-dhcp6-gen: interface %s not found in this namespace; run the "
			"generator in the namespace of the client veth (ip netns exec)\n",
			opt->ifname);
		return -ENODEV;
	}
	if (getrandom(&xid_base, sizeof(xid_base), 0) != sizeof(xid_base))
		xid_base = (uint32_t)time(NULL);
	gen6_frames_build(&frames);
	memcpy(gen->solicit, frames.solicit, GEN6_SOLICIT_FRAME_LEN);

	gen->skel = gen6_bpf__open();
	if (!gen->skel) {
		fprintf(stderr, "rb-dhcp6-gen: opening the BPF skeleton failed: %s\n",
			strerror(errno));
		return -errno;
	}
	gen->skel->rodata->n_clients = opt->clients;
	gen->skel->rodata->xid_base = xid_base;
	gen->skel->rodata->solicit_sum = frames.solicit_sum;
	gen->skel->rodata->request_sum = frames.request_sum;
	memcpy((void *)gen->skel->rodata->solicit_frame, frames.solicit, GEN6_SOLICIT_FRAME_LEN);
	memcpy((void *)gen->skel->rodata->request_frame, frames.request,
	       GEN6_REQUEST_FIXED_FRAME_LEN);
	err = bpf_map__set_max_entries(gen->skel->maps.gen6_clients, opt->clients);
	if (!err)
		err = gen6_bpf__load(gen->skel);
	if (err) {
		fprintf(stderr, "rb-dhcp6-gen: loading the XDP programs failed: %s\n",
			strerror(-err));
		return err;
	}

	gen->solicit_fd = bpf_program__fd(gen->skel->progs.gen_solicit);
	gen->counters_fd = bpf_map__fd(gen->skel->maps.gen6_counters);
	err = bpf_xdp_attach(gen->ifindex, bpf_program__fd(gen->skel->progs.gen_client),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "rb-dhcp6-gen: attaching gen_client to %s in native mode "
			"failed: %s; is another XDP program attached?\n", opt->ifname,
			strerror(-err));
		return err;
	}
	gen->attached = 1;

	if (opt->hold_ifname)
		return hold_attach(gen, opt->hold_ifname);
	return 0;
}

static void generator_close(struct generator *gen)
{
	if (gen->attached)
		bpf_xdp_detach(gen->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (gen->hold_attached)
		bpf_xdp_detach(gen->hold_ifindex, XDP_FLAGS_DRV_MODE, NULL);
	gen6_bpf__destroy(gen->skel);
}

/* Counters summed over the CPUs. */
static int read_counters(const struct generator *gen, uint64_t out[GEN6_COUNTER_COUNT])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t values[ncpu > 0 ? ncpu : 1];
	uint32_t key;
	int cpu;

	if (ncpu <= 0)
		return -EINVAL;
	for (key = 0; key < GEN6_COUNTER_COUNT; key++) {
		if (bpf_map_lookup_elem(gen->counters_fd, &key, values))
			return -errno;
		out[key] = 0;
		for (cpu = 0; cpu < ncpu; cpu++)
			out[key] += values[cpu];
	}
	return 0;
}

/* Send n Solicits with one live-frames test run. */
static int inject(const struct generator *gen, uint32_t n)
{
	struct xdp_md ctx = { .data_end = GEN6_SOLICIT_FRAME_LEN,
			      .ingress_ifindex = gen->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = gen->solicit,
		.data_size_in = GEN6_SOLICIT_FRAME_LEN,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = n,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	return bpf_prog_test_run_opts(gen->solicit_fd, &opts) ? -errno : 0;
}

/*
 * Send Solicits at rate per second (0: as fast as possible) for duration
 * seconds.  Stores the frames sent and the seconds it took.
 */
static int send_paced(const struct generator *gen, double rate, double duration,
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
	 * max_burst frames (default CATCHUP_MAX), because a veth ring has
	 * room for 256.
	 */
	if (burst < 1)
		burst = 1;
	if (burst > BURST_MAX)
		burst = BURST_MAX;

	*sent = 0;
	for (iter = 0; iter < max_iter && !stop_requested && *sent < total; iter++) {
		elapsed = now_s() - start;
		if (elapsed >= duration)
			break;
		due = rate > 0 ? (uint64_t)(rate * (now_s() - schedule)) + 1 : *sent + CHUNK_MAX;

		/*
		 * Behind schedule (this process was preempted by the NAPI thread
		 * on its core): give up the backlog beyond max_burst frames
		 * rather than send it in one burst, which would overflow the
		 * server veth's ring of 256 frames.  The step's offered rate
		 * then reports the shortfall.
		 */
		if (rate > 0 && due > *sent + gen->max_burst) {
			schedule += (double)(due - *sent - gen->max_burst) / rate;
			due = *sent + gen->max_burst;
		}
		if (due > total)
			due = total;
		if (due < *sent + burst && due < total) {
			nanosleep(&idle, NULL);
			continue;
		}
		n = due - *sent > CHUNK_MAX ? CHUNK_MAX : (uint32_t)(due - *sent);
		if (rate > 0 && n > gen->max_burst)
			n = gen->max_burst;
		err = inject(gen, n);
		if (err) {
			fprintf(stderr, "rb-dhcp6-gen: live-frames test run failed: %s\n",
				strerror(-err));
			return err;
		}
		*sent += n;
	}
	elapsed = now_s() - start;
	*seconds = elapsed < duration ? duration : elapsed;
	return 0;
}

/*
 * One step: send, wait out the grace time, print one JSON line.  Stores
 * the completed exchanges (reflected frames with --reflect) per second
 * and the percentage of Solicits that did not complete.
 */
static int run_step(const struct generator *gen, const struct options *opt, double rate,
		    double *completed_per_s, double *drop_pct)
{
	uint64_t before[GEN6_COUNTER_COUNT], after[GEN6_COUNTER_COUNT], d[GEN6_COUNTER_COUNT];
	uint64_t sent, completed;
	double seconds;
	int err, i;

	err = read_counters(gen, before);
	if (!err)
		err = send_paced(gen, rate, opt->duration, &sent, &seconds);
	if (err)
		return err;
	sleep_s(opt->grace);
	err = read_counters(gen, after);
	if (err)
		return err;
	for (i = 0; i < GEN6_COUNTER_COUNT; i++)
		d[i] = after[i] - before[i];

	completed = opt->reflect ? d[GEN6_REFLECTED] : d[GEN6_RX_REPLY];
	if (completed > sent)
		completed = sent;
	*completed_per_s = completed / seconds;
	*drop_pct = sent ? 100.0 * (double)(sent - completed) / (double)sent : 100.0;

	printf("{\"rate\": %.0f, \"seconds\": %.3f, \"sent\": %llu, \"offered_per_s\": %.0f, "
	       "\"advertises\": %llu, \"requests\": %llu, \"replies\": %llu, "
	       "\"exchanges_per_s\": %.0f, \"drop_pct\": %.3f, \"no_address\": %llu, "
	       "\"dup_advertises\": %llu, \"dup_replies\": %llu, \"stale\": %llu, "
	       "\"request_failed\": %llu, \"reflected\": %llu, \"reflected_per_s\": %.0f, "
	       "\"mean_exchange_latency_us\": %.1f}\n",
	       rate, seconds, (unsigned long long)sent, sent / seconds,
	       (unsigned long long)d[GEN6_RX_ADVERTISE], (unsigned long long)d[GEN6_TX_REQUEST],
	       (unsigned long long)d[GEN6_RX_REPLY], d[GEN6_RX_REPLY] / seconds, *drop_pct,
	       (unsigned long long)d[GEN6_NO_ADDRESS], (unsigned long long)d[GEN6_DUP_ADVERTISE],
	       (unsigned long long)d[GEN6_DUP_REPLY], (unsigned long long)d[GEN6_STALE],
	       (unsigned long long)d[GEN6_REQUEST_FAILED], (unsigned long long)d[GEN6_REFLECTED],
	       d[GEN6_REFLECTED] / seconds,
	       d[GEN6_RX_REPLY] ? d[GEN6_LATENCY_NS] / 1e3 / d[GEN6_RX_REPLY] : 0.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct generator gen = { 0 };
	struct options opt;
	double best = 0, best_rate = 0, done_per_s = 0, drop = 100;
	int i, try, err;

	if (parse_options(&opt, argc, argv))
		return 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	err = generator_load(&gen, &opt);
	if (!err) {
		fprintf(stderr, "rb-dhcp6-gen: attached to %s\n", opt.ifname);
		sleep_s(opt.settle);
	}
	for (i = 0; !err && i < opt.n_rates && !stop_requested; i++) {
		/* A failed step is run again up to --retries times before it counts. */
		for (try = 0; try <= opt.retries && !stop_requested; try++) {
			err = run_step(&gen, &opt, opt.rates[i], &done_per_s, &drop);
			if (err || drop < opt.max_drop)
				break;
		}
		if (err || drop >= opt.max_drop)
			break;
		if (done_per_s > best) {
			best = done_per_s;
			best_rate = opt.rates[i];
		}
	}
	if (!err)
		printf("{\"summary\": true, \"sustained_per_s\": %.0f, \"unit\": \"%s\", "
		       "\"at_rate\": %.0f, \"max_drop_pct\": %.2f}\n", best,
		       opt.reflect ? "packets/s" : "exchanges/s", best_rate, opt.max_drop);
	generator_close(&gen);
	return err ? 1 : 0;
}
