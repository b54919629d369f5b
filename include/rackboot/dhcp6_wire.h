/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 message codec (RFC 8415) shared by the XDP program and
 * rackbootd, built like the DHCPv4 one in rackboot/dhcp4_wire.h.
 *
 * Both sides run the same code on a copy of the DHCPv6 message (the UDP
 * payload) in a struct rb_dhcp6_buf, so that an XDP reply and a
 * userspace reply to the same request are the same bytes.  Every index
 * into a buffer is masked with rb_d6_idx() after its bounds check,
 * because the BPF verifier needs the mask to prove the access safe.
 * Under clang's BPF target the RB_DHCP6_FN functions become global BPF
 * subprograms, checked once each; RB_DHCP6_INLINE ones are inlined.
 *
 * Relayed messages (Relay-forward, RFC 8415 section 9) are unwrapped in
 * userspace only, by userspace/dhcp6/relay6.h, which hands the inner
 * client message to this parser.
 */
#ifndef RACKBOOT_DHCP6_WIRE_H
#define RACKBOOT_DHCP6_WIRE_H

#include <linux/types.h>

#include "rackboot/maps.h"
#include "rackboot/dhcp6_maps.h"

#ifdef __bpf__
#define RB_DHCP6_FN __attribute__((noinline))
#define RB_DHCP6_INLINE static __always_inline
#else
#define RB_DHCP6_FN static inline __attribute__((unused))
#define RB_DHCP6_INLINE static inline __attribute__((unused))
#endif

/* Largest DHCPv6 message handled: an Ethernet MTU of 1500 less IPv6 and UDP. */
#define RB_DHCP6_MAX_LEN	1452
#define RB_DHCP6_BUF_LEN	2048
#define RB_DHCP6_BUF_MASK	(RB_DHCP6_BUF_LEN - 1)

#define RB_DHCP6_HDR_LEN	4	/* msg-type and transaction-id */
#define RB_DHCP6_RELAY_HDR_LEN	34	/* msg-type, hop-count, link-address, peer-address */
#define RB_DHCP6_OPT_HDR_LEN	4	/* option-code and option-len */
#define RB_DHCP6_MAX_OPTIONS	64	/* top-level options walked before giving up */
#define RB_DHCP6_IA_OPTIONS_MAX	8	/* options walked inside one IA_NA */
#define RB_DHCP6_IA_MAX		4	/* IA_NA options kept per request */
#define RB_DHCP6_IA_ADDRS_MAX	2	/* IA Address options kept per IA_NA */
#define RB_DHCP6_IA_NA_LEN	12	/* IAID, T1, T2 before the IA_NA options */
#define RB_DHCP6_IAADDR_LEN	24	/* address, preferred and valid lifetime */
#define RB_DHCP6_USER_CLASS_MAX	8	/* option 15 classes looked at */
#define RB_DHCP6_HOP_COUNT_LIMIT	8	/* RFC 8415 section 7.6 */
#define RB_DHCP6_SOL_MAX_RT	3600	/* seconds, RFC 8415 section 7.6 default */
#define RB_DHCP6_INF_MAX_RT	3600	/* seconds, RFC 8415 section 7.6 default */
#define RB_DHCP6_ENTERPRISE_CABLELABS	4491

/* UDP ports (RFC 8415 section 7.2); rackboot's server port is configurable. */
#define RB_DHCP6_CLIENT_PORT	546
#define RB_DHCP6_SERVER_PORT	547

/* Message types (RFC 8415 section 7.3). */
enum {
	RB_D6_SOLICIT = 1,
	RB_D6_ADVERTISE = 2,
	RB_D6_REQUEST = 3,
	RB_D6_CONFIRM = 4,
	RB_D6_RENEW = 5,
	RB_D6_REBIND = 6,
	RB_D6_REPLY = 7,
	RB_D6_RELEASE = 8,
	RB_D6_DECLINE = 9,
	RB_D6_RECONFIGURE = 10,
	RB_D6_INFORMATION_REQUEST = 11,
	RB_D6_RELAY_FORW = 12,
	RB_D6_RELAY_REPL = 13,
};

