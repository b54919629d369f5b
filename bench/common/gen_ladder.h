// SPDX-License-Identifier: MIT
/*
 * Rate ladder, pacing and live-frames test runs that the DHCPv4, DHCPv6,
 * DNS and TFTP load generators (rb-dhcp4-gen, rb-dhcp6-gen, rb-dns-gen,
 * rb-tftp-gen) share.
 *
 * A generator loads its own XDP programs and fills a struct gen_sender
 * with the live-frames program and its request template.  Each step then
 * sends that template at one offered rate for a fixed time, waits for
 * the late replies and reads the per-CPU counters.  The protocol's step
 * function turns the counter differences into its JSON line.
 */
#ifndef RB_BENCH_COMMON_GEN_LADDER_H
#define RB_BENCH_COMMON_GEN_LADDER_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>

#define GEN_MAX_STEPS		32
#define GEN_CHUNK_MAX		4096	/* frames per test run call */
#define GEN_CATCHUP_MAX		128	/* default --max-burst: half a veth ring */

/* Options that both generators take, parsed by gen_parse_common_option. */
struct gen_options {
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
	int window_mode;		/* rates holds windows (gen_window.h), from --windows */
	const char *steps_option;	/* "--rates" or "--windows" once given, else NULL */
	int n_rates;
	double rates[GEN_MAX_STEPS];	/* frames per second, 0 is unpaced; or windows */
};

/*
 * getopt_long entries of the options in struct gen_options but --clients,
 * which each generator lists as { "clients", required_argument, NULL, 'c' }
 * with its own range.
 */
#define GEN_COMMON_LONGOPTS \
	{ "ifname", required_argument, NULL, 'i' }, \
	{ "hold-ifname", required_argument, NULL, 'H' }, \
	{ "duration", required_argument, NULL, 'd' }, \
	{ "grace", required_argument, NULL, 'g' }, \
	{ "rates", required_argument, NULL, 'r' }, \
	{ "max-drop", required_argument, NULL, 'm' }, \
	{ "reflect", no_argument, NULL, 'R' }, \
	{ "max-burst", required_argument, NULL, 'B' }, \
	{ "settle", required_argument, NULL, 'S' }, \
	{ "retries", required_argument, NULL, 'T' }, \
	{ "windows", required_argument, NULL, 'W' }, \
	{ "help", no_argument, NULL, 'h' }

/*
 * Maps and counters of the generator's XDP side that a window step needs
 * (gen_window.h): the slot table, the refill queue and the flag that
 * keeps slots going.  The counters of counters_fd are the completed
 * exchanges, their summed latency in nanoseconds, the slots that the
 * client program handed back, the test run repetitions that found no
 * slot, and the slots that test runs started.
 */
struct gen_window_maps {
	int slots_fd;
	int refill_fd;
	volatile uint32_t *running;
	int counters_fd;
	uint32_t completed_idx;
	uint32_t latency_idx;
	uint32_t requeued_idx;
	uint32_t refill_empty_idx;
	uint32_t started_idx;
};

/* The live-frames program that sends requests, and where it sends them. */
struct gen_sender {
	const char *tool;		/* program name, for messages */
	const char *prog_name;		/* the live-frames program, for messages */
	int prog_fd;
	int ifindex;
	int hold_ifindex;
	int client_attached;
	int hold_attached;
	uint32_t max_burst;
	const void *frame;		/* request template */
	uint32_t frame_len;
	struct gen_window_maps window;	/* set by a generator with a window mode */
};

/*
 * Offered rate (the window in window mode), frames sent by test runs
 * and seconds of sending of one step.  In window mode sent counts the
 * slot starts; the client program sends the rest.
 */
struct gen_step {
	double rate;
	uint64_t sent;
	double seconds;
};

extern volatile sig_atomic_t gen_stop_requested;

void gen_options_init(struct gen_options *opt, uint32_t clients);
uint32_t gen_parse_count(const char *tool, const char *name, const char *arg,
			 uint32_t min, uint32_t max);
int gen_parse_common_option(struct gen_options *opt, const char *tool, int c,
			    char *arg);
int gen_check_options(const struct gen_options *opt, const char *tool);
int gen_parse_ipv4(const char *tool, const char *name, const char *arg, uint32_t *addr);
uint32_t gen_random_base(void);

/*
 * A generator's command line for gen_parse_args.  own_option stores
 * option c of the generator's own in ctx and returns 0, 1 when c is not
 * one of them, or -EINVAL when its value is invalid.
 */
struct gen_cli {
	const char *tool;
	const struct option *longopts;	/* GEN_COMMON_LONGOPTS, --clients, the own ones */
	uint32_t max_clients;		/* upper bound of --clients */
	int (*own_option)(void *ctx, int c, char *arg);	/* NULL: none */
	void *ctx;
	void (*usage)(FILE *out);
};

int gen_parse_args(struct gen_options *opt, const struct gen_cli *cli, int argc, char **argv);

void gen_catch_signals(void);
void gen_sleep_s(double seconds);

int gen_sender_init(struct gen_sender *sender, const char *tool, const char *prog_name,
		    const struct gen_options *opt, const void *frame, uint32_t frame_len);
int gen_sender_attach(struct gen_sender *sender, int client_fd,
		      const struct gen_options *opt);
void gen_sender_detach(struct gen_sender *sender);
int gen_run_counted(const struct gen_sender *sender, const struct gen_options *opt,
		    int counters_fd, uint32_t n_counters, double rate,
		    struct gen_step *step, uint64_t *diff);
void gen_complete(const struct gen_step *step, uint64_t completed,
		  double *completed_per_s, double *drop_pct);

/*
 * Print the opening of a step's JSON line: "{", and in window mode the
 * window fields from the counter differences diff (indexed as in
 * sender->window), after which step->sent becomes sent, every request of
 * the step, since the client program sent most of them.
 */
void gen_step_open(const struct gen_sender *sender, const struct gen_options *opt,
		   struct gen_step *step, uint64_t sent, const uint64_t *diff);

typedef int (*gen_step_fn)(void *ctx, double rate, double *completed_per_s,
			   double *drop_pct);
int gen_run_ladder(const struct gen_options *opt, gen_step_fn run_step, void *ctx,
		   double *best, double *best_rate);
int gen_run_summarized(const struct gen_options *opt, gen_step_fn run_step, void *ctx,
		       const char *unit);

#endif
