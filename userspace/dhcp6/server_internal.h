/* SPDX-License-Identifier: MIT */
/* State of the DHCPv6 slow-path server, shared by the server*.c files. */
#ifndef RB_DHCP6_SERVER_INTERNAL_H
#define RB_DHCP6_SERVER_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "dhcp6/relay6.h"
#include "dhcp6/server.h"
#include "dhcp6/template6.h"
#include "rackboot/dhcp6_wire.h"
#include "store/store.h"

/* Receives kept in flight at once, as for the DHCPv4 slow path. */
#define RB_DHCP6_RECV_SLOTS	8

/*
 * Bytes of a received datagram and of a wrapped reply: a client message
 * of RB_DHCP6_MAX_LEN inside up to RB_RELAY6_LEVELS_MAX relay headers
 * with their Interface-Id and Remote-Id options.
 */
#define RB_DHCP6_PACKET_MAX	4096

struct rb_dhcp6_recv {
	struct msghdr msg;
	struct iovec iov;
	struct sockaddr_in6 peer;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	uint8_t data[RB_DHCP6_PACKET_MAX];
	bool queued;		/* a recvmsg for this slot is in the ring */
};

/* Origin of a client message: an interface, and the relays of chain when relayed. */
struct rb_dhcp6_origin {
	int ifindex;			/* arrival interface, 0 = unknown */
	struct sockaddr_in6 peer;	/* source of the datagram: the client or the outer relay */
	struct rb_relay6_chain chain;	/* n_levels 0 for a direct message */
};

/* The result of choosing an address for one IA_NA. */
struct rb_dhcp6_binding {
	struct in6_addr addr;
	size_t subnet;			/* index into config subnets6 */
	const struct rb_cfg_device *device;	/* the reservation, or NULL for a pool address */
	bool has_mac;
	uint8_t mac[6];
};

struct rb_dhcp6_server {
	struct io_uring *ring;
	struct rb_dhcp6_server_config cfg;
	const struct rb_config *config;
	uint64_t counters[RB_D6C_COUNT];
	int udp_fd;
	uint16_t relay_port;
	bool stopping;
	struct rb_dhcp6_work work;
	/* Reply templates of the devices and pools, built at new. */
	struct rb_dhcp6_templates templates;
	/* Per subnet6: a template of its pool profile, for Information-request without a pool. */
	struct rb_dhcp6_template *subnet_templates;
	struct rb_dhcp6_origin origin;	/* of the message being handled */
	/* Client DUID and MAC of the request being handled. */
	uint8_t client_duid[RB_CFG_DUID_MAX];
	size_t client_duid_len;
	bool client_has_mac;
	uint8_t client_mac[6];
	/* The reply, possibly wrapped in Relay-reply messages. */
	uint8_t reply[RB_DHCP6_PACKET_MAX];
	struct rb_dhcp6_recv recv[RB_DHCP6_RECV_SLOTS];
};

static inline void rb_dhcp6_count(struct rb_dhcp6_server *srv, enum rb_dhcp6_counter c)
{
	srv->counters[c]++;
}

static inline int64_t rb_dhcp6_now(const struct rb_dhcp6_server *srv)
{
	return srv->cfg.now(srv->cfg.now_arg);
}

/* server_assign.c */

/*
 * Find the subnet6 of a message: by link-address when relayed (the
 * subnet whose prefix contains it), else by arrival interface.  Returns the
 * index, or -1.
 */
int rb_dhcp6_subnet_of(const struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o);

/* Check that addr lies in the prefix of subnet6 s. */
bool rb_dhcp6_in_subnet(const struct rb_cfg_subnet6 *s, const struct in6_addr *addr);

/* Fill srv->client_has_mac and client_mac from the client DUID or relay option 79. */
void rb_dhcp6_note_client(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o);

/*
 * Find the inventory reservation for the client of the request being
 * handled: by DUID, else by MAC, else by relay interface-id and
 * remote-id.  Returns NULL when there is none.
 */
const struct rb_cfg_device *rb_dhcp6_reservation(struct rb_dhcp6_server *srv,
						 const struct rb_dhcp6_origin *o);

/*
 * Choose the address for IA iaid of the current client on subnet: its
 * reservation, its existing lease, else a free pool address.  Returns 0
 * and fills *b, -ENOSPC when the pool has no free address, -ENOENT when
 * the subnet has neither reservation nor pool for it, or another error.
 */
int rb_dhcp6_choose(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o, int subnet,
		    uint32_t iaid, struct rb_dhcp6_binding *b);

/* Write the lease of binding b for IA iaid; 0 or a negative errno (logged). */
int rb_dhcp6_commit_lease(struct rb_dhcp6_server *srv, uint32_t iaid,
			  const struct rb_dhcp6_binding *b);

/* server_reply.c */

/* The template for subnet and the profile of device (NULL = the subnet's pool profile). */
const struct rb_dhcp6_template *rb_dhcp6_template_for(const struct rb_dhcp6_server *srv,
						      int subnet,
						      const struct rb_cfg_device *device);

/*
 * Wrap the reply of len bytes in srv->work.out for the relay chain of o
 * and send it: to the client at the client port, or to the outer relay
 * at the relay port.  Returns 0 or a negative errno (counted, logged).
 */
int rb_dhcp6_send_reply(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o, size_t len);

#endif