/* Option codes (RFC 8415 section 21 and later RFCs). */
enum {
	RB_D6_OPT_CLIENTID = 1,
	RB_D6_OPT_SERVERID = 2,
	RB_D6_OPT_IA_NA = 3,
	RB_D6_OPT_IA_TA = 4,
	RB_D6_OPT_IAADDR = 5,
	RB_D6_OPT_ORO = 6,
	RB_D6_OPT_PREFERENCE = 7,
	RB_D6_OPT_ELAPSED_TIME = 8,
	RB_D6_OPT_RELAY_MSG = 9,
	RB_D6_OPT_AUTH = 11,
	RB_D6_OPT_UNICAST = 12,
	RB_D6_OPT_STATUS_CODE = 13,
	RB_D6_OPT_RAPID_COMMIT = 14,
	RB_D6_OPT_USER_CLASS = 15,
	RB_D6_OPT_VENDOR_CLASS = 16,
	RB_D6_OPT_VENDOR_OPTS = 17,
	RB_D6_OPT_INTERFACE_ID = 18,
	RB_D6_OPT_RECONF_MSG = 19,
	RB_D6_OPT_RECONF_ACCEPT = 20,
	RB_D6_OPT_DNS_SERVERS = 23,	/* RFC 3646 */
	RB_D6_OPT_DOMAIN_LIST = 24,	/* RFC 3646 */
	RB_D6_OPT_IA_PD = 25,
	RB_D6_OPT_SNTP_SERVERS = 31,	/* RFC 4075 */
	RB_D6_OPT_REMOTE_ID = 37,	/* RFC 4649 */
	RB_D6_OPT_NTP_SERVER = 56,	/* RFC 5908 */
	RB_D6_OPT_BOOTFILE_URL = 59,	/* RFC 5970 */
	RB_D6_OPT_BOOTFILE_PARAM = 60,	/* RFC 5970 */
	RB_D6_OPT_CLIENT_ARCH_TYPE = 61,	/* RFC 5970 */
	RB_D6_OPT_CLIENT_LINKLAYER_ADDR = 79,	/* RFC 6939 */
	RB_D6_OPT_SOL_MAX_RT = 82,
	RB_D6_OPT_INF_MAX_RT = 83,
	RB_D6_OPT_SZTP_REDIRECT = 136,	/* RFC 8572 section 8.4 */
};

/* Sub-options of option 56 (RFC 5908 section 4). */
#define RB_D6_NTP_SUBOPT_SRV_ADDR	1

/* Sub-options of option 17 with enterprise number 4491 (CableLabs CL-SP-CANN-DHCP-Reg). */
enum {
	RB_D6_CL_TFTP_SERVERS = 32,
	RB_D6_CL_CONFIG_FILE = 33,
	RB_D6_CL_SYSLOG_SERVERS = 34,
	RB_D6_CL_TIME_SERVERS = 37,
	RB_D6_CL_TIME_OFFSET = 38,
};

/* Status codes (RFC 8415 section 21.13). */
enum {
	RB_D6_STATUS_SUCCESS = 0,
	RB_D6_STATUS_UNSPEC_FAIL = 1,
	RB_D6_STATUS_NO_ADDRS_AVAIL = 2,
	RB_D6_STATUS_NO_BINDING = 3,
	RB_D6_STATUS_NOT_ON_LINK = 4,
	RB_D6_STATUS_USE_MULTICAST = 5,
	RB_D6_STATUS_NO_PREFIX_AVAIL = 6,
};

/* No Status Code option, for rb_dhcp6_build_args.status. */
#define RB_D6_STATUS_NONE	0xffff

/* Reasons a message is rejected, each with its own malformed counter in XDP. */
enum rb_dhcp6_parse_error {
	RB_D6_OK = 0,
	RB_D6_ESHORT,		/* shorter than the 4-byte header */
	RB_D6_ELONG,		/* longer than RB_DHCP6_MAX_LEN */
	RB_D6_EMSGTYPE,		/* not a message a client sends */
	RB_D6_ERELAYED,		/* Relay-forward or Relay-reply: unwrap with relay6.h first */
	RB_D6_EOPTION,		/* an option runs past the end of the message or its IA_NA */
	RB_D6_EBADLEN,		/* a known option with an invalid length */
	RB_D6_EDUID,		/* client or server DUID shorter than 3 or longer than 130 bytes */
	RB_D6_EDUPLICATE,	/* a second Client Identifier or Server Identifier option */
	RB_D6_ETOOMANY,		/* more than RB_DHCP6_MAX_OPTIONS options */
	RB_D6_ERROR_COUNT,
};

