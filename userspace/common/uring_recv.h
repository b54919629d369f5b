/* SPDX-License-Identifier: MIT */
/* One recvmsg request on a UDP socket, shared by the DHCPv4 and DHCPv6 slow paths. */
#ifndef RB_COMMON_URING_RECV_H
#define RB_COMMON_URING_RECV_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Buffers of one receive slot, which the caller keeps until the completion arrives. */
struct rb_uring_recv_buffers {
	struct msghdr *msg;
	struct iovec *iov;
	void *data;
	size_t data_len;
	void *peer;		/* struct sockaddr_in or sockaddr_in6 */
	socklen_t peer_len;
	void *control;		/* ancillary data buffer, zeroed here */
	size_t control_len;
};

/*
 * Queue a recvmsg of fd into the slot buffers b with user_data, and
 * submit the ring once when its submission queue is full.  Returns false
 * when the queue stays full.
 */
bool rb_uring_queue_recvmsg(struct io_uring *ring, int fd, const struct rb_uring_recv_buffers *b,
			    uint64_t user_data);

#endif
