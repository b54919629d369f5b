// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <string.h>

#include "dhcp4/answer.h"

int rb_dhcp4_load(struct rb_dhcp4_work *work, const void *msg, size_t len)
{
	if (len > RB_DHCP4_MAX_LEN) {
		memset(&work->req, 0, sizeof(work->req));
		return RB_D4_ELONG;
	}
	int err;

	memset(&work->in, 0, sizeof(work->in));
	memcpy(work->in.b, msg, len);
	err = rb_dhcp4_parse(work, (uint32_t)len);
	if (err == RB_D4_OK && work->req.has_overload)
		err = rb_dhcp4_parse_overload(work);
	return err;
}

/*
 * Build the reply as the XDP program would.  Where XDP passes the
 * request up, move options into the file and sname fields, and leave out
 * the options that still do not fit.  Returns the length or a negative
 * value.
 */
static int build_slow_path(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
			   uint32_t mtu, int *overload)
{
	uint32_t limit = rb_dhcp4_reply_limit(&work->req, mtu);
	int len;

	/*
	 * A build without the client's limit equals the limited build
	 * whenever that one leaves nothing out, so XDP and rackbootd still
	 * send the same bytes.
	 */
	work->args.flags = RB_D4_BUILD_SLOW_PATH | RB_D4_BUILD_NO_LIMIT;
	len = rb_dhcp4_build(work, tmpl);
	if (len < 0 || (uint32_t)len <= limit)
		return len;

	len = rb_dhcp4_overload(&work->out, (uint32_t)len, limit);
	if (len >= 0) {
		*overload = 1;
		return len;
	}
	work->args.flags = RB_D4_BUILD_SLOW_PATH;
	return rb_dhcp4_build(work, tmpl);
}

int rb_dhcp4_answer(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
		    const struct rb_device *dev, uint32_t mtu, struct rb_dhcp4_answer *ans)
{
	int len;

	memset(ans, 0, sizeof(*ans));
	ans->reply_type = rb_dhcp4_decide(&work->req, dev, tmpl);
	if (ans->reply_type == RB_D4_V_IGNORE)
		return 0;

	work->dev = *dev;
	work->args.reply_type = (uint32_t)ans->reply_type;
	work->args.mtu = mtu;
	work->args.bootfile = rb_dhcp4_pick_bootfile(work, tmpl);
	len = build_slow_path(work, tmpl, mtu, &ans->overload);
	if (len < 0)
		return -1;

	ans->len = (uint32_t)len;
	ans->src_ip = tmpl->server_id;
	if (work->req.giaddr) {
		ans->relayed = 1;
		ans->dst_ip = rb_dhcp4_relay_destination(work, (uint32_t)ans->reply_type);
		return 0;
	}
	ans->dst_ip = rb_dhcp4_destination(&work->req, (uint32_t)ans->reply_type, dev->ipv4,
					   &ans->broadcast);
	return 0;
}

static bool lease_option(uint8_t code)
{
	return code == RB_OPT_LEASE_TIME || code == RB_OPT_RENEWAL_TIME ||
	       code == RB_OPT_REBINDING_TIME;
}

/*
 * Remove options 51, 58 and 59 from the built reply of len bytes and
 * zero the freed tail.  Returns the new length, at least the BOOTP
 * minimum, or -1 on a malformed option list.
 */
static int strip_lease_options(struct rb_dhcp4_buf *out, uint32_t len)
{
	uint32_t pos = RB_DHCP4_OPTS_OFF, end = len;

	for (int i = 0; i < RB_DHCP4_MAX_OPTIONS && pos < end; i++) {
		uint8_t code = out->b[pos];
		uint32_t size;

		if (code == RB_OPT_END)
			break;
		if (code == RB_OPT_PAD) {
			pos++;
			continue;
		}
		if (pos + 2 > end)
			return -1;
		size = 2u + out->b[pos + 1];
		if (pos + size > end)
			return -1;
		if (!lease_option(code)) {
			pos += size;
			continue;
		}
		memmove(&out->b[pos], &out->b[pos + size], end - pos - size);
		memset(&out->b[end - size], 0, size);
		end -= size;
	}
	if (pos >= end || out->b[pos] != RB_OPT_END)
		return -1;

	/* The bytes after the end option are zero already; pad short replies as rb_dhcp4_build(). */
	pos++;
	if (pos < RB_DHCP4_MIN_REPLY)
		return RB_DHCP4_MIN_REPLY;
	return (int)pos;
}

int rb_dhcp4_answer_inform(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
			   uint32_t mtu, struct rb_dhcp4_answer *ans)
{
	int len;

	memset(ans, 0, sizeof(*ans));
	if (work->req.msg_type != RB_DHCPINFORM || work->req.ciaddr == 0)
		return -1;

	/*
	 * The codec shared with the XDP program knows only OFFER, ACK and
	 * NAK to a leasing client, and its verifier budget leaves no room
	 * for an INFORM case.  So build a normal ACK for a device without an
	 * address, then take out what RFC 2131 section 4.3.5 forbids in the
	 * ACK to an INFORM: the lease options, and yiaddr (0 here since
	 * dev.ipv4 is 0).  siaddr and file go too: the client has its
	 * address and is not booting.
	 */
	memset(&work->dev, 0, sizeof(work->dev));
	work->args.reply_type = RB_DHCPACK;
	work->args.mtu = mtu;
	work->args.bootfile = -1;
	work->args.flags = RB_D4_BUILD_SLOW_PATH;
	len = rb_dhcp4_build(work, tmpl);
	if (len < 0)
		return -1;
	len = strip_lease_options(&work->out, (uint32_t)len);
	if (len < 0)
		return -1;
	rb_dhcp4_put_addr(&work->out, RB_BOOTP_CIADDR, work->req.ciaddr);
	memset(&work->out.b[RB_BOOTP_YIADDR], 0, 4);
	memset(&work->out.b[RB_BOOTP_SIADDR], 0, 4);
	memset(&work->out.b[RB_BOOTP_FILE], 0, RB_BOOTP_FILE_LEN);

	ans->reply_type = RB_DHCPACK;
	ans->len = (uint32_t)len;
	ans->src_ip = tmpl->server_id;
	if (work->req.giaddr) {
		ans->relayed = 1;
		ans->dst_ip = rb_dhcp4_relay_destination(work, RB_DHCPACK);
		return 0;
	}
	ans->dst_ip = work->req.ciaddr;
	return 0;
}

