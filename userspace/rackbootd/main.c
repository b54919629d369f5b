// SPDX-License-Identifier: MIT
/*
 * rackbootd: load the config, attach the XDP fast path and fill its maps,
 * then serve the DHCPv4 slow path and TFTP from one io_uring loop until
 * SIGTERM or SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "rackbootd/daemon.h"

#ifndef RACKBOOT_VERSION
#define RACKBOOT_VERSION "0.1.0"
#endif

/* Exit statuses: 0 after a stop by signal, 1 on any error, 2 for usage. */
#define EXIT_USAGE 2

struct options {
	const char *config_path;
	const char *log_level;	/* NULL: the config's log-level */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rackbootd --config FILE [--log-level LEVEL]\n"
		"       rackbootd --help | --version\n"
		"\n"
		"Serve DHCPv4 (XDP fast path and userspace slow path) and TFTP to the\n"
		"devices of the inventory and the address pools in FILE until SIGTERM\n"
		"or SIGINT, and DNS for the zone of FILE's dns container.\n"
		"\n"
		"  -c, --config FILE      config file: JSON (RFC 7951) of the YANG module\n"
		"                         rackboot; required\n"
		"  -l, --log-level LEVEL  error, warning, info or debug; overrides the\n"
		"                         config's log-level\n"
		"  -h, --help             print this help and exit\n"
		"  -V, --version          print the version and exit\n"
		"\n"
		"rackbootd needs root (CAP_BPF, CAP_NET_ADMIN and CAP_NET_RAW).\n"
		"\n"
		"Device records (reserved addresses, phases and their times, reply\n"
		"counts) and counters live in BPF maps pinned under the config's\n"
		"bpffs-pin-path.  They stay pinned across restarts, so a restart keeps\n"
		"them; remove that folder (rm -r) to reset them.\n"
		"\n"
		"Leases are also written to the LMDB store in the config's store path\n"
		"(default /var/lib/rackboot), which survives a reboot; rackbootctl\n"
		"leases lists them.\n"
		"\n"
		"On SIGHUP, rackbootd reloads FILE: it validates the new file aside and\n"
		"applies it without dropping leases, TFTP transfers or HTTP connections,\n"
		"or keeps the running config and logs why.\n"
		"\n"
		"On SIGTERM or SIGINT, rackbootd detaches its XDP program.  After a\n"
		"SIGKILL or a crash the program stays attached and keeps answering the\n"
		"devices in the maps (DHCPv4 only: no slow path, no TFTP) until rackbootd\n"
		"starts again with the same bpffs-pin-path, which removes it.\n");
}

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:l:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case 'l':
			opts->log_level = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("rackbootd %s\n", RACKBOOT_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rackbootd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!opts->config_path) {
		fprintf(stderr, "rackbootd: missing --config FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static int load_config(const char *path, struct rb_config **cfg)
{
	struct rb_cfg_errors errs = { 0 };
	char line[1300];
	int err;

	err = rb_config_load(path, cfg, &errs);
	if (err) {
		log_err("config %s rejected, errors: %zu", path, errs.count + errs.omitted);
		for (size_t i = 0; i < errs.count; i++)
			log_err("%s", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
		if (errs.omitted)
			log_err("%zu more errors not shown", errs.omitted);
		if (errs.count == 0)
			log_err("config %s: loading failed: %s", path, strerror(-err));
	}
	rb_cfg_errors_free(&errs);
	return err;
}

/* The level from --log-level, else from the config, else info. */
static int apply_log_level(const char *cli, const struct rb_config *cfg)
{
	enum rb_log_level level = RB_LOG_INFO;
	const char *name = cli ? cli : cfg->log_level;

	if (name[0] == '\0')
		name = "info";
	if (rb_log_parse_level(name, &level)) {
		log_err("invalid log level '%s': use error, warning, info or debug", name);
		return -EINVAL;
	}
	rb_log_set_level(level);
	return 0;
}

static void log_started(const struct rb_daemon *d)
{
	const struct rb_xdp_summary *s = rb_xdp_summary(d->xdp);
	char ifaces[512] = "";
	size_t used = 0;

	for (size_t i = 0; i < d->cfg->n_ifaces && used < sizeof(ifaces); i++) {
		const struct rb_cfg_iface *iface = &d->cfg->ifaces[i];
		int n = snprintf(ifaces + used, sizeof(ifaces) - used, "%s%s (%s)", i ? ", " : "",
				 iface->name, iface->xdp_mode == RB_XDP_MODE_SKB ? "skb" : "native");

		used += n > 0 ? (size_t)n : 0;
	}
	log_info("rackbootd %s started with config %s: interfaces %s; %zu devices (%zu kept "
		 "their state, %zu removed), %zu reply templates; maps under %s (%zu reused)",
		 RACKBOOT_VERSION, d->config_path, ifaces, s->devices, s->devices_kept,
		 s->devices_removed, s->templates, d->cfg->bpffs_pin_path, s->maps_reused);
	log_info("the maps under %s stay pinned after rackbootd stops; if rackbootd is killed "
		 "(SIGKILL) or crashes, its XDP program stays attached and answers the known "
		 "devices until rackbootd starts again and removes it; stop it with SIGTERM or "
		 "SIGINT to detach the program", d->cfg->bpffs_pin_path);
}

/*
 * Start everything and run the loop.  Returns 0 after a stop by signal.
 * What can fail cheaply (the TFTP root, the ports) comes before the XDP
 * program is attached, so that such a failure leaves the interfaces
 * alone.
 */
static int run(struct rb_daemon *d)
{
	int err;

	err = rb_daemon_check_tftp_root(d->config_path, d->cfg);
	if (err)
		return err;

	err = rb_daemon_loop_init(d);
	if (!err)
		err = rb_daemon_journal_open(d);
	if (!err)
		err = rb_daemon_services_open(d);
	if (!err)
		err = rb_xdp_start(d->cfg, &d->xdp);
	if (!err)
		err = rb_daemon_journal_start(d);
	if (!err)
		err = rb_daemon_services_start(d);
	if (!err) {
		log_started(d);
		err = rb_daemon_loop_run(d);
	}

	/* The ring goes first: requests in flight point into the services. */
	rb_daemon_loop_exit(d);
	rb_daemon_services_free(d);
	rb_daemon_journal_close(d);
	rb_xdp_stop(d->xdp);
	d->xdp = NULL;
	return err;
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct rb_daemon d = { .signal_fd = -1, .timer_fd = -1 };
	int status, err;

	status = parse_options(argc, argv, &opts);
	if (status >= 0)
		return status;
	d.config_path = opts.config_path;
	d.log_level_option = opts.log_level;

	rb_log_init("rackbootd", RB_LOG_INFO);
	if (opts.log_level && apply_log_level(opts.log_level, NULL))
		return EXIT_USAGE;
	if (rb_daemon_check_privileges())
		return EXIT_FAILURE;
	if (rb_daemon_block_signals())
		return EXIT_FAILURE;

	if (load_config(opts.config_path, &d.cfg))
		return EXIT_FAILURE;
	if (apply_log_level(opts.log_level, d.cfg)) {
		rb_config_free(d.cfg);
		return EXIT_FAILURE;
	}

	err = run(&d);
	rb_config_free(d.cfg);
	if (err) {
		log_err("rackbootd stopped after an error: %s", strerror(-err));
		return EXIT_FAILURE;
	}
	log_info("rackbootd stopped");
	return EXIT_SUCCESS;
}
