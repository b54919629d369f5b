// SPDX-License-Identifier: MIT
/*
 * One HTTP worker thread: its ring, the multishot accepts on its own
 * HTTP and HTTPS listening sockets, a tick every RB_HTTP_TICK_MS for idle connections and
 * log summaries, and an eventfd read that stops it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_internal.h"

uint64_t rb_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void rb_http_worker_log(struct rb_http_worker *w, enum rb_log_level level, const char *fmt, ...)
{
	char line[1024];
	uint64_t now;
	va_list ap;

	/* Lines below the log level cost no formatting and no budget. */
	if (!rb_log_enabled(level))
		return;
	now = rb_http_now_ms();
	if (now - w->log.window_ms >= 1000) {
		w->log.window_ms = now;
		w->log.lines = 0;
	}
	if (w->log.lines >= RB_HTTP_LOG_LINES) {
		w->log.dropped++;
		return;
	}
	w->log.lines++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rb_log(level, "%s", line);
}

/* Log how many lines the budget dropped, once a second at most. */
static void log_summary(struct rb_http_worker *w)
{
	if (!w->log.dropped || rb_http_now_ms() - w->log.window_ms < 1000)
		return;
	rb_log(RB_LOG_INFO, "http: worker %u left out %llu log lines in the last second",
	       w->index, (unsigned long long)w->log.dropped);
	w->log.dropped = 0;
}

struct io_uring_sqe *rb_http_worker_sqe(struct rb_http_worker *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);

	if (!sqe) {
		io_uring_submit(&w->ring);
		sqe = io_uring_get_sqe(&w->ring);
	}
	if (!sqe)
		rb_http_worker_log(w, RB_LOG_ERR, "http: worker %u has no free submission queue "
				   "entry", w->index);
	return sqe;
}

static void arm_accept(struct rb_http_worker *w, bool tls)
{
	struct io_uring_sqe *sqe = rb_http_worker_sqe(w);

	if (!sqe)
		return;
	io_uring_prep_multishot_accept(sqe, tls ? w->tls_listen_fd : w->listen_fd, NULL, NULL,
				       SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, rb_http_user_data(tls ? RB_HTTP_OP_ACCEPT_TLS :
						       RB_HTTP_OP_ACCEPT, 0, 0));
	if (tls)
		w->tls_accept_armed = true;
	else
		w->accept_armed = true;
}

/* Arm the accepts that are not armed: at start, and on a tick after a failed accept. */
static void arm_accepts(struct rb_http_worker *w)
{
	if (!w->accept_armed)
		arm_accept(w, false);
	if (w->tls_listen_fd >= 0 && !w->tls_accept_armed)
		arm_accept(w, true);
}

static void arm_tick(struct rb_http_worker *w)
{
	struct io_uring_sqe *sqe = rb_http_worker_sqe(w);

	if (!sqe)
		return;
	w->tick.tv_sec = 0;
	w->tick.tv_nsec = RB_HTTP_TICK_MS * 1000000LL;
	io_uring_prep_timeout(sqe, &w->tick, 0, 0);
	io_uring_sqe_set_data64(sqe, rb_http_user_data(RB_HTTP_OP_TICK, 0, 0));
}

static void arm_wake(struct rb_http_worker *w)
{
	struct io_uring_sqe *sqe = rb_http_worker_sqe(w);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, w->wake_fd, &w->wake_value, sizeof(w->wake_value), 0);
	io_uring_sqe_set_data64(sqe, rb_http_user_data(RB_HTTP_OP_WAKE, 0, 0));
}

static void accepted(struct rb_http_worker *w, const struct io_uring_cqe *cqe, bool tls)
{
	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		if (tls)
			w->tls_accept_armed = false;
		else
			w->accept_armed = false;
	}
	if (cqe->res >= 0) {
		rb_http_conn_accepted(w, cqe->res, tls);
		return;
	}
	/* EMFILE and ENFILE: the tick re-arms the accept, so a retry waits a tick. */
	rb_http_worker_log(w, RB_LOG_ERR, "http: worker %u: accept on the %s port failed: %s",
			   w->index, tls ? "HTTPS" : "HTTP", strerror(-cqe->res));
}

