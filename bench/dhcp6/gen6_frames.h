/* SPDX-License-Identifier: MIT */
/*
 * The Solicit and Request frames that the DHCPv6 load generator's XDP
 * programs start from, and the parts of their UDP checksums that do not
 * change.
 */
#ifndef RB_BENCH_DHCP6_GEN6_FRAMES_H
#define RB_BENCH_DHCP6_GEN6_FRAMES_H

#include <stdint.h>

#include "gen6.h"

/*
 * Both frames come from client index 0.  They carry zeros where the XDP
 * programs write per-exchange fields: the 4-byte message header (type
 * and xid) and the client index.  The Request also has zeros in the IA
 * Address, both UDP length fields and the IPv6 payload length, and it
 * ends before the Server Identifier option.  Each *_sum is the one's
 * complement sum (RFC 1071) of the UDP pseudo header, UDP header and
 * message as the template holds them, as 16-bit words in memory order.
 * The programs add the words of the fields they write.
 */
struct gen6_frames {
	uint8_t solicit[GEN6_SOLICIT_FRAME_LEN];
	uint8_t request[GEN6_REQUEST_FIXED_FRAME_LEN];
	uint64_t solicit_sum;
	uint64_t request_sum;
};

void gen6_frames_build(struct gen6_frames *frames);

#endif
