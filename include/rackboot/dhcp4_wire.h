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
 * call site; that keeps the nested option loops within its limits.  The
 * RB_DHCP4_INLINE functions are inlined instead, because a BPF call and
 * its return cost about 7 ns on a CPU with the "Safe RET" return
 * mitigation (AMD SRSO; 20 calls timed under BPF_PROG_TEST_RUN on an
 * EPYC VM), so small steps on the per-packet path are not calls.
 */
#ifndef RACKBOOT_DHCP4_WIRE_H
#define RACKBOOT_DHCP4_WIRE_H

#include <linux/types.h>

#include "rackboot/maps.h"

#ifdef __bpf__
#define RB_DHCP4_FN __attribute__((noinline))
#define RB_DHCP4_INLINE static __always_inline
#else
#define RB_DHCP4_FN static inline __attribute__((unused))
#define RB_DHCP4_INLINE static inline __attribute__((unused))
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
#define RB_UUID_LEN		16	/* option 97 UUID, after the type byte 0 */

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
#define RB_BOOTP_SNAME_LEN	64
/* RB_BOOTP_FILE_LEN, the file field's 128 bytes, is in rackboot/maps.h. */

/* Option 52 values (RFC 2132 section 9.3): the fields that hold options. */
#define RB_OVERLOAD_FILE	1
#define RB_OVERLOAD_SNAME	2

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
	RB_OPT_CLIENT_MACHINE_ID = 97,	/* RFC 4578 section 2.3 */
	RB_OPT_SUBNET_SELECTION = 118,	/* RFC 3011 */
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

/* Reasons a message is rejected, each with its own malformed counter. */
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

/*
 * Load or store 8 bytes at any alignment.  Under BPF each is one
 * instruction, because clang 14 splits a byte-aligned memcpy into single
 * bytes.  The verifier accepts misaligned map value accesses where the
 * CPU handles them (checked on x86-64 only).
 */
#ifdef __bpf__
static __always_inline __u64 rb_load64(const __u8 *p)
{
	return *(const __u64 *)p;
}

static __always_inline void rb_store64(__u8 *p, __u64 v)
{
	*(__u64 *)p = v;
}
#else
static inline __u64 rb_load64(const __u8 *p)
{
	__u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void rb_store64(__u8 *p, __u64 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}
#endif

/* A DHCP message, or a scratch area for one. */
struct rb_dhcp4_buf {
	__u8 b[RB_DHCP4_BUF_LEN];
};

/*
 * The fields of a request that rackboot uses.  Variable-length options
 * are kept as offsets of their payload in the request buffer.
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
	__u8 has_overload;	/* option 52 value, RB_OVERLOAD_* bits; 0 when absent */
	__u8 is_httpclient;	/* option 60 starts with "HTTPClient" (UEFI HTTP Boot) */
	__u8 has_uuid;		/* option 97 seen */
	__u8 has_subnet_selection;	/* an option 118 of length 4 seen */
	__u16 uuid_off;		/* option 97 UUID, after its type byte */
	__u32 subnet_selection;	/* first option 118 of length 4 (RFC 3011), network order */
};

/* Reply decisions from rb_dhcp4_decide() besides a message type. */
enum rb_dhcp4_verdict {
	RB_D4_V_IGNORE = 0,	/* not ours to answer: pass up or drop */
};

/* rb_dhcp4_build_args.flags. */
#define RB_D4_BUILD_SLOW_PATH	0x01	/* rackbootd: leave out what does not fit, allow long names */
#define RB_D4_BUILD_NO_LIMIT	0x02	/* fill up to RB_DHCP4_MAX_LEN, for rb_dhcp4_overload() */

/* Results of rb_dhcp4_build() besides a message length. */
#define RB_D4_BUILD_ERROR	(-1)	/* not even the header and echoes fit */
#define RB_D4_BUILD_PASS_UP	(-2)	/* needs option overload or a long boot file name */

/* Inputs of rb_dhcp4_build() that do not come from the maps. */
struct rb_dhcp4_build_args {
	__u32 reply_type;	/* RB_DHCPOFFER, RB_DHCPACK or RB_DHCPNAK */
	__u32 mtu;		/* largest IP datagram of the link */
	__s32 bootfile;		/* from rb_dhcp4_pick_bootfile() */
	__u8 flags;		/* RB_D4_BUILD_*; 0 in XDP, which never writes it */
	__u8 dropped;		/* output: an option was left out for lack of room */
	__u16 pad;
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

/* Sub-options of option 82 (RFC 3046 section 2.0). */
#define RB_RELAY_CIRCUIT_ID	1
#define RB_RELAY_REMOTE_ID	2
#define RB_RELAY_LINK_SELECTION	5	/* RFC 3527 */

#define RB_FNV1A_BASIS		2166136261U
#define RB_FNV1A_PRIME		16777619U

/* Continue the 32-bit FNV-1a hash h over len bytes at p. */
static inline __u32 rb_fnv1a(__u32 h, const __u8 *p, __u32 len)
{
	__u32 i;

	for (i = 0; i < 255; i++) {
		if (i >= len)
			break;
		h = (h ^ p[i]) * RB_FNV1A_PRIME;
	}
	return h;
}

/*
 * Hash the relay agent IDs that a reservation names, for struct
 * rb_relay_key: each named ID (length above 0) as its sub-option code,
 * length and bytes, the circuit-id first.  The codes keep a circuit-id
 * apart from an equal remote-id.
 */
static inline __u32 rb_relay_id_hash(const __u8 *circuit_id, __u32 circuit_len,
				     const __u8 *remote_id, __u32 remote_len)
{
	__u32 h = RB_FNV1A_BASIS;
	__u8 head[2];

	if (circuit_len) {
		head[0] = RB_RELAY_CIRCUIT_ID;
		head[1] = (__u8)circuit_len;
		h = rb_fnv1a(rb_fnv1a(h, head, 2), circuit_id, circuit_len);
	}
	if (remote_len) {
		head[0] = RB_RELAY_REMOTE_ID;
		head[1] = (__u8)remote_len;
		h = rb_fnv1a(rb_fnv1a(h, head, 2), remote_id, remote_len);
	}
	return h;
}

/* The codec itself, in two parts that need the definitions above. */
#include "rackboot/dhcp4_parse.h"
#include "rackboot/dhcp4_reply.h"

#endif
