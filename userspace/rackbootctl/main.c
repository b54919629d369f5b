// SPDX-License-Identifier: MIT
/*
 * rackbootctl: show rackbootd's state from its pinned maps.
 *
 *	rackbootctl [--pin-path DIR] devices [--json]
 *	rackbootctl [--pin-path DIR] stats [--json]
 *	rackbootctl [--store DIR] leases [--json]
 *	rackbootctl [--store DIR] logs DEVICE [--json] [--lines N]
 *
 * It reads the maps directly (bpf_obj_get), so it works while rackbootd
 * runs and after it stopped, and needs the privileges that BPF map access
 * needs (root, or CAP_BPF).  When no rackbootd holds the pin folder's
 * lock, it warns that the values are from the last run.  leases reads
 * the lease store (LMDB) read-only, which works while rackbootd writes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leases/lease_format.h"
#include "rackboot/maps.h"
#include "store/store.h"
#include "syslog/syslog_show.h"
#include "xdp/state_format.h"
#include "xdp/state_read.h"

#define DEFAULT_PIN_PATH "/sys/fs/bpf/rackboot"
#define DEFAULT_STORE_PATH "/var/lib/rackboot"
#define EXIT_USAGE 2

struct options;

struct command {
	const char *name;
	int (*run)(const struct options *opts);
};

struct options {
	const char *pin_path;
	const char *store_path;
	const struct command *command;
	const char *device;	/* the argument of logs */
	size_t lines;		/* logs --lines, 0 = all */
	bool json;
};

static int show_devices(const struct options *opts);
static int show_stats(const struct options *opts);
static int show_leases(const struct options *opts);
static int show_logs(const struct options *opts);

static const struct command commands[] = {
	{ "devices", show_devices },
	{ "stats", show_stats },
	{ "leases", show_leases },
	{ "logs", show_logs },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rackbootctl [--pin-path DIR] devices [--json]\n"
		"       rackbootctl [--pin-path DIR] stats [--json]\n"
		"       rackbootctl [--store DIR] leases [--json]\n"
		"       rackbootctl [--store DIR] logs DEVICE [--json] [--lines N]\n"
		"\n"
		"Show rackbootd's state from the maps it pinned.\n"
		"\n"
		"Commands:\n"
		"  devices  one line per device (inventory and pool): address, phase,\n"
		"           times of the phases in seconds after the first one, replies\n"
		"           sent by XDP and by rackbootd, and the client architecture\n"
		"           (option 93)\n"
		"  stats    the XDP counters (summed over CPUs) and rackbootd's counters\n"
		"  leases   the DHCPv4 and DHCPv6 leases in the store: client, address, times\n"
		"           (xdp or userspace), start and end (UTC; in JSON, Unix seconds)\n"
		"  logs     the syslog messages of DEVICE (a MAC, a hostname, or\n"
		"           'unattributed' for unknown sources) as the store holds them,\n"
		"           oldest first; rackbootd writes them every syslog\n"
		"           commit-interval, so the newest may be missing\n"
		"\n"
		"The maps stay pinned after rackbootd stops.  The values are then from its\n"
		"last run, and rackbootctl prints a warning on stderr.\n"
		"\n"
		"Options:\n"
		"  -p, --pin-path DIR  folder of the pinned maps, the config's\n"
		"                      bpffs-pin-path (default %s)\n"
		"  -s, --store DIR     folder of the lease store, the config's store path\n"
		"                      (default %s)\n"
		"  -j, --json          print JSON instead of a table\n"
		"  -n, --lines N       logs: only the newest N messages\n"
		"  -h, --help          print this help and exit\n",
		DEFAULT_PIN_PATH, DEFAULT_STORE_PATH);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* The words left after the options: one command and nothing else. */
