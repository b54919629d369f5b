/* SPDX-License-Identifier: MIT */
/*
 * The DISCOVER and REQUEST frames that the load generator's XDP programs
 * start from, and the parts of their UDP checksums that do not change.
 */
#ifndef RB_BENCH_DHCP4_GEN_FRAMES_H
#define RB_BENCH_DHCP4_GEN_FRAMES_H

#include <stdint.h>

#include "gen.h"

/*
 * Both frames are broadcast from the client MAC of index 0, with xid 0
 * and, in the REQUEST, requested address 0.  The XDP programs write those
 * fields and add their 16-bit words to the *_sum fields.  Each *_sum is
 * the one's complement sum (RFC 1071) of the UDP pseudo header, UDP
 * header and BOOTP message, as 16-bit words in memory order.
 */
struct gen_frames {
	uint8_t discover[GEN_FRAME_LEN];
	uint8_t request[GEN_REQ_FRAME_LEN];
	uint64_t discover_sum;
	uint64_t request_sum;
};

/* Build the frames; server_id (network order) goes into option 54. */
void gen_frames_build(struct gen_frames *frames, uint32_t server_id);

#endif
