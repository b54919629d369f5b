// SPDX-License-Identifier: MIT
/*
 * The control server on rackbootd's ring (ctl_server.h).  Each socket
 * has at most one poll in the ring.  Its user_data names the connection
 * by slot and generation, and no pointer, so a completion that arrives
 * after its connection closed finds another generation and is dropped.
 * The poll handler then reads, runs and writes with non-blocking calls
 * until the socket would block.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/uring_sqe.h"
#include "common/uring_tag.h"
#include "control/ctl_server.h"
#include "control/ctl_socket.h"

/* Requests one connection may run per poll completion, so that no client starves the rest. */
#define REQUESTS_PER_POLL	16

/* Payload: op in bits 48..55, slot in bits 32..47, generation in bits 0..31. */
enum ctl_op {
	OP_LISTEN = 1,		/* poll on the listening socket */
	OP_CLIENT = 2,		/* poll on a connection */
	OP_REMOVE = 3,		/* poll_remove of a closed connection's poll */
};

struct ctl_client {
	int fd;			/* -1: free slot */
	uint32_t gen;		/* bumped at each close */
	bool poll_armed;
	uint64_t poll_data;	/* user_data of the armed poll */
	uint64_t last_ms;	/* CLOCK_MONOTONIC of the last progress */
	uid_t uid;
	bool close_after_send;	/* set by an error that ends the connection */
	char in[RB_CTL_REQUEST_MAX];
	size_t in_len;
	struct rb_ctl_reply out;
	size_t out_off;
};

struct rb_ctl_server {
	struct io_uring *ring;
	struct rb_ctl_server_config cfg;
	char path[108];
	gid_t gid;
	bool has_group;
	int listen_fd;
	uint32_t n_clients;
	uint64_t now_ms;		/* CLOCK_MONOTONIC of the last tick */
	struct ctl_client *clients;	/* cfg.max_clients slots */
};

static struct rb_log_repeat rejected_peer =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "control: connections rejected by credentials");
static struct rb_log_repeat rejected_full =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "control: connections rejected at max-clients");

static uint64_t payload(enum ctl_op op, uint32_t slot, uint32_t gen)
{
	return rb_uring_tag(RB_URING_OWNER_CONTROL,
			    (uint64_t)op << 48 | (uint64_t)(slot & 0xffff) << 32 | gen);
}

bool rb_ctl_owns(uint64_t user_data)
{
	return rb_uring_owner(user_data) == RB_URING_OWNER_CONTROL;
}

uint32_t rb_ctl_server_clients(const struct rb_ctl_server *srv)
{
	return srv ? srv->n_clients : 0;
}

static int arm_poll(struct rb_ctl_server *srv, int fd, unsigned int events, uint64_t data)
{
	struct io_uring_sqe *sqe = rb_uring_get_sqe(srv->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_add(sqe, fd, events);
	io_uring_sqe_set_data64(sqe, data);
	return 0;
}

static void client_close(struct rb_ctl_server *srv, struct ctl_client *c, const char *why)
{
	struct io_uring_sqe *sqe;

	if (c->poll_armed && (sqe = rb_uring_get_sqe(srv->ring))) {
		io_uring_prep_poll_remove(sqe, c->poll_data);
		io_uring_sqe_set_data64(sqe, payload(OP_REMOVE, 0, 0));
	}
	log_debug("control: closing the connection of uid %u: %s", (unsigned int)c->uid, why);
	close(c->fd);
	rb_ctl_reply_free(&c->out);
	c->fd = -1;
	c->gen++;
	c->poll_armed = false;
	c->in_len = 0;
	c->out_off = 0;
	c->close_after_send = false;
	srv->n_clients--;
}

static void client_arm(struct rb_ctl_server *srv, struct ctl_client *c, unsigned int events)
{
	uint32_t slot = (uint32_t)(c - srv->clients);

	c->poll_data = payload(OP_CLIENT, slot, c->gen);
	if (arm_poll(srv, c->fd, events, c->poll_data)) {
		log_err("control: io_uring has no free submission queue entry; closing a connection");
		client_close(srv, c, "no submission queue entry");
		return;
	}
	c->poll_armed = true;
}

/* Parse and run one request line; its reply goes to c->out. */
static void client_request(struct rb_ctl_server *srv, struct ctl_client *c, size_t line_len)
{
	struct rb_ctl_request req;
	char why[512];
	int err;

	err = rb_ctl_request_parse(c->in, line_len, &req, why, sizeof(why));
	if (err) {
		log_debug("control: invalid request from uid %u: %s", (unsigned int)c->uid, why);
		err = rb_ctl_reply_error(&c->out, "invalid request: %s", why);
	} else {
		log_debug("control: %s request from uid %u", rb_ctl_command_name(req.command),
			  (unsigned int)c->uid);
		err = srv->cfg.handler(srv->cfg.handler_arg, &req, &c->out);
	}
	if (err) {
		log_err("control: building a reply failed: %s; closing the connection", strerror(-err));
		c->close_after_send = true;
	}
	c->out_off = 0;
	memmove(c->in, c->in + line_len + 1, c->in_len - line_len - 1);
	c->in_len -= line_len + 1;
}

enum step { STEP_AGAIN, STEP_WAIT, STEP_CLOSED };

/* Send what is left of the reply.  STEP_AGAIN once it is all sent. */
static enum step client_send(struct rb_ctl_server *srv, struct ctl_client *c)
{
	ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		client_arm(srv, c, POLLOUT);
		return STEP_WAIT;
	}
	if (n < 0) {
		client_close(srv, c, strerror(errno));
		return STEP_CLOSED;
	}
	c->last_ms = srv->now_ms;
	c->out_off += (size_t)n;
	if (c->out_off < c->out.len)
		return STEP_AGAIN;
	rb_ctl_reply_free(&c->out);
	if (c->close_after_send) {
		client_close(srv, c, "reply to a request that ends the connection");
		return STEP_CLOSED;
	}
	return STEP_AGAIN;
}

