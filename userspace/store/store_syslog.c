// SPDX-License-Identifier: MIT
/*
 * The syslog database: each device's log ring as one value under its
 * MAC.  It is no part of the schema version, because older rackboot
 * releases never open it and a store without it has no rings.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "store/store_internal.h"

#define SYSLOG_DB	"syslog"

int rb_store_syslog_open_db(struct rb_store *st, MDB_txn *txn)
{
	unsigned int flags = st->read_only ? 0 : MDB_CREATE;
	int rc = mdb_dbi_open(txn, SYSLOG_DB, flags, &st->syslog);

	if (rc == MDB_NOTFOUND && st->read_only)
		return 0;
	if (rc) {
		log_err("store %s: opening database \"%s\" failed: %s", st->dir, SYSLOG_DB,
			mdb_strerror(rc));
		return rb_store_errno(rc);
	}
	st->has_syslog = true;
	return 0;
}

int rb_store_put_syslog(struct rb_store *st, const uint8_t mac[6], const void *value, size_t len)
{
	MDB_val key = { .mv_size = 6, .mv_data = (void *)mac };
	MDB_val val = { .mv_size = len, .mv_data = (void *)value };

	if (!st->has_syslog)
		return -EROFS;
	return rb_store_put_one(st, st->syslog, &key, &val);
}

struct syslog_walk {
	int (*fn)(const uint8_t mac[6], const void *value, size_t len, void *arg);
	void *arg;
};

static int visit_syslog(struct rb_store *st, const MDB_val *key, const MDB_val *val, void *ctx)
{
	struct syslog_walk *walk = ctx;

	if (key->mv_size != 6) {
		log_err("store %s: syslog record with a key of %zu bytes, expected 6; skipped",
			st->dir, key->mv_size);
		return RB_STORE_SKIP;
	}
	return walk->fn(key->mv_data, val->mv_data, val->mv_size, walk->arg);
}

int rb_store_foreach_syslog(struct rb_store *st,
			    int (*fn)(const uint8_t mac[6], const void *value, size_t len, void *arg),
			    void *arg)
{
	struct syslog_walk walk = { fn, arg };

	if (!st->has_syslog)
		return 0;
	return rb_store_walk(st, st->syslog, visit_syslog, &walk);
}
