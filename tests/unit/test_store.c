// SPDX-License-Identifier: MIT
/*
 * The LMDB lease store on real files in temporary folders: leases by
 * MAC and by address, one lease per address, batches, reopening, lent
 * addresses, and damaged records and schema versions written with LMDB
 * directly.  The read-only open beside a writer runs in a child
 * process, because LMDB allows one open of a store per process.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/store_fixture.h"
#include "store/store.h"

static const uint8_t MAC_A[6] = { 0x02, 0, 0x5e, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0x5e, 0, 0, 0x0b };
static const uint8_t MAC_C[6] = { 0x02, 0, 0x5e, 0, 0, 0x0c };

struct fixture {
	char dir[64];
	struct rb_store *st;
};

static uint32_t ip4(const char *text)
{
	struct in_addr addr;

	assert_int_equal(inet_pton(AF_INET, text, &addr), 1);
	return addr.s_addr;
}

static struct rb_store_lease lease_of(const uint8_t mac[6], const char *addr, int64_t start)
{
	struct rb_store_lease lease = {
		.source = RB_LEASE_XDP,
		.ipv4 = ip4(addr),
		.template_id = 3,
		.start = start,
		.end = start + 3600,
	};

	memcpy(lease.mac, mac, 6);
	return lease;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	test_store_create(f->dir, sizeof(f->dir), "rb-test-store", &f->st);
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
	struct rb_store_lease in = lease_of(MAC_A, "10.0.0.5", 1000), out;

	assert_int_equal(rb_store_put_lease(f->st, &in), 0);
	reopen(f);

	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	assert_memory_equal(out.mac, MAC_A, 6);
	assert_int_equal(out.ipv4, in.ipv4);
	assert_int_equal(out.source, RB_LEASE_XDP);
	assert_int_equal(out.template_id, 3);
	assert_int_equal(out.start, 1000);
	assert_int_equal(out.end, 4600);

	memset(&out, 0, sizeof(out));
	assert_int_equal(rb_store_get_lease_by_addr(f->st, in.ipv4, &out), 0);
	assert_memory_equal(out.mac, MAC_A, 6);
	assert_int_equal(rb_store_get_lease(f->st, MAC_B, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, ip4("10.0.0.6"), &out), -ENOENT);
}

static void test_second_mac_eexist(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000);
	struct rb_store_lease b = lease_of(MAC_B, "10.0.0.5", 2000), out;

	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	assert_int_equal(rb_store_put_lease(f->st, &b), -EEXIST);

	assert_int_equal(rb_store_get_lease(f->st, MAC_B, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, a.ipv4, &out), 0);
	assert_memory_equal(out.mac, MAC_A, 6);
	assert_int_equal(out.start, 1000);
}

static void test_renewal_and_move(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000);
	struct rb_store_lease moved = lease_of(MAC_A, "10.0.0.7", 5000);
	struct rb_store_lease b = lease_of(MAC_B, "10.0.0.5", 6000), out;

	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	a.start = 2000;
	a.end = 5600;
	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	assert_int_equal(out.start, 2000);

	/* The old address is free once the MAC holds another. */
	assert_int_equal(rb_store_put_lease(f->st, &moved), 0);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, ip4("10.0.0.5"), &out), -ENOENT);
	assert_int_equal(rb_store_put_lease(f->st, &b), 0);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, ip4("10.0.0.7"), &out), 0);
	assert_memory_equal(out.mac, MAC_A, 6);
}

static void test_delete(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000);
	struct rb_store_lease b = lease_of(MAC_B, "10.0.0.5", 2000), out;

	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	assert_int_equal(rb_store_del_lease(f->st, MAC_A), 0);
	assert_int_equal(rb_store_del_lease(f->st, MAC_A), -ENOENT);
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), -ENOENT);
	assert_int_equal(rb_store_get_lease_by_addr(f->st, a.ipv4, &out), -ENOENT);
	assert_int_equal(rb_store_put_lease(f->st, &b), 0);
}

static int collect_macs(const struct rb_store_lease *lease, void *arg)
{
	uint8_t *last = arg;

	last[0]++;
	memcpy(last + 1 + (last[0] - 1) * 6, lease->mac, 6);
	return 0;
}

static void test_foreach_order(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease c = lease_of(MAC_C, "10.0.0.3", 1);
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.1", 1);
	struct rb_store_lease b = lease_of(MAC_B, "10.0.0.2", 1);
	uint8_t seen[1 + 3 * 6] = { 0 };

	assert_int_equal(rb_store_put_lease(f->st, &c), 0);
	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	assert_int_equal(rb_store_put_lease(f->st, &b), 0);
	assert_int_equal(rb_store_foreach_lease(f->st, collect_macs, seen), 0);
	assert_int_equal(seen[0], 3);
	assert_memory_equal(seen + 1, MAC_A, 6);
	assert_memory_equal(seen + 7, MAC_B, 6);
	assert_memory_equal(seen + 13, MAC_C, 6);
}

