// SPDX-License-Identifier: MIT
/*
 * Packets on the server socket: decode the request, reply with an ERROR
 * from the server port when it cannot be served, and hand a read request
 * for an opened file to a new transfer.
 *
 * A client can send any number of requests, so each kind of rejection is
 * logged through rb_log_repeat: the first one in full, with the client
 * address and the escaped file name, and later ones as counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "tftp/tftp_internal.h"

/* rb_escape output for a filename: every byte may become \xNN. */
#define ESCAPED_NAME_SIZE	(4 * RB_TFTP_REQUEST_MAX + 1)

static struct rb_log_repeat not_request_log =
	RB_LOG_REPEAT_INIT(RB_LOG_DEBUG, "tftp: packets to the server port that are not requests");
static struct rb_log_repeat malformed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: malformed requests");
static struct rb_log_repeat busy_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: requests rejected at the transfer limit");
static struct rb_log_repeat reply_drop_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: ERROR replies dropped, all reply slots busy");
static struct rb_log_repeat listen_nobufs_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: server socket ran out of receive buffers");
static struct rb_log_repeat reply_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: ERROR replies whose send failed");
static struct rb_log_repeat not_found_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: requests for missing files");
static struct rb_log_repeat access_log =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tftp: requests rejected as access violations");
static struct rb_log_repeat open_failed_log =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tftp: requests for files that could not be opened");
static struct rb_log_repeat write_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: write requests rejected");
static struct rb_log_repeat mail_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: mail mode requests rejected");
static struct rb_log_repeat stopping_log =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: requests rejected while stopping");

/* A datagram from the server socket: payload and addresses. */
struct tftp_datagram {
	union tftp_addr peer;		/* unmapped: AF_INET for every IPv4 client */
	union tftp_addr local;		/* address the request was sent to, port 0 */
	const uint8_t *payload;
	size_t len;
	bool truncated;
};

/* Count an ERROR reply to a request and send it from the server port. */
static void send_error(struct rb_tftp_server *srv, const struct tftp_datagram *dg,
		       uint16_t code, const char *message)
{
	char peer[TFTP_ADDR_TEXT_MAX];
	int err;

	srv->counters.error++;
	err = tftp_reply_error(srv, &dg->peer, &dg->local, code, message);
	if (err == -EBUSY)
		rb_log_repeat(&reply_drop_log, "tftp %s: ERROR %u not sent: no free reply slot",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)), code);
	else if (err < 0)
		rb_log_repeat(&reply_failed_log, "tftp %s: ERROR %u not sent: %s",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)), code, strerror(-err));
}

/* Log a decoded request that the server does not serve, then send the ERROR. */
static void reject(struct rb_tftp_server *srv, const struct tftp_datagram *dg,
		   struct rb_log_repeat *log, const char *filename, uint16_t code,
		   const char *message)
{
	char peer[TFTP_ADDR_TEXT_MAX], name[ESCAPED_NAME_SIZE];

	rb_escape(filename, strlen(filename), name, sizeof(name));
	rb_log_repeat(log, "tftp %s: request for \"%s\" rejected with ERROR %u: %s",
		      tftp_addr_text(&dg->peer, peer, sizeof(peer)), name, code, message);
	send_error(srv, dg, code, message);
}

