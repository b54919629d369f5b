// SPDX-License-Identifier: MIT
/*
 * One DHCPv4 message on the slow path: parse it, classify it, reply to
 * known devices with the shared codec, and update the device record the
 * way the XDP program does (phase times, reply count, from_xdp = 0).
 *
 * Every message is counted once in RB_UC_RX and at most once more in the
 * counter of its outcome.  Floods of one kind (malformed messages,
 * unknown devices) are logged through rb_log_repeat: the first in full,
 * then a summary per second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "dhcp4/server_internal.h"
#include "leases/leases.h"
#include "xdp/device_state.h"

#define REPEAT(level, text) RB_LOG_REPEAT_INIT(level, text)

/* One class per enum rb_dhcp4_parse_error. */
static struct rb_log_repeat repeat_malformed[] = {
	[RB_D4_ESHORT] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: shorter than the BOOTP header"),
	[RB_D4_EOP] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: op is not BOOTREQUEST"),
	[RB_D4_EHLEN] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: hlen above 16"),
	[RB_D4_ECOOKIE] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: magic cookie missing"),
	[RB_D4_EOPTION] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: option runs past the end"),
	[RB_D4_ENOEND] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: no end option"),
	[RB_D4_EBADLEN] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: option with an invalid length"),
	[RB_D4_ELONG] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: longer than 1472 bytes"),
	[RB_D4_ETOOMANY] = REPEAT(RB_LOG_WARN, "dhcpv4: malformed message: more than 255 options"),
};

static struct rb_log_repeat repeat_bootreply =
	REPEAT(RB_LOG_INFO, "dhcpv4: BOOTREPLY ignored");
static struct rb_log_repeat repeat_wrong_link =
	REPEAT(RB_LOG_INFO, "dhcpv4: relayed request from a device on another link ignored");
static struct rb_log_repeat repeat_not_ethernet =
	REPEAT(RB_LOG_INFO, "dhcpv4: request with a non-Ethernet chaddr ignored");
static struct rb_log_repeat repeat_bootp =
	REPEAT(RB_LOG_INFO, "dhcpv4: BOOTP request ignored");
static struct rb_log_repeat repeat_iface_off =
	REPEAT(RB_LOG_INFO, "dhcpv4: request on an interface without DHCPv4 ignored");
static struct rb_log_repeat repeat_unknown =
	REPEAT(RB_LOG_INFO, "dhcpv4: request from a MAC not in the inventory ignored");
static struct rb_log_repeat repeat_client_msg =
	REPEAT(RB_LOG_INFO, "dhcpv4: INFORM, DECLINE or RELEASE from a device ignored");
static struct rb_log_repeat repeat_other_type =
	REPEAT(RB_LOG_INFO, "dhcpv4: request of a message type clients do not send ignored");
static struct rb_log_repeat repeat_other_server =
	REPEAT(RB_LOG_DEBUG, "dhcpv4: REQUEST for another server ignored");
static struct rb_log_repeat repeat_not_authoritative =
	REPEAT(RB_LOG_INFO, "dhcpv4: REQUEST for an address not held ignored (not authoritative)");
static struct rb_log_repeat repeat_request_invalid =
	REPEAT(RB_LOG_INFO, "dhcpv4: REQUEST without option 50 or ciaddr ignored");
static struct rb_log_repeat repeat_no_template =
	REPEAT(RB_LOG_ERR, "dhcpv4: device without a reply template");
static struct rb_log_repeat repeat_build_failed =
	REPEAT(RB_LOG_ERR, "dhcpv4: building a reply failed");
static struct rb_log_repeat repeat_send_failed =
	REPEAT(RB_LOG_ERR, "dhcpv4: sending a reply failed");
static struct rb_log_repeat repeat_update_failed =
	REPEAT(RB_LOG_ERR, "dhcpv4: updating a device record failed");

/* Names and addresses of one message, formatted once for its log lines. */
struct msg_names {
	char ifname[IF_NAMESIZE + 8 + 32];	/* and the relay agent, for relayed requests */
	char mac[18];
};

