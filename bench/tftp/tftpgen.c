// SPDX-License-Identifier: MIT
/*
 * rb-tftp-gen: TFTP load generator for the benchmark.  One process
 * drives every transfer.  The XDP program of tftpgen.bpf.c, attached to
 * the client end of the veth pair, sends the ACK of each DATA block, and
 * userspace only sends the RRQs and counts the ends.
 *
 * Three modes:
 *   default        download --file with --clients transfers in flight
 *                  (tftpgen_xfer.c) and print the payload MiB/s
 *   --reflect      send 1,514-byte frames to an XDP_TX reflector with
 *                  the rate ladder of bench/common/gen_ladder.c and
 *                  print the sustained packet rate
 *   --write-file   write a file of --size bytes in the pattern that the
 *                  XDP program checks (tftpgen.h) and exit
 *
 * Run the first two inside the client namespace, pinned to a core of
 * their own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen_ladder.h"
#include "tftpgen.h"
#include "tftpgen_file.h"
#include "tftpgen_xfer.h"
#include "tftpgen.skel.h"

#define TOOL	"rb-tftp-gen"

struct options {
	struct gen_options common;
	struct tftpgen_xfer_options xfer;
	const char *write_file;
	uint32_t client_addr;		/* network order, source of reflector frames */
};

struct generator {
	struct tftpgen_bpf *skel;
	struct gen_sender sender;
	const struct options *opt;
	int counters_fd;
	uint8_t frame[TFTPGEN_REFLECT_FRAME_LEN];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-tftp-gen --ifname IF --server ADDR --file NAME --size BYTES [options]\n"
		"       rb-tftp-gen --ifname IF --server ADDR --reflect [options]\n"
		"       rb-tftp-gen --write-file PATH --size BYTES\n"
		"  --ifname IF       client end of the veth pair (in this namespace)\n"
		"  --server ADDR     IPv4 address of the TFTP server\n"
		"  --port N          server's request port (default 69)\n"
		"  --file NAME       file name in the RRQs\n"
		"  --size BYTES      size of that file, which every transfer must match\n"
		"  --clients N       transfers in flight, 1 to %d (default 1000)\n"
		"  --blksize N       blksize option in the RRQs, 8 to %d (default %d)\n"
		"  --base-port N     client UDP port of the first transfer; the others\n"
		"                    follow (default 20000)\n"
		"  --warmup S        seconds before the measured window (default 1)\n"
		"  --duration S      seconds of the measured window, or of sending per\n"
		"                    step with --reflect (default 2)\n"
		"  --grace S         seconds to let transfers finish after the window, or\n"
		"                    of waiting for late frames with --reflect (default 1)\n"
		"  --timeout S       seconds without progress that fail a transfer (default 15)\n"
		"  --hold-ifname IF  spare interface that tftpgen_frame is attached to,\n"
		"                    which saves an RCU grace period per test run\n"
		"  --settle S        seconds to wait after attaching, before the first RRQ\n"
		"                    or step, for example to pin the veth's NAPI thread\n"
		"  --reflect         count the frames that a reflector returns\n"
		"  --rates LIST      with --reflect: frames per second, comma separated,\n"
		"                    ascending; 'max' sends as fast as one core can\n"
		"  --max-drop PCT    with --reflect: stop after the first step with this\n"
		"                    loss (default 1)\n"
		"  --retries N       with --reflect: run a step over --max-drop up to N\n"
		"                    more times before it counts (default 1)\n"
		"  --max-burst N     with --reflect: most frames per test run call, 1 to\n"
		"                    4096 (default 128)\n"
		"  --write-file PATH write the benchmark file of --size bytes and exit\n",
		TFTPGEN_MAX_CLIENTS, TFTPGEN_BLKSIZE_MAX, TFTPGEN_BLKSIZE_MAX);
}

static int parse_double(const char *name, const char *arg, double min, double max, double *out)
{
	char *end;

	*out = strtod(arg, &end);
	if (*arg == '\0' || *end || *out < min || *out > max) {
		fprintf(stderr, "%s: invalid %s '%s'; give seconds from %g to %g\n", TOOL, name,
			arg, min, max);
		return -EINVAL;
	}
	return 0;
}

