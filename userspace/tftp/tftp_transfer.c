// SPDX-License-Identifier: MIT
/*
 * One read transfer: its socket, slot and buffers, the receive of ACK
 * and ERROR packets, send completions, the retransmission timer and the
 * end.  Which DATA blocks go out for an ACK is tftp_window.c's job.
 *
 * Slot life: FREE -> WAIT_ACK -> CLOSING -> FREE.  A slot in CLOSING
 * keeps its buffers until every request that points into it completed.
 *
 * Clients can start and end transfers in bulk, so the log stays bounded.
 * Start and completion are debug lines, and tftp_summary_add counts each
 * completion for a periodic info line.  Every other end of a transfer
 * goes through rb_log_repeat, which logs the first one in full and later
 * ones as counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "tftp/tftp_internal.h"
#include "tftp/tftp_options.h"

static struct rb_log_repeat send_later_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: sends that failed for lack of buffers");
static struct rb_log_repeat stray_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: packets from an unknown transfer ID");
static struct rb_log_repeat bad_ack_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: malformed ACK packets");
static struct rb_log_repeat start_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: transfers that could not start");
static struct rb_log_repeat failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: transfers ended with an ERROR from the server");
static struct rb_log_repeat client_error_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: transfers ended by an ERROR from the client");
static struct rb_log_repeat abandoned_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: transfers abandoned without an ACK");
static struct rb_log_repeat recv_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: transfers ended by a failed receive");
static struct rb_log_repeat send_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: transfers ended by a failed send");

/* Peer and file of a transfer, formatted for one log line. */
struct xfer_names {
	char peer[TFTP_ADDR_TEXT_MAX];
	char file[4 * RB_TFTP_REQUEST_MAX + 1];
};

static const struct xfer_names *xfer_names(const struct tftp_xfer *x, struct xfer_names *n)
{
	tftp_addr_text(&x->peer, n->peer, sizeof(n->peer));
	rb_escape(x->path, strlen(x->path), n->file, sizeof(n->file));
	return n;
}

static void active_insert(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	x->prev = NULL;
	x->next = srv->active;
	if (srv->active)
		srv->active->prev = x;
	srv->active = x;
	srv->n_active++;
}

static void active_remove(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		srv->active = x->next;
	if (x->next)
		x->next->prev = x->prev;
	srv->n_active--;
}

void tftp_xfer_free_resources(struct tftp_xfer *x)
{
	if (x->sock >= 0)
		close(x->sock);
	if (x->file.fd >= 0)
		close(x->file.fd);
	free(x->window_slots);
	free(x->slot_mem);
	free(x->scratch);
	x->sock = -1;
	x->file.fd = -1;
	x->window_slots = NULL;
	x->slot_mem = NULL;
	x->scratch = NULL;
}

/* Give the slot back once nothing in the ring points into it. */
static void xfer_release(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	if (x->inflight > 0)
		return;

	tftp_xfer_free_resources(x);
	active_remove(srv, x);
	x->state = TFTP_XFER_FREE;
	x->next = srv->free_list;
	srv->free_list = x;

	if (srv->stopping)
		tftp_check_drained(srv);
}

/*
 * End the transfer: cancel its receive and release the slot when its last
 * request completes.  A send still in flight (a final ERROR) goes out.
 */
static void xfer_close(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	uint64_t recv_data = tftp_user_data_encode(TFTP_OP_XFER_RECV, x->index, x->gen);

	x->state = TFTP_XFER_CLOSING;
	tftp_xdp_end(srv, x);
	if (x->recv_armed && tftp_cancel(srv, recv_data) < 0) {
		/* No SQE for the cancel: shutting the socket down ends the receive too. */
		shutdown(x->sock, SHUT_RD);
	}
	xfer_release(srv, x);
}

/* End the transfer with an ERROR to the client, and count it. */
static void xfer_fail(struct rb_tftp_server *srv, struct tftp_xfer *x, uint16_t code,
		      const char *message)
{
	struct tftp_window_slot *slot = x->window_slots ? tftp_window_idle_slot(x) : NULL;
	struct xfer_names n;

	srv->counters.error++;
	rb_log_repeat(&failed_log, "tftp %s: transfer of \"%s\" failed at block %llu: %s",
		      xfer_names(x, &n)->peer, n.file, (unsigned long long)x->block_sent, message);

	/* Every slot may still be read by a send in flight; then the client gets no ERROR. */
	if (slot) {
		slot->len = (size_t)rb_tftp_encode_error(slot->pkt, x->pkt_size, code, message);
		tftp_xfer_send_slot(srv, x, (uint32_t)(slot - x->window_slots));
	}
	xfer_close(srv, x);
}

