/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Router Solicitation handler of the XDP program: reply with XDP_TX
 * from the interface's RA template in rb_ra_templates, which rackbootd
 * fills from the router-advertisements config.
 *
 * Verdicts: XDP_TX with the RA; XDP_PASS for everything else, so that
 * the kernel sees it as before: a link without a template
 * (pass_ra_no_template), a solicitation that fails the checks of
 * RFC 4861 6.1.1 (malformed_rs), a solicitation with more options than
 * the walk allows (pass_rs_options), and solicitations over the link's
 * reply rate (pass_ra_rate).  The ICMPv6 checksum of the solicitation is not verified,
 * so a corrupted RS gets an RA, which a host would have got anyway from
 * the next unsolicited one.
 *
 * The reply goes to the solicitor's address, or to ff02::1 when the RS
 * came from ::, from the interface's link-local address with hop limit
 * 255.  RFC 4861 6.2.6 asks for a random delay of up to 0.5 s before a
 * solicited RA, which XDP cannot wait for: the reply leaves at once.
 *
 * Included by ipv6.h, after count(), pass() and resize_frame().
 */
#ifndef RB_BPF_RA_H
#define RB_BPF_RA_H

#include "rackboot/ra_wire.h"

#define RB_RA_ETH_IP6_LEN	(sizeof(struct ethhdr) + sizeof(struct ipv6hdr))

/* Options walked in one RS.  A solicitation normally carries one or none. */
#define RB_RS_MAX_OPTIONS	16

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct rb_ra_template);
} rb_ra_templates SEC(".maps");

/* Verdict of rs_check(). */
enum rs_check_result {
	RS_OK = 0,
	RS_MALFORMED,		/* fails RFC 4861 6.1.1 */
	RS_TOO_MANY_OPTIONS,	/* more options than RB_RS_MAX_OPTIONS, passed up unchecked */
};

/* The addresses of the solicitation that the reply needs. */
struct rs_from {
	__u8 mac[ETH_ALEN];
	__u8 unspecified;	/* 1 when the IPv6 source is :: */
	struct in6_addr addr;
};

/*
 * Walk the RS options from offset RB_RS_HDR_LEN to icmp_len: each needs
 * a nonzero length that stays inside the message, and a source
 * link-layer address option is invalid when the source is ::.
 */
static __always_inline int rs_options_check(struct xdp_md *ctx, __u32 icmp_len, int unspecified)
{
	__u32 off = RB_RS_HDR_LEN;
	__u8 opt[2];
	int i;

	for (i = 0; i < RB_RS_MAX_OPTIONS; i++) {
		if (off >= icmp_len)
			return RS_OK;
		if (off + 2 > icmp_len)
			return RS_MALFORMED;
		if (bpf_xdp_load_bytes(ctx, RB_RA_ETH_IP6_LEN + off, opt, sizeof(opt)))
			return RS_MALFORMED;
		if (opt[1] == 0)
			return RS_MALFORMED;
		if (opt[0] == RB_ND_OPT_SOURCE_LL && unspecified)
			return RS_MALFORMED;
		off += (__u32)opt[1] * RB_ND_OPT_UNIT;
		if (off > icmp_len)
			return RS_MALFORMED;
	}
	return off >= icmp_len ? RS_OK : RS_TOO_MANY_OPTIONS;
}

/*
 * Check the solicitation against RFC 4861 6.1.1 and copy out the
 * solicitor's addresses.  Hop limit 255 proves the RS was not routed.
 */
static __always_inline int rs_check(struct xdp_md *ctx, struct rs_from *from)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *icmp6 = (void *)(ip6 + 1);
	__u32 icmp_len;

	if ((void *)(icmp6 + 1) > data_end)
		return RS_MALFORMED;
	if (ip6->hop_limit != RB_ND_HOP_LIMIT || icmp6->icmp6_code != 0)
		return RS_MALFORMED;

	/* The frame may be longer than the payload (Ethernet padding), never shorter. */
	icmp_len = bpf_ntohs(ip6->payload_len);
	if (icmp_len < RB_RS_HDR_LEN || RB_RA_ETH_IP6_LEN + icmp_len > (__u64)(data_end - data))
		return RS_MALFORMED;

	/* A multicast source is invalid in any IPv6 packet. */
	if (ip6->saddr.in6_u.u6_addr8[0] == 0xff)
		return RS_MALFORMED;

	__builtin_memcpy(from->mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(&from->addr, &ip6->saddr, sizeof(from->addr));
	from->unspecified = (ip6->saddr.in6_u.u6_addr32[0] | ip6->saddr.in6_u.u6_addr32[1] |
			     ip6->saddr.in6_u.u6_addr32[2] | ip6->saddr.in6_u.u6_addr32[3]) == 0;

	return rs_options_check(ctx, icmp_len, from->unspecified);
}

