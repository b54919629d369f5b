// SPDX-License-Identifier: MIT
/*
 * Opening and closing the LMDB store, its schema version, and the write
 * batches.  The store is a folder holding LMDB's data.mdb and lock.mdb.
 * LMDB's default commit flushes the data file (fdatasync) before it
 * returns, so a committed batch survives a power loss.
 *
 * A put or delete outside a batch runs in a transaction of its own,
 * committed before it returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "store/store_internal.h"

/* The eight named databases; see struct rb_store. */
#define STORE_MAX_DBS	8

#define META_SCHEMA	"schema-version"

int rb_store_errno(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_MAP_FULL:
		return -ENOSPC;
	case MDB_KEYEXIST:
		return -EEXIST;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
		return -EBADMSG;
	case MDB_VERSION_MISMATCH:
		return -EPROTO;
	case MDB_READERS_FULL:
	case MDB_TXN_FULL:
	case MDB_MAP_RESIZED:
	case MDB_BAD_RSLOT:
		return -EAGAIN;
	default:
		/* LMDB passes system errors through as positive errno values. */
		return rc > 0 ? -rc : -EIO;
	}
}

const char *rb_store_dir(const struct rb_store *st)
{
	return st->dir;
}

static int open_db(struct rb_store *st, MDB_txn *txn, const char *name, MDB_dbi *dbi)
{
	unsigned int flags = st->read_only ? 0 : MDB_CREATE;
	int rc = mdb_dbi_open(txn, name, flags, dbi);

	if (rc == MDB_NOTFOUND) {
		log_err("store %s has no database \"%s\": it was never opened by rackbootd; "
			"start rackbootd once to create it", st->dir, name);
		return -ENOENT;
	}
	if (rc) {
		log_err("store %s: opening database \"%s\" failed: %s", st->dir, name,
			mdb_strerror(rc));
		return rb_store_errno(rc);
	}
	return 0;
}

/* The databases of schema version 1, which every store has. */
static int open_dbs_v1(struct rb_store *st, MDB_txn *txn)
{
	static const char *const names[] = { "leases", "addrs", "lent", "meta" };
	MDB_dbi *dbis[] = { &st->leases, &st->addrs, &st->lent, &st->meta };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int err = open_db(st, txn, names[i], dbis[i]);

		if (err)
			return err;
	}
	return 0;
}

/* The DHCPv6 databases that schema version 2 added. */
static int open_dbs_v6(struct rb_store *st, MDB_txn *txn)
{
	static const char *const names[] = { "leases6", "addrs6", "quarantine6" };
	MDB_dbi *dbis[] = { &st->leases6, &st->addrs6, &st->quarantine6 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int err = open_db(st, txn, names[i], dbis[i]);

		if (err)
			return err;
	}
	st->has_v6 = true;
	return 0;
}

static int write_schema(struct rb_store *st, MDB_txn *txn, uint32_t version)
{
	MDB_val key = { .mv_size = strlen(META_SCHEMA), .mv_data = META_SCHEMA };
	MDB_val val = { .mv_size = sizeof(version), .mv_data = &version };
	int rc = mdb_put(txn, st->meta, &key, &val, 0);

	if (rc)
		log_err("store %s: writing the schema version %u failed: %s", st->dir, version,
			mdb_strerror(rc));
	return rb_store_errno(rc);
}

/* Read the schema version into *have; -ENOENT when none is recorded. */
static int read_schema(struct rb_store *st, MDB_txn *txn, uint32_t *have)
{
	MDB_val key = { .mv_size = strlen(META_SCHEMA), .mv_data = META_SCHEMA };
	MDB_val val;
	int rc;

	rc = mdb_get(txn, st->meta, &key, &val);
	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc) {
		log_err("store %s: reading the schema version failed: %s", st->dir,
			mdb_strerror(rc));
		return rb_store_errno(rc);
	}
	if (val.mv_size != sizeof(*have)) {
		log_err("store %s: the schema version record is %zu bytes, expected %zu; the store "
			"is damaged: restore it from a backup or move the folder aside", st->dir,
			val.mv_size, sizeof(*have));
		return -EBADMSG;
	}
	memcpy(have, val.mv_data, sizeof(*have));
	return 0;
}

/*
 * Write the schema version into a new store, or check the one there and
 * upgrade a version 1 store.  A writable open creates the DHCPv6
 * databases in the same transaction.  A read-only open goes on without
 * them, and the DHCPv6 lookups then find nothing.
 */
