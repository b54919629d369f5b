// SPDX-License-Identifier: MIT
/*
 * TFTP server life cycle, completion dispatch and timers; see
 * tftp_server.h for the embedding contract.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/bind_retry.h"
#include "common/log.h"
#include "tftp/tftp_internal.h"

void rb_tftp_config_defaults(struct rb_tftp_config *cfg)
{
	*cfg = (struct rb_tftp_config){
		.bind_addr = htonl(INADDR_ANY),
		.port = RB_TFTP_DEFAULT_PORT,
		.blksize_max = RB_TFTP_DEFAULT_BLKSIZE_MAX,
		.windowsize_max = RB_TFTP_DEFAULT_WINDOWSIZE_MAX,
		.retries = RB_TFTP_DEFAULT_RETRIES,
		.timeout_ms = RB_TFTP_DEFAULT_TIMEOUT_MS,
		.max_transfers = RB_TFTP_DEFAULT_MAX_TRANSFERS,
		.buf_group = RB_TFTP_DEFAULT_BUF_GROUP,
	};
}

uint64_t rb_tftp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int check_config(const struct rb_tftp_config *cfg)
{
	if (!cfg->root || cfg->root[0] == '\0' || strlen(cfg->root) >= PATH_MAX) {
		log_err("tftp: root folder missing or longer than %d bytes; set the TFTP root",
			PATH_MAX - 1);
		return -EINVAL;
	}
	if (cfg->blksize_max < RB_TFTP_BLKSIZE_MIN || cfg->blksize_max > RB_TFTP_BLKSIZE_MAX) {
		log_err("tftp: blksize maximum %u outside %u..%u", cfg->blksize_max,
			RB_TFTP_BLKSIZE_MIN, RB_TFTP_BLKSIZE_MAX);
		return -EINVAL;
	}
	if (cfg->windowsize_max < RB_TFTP_WINDOWSIZE_MIN ||
	    cfg->windowsize_max > RB_TFTP_WINDOWSIZE_MAX_LIMIT) {
		log_err("tftp: windowsize maximum %u outside %u..%u", cfg->windowsize_max,
			RB_TFTP_WINDOWSIZE_MIN, RB_TFTP_WINDOWSIZE_MAX_LIMIT);
		return -EINVAL;
	}
	if (cfg->timeout_ms == 0 || cfg->timeout_ms > RB_TFTP_TIMEOUT_MAX * 1000u) {
		log_err("tftp: timeout %u ms outside 1..%u ms", cfg->timeout_ms,
			RB_TFTP_TIMEOUT_MAX * 1000u);
		return -EINVAL;
	}
	if (cfg->max_transfers == 0 || cfg->max_transfers > RB_TFTP_MAX_TRANSFERS_LIMIT) {
		log_err("tftp: max transfers %u outside 1..%u", cfg->max_transfers,
			RB_TFTP_MAX_TRANSFERS_LIMIT);
		return -EINVAL;
	}
	if (cfg->bind_addr == htonl(INADDR_ANY) && IN6_IS_ADDR_LINKLOCAL(&cfg->bind_addr6)) {
		char text[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &cfg->bind_addr6, text, sizeof(text));
		log_err("tftp: bind address %s is link-local, which needs an interface; "
			"bind to :: or a global address", text);
		return -EINVAL;
	}
	return 0;
}

/* The address and family the server socket binds to, from the config. */
static void server_bind_addr(const struct rb_tftp_config *cfg, union tftp_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (cfg->bind_addr != htonl(INADDR_ANY)) {
		addr->sin.sin_family = AF_INET;
		addr->sin.sin_addr.s_addr = cfg->bind_addr;
		addr->sin.sin_port = htons(cfg->port);
		return;
	}
	addr->sin6.sin6_family = AF_INET6;
	addr->sin6.sin6_addr = cfg->bind_addr6;
	addr->sin6.sin6_port = htons(cfg->port);
}

/*
 * Ask for each request's destination address: IP_PKTINFO for IPv4
 * requests, also on an AF_INET6 socket, because its ipi_spec_dst is the
 * local address even for a broadcast request.  IPV6_RECVPKTINFO gives
 * the destination and interface of IPv6 requests.
 */
