// SPDX-License-Identifier: MIT
/*
 * rackbootd's one io_uring event loop.  A fixed cycle: submit and wait
 * (at most RB_LOOP_WAIT_MS), dispatch every completion by the owner tag
 * in its user_data, advance the completion queue once, then run the
 * services' timers.  Signals arrive through a signalfd and the
 * once-a-second log summaries run from a timerfd, both read on the ring.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/uring_sqe.h"
#include "common/uring.h"
#include "rackbootd/daemon.h"
#include "rackbootd/reload.h"

/* The TFTP server needs a tick at least every 100 ms (tftp_server.h). */
#define RB_LOOP_WAIT_MS		100

/*
 * Minimum time between two runs of the services' timers.  Under load the
 * loop cycles thousands of times a second.  Some timers walk BPF maps
 * (the DHCPv4 pool expiry), so running them every cycle would cost more
 * than the requests themselves.
 */
#define RB_LOOP_TICK_MS		5

/* How long a stop waits for TFTP requests in flight to complete. */
#define RB_LOOP_DRAIN_MS	2000

static int arm_read(struct rb_daemon *d, int fd, void *buf, unsigned int len,
		    enum rb_daemon_request what)
{
	struct io_uring_sqe *sqe = rb_uring_get_sqe(&d->ring);

	if (!sqe) {
		log_err("io_uring: no free submission queue entry for the %s read",
			what == RB_DAEMON_SIGNAL ? "signalfd" : "timerfd");
		return -EBUSY;
	}
	io_uring_prep_read(sqe, fd, buf, len, 0);
	io_uring_sqe_set_data64(sqe, rb_uring_tag(RB_URING_OWNER_DAEMON, what));
	return 0;
}

static int arm_signal(struct rb_daemon *d)
{
	return arm_read(d, d->signal_fd, &d->siginfo, sizeof(d->siginfo), RB_DAEMON_SIGNAL);
}

static int arm_timer(struct rb_daemon *d)
{
	return arm_read(d, d->timer_fd, &d->timer_expirations, sizeof(d->timer_expirations),
			RB_DAEMON_TIMER);
}

static void signal_mask(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGHUP);
}

int rb_daemon_block_signals(void)
{
	sigset_t mask;

	signal_mask(&mask);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		int err = -errno;

		log_err("blocking SIGTERM, SIGINT and SIGHUP failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int open_signalfd(struct rb_daemon *d)
{
	sigset_t mask;

	signal_mask(&mask);
	d->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return d->signal_fd < 0 ? -errno : 0;
}

static int open_timerfd(struct rb_daemon *d)
{
	struct itimerspec every_second = {
		.it_interval = { .tv_sec = 1 },
		.it_value = { .tv_sec = 1 },
	};

	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (d->timer_fd < 0)
		return -errno;
	if (timerfd_settime(d->timer_fd, 0, &every_second, NULL) < 0)
		return -errno;
	return 0;
}

int rb_daemon_loop_init(struct rb_daemon *d)
{
	int err;

	d->signal_fd = -1;
	d->timer_fd = -1;
	err = io_uring_queue_init(RB_DAEMON_RING_ENTRIES, &d->ring, 0);
	if (err) {
		log_err("io_uring: setting up a ring of %d entries failed: %s", RB_DAEMON_RING_ENTRIES,
			strerror(-err));
		return err;
	}
	d->ring_ready = true;

	err = open_signalfd(d);
	if (err) {
		log_err("opening the signalfd for SIGTERM, SIGINT and SIGHUP failed: %s",
			strerror(-err));
		return err;
	}
	err = open_timerfd(d);
	if (err) {
		log_err("opening the one-second timerfd failed: %s", strerror(-err));
		return err;
	}
	err = arm_signal(d);
	return err ?: arm_timer(d);
}

static void handle_signal(struct rb_daemon *d, uint32_t signo)
{
	char why[1024];

	if (signo == SIGHUP) {
		log_info("received SIGHUP: reloading %s", d->config_path);
		if (rb_daemon_reload(d, why, sizeof(why)))
			log_err("reload on SIGHUP rejected: %s", why);
		return;
	}
	log_info("received %s: stopping", strsignal((int)signo));
	d->stop = true;
}

static void daemon_cqe(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	uint64_t what = rb_uring_payload(cqe->user_data);

	if (cqe->res == -ECANCELED)
		return;

	/* Without the signalfd no SIGTERM could stop rackbootd, so any failure stops it. */
	if (cqe->res < 0 && cqe->res != -EINTR && cqe->res != -EAGAIN) {
		log_err("io_uring: the %s read failed: %s; stopping",
			what == RB_DAEMON_SIGNAL ? "signalfd" : "timerfd", strerror(-cqe->res));
		d->stop = true;
		d->error = cqe->res;
		return;
	}

	if (what == RB_DAEMON_SIGNAL) {
		if (cqe->res == (int)sizeof(d->siginfo))
			handle_signal(d, d->siginfo.ssi_signo);
		arm_signal(d);
	} else if (what == RB_DAEMON_TIMER) {
		rb_log_repeat_flush();
		arm_timer(d);
	}
}

static void dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	if (rb_uring_owner(cqe->user_data) == RB_URING_OWNER_DAEMON) {
		daemon_cqe(d, cqe);
		return;
	}
	if (rb_daemon_services_dispatch(d, cqe) == 0)
		return;
	log_debug("io_uring: completion with user_data %#llx (result %d) has no owner; ignored",
		  (unsigned long long)cqe->user_data, cqe->res);
}

/* One cycle: submit, wait up to wait_ms, dispatch every completion. */
static int loop_once(struct rb_daemon *d, unsigned int wait_ms)
{
	struct __kernel_timespec timeout = { .tv_nsec = (long long)wait_ms * 1000000 };
	struct io_uring_cqe *cqe;
	unsigned int head, count = 0;
	int ret;

	ret = io_uring_submit_and_wait_timeout(&d->ring, &cqe, 1, &timeout, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
		log_err("io_uring: waiting for completions failed: %s", strerror(-ret));
		return ret;
	}

	io_uring_for_each_cqe(&d->ring, head, cqe) {
		dispatch(d, cqe);
		count++;
	}
	io_uring_cq_advance(&d->ring, count);
	return 0;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int rb_daemon_loop_run(struct rb_daemon *d)
{
	uint64_t last_tick = 0, now;
	int err;

	while (!d->stop) {
		err = loop_once(d, RB_LOOP_WAIT_MS);
		if (err)
			return err;
		now = monotonic_ms();
		if (now - last_tick >= RB_LOOP_TICK_MS) {
			rb_daemon_services_tick(d);
			last_tick = now;
		}
	}

	/* Let TFTP requests in flight complete before the ring goes away. */
	rb_daemon_services_stop(d);
	for (int waited = 0; waited < RB_LOOP_DRAIN_MS; waited += RB_LOOP_WAIT_MS) {
		if (rb_daemon_services_drained(d))
			break;
		err = loop_once(d, RB_LOOP_WAIT_MS);
		if (err)
			return err;
	}
	return d->error;
}

void rb_daemon_loop_exit(struct rb_daemon *d)
{
	/* Cancels and waits for every request still in the ring. */
	if (d->ring_ready)
		io_uring_queue_exit(&d->ring);
	d->ring_ready = false;
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	d->signal_fd = -1;
	d->timer_fd = -1;
}
