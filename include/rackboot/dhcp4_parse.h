/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 request parsing, shared by the XDP program and rackbootd.
 * Included by rackboot/dhcp4_wire.h, which defines the buffers, the
 * request struct and the bounded index helpers used here.
 */
#ifndef RACKBOOT_DHCP4_PARSE_H
#define RACKBOOT_DHCP4_PARSE_H

#include "rackboot/dhcp4_wire.h"

/* Check for "iPXE" at off in m. */
static inline int rb_dhcp4_is_ipxe_at(const struct rb_dhcp4_buf *m, __u32 off)
{
	return m->b[rb_idx(off)] == 'i' &&
	       m->b[rb_idx(off + 1)] == 'P' &&
	       m->b[rb_idx(off + 2)] == 'X' &&
	       m->b[rb_idx(off + 3)] == 'E';
}

/*
 * Check that the user class option (RFC 3004: a list of length-prefixed
 * classes) at off, len holds the class "iPXE".  iPXE itself sends the
 * bare string "iPXE" without the length prefix, so that form counts too.
 * Only the first RB_USER_CLASS_MAX classes are looked at.
 */
RB_DHCP4_FN int rb_dhcp4_user_class_is_ipxe(const struct rb_dhcp4_work *w, __u32 off, __u32 len)
{
	__u32 pos = 0;
	int i;

	if (!w)
		return 0;
	if (len == 4 && rb_dhcp4_is_ipxe_at(&w->in, off))
		return 1;

	for (i = 0; i < RB_USER_CLASS_MAX; i++) {
		__u32 clen;

		if (pos >= len)
			break;
		clen = w->in.b[rb_idx(off + pos)];
		if (clen == 4 && pos + 5 <= len && rb_dhcp4_is_ipxe_at(&w->in, off + pos + 1))
			return 1;
		pos += clen + 1;
	}
	return 0;
}

/* Check that the len bytes at off start with the want_len bytes of want. */
static __always_inline int rb_dhcp4_starts_with(const struct rb_dhcp4_buf *m, __u32 off,
						__u32 len, const char *want, __u32 want_len)
{
	__u32 i;

	if (len < want_len)
		return 0;
	for (i = 0; i < want_len; i++) {
		if (m->b[rb_idx(off + i)] != (__u8)want[i])
			return 0;
	}
	return 1;
}

/* Check that option 60 at off, len starts with "PXEClient" (PXE 2.1). */
static inline int rb_dhcp4_vendor_is_pxeclient(const struct rb_dhcp4_buf *m, __u32 off, __u32 len)
{
	static const char want[] = "PXEClient";

	return rb_dhcp4_starts_with(m, off, len, want, sizeof(want) - 1);
}

/* Check that option 60 at off, len starts with "HTTPClient" (UEFI HTTP Boot). */
static inline int rb_dhcp4_vendor_is_httpclient(const struct rb_dhcp4_buf *m, __u32 off, __u32 len)
{
	static const char want[] = "HTTPClient";

	return rb_dhcp4_starts_with(m, off, len, want, sizeof(want) - 1);
}

/*
 * Record one option whose code byte is at off, in a field that ends
 * before end: the options field ends with the message, the file and
 * sname fields with their size, and no option may cross that end
 * (RFC 2131 section 4.1).  Returns the offset of the next option, 0
 * after the end option, or -(enum rb_dhcp4_parse_error).
 */
