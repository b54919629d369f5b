// SPDX-License-Identifier: MIT
/*
 * One DHCPv6 message on the slow path (RFC 8415 section 18.3): unwrap
 * its relays, parse it, discard it by the rules of section 16, find its
 * subnet, and reply.  Addresses come from server_assign.c.  A lease is
 * in the store before the Reply that grants it is sent, and no Reply is
 * sent when the store write fails.
 *
 * Every message is counted once in RB_D6C_RX and at most once more in the
 * counter of its outcome.  Floods of one kind are logged through
 * rb_log_repeat: the first in full, then a summary per second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dhcp6/server_internal.h"

#define REPEAT(level, text) RB_LOG_REPEAT_INIT(level, text)

static struct rb_log_repeat repeat_malformed =
	REPEAT(RB_LOG_WARN, "dhcpv6: malformed message dropped");
static struct rb_log_repeat repeat_relay_malformed =
	REPEAT(RB_LOG_WARN, "dhcpv6: malformed Relay-forward dropped");
static struct rb_log_repeat repeat_discarded =
	REPEAT(RB_LOG_INFO, "dhcpv6: message discarded by the rules of RFC 8415 section 16");
static struct rb_log_repeat repeat_other_server =
	REPEAT(RB_LOG_DEBUG, "dhcpv6: message for another server ignored");
static struct rb_log_repeat repeat_no_subnet =
	REPEAT(RB_LOG_INFO, "dhcpv6: message from a link without a subnet6 ignored");
static struct rb_log_repeat repeat_no_addrs =
	REPEAT(RB_LOG_WARN, "dhcpv6: no address for an IA_NA");

static const char *const msg_names[] = {
	[RB_D6_SOLICIT] = "Solicit",
	[RB_D6_REQUEST] = "Request",
	[RB_D6_CONFIRM] = "Confirm",
	[RB_D6_RENEW] = "Renew",
	[RB_D6_REBIND] = "Rebind",
	[RB_D6_RELEASE] = "Release",
	[RB_D6_DECLINE] = "Decline",
	[RB_D6_INFORMATION_REQUEST] = "Information-request",
};

static const char *msg_name(unsigned int type)
{
	if (type < sizeof(msg_names) / sizeof(msg_names[0]) && msg_names[type])
		return msg_names[type];
	return "message";
}

/* Addresses chosen for the kept IA_NAs of the current request. */
struct ia_answer {
	struct rb_dhcp6_binding bindings[RB_DHCP6_IA_MAX];
	unsigned int n_ia;		/* kept IA_NAs: min(n_ia_na, RB_DHCP6_IA_MAX) */
};

static uint32_t ia_iaid(const struct rb_dhcp6_ia *ia)
{
	return (uint32_t)ia->iaid[0] << 24 | (uint32_t)ia->iaid[1] << 16 |
	       (uint32_t)ia->iaid[2] << 8 | ia->iaid[3];
}

static bool server_id_is_ours(const struct rb_dhcp6_server *srv)
{
	const struct rb_dhcp6_request *req = &srv->work.req;

	return req->server_id_len == srv->cfg.server_duid_len &&
	       memcmp(srv->work.in.b + req->server_id_off, srv->cfg.server_duid,
		      req->server_id_len) == 0;
}

/*
 * RFC 8415 section 16: which messages a server discards.  Returns true,
 * after counting, when the current message is to be dropped.
 */
