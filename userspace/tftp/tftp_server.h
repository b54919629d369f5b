/* SPDX-License-Identifier: MIT */
/*
 * TFTP read-only server on a caller-owned io_uring.
 *
 * The server listens on one UDP socket with a multishot recvmsg over a
 * provided buffer ring, and serves each read request from a new socket
 * on an ephemeral port (RFC 1350 transfer ID).  That socket is bound to
 * the address the request was sent to, so the client gets its DATA from
 * the address it asked.  By default the server socket is [::]:69 with
 * IPV6_V6ONLY off, so it serves IPv4 and IPv6 clients; see
 * rb_tftp_config for the other bind choices.
 * Write requests get ERROR 2.  Options: RFC 2348 blksize, RFC 2349
 * timeout and tsize (left out of the OACK for an empty file), RFC 7440
 * windowsize (up to windowsize_max blocks per ACK); others are ignored.
 *
 * Embedding, with one server per ring:
 *
 *	rb_tftp_config_defaults(&cfg); cfg.root = "/srv/tftp";
 *	rb_tftp_server_new(&ring, &cfg, &srv);
 *	rb_tftp_server_start(srv);
 *	loop:
 *		io_uring_submit_and_wait_timeout(&ring, ...);
 *		for each cqe: if (rb_tftp_owns(cqe->user_data))
 *				rb_tftp_handle_cqe(srv, cqe);
 *		io_uring_cq_advance(...);
 *		rb_tftp_server_tick(srv, rb_tftp_now_ms());
 *	shutdown:
 *		rb_tftp_server_stop(srv);
 *		keep dispatching completions until rb_tftp_server_drained(srv);
 *		rb_tftp_server_free(srv);
 *		io_uring_queue_exit(&ring);
 *
 * The server only prepares SQEs; the caller submits them.  When the
 * submission queue is full, the server calls io_uring_submit itself.
 * netascii is served (LF as CR LF, CR as CR NUL), without tsize.
 *
 * Each transfer uses two file descriptors (its socket and the file),
 * so RLIMIT_NOFILE must allow 2 * max_transfers plus the caller's own.
 *
 * Logs stay bounded however many requests clients send.  Rejected
 * requests and failed transfers go through rb_log_repeat, so the caller
 * must call rb_log_repeat_flush() periodically for their summaries.
 * Start and end of each transfer are debug lines.  At info level, tick
 * logs one line per 10 s with the transfers done and bytes sent.
 *
 * NOTE: File data is read with pread on the loop thread, so
 * a read that misses the page cache stalls the loop until the disk
 * returns the data.  IORING_OP_READ would avoid that.
 */
#ifndef RB_TFTP_SERVER_H
#define RB_TFTP_SERVER_H

#include <liburing.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/uring_tag.h"

struct rb_tftp_server;

/*
 * Called once per transfer whose last DATA block the client acknowledged.
 * client is a struct sockaddr_in for an IPv4 client, also one served by
 * the dual-stack socket, and a struct sockaddr_in6 for an IPv6 client
 * (sin6_scope_id set for a link-local one).
 */
typedef void (*rb_tftp_complete_fn)(void *arg, const struct sockaddr *client,
				    const char *path, uint64_t bytes);

/*
 * Bind choices: bind_addr other than INADDR_ANY serves IPv4 on that
 * address only.  Otherwise bind_addr6 decides: in6addr_any (the default)
 * serves IPv4 and IPv6 on every address, or IPv4 alone when the kernel
 * has no IPv6; any other, non-link-local address serves IPv6 on that
 * address only.
 */
struct rb_tftp_config {
	const char *root;		/* folder served; copied by rb_tftp_server_new */
	uint32_t bind_addr;		/* IPv4, network byte order; INADDR_ANY default */
	struct in6_addr bind_addr6;	/* used when bind_addr is INADDR_ANY; in6addr_any default */
	uint16_t port;			/* host order; default 69, 0 = any free port */
	uint32_t blksize_max;		/* largest blksize granted to IPv4 clients; default 1468 */
	uint32_t windowsize_max;	/* largest windowsize granted, blocks; default 16 */
	unsigned retries;		/* retransmissions before a transfer is abandoned; default 5 */
	unsigned timeout_ms;		/* first retransmission timeout without the timeout
					 * option, doubled per retry up to 2 s; default 1000 */
	unsigned max_transfers;		/* concurrent transfers; default 1024 */
	uint16_t buf_group;		/* provided buffer group ID, unique in the ring; default 0x7401 */
	rb_tftp_complete_fn on_complete;	/* may be NULL */
	void *on_complete_arg;
};

/*
 * Defaults: 1468 = 1500-byte MTU - 20 (IPv4) - 8 (UDP) - 4 (TFTP header).
 * IPv6 clients get at most blksize_max - 20, because the IPv6 header is
 * 20 bytes longer (1448 by default), so that DATA fits the same MTU.
 */
