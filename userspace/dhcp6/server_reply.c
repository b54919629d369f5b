// SPDX-License-Identifier: MIT
/*
 * Templates and sending of the DHCPv6 slow path's replies.  A reply to a
 * relayed message is wrapped in one Relay-reply per relay level and goes
 * to the relay that sent the Relay-forward.  A direct reply goes to the
 * client's address at the client port, out of the arrival interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "dhcp6/server_internal.h"

static struct rb_log_repeat repeat_send_failed =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dhcpv6: sending a reply failed");

const struct rb_dhcp6_template *rb_dhcp6_template_for(const struct rb_dhcp6_server *srv,
						      int subnet,
						      const struct rb_cfg_device *device)
{
	const struct rb_dhcp6_templates *t = &srv->templates;
	uint32_t id = RB_DHCP6_NO_TEMPLATE;

	if (device && t->device_template)
		id = t->device_template[device - srv->config->devices];
	else if (!device && t->pool_template)
		id = t->pool_template[subnet];
	if (id != RB_DHCP6_NO_TEMPLATE && id < t->count)
		return &t->items[id];
	return &srv->subnet_templates[subnet];
}

/* sendmsg with the outgoing interface in IPV6_PKTINFO, needed for link-local destinations. */
static int send_socket(struct rb_dhcp6_server *srv, const struct sockaddr_in6 *to, int ifindex,
		       const void *msg, size_t len)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = sizeof(*to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	if (ifindex > 0) {
		struct in6_pktinfo info = { .ipi6_ifindex = (unsigned int)ifindex };
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(c), &info, sizeof(info));
	}
	if (sendmsg(srv->udp_fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

int rb_dhcp6_send_reply(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o, size_t len)
{
	struct sockaddr_in6 to = o->peer;
	char addr[INET6_ADDRSTRLEN];
	ssize_t wrapped;
	int ifindex = 0, err;

	wrapped = rb_relay6_wrap(&o->chain, srv->work.out.b, len, srv->reply, sizeof(srv->reply));
	if (wrapped < 0) {
		rb_dhcp6_count(srv, RB_D6C_SEND_FAILED);
		rb_log_repeat(&repeat_send_failed, "dhcpv6: the reply of %zu bytes does not fit "
			      "its %u Relay-reply levels; it is dropped", len, o->chain.n_levels);
		return (int)wrapped;
	}

	if (o->chain.n_levels) {
		to.sin6_port = htons(srv->relay_port);
	} else {
		to.sin6_port = htons(srv->cfg.client_port);
		if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr)) {
			ifindex = o->ifindex;
			if (!to.sin6_scope_id)
				to.sin6_scope_id = (uint32_t)o->ifindex;
		}
	}

	if (srv->cfg.send)
		err = srv->cfg.send(srv->cfg.send_arg, &to, ifindex, srv->reply, (size_t)wrapped);
	else
		err = send_socket(srv, &to, ifindex, srv->reply, (size_t)wrapped);
	if (err) {
		rb_dhcp6_count(srv, RB_D6C_SEND_FAILED);
		inet_ntop(AF_INET6, &to.sin6_addr, addr, sizeof(addr));
		rb_log_repeat(&repeat_send_failed, "dhcpv6: sending a reply to [%s]:%u failed: %s",
			      addr, ntohs(to.sin6_port), strerror(-err));
	}
	return err;
}
