// SPDX-License-Identifier: MIT
/*
 * DHCPv6 lease records, their address index and the quarantine of
 * declined addresses.  Every write keeps leases6 and addrs6 consistent in
 * one transaction: leases6 maps (DUID, IAID) to a lease, addrs6 maps each
 * leased address back to that key, so an address has at most one lease.
 *
 * Records read from disk are checked for size and content before use; a
 * bad one is logged and returned as -EBADMSG.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "store/store_internal.h"

/* Key bytes: DUID length, DUID, IAID. */
#define KEY6_MAX	(1 + RB_STORE_DUID_MAX + 4)

struct key6 {
	uint8_t bytes[KEY6_MAX];
	size_t len;
};

static int make_key(const uint8_t *duid, size_t duid_len, uint32_t iaid, struct key6 *key)
{
	uint32_t iaid_be = htonl(iaid);

	if (duid_len == 0 || duid_len > RB_STORE_DUID_MAX)
		return -EINVAL;
	key->bytes[0] = (uint8_t)duid_len;
	memcpy(key->bytes + 1, duid, duid_len);
	memcpy(key->bytes + 1 + duid_len, &iaid_be, sizeof(iaid_be));
	key->len = 1 + duid_len + sizeof(iaid_be);
	return 0;
}

static bool key_valid(const MDB_val *key)
{
	const uint8_t *bytes = key->mv_data;

	return key->mv_size >= 1 + 1 + 4 && bytes[0] <= RB_STORE_DUID_MAX &&
	       key->mv_size == (size_t)1 + bytes[0] + 4;
}

static bool state_valid(uint16_t state)
{
	return state == RB_LEASE6_BOUND || state == RB_LEASE6_RELEASED ||
	       state == RB_LEASE6_EXPIRED;
}

/* Check one leases6 record against its key and copy it into *out. */
static int decode_lease6(const struct rb_store *st, const MDB_val *key, const MDB_val *val,
			 struct rb_store_lease6 *out)
{
	struct rb_store_lease6_record rec;
	const uint8_t *kb = key->mv_data;
	uint32_t key_iaid;

	if (!key_valid(key) || val->mv_size != sizeof(rec)) {
		log_err("store %s: DHCPv6 lease record is invalid: key %zu bytes, value %zu bytes, "
			"expected 6..%d and %zu; restore the store from a backup or delete that "
			"lease", st->dir, key->mv_size, val->mv_size, KEY6_MAX, sizeof(rec));
		return -EBADMSG;
	}
	memcpy(&rec, val->mv_data, sizeof(rec));
	memcpy(&key_iaid, kb + 1 + kb[0], sizeof(key_iaid));
	if (rec.iaid != ntohl(key_iaid) || !state_valid(rec.state) || rec.end < rec.start ||
	    rec.has_mac > 1) {
		log_err("store %s: DHCPv6 lease record of IAID %u is invalid: IAID %u, state %u or "
			"times %lld..%lld do not fit; restore the store from a backup or delete that "
			"lease", st->dir, ntohl(key_iaid), rec.iaid, rec.state, (long long)rec.start,
			(long long)rec.end);
		return -EBADMSG;
	}

	memset(out, 0, sizeof(*out));
	out->duid_len = kb[0];
	memcpy(out->duid, kb + 1, kb[0]);
	out->iaid = rec.iaid;
	memcpy(&out->addr, rec.addr, sizeof(rec.addr));
	out->state = rec.state;
	out->has_mac = rec.has_mac;
	memcpy(out->mac, rec.mac, sizeof(rec.mac));
	out->preferred_lifetime = rec.preferred_lifetime;
	out->valid_lifetime = rec.valid_lifetime;
	out->subnet6 = rec.subnet6;
	out->start = rec.start;
	out->end = rec.end;
	return 0;
}

static int get_lease6(struct rb_store *st, MDB_txn *txn, const struct key6 *k,
		      struct rb_store_lease6 *out)
{
	MDB_val key = { .mv_size = k->len, .mv_data = (void *)k->bytes }, val;
	int rc = mdb_get(txn, st->leases6, &key, &val);

	if (rc)
		return rb_store_errno(rc);
	return decode_lease6(st, &key, &val, out);
}

/* The key of the lease that holds addr in the address index. */
static int get_holder6(struct rb_store *st, MDB_txn *txn, const struct in6_addr *addr,
		       struct key6 *holder)
{
	MDB_val key = { .mv_size = sizeof(*addr), .mv_data = (void *)addr }, val;
	char text[INET6_ADDRSTRLEN];
	int rc = mdb_get(txn, st->addrs6, &key, &val);

