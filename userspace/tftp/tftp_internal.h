/* SPDX-License-Identifier: MIT */
/*
 * State shared by the files of the TFTP server; not for other modules.
 *
 *   tftp_server.c    life cycle, completion dispatch, timers
 *   tftp_request.c   requests on the server socket
 *   tftp_transfer.c  one transfer: DATA, ACK, retransmission, end
 *   tftp_uring.c     SQE preparation and the user_data layout
 *   tftp_xdp.c       hand-off of transfers to the XDP data path
 */
#ifndef RB_TFTP_INTERNAL_H
#define RB_TFTP_INTERNAL_H

#include <limits.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tftp/tftp_addr.h"
#include "tftp/tftp_codec.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_server.h"
#include "tftp/tftp_source.h"
#include "tftp/tftp_xdp.h"

/*
 * user_data below the owner tag (userspace/common/uring_tag.h):
 *   bits 55..52  enum tftp_op
 *   bits 51..32  index: transfer slot, or reply slot for TFTP_OP_REPLY_SEND
 *   bits 31..0   generation of the transfer slot, so that a completion
 *                for an ended transfer is never taken for a later one
 */
enum tftp_op {
	TFTP_OP_LISTEN_RECV = 1,	/* multishot recvmsg on the server socket */
	TFTP_OP_REPLY_SEND,		/* ERROR sent from the server socket */
	TFTP_OP_XFER_RECV,		/* recvmsg on a transfer socket */
	TFTP_OP_XFER_SEND,		/* OACK, DATA or ERROR of a transfer */
	TFTP_OP_XFER_STRAY,		/* ERROR 5 to a packet from a foreign port */
	TFTP_OP_CANCEL,			/* async cancel; its completion is ignored */
};

struct tftp_user_data {
	enum tftp_op op;
	uint32_t index;
	uint32_t gen;
};

#define TFTP_UD_OP_SHIFT	52
#define TFTP_UD_INDEX_SHIFT	32
#define TFTP_UD_INDEX_MASK	0xfffffu

uint64_t tftp_user_data_encode(enum tftp_op op, uint32_t index, uint32_t gen);
struct tftp_user_data tftp_user_data_decode(uint64_t user_data);

/* Payload room of a transfer's receive buffer: ACK and ERROR packets. */
#define TFTP_XFER_RECV_MAX	(RB_TFTP_HEADER_LEN + RB_TFTP_REQUEST_MAX)

/* Slots for ERRORs sent from the server socket; more at once are dropped. */
#define TFTP_REPLIES		16

/* Provided buffers of the server socket: count (a power of 2) and size. */
#define TFTP_LISTEN_BUFS	64
#define TFTP_LISTEN_BUF_SIZE	1024

/*
 * Completed transfers are logged as one info line per interval, so that
 * a flood of downloads cannot flood the log.  The interval is a choice,
 * short enough that an operator sees a boot soon after it happened.
 */
#define TFTP_SUMMARY_INTERVAL_MS	10000

/* Transfers done since the last summary line. */
struct tftp_summary {
	uint64_t since_ms;		/* completion that opened the interval */
	uint64_t done;			/* 0: no interval open */
	uint64_t bytes;
};

enum tftp_xfer_state {
	TFTP_XFER_FREE = 0,
	TFTP_XFER_WAIT_ACK,	/* OACK or DATA sent, its ACK not yet received */
	TFTP_XFER_CLOSING,	/* ended; waiting for its requests to complete */
};

struct tftp_xfer {
	uint32_t index;
	uint32_t gen;
	enum tftp_xfer_state state;
	struct tftp_xfer *next;		/* free list, or active list with prev */
	struct tftp_xfer *prev;

	/* Requests in the ring that point into this slot. */
	unsigned inflight;
	bool recv_armed;
	bool send_busy;
	bool advance_pending;		/* ACK came during a send: load the next block after it */
	bool stray_busy;

	int sock;			/* ephemeral port of this transfer, family of peer */
	struct rb_tftp_file file;
	struct rb_tftp_source src;
	union tftp_addr peer;		/* client address and transfer ID, never IPv4-mapped */
	enum rb_tftp_mode mode;
	char path[RB_TFTP_REQUEST_MAX];	/* root-relative, as opened */

	uint32_t blksize;
	uint64_t timeout_ms;
	uint64_t block;			/* block of the packet in pkt, 0 for an OACK */
	bool last;			/* pkt is the final DATA block */
	bool got_ack;			/* the client acknowledged a packet */
	uint64_t bytes_acked;
	unsigned retries;		/* retransmissions of the packet in pkt */
	uint64_t started_ms;
	uint64_t deadline_ms;

	uint8_t *pkt;			/* last packet sent, kept for retransmission */
	size_t pkt_len;
	size_t pkt_size;
	uint8_t *scratch;		/* netascii input, blksize bytes */
	struct msghdr send_msg;
	struct iovec send_iov;

	struct msghdr recv_msg;
	struct iovec recv_iov;
	union tftp_addr recv_from;
	uint8_t recv_buf[TFTP_XFER_RECV_MAX];

	struct msghdr stray_msg;
	struct iovec stray_iov;
	union tftp_addr stray_to;

	struct tftp_xdp_xfer xdp;	/* XDP hand-off (tftp_xdp.c) */
};