/* Bound an index into a struct rb_dhcp6_buf; see rb_idx() in rackboot/dhcp4_wire.h. */
#ifdef __bpf__
static __always_inline __u64 rb_d6_idx(__u64 i)
{
	asm volatile("%0 &= 0x7ff" : "+r"(i));
	return i;
}

/* Bound an index into rb_dhcp6_template.opts. */
static __always_inline __u64 rb_d6_opts_idx(__u64 i)
{
	asm volatile("%0 &= 0x3ff" : "+r"(i));
	return i;
}

/* Bound an index into rb_bootfile6.tlv. */
static __always_inline __u64 rb_d6_boot_idx(__u64 i)
{
	asm volatile("%0 &= 0x1ff" : "+r"(i));
	return i;
}
#else
static inline __u64 rb_d6_idx(__u64 i)
{
	return i & 0x7ff;
}

static inline __u64 rb_d6_opts_idx(__u64 i)
{
	return i & 0x3ff;
}

static inline __u64 rb_d6_boot_idx(__u64 i)
{
	return i & 0x1ff;
}
#endif

/*
 * Load or store 8 bytes at any alignment, one instruction under BPF, as
 * rb_load64() in rackboot/dhcp4_wire.h (both headers can be included).
 */
#ifdef __bpf__
static __always_inline __u64 rb_d6_load64(const __u8 *p)
{
	return *(const __u64 *)p;
}