static int enable_pktinfo(int sock, int family, bool v6only)
{
	int on = 1;

	if (!v6only && setsockopt(sock, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0)
		return -errno;
	if (family == AF_INET6 &&
	    setsockopt(sock, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
		return -errno;
	return 0;
}

/* UDP socket on the server address, reporting each request's destination. */
static int open_server_socket(struct rb_tftp_server *srv)
{
	union tftp_addr addr;
	socklen_t addr_len;
	char text[TFTP_ADDR_TEXT_MAX];
	int err;

	server_bind_addr(&srv->cfg, &addr);
	srv->family = addr.sa.sa_family;
	srv->v6only = srv->family == AF_INET6 && !IN6_IS_ADDR_UNSPECIFIED(&addr.sin6.sin6_addr);

	srv->sock = socket(srv->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* NOTE: no test runs this fallback; it needs a kernel booted with ipv6.disable=1. */
	if (srv->sock < 0 && errno == EAFNOSUPPORT && srv->family == AF_INET6 && !srv->v6only) {
		log_info("tftp: the kernel has no IPv6 (socket: %s); serving IPv4 only",
			 strerror(errno));
		memset(&addr, 0, sizeof(addr));
		addr.sin.sin_family = AF_INET;
		addr.sin.sin_port = htons(srv->cfg.port);
		srv->family = AF_INET;
		srv->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	}
	if (srv->sock < 0)
		return -errno;

	if (srv->family == AF_INET6) {
		int v6only = srv->v6only;

		if (setsockopt(srv->sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
			return -errno;
	}
	err = enable_pktinfo(srv->sock, srv->family, srv->v6only);
	if (err)
		return err;

	err = rb_bind_retry(srv->sock, &addr.sa, tftp_addr_len(&addr), "tftp");
	if (err) {
		log_err("tftp: bind to %s failed: %s; is another TFTP server running?",
			tftp_addr_text(&addr, text, sizeof(text)), strerror(-err));
		return err;
	}
	addr_len = sizeof(addr);
	if (getsockname(srv->sock, &addr.sa, &addr_len) < 0)
		return -errno;
	srv->bound = addr;
	srv->port = ntohs(srv->family == AF_INET6 ? addr.sin6.sin6_port : addr.sin.sin_port);
	return 0;
}

/* Register the provided buffer ring of the multishot receive and fill it. */
static int setup_buf_ring(struct rb_tftp_server *srv)
{
	struct io_uring_buf_reg reg = { 0 };
	void *mem;
	int ret;

	srv->buf_ring_bytes = TFTP_LISTEN_BUFS * sizeof(struct io_uring_buf);
	mem = mmap(NULL, srv->buf_ring_bytes, PROT_READ | PROT_WRITE,
		   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	srv->buf_ring = mem;
	srv->bufs = malloc((size_t)TFTP_LISTEN_BUFS * TFTP_LISTEN_BUF_SIZE);
	if (!srv->bufs)
		return -ENOMEM;

	reg.ring_addr = (uint64_t)(uintptr_t)mem;
	reg.ring_entries = TFTP_LISTEN_BUFS;
	reg.bgid = srv->cfg.buf_group;
	ret = io_uring_register_buf_ring(srv->ring, &reg, 0);
	if (ret < 0) {
		log_err("tftp: registering buffer group %u failed: %s; the kernel needs 5.19 or "
			"later, and the group ID must be unique in the ring", srv->cfg.buf_group,
			strerror(-ret));
		return ret;
	}
	srv->buf_ring_registered = true;

	io_uring_buf_ring_init(srv->buf_ring);
	for (unsigned i = 0; i < TFTP_LISTEN_BUFS; i++)
		io_uring_buf_ring_add(srv->buf_ring, srv->bufs + (size_t)i * TFTP_LISTEN_BUF_SIZE,
				      TFTP_LISTEN_BUF_SIZE, (unsigned short)i,
				      io_uring_buf_ring_mask(TFTP_LISTEN_BUFS), (int)i);
	io_uring_buf_ring_advance(srv->buf_ring, TFTP_LISTEN_BUFS);

	/* Multishot recvmsg lays out name and control by these two sizes. */
	srv->listen_msg.msg_namelen = srv->family == AF_INET6 ? sizeof(struct sockaddr_in6) :
								 sizeof(struct sockaddr_in);
	srv->listen_msg.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) +
					 CMSG_SPACE(sizeof(struct in6_pktinfo));
	return 0;
}

static int setup_slots(struct rb_tftp_server *srv)
{
	srv->xfers = calloc(srv->cfg.max_transfers, sizeof(*srv->xfers));
	if (!srv->xfers)
		return -ENOMEM;

	for (unsigned i = srv->cfg.max_transfers; i-- > 0;) {
		struct tftp_xfer *x = &srv->xfers[i];

		x->index = i;
		x->sock = -1;
		x->file.fd = -1;
		x->next = srv->free_list;
		srv->free_list = x;
	}
	return 0;
}

int rb_tftp_server_new(struct io_uring *ring, const struct rb_tftp_config *cfg,
		       struct rb_tftp_server **out)
{
	struct rb_tftp_server *srv;
	int ret;

	*out = NULL;
	ret = check_config(cfg);
	if (ret < 0)
		return ret;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->ring = ring;
	srv->cfg = *cfg;
	srv->sock = -1;
	strcpy(srv->root, cfg->root);
	srv->cfg.root = srv->root;
	srv->stray_len = (size_t)rb_tftp_encode_error(srv->stray_pkt, sizeof(srv->stray_pkt),
						      RB_TFTP_EBADID, "unknown transfer ID");

	srv->root_fd = open(srv->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv->root_fd < 0) {
		ret = -errno;
		log_err("tftp: cannot open the root folder %s: %s; create it or fix the TFTP root",
			srv->root, strerror(-ret));
		goto fail;
	}

	ret = open_server_socket(srv);
	if (ret == 0)
		ret = setup_slots(srv);
	if (ret == 0)
		ret = setup_buf_ring(srv);
	if (ret < 0) {
		log_err("tftp: setting up the server on port %u failed: %s", cfg->port,
			strerror(-ret));
		goto fail;
	}

	*out = srv;
	return 0;

fail:
	if (srv->buf_ring_registered)
		io_uring_unregister_buf_ring(ring, srv->cfg.buf_group);
	srv->buf_ring_registered = false;
	srv->drained = true;
	rb_tftp_server_free(srv);
	return ret;
}

int rb_tftp_server_set_root(struct rb_tftp_server *srv, const char *root)
{
	int fd, err;

	if (strcmp(root, srv->root) == 0)
		return 0;
	if (root[0] == '\0' || strlen(root) >= sizeof(srv->root)) {
		log_err("tftp: root folder '%.64s' is empty or longer than %zu bytes; set another "
			"tftp/root", root, sizeof(srv->root) - 1);
		return -EINVAL;
	}
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_err("tftp: cannot open the root folder %s: %s; create it or fix tftp/root; "
			"serving %s as before", root, strerror(-err), srv->root);
		return err;
	}
	/* Transfers in progress read their own open file, not the root. */
	close(srv->root_fd);
	srv->root_fd = fd;
	log_info("tftp: root folder is now %s (was %s)", root, srv->root);
	snprintf(srv->root, sizeof(srv->root), "%s", root);
	return 0;
}

int rb_tftp_server_start(struct rb_tftp_server *srv)
{
	char addr[TFTP_ADDR_TEXT_MAX];
	const char *families = "IPv4";
	int ret;

	if (srv->stopping)
		return -ESHUTDOWN;
	ret = tftp_arm_listen(srv);
	if (ret < 0) {
		log_err("tftp: no free SQE for the server socket receive");
		return ret;
	}
	if (srv->family == AF_INET6)
		families = srv->v6only ? "IPv6" : "IPv4 and IPv6";

	log_info("tftp: serving %s on %s, %s (blksize up to %u, windowsize up to %u, %u retries, "
		 "timeout %u ms, up to %u transfers)", srv->root,
		 tftp_addr_text(&srv->bound, addr, sizeof(addr)), families,
		 srv->cfg.blksize_max, srv->cfg.windowsize_max, srv->cfg.retries,
		 srv->cfg.timeout_ms, srv->cfg.max_transfers);
	return 0;
}

static struct tftp_xfer *find_xfer(struct rb_tftp_server *srv, struct tftp_user_data ud)
{
	struct tftp_xfer *x;

	if (ud.index >= srv->cfg.max_transfers)
		return NULL;
	x = &srv->xfers[ud.index];
	if (x->state == TFTP_XFER_FREE || x->gen != ud.gen)
		return NULL;
	return x;
}

int rb_tftp_handle_cqe(struct rb_tftp_server *srv, const struct io_uring_cqe *cqe)
{
	struct tftp_user_data ud;
	struct tftp_xfer *x;

	if (!rb_tftp_owns(cqe->user_data))
		return -EINVAL;
	ud = tftp_user_data_decode(cqe->user_data);

	switch (ud.op) {
	case TFTP_OP_LISTEN_RECV:
		tftp_listen_complete(srv, cqe);
		return 0;
	case TFTP_OP_REPLY_SEND:
		tftp_reply_complete(srv, ud.index, cqe->res);
		return 0;
	case TFTP_OP_CANCEL:
		return 0;
	case TFTP_OP_XFER_RECV:
	case TFTP_OP_XFER_SEND:
	case TFTP_OP_XFER_STRAY:
		break;
	default:
		return -EINVAL;
	}

	/* Slots are reused only after their last completion, so this is a bug. */
	x = find_xfer(srv, ud);
	if (!x) {
		log_err("tftp: completion for transfer slot %u generation %u, which is not active",
			ud.index, ud.gen);
		return 0;
	}
	if (ud.op == TFTP_OP_XFER_RECV)
		tftp_xfer_recv_complete(srv, x, cqe->res);
	else if (ud.op == TFTP_OP_XFER_SEND)
		tftp_xfer_send_complete(srv, x, ud.window_slot, cqe->res);
	else
		tftp_xfer_stray_complete(srv, x, cqe->res);
	return 0;
}

void tftp_summary_add(struct rb_tftp_server *srv, uint64_t bytes, uint64_t now_ms)
{
	if (srv->summary.done == 0)
		srv->summary.since_ms = now_ms;
	srv->summary.done++;
	srv->summary.bytes += bytes;
}

/* Log the transfers done in the open interval, and close it. */
static void summary_flush(struct rb_tftp_server *srv, uint64_t now_ms)
{
	struct tftp_summary *s = &srv->summary;
	uint64_t seconds = now_ms > s->since_ms ? (now_ms - s->since_ms + 999) / 1000 : 1;

	if (s->done == 0)
		return;
	log_info("tftp: %llu transfers done, %llu bytes sent, in the last %llu s",
		 (unsigned long long)s->done, (unsigned long long)s->bytes,
		 (unsigned long long)seconds);
	*s = (struct tftp_summary){ 0 };
}

void rb_tftp_server_tick(struct rb_tftp_server *srv, uint64_t now_ms)
{
	struct tftp_xfer *x, *next;

	if (srv->listen_rearm && !srv->stopping)
		tftp_arm_listen(srv);

	/* The timer may release x, which rewrites x->next. */
	for (x = srv->active; x; x = next) {
		next = x->next;
		tftp_xfer_timer(srv, x, now_ms);
	}

	if (srv->summary.done > 0 && now_ms >= srv->summary.since_ms + TFTP_SUMMARY_INTERVAL_MS)
		summary_flush(srv, now_ms);
}

uint64_t rb_tftp_server_next_deadline_ms(const struct rb_tftp_server *srv)
{
	uint64_t next = UINT64_MAX;

	if (srv->listen_rearm && !srv->stopping)
		return 0;
	if (srv->summary.done > 0)
		next = srv->summary.since_ms + TFTP_SUMMARY_INTERVAL_MS;
	for (const struct tftp_xfer *x = srv->active; x; x = x->next) {
		if (x->state == TFTP_XFER_WAIT_ACK && x->deadline_ms < next)
			next = x->deadline_ms;
	}
	return next;
}

uint16_t rb_tftp_server_port(const struct rb_tftp_server *srv)
{
	return srv->port;
}

unsigned rb_tftp_server_active(const struct rb_tftp_server *srv)
{
	return srv->n_active;
}

const struct rb_tftp_counters *rb_tftp_server_counters(const struct rb_tftp_server *srv)
{
	return &srv->counters;
}

void rb_tftp_server_stop(struct rb_tftp_server *srv)
{
	struct tftp_xfer *x, *next;
	unsigned ended = 0;

	if (srv->stopping)
		return;
	srv->stopping = true;
	srv->listen_rearm = false;
	if (srv->listen_armed &&
	    tftp_cancel(srv, tftp_user_data_encode(TFTP_OP_LISTEN_RECV, 0, 0)) < 0)
		shutdown(srv->sock, SHUT_RD);

	for (x = srv->active; x; x = next) {
		next = x->next;
		if (x->state == TFTP_XFER_WAIT_ACK)
			ended++;
		tftp_xfer_abort(srv, x, "server stopping");
	}
	summary_flush(srv, rb_tftp_now_ms());
	log_info("tftp: stopping, %u transfers ended", ended);
	tftp_check_drained(srv);
}

void tftp_check_drained(struct rb_tftp_server *srv)
{
	if (srv->drained || !srv->stopping || srv->listen_armed || srv->n_active > 0 ||
	    srv->replies_busy > 0)
		return;

	if (srv->buf_ring_registered)
		io_uring_unregister_buf_ring(srv->ring, srv->cfg.buf_group);
	srv->buf_ring_registered = false;
	srv->drained = true;
}

bool rb_tftp_server_drained(const struct rb_tftp_server *srv)
{
	return srv->drained;
}

void rb_tftp_server_free(struct rb_tftp_server *srv)
{
	if (!srv)
		return;

	tftp_xdp_free(srv);
	/* Slots still in use here belong to a ring that io_uring_queue_exit ended. */
	for (unsigned i = 0; srv->xfers && i < srv->cfg.max_transfers; i++)
		tftp_xfer_free_resources(&srv->xfers[i]);
	free(srv->xfers);

	if (srv->sock >= 0)
		close(srv->sock);
	if (srv->root_fd >= 0)
		close(srv->root_fd);
	if (srv->buf_ring)
		munmap(srv->buf_ring, srv->buf_ring_bytes);
	free(srv->bufs);
	free(srv);
}
