// SPDX-License-Identifier: MIT
/*
 * The lease journal against real BPF maps (hash, array, ring buffer)
 * and a real store in a temporary folder.  Cases: the reconcile of
 * rb_devices into the store at start, the restore of pool devices from
 * the store, stale and expired store leases, the slow path's calls, and
 * an ACK that takes an address over from another MAC's store lease.
 * The DHCPv6 cases call rb_leases_write6() with an RB_EV_DHCP6_LEASE
 * record, as the ring consumer does.  tests/bpf/test_dhcp6_xdp.c runs the
 * same path from a real XDP Reply through rb_events.
 * Creating BPF maps needs root, so the cases skip without it.
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
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "config/config.h"
#include "dhcp4/template.h"
#include "leases/leases.h"
#include "leases/leases_internal.h"
#include "lib/dhcp4_maps.h"
#include "lib/store_fixture.h"
#include "store/store.h"
#include "xdp/device_state.h"

#define NS_PER_SEC	1000000000ULL

#define CONFIG_JSON \
	"{\"rackboot:rackboot\": {" \
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}," \
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"pxelinux.0\"}]}," \
	"\"dhcpv6\": {\"subnet\": [{\"name\": \"other6\", \"prefix\": \"fd00:999::/64\"}, " \
	"{\"name\": \"lab6\", \"prefix\": \"fd00:213::/64\"}]}," \
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\", " \
	"\"interface\": \"rb0\", \"server-address\": \"10.213.0.1\", \"lease-time\": 600, " \
	"\"pool\": {\"profile\": \"linux\", \"range\": [{\"start\": \"10.213.0.100\", " \
	"\"end\": \"10.213.0.199\"}]}}]}," \
	"\"inventory\": {\"device\": [{\"mac\": \"52:54:00:00:00:01\", " \
	"\"ipv4-address\": \"10.213.0.10\", \"profile\": \"linux\"}]}}}"

static const uint8_t MAC_INV[6] = { 0x52, 0x54, 0, 0, 0, 0x01 };
static const uint8_t MAC_A[6] = { 0x02, 0, 0x5e, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0x5e, 0, 0, 0x0b };

struct fixture {
	char dir[64];
	struct rb_config *cfg;
	struct rb_store *st;
	struct rb_leases *l;
	struct rb_leases_maps maps;
	uint32_t pool_template;
	uint32_t lease_time;
};

static int64_t realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static void fill_templates(struct fixture *f)
{
	struct rb_dhcp4_templates t;

	assert_int_equal(rb_dhcp4_templates_build(f->cfg, &t), 0);
	assert_true(t.count <= 4);
	for (__u32 id = 0; id < t.count; id++)
		assert_int_equal(bpf_map_update_elem(f->maps.templates, &id, &t.items[id], BPF_ANY),
				 0);
	f->pool_template = t.pool_template[0];
	f->lease_time = t.items[f->pool_template].lease_time;
	rb_dhcp4_templates_free(&t);
}

static int setup(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct fixture *f;
	int ifaces_fd;

	if (geteuid() != 0)
		skip();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(rb_config_load_string(CONFIG_JSON, &f->cfg, &errs), 0);
	rb_cfg_errors_free(&errs);

	assert_int_equal(test_dhcp4_maps_create(&f->maps.devices, &f->maps.templates, &ifaces_fd),
			 0);
	close(ifaces_fd);
	f->maps.events = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);
	assert_true(f->maps.events >= 0);
	fill_templates(f);

	test_store_create(f->dir, sizeof(f->dir), "rb-test-leases", &f->st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rb_leases_free(f->l);
	test_store_remove(f->dir, f->st);
	close(f->maps.devices);
	close(f->maps.templates);
	close(f->maps.events);
	rb_config_free(f->cfg);
	free(f);
	return 0;
}

/* Start the journal without an io_uring: nothing is polled, start commits. */
static void start_journal(struct fixture *f)
{
	struct rb_leases_config cfg = { .commit_interval_ms = 100, .config = f->cfg };

	assert_int_equal(rb_leases_new(f->st, &cfg, &f->l), 0);
	assert_int_equal(rb_leases_start(f->l, NULL, &f->maps), 0);
}

static void put_device(struct fixture *f, const uint8_t mac[6], const char *addr,
		       uint64_t lease_ns)
{
	struct rb_mac_key key = rb_mac_key_of(mac);
	struct rb_device rec = { .ipv4 = test_ip4(addr), .template_id = f->pool_template,
				 .client_arch = RB_ARCH_ANY, .lease_ns = lease_ns, .from_xdp = 1 };

	assert_int_equal(bpf_map_update_elem(f->maps.devices, &key, &rec, BPF_ANY), 0);
}