static void test_batch_abort_commit(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000);
	struct rb_store_lease b = lease_of(MAC_B, "10.0.0.6", 1000), out;

	assert_int_equal(rb_store_begin(f->st), 0);
	assert_int_equal(rb_store_begin(f->st), -EBUSY);
	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	/* The batch sees its own writes. */
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	rb_store_abort(f->st);
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), -ENOENT);

	assert_int_equal(rb_store_begin(f->st), 0);
	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	assert_int_equal(rb_store_put_lease(f->st, &b), 0);
	assert_int_equal(rb_store_commit(f->st), 0);
	assert_int_equal(rb_store_commit(f->st), -EINVAL);
	reopen(f);
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
	assert_int_equal(rb_store_get_lease(f->st, MAC_B, &out), 0);
}

static int count_lent(uint32_t ipv4, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_lent(void **state)
{
	struct fixture *f = *state;
	int n = 0;

	assert_int_equal(rb_store_lend(f->st, ip4("10.0.0.50")), 0);
	assert_int_equal(rb_store_lend(f->st, ip4("10.0.0.51")), 0);
	assert_int_equal(rb_store_lend(f->st, ip4("10.0.0.51")), 0);
	reopen(f);
	assert_int_equal(rb_store_foreach_lent(f->st, count_lent, &n), 0);
	assert_int_equal(n, 2);

	assert_int_equal(rb_store_unlend(f->st, ip4("10.0.0.50")), 0);
	assert_int_equal(rb_store_unlend(f->st, ip4("10.0.0.50")), -ENOENT);
	n = 0;
	assert_int_equal(rb_store_foreach_lent(f->st, count_lent, &n), 0);
	assert_int_equal(n, 1);
}

/* In a child: open read-only while the parent holds the store open for writing. */
static int read_only_child(const char *dir)
{
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.9", 1), out;
	struct rb_store *ro;
	int status = 0;

	if (rb_store_open(dir, true, &ro))
		return 10;
	if (rb_store_get_lease(ro, MAC_A, &out) || out.start != 1000)
		status = 11;
	else if (rb_store_put_lease(ro, &a) != -EROFS)
		status = 12;
	else if (rb_store_begin(ro) != -EROFS)
		status = 13;
	rb_store_close(ro);
	return status;
}

static void test_read_only_beside_writer(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000);
	int status;
	pid_t pid;

	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	/* An open write batch must not block the reader. */
	assert_int_equal(rb_store_begin(f->st), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(read_only_child(f->dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rb_store_abort(f->st);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Write raw bytes under key in database name, with LMDB directly. */
static void raw_put(const char *dir, const char *name, const void *key, size_t key_len,
		    const void *val, size_t val_len)
{
	MDB_val k = { .mv_size = key_len, .mv_data = (void *)key };
	MDB_val v = { .mv_size = val_len, .mv_data = (void *)val };
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, name, 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static int count_leases(const struct rb_store_lease *lease, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_corrupt_value(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000), out;
	uint8_t short_value[5] = { 1, 2, 3, 4, 5 };
	int n = 0;

	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	rb_store_close(f->st);
	f->st = NULL;
	raw_put(f->dir, "leases", MAC_B, 6, short_value, sizeof(short_value));
	assert_int_equal(rb_store_open(f->dir, false, &f->st), 0);

	assert_int_equal(rb_store_get_lease(f->st, MAC_B, &out), -EBADMSG);
	/* The walk skips the bad record, visits the good one and reports the damage. */
	assert_int_equal(rb_store_foreach_lease(f->st, count_leases, &n), -EBADMSG);
	assert_int_equal(n, 1);
	/* A bad record can be deleted, and the good one is untouched. */
	assert_int_equal(rb_store_del_lease(f->st, MAC_B), 0);
	assert_int_equal(rb_store_get_lease(f->st, MAC_A, &out), 0);
}

static void test_corrupt_mac_mismatch(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease a = lease_of(MAC_A, "10.0.0.5", 1000), out;
	uint8_t record[32] = { 0 };

	/* A record of the right size whose MAC is not its key's. */
	memcpy(record, MAC_A, 6);
	record[6] = RB_LEASE_XDP;
	assert_int_equal(rb_store_put_lease(f->st, &a), 0);
	rb_store_close(f->st);
	f->st = NULL;
	raw_put(f->dir, "leases", MAC_C, 6, record, sizeof(record));
	assert_int_equal(rb_store_open(f->dir, false, &f->st), 0);
	assert_int_equal(rb_store_get_lease(f->st, MAC_C, &out), -EBADMSG);
}

static void test_schema_mismatch(void **state)
{
	struct fixture *f = *state;
	uint32_t other = 999;

	rb_store_close(f->st);
	f->st = NULL;
	raw_put(f->dir, "meta", "schema-version", strlen("schema-version"), &other, sizeof(other));
	assert_int_equal(rb_store_open(f->dir, false, &f->st), -EPROTO);
	assert_null(f->st);
	assert_int_equal(rb_store_open(f->dir, true, &f->st), -EPROTO);
}

static void test_missing_folder(void **state)
{
	struct rb_store *st = NULL;

	assert_int_equal(rb_store_open("/nonexistent/rackboot-store", false, &st), -ENOENT);
	assert_null(st);
}

static void test_read_only_without_store(void **state)
{
	char dir[] = "/tmp/rb-test-store-empty.XXXXXX";
	struct rb_store *st = NULL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(rb_store_open(dir, true, &st), -ENOENT);
	assert_null(st);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_mac_eexist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_abort_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_beside_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_mac_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_mismatch, setup, teardown),
		cmocka_unit_test(test_missing_folder),
		cmocka_unit_test(test_read_only_without_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
