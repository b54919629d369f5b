// SPDX-License-Identifier: MIT
/*
 * DHCPv6 leases in the LMDB store on real files in temporary folders.
 * The tests cover leases by (DUID, IAID) and by address, one lease per
 * address, deletes, walks, reopening and the quarantine of declined
 * addresses.  A schema version 1 store, written with LMDB directly, is
 * opened and upgraded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <lmdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/store_fixture.h"
#include "store/store.h"

/* A DUID-LLT of 02:00:5e:00:00:0a and a DUID-UUID. */
static const uint8_t DUID_A[] = { 0, 1, 0, 1, 0x2a, 0x1b, 0x3c, 0x4d, 0x02, 0, 0x5e, 0, 0, 0x0a };
static const uint8_t DUID_B[] = { 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };

struct fixture {
	char dir[64];
	struct rb_store *st;
};

static struct in6_addr ip6(const char *text)
{
	struct in6_addr addr;

	assert_int_equal(inet_pton(AF_INET6, text, &addr), 1);
	return addr;
}

static struct rb_store_lease6 lease6_of(const uint8_t *duid, size_t duid_len, uint32_t iaid,
					const char *addr, int64_t start)
{
	struct rb_store_lease6 lease = {
		.duid_len = (uint8_t)duid_len,
		.iaid = iaid,
		.addr = ip6(addr),
		.state = RB_LEASE6_BOUND,
		.preferred_lifetime = 3600,
		.valid_lifetime = 7200,
		.subnet6 = 1,
		.start = start,
		.end = start + 7200,
	};

	memcpy(lease.duid, duid, duid_len);
	return lease;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	test_store_create(f->dir, sizeof(f->dir), "rb-test-store6", &f->st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_store_remove(f->dir, f->st);
	free(f);
	return 0;
}

static void reopen(struct fixture *f)
{
	rb_store_close(f->st);
	f->st = NULL;
	assert_int_equal(rb_store_open(f->dir, false, &f->st), 0);
}

static void test_put_get_reopen(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 in = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 out;
	struct in6_addr other = ip6("fd00:213::12");

	in.has_mac = true;
	memcpy(in.mac, DUID_A + 8, 6);
	assert_int_equal(rb_store_put_lease6(f->st, &in), 0);
	reopen(f);

	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), 0);
	assert_int_equal(out.duid_len, sizeof(DUID_A));
	assert_memory_equal(out.duid, DUID_A, sizeof(DUID_A));
	assert_int_equal(out.iaid, 7);
	assert_memory_equal(&out.addr, &in.addr, sizeof(in.addr));
	assert_int_equal(out.state, RB_LEASE6_BOUND);
	assert_true(out.has_mac);
	assert_memory_equal(out.mac, DUID_A + 8, 6);
	assert_int_equal(out.preferred_lifetime, 3600);
	assert_int_equal(out.valid_lifetime, 7200);
	assert_int_equal(out.subnet6, 1);
	assert_int_equal(out.start, 1000);
	assert_int_equal(out.end, 8200);

	memset(&out, 0, sizeof(out));
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &in.addr, &out), 0);
	assert_int_equal(out.iaid, 7);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &other, &out), -ENOENT);
	/* The IAID is part of the key: another IA of the same client has no lease. */
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 8, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_B, sizeof(DUID_B), 7, &out), -ENOENT);
}

static void test_address_of_other_duid(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 b = lease6_of(DUID_B, sizeof(DUID_B), 7, "fd00:213::11", 2000);
	struct rb_store_lease6 a_ia2 = lease6_of(DUID_A, sizeof(DUID_A), 8, "fd00:213::11", 2000);
	struct rb_store_lease6 out;

	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &b), -EEXIST);
	/* A second IA of the same client is another holder as well. */
	assert_int_equal(rb_store_put_lease6(f->st, &a_ia2), -EEXIST);

	assert_int_equal(rb_store_get_lease6(f->st, DUID_B, sizeof(DUID_B), 7, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &a.addr, &out), 0);
	assert_memory_equal(out.duid, DUID_A, sizeof(DUID_A));
	assert_int_equal(out.start, 1000);
}

static void test_renewal_and_move(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 moved = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::20", 5000);
	struct rb_store_lease6 b = lease6_of(DUID_B, sizeof(DUID_B), 1, "fd00:213::11", 6000);
	struct rb_store_lease6 out;

	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	a.start = 2000;
	a.end = 9200;
	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), 0);
	assert_int_equal(out.start, 2000);

	/* The old address is free once the IA has moved to another. */
	assert_int_equal(rb_store_put_lease6(f->st, &moved), 0);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &a.addr, &out), -ENOENT);
	assert_int_equal(rb_store_put_lease6(f->st, &b), 0);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &moved.addr, &out), 0);
	assert_int_equal(out.iaid, 7);
}

