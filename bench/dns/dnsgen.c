// SPDX-License-Identifier: MIT
/*
 * rb-dns-gen: DNS load generator for the benchmark.
 *
 * Loads the programs of dnsgen.bpf.c, fills dnsgen_names with a query
 * frame per name of --names and attaches the client program to the
 * client end of the veth pair.  Each step then injects queries at one
 * offered rate with BPF_PROG_TEST_RUN live frames for a fixed time,
 * waits for the late responses and prints one JSON line with the
 * counts.  A step at --max-drop or more runs again up to --retries
 * times, and the first step that stays there ends the run.  The summary
 * line gives the highest rate of answered queries of a step under
 * --max-drop.  With --reflect, a step counts every first response to a
 * query, with or without answers, for the reflector of
 * bench/dns/dns_reflect.bpf.c.  The rate ladder and the pacing are in
 * bench/common/gen_ladder.c.
 *
 * Run it inside the client namespace, pinned to a core of its own.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dnsgen.h"
#include "dnsgen_names.h"
#include "gen_ladder.h"
#include "dnsgen.skel.h"

#define TOOL	"rb-dns-gen"

struct options {
	struct gen_options common;
	const char *names_path;
	struct dnsgen_endpoints ends;
	int have_server_mac;
};

struct generator {
	struct dnsgen_bpf *skel;
	struct gen_sender sender;
	const struct options *opt;
	int counters_fd;
	struct dnsgen_name *names;
	int n_names;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-dns-gen --ifname IF --source ADDR --server ADDR --server-mac MAC\n"
		"                  --names FILE [options]\n"
		"  --ifname IF        client end of the veth pair (in this namespace)\n"
		"  --source ADDR      IPv4 address of IF, the source of the queries\n"
		"  --server ADDR      IPv4 address of the DNS server (port 53)\n"
		"  --server-mac MAC   Ethernet address of the server's interface\n"
		"  --names FILE       lines 'NAME IPV4-ADDRESS': the names to query (type A),\n"
		"                     picked at random per query, and the A record that a\n"
		"                     response must carry to count\n"
		"  --hold-ifname IF   spare interface that dnsgen_query is attached to,\n"
		"                     which saves an RCU grace period per test run\n"
		"  --clients N        source ports, cycled, 1 to %d (default 16)\n"
		"  --duration S       seconds of sending per step (default 2)\n"
		"  --grace S          seconds of waiting for late responses per step (default 1)\n"
		"  --rates LIST       offered queries per second, comma separated, ascending;\n"
		"                     'max' sends as fast as one core can (default max)\n"
		"  --max-drop PCT     stop after the first step with this share of queries\n"
		"                     unanswered (default 1)\n"
		"  --retries N        run a step over --max-drop up to N more times before\n"
		"                     it counts, against noise from other processes (default 1)\n"
		"  --reflect          count every first response, with or without answers\n"
		"  --max-burst N      maximum frames per test run call, 1 to 4096 (default 128,\n"
		"                     half a veth ring); a backlog beyond it is given up\n"
		"  --settle S         seconds to wait after attaching, before the first step,\n"
		"                     for example to pin the veth's NAPI thread (default 0)\n",
		DNSGEN_MAX_CLIENTS);
}

static int parse_mac(const char *arg, uint8_t *mac)
{
	char end;

	if (sscanf(arg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%c", &mac[0], &mac[1], &mac[2], &mac[3],
		   &mac[4], &mac[5], &end) != 6) {
		fprintf(stderr, "rb-dns-gen: invalid --server-mac '%s'; give six hex bytes "
			"separated by ':'\n", arg);
		return -EINVAL;
	}
	return 0;
}

/* Options of this generator that gen_parse_common_option does not take. */
static int parse_own_option(void *ctx, int c, char *arg)
{
	struct options *opt = ctx;

	switch (c) {
	case 's': return gen_parse_ipv4(TOOL, "--server", arg, &opt->ends.server_addr);
	case 'a': return gen_parse_ipv4(TOOL, "--source", arg, &opt->ends.client_addr);
	case 'M':
		opt->have_server_mac = 1;
		return parse_mac(arg, opt->ends.server_mac);
	case 'n': opt->names_path = arg; return 0;
	default: return 1;
	}
}

static int parse_options(struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		GEN_COMMON_LONGOPTS,
		{ "server", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'a' },
		{ "server-mac", required_argument, NULL, 'M' },
		{ "names", required_argument, NULL, 'n' },
		{ "clients", required_argument, NULL, 'c' },
		{ 0 },
	};
	const struct gen_cli cli = { .tool = TOOL, .longopts = longopts,
				     .max_clients = DNSGEN_MAX_CLIENTS,
				     .own_option = parse_own_option, .ctx = opt,
				     .usage = usage };

	*opt = (struct options){ 0 };
	gen_options_init(&opt->common, 16);
	if (gen_parse_args(&opt->common, &cli, argc, argv))
		return -EINVAL;
	if (!opt->common.ifname || !opt->ends.client_addr || !opt->ends.server_addr ||
	    !opt->have_server_mac || !opt->names_path) {
		fprintf(stderr, "rb-dns-gen: --ifname, --source, --server, --server-mac and "
			"--names are required\n");
		return -EINVAL;
	}
	return gen_check_options(&opt->common, TOOL);
}

/* Store the Ethernet address of ifname in mac. */
static int read_mac(const char *ifname, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	if (err)
		fprintf(stderr, "rb-dns-gen: reading the Ethernet address of %s failed: %s\n",
			ifname, strerror(-err));
	return err;
}

