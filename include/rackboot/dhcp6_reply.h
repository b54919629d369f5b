/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 reply building, shared by the XDP program and rackbootd: the
 * fast-path decision, the boot file choice and the option layout of an
 * Advertise or Reply.  Included by rackboot/dhcp6_wire.h.
 */
#ifndef RACKBOOT_DHCP6_REPLY_H
#define RACKBOOT_DHCP6_REPLY_H

#include "rackboot/dhcp6_wire.h"

/* Decisions of rb_dhcp6_fast_prepare(); each but REPLY passes the request up. */
enum rb_dhcp6_verdict {
	RB_D6_V_REPLY = 0,		/* w->args is filled: build the Advertise or Reply it names */
	RB_D6_V_PASS_MSG_TYPE,		/* a type the fast path leaves to rackbootd */
	RB_D6_V_PASS_OTHER_SERVER,	/* Server Identifier missing or not ours (or present in a Solicit) */
	RB_D6_V_PASS_SLOW,		/* IA_TA, IA_PD, not exactly one IA_NA, or another address requested */
};

/*
 * Pick the boot file rule for w->req; returns its index or -1.  The
 * template is ordered so that the first match is the most specific one:
 * iPXE rules match only iPXE requests, architecture rules only requests
 * with that option 61 value.
 */
RB_DHCP6_INLINE int rb_dhcp6_pick_bootfile(const struct rb_dhcp6_work *w,
					   const struct rb_dhcp6_template *tmpl)
{
	int i;

	if (!w || !tmpl)
		return -1;
	for (i = 0; i < RB_BOOTFILES_MAX; i++) {
		const struct rb_bootfile6 *bf = &tmpl->bootfiles[i];

		if (i >= tmpl->n_bootfiles)
			break;
		if (bf->ipxe && !w->req.is_ipxe)
			continue;
		if (bf->arch != RB_ARCH_ANY &&
		    (!w->req.has_client_arch || bf->arch != w->req.client_arch))
			continue;
		return i;
	}
	return -1;
}

/* Check that address a (16 bytes) equals the address b in a buffer of the request. */
static inline int rb_dhcp6_addr_equal(const __u8 *a, const __u8 *b)
{
	return rb_d6_load64(a) == rb_d6_load64(b) && rb_d6_load64(a + 8) == rb_d6_load64(b + 8);
}

/*
 * Decide whether XDP replies to w->req for the device dev with template
 * tmpl, and fill w->args when it does (RFC 8415 sections 18.3.1, 18.3.2
 * and 18.3.4):
 * - a Solicit without a Server Identifier gets a Reply with option 14
 *   when it carries Rapid Commit and the subnet allows it, and else an
 *   Advertise without option 14;
 * - a Request or Renew naming this server gets a Reply;
 * - in each case the request has exactly one IA_NA, no IA_TA or IA_PD,
 *   and names no address other than dev->addr.
 * The IA_NA gets dev->addr with RB_D6_IA_BIND.  rackbootd replies to a
 * Request or Renew with RB_D6_IA_BIND_ZERO_OTHERS, which writes the same
 * bytes here, because no other address passes the check above.
 * Everything else goes to rackbootd, which also writes the status codes.
 * Returns an enum rb_dhcp6_verdict, and args.reply_type distinguishes an
 * Advertise from a Reply.
 */
