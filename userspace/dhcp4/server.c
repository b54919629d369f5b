// SPDX-License-Identifier: MIT
/*
 * Sockets and io_uring receives of the DHCPv4 slow path; the handling of
 * each message is in server_handle.c.
 *
 * Each receive slot has one recvmsg in the ring at a time and is queued
 * again after its completion.  The user_data payload is the slot index.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/udp_server.h"
#include "common/uring_recv.h"
#include "dhcp4/server_internal.h"
#include "xdp/device_state.h"

static struct rb_log_repeat repeat_recv_error =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dhcpv4: receive on the server socket failed");

static int open_udp(uint16_t port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	/*
	 * IP_PKTINFO names the ingress interface, which chooses source MAC and
	 * socket.  No SO_REUSEADDR, because with it a second DHCP server that
	 * sets it too binds the same port, and both reply to every broadcast.
	 */
	static const struct rb_sockopt opts[] = {
		{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST" },
		{ IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO" },
	};

	return rb_udp_server_open("dhcpv4", "DHCP", (struct sockaddr *)&addr, sizeof(addr), opts,
				  sizeof(opts) / sizeof(opts[0]));
}

static int open_packet(void)
{
	/* Protocol 0: the socket receives nothing, it only sends whole frames. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		int err = -errno;

		log_err("dhcpv4: opening the AF_PACKET socket for replies failed: %s (needs "
			"CAP_NET_RAW)", strerror(-err));
		return err;
	}
	return fd;
}

int rb_dhcp4_server_new(struct io_uring *ring, const struct rb_dhcp4_server_config *cfg,
			struct rb_dhcp4_server **out)
{
	struct rb_dhcp4_server *srv;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->ring = ring;
	srv->cfg = *cfg;
	if (!srv->cfg.counters)
		srv->cfg.counters = srv->own_counters;
	srv->packet_fd = -1;

	srv->udp_fd = open_udp(cfg->server_port);
	if (srv->udp_fd < 0) {
		int err = srv->udp_fd;

		free(srv);
		return err;
	}
	srv->packet_fd = open_packet();
	if (srv->packet_fd < 0) {
		int err = srv->packet_fd;

		close(srv->udp_fd);
		free(srv);
		return err;
	}

	/* Replies to a relay agent go to its server port (RFC 2131 section 4.1). */
	srv->relay_port = cfg->relay_port ? cfg->relay_port : rb_dhcp4_server_port(srv);
	*out = srv;
	return 0;
}

void rb_dhcp4_server_set_maps(struct rb_dhcp4_server *srv, int devices_fd, int templates_fd,
			      int ifaces_fd, uint64_t *counters)
{
	srv->cfg.devices_fd = devices_fd;
	srv->cfg.templates_fd = templates_fd;
	srv->cfg.ifaces_fd = ifaces_fd;
	srv->cfg.counters = counters ? counters : srv->own_counters;
}

uint16_t rb_dhcp4_server_port(const struct rb_dhcp4_server *srv)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	if (getsockname(srv->udp_fd, (struct sockaddr *)&addr, &len) < 0)
		return 0;
	return ntohs(addr.sin_port);
}

/* Queue the recvmsg of one slot; false when the submission queue is full. */
static bool recv_queue(struct rb_dhcp4_server *srv, unsigned int slot)
{
	struct rb_dhcp4_recv *r = &srv->recv[slot];
	const struct rb_uring_recv_buffers b = {
		.msg = &r->msg,
		.iov = &r->iov,
		.data = r->data,
		.data_len = sizeof(r->data),
		.peer = &r->peer,
		.peer_len = sizeof(r->peer),
		.control = r->control.buf,
		.control_len = sizeof(r->control.buf),
	};

	if (!rb_uring_queue_recvmsg(srv->ring, srv->udp_fd, &b,
				    rb_uring_tag(RB_URING_OWNER_DHCP4, slot)))
		return false;
	r->queued = true;
	return true;
}

int rb_dhcp4_server_start(struct rb_dhcp4_server *srv)
{
	int err;

	if (srv->cfg.devices_fd < 0 || srv->cfg.templates_fd < 0 || srv->cfg.ifaces_fd < 0) {
		log_err("dhcpv4: starting the slow path without its maps; call "
			"rb_dhcp4_server_set_maps() first");
		return -EINVAL;
	}
	err = rb_dhcp4_server_pool_start(srv);
	if (err)
		return err;
	for (unsigned int i = 0; i < RB_DHCP4_RECV_SLOTS; i++) {
		if (!recv_queue(srv, i)) {
			log_err("dhcpv4: the io_uring submission queue is full; start with a "
				"larger ring");
			return -EBUSY;
		}
	}
	return 0;
}

/* The ingress interface from the IP_PKTINFO control message, 0 if absent. */
static int recv_ifindex(struct rb_dhcp4_recv *r)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&r->msg); c; c = CMSG_NXTHDR(&r->msg, c)) {
		struct in_pktinfo info;

		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		return info.ipi_ifindex;
	}
	return 0;
}

int rb_dhcp4_server_handle_cqe(struct rb_dhcp4_server *srv, const struct io_uring_cqe *cqe)
{
	uint64_t slot = rb_uring_payload(cqe->user_data);
	struct rb_dhcp4_recv *r;

	if (!rb_dhcp4_owns(cqe->user_data) || slot >= RB_DHCP4_RECV_SLOTS)
		return -EINVAL;
	r = &srv->recv[slot];
	r->queued = false;

	if (cqe->res >= 0) {
		/* A datagram longer than the buffer is reported by its full length. */
		size_t len = (size_t)cqe->res;

		rb_dhcp4_server_handle(srv, recv_ifindex(r), r->data,
				       len > sizeof(r->data) ? RB_DHCP4_MAX_LEN + 1 : len);
	} else if (cqe->res != -ECANCELED) {
		rb_log_repeat(&repeat_recv_error, "dhcpv4: receive on the server socket failed: %s",
			      strerror(-cqe->res));
	}

	if (!srv->stopping)
		recv_queue(srv, (unsigned int)slot);
	return 0;
}

void rb_dhcp4_server_tick(struct rb_dhcp4_server *srv)
{
	uint64_t now_ns;

	if (srv->stopping)
		return;
	now_ns = rb_boottime_ns();
	if (srv->expire_resume ||
	    now_ns - srv->expire_pass_ns >= RB_DHCP4_EXPIRE_PERIOD_MS * UINT64_C(1000000)) {
		if (!srv->expire_resume)
			srv->expire_pass_ns = now_ns;
		rb_dhcp4_server_pool_expire(srv, now_ns);
	}
	rb_dhcp4_server_pool_refill(srv, now_ns);
	for (unsigned int i = 0; i < RB_DHCP4_RECV_SLOTS; i++) {
		if (!srv->recv[i].queued && !recv_queue(srv, i))
			return;
	}
}

void rb_dhcp4_server_stop(struct rb_dhcp4_server *srv)
{
	srv->stopping = true;
}

void rb_dhcp4_server_free(struct rb_dhcp4_server *srv)
{
	if (!srv)
		return;
	close(srv->udp_fd);
	close(srv->packet_fd);
	rb_dhcp4_server_pool_free(srv);
	free(srv);
}
