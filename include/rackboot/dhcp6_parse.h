/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 client message parsing, shared by the XDP program and
 * rackbootd.  Included by rackboot/dhcp6_wire.h, which defines the
 * buffers, the request struct and the bounded index helpers used here.
 * Every loop has a fixed bound, so that the BPF verifier accepts it.
 */
#ifndef RACKBOOT_DHCP6_PARSE_H
#define RACKBOOT_DHCP6_PARSE_H

#include "rackboot/dhcp6_wire.h"

/* Maximum codes of option 6 turned into oro_bits; the rest stay in oro_off. */
#define RB_DHCP6_ORO_CODES_MAX	64

/* Return the oro_bits bit of an option code, 0 for codes that no template contains. */
static inline __u32 rb_dhcp6_oro_bit(__u32 code)
{
	switch (code) {
	case RB_D6_OPT_DNS_SERVERS:
		return 1U << RB_D6_SLOT_DNS;
	case RB_D6_OPT_DOMAIN_LIST:
		return 1U << RB_D6_SLOT_DOMAINS;
	case RB_D6_OPT_SNTP_SERVERS:
		return 1U << RB_D6_SLOT_SNTP;
	case RB_D6_OPT_NTP_SERVER:
		return 1U << RB_D6_SLOT_NTP;
	case RB_D6_OPT_VENDOR_OPTS:
		return 1U << RB_D6_SLOT_VENDOR_OPTS;
	case RB_D6_OPT_SZTP_REDIRECT:
		return 1U << RB_D6_SLOT_SZTP;
	case RB_D6_OPT_SOL_MAX_RT:
		return 1U << RB_D6_SLOT_SOL_MAX_RT;
	case RB_D6_OPT_INF_MAX_RT:
		return 1U << RB_D6_SLOT_INF_MAX_RT;
	case RB_D6_OPT_BOOTFILE_URL:
		return RB_D6_ORO_BOOTFILE_URL;
	case RB_D6_OPT_BOOTFILE_PARAM:
		return RB_D6_ORO_BOOTFILE_PARAM;
	default:
		return 0;
	}
}

/* Check for "iPXE" at off in m. */
static inline int rb_dhcp6_is_ipxe_at(const struct rb_dhcp6_buf *m, __u32 off)
{
	return m->b[rb_d6_idx(off)] == 'i' &&
	       m->b[rb_d6_idx(off + 1)] == 'P' &&
	       m->b[rb_d6_idx(off + 2)] == 'X' &&
	       m->b[rb_d6_idx(off + 3)] == 'E';
}

/*
 * Check that the User Class option payload at off, len (RFC 8415
 * section 21.15: a list of classes, each with a 2-byte length) contains the
 * class "iPXE".  The bare string "iPXE" without a length counts too, as
 * for DHCPv4.  Only the first RB_DHCP6_USER_CLASS_MAX classes are read.
 */
RB_DHCP6_INLINE int rb_dhcp6_user_class_is_ipxe(const struct rb_dhcp6_buf *m, __u32 off, __u32 len)
{
	__u32 pos = 0, clen;
	int i;

	if (len == 4 && rb_dhcp6_is_ipxe_at(m, off))
		return 1;
	for (i = 0; i < RB_DHCP6_USER_CLASS_MAX; i++) {
		if (pos + 2 > len)
			break;
		clen = rb_dhcp6_get16(m, off + pos);
		if (clen == 4 && pos + 6 <= len && rb_dhcp6_is_ipxe_at(m, off + pos + 2))
			return 1;
		pos += 2 + clen;
	}
	return 0;
}

/* Turn the codes of the option 6 payload at off, len into req->oro_bits. */
RB_DHCP6_INLINE void rb_dhcp6_read_oro(struct rb_dhcp6_work *w, __u32 off, __u32 len)
{
	__u32 i;

	for (i = 0; i < RB_DHCP6_ORO_CODES_MAX; i++) {
		if (2 * i + 2 > len)
			break;
		w->req.oro_bits |= rb_dhcp6_oro_bit(rb_dhcp6_get16(&w->in, off + 2 * i));
	}
}