static void put_store_lease(struct fixture *f, const uint8_t mac[6], const char *addr,
			    int64_t start, int64_t end)
{
	struct rb_store_lease lease = { .source = RB_LEASE_XDP, .ipv4 = test_ip4(addr),
					.template_id = f->pool_template, .start = start, .end = end };

	memcpy(lease.mac, mac, 6);
	assert_int_equal(rb_store_put_lease(f->st, &lease), 0);
}

static void test_reconcile_writes_missing(void **state)
{
	struct fixture *f = *state;
	uint64_t acked = rb_boottime_ns() - 5 * NS_PER_SEC;
	int64_t expect = realtime_now() - 5;
	struct rb_store_lease out;

	put_device(f, MAC_A, "10.213.0.100", acked);
	put_device(f, MAC_B, "10.213.0.101", 0);
	start_journal(f);

	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	assert_int_equal(out.ipv4, test_ip4("10.213.0.100"));
	assert_int_equal(out.source, RB_LEASE_XDP);
	assert_true(out.start >= expect - 1 && out.start <= expect + 1);
	assert_int_equal(out.end, out.start + f->lease_time);
	/* A device without an ACK has no lease. */
	assert_int_equal(rb_store_get_lease(f->st, MAC_B, &out), -ENOENT);
}

static void test_reconcile_replaces_older(void **state)
{
	struct fixture *f = *state;
	int64_t now = realtime_now();
	struct rb_store_lease out;

	put_store_lease(f, MAC_A, "10.213.0.100", now - 500, now + 100);
	put_device(f, MAC_A, "10.213.0.100", rb_boottime_ns());
	start_journal(f);

	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	assert_true(out.start >= now - 1);
}

/*
 * Put a store lease of MAC_A on addr from start_s to end_s seconds after
 * now, start the journal and read MAC_A's record into rec.  Returns what
 * rb_device_get() returns: 0 when the start restored the lease, -ENOENT
 * when it did not.
 */
static int restore_lease(struct fixture *f, const char *addr, int64_t start_s, int64_t end_s,
			 struct rb_device *rec)
{
	int64_t now = realtime_now();

	put_store_lease(f, MAC_A, addr, now + start_s, now + end_s);
	start_journal(f);
	return rb_device_get(f->maps.devices, MAC_A, rec);
}

static void test_restore_pool_device(void **state)
{
	struct fixture *f = *state;
	struct rb_device rec;

	assert_int_equal(restore_lease(f, "10.213.0.120", -60, 540, &rec), 0);
	assert_int_equal(rec.ipv4, test_ip4("10.213.0.120"));
	assert_int_equal(rec.template_id, f->pool_template);
	assert_int_equal(rec.phase, RB_PHASE_LEASED);
	assert_true(rec.lease_ns > 0 && rec.lease_ns <= rb_boottime_ns());
}

static void test_restore_skips_expired(void **state)
{
	struct rb_device rec;

	assert_int_equal(restore_lease(*state, "10.213.0.120", -4000, -3400, &rec), -ENOENT);
}

static void test_restore_skips_non_pool(void **state)
{
	struct rb_device rec;

	/* 10.213.0.50 is in the subnet but in no pool range. */
	assert_int_equal(restore_lease(*state, "10.213.0.50", -60, 540, &rec), -ENOENT);
}

static void test_stale_lease_deleted(void **state)
{
	struct fixture *f = *state;
	int64_t now = realtime_now();
	struct rb_store_lease out;
	struct rb_device rec;

	/* MAC_B has the address in rb_devices, offered but not yet ACKed. */
	put_store_lease(f, MAC_A, "10.213.0.130", now - 60, now + 540);
	put_device(f, MAC_B, "10.213.0.130", 0);
	start_journal(f);

	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), -ENOENT);
	assert_int_equal(rb_device_get(f->maps.devices, MAC_A, &rec), -ENOENT);
}

static void test_ack_takes_address_over(void **state)
{
	struct fixture *f = *state;
	int64_t now = realtime_now();
	struct rb_store_lease out;

	/* The store still has MAC_A on the address that rb_devices gives MAC_B. */
	put_store_lease(f, MAC_A, "10.213.0.140", now - 700, now - 100);
	put_device(f, MAC_B, "10.213.0.140", rb_boottime_ns());
	start_journal(f);

	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, test_ip4("10.213.0.140"), &out), 0);
	assert_memory_equal(out.mac, MAC_B, 6);
}

static void test_granted_and_ended(void **state)
{
	struct fixture *f = *state;
	struct rb_device rec = { .ipv4 = test_ip4("10.213.0.10"), .template_id = 0,
				 .lease_ns = rb_boottime_ns() };
	struct rb_store_lease out;

	start_journal(f);
	rec.template_id = f->pool_template;
	rb_leases_granted(f->l, MAC_INV, &rec);
	rb_leases_flush(f->l);
	assert_int_equal(rb_store_get_lease(f->st, MAC_INV, &out), 0);
	assert_int_equal(out.source, RB_LEASE_USERSPACE);
	assert_int_equal(out.end - out.start, f->lease_time);

	rb_leases_ended(f->l, MAC_INV);
	rb_leases_flush(f->l);
	assert_int_equal(rb_store_get_lease(f->st, MAC_INV, &out), -ENOENT);
}

