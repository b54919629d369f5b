/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv4 slow path.  Requests that the XDP program passes up arrive
 * on a UDP socket bound to 0.0.0.0 at the server port: unknown devices,
 * message types the XDP program leaves to userspace, malformed messages,
 * or every request when no XDP program runs.  Known devices get the reply
 * that the XDP program would build, framed the same way.  The frame goes
 * out on an AF_PACKET socket of the ingress interface, so delivery to
 * chaddr or to the broadcast address needs no ARP entry.  Replies to
 * relayed requests (giaddr set) go over the UDP socket to the relay
 * agent at giaddr instead, routed by the kernel (RFC 2131 section 4.1).
 *
 * Embedding, on a caller-owned io_uring shared with other services:
 *
 *	rb_dhcp4_server_new(&ring, &cfg, &srv);
 *	(when cfg had no maps yet) rb_dhcp4_server_set_maps(srv, ...);
 *	rb_dhcp4_server_start(srv);
 *	loop: for each cqe with rb_dhcp4_owns(cqe->user_data):
 *		rb_dhcp4_server_handle_cqe(srv, cqe);
 *	      rb_dhcp4_server_tick(srv);
 *	shutdown: io_uring_queue_exit(&ring); rb_dhcp4_server_free(srv);
 *
 * The server only prepares SQEs; the caller submits them.
 */
#ifndef RB_DHCP4_SERVER_H
#define RB_DHCP4_SERVER_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/uring.h"

struct rb_dhcp4_server;
struct rb_config;
struct rb_leases;

struct rb_dhcp4_server_config {
	int devices_fd;		/* rb_devices; -1 for rb_dhcp4_server_set_maps() later */
	int templates_fd;	/* rb_dhcp4_templates */
	int ifaces_fd;		/* rb_ifaces: source MAC and MTU per ifindex */
	uint64_t *counters;	/* RB_UC_COUNT counters; NULL = kept inside the server */
	uint16_t server_port;	/* host order, bound on 0.0.0.0 */
	uint16_t client_port;	/* host order, destination of replies */
	uint16_t relay_port;	/* host order, destination at giaddr; 0 = the bound server port */
	/*
	 * The loaded config, for the subnet pools; it must outlive the
	 * server.  NULL = devices not in the inventory are ignored.
	 */
	const struct rb_config *config;
	/* Lease journal (userspace/leases) for ACKs and ended leases; NULL = none. */
	struct rb_leases *leases;
};

/*
 * Open and bind the sockets.  Returns 0 and sets *out, or a negative
 * errno after logging what failed (a port in use, say).
 */
int rb_dhcp4_server_new(struct io_uring *ring, const struct rb_dhcp4_server_config *cfg,
			struct rb_dhcp4_server **out);

/*
 * Set the maps and counters that cfg of rb_dhcp4_server_new() left at -1
 * and NULL.  rackbootd binds its ports before it loads the XDP program
 * that creates the maps, so that a port in use fails the start before
 * any interface is touched.  counters NULL = kept inside the server.
 */
void rb_dhcp4_server_set_maps(struct rb_dhcp4_server *srv, int devices_fd, int templates_fd,
			      int ifaces_fd, uint64_t *counters);

/*
 * Use config from now on (the reload).  After the start, the
 * pool allocator is rebuilt as at a restart: from the pool device
 * records in rb_devices, whose addresses stay theirs while they lie in a
 * pool of config, with the XDP queues drained and filled again.
 * Declined addresses stay in quarantine.  Call after the maps were
 * filled from config.  Returns 0 or a negative errno after logging.
 * config must outlive the server or the next call.
 */
int rb_dhcp4_server_set_config(struct rb_dhcp4_server *srv, const struct rb_config *config);

/* Local port of the UDP socket, host order (useful with server_port 0). */
uint16_t rb_dhcp4_server_port(const struct rb_dhcp4_server *srv);

/*
 * Rebuild the pool allocator from the pool devices in rb_devices, then
 * queue the receives.  Returns 0, or a negative errno (-EINVAL without
 * maps, -ENOMEM).
 */
int rb_dhcp4_server_start(struct rb_dhcp4_server *srv);

static inline bool rb_dhcp4_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_DHCP4;
}

/*
 * Handle one completion that rb_dhcp4_owns, and queue the next receive.
 * Returns 0, or -EINVAL for a user_data that is not the server's.
 */
int rb_dhcp4_server_handle_cqe(struct rb_dhcp4_server *srv, const struct io_uring_cqe *cqe);

/* Queue the receives that found the submission queue full. */
void rb_dhcp4_server_tick(struct rb_dhcp4_server *srv);

/*
 * One step of the pool expiry, which the tick runs with the current
 * CLOCK_BOOTTIME: read up to RB_DHCP4_EXPIRE_STEP records of rb_devices
 * with batch lookups, going on where the last step stopped, and free
 * each pool device whose lease ended more than RB_DHCP4_EXPIRE_GRACE_S
 * ago, or which got an OFFER but no ACK for RB_DHCP4_OFFER_HOLD_S.
 * Tests pass their own now_ns.  The tick starts a new pass over the map
 * at most every RB_DHCP4_EXPIRE_PERIOD_MS, because the loop ticks every
 * few milliseconds and a pass copies every record.
 */
#define RB_DHCP4_EXPIRE_STEP	4096
/*
 * Records per batch lookup.  The NAPI thread that runs XDP on rackbootd's
 * core waits for the end of a syscall, and a batch of 4,096 records kept
 * it waiting long enough to overflow a veth ring of 256 frames.
 */
#define RB_DHCP4_EXPIRE_BATCH	256
#define RB_DHCP4_EXPIRE_PERIOD_MS	1000
#define RB_DHCP4_EXPIRE_GRACE_S	10
#define RB_DHCP4_OFFER_HOLD_S	60
void rb_dhcp4_server_pool_expire(struct rb_dhcp4_server *srv, uint64_t now_ns);

/*
 * Handle one DHCP message received on ifindex (0 = unknown).  The
 * completion handler calls it; tests can feed it messages directly.
 */
void rb_dhcp4_server_handle(struct rb_dhcp4_server *srv, int ifindex, const void *msg,
			    size_t len);

/* Stop queueing receives.  The ones in flight end with the ring. */
void rb_dhcp4_server_stop(struct rb_dhcp4_server *srv);

/*
 * Free the server.  Receives in flight point into it, so call this only
 * after io_uring_queue_exit() on the ring.  NULL is accepted.
 */
void rb_dhcp4_server_free(struct rb_dhcp4_server *srv);

#endif