RB_DHCP6_INLINE int rb_dhcp6_fast_prepare(struct rb_dhcp6_work *w,
					  const struct rb_dhcp6_template *tmpl,
					  const struct rb_device6 *dev)
{
	const struct rb_dhcp6_ia *ia;
	struct rb_dhcp6_build_args *args;
	__u32 type, i, rapid = 0;

	if (!w || !tmpl || !dev)
		return RB_D6_V_PASS_MSG_TYPE;
	type = w->req.msg_type;
	if (type == RB_D6_SOLICIT) {
		if (w->req.server_id_len)
			return RB_D6_V_PASS_OTHER_SERVER;
		rapid = w->req.rapid_commit && (tmpl->flags & RB_D6_TMPL_F_RAPID_COMMIT);
	} else if (type == RB_D6_REQUEST || type == RB_D6_RENEW) {
		if (!rb_dhcp6_server_id_matches(w, tmpl))
			return RB_D6_V_PASS_OTHER_SERVER;
	} else {
		return RB_D6_V_PASS_MSG_TYPE;
	}

	if (w->req.n_ia_na != 1 || w->req.has_ia_ta || w->req.has_ia_pd)
		return RB_D6_V_PASS_SLOW;
	ia = &w->req.ia[0];
	if (ia->n_addrs > RB_DHCP6_IA_ADDRS_MAX)
		return RB_D6_V_PASS_SLOW;
	for (i = 0; i < RB_DHCP6_IA_ADDRS_MAX; i++) {
		if (i >= ia->n_addrs)
			break;
		if (!rb_dhcp6_addr_equal(ia->addrs[i], dev->addr))
			return RB_D6_V_PASS_SLOW;
	}

	args = &w->args;
	__builtin_memset(args, 0, sizeof(*args));
	args->reply_type = RB_D6_REPLY;
	if (type == RB_D6_SOLICIT && rapid)
		args->flags = RB_D6_BUILD_RAPID_COMMIT;
	else if (type == RB_D6_SOLICIT)
		args->reply_type = RB_D6_ADVERTISE;
	args->status = RB_D6_STATUS_NONE;
	args->preferred_lifetime = dev->preferred_lifetime;
	args->valid_lifetime = dev->valid_lifetime;
	args->t1 = dev->t1;
	args->t2 = dev->t2;
	rb_d6_store64(&args->addr[0], rb_d6_load64(&dev->addr[0]));
	rb_d6_store64(&args->addr[8], rb_d6_load64(&dev->addr[8]));
	args->ia_action[0] = RB_D6_IA_BIND;
	args->bootfile = rb_dhcp6_pick_bootfile(w, tmpl);
	return RB_D6_V_REPLY;
}

/* Write an option header (code, length) at pos. */
static inline void rb_dhcp6_put_opt_hdr(struct rb_dhcp6_buf *m, __u32 pos, __u32 code, __u32 len)
{
	rb_dhcp6_put16(m, pos, code);
	rb_dhcp6_put16(m, pos + 2, len);
}

/*
 * Append the template TLV at offset off - 1 of tmpl->opts (a slot_off
 * value, 0 when absent) at pos if it fits below RB_DHCP6_MAX_LEN.
 * Returns the new position, or pos when absent or too long; too long
 * sets w->args.dropped.  The copy goes in 8-byte words and so writes up
 * to 7 bytes past the TLV, which the next option or the zeroing at the
 * end of rb_dhcp6_build() replaces.
 */
RB_DHCP6_FN int rb_dhcp6_put_tmpl_tlv(struct rb_dhcp6_work *w, const struct rb_dhcp6_template *tmpl,
				      __u32 pos, __u32 off)
{
	__u32 len, i;

	if (!w || !tmpl || off == 0)
		return pos;
	off -= 1;
	if (off + RB_DHCP6_OPT_HDR_LEN > RB_DHCP6_TMPL_OPTS_LEN)
		return pos;
	len = RB_DHCP6_OPT_HDR_LEN + ((__u32)tmpl->opts[rb_d6_opts_idx(off + 2)] << 8) +
	      tmpl->opts[rb_d6_opts_idx(off + 3)];
	if (off + len > RB_DHCP6_TMPL_OPTS_LEN)
		return pos;
	if (pos + len > RB_DHCP6_MAX_LEN) {
		w->args.dropped = 1;
		return pos;
	}
	for (i = 0; i < RB_DHCP6_TMPL_OPTS_LEN; i += 8) {
		if (i >= len)
			break;
		rb_d6_store64(&w->out.b[rb_d6_idx(pos + i)],
			      rb_d6_load64(&tmpl->opts[rb_d6_opts_idx(off + i)]));
	}
	return pos + len;
}