	if (rc)
		return rb_store_errno(rc);
	if (!key_valid(&val)) {
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		log_err("store %s: DHCPv6 address index record of %s is invalid (%zu bytes); "
			"restore the store from a backup", st->dir, text, val.mv_size);
		return -EBADMSG;
	}
	memcpy(holder->bytes, val.mv_data, val.mv_size);
	holder->len = val.mv_size;
	return 0;
}

static bool same_key(const struct key6 *a, const struct key6 *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Remove addr from the address index when it points to key k. */
static int unindex6(struct rb_store *st, MDB_txn *txn, const struct in6_addr *addr,
		    const struct key6 *k)
{
	MDB_val key = { .mv_size = sizeof(*addr), .mv_data = (void *)addr };
	struct key6 holder;
	int err = get_holder6(st, txn, addr, &holder);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (!same_key(&holder, k))
		return 0;
	return rb_store_errno(mdb_del(txn, st->addrs6, &key, NULL));
}

static int put_lease6(struct rb_store *st, MDB_txn *txn, const struct key6 *k,
		      const struct rb_store_lease6 *lease)
{
	struct rb_store_lease6_record rec = {
		.iaid = lease->iaid,
		.state = lease->state,
		.has_mac = lease->has_mac ? 1 : 0,
		.preferred_lifetime = lease->preferred_lifetime,
		.valid_lifetime = lease->valid_lifetime,
		.subnet6 = lease->subnet6,
		.start = lease->start,
		.end = lease->end,
	};
	MDB_val key = { .mv_size = k->len, .mv_data = (void *)k->bytes };
	MDB_val val = { .mv_size = sizeof(rec), .mv_data = &rec };
	MDB_val addr_key = { .mv_size = sizeof(lease->addr), .mv_data = (void *)&lease->addr };
	struct rb_store_lease6 old;
	struct key6 holder;
	int err;

	memcpy(rec.addr, &lease->addr, sizeof(rec.addr));
	if (lease->has_mac)
		memcpy(rec.mac, lease->mac, sizeof(rec.mac));

	err = get_holder6(st, txn, &lease->addr, &holder);
	if (err == 0 && !same_key(&holder, k))
		return -EEXIST;
	if (err && err != -ENOENT)
		return err;

	/* The IA moves to another address: its old one is free again. */
	err = get_lease6(st, txn, k, &old);
	if (err == 0 && memcmp(&old.addr, &lease->addr, sizeof(old.addr)) != 0)
		err = unindex6(st, txn, &old.addr, k);
	if (err && err != -ENOENT && err != -EBADMSG)
		return err;

	err = rb_store_errno(mdb_put(txn, st->leases6, &key, &val, 0));
	return err ?: rb_store_errno(mdb_put(txn, st->addrs6, &addr_key, &key, 0));
}

/*
 * Make the key of (duid, iaid) and begin a transaction, read-write when
 * write is set.  Returns 0, make_key()'s error, no_v6 when the store has
 * no DHCPv6 tables, or rb_store_op_begin()'s error.
 */
static int begin_lease6(struct rb_store *st, const uint8_t *duid, size_t duid_len, uint32_t iaid,
			bool write, int no_v6, struct key6 *k, MDB_txn **txn)
{
	int err = make_key(duid, duid_len, iaid, k);

	if (err)
		return err;
	if (!st->has_v6)
		return no_v6;
	return rb_store_op_begin(st, write, txn);
}

int rb_store_put_lease6(struct rb_store *st, const struct rb_store_lease6 *lease)
{
	char addr[INET6_ADDRSTRLEN];
	struct key6 k;
	MDB_txn *txn;
	int err;

	if (!state_valid(lease->state) || lease->end < lease->start)
		return -EINVAL;
	err = begin_lease6(st, lease->duid, lease->duid_len, lease->iaid, true, -ENOTSUP, &k, &txn);
	if (err)
		return err;
	err = put_lease6(st, txn, &k, lease);
	if (err && err != -EEXIST) {
		inet_ntop(AF_INET6, &lease->addr, addr, sizeof(addr));
		log_err("store %s: writing the DHCPv6 lease of %s (IAID %u) failed: %s", st->dir,
			addr, lease->iaid, strerror(-err));
	}
	return rb_store_op_end(st, txn, err);
}

int rb_store_del_lease6(struct rb_store *st, const uint8_t *duid, size_t duid_len, uint32_t iaid)
{
	struct rb_store_lease6 old;
	struct key6 k;
	MDB_val key;
	MDB_txn *txn;
	int err;

	err = begin_lease6(st, duid, duid_len, iaid, true, -ENOENT, &k, &txn);
	if (err)
		return err;
	key = (MDB_val){ .mv_size = k.len, .mv_data = k.bytes };

	/* A corrupt record is deleted too; its address index entry stays. */
	err = get_lease6(st, txn, &k, &old);
	if (err == 0)
		err = unindex6(st, txn, &old.addr, &k);
	if (err == 0 || err == -EBADMSG)
		err = rb_store_errno(mdb_del(txn, st->leases6, &key, NULL));
	return rb_store_op_end(st, txn, err);
}

int rb_store_get_lease6(struct rb_store *st, const uint8_t *duid, size_t duid_len, uint32_t iaid,
			struct rb_store_lease6 *out)
{
	struct key6 k;
	MDB_txn *txn;
	int err;

	err = begin_lease6(st, duid, duid_len, iaid, false, -ENOENT, &k, &txn);
	if (err)
		return err;
	err = get_lease6(st, txn, &k, out);
	rb_store_op_end(st, txn, -1);
	return err;
}

int rb_store_get_lease6_by_addr(struct rb_store *st, const struct in6_addr *addr,
				struct rb_store_lease6 *out)
{
	struct key6 holder;
	MDB_txn *txn;
	int err;

	if (!st->has_v6)
		return -ENOENT;
	err = rb_store_op_begin(st, false, &txn);
	if (err)
		return err;
	err = get_holder6(st, txn, addr, &holder);
	if (!err)
		err = get_lease6(st, txn, &holder, out);
	/* An index entry whose lease is gone or elsewhere is a damaged store. */
	if (!err && memcmp(&out->addr, addr, sizeof(*addr)) != 0)
		err = -EBADMSG;
	rb_store_op_end(st, txn, -1);
	return err;
}

struct lease6_walk {
	int (*fn)(const struct rb_store_lease6 *lease, void *arg);
	void *arg;
};

static int visit_lease6(struct rb_store *st, const MDB_val *key, const MDB_val *val, void *ctx)
{
	struct lease6_walk *w = ctx;
	struct rb_store_lease6 lease;

	if (decode_lease6(st, key, val, &lease))
		return RB_STORE_SKIP;
	return w->fn(&lease, w->arg);
}

int rb_store_foreach_lease6(struct rb_store *st,
			    int (*fn)(const struct rb_store_lease6 *lease, void *arg), void *arg)
{
	struct lease6_walk w = { .fn = fn, .arg = arg };

	if (!st->has_v6)
		return 0;
	return rb_store_walk(st, st->leases6, visit_lease6, &w);
}

int rb_store_foreach_lease6_committed(struct rb_store *st,
				      int (*fn)(const struct rb_store_lease6 *lease, void *arg),
				      void *arg)
{
	struct lease6_walk w = { .fn = fn, .arg = arg };

	if (!st->has_v6)
		return 0;
	return rb_store_walk_committed(st, st->leases6, visit_lease6, &w);
}

int rb_store_quarantine6(struct rb_store *st, const struct in6_addr *addr, int64_t until)
{
	MDB_val key = { .mv_size = sizeof(*addr), .mv_data = (void *)addr };
	MDB_val val = { .mv_size = sizeof(until), .mv_data = &until };

	if (!st->has_v6)
		return -ENOTSUP;
	return rb_store_put_one(st, st->quarantine6, &key, &val);
}

int rb_store_unquarantine6(struct rb_store *st, const struct in6_addr *addr)
{
	MDB_val key = { .mv_size = sizeof(*addr), .mv_data = (void *)addr };

	if (!st->has_v6)
		return -ENOENT;
	return rb_store_del_one(st, st->quarantine6, &key);
}

int rb_store_get_quarantine6(struct rb_store *st, const struct in6_addr *addr, int64_t *until)
{
	MDB_val key = { .mv_size = sizeof(*addr), .mv_data = (void *)addr }, val;
	MDB_txn *txn;
	int err;

	if (!st->has_v6)
		return -ENOENT;
	err = rb_store_op_begin(st, false, &txn);
	if (err)
		return err;
	err = rb_store_errno(mdb_get(txn, st->quarantine6, &key, &val));
	if (!err && val.mv_size != sizeof(*until))
		err = -EBADMSG;
	if (!err)
		memcpy(until, val.mv_data, sizeof(*until));
	rb_store_op_end(st, txn, -1);
	return err;
}