static void test_released_keeps_address(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 b = lease6_of(DUID_B, sizeof(DUID_B), 7, "fd00:213::11", 2000);
	struct rb_store_lease6 out;

	a.state = RB_LEASE6_RELEASED;
	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), 0);
	assert_int_equal(out.state, RB_LEASE6_RELEASED);
	/* The index holds the address until the released lease is deleted. */
	assert_int_equal(rb_store_put_lease6(f->st, &b), -EEXIST);
	assert_int_equal(rb_store_del_lease6(f->st, DUID_A, sizeof(DUID_A), 7), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &b), 0);
}

static void test_delete(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 b = lease6_of(DUID_B, sizeof(DUID_B), 7, "fd00:213::11", 2000);
	struct rb_store_lease6 out;

	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	assert_int_equal(rb_store_del_lease6(f->st, DUID_A, sizeof(DUID_A), 7), 0);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &a.addr, &out), -ENOENT);
	assert_int_equal(rb_store_del_lease6(f->st, DUID_A, sizeof(DUID_A), 7), -ENOENT);

	/* The address is free for another client. */
	assert_int_equal(rb_store_put_lease6(f->st, &b), 0);
}

static void test_invalid_arguments(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 out;

	a.duid_len = 0;
	assert_int_equal(rb_store_put_lease6(f->st, &a), -EINVAL);
	a.duid_len = RB_STORE_DUID_MAX + 1;
	assert_int_equal(rb_store_put_lease6(f->st, &a), -EINVAL);
	a.duid_len = sizeof(DUID_A);
	a.state = 0;
	assert_int_equal(rb_store_put_lease6(f->st, &a), -EINVAL);
	a.state = RB_LEASE6_BOUND;
	a.end = a.start - 1;
	assert_int_equal(rb_store_put_lease6(f->st, &a), -EINVAL);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, 0, 7, &out), -EINVAL);
}

struct walk_result {
	int count;
	uint32_t iaids[8];
	int stop_after;
};

static int collect(const struct rb_store_lease6 *lease, void *arg)
{
	struct walk_result *r = arg;

	if (r->count < 8)
		r->iaids[r->count] = lease->iaid;
	r->count++;
	return r->stop_after && r->count >= r->stop_after ? 42 : 0;
}

static void test_foreach(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 l3 = lease6_of(DUID_A, sizeof(DUID_A), 3, "fd00:213::13", 1000);
	struct rb_store_lease6 l1 = lease6_of(DUID_A, sizeof(DUID_A), 1, "fd00:213::11", 1000);
	struct rb_store_lease6 l2 = lease6_of(DUID_A, sizeof(DUID_A), 0x01000000, "fd00:213::12", 1000);
	struct walk_result r = { 0 };

	assert_int_equal(rb_store_put_lease6(f->st, &l3), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &l1), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &l2), 0);

	/* Keys hold the IAID in network order, so the walk is in IAID order. */
	assert_int_equal(rb_store_foreach_lease6(f->st, collect, &r), 0);
	assert_int_equal(r.count, 3);
	assert_int_equal(r.iaids[0], 1);
	assert_int_equal(r.iaids[1], 3);
	assert_int_equal(r.iaids[2], 0x01000000);

	memset(&r, 0, sizeof(r));
	r.stop_after = 2;
	assert_int_equal(rb_store_foreach_lease6(f->st, collect, &r), 42);
	assert_int_equal(r.count, 2);
}

static void test_batch_abort_commit(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 out;

	assert_int_equal(rb_store_begin(f->st), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	rb_store_abort(f->st);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), -ENOENT);

	assert_int_equal(rb_store_begin(f->st), 0);
	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	assert_int_equal(rb_store_commit(f->st), 0);
	reopen(f);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_A, sizeof(DUID_A), 7, &out), 0);
}

static void test_quarantine(void **state)
{
	struct fixture *f = *state;
	struct in6_addr addr = ip6("fd00:213::1005");
	int64_t until = 0;

	assert_int_equal(rb_store_get_quarantine6(f->st, &addr, &until), -ENOENT);
	assert_int_equal(rb_store_quarantine6(f->st, &addr, 5000), 0);
	reopen(f);
	assert_int_equal(rb_store_get_quarantine6(f->st, &addr, &until), 0);
	assert_int_equal(until, 5000);
	assert_int_equal(rb_store_unquarantine6(f->st, &addr), 0);
	assert_int_equal(rb_store_get_quarantine6(f->st, &addr, &until), -ENOENT);
	assert_int_equal(rb_store_unquarantine6(f->st, &addr), -ENOENT);
}

