// SPDX-License-Identifier: MIT
/*
 * Hand-off of transfers to the XDP data path, and the server's part in
 * them afterwards (tftp_xdp.h).  The transfer code calls the tftp_xdp_*
 * hooks of tftp_internal.h at start, on each ACK that reaches the
 * transfer's socket, on its timer, after a send and at its end.
 *
 * Only transfers with windowsize 1 are handed over, so the window
 * (tftp_window.c) has one slot.  The ACK and timer hooks first copy the
 * entry's progress into block_acked and block_sent, then send from that
 * slot.  A retransmission after a timeout goes through
 * tftp_window_retransmit like any other, with the same backoff.
 *
 * An ACK reaches the socket in three cases.  XDP moved the transfer on
 * but the frame had no room for the DATA (us_block is set): the server
 * sends that block.  XDP did not take the ACK (another link, a link with
 * a smaller MTU, an ACK with trailing bytes): the server moves the entry
 * on itself and sends the next block.  Anything else is a duplicate.
 *
 * Measured on veth (kernel 6.18, one run of tests/integration/tftp_xdp.sh):
 * a veth mostly copies a frame that the peer's socket sent into a
 * buffer without room for a 512-byte block.  Of atftp's 601 ACKs for a
 * 300 KiB file over IPv4, XDP passed 599 up (pass_tftp_no_room) and the
 * server sent that DATA.  XDP sent only the empty final block, which
 * needs no growth, and took the final ACK.  Over IPv6, curl's ACKs got
 * DATA from XDP 40 times out of 196.  Frames that a peer's XDP program
 * sent with XDP_TX arrive with a whole page, and XDP sends DATA for all
 * of them.  Real NIC drivers give every frame a page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "tftp/tftp_cache.h"
#include "tftp/tftp_internal.h"

/* IPv4, UDP and TFTP header bytes of a DATA packet. */
#define XDP_DATA_OVERHEAD4	(20 + 8 + RB_TFTP_HEADER_LEN)

struct tftp_xdp {
	struct rb_tftp_xdp_maps maps;
	struct tftp_cache *cache;
	uint32_t blksize_max4;	/* largest blksize served from XDP to IPv4 clients, 0 = none */
	uint32_t blksize_max6;	/* the same for IPv6 clients */
};

static struct rb_log_repeat not_cached_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: transfers left to userspace: file not cached for XDP");
static struct rb_log_repeat handoff_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: transfers whose hand-off to XDP failed");
static struct rb_log_repeat entry_lost_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: XDP transfers whose map entry went missing");

/* Peer and file of a transfer, formatted for one log line. */
struct xdp_names {
	char peer[TFTP_ADDR_TEXT_MAX];
	char file[4 * RB_TFTP_REQUEST_MAX + 1];
};

