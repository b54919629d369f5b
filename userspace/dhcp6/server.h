/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 slow path (RFC 8415): a UDP socket on [::]:server-port,
 * joined to All_DHCP_Relay_Agents_and_Servers (ff02::1:2) on every
 * interface that has a subnet6.  It replies to Solicit, Request, Confirm,
 * Renew, Rebind, Release, Decline and Information-request, direct or
 * through relay agents.  Addresses come from inventory reservations or
 * from the subnet6 pools; every lease is written to the store before the
 * Reply that grants it is sent, so a kill -9 loses no granted lease.
 *
 * Embedding, on a caller-owned io_uring shared with other services:
 *
 *	rb_dhcp6_server_new(&ring, &cfg, &srv);
 *	rb_dhcp6_server_start(srv);
 *	loop: for each cqe with rb_dhcp6_owns(cqe->user_data):
 *		rb_dhcp6_server_handle_cqe(srv, cqe);
 *	      rb_dhcp6_server_tick(srv);
 *	shutdown: rb_dhcp6_server_stop(srv); io_uring_queue_exit(&ring);
 *		  rb_dhcp6_server_free(srv);
 *
 * The server only prepares SQEs; the caller submits them.  Replies are
 * sent with a non-blocking sendmsg at once.
 */
#ifndef RB_DHCP6_SERVER_H
#define RB_DHCP6_SERVER_H

#include <liburing.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/uring.h"
#include "config/config.h"


struct rb_dhcp6_server;
struct rb_store;

/* Counters of the server, read with rb_dhcp6_server_counters(). */
enum rb_dhcp6_counter {
	RB_D6C_RX = 0,			/* messages read from the socket */
	RB_D6C_TX_ADVERTISE,
	RB_D6C_TX_REPLY,
	RB_D6C_MALFORMED,		/* rejected by the parser or the relay unwrapping */
	RB_D6C_DISCARDED,		/* discarded by the rules of RFC 8415 section 16 */
	RB_D6C_OTHER_SERVER,		/* a Server Identifier of another server */
	RB_D6C_NO_SUBNET,		/* no subnet6 for the arrival interface or link-address */
	RB_D6C_NO_ADDRS,		/* IA_NA answered with NoAddrsAvail */
	RB_D6C_RELEASED,		/* addresses released */
	RB_D6C_DECLINED,		/* addresses declined and quarantined */
	RB_D6C_STORE_FAILED,		/* lease writes that failed; the Reply was not sent */
	RB_D6C_SEND_FAILED,
	RB_D6C_COUNT,
};

struct rb_dhcp6_server_config {
	uint16_t server_port;	/* host order, bound on [::]; 0 = any free port (tests) */
	uint16_t client_port;	/* host order, destination of direct replies */
	uint16_t relay_port;	/* host order, destination at relays; 0 = the bound server port */
	/* The loaded config (subnets6, devices, profiles); it must outlive the server. */
	const struct rb_config *config;
	/* The lease store; it must outlive the server.  Required. */
	struct rb_store *store;
	/* Server DUID; 0 length = rb_dhcp6_server_duid() at rb_dhcp6_server_new(). */
	uint8_t server_duid[RB_CFG_DUID_MAX];
	uint8_t server_duid_len;
	/* Join ff02::1:2 on the subnets' interfaces; tests with loopback turn it off. */
	bool no_multicast;
	/* CLOCK_REALTIME seconds; NULL = time(). */
	int64_t (*now)(void *arg);
	void *now_arg;
	/*
	 * Send a reply; NULL = sendmsg on the server socket.  ifindex is the
	 * outgoing interface for a link-local destination, else 0.  Returns
	 * 0 or a negative errno.
	 */
	int (*send)(void *arg, const struct sockaddr_in6 *to, int ifindex, const void *msg,
		    size_t len);
	void *send_arg;
};

/*
 * Open and bind the socket and join the multicast group.  Returns 0 and
 * sets *out, or a negative errno after logging what failed.
 */
int rb_dhcp6_server_new(struct io_uring *ring, const struct rb_dhcp6_server_config *cfg,
			struct rb_dhcp6_server **out);

/*
 * Use config from now on (the reload), with the same server
 * DUID and socket: the templates are built again and the subnets'
 * interfaces joined to ff02::1:2.  Leases stay in the store.  Returns
 * 0, or a negative errno after logging, with the old config kept.
 * config must outlive the server or the next call.
 */
int rb_dhcp6_server_set_config(struct rb_dhcp6_server *srv, const struct rb_config *config);

/* Local port of the UDP socket, host order. */
uint16_t rb_dhcp6_server_port(const struct rb_dhcp6_server *srv);

/* Queue the receives.  Returns 0, or -EBUSY when the submission queue is full. */
int rb_dhcp6_server_start(struct rb_dhcp6_server *srv);

static inline bool rb_dhcp6_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_DHCP6;
}

/* Handle one completion that rb_dhcp6_owns, and queue the next receive. */
int rb_dhcp6_server_handle_cqe(struct rb_dhcp6_server *srv, const struct io_uring_cqe *cqe);

/* Queue the receives that found the submission queue full. */
void rb_dhcp6_server_tick(struct rb_dhcp6_server *srv);

/*
 * Handle one DHCPv6 message from peer received on ifindex (0 = unknown).
 * The completion handler calls it; tests feed it messages directly.
 */
void rb_dhcp6_server_handle(struct rb_dhcp6_server *srv, int ifindex,
			    const struct sockaddr_in6 *peer, const void *msg, size_t len);

/* The counters, indexed by enum rb_dhcp6_counter. */
const uint64_t *rb_dhcp6_server_counters(const struct rb_dhcp6_server *srv);

/* The server DUID in use. */
const uint8_t *rb_dhcp6_server_get_duid(const struct rb_dhcp6_server *srv, size_t *len);

/* Stop queueing receives.  The ones in flight end with the ring. */
void rb_dhcp6_server_stop(struct rb_dhcp6_server *srv);

/* Free the server after io_uring_queue_exit() on the ring.  NULL is accepted. */
void rb_dhcp6_server_free(struct rb_dhcp6_server *srv);

/* server_duid.c */

/*
 * Fill duid (RB_CFG_DUID_MAX bytes) and *len with the server DUID: the
 * config's server-duid, else a DUID-UUID derived from the machine ID at
 * machine_id_path, else the DUID-LL of the first subnet6 interface.
 * Logs the DUID and its origin.  Returns 0 or a negative errno.
 */
int rb_dhcp6_server_duid(const struct rb_config *cfg, const char *machine_id_path,
			 uint8_t *duid, size_t *len);
int rb_dhcp6_duid_from_machine_id(const char *path, uint8_t *duid, size_t *len);
int rb_dhcp6_duid_from_iface(const char *ifname, uint8_t *duid, size_t *len);

/* Format a DUID as colon-separated hex into out (size bytes); returns out. */
char *rb_dhcp6_format_duid(const uint8_t *duid, size_t len, char *out, size_t size);

#endif