static int parse_size(const char *arg, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (*arg == '\0' || *end || v == 0 || v > (1ull << 40)) {
		fprintf(stderr, "%s: invalid --size '%s'; give bytes from 1 to 2^40\n", TOOL, arg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Options of this generator that gen_parse_common_option does not take. */
static int parse_own_option(void *ctx, int c, char *arg)
{
	struct options *opt = ctx;
	struct tftpgen_xfer_options *x = &opt->xfer;

	switch (c) {
	case 's': return gen_parse_ipv4(TOOL, "--server", arg, &x->server_addr);
	case 'p':
		x->server_port = gen_parse_count(TOOL, "--port", arg, 1, 65535);
		return x->server_port ? 0 : -EINVAL;
	case 'f': x->file = arg; return 0;
	case 'z': return parse_size(arg, &x->size);
	case 'b':
		x->blksize = gen_parse_count(TOOL, "--blksize", arg, 8, TFTPGEN_BLKSIZE_MAX);
		return x->blksize ? 0 : -EINVAL;
	case 'P':
		x->base_port = gen_parse_count(TOOL, "--base-port", arg, 1024, 65535);
		return x->base_port ? 0 : -EINVAL;
	case 'w': return parse_double("--warmup", arg, 0, 60, &x->warmup);
	case 't': return parse_double("--timeout", arg, 0.1, 60, &x->timeout);
	case 'W': opt->write_file = arg; return 0;
	}
	return 1;
}

/* Check the options of the transfer and reflector modes. */
static int check_transfer_options(struct options *opt)
{
	struct tftpgen_xfer_options *x = &opt->xfer;

	if (!opt->common.ifname || !x->server_addr) {
		fprintf(stderr, "%s: --ifname and --server are required\n", TOOL);
		return -EINVAL;
	}
	if (!opt->common.reflect && (!x->file || !x->size)) {
		fprintf(stderr, "%s: --file and --size are required, unless --reflect\n", TOOL);
		return -EINVAL;
	}
	if ((uint32_t)x->base_port + opt->common.clients > 65536) {
		fprintf(stderr, "%s: --base-port %u plus --clients %u exceeds port 65535; "
			"lower --base-port\n", TOOL, x->base_port, opt->common.clients);
		return -EINVAL;
	}
	x->clients = opt->common.clients;
	x->duration = opt->common.duration;
	x->drain = opt->common.grace;
	return gen_check_options(&opt->common, TOOL);
}

static int parse_options(struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		GEN_COMMON_LONGOPTS,
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "file", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 'z' },
		{ "clients", required_argument, NULL, 'c' },
		{ "blksize", required_argument, NULL, 'b' },
		{ "base-port", required_argument, NULL, 'P' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "write-file", required_argument, NULL, 'W' },
		{ 0 },
	};
	const struct gen_cli cli = { .tool = TOOL, .longopts = longopts,
				     .max_clients = TFTPGEN_MAX_CLIENTS,
				     .own_option = parse_own_option, .ctx = opt,
				     .usage = usage };

	*opt = (struct options){ .xfer = { .server_port = 69, .base_port = 20000,
					   .blksize = TFTPGEN_BLKSIZE_MAX, .warmup = 1,
					   .timeout = 15 } };
	gen_options_init(&opt->common, 1000);
	if (gen_parse_args(&opt->common, &cli, argc, argv))
		return -EINVAL;
	if (opt->write_file) {
		if (!opt->xfer.size) {
			fprintf(stderr, "%s: --write-file requires --size\n", TOOL);
			return -EINVAL;
		}
		return 0;
	}
	return check_transfer_options(opt);
}

/*
 * Find the local address that routes to the server, the source of the
 * reflector frames.  Connecting a UDP socket sends nothing.
 */
static int find_client_addr(struct options *opt)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(opt->xfer.server_port),
				  .sin_addr.s_addr = opt->xfer.server_addr };
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (sock < 0 || connect(sock, (struct sockaddr *)&to, sizeof(to)) ||
	    getsockname(sock, (struct sockaddr *)&local, &len)) {
		err = -errno;
		fprintf(stderr, "%s: no route to --server in this namespace: %s\n", TOOL,
			strerror(errno));
	} else {
		opt->client_addr = local.sin_addr.s_addr;
	}
	if (sock >= 0)
		close(sock);
	return err;
}

