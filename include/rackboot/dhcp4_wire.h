/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 message codec shared by the XDP program and rackbootd.
 *
 * Both sides run this same code on a copy of the DHCP message in a
 * struct rb_dhcp4_buf, so an XDP reply and a userspace reply to the same
 * request are the same bytes by construction.  Every index into a buffer
 * is masked with RB_DHCP4_BUF_MASK after its bounds check: the check keeps
 * the logic right, the mask lets the BPF verifier prove the access safe.
 *
 * Under clang's BPF target the RB_DHCP4_FN functions become global BPF
 * subprograms, which the verifier checks once each rather than once per
 * call site; that keeps the nested option loops within its limits.
 */
#ifndef RACKBOOT_DHCP4_WIRE_H
#define RACKBOOT_DHCP4_WIRE_H

#include <linux/types.h>

#include "rackboot/maps.h"

#ifdef __bpf__
#define RB_DHCP4_FN __attribute__((noinline))
#else
#define RB_DHCP4_FN static inline __attribute__((unused))
#endif

/* Largest DHCP message handled: an Ethernet MTU of 1500 less IP and UDP. */
#define RB_DHCP4_MAX_LEN	1472
#define RB_DHCP4_BUF_LEN	2048
#define RB_DHCP4_BUF_MASK	(RB_DHCP4_BUF_LEN - 1)	/* 0x7ff, as in rb_idx() */

#define RB_DHCP4_HDR_LEN	236	/* BOOTP fixed header */
#define RB_DHCP4_OPTS_OFF	240	/* after the magic cookie */
#define RB_DHCP4_MIN_REPLY	300	/* BOOTP minimum message (RFC 1542) */
#define RB_DHCP4_DEFAULT_MAX	576	/* IP datagram every client accepts */
#define RB_DHCP4_MAX_OPTIONS	255	/* options walked before giving up */
#define RB_DHCP4_PAD_RUN	64	/* pad bytes skipped as one option */
#define RB_DHCP4_MAGIC		0x63825363
#define RB_USER_CLASS_MAX	8	/* option 77 classes looked at */

/* Offsets in the BOOTP header (RFC 2131 figure 1). */
#define RB_BOOTP_OP		0
#define RB_BOOTP_HTYPE		1
#define RB_BOOTP_HLEN		2
#define RB_BOOTP_HOPS		3
#define RB_BOOTP_XID		4
#define RB_BOOTP_SECS		8
#define RB_BOOTP_FLAGS		10
#define RB_BOOTP_CIADDR		12
#define RB_BOOTP_YIADDR		16
#define RB_BOOTP_SIADDR		20
#define RB_BOOTP_GIADDR		24
#define RB_BOOTP_CHADDR		28
#define RB_BOOTP_SNAME		44
#define RB_BOOTP_FILE		108
#define RB_BOOTP_COOKIE		236

#define RB_BOOTREQUEST		1
#define RB_BOOTREPLY		2
#define RB_BOOTP_BROADCAST	0x8000	/* flags bit, host order */

/* Option codes (RFC 2132 and later). */
enum {
	RB_OPT_PAD = 0,
	RB_OPT_SUBNET_MASK = 1,
	RB_OPT_TIME_OFFSET = 2,
	RB_OPT_ROUTER = 3,
	RB_OPT_TIME_SERVER = 4,
	RB_OPT_DNS = 6,
	RB_OPT_LOG_SERVER = 7,
	RB_OPT_HOSTNAME = 12,
	RB_OPT_DOMAIN_NAME = 15,
	RB_OPT_VENDOR_SPECIFIC = 43,
	RB_OPT_REQUESTED_IP = 50,
	RB_OPT_LEASE_TIME = 51,
	RB_OPT_OVERLOAD = 52,
	RB_OPT_MSG_TYPE = 53,
	RB_OPT_SERVER_ID = 54,
	RB_OPT_PARAM_LIST = 55,
	RB_OPT_MAX_MSG_SIZE = 57,
	RB_OPT_RENEWAL_TIME = 58,
	RB_OPT_REBINDING_TIME = 59,
	RB_OPT_VENDOR_CLASS = 60,
	RB_OPT_CLIENT_ID = 61,
	RB_OPT_TFTP_SERVER = 66,
	RB_OPT_BOOTFILE = 67,
	RB_OPT_USER_CLASS = 77,
	RB_OPT_RELAY_AGENT = 82,
	RB_OPT_CLIENT_ARCH = 93,
	RB_OPT_SZTP_REDIRECT = 143,	/* RFC 8572 section 8.3 */
	RB_OPT_TFTP_SERVER_ADDRESS = 150,	/* RFC 5859 */
	RB_OPT_END = 255,
};