RB_DHCP4_FN int rb_dhcp4_parse_option(struct rb_dhcp4_work *w, __u32 off, __u32 end)
{
	struct rb_dhcp4_request *req;
	const struct rb_dhcp4_buf *m;
	__u32 code, len, val, i;

	if (!w || off >= RB_DHCP4_BUF_LEN)
		return -RB_D4_EOPTION;
	req = &w->req;
	m = &w->in;
	if (end > req->len)
		end = req->len;
	if (off >= end)
		return -RB_D4_ENOEND;

	code = m->b[rb_idx(off)];
	if (code == RB_OPT_END)
		return 0;
	/* A run of pad bytes counts as one option against RB_DHCP4_MAX_OPTIONS. */
	if (code == RB_OPT_PAD) {
		for (i = 1; i < RB_DHCP4_PAD_RUN; i++) {
			if (off + i >= end || m->b[rb_idx(off + i)] != RB_OPT_PAD)
				break;
		}
		return off + i;
	}
	if (off + 2 > end)
		return -RB_D4_EOPTION;

	len = m->b[rb_idx(off + 1)];
	val = off + 2;
	if (val + len > end)
		return -RB_D4_EOPTION;

	switch (code) {
	case RB_OPT_MSG_TYPE:
		if (len != 1)
			return -RB_D4_EBADLEN;
		req->msg_type = m->b[rb_idx(val)];
		break;
	case RB_OPT_REQUESTED_IP:
		if (len != 4)
			return -RB_D4_EBADLEN;
		req->requested_ip = rb_dhcp4_get_addr(m, val);
		break;
	case RB_OPT_SERVER_ID:
		if (len != 4)
			return -RB_D4_EBADLEN;
		req->server_id = rb_dhcp4_get_addr(m, val);
		break;
	case RB_OPT_MAX_MSG_SIZE:
		if (len != 2)
			return -RB_D4_EBADLEN;
		req->max_msg_size = rb_dhcp4_get16(m, val);
		break;
	case RB_OPT_PARAM_LIST:
		if (len == 0)
			return -RB_D4_EBADLEN;
		req->prl_off = val;
		req->prl_len = len;
		break;
	case RB_OPT_CLIENT_ID:
		if (len < 2)
			return -RB_D4_EBADLEN;
		req->client_id_off = val;
		req->client_id_len = len;
		break;
	case RB_OPT_RELAY_AGENT:
		if (len == 0)
			return -RB_D4_EBADLEN;
		req->relay_off = val;
		req->relay_len = len;
		break;
	case RB_OPT_CLIENT_ARCH:
		/* A list of 16-bit types; the first is the one booting. */
		if (len == 0 || len % 2)
			return -RB_D4_EBADLEN;
		req->client_arch = rb_dhcp4_get16(m, val);
		req->has_client_arch = 1;
		break;
	case RB_OPT_USER_CLASS:
		if (len == 0)
			return -RB_D4_EBADLEN;
		if (rb_dhcp4_user_class_is_ipxe(w, val, len))
			req->is_ipxe = 1;
		break;
	case RB_OPT_VENDOR_CLASS:
		if (len == 0)
			return -RB_D4_EBADLEN;
		req->is_pxeclient = rb_dhcp4_vendor_is_pxeclient(m, val, len);
		req->is_httpclient = rb_dhcp4_vendor_is_httpclient(m, val, len);
		break;
	case RB_OPT_CLIENT_MACHINE_ID:
		/* RFC 4578 defines only type 0, followed by a 16-byte UUID. */
		if (len != 1 + RB_UUID_LEN || m->b[rb_idx(val)] != 0)
			return -RB_D4_EBADLEN;
		req->uuid_off = val + 1;
		req->has_uuid = 1;
		break;
	case RB_OPT_SUBNET_SELECTION:
		/* Other lengths are skipped, as rackbootd's link address search does. */
		if (len == 4 && !req->has_subnet_selection) {
			req->subnet_selection = rb_dhcp4_get_addr(m, val);
			req->has_subnet_selection = 1;
		}
		break;
	case RB_OPT_OVERLOAD:
		/* 1: file, 2: sname, 3: both (RFC 2132 section 9.3). */
		if (len != 1)
			return -RB_D4_EBADLEN;
		code = m->b[rb_idx(val)];
		if (code < 1 || code > 3)
			return -RB_D4_EBADLEN;
		req->has_overload = code;
		break;
	default:
		break;
	}
	return val + len;
}

/*
 * Parse the DHCP message of len bytes in w->in into w->req.  Returns
 * RB_D4_OK or an enum rb_dhcp4_parse_error; w->req is only meaningful
 * on RB_D4_OK.
 */