/* Take one reply from the link's token bucket; 1 when the RA may go. */
static __always_inline int ra_admit(struct rb_ra_template *tmpl)
{
	__u64 rate = tmpl->reply_rate, now, full, refill_ns, tokens, elapsed;
	int admit = 0;

	if (rate == 0)
		return 1;
	now = bpf_ktime_get_boot_ns();
	full = (__u64)tmpl->reply_burst * RB_TOKEN_UNIT;
	refill_ns = full / rate;	/* an empty bucket is full again after this */

	bpf_spin_lock(&tmpl->lock);
	elapsed = now - tmpl->bucket_ns;
	if (tmpl->bucket_ns == 0 || now < tmpl->bucket_ns || elapsed >= refill_ns)
		tokens = full;
	else
		tokens = tmpl->bucket_tokens + elapsed * rate;
	if (tokens > full)
		tokens = full;
	if (tokens >= RB_TOKEN_UNIT) {
		tokens -= RB_TOKEN_UNIT;
		admit = 1;
	}
	tmpl->bucket_tokens = tokens;
	tmpl->bucket_ns = now;
	bpf_spin_unlock(&tmpl->lock);
	return admit;
}

/* IPv6 pseudo-header of the ICMPv6 checksum (RFC 8200 section 8.1). */
struct ra_pseudo_header {
	struct in6_addr src;
	struct in6_addr dst;
	__be32 len;
	__be32 next_header;
};

static __always_inline __u16 ra_csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * Turn the frame into the RA: Ethernet and IPv6 headers, the template's
 * body, the checksum.  Returns 0 or -1.  A failure after the resize
 * leaves a partly written frame, which the caller passes up as the
 * DHCPv4 path does with its replies.
 */
static __always_inline int ra_write(struct xdp_md *ctx, struct rb_ra_template *tmpl,
				    const struct rs_from *from)
{
	struct ra_pseudo_header ph = { .next_header = bpf_htonl(IPPROTO_ICMPV6) };
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = tmpl->body_len;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	__u64 sum;
	__u16 check;

	/* bpf_csum_diff() needs a multiple of 4; the encoder writes whole 8-byte options. */
	if (len < RB_RA_HDR_LEN || len > RB_RA_BODY_MAX || (len & 7))
		return -1;
	if (resize_frame(ctx, (int)(RB_RA_ETH_IP6_LEN + len) - (int)(data_end - data)))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return -1;

	__builtin_memcpy(ph.src.in6_u.u6_addr8, tmpl->src_addr, 16);
	if (from->unspecified) {
		/* All-nodes ff02::1 and its multicast MAC 33:33:00:00:00:01 (RFC 2464 7). */
		ph.dst.in6_u.u6_addr8[0] = 0xff;
		ph.dst.in6_u.u6_addr8[1] = 0x02;
		ph.dst.in6_u.u6_addr8[15] = 0x01;
		eth->h_dest[0] = 0x33;
		eth->h_dest[1] = 0x33;
		eth->h_dest[2] = 0;
		eth->h_dest[3] = 0;
		eth->h_dest[4] = 0;
		eth->h_dest[5] = 0x01;
	} else {
		ph.dst = from->addr;
		__builtin_memcpy(eth->h_dest, from->mac, ETH_ALEN);
	}
	__builtin_memcpy(eth->h_source, tmpl->mac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	*(__be32 *)ip6 = bpf_htonl(0x60000000);	/* version 6, traffic class 0, flow label 0 */
	ip6->payload_len = bpf_htons(len);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = RB_ND_HOP_LIMIT;
	ip6->saddr = ph.src;
	ip6->daddr = ph.dst;

	if (bpf_xdp_store_bytes(ctx, RB_RA_ETH_IP6_LEN, tmpl->body, len))
		return -1;

	/* The template's checksum field is zero, so it adds nothing to the sum. */
	ph.len = bpf_htonl(len);
	sum = bpf_csum_diff(0, 0, (__be32 *)tmpl->body, len, 0);
	sum = bpf_csum_diff(0, 0, (__be32 *)&ph, sizeof(ph), sum);
	check = ra_csum_fold(sum);
	return bpf_xdp_store_bytes(ctx, RB_RA_ETH_IP6_LEN + RB_RA_CHECKSUM, &check, sizeof(check))
		       ? -1 : 0;
}

static __noinline int rb_ra_solicit(struct xdp_md *ctx)
{
	struct rb_ra_template *tmpl;
	struct rs_from from = {};
	__u32 ifindex;
	int checked;

	if (!ctx)
		return XDP_PASS;
	ifindex = ctx->ingress_ifindex;
	tmpl = bpf_map_lookup_elem(&rb_ra_templates, &ifindex);
	if (!tmpl)
		return pass(RB_XC_PASS_RA_NO_TEMPLATE);

	checked = rs_check(ctx, &from);
	if (checked == RS_MALFORMED)
		return pass(RB_XC_MALFORMED_RS);
	if (checked != RS_OK)
		return pass(RB_XC_PASS_RS_OPTIONS);
	if (!ra_admit(tmpl))
		return pass(RB_XC_PASS_RA_RATE);

	if (ra_write(ctx, tmpl, &from))
		return pass(RB_XC_PASS_TX_FAILED);
	count(RB_XC_TX_RA);
	return XDP_TX;
}

#endif
