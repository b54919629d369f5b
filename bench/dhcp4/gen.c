// SPDX-License-Identifier: MIT
/*
 * rb-dhcp4-gen: DHCPv4 load generator for the benchmark.
 *
 * Loads the programs of gen.bpf.c and attaches the client program to the
 * client end of the veth pair.  Each step then injects DISCOVERs at one
 * offered rate with BPF_PROG_TEST_RUN live frames for a fixed time,
 * waits for the late replies and prints one JSON line with the counts.
 * A step at --max-drop or more runs again up to --retries times, and the
 * first step that stays there ends the run.  The summary line gives the
 * highest DORA/s of a step under --max-drop.  With --reflect, a step
 * counts the frames that a reflector sends back instead of DORAs, and
 * the summary gives the highest packet rate under --max-drop.  The rate
 * ladder and the pacing are in bench/common/gen_ladder.c.
 *
 * Run it inside the client namespace, pinned to a core of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen.h"
#include "gen_frames.h"
#include "gen_ladder.h"
#include "gen.skel.h"

#define TOOL	"rb-dhcp4-gen"

struct options {
	struct gen_options common;
	uint32_t server_id;		/* network order */
};

struct generator {
	struct gen_bpf *skel;
	struct gen_sender sender;
	const struct options *opt;
	int counters_fd;
	uint8_t discover[GEN_FRAME_LEN];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-dhcp4-gen --ifname IF --server ADDR [options]\n"
		"  --ifname IF       client end of the veth pair (in this namespace)\n"
		"  --server ADDR     server identifier (option 54) for the REQUESTs\n"
		"  --hold-ifname IF  spare interface that gen_discover is attached to,\n"
		"                    which saves an RCU grace period per test run\n"
		"  --clients N       distinct client MACs, cycled, at least the largest\n"
		"                    window (default 131072)\n"
		"  --duration S      seconds of sending per step (default 2)\n"
		"  --grace S         seconds of waiting for late replies per step (default 1)\n"
		"  --rates LIST      offered DISCOVERs per second, comma separated, ascending;\n"
		"                    'max' sends as fast as one core can (default max)\n"
		"  --windows LIST    window mode: exchanges kept in flight per step, comma\n"
		"                    separated, ascending, 1 to 4096; not with --rates\n"
		"  --max-drop PCT    stop after the first step with this drop rate (default 1)\n"
		"  --retries N       run a step over --max-drop up to N more times before\n"
		"                    it counts, against noise from other processes (default 1)\n"
		"  --reflect         count the frames that a reflector returns, not DORAs\n"
		"  --max-burst N     most frames per test run call, 1 to 4096 (default 128,\n"
		"                    half a veth ring); a backlog beyond it is given up\n"
		"  --settle S        seconds to wait after attaching, before the first step,\n"
		"                    for example to pin the veth's NAPI thread (default 0)\n");
}

/* Store --server, the one option of this generator that the others lack. */
static int parse_own_option(void *ctx, int c, char *arg)
{
	struct options *opt = ctx;

	if (c != 's')
		return 1;
	return gen_parse_ipv4(TOOL, "--server", arg, &opt->server_id);
}

static int parse_options(struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		GEN_COMMON_LONGOPTS,
		{ "server", required_argument, NULL, 's' },
		{ "clients", required_argument, NULL, 'c' },
		{ 0 },
	};
	const struct gen_cli cli = { .tool = TOOL, .longopts = longopts,
				     .max_clients = GEN_MAX_CLIENTS,
				     .own_option = parse_own_option, .ctx = opt,
				     .usage = usage };

	*opt = (struct options){ 0 };
	gen_options_init(&opt->common, 131072);
	if (gen_parse_args(&opt->common, &cli, argc, argv))
		return -EINVAL;
	if (!opt->common.ifname || !opt->server_id) {
		fprintf(stderr, "rb-dhcp4-gen: --ifname and --server are required\n");
		return -EINVAL;
	}
	return gen_check_options(&opt->common, TOOL);
}

