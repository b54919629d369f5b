// SPDX-License-Identifier: MIT
#include <string.h>

#include "common/uring_recv.h"
#include "common/uring_sqe.h"

bool rb_uring_queue_recvmsg(struct io_uring *ring, int fd, const struct rb_uring_recv_buffers *b,
			    uint64_t user_data)
{
	struct io_uring_sqe *sqe;

	sqe = rb_uring_get_sqe(ring);
	if (!sqe)
		return false;

	memset(b->msg, 0, sizeof(*b->msg));
	memset(b->control, 0, b->control_len);
	*b->iov = (struct iovec){ .iov_base = b->data, .iov_len = b->data_len };
	b->msg->msg_name = b->peer;
	b->msg->msg_namelen = b->peer_len;
	b->msg->msg_iov = b->iov;
	b->msg->msg_iovlen = 1;
	b->msg->msg_control = b->control;
	b->msg->msg_controllen = b->control_len;

	/* MSG_TRUNC makes the result the datagram's full length, to spot long ones. */
	io_uring_prep_recvmsg(sqe, fd, b->msg, MSG_TRUNC);
	io_uring_sqe_set_data64(sqe, user_data);
	return true;
}
