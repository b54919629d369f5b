/* SPDX-License-Identifier: MIT */
/* The LMDB handles behind struct rb_store, shared by the store*.c files. */
#ifndef RB_STORE_INTERNAL_H
#define RB_STORE_INTERNAL_H

#include <limits.h>
#include <lmdb.h>
#include <stdint.h>

#include "store/store.h"

/*
 * On-disk schema version, in the meta database.  Bump it whenever a
 * record layout or a database changes meaning.  Version 2 added the three
 * DHCPv6 databases.  A writable open of a version 1 store creates them and
 * records version 2, and leaves the DHCPv4 records as they are.
 */
#define RB_STORE_SCHEMA_VERSION	2
#define RB_STORE_SCHEMA_V1	1

/*
 * A lease record as stored: the fields of struct rb_store_lease without
 * padding, in host byte order except ipv4.  LMDB files are specific to
 * the architecture anyway, so a backup is restored on the same one.
 */
struct rb_store_lease_record {
	uint8_t mac[6];
	uint16_t source;
	uint32_t ipv4;
	uint32_t template_id;
	int64_t start;
	int64_t end;
};

_Static_assert(sizeof(struct rb_store_lease_record) == 32, "lease record size");

/*
 * A DHCPv6 lease record as stored.  Its key is the DUID length (1 byte),
 * the DUID and the IAID (4 bytes, network order), so the DUID is not
 * repeated here.
 */
struct rb_store_lease6_record {
	uint32_t iaid;
	uint16_t state;
	uint8_t has_mac;
	uint8_t reserved;
	uint8_t addr[16];
	uint8_t mac[6];
	uint16_t reserved2;
	uint32_t preferred_lifetime;
	uint32_t valid_lifetime;
	uint32_t subnet6;
	uint32_t reserved3;
	int64_t start;
	int64_t end;
};

_Static_assert(sizeof(struct rb_store_lease6_record) == 64, "lease6 record size");

struct rb_store {
	char dir[PATH_MAX];
	MDB_env *env;
	MDB_dbi leases;		/* MAC (6 bytes) -> struct rb_store_lease_record */
	MDB_dbi addrs;		/* ipv4 (4 bytes, network order) -> MAC (6 bytes) */
	MDB_dbi lent;		/* ipv4 (4 bytes, network order) -> one zero byte */
	MDB_dbi meta;		/* name -> value */
	MDB_dbi leases6;	/* DUID length, DUID, IAID -> struct rb_store_lease6_record */
	MDB_dbi addrs6;		/* IPv6 address (16 bytes) -> key of its leases6 record */
	MDB_dbi quarantine6;	/* IPv6 address (16 bytes) -> end of quarantine (int64_t) */
	bool has_v6;		/* false for a version 1 store opened read-only */
	MDB_dbi syslog;		/* MAC (6 bytes) -> a device's syslog ring (syslog/syslog_record.h) */
	bool has_syslog;	/* false for a store opened read-only before rackbootd made it */
	MDB_txn *batch;		/* the write batch of rb_store_begin(), or NULL */
	bool read_only;
};

/* store_syslog.c: open the syslog database in the store's open transaction. */
int rb_store_syslog_open_db(struct rb_store *st, MDB_txn *txn);

/* Map an LMDB return code to a negative errno. */
int rb_store_errno(int rc);

/*
 * The transaction for one operation: the open batch, else a new one
 * (read-only when write is false).  rb_store_op_end() commits or aborts
 * a transaction that rb_store_op_begin() created and leaves the batch.
 */
int rb_store_op_begin(struct rb_store *st, bool write, MDB_txn **txn);
int rb_store_op_end(struct rb_store *st, MDB_txn *txn, int err);

/* Put key -> val in dbi, or delete key from it, in one write operation. */
int rb_store_put_one(struct rb_store *st, MDB_dbi dbi, MDB_val *key, MDB_val *val);
int rb_store_del_one(struct rb_store *st, MDB_dbi dbi, MDB_val *key);

/*
 * Walk one database in key order.  visit returns non-zero to stop (that
 * value is returned), or RB_STORE_SKIP after it logged a bad record: the
 * walk goes on and returns -EBADMSG at the end.
 */
#define RB_STORE_SKIP	INT_MIN

int rb_store_walk(struct rb_store *st, MDB_dbi dbi,
		  int (*visit)(struct rb_store *st, const MDB_val *key, const MDB_val *val,
			       void *ctx),
		  void *ctx);

/*
 * The same in a read-only transaction of its own, never in the open
 * write batch, so it sees the last commit and may run on any thread
 * while the loop thread writes.
 */
int rb_store_walk_committed(struct rb_store *st, MDB_dbi dbi,
			    int (*visit)(struct rb_store *st, const MDB_val *key,
					 const MDB_val *val, void *ctx),
			    void *ctx);

#endif
