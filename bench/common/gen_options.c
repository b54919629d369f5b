// SPDX-License-Identifier: MIT
/*
 * Command-line options of the load generators (gen_ladder.h): the
 * options that all take, the getopt loop, and checks across options.
 * Messages start with the generator's name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "gen_ladder.h"
#include "gen_window.h"

void gen_options_init(struct gen_options *opt, uint32_t clients)
{
	*opt = (struct gen_options){ .clients = clients, .duration = 2, .grace = 1,
				     .max_drop = 1, .retries = 1, .n_rates = 1,
				     .max_burst = GEN_CATCHUP_MAX };
}

/* A whole number for option name in [min, max], or 0. */
uint32_t gen_parse_count(const char *tool, const char *name, const char *arg,
			 uint32_t min, uint32_t max)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg == '\0' || *end || v < min || v > max) {
		fprintf(stderr, "%s: invalid %s '%s'; give %u to %u\n", tool, name, arg,
			min, max);
		return 0;
	}
	return (uint32_t)v;
}

/*
 * Record that option name (--rates or --windows) sets the steps.  The two
 * exclude each other, because rates[] takes either rates or windows.
 */
static int claim_steps(struct gen_options *opt, const char *tool, const char *name)
{
	if (opt->steps_option && strcmp(opt->steps_option, name) != 0) {
		fprintf(stderr, "%s: %s and %s exclude each other; give one of them\n", tool,
			opt->steps_option, name);
		return -EINVAL;
	}
	opt->steps_option = name;
	return 0;
}

static int parse_rates(struct gen_options *opt, const char *tool, char *list)
{
	char *tok, *save = NULL, *end;

	if (claim_steps(opt, tool, "--rates"))
		return -EINVAL;
	opt->n_rates = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_rates == GEN_MAX_STEPS) {
			fprintf(stderr, "%s: --rates has more than %d steps\n", tool,
				GEN_MAX_STEPS);
			return -EINVAL;
		}
		if (strcmp(tok, "max") == 0) {
			opt->rates[opt->n_rates++] = 0;
			continue;
		}
		opt->rates[opt->n_rates] = strtod(tok, &end);
		if (*end || opt->rates[opt->n_rates] <= 0) {
			fprintf(stderr, "%s: invalid rate '%s' in --rates; "
				"use positive numbers or 'max'\n", tool, tok);
			return -EINVAL;
		}
		opt->n_rates++;
	}
	if (opt->n_rates == 0) {
		fprintf(stderr, "%s: --rates is empty; give rates per second, comma separated\n",
			tool);
		return -EINVAL;
	}
	return 0;
}

static int parse_windows(struct gen_options *opt, const char *tool, char *list)
{
	char *tok, *save = NULL;

	if (claim_steps(opt, tool, "--windows"))
		return -EINVAL;
	opt->window_mode = 1;
	opt->n_rates = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_rates == GEN_MAX_STEPS) {
			fprintf(stderr, "%s: --windows has more than %d steps\n", tool,
				GEN_MAX_STEPS);
			return -EINVAL;
		}
		opt->rates[opt->n_rates] = gen_parse_count(tool, "window in --windows", tok, 1,
							   GEN_WINDOW_MAX);
		if (opt->rates[opt->n_rates] == 0)
			return -EINVAL;
		opt->n_rates++;
	}
	if (opt->n_rates == 0) {
		fprintf(stderr, "%s: --windows is empty; give exchanges in flight per step, "
			"comma separated\n", tool);
		return -EINVAL;
	}
	return 0;
}

/*
 * Store option c of GEN_COMMON_LONGOPTS in opt.  Returns 0 when it
 * stored it, 1 when c is not a common option, and -EINVAL when the
 * value is invalid.
 */
int gen_parse_common_option(struct gen_options *opt, const char *tool, int c, char *arg)
{
	switch (c) {
	case 'i': opt->ifname = arg; break;
	case 'H': opt->hold_ifname = arg; break;
	case 'd': opt->duration = strtod(arg, NULL); break;
	case 'g': opt->grace = strtod(arg, NULL); break;
	case 'm': opt->max_drop = strtod(arg, NULL); break;
	case 'r': return parse_rates(opt, tool, arg);
	case 'W': return parse_windows(opt, tool, arg);
	case 'R': opt->reflect = 1; break;
	case 'B':
		opt->max_burst = gen_parse_count(tool, "--max-burst", arg, 1, GEN_CHUNK_MAX);
		return opt->max_burst ? 0 : -EINVAL;
	case 'S': opt->settle = strtod(arg, NULL); break;
	case 'T': opt->retries = atoi(arg); break;
	default: return 1;
	}
	return 0;
}