/* Open the skeleton, set its constants, load it and attach tftpgen_client. */
static int generator_load(struct generator *gen, const struct options *opt)
{
	int err;

	gen->opt = opt;
	err = gen_sender_init(&gen->sender, TOOL, "tftpgen_frame", &opt->common, gen->frame,
			      TFTPGEN_REFLECT_FRAME_LEN);
	if (err)
		return err;
	tftpgen_reflect_frame(gen->frame, opt->client_addr, opt->xfer.server_addr,
			      opt->xfer.base_port);

	gen->skel = tftpgen_bpf__open();
	if (!gen->skel) {
		err = -errno;
		fprintf(stderr, "%s: opening the BPF skeleton failed: %s\n", TOOL, strerror(-err));
		return err;
	}
	gen->skel->rodata->server_addr = opt->xfer.server_addr;
	gen->skel->rodata->base_port = opt->xfer.base_port;
	gen->skel->rodata->n_slots = opt->common.clients;
	gen->skel->rodata->blksize = opt->xfer.blksize;
	gen->skel->rodata->file_size = opt->xfer.size;
	memcpy((void *)gen->skel->rodata->reflect_header, gen->frame, TFTPGEN_PAYLOAD_OFF);
	err = tftpgen_bpf__load(gen->skel);
	if (err) {
		fprintf(stderr, "%s: loading the XDP programs failed: %s\n", TOOL, strerror(-err));
		return err;
	}

	gen->sender.prog_fd = bpf_program__fd(gen->skel->progs.tftpgen_frame);
	gen->counters_fd = bpf_map__fd(gen->skel->maps.tftpgen_counters);
	return gen_sender_attach(&gen->sender, bpf_program__fd(gen->skel->progs.tftpgen_client),
				 &opt->common);
}

static void generator_close(struct generator *gen)
{
	gen_sender_detach(&gen->sender);
	tftpgen_bpf__destroy(gen->skel);
}

/* One reflector step: send, wait out the grace time, print one JSON line. */
static int run_reflect_step(void *ctx, double rate, double *completed_per_s, double *drop_pct)
{
	const struct generator *gen = ctx;
	uint64_t d[TFTPGEN_COUNTER_COUNT];
	struct gen_step step;
	int err;

	err = gen_run_counted(&gen->sender, &gen->opt->common, gen->counters_fd,
			      TFTPGEN_COUNTER_COUNT, rate, &step, d);
	if (err)
		return err;
	gen_complete(&step, d[TFTPGEN_REFLECTED], completed_per_s, drop_pct);
	printf("{\"rate\": %.0f, \"seconds\": %.3f, \"sent\": %llu, \"offered_per_s\": %.0f, "
	       "\"reflected\": %llu, \"reflected_per_s\": %.0f, \"drop_pct\": %.3f, "
	       "\"mib_per_s\": %.1f}\n",
	       rate, step.seconds, (unsigned long long)step.sent, step.sent / step.seconds,
	       (unsigned long long)d[TFTPGEN_REFLECTED], d[TFTPGEN_REFLECTED] / step.seconds,
	       *drop_pct, *completed_per_s * TFTPGEN_BLKSIZE_MAX / 1048576.0);
	fflush(stdout);
	return 0;
}

static int run_reflector(struct generator *gen)
{
	double best = 0, best_rate = 0;
	int err;

	err = gen_run_ladder(&gen->opt->common, run_reflect_step, gen, &best, &best_rate);
	if (!err)
		printf("{\"summary\": true, \"sustained_per_s\": %.0f, \"unit\": \"packets/s\", "
		       "\"at_rate\": %.0f, \"max_drop_pct\": %.2f, \"mib_per_s\": %.1f}\n",
		       best, best_rate, gen->opt->common.max_drop,
		       best * TFTPGEN_BLKSIZE_MAX / 1048576.0);
	return err;
}

int main(int argc, char **argv)
{
	struct generator gen = { 0 };
	struct options opt;
	int err;

	if (parse_options(&opt, argc, argv))
		return 2;
	if (opt.write_file)
		return tftpgen_write_file(opt.write_file, opt.xfer.size) ? 1 : 0;
	if (find_client_addr(&opt))
		return 1;
	gen_catch_signals();

	err = generator_load(&gen, &opt);
	if (!err) {
		fprintf(stderr, "%s: attached to %s\n", TOOL, opt.common.ifname);
		gen_sleep_s(opt.common.settle);
		if (opt.common.reflect)
			err = run_reflector(&gen);
		else
			err = tftpgen_run_transfers(gen.skel, &opt.xfer);
	}
	generator_close(&gen);
	return err ? 1 : 0;
}
