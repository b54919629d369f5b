// SPDX-License-Identifier: MIT
/*
 * rackbootctl --offline: read rackbootd's pinned maps and its store
 * directly (bpf_obj_get, LMDB read-only).  This works after rackbootd
 * stopped and needs the privileges that BPF map access needs (root, or
 * CAP_BPF).  When no rackbootd holds the pin folder's lock, it warns
 * that the values are from the last run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "leases/lease_format.h"
#include "rackboot/dhcp6_maps.h"
#include "rackboot/maps.h"
#include "rackbootctl/ctl.h"
#include "store/store.h"
#include "syslog/syslog_show.h"
#include "xdp/state_format.h"
#include "xdp/state_read.h"
#include "xdp/state_read6.h"

/* Print why opening a pinned map failed, and what to check. */
static void report_open_error(const char *pin_path, const char *name, int err)
{
	if (err == -ENOENT)
		fprintf(stderr, "rackbootctl: map %s/%s not found: rackbootd has not run with this "
			"pin folder, or it was removed; check --pin-path\n", pin_path, name);
	else
		fprintf(stderr, "rackbootctl: opening map %s/%s failed: %s%s\n", pin_path, name,
			strerror(-err), err == -EPERM || err == -EACCES ? " (run as root)" : "");
}

/* Open one pinned map, or print an error that names what to check. */
static int open_map(const char *pin_path, const char *name)
{
	int fd = rb_state_open(pin_path, name);

	if (fd < 0)
		report_open_error(pin_path, name, fd);
	return fd;
}

/* Warn when the maps outlived their rackbootd, so the values are not live. */
static void warn_if_stopped(const char *pin_path)
{
	if (rb_state_daemon_running(pin_path) == 0)
		fprintf(stderr, "rackbootctl: warning: rackbootd is not running: values are from "
			"its last run\n");
}

/*
 * Fill the ipv6 fields of devs from the pinned rb_devices6 map and the
 * store's DHCPv6 leases.  Without the store it warns and shows the
 * reservations alone, so that devices works on a host without one.
 */
static int read_ipv6_offline(const struct options *opts, struct rb_state_device *devs, size_t n)
{
	struct rb_store *st = NULL;
	int fd, err;

	fd = rb_state_open(opts->pin_path, RB_PIN_DEVICES6);
	if (fd == -ENOENT) {
		/* The pins of a rackboot version without DHCPv6: show the IPv4 view. */
		fprintf(stderr, "rackbootctl: warning: map %s/%s not found, so IPV6 stays empty; "
			"start rackbootd of this version once to create it\n", opts->pin_path,
			RB_PIN_DEVICES6);
		return 0;
	}
	if (fd < 0) {
		report_open_error(opts->pin_path, RB_PIN_DEVICES6, fd);
		return fd;
	}
	if (rb_store_open(opts->store_path, true, &st))
		fprintf(stderr, "rackbootctl: warning: no DHCPv6 leases, because the store in %s "
			"could not be opened (reason above): IPV6 shows the inventory's "
			"reservations only; try --store with the config's store path\n",
			opts->store_path);
	err = rb_state_read_ipv6(fd, st, (int64_t)time(NULL), devs, n);
	if (st)
		rb_store_close(st);
	close(fd);
	if (err)
		fprintf(stderr, "rackbootctl: reading the DHCPv6 reservations in %s/%s and the "
			"leases in %s failed: %s\n", opts->pin_path, RB_PIN_DEVICES6,
			opts->store_path, strerror(-err));
	return err;
}

int rb_offline_devices(const struct options *opts)
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
	if (read_ipv6_offline(opts, devs, n)) {
		free(devs);
		return EXIT_FAILURE;
	}

	if (opts->json)
		rb_state_devices_json(stdout, devs, n);
	else
		rb_state_devices_table(stdout, devs, n);
	free(devs);
	return EXIT_SUCCESS;
}

int rb_offline_stats(const struct options *opts)
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
int rb_offline_leases(const struct options *opts)
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
int rb_offline_logs(const struct options *opts)
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