static bool discard(struct rb_dhcp6_server *srv)
{
	const struct rb_dhcp6_request *req = &srv->work.req;
	bool has_client = req->client_id_len != 0, has_server = req->server_id_len != 0;
	const char *why = NULL;

	switch (req->msg_type) {
	case RB_D6_SOLICIT:
	case RB_D6_CONFIRM:
	case RB_D6_REBIND:
		if (!has_client)
			why = "no Client Identifier";
		else if (has_server)
			why = "a Server Identifier it must not carry";
		break;
	case RB_D6_REQUEST:
	case RB_D6_RENEW:
	case RB_D6_RELEASE:
	case RB_D6_DECLINE:
		if (!has_client)
			why = "no Client Identifier";
		else if (!has_server)
			why = "no Server Identifier";
		break;
	case RB_D6_INFORMATION_REQUEST:
		if (req->n_ia_na || req->has_ia_ta || req->has_ia_pd)
			why = "an IA option";
		break;
	default:
		why = "a message type servers do not answer";
		break;
	}
	if (why) {
		rb_dhcp6_count(srv, RB_D6C_DISCARDED);
		rb_log_repeat(&repeat_discarded, "dhcpv6: %s with %s discarded",
			      msg_name(req->msg_type), why);
		return true;
	}

	if (has_server && !server_id_is_ours(srv)) {
		rb_dhcp6_count(srv, RB_D6C_OTHER_SERVER);
		rb_log_repeat(&repeat_other_server, "dhcpv6: %s for another server ignored",
			      msg_name(req->msg_type));
		return true;
	}
	return false;
}

static void args_reset(struct rb_dhcp6_server *srv, int subnet, uint8_t reply_type,
		       const struct rb_dhcp6_template *tmpl)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[subnet];
	struct rb_dhcp6_build_args *a = &srv->work.args;

	memset(a, 0, sizeof(*a));
	a->reply_type = reply_type;
	a->status = RB_D6_STATUS_NONE;
	a->preferred_lifetime = s->preferred_lifetime;
	a->valid_lifetime = s->valid_lifetime;
	a->t1 = s->renewal_time;
	a->t2 = s->rebinding_time;
	a->bootfile = rb_dhcp6_pick_bootfile(&srv->work, tmpl);
}

/*
 * Build the reply with one address per bound IA.  The codec writes one
 * args.addr, so the first bound IA goes through rb_dhcp6_build() and
 * each further one is appended after it with its own address.
 */
static int build_reply(struct rb_dhcp6_server *srv, const struct rb_dhcp6_template *tmpl,
		       const struct ia_answer *ans)
{
	struct rb_dhcp6_build_args *a = &srv->work.args;
	uint8_t later[RB_DHCP6_IA_MAX] = { 0 };
	bool first = true;
	int len;

	for (unsigned int i = 0; i < ans->n_ia; i++) {
		if (a->ia_action[i] != RB_D6_IA_BIND && a->ia_action[i] != RB_D6_IA_BIND_ZERO_OTHERS)
			continue;
		if (first) {
			memcpy(a->addr, &ans->bindings[i].addr, sizeof(a->addr));
			first = false;
			continue;
		}
		later[i] = a->ia_action[i];
		a->ia_action[i] = RB_D6_IA_OMIT;
	}

	len = rb_dhcp6_build(&srv->work, tmpl);
	for (unsigned int i = 0; i < ans->n_ia && len >= 0; i++) {
		if (!later[i])
			continue;
		a->ia_action[i] = later[i];
		memcpy(a->addr, &ans->bindings[i].addr, sizeof(a->addr));
		len = rb_dhcp6_put_ia(&srv->work, (uint32_t)len, i);
	}
	return len;
}

/* Log "<what> <address> <DUID, IAID, subnet>", what being for example "leased". */
static void log_binding(struct rb_dhcp6_server *srv, const char *what, uint32_t iaid,
			const struct rb_dhcp6_binding *b, int subnet)
{
	char duid[3 * RB_CFG_DUID_MAX + 1], addr[INET6_ADDRSTRLEN];

	rb_dhcp6_format_duid(srv->client_duid, srv->client_duid_len, duid, sizeof(duid));
	inet_ntop(AF_INET6, &b->addr, addr, sizeof(addr));
	log_info("dhcpv6: %s %s: DUID %s IAID %u, subnet6 %s (%s%s)", what, addr, duid, iaid,
		 srv->config->subnets6[subnet].name, b->device ? "reservation" : "pool",
		 srv->origin.chain.n_levels ? ", relayed" : "");
}