static void names_init(struct msg_names *n, int ifindex, const uint8_t *msg, size_t len)
{
	if (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, n->ifname))
		snprintf(n->ifname, sizeof(n->ifname), "ifindex %d", ifindex);

	/* chaddr is read from the raw bytes, since malformed messages have it too. */
	if (len >= RB_BOOTP_CHADDR + ETH_ALEN)
		rb_mac_format(msg + RB_BOOTP_CHADDR, n->mac);
	else
		snprintf(n->mac, sizeof(n->mac), "(none)");
}

/* Append the relay agent to the interface name: "rb1 through relay 10.0.0.1". */
static void names_add_relay(struct msg_names *n, uint32_t giaddr)
{
	char addr[INET_ADDRSTRLEN];
	size_t used = strlen(n->ifname);

	inet_ntop(AF_INET, &giaddr, addr, sizeof(addr));
	snprintf(n->ifname + used, sizeof(n->ifname) - used, " through relay %s", addr);
}

static void malformed(struct rb_dhcp4_server *srv, int err, const struct msg_names *n)
{
	size_t classes = sizeof(repeat_malformed) / sizeof(repeat_malformed[0]);

	rb_dhcp4_count(srv, RB_UC_MALFORMED);
	if (err <= RB_D4_OK || (size_t)err >= classes) {
		log_warn("dhcpv4: malformed message on %s from chaddr %s: parse error %d",
			 n->ifname, n->mac, err);
		return;
	}
	rb_log_repeat(&repeat_malformed[err], "%s (on %s, chaddr %s)", repeat_malformed[err].what,
		      n->ifname, n->mac);
}

static const char *msg_type_name(unsigned int type)
{
	static const char *const names[] = {
		[RB_DHCPDISCOVER] = "DISCOVER", [RB_DHCPOFFER] = "OFFER",
		[RB_DHCPREQUEST] = "REQUEST", [RB_DHCPDECLINE] = "DECLINE",
		[RB_DHCPACK] = "ACK", [RB_DHCPNAK] = "NAK",
		[RB_DHCPRELEASE] = "RELEASE", [RB_DHCPINFORM] = "INFORM",
	};

	if (type >= sizeof(names) / sizeof(names[0]) || !names[type])
		return "unknown";
	return names[type];
}

/* "OFFER (message type 2)", or "message type 99" for a type without a name. */
static const char *msg_type_text(unsigned int type, char *buf, size_t size)
{
	const char *name = msg_type_name(type);

	if (strcmp(name, "unknown") == 0)
		snprintf(buf, size, "message type %u", type);
	else
		snprintf(buf, size, "%s (message type %u)", name, type);
	return buf;
}

/* Write the Ethernet frame of the built reply to the ingress interface. */
static int send_reply(struct rb_dhcp4_server *srv, int ifindex, const struct rb_iface *iface,
		      const struct rb_dhcp4_answer *ans)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};
	uint8_t *frame = srv->frame_buf + RB_DHCP4_FRAME_ALIGN;
	ssize_t sent;
	int len;

	len = rb_dhcp4_frame(&srv->work, ans, iface->mac, srv->cfg.server_port,
			     srv->cfg.client_port, frame,
			     sizeof(srv->frame_buf) - RB_DHCP4_FRAME_ALIGN);
	if (len < 0)
		return -EMSGSIZE;
	memcpy(to.sll_addr, frame, ETH_ALEN);

	sent = sendto(srv->packet_fd, frame, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&to,
		      sizeof(to));
	if (sent < 0)
		return -errno;
	return sent == len ? 0 : -EMSGSIZE;
}

/*
 * Send the built reply to the relay agent at giaddr over the UDP socket,
 * so it leaves from the server port.  A plain sendto, because the reply
 * buffer is reused by the next message and the kernel copies it here;
 * an io_uring send would need a buffer per send kept until completion.
 */
