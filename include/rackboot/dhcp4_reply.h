/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 reply building, shared by the XDP program and rackbootd: the
 * reply decision, the boot file choice, the option layout and the
 * delivery address.  Included by rackboot/dhcp4_wire.h.
 */
#ifndef RACKBOOT_DHCP4_REPLY_H
#define RACKBOOT_DHCP4_REPLY_H

#include "rackboot/dhcp4_wire.h"

/*
 * Client states that send a DHCPREQUEST (RFC 2131 section 4.3.2), told
 * apart by the fields the client fills in.  RENEWING (unicast) and
 * REBINDING (broadcast) look the same to the server.
 */
enum rb_dhcp4_request_state {
	RB_D4_REQ_INVALID = 0,		/* neither option 50 nor ciaddr */
	RB_D4_REQ_SELECTING,		/* options 54 and 50, ciaddr 0 */
	RB_D4_REQ_INIT_REBOOT,		/* option 50 without option 54 */
	RB_D4_REQ_RENEWING,		/* ciaddr without option 50 */
};

static inline int rb_dhcp4_request_state(const struct rb_dhcp4_request *req)
{
	if (req->requested_ip)
		return req->server_id ? RB_D4_REQ_SELECTING : RB_D4_REQ_INIT_REBOOT;
	if (req->ciaddr)
		return RB_D4_REQ_RENEWING;
	return RB_D4_REQ_INVALID;
}

/*
 * Choose the reply for a device with record dev (all zero for a device
 * without one): OFFER for DISCOVER, ACK or NAK for REQUEST.  Returns the
 * message type, or RB_D4_V_IGNORE when the request is not for this
 * server or is a type the fast path leaves to userspace.
 *
 * A REQUEST for an address other than dev->ipv4 (RFC 2131 section 4.3.2):
 * - SELECTING with another server's option 54: ignored, the client chose
 *   that server.
 * - SELECTING with this server's option 54: NAK, since the client chose
 *   this server and waits for its answer (RFC 2131 section 3.1, step 4).
 * - INIT-REBOOT, RENEWING, REBINDING: NAK when the subnet is
 *   authoritative, else ignored, because another server may hold the
 *   lease (RFC 2131 section 4.3.2 lets a server without a record of the
 *   client stay silent).
 * A REQUEST with neither option 50 nor ciaddr is ignored.
 */
static inline int rb_dhcp4_decide(const struct rb_dhcp4_request *req,
				  const struct rb_device *dev,
				  const struct rb_dhcp4_template *tmpl)
{
	int state;
	__u32 requested;

	if (req->msg_type == RB_DHCPDISCOVER)
		return RB_DHCPOFFER;
	if (req->msg_type != RB_DHCPREQUEST)
		return RB_D4_V_IGNORE;

	if (req->server_id && req->server_id != tmpl->server_id)
		return RB_D4_V_IGNORE;
	state = rb_dhcp4_request_state(req);
	if (state == RB_D4_REQ_INVALID)
		return RB_D4_V_IGNORE;

	requested = state == RB_D4_REQ_RENEWING ? req->ciaddr : req->requested_ip;
	if (dev->ipv4 && requested == dev->ipv4)
		return RB_DHCPACK;
	if (state == RB_D4_REQ_SELECTING || !(tmpl->flags & RB_TMPL_F_NOT_AUTHORITATIVE))
		return RB_DHCPNAK;
	return RB_D4_V_IGNORE;
}

/*
 * Pick the boot file entry for w->req; returns its index or -1.  The
 * template is ordered so that the first match is the most specific one.
 * HTTP entries match only HTTPClient requests, which can still fall back
 * to the other entries when the profile has no HTTP boot file.
 */
RB_DHCP4_INLINE int rb_dhcp4_pick_bootfile(const struct rb_dhcp4_work *w,
				       const struct rb_dhcp4_template *tmpl)
{
	int i;

	if (!w || !tmpl)
		return -1;
	for (i = 0; i < RB_BOOTFILES_MAX; i++) {
		const struct rb_bootfile *bf = &tmpl->bootfiles[i];

		if (i >= tmpl->n_bootfiles)
			break;
		if (bf->http && !w->req.is_httpclient)
			continue;
		if (bf->ipxe && !w->req.is_ipxe)
			continue;
		if (bf->arch != RB_ARCH_ANY &&
		    (!w->req.has_client_arch || bf->arch != w->req.client_arch))
			continue;
		return i;
	}
	return -1;
}