static __always_inline void rb_d6_store64(__u8 *p, __u64 v)
{
	*(__u64 *)p = v;
}
#else
static inline __u64 rb_d6_load64(const __u8 *p)
{
	__u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void rb_d6_store64(__u8 *p, __u64 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}
#endif

/* A DHCPv6 message, or a scratch area for one. */
struct rb_dhcp6_buf {
	__u8 b[RB_DHCP6_BUF_LEN];
};

/* One IA_NA of a request (RFC 8415 section 21.4). */
struct rb_dhcp6_ia {
	__u8 iaid[4];		/* as on the wire */
	__u32 t1;		/* seconds, host order, as the client sent them */
	__u32 t2;
	__u8 n_addrs;		/* IA Address options seen; the first RB_DHCP6_IA_ADDRS_MAX are kept */
	__u8 pad[3];
	__u8 addrs[RB_DHCP6_IA_ADDRS_MAX][16];	/* requested addresses */
};

/*
 * The fields of a client message that rackboot uses.  Variable-length
 * options are kept as offsets of their payload in the request buffer,
 * 0 length when absent.  Integers are in host order.
 */
struct rb_dhcp6_request {
	__u32 len;		/* message length */
	__u8 msg_type;
	__u8 xid[3];		/* transaction-id as on the wire */
	__u16 client_id_off;	/* option 1 payload, the client DUID */
	__u16 server_id_off;	/* option 2 payload */
	__u8 client_id_len;
	__u8 server_id_len;
	__u8 rapid_commit;	/* option 14 seen */
	__u8 reconfigure_accept;	/* option 20 seen */
	__u16 oro_off;		/* option 6 payload, a list of 16-bit codes */
	__u16 oro_len;
	__u32 oro_bits;		/* (1 << enum rb_dhcp6_slot) and RB_D6_ORO_* for codes in option 6 */
	__u16 elapsed_time;	/* option 8, hundredths of a second */
	__u16 client_arch;	/* option 61 first entry */
	__u8 has_client_arch;
	__u8 is_ipxe;		/* option 15 contains the class "iPXE" */
	__u8 has_ia_ta;		/* an option 4 seen; rackboot assigns no temporary addresses */
	__u8 has_ia_pd;		/* an option 25 seen; rackboot delegates no prefixes */
	__u16 user_class_off;	/* option 15 payload */
	__u16 user_class_len;
	__u16 vendor_class_off;	/* option 16 payload after the enterprise number */
	__u16 vendor_class_len;
	__u32 vendor_class_enterprise;	/* option 16 enterprise number */
	__u8 has_vendor_class;
	__u8 n_ia_na;		/* IA_NA options seen; the first RB_DHCP6_IA_MAX are kept in ia */
	__u8 pad[2];
	struct rb_dhcp6_ia ia[RB_DHCP6_IA_MAX];
};

/* rb_dhcp6_build_args.ia_action: the reply's content for one kept IA_NA. */
enum rb_dhcp6_ia_action {
	RB_D6_IA_OMIT = 0,		/* leave the IA_NA out of the reply */
	RB_D6_IA_BIND,			/* args.addr with args' lifetimes, T1 and T2 */
	RB_D6_IA_BIND_ZERO_OTHERS,	/* as BIND, and every other requested address with lifetimes 0 */
	RB_D6_IA_STATUS,		/* no address, a Status Code option with ia_status[i] */
};

/* rb_dhcp6_build_args.flags. */
#define RB_D6_BUILD_RAPID_COMMIT	0x01	/* add option 14: a Reply to a rapid-commit Solicit */

/* Result of rb_dhcp6_build() besides a message length. */
#define RB_D6_BUILD_ERROR	(-1)	/* the reply does not fit RB_DHCP6_MAX_LEN */

/* Inputs of rb_dhcp6_build() that do not come from the template. */
struct rb_dhcp6_build_args {
	__u8 reply_type;	/* RB_D6_ADVERTISE or RB_D6_REPLY */
	__u8 flags;		/* RB_D6_BUILD_* */
	__u16 status;		/* top-level Status Code, RB_D6_STATUS_NONE to leave it out */
	__u32 preferred_lifetime;	/* seconds, for RB_D6_IA_BIND */
	__u32 valid_lifetime;
	__u32 t1;		/* seconds, IA_NA T1 and T2 of bound IAs */
	__u32 t2;
	__s32 bootfile;		/* from rb_dhcp6_pick_bootfile(), -1 = none */
	__u8 addr[16];		/* the address of RB_D6_IA_BIND */
	__u8 ia_action[RB_DHCP6_IA_MAX];	/* enum rb_dhcp6_ia_action per req.ia[] */
	__u16 ia_status[RB_DHCP6_IA_MAX];	/* status code of RB_D6_IA_STATUS */
	__u8 dropped;		/* output: an option was left out for lack of room */
	__u8 pad[3];
};

/*
 * Everything one request and its reply need apart from the template,
 * passed around as one struct for the BPF subprograms (at most five
 * arguments, no pointers followed out of a struct).  XDP keeps it in a
 * per-CPU map; rackbootd allocates one per worker.  Copy the DHCPv6
 * message to in.b at offset 0 before rb_dhcp6_parse().
 */
struct rb_dhcp6_work {
	struct rb_dhcp6_buf in;		/* the request */
	struct rb_dhcp6_buf out;	/* the reply being built */
	struct rb_dhcp6_request req;
	struct rb_dhcp6_build_args args;
};

/* Load a big-endian 16 or 32 bit value from a buffer. */
static inline __u32 rb_dhcp6_get16(const struct rb_dhcp6_buf *m, __u32 off)
{
	return ((__u32)m->b[rb_d6_idx(off)] << 8) | m->b[rb_d6_idx(off + 1)];
}

static inline __u32 rb_dhcp6_get32(const struct rb_dhcp6_buf *m, __u32 off)
{
	return (rb_dhcp6_get16(m, off) << 16) | rb_dhcp6_get16(m, off + 2);
}

/* Store a big-endian 16 or 32 bit value into a buffer. */
static inline void rb_dhcp6_put16(struct rb_dhcp6_buf *m, __u32 off, __u32 v)
{
	m->b[rb_d6_idx(off)] = (__u8)(v >> 8);
	m->b[rb_d6_idx(off + 1)] = (__u8)v;
}

static inline void rb_dhcp6_put32(struct rb_dhcp6_buf *m, __u32 off, __u32 v)
{
	rb_dhcp6_put16(m, off, v >> 16);
	rb_dhcp6_put16(m, off + 2, v & 0xffff);
}

/* The codec itself, in two parts that need the definitions above. */
#include "rackboot/dhcp6_parse.h"
#include "rackboot/dhcp6_reply.h"

#endif