static int send_relayed(struct rb_dhcp4_server *srv, const struct rb_dhcp4_answer *ans)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(srv->relay_port),
		.sin_addr.s_addr = ans->dst_ip,
	};
	ssize_t sent;

	sent = sendto(srv->udp_fd, srv->work.out.b, ans->len, MSG_DONTWAIT,
		      (struct sockaddr *)&to, sizeof(to));
	if (sent < 0)
		return -errno;
	return sent == (ssize_t)ans->len ? 0 : -EMSGSIZE;
}

/* Count and record a reply that was sent, and log it. */
static void reply_sent(struct rb_dhcp4_server *srv, struct rb_device *dev, int type,
		       uint64_t now, const struct msg_names *n)
{
	char addr[INET_ADDRSTRLEN], host[RB_HOSTNAME_MAX * 4 + 1];

	inet_ntop(AF_INET, &dev->ipv4, addr, sizeof(addr));
	rb_escape(dev->hostname, dev->hostname_len, host, sizeof(host));
	dev->from_xdp = 0;
	dev->us_replies++;

	if (type == RB_DHCPOFFER) {
		rb_device_set_phase(dev, RB_PHASE_OFFERED, now);
		rb_dhcp4_count(srv, RB_UC_TX_OFFER);
		log_debug("dhcpv4: OFFER %s to %s (%s) on %s", addr, n->mac, host, n->ifname);
	} else if (type == RB_DHCPACK) {
		rb_device_set_phase(dev, RB_PHASE_LEASED, now);
		dev->lease_ns = now;
		/* answer() writes the lease to the store. */
		dev->journal_ns = now;
		dev->journal_ipv4 = dev->ipv4;
		rb_dhcp4_count(srv, RB_UC_TX_ACK);
		log_info("dhcpv4: ACK %s to %s (%s) on %s", addr, n->mac, host, n->ifname);
	} else {
		rb_dhcp4_count(srv, RB_UC_TX_NAK);
		log_info("dhcpv4: NAK to %s (%s) on %s: it requested an address other than %s",
			 n->mac, host, n->ifname, addr);
	}
}

/*
 * Check that a relayed request comes from the link of the device's
 * subnet.  Subnets do not overlap, so the subnet that contains the link
 * address is the device's subnet exactly when the device's template
 * contains the link address.
 */
static bool on_device_link(struct rb_dhcp4_server *srv, const struct rb_dhcp4_template *tmpl,
			   const struct rb_device *dev, const struct msg_names *n)
{
	uint32_t link = rb_dhcp4_link_address(&srv->work);
	char link_text[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];

	if (rb_dhcp4_template_has_addr(tmpl, link) && rb_dhcp4_template_has_addr(tmpl, dev->ipv4))
		return true;

	inet_ntop(AF_INET, &link, link_text, sizeof(link_text));
	inet_ntop(AF_INET, &dev->ipv4, addr, sizeof(addr));
	rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
	rb_log_repeat(&repeat_wrong_link, "dhcpv4: request from %s on %s ignored: its reserved "
		      "address %s is not in the subnet of link address %s; move the device to a "
		      "subnet of that link or check the relay agent's giaddr and option 82",
		      n->mac, n->ifname, addr, link_text);
	return false;
}

static const char *request_state_name(int state)
{
	switch (state) {
	case RB_D4_REQ_SELECTING:
		return "SELECTING";
	case RB_D4_REQ_INIT_REBOOT:
		return "INIT-REBOOT";
	case RB_D4_REQ_RENEWING:
		return "RENEWING or REBINDING";
	default:
		return "no state";
	}
}