static void xfer_finish(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	uint64_t now_ms = rb_tftp_now_ms();
	rb_tftp_complete_fn done = srv->cfg.on_complete;
	struct xfer_names n;

	srv->counters.done++;
	tftp_summary_add(srv, x->bytes_acked, now_ms);
	log_debug("tftp %s: sent \"%s\", %llu bytes in %llu blocks, %llu ms",
		  xfer_names(x, &n)->peer, n.file, (unsigned long long)x->bytes_acked,
		  (unsigned long long)x->block_final, (unsigned long long)(now_ms - x->started_ms));
	if (done)
		done(srv->cfg.on_complete_arg, &x->peer.sa, x->path, x->bytes_acked);
	xfer_close(srv, x);
}

void tftp_xfer_finish(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	xfer_finish(srv, x);
}

/* Finish the transfer, or fail it with an ERROR, as the window step's result requires. */
static void xfer_window_step(struct rb_tftp_server *srv, struct tftp_xfer *x,
			     enum tftp_window_result result)
{
	if (result == TFTP_WINDOW_DONE)
		xfer_finish(srv, x);
	else if (result == TFTP_WINDOW_READ_FAILED)
		xfer_fail(srv, x, RB_TFTP_EUNDEF, "reading the file failed");
}

static void xfer_on_ack(struct rb_tftp_server *srv, struct tftp_xfer *x, size_t len)
{
	const char *error;
	uint16_t block;
	struct xfer_names n;

	if (rb_tftp_decode_ack(x->recv_buf, len, &block, &error) < 0) {
		rb_log_repeat(&bad_ack_log, "tftp %s: ignored ACK: %s", xfer_names(x, &n)->peer,
			      error);
		return;
	}
	if (x->xdp.active) {
		tftp_xdp_on_ack(srv, x, block, rb_tftp_now_ms());
		return;
	}
	xfer_window_step(srv, x, tftp_window_ack(srv, x, block, rb_tftp_now_ms()));
}

static void xfer_on_error(struct rb_tftp_server *srv, struct tftp_xfer *x, size_t len)
{
	char message[RB_TFTP_REQUEST_MAX], escaped[4 * RB_TFTP_REQUEST_MAX + 1];
	const char *error;
	uint16_t code = 0;
	struct xfer_names n;

	if (rb_tftp_decode_error(x->recv_buf, len, &code, message, sizeof(message), &error) < 0)
		snprintf(message, sizeof(message), "(%s)", error);
	rb_escape(message, strlen(message), escaped, sizeof(escaped));

	/* EDK2 (OVMF) firmware requests tsize, then ends that transfer with ERROR 8. */
	srv->counters.aborted++;
	rb_log_repeat(&client_error_log,
		      "tftp %s: client ended the transfer of \"%s\" at block %llu with ERROR %u: %s",
		      xfer_names(x, &n)->peer, n.file, (unsigned long long)x->block_sent, code,
		      escaped);
	xfer_close(srv, x);
}

static void xfer_on_packet(struct rb_tftp_server *srv, struct tftp_xfer *x, size_t len)
{
	uint16_t opcode;
	struct xfer_names n;

	if (rb_tftp_decode_opcode(x->recv_buf, len, &opcode) < 0) {
		rb_log_repeat(&bad_ack_log, "tftp %s: ignored a packet shorter than 2 bytes",
			      xfer_names(x, &n)->peer);
		return;
	}
	if (opcode == RB_TFTP_ACK)
		xfer_on_ack(srv, x, len);
	else if (opcode == RB_TFTP_ERROR)
		xfer_on_error(srv, x, len);
	else
		xfer_fail(srv, x, RB_TFTP_EBADOP, "expected an ACK or ERROR packet");
}

