// SPDX-License-Identifier: MIT
/*
 * The file body of a plain HTTP response, sent without copying it
 * through userspace.
 *
 * Pages in the page cache go out by sendfile(2) from the worker thread
 * on the non-blocking socket, up to RB_HTTP_SENDFILE_TURN bytes per
 * turn.  A full socket buffer, or the end of a turn, arms a POLLOUT
 * poll on the ring, and the next turn starts when it completes, so the
 * other connections of the worker get their turns in between.
 *
 * sendfile would block the whole worker on a disk read, so each turn
 * first checks with cachestat(2) that all of the turn's pages are in the
 * page cache.  When they are not, up to RB_HTTP_PIPE_SIZE bytes go from the
 * file into a pipe by a splice on the ring, which io_uring runs in one of
 * its own worker threads, so that the disk read blocks that thread and
 * not the HTTP worker.  The worker then splices the pipe to the socket
 * itself, as it would call sendfile.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "common/cachestat.h"
#include "http/http_internal.h"

static int open_pipe(struct rb_http_conn *c)
{
	if (c->pipe[0] >= 0)
		return 0;
	if (pipe2(c->pipe, O_CLOEXEC) < 0)
		return -errno;
	/* A larger pipe moves more per splice, but the default size works too. */
	(void)fcntl(c->pipe[1], F_SETPIPE_SZ, RB_HTTP_PIPE_SIZE);
	return 0;
}

static void splice_in(struct rb_http_worker *w, struct rb_http_conn *c)
{
	uint64_t left = c->resp.file_len - c->file_sent;
	unsigned int chunk = left > RB_HTTP_PIPE_SIZE ? RB_HTTP_PIPE_SIZE : (unsigned int)left;
	struct io_uring_sqe *sqe;
	int err = open_pipe(c);

	if (err) {
		rb_http_worker_log(w, RB_LOG_ERR, "http: creating a pipe for %s failed: %s; "
				   "connection closed", c->resp.path, strerror(-err));
		rb_http_conn_close(w, c);
		return;
	}
	sqe = rb_http_conn_sqe(w, c);
	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_SPLICE_IN;
	io_uring_prep_splice(sqe, c->resp.file_fd, (int64_t)(c->resp.file_offset + c->file_sent),
			     c->pipe[1], -1, chunk, SPLICE_F_MOVE);
}

static void file_ended_early(struct rb_http_worker *w, struct rb_http_conn *c)
{
	rb_http_worker_log(w, RB_LOG_WARN, "http: %s ended %llu bytes early (truncated while "
			   "being sent?); connection closed", c->resp.path,
			   (unsigned long long)(c->resp.file_len - c->file_sent));
	rb_http_conn_close(w, c);
}

static void wait_writable(struct rb_http_worker *w, struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe = rb_http_conn_sqe(w, c);

	if (!sqe) {
		rb_http_conn_close(w, c);
		return;
	}
	c->state = RB_HTTP_CONN_WRITABLE;
	io_uring_prep_poll_add(sqe, c->fd, POLLOUT);
}

/*
 * Whether every page of the next len bytes of the file range is in the
 * page cache.  Before Linux 6.5, which lacks cachestat, and for files
 * that cachestat rejects, no range counts as cached, so that the whole
 * body goes through the pipe.
 */
static bool range_cached(const struct rb_http_conn *c, uint64_t len)
{
	uint64_t start = c->resp.file_offset + c->file_sent;
	uint64_t page = (uint64_t)getpagesize();
	uint64_t pages = 0;

	if (rb_cached_pages(c->resp.file_fd, start, len, &pages) < 0)
		return false;
	return pages == (start + len - 1) / page - start / page + 1;
}

/*
 * Make the socket non-blocking from the first file body on, for
 * sendfile.  The ring's send and recv requests on it still wait for the
 * socket, because io_uring arms a poll on -EAGAIN whatever O_NONBLOCK
 * says (seen on Linux 6.18, and relied on by keep-alive after a body).
 */
static int set_nonblocking(struct rb_http_conn *c)
{
	if (c->nonblocking)
		return 0;
	/* An accepted socket has no other status flags, so F_SETFL needs no F_GETFL first. */
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	c->nonblocking = true;
	return 0;
}

/*
 * Splice the bytes in the pipe to the socket.  Returns true once the pipe
 * is empty, and false when the connection waits for the socket or was
 * closed.
 */
static bool drain_pipe(struct rb_http_worker *w, struct rb_http_conn *c)
{
	while (c->in_pipe > 0) {
		unsigned int flags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
		ssize_t n;

		if (c->file_sent + c->in_pipe < c->resp.file_len)
			flags |= SPLICE_F_MORE;
		n = splice(c->pipe[0], NULL, c->fd, NULL, c->in_pipe, flags);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			wait_writable(w, c);
			return false;
		}
		if (n <= 0) {
			rb_http_conn_step_failed(w, c, n < 0 ? -errno : -EPIPE);
			return false;
		}
		c->in_pipe -= (uint32_t)n;
		c->file_sent += (uint64_t)n;
	}
	return true;
}

/*
 * Send one turn of the file range by sendfile.  Returns true when the
 * turn ended with the socket still writable, and false when the
 * connection waits for the socket or was closed.
 */
static bool sendfile_turn(struct rb_http_worker *w, struct rb_http_conn *c, uint64_t turn)
{
	while (turn > 0) {
		off_t offset = (off_t)(c->resp.file_offset + c->file_sent);
		ssize_t n = sendfile(c->fd, c->resp.file_fd, &offset, (size_t)turn);

		if (n == 0) {
			file_ended_early(w, c);
			return false;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			wait_writable(w, c);
			return false;
		}
		if (n < 0) {
			rb_http_conn_step_failed(w, c, -errno);
			return false;
		}
		c->file_sent += (uint64_t)n;
		turn -= (uint64_t)n;
	}
	return true;
}

/* Send the rest of the file range: one turn now, the others once the socket is writable. */
void rb_http_body_send(struct rb_http_worker *w, struct rb_http_conn *c)
{
	uint64_t left, turn;
	int err = set_nonblocking(c);

	if (err) {
		rb_http_conn_step_failed(w, c, err);
		return;
	}
	if (!drain_pipe(w, c))
		return;
	left = c->resp.file_len - c->file_sent;
	if (left == 0) {
		rb_http_conn_response_done(w, c);
		return;
	}
	turn = left < RB_HTTP_SENDFILE_TURN ? left : RB_HTTP_SENDFILE_TURN;
	if (!range_cached(c, turn)) {
		splice_in(w, c);
		return;
	}
	if (!sendfile_turn(w, c, turn))
		return;
	if (c->file_sent == c->resp.file_len) {
		rb_http_conn_response_done(w, c);
		return;
	}
	/* The turn is over, and a poll of a writable socket completes at once. */
	wait_writable(w, c);
}

void rb_http_body_complete(struct rb_http_worker *w, struct rb_http_conn *c, int res)
{
	if (c->state == RB_HTTP_CONN_SPLICE_IN && res == 0) {
		file_ended_early(w, c);
		return;
	}
	if (c->state == RB_HTTP_CONN_SPLICE_IN) {
		c->in_pipe = (uint32_t)res;
		rb_http_body_send(w, c);
		return;
	}
	/* POLLOUT, or POLLERR or POLLHUP, which the next splice or sendfile reports. */
	rb_http_body_send(w, c);
}