/* Open the skeleton, set its constants and map size, load it and attach gen_client. */
static int generator_load(struct generator *gen, const struct options *opt)
{
	struct gen_frames frames;
	uint32_t xid_base;
	int err;

	gen->opt = opt;
	err = gen_sender_init(&gen->sender, TOOL, "gen_discover", &opt->common, gen->discover,
			      GEN_FRAME_LEN);
	if (err)
		return err;
	xid_base = gen_random_base();
	gen_frames_build(&frames, opt->server_id);
	memcpy(gen->discover, frames.discover, GEN_FRAME_LEN);

	gen->skel = gen_bpf__open();
	if (!gen->skel) {
		fprintf(stderr, "rb-dhcp4-gen: opening the BPF skeleton failed: %s\n",
			strerror(errno));
		return -errno;
	}
	gen->skel->rodata->n_clients = opt->common.clients;
	gen->skel->rodata->window_mode = opt->common.window_mode;
	gen->skel->rodata->xid_base = xid_base;
	gen->skel->rodata->discover_sum = frames.discover_sum;
	gen->skel->rodata->request_sum = frames.request_sum;
	memcpy((void *)gen->skel->rodata->request_frame, frames.request, GEN_REQ_FRAME_LEN);
	memcpy((void *)gen->skel->rodata->discover_frame, frames.discover, GEN_FRAME_LEN);
	err = bpf_map__set_max_entries(gen->skel->maps.gen_clients, opt->common.clients);
	if (!err)
		err = gen_bpf__load(gen->skel);
	if (err) {
		fprintf(stderr, "rb-dhcp4-gen: loading the XDP programs failed: %s\n",
			strerror(-err));
		return err;
	}

	gen->sender.prog_fd = bpf_program__fd(gen->skel->progs.gen_discover);
	gen->counters_fd = bpf_map__fd(gen->skel->maps.gen_counters);
	gen->sender.window = (struct gen_window_maps){
		.slots_fd = bpf_map__fd(gen->skel->maps.gen_slots),
		.refill_fd = bpf_map__fd(gen->skel->maps.gen_refill),
		.running = &gen->skel->bss->gen_running,
		.counters_fd = gen->counters_fd,
		.completed_idx = GEN_RX_ACK,
		.latency_idx = GEN_LATENCY_NS,
		.requeued_idx = GEN_SLOT_REQUEUED,
		.refill_empty_idx = GEN_REFILL_EMPTY,
		.started_idx = GEN_SLOT_STARTED,
	};
	return gen_sender_attach(&gen->sender, bpf_program__fd(gen->skel->progs.gen_client),
				 &opt->common);
}

static void generator_close(struct generator *gen)
{
	gen_sender_detach(&gen->sender);
	gen_bpf__destroy(gen->skel);
}

/*
 * One step: send, wait out the grace time, print one JSON line.  Stores
 * the completed DORAs (reflected frames with --reflect) per second and
 * the percentage of DISCOVERs that did not complete.
 */
static int run_step(void *ctx, double rate, double *completed_per_s, double *drop_pct)
{
	const struct generator *gen = ctx;
	uint64_t d[GEN_COUNTER_COUNT];
	struct gen_step step;
	double seconds;
	int err;

	err = gen_run_counted(&gen->sender, &gen->opt->common, gen->counters_fd,
			      GEN_COUNTER_COUNT, rate, &step, d);
	if (err)
		return err;
	gen_step_open(&gen->sender, &gen->opt->common, &step, d[GEN_TX_DISCOVER], d);
	gen_complete(&step, gen->opt->common.reflect ? d[GEN_REFLECTED] : d[GEN_RX_ACK],
		     completed_per_s, drop_pct);
	seconds = step.seconds;

	printf("\"rate\": %.0f, \"seconds\": %.3f, \"sent\": %llu, \"offered_per_s\": %.0f, "
	       "\"offers\": %llu, \"requests\": %llu, \"acks\": %llu, \"dora_per_s\": %.0f, "
	       "\"drop_pct\": %.3f, \"naks\": %llu, \"dup_offers\": %llu, \"dup_acks\": %llu, "
	       "\"stale\": %llu, \"request_failed\": %llu, \"reflected\": %llu, "
	       "\"reflected_per_s\": %.0f, \"mean_dora_latency_us\": %.1f}\n",
	       rate, seconds, (unsigned long long)step.sent, step.sent / seconds,
	       (unsigned long long)d[GEN_RX_OFFER], (unsigned long long)d[GEN_TX_REQUEST],
	       (unsigned long long)d[GEN_RX_ACK], d[GEN_RX_ACK] / seconds, *drop_pct,
	       (unsigned long long)d[GEN_RX_NAK], (unsigned long long)d[GEN_DUP_OFFER],
	       (unsigned long long)d[GEN_DUP_ACK], (unsigned long long)d[GEN_STALE],
	       (unsigned long long)d[GEN_REQUEST_FAILED], (unsigned long long)d[GEN_REFLECTED],
	       d[GEN_REFLECTED] / seconds,
	       d[GEN_RX_ACK] ? d[GEN_LATENCY_NS] / 1e3 / d[GEN_RX_ACK] : 0.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct generator gen = { 0 };
	struct options opt;
	int err;

	if (parse_options(&opt, argc, argv))
		return 2;
	gen_catch_signals();

	err = generator_load(&gen, &opt);
	if (!err) {
		fprintf(stderr, "rb-dhcp4-gen: attached to %s\n", opt.common.ifname);
		err = gen_run_summarized(&opt.common, run_step, &gen,
					 opt.common.reflect ? "packets/s" : "DORA/s");
	}
	generator_close(&gen);
	return err ? 1 : 0;
}
