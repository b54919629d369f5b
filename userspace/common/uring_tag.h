/* SPDX-License-Identifier: MIT */
/*
 * Owner tag in the user_data of io_uring requests.
 *
 * rackbootd runs one ring for several services.  Every module puts its
 * owner tag in the top 8 bits of each request's user_data and is free to
 * use the 56 bits below, so the loop routes a completion to its module
 * by the tag alone.  Tag 0 is never used, so a zeroed user_data (a
 * forgotten io_uring_sqe_set_data64) is not routed anywhere.  Tag 0xff is
 * reserved because liburing marks its internal timeout requests with
 * user_data LIBURING_UDATA_TIMEOUT, which is all ones.
 */
#ifndef RB_URING_TAG_H
#define RB_URING_TAG_H

#include <stdint.h>

enum rb_uring_owner {
	RB_URING_OWNER_NONE = 0,
	RB_URING_OWNER_TFTP = 1,	/* userspace/tftp */
	RB_URING_OWNER_DAEMON = 2,	/* userspace/rackbootd: signalfd, timerfd */
	RB_URING_OWNER_DHCP4 = 3,	/* userspace/dhcp4 */
	RB_URING_OWNER_LEASES = 4,	/* userspace/leases */
	RB_URING_OWNER_DHCP6 = 6,	/* userspace/dhcp6 */
	RB_URING_OWNER_DNS = 7,		/* userspace/dns */
	RB_URING_OWNER_CONTROL = 8,	/* userspace/control */
	RB_URING_OWNER_SYSLOG = 16,	/* userspace/syslog */
	/* Add one value per module that submits to the shared ring. */
	RB_URING_OWNER_RESERVED = 0xff,
};

#define RB_URING_OWNER_SHIFT	56
#define RB_URING_PAYLOAD_MASK	((UINT64_C(1) << RB_URING_OWNER_SHIFT) - 1)

/* Build a user_data from an owner tag and a module payload of 56 bits. */
static inline uint64_t rb_uring_tag(enum rb_uring_owner owner, uint64_t payload)
{
	return ((uint64_t)owner << RB_URING_OWNER_SHIFT) | (payload & RB_URING_PAYLOAD_MASK);
}

static inline enum rb_uring_owner rb_uring_owner(uint64_t user_data)
{
	return (enum rb_uring_owner)(user_data >> RB_URING_OWNER_SHIFT);
}

static inline uint64_t rb_uring_payload(uint64_t user_data)
{
	return user_data & RB_URING_PAYLOAD_MASK;
}

#endif