/* Count and log a REQUEST that rb_dhcp4_decide() left unanswered, with its reason. */
static void request_ignored(struct rb_dhcp4_server *srv, const struct rb_dhcp4_template *tmpl,
			    const struct msg_names *n)
{
	const struct rb_dhcp4_request *req = &srv->work.req;
	int state = rb_dhcp4_request_state(req);
	uint32_t requested = state == RB_D4_REQ_RENEWING ? req->ciaddr : req->requested_ip;
	char addr[INET_ADDRSTRLEN];

	rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
	if (req->server_id && req->server_id != tmpl->server_id) {
		rb_log_repeat(&repeat_other_server, "dhcpv4: REQUEST from %s on %s names another "
			      "server; not answered", n->mac, n->ifname);
		return;
	}
	if (state == RB_D4_REQ_INVALID) {
		rb_log_repeat(&repeat_request_invalid, "dhcpv4: REQUEST from %s on %s ignored: it "
			      "has neither option 50 nor ciaddr", n->mac, n->ifname);
		return;
	}
	inet_ntop(AF_INET, &requested, addr, sizeof(addr));
	rb_log_repeat(&repeat_not_authoritative, "dhcpv4: REQUEST (%s) from %s on %s for %s "
		      "ignored: the server does not hold that address for the client, and the "
		      "subnet is not authoritative; set authoritative to true to send a NAK",
		      request_state_name(state), n->mac, n->ifname, addr);
}

/* Build and send the reply; returns the message type sent, or 0. */
static int reply(struct rb_dhcp4_server *srv, int ifindex, const struct rb_iface *iface,
		 const struct rb_device *dev, const struct msg_names *n)
{
	struct rb_dhcp4_template tmpl;
	struct rb_dhcp4_answer ans;
	__u32 id = dev->template_id;
	int err;

	if (bpf_map_lookup_elem(srv->cfg.templates_fd, &id, &tmpl) || tmpl.server_id == 0) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_no_template, "dhcpv4: device %s points at reply template %u, "
			      "which is missing: restart rackbootd to rewrite the maps", n->mac, id);
		return 0;
	}
	if (srv->work.req.giaddr && !on_device_link(srv, &tmpl, dev, n))
		return 0;
	if (rb_dhcp4_answer(&srv->work, &tmpl, dev, iface->mtu, &ans)) {
		rb_dhcp4_count(srv, RB_UC_SEND_FAILED);
		rb_log_repeat(&repeat_build_failed, "dhcpv4: building the reply to %s on %s failed",
			      n->mac, n->ifname);
		return 0;
	}
	if (ans.reply_type == RB_D4_V_IGNORE) {
		request_ignored(srv, &tmpl, n);
		return 0;
	}

	if (ans.relayed)
		err = send_relayed(srv, &ans);
	else
		err = send_reply(srv, ifindex, iface, &ans);
	if (err) {
		rb_dhcp4_count(srv, RB_UC_SEND_FAILED);
		rb_log_repeat(&repeat_send_failed, "dhcpv4: sending the %s to %s on %s failed: %s",
			      msg_type_name((unsigned int)ans.reply_type), n->mac, n->ifname,
			      strerror(-err));
		return 0;
	}
	if (ans.overload)
		log_debug("dhcpv4: %s to %s on %s sent with option overload: options over the "
			  "client's maximum moved into the file and sname fields",
			  msg_type_name((unsigned int)ans.reply_type), n->mac, n->ifname);
	return ans.reply_type;
}

/*
 * DISCOVER or REQUEST from a known device, whose record dev is kept in
 * rb_devices under record_mac: chaddr, or the inventory MAC of a device
 * reserved by relay agent information.
 */
static void answer(struct rb_dhcp4_server *srv, int ifindex, const struct rb_iface *iface,
		   struct rb_device *dev, const uint8_t *record_mac, const struct msg_names *n)
{
	const struct rb_dhcp4_request *req = &srv->work.req;
	uint64_t now = rb_boottime_ns();
	int type, err;

	if (req->msg_type == RB_DHCPDISCOVER)
		rb_device_set_phase(dev, RB_PHASE_DISCOVERED, now);
	if (req->has_client_arch)
		dev->client_arch = req->client_arch;
	if (req->has_uuid) {
		memcpy(dev->uuid, &srv->work.in.b[req->uuid_off], RB_UUID_LEN);
		dev->has_uuid = 1;
	}

	type = reply(srv, ifindex, iface, dev, n);
	if (type)
		reply_sent(srv, dev, type, now, n);
	if (type == RB_DHCPACK)
		rb_leases_granted(srv->cfg.leases, record_mac, dev);