/* Option 53 values. */
enum {
	RB_DHCPDISCOVER = 1,
	RB_DHCPOFFER = 2,
	RB_DHCPREQUEST = 3,
	RB_DHCPDECLINE = 4,
	RB_DHCPACK = 5,
	RB_DHCPNAK = 6,
	RB_DHCPRELEASE = 7,
	RB_DHCPINFORM = 8,
};

/* Why a message was rejected; each maps to one malformed counter. */
enum rb_dhcp4_parse_error {
	RB_D4_OK = 0,
	RB_D4_ESHORT,		/* shorter than header and cookie */
	RB_D4_EOP,		/* op is not BOOTREQUEST */
	RB_D4_EHLEN,		/* hlen > 16 */
	RB_D4_ECOOKIE,		/* magic cookie missing */
	RB_D4_EOPTION,		/* an option runs past the end */
	RB_D4_ENOEND,		/* no end option */
	RB_D4_EBADLEN,		/* a known option with an invalid length */
	RB_D4_ELONG,		/* longer than RB_DHCP4_MAX_LEN */
	RB_D4_ETOOMANY,		/* more than RB_DHCP4_MAX_OPTIONS options */
};

/*
 * Bound an index into a struct rb_dhcp4_buf (or into template opts).
 * clang removes a mask it can prove redundant from an earlier check, but
 * the verifier does not always carry that check's bound to the register
 * used for the access; under BPF the mask is therefore applied in asm.
 */
#ifdef __bpf__
static __always_inline __u64 rb_idx(__u64 i)
{
	asm volatile("%0 &= 0x7ff" : "+r"(i));
	return i;
}

static __always_inline __u64 rb_tmpl_idx(__u64 i)
{
	asm volatile("%0 &= 0x1ff" : "+r"(i));
	return i;
}
#else
static inline __u64 rb_idx(__u64 i)
{
	return i & 0x7ff;
}

static inline __u64 rb_tmpl_idx(__u64 i)
{
	return i & 0x1ff;
}
#endif

/* A DHCP message, or a scratch area for one. */
struct rb_dhcp4_buf {
	__u8 b[RB_DHCP4_BUF_LEN];
};

/*
 * What rackboot needs from a request.  Variable-length options are kept
 * as offsets of their payload in the request buffer.
 */
struct rb_dhcp4_request {
	__u32 len;		/* message length */
	__u32 xid;		/* as on the wire */
	__u32 ciaddr;		/* network order, like every address here */
	__u32 giaddr;
	__u32 requested_ip;	/* option 50, 0 when absent */
	__u32 server_id;	/* option 54, 0 when absent */
	__u16 flags;		/* host order */
	__u16 max_msg_size;	/* option 57, host order, 0 when absent */
	__u16 client_arch;	/* option 93 first entry, host order */
	__u8 has_client_arch;
	__u8 is_ipxe;		/* option 77 contains the class "iPXE" */
	__u8 is_pxeclient;	/* option 60 starts with "PXEClient" */
	__u8 msg_type;		/* option 53, 0 when absent (BOOTP) */
	__u8 htype;
	__u8 hlen;
	__u8 chaddr[16];
	__u16 prl_off;		/* option 55 payload */
	__u8 prl_len;
	__u8 client_id_len;	/* option 61 payload, 0 when absent */
	__u16 client_id_off;
	__u16 relay_off;	/* option 82 payload */
	__u8 relay_len;		/* 0 when absent */
	__u8 has_overload;	/* option 52 seen */
	__u8 pad[2];
};

/* Reply decisions from rb_dhcp4_decide() besides a message type. */
enum rb_dhcp4_verdict {
	RB_D4_V_IGNORE = 0,	/* not ours to answer: pass up or drop */
};

