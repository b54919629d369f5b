/* SPDX-License-Identifier: MIT */
/*
 * Map keys and values of the TFTP data path in XDP, shared by the XDP
 * program and rackbootd.  The layout rules of rackboot/maps.h apply.
 *
 * rackbootd answers the read request, loads the file into block slots
 * of rb_tftp_blocks (one slot per block of the negotiated blksize),
 * describes it in rb_tftp_files, and records the transfer in
 * rb_tftp_xfers.  From then on XDP turns each ACK(n) of that client into
 * DATA(n+1) read from the slots.  Block numbers are counted in 64 bits,
 * and the wire carries the counter's low 16 bits, so that a file of more
 * than 65535 blocks rolls over from 65535 to 0.
 */
#ifndef RACKBOOT_TFTP_MAPS_H
#define RACKBOOT_TFTP_MAPS_H

#include <linux/types.h>

#include "rackboot/maps.h"

/*
 * Largest blksize that XDP serves, 1468 (a 1500-byte MTU less 20 bytes
 * IPv4, 8 UDP and 4 TFTP); larger blocks stay in userspace.  A slot has
 * 1536 bytes, three times 512, so that the checksum in XDP reads whole
 * 512-byte slices (bpf_csum_diff()'s maximum) inside the slot, which the
 * verifier can prove.
 */
#define RB_TFTP_SLOT_SIZE		1536
#define RB_TFTP_XDP_BLKSIZE_MAX		1468

/* Slots of rb_tftp_blocks as compiled; rackbootd sets the configured count before load. */
#define RB_TFTP_SLOTS_BUILTIN		1024

/* Default size of the block store, in MiB (config tftp/xdp-block-store). */
#define RB_TFTP_BLOCK_STORE_MIB_DEFAULT	64

#define RB_MAX_TFTP_XFERS	4096	/* transfers served from XDP at once */
#define RB_MAX_TFTP_FILES	1024	/* cached (file, blksize) pairs */

/* Names under the pin folder. */
#define RB_PIN_TFTP_XFERS	"rb_tftp_xfers"

/* Address families of struct rb_tftp_xfer_key. */
#define RB_TFTP_FAMILY_IPV4	4
#define RB_TFTP_FAMILY_IPV6	6

/*
 * Key of rb_tftp_xfers: the client's address and port and the server's
 * port of the transfer (the transfer IDs of RFC 1350).
 */
struct rb_tftp_xfer_key {
	__u8 client[16];	/* IPv6 address, or IPv4 address in the first 4 bytes and zeros */
	__u16 client_port;	/* network order */
	__u16 server_port;	/* network order: the ephemeral port of the transfer's socket */
	__u32 family;		/* RB_TFTP_FAMILY_IPV4 or RB_TFTP_FAMILY_IPV6 */
};

/* States of struct rb_tftp_xfer. */
enum rb_tftp_xfer_state {
	RB_TFTP_XS_ACTIVE = 1,	/* XDP answers ACKs */
	RB_TFTP_XS_DONE,	/* the final block was acknowledged; XDP drops further ACKs */
};

/*
 * Value of rb_tftp_xfers.  rackbootd writes it before it sends the
 * transfer's first packet (OACK or DATA 1) and deletes it when the
 * transfer ends.  XDP moves sent forward with a compare-and-swap, so that
 * one ACK advances the transfer once even when two CPUs see copies of it.
 * While the transfer is active, block sent - 1 is the last one acknowledged.
 */
struct rb_tftp_xfer {
	__u64 sent;		/* block counter of the last DATA sent, 0 = the OACK */
	__u64 us_block;		/* block that XDP moved sent to but left to rackbootd to send, 0 = none */
	__u64 start_ns;		/* CLOCK_BOOTTIME of the hand-off to XDP */
	__u64 ack_ns;		/* CLOCK_BOOTTIME of the last ACK that moved the transfer, or start_ns */
	__u64 dup_acks;		/* ACKs dropped because they were not for block sent */
	__u64 xdp_data;		/* DATA packets sent by XDP */
	__u32 file_id;		/* index into rb_tftp_files */
	__u32 file_gen;		/* rb_tftp_cached_file.gen at hand-off; another generation is passed up */
	__u32 owner;		/* rackbootd's transfer slot, echoed in the done event */
	__u32 owner_gen;	/* generation of that slot */
	__u64 state;		/* enum rb_tftp_xfer_state; 64 bits for the BPF compare-and-swap */
};

/*
 * Value of rb_tftp_files, indexed by file id: one file cached for one
 * blksize.  Block b (counted from 1) is in slot first_slot + b - 1 and
 * is blksize bytes long, except the last one (block n_blocks), which
 * holds size - (n_blocks - 1) * blksize bytes and may be empty.  The
 * bytes of a slot after its block are zero, so that a checksum over the
 * block rounded up to 4 bytes is right.
 */
struct rb_tftp_cached_file {
	__u64 size;		/* file bytes */
	__u64 n_blocks;		/* size / blksize + 1 */
	__u32 first_slot;	/* index into rb_tftp_blocks */
	__u32 gen;		/* changes at each load, 0 = free entry */
	__u32 blksize;		/* 8..RB_TFTP_XDP_BLKSIZE_MAX */
	__u32 pad;		/* zero */
};

/* Value of rb_tftp_blocks: one block of a cached file, zero padded. */
struct rb_tftp_block {
	__u8 data[RB_TFTP_SLOT_SIZE];
};

/*
 * The rb_events record of RB_EV_TFTP_DONE: the client acknowledged the
 * final block of a transfer that XDP served.
 */
struct rb_tftp_event {
	__u16 type;		/* RB_EV_TFTP_DONE */
	__u16 pad;		/* zero */
	__u32 owner;		/* rb_tftp_xfer.owner */
	__u32 owner_gen;	/* rb_tftp_xfer.owner_gen */
	__u32 pad2;		/* zero */
	__u64 ns;		/* CLOCK_BOOTTIME of the final ACK */
	__u64 blocks;		/* blocks acknowledged */
};

_Static_assert(sizeof(struct rb_tftp_xfer_key) == 24, "rb_tftp_xfer_key size");
_Static_assert(sizeof(struct rb_tftp_xfer) == 72, "rb_tftp_xfer size");
_Static_assert(sizeof(struct rb_tftp_cached_file) == 32, "rb_tftp_cached_file size");
_Static_assert(sizeof(struct rb_tftp_block) % 8 == 0, "rb_tftp_block is not 8-byte aligned");
_Static_assert(RB_TFTP_XDP_BLKSIZE_MAX <= RB_TFTP_SLOT_SIZE, "blocks larger than a slot");
_Static_assert(sizeof(struct rb_tftp_event) == 32, "rb_tftp_event size");

#endif