	/* -ENOENT: the device left the inventory meanwhile; nothing to record. */
	err = rb_device_put(srv->cfg.devices_fd, record_mac, dev);
	if (err && err != -ENOENT)
		rb_log_repeat(&repeat_update_failed, "dhcpv4: updating the record of %s failed: %s",
			      n->mac, strerror(-err));
}

/*
 * Checks that XDP makes before its device lookup, in the same order,
 * except that XDP passes every relayed and option-overload request up.  Returns true when
 * the message goes on to the device lookup.
 */
static bool classify(struct rb_dhcp4_server *srv, const struct msg_names *n)
{
	const struct rb_dhcp4_request *req = &srv->work.req;

	if (req->htype != 1 || req->hlen != ETH_ALEN) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_not_ethernet, "dhcpv4: request on %s with htype %u, hlen %u "
			      "ignored: only Ethernet clients are served", n->ifname, req->htype,
			      req->hlen);
		return false;
	}
	if (req->msg_type == 0) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_bootp, "dhcpv4: BOOTP request from %s on %s ignored: only "
			      "DHCP clients are served", n->mac, n->ifname);
		return false;
	}
	return true;
}

/*
 * Answer a DHCPINFORM (RFC 2131 section 4.3.5) from a client in a served
 * subnet, known (dev not NULL) or not, with an ACK to ciaddr.
 */
static void inform(struct rb_dhcp4_server *srv, int ifindex, const struct rb_iface *iface,
		   const struct rb_device *dev, const struct msg_names *n)
{
	uint32_t ciaddr = srv->work.req.ciaddr;
	struct rb_dhcp4_template tmpl;
	struct rb_dhcp4_answer ans;
	char addr[INET_ADDRSTRLEN];
	__u32 id = dev ? dev->template_id : 0;
	bool found;
	int err;

	inet_ntop(AF_INET, &ciaddr, addr, sizeof(addr));
	if (dev)
		found = bpf_map_lookup_elem(srv->cfg.templates_fd, &id, &tmpl) == 0 &&
			tmpl.server_id && rb_dhcp4_template_has_addr(&tmpl, ciaddr);
	else
		found = ciaddr && rb_dhcp4_server_inform_template(srv, ciaddr, &tmpl);
	if (!found || rb_dhcp4_answer_inform(&srv->work, &tmpl, iface->mtu, &ans)) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_client_msg, "dhcpv4: INFORM from %s on %s with ciaddr %s "
			      "ignored: ciaddr is in no served subnet", n->mac, n->ifname, addr);
		return;
	}

	err = ans.relayed ? send_relayed(srv, &ans) : send_reply(srv, ifindex, iface, &ans);
	if (err) {
		rb_dhcp4_count(srv, RB_UC_SEND_FAILED);
		rb_log_repeat(&repeat_send_failed, "dhcpv4: sending the ACK to the INFORM of %s on "
			      "%s failed: %s", n->mac, n->ifname, strerror(-err));
		return;
	}
	rb_dhcp4_count(srv, RB_UC_TX_ACK);
	log_debug("dhcpv4: ACK to the INFORM of %s (%s) on %s", n->mac, addr, n->ifname);
}

/*
 * Fill tmpl with what a NAK takes from the subnet that serves the
 * request of a device without a record: the server identifier and the
 * authoritative flag.  That subnet contains the link address of a
 * relayed request, or is served on the ingress interface, the one the
 * client named in option 54 first.  Returns false when no subnet of
 * the config serves the request.
 */
static bool serving_subnet(struct rb_dhcp4_server *srv, int ifindex,
			   struct rb_dhcp4_template *tmpl)
{
	const struct rb_config *cfg = srv->cfg.config;
	const struct rb_dhcp4_request *req = &srv->work.req;
	const struct rb_cfg_subnet *found = NULL;
	char ifname[IF_NAMESIZE];
	uint32_t link = 0;

