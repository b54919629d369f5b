/* SPDX-License-Identifier: MIT */
/*
 * A DHCPv4 slow-path server for unit tests: small real BPF maps, a
 * config that serves 10.213.0.0/24 on lo from 10.213.0.1 with a pool
 * for the profile "linux", and an io_uring.  Requests are handed to the
 * server as if they came from lo.
 */
#ifndef RB_TEST_DHCP4_SERVER_FIXTURE_H
#define RB_TEST_DHCP4_SERVER_FIXTURE_H

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>

#include "rackboot/maps.h"

#define TEST_LO_IFINDEX		1
#define TEST_DHCP4_REPLACED_MAX	4

struct rb_config;
struct rb_dhcp4_server;
struct test_dhcp4_req;

struct test_dhcp4_fixture {
	struct io_uring ring;
	struct rb_config *cfg;
	struct rb_dhcp4_server *srv;
	/* Servers replaced by a restart, freed after the ring, whose SQEs point into them. */
	struct rb_dhcp4_server *replaced[TEST_DHCP4_REPLACED_MAX];
	size_t n_replaced;
	uint64_t counters[RB_UC_COUNT];
	int devices_fd, templates_fd, ifaces_fd;
};

/*
 * Create the maps, load the config whose pool runs from 10.213.0.200 to
 * pool_end, write the templates and lo's rb_ifaces entry, and set up the
 * ring.  lease_time_s 0 leaves the subnet's lease time at the YANG
 * default.  pool_id is lo's rb_pool_queues index + 1, or 0 for no
 * lending queue.  Returns 0, or -errno when the maps cannot be created
 * (no CAP_BPF), after printing why; other failures fail the running
 * cmocka test.  No server is created.
 */
int test_dhcp4_fixture_setup(struct test_dhcp4_fixture *f, const char *pool_end,
			     uint32_t lease_time_s, uint32_t pool_id);

/* Free the ring, the servers, the config and the maps, in that order. */
void test_dhcp4_fixture_teardown(struct test_dhcp4_fixture *f);

/* Create a server (not started) on the fixture's maps, counters and config. */
struct rb_dhcp4_server *test_dhcp4_fixture_server_new(struct test_dhcp4_fixture *f);

/* Keep f->srv for test_dhcp4_fixture_teardown() and set it to NULL. */
void test_dhcp4_fixture_retire_server(struct test_dhcp4_fixture *f);

/* Hand the DHCP message of the request's frame to f->srv, as from lo. */
void test_dhcp4_fixture_handle(struct test_dhcp4_fixture *f, const struct test_dhcp4_req *r);

#endif
