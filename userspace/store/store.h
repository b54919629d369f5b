/* SPDX-License-Identifier: MIT */
/*
 * The embedded store: leases and device states in LMDB, so that they
 * survive a rackbootd restart, a reboot and a power loss.
 *
 * Writers batch: rb_store_begin(), any number of puts and deletes, then
 * rb_store_commit(), which makes the whole batch durable at once.  Only
 * rackbootd's loop thread writes; rackbootctl opens the store read-only
 * while rackbootd runs.
 *
 * Times in the store are CLOCK_REALTIME seconds, because CLOCK_BOOTTIME
 * (what XDP records) starts again at every boot.
 */
#ifndef RACKBOOT_STORE_H
#define RACKBOOT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct rb_store;

/* Origin of a lease: the XDP program or rackbootd's slow path. */
enum rb_lease_source {
	RB_LEASE_XDP = 1,
	RB_LEASE_USERSPACE,
};

/* One DHCPv4 lease, keyed by MAC; at most one lease per address. */
struct rb_store_lease {
	uint8_t mac[6];
	uint16_t source;	/* enum rb_lease_source */
	uint32_t ipv4;		/* network order */
	uint32_t template_id;	/* rb_device.template_id when granted */
	int64_t start;		/* CLOCK_REALTIME seconds of the last ACK */
	int64_t end;		/* start + lease time */
};

/*
 * Open (or create) the store in the folder dir, which must exist.
 * read_only is for rackbootctl.  Returns 0 or a negative errno, with the
 * reason logged.
 */
int rb_store_open(const char *dir, bool read_only, struct rb_store **out);
void rb_store_close(struct rb_store *st);

/*
 * The same with a map size in bytes: the largest the store's data file
 * may grow to (LMDB maps it whole).  0 = RB_STORE_MAP_SIZE_DEFAULT.  A
 * lease takes about 100 bytes in its two databases, so the default holds
 * well over a million leases.
 */
#define RB_STORE_MAP_SIZE_DEFAULT	(256UL << 20)
int rb_store_open_sized(const char *dir, bool read_only, size_t map_size, struct rb_store **out);

/* The folder the store was opened in. */
const char *rb_store_dir(const struct rb_store *st);

/* Start and commit a write batch.  commit is durable (fsync) on return. */
int rb_store_begin(struct rb_store *st);
int rb_store_commit(struct rb_store *st);
void rb_store_abort(struct rb_store *st);

/*
 * Write a lease.  An older lease of the same MAC is replaced, and a lent
 * record of the address is removed in the same transaction.  Returns
 * -EEXIST when another MAC holds the address, and leaves both unchanged.
 */
int rb_store_put_lease(struct rb_store *st, const struct rb_store_lease *lease);

/* Remove the lease of mac (RELEASE, expiry).  -ENOENT when there is none. */
int rb_store_del_lease(struct rb_store *st, const uint8_t mac[6]);

/* Look a lease up by MAC or by address.  0, -ENOENT or another error. */
int rb_store_get_lease(struct rb_store *st, const uint8_t mac[6], struct rb_store_lease *out);
int rb_store_get_lease_by_addr(struct rb_store *st, uint32_t ipv4, struct rb_store_lease *out);

/* Call fn for every lease, in MAC order, until it returns non-zero. */
int rb_store_foreach_lease(struct rb_store *st,
			   int (*fn)(const struct rb_store_lease *lease, void *arg), void *arg);

/*
 * The same over the last committed state, in a read-only transaction of
 * its own: safe from any thread while rackbootd's loop writes a batch.
 */
int rb_store_foreach_lease_committed(struct rb_store *st,
				     int (*fn)(const struct rb_store_lease *lease, void *arg),
				     void *arg);

/*
 * Addresses lent to XDP: pool addresses that rackbootd put in the XDP
 * free queue, which XDP may bind to a new device without asking.  Each
 * is recorded here before it enters the queue, so that after a power
 * loss (queue and device map gone) rackbootd knows which addresses XDP
 * may have handed out and holds them back.  A record ends when the
 * address gets a lease (rb_store_put_lease) or goes back to the free
 * pool (rb_store_unlend), never when it is only bound to a device that
 * has no lease yet.  ipv4 in network order.
 */