	if (!cfg)
		return false;
	if (req->giaddr)
		link = rb_dhcp4_link_address(&srv->work);
	else if (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, ifname))
		return false;

	for (size_t i = 0; i < cfg->n_subnets; i++) {
		const struct rb_cfg_subnet *subnet = &cfg->subnets[i];
		uint32_t mask = subnet->prefix_len ? htonl(~0u << (32 - subnet->prefix_len)) : 0;

		if (req->giaddr ? (link & mask) != (subnet->prefix & mask) :
				  strcmp(subnet->interface, ifname) != 0)
			continue;
		if (!found || subnet->server_id == req->server_id)
			found = subnet;
	}
	if (!found)
		return false;

	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->server_id = found->server_id;
	if (found->not_authoritative)
		tmpl->flags |= RB_TMPL_F_NOT_AUTHORITATIVE;
	return true;
}

/*
 * Answer the DHCPREQUEST of a device without a record as
 * rb_dhcp4_decide() does for an empty record: a NAK when the serving
 * subnet is authoritative or the client chose this server, else nothing.
 * Returns false when no subnet serves the request, which leaves it to
 * the caller.
 */
static bool refuse_unknown(struct rb_dhcp4_server *srv, int ifindex, const struct rb_iface *iface,
			   const struct msg_names *n)
{
	const struct rb_device none = { 0 };
	struct rb_dhcp4_template tmpl;
	struct rb_dhcp4_answer ans;
	int err;

	if (!serving_subnet(srv, ifindex, &tmpl))
		return false;
	if (rb_dhcp4_answer(&srv->work, &tmpl, &none, iface->mtu, &ans)) {
		rb_dhcp4_count(srv, RB_UC_SEND_FAILED);
		rb_log_repeat(&repeat_build_failed, "dhcpv4: building the NAK to %s on %s failed",
			      n->mac, n->ifname);
		return true;
	}
	if (ans.reply_type == RB_D4_V_IGNORE) {
		request_ignored(srv, &tmpl, n);
		return true;
	}

	err = ans.relayed ? send_relayed(srv, &ans) : send_reply(srv, ifindex, iface, &ans);
	if (err) {
		rb_dhcp4_count(srv, RB_UC_SEND_FAILED);
		rb_log_repeat(&repeat_send_failed, "dhcpv4: sending the NAK to %s on %s failed: %s",
			      n->mac, n->ifname, strerror(-err));
		return true;
	}
	rb_dhcp4_count(srv, RB_UC_TX_NAK);
	log_info("dhcpv4: NAK to %s on %s: REQUEST (%s) from a device without a lease here",
		 n->mac, n->ifname, request_state_name(rb_dhcp4_request_state(&srv->work.req)));
	return true;
}

/*
 * Return the MAC whose rb_devices record serves the request: the
 * inventory MAC of the device that a relayed request's option 82 selects
 * (RFC 3046), else chaddr.  A chaddr in the inventory keeps its own
 * reservation.
 */
static const uint8_t *relay_reservation(struct rb_dhcp4_server *srv, const struct msg_names *n)
{
	const struct rb_config *cfg = srv->cfg.config;
	const struct rb_dhcp4_work *w = &srv->work;
	const struct rb_cfg_device *device;
	uint32_t circuit_off, circuit_len, remote_off, remote_len;
	char reserved[18];

	if (!cfg || !w->req.giaddr || !w->req.relay_len || rb_config_device_by_mac(cfg, w->req.chaddr))
		return w->req.chaddr;

	circuit_off = rb_dhcp4_relay_suboption(w, RB_RELAY_CIRCUIT_ID, &circuit_len);
	remote_off = rb_dhcp4_relay_suboption(w, RB_RELAY_REMOTE_ID, &remote_len);
	device = rb_config_device_by_relay(cfg, w->req.giaddr, &w->in.b[circuit_off], circuit_len,
					   &w->in.b[remote_off], remote_len);
	if (!device)
		return w->req.chaddr;

	rb_mac_format(device->mac, reserved);
	log_debug("dhcpv4: request from %s on %s matches the relay agent reservation of device %s",
		  n->mac, n->ifname, reserved);
	return device->mac;
}

