/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisement wire format (RFC 4861 section 4.2, RDNSS from
 * RFC 8106) and the per-interface RA template that rackbootd writes for
 * the XDP program.
 *
 * rackbootd encodes the whole ICMPv6 RA body once per interface
 * (userspace/ra/ra_template.c).  The XDP program replies to a Router
 * Solicitation by putting Ethernet and IPv6 headers in front of that body
 * and filling in the checksum.  The unsolicited RAs from rackbootd's raw
 * socket carry the same body, so both paths send the same bytes.
 *
 * Only <linux/types.h> and <linux/bpf.h>, as in maps.h.  Multi-byte
 * fields of the body are in network byte order.
 */
#ifndef RACKBOOT_RA_WIRE_H
#define RACKBOOT_RA_WIRE_H

#include <linux/bpf.h>
#include <linux/types.h>

/* ICMPv6 types (RFC 4861 section 4). */
#define RB_ND_ROUTER_SOLICIT	133
#define RB_ND_ROUTER_ADVERT	134

/* Neighbor Discovery option types.  Option lengths count units of 8 bytes. */
#define RB_ND_OPT_SOURCE_LL	1	/* source link-layer address (4.6.1) */
#define RB_ND_OPT_PREFIX_INFO	3	/* prefix information (4.6.2) */
#define RB_ND_OPT_MTU		5	/* MTU (4.6.4) */
#define RB_ND_OPT_RDNSS		25	/* recursive DNS server (RFC 8106 5.1) */

#define RB_ND_OPT_UNIT		8	/* bytes per option length unit */
#define RB_ND_OPT_SOURCE_LL_LEN	8	/* with a 6-byte Ethernet address */
#define RB_ND_OPT_PREFIX_LEN	32
#define RB_ND_OPT_MTU_LEN	8
#define RB_ND_OPT_RDNSS_HDR_LEN	8	/* before the addresses, 16 bytes each */

/* RA header: type, code, checksum, hop limit, flags, lifetime, two timers. */
#define RB_RA_HDR_LEN		16
#define RB_RS_HDR_LEN		8	/* RS: type, code, checksum, reserved */

/* Offsets in the RA header. */
#define RB_RA_TYPE		0
#define RB_RA_CODE		1
#define RB_RA_CHECKSUM		2
#define RB_RA_CUR_HOP_LIMIT	4
#define RB_RA_FLAGS		5
#define RB_RA_ROUTER_LIFETIME	6	/* 16 bits, seconds */
#define RB_RA_REACHABLE_TIME	8	/* 32 bits, ms */
#define RB_RA_RETRANS_TIMER	12	/* 32 bits, ms */

/* RA flags byte. */
#define RB_RA_F_MANAGED		0x80	/* M: addresses from DHCPv6 */
#define RB_RA_F_OTHER		0x40	/* O: other configuration from DHCPv6 */

/* Prefix information flags byte. */
#define RB_PIO_F_ON_LINK	0x80	/* L */
#define RB_PIO_F_AUTONOMOUS	0x40	/* A */

/* Hop limit of every ND message sent and received (RFC 4861 6.1.1 and 6.2.3). */
#define RB_ND_HOP_LIMIT		255

/*
 * Largest lists that one RA template holds.  The config limits
 * (RB_CFG_RA_PREFIXES_MAX, RB_CFG_ADDRS_MAX) must not exceed them, which
 * userspace/ra/ra_template.c asserts.
 */
#define RB_RA_PREFIXES_MAX	4
#define RB_RA_RDNSS_MAX		8

/* Longest RA body: header, source link-layer, MTU, prefixes, RDNSS. */
#define RB_RA_BODY_MAX \
	(RB_RA_HDR_LEN + RB_ND_OPT_SOURCE_LL_LEN + RB_ND_OPT_MTU_LEN + \
	 RB_RA_PREFIXES_MAX * RB_ND_OPT_PREFIX_LEN + RB_ND_OPT_RDNSS_HDR_LEN + \
	 RB_RA_RDNSS_MAX * 16)

/*
 * Router Advertisements per second that XDP sends in reply to
 * solicitations on one interface.  RFC 4861 6.2.6 allows one multicast
 * RA per 3 s.  XDP replies to the solicitor's unicast address, except
 * for a solicitation from ::, so this limit only keeps a flood of RS
 * from turning into a flood of RA.
 */
#define RB_RA_REPLY_RATE	10	/* RAs per second */
#define RB_RA_REPLY_BURST	10	/* bucket size in RAs */

/* Name of the template map, under the pin folder when pinned. */
#define RB_MAP_RA_TEMPLATES	"rb_ra_templates"

/*
 * Value of rb_ra_templates, keyed by ifindex (__u32): the data XDP needs
 * to reply to a Router Solicitation on that interface.  All CPUs share
 * the token bucket under the spin lock, as in struct rb_iface, so that
 * the limit applies per link whatever queue an RS arrives on.  Writing
 * the whole value from userspace refills the bucket.
 */
struct rb_ra_template {
	__u8 mac[6];		/* Ethernet source of replies */
	__u16 body_len;		/* bytes used in body, a multiple of 8 */
	__u8 src_addr[16];	/* the interface's link-local address, source of replies */
	__u32 reply_rate;	/* RAs per second, 0 = no limit */
	__u32 reply_burst;	/* bucket size in RAs */
	struct bpf_spin_lock lock;	/* guards bucket_tokens and bucket_ns */
	__u32 pad;		/* zero */
	__u64 bucket_tokens;	/* RB_TOKEN_UNIT (maps.h) per RA */
	__u64 bucket_ns;	/* CLOCK_BOOTTIME of the last refill, 0 = bucket full */
	__u8 body[RB_RA_BODY_MAX];	/* ICMPv6 RA with a zero checksum, then its options */
};

_Static_assert(RB_RA_BODY_MAX == 296, "RA body size");
_Static_assert(RB_RA_BODY_MAX % 8 == 0, "RA body is whole option units");
_Static_assert(sizeof(struct rb_ra_template) == 56 + RB_RA_BODY_MAX, "rb_ra_template size");

#endif