/*
 * Return the length of the boot file name chosen in w->args.bootfile,
 * 0 when there is none.
 */
RB_DHCP4_INLINE int rb_dhcp4_bootfile_len(const struct rb_dhcp4_work *w,
				      const struct rb_dhcp4_template *tmpl)
{
	__s32 idx;

	if (!w || !tmpl)
		return 0;
	idx = w->args.bootfile;
	if (idx < 0 || idx >= RB_BOOTFILES_MAX)
		return 0;
	return tmpl->bootfiles[idx].len;
}

/* Check that the chosen boot file name does not fit the file field. */
static inline int rb_dhcp4_bootfile_is_long(const struct rb_dhcp4_work *w,
					    const struct rb_dhcp4_template *tmpl)
{
	return rb_dhcp4_bootfile_len(w, tmpl) >= RB_BOOTP_FILE_LEN;
}

/*
 * Append the template TLV at offset off - 1 of tmpl->opts at pos if it
 * fits below limit; off is an opt_off[] value, 0 when absent.  Returns
 * the new position, or pos unchanged when absent or too long; too long
 * sets w->args.dropped.  The copy goes in 8-byte words, so up to 7 bytes
 * after the TLV are overwritten: the next option or the zeroing after
 * the end option in rb_dhcp4_build() replaces them.  Reads past the
 * source stay inside the struct, because every index is below the
 * buffer's size less 8 (RB_DHCP4_MAX_LEN plus an option is under 2040).
 */
RB_DHCP4_FN int rb_dhcp4_put_tmpl_tlv(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
				      __u32 pos, __u32 limit, __u32 off)
{
	__u32 len, i;

	if (!w || !tmpl || off == 0)
		return pos;
	off -= 1;
	if (off + 2 > RB_TMPL_OPTS_LEN)
		return pos;
	len = 2 + tmpl->opts[rb_tmpl_idx(off + 1)];
	if (pos + len > limit) {
		w->args.dropped = 1;
		return pos;
	}
	for (i = 0; i < 257; i += 8) {
		if (i >= len)
			break;
		rb_store64(&w->out.b[rb_idx(pos + i)], rb_load64(&tmpl->opts[rb_tmpl_idx(off + i)]));
	}
	return pos + len;
}

/* Append the TLV of template option 'code' as rb_dhcp4_put_tmpl_tlv() does. */
RB_DHCP4_INLINE int rb_dhcp4_put_tmpl_opt(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
				      __u32 pos, __u32 limit, __u32 code)
{
	if (!tmpl || code > 255)
		return pos;
	return rb_dhcp4_put_tmpl_tlv(w, tmpl, pos, limit, tmpl->opt_off[code & 0xff]);
}

/*
 * Append option 61 or 82 with the payload the client sent, if it fits:
 * RFC 6842 and RFC 3046 ask for both to be echoed unchanged.  Like the
 * other option writers below, it copies 8-byte words and so overwrites
 * up to 7 bytes after the option (see rb_dhcp4_put_tmpl_tlv()).
 */
RB_DHCP4_INLINE int rb_dhcp4_put_echo(struct rb_dhcp4_work *w, __u32 pos, __u32 limit, __u32 code)
{
	__u32 off, len, i;

	if (!w)
		return pos;
	if (code == RB_OPT_CLIENT_ID) {
		off = w->req.client_id_off;
		len = w->req.client_id_len;
	} else {
		off = w->req.relay_off;
		len = w->req.relay_len;
	}
	if (len == 0)
		return pos;
	if (pos + 2 + len > limit) {
		w->args.dropped = 1;
		return pos;
	}

	w->out.b[rb_idx(pos)] = code;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < 255; i += 8) {
		if (i >= len)
			break;
		rb_store64(&w->out.b[rb_idx(pos + 2 + i)], rb_load64(&w->in.b[rb_idx(off + i)]));
	}
	return pos + 2 + len;
}