/*
 * Parse the IA_NA option payload of len bytes at off (RFC 8415 section
 * 21.4): IAID, T1, T2 and options, of which the IA Address options
 * (section 21.6) are kept.  Every IA_NA is counted in req.n_ia_na, and
 * the first RB_DHCP6_IA_MAX are kept.  Returns RB_D6_OK or an enum
 * rb_dhcp6_parse_error.
 */
RB_DHCP6_FN int rb_dhcp6_parse_ia_na(struct rb_dhcp6_work *w, __u32 off, __u32 len)
{
	struct rb_dhcp6_ia *ia;
	__u32 idx, pos, end, code, olen, n, i, j;

	if (!w)
		return RB_D6_EOPTION;
	if (len < RB_DHCP6_IA_NA_LEN)
		return RB_D6_EBADLEN;
	idx = w->req.n_ia_na;
	if (idx < 255)
		w->req.n_ia_na = idx + 1;
	if (idx >= RB_DHCP6_IA_MAX)
		return RB_D6_OK;

	ia = &w->req.ia[idx & (RB_DHCP6_IA_MAX - 1)];
	for (i = 0; i < 4; i++)
		ia->iaid[i] = w->in.b[rb_d6_idx(off + i)];
	ia->t1 = rb_dhcp6_get32(&w->in, off + 4);
	ia->t2 = rb_dhcp6_get32(&w->in, off + 8);

	pos = off + RB_DHCP6_IA_NA_LEN;
	end = off + len;
	for (i = 0; i < RB_DHCP6_IA_OPTIONS_MAX; i++) {
		if (pos >= end)
			return RB_D6_OK;
		if (pos + RB_DHCP6_OPT_HDR_LEN > end)
			return RB_D6_EOPTION;
		code = rb_dhcp6_get16(&w->in, pos);
		olen = rb_dhcp6_get16(&w->in, pos + 2);
		if (pos + RB_DHCP6_OPT_HDR_LEN + olen > end)
			return RB_D6_EOPTION;

		if (code == RB_D6_OPT_IAADDR) {
			if (olen < RB_DHCP6_IAADDR_LEN)
				return RB_D6_EBADLEN;
			n = ia->n_addrs;
			if (n < RB_DHCP6_IA_ADDRS_MAX) {
				for (j = 0; j < 16; j++)
					ia->addrs[n & (RB_DHCP6_IA_ADDRS_MAX - 1)][j] =
						w->in.b[rb_d6_idx(pos + RB_DHCP6_OPT_HDR_LEN + j)];
			}
			if (n < 255)
				ia->n_addrs = n + 1;
		}
		pos += RB_DHCP6_OPT_HDR_LEN + olen;
	}
	if (pos < end)
		return RB_D6_ETOOMANY;
	return RB_D6_OK;
}

/* Check the length of a DUID option and reject a second copy of it. */
static inline int rb_dhcp6_check_duid(__u32 len, __u32 seen_len)
{
	if (seen_len)
		return RB_D6_EDUPLICATE;
	if (len < RB_DUID_MIN || len > RB_DUID_MAX)
		return RB_D6_EDUID;
	return RB_D6_OK;
}

/*
 * Record the option with payload at val, len and code code.  Returns
 * RB_D6_OK or an enum rb_dhcp6_parse_error.
 */
