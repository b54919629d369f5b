/* SPDX-License-Identifier: MIT */
/*
 * State shared by the files of the TFTP server; not for other modules.
 *
 *   tftp_server.c    life cycle, completion dispatch, timers
 *   tftp_request.c   requests on the server socket
 *   tftp_transfer.c  one transfer: start, receive, send completions, end
 *   tftp_window.c    one transfer's send window: DATA, ACK, retransmission
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
 *   bits 31..24  window slot of a TFTP_OP_XFER_SEND
 *   bits 23..0   generation of the transfer slot, so that a completion
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
	uint32_t window_slot;
	uint32_t gen;
};

#define TFTP_UD_OP_SHIFT	52
#define TFTP_UD_INDEX_SHIFT	32
#define TFTP_UD_INDEX_MASK	0xfffffu
#define TFTP_UD_SLOT_SHIFT	24
#define TFTP_UD_SLOT_MASK	0xffu
#define TFTP_UD_GEN_MASK	0xffffffu
_Static_assert(RB_TFTP_WINDOWSIZE_MAX_LIMIT <= TFTP_UD_SLOT_MASK + 1,
	       "every window slot number must fit its user_data bits");

uint64_t tftp_user_data_encode(enum tftp_op op, uint32_t index, uint32_t gen);
/* user_data of a send from window slot window_slot of a transfer. */
uint64_t tftp_user_data_encode_send(uint32_t index, uint32_t window_slot, uint32_t gen);
struct tftp_user_data tftp_user_data_decode(uint64_t user_data);

/* Payload room of a transfer's receive buffer: ACK and ERROR packets. */
#define TFTP_XFER_RECV_MAX	(RB_TFTP_HEADER_LEN + RB_TFTP_REQUEST_MAX)

/*
 * Maximum wait between two retransmissions of a window, unless the
 * timeout itself is longer.  2 s is a choice: longer than the 1 s client
 * timer of atftp in tests/integration/tftp_loss.sh, and short enough that
 * the default 5 retries abandon a silent client within 11 s.
 */
#define TFTP_BACKOFF_CAP_MS	2000

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
	TFTP_XFER_WAIT_ACK,	/* OACK or DATA sent, the last block not yet acknowledged */
	TFTP_XFER_CLOSING,	/* ended; waiting for its requests to complete */
};

/* One packet of a transfer's send window, kept until its block is acknowledged. */
struct tftp_window_slot {
	uint8_t *pkt;			/* pkt_size bytes inside tftp_xfer.slot_mem */
	size_t len;
	uint64_t block;			/* block in pkt; 0 for the OACK */
	bool busy;			/* a send reads pkt */
	struct msghdr msg;
	struct iovec iov;
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
	bool stray_busy;

	int sock;			/* ephemeral port of this transfer, family of peer */
	struct rb_tftp_file file;
	struct rb_tftp_source src;
	union tftp_addr peer;		/* client address and transfer ID, never IPv4-mapped */
	enum rb_tftp_mode mode;
	char path[RB_TFTP_REQUEST_MAX];	/* root-relative, as opened */

	uint32_t blksize;
	uint32_t windowsize;		/* DATA blocks sent per ACK; 1 without the option */
	uint64_t timeout_ms;

	/*
	 * Send window (tftp_window.c), in 64-bit block numbers that never
	 * wrap.  Blocks block_acked + 1 .. block_sent are in flight, at most
	 * windowsize of them; block b is kept in window_slots[b % windowsize].
	 * On the wire the block number is the low 16 bits.
	 */
	uint64_t block_acked;		/* last block acknowledged; 0 before DATA 1 is */
	uint64_t block_sent;		/* highest block sent; 0 while only the OACK was */
	uint64_t block_final;		/* the file's last block once read, else UINT64_MAX */
	bool oack_pending;		/* the OACK in window slot 0 waits for ACK 0 */
	bool fill_pending;		/* the next block waits for its slot's send to complete */
	bool got_ack;			/* the client acknowledged a packet */
	uint64_t bytes_acked;
	unsigned retries;		/* timeouts since the window last moved */
	uint64_t started_ms;
	uint64_t deadline_ms;		/* retransmission of the window */

