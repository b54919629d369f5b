/* SPDX-License-Identifier: MIT */
/* State of the lease journal, shared by the files of userspace/leases. */
#ifndef RB_LEASES_INTERNAL_H
#define RB_LEASES_INTERNAL_H

#include <bpf/libbpf.h>

#include "leases/leases.h"
#include "rackboot/dhcp6_maps.h"
#include "store/store.h"

/* Payloads of RB_URING_OWNER_LEASES requests. */
enum rb_leases_request {
	RB_LEASES_TIMEOUT = 2,	/* commit deadline of the open batch */
	RB_LEASES_DRAIN = 3,	/* periodic drain of the ring */
};

/*
 * Milliseconds between drains of the ring.  XDP writes its events
 * without waking rackbootd, because a wake-up per event costs the XDP
 * core more than the event itself at line rate.  The ring has room for
 * 209,715 DHCPv4 records, over half a second at 400,000 events a second.
 */
#define RB_LEASES_DRAIN_MS	20

struct rb_leases {
	struct rb_store *store;
	struct rb_leases_config cfg;
	struct rb_leases_maps maps;
	struct io_uring *ring;
	struct ring_buffer *events;	/* libbpf consumer of rb_events */

	bool batch_open;
	unsigned int batch_writes;
	bool timeout_queued;
	struct __kernel_timespec timeout;	/* read by the kernel at submission */
	bool drain_queued;		/* the periodic drain timeout is in the io_uring */
	struct __kernel_timespec drain_timeout;
	uint64_t next_sweep_ns;		/* CLOCK_BOOTTIME of the next expiry walk */
	bool stopping;
	void (*on_bind)(void *arg, const struct rb_event *ev);
	void *on_bind_arg;
	void (*on_tftp_done)(void *arg, const struct rb_tftp_event *ev);
	void *on_tftp_done_arg;

	/* Since start, for the log. */
	uint64_t events_seen;
	uint64_t write_errors;
};

/* leases.c: the write batch. */
int rb_leases_batch_write(struct rb_leases *l);
void rb_leases_batch_commit(struct rb_leases *l);

/*
 * Write the lease of mac at ipv4 granted at ack_ns (CLOCK_BOOTTIME) for
 * lease_time seconds.  The ACK went on the wire, so it wins against a
 * store lease of another MAC on the same address, which is deleted.
 */
int rb_leases_write(struct rb_leases *l, const uint8_t mac[6], uint32_t ipv4,
		    uint32_t template_id, uint64_t ack_ns, uint32_t lease_time, uint16_t source);

/*
 * leases6.c: write the DHCPv6 lease of an RB_EV_DHCP6_LEASE record.  The
 * Reply went on the wire, so it wins against a store lease of another
 * (DUID, IAID) on the same address, which is deleted.  Needs
 * cfg.config, whose subnet6 holding the address the lease records.
 * Returns 0 or a negative errno, logged.
 */
int rb_leases_write6(struct rb_leases *l, const struct rb_event6 *ev);

/*
 * Seconds by which the client's lease may outlast the store lease: the
 * journal lag of its lease time (rb_journal_lag_s), since renewals
 * inside the lag reach the wire but not the store.
 */
static inline uint32_t rb_leases_lag_s(const struct rb_store_lease *lease)
{
	int64_t lease_time = lease->end - lease->start;

	return rb_journal_lag_s(lease_time > 0 && lease_time <= UINT32_MAX ? (uint32_t)lease_time : 0);
}

/* CLOCK_REALTIME second after which the store lease may go. */
static inline int64_t rb_leases_expiry(const struct rb_store_lease *lease)
{
	return lease->end + rb_leases_lag_s(lease) + RB_LEASES_EXPIRE_GRACE_S;
}

/* CLOCK_REALTIME seconds of a CLOCK_BOOTTIME time in nanoseconds. */
int64_t rb_leases_realtime(uint64_t boot_ns);

/* leases_ring.c: the rb_events consumer. */
int rb_leases_ring_open(struct rb_leases *l);
int rb_leases_ring_drain(struct rb_leases *l);

/* leases_reconcile.c: the store against rb_devices at start. */
int rb_leases_reconcile(struct rb_leases *l);
int rb_leases_restore(struct rb_leases *l);

#endif