/* Boot file options of one rule, for rb_dhcp6_put_boot_tlv(). */
#define RB_D6_BOOT_URL		0	/* option 59 */
#define RB_D6_BOOT_PARAM	1	/* option 60 */

/*
 * Append option 59 or 60 (which: RB_D6_BOOT_URL or RB_D6_BOOT_PARAM) of
 * boot file rule idx, as rb_dhcp6_put_tmpl_tlv() does.
 */
RB_DHCP6_FN int rb_dhcp6_put_boot_tlv(struct rb_dhcp6_work *w, const struct rb_dhcp6_template *tmpl,
				      __u32 pos, __u32 idx, __u32 which)
{
	const struct rb_bootfile6 *bf;
	__u32 start, len, i;

	if (!w || !tmpl || idx >= RB_BOOTFILES_MAX)
		return pos;
	bf = &tmpl->bootfiles[idx & (RB_BOOTFILES_MAX - 1)];
	start = which == RB_D6_BOOT_URL ? 0 : bf->url_tlv_len;
	len = which == RB_D6_BOOT_URL ? bf->url_tlv_len : bf->param_tlv_len;
	if (len == 0 || start + len > RB_DHCP6_BOOT_TLV_MAX)
		return pos;
	if (pos + len > RB_DHCP6_MAX_LEN) {
		w->args.dropped = 1;
		return pos;
	}
	for (i = 0; i < RB_DHCP6_BOOT_TLV_MAX; i += 8) {
		if (i >= len)
			break;
		rb_d6_store64(&w->out.b[rb_d6_idx(pos + i)],
			      rb_d6_load64(&bf->tlv[rb_d6_boot_idx(start + i)]));
	}
	return pos + len;
}

/* Append a Status Code option (RFC 8415 section 21.13) without a message. */
static inline __u32 rb_dhcp6_put_status(struct rb_dhcp6_buf *m, __u32 pos, __u32 status)
{
	rb_dhcp6_put_opt_hdr(m, pos, RB_D6_OPT_STATUS_CODE, 2);
	rb_dhcp6_put16(m, pos + 4, status);
	return pos + 6;
}

/* Append an IA Address option (RFC 8415 section 21.6) for addr with the given lifetimes. */
static inline __u32 rb_dhcp6_put_iaaddr(struct rb_dhcp6_buf *m, __u32 pos, const __u8 *addr,
					__u32 preferred, __u32 valid)
{
	rb_dhcp6_put_opt_hdr(m, pos, RB_D6_OPT_IAADDR, RB_DHCP6_IAADDR_LEN);
	rb_d6_store64(&m->b[rb_d6_idx(pos + 4)], rb_d6_load64(addr));
	rb_d6_store64(&m->b[rb_d6_idx(pos + 12)], rb_d6_load64(addr + 8));
	rb_dhcp6_put32(m, pos + 20, preferred);
	rb_dhcp6_put32(m, pos + 24, valid);
	return pos + 4 + RB_DHCP6_IAADDR_LEN;
}

/* Largest IA_NA option rb_dhcp6_put_ia() writes: header, IAID, T1, T2, addresses. */
#define RB_DHCP6_IA_REPLY_MAX	(4 + RB_DHCP6_IA_NA_LEN + \
				 (1 + RB_DHCP6_IA_ADDRS_MAX) * (4 + RB_DHCP6_IAADDR_LEN))

/*
 * Append the IA_NA for w->req.ia[idx] as w->args.ia_action[idx] selects
 * (RFC 8415 section 21.4).  A bound IA carries args.addr with the args'
 * lifetimes, T1 and T2; with RB_D6_IA_BIND_ZERO_OTHERS also each other
 * address the client named, with lifetimes 0, which instructs it to stop
 * using them (section 18.3.4).  An IA with a status has T1 and T2 of 0.
 */