static int check_schema(struct rb_store *st, MDB_txn *txn)
{
	uint32_t want = RB_STORE_SCHEMA_VERSION, have = 0;
	int err;

	err = read_schema(st, txn, &have);
	if (err == -ENOENT && !st->read_only) {
		err = open_dbs_v6(st, txn);
		return err ?: write_schema(st, txn, want);
	}
	if (err == -ENOENT) {
		log_err("store %s: reading the schema version failed: no version recorded", st->dir);
		return -EBADMSG;
	}
	if (err)
		return err;

	if (have == RB_STORE_SCHEMA_V1 && st->read_only) {
		log_info("store %s has schema version %u, without DHCPv6 leases; rackbootd "
			 "upgrades it to version %u at its next start", st->dir, have, want);
		return 0;
	}
	if (have == RB_STORE_SCHEMA_V1) {
		err = open_dbs_v6(st, txn);
		if (!err)
			err = write_schema(st, txn, want);
		if (!err)
			log_info("store %s: upgraded schema version %u to %u (added the DHCPv6 "
				 "lease databases)", st->dir, have, want);
		return err;
	}
	if (have != want) {
		log_err("store %s has schema version %u, but this rackboot reads version %u: run "
			"the rackboot release that wrote it, or move the folder aside to start with "
			"an empty store (the leases then come back from the pinned maps and the "
			"clients' renewals)", st->dir, have, want);
		return -EPROTO;
	}
	return open_dbs_v6(st, txn);
}

static int open_env(struct rb_store *st, size_t map_size)
{
	unsigned int flags = MDB_NOTLS | (st->read_only ? MDB_RDONLY : 0);
	int rc, dead = 0;

	rc = mdb_env_create(&st->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(st->env, STORE_MAX_DBS);
	if (!rc)
		rc = mdb_env_set_mapsize(st->env, map_size);
	if (rc) {
		log_err("store %s: setting up LMDB failed: %s", st->dir, mdb_strerror(rc));
		return rb_store_errno(rc);
	}

	rc = mdb_env_open(st->env, st->dir, flags, 0600);
	if (rc == ENOENT && st->read_only) {
		log_err("no store in %s: rackbootd creates it at its first start; pass the "
			"folder of the config's store path", st->dir);
		return -ENOENT;
	}
	if (rc) {
		log_err("opening the store in %s failed: %s; check that the folder exists and "
			"is writable by rackbootd, or set another store path in the config",
			st->dir, mdb_strerror(rc));
		return rb_store_errno(rc);
	}

	/* Free the reader slots of a process killed in a read transaction. */
	mdb_reader_check(st->env, &dead);
	if (dead)
		log_info("store %s: freed %d reader slots of processes that ended", st->dir, dead);
	return 0;
}

static int check_dir(const char *dir, bool read_only)
{
	struct stat sb;

	if (stat(dir, &sb)) {
		int err = -errno;

		/* A reader (rackbootctl) names the wrong folder; rackbootd needs one made. */
		if (read_only)
			log_err("store folder %s: %s; give the folder of rackbootd's store/path "
				"(--store)", dir, strerror(-err));
		else
			log_err("store folder %s: %s; create it (mkdir -p) or set another store "
				"path in the config", dir, strerror(-err));
		return err;
	}
	if (!S_ISDIR(sb.st_mode)) {
		log_err("store path %s is not a folder; set the config's store path to a folder",
			dir);
		return -ENOTDIR;
	}
	return 0;
}

int rb_store_open_sized(const char *dir, bool read_only, size_t map_size, struct rb_store **out)
{
	struct rb_store *st;
	MDB_txn *txn;
	int err, rc;

	*out = NULL;
	err = check_dir(dir, read_only);
	if (err)
		return err;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (snprintf(st->dir, sizeof(st->dir), "%s", dir) >= (int)sizeof(st->dir)) {
		free(st);
		return -ENAMETOOLONG;
	}
	st->read_only = read_only;

	err = open_env(st, map_size ? map_size : RB_STORE_MAP_SIZE_DEFAULT);
	if (err)
		goto fail;
	rc = mdb_txn_begin(st->env, NULL, read_only ? MDB_RDONLY : 0, &txn);
	if (rc) {
		log_err("store %s: starting a transaction failed: %s", dir, mdb_strerror(rc));
		err = rb_store_errno(rc);
		goto fail;
	}
	err = open_dbs_v1(st, txn);
	if (!err)
		err = check_schema(st, txn);
	if (!err)
		err = rb_store_syslog_open_db(st, txn);
	if (err) {
		mdb_txn_abort(txn);
	} else {
		/* Also for a read-only open: an abort would close the database handles. */
		rc = mdb_txn_commit(txn);
		err = rb_store_errno(rc);
		if (rc)
			log_err("store %s: committing the new databases failed: %s", dir,
				mdb_strerror(rc));
	}
	if (err)
		goto fail;

	*out = st;
	return 0;

fail:
	rb_store_close(st);
	return err;
}

int rb_store_open(const char *dir, bool read_only, struct rb_store **out)
{
	return rb_store_open_sized(dir, read_only, 0, out);
}

void rb_store_close(struct rb_store *st)
{
	if (!st)
		return;
	if (st->batch)
		mdb_txn_abort(st->batch);
	if (st->env)
		mdb_env_close(st->env);
	free(st);
}

int rb_store_begin(struct rb_store *st)
{
	int rc;

	if (st->read_only)
		return -EROFS;
	if (st->batch)
		return -EBUSY;
	rc = mdb_txn_begin(st->env, NULL, 0, &st->batch);
	if (rc) {
		st->batch = NULL;
		log_err("store %s: starting a write batch failed: %s", st->dir, mdb_strerror(rc));
	}
	return rb_store_errno(rc);
}

int rb_store_commit(struct rb_store *st)
{
	int rc;

	if (!st->batch)
		return -EINVAL;
	rc = mdb_txn_commit(st->batch);
	st->batch = NULL;
	if (rc)
		log_err("store %s: committing a write batch failed: %s; its changes are lost",
			st->dir, mdb_strerror(rc));
	return rb_store_errno(rc);
}

void rb_store_abort(struct rb_store *st)
{
	if (st->batch)
		mdb_txn_abort(st->batch);
	st->batch = NULL;
}

int rb_store_op_begin(struct rb_store *st, bool write, MDB_txn **txn)
{
	int rc;

	if (write && st->read_only)
		return -EROFS;
	if (st->batch) {
		*txn = st->batch;
		return 0;
	}
	rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, txn);
	if (rc)
		log_err("store %s: starting a transaction failed: %s", st->dir, mdb_strerror(rc));
	return rb_store_errno(rc);
}