/*
 * Choose an address for each kept IA_NA, and with commit write the
 * leases.  IAs without an address get status fail_status.  Returns 0, or
 * the store's negative errno, in which case no reply may be sent.
 */
static int assign_ias(struct rb_dhcp6_server *srv, int subnet, bool commit, uint8_t bind_action,
		      uint16_t fail_status, struct ia_answer *ans)
{
	const struct rb_dhcp6_request *req = &srv->work.req;
	struct rb_dhcp6_build_args *a = &srv->work.args;

	ans->n_ia = req->n_ia_na < RB_DHCP6_IA_MAX ? req->n_ia_na : RB_DHCP6_IA_MAX;
	for (unsigned int i = 0; i < ans->n_ia; i++) {
		uint32_t iaid = ia_iaid(&req->ia[i]);
		struct rb_dhcp6_binding *b = &ans->bindings[i];
		int err = rb_dhcp6_choose(srv, &srv->origin, subnet, iaid, b);

		/* A second IA of the same client must not get the first one's address. */
		for (unsigned int j = 0; j < i && err == 0; j++) {
			if (a->ia_action[j] != RB_D6_IA_STATUS &&
			    memcmp(&ans->bindings[j].addr, &b->addr, sizeof(b->addr)) == 0)
				err = -EEXIST;
		}
		if (err) {
			a->ia_action[i] = RB_D6_IA_STATUS;
			a->ia_status[i] = fail_status;
			rb_dhcp6_count(srv, RB_D6C_NO_ADDRS);
			rb_log_repeat(&repeat_no_addrs, "dhcpv6: no address for IAID %u on subnet6 "
				      "%s: %s", iaid, srv->config->subnets6[subnet].name,
				      err == -ENOSPC ? "the pool is full" :
				      err == -ENOENT ? "no reservation and no pool" : strerror(-err));
			continue;
		}
		if (commit) {
			err = rb_dhcp6_commit_lease(srv, iaid, b);
			if (err)
				return err;
			log_binding(srv, "leased", iaid, b, subnet);
		}
		a->ia_action[i] = bind_action;
	}
	return 0;
}

/* The reservation of the client on this subnet, whose template the reply uses. */
static const struct rb_cfg_device *device_on(struct rb_dhcp6_server *srv, int subnet)
{
	const struct rb_cfg_device *dev = rb_dhcp6_reservation(srv, &srv->origin);

	return dev && dev->subnet6 == (size_t)subnet ? dev : NULL;
}

static void send_built(struct rb_dhcp6_server *srv, int len)
{
	enum rb_dhcp6_counter c;

	if (len < 0) {
		rb_dhcp6_count(srv, RB_D6C_SEND_FAILED);
		log_err("dhcpv6: the reply to a %s does not fit %d bytes; shorten the subnet's "
			"options", msg_name(srv->work.req.msg_type), RB_DHCP6_MAX_LEN);
		return;
	}
	if (rb_dhcp6_send_reply(srv, &srv->origin, (size_t)len) == 0) {
		c = srv->work.args.reply_type == RB_D6_ADVERTISE ? RB_D6C_TX_ADVERTISE : RB_D6C_TX_REPLY;
		rb_dhcp6_count(srv, c);
	}
}