/* Read --names into gen->names, with the client's MAC of --ifname. */
static int read_names(struct generator *gen, struct options *opt)
{
	FILE *in;
	int n;

	if (read_mac(opt->common.ifname, opt->ends.client_mac))
		return -ENODEV;
	in = fopen(opt->names_path, "r");
	if (!in) {
		fprintf(stderr, "rb-dns-gen: opening --names %s failed: %s\n", opt->names_path,
			strerror(errno));
		return -errno;
	}
	n = dnsgen_names_read(in, opt->names_path, TOOL, &opt->ends, &gen->names);
	fclose(in);
	if (n < 0)
		return n;
	gen->n_names = n;
	return 0;
}

static int fill_names(const struct generator *gen)
{
	int fd = bpf_map__fd(gen->skel->maps.dnsgen_names);
	uint32_t i;

	for (i = 0; i < (uint32_t)gen->n_names; i++) {
		if (bpf_map_update_elem(fd, &i, &gen->names[i], BPF_ANY)) {
			fprintf(stderr, "rb-dns-gen: writing name %u to dnsgen_names failed: %s\n",
				i, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Open the skeleton, set its constants and map size, load it, fill the names and attach. */
static int generator_load(struct generator *gen, struct options *opt)
{
	int err;

	gen->opt = opt;
	err = read_names(gen, opt);
	if (err)
		return err;
	/* The live-frames program rewrites the whole frame, so any name's frame will do. */
	err = gen_sender_init(&gen->sender, TOOL, "dnsgen_query", &opt->common,
			      gen->names[0].frame, gen->names[0].frame_len);
	if (err)
		return err;

	gen->skel = dnsgen_bpf__open();
	if (!gen->skel) {
		fprintf(stderr, "rb-dns-gen: opening the BPF skeleton failed: %s\n", strerror(errno));
		return -errno;
	}
	gen->skel->rodata->n_names = (uint32_t)gen->n_names;
	gen->skel->rodata->n_clients = opt->common.clients;
	gen->skel->rodata->id_base = gen_random_base();
	err = bpf_map__set_max_entries(gen->skel->maps.dnsgen_names, (uint32_t)gen->n_names);
	if (!err)
		err = dnsgen_bpf__load(gen->skel);
	if (err) {
		fprintf(stderr, "rb-dns-gen: loading the XDP programs failed: %s\n", strerror(-err));
		return err;
	}
	err = fill_names(gen);
	if (err)
		return err;

	gen->sender.prog_fd = bpf_program__fd(gen->skel->progs.dnsgen_query);
	gen->counters_fd = bpf_map__fd(gen->skel->maps.dnsgen_counters);
	return gen_sender_attach(&gen->sender, bpf_program__fd(gen->skel->progs.dnsgen_client),
				 &opt->common);
}

static void generator_close(struct generator *gen)
{
	gen_sender_detach(&gen->sender);
	dnsgen_bpf__destroy(gen->skel);
	free(gen->names);
}

/*
 * One step: send, wait out the grace time, print one JSON line.  Stores
 * the answered queries (first responses with --reflect) per second and
 * the percentage of queries without one.
 */
static int run_step(void *ctx, double rate, double *completed_per_s, double *drop_pct)
{
	const struct generator *gen = ctx;
	uint64_t d[DNSGEN_COUNTER_COUNT];
	struct gen_step step;
	double seconds;
	int err;

	err = gen_run_counted(&gen->sender, &gen->opt->common, gen->counters_fd,
			      DNSGEN_COUNTER_COUNT, rate, &step, d);
	if (err)
		return err;
	gen_complete(&step, gen->opt->common.reflect ? d[DNSGEN_RX_MATCHED] : d[DNSGEN_RX_ANSWERED],
		     completed_per_s, drop_pct);
	seconds = step.seconds;

	printf("{\"rate\": %.0f, \"seconds\": %.3f, \"sent\": %llu, \"offered_per_s\": %.0f, "
	       "\"responses\": %llu, \"answered\": %llu, \"answered_per_s\": %.0f, "
	       "\"completed_per_s\": %.0f, \"drop_pct\": %.3f, \"no_answer\": %llu, "
	       "\"wrong_answer\": %llu, \"rcode\": %llu, \"truncated\": %llu, \"dup\": %llu, "
	       "\"stale\": %llu, \"malformed\": %llu, \"mean_latency_us\": %.1f}\n",
	       rate, seconds, (unsigned long long)step.sent, step.sent / seconds,
	       (unsigned long long)d[DNSGEN_RX_MATCHED], (unsigned long long)d[DNSGEN_RX_ANSWERED],
	       d[DNSGEN_RX_ANSWERED] / seconds, *completed_per_s, *drop_pct,
	       (unsigned long long)d[DNSGEN_RX_NO_ANSWER],
	       (unsigned long long)d[DNSGEN_RX_WRONG_ANSWER], (unsigned long long)d[DNSGEN_RX_RCODE],
	       (unsigned long long)d[DNSGEN_RX_TRUNCATED], (unsigned long long)d[DNSGEN_RX_DUP],
	       (unsigned long long)d[DNSGEN_RX_STALE], (unsigned long long)d[DNSGEN_RX_MALFORMED],
	       d[DNSGEN_RX_MATCHED] ? d[DNSGEN_LATENCY_NS] / 1e3 / d[DNSGEN_RX_MATCHED] : 0.0);
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
		fprintf(stderr, "rb-dns-gen: attached to %s, %d names\n", opt.common.ifname,
			gen.n_names);
		err = gen_run_summarized(&opt.common, run_step, &gen,
					 opt.common.reflect ? "responses/s" : "queries/s");
	}
	generator_close(&gen);
	return err ? 1 : 0;
}
