// SPDX-License-Identifier: MIT
/*
 * Socket, multicast membership, templates and io_uring receives of the
 * DHCPv6 slow path; the handling of each message is in server_handle.c.
 *
 * Each receive slot has one recvmsg in the ring at a time and is queued
 * again after its completion.  The user_data payload is the slot index.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/udp_server.h"
#include "common/uring_recv.h"
#include "dhcp6/server_internal.h"

#define MACHINE_ID_PATH	"/etc/machine-id"

static struct rb_log_repeat repeat_recv_error =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dhcpv6: receive on the server socket failed");

static int64_t realtime_now(void *arg)
{
	return (int64_t)time(NULL);
}

static int open_udp(uint16_t port)
{
	struct sockaddr_in6 addr = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	/*
	 * IPV6_RECVPKTINFO names the arrival interface, which chooses the
	 * subnet of a direct message.  No SO_REUSEADDR, for the reason the
	 * DHCPv4 socket has none: a second server would reply as well.
	 */
	static const struct rb_sockopt opts[] = {
		{ IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
		{ IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
	};

	return rb_udp_server_open("dhcpv6", "DHCPv6", (struct sockaddr *)&addr, sizeof(addr), opts,
				  sizeof(opts) / sizeof(opts[0]));
}

/* Join All_DHCP_Relay_Agents_and_Servers (ff02::1:2) on each subnet6 interface. */
static int join_groups(struct rb_dhcp6_server *srv)
{
	const struct rb_config *cfg = srv->config;

	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		const char *name = cfg->subnets6[i].interface;
		struct ipv6_mreq mreq = { .ipv6mr_interface = 0 };
		unsigned int ifindex;

		if (!name[0])
			continue;
		ifindex = if_nametoindex(name);
		if (!ifindex) {
			log_err("dhcpv6: interface %s of subnet6 %s not found: %s; create it or "
				"change the subnet's interface", name, cfg->subnets6[i].name,
				strerror(errno));
			return -ENODEV;
		}
		inet_pton(AF_INET6, "ff02::1:2", &mreq.ipv6mr_multiaddr);
		mreq.ipv6mr_interface = ifindex;
		/* Two subnets on one interface join once; the second join fails with EADDRINUSE. */
		if (setsockopt(srv->udp_fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)) < 0 &&
		    errno != EADDRINUSE) {
			int err = -errno;

			log_err("dhcpv6: joining ff02::1:2 on %s failed: %s", name, strerror(-err));
			return err;
		}
		log_debug("dhcpv6: joined ff02::1:2 on %s (subnet6 %s)", name, cfg->subnets6[i].name);
	}
	return 0;
}

/*
 * Per subnet6 of cfg, a template for messages that get no address from a
 * pool or device template: Information-request and Confirm on a subnet
 * without a pool, and replies with NoAddrsAvail.
 */
static int build_subnet_templates(const struct rb_dhcp6_server *srv, const struct rb_config *cfg,
				  struct rb_dhcp6_template **out)
{
	static const struct rb_cfg_profile empty_profile;
	struct rb_dhcp6_template *t;

	*out = NULL;
	if (cfg->n_subnets6 == 0)
		return 0;
	t = calloc(cfg->n_subnets6, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		const struct rb_cfg_subnet6 *s = &cfg->subnets6[i];
		const struct rb_cfg_profile *p = s->pool_profile < cfg->n_profiles ?
						 &cfg->profiles[s->pool_profile] : &empty_profile;
		int err = rb_dhcp6_template_encode(s, p, srv->cfg.server_duid,
						   srv->cfg.server_duid_len, &t[i]);

		if (err) {
			free(t);
			return err;
		}
	}
	*out = t;
	return 0;
}

static int setup(struct rb_dhcp6_server *srv)
{
	size_t duid_len = srv->cfg.server_duid_len;
	int err;

	if (duid_len == 0) {
		err = rb_dhcp6_server_duid(srv->config, MACHINE_ID_PATH, srv->cfg.server_duid,
					   &duid_len);
		if (err)
			return err;
		srv->cfg.server_duid_len = (uint8_t)duid_len;
	}
	err = rb_dhcp6_templates_build(srv->config, srv->cfg.server_duid, duid_len,
				       &srv->templates);
	if (err)
		return err;
	err = build_subnet_templates(srv, srv->config, &srv->subnet_templates);
	if (err)
		return err;

	srv->udp_fd = open_udp(srv->cfg.server_port);
	if (srv->udp_fd < 0)
		return srv->udp_fd;
	if (!srv->cfg.no_multicast)
		return join_groups(srv);
	return 0;
}