RB_DHCP6_FN int rb_dhcp6_put_ia(struct rb_dhcp6_work *w, __u32 pos, __u32 idx)
{
	const struct rb_dhcp6_ia *ia;
	struct rb_dhcp6_buf *out;
	__u32 action, start, i;

	if (!w || idx >= RB_DHCP6_IA_MAX)
		return pos;
	idx &= RB_DHCP6_IA_MAX - 1;
	action = w->args.ia_action[idx];
	if (action == RB_D6_IA_OMIT || action > RB_D6_IA_STATUS)
		return pos;
	if (pos + RB_DHCP6_IA_REPLY_MAX > RB_DHCP6_MAX_LEN) {
		w->args.dropped = 1;
		return pos;
	}
	ia = &w->req.ia[idx];
	out = &w->out;
	start = pos;
	pos += 4;
	for (i = 0; i < 4; i++)
		out->b[rb_d6_idx(pos + i)] = ia->iaid[i];
	if (action == RB_D6_IA_STATUS) {
		rb_dhcp6_put32(out, pos + 4, 0);
		rb_dhcp6_put32(out, pos + 8, 0);
		pos = rb_dhcp6_put_status(out, pos + RB_DHCP6_IA_NA_LEN, w->args.ia_status[idx]);
		rb_dhcp6_put_opt_hdr(out, start, RB_D6_OPT_IA_NA, pos - start - 4);
		return pos;
	}

	rb_dhcp6_put32(out, pos + 4, w->args.t1);
	rb_dhcp6_put32(out, pos + 8, w->args.t2);
	pos = rb_dhcp6_put_iaaddr(out, pos + RB_DHCP6_IA_NA_LEN, w->args.addr,
				  w->args.preferred_lifetime, w->args.valid_lifetime);
	if (action == RB_D6_IA_BIND_ZERO_OTHERS) {
		for (i = 0; i < RB_DHCP6_IA_ADDRS_MAX; i++) {
			if (i >= ia->n_addrs)
				break;
			if (rb_dhcp6_addr_equal(ia->addrs[i], w->args.addr))
				continue;
			pos = rb_dhcp6_put_iaaddr(out, pos, ia->addrs[i], 0, 0);
		}
	}
	rb_dhcp6_put_opt_hdr(out, start, RB_D6_OPT_IA_NA, pos - start - 4);
	return pos;
}

/* Append the Client Identifier the request carried, unchanged (RFC 8415 section 18.3). */
RB_DHCP6_INLINE int rb_dhcp6_put_client_id(struct rb_dhcp6_work *w, __u32 pos)
{
	__u32 len, off, i;

	len = w->req.client_id_len;
	off = w->req.client_id_off;
	if (len == 0 || len > RB_DUID_MAX)
		return pos;
	rb_dhcp6_put_opt_hdr(&w->out, pos, RB_D6_OPT_CLIENTID, len);
	for (i = 0; i < RB_DUID_MAX + 8; i += 8) {
		if (i >= len)
			break;
		rb_d6_store64(&w->out.b[rb_d6_idx(pos + 4 + i)],
			      rb_d6_load64(&w->in.b[rb_d6_idx(off + i)]));
	}
	return pos + 4 + len;
}

/* Append the template's Server Identifier option. */
RB_DHCP6_INLINE int rb_dhcp6_put_server_id(struct rb_dhcp6_work *w,
					   const struct rb_dhcp6_template *tmpl, __u32 pos)
{
	__u32 len = 4 + tmpl->server_duid_len, i;

	if (tmpl->server_duid_len == 0 || tmpl->server_duid_len > RB_DUID_MAX)
		return pos;
	for (i = 0; i < sizeof(tmpl->server_id); i += 8) {
		if (i >= len)
			break;
		rb_d6_store64(&w->out.b[rb_d6_idx(pos + i)], rb_d6_load64(&tmpl->server_id[i]));
	}
	return pos + len;
}