/* Append option 12 from the device record, if it has a host name. */
RB_DHCP4_FN int rb_dhcp4_put_hostname(struct rb_dhcp4_work *w, __u32 pos, __u32 limit)
{
	__u32 len, i;

	if (!w)
		return pos;
	len = w->dev.hostname_len;
	if (len == 0 || len > RB_HOSTNAME_MAX)
		return pos;
	if (pos + 2 + len > limit) {
		w->args.dropped = 1;
		return pos;
	}
	w->out.b[rb_idx(pos)] = RB_OPT_HOSTNAME;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < RB_HOSTNAME_MAX; i += 8) {
		if (i >= len)
			break;
		rb_store64(&w->out.b[rb_idx(pos + 2 + i)], rb_load64(&w->dev.hostname[i]));
	}
	return pos + 2 + len;
}

/* Append option 67 for the chosen boot file, if there is one and it fits. */
RB_DHCP4_FN int rb_dhcp4_put_bootfile(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
				      __u32 pos, __u32 limit)
{
	const struct rb_bootfile *bf;
	__s32 idx;
	__u32 len, i;

	if (!w || !tmpl)
		return pos;
	idx = w->args.bootfile;
	if (idx < 0 || idx >= RB_BOOTFILES_MAX)
		return pos;
	bf = &tmpl->bootfiles[idx];
	len = bf->len;
	if (len == 0 || len >= RB_BOOTFILE_MAX)
		return pos;
	if (pos + 2 + len > limit) {
		w->args.dropped = 1;
		return pos;
	}
	w->out.b[rb_idx(pos)] = RB_OPT_BOOTFILE;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < RB_BOOTFILE_MAX; i += 8) {
		if (i >= len)
			break;
		rb_store64(&w->out.b[rb_idx(pos + 2 + i)], rb_load64(&bf->name[i]));
	}
	return pos + 2 + len;
}

/*
 * Append options 51, 58 and 59 from the template, each if it fits.  The
 * template encoder writes them one after the other, 6 bytes each, and
 * then the 18 bytes go as one copy.
 */
RB_DHCP4_INLINE int rb_dhcp4_put_lease_times(struct rb_dhcp4_work *w,
					     const struct rb_dhcp4_template *tmpl,
					     __u32 pos, __u32 limit)
{
	__u32 off = tmpl->opt_off[RB_OPT_LEASE_TIME], i;

	if (off != 0 && off + 18 <= RB_TMPL_OPTS_LEN && pos + 18 <= limit &&
	    tmpl->opt_off[RB_OPT_RENEWAL_TIME] == off + 6 &&
	    tmpl->opt_off[RB_OPT_REBINDING_TIME] == off + 12 &&
	    tmpl->opts[rb_tmpl_idx(off)] == 4 && tmpl->opts[rb_tmpl_idx(off + 6)] == 4 &&
	    tmpl->opts[rb_tmpl_idx(off + 12)] == 4) {
		/* Three words: the 6 bytes after the block are rewritten later. */
		for (i = 0; i < 24; i += 8)
			rb_store64(&w->out.b[rb_idx(pos + i)],
				   rb_load64(&tmpl->opts[rb_tmpl_idx(off - 1 + i)]));
		return pos + 18;
	}
	pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_LEASE_TIME);
	pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_RENEWAL_TIME);
	return rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_REBINDING_TIME);
}

/* Largest reply the client accepts (RFC 2131 section 2, RFC 2132 9.10). */
static inline __u32 rb_dhcp4_reply_limit(const struct rb_dhcp4_request *req, __u32 mtu)
{
	__u32 ip_max = RB_DHCP4_DEFAULT_MAX;

	/* Option 57 counts the whole IP datagram and may not go below 576. */
	if (req->max_msg_size > ip_max)
		ip_max = req->max_msg_size;
	if (mtu && ip_max > mtu)
		ip_max = mtu;
	if (ip_max < 28 + RB_DHCP4_OPTS_OFF)
		return 0;
	if (ip_max - 28 > RB_DHCP4_MAX_LEN)
		return RB_DHCP4_MAX_LEN;
	return ip_max - 28;
}

