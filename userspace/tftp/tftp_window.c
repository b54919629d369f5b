// SPDX-License-Identifier: MIT
/*
 * The send window of one transfer.  windowsize 1 is RFC 1350 lock-step.
 * A larger one is RFC 7440: up to windowsize DATA blocks go out per ACK,
 * and the client acknowledges the last block of the window, or the last
 * block it received in order when one was lost.  The window then starts
 * again right after the acknowledged block.
 *
 * A duplicate or older ACK sends nothing, so a delayed ACK cannot double
 * every later packet (the Sorcerer's Apprentice Syndrome).  Only an ACK
 * that acknowledges a block in flight sends, at most windowsize packets,
 * and only the timer sends the window again without such an ACK.
 *
 * Each block is read from the file once, into its window slot, and stays
 * there until it is acknowledged.  So netascii works with any window, and
 * a retransmission reads nothing from the file.
 */
#include <errno.h>
#include <stdint.h>

#include "common/log.h"
#include "tftp/tftp_internal.h"

static struct rb_log_repeat send_later_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: sends deferred to the retransmission timer");

static uint32_t slot_index(const struct tftp_xfer *x, uint64_t block)
{
	return (uint32_t)(block % x->windowsize);
}

void tftp_window_init(struct tftp_xfer *x)
{
	for (uint32_t i = 0; i < x->windowsize; i++)
		x->window_slots[i] = (struct tftp_window_slot){
			.pkt = x->slot_mem + (size_t)i * x->pkt_size,
		};
	x->block_acked = 0;
	x->block_sent = 0;
	x->block_final = UINT64_MAX;
	x->oack_pending = false;
	x->fill_pending = false;
}

/*
 * Queue the send of window slot index.  A slot whose send is still in
 * flight is left alone, because that send already carries the packet.
 * Returns true when a send was queued.
 */
static bool window_send(struct rb_tftp_server *srv, struct tftp_xfer *x, uint32_t index)
{
	char peer[TFTP_ADDR_TEXT_MAX];

	if (x->window_slots[index].busy)
		return false;
	if (tftp_xfer_send_slot(srv, x, index) == 0)
		return true;
	rb_log_repeat(&send_later_log, "tftp %s: no free SQE for block %llu, the timer sends it",
		      tftp_addr_text(&x->peer, peer, sizeof(peer)),
		      (unsigned long long)x->window_slots[index].block);
	return false;
}

/* Read the next block of the file into its slot.  Returns 0 or -errno. */
static int window_load(struct tftp_xfer *x, uint64_t block)
{
	struct tftp_window_slot *slot = &x->window_slots[slot_index(x, block)];
	ssize_t n = rb_tftp_source_read(&x->src, slot->pkt + RB_TFTP_HEADER_LEN, x->blksize,
					x->scratch);

	if (n < 0)
		return (int)n;
	/* The block number on the wire wraps from 65535 to 0, as atftp, curl and tftp-hpa expect. */
	rb_tftp_encode_data_header(slot->pkt, (uint16_t)block);
	slot->len = RB_TFTP_HEADER_LEN + (size_t)n;
	slot->block = block;
	if ((size_t)n < x->blksize)
		x->block_final = block;
	return 0;
}

/*
 * Read and send new blocks until windowsize blocks are in flight or the
 * final block is out.  Each pass adds one block in flight, so the loop
 * runs at most windowsize times.  The slot of the next block belongs to
 * an acknowledged block.  When that block's send is still in flight, the
 * fill stops, and the send completion resumes it.
 */
static enum tftp_window_result window_fill(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	x->fill_pending = false;
	while (x->block_sent < x->block_final && x->block_sent - x->block_acked < x->windowsize) {
		uint64_t next = x->block_sent + 1;
		uint32_t index = slot_index(x, next);

		if (x->window_slots[index].busy) {
			x->fill_pending = true;
			break;
		}
		if (window_load(x, next) < 0)
			return TFTP_WINDOW_READ_FAILED;
		x->block_sent = next;
		window_send(srv, x, index);
	}
	return TFTP_WINDOW_WAIT;
}

enum tftp_window_result tftp_window_start_data(struct rb_tftp_server *srv,
					       struct tftp_xfer *x, uint64_t now_ms)
{
	x->deadline_ms = now_ms + x->timeout_ms;
	return window_fill(srv, x);
}