int rb_store_op_end(struct rb_store *st, MDB_txn *txn, int err)
{
	int rc;

	if (txn == st->batch)
		return err;
	if (err) {
		mdb_txn_abort(txn);
		return err;
	}
	/* Ends a read-only transaction as well. */
	rc = mdb_txn_commit(txn);
	if (rc)
		log_err("store %s: committing failed: %s", st->dir, mdb_strerror(rc));
	return rb_store_errno(rc);
}

/* Walk dbi in txn: the loop of rb_store_walk() and rb_store_walk_committed(). */
static int walk_txn(struct rb_store *st, MDB_txn *txn, MDB_dbi dbi,
		    int (*visit)(struct rb_store *st, const MDB_val *key, const MDB_val *val,
				 void *ctx),
		    void *ctx)
{
	MDB_cursor *cur;
	MDB_val key, val;
	int rc, bad = 0, stop = 0;

	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc)
		return rb_store_errno(rc);

	/* Bounded by the entries of the database, which LMDB counts. */
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
		stop = visit(st, &key, &val, ctx);
		if (stop == RB_STORE_SKIP) {
			bad = -EBADMSG;
			stop = 0;
		}
		if (stop)
			break;
	}
	mdb_cursor_close(cur);

	if (stop)
		return stop;
	if (rc != MDB_NOTFOUND && rc != 0)
		return rb_store_errno(rc);
	return bad;
}

int rb_store_walk(struct rb_store *st, MDB_dbi dbi,
		  int (*visit)(struct rb_store *st, const MDB_val *key, const MDB_val *val,
			       void *ctx),
		  void *ctx)
{
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, false, &txn);
	if (err)
		return err;
	err = walk_txn(st, txn, dbi, visit, ctx);
	rb_store_op_end(st, txn, -1);
	return err;
}

int rb_store_walk_committed(struct rb_store *st, MDB_dbi dbi,
			    int (*visit)(struct rb_store *st, const MDB_val *key,
					 const MDB_val *val, void *ctx),
			    void *ctx)
{
	MDB_txn *txn;
	int rc, err;

	/* The env has MDB_NOTLS, so a read-only transaction may live on any thread. */
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return rb_store_errno(rc);
	err = walk_txn(st, txn, dbi, visit, ctx);
	mdb_txn_abort(txn);
	return err;
}

int rb_store_put_one(struct rb_store *st, MDB_dbi dbi, MDB_val *key, MDB_val *val)
{
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, true, &txn);
	if (err)
		return err;
	err = rb_store_errno(mdb_put(txn, dbi, key, val, 0));
	return rb_store_op_end(st, txn, err);
}

int rb_store_del_one(struct rb_store *st, MDB_dbi dbi, MDB_val *key)
{
	MDB_txn *txn;
	int err;

	err = rb_store_op_begin(st, true, &txn);
	if (err)
		return err;
	err = rb_store_errno(mdb_del(txn, dbi, key, NULL));
	return rb_store_op_end(st, txn, err);
}