void tftp_xfer_recv_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res)
{
	struct xfer_names n;

	x->recv_armed = false;
	x->inflight--;
	if (x->state != TFTP_XFER_WAIT_ACK) {
		xfer_release(srv, x);
		return;
	}

	if (res < 0 && res != -EINTR && res != -EAGAIN && res != -ENOMEM) {
		srv->counters.error++;
		rb_log_repeat(&recv_failed_log, "tftp %s: receive for \"%s\" failed: %s; "
			      "transfer ended", xfer_names(x, &n)->peer, n.file, strerror(-res));
		xfer_close(srv, x);
		return;
	}

	if (res >= 0 && !tftp_addr_equal(&x->recv_from, &x->peer)) {
		/* RFC 1350: reply to a foreign port with ERROR 5 and keep the transfer going. */
		char stray[TFTP_ADDR_TEXT_MAX];

		rb_log_repeat(&stray_log, "tftp %s: packet from %s for the transfer of \"%s\", "
			      "sent ERROR 5 to it", xfer_names(x, &n)->peer,
			      tftp_addr_text(&x->recv_from, stray, sizeof(stray)), n.file);
		tftp_xfer_send_stray(srv, x, &x->recv_from);
	} else if (res >= 0) {
		xfer_on_packet(srv, x, (size_t)res);
	}

	if (x->state == TFTP_XFER_WAIT_ACK && tftp_xfer_arm_recv(srv, x) < 0) {
		srv->counters.error++;
		rb_log_repeat(&recv_failed_log, "tftp %s: no free SQE to receive the next ACK for "
			      "\"%s\"; transfer ended", xfer_names(x, &n)->peer, n.file);
		xfer_close(srv, x);
	}
}

void tftp_xfer_send_complete(struct rb_tftp_server *srv, struct tftp_xfer *x,
			     uint32_t window_slot, int res)
{
	struct xfer_names n;
	uint64_t block = 0;

	if (x->window_slots && window_slot < x->windowsize) {
		x->window_slots[window_slot].busy = false;
		block = x->window_slots[window_slot].block;
	}
	x->inflight--;
	if (x->state != TFTP_XFER_WAIT_ACK) {
		xfer_release(srv, x);
		return;
	}

	/* Back-pressure: the packet counts as lost, and the timer sends it again. */
	if (res == -EAGAIN || res == -ENOBUFS || res == -ENOMEM || res == -EINTR) {
		rb_log_repeat(&send_later_log, "tftp %s: send of block %llu failed: %s; the timer "
			      "sends it again", xfer_names(x, &n)->peer,
			      (unsigned long long)block, strerror(-res));
	} else if (res < 0) {
		srv->counters.error++;
		rb_log_repeat(&send_failed_log, "tftp %s: send of block %llu of \"%s\" failed: %s; "
			      "transfer ended", xfer_names(x, &n)->peer,
			      (unsigned long long)block, n.file, strerror(-res));
		xfer_close(srv, x);
		return;
	}

	if (x->xdp.active)
		tftp_xdp_resume(srv, x);
	else
		xfer_window_step(srv, x, tftp_window_resume(srv, x, rb_tftp_now_ms()));
}

void tftp_xfer_stray_complete(struct rb_tftp_server *srv, struct tftp_xfer *x, int res)
{
	x->stray_busy = false;
	x->inflight--;
	if (x->state != TFTP_XFER_WAIT_ACK)
		xfer_release(srv, x);
}

/*
 * Send the window again when its timeout passed, or abandon the transfer
 * after the last retry.  The block the client waits for is block_acked + 1,
 * or 0 while the OACK waits for its ACK.
 */
void tftp_xfer_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms)
{
	struct xfer_names n;
	uint64_t waiting;
	unsigned queued;

	if (x->state != TFTP_XFER_WAIT_ACK || now_ms < x->deadline_ms)
		return;
	/* XDP may have moved the transfer on since the last ACK that reached this socket. */
	if (x->xdp.active && !tftp_xdp_timer(srv, x, now_ms))
		return;
	waiting = x->oack_pending ? 0 : x->block_acked + 1;

	if (x->retries >= srv->cfg.retries) {
		srv->counters.timeout++;
		rb_log_repeat(&abandoned_log, "tftp %s: no ACK for block %llu of \"%s\" after %u "
			      "retransmissions; transfer abandoned", xfer_names(x, &n)->peer,
			      (unsigned long long)waiting, n.file, x->retries);
		xfer_close(srv, x);
		return;
	}

	x->retries++;
	queued = tftp_window_retransmit(srv, x, now_ms);
	if (x->xdp.active)
		tftp_xdp_retransmitted(x, now_ms);
	srv->counters.retransmits += queued;
	log_debug("tftp %s: retransmission %u from block %llu, %u packets",
		  xfer_names(x, &n)->peer, x->retries, (unsigned long long)waiting, queued);
}