/* A known device sent a message type other than DISCOVER and REQUEST. */
static void other_type(struct rb_dhcp4_server *srv, const struct msg_names *n)
{
	unsigned int type = srv->work.req.msg_type;
	char text[32];

	rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
	if (type == RB_DHCPDECLINE || type == RB_DHCPRELEASE)
		rb_log_repeat(&repeat_client_msg, "dhcpv4: %s from %s on %s ignored: not handled "
			      "yet", msg_type_name(type), n->mac, n->ifname);
	else
		rb_log_repeat(&repeat_other_type, "dhcpv4: %s from %s on %s ignored: clients do "
			      "not send that type", msg_type_text(type, text, sizeof(text)), n->mac,
			      n->ifname);
}

void rb_dhcp4_server_handle(struct rb_dhcp4_server *srv, int ifindex, const void *msg,
			    size_t len)
{
	const struct rb_dhcp4_request *req = &srv->work.req;
	const uint8_t *record_mac;
	struct msg_names n;
	struct rb_iface iface;
	struct rb_device dev;
	__u32 key = (__u32)ifindex;
	char type_text[32];
	int err;

	rb_dhcp4_count(srv, RB_UC_RX);
	names_init(&n, ifindex, msg, len);

	if (len > RB_BOOTP_OP && ((const uint8_t *)msg)[RB_BOOTP_OP] == RB_BOOTREPLY) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_bootreply, "dhcpv4: BOOTREPLY on %s for chaddr %s ignored: "
			      "is another DHCP server or relay on this link?", n.ifname, n.mac);
		return;
	}
	err = rb_dhcp4_load(&srv->work, msg, len);
	if (err != RB_D4_OK) {
		malformed(srv, err, &n);
		return;
	}
	if (!classify(srv, &n))
		return;

	/*
	 * A relayed request may come in on any interface that routes to the
	 * relay agent, and its reply is routed back, so the interface needs
	 * no DHCPv4 subnet.  MTU 0 leaves the reply size to option 57.
	 */
	if (req->giaddr) {
		names_add_relay(&n, req->giaddr);
		memset(&iface, 0, sizeof(iface));
	} else if (ifindex <= 0 || bpf_map_lookup_elem(srv->cfg.ifaces_fd, &key, &iface) ||
		   !iface.enabled) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_iface_off, "dhcpv4: request from %s on %s ignored: no dhcpv4 "
			      "subnet is served on that interface", n.mac, n.ifname);
		return;
	}

	record_mac = relay_reservation(srv, &n);
	if (rb_device_get(srv->cfg.devices_fd, record_mac, &dev)) {
		if (req->msg_type == RB_DHCPINFORM) {
			inform(srv, ifindex, &iface, NULL, &n);
			return;
		}
		if (req->msg_type == RB_DHCPDISCOVER) {
			err = rb_dhcp4_server_pool_add(srv, ifindex, &dev, n.mac, n.ifname);
			if (err == 0)
				answer(srv, ifindex, &iface, &dev, req->chaddr, &n);
			if (err != -ENOENT)
				return;
		}
		if (req->msg_type == RB_DHCPREQUEST && refuse_unknown(srv, ifindex, &iface, &n))
			return;
		rb_dhcp4_count(srv, RB_UC_IGNORED_UNKNOWN);
		rb_log_repeat(&repeat_unknown, "dhcpv4: %s from %s on %s ignored: the MAC is not in "
			      "the inventory and has no pool address; only a DISCOVER on a link "
			      "whose subnet has a pool gets one",
			      msg_type_text(req->msg_type, type_text, sizeof(type_text)), n.mac,
			      n.ifname);
		return;
	}

	if (req->msg_type == RB_DHCPDISCOVER || req->msg_type == RB_DHCPREQUEST)
		answer(srv, ifindex, &iface, &dev, record_mac, &n);
	else if (req->msg_type == RB_DHCPINFORM)
		inform(srv, ifindex, &iface, &dev, &n);
	else if ((req->msg_type == RB_DHCPRELEASE || req->msg_type == RB_DHCPDECLINE) &&
		 rb_dhcp4_server_pool_return(srv, &dev, n.mac, n.ifname))
		return;
	else
		other_type(srv, &n);
}