static void handle_solicit(struct rb_dhcp6_server *srv, int subnet)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[subnet];
	const struct rb_dhcp6_template *tmpl = rb_dhcp6_template_for(srv, subnet, device_on(srv, subnet));
	bool rapid = srv->work.req.rapid_commit && s->rapid_commit;
	struct ia_answer ans;

	/* RFC 8415 section 18.3.1: with Rapid Commit the server binds at once and sends a Reply. */
	args_reset(srv, subnet, rapid ? RB_D6_REPLY : RB_D6_ADVERTISE, tmpl);
	if (rapid)
		srv->work.args.flags |= RB_D6_BUILD_RAPID_COMMIT;
	if (assign_ias(srv, subnet, rapid, RB_D6_IA_BIND, RB_D6_STATUS_NO_ADDRS_AVAIL, &ans))
		return;
	if (rapid) {
		char duid[3 * RB_CFG_DUID_MAX + 1];

		rb_dhcp6_format_duid(srv->client_duid, srv->client_duid_len, duid, sizeof(duid));
		log_debug("dhcpv6: Solicit with Rapid Commit from DUID %s: sending a Reply", duid);
	}
	send_built(srv, build_reply(srv, tmpl, &ans));
}

/* Request, Renew and Rebind: bind, write the leases, and zero any other address named. */
static void handle_bind(struct rb_dhcp6_server *srv, int subnet, uint16_t fail_status)
{
	const struct rb_dhcp6_template *tmpl = rb_dhcp6_template_for(srv, subnet, device_on(srv, subnet));
	struct ia_answer ans;

	args_reset(srv, subnet, RB_D6_REPLY, tmpl);
	if (assign_ias(srv, subnet, true, RB_D6_IA_BIND_ZERO_OTHERS, fail_status, &ans))
		return;
	send_built(srv, build_reply(srv, tmpl, &ans));
}

/* Check that IA ia names address addr. */
static bool ia_names(const struct rb_dhcp6_ia *ia, const struct in6_addr *addr)
{
	unsigned int n = ia->n_addrs < RB_DHCP6_IA_ADDRS_MAX ? ia->n_addrs : RB_DHCP6_IA_ADDRS_MAX;

	for (unsigned int i = 0; i < n; i++) {
		if (memcmp(ia->addrs[i], addr, sizeof(*addr)) == 0)
			return true;
	}
	return false;
}

/*
 * Release and Decline (RFC 8415 sections 18.3.7 and 18.3.8): end each
 * lease the client names; a declined address also goes into quarantine.
 * IAs without a lease get NoBinding; the Reply carries Success.
 */
static void handle_return(struct rb_dhcp6_server *srv, int subnet, bool decline)
{
	const struct rb_dhcp6_template *tmpl = rb_dhcp6_template_for(srv, subnet, NULL);
	const struct rb_dhcp6_request *req = &srv->work.req;
	struct rb_dhcp6_build_args *a;
	struct ia_answer ans = { 0 };
	int64_t now = rb_dhcp6_now(srv);

	args_reset(srv, subnet, RB_D6_REPLY, tmpl);
	a = &srv->work.args;
	a->status = RB_D6_STATUS_SUCCESS;
	ans.n_ia = req->n_ia_na < RB_DHCP6_IA_MAX ? req->n_ia_na : RB_DHCP6_IA_MAX;

	for (unsigned int i = 0; i < ans.n_ia; i++) {
		uint32_t iaid = ia_iaid(&req->ia[i]);
		struct rb_store_lease6 lease;
		struct rb_dhcp6_binding b = { .subnet = (size_t)subnet };
		int err;

		err = rb_store_get_lease6(srv->cfg.store, srv->client_duid, srv->client_duid_len,
					  iaid, &lease);
		if (err || !ia_names(&req->ia[i], &lease.addr)) {
			a->ia_action[i] = RB_D6_IA_STATUS;
			a->ia_status[i] = RB_D6_STATUS_NO_BINDING;
			continue;
		}
		b.addr = lease.addr;
		b.device = rb_config_device_by_ipv6(srv->config, &lease.addr);

		if (decline) {
			uint32_t rest = srv->config->decline_quarantine;

			err = rb_store_quarantine6(srv->cfg.store, &lease.addr, now + rest);
			if (b.device)
				log_warn("dhcpv6: a client declined its reserved address; check the "
					 "link for a duplicate of it");
		}
		if (!err)
			err = rb_store_del_lease6(srv->cfg.store, srv->client_duid,
						  srv->client_duid_len, iaid);
		if (err) {
			log_err("dhcpv6: ending the lease of IAID %u in the store failed: %s; the "
				"Reply is not sent", iaid, strerror(-err));
			rb_dhcp6_count(srv, RB_D6C_STORE_FAILED);
			return;
		}
		rb_dhcp6_count(srv, decline ? RB_D6C_DECLINED : RB_D6C_RELEASED);
		log_binding(srv, decline ? "declined, quarantined" : "released", iaid, &b, subnet);
	}
	send_built(srv, build_reply(srv, tmpl, &ans));
}