int rb_store_lend(struct rb_store *st, uint32_t ipv4);
int rb_store_unlend(struct rb_store *st, uint32_t ipv4);
int rb_store_foreach_lent(struct rb_store *st, int (*fn)(uint32_t ipv4, void *arg), void *arg);

/* DUID bytes: 2 of type, at most 128 of data (RFC 8415 section 11.1). */
#define RB_STORE_DUID_MAX	130

/* State of a DHCPv6 lease. */
enum rb_lease6_state {
	RB_LEASE6_BOUND = 1,	/* sent in a Reply, in use until end */
	RB_LEASE6_RELEASED,	/* the client sent a Release; kept so it gets the same address back */
	RB_LEASE6_EXPIRED,	/* end passed without a Renew or Rebind */
};

/*
 * One DHCPv6 lease of an IA_NA address, keyed by (DUID, IAID).  An
 * address has at most one lease, whatever its state.
 */
struct rb_store_lease6 {
	uint8_t duid[RB_STORE_DUID_MAX];
	uint8_t duid_len;		/* 1..RB_STORE_DUID_MAX */
	uint32_t iaid;
	struct in6_addr addr;
	uint16_t state;			/* enum rb_lease6_state */
	bool has_mac;
	uint8_t mac[6];			/* from a DUID-LL, DUID-LLT or relay option 79 */
	uint32_t preferred_lifetime;	/* seconds, as sent in the IA Address option */
	uint32_t valid_lifetime;	/* seconds */
	uint32_t subnet6;		/* index of the config subnet6 that granted it */
	int64_t start;			/* CLOCK_REALTIME seconds of the last Reply */
	int64_t end;			/* start + valid lifetime */
};

/*
 * Write a DHCPv6 lease.  An older lease of the same (DUID, IAID) is
 * replaced and its old address freed.  Returns -EEXIST when the address
 * is leased to another (DUID, IAID), -EINVAL for a DUID length or state out
 * of range, and -ENOTSUP on a store opened read-only from schema version 1.
 */
int rb_store_put_lease6(struct rb_store *st, const struct rb_store_lease6 *lease);

/* Remove the lease of (duid, iaid).  -ENOENT when there is none. */
int rb_store_del_lease6(struct rb_store *st, const uint8_t *duid, size_t duid_len, uint32_t iaid);

/* Look a DHCPv6 lease up by (DUID, IAID) or by address.  0, -ENOENT or another error. */
int rb_store_get_lease6(struct rb_store *st, const uint8_t *duid, size_t duid_len, uint32_t iaid,
			struct rb_store_lease6 *out);
int rb_store_get_lease6_by_addr(struct rb_store *st, const struct in6_addr *addr,
				struct rb_store_lease6 *out);

/* Call fn for every DHCPv6 lease, in key order, until it returns non-zero. */
int rb_store_foreach_lease6(struct rb_store *st,
			    int (*fn)(const struct rb_store_lease6 *lease, void *arg), void *arg);

/* The same over the last commit, safe from any thread (see rb_store_foreach_lease_committed). */
int rb_store_foreach_lease6_committed(struct rb_store *st,
				      int (*fn)(const struct rb_store_lease6 *lease, void *arg),
				      void *arg);

/*
 * Declined addresses (RFC 8415 section 18.4.8): addr is not handed out
 * before the CLOCK_REALTIME second until.  rb_store_get_quarantine6
 * reads until back, or returns -ENOENT for an address never quarantined
 * or taken out again; the caller compares until with the clock.
 */
int rb_store_quarantine6(struct rb_store *st, const struct in6_addr *addr, int64_t until);
int rb_store_unquarantine6(struct rb_store *st, const struct in6_addr *addr);
int rb_store_get_quarantine6(struct rb_store *st, const struct in6_addr *addr, int64_t *until);

/*
 * Syslog rings, one value per device keyed by MAC (syslog/syslog_record.h
 * describes the value).  rb_store_put_syslog replaces the value of mac.
 * rb_store_foreach_syslog calls fn for every ring until it returns
 * non-zero; a read-only store without the database has no rings.
 */
int rb_store_put_syslog(struct rb_store *st, const uint8_t mac[6], const void *value, size_t len);
int rb_store_foreach_syslog(struct rb_store *st,
			    int (*fn)(const uint8_t mac[6], const void *value, size_t len, void *arg),
			    void *arg);

#endif
