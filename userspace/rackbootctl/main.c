// SPDX-License-Identifier: MIT
/*
 * rackbootctl: ask rackbootd over its control socket, or with --offline
 * read its pinned maps and store directly.
 *
 *	rackbootctl [--socket PATH] devices [--phase P] [--profile N] [--subnet S] [--json]
 *	rackbootctl [--socket PATH] device MAC [--json]
 *	rackbootctl [--socket PATH] stats | leases | reload [--json]
 *	rackbootctl [--socket PATH] logs DEVICE [--lines N] [--json]
 *	rackbootctl [--socket PATH] top [--json]
 *	rackbootctl --offline [--pin-path DIR] [--store DIR] devices | stats | leases | logs DEVICE
 *
 * --pin-path and --store imply --offline, as they did before the socket
 * existed, so that scripts that name the maps keep reading the maps.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rackbootctl/ctl.h"
#include "xdp/map_names.h"

#define DEFAULT_PIN_PATH "/sys/fs/bpf/rackboot"
#define DEFAULT_STORE_PATH "/var/lib/rackboot"
#define COMMAND_LIST "devices, device, stats, leases, logs, reload or top"

struct command {
	const char *name;
	enum rb_ctl_command request;
	int (*offline)(const struct options *opts);	/* NULL: needs the socket */
};

static const struct command commands[] = {
	{ "devices", RB_CTL_DEVICES, rb_offline_devices },
	{ "device", RB_CTL_DEVICE, NULL },
	{ "stats", RB_CTL_STATS, rb_offline_stats },
	{ "leases", RB_CTL_LEASES, rb_offline_leases },
	{ "logs", RB_CTL_LOGS, rb_offline_logs },
	{ "reload", RB_CTL_RELOAD, NULL },
	{ "top", RB_CTL_TOP, NULL },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rackbootctl [--socket PATH] COMMAND [--json]\n"
		"       rackbootctl --offline [--pin-path DIR] [--store DIR] COMMAND [--json]\n"
		"\n"
		"Show and steer a running rackbootd over its control socket.\n"
		"\n"
		"Commands:\n"
		"  devices       one line per device (inventory and pool): address, phase,\n"
		"                times of the phases in seconds after the first one, replies\n"
		"                sent by XDP and by rackbootd, and the client architecture\n"
		"                (option 93); --phase, --profile and --subnet filter them\n"
		"  device MAC    one device's timeline: its phases in UTC, its lease and its\n"
		"                newest syslog messages\n"
		"  stats         the XDP counters (summed over CPUs) and rackbootd's counters\n"
		"  leases        the DHCPv4 and DHCPv6 leases in the store: client, address,\n"
		"                source (xdp or userspace), start and end (UTC; in JSON, Unix\n"
		"                seconds)\n"
		"  logs DEVICE   the syslog messages of DEVICE (a MAC, a hostname, or\n"
		"                'unattributed' for unknown sources) as the store holds them,\n"
		"                oldest first; rackbootd writes them every syslog\n"
		"                commit-interval, so the newest may be missing\n"
		"  reload        read the config file again, as SIGHUP does\n"
		"  top           a full-screen view refreshed every second: devices per\n"
		"                phase, rates per protocol, the slowest devices, errors;\n"
		"                q quits.  With --json, one snapshot\n"
		"\n"
		"Options:\n"
		"  -S, --socket PATH   rackbootd's control socket, the config's\n"
		"                      control/socket-path (default %s)\n"
		"  -o, --offline       read the pinned maps and the store instead of asking\n"
		"                      rackbootd; works after it stopped (devices, stats,\n"
		"                      leases and logs only, without filters)\n"
		"  -p, --pin-path DIR  folder of the pinned maps, the config's bpffs-pin-path\n"
		"                      (default %s); implies --offline\n"
		"  -s, --store DIR     folder of the store, the config's store path\n"
		"                      (default %s); implies --offline\n"
		"      --phase PHASE   devices: only those in PHASE (none, discovered,\n"
		"                      offered, leased, bootfile, image)\n"
		"      --profile NAME  devices: only those of boot profile NAME\n"
		"      --subnet S      devices: only those whose address is in subnet S, a\n"
		"                      configured subnet name or a prefix such as 10.0.0.0/24\n"
		"  -n, --lines N       logs: only the newest N messages\n"
		"  -j, --json          print JSON instead of a table\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"The socket admits root and the members of the config's control/group.\n"
		"With --offline, the maps stay pinned after rackbootd stops; the values are\n"
		"then from its last run, and rackbootctl prints a warning on stderr.\n",
		RB_CTL_SOCKET_DEFAULT, DEFAULT_PIN_PATH, DEFAULT_STORE_PATH);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* The argument of device or logs, checked as rackbootd checks it. */
