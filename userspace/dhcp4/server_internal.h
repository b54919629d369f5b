/* SPDX-License-Identifier: MIT */
/* State of the DHCPv4 slow-path server, shared by server.c and server_handle.c. */
#ifndef RB_DHCP4_SERVER_INTERNAL_H
#define RB_DHCP4_SERVER_INTERNAL_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "dhcp4/answer.h"
#include "dhcp4/pool.h"
#include "dhcp4/pool_lend.h"
#include "dhcp4/server.h"
#include "rackboot/maps.h"

/*
 * Receives kept in flight at once.  A few let a burst of requests be
 * read in one pass of the loop; the slow path needs no more.
 */
#define RB_DHCP4_RECV_SLOTS	8

/* Ethernet, IPv4 and UDP headers in front of the DHCP message. */
#define RB_DHCP4_FRAME_HDR	(14 + 20 + 8)
#define RB_DHCP4_FRAME_ALIGN	2	/* 2 + 14-byte Ethernet header = 16 */

struct rb_dhcp4_recv {
	struct msghdr msg;
	struct iovec iov;
	struct sockaddr_in peer;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control;
	uint8_t data[RB_DHCP4_BUF_LEN];
	bool queued;		/* a recvmsg for this slot is in the ring */
};

/*
 * One step's records of the expiry walk, and the lease time of each
 * template, looked up once per pass (0: not looked up yet, since the
 * config allows no lease time under 60 s).
 */
struct rb_dhcp4_expiry {
	struct rb_mac_key keys[RB_DHCP4_EXPIRE_STEP];
	struct rb_device recs[RB_DHCP4_EXPIRE_STEP];
	uint32_t lease_time[RB_MAX_TEMPLATES];
};

struct rb_dhcp4_server {
	struct io_uring *ring;
	struct rb_dhcp4_server_config cfg;
	uint64_t own_counters[RB_UC_COUNT];	/* used when cfg.counters is NULL */
	int udp_fd;
	int packet_fd;		/* AF_PACKET, SOCK_RAW, protocol 0: send only */
	uint16_t relay_port;	/* host order, destination port of replies to relay agents */
	bool stopping;
	struct rb_dhcp4_work work;
	struct rb_dhcp4_pool pool;	/* used when cfg.config has pools */
	uint32_t *pool_template;	/* template id per config subnet with a pool, or NULL */
	bool pool_started;		/* rb_dhcp4_server_pool_start() ran, pool_free() not since */
	struct rb_dhcp4_lending lending;	/* pool addresses lent to XDP (pool_lend.h) */
	struct rb_dhcp4_expiry *expiry;	/* buffers of the expiry walk, NULL until it first runs */
	__u32 expire_batch;		/* where the expiry walk of rb_devices goes on */
	bool expire_resume;		/* expire_batch is valid; false = start at the first bucket */
	uint64_t expire_pass_ns;	/* now_ns when the last pass over rb_devices started */
	/*
	 * The reply frame starts RB_DHCP4_FRAME_ALIGN bytes into this buffer,
	 * so that rb_dhcp4_frame() writes its IPv4 and UDP headers at 4-byte
	 * aligned addresses.
	 */
	_Alignas(8) uint8_t frame_buf[RB_DHCP4_FRAME_ALIGN + RB_DHCP4_FRAME_HDR + RB_DHCP4_MAX_LEN];
	struct rb_dhcp4_recv recv[RB_DHCP4_RECV_SLOTS];
};

/* server_pool.c */

/* Build the pool templates and rebuild the allocator from rb_devices; 0 without pools. */
int rb_dhcp4_server_pool_start(struct rb_dhcp4_server *srv);
void rb_dhcp4_server_pool_free(struct rb_dhcp4_server *srv);

/*
 * Give the unknown device of the parsed DISCOVER a pool address and add
 * its record to rb_devices, filling *dev.  Returns 0, -ENOENT when no
 * pool serves the request (nothing counted or logged), or another
 * negative errno after counting and logging (-ENOSPC: pool exhausted).
 */
int rb_dhcp4_server_pool_add(struct rb_dhcp4_server *srv, int ifindex, struct rb_device *dev,
			     const char *mac, const char *ifname);

/*
 * Handle the parsed RELEASE or DECLINE of a device with record dev.
 * Returns false when dev is not a pool device, which leaves the
 * message to the caller.
 */
bool rb_dhcp4_server_pool_return(struct rb_dhcp4_server *srv, const struct rb_device *dev,
				 const char *mac, const char *ifname);

/*
 * Find the template for the DHCPINFORM of a device not in the inventory
 * from ciaddr: the pool template of the subnet holding ciaddr, else any
 * template of that subnet.  Returns true and fills *tmpl, or false.
 */
bool rb_dhcp4_server_inform_template(struct rb_dhcp4_server *srv, uint32_t ciaddr,
				     struct rb_dhcp4_template *tmpl);

static inline void rb_dhcp4_count(struct rb_dhcp4_server *srv, enum rb_us_counter c)
{
	srv->cfg.counters[c]++;
}

#endif
