/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * UDP frames of the XDP handlers: check a request's lengths, resize its
 * frame in place, and write the Ethernet, IPv4 or IPv6, and UDP headers
 * of the reply with their checksums.  DHCPv4, DHCPv6, TFTP and DNS send
 * their replies through these helpers.  All are inlined, and none calls
 * a BPF helper except resize_frame() (bpf_xdp_adjust_tail/head) and
 * rb_frame_store() (bpf_xdp_store_bytes).
 *
 * A helper with a const int ipv6 argument serves both families: its
 * callers pass a constant, so clang keeps only the branch of theirs.
 */
#ifndef RB_BPF_UDP_FRAME_H
#define RB_BPF_UDP_FRAME_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "csum.h"

#define ETH_IP_UDP_LEN	(sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
#define RB_ETH_IP6_UDP_LEN \
	(sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + sizeof(struct udphdr))

#define RB_IP_DF	0x4000	/* Don't Fragment in the IPv4 frag_off field, host order */

/* Addresses and ports of a reply frame, all in network order. */
struct rb_udp_reply {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	__u16 source;
	__u16 dest;
	union {
		struct {
			__u32 saddr;
			__u32 daddr;
		} v4;
		struct {
			struct in6_addr saddr;
			struct in6_addr daddr;
		} v6;
	};
};

/*
 * Set r to the addresses and ports of a received frame, swapped, so that
 * the reply goes back to its sender.  The caller has checked that the
 * frame contains the UDP header udp.
 */
static __always_inline void rb_udp_reply_swap(struct rb_udp_reply *r, const struct ethhdr *eth,
					      const struct udphdr *udp, const int ipv6)
{
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct ipv6hdr *ip6 = (const void *)(eth + 1);

	__builtin_memcpy(r->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(r->h_source, eth->h_dest, ETH_ALEN);
	r->source = udp->dest;
	r->dest = udp->source;
	if (ipv6) {
		r->v6.saddr = ip6->daddr;
		r->v6.daddr = ip6->saddr;
	} else {
		r->v4.saddr = ip->daddr;
		r->v4.daddr = ip->saddr;
	}
}

/*
 * Check that a UDP datagram of udp_len bytes at udp ends within the
 * frame and within the length that its IP header gives.  Returns 1 or 0.
 */
static __always_inline int rb_udp_len_valid(const struct ethhdr *eth, const struct udphdr *udp,
					    __u32 udp_len, const void *data_end, const int ipv6)
{
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct ipv6hdr *ip6 = (const void *)(eth + 1);

	if ((const void *)udp + udp_len > data_end)
		return 0;
	if (ipv6)
		return bpf_ntohs(ip6->payload_len) >= udp_len;
	return bpf_ntohs(ip->tot_len) >= sizeof(*ip) + udp_len;
}

/* Sum the 16-bit words of a 20-byte IPv4 header, without a helper call. */
static __always_inline __u64 ip_header_sum(const struct iphdr *ip)
{
	const __u16 *word = (const __u16 *)ip;
	__u64 sum = 0;
	int i;

	for (i = 0; i < (int)(sizeof(*ip) / 2); i++)
		sum += word[i];
	return sum;
}

/* Sum the 16-bit words of an IPv6 address, without a helper call. */
static __always_inline __u64 addr6_sum(const struct in6_addr *a)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < 8; i++)
		sum += a->in6_u.u6_addr16[i];
	return sum;
}

/* Headroom taken at most when growing the frame at the front. */
#define RB_HEAD_GROW_MAX 192

/*
 * Resize the frame by delta bytes.  The reply is usually longer than the
 * request, and drivers leave little tailroom behind a small frame (veth:
 * often under 64 bytes) but XDP_PACKET_HEADROOM in front of it.  Every
 * byte of the frame is rewritten afterwards, so the growth can go to the
 * tail, the head or both.  Returns 0 or -1 with the frame unchanged.
 */
static __always_inline int resize_frame(struct xdp_md *ctx, int delta)
{
	int head;

	if (delta == 0)
		return 0;
	if (delta < 0)
		return bpf_xdp_adjust_tail(ctx, delta) ? -1 : 0;
	if (bpf_xdp_adjust_tail(ctx, delta) == 0)
		return 0;
	if (bpf_xdp_adjust_head(ctx, -delta) == 0)
		return 0;

	head = delta < RB_HEAD_GROW_MAX ? delta : RB_HEAD_GROW_MAX;
	if (bpf_xdp_adjust_head(ctx, -head))
		return -1;
	if (bpf_xdp_adjust_tail(ctx, delta - head) == 0)
		return 0;
	bpf_xdp_adjust_head(ctx, head);
	return -1;
}