/*
 * Append the options the client named in its Option Request option, in
 * slot order, and the boot file options of the chosen rule.  RFC 8415
 * section 18.3 has a server include the requested options it has, and
 * RFC 5970 sends options 59 and 60 only when requested.  INF_MAX_RT
 * goes only in a Reply to an Information-request (section 21.25).
 */
RB_DHCP6_FN int rb_dhcp6_put_requested(struct rb_dhcp6_work *w, const struct rb_dhcp6_template *tmpl,
				       __u32 pos)
{
	__u32 bits, slot;
	__s32 idx;

	if (!w || !tmpl)
		return pos;
	bits = w->req.oro_bits;
	if (w->req.msg_type != RB_D6_INFORMATION_REQUEST)
		bits &= ~(1U << RB_D6_SLOT_INF_MAX_RT);
	for (slot = 0; slot < RB_D6_SLOT_COUNT; slot++) {
		if (!(bits & (1U << slot)))
			continue;
		pos = rb_dhcp6_put_tmpl_tlv(w, tmpl, pos, tmpl->slot_off[slot]);
	}

	idx = w->args.bootfile;
	if (idx < 0 || idx >= RB_BOOTFILES_MAX || idx >= tmpl->n_bootfiles)
		return pos;
	if (bits & RB_D6_ORO_BOOTFILE_URL)
		pos = rb_dhcp6_put_boot_tlv(w, tmpl, pos, idx, RB_D6_BOOT_URL);
	if (bits & RB_D6_ORO_BOOTFILE_PARAM)
		pos = rb_dhcp6_put_boot_tlv(w, tmpl, pos, idx, RB_D6_BOOT_PARAM);
	return pos;
}

/*
 * Build the reply to w->req into w->out, following w->args.  Layout:
 * msg-type and the request's transaction-id, the Client Identifier
 * echoed, the Server Identifier, Rapid Commit (RB_D6_BUILD_RAPID_COMMIT),
 * the top-level Status Code (unless RB_D6_STATUS_NONE), one IA_NA per
 * kept IA_NA of the request as args.ia_action selects, then the requested
 * options of rb_dhcp6_put_requested().  An option that would take the
 * reply past RB_DHCP6_MAX_LEN is left out and sets args.dropped.
 * Returns the message length or RB_D6_BUILD_ERROR.
 */
RB_DHCP6_FN int rb_dhcp6_build(struct rb_dhcp6_work *w, const struct rb_dhcp6_template *tmpl)
{
	struct rb_dhcp6_buf *out;
	__u32 pos, i;

	if (!w || !tmpl)
		return RB_D6_BUILD_ERROR;
	out = &w->out;
	w->args.dropped = 0;

	out->b[0] = w->args.reply_type;
	out->b[1] = w->req.xid[0];
	out->b[2] = w->req.xid[1];
	out->b[3] = w->req.xid[2];
	pos = RB_DHCP6_HDR_LEN;
	pos = rb_dhcp6_put_client_id(w, pos);
	pos = rb_dhcp6_put_server_id(w, tmpl, pos);
	if (w->args.flags & RB_D6_BUILD_RAPID_COMMIT) {
		rb_dhcp6_put_opt_hdr(out, pos, RB_D6_OPT_RAPID_COMMIT, 0);
		pos += 4;
	}
	if (w->args.status != RB_D6_STATUS_NONE)
		pos = rb_dhcp6_put_status(out, pos, w->args.status);

	for (i = 0; i < RB_DHCP6_IA_MAX; i++) {
		if (i >= w->req.n_ia_na)
			break;
		pos = rb_dhcp6_put_ia(w, pos, i);
	}
	pos = rb_dhcp6_put_requested(w, tmpl, pos);
	if (pos > RB_DHCP6_MAX_LEN)
		return RB_D6_BUILD_ERROR;

	/* The word copies wrote up to 7 bytes past the last option: zero them. */
	rb_d6_store64(&out->b[rb_d6_idx(pos)], 0);
	return pos;
}

#endif