/* Inputs of rb_dhcp4_build() that do not come from the maps. */
struct rb_dhcp4_build_args {
	__u32 reply_type;	/* RB_DHCPOFFER, RB_DHCPACK or RB_DHCPNAK */
	__u32 mtu;		/* largest IP datagram of the link */
	__s32 bootfile;		/* from rb_dhcp4_pick_bootfile() */
	__u32 pad;
};

/*
 * Everything one request and its reply need apart from the template.
 * BPF functions take at most five arguments, and a pointer stored inside
 * a struct cannot be followed by a BPF subprogram, so the codec passes
 * this one struct around.  XDP keeps it in a per-CPU map.
 */
struct rb_dhcp4_work {
	struct rb_dhcp4_buf in;		/* the request */
	struct rb_dhcp4_buf out;	/* the reply being built */
	struct rb_dhcp4_request req;
	struct rb_device dev;		/* copy of the device record */
	struct rb_dhcp4_build_args args;
};

/* Load a big-endian 16 or 32 bit value from a buffer. */
static inline __u32 rb_dhcp4_get16(const struct rb_dhcp4_buf *m, __u32 off)
{
	return ((__u32)m->b[rb_idx(off)] << 8) |
	       m->b[rb_idx(off + 1)];
}

static inline __u32 rb_dhcp4_get32(const struct rb_dhcp4_buf *m, __u32 off)
{
	return (rb_dhcp4_get16(m, off) << 16) | rb_dhcp4_get16(m, off + 2);
}

/* Load 4 bytes in wire order, for addresses kept in network order. */
static inline __u32 rb_dhcp4_get_addr(const struct rb_dhcp4_buf *m, __u32 off)
{
	__u32 v;
	__u8 *p = (__u8 *)&v;

	p[0] = m->b[rb_idx(off)];
	p[1] = m->b[rb_idx(off + 1)];
	p[2] = m->b[rb_idx(off + 2)];
	p[3] = m->b[rb_idx(off + 3)];
	return v;
}

static inline void rb_dhcp4_put_addr(struct rb_dhcp4_buf *m, __u32 off, __u32 v)
{
	const __u8 *p = (const __u8 *)&v;

	m->b[rb_idx(off)] = p[0];
	m->b[rb_idx(off + 1)] = p[1];
	m->b[rb_idx(off + 2)] = p[2];
	m->b[rb_idx(off + 3)] = p[3];
}

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

/* Check that option 60 at off, len starts with "PXEClient" (PXE 2.1). */
static inline int rb_dhcp4_vendor_is_pxeclient(const struct rb_dhcp4_buf *m, __u32 off, __u32 len)
{
	static const char want[] = "PXEClient";
	int i;

	if (len < sizeof(want) - 1)
		return 0;
	for (i = 0; i < (int)sizeof(want) - 1; i++) {
		if (m->b[rb_idx(off + i)] != (__u8)want[i])
			return 0;
	}
	return 1;
}

/*
 * Record one option whose code byte is at off.  Returns the offset of the
 * next option, 0 after the end option, or -(enum rb_dhcp4_parse_error).
 */