static int parse_argument(const struct command *cmd, const char *arg, struct options *opts)
{
	struct ether_addr addr;

	if (cmd->request == RB_CTL_LOGS) {
		if (strlen(arg) > RB_CTL_NAME_MAX) {
			fprintf(stderr, "rackbootctl: DEVICE '%s' is longer than %d bytes\n", arg,
				RB_CTL_NAME_MAX);
			return EXIT_USAGE;
		}
		opts->device = arg;
		snprintf(opts->req.device, sizeof(opts->req.device), "%s", arg);
		return -1;
	}
	if (strlen(arg) != 17 || !ether_aton_r(arg, &addr)) {
		fprintf(stderr, "rackbootctl: invalid MAC '%s': use aa:bb:cc:dd:ee:ff\n", arg);
		return EXIT_USAGE;
	}
	memcpy(opts->req.mac, addr.ether_addr_octet, sizeof(opts->req.mac));
	return -1;
}

/* The words left after the options: one command, its argument, nothing else. */
static int parse_command(int argc, char **argv, struct options *opts)
{
	const struct command *cmd;
	int status;

	if (optind == argc) {
		fprintf(stderr, "rackbootctl: missing command; try " COMMAND_LIST "\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "rackbootctl: unknown command '%s'; try " COMMAND_LIST "\n",
			argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cmd->request == RB_CTL_DEVICE || cmd->request == RB_CTL_LOGS) {
		if (optind + 1 >= argc) {
			fprintf(stderr, "rackbootctl: %s needs a %s\n", cmd->name,
				cmd->request == RB_CTL_DEVICE ? "MAC" :
				"DEVICE: a MAC, a hostname or 'unattributed'");
			return EXIT_USAGE;
		}
		status = parse_argument(cmd, argv[++optind], opts);
		if (status >= 0)
			return status;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "rackbootctl: unexpected argument '%s'\n", argv[optind + 1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	opts->req.command = cmd->request;
	return -1;
}

static int parse_lines(const char *text, size_t *lines)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || *end != '\0' || end == text || text[0] == '-' || n == 0 ||
	    n > RB_CTL_LINES_MAX) {
		fprintf(stderr, "rackbootctl: invalid --lines '%s': give a number from 1 to %d\n",
			text, RB_CTL_LINES_MAX);
		return -1;
	}
	*lines = (size_t)n;
	return 0;
}

static int parse_phase(const char *text, int *phase)
{
	for (int p = 0; p < RB_PHASE_COUNT; p++) {
		if (strcmp(rb_phase_names[p], text) == 0) {
			*phase = p;
			return 0;
		}
	}
	fprintf(stderr, "rackbootctl: invalid --phase '%s': use none, discovered, offered, "
		"leased, bootfile or image\n", text);
	return -1;
}

static int copy_filter(const char *option, const char *text, char *dst, size_t size)
{
	if (text[0] == '\0' || strlen(text) >= size) {
		fprintf(stderr, "rackbootctl: invalid %s '%s': give 1 to %zu bytes\n", option, text,
			size - 1);
		return -1;
	}
	memcpy(dst, text, strlen(text) + 1);
	return 0;
}

enum { OPT_PHASE = 256, OPT_PROFILE, OPT_SUBNET };

static int parse_option(int c, struct options *opts)
{
	struct rb_ctl_request *req = &opts->req;

	switch (c) {
	case 'S':
		opts->socket_path = optarg;
		return 0;
	case 'o':
		opts->offline = true;
		return 0;
	case 'p':
		opts->pin_path = optarg;
		opts->offline = true;
		return 0;
	case 's':
		opts->store_path = optarg;
		opts->offline = true;
		return 0;
	case 'j':
		opts->json = true;
		return 0;
	case 'n':
		if (parse_lines(optarg, &opts->lines))
			return -1;
		req->lines = (uint32_t)opts->lines;
		return 0;
	case OPT_PHASE:
		return parse_phase(optarg, &req->phase);
	case OPT_PROFILE:
		return copy_filter("--profile", optarg, req->profile, sizeof(req->profile));
	case OPT_SUBNET:
		return copy_filter("--subnet", optarg, req->subnet, sizeof(req->subnet));
	default:
		return -1;
	}
}

/* Options that the command or the mode does not take are errors, not ignored. */
static int check_combination(const struct options *opts, const struct command *cmd)
{
	const struct rb_ctl_request *req = &opts->req;
	bool filters = req->phase >= 0 || req->profile[0] || req->subnet[0];

	if (filters && cmd->request != RB_CTL_DEVICES) {
		fprintf(stderr, "rackbootctl: --phase, --profile and --subnet apply to devices only\n");
		return EXIT_USAGE;
	}
	if (opts->lines && cmd->request != RB_CTL_LOGS) {
		fprintf(stderr, "rackbootctl: --lines applies to logs only\n");
		return EXIT_USAGE;
	}
	if (!opts->offline)
		return -1;
	if (!cmd->offline) {
		fprintf(stderr, "rackbootctl: %s needs rackbootd's control socket; drop --offline, "
			"--pin-path and --store\n", cmd->name);
		return EXIT_USAGE;
	}
	if (filters) {
		fprintf(stderr, "rackbootctl: the devices filters need rackbootd's config; drop "
			"--offline, --pin-path and --store\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "offline", no_argument, NULL, 'o' },
		{ "pin-path", required_argument, NULL, 'p' },
		{ "store", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "lines", required_argument, NULL, 'n' },
		{ "phase", required_argument, NULL, OPT_PHASE },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	/* GNU getopt permutes, so options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "S:op:s:jn:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_SUCCESS;
		}
		if (parse_option(c, opts)) {
			/* getopt printed the bad option; the help would scroll it away. */
			if (c == '?' || c == ':')
				fputs("rackbootctl: see 'rackbootctl --help' for the options\n", stderr);
			return EXIT_USAGE;
		}
	}
	status = parse_command(argc, argv, opts);
	if (status >= 0)
		return status;
	opts->req.text = !opts->json;
	return check_combination(opts, find_command(rb_ctl_command_name(opts->req.command)));
}

static int run_offline(const struct options *opts, const struct command *cmd)
{
	struct stat st;

	if (cmd->request != RB_CTL_LEASES && cmd->request != RB_CTL_LOGS &&
	    (stat(opts->pin_path, &st) < 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "rackbootctl: no rackbootd state under %s: is rackbootd running? "
			"try --pin-path with the config's bpffs-pin-path\n", opts->pin_path);
		return EXIT_FAILURE;
	}
	return cmd->offline(opts);
}

int main(int argc, char **argv)
{
	struct options opts = {
		.socket_path = RB_CTL_SOCKET_DEFAULT,
		.pin_path = DEFAULT_PIN_PATH,
		.store_path = DEFAULT_STORE_PATH,
		.req = { .phase = -1, .slowest = 10 },
	};
	const struct command *cmd;
	int status;

	status = parse_options(argc, argv, &opts);
	if (status >= 0)
		return status;
	cmd = find_command(rb_ctl_command_name(opts.req.command));

	if (opts.offline)
		status = run_offline(&opts, cmd);
	else if (cmd->request == RB_CTL_TOP)
		status = rb_top_run(&opts);
	else
		status = rb_client_run(&opts);
	fflush(stdout);
	return ferror(stdout) ? EXIT_FAILURE : status;
}