/* An ERROR sent from the server socket, from the address the request reached. */
struct tftp_reply {
	bool busy;
	struct msghdr msg;
	struct iovec iov;
	union tftp_addr to;		/* in the server socket's family */
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	uint8_t pkt[RB_TFTP_ERROR_MAX];
};

struct rb_tftp_server {
	struct io_uring *ring;
	struct rb_tftp_config cfg;
	char root[PATH_MAX];
	int root_fd;
	int sock;
	int family;			/* of sock: AF_INET6 also receives IPv4 unless v6only */
	bool v6only;
	union tftp_addr bound;		/* address and port of sock */
	uint16_t port;			/* bound port, host order */

	struct msghdr listen_msg;	/* name and control sizes for multishot */
	struct io_uring_buf_ring *buf_ring;
	size_t buf_ring_bytes;
	uint8_t *bufs;
	bool buf_ring_registered;
	bool listen_armed;
	bool listen_rearm;		/* re-arm at the next tick: no SQE was free */

	bool stopping;
	bool drained;

	struct tftp_reply replies[TFTP_REPLIES];
	unsigned replies_busy;

	struct tftp_xfer *xfers;	/* cfg.max_transfers slots */
	struct tftp_xfer *free_list;
	struct tftp_xfer *active;
	unsigned n_active;

	uint8_t stray_pkt[RB_TFTP_ERROR_MAX];	/* ERROR 5, encoded once */
	size_t stray_len;

	struct rb_tftp_counters counters;
	struct tftp_summary summary;

	struct tftp_xdp *xdp;		/* XDP data path, NULL = every transfer in userspace */
};

/* tftp_uring.c */
struct io_uring_sqe *tftp_get_sqe(struct rb_tftp_server *srv);
int tftp_arm_listen(struct rb_tftp_server *srv);
/* Close a slot's socket and file and free its buffers; safe to call twice. */
void tftp_xfer_free_resources(struct tftp_xfer *x);
int tftp_xfer_arm_recv(struct rb_tftp_server *srv, struct tftp_xfer *x);
int tftp_xfer_send_pkt(struct rb_tftp_server *srv, struct tftp_xfer *x);
int tftp_xfer_send_stray(struct rb_tftp_server *srv, struct tftp_xfer *x,
			 const union tftp_addr *to);
/* Send an ERROR from the server socket; local (port 0) sets its source. */
int tftp_reply_error(struct rb_tftp_server *srv, const union tftp_addr *to,
		     const union tftp_addr *local, uint16_t code, const char *message);
int tftp_cancel(struct rb_tftp_server *srv, uint64_t target);

/* tftp_request.c */
void tftp_listen_complete(struct rb_tftp_server *srv, const struct io_uring_cqe *cqe);
void tftp_reply_complete(struct rb_tftp_server *srv, uint32_t index, int res);

/* tftp_transfer.c */
struct tftp_xfer_start {
	const union tftp_addr *peer;
	/* Address the request was sent to, port 0; the scope ID of an IPv6 one is its interface. */
	const union tftp_addr *local;
	const struct rb_tftp_request *req;
	const char *path;
	struct rb_tftp_file file;	/* ownership passes to the transfer */
};

/*
 * Start a transfer: socket on an ephemeral port, OACK or DATA 1, receive.
 * Takes ownership of start->file even on failure.  Returns 0, or -errno
 * when the transfer could not start (the caller then sends an ERROR).
 */
int tftp_xfer_begin(struct rb_tftp_server *srv, const struct tftp_xfer_start *start);
/*
 * A client whose first packet from us was lost sends its request again
 * from the same port.  When a transfer for the same peer and file still
 * waits for its first ACK, send its first packet again and return true.
 */
bool tftp_xfer_repeat_first(struct rb_tftp_server *srv, const union tftp_addr *peer,
			    const struct rb_tftp_request *req);
void tftp_xfer_recv_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res);
void tftp_xfer_send_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res);
void tftp_xfer_stray_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res);
void tftp_xfer_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms);
/* End a transfer that is still waiting for an ACK, logging reason. */
void tftp_xfer_abort(struct rb_tftp_server *srv, struct tftp_xfer *x, const char *reason);

/*
 * tftp_transfer.c: count a transfer whose final block was acknowledged,
 * report it and end it.
 */
void tftp_xfer_finish(struct rb_tftp_server *srv, struct tftp_xfer *x);

/*
 * tftp_xdp.c, called by the transfer code.  begin hands x to XDP when
 * it is eligible, after its first packet is ready and before it is sent.
 * on_ack and timer return true when they handled an XDP transfer, so the
 * caller skips its own handling.  end removes the transfer from XDP.
 */
void tftp_xdp_begin(struct rb_tftp_server *srv, struct tftp_xfer *x);
bool tftp_xdp_on_ack(struct rb_tftp_server *srv, struct tftp_xfer *x, uint16_t block);
bool tftp_xdp_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms);
void tftp_xdp_end(struct rb_tftp_server *srv, struct tftp_xfer *x);
void tftp_xdp_free(struct rb_tftp_server *srv);

/* tftp_server.c */
void tftp_check_drained(struct rb_tftp_server *srv);
/* Count a completed transfer of bytes for the next summary line. */
void tftp_summary_add(struct rb_tftp_server *srv, uint64_t bytes, uint64_t now_ms);

#endif
