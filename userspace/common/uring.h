/* SPDX-License-Identifier: MIT */
/*
 * Owner tags and payloads of rackbootd's own io_uring requests.
 *
 * The encoding itself (owner tag in the top 8 bits of user_data, 56-bit
 * payload below) is in common/uring_tag.h.  This header adds the owners
 * that rackbootd's loop and its DHCPv4 slow path submit under, and the
 * payloads of the loop's own requests.
 */
#ifndef RB_URING_H
#define RB_URING_H

#include "common/uring_tag.h"

/*
 * NOTE: these two values belong in enum rb_uring_owner beside
 * RB_URING_OWNER_TFTP; they are defined here until that enum gets them.
 * They are casts so that the owner type stays enum rb_uring_owner.
 */
#define RB_URING_OWNER_DAEMON	((enum rb_uring_owner)2)	/* userspace/rackbootd */
#define RB_URING_OWNER_DHCP4	((enum rb_uring_owner)3)	/* userspace/dhcp4 */

/* Payloads of RB_URING_OWNER_DAEMON requests. */
enum rb_daemon_request {
	RB_DAEMON_SIGNAL = 1,	/* read on the signalfd */
	RB_DAEMON_TIMER = 2,	/* read on the one-second timerfd */
};

#endif