	struct tftp_window_slot *window_slots;	/* windowsize entries */
	uint8_t *slot_mem;		/* windowsize packet buffers of pkt_size bytes */
	size_t pkt_size;
	uint8_t *scratch;		/* netascii input, blksize bytes */

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
/* Send the packet in window slot index; -EBUSY without a free SQE. */
int tftp_xfer_send_slot(struct rb_tftp_server *srv, struct tftp_xfer *x, uint32_t index);
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
void tftp_xfer_send_complete(struct rb_tftp_server *srv, struct tftp_xfer *x,
			     uint32_t window_slot, int res);
void tftp_xfer_stray_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res);
void tftp_xfer_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms);
/* End a transfer that is still waiting for an ACK, logging reason. */
void tftp_xfer_abort(struct rb_tftp_server *srv, struct tftp_xfer *x, const char *reason);

/* tftp_window.c */
/* Outcome of a window step that tftp_transfer.c acts on. */
enum tftp_window_result {
	TFTP_WINDOW_WAIT = 0,		/* blocks in flight; wait for an ACK or the timer */
	TFTP_WINDOW_DONE,		/* the final block was acknowledged */
	TFTP_WINDOW_READ_FAILED,	/* reading the file failed */
};

/* Point each window slot at its buffer in slot_mem and empty the window.  Needs windowsize and pkt_size. */
void tftp_window_init(struct tftp_xfer *x);
/* Load DATA 1 into its slot and send it, for a request that gets no OACK. */
enum tftp_window_result tftp_window_start_data(struct rb_tftp_server *srv,
					       struct tftp_xfer *x, uint64_t now_ms);
/* Encode the OACK into window slot 0 and send it. */
void tftp_window_start_oack(struct rb_tftp_server *srv, struct tftp_xfer *x,
			    const struct rb_tftp_options *accepted, uint64_t now_ms);
/*
 * Handle ACK block (16 bits, as on the wire).  Only an ACK of a block in
 * flight moves the window; a duplicate or older ACK sends nothing.
 */
enum tftp_window_result tftp_window_ack(struct rb_tftp_server *srv, struct tftp_xfer *x,
					uint16_t block, uint64_t now_ms);
/* Send the blocks that waited for a busy slot, after a send completed. */
enum tftp_window_result tftp_window_resume(struct rb_tftp_server *srv, struct tftp_xfer *x,
					   uint64_t now_ms);
/*
 * Send the window again after a timeout, and set the next deadline with
 * exponential backoff by x->retries.  Returns the packets queued.
 */
unsigned tftp_window_retransmit(struct rb_tftp_server *srv, struct tftp_xfer *x,
				uint64_t now_ms);
/* A window slot whose send is not in flight, for a final ERROR, or NULL. */
struct tftp_window_slot *tftp_window_idle_slot(struct tftp_xfer *x);

/*
 * tftp_transfer.c: count a transfer whose final block was acknowledged,
 * report it and end it.
 */
void tftp_xfer_finish(struct rb_tftp_server *srv, struct tftp_xfer *x);

/*
 * tftp_xdp.c, called by the transfer code for transfers with
 * x->xdp.active.  begin hands x to XDP when it is eligible, before its
 * first packet (the OACK, or DATA 1) is queued.  on_ack takes an ACK
 * that reached the transfer's socket.  timer brings the window state up
 * to XDP's progress when the deadline passed, and returns true when
 * window slot 0 holds the block the client waits for, so the caller
 * retransmits it.  retransmitted moves the deadline of the caller's
 * retransmission forward to a check of XDP's progress.  resume sends a
 * block that waited for slot 0's send to complete.  end removes the
 * transfer from XDP.
 */
void tftp_xdp_begin(struct rb_tftp_server *srv, struct tftp_xfer *x, bool oack);
void tftp_xdp_on_ack(struct rb_tftp_server *srv, struct tftp_xfer *x, uint16_t block,
		     uint64_t now_ms);
bool tftp_xdp_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms);
void tftp_xdp_retransmitted(struct tftp_xfer *x, uint64_t now_ms);
void tftp_xdp_resume(struct rb_tftp_server *srv, struct tftp_xfer *x);
void tftp_xdp_end(struct rb_tftp_server *srv, struct tftp_xfer *x);
void tftp_xdp_free(struct rb_tftp_server *srv);

/* tftp_server.c */
void tftp_check_drained(struct rb_tftp_server *srv);
/* Count a completed transfer of bytes for the next summary line. */
void tftp_summary_add(struct rb_tftp_server *srv, uint64_t bytes, uint64_t now_ms);

#endif