RB_DHCP4_FN int rb_dhcp4_parse_option(struct rb_dhcp4_work *w, __u32 off)
{
	struct rb_dhcp4_request *req;
	const struct rb_dhcp4_buf *m;
	__u32 code, len, val, i;

	if (!w || off >= RB_DHCP4_BUF_LEN)
		return -RB_D4_EOPTION;
	req = &w->req;
	m = &w->in;
	if (off >= req->len)
		return -RB_D4_ENOEND;

	code = m->b[rb_idx(off)];
	if (code == RB_OPT_END)
		return 0;
	/* A run of pad bytes counts as one option against RB_DHCP4_MAX_OPTIONS. */
	if (code == RB_OPT_PAD) {
		for (i = 1; i < RB_DHCP4_PAD_RUN; i++) {
			if (off + i >= req->len || m->b[rb_idx(off + i)] != RB_OPT_PAD)
				break;
		}
		return off + i;
	}
	if (off + 2 > req->len)
		return -RB_D4_EOPTION;

	len = m->b[rb_idx(off + 1)];
	val = off + 2;
	if (val + len > req->len)
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
		break;
	case RB_OPT_OVERLOAD:
		req->has_overload = 1;
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
		off = rb_dhcp4_parse_option(w, off);
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

/*
 * Choose the reply for a device in the inventory: OFFER for DISCOVER, ACK
 * or NAK for REQUEST.  Returns the message type, or RB_D4_V_IGNORE when
 * the request is not for this server (a REQUEST naming another server)
 * or is a type the fast path leaves to userspace.
 */
static inline int rb_dhcp4_decide(const struct rb_dhcp4_request *req,
				  const struct rb_device *dev,
				  const struct rb_dhcp4_template *tmpl)
{
	__u32 asked;

	if (req->msg_type == RB_DHCPDISCOVER)
		return RB_DHCPOFFER;
	if (req->msg_type != RB_DHCPREQUEST)
		return RB_D4_V_IGNORE;

	/* SELECTING names a server; the client chose another one. */
	if (req->server_id && req->server_id != tmpl->server_id)
		return RB_D4_V_IGNORE;

	/* SELECTING and INIT-REBOOT carry option 50; RENEWING uses ciaddr. */
	asked = req->requested_ip ? req->requested_ip : req->ciaddr;
	if (asked != dev->ipv4)
		return RB_DHCPNAK;
	return RB_DHCPACK;
}

/*
 * Pick the boot file entry for w->req; returns its index or -1.  The
 * template is ordered so that the first match is the most specific one.
 */
RB_DHCP4_FN int rb_dhcp4_pick_bootfile(const struct rb_dhcp4_work *w,
				       const struct rb_dhcp4_template *tmpl)
{
	int i;

	if (!w || !tmpl)
		return -1;
	for (i = 0; i < RB_BOOTFILES_MAX; i++) {
		const struct rb_bootfile *bf = &tmpl->bootfiles[i];

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

/*
 * Append the TLV of template option 'code' at pos if it fits below limit.
 * Returns the new position, or pos unchanged when absent or too long.
 */
RB_DHCP4_FN int rb_dhcp4_put_tmpl_opt(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
				      __u32 pos, __u32 limit, __u32 code)
{
	__u32 off, len, i;

	if (!w || !tmpl || code > 255)
		return pos;
	off = tmpl->opt_off[code & 0xff];
	if (off == 0)
		return pos;
	off -= 1;
	if (off + 2 > RB_TMPL_OPTS_LEN)
		return pos;
	len = 2 + tmpl->opts[rb_tmpl_idx(off + 1)];
	if (pos + len > limit)
		return pos;
	for (i = 0; i < 257; i++) {
		if (i >= len)
			break;
		w->out.b[rb_idx(pos + i)] = tmpl->opts[rb_tmpl_idx(off + i)];
	}
	return pos + len;
}

/*
 * Append option 61 or 82 with the payload the client sent, if it fits:
 * RFC 6842 and RFC 3046 ask for both to be echoed unchanged.
 */
RB_DHCP4_FN int rb_dhcp4_put_echo(struct rb_dhcp4_work *w, __u32 pos, __u32 limit, __u32 code)
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
	if (len == 0 || pos + 2 + len > limit)
		return pos;

	w->out.b[rb_idx(pos)] = code;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < 255; i++) {
		if (i >= len)
			break;
		w->out.b[rb_idx(pos + 2 + i)] = w->in.b[rb_idx(off + i)];
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
	if (len == 0 || len > RB_HOSTNAME_MAX || pos + 2 + len > limit)
		return pos;
	w->out.b[rb_idx(pos)] = RB_OPT_HOSTNAME;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < RB_HOSTNAME_MAX; i++) {
		if (i >= len)
			break;
		w->out.b[rb_idx(pos + 2 + i)] = w->dev.hostname[i];
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
	if (len == 0 || len >= RB_BOOTFILE_MAX || pos + 2 + len > limit)
		return pos;
	w->out.b[rb_idx(pos)] = RB_OPT_BOOTFILE;
	w->out.b[rb_idx(pos + 1)] = len;
	for (i = 0; i < RB_BOOTFILE_MAX; i++) {
		if (i >= len)
			break;
		w->out.b[rb_idx(pos + 2 + i)] = bf->name[i];
	}
	return pos + 2 + len;
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
RB_DHCP4_FN int rb_dhcp4_put_header(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl)
{
	struct rb_dhcp4_buf *out;
	__s32 idx;
	int i;

	if (!w || !tmpl)
		return -1;
	out = &w->out;
	/* Zero up to the BOOTP minimum, so that short replies end in pad bytes. */
	for (i = 0; i < RB_DHCP4_MIN_REPLY; i++)
		out->b[i] = 0;

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

	idx = w->args.bootfile;
	if (idx >= 0 && idx < RB_BOOTFILES_MAX) {
		const struct rb_bootfile *bf = &tmpl->bootfiles[idx];

		for (i = 0; i < RB_BOOTFILE_MAX - 1; i++) {
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
RB_DHCP4_FN int rb_dhcp4_put_requested(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
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
		return rb_dhcp4_put_bootfile(w, tmpl, pos, limit);
	default:
		return rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, code);
	}
}

/*
 * Append the options the client asked for in option 55, in its order
 * (RFC 2132 section 9.8), or every option the server has when it sent
 * no list.
 */
RB_DHCP4_FN int rb_dhcp4_put_param_list(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl,
					__u32 pos, __u32 limit)
{
	__u32 i, code;

	if (!w || !tmpl)
		return pos;

	if (w->req.prl_len == 0) {
		for (code = 1; code < 255; code++)
			pos = rb_dhcp4_put_requested(w, tmpl, pos, limit, code);
		return pos;
	}

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
 * "PXEClient" for PXE clients and the requested options; last the echoed
 * 61 and 82 (RFC 3046 wants 82 last).  Options that would not fit the
 * client's maximum are left out, after room is kept for the echoes and
 * the end option.  Returns the message length (at least 300) or -1.
 */
RB_DHCP4_FN int rb_dhcp4_build(struct rb_dhcp4_work *w, const struct rb_dhcp4_template *tmpl)
{
	struct rb_dhcp4_buf *out;
	__u32 limit, tail, pos;

	if (!w || !tmpl)
		return -1;
	out = &w->out;
	limit = rb_dhcp4_reply_limit(&w->req, w->args.mtu);

	/* Room kept at the end for the echoed options and the end option. */
	tail = 1;
	if (w->req.client_id_len)
		tail += 2 + w->req.client_id_len;
	if (w->req.relay_len)
		tail += 2 + w->req.relay_len;
	if (RB_DHCP4_OPTS_OFF + 9 + tail > limit)
		return -1;
	limit -= tail;

	if (rb_dhcp4_put_header(w, tmpl))
		return -1;

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
		pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_LEASE_TIME);
		pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_RENEWAL_TIME);
		pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_REBINDING_TIME);
		if (w->req.is_pxeclient)
			pos = rb_dhcp4_put_tmpl_opt(w, tmpl, pos, limit, RB_OPT_VENDOR_CLASS);
		pos = rb_dhcp4_put_param_list(w, tmpl, pos, limit);
	}

	limit += tail;
	pos = rb_dhcp4_put_echo(w, pos, limit, RB_OPT_CLIENT_ID);
	pos = rb_dhcp4_put_echo(w, pos, limit, RB_OPT_RELAY_AGENT);
	out->b[rb_idx(pos)] = RB_OPT_END;
	pos++;

	/*
	 * rb_dhcp4_put_header() zeroed the bytes up to the BOOTP minimum.  The
	 * three bytes after a longer message are zeroed too, for checksum code
	 * that sums whole 4-byte words.
	 */
	if (pos < RB_DHCP4_MIN_REPLY)
		return RB_DHCP4_MIN_REPLY;
	out->b[rb_idx(pos)] = 0;
	out->b[rb_idx(pos + 1)] = 0;
	out->b[rb_idx(pos + 2)] = 0;
	return pos;
}

/*
 * Where a reply goes when giaddr is zero (RFC 2131 section 4.1): a NAK
 * and any reply with the broadcast bit set to 255.255.255.255, a reply
 * to a client with ciaddr to ciaddr, the rest to yiaddr at chaddr.
 * Returns the IPv4 destination; *broadcast tells whether the Ethernet
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