uint32_t rb_dhcp4_relay_suboption(const struct rb_dhcp4_work *work, uint8_t code, uint32_t *len)
{
	uint32_t pos = work->req.relay_off;
	uint32_t end = pos + work->req.relay_len;

	*len = 0;
	if (work->req.relay_len == 0)
		return 0;

	/* Each sub-option is code, length and payload (RFC 3046 section 2.0). */
	while (pos + 2 <= end && end <= RB_DHCP4_MAX_LEN) {
		uint8_t size = work->in.b[pos + 1];

		if (pos + 2 + size > end)
			return 0;
		if (work->in.b[pos] == code) {
			*len = size;
			return pos + 2;
		}
		pos += 2 + size;
	}
	return 0;
}

/* Find sub-option 5 in the option 82 payload; returns its offset in work->in, or 0. */
static uint32_t find_link_selection(const struct rb_dhcp4_work *work)
{
	uint32_t len;
	uint32_t off = rb_dhcp4_relay_suboption(work, RB_RELAY_LINK_SELECTION, &len);

	return len == 4 ? off : 0;
}

/* Find option 118 of length 4 in the request; returns its payload offset, or 0. */
static uint32_t find_subnet_selection(const struct rb_dhcp4_work *work)
{
	uint32_t pos = RB_DHCP4_OPTS_OFF;
	uint32_t end = work->req.len;

	/* rb_dhcp4_parse() has checked the layout, but this walk keeps its own bounds. */
	for (int i = 0; i < RB_DHCP4_MAX_OPTIONS && pos < end && end <= RB_DHCP4_MAX_LEN; i++) {
		uint8_t code = work->in.b[pos];
		uint8_t len;

		if (code == RB_OPT_END)
			return 0;
		if (code == RB_OPT_PAD) {
			pos++;
			continue;
		}
		if (pos + 2 > end)
			return 0;
		len = work->in.b[pos + 1];
		if (pos + 2 + len > end)
			return 0;
		if (code == RB_OPT_SUBNET_SELECTION && len == 4)
			return pos + 2;
		pos += 2 + len;
	}
	return 0;
}

uint32_t rb_dhcp4_link_address(const struct rb_dhcp4_work *work)
{
	uint32_t off = find_subnet_selection(work);

	if (!off && work->req.relay_len)
		off = find_link_selection(work);
	if (!off)
		return work->req.giaddr;
	return rb_dhcp4_get_addr(&work->in, off);
}

bool rb_dhcp4_template_has_addr(const struct rb_dhcp4_template *tmpl, uint32_t addr)
{
	uint32_t off = tmpl->opt_off[RB_OPT_SUBNET_MASK];
	uint32_t mask;

	if (off == 0 || off - 1 + 6 > RB_TMPL_OPTS_LEN || tmpl->opts[off] != 4)
		return false;
	memcpy(&mask, &tmpl->opts[off + 1], sizeof(mask));
	return (addr & mask) == (tmpl->server_id & mask);
}

uint32_t rb_dhcp4_relay_destination(struct rb_dhcp4_work *work, uint32_t reply_type)
{
	if (reply_type == RB_DHCPNAK)
		work->out.b[RB_BOOTP_FLAGS] |= RB_BOOTP_BROADCAST >> 8;
	return work->req.giaddr;
}

/* One's complement sum of len bytes, as 16-bit big-endian words. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int rb_dhcp4_frame(const struct rb_dhcp4_work *work, const struct rb_dhcp4_answer *ans,
		   const uint8_t src_mac[6], uint16_t server_port, uint16_t client_port,
		   uint8_t *frame, size_t frame_size)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	size_t hdr = sizeof(*eth) + sizeof(*ip) + sizeof(*udp);
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t check;

	if (ans->len > RB_DHCP4_MAX_LEN || frame_size < hdr + ans->len)
		return -1;

	if (ans->broadcast)
		memset(eth->h_dest, 0xff, ETH_ALEN);
	else
		memcpy(eth->h_dest, work->req.chaddr, ETH_ALEN);
	memcpy(eth->h_source, src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + sizeof(*udp) + ans->len));
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = ans->src_ip;
	ip->daddr = ans->dst_ip;
	ip->check = htons(fold(sum16((const uint8_t *)ip, sizeof(*ip), 0)));

	udp->source = htons(server_port);
	udp->dest = htons(client_port);
	udp->len = htons((uint16_t)(sizeof(*udp) + ans->len));
	udp->check = 0;
	memcpy(frame + hdr, work->out.b, ans->len);

	/* RFC 768 pseudo header: addresses, zero, protocol, UDP length. */
	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, &udp->len, 2);
	sum = sum16(pseudo, sizeof(pseudo), 0);
	sum = sum16((const uint8_t *)udp, sizeof(*udp) + ans->len, sum);
	check = fold(sum);
	udp->check = htons(check ? check : 0xffff);
	return (int)(hdr + ans->len);
}