static void serve_read(struct rb_tftp_server *srv, const struct tftp_datagram *dg,
		       const struct rb_tftp_request *req)
{
	char path[RB_TFTP_REQUEST_MAX];
	struct tftp_xfer_start start;
	const char *error;
	int ret;

	if (req->mode == RB_TFTP_MODE_MAIL) {
		reject(srv, dg, &mail_log, req->filename, RB_TFTP_EBADOP,
		       "mail mode is not supported, use octet");
		return;
	}
	if (srv->stopping) {
		reject(srv, dg, &stopping_log, req->filename, RB_TFTP_EUNDEF,
		       "server is shutting down");
		return;
	}
	if (tftp_xfer_repeat_first(srv, &dg->peer, req))
		return;
	if (!srv->free_list) {
		char peer[TFTP_ADDR_TEXT_MAX];

		srv->counters.busy++;
		rb_log_repeat(&busy_log, "tftp %s: request rejected, %u transfers in progress",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)), srv->n_active);
		send_error(srv, dg, RB_TFTP_EUNDEF, "server busy, retry later");
		return;
	}

	ret = rb_tftp_open_file(srv->root_fd, req->filename, path, sizeof(path), &start.file,
				&error);
	if (ret == -ENOENT) {
		reject(srv, dg, &not_found_log, req->filename, RB_TFTP_ENOTFOUND, error);
		return;
	}
	if (ret == -EACCES) {
		reject(srv, dg, &access_log, req->filename, RB_TFTP_EACCESS, error);
		return;
	}
	if (ret < 0) {
		char peer[TFTP_ADDR_TEXT_MAX], name[ESCAPED_NAME_SIZE];

		rb_escape(req->filename, req->filename_len, name, sizeof(name));
		rb_log_repeat(&open_failed_log, "tftp %s: %s \"%s\" below %s: %s",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)), error, name,
			      srv->root, strerror(-ret));
		send_error(srv, dg, RB_TFTP_EUNDEF, error);
		return;
	}

	/* tftp_xfer_begin logs why a transfer could not start. */
	start.peer = &dg->peer;
	start.local = &dg->local;
	start.req = req;
	start.path = path;
	if (tftp_xfer_begin(srv, &start) < 0)
		send_error(srv, dg, RB_TFTP_EUNDEF, "server cannot start the transfer, retry later");
}

static void handle_datagram(struct rb_tftp_server *srv, const struct tftp_datagram *dg)
{
	struct rb_tftp_request req;
	const char *error = "request longer than 512 bytes";
	uint16_t opcode;
	char peer[TFTP_ADDR_TEXT_MAX];

	/* Stray DATA, ACK or ERROR packets get no reply, because an ERROR to an ERROR could loop. */
	if (rb_tftp_decode_opcode(dg->payload, dg->len, &opcode) < 0 ||
	    (opcode != RB_TFTP_RRQ && opcode != RB_TFTP_WRQ)) {
		srv->counters.malformed++;
		rb_log_repeat(&not_request_log, "tftp %s: ignored a packet that is not a request",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)));
		return;
	}

	if (dg->truncated || rb_tftp_decode_request(dg->payload, dg->len, &req, &error) < 0) {
		srv->counters.malformed++;
		rb_log_repeat(&malformed_log, "tftp %s: malformed request: %s",
			      tftp_addr_text(&dg->peer, peer, sizeof(peer)), error);
		send_error(srv, dg, RB_TFTP_EBADOP, error);
		return;
	}

	if (req.opcode == RB_TFTP_WRQ) {
		srv->counters.wrq++;
		reject(srv, dg, &write_log, req.filename, RB_TFTP_EACCESS,
		       "write requests are not accepted");
		return;
	}
	srv->counters.rrq++;
	serve_read(srv, dg, &req);
}

/*
 * Read the request's destination address from its control messages.  An
 * IPv4 request carries IP_PKTINFO, whose ipi_spec_dst is the local
 * address also for a broadcast, and on an AF_INET6 socket IPV6_PKTINFO
 * with the mapped address as well.  An IPv6 request carries IPV6_PKTINFO,
 * whose interface becomes the scope ID of a link-local address.  Without
 * either, local stays the unspecified address of peer's family.
 */
static void datagram_local(struct io_uring_recvmsg_out *out, struct msghdr *msg,
			   struct tftp_datagram *dg)
{
	struct cmsghdr *cmsg = io_uring_recvmsg_cmsg_firsthdr(out, msg);

	memset(&dg->local, 0, sizeof(dg->local));
	dg->local.sa.sa_family = dg->peer.sa.sa_family;

	for (unsigned i = 0; cmsg && i < 8; i++) {
		if (dg->peer.sa.sa_family == AF_INET && cmsg->cmsg_level == IPPROTO_IP &&
		    cmsg->cmsg_type == IP_PKTINFO &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo info;

			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			dg->local.sin.sin_addr = info.ipi_spec_dst;
			return;
		}
		if (dg->peer.sa.sa_family == AF_INET6 && cmsg->cmsg_level == IPPROTO_IPV6 &&
		    cmsg->cmsg_type == IPV6_PKTINFO &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo info;

			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			dg->local.sin6.sin6_addr = info.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr))
				dg->local.sin6.sin6_scope_id = info.ipi6_ifindex;
			return;
		}
		cmsg = io_uring_recvmsg_cmsg_nexthdr(out, msg, cmsg);
	}
}

