/* SPDX-License-Identifier: MIT */
/*
 * TFTP wire format: RFC 1350 packets, RFC 2347 option extension (OACK),
 * RFC 2348 blksize, RFC 2349 timeout and tsize, RFC 7440 windowsize.
 *
 * Decoders read through a bounded cursor with a sticky error, fill a
 * local struct and copy it out only when the whole packet is valid.  On
 * failure they return -EBADMSG and point *error at a static message that
 * names the problem.  Encoders return the packet length or -ENOSPC.
 * Numbers on the wire are big endian; the structs hold host order.
 */
#ifndef RB_TFTP_CODEC_H
#define RB_TFTP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes (RFC 1350, RFC 2347). */
#define RB_TFTP_RRQ	1
#define RB_TFTP_WRQ	2
#define RB_TFTP_DATA	3
#define RB_TFTP_ACK	4
#define RB_TFTP_ERROR	5
#define RB_TFTP_OACK	6

/* Error codes of the ERROR packet (RFC 1350, RFC 2347). */
#define RB_TFTP_EUNDEF		0	/* not defined, see the message */
#define RB_TFTP_ENOTFOUND	1	/* file not found */
#define RB_TFTP_EACCESS		2	/* access violation */
#define RB_TFTP_ENOSPACE	3	/* disk full or allocation exceeded */
#define RB_TFTP_EBADOP		4	/* illegal TFTP operation */
#define RB_TFTP_EBADID		5	/* unknown transfer ID */
#define RB_TFTP_EEXISTS		6	/* file already exists */
#define RB_TFTP_ENOUSER		7	/* no such user */
#define RB_TFTP_EOPTNEG		8	/* option negotiation failed */

#define RB_TFTP_HEADER_LEN	4	/* opcode and block number or error code */
#define RB_TFTP_SEGSIZE		512	/* DATA payload without a blksize option */
#define RB_TFTP_REQUEST_MAX	512	/* RFC 2347: a request fits in 512 bytes */
#define RB_TFTP_OPTIONS_MAX	32	/* options in one request; real clients send <= 5 */
#define RB_TFTP_BLKSIZE_MIN	8	/* RFC 2348 */
#define RB_TFTP_BLKSIZE_MAX	65464	/* RFC 2348 */
#define RB_TFTP_TIMEOUT_MIN	1	/* seconds, RFC 2349 */
#define RB_TFTP_TIMEOUT_MAX	255	/* seconds, RFC 2349 */
#define RB_TFTP_WINDOWSIZE_MIN	1	/* blocks, RFC 7440 */
#define RB_TFTP_WINDOWSIZE_MAX	65535	/* blocks, RFC 7440 */
/* Longest OACK: four option names of at most 10 bytes, values of at most 20 digits. */
#define RB_TFTP_OACK_MAX	(2 + 4 * (11 + 21))
/* Longest ERROR packet that rackboot sends. */
#define RB_TFTP_ERROR_MAX	(RB_TFTP_HEADER_LEN + 128)

enum rb_tftp_mode {
	RB_TFTP_MODE_NETASCII = 0,
	RB_TFTP_MODE_OCTET,
	RB_TFTP_MODE_MAIL,	/* obsolete in RFC 1350; the server rejects it */
};

/*
 * The options rackboot understands.  In a request: the values the client
 * sent, each range checked.  In an OACK: the values the server accepted.
 */
struct rb_tftp_options {
	bool has_blksize;
	bool has_timeout;
	bool has_tsize;
	bool has_windowsize;
	uint32_t blksize;	/* >= RB_TFTP_BLKSIZE_MIN; may exceed the RFC maximum */
	uint32_t timeout;	/* seconds, RB_TFTP_TIMEOUT_MIN..RB_TFTP_TIMEOUT_MAX */
	uint64_t tsize;		/* bytes */
	uint32_t windowsize;	/* blocks, RB_TFTP_WINDOWSIZE_MIN..RB_TFTP_WINDOWSIZE_MAX */
};

/* A decoded read or write request. */
struct rb_tftp_request {
	uint16_t opcode;			/* RB_TFTP_RRQ or RB_TFTP_WRQ */
	enum rb_tftp_mode mode;
	char filename[RB_TFTP_REQUEST_MAX];	/* as sent, NUL terminated, not empty */
	size_t filename_len;
	struct rb_tftp_options options;
	/*
	 * Options that were present but not taken: unknown names (multicast)
	 * and known names whose value is not a number in range.
	 */
	unsigned ignored_options;
};

/* Write the two-byte opcode of pkt into *opcode; -EBADMSG when shorter. */
int rb_tftp_decode_opcode(const void *pkt, size_t len, uint16_t *opcode);

int rb_tftp_decode_request(const void *pkt, size_t len, struct rb_tftp_request *out,
			   const char **error);

/* ACK: the block number.  Bytes after the block number are ignored. */
int rb_tftp_decode_ack(const void *pkt, size_t len, uint16_t *block, const char **error);

/*
 * ERROR: the code and the message, NUL terminated in message.  A message
 * without its NUL terminator is kept as far as it goes, since the packet
 * ends the transfer either way.
 */
int rb_tftp_decode_error(const void *pkt, size_t len, uint16_t *code, char *message,
			 size_t message_size, const char **error);

/* Write the DATA header for block into buf (RB_TFTP_HEADER_LEN bytes). */
void rb_tftp_encode_data_header(void *buf, uint16_t block);

/*
 * ERROR packet with code and message.  A message too long for size is
 * cut; -ENOSPC only when size cannot hold the header and a NUL.
 */
int rb_tftp_encode_error(void *buf, size_t size, uint16_t code, const char *message);

/* OACK with each option set in opts, in the order blksize, timeout, tsize, windowsize. */
int rb_tftp_encode_oack(void *buf, size_t size, const struct rb_tftp_options *opts);

const char *rb_tftp_mode_name(enum rb_tftp_mode mode);

#endif