/*
 * Confirm (RFC 8415 section 18.3.3): Success when every address the
 * client names lies in the subnet of its link, else NotOnLink.  A
 * Confirm without addresses gets no Reply.
 */
static void handle_confirm(struct rb_dhcp6_server *srv, int subnet)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[subnet];
	const struct rb_dhcp6_template *tmpl = rb_dhcp6_template_for(srv, subnet, NULL);
	const struct rb_dhcp6_request *req = &srv->work.req;
	unsigned int n_ia = req->n_ia_na < RB_DHCP6_IA_MAX ? req->n_ia_na : RB_DHCP6_IA_MAX;
	unsigned int named = 0;
	bool on_link = true;
	struct ia_answer ans = { 0 };

	for (unsigned int i = 0; i < n_ia; i++) {
		const struct rb_dhcp6_ia *ia = &req->ia[i];
		unsigned int n = ia->n_addrs < RB_DHCP6_IA_ADDRS_MAX ? ia->n_addrs :
								       RB_DHCP6_IA_ADDRS_MAX;

		for (unsigned int j = 0; j < n; j++) {
			struct in6_addr addr;

			memcpy(&addr, ia->addrs[j], sizeof(addr));
			named++;
			if (!rb_dhcp6_in_subnet(s, &addr))
				on_link = false;
		}
	}
	if (named == 0) {
		rb_dhcp6_count(srv, RB_D6C_DISCARDED);
		rb_log_repeat(&repeat_discarded, "dhcpv6: Confirm without addresses discarded");
		return;
	}

	args_reset(srv, subnet, RB_D6_REPLY, tmpl);
	srv->work.args.status = on_link ? RB_D6_STATUS_SUCCESS : RB_D6_STATUS_NOT_ON_LINK;
	send_built(srv, build_reply(srv, tmpl, &ans));
}

static void handle_information(struct rb_dhcp6_server *srv, int subnet)
{
	const struct rb_dhcp6_template *tmpl = rb_dhcp6_template_for(srv, subnet, device_on(srv, subnet));
	struct ia_answer ans = { 0 };

	args_reset(srv, subnet, RB_D6_REPLY, tmpl);
	send_built(srv, build_reply(srv, tmpl, &ans));
}

/* The meaning of an enum rb_dhcp6_parse_error, as in rackboot/dhcp6_wire.h. */
static const char *parse_error_text(int err)
{
	switch (err) {
	case RB_D6_ESHORT:
		return "shorter than the 4-byte header";
	case RB_D6_ELONG:
		return "longer than the maximum message size";
	case RB_D6_EMSGTYPE:
		return "not a message type clients send";
	case RB_D6_ERELAYED:
		return "a Relay-reply or a Relay-forward inside a client message";
	case RB_D6_EOPTION:
		return "an option runs past the end of the message or its IA_NA";
	case RB_D6_EBADLEN:
		return "an option with an invalid length";
	case RB_D6_EDUID:
		return "a DUID shorter than 3 or longer than 130 bytes";
	case RB_D6_EDUPLICATE:
		return "a second Client or Server Identifier";
	case RB_D6_ETOOMANY:
		return "too many options";
	default:
		return "unknown parse error";
	}
}