static int parse_command(int argc, char **argv, struct options *opts)
{
	if (optind == argc) {
		fprintf(stderr, "rackbootctl: missing command; try devices, stats, leases or logs\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	opts->command = find_command(argv[optind]);
	if (!opts->command) {
		fprintf(stderr, "rackbootctl: unknown command '%s'; try devices, stats, leases or logs\n",
			argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (opts->command->run == show_logs) {
		if (optind + 1 >= argc) {
			fprintf(stderr, "rackbootctl: logs needs a DEVICE: a MAC, a hostname or "
				"'unattributed'\n");
			return EXIT_USAGE;
		}
		opts->device = argv[++optind];
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "rackbootctl: unexpected argument '%s'\n", argv[optind + 1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static int parse_lines(const char *text, size_t *lines)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || *end != '\0' || end == text || text[0] == '-' || n == 0) {
		fprintf(stderr, "rackbootctl: invalid --lines '%s': give a positive number\n", text);
		return -1;
	}
	*lines = (size_t)n;
	return 0;
}

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "pin-path", required_argument, NULL, 'p' },
		{ "store", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "lines", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* GNU getopt permutes, so options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "p:s:jn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			opts->pin_path = optarg;
			break;
		case 's':
			opts->store_path = optarg;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'n':
			if (parse_lines(optarg, &opts->lines))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	return parse_command(argc, argv, opts);
}

/* Open one pinned map, or print an error that names what to check. */
static int open_map(const char *pin_path, const char *name)
{
	int fd = rb_state_open(pin_path, name);

	if (fd == -ENOENT)
		fprintf(stderr, "rackbootctl: map %s/%s not found: rackbootd has not run with this "
			"pin folder, or it was removed; check --pin-path\n", pin_path, name);
	else if (fd < 0)
		fprintf(stderr, "rackbootctl: opening map %s/%s failed: %s%s\n", pin_path, name,
			strerror(-fd), fd == -EPERM || fd == -EACCES ? " (run as root)" : "");
	return fd;
}

/* Warn when the maps outlived their rackbootd, so the values are not live. */
static void warn_if_stopped(const char *pin_path)
{
	if (rb_state_daemon_running(pin_path) == 0)
		fprintf(stderr, "rackbootctl: warning: rackbootd is not running: values are from "
			"its last run\n");
}

static int show_devices(const struct options *opts)
{
	struct rb_state_device *devs = NULL;
	size_t n = 0;
	int fd, err;

	fd = open_map(opts->pin_path, RB_PIN_DEVICES);
	if (fd < 0)
		return EXIT_FAILURE;
	warn_if_stopped(opts->pin_path);
	err = rb_state_read_devices(fd, &devs, &n);
	close(fd);
	if (err) {
		fprintf(stderr, "rackbootctl: reading %s/%s failed: %s\n", opts->pin_path,
			RB_PIN_DEVICES, strerror(-err));
		return EXIT_FAILURE;
	}

	if (opts->json)
		rb_state_devices_json(stdout, devs, n);
	else
		rb_state_devices_table(stdout, devs, n);
	free(devs);
	return EXIT_SUCCESS;
}

static int show_stats(const struct options *opts)
{
	struct rb_state_stats stats;
	int xdp_fd, us_fd, err;

	xdp_fd = open_map(opts->pin_path, RB_PIN_XDP_COUNTERS);
	if (xdp_fd < 0)
		return EXIT_FAILURE;
	us_fd = open_map(opts->pin_path, RB_PIN_US_COUNTERS);
	if (us_fd < 0) {
		close(xdp_fd);
		return EXIT_FAILURE;
	}
	warn_if_stopped(opts->pin_path);
	err = rb_state_read_stats(xdp_fd, us_fd, &stats);
	close(xdp_fd);
	close(us_fd);
	if (err) {
		fprintf(stderr, "rackbootctl: reading the counters under %s failed: %s\n",
			opts->pin_path, strerror(-err));
		return EXIT_FAILURE;
	}

	if (opts->json)
		rb_state_stats_json(stdout, &stats);
	else
		rb_state_stats_table(stdout, &stats);
	return EXIT_SUCCESS;
}

/* Read-only: LMDB lets it read while rackbootd writes. */
static int show_leases(const struct options *opts)
{
	struct rb_store *st;
	int err;

	if (rb_store_open(opts->store_path, true, &st)) {
		fprintf(stderr, "rackbootctl: opening the lease store in %s failed (reason above); "
			"try --store with the config's store path\n", opts->store_path);
		return EXIT_FAILURE;
	}
	err = rb_lease_print(stdout, st, opts->json);
	rb_store_close(st);
	if (err) {
		fprintf(stderr, "rackbootctl: reading the leases in %s failed: %s\n",
			opts->store_path, strerror(-err));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* Read-only, as leases: the rings as of rackbootd's last syslog commit. */
static int show_logs(const struct options *opts)
{
	struct rb_store *st;
	int err;

	if (rb_store_open(opts->store_path, true, &st)) {
		fprintf(stderr, "rackbootctl: opening the store in %s failed (reason above); "
			"try --store with the config's store path\n", opts->store_path);
		return EXIT_FAILURE;
	}
	err = rb_syslog_show(stdout, st, opts->device, opts->lines, opts->json);
	rb_store_close(st);
	if (err == -ENOENT) {
		fprintf(stderr, "rackbootctl: no syslog messages stored for '%s' in %s: check "
			"the MAC or hostname, and that syslog is enabled\n", opts->device,
			opts->store_path);
		return EXIT_FAILURE;
	}
	if (err) {
		fprintf(stderr, "rackbootctl: reading the syslog messages of '%s' in %s failed: "
			"%s\n", opts->device, opts->store_path, strerror(-err));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct options opts = { .pin_path = DEFAULT_PIN_PATH, .store_path = DEFAULT_STORE_PATH };
	struct stat st;
	int status;

	status = parse_options(argc, argv, &opts);
	if (status >= 0)
		return status;

	if (opts.command->run != show_leases && opts.command->run != show_logs &&
	    (stat(opts.pin_path, &st) < 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "rackbootctl: no rackbootd state under %s: is rackbootd running? "
			"try --pin-path with the config's bpffs-pin-path\n", opts.pin_path);
		return EXIT_FAILURE;
	}

	status = opts.command->run(&opts);
	fflush(stdout);
	return ferror(stdout) ? EXIT_FAILURE : status;
}
