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
 * rate ladder and the pacing, shared with rb-dhcp4-gen, are in
 * bench/common/gen_ladder.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen6.h"
#include "gen6_frames.h"
#include "gen_ladder.h"
#include "gen6.skel.h"

#define TOOL	"rb-dhcp6-gen"

struct generator {
	struct gen6_bpf *skel;
	struct gen_sender sender;
	const struct gen_options *opt;
	int counters_fd;
	uint8_t solicit[GEN6_SOLICIT_FRAME_LEN];
};

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
		"  --windows LIST    window mode: exchanges kept in flight per step, comma\n"
		"                    separated, ascending, 1 to 4096, instead of --rates\n"
		"  --max-drop PCT    stop after the first step with this drop rate (default 1)\n"
		"  --retries N       run a step over --max-drop up to N more times before\n"
		"                    it counts, against noise from other processes (default 1)\n"
		"  --reflect         count the frames that a reflector returns, not exchanges\n"
		"  --max-burst N     maximum frames per test run call, 1 to 4096 (default 128,\n"
		"                    half a veth ring); a backlog beyond it is given up\n"
		"  --settle S        seconds to wait after attaching, before the first step,\n"
		"                    for example to pin the veth's NAPI thread (default 0)\n");
}

static int parse_options(struct gen_options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		GEN_COMMON_LONGOPTS,
		{ "clients", required_argument, NULL, 'c' },
		{ 0 },
	};
	const struct gen_cli cli = { .tool = TOOL, .longopts = longopts,
				     .max_clients = GEN_MAX_CLIENTS, .usage = usage };

	gen_options_init(opt, 65536);
	if (gen_parse_args(opt, &cli, argc, argv))
		return -EINVAL;
	if (!opt->ifname) {
		fprintf(stderr, "rb-dhcp6-gen: --ifname is required\n");
		return -EINVAL;
	}
	return gen_check_options(opt, TOOL);
}

/* Open the skeleton, set its constants and map size, load it and attach gen_client. */
static int generator_load(struct generator *gen, const struct gen_options *opt)
{
	struct gen6_frames frames;
	uint32_t xid_base;
	int err;

	gen->opt = opt;
	err = gen_sender_init(&gen->sender, TOOL, "gen_solicit", opt, gen->solicit,
			      GEN6_SOLICIT_FRAME_LEN);
	if (err)
		return err;
	xid_base = gen_random_base();
	gen6_frames_build(&frames);
	memcpy(gen->solicit, frames.solicit, GEN6_SOLICIT_FRAME_LEN);

	gen->skel = gen6_bpf__open();
	if (!gen->skel) {
		fprintf(stderr, "rb-dhcp6-gen: opening the BPF skeleton failed: %s\n",
			strerror(errno));
		return -errno;
	}
	gen->skel->rodata->n_clients = opt->clients;
	gen->skel->rodata->window_mode = opt->window_mode;
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

	gen->sender.prog_fd = bpf_program__fd(gen->skel->progs.gen_solicit);
	gen->counters_fd = bpf_map__fd(gen->skel->maps.gen6_counters);
	gen->sender.window = (struct gen_window_maps){
		.slots_fd = bpf_map__fd(gen->skel->maps.gen_slots),
		.refill_fd = bpf_map__fd(gen->skel->maps.gen_refill),
		.running = &gen->skel->bss->gen_running,
		.counters_fd = gen->counters_fd,
		.completed_idx = GEN6_RX_REPLY,
		.latency_idx = GEN6_LATENCY_NS,
		.requeued_idx = GEN6_SLOT_REQUEUED,
		.refill_empty_idx = GEN6_REFILL_EMPTY,
		.started_idx = GEN6_SLOT_STARTED,
	};
	return gen_sender_attach(&gen->sender, bpf_program__fd(gen->skel->progs.gen_client),
				 opt);
}

static void generator_close(struct generator *gen)
{
	gen_sender_detach(&gen->sender);
	gen6_bpf__destroy(gen->skel);
}

/*
 * One step: send, wait out the grace time, print one JSON line.  Stores
 * the completed exchanges (reflected frames with --reflect) per second
 * and the percentage of Solicits that did not complete.
 */
static int run_step(void *ctx, double rate, double *completed_per_s, double *drop_pct)
{
	const struct generator *gen = ctx;
	uint64_t d[GEN6_COUNTER_COUNT];
	struct gen_step step;
	double seconds;
	int err;

	err = gen_run_counted(&gen->sender, gen->opt, gen->counters_fd, GEN6_COUNTER_COUNT,
			      rate, &step, d);
	if (err)
		return err;
	gen_step_open(&gen->sender, gen->opt, &step, d[GEN6_TX_SOLICIT], d);
	gen_complete(&step, gen->opt->reflect ? d[GEN6_REFLECTED] : d[GEN6_RX_REPLY],
		     completed_per_s, drop_pct);
	seconds = step.seconds;

	printf("\"rate\": %.0f, \"seconds\": %.3f, \"sent\": %llu, \"offered_per_s\": %.0f, "
	       "\"advertises\": %llu, \"requests\": %llu, \"replies\": %llu, "
	       "\"exchanges_per_s\": %.0f, \"drop_pct\": %.3f, \"no_address\": %llu, "
	       "\"dup_advertises\": %llu, \"dup_replies\": %llu, \"stale\": %llu, "
	       "\"request_failed\": %llu, \"reflected\": %llu, \"reflected_per_s\": %.0f, "
	       "\"mean_exchange_latency_us\": %.1f}\n",
	       rate, seconds, (unsigned long long)step.sent, step.sent / seconds,
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
	struct gen_options opt;
	int err;

	if (parse_options(&opt, argc, argv))
		return 2;
	gen_catch_signals();

	err = generator_load(&gen, &opt);
	if (!err) {
		fprintf(stderr, "rb-dhcp6-gen: attached to %s\n", opt.ifname);
		err = gen_run_summarized(&opt, run_step, &gen,
					 opt.reflect ? "packets/s" : "exchanges/s");
	}
	generator_close(&gen);
	return err ? 1 : 0;
}
