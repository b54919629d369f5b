/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by the TFTP load generator's XDP programs (tftpgen.bpf.c)
 * and its userspace driver (tftpgen.c, tftpgen_xfer.c): frame offsets,
 * the per-transfer slots, the completion events, the counters and the
 * content pattern of the benchmark files.
 *
 * Slot i is the transfer whose client port is base_port + i.  The
 * slots are an array in the program's .bss, which userspace reads and
 * resets through the skeleton's memory mapping.
 */
#ifndef RB_BENCH_TFTP_TFTPGEN_H
#define RB_BENCH_TFTP_TFTPGEN_H

#include <linux/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the content pattern below compares little-endian 64-bit loads"
#endif

#define TFTPGEN_ETH_LEN		14
#define TFTPGEN_IP_OFF		TFTPGEN_ETH_LEN
#define TFTPGEN_UDP_OFF		(TFTPGEN_IP_OFF + 20)
#define TFTPGEN_TFTP_OFF	(TFTPGEN_UDP_OFF + 8)
#define TFTPGEN_PAYLOAD_OFF	(TFTPGEN_TFTP_OFF + 4)	/* data of a DATA packet */
#define TFTPGEN_ACK_FRAME_LEN	TFTPGEN_PAYLOAD_OFF	/* Ethernet, IPv4, UDP, ACK */
#define TFTPGEN_ERROR_FRAME_LEN	(TFTPGEN_PAYLOAD_OFF + 1)	/* ERROR, empty message */

/* Maximum concurrent transfers: the size of the slot array in .bss. */
#define TFTPGEN_MAX_CLIENTS	4096

/* Maximum blksize in the RRQs: a DATA packet fills a 1,500-byte IPv4 packet. */
#define TFTPGEN_BLKSIZE_MAX	1468

/* Reflector frames: a 1468-byte DATA block to this UDP port, 1,514 bytes. */
#define TFTPGEN_REFLECT_PORT	9
#define TFTPGEN_REFLECT_FRAME_LEN	(TFTPGEN_PAYLOAD_OFF + TFTPGEN_BLKSIZE_MAX)

/* TFTP opcodes (RFC 1350, RFC 2347). */
#define TFTPGEN_OP_RRQ		1
#define TFTPGEN_OP_DATA		3
#define TFTPGEN_OP_ACK		4
#define TFTPGEN_OP_ERROR	5
#define TFTPGEN_OP_OACK		6

#define TFTPGEN_ERR_UNKNOWN_TID	5	/* ERROR code: unknown transfer ID */

enum tftpgen_slot_state {
	TFTPGEN_SLOT_IDLE = 0,		/* no transfer; userspace is resetting it */
	TFTPGEN_SLOT_ACTIVE,		/* RRQ sent, blocks being acknowledged */
	TFTPGEN_SLOT_DONE,		/* final DATA acknowledged; duplicates are ACKed again */
	TFTPGEN_SLOT_FAILED,		/* ended without success; packets are dropped */
};

/* End status of a transfer, in the slot and in its event. */
enum tftpgen_status {
	TFTPGEN_OK = 1,			/* every byte arrived and matched the pattern */
	TFTPGEN_BAD_CONTENT,		/* a block's first or last 8 bytes are wrong */
	TFTPGEN_BAD_LENGTH,		/* a block over blksize, or a total other than the size */
	TFTPGEN_SERVER_ERROR,		/* the server sent an ERROR packet */
	TFTPGEN_TIMED_OUT,		/* no progress for --timeout seconds (userspace) */
	TFTPGEN_STATUS_COUNT,
};

/*
 * One transfer.  XDP owns every field while the state is ACTIVE or
 * DONE; userspace writes the fields only in IDLE, and then sets ACTIVE.
 * The exception is a timeout, on which userspace sets FAILED and status.
 * NOTE: a packet that XDP handles at that moment may still update the
 * slot, and a restart right after then starts from those fields; with a
 * timeout of seconds and no packet for that long, the window is small.
 */