static const uint8_t DUID_A[] = { 0, 3, 0, 1, 0x02, 0, 0x5e, 0, 0, 0x0a };
static const uint8_t DUID_B[] = { 0, 3, 0, 1, 0x02, 0, 0x5e, 0, 0, 0x0b };

/* The record XDP writes for a Reply that binds addr to IAID 7 of duid. */
static struct rb_event6 event6(const uint8_t *duid, size_t duid_len, const char *addr)
{
	struct rb_event6 ev = { .type = RB_EV_DHCP6_LEASE, .duid_len = (uint8_t)duid_len,
				.iaid = { 0, 0, 0, 7 }, .has_mac = 1, .preferred_lifetime = 3600,
				.valid_lifetime = 7200, .ns = rb_boottime_ns() };

	memcpy(ev.duid, duid, duid_len);
	memcpy(ev.mac, MAC_A, 6);
	assert_int_equal(inet_pton(AF_INET6, addr, ev.addr), 1);
	return ev;
}

static void test_lease6_written(void **state)
{
	struct fixture *f = *state;
	struct rb_event6 ev = event6(DUID_A, sizeof(DUID_A), "fd00:213::11");
	int64_t now = realtime_now();
	struct rb_store_lease6 out;

	start_journal(f);
	assert_int_equal(rb_leases_write6(f->l, &ev), 0);
	rb_leases_flush(f->l);

	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), 0);
	assert_memory_equal(&out.addr, ev.addr, 16);
	assert_int_equal(out.state, RB_LEASE6_BOUND);
	/* fd00:213::/64 is the second subnet6 of the config. */
	assert_int_equal(out.subnet6, 1);
	assert_int_equal(out.preferred_lifetime, 3600);
	assert_int_equal(out.valid_lifetime, 7200);
	assert_true(out.start >= now - 1 && out.start <= now + 1);
	assert_int_equal(out.end, out.start + 7200);
	assert_true(out.has_mac);
	assert_memory_equal(out.mac, MAC_A, 6);
}

static void test_lease6_takes_address_over(void **state)
{
	struct fixture *f = *state;
	struct rb_event6 ev = event6(DUID_B, sizeof(DUID_B), "fd00:213::11");
	struct rb_store_lease6 old = { .duid_len = sizeof(DUID_A), .iaid = 7,
				       .state = RB_LEASE6_BOUND, .valid_lifetime = 7200,
				       .subnet6 = 1, .start = realtime_now() - 100 };
	struct rb_store_lease6 out;

	memcpy(old.duid, DUID_A, sizeof(DUID_A));
	memcpy(&old.addr, ev.addr, 16);
	old.end = old.start + 7200;
	assert_int_equal(rb_store_put_lease6(f->st, &old), 0);
	start_journal(f);

	assert_int_equal(rb_leases_write6(f->l, &ev), 0);
	rb_leases_flush(f->l);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &old.addr, &out), 0);
	assert_int_equal(out.duid_len, sizeof(DUID_B));
	assert_memory_equal(out.duid, DUID_B, sizeof(DUID_B));
}

static void test_lease6_outside_subnets(void **state)
{
	struct fixture *f = *state;
	struct rb_event6 ev = event6(DUID_A, sizeof(DUID_A), "fd00:777::11");
	struct rb_store_lease6 out;

	start_journal(f);
	assert_int_equal(rb_leases_write6(f->l, &ev), -ENOENT);
	rb_leases_flush(f->l);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), -ENOENT);
}

static void test_lease6_bad_duid_length(void **state)
{
	struct fixture *f = *state;
	struct rb_event6 ev = event6(DUID_A, sizeof(DUID_A), "fd00:213::11");

	start_journal(f);
	ev.duid_len = RB_DUID_MAX + 1;
	assert_int_equal(rb_leases_write6(f->l, &ev), -EINVAL);
	ev.duid_len = 0;
	assert_int_equal(rb_leases_write6(f->l, &ev), -EINVAL);
}

static void test_null_journal_ignored(void **state)
{
	struct rb_device rec = { 0 };

	rb_leases_granted(NULL, MAC_A, &rec);
	rb_leases_ended(NULL, MAC_A);
	rb_leases_tick(NULL);
	rb_leases_flush(NULL);
	rb_leases_stop(NULL);
	rb_leases_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reconcile_writes_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile_replaces_older, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_pool_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_skips_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_skips_non_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_lease_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_takes_address_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granted_and_ended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease6_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease6_takes_address_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease6_outside_subnets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease6_bad_duid_length, setup, teardown),
		cmocka_unit_test(test_null_journal_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