RB_DHCP4_FN int rb_dhcp4_parse(struct rb_dhcp4_work *w, __u32 len)
{
	struct rb_dhcp4_request *req;
	const struct rb_dhcp4_buf *m;
	int off = RB_DHCP4_OPTS_OFF;
	int i;

	if (!w)
		return RB_D4_ESHORT;
	req = &w->req;
	m = &w->in;
	__builtin_memset(req, 0, sizeof(*req));
	req->len = len;
	if (len > RB_DHCP4_MAX_LEN)
		return RB_D4_ELONG;
	if (len < RB_DHCP4_OPTS_OFF + 1)
		return RB_D4_ESHORT;

	if (m->b[RB_BOOTP_OP] != RB_BOOTREQUEST)
		return RB_D4_EOP;
	req->htype = m->b[RB_BOOTP_HTYPE];
	req->hlen = m->b[RB_BOOTP_HLEN];
	if (req->hlen > 16)
		return RB_D4_EHLEN;
	if (rb_dhcp4_get32(m, RB_BOOTP_COOKIE) != RB_DHCP4_MAGIC)
		return RB_D4_ECOOKIE;

	req->xid = rb_dhcp4_get_addr(m, RB_BOOTP_XID);
	req->flags = rb_dhcp4_get16(m, RB_BOOTP_FLAGS);
	req->ciaddr = rb_dhcp4_get_addr(m, RB_BOOTP_CIADDR);
	req->giaddr = rb_dhcp4_get_addr(m, RB_BOOTP_GIADDR);
	for (i = 0; i < 16; i++)
		req->chaddr[i] = m->b[RB_BOOTP_CHADDR + i];

	for (i = 0; i < RB_DHCP4_MAX_OPTIONS; i++) {
		off = rb_dhcp4_parse_option(w, off, len);
		if (off <= 0)
			break;
	}
	if (off < 0)
		return -off;
	/* The walk stopped at its bound before the end option. */
	if (off > 0)
		return RB_D4_ETOOMANY;
	return RB_D4_OK;
}

#ifndef __bpf__
/*
 * Parse the options in the BOOTP field of size bytes at off, which
 * start at its first byte and end with an end option (RFC 2131 section
 * 4.1).  Returns RB_D4_OK or an enum rb_dhcp4_parse_error.
 */
static inline int rb_dhcp4_parse_field(struct rb_dhcp4_work *w, __u32 off, __u32 size)
{
	int pos = (int)off;
	int i;

	for (i = 0; i < RB_DHCP4_MAX_OPTIONS; i++) {
		pos = rb_dhcp4_parse_option(w, (__u32)pos, off + size);
		if (pos <= 0)
			break;
	}
	if (pos < 0)
		return -pos;
	if (pos > 0)
		return RB_D4_ETOOMANY;
	return RB_D4_OK;
}

/*
 * Parse the options that option 52 moved into the file and sname fields,
 * after rb_dhcp4_parse() returned RB_D4_OK.  RFC 2131 section 4.1 fixes
 * the order: the options field, then file, then sname, so that a later
 * copy of an option replaces an earlier one.  Only an option 52 in the
 * options field counts.  Returns RB_D4_OK or an enum
 * rb_dhcp4_parse_error.  Userspace only: the XDP program passes
 * overloaded requests up without reading these fields.
 * NOTE: an option split over several fields (RFC 3396 concatenation) is
 * not joined; its last part wins.
 */
static inline int rb_dhcp4_parse_overload(struct rb_dhcp4_work *w)
{
	__u8 overload = w->req.has_overload;
	int err = RB_D4_OK;

	if (overload & RB_OVERLOAD_FILE)
		err = rb_dhcp4_parse_field(w, RB_BOOTP_FILE, RB_BOOTP_FILE_LEN);
	if (err == RB_D4_OK && (overload & RB_OVERLOAD_SNAME))
		err = rb_dhcp4_parse_field(w, RB_BOOTP_SNAME, RB_BOOTP_SNAME_LEN);
	w->req.has_overload = overload;
	return err;
}
#endif

#endif