struct tftpgen_slot {
	__u32 state;			/* enum tftpgen_slot_state */
	__u32 status;			/* enum tftpgen_status once ended */
	__u32 transfer_id;		/* counts the slot's transfers, for the events */
	__u16 server_port;		/* network order; 0 until the first OACK or DATA */
	__u16 prev_server_port;		/* network order; the previous transfer's port */
	__u64 next_block;		/* next DATA block expected, from 1 */
	__u64 bytes;			/* payload received in order */
	__u64 started_ns;		/* CLOCK_MONOTONIC time of the RRQ */
	__u64 progress_ns;		/* time of the latest in-order DATA or OACK */
	__u16 error_code;		/* of a TFTPGEN_SERVER_ERROR */
	__u16 prev_last_block;		/* final block of the previous transfer if it
					 * ended TFTPGEN_OK, else 0: ACKed again when
					 * it comes again from prev_server_port */
	__u16 pad[2];
};

_Static_assert(sizeof(struct tftpgen_slot) == 56, "struct tftpgen_slot has no holes");

/* Ring buffer record of a transfer that ended in XDP. */
struct tftpgen_event {
	__u32 slot;
	__u32 transfer_id;
	__u32 status;			/* enum tftpgen_status */
	__u32 error_code;
	__u64 bytes;
	__u64 elapsed_ns;		/* from the RRQ to the final DATA */
};

/* Per-CPU counters; the driver sums them over the CPUs. */
enum tftpgen_counter {
	TFTPGEN_RX_OACK,		/* first OACK of a transfer */
	TFTPGEN_RX_DATA,		/* in-order DATA blocks */
	TFTPGEN_PAYLOAD_BYTES,		/* payload of the in-order DATA blocks */
	TFTPGEN_TX_ACK,			/* ACKs sent with XDP_TX, duplicates included */
	TFTPGEN_DUP_DATA,		/* DATA that repeated the previous block: ACKed again */
	TFTPGEN_DUP_OACK,		/* OACK repeated before DATA 1: ACK 0 sent again */
	TFTPGEN_RX_ERROR,		/* ERROR packets */
	TFTPGEN_STALE,			/* for no active transfer, another port or block */
	TFTPGEN_TX_UNKNOWN_TID,		/* ERROR 5 sent to a DATA or OACK from a stray port */
	TFTPGEN_DONE,			/* transfers that ended with TFTPGEN_OK */
	TFTPGEN_BAD_CONTENT_COUNT,	/* transfers ended by TFTPGEN_BAD_CONTENT */
	TFTPGEN_BAD_LENGTH_COUNT,	/* transfers ended by TFTPGEN_BAD_LENGTH */
	TFTPGEN_ACK_FAILED,		/* frames that could not be resized into an ACK or ERROR */
	TFTPGEN_EVENT_LOST,		/* events that did not fit the ring buffer */
	TFTPGEN_REFLECTED,		/* reflector frames that came back */
	TFTPGEN_OTHER,			/* other frames, passed to the stack */
	TFTPGEN_COUNTER_COUNT,
};

/*
 * Content of the benchmark files: byte i is byte i % 8 of the
 * little-endian 64-bit word tftpgen_word(i / 8).  The multiplier (2^64
 * divided by the golden ratio) makes neighbouring words differ in most
 * bits, so a block at the wrong offset fails the check.
 */
static inline __u64 tftpgen_word(__u64 k)
{
	return (k + 1) * 0x9e3779b97f4a7c15ULL;
}

/* The 8 file bytes at offset off, as a little-endian load returns them. */
static inline __u64 tftpgen_expected(__u64 off)
{
	__u64 k = off >> 3;
	__u32 shift = (__u32)(off & 7) * 8;

	if (!shift)
		return tftpgen_word(k);
	return (tftpgen_word(k) >> shift) | (tftpgen_word(k + 1) << (64 - shift));
}

#endif