/* Read more of the next request line. */
static enum step client_recv(struct rb_ctl_server *srv, struct ctl_client *c)
{
	ssize_t n;

	if (c->in_len == sizeof(c->in)) {
		rb_ctl_reply_error(&c->out, "request longer than %d bytes without a newline; "
				   "closing the connection", RB_CTL_REQUEST_MAX - 1);
		c->close_after_send = true;
		c->out_off = 0;
		return STEP_AGAIN;
	}
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		client_arm(srv, c, POLLIN);
		return STEP_WAIT;
	}
	if (n <= 0) {
		client_close(srv, c, n == 0 ? "closed by the client" : strerror(errno));
		return STEP_CLOSED;
	}
	c->in_len += (size_t)n;
	c->last_ms = srv->now_ms;
	return STEP_AGAIN;
}

/* Move a connection on until its socket would block or a request budget is spent. */
static void client_progress(struct rb_ctl_server *srv, struct ctl_client *c)
{
	unsigned int requests = 0;
	enum step step = STEP_AGAIN;
	char *newline;

	while (step == STEP_AGAIN) {
		if (c->out.data) {
			step = client_send(srv, c);
			continue;
		}
		newline = memchr(c->in, '\n', c->in_len);
		if (!newline) {
			step = client_recv(srv, c);
			continue;
		}
		if (requests++ == REQUESTS_PER_POLL) {
			/* A socket is nearly always writable: this resumes on the next loop cycle. */
			client_arm(srv, c, POLLOUT);
			return;
		}
		client_request(srv, c, (size_t)(newline - c->in));
	}
}

static struct ctl_client *free_slot(struct rb_ctl_server *srv)
{
	for (uint32_t i = 0; i < srv->cfg.max_clients; i++) {
		if (srv->clients[i].fd < 0)
			return &srv->clients[i];
	}
	return NULL;
}