/*
 * Resize the frame to len bytes.  The programs are not attached with
 * frags, so the frame is linear.  Returns 0 or -1 with the frame unchanged.
 */
static __always_inline int resize_frame_to(struct xdp_md *ctx, __u32 len)
{
	long size = (long)ctx->data_end - (long)ctx->data;

	return resize_frame(ctx, (int)len - (int)size);
}

/*
 * Copy len bytes of buf into the frame at off.  The caller has checked
 * that len is at most 2047.  Returns 0, or -1 when len is 0 or the frame
 * is too short.
 */
static __always_inline int rb_frame_store(struct xdp_md *ctx, __u32 off, const void *buf, __u32 len)
{
	__u64 copy = len;

	/*
	 * clang drops a plain mask it can prove redundant, and the verifier
	 * loses the bound of a spilled length: apply the mask in asm.
	 */
	asm volatile("%0 &= 0x7ff" : "+r"(copy));
	if (copy == 0)
		return -1;
	return bpf_xdp_store_bytes(ctx, off, (void *)buf, copy) ? -1 : 0;
}

/*
 * Write the UDP header of r and its checksum.  sum is the payload's sum
 * plus the pseudo header's addresses.  This function adds the pseudo
 * header's protocol and length and the UDP header to it (RFC 768, RFC
 * 8200 section 8.1).
 */
static __always_inline void rb_udp_write(struct udphdr *udp, const struct rb_udp_reply *r,
					 __u32 udp_len, __u64 sum)
{
	__u16 len = bpf_htons(udp_len), check;

	udp->source = r->source;
	udp->dest = r->dest;
	udp->len = len;
	sum += bpf_htons(IPPROTO_UDP) + len;
	sum += r->source + r->dest + len;
	check = csum_fold(sum);
	udp->check = check ? check : 0xffff;	/* 0 means no checksum on IPv4, and is invalid on IPv6 */
}

static __always_inline void rb_eth_write(struct ethhdr *eth, const struct rb_udp_reply *r,
					 __u16 proto)
{
	__builtin_memcpy(eth->h_dest, r->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, r->h_source, ETH_ALEN);
	eth->h_proto = bpf_htons(proto);
}

/*
 * Write the Ethernet, IPv4 and UDP headers of a reply to r->v4 with
 * udp_len bytes of UDP header and payload, whose payload sums to sum.
 * frag_off is in network order.  Returns 0, or -1 when the frame is
 * shorter than the headers.
 */
static __always_inline int rb_udp4_headers(struct xdp_md *ctx, const struct rb_udp_reply *r,
					   __u32 udp_len, __u16 frag_off, __u8 ttl, __u64 sum)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 saddr = r->v4.saddr, daddr = r->v4.daddr;

	if ((void *)(udp + 1) > data_end)
		return -1;
	rb_eth_write(eth, r, ETH_P_IP);

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(sizeof(*ip) + udp_len);
	ip->id = 0;
	ip->frag_off = frag_off;
	ip->ttl = ttl;
	ip->protocol = IPPROTO_UDP;
	ip->check = 0;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = csum_fold(ip_header_sum(ip));

	sum += (saddr & 0xffff) + (saddr >> 16) + (daddr & 0xffff) + (daddr >> 16);
	rb_udp_write(udp, r, udp_len, sum);
	return 0;
}

/* Write the headers of an IPv6 reply to r->v6, as rb_udp4_headers(). */
static __always_inline int rb_udp6_headers(struct xdp_md *ctx, const struct rb_udp_reply *r,
					   __u32 udp_len, __u8 hop_limit, __u64 sum)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);

	if ((void *)(udp + 1) > data_end)
		return -1;
	rb_eth_write(eth, r, ETH_P_IPV6);

	*(__be32 *)ip6 = bpf_htonl(0x60000000);	/* version 6, traffic class 0, flow label 0 */
	ip6->payload_len = bpf_htons(udp_len);
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = hop_limit;
	ip6->saddr = r->v6.saddr;
	ip6->daddr = r->v6.daddr;

	sum += addr6_sum(&r->v6.saddr) + addr6_sum(&r->v6.daddr);
	rb_udp_write(udp, r, udp_len, sum);
	return 0;
}

/*
 * Write the headers of a reply to r, IPv6 or IPv4 by ipv6, with DF set
 * on IPv4.  Returns as rb_udp4_headers().
 */
static __always_inline int rb_udp_headers_df(struct xdp_md *ctx, const struct rb_udp_reply *r,
					     __u32 udp_len, __u8 ttl, __u64 sum, const int ipv6)
{
	if (ipv6)
		return rb_udp6_headers(ctx, r, udp_len, ttl, sum);
	return rb_udp4_headers(ctx, r, udp_len, bpf_htons(RB_IP_DF), ttl, sum);
}

#endif
