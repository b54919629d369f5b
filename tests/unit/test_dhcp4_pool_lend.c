// SPDX-License-Identifier: MIT
/*
 * Pool addresses lent to XDP, against real BPF maps and a real store in
 * a temporary folder.  The start fills the queue and records every
 * address as lent.  The slow path takes a queued address only out of the
 * queue, when nothing else is free.  The loan ends in the store only
 * when the lease is written or the address is free again, so that an
 * address bound but not yet leased is held back after a power loss.  A
 * RELEASE returns the address to the queue.  A restart drains and
 * refills without duplicates, and an address lent before an unclean stop
 * is held back until its time is up.  The XDP side is played by popping the queue and
 * adding the record as the program does.  Needs CAP_BPF and CAP_NET_RAW;
 * skips without.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>

#include "config/config.h"
#include "dhcp4/pool_lend.h"
#include "dhcp4/server.h"
#include "dhcp4/server_internal.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/dhcp4_server_fixture.h"
#include "lib/store_fixture.h"
#include "rackboot/dhcp4_wire.h"
#include "store/store.h"
#include "xdp/device_state.h"

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

#define POOL_SIZE	4
#define NS_PER_S	1000000000ull

/* The pool holds 10.213.0.200 to 10.213.0.203 on lo, with leases of 600 s. */
#define POOL_END	"10.213.0.203"
#define LEASE_TIME_S	600

static const uint8_t mac1[6] = { 0x02, 0x00, 0x5e, 0x30, 0x00, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0x00, 0x5e, 0x30, 0x00, 0x02 };

struct fixture {
	struct test_dhcp4_fixture base;
	struct rb_store *store;
	char dir[64];
	int queues_fd;
};

static int queues_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int inner = bpf_map_create(BPF_MAP_TYPE_QUEUE, NULL, 0, sizeof(uint32_t),
				   RB_POOL_QUEUE_MAX, NULL);
	int fd;

	if (inner < 0)
		return -1;
	opts.inner_map_fd = inner;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, sizeof(uint32_t), sizeof(uint32_t),
			    RB_MAX_POOLS, &opts);
	close(inner);
	return fd;
}

/* A server on the fixture's maps and store, started: the queue is drained and filled. */
static void server_start(struct fixture *f)
{
	struct rb_dhcp4_lender lender;

	if (f->base.srv) {
		rb_dhcp4_server_stop(f->base.srv);
		test_dhcp4_fixture_retire_server(&f->base);
	}
	rb_dhcp4_lender_of_store(f->store, &lender);
	f->base.srv = test_dhcp4_fixture_server_new(&f->base);
	rb_dhcp4_server_set_lending(f->base.srv, f->queues_fd, &lender);
	assert_int_equal(rb_dhcp4_server_start(f->base.srv), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	/* Pool id 1: lo lends from the first queue of rb_pool_queues. */
	if (test_dhcp4_fixture_setup(&f->base, POOL_END, LEASE_TIME_S, 1)) {
		free(f);
		return -1;
	}
	f->queues_fd = queues_create();
	assert_true(f->queues_fd >= 0);
	test_store_create(f->dir, sizeof(f->dir), "rb-pool-lend", &f->store);
	server_start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_dhcp4_fixture_teardown(&f->base);
	close(f->queues_fd);
	test_store_remove(f->dir, f->store);
	free(f);
	return 0;
}

static int queue_fd(struct fixture *f)
{
	__u32 slot = 0, id;
	int fd;

	assert_int_equal(bpf_map_lookup_elem(f->queues_fd, &slot, &id), 0);
	fd = bpf_map_get_fd_by_id(id);
	assert_true(fd >= 0);
	return fd;
}

/* The queue's addresses in order (popped and pushed back); returns how many. */
static size_t queue_list(struct fixture *f, uint32_t out[POOL_SIZE + 1])
{
	int fd = queue_fd(f);
	size_t n = 0;

	while (n < POOL_SIZE + 1 && bpf_map_lookup_and_delete_elem(fd, NULL, &out[n]) == 0)
		n++;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bpf_map_update_elem(fd, NULL, &out[i], BPF_ANY), 0);
	close(fd);
	return n;
}

static bool in_list(const uint32_t *list, size_t n, uint32_t addr)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i] == addr)
			return true;
	}
	return false;
}