/* Write the BOOTP header of the reply (RFC 2131 table 3). */
RB_DHCP4_INLINE int rb_dhcp4_put_header(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl)
{
	struct rb_dhcp4_buf *out;
	__s32 idx;
	int i;

	if (!w || !tmpl)
		return -1;
	out = &w->out;
	/*
	 * Zero up to the BOOTP minimum, so that short replies end in pad
	 * bytes, in 8-byte words: the last word also zeroes bytes 300 to 303.
	 */
	for (i = 0; i < RB_DHCP4_MIN_REPLY; i += 8)
		rb_store64(&out->b[i], 0);

	out->b[RB_BOOTP_OP] = RB_BOOTREPLY;
	out->b[RB_BOOTP_HTYPE] = w->req.htype;
	out->b[RB_BOOTP_HLEN] = w->req.hlen;
	for (i = 0; i < 4; i++)
		out->b[RB_BOOTP_XID + i] = w->in.b[RB_BOOTP_XID + i];
	/* flags and giaddr come from the request; a NAK keeps nothing else. */
	out->b[RB_BOOTP_FLAGS] = w->in.b[RB_BOOTP_FLAGS];
	out->b[RB_BOOTP_FLAGS + 1] = w->in.b[RB_BOOTP_FLAGS + 1];
	for (i = 0; i < 4; i++)
		out->b[RB_BOOTP_GIADDR + i] = w->in.b[RB_BOOTP_GIADDR + i];
	for (i = 0; i < 16; i++)
		out->b[RB_BOOTP_CHADDR + i] = w->req.chaddr[i];
	out->b[RB_BOOTP_COOKIE] = 0x63;
	out->b[RB_BOOTP_COOKIE + 1] = 0x82;
	out->b[RB_BOOTP_COOKIE + 2] = 0x53;
	out->b[RB_BOOTP_COOKIE + 3] = 0x63;
	if (w->args.reply_type == RB_DHCPNAK)
		return 0;

	/* An ACK to a renewing client echoes its ciaddr; an OFFER never does. */
	if (w->req.msg_type == RB_DHCPREQUEST)
		rb_dhcp4_put_addr(out, RB_BOOTP_CIADDR, w->req.ciaddr);
	rb_dhcp4_put_addr(out, RB_BOOTP_YIADDR, w->dev.ipv4);
	rb_dhcp4_put_addr(out, RB_BOOTP_SIADDR, tmpl->siaddr);

	/* A name too long for the file field goes in option 67 only. */
	idx = w->args.bootfile;
	if (idx >= 0 && idx < RB_BOOTFILES_MAX && tmpl->bootfiles[idx].len < RB_BOOTP_FILE_LEN) {
		const struct rb_bootfile *bf = &tmpl->bootfiles[idx];

		for (i = 0; i < RB_BOOTP_FILE_LEN - 1; i++) {
			if (i >= bf->len)
				break;
			out->b[RB_BOOTP_FILE + i] = bf->name[i];
		}
	}
	return 0;
}

/*
 * Append one requested option: from the template, the device or the
 * boot file.  Options placed elsewhere in the reply are skipped.
 */
RB_DHCP4_INLINE int rb_dhcp4_put_requested(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
				       __u32 pos, __u32 limit, __u32 code)
{
	switch (code) {
	case RB_OPT_PAD:
	case RB_OPT_END:
	case RB_OPT_MSG_TYPE:
	case RB_OPT_SERVER_ID:
	case RB_OPT_LEASE_TIME:
	case RB_OPT_RENEWAL_TIME:
	case RB_OPT_REBINDING_TIME:
	case RB_OPT_CLIENT_ID:
	case RB_OPT_RELAY_AGENT:
	case RB_OPT_VENDOR_CLASS:
		return pos;
	case RB_OPT_HOSTNAME:
		return rb_dhcp4_put_hostname(w, pos, limit);
	case RB_OPT_BOOTFILE:
		/* rb_dhcp4_build() placed a long name already. */
		if (rb_dhcp4_bootfile_is_long(w, tmpl))
			return pos;
		return rb_dhcp4_put_bootfile(w, tmpl, pos, limit);
	case RB_OPT_VENDOR_SPECIFIC:
		/* The PXE option 43 goes to PXE clients only, and config rejects it with a raw 43. */
		if (w && tmpl && tmpl->pxe_vendor_off) {
			if (!w->req.is_pxeclient)
				return pos;
			return rb_dhcp4_put_tmpl_tlv(w, tmpl, pos, limit, tmpl->pxe_vendor_off);
		}
		return rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, code);
	default:
		return rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, code);
	}
}

/*
 * Check that code may add an option when the template has no TLV at
 * opt_off[code]: the host name and boot file come from elsewhere, and
 * option 43 may be the PXE one.
 */