static void ticked(struct rb_http_worker *w)
{
	rb_http_conn_sweep(w, rb_http_now_ms());
	log_summary(w);
	if (!w->stop)
		arm_accepts(w);
	if (!w->stop)
		arm_tick(w);
}

static void dispatch(struct rb_http_worker *w, const struct io_uring_cqe *cqe)
{
	uint64_t data = cqe->user_data;
	struct rb_http_conn *c;
	uint32_t slot;

	switch (rb_http_user_op(data)) {
	case RB_HTTP_OP_ACCEPT:
		accepted(w, cqe, false);
		return;
	case RB_HTTP_OP_ACCEPT_TLS:
		accepted(w, cqe, true);
		return;
	case RB_HTTP_OP_TICK:
		ticked(w);
		return;
	case RB_HTTP_OP_WAKE:
		w->stop = true;
		return;
	case RB_HTTP_OP_CONN:
		slot = rb_http_user_slot(data);
		c = slot < w->srv->cfg.max_connections ? w->conns[slot] : NULL;
		if (c && c->gen == rb_http_user_gen(data))
			rb_http_conn_complete(w, c, cqe->res);
		return;
	}
}

static int run(struct rb_http_worker *w)
{
	arm_wake(w);
	arm_tick(w);
	arm_accepts(w);

	while (!w->stop) {
		struct io_uring_cqe *cqe;
		unsigned head, count = 0;
		int ret = io_uring_submit_and_wait(&w->ring, 1);

		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			rb_log(RB_LOG_ERR, "http: worker %u: waiting for completions failed: %s; "
			       "the worker stops", w->index, strerror(-ret));
			return ret;
		}
		io_uring_for_each_cqe(&w->ring, head, cqe) {
			dispatch(w, cqe);
			count++;
		}
		io_uring_cq_advance(&w->ring, count);
		/* No site pointer survives this point (rb_http_server_site_settled). */
		__atomic_store_n(&w->quiescent, w->quiescent + 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

void *rb_http_worker_main(void *arg)
{
	struct rb_http_worker *w = arg;
	int err;

	w->log.window_ms = rb_http_now_ms();
	/*
	 * The ring is set up here, so that the worker thread is its only
	 * user: completions then never wake the thread that started it.
	 * DEFER_TASKRUN runs the completion work when the worker waits for
	 * completions, in batches, instead of interrupting it.
	 */
	err = io_uring_queue_init(RB_HTTP_RING_ENTRIES, &w->ring, IORING_SETUP_SINGLE_ISSUER |
				  IORING_SETUP_DEFER_TASKRUN);
	/* Kernels before 6.1 lack DEFER_TASKRUN: the ring then works without it. */
	if (err == -EINVAL)
		err = io_uring_queue_init(RB_HTTP_RING_ENTRIES, &w->ring,
					  IORING_SETUP_SINGLE_ISSUER);
	if (err) {
		rb_log(RB_LOG_ERR, "http: worker %u: setting up its io_uring failed: %s; its "
		       "sockets are closed and the other workers serve", w->index, strerror(-err));
		close(w->listen_fd);
		w->listen_fd = -1;
		if (w->tls_listen_fd >= 0)
			close(w->tls_listen_fd);
		w->tls_listen_fd = -1;
		__atomic_store_n(&w->offline, true, __ATOMIC_SEQ_CST);
		return NULL;
	}
	w->ring_ready = true;
	run(w);
	__atomic_store_n(&w->offline, true, __ATOMIC_SEQ_CST);

	/* A request blocked on a socket returns once its socket is shut down. */
	for (unsigned i = 0; i < w->srv->cfg.max_connections; i++) {
		if (w->conns[i])
			shutdown(w->conns[i]->fd, SHUT_RDWR);
	}
	/* Cancels and waits for every request, so the connections can go. */
	io_uring_queue_exit(&w->ring);
	w->ring_ready = false;
	for (unsigned i = 0; i < w->srv->cfg.max_connections; i++) {
		if (w->conns[i])
			rb_http_conn_free(w, w->conns[i]);
	}
	rb_http_conn_free_spares(w);
	return NULL;
}