static int count_lent(uint32_t ipv4, void *arg)
{
	(void)ipv4;
	++*(size_t *)arg;
	return 0;
}

static size_t store_lent(struct fixture *f)
{
	size_t n = 0;

	assert_int_equal(rb_store_foreach_lent(f->store, count_lent, &n), 0);
	return n;
}

/* Play the XDP program: pop an address and add mac's record; returns the address. */
static uint32_t xdp_bind(struct fixture *f, const uint8_t mac[6])
{
	struct rb_device rec = { .client_arch = RB_ARCH_ANY };
	struct rb_mac_key key = rb_mac_key_of(mac);
	int fd = queue_fd(f);
	uint32_t addr;

	assert_int_equal(bpf_map_lookup_and_delete_elem(fd, NULL, &addr), 0);
	close(fd);
	rec.ipv4 = addr;
	assert_int_equal(bpf_map_update_elem(f->base.devices_fd, &key, &rec, BPF_NOEXIST), 0);
	return addr;
}

static void bound(struct fixture *f, const uint8_t mac[6], uint32_t addr)
{
	struct rb_event ev = { .type = RB_EV_DHCP4_BIND, .ipv4 = addr };

	memcpy(ev.mac, mac, 6);
	assert_int_equal(rb_store_begin(f->store), 0);
	rb_dhcp4_server_pool_bound(f->base.srv, &ev);
	assert_int_equal(rb_store_commit(f->store), 0);
}

/* Write the lease that the journal writes after the ACK. */
static void lease(struct fixture *f, const uint8_t mac[6], uint32_t addr)
{
	struct rb_store_lease l = { .source = RB_LEASE_XDP, .ipv4 = addr, .start = 1, .end = 601 };

	memcpy(l.mac, mac, 6);
	assert_int_equal(rb_store_put_lease(f->store, &l), 0);
}

static bool marked_lent(struct fixture *f, uint32_t addr)
{
	return rb_dhcp4_pool_marked(&f->base.srv->pool, addr, RB_DHCP4_POOL_LENT);
}

static void start_lends_whole_pool(void **state)
{
	struct fixture *f = *state;
	struct test_dhcp4_req discover = { .xid = 0x2001, .opts = OPTS(53, 1, 1, 255) };
	uint32_t queued[POOL_SIZE + 1];
	struct rb_device rec;

	assert_int_equal(queue_list(f, queued), POOL_SIZE);
	assert_int_equal(queued[0], test_ip4("10.213.0.200"));
	assert_int_equal(queued[3], test_ip4("10.213.0.203"));
	assert_int_equal(store_lent(f), POOL_SIZE);

	/* Every address is in the queue, so the slow path takes the oldest one from it. */
	memcpy(discover.mac, mac1, 6);
	test_dhcp4_fixture_handle(&f->base, &discover);
	assert_int_equal(rb_device_get(f->base.devices_fd, mac1, &rec), 0);
	assert_int_equal(rec.ipv4, test_ip4("10.213.0.200"));
	assert_int_equal(f->base.counters[RB_UC_TX_OFFER], 1);
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);
	assert_false(in_list(queued, POOL_SIZE - 1, rec.ipv4));

	/* The store keeps the loan until the lease is written. */
	assert_int_equal(store_lent(f), POOL_SIZE);
	lease(f, mac1, rec.ipv4);
	assert_int_equal(store_lent(f), POOL_SIZE - 1);
}

static void lease_ends_loan(void **state)
{
	struct fixture *f = *state;
	uint32_t queued[POOL_SIZE + 1], addr;
	struct rb_store_lease found;

	addr = xdp_bind(f, mac1);
	bound(f, mac1, addr);
	assert_false(marked_lent(f, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);
	assert_int_equal(rb_store_get_lease_by_addr(f->store, addr, &found), -ENOENT);

	lease(f, mac1, addr);
	assert_int_equal(store_lent(f), POOL_SIZE - 1);
	assert_int_equal(rb_store_get_lease_by_addr(f->store, addr, &found), 0);

	/* Nothing free to refill with: the bound address stays out of the queue. */
	rb_dhcp4_server_pool_refill(f->base.srv, rb_boottime_ns());
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);
	assert_false(in_list(queued, POOL_SIZE - 1, addr));
}

/*
 * A power loss after the bind but before the lease's commit: the maps are
 * gone, the store still lists the address as lent, so it is held back.
 */