RB_DHCP6_FN int rb_dhcp6_record_option(struct rb_dhcp6_work *w, __u32 code, __u32 val, __u32 len)
{
	struct rb_dhcp6_request *req;
	int err;

	if (!w)
		return RB_D6_EOPTION;
	req = &w->req;

	switch (code) {
	case RB_D6_OPT_CLIENTID:
		err = rb_dhcp6_check_duid(len, req->client_id_len);
		if (err)
			return err;
		req->client_id_off = val;
		req->client_id_len = len;
		break;
	case RB_D6_OPT_SERVERID:
		err = rb_dhcp6_check_duid(len, req->server_id_len);
		if (err)
			return err;
		req->server_id_off = val;
		req->server_id_len = len;
		break;
	case RB_D6_OPT_IA_NA:
		return rb_dhcp6_parse_ia_na(w, val, len);
	case RB_D6_OPT_IA_TA:
		if (len < 4)
			return RB_D6_EBADLEN;
		req->has_ia_ta = 1;
		break;
	case RB_D6_OPT_IA_PD:
		if (len < 12)
			return RB_D6_EBADLEN;
		req->has_ia_pd = 1;
		break;
	case RB_D6_OPT_ORO:
		if (len % 2)
			return RB_D6_EBADLEN;
		req->oro_off = val;
		req->oro_len = len;
		rb_dhcp6_read_oro(w, val, len);
		break;
	case RB_D6_OPT_ELAPSED_TIME:
		if (len != 2)
			return RB_D6_EBADLEN;
		req->elapsed_time = rb_dhcp6_get16(&w->in, val);
		break;
	case RB_D6_OPT_RAPID_COMMIT:
		if (len != 0)
			return RB_D6_EBADLEN;
		req->rapid_commit = 1;
		break;
	case RB_D6_OPT_RECONF_ACCEPT:
		if (len != 0)
			return RB_D6_EBADLEN;
		req->reconfigure_accept = 1;
		break;
	case RB_D6_OPT_USER_CLASS:
		if (len == 0)
			return RB_D6_EBADLEN;
		req->user_class_off = val;
		req->user_class_len = len;
		if (rb_dhcp6_user_class_is_ipxe(&w->in, val, len))
			req->is_ipxe = 1;
		break;
	case RB_D6_OPT_VENDOR_CLASS:
		if (len < 4)
			return RB_D6_EBADLEN;
		req->vendor_class_enterprise = rb_dhcp6_get32(&w->in, val);
		req->vendor_class_off = val + 4;
		req->vendor_class_len = len - 4;
		req->has_vendor_class = 1;
		break;
	case RB_D6_OPT_CLIENT_ARCH_TYPE:
		/* A list of 16-bit types (RFC 5970 section 3.3); the first is the one booting. */
		if (len == 0 || len % 2)
			return RB_D6_EBADLEN;
		req->client_arch = rb_dhcp6_get16(&w->in, val);
		req->has_client_arch = 1;
		break;
	default:
		break;
	}
	return RB_D6_OK;
}

/*
 * Parse the client message of len bytes in w->in into w->req.  Returns
 * RB_D6_OK or an enum rb_dhcp6_parse_error; w->req is only meaningful
 * on RB_D6_OK.  Unknown options are skipped, and the options of an
 * IA_NA are checked to lie inside it.
 */
RB_DHCP6_FN int rb_dhcp6_parse(struct rb_dhcp6_work *w, __u32 len)
{
	struct rb_dhcp6_request *req;
	__u32 off = RB_DHCP6_HDR_LEN, code, olen, type;
	int err, i;

	if (!w)
		return RB_D6_ESHORT;
	req = &w->req;
	__builtin_memset(req, 0, sizeof(*req));
	req->len = len;
	if (len > RB_DHCP6_MAX_LEN)
		return RB_D6_ELONG;
	if (len < RB_DHCP6_HDR_LEN)
		return RB_D6_ESHORT;

	type = w->in.b[0];
	req->msg_type = type;
	if (type == RB_D6_RELAY_FORW || type == RB_D6_RELAY_REPL)
		return RB_D6_ERELAYED;
	if (type == 0 || type > RB_D6_INFORMATION_REQUEST || type == RB_D6_ADVERTISE ||
	    type == RB_D6_REPLY || type == RB_D6_RECONFIGURE)
		return RB_D6_EMSGTYPE;
	req->xid[0] = w->in.b[1];
	req->xid[1] = w->in.b[2];
	req->xid[2] = w->in.b[3];

	for (i = 0; i < RB_DHCP6_MAX_OPTIONS; i++) {
		if (off >= len)
			return RB_D6_OK;
		if (off + RB_DHCP6_OPT_HDR_LEN > len)
			return RB_D6_EOPTION;
		code = rb_dhcp6_get16(&w->in, off);
		olen = rb_dhcp6_get16(&w->in, off + 2);
		if (off + RB_DHCP6_OPT_HDR_LEN + olen > len)
			return RB_D6_EOPTION;
		err = rb_dhcp6_record_option(w, code, off + RB_DHCP6_OPT_HDR_LEN, olen);
		if (err)
			return err;
		off += RB_DHCP6_OPT_HDR_LEN + olen;
	}
	if (off < len)
		return RB_D6_ETOOMANY;
	return RB_D6_OK;
}