static inline int rb_dhcp4_code_has_other_source(__u32 code)
{
	return code == RB_OPT_HOSTNAME || code == RB_OPT_VENDOR_SPECIFIC || code == RB_OPT_BOOTFILE;
}

/*
 * Append the options of codes first to first + 3 that the server has, for
 * rb_dhcp4_put_all_options().
 */
RB_DHCP4_INLINE int rb_dhcp4_put_code_group(struct rb_dhcp4_work *w,
					    const struct rb_dhcp4_template *tmpl,
					    __u32 pos, __u32 limit, __u32 first)
{
	const __u16 *off = &tmpl->opt_off[first & 0xfc];
	__u32 code, i;

	for (i = 0; i < 4; i++) {
		code = first + i;
		if (code == RB_OPT_PAD || code == RB_OPT_END)
			continue;
		if (off[i] == 0 && !rb_dhcp4_code_has_other_source(code))
			continue;
		pos = rb_dhcp4_put_requested(w, tmpl, pos, limit, code);
	}
	return pos;
}

/*
 * Append every option the server has, in code order, for a client that
 * sent no option 55.  opt_off[] is read 16 entries (four 8-byte words)
 * at a time, then four at a time, so that the codes without any source
 * cost little, and only codes that may add something go through
 * rb_dhcp4_put_requested().  Codes 12, 43 and 67 have sources besides
 * opt_off[] and are always looked at.
 */
RB_DHCP4_INLINE int rb_dhcp4_put_all_options(struct rb_dhcp4_work *w,
					 const struct rb_dhcp4_template *tmpl,
					 __u32 pos, __u32 limit)
{
	const __u8 *words;
	__u32 block, group, code;

	if (!w || !tmpl)
		return pos;
	for (block = 0; block < 16; block++) {
		words = (const __u8 *)&tmpl->opt_off[block * 16];
		if ((rb_load64(words) | rb_load64(words + 8) | rb_load64(words + 16) |
		     rb_load64(words + 24)) == 0 &&
		    block != RB_OPT_HOSTNAME / 16 && block != RB_OPT_VENDOR_SPECIFIC / 16 &&
		    block != RB_OPT_BOOTFILE / 16)
			continue;
		for (group = 0; group < 4; group++) {
			code = block * 16 + group * 4;
			if (rb_load64(words + group * 8) == 0 && code != RB_OPT_HOSTNAME / 4 * 4 &&
			    code != RB_OPT_VENDOR_SPECIFIC / 4 * 4 && code != RB_OPT_BOOTFILE / 4 * 4)
				continue;
			pos = rb_dhcp4_put_code_group(w, tmpl, pos, limit, code);
		}
	}
	return pos;
}

/*
 * Append the options the client requested in option 55, in its order
 * (RFC 2132 section 9.8), or every option the server has when it sent
 * no list.
 */
RB_DHCP4_INLINE int rb_dhcp4_put_param_list(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
					__u32 pos, __u32 limit)
{
	__u32 i, code;

	if (!w || !tmpl)
		return pos;

	if (w->req.prl_len == 0)
		return rb_dhcp4_put_all_options(w, tmpl, pos, limit);

	for (i = 0; i < 255; i++) {
		if (i >= w->req.prl_len)
			break;
		code = w->in.b[rb_idx(w->req.prl_off + i)];
		pos = rb_dhcp4_put_requested(w, tmpl, pos, limit, code);
	}
	return pos;
}

/*
 * Build the reply to w->req into w->out, following w->args.  Option
 * order: 53, 54, then for OFFER and ACK 51, 58, 59, option 60
 * "PXEClient" for PXE clients or "HTTPClient" for UEFI HTTP Boot clients,
 * option 67 when the boot file name is too long for the file field, and
 * the requested options; last the echoed 61 and 82 (RFC 3046 wants 82
 * last).  Room is kept for the echoes and the end option.
 *
 * Returns the message length (at least 300), RB_D4_BUILD_ERROR, or
 * RB_D4_BUILD_PASS_UP when the reply needs what only rackbootd does: a
 * boot file name of more than 127 bytes, or an option that does not fit
 * the client's maximum, which rb_dhcp4_overload() moves into the file
 * and sname fields.  With RB_D4_BUILD_SLOW_PATH in w->args.flags such
 * options are left out instead.
 */