/* Unpack one provided buffer: io_uring_recvmsg_out, name, control, payload. */
static void handle_buffer(struct rb_tftp_server *srv, uint8_t *buf, int res)
{
	struct io_uring_recvmsg_out *out = io_uring_recvmsg_validate(buf, res, &srv->listen_msg);
	struct tftp_datagram dg = { 0 };
	size_t name_len = srv->family == AF_INET6 ? sizeof(dg.peer.sin6) : sizeof(dg.peer.sin);

	if (!out || out->namelen < name_len) {
		srv->counters.malformed++;
		return;
	}
	memcpy(&dg.peer, io_uring_recvmsg_name(out), name_len);
	if (dg.peer.sa.sa_family != srv->family)
		return;
	tftp_addr_unmap(&dg.peer);

	datagram_local(out, &srv->listen_msg, &dg);
	dg.payload = io_uring_recvmsg_payload(out, &srv->listen_msg);
	dg.len = io_uring_recvmsg_payload_length(out, res, &srv->listen_msg);
	dg.truncated = out->flags & MSG_TRUNC;
	handle_datagram(srv, &dg);
}

static void return_buffer(struct rb_tftp_server *srv, unsigned bid)
{
	uint8_t *buf = srv->bufs + (size_t)bid * TFTP_LISTEN_BUF_SIZE;

	io_uring_buf_ring_add(srv->buf_ring, buf, TFTP_LISTEN_BUF_SIZE, (unsigned short)bid,
			      io_uring_buf_ring_mask(TFTP_LISTEN_BUFS), 0);
	io_uring_buf_ring_advance(srv->buf_ring, 1);
}

/*
 * Handle one completion of the multishot receive.  The buffer goes back
 * to the ring before anything else can fail.  When the kernel ends the
 * multishot (no IORING_CQE_F_MORE), it is queued again: at once after
 * back-pressure (-ENOBUFS), at the next tick after other errors so that
 * a persistent error cannot spin the loop.
 */
void tftp_listen_complete(struct rb_tftp_server *srv, const struct io_uring_cqe *cqe)
{
	bool more = cqe->flags & IORING_CQE_F_MORE;

	if (cqe->flags & IORING_CQE_F_BUFFER) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		if (bid < TFTP_LISTEN_BUFS) {
			if (cqe->res > 0)
				handle_buffer(srv, srv->bufs + (size_t)bid * TFTP_LISTEN_BUF_SIZE,
					      cqe->res);
			return_buffer(srv, bid);
		}
	}

	if (more)
		return;
	srv->listen_armed = false;
	if (srv->stopping) {
		tftp_check_drained(srv);
		return;
	}

	if (cqe->res == -ENOBUFS) {
		rb_log_repeat(&listen_nobufs_log, "tftp: server socket out of receive buffers, "
			      "requests may be dropped");
		tftp_arm_listen(srv);
	} else if (cqe->res < 0) {
		log_err("tftp: receive on the server socket failed: %s; retrying at the next tick",
			strerror(-cqe->res));
		srv->listen_rearm = true;
	} else {
		tftp_arm_listen(srv);
	}
}

void tftp_reply_complete(struct rb_tftp_server *srv, uint32_t index, int res)
{
	char peer[TFTP_ADDR_TEXT_MAX];
	union tftp_addr to;

	if (index >= TFTP_REPLIES || !srv->replies[index].busy)
		return;
	srv->replies[index].busy = false;
	srv->replies_busy--;

	if (res < 0) {
		to = srv->replies[index].to;
		tftp_addr_unmap(&to);
		rb_log_repeat(&reply_failed_log,
			      "tftp %s: sending an ERROR from the server socket failed: %s",
			      tftp_addr_text(&to, peer, sizeof(peer)), strerror(-res));
	}
	if (srv->stopping)
		tftp_check_drained(srv);
}