/* Check that the request's Server Identifier is the DUID in tmpl. */
RB_DHCP6_INLINE int rb_dhcp6_server_id_matches(const struct rb_dhcp6_work *w,
					       const struct rb_dhcp6_template *tmpl)
{
	__u32 len, i;

	if (!w || !tmpl)
		return 0;
	len = w->req.server_id_len;
	if (len == 0 || len != tmpl->server_duid_len)
		return 0;
	for (i = 0; i < RB_DUID_MAX; i++) {
		if (i >= len)
			break;
		if (w->in.b[rb_d6_idx(w->req.server_id_off + i)] != tmpl->server_id[4 + i])
			return 0;
	}
	return 1;
}

/* Fill key with the request's client DUID; returns 0, or -1 without one. */
RB_DHCP6_INLINE int rb_dhcp6_client_key(const struct rb_dhcp6_work *w, struct rb_duid_key *key)
{
	__u32 len, i;

	if (!w || !key)
		return -1;
	__builtin_memset(key, 0, sizeof(*key));
	len = w->req.client_id_len;
	if (len < RB_DUID_MIN || len > RB_DUID_MAX)
		return -1;
	key->len = len;
	for (i = 0; i < RB_DUID_MAX; i++) {
		if (i >= len)
			break;
		key->duid[i] = w->in.b[rb_d6_idx(w->req.client_id_off + i)];
	}
	return 0;
}

/* DUID types (RFC 8415 section 11.1) and the Ethernet hardware type (RFC 826). */
#define RB_DUID_TYPE_LLT	1
#define RB_DUID_TYPE_LL		3
#define RB_DUID_HWTYPE_ETHERNET	1
#define RB_DUID_LLT_ETH_LEN	14	/* type, hardware type, 4-byte time, MAC */
#define RB_DUID_LL_ETH_LEN	10	/* type, hardware type, MAC */

/*
 * Fill key with the DUID-LL (RFC 8415 section 11.4) of the MAC in the
 * request's client DUID.  That DUID must be a DUID-LLT (section 11.2)
 * or DUID-LL of hardware type 1 (Ethernet) with a 6-byte address, the
 * same DUIDs from which the userspace slow path takes a MAC.  Returns
 * 0, or -1 for any other DUID.
 */
RB_DHCP6_INLINE int rb_dhcp6_client_mac_key(const struct rb_dhcp6_work *w,
					    struct rb_duid_key *key)
{
	__u32 len, off, type, hwtype, mac_off, i;

	if (!w || !key)
		return -1;
	len = w->req.client_id_len;
	off = w->req.client_id_off;
	if (len < 4)
		return -1;
	type = rb_dhcp6_get16(&w->in, off);
	hwtype = rb_dhcp6_get16(&w->in, off + 2);
	if (hwtype != RB_DUID_HWTYPE_ETHERNET)
		return -1;
	if (type == RB_DUID_TYPE_LLT && len == RB_DUID_LLT_ETH_LEN)
		mac_off = off + 8;
	else if (type == RB_DUID_TYPE_LL && len == RB_DUID_LL_ETH_LEN)
		mac_off = off + 4;
	else
		return -1;

	__builtin_memset(key, 0, sizeof(*key));
	key->len = RB_DUID_LL_ETH_LEN;
	key->duid[1] = RB_DUID_TYPE_LL;
	key->duid[3] = RB_DUID_HWTYPE_ETHERNET;
	for (i = 0; i < 6; i++)
		key->duid[4 + i] = w->in.b[rb_d6_idx(mac_off + i)];
	return 0;
}

#endif