#define RB_TFTP_DEFAULT_PORT		69
#define RB_TFTP_DEFAULT_BLKSIZE_MAX	1468
/*
 * A transfer's window contains windowsize packets of 4 + blksize bytes
 * (23 KiB at 16 x 1468).  The limit of 64 is a choice that bounds that
 * memory.  It may not exceed 256, because a window slot number has 8
 * bits in a request's user_data.
 */
#define RB_TFTP_DEFAULT_WINDOWSIZE_MAX	16
#define RB_TFTP_WINDOWSIZE_MAX_LIMIT	64
#define RB_TFTP_DEFAULT_RETRIES		5
#define RB_TFTP_DEFAULT_TIMEOUT_MS	1000
#define RB_TFTP_DEFAULT_MAX_TRANSFERS	1024
#define RB_TFTP_DEFAULT_BUF_GROUP	0x7401
#define RB_TFTP_MAX_TRANSFERS_LIMIT	(1u << 20)	/* slot index bits in user_data */
#define RB_TFTP_IPV6_HEADER_EXTRA	20	/* IPv6 header (40 bytes) - IPv4 header (20) */

/*
 * Counters since rb_tftp_server_new, for the daemon's metrics.  A
 * request or transfer ends in at most one of done, error, aborted and
 * timeout.  Not counted there: a repeated request handled by resending
 * the first packet, transfers ended by rb_tftp_server_stop, and packets
 * to the server port that are not requests (only in malformed).
 */
struct rb_tftp_counters {
	uint64_t rrq;		/* read requests decoded */
	uint64_t wrq;		/* write requests, all rejected with ERROR 2 (also in error) */
	uint64_t done;		/* transfers whose last block was acknowledged */
	uint64_t error;		/* requests or transfers ended by an ERROR the server sent,
				 * or by a local failure (socket, read, send) */
	uint64_t aborted;	/* transfers ended by an ERROR from the client */
	uint64_t timeout;	/* transfers abandoned after the last retransmission */
	uint64_t busy;		/* requests rejected at max_transfers (also in error) */
	uint64_t malformed;	/* packets to the server port that are not valid requests */
	uint64_t retransmits;	/* OACK or DATA packets sent again */
	uint64_t bytes;		/* DATA payload bytes acknowledged by clients */
};

void rb_tftp_config_defaults(struct rb_tftp_config *cfg);

/*
 * Check cfg, open the root, bind the server socket and register the
 * provided buffer ring on ring.  Returns 0 and sets *out, or a negative
 * errno after logging what failed.
 */
int rb_tftp_server_new(struct io_uring *ring, const struct rb_tftp_config *cfg,
		       struct rb_tftp_server **out);

/*
 * Serve files from root from the next read request on (the reload).
 * Transfers in progress go on from the files they opened.  Returns 0, or
 * a negative errno after logging (root missing); the old root is then
 * kept.
 */
int rb_tftp_server_set_root(struct rb_tftp_server *srv, const char *root);

/* Queue the multishot receive on the server socket.  Returns 0 or -errno. */
int rb_tftp_server_start(struct rb_tftp_server *srv);

static inline bool rb_tftp_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_TFTP;
}

/*
 * Handle one completion whose user_data rb_tftp_owns.  Returns 0, or
 * -EINVAL for a user_data that is not the server's; the server logs
 * every other failure itself.
 */
int rb_tftp_handle_cqe(struct rb_tftp_server *srv, const struct io_uring_cqe *cqe);

/*
 * Retransmit or abandon transfers whose timeout passed, re-queue a
 * receive that could not get an SQE, and log the summary of completed
 * transfers when it is due.  now_ms is rb_tftp_now_ms(); call at least
 * every 100 ms, or at rb_tftp_server_next_deadline_ms().
 */
void rb_tftp_server_tick(struct rb_tftp_server *srv, uint64_t now_ms);

/*
 * Earliest timeout of any transfer or of the summary line
 * (rb_tftp_now_ms() scale), or UINT64_MAX.
 */
uint64_t rb_tftp_server_next_deadline_ms(const struct rb_tftp_server *srv);

/* CLOCK_MONOTONIC in milliseconds, the clock of tick and deadlines. */
uint64_t rb_tftp_now_ms(void);

/* Local port of the server socket, host order (useful with port 0). */
uint16_t rb_tftp_server_port(const struct rb_tftp_server *srv);

/* Transfers in progress, closing ones included. */
unsigned rb_tftp_server_active(const struct rb_tftp_server *srv);

const struct rb_tftp_counters *rb_tftp_server_counters(const struct rb_tftp_server *srv);

/*
 * Stop accepting requests and end every transfer (not counted as errors),
 * and log the summary of completed transfers.  Requests in flight finish
 * with their completions.
 */
void rb_tftp_server_stop(struct rb_tftp_server *srv);

/* True once, after stop, no request of the server is left in the ring. */
bool rb_tftp_server_drained(const struct rb_tftp_server *srv);

/*
 * Free the server.  Safe when rb_tftp_server_drained() is true, or when
 * the ring was already torn down with io_uring_queue_exit() (which
 * cancels and waits for every request).  NULL is accepted.
 */
void rb_tftp_server_free(struct rb_tftp_server *srv);

#endif