/* Unwrap, copy and parse the message into srv->work; false after counting a bad one. */
static bool read_message(struct rb_dhcp6_server *srv, const void *msg, size_t len)
{
	struct rb_dhcp6_origin *o = &srv->origin;
	int err;

	if (len > RB_DHCP6_PACKET_MAX) {
		rb_dhcp6_count(srv, RB_D6C_MALFORMED);
		rb_log_repeat(&repeat_malformed, "dhcpv6: message longer than %d bytes dropped",
			      RB_DHCP6_PACKET_MAX);
		return false;
	}
	err = rb_relay6_unwrap(msg, len, &o->chain);
	if (err) {
		rb_dhcp6_count(srv, RB_D6C_MALFORMED);
		rb_log_repeat(&repeat_relay_malformed, "dhcpv6: malformed Relay-forward dropped: %s",
			      rb_relay6_strerror(err));
		return false;
	}
	if (o->chain.msg_len > RB_DHCP6_MAX_LEN) {
		rb_dhcp6_count(srv, RB_D6C_MALFORMED);
		rb_log_repeat(&repeat_malformed, "dhcpv6: client message of %zu bytes dropped: "
			      "longer than %d", o->chain.msg_len, RB_DHCP6_MAX_LEN);
		return false;
	}

	memset(srv->work.in.b, 0, sizeof(srv->work.in.b));
	memcpy(srv->work.in.b, o->chain.msg, o->chain.msg_len);
	err = rb_dhcp6_parse(&srv->work, (uint32_t)o->chain.msg_len);
	if (err) {
		rb_dhcp6_count(srv, RB_D6C_MALFORMED);
		rb_log_repeat(&repeat_malformed, "dhcpv6: malformed %s dropped: %s",
			      msg_name(srv->work.req.msg_type), parse_error_text(err));
		return false;
	}
	return true;
}

void rb_dhcp6_server_handle(struct rb_dhcp6_server *srv, int ifindex,
			    const struct sockaddr_in6 *peer, const void *msg, size_t len)
{
	struct rb_dhcp6_origin *o = &srv->origin;
	const struct rb_dhcp6_request *req = &srv->work.req;
	int subnet;

	rb_dhcp6_count(srv, RB_D6C_RX);
	memset(o, 0, sizeof(*o));
	o->ifindex = ifindex;
	o->peer = *peer;
	if (!read_message(srv, msg, len) || discard(srv))
		return;

	subnet = rb_dhcp6_subnet_of(srv, o);
	if (subnet < 0) {
		rb_dhcp6_count(srv, RB_D6C_NO_SUBNET);
		rb_log_repeat(&repeat_no_subnet, "dhcpv6: %s from a link without a subnet6 "
			      "ignored (interface %d, %s)", msg_name(req->msg_type), ifindex,
			      o->chain.n_levels ? "relayed" : "direct");
		return;
	}

	srv->client_duid_len = req->client_id_len;
	memcpy(srv->client_duid, srv->work.in.b + req->client_id_off, req->client_id_len);
	rb_dhcp6_note_client(srv, o);

	switch (req->msg_type) {
	case RB_D6_SOLICIT:
		handle_solicit(srv, subnet);
		break;
	case RB_D6_REQUEST:
		handle_bind(srv, subnet, RB_D6_STATUS_NO_ADDRS_AVAIL);
		break;
	case RB_D6_RENEW:
	case RB_D6_REBIND:
		handle_bind(srv, subnet, RB_D6_STATUS_NO_BINDING);
		break;
	case RB_D6_RELEASE:
		handle_return(srv, subnet, false);
		break;
	case RB_D6_DECLINE:
		handle_return(srv, subnet, true);
		break;
	case RB_D6_CONFIRM:
		handle_confirm(srv, subnet);
		break;
	case RB_D6_INFORMATION_REQUEST:
		handle_information(srv, subnet);
		break;
	}
}