int rb_dhcp6_server_set_config(struct rb_dhcp6_server *srv, const struct rb_config *config)
{
	const struct rb_config *old = srv->config;
	struct rb_dhcp6_template *subnet_templates;
	struct rb_dhcp6_templates templates;
	int err;

	err = rb_dhcp6_templates_build(config, srv->cfg.server_duid, srv->cfg.server_duid_len,
				       &templates);
	if (err)
		return err;
	err = build_subnet_templates(srv, config, &subnet_templates);
	if (err) {
		rb_dhcp6_templates_free(&templates);
		return err;
	}
	/* Groups joined for the old subnets stay joined; messages there find no subnet6. */
	srv->config = config;
	err = srv->cfg.no_multicast ? 0 : join_groups(srv);
	if (err) {
		srv->config = old;
		rb_dhcp6_templates_free(&templates);
		free(subnet_templates);
		return err;
	}
	srv->cfg.config = config;
	rb_dhcp6_templates_free(&srv->templates);
	free(srv->subnet_templates);
	srv->templates = templates;
	srv->subnet_templates = subnet_templates;
	return 0;
}

int rb_dhcp6_server_new(struct io_uring *ring, const struct rb_dhcp6_server_config *cfg,
			struct rb_dhcp6_server **out)
{
	struct rb_dhcp6_server *srv;
	int err;

	*out = NULL;
	if (!cfg->config || !cfg->store) {
		log_err("dhcpv6: the server needs a config and a lease store");
		return -EINVAL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->ring = ring;
	srv->cfg = *cfg;
	srv->config = cfg->config;
	srv->udp_fd = -1;
	if (!srv->cfg.now)
		srv->cfg.now = realtime_now;

	err = setup(srv);
	if (err) {
		rb_dhcp6_server_free(srv);
		return err;
	}

	/* Replies to a relay agent go to the server port it sends from (RFC 8415 section 7.2). */
	srv->relay_port = cfg->relay_port ? cfg->relay_port : rb_dhcp6_server_port(srv);
	*out = srv;
	return 0;
}

uint16_t rb_dhcp6_server_port(const struct rb_dhcp6_server *srv)
{
	struct sockaddr_in6 addr;
	socklen_t len = sizeof(addr);

	if (getsockname(srv->udp_fd, (struct sockaddr *)&addr, &len) < 0)
		return 0;
	return ntohs(addr.sin6_port);
}

const uint64_t *rb_dhcp6_server_counters(const struct rb_dhcp6_server *srv)
{
	return srv->counters;
}

const uint8_t *rb_dhcp6_server_get_duid(const struct rb_dhcp6_server *srv, size_t *len)
{
	*len = srv->cfg.server_duid_len;
	return srv->cfg.server_duid;
}

/* Queue the recvmsg of one slot; false when the submission queue is full. */
static bool recv_queue(struct rb_dhcp6_server *srv, unsigned int slot)
{
	struct rb_dhcp6_recv *r = &srv->recv[slot];
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
				    rb_uring_tag(RB_URING_OWNER_DHCP6, slot)))
		return false;
	r->queued = true;
	return true;
}

int rb_dhcp6_server_start(struct rb_dhcp6_server *srv)
{
	for (unsigned int i = 0; i < RB_DHCP6_RECV_SLOTS; i++) {
		if (!recv_queue(srv, i)) {
			log_err("dhcpv6: the io_uring submission queue is full; start with a "
				"larger ring");
			return -EBUSY;
		}
	}
	return 0;
}

/* The arrival interface from the IPV6_PKTINFO control message, 0 if absent. */
static int recv_ifindex(struct rb_dhcp6_recv *r)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&r->msg); c; c = CMSG_NXTHDR(&r->msg, c)) {
		struct in6_pktinfo info;

		if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO)
			continue;
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		return (int)info.ipi6_ifindex;
	}
	return 0;
}

int rb_dhcp6_server_handle_cqe(struct rb_dhcp6_server *srv, const struct io_uring_cqe *cqe)
{
	uint64_t slot = rb_uring_payload(cqe->user_data);
	struct rb_dhcp6_recv *r;

	if (!rb_dhcp6_owns(cqe->user_data) || slot >= RB_DHCP6_RECV_SLOTS)
		return -EINVAL;
	r = &srv->recv[slot];
	r->queued = false;

	if (cqe->res >= 0) {
		/* A datagram longer than the buffer is reported by its full length. */
		size_t len = (size_t)cqe->res;

		rb_dhcp6_server_handle(srv, recv_ifindex(r), &r->peer, r->data,
				       len > sizeof(r->data) ? sizeof(r->data) + 1 : len);
	} else if (cqe->res != -ECANCELED) {
		rb_log_repeat(&repeat_recv_error, "dhcpv6: receive on the server socket failed: %s",
			      strerror(-cqe->res));
	}

	if (!srv->stopping)
		recv_queue(srv, (unsigned int)slot);
	return 0;
}

void rb_dhcp6_server_tick(struct rb_dhcp6_server *srv)
{
	if (srv->stopping)
		return;
	for (unsigned int i = 0; i < RB_DHCP6_RECV_SLOTS; i++) {
		if (!srv->recv[i].queued && !recv_queue(srv, i))
			return;
	}
}

void rb_dhcp6_server_stop(struct rb_dhcp6_server *srv)
{
	srv->stopping = true;
}

void rb_dhcp6_server_free(struct rb_dhcp6_server *srv)
{
	if (!srv)
		return;
	if (srv->udp_fd >= 0)
		close(srv->udp_fd);
	rb_dhcp6_templates_free(&srv->templates);
	free(srv->subnet_templates);
	free(srv);
}