static void bound_unleased_held_back(void **state)
{
	struct fixture *f = *state;
	struct rb_mac_key key = rb_mac_key_of(mac1);
	uint32_t queued[POOL_SIZE + 1], addr;

	addr = xdp_bind(f, mac1);
	bound(f, mac1, addr);
	assert_int_equal(bpf_map_delete_elem(f->base.devices_fd, &key), 0);

	server_start(f);
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);
	assert_false(in_list(queued, POOL_SIZE - 1, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);
}

static void release_refills_queue(void **state)
{
	struct fixture *f = *state;
	struct test_dhcp4_req release = { .xid = 0x2002, .opts = OPTS(53, 1, 7, 255) };
	uint32_t queued[POOL_SIZE + 1], addr;

	addr = xdp_bind(f, mac1);
	bound(f, mac1, addr);
	memcpy(release.mac, mac1, 6);
	release.ciaddr = addr;
	release.ip_src = addr;
	test_dhcp4_fixture_handle(&f->base, &release);
	assert_int_not_equal(rb_device_get(f->base.devices_fd, mac1, &(struct rb_device){ 0 }), 0);

	rb_dhcp4_server_pool_refill(f->base.srv, rb_boottime_ns());
	assert_int_equal(queue_list(f, queued), POOL_SIZE);
	assert_true(in_list(queued, POOL_SIZE, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);
}

/* A bind whose event never comes is found by the expiry walk; the store keeps the loan. */
static void expiry_walk_finds_lost_bind(void **state)
{
	struct fixture *f = *state;
	uint32_t addr;

	addr = xdp_bind(f, mac2);
	assert_true(marked_lent(f, addr));
	rb_dhcp4_server_pool_expire(f->base.srv, rb_boottime_ns());
	assert_false(marked_lent(f, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);
}

/* A restart drains the queue and fills it again, without the bound address. */
static void restart_keeps_queue_consistent(void **state)
{
	struct fixture *f = *state;
	uint32_t queued[POOL_SIZE + 1], addr;

	addr = xdp_bind(f, mac1);
	server_start(f);

	/* The bind event is still in the ring; the record already holds the address. */
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);
	assert_false(in_list(queued, POOL_SIZE - 1, addr));
	for (size_t i = 0; i < POOL_SIZE - 1; i++)
		assert_false(in_list(queued + i + 1, POOL_SIZE - 2 - i, queued[i]));
	assert_int_equal(store_lent(f), POOL_SIZE);
	bound(f, mac1, addr);
	assert_int_equal(store_lent(f), POOL_SIZE);
}

/*
 * An address that the store lists as lent but that is in no queue and no
 * record (the maps were lost) is held back for the lease time plus the
 * grace, then lent again.
 */
static void unclean_start_holds_back(void **state)
{
	struct fixture *f = *state;
	uint32_t queued[POOL_SIZE + 1], addr;
	int fd = queue_fd(f);
	uint64_t now;

	assert_int_equal(bpf_map_lookup_and_delete_elem(fd, NULL, &addr), 0);
	close(fd);
	server_start(f);
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);
	assert_false(in_list(queued, POOL_SIZE - 1, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);

	now = rb_boottime_ns();
	rb_dhcp4_server_pool_refill(f->base.srv, now + (LEASE_TIME_S + RB_DHCP4_EXPIRE_GRACE_S - 5) * NS_PER_S);
	assert_int_equal(queue_list(f, queued), POOL_SIZE - 1);

	rb_dhcp4_server_pool_refill(f->base.srv, now + (LEASE_TIME_S + RB_DHCP4_EXPIRE_GRACE_S + 5) * NS_PER_S);
	assert_int_equal(queue_list(f, queued), POOL_SIZE);
	assert_true(in_list(queued, POOL_SIZE, addr));
	assert_int_equal(store_lent(f), POOL_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(start_lends_whole_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(lease_ends_loan, setup, teardown),
		cmocka_unit_test_setup_teardown(bound_unleased_held_back, setup, teardown),
		cmocka_unit_test_setup_teardown(release_refills_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(expiry_walk_finds_lost_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(restart_keeps_queue_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(unclean_start_holds_back, setup, teardown),
	};

	return cmocka_run_group_tests_name("dhcp4_pool_lend", tests, NULL, NULL);
}
