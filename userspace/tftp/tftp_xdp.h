/* SPDX-License-Identifier: MIT */
/*
 * Hand-off of TFTP transfers to the XDP data path (bpf/tftp.h).
 *
 * Once rb_tftp_server_set_xdp() gave the server the maps, each eligible
 * transfer is cached in the block store (tftp_cache.h) and recorded in
 * rb_tftp_xfers before its first packet leaves.  XDP then sends the
 * DATA for each of its ACKs.  The server keeps the transfer's socket and slot: it sends what
 * XDP passes up, retransmits on timeout, and ends the transfer when XDP
 * reports the final ACK (RB_EV_TFTP_DONE) or its timer finds it done.
 */
#ifndef RB_TFTP_XDP_H
#define RB_TFTP_XDP_H

#include <stdbool.h>
#include <stdint.h>

#include "rackboot/tftp_maps.h"

struct rb_tftp_server;

/* The XDP program's TFTP maps, open in this process. */
struct rb_tftp_xdp_maps {
	int xfers_fd;		/* rb_tftp_xfers */
	int files_fd;		/* rb_tftp_files */
	int blocks_fd;		/* rb_tftp_blocks, mmapable */
	uint32_t n_slots;	/* max_entries of rb_tftp_blocks */
	/* Smallest MTU of the links with the XDP program: IP datagram bytes. */
	uint32_t mtu;
};

/*
 * Serve the transfers that start from now on from XDP when they are
 * eligible.  Clears the transfer and file maps of an earlier run.
 * Returns 0, or a negative errno after logging what failed (the server
 * then keeps serving everything itself).
 */
int rb_tftp_server_set_xdp(struct rb_tftp_server *srv, const struct rb_tftp_xdp_maps *maps);

/* Take an RB_EV_TFTP_DONE record from rb_events: the transfer it names is finished. */
void rb_tftp_server_xdp_done(struct rb_tftp_server *srv, const struct rb_tftp_event *ev);

/* The XDP side of one transfer, kept in its slot. */
struct tftp_xdp_xfer {
	bool active;			/* recorded in rb_tftp_xfers */
	struct rb_tftp_xfer_key key;
	uint32_t file_id;		/* cache reference to drop at the end */
	uint64_t n_blocks;		/* blocks of the file: the final block's counter */
	uint64_t size;			/* file bytes */
	uint64_t seen_sent;		/* rb_tftp_xfer.sent when the server last saw it move */
	uint64_t us_sent;		/* last us_block that the server sent for XDP */
	bool send_pending;		/* block_sent waits for slot 0's send to complete */
	uint64_t resend_ms;		/* rb_tftp_now_ms() of the next retransmission, 0 = none due */
};

#endif