void tftp_xfer_abort(struct rb_tftp_server *srv, struct tftp_xfer *x, const char *reason)
{
	struct xfer_names n;

	if (x->state != TFTP_XFER_WAIT_ACK)
		return;
	log_debug("tftp %s: transfer of \"%s\" ended at block %llu: %s", xfer_names(x, &n)->peer,
		  n.file, (unsigned long long)x->block_sent, reason);
	xfer_close(srv, x);
}

/*
 * Socket of the client's family on the address the request was sent to,
 * so that DATA comes from the address the client asked.  A request to a
 * broadcast or multicast address gets the unspecified address instead,
 * and the kernel picks the source by route.
 */
static int xfer_open_socket(const union tftp_addr *local)
{
	union tftp_addr addr = *local;
	int sock, ret, on = 1;

	if (tftp_addr_is_group(&addr)) {
		memset(&addr, 0, sizeof(addr));
		addr.sa.sa_family = local->sa.sa_family;
	}
	sock = socket(addr.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (addr.sa.sa_family == AF_INET6 &&
	    setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0) {
		ret = -errno;
		close(sock);
		return ret;
	}
	/* Port 0: the kernel picks the ephemeral port, the server's transfer ID. */
	if (bind(sock, &addr.sa, tftp_addr_len(&addr)) < 0) {
		ret = -errno;
		close(sock);
		return ret;
	}
	return sock;
}

/* Largest blksize for peer: IPv6 clients get less, so that DATA fills the same MTU. */
static uint32_t xfer_blksize_max(const struct rb_tftp_server *srv, const union tftp_addr *peer)
{
	uint32_t max = srv->cfg.blksize_max;

	if (peer->sa.sa_family != AF_INET6)
		return max;
	if (max < RB_TFTP_BLKSIZE_MIN + RB_TFTP_IPV6_HEADER_EXTRA)
		return RB_TFTP_BLKSIZE_MIN;
	return max - RB_TFTP_IPV6_HEADER_EXTRA;
}

/* Take a free slot for the request, with its buffers and settings. */
static int xfer_setup(struct rb_tftp_server *srv, struct tftp_xfer *x,
		      const struct tftp_xfer_start *start, const struct rb_tftp_options *accepted)
{
	bool netascii = start->req->mode == RB_TFTP_MODE_NETASCII;
	size_t size;

	x->gen = (x->gen + 1) & TFTP_UD_GEN_MASK;
	x->state = TFTP_XFER_WAIT_ACK;
	x->inflight = 0;
	x->recv_armed = x->stray_busy = false;
	x->file = start->file;
	x->peer = *start->peer;
	x->mode = start->req->mode;
	snprintf(x->path, sizeof(x->path), "%s", start->path);

	x->blksize = accepted->has_blksize ? accepted->blksize : RB_TFTP_SEGSIZE;
	x->windowsize = accepted->has_windowsize ? accepted->windowsize : 1;
	x->timeout_ms = accepted->has_timeout ? accepted->timeout * UINT64_C(1000) :
						srv->cfg.timeout_ms;
	x->got_ack = false;
	x->bytes_acked = 0;
	x->retries = 0;
	x->started_ms = rb_tftp_now_ms();
	rb_tftp_source_init(&x->src, x->file.fd, netascii);
	active_insert(srv, x);

	size = RB_TFTP_HEADER_LEN + x->blksize;
	if (size < RB_TFTP_OACK_MAX)
		size = RB_TFTP_OACK_MAX;
	if (size < RB_TFTP_ERROR_MAX)
		size = RB_TFTP_ERROR_MAX;
	x->pkt_size = size;
	x->window_slots = calloc(x->windowsize, sizeof(*x->window_slots));
	x->slot_mem = malloc(size * x->windowsize);
	x->scratch = netascii ? malloc(x->blksize) : NULL;
	if (!x->window_slots || !x->slot_mem || (netascii && !x->scratch))
		return -ENOMEM;
	tftp_window_init(x);
	return 0;
}

static void log_start(const struct tftp_xfer *x, const struct rb_tftp_options *acc,
		      unsigned ignored)
{
	char oack[64] = "none";
	struct xfer_names n;

	if (acc->has_blksize || acc->has_timeout || acc->has_tsize || acc->has_windowsize)
		snprintf(oack, sizeof(oack), "%s%s%s%s", acc->has_blksize ? " blksize" : "",
			 acc->has_timeout ? " timeout" : "", acc->has_tsize ? " tsize" : "",
			 acc->has_windowsize ? " windowsize" : "");
	log_debug("tftp %s: sending \"%s\" (%s, %llu bytes, blksize %u, windowsize %u, "
		  "timeout %llu ms, options accepted: %s, ignored: %u)", xfer_names(x, &n)->peer,
		  n.file, rb_tftp_mode_name(x->mode), (unsigned long long)x->file.size, x->blksize,
		  x->windowsize, (unsigned long long)x->timeout_ms, oack + (oack[0] == ' '), ignored);
}

int tftp_xfer_begin(struct rb_tftp_server *srv, const struct tftp_xfer_start *start)
{
	struct tftp_xfer *x = srv->free_list;
	struct rb_tftp_limits limits = {
		.blksize_max = xfer_blksize_max(srv, start->peer),
		.windowsize_max = srv->cfg.windowsize_max,
	};
	struct rb_tftp_options accepted;
	struct xfer_names names;
	const char *step;
	bool oack;
	int sock, ret;

	sock = xfer_open_socket(start->local);
	if (sock < 0) {
		char peer[TFTP_ADDR_TEXT_MAX];

		rb_log_repeat(&start_failed_log, "tftp %s: socket for a new transfer failed: %s",
			      tftp_addr_text(start->peer, peer, sizeof(peer)), strerror(-sock));
		close(start->file.fd);
		return sock;
	}
	srv->free_list = x->next;
	x->sock = sock;

	oack = rb_tftp_negotiate(start->req, &limits, start->file.size, &accepted);
	step = "allocating the packet buffers";
	ret = xfer_setup(srv, x, start, &accepted);
	if (ret < 0)
		goto fail;

	step = "queueing the receive";
	ret = tftp_xfer_arm_recv(srv, x);
	if (ret < 0)
		goto fail;

	/* Without an accepted option there is no OACK, and DATA 1 is the reply. */
	log_start(x, &accepted, start->req->ignored_options);
	tftp_xdp_begin(srv, x, oack);
	if (oack) {
		tftp_window_start_oack(srv, x, &accepted, x->started_ms);
	} else if (tftp_window_start_data(srv, x, x->started_ms) == TFTP_WINDOW_READ_FAILED) {
		step = "reading the first block";
		ret = -EIO;
		goto fail;
	}
	return 0;

fail:
	rb_log_repeat(&start_failed_log, "tftp %s: starting the transfer of \"%s\" failed while "
		      "%s: %s", xfer_names(x, &names)->peer, names.file, step, strerror(-ret));
	xfer_close(srv, x);
	return ret;
}

bool tftp_xfer_repeat_first(struct rb_tftp_server *srv, const union tftp_addr *peer,
			    const struct rb_tftp_request *req)
{
	char path[RB_TFTP_REQUEST_MAX];
	const char *error;

	if (rb_tftp_path_normalize(req->filename, path, sizeof(path), &error) < 0)
		return false;

	for (struct tftp_xfer *x = srv->active; x; x = x->next) {
		if (x->state != TFTP_XFER_WAIT_ACK || x->got_ack || !tftp_addr_equal(&x->peer, peer) ||
		    strcmp(x->path, path) != 0)
			continue;
		/* The first packet, OACK or DATA 1, is in window slot 0. */
		if (!x->window_slots[0].busy && tftp_xfer_send_slot(srv, x, 0) == 0)
			srv->counters.retransmits++;
		return true;
	}
	return false;
}