void tftp_window_start_oack(struct rb_tftp_server *srv, struct tftp_xfer *x,
			    const struct rb_tftp_options *accepted, uint64_t now_ms)
{
	struct tftp_window_slot *slot = &x->window_slots[0];

	slot->len = (size_t)rb_tftp_encode_oack(slot->pkt, x->pkt_size, accepted);
	slot->block = 0;
	x->oack_pending = true;
	x->deadline_ms = now_ms + x->timeout_ms;
	window_send(srv, x, 0);
}

/* Count the payload of blocks block_acked + 1 .. acked as delivered. */
static void window_count_acked(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t acked)
{
	for (uint64_t block = x->block_acked + 1; block <= acked; block++) {
		size_t payload = x->window_slots[slot_index(x, block)].len - RB_TFTP_HEADER_LEN;

		x->bytes_acked += payload;
		srv->counters.bytes += payload;
	}
	x->block_acked = acked;
}

/*
 * The client acknowledged a block before the end of the window: it lost
 * the next one and dropped what followed (RFC 7440).  Send the rest of
 * the old window again; window_fill then adds the new blocks.
 */
static void window_restart(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	for (uint64_t block = x->block_acked + 1; block <= x->block_sent; block++) {
		if (window_send(srv, x, slot_index(x, block)))
			srv->counters.retransmits++;
	}
}

enum tftp_window_result tftp_window_ack(struct rb_tftp_server *srv, struct tftp_xfer *x,
					uint16_t block, uint64_t now_ms)
{
	uint64_t ahead;

	if (x->oack_pending) {
		if (block != 0)
			return TFTP_WINDOW_WAIT;
		x->oack_pending = false;
	} else {
		/* Blocks past the last ACK, counted modulo 2^16 like the wire number. */
		ahead = (uint16_t)(block - (uint16_t)x->block_acked);
		if (ahead == 0 || ahead > x->block_sent - x->block_acked)
			return TFTP_WINDOW_WAIT;
		window_count_acked(srv, x, x->block_acked + ahead);
		if (x->block_acked == x->block_final)
			return TFTP_WINDOW_DONE;
		if (x->block_acked < x->block_sent)
			window_restart(srv, x);
	}

	x->got_ack = true;
	x->retries = 0;
	x->deadline_ms = now_ms + x->timeout_ms;
	return window_fill(srv, x);
}

enum tftp_window_result tftp_window_resume(struct rb_tftp_server *srv, struct tftp_xfer *x,
					   uint64_t now_ms)
{
	if (!x->fill_pending)
		return TFTP_WINDOW_WAIT;
	return window_fill(srv, x);
}

/*
 * The wait before the next retransmission: timeout_ms doubled per retry
 * so far (RFC 1123 4.2.3.2 requires an adaptive timeout of TFTP), up to
 * TFTP_BACKOFF_CAP_MS or timeout_ms when that is longer.  A client that
 * ignores a duplicate DATA and repeats its lost ACK only from its own
 * timer gets a gap to send it in.  Without the backoff, busybox 1.35 and
 * atftp 0.8 in lock-step failed tests/integration/tftp_loss.sh.
 */
static uint64_t retransmit_interval_ms(const struct tftp_xfer *x)
{
	uint64_t cap = x->timeout_ms > TFTP_BACKOFF_CAP_MS ? x->timeout_ms : TFTP_BACKOFF_CAP_MS;
	uint64_t interval = x->timeout_ms;

	for (unsigned i = 0; i < x->retries && interval < cap; i++)
		interval *= 2;
	return interval < cap ? interval : cap;
}

unsigned tftp_window_retransmit(struct rb_tftp_server *srv, struct tftp_xfer *x,
				uint64_t now_ms)
{
	unsigned queued = 0;

	x->deadline_ms = now_ms + retransmit_interval_ms(x);
	if (x->oack_pending)
		return window_send(srv, x, 0);

	for (uint64_t block = x->block_acked + 1; block <= x->block_sent; block++)
		queued += window_send(srv, x, slot_index(x, block));
	return queued;
}

struct tftp_window_slot *tftp_window_idle_slot(struct tftp_xfer *x)
{
	for (uint32_t i = 0; i < x->windowsize; i++) {
		if (!x->window_slots[i].busy)
			return &x->window_slots[i];
	}
	return NULL;
}
