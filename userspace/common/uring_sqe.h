/* SPDX-License-Identifier: MIT */
/* A submission queue entry from a ring that several services share. */
#ifndef RB_COMMON_URING_SQE_H
#define RB_COMMON_URING_SQE_H

#include <liburing.h>

/*
 * Get a free submission queue entry, submitting the queued ones once
 * when the queue is full.  Returns NULL when it stays full.
 */
static inline struct io_uring_sqe *rb_uring_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

#endif
