// SPDX-License-Identifier: MIT
/*
 * SQE preparation for the TFTP server.  Every function here takes an SQE,
 * points it at memory owned by the server or a transfer slot, and counts
 * it, so that the memory outlives the request.  The caller submits.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "tftp/tftp_internal.h"

static uint64_t user_data_pack(enum tftp_op op, uint32_t index, uint32_t window_slot,
			       uint32_t gen)
{
	uint64_t payload = (uint64_t)op << TFTP_UD_OP_SHIFT |
			   (uint64_t)(index & TFTP_UD_INDEX_MASK) << TFTP_UD_INDEX_SHIFT |
			   (uint64_t)(window_slot & TFTP_UD_SLOT_MASK) << TFTP_UD_SLOT_SHIFT |
			   (gen & TFTP_UD_GEN_MASK);

	return rb_uring_tag(RB_URING_OWNER_TFTP, payload);
}

uint64_t tftp_user_data_encode(enum tftp_op op, uint32_t index, uint32_t gen)
{
	return user_data_pack(op, index, 0, gen);
}

uint64_t tftp_user_data_encode_send(uint32_t index, uint32_t window_slot, uint32_t gen)
{
	return user_data_pack(TFTP_OP_XFER_SEND, index, window_slot, gen);
}

struct tftp_user_data tftp_user_data_decode(uint64_t user_data)
{
	uint64_t payload = rb_uring_payload(user_data);

	return (struct tftp_user_data){
		.op = (enum tftp_op)(payload >> TFTP_UD_OP_SHIFT & 0xf),
		.index = (uint32_t)(payload >> TFTP_UD_INDEX_SHIFT) & TFTP_UD_INDEX_MASK,
		.window_slot = (uint32_t)(payload >> TFTP_UD_SLOT_SHIFT) & TFTP_UD_SLOT_MASK,
		.gen = (uint32_t)payload & TFTP_UD_GEN_MASK,
	};
}

struct io_uring_sqe *tftp_get_sqe(struct rb_tftp_server *srv)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(srv->ring);

	if (sqe)
		return sqe;

	/* The submission queue is full: hand it to the kernel, then retry once. */
	io_uring_submit(srv->ring);
	return io_uring_get_sqe(srv->ring);
}

int tftp_arm_listen(struct rb_tftp_server *srv)
{
	struct io_uring_sqe *sqe = tftp_get_sqe(srv);

	if (!sqe) {
		srv->listen_rearm = true;
		return -EBUSY;
	}

	/* The kernel reads only msg_namelen and msg_controllen of listen_msg. */
	io_uring_prep_recvmsg_multishot(sqe, srv->sock, &srv->listen_msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = srv->cfg.buf_group;
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode(TFTP_OP_LISTEN_RECV, 0, 0));
	srv->listen_armed = true;
	srv->listen_rearm = false;
	return 0;
}

int tftp_xfer_arm_recv(struct rb_tftp_server *srv, struct tftp_xfer *x)
{
	struct io_uring_sqe *sqe = tftp_get_sqe(srv);

	if (!sqe)
		return -EBUSY;

	x->recv_iov = (struct iovec){ .iov_base = x->recv_buf, .iov_len = sizeof(x->recv_buf) };
	x->recv_msg = (struct msghdr){
		.msg_name = &x->recv_from,
		.msg_namelen = tftp_addr_len(&x->peer),
		.msg_iov = &x->recv_iov,
		.msg_iovlen = 1,
	};
	io_uring_prep_recvmsg(sqe, x->sock, &x->recv_msg, 0);
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode(TFTP_OP_XFER_RECV, x->index, x->gen));
	x->recv_armed = true;
	x->inflight++;
	return 0;
}

int tftp_xfer_send_slot(struct rb_tftp_server *srv, struct tftp_xfer *x, uint32_t index)
{
	struct tftp_window_slot *slot = &x->window_slots[index];
	struct io_uring_sqe *sqe = tftp_get_sqe(srv);

	if (!sqe)
		return -EBUSY;

	slot->iov = (struct iovec){ .iov_base = slot->pkt, .iov_len = slot->len };
	slot->msg = (struct msghdr){
		.msg_name = &x->peer,
		.msg_namelen = tftp_addr_len(&x->peer),
		.msg_iov = &slot->iov,
		.msg_iovlen = 1,
	};
	io_uring_prep_sendmsg(sqe, x->sock, &slot->msg, 0);
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode_send(x->index, index, x->gen));
	slot->busy = true;
	x->inflight++;
	return 0;
}