static void test_corrupt_record(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	uint8_t key[] = { 2, 0, 4, 0, 0, 0, 9 };
	uint8_t short_value[5] = { 1, 2, 3, 4, 5 };
	struct walk_result r = { 0 };
	struct rb_store_lease6 out;
	MDB_val k = { .mv_size = sizeof(key), .mv_data = key };
	MDB_val v = { .mv_size = sizeof(short_value), .mv_data = short_value };
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	assert_int_equal(rb_store_put_lease6(f->st, &a), 0);
	rb_store_close(f->st);
	f->st = NULL;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "leases6", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	assert_int_equal(rb_store_open(f->dir, false, &f->st), 0);
	assert_int_equal(rb_store_get_lease6(f->st, key + 1, 2, 9, &out), -EBADMSG);
	/* The walk skips the bad record, visits the good one and reports the damage. */
	assert_int_equal(rb_store_foreach_lease6(f->st, collect, &r), -EBADMSG);
	assert_int_equal(r.count, 1);
	assert_int_equal(rb_store_del_lease6(f->st, key + 1, 2, 9), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(rb_store_foreach_lease6(f->st, collect, &r), 0);
	assert_int_equal(r.count, 1);
}

/*
 * Write a store as schema version 1 left it: the four DHCPv4 databases,
 * version 1 in meta and one DHCPv4 lease record of MAC 02:00:5e:00:00:0a
 * on 10.0.0.5 (the 32-byte layout of struct rb_store_lease_record).
 */
static void write_v1_store(const char *dir)
{
	static const char *const names[] = { "leases", "addrs", "lent", "meta" };
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0, 0, 0x0a };
	uint8_t record[32] = { 0 };
	uint32_t version = 1, ipv4 = htonl(0x0a000005);
	uint16_t source = 2;
	int64_t start = 1000, end = 4600;
	MDB_dbi dbis[4];
	MDB_env *env;
	MDB_txn *txn;
	MDB_val k, v;

	memcpy(record, mac, 6);
	memcpy(record + 6, &source, 2);
	memcpy(record + 8, &ipv4, 4);
	memcpy(record + 16, &start, 8);
	memcpy(record + 24, &end, 8);

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mdb_dbi_open(txn, names[i], MDB_CREATE, &dbis[i]), 0);

	k = (MDB_val){ .mv_size = strlen("schema-version"), .mv_data = "schema-version" };
	v = (MDB_val){ .mv_size = sizeof(version), .mv_data = &version };
	assert_int_equal(mdb_put(txn, dbis[3], &k, &v, 0), 0);
	k = (MDB_val){ .mv_size = 6, .mv_data = (void *)mac };
	v = (MDB_val){ .mv_size = sizeof(record), .mv_data = record };
	assert_int_equal(mdb_put(txn, dbis[0], &k, &v, 0), 0);
	k = (MDB_val){ .mv_size = 4, .mv_data = &ipv4 };
	v = (MDB_val){ .mv_size = 6, .mv_data = (void *)mac };
	assert_int_equal(mdb_put(txn, dbis[1], &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static uint32_t read_raw_version(const char *dir)
{
	MDB_val k = { .mv_size = strlen("schema-version"), .mv_data = "schema-version" }, v;
	uint32_t version = 0;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_int_equal(v.mv_size, sizeof(version));
	memcpy(&version, v.mv_data, sizeof(version));
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return version;
}

static void test_v1_store_upgraded(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0, 0, 0x0a };
	char dir[] = "/tmp/rb-test-store6-v1.XXXXXX";
	struct rb_store_lease6 a = lease6_of(DUID_A, sizeof(DUID_A), 7, "fd00:213::11", 1000);
	struct rb_store_lease6 out6;
	struct rb_store_lease out;
	struct walk_result r = { 0 };
	struct rb_store *st = NULL;

	assert_non_null(mkdtemp(dir));
	write_v1_store(dir);

	/* Read-only, a version 1 store opens without DHCPv6 leases and stays version 1. */
	assert_int_equal(rb_store_open(dir, true, &st), 0);
	assert_int_equal(rb_store_get_lease(st, mac, &out), 0);
	assert_int_equal(rb_store_foreach_lease6(st, collect, &r), 0);
	assert_int_equal(r.count, 0);
	assert_int_equal(rb_store_get_lease6(st, DUID_A, sizeof(DUID_A), 7, &out6), -ENOENT);
	rb_store_close(st);
	st = NULL;
	assert_int_equal(read_raw_version(dir), 1);

	/* A writable open upgrades it, and the DHCPv4 lease is unchanged. */
	assert_int_equal(rb_store_open(dir, false, &st), 0);
	assert_int_equal(rb_store_get_lease(st, mac, &out), 0);
	assert_int_equal(out.ipv4, htonl(0x0a000005));
	assert_int_equal(out.source, RB_LEASE_USERSPACE);
	assert_int_equal(out.start, 1000);
	assert_int_equal(out.end, 4600);
	assert_int_equal(rb_store_put_lease6(st, &a), 0);
	rb_store_close(st);
	st = NULL;
	assert_int_equal(read_raw_version(dir), 2);

	/* The upgraded store opens again with both kinds of lease. */
	assert_int_equal(rb_store_open(dir, false, &st), 0);
	assert_int_equal(rb_store_get_lease6(st, DUID_A, sizeof(DUID_A), 7, &out6), 0);
	assert_int_equal(rb_store_get_lease_by_addr(st, htonl(0x0a000005), &out), 0);
	test_store_remove(dir, st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_of_other_duid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_released_keeps_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_abort_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_record, setup, teardown),
		cmocka_unit_test(test_v1_store_upgraded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