/* Write a one-line error reply to a connection that is not served, and close it. */
static void turn_away(int fd, const char *message)
{
	struct rb_ctl_reply reply;

	if (rb_ctl_reply_error(&reply, "%s", message) == 0) {
		/* Best effort: a new socket's buffer takes a short line. */
		if (send(fd, reply.data, reply.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("control: sending a rejection failed: %s", strerror(errno));
		rb_ctl_reply_free(&reply);
	}
	close(fd);
}

static void accept_one(struct rb_ctl_server *srv, int fd)
{
	struct ctl_client *c;
	char message[256];
	uid_t uid = (uid_t)-1;
	int err;

	err = rb_ctl_peer_check(fd, srv->has_group, srv->gid, &uid);
	if (err) {
		snprintf(message, sizeof(message), "permission denied: uid %d is neither root nor a "
			 "member of the control group%s%s", (int)uid, srv->has_group ? " " : "",
			 srv->has_group ? srv->cfg.group : "");
		rb_log_repeat(&rejected_peer, "control: rejected a connection on %s from uid %d: %s",
			      srv->path, (int)uid, strerror(-err));
		turn_away(fd, message);
		return;
	}
	c = free_slot(srv);
	if (!c) {
		snprintf(message, sizeof(message), "rackbootd serves %u control connections already "
			 "(control/max-clients); try again later", srv->cfg.max_clients);
		rb_log_repeat(&rejected_full, "control: rejected a connection from uid %d: all %u "
			      "slots in use", (int)uid, srv->cfg.max_clients);
		turn_away(fd, message);
		return;
	}
	c->fd = fd;
	c->uid = uid;
	c->last_ms = srv->now_ms;
	srv->n_clients++;
	client_arm(srv, c, POLLIN);
}

static void accept_all(struct rb_ctl_server *srv)
{
	/* At most a backlog's worth per poll; the poll fires again for the rest. */
	for (int i = 0; i < 64; i++) {
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_err("control: accepting a connection on %s failed: %s", srv->path,
					strerror(errno));
			break;
		}
		accept_one(srv, fd);
	}
}

static int arm_listen(struct rb_ctl_server *srv)
{
	int err = arm_poll(srv, srv->listen_fd, POLLIN, payload(OP_LISTEN, 0, 0));

	if (err)
		log_err("control: io_uring has no free submission queue entry for the poll on %s; "
			"no new control connections are accepted", srv->path);
	return err;
}

int rb_ctl_server_start(struct rb_ctl_server *srv, uint64_t now_ms)
{
	int err;

	srv->now_ms = now_ms;
	err = arm_listen(srv);

	if (err)
		return err;
	log_info("control: listening on %s (root%s%s, at most %u connections)", srv->path,
		 srv->has_group ? " and group " : " only", srv->has_group ? srv->cfg.group : "",
		 srv->cfg.max_clients);
	return 0;
}

static void client_cqe(struct rb_ctl_server *srv, uint32_t slot, uint32_t gen, int res)
{
	struct ctl_client *c;

	if (slot >= srv->cfg.max_clients)
		return;
	c = &srv->clients[slot];
	/* A poll of a connection closed meanwhile, or the removal's own completion. */
	if (c->fd < 0 || c->gen != gen || !c->poll_armed)
		return;
	c->poll_armed = false;
	if (res < 0) {
		client_close(srv, c, strerror(-res));
		return;
	}
	client_progress(srv, c);
}

int rb_ctl_server_handle_cqe(struct rb_ctl_server *srv, const struct io_uring_cqe *cqe)
{
	uint64_t p = rb_uring_payload(cqe->user_data);
	enum ctl_op op = (enum ctl_op)(p >> 48 & 0xff);

	if (op == OP_CLIENT) {
		client_cqe(srv, (uint32_t)(p >> 32 & 0xffff), (uint32_t)p, cqe->res);
		return 0;
	}
	if (op != OP_LISTEN || cqe->res == -ECANCELED)
		return 0;
	if (cqe->res < 0)
		log_err("control: polling %s failed: %s; polling again", srv->path,
			strerror(-cqe->res));
	else
		accept_all(srv);
	return arm_listen(srv);
}

void rb_ctl_server_tick(struct rb_ctl_server *srv, uint64_t now_ms)
{
	if (!srv)
		return;
	srv->now_ms = now_ms;
	for (uint32_t i = 0; i < srv->cfg.max_clients; i++) {
		struct ctl_client *c = &srv->clients[i];

		if (c->fd >= 0 && now_ms - c->last_ms >= srv->cfg.idle_timeout_ms)
			client_close(srv, c, "idle-timeout");
	}
}

int rb_ctl_server_open(struct io_uring *ring, const struct rb_ctl_server_config *cfg,
		       struct rb_ctl_server **out)
{
	struct rb_ctl_server *srv = calloc(1, sizeof(*srv));
	int err = 0;

	if (!srv)
		return -ENOMEM;
	srv->ring = ring;
	srv->cfg = *cfg;
	srv->listen_fd = -1;
	snprintf(srv->path, sizeof(srv->path), "%s", cfg->path);
	srv->has_group = cfg->group && cfg->group[0];
	if (srv->has_group)
		err = rb_ctl_group_lookup(cfg->group, &srv->gid);
	srv->clients = calloc(cfg->max_clients, sizeof(*srv->clients));
	if (!err && !srv->clients)
		err = -ENOMEM;
	for (uint32_t i = 0; srv->clients && i < cfg->max_clients; i++)
		srv->clients[i].fd = -1;
	if (!err) {
		srv->listen_fd = rb_ctl_socket_listen(srv->path, srv->gid, (int)cfg->max_clients);
		err = srv->listen_fd < 0 ? srv->listen_fd : 0;
	}
	if (err) {
		free(srv->clients);
		free(srv);
		return err;
	}
	*out = srv;
	return 0;
}

void rb_ctl_server_free(struct rb_ctl_server *srv)
{
	if (!srv)
		return;
	/* The ring is gone by now (rackbootd exits it first), so no poll is left to remove. */
	for (uint32_t i = 0; i < srv->cfg.max_clients; i++) {
		if (srv->clients[i].fd >= 0) {
			srv->clients[i].poll_armed = false;
			close(srv->clients[i].fd);
			rb_ctl_reply_free(&srv->clients[i].out);
		}
	}
	if (srv->listen_fd >= 0) {
		close(srv->listen_fd);
		if (unlink(srv->path) < 0 && errno != ENOENT)
			log_warn("control: removing the socket %s failed: %s", srv->path,
				 strerror(errno));
	}
	log_info("control: closed %s", srv->path);
	free(srv->clients);
	free(srv);
}