RB_DHCP4_FN int rb_dhcp4_build(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl)
{
	struct rb_dhcp4_buf *out;
	__u32 limit, tail, pos;
	int slow_path;

	if (!w || !tmpl)
		return RB_D4_BUILD_ERROR;
	out = &w->out;
	slow_path = w->args.flags & RB_D4_BUILD_SLOW_PATH;
	w->args.dropped = 0;
	if (w->args.reply_type != RB_DHCPNAK && !slow_path && rb_dhcp4_bootfile_is_long(w, tmpl))
		return RB_D4_BUILD_PASS_UP;
	if (w->args.flags & RB_D4_BUILD_NO_LIMIT)
		limit = RB_DHCP4_MAX_LEN;
	else
		limit = rb_dhcp4_reply_limit(&w->req, w->args.mtu);

	/* Room kept at the end for the echoed options and the end option. */
	tail = 1;
	if (w->req.client_id_len)
		tail += 2 + w->req.client_id_len;
	if (w->req.relay_len)
		tail += 2 + w->req.relay_len;
	if (RB_DHCP4_OPTS_OFF + 9 + tail > limit)
		return RB_D4_BUILD_ERROR;
	limit -= tail;

	if (rb_dhcp4_put_header(w, tmpl))
		return RB_D4_BUILD_ERROR;

	pos = RB_DHCP4_OPTS_OFF;
	out->b[pos] = RB_OPT_MSG_TYPE;
	out->b[pos + 1] = 1;
	out->b[pos + 2] = w->args.reply_type;
	pos += 3;
	out->b[pos] = RB_OPT_SERVER_ID;
	out->b[pos + 1] = 4;
	rb_dhcp4_put_addr(out, pos + 2, tmpl->server_id);
	pos += 6;

	if (w->args.reply_type != RB_DHCPNAK) {
		pos = rb_dhcp4_put_lease_times(w, tmpl, pos, limit);
		if (w->req.is_pxeclient)
			pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_VENDOR_CLASS);
		else if (w->req.is_httpclient)
			pos = rb_dhcp4_put_tmpl_tlv(w, tmpl, pos, limit, tmpl->http_class_off);
		if (rb_dhcp4_bootfile_is_long(w, tmpl))
			pos = rb_dhcp4_put_bootfile(w, tmpl, pos, limit);
		pos = rb_dhcp4_put_param_list(w, tmpl, pos, limit);
	}
	if (w->args.dropped && !slow_path)
		return RB_D4_BUILD_PASS_UP;

	limit += tail;
	pos = rb_dhcp4_put_echo(w, pos, limit, RB_OPT_CLIENT_ID);
	pos = rb_dhcp4_put_echo(w, pos, limit, RB_OPT_RELAY_AGENT);
	out->b[rb_idx(pos)] = RB_OPT_END;
	pos++;

	/*
	 * rb_dhcp4_put_header() zeroed the bytes up to the BOOTP minimum, and
	 * the word copies of rb_dhcp4_put_tmpl_tlv() wrote up to 7 bytes past
	 * the last option: zero those again.  The bytes after a longer message
	 * stay zero too, for checksum code that sums whole 4-byte words.
	 */
	rb_store64(&out->b[rb_idx(pos)], 0);
	if (pos < RB_DHCP4_MIN_REPLY)
		return RB_DHCP4_MIN_REPLY;
	return pos;
}

/*
 * Where a reply goes when giaddr is zero (RFC 2131 section 4.1): a NAK
 * and any reply with the broadcast bit set to 255.255.255.255, a reply
 * to a client with ciaddr to ciaddr, the rest to yiaddr at chaddr.
 * Returns the IPv4 destination.  *broadcast is set to 1 when the Ethernet
 * destination is ff:ff:ff:ff:ff:ff rather than chaddr.
 */
static inline __u32 rb_dhcp4_destination(const struct rb_dhcp4_request *req,
					 __u32 reply_type, __u32 yiaddr, int *broadcast)
{
	*broadcast = 0;
	if (reply_type == RB_DHCPNAK) {
		*broadcast = 1;
		return 0xffffffff;
	}
	if (req->ciaddr)
		return req->ciaddr;
	if (req->flags & RB_BOOTP_BROADCAST) {
		*broadcast = 1;
		return 0xffffffff;
	}
	return yiaddr;
}

#endif