int tftp_xfer_send_stray(struct rb_tftp_server *srv, struct tftp_xfer *x,
			 const union tftp_addr *to)
{
	struct io_uring_sqe *sqe;

	if (x->stray_busy)
		return -EBUSY;
	sqe = tftp_get_sqe(srv);
	if (!sqe)
		return -EBUSY;

	x->stray_to = *to;
	x->stray_iov = (struct iovec){ .iov_base = srv->stray_pkt, .iov_len = srv->stray_len };
	x->stray_msg = (struct msghdr){
		.msg_name = &x->stray_to,
		.msg_namelen = tftp_addr_len(&x->stray_to),
		.msg_iov = &x->stray_iov,
		.msg_iovlen = 1,
	};
	io_uring_prep_sendmsg(sqe, x->sock, &x->stray_msg, 0);
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode(TFTP_OP_XFER_STRAY, x->index, x->gen));
	x->stray_busy = true;
	x->inflight++;
	return 0;
}

/*
 * Set the reply's source to the address the request reached: IP_PKTINFO
 * for an IPv4 client, also through an AF_INET6 server socket, and
 * IPV6_PKTINFO for an IPv6 client, with the interface of a link-local
 * address.
 */
static void reply_set_source(struct tftp_reply *r, const union tftp_addr *local)
{
	struct cmsghdr *cmsg;

	memset(&r->control, 0, sizeof(r->control));
	r->msg.msg_control = r->control.buf;
	/* CMSG_FIRSTHDR needs the room first; the length is cut to the message below. */
	r->msg.msg_controllen = sizeof(r->control.buf);
	cmsg = CMSG_FIRSTHDR(&r->msg);

	if (local->sa.sa_family == AF_INET) {
		struct in_pktinfo info = { .ipi_spec_dst = local->sin.sin_addr };

		r->msg.msg_controllen = CMSG_SPACE(sizeof(info));
		cmsg->cmsg_level = IPPROTO_IP;
		cmsg->cmsg_type = IP_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	} else {
		struct in6_pktinfo info = { .ipi6_addr = local->sin6.sin6_addr,
					    .ipi6_ifindex = local->sin6.sin6_scope_id };

		r->msg.msg_controllen = CMSG_SPACE(sizeof(info));
		cmsg->cmsg_level = IPPROTO_IPV6;
		cmsg->cmsg_type = IPV6_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	}
}

static bool addr_is_unspecified(const union tftp_addr *addr)
{
	if (addr->sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&addr->sin6.sin6_addr);
	return addr->sin.sin_addr.s_addr == htonl(INADDR_ANY);
}

int tftp_reply_error(struct rb_tftp_server *srv, const union tftp_addr *to,
		     const union tftp_addr *local, uint16_t code, const char *message)
{
	struct io_uring_sqe *sqe;
	struct tftp_reply *r = NULL;
	socklen_t to_len;
	uint32_t index;
	int len;

	for (index = 0; index < TFTP_REPLIES; index++) {
		if (!srv->replies[index].busy) {
			r = &srv->replies[index];
			break;
		}
	}
	if (!r)
		return -EBUSY;

	/* Fails only for an IPv6 client of an IPv4 socket, which handle_buffer drops before. */
	to_len = tftp_addr_for_socket(to, srv->family, &r->to);
	if (to_len == 0)
		return -EAFNOSUPPORT;
	sqe = tftp_get_sqe(srv);
	if (!sqe)
		return -EBUSY;

	len = rb_tftp_encode_error(r->pkt, sizeof(r->pkt), code, message);
	r->iov = (struct iovec){ .iov_base = r->pkt, .iov_len = (size_t)len };
	r->msg = (struct msghdr){
		.msg_name = &r->to,
		.msg_namelen = to_len,
		.msg_iov = &r->iov,
		.msg_iovlen = 1,
	};
	if (!addr_is_unspecified(local))
		reply_set_source(r, local);

	io_uring_prep_sendmsg(sqe, srv->sock, &r->msg, 0);
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode(TFTP_OP_REPLY_SEND, index, 0));
	r->busy = true;
	srv->replies_busy++;
	return 0;
}

int tftp_cancel(struct rb_tftp_server *srv, uint64_t target)
{
	struct io_uring_sqe *sqe = tftp_get_sqe(srv);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_cancel64(sqe, target, 0);
	io_uring_sqe_set_data64(sqe, tftp_user_data_encode(TFTP_OP_CANCEL, 0, 0));
	return 0;
}