/*
 * Check that each exchange of a window step can have a client of its
 * own.  An exchange keeps its state in its client's entry, so with fewer
 * clients than exchanges in flight two exchanges share an entry, and the
 * replies to the older one count as stale.
 */
static int check_window_clients(const struct gen_options *opt, const char *tool)
{
	double largest = 0;
	int i;

	if (!opt->window_mode)
		return 0;
	for (i = 0; i < opt->n_rates; i++)
		if (opt->rates[i] > largest)
			largest = opt->rates[i];
	if (opt->clients < largest) {
		fprintf(stderr, "%s: --clients %u is less than the largest window %.0f in "
			"--windows; raise --clients to %.0f or more\n", tool, opt->clients,
			largest, largest);
		return -EINVAL;
	}
	return 0;
}

/* Print step i of opt (a rate, "max" or a window) into buf. */
static const char *step_text(const struct gen_options *opt, int i, char *buf, size_t size)
{
	if (!opt->window_mode && opt->rates[i] == 0)
		return "max";
	snprintf(buf, size, "%.0f", opt->rates[i]);
	return buf;
}

/*
 * Check that the steps go up, with "max" last: the ladder ends at the
 * first step over --max-drop, so a lower step after it would never run.
 */
static int check_ascending(const struct gen_options *opt, const char *tool)
{
	const char *name = opt->window_mode ? "--windows" : "--rates";
	char prev[32], cur[32];

	for (int i = 1; i < opt->n_rates; i++) {
		double before = opt->rates[i - 1], now = opt->rates[i];

		if ((!opt->window_mode && before == 0) || (now != 0 && now < before)) {
			fprintf(stderr, "%s: %s must go up%s: %s after %s\n", tool, name,
				opt->window_mode ? "" : ", with 'max' last",
				step_text(opt, i, cur, sizeof(cur)),
				step_text(opt, i - 1, prev, sizeof(prev)));
			return -EINVAL;
		}
	}
	return 0;
}

int gen_check_options(const struct gen_options *opt, const char *tool)
{
	if (opt->duration <= 0 || opt->duration > 600 || opt->grace < 0 || opt->grace > 60 ||
	    opt->settle < 0 || opt->settle > 60 || opt->retries < 0 || opt->retries > 5) {
		fprintf(stderr, "%s: --duration must be in (0, 600], --grace and "
			"--settle in [0, 60] seconds, --retries in [0, 5]\n", tool);
		return -EINVAL;
	}
	if (check_ascending(opt, tool))
		return -EINVAL;
	return check_window_clients(opt, tool);
}

/* Store the dotted IPv4 address arg of option name in *addr, in network order. */
int gen_parse_ipv4(const char *tool, const char *name, const char *arg, uint32_t *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, arg, &a) != 1) {
		fprintf(stderr, "%s: invalid %s '%s'; give a dotted IPv4 address\n", tool, name,
			arg);
		return -EINVAL;
	}
	*addr = a.s_addr;
	return 0;
}

/*
 * Parse argv into opt with the getopt loop that the generators share:
 * -h and --help print the usage to stdout and exit 0, --clients takes 1
 * to cli->max_clients, cli->own_option takes the generator's own
 * options, and gen_parse_common_option the rest.  An unknown option
 * prints the usage to stderr.  Returns 0 or -EINVAL.  The caller calls
 * gen_options_init first and checks the options after.
 */
int gen_parse_args(struct gen_options *opt, const struct gen_cli *cli, int argc, char **argv)
{
	int c, err;

	while ((c = getopt_long(argc, argv, "h", cli->longopts, NULL)) != -1) {
		if (c == 'h') {
			cli->usage(stdout);
			exit(0);
		}
		if (c == 'c') {
			opt->clients = gen_parse_count(cli->tool, "--clients", optarg, 1,
						       cli->max_clients);
			err = opt->clients ? 0 : -EINVAL;
		} else {
			err = cli->own_option ? cli->own_option(cli->ctx, c, optarg) : 1;
		}
		if (err == 1)
			err = gen_parse_common_option(opt, cli->tool, c, optarg);
		if (err == 1)
			cli->usage(stderr);
		if (err)
			return -EINVAL;
	}
	return 0;
}

/*
 * Return a random base for transaction IDs, so that replies to an earlier
 * run count as stale, or the time of day when getrandom fails.
 */
uint32_t gen_random_base(void)
{
	uint32_t base;

	if (getrandom(&base, sizeof(base), 0) != sizeof(base))
		base = (uint32_t)time(NULL);
	return base;
}
