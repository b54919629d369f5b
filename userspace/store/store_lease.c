// SPDX-License-Identifier: MIT
/*
 * Lease records, the address index and the lent addresses.  Every write
 * keeps the two lease databases consistent in one transaction: leases
 * maps a MAC to its lease, addrs maps each leased address back to that
 * MAC, so an address has at most one lease.
 *
 * Records read from disk are checked for size and content before use; a
 * bad one is logged with its key and returned as -EBADMSG.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "store/store_internal.h"

#define MAC_LEN	6

static void format_mac(const uint8_t *mac, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

/* Check one leases record against its key and copy it into *out. */
static int decode_lease(const struct rb_store *st, const MDB_val *key, const MDB_val *val,
			struct rb_store_lease *out)
{
	struct rb_store_lease_record rec;
	char mac[18] = "(bad key)";

	if (key->mv_size == MAC_LEN)
		format_mac(key->mv_data, mac);
	if (key->mv_size != MAC_LEN || val->mv_size != sizeof(rec)) {
		log_err("store %s: lease record of key %s is invalid: key %zu bytes, value %zu "
			"bytes, expected %d and %zu; restore the store from a backup or delete that "
			"lease", st->dir, mac, key->mv_size, val->mv_size, MAC_LEN, sizeof(rec));
		return -EBADMSG;
	}
	memcpy(&rec, val->mv_data, sizeof(rec));
	if (memcmp(rec.mac, key->mv_data, MAC_LEN) != 0 ||
	    (rec.source != RB_LEASE_XDP && rec.source != RB_LEASE_USERSPACE) ||
	    rec.end < rec.start) {
		log_err("store %s: lease record of key %s is invalid: MAC, source %u or times "
			"%lld..%lld do not fit; restore the store from a backup or delete that "
			"lease", st->dir, mac, rec.source, (long long)rec.start, (long long)rec.end);
		return -EBADMSG;
	}

	memcpy(out->mac, rec.mac, MAC_LEN);
	out->source = rec.source;
	out->ipv4 = rec.ipv4;
	out->template_id = rec.template_id;
	out->start = rec.start;
	out->end = rec.end;
	return 0;
}

static int get_lease(struct rb_store *st, MDB_txn *txn, const uint8_t mac[6],
		     struct rb_store_lease *out)
{
	MDB_val key = { .mv_size = MAC_LEN, .mv_data = (void *)mac }, val;
	int rc = mdb_get(txn, st->leases, &key, &val);

	if (rc)
		return rb_store_errno(rc);
	return decode_lease(st, &key, &val, out);
}

/* The MAC that holds ipv4 in the address index. */
static int get_holder(struct rb_store *st, MDB_txn *txn, uint32_t ipv4, uint8_t mac[6])
{
	MDB_val key = { .mv_size = sizeof(ipv4), .mv_data = &ipv4 }, val;
	char addr[INET_ADDRSTRLEN];
	int rc = mdb_get(txn, st->addrs, &key, &val);

	if (rc)
		return rb_store_errno(rc);
	if (val.mv_size != MAC_LEN) {
		inet_ntop(AF_INET, &ipv4, addr, sizeof(addr));
		log_err("store %s: address index record of key %s is %zu bytes, expected %d; "
			"restore the store from a backup", st->dir, addr, val.mv_size, MAC_LEN);
		return -EBADMSG;
	}
	memcpy(mac, val.mv_data, MAC_LEN);
	return 0;
}

/* Remove ipv4 from the address index when mac holds it there. */
static int unindex(struct rb_store *st, MDB_txn *txn, uint32_t ipv4, const uint8_t mac[6])
{
	MDB_val key = { .mv_size = sizeof(ipv4), .mv_data = &ipv4 };
	uint8_t holder[MAC_LEN];
	int err = get_holder(st, txn, ipv4, holder);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (memcmp(holder, mac, MAC_LEN) != 0)
		return 0;
	return rb_store_errno(mdb_del(txn, st->addrs, &key, NULL));
}

static int put_lease(struct rb_store *st, MDB_txn *txn, const struct rb_store_lease *lease)
{
	struct rb_store_lease_record rec = {
		.source = lease->source,
		.ipv4 = lease->ipv4,
		.template_id = lease->template_id,
		.start = lease->start,
		.end = lease->end,
	};
	MDB_val key = { .mv_size = MAC_LEN, .mv_data = rec.mac };
	MDB_val val = { .mv_size = sizeof(rec), .mv_data = &rec };
	MDB_val addr_key = { .mv_size = sizeof(rec.ipv4), .mv_data = &rec.ipv4 };
	MDB_val addr_val = { .mv_size = MAC_LEN, .mv_data = rec.mac };
	struct rb_store_lease old;
	uint8_t holder[MAC_LEN];
	int err;

	memcpy(rec.mac, lease->mac, MAC_LEN);
	err = get_holder(st, txn, lease->ipv4, holder);
	if (err == 0 && memcmp(holder, lease->mac, MAC_LEN) != 0)
		return -EEXIST;
	if (err && err != -ENOENT)
		return err;

	/* The MAC moves to another address: its old one is free again. */
	err = get_lease(st, txn, lease->mac, &old);
	if (err == 0 && old.ipv4 != lease->ipv4)
		err = unindex(st, txn, old.ipv4, lease->mac);
	if (err && err != -ENOENT && err != -EBADMSG)
		return err;

	err = rb_store_errno(mdb_put(txn, st->leases, &key, &val, 0));
	return err ?: rb_store_errno(mdb_put(txn, st->addrs, &addr_key, &addr_val, 0));
}