static const struct xdp_names *xdp_names(const struct tftp_xfer *x, struct xdp_names *n)
{
	tftp_addr_text(&x->peer, n->peer, sizeof(n->peer));
	rb_escape(x->path, strlen(x->path), n->file, sizeof(n->file));
	return n;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Delete every entry of rb_tftp_xfers: their sockets ended with the earlier run. */
static void xfers_clear(int fd)
{
	struct rb_tftp_xfer_key key;

	for (unsigned i = 0; i < RB_MAX_TFTP_XFERS; i++) {
		if (bpf_map_get_next_key(fd, NULL, &key) < 0)
			break;
		if (bpf_map_delete_elem(fd, &key) < 0)
			break;
	}
}

int rb_tftp_server_set_xdp(struct rb_tftp_server *srv, const struct rb_tftp_xdp_maps *maps)
{
	struct tftp_xdp *xdp = calloc(1, sizeof(*xdp));
	int err;

	if (!xdp)
		return -ENOMEM;
	xdp->maps = *maps;
	if (maps->mtu > XDP_DATA_OVERHEAD4 + RB_TFTP_BLKSIZE_MIN)
		xdp->blksize_max4 = min_u32(maps->mtu - XDP_DATA_OVERHEAD4, RB_TFTP_XDP_BLKSIZE_MAX);
	if (xdp->blksize_max4 >= RB_TFTP_IPV6_HEADER_EXTRA + RB_TFTP_BLKSIZE_MIN)
		xdp->blksize_max6 = xdp->blksize_max4 - RB_TFTP_IPV6_HEADER_EXTRA;

	xfers_clear(maps->xfers_fd);
	err = tftp_cache_new(maps->files_fd, maps->blocks_fd, maps->n_slots, &xdp->cache);
	if (err) {
		free(xdp);
		return err;
	}

	tftp_xdp_free(srv);
	srv->xdp = xdp;
	log_info("tftp: XDP serves octet transfers with blksize up to %u (IPv4) and %u (IPv6), "
		 "block store %u slots (%llu MiB)", xdp->blksize_max4, xdp->blksize_max6,
		 maps->n_slots, (unsigned long long)maps->n_slots * RB_TFTP_SLOT_SIZE >> 20);
	return 0;
}

void tftp_xdp_free(struct rb_tftp_server *srv)
{
	if (!srv->xdp)
		return;
	tftp_cache_free(srv->xdp->cache);
	free(srv->xdp);
	srv->xdp = NULL;
}

/* Key of x in rb_tftp_xfers: the client and the ports of its socket.  Returns 0 or -errno. */
static int xfer_key(const struct tftp_xfer *x, struct rb_tftp_xfer_key *key)
{
	union tftp_addr local;
	socklen_t len = sizeof(local);

	if (getsockname(x->sock, &local.sa, &len) < 0)
		return -errno;
	memset(key, 0, sizeof(*key));
	if (x->peer.sa.sa_family == AF_INET6) {
		memcpy(key->client, &x->peer.sin6.sin6_addr, 16);
		key->client_port = x->peer.sin6.sin6_port;
		key->server_port = local.sin6.sin6_port;
		key->family = RB_TFTP_FAMILY_IPV6;
	} else {
		memcpy(key->client, &x->peer.sin.sin_addr, 4);
		key->client_port = x->peer.sin.sin_port;
		key->server_port = local.sin.sin_port;
		key->family = RB_TFTP_FAMILY_IPV4;
	}
	return 0;
}

/*
 * Decide whether XDP can serve x.  XDP sends one DATA per ACK, of at
 * most one slot, from a file cached byte for byte, so these stay in
 * userspace: netascii (line ends are converted), a blksize whose DATA
 * exceeds the smallest MTU of the XDP links or a slot, and a windowsize
 * above 1 (RFC 7440 sends several blocks per ACK).
 */
static bool xdp_eligible(const struct tftp_xdp *xdp, const struct tftp_xfer *x)
{
	uint32_t max = x->peer.sa.sa_family == AF_INET6 ? xdp->blksize_max6 : xdp->blksize_max4;

	return x->mode == RB_TFTP_MODE_OCTET && x->blksize <= max && x->windowsize == 1;
}

void tftp_xdp_begin(struct rb_tftp_server *srv, struct tftp_xfer *x, bool oack)
{
	struct tftp_xdp *xdp = srv->xdp;
	struct tftp_cache_ref ref;
	struct rb_tftp_xfer entry;
	struct xdp_names n;
	struct stat st;
	int err;

	x->xdp = (struct tftp_xdp_xfer){ .active = false };
	if (!xdp || !xdp_eligible(xdp, x))
		return;

	if (fstat(x->file.fd, &st) < 0) {
		rb_log_repeat(&handoff_failed_log, "tftp %s: fstat of \"%s\" failed: %s; the "
			      "transfer stays in userspace", xdp_names(x, &n)->peer, n.file,
			      strerror(errno));
		return;
	}
	err = tftp_cache_get(xdp->cache, x->file.fd, &st, x->blksize, &ref);
	if (err) {
		rb_log_repeat(&not_cached_log, "tftp %s: \"%s\" (%lld bytes, blksize %u) not "
			      "cached for XDP: %s; the transfer stays in userspace",
			      xdp_names(x, &n)->peer, n.file, (long long)st.st_size, x->blksize,
			      err == -ENOSPC ? "the block store is full (tftp/xdp-block-store)" :
					       strerror(-err));
		return;
	}

	/* The first packet is the OACK (block 0), or else DATA 1. */
	err = xfer_key(x, &x->xdp.key);
	entry = (struct rb_tftp_xfer){ .sent = oack ? 0 : 1, .file_id = ref.id,
				       .file_gen = ref.gen, .owner = x->index,
				       .owner_gen = x->gen, .state = RB_TFTP_XS_ACTIVE };
	entry.start_ns = entry.ack_ns = boottime_ns();
	if (!err && bpf_map_update_elem(xdp->maps.xfers_fd, &x->xdp.key, &entry, BPF_NOEXIST) < 0)
		err = -errno;
	if (err) {
		rb_log_repeat(&handoff_failed_log, "tftp %s: recording the transfer of \"%s\" in "
			      "rb_tftp_xfers failed: %s; it stays in userspace",
			      xdp_names(x, &n)->peer, n.file, strerror(-err));
		tftp_cache_put(xdp->cache, ref.id);
		return;
	}

	x->xdp.active = true;
	x->xdp.file_id = ref.id;
	x->xdp.n_blocks = ref.n_blocks;
	x->xdp.size = ref.size;
	x->xdp.seen_sent = entry.sent;
}

void tftp_xdp_end(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	if (!x->xdp.active)
		return;
	x->xdp.active = false;
	if (!srv->xdp)
		return;
	bpf_map_delete_elem(srv->xdp->maps.xfers_fd, &x->xdp.key);
	tftp_cache_put(srv->xdp->cache, x->xdp.file_id);
}

/* Payload bytes of blocks 1 .. block of the cached file. */
static uint64_t xdp_bytes_through(const struct tftp_xfer *x, uint64_t block)
{
	if (block >= x->xdp.n_blocks)
		return x->xdp.size;
	return block * x->blksize;
}

/* Count blocks block_acked + 1 .. acked as delivered, as tftp_window.c does. */
static void xdp_count_acked(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t acked)
{
	uint64_t bytes;

	if (acked <= x->block_acked)
		return;
	bytes = xdp_bytes_through(x, acked) - xdp_bytes_through(x, x->block_acked);
	x->bytes_acked += bytes;
	srv->counters.bytes += bytes;
	x->block_acked = acked;
	x->got_ack = true;
}

/*
 * Bring the window state up to the XDP entry e, in which block e->sent
 * is the last one sent and block e->sent - 1 the last one acknowledged.
 * The window of an XDP transfer has one block, so until the end
 * block_sent is block_acked + 1, or 0 while the OACK waits for its ACK.
 */
static void xdp_sync(struct rb_tftp_server *srv, struct tftp_xfer *x, const struct rb_tftp_xfer *e)
{
	if (e->sent == 0)
		return;
	if (x->oack_pending) {
		x->oack_pending = false;
		x->got_ack = true;
	}
	xdp_count_acked(srv, x, e->sent - 1);
	if (e->sent > x->block_sent)
		x->block_sent = e->sent;
}

/* The client acknowledged the final block: count and end the transfer. */
static void xdp_finish(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	x->oack_pending = false;
	xdp_count_acked(srv, x, x->xdp.n_blocks);
	x->block_sent = x->xdp.n_blocks;
	x->block_final = x->xdp.n_blocks;
	tftp_xfer_finish(srv, x);
}

/*
 * Put block into window slot 0, the only slot of an XDP transfer: DATA
 * from the cached copy, or nothing to do when the slot contains it
 * already (the OACK is block 0).  Returns false when a send in flight still
 * reads the slot or the copy has no such block.
 */
static bool xdp_load_slot(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t block)
{
	struct tftp_window_slot *slot = &x->window_slots[0];
	const uint8_t *data;
	size_t len;

	if (slot->block == block)
		return true;
	if (slot->busy)
		return false;
	data = tftp_cache_block(srv->xdp->cache, x->xdp.file_id, block, &len);
	if (!data || RB_TFTP_HEADER_LEN + len > x->pkt_size)
		return false;
	rb_tftp_encode_data_header(slot->pkt, (uint16_t)block);
	memcpy(slot->pkt + RB_TFTP_HEADER_LEN, data, len);
	slot->len = RB_TFTP_HEADER_LEN + len;
	slot->block = block;
	return true;
}

/*
 * Send block from the transfer's socket.  While a send in flight still
 * reads slot 0, the block waits for its completion (tftp_xdp_resume).
 * Without a free SQE the timer sends it.
 */
static void xdp_send_block(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t block)
{
	x->xdp.send_pending = false;
	if (x->window_slots[0].busy) {
		x->xdp.send_pending = true;
		return;
	}
	if (xdp_load_slot(srv, x, block))
		tftp_xfer_send_slot(srv, x, 0);
}

void tftp_xdp_resume(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	if (x->xdp.send_pending && srv->xdp)
		xdp_send_block(srv, x, x->block_sent);
}

/* Read the transfer's entry; a missing one ends the transfer.  Returns false then. */
static bool xdp_entry(struct rb_tftp_server *srv, struct tftp_xfer *x, struct rb_tftp_xfer *e)
{
	struct xdp_names n;

	if (bpf_map_lookup_elem(srv->xdp->maps.xfers_fd, &x->xdp.key, e) == 0)
		return true;
	srv->counters.error++;
	rb_log_repeat(&entry_lost_log, "tftp %s: the rb_tftp_xfers entry of \"%s\" is missing: "
		      "%s; transfer ended", xdp_names(x, &n)->peer, n.file, strerror(errno));
	tftp_xfer_abort(srv, x, "XDP transfer entry missing");
	return false;
}

/*
 * Move the entry on past ACK of e->sent, which XDP did not take, and
 * write it back.  Returns false when the transfer ended meanwhile.
 */
static bool xdp_advance(struct rb_tftp_server *srv, struct tftp_xfer *x, struct rb_tftp_xfer *e)
{
	/*
	 * NOTE: this writes the whole entry back, so a duplicate ACK that XDP
	 * counts in between is lost from dup_acks.  sent and state cannot
	 * move meanwhile, because the client waits for this DATA.
	 */
	e->sent++;
	e->ack_ns = boottime_ns();
	if (bpf_map_update_elem(srv->xdp->maps.xfers_fd, &x->xdp.key, e, BPF_EXIST) == 0)
		return true;
	xdp_entry(srv, x, e);
	return false;
}

void tftp_xdp_on_ack(struct rb_tftp_server *srv, struct tftp_xfer *x, uint16_t block,
		     uint64_t now_ms)
{
	struct rb_tftp_xfer e;

	if (!srv->xdp || !xdp_entry(srv, x, &e))
		return;
	if (e.state == RB_TFTP_XS_DONE) {
		xdp_finish(srv, x);
		return;
	}

	if (e.us_block != 0 && e.us_block == e.sent && e.us_block != x->xdp.us_sent &&
	    block == (uint16_t)(e.us_block - 1)) {
		/* XDP moved the transfer on, but its frame had no room for the DATA. */
		x->xdp.us_sent = e.us_block;
	} else if (block == (uint16_t)e.sent) {
		/* XDP did not take this ACK (another link, trailing bytes): move the entry here. */
		if (e.sent >= x->xdp.n_blocks) {
			xdp_finish(srv, x);
			return;
		}
		if (!xdp_advance(srv, x, &e))
			return;
	} else {
		return;	/* a duplicate: it sends nothing, as in tftp_window.c */
	}

	xdp_sync(srv, x, &e);
	x->xdp.seen_sent = e.sent;
	x->xdp.resend_ms = 0;
	x->retries = 0;
	x->deadline_ms = now_ms + x->timeout_ms;
	xdp_send_block(srv, x, e.sent);
}

bool tftp_xdp_timer(struct rb_tftp_server *srv, struct tftp_xfer *x, uint64_t now_ms)
{
	struct rb_tftp_xfer e;
	uint64_t idle_ms;

	if (!srv->xdp || !xdp_entry(srv, x, &e))
		return false;
	if (e.state == RB_TFTP_XS_DONE) {
		xdp_finish(srv, x);
		return false;
	}
	xdp_sync(srv, x, &e);

	/* Progress since the last check: the timeout counts from the last ACK. */
	if (e.sent != x->xdp.seen_sent) {
		x->xdp.seen_sent = e.sent;
		x->xdp.resend_ms = 0;
		x->retries = 0;
		idle_ms = (boottime_ns() - e.ack_ns) / 1000000u;
		if (idle_ms < x->timeout_ms) {
			x->deadline_ms = now_ms + x->timeout_ms - idle_ms;
			return false;
		}
	} else if (now_ms < x->xdp.resend_ms) {
		/* No progress yet since the last retransmission: wait out its backoff. */
		x->deadline_ms = x->xdp.resend_ms;
		return false;
	}

	/* A slot still being sent gets the block when that send completes. */
	if (x->retries < srv->cfg.retries && !xdp_load_slot(srv, x, e.sent))
		x->xdp.send_pending = true;
	return true;
}

/*
 * XDP does not report progress, so the caller's retransmission deadline,
 * which grows by backoff, would also be the next look at the entry.  A
 * loss soon after the retransmitted block got through would then cost the
 * whole backoff.  Look again after one timeout instead, and keep the
 * backoff deadline for the case that nothing moved (tftp_xdp_timer).
 */
void tftp_xdp_retransmitted(struct tftp_xfer *x, uint64_t now_ms)
{
	x->xdp.resend_ms = x->deadline_ms;
	if (now_ms + x->timeout_ms < x->deadline_ms)
		x->deadline_ms = now_ms + x->timeout_ms;
}

void rb_tftp_server_xdp_done(struct rb_tftp_server *srv, const struct rb_tftp_event *ev)
{
	struct tftp_xfer *x;

	if (!srv->xdp || ev->owner >= srv->cfg.max_transfers)
		return;
	x = &srv->xfers[ev->owner];
	/* An event of a transfer that already ended, or of an earlier run, names another. */
	if (x->gen != ev->owner_gen || x->state != TFTP_XFER_WAIT_ACK || !x->xdp.active)
		return;
	xdp_finish(srv, x);
}