int rb_store_put_lease(struct rb_store *st, const struct rb_store_lease *lease)
{
	MDB_txn *txn;
	int err;

	if (lease->source != RB_LEASE_XDP && lease->source != RB_LEASE_USERSPACE)
		return -EINVAL;
	err = rb_store_op_begin(st, true, &txn);
	if (err)
		return err;
	err = put_lease(st, txn, lease);

	/* The lease and the end of the loan commit together, so a power loss keeps one of them. */
	if (err == 0) {
		MDB_val lent_key = { .mv_size = sizeof(lease->ipv4), .mv_data = (void *)&lease->ipv4 };

		err = rb_store_errno(mdb_del(txn, st->lent, &lent_key, NULL));
		if (err == -ENOENT)
			err = 0;
	}
	if (err && err != -EEXIST) {
		char mac[18];

		format_mac(lease->mac, mac);
		log_err("store %s: writing the lease of %s failed: %s", st->dir, mac,
			strerror(-err));
	}
	return rb_store_op_end(st, txn, err);
}

int rb_store_del_lease(struct rb_store *st, const uint8_t mac[6])
{
	MDB_val key = { .mv_size = MAC_LEN, .mv_data = (void *)mac };
	struct rb_store_lease old;
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, true, &txn);
	if (err)
		return err;

	/* A corrupt record is deleted too; its address index entry stays. */
	err = get_lease(st, txn, mac, &old);
	if (err == 0)
		err = unindex(st, txn, old.ipv4, mac);
	if (err == 0 || err == -EBADMSG)
		err = rb_store_errno(mdb_del(txn, st->leases, &key, NULL));
	return rb_store_op_end(st, txn, err);
}

int rb_store_get_lease(struct rb_store *st, const uint8_t mac[6], struct rb_store_lease *out)
{
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, false, &txn);
	if (err)
		return err;
	err = get_lease(st, txn, mac, out);
	rb_store_op_end(st, txn, -1);
	return err;
}

int rb_store_get_lease_by_addr(struct rb_store *st, uint32_t ipv4, struct rb_store_lease *out)
{
	uint8_t mac[MAC_LEN];
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, false, &txn);
	if (err)
		return err;
	err = get_holder(st, txn, ipv4, mac);
	if (!err)
		err = get_lease(st, txn, mac, out);
	/* An index entry whose lease is gone or elsewhere is a damaged store. */
	if (!err && out->ipv4 != ipv4)
		err = -EBADMSG;
	rb_store_op_end(st, txn, -1);
	return err;
}

struct lease_walk {
	int (*fn)(const struct rb_store_lease *lease, void *arg);
	void *arg;
};

static int visit_lease(struct rb_store *st, const MDB_val *key, const MDB_val *val, void *ctx)
{
	struct lease_walk *w = ctx;
	struct rb_store_lease lease;

	if (decode_lease(st, key, val, &lease))
		return RB_STORE_SKIP;
	return w->fn(&lease, w->arg);
}

int rb_store_foreach_lease(struct rb_store *st,
			   int (*fn)(const struct rb_store_lease *lease, void *arg), void *arg)
{
	struct lease_walk w = { .fn = fn, .arg = arg };

	return rb_store_walk(st, st->leases, visit_lease, &w);
}

int rb_store_foreach_lease_committed(struct rb_store *st,
				     int (*fn)(const struct rb_store_lease *lease, void *arg),
				     void *arg)
{
	struct lease_walk w = { .fn = fn, .arg = arg };

	return rb_store_walk_committed(st, st->leases, visit_lease, &w);
}

int rb_store_lend(struct rb_store *st, uint32_t ipv4)
{
	uint8_t zero = 0;
	MDB_val key = { .mv_size = sizeof(ipv4), .mv_data = &ipv4 };
	MDB_val val = { .mv_size = sizeof(zero), .mv_data = &zero };

	return rb_store_put_one(st, st->lent, &key, &val);
}

int rb_store_unlend(struct rb_store *st, uint32_t ipv4)
{
	MDB_val key = { .mv_size = sizeof(ipv4), .mv_data = &ipv4 };

	return rb_store_del_one(st, st->lent, &key);
}

struct lent_walk {
	int (*fn)(uint32_t ipv4, void *arg);
	void *arg;
};

static int visit_lent(struct rb_store *st, const MDB_val *key, const MDB_val *val, void *ctx)
{
	struct lent_walk *w = ctx;
	uint32_t ipv4;

	if (key->mv_size != sizeof(ipv4)) {
		log_err("store %s: lent address record with a key of %zu bytes, expected %zu; "
			"restore the store from a backup", st->dir, key->mv_size, sizeof(ipv4));
		return RB_STORE_SKIP;
	}
	memcpy(&ipv4, key->mv_data, sizeof(ipv4));
	return w->fn(ipv4, w->arg);
}

int rb_store_foreach_lent(struct rb_store *st, int (*fn)(uint32_t ipv4, void *arg), void *arg)
{
	struct lent_walk w = { .fn = fn, .arg = arg };

	return rb_store_walk(st, st->lent, visit_lent, &w);
}
