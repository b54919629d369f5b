/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * DNS fast path of the XDP program: answer a standard query for a name
 * and type that rackbootd pre-encoded in rb_dns_answers, with XDP_TX.
 * The response keeps the query's id and question bytes (case and all),
 * takes flags, counts and the sections after the question from the map,
 * and ends with the OPT record when the query had one.
 *
 * Verdicts: XDP_TX for a response built here.  XDP_PASS, counted, for
 * everything else, so that rackbootd's socket responds.  That covers
 * responses and other opcodes, section counts other than one question
 * and at most one OPT record, compressed or long names, and classes
 * other than IN.  It also covers EDNS versions above 0, names and types
 * not in the map (outside the zones, forwarding, NXDOMAIN of names that
 * do not exist), and responses over 512 bytes or the EDNS payload size
 * (rackbootd sets TC).  Last, queries to an address that is not this
 * host's, frames without room to grow, and malformed frames.  The
 * query's UDP checksum is not verified, as for the DHCP requests.
 *
 * Included by dhcp4.bpf.c after count() and pass().
 */
#ifndef RB_BPF_DNS_H
#define RB_BPF_DNS_H

#include <linux/ipv6.h>

#include "rackboot/dns_maps.h"
#include "csum.h"
#include "udp_frame.h"

/* UDP port of the DNS server; rackbootd sets it before load (0 turns the path off). */
const volatile __u16 dns_port = 53;

#define RB_DNS_HDR_LEN		12
#define RB_DNS_UDP_MIN		512	/* largest response without EDNS (RFC 1035, 4.2.1) */
#define RB_DNS_TYPE_OPT		41
#define RB_DNS_CLASS_IN		1
#define RB_DNS_FLAGS_KEPT	0x0110	/* RD and CD, copied from the query */
#define RB_DNS_TTL		64	/* IPv4 TTL and IPv6 hop limit of a response */
/* Query bytes read into the work buffer: header, longest name, type, class, OPT record. */
#define RB_DNS_WORK_LEN		256
/* Header and question: 12 + RB_DNS_XDP_NAME_MAX + 4. */
#define RB_DNS_HQ_MAX		(RB_DNS_HDR_LEN + RB_DNS_XDP_NAME_MAX + 4)

_Static_assert(RB_DNS_HQ_MAX + RB_DNS_XDP_OPT_LEN + 4 <= RB_DNS_WORK_LEN,
	       "the work buffer contains the question, an OPT record and checksum padding");

/* The query copied out of the frame and what its parse found. */
struct rb_dns_work {
	__u8 msg[RB_DNS_WORK_LEN];	/* the message's first bytes, then the response's header and question */
	struct rb_dns_key key;
	__u32 hq_len;			/* header and question bytes */
	__u32 max_len;			/* largest response the client takes */
	__u32 edns;			/* the query has an OPT record */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_DNS_XDP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rb_dns_key);
	__type(value, struct rb_dns_answer);
} rb_dns_answers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rb_dns_work);
} rb_dns_work SEC(".maps");

static __always_inline __u16 dns_u16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* State of the walk over the question name, one byte per bpf_loop() step. */
struct dns_name_walk {
	struct rb_dns_work *w;
	__u32 len;		/* bytes of the message in w->msg */
	__u32 next;		/* offset in the name of the next length byte */
	__u32 name_len;		/* set when the root label is reached */
	__u32 bad;		/* compressed, or past the bytes read */
};

/*
 * Take byte i of the name: lower-case it, or follow a length byte.
 * Returns 1 to stop, after the root label or at an error.
 */
static long dns_name_byte(__u64 i, void *arg)
{
	struct dns_name_walk *walk = arg;
	struct rb_dns_work *w = walk->w;
	__u8 c;

	if (i >= RB_DNS_XDP_NAME_MAX)
		return 1;
	if (RB_DNS_HDR_LEN + i >= walk->len) {
		walk->bad = 1;
		return 1;
	}
	c = w->msg[RB_DNS_HDR_LEN + i];
	if (i == walk->next) {
		/* A length byte: the root label ends the name; 0x40 and up are pointers or extended types. */
		if (c == 0) {
			walk->name_len = i + 1;
			return 1;
		} else if (c > 63) {
			walk->bad = 1;
			return 1;
		}
		walk->next = i + 1 + c;
	} else if (c >= 'A' && c <= 'Z') {
		c += 'a' - 'A';
	}
	w->key.name[i] = c;
	return 0;
}

/*
 * Copy the question name at offset 12 into w->key, lower-cased, with
 * zeros after it.  Returns its length, or 0 for a name that is
 * compressed, runs past the len bytes read, or is longer than the key.
 * bpf_loop() keeps the verifier's work to one pass over the step, and
 * the walk stops at the root label, so the zeros after the name are
 * written beforehand in whole words.
 */
static __always_inline __u32 dns_read_name(struct rb_dns_work *w, __u32 len)
{
	struct dns_name_walk walk = { .w = w, .len = len };

	__builtin_memset(w->key.name, 0, sizeof(w->key.name));
	bpf_loop(RB_DNS_XDP_NAME_MAX, dns_name_byte, &walk, 0);
	if (walk.bad)
		return 0;
	return walk.name_len;
}

/*
 * Read the OPT record at off of a message of dns_len bytes (len of them
 * in w->msg) and set w->edns and w->max_len to the client's payload
 * size (512 when it requests less).  Returns 0, or the verdict.
 */
static __always_inline int dns_read_opt(struct rb_dns_work *w, __u32 off, __u32 len, __u32 dns_len)
{
	__u32 size;

	/* For the verifier: the caller's bound on off, restated on an opaque register. */
	asm volatile("%0 &= 0xff" : "+r"(off));
	if (off > RB_DNS_HQ_MAX || off + RB_DNS_XDP_OPT_LEN > len)
		return pass(RB_XC_PASS_DNS_EDNS);
	/* Owned by the root, type OPT, version 0; the options are skipped, as rackbootd does. */
	if (w->msg[off] != 0 || dns_u16(&w->msg[off + 1]) != RB_DNS_TYPE_OPT || w->msg[off + 6] != 0)
		return pass(RB_XC_PASS_DNS_EDNS);
	if (off + RB_DNS_XDP_OPT_LEN + dns_u16(&w->msg[off + 9]) > dns_len)
		return pass(RB_XC_PASS_DNS_EDNS);

	size = dns_u16(&w->msg[off + 3]);
	if (size < RB_DNS_UDP_MIN)
		size = RB_DNS_UDP_MIN;
	w->edns = 1;
	w->max_len = size;
	return 0;
}

/*
 * Copy the message of dns_len bytes at off into w and check that it is
 * a standard query XDP may answer.  Fills w->key, w->hq_len and the
 * EDNS fields, leaves the OPT record to dns_read_opt().  Returns 0, or
 * the verdict, counted.
 */
static __noinline int dns_parse(struct xdp_md *ctx, __u32 off, __u32 dns_len, struct rb_dns_work *w)
{
	__u32 len = dns_len, name_len, qend;
	__u8 *m = w->msg;

	if (dns_len < RB_DNS_HDR_LEN + 5)
		return pass(RB_XC_MALFORMED_DNS);
	if (len > RB_DNS_WORK_LEN)
		len = RB_DNS_WORK_LEN;
	/* For the verifier: 1..RB_DNS_WORK_LEN in one register, the identity for such a len. */
	len -= 1;
	asm volatile("%0 &= 0xff" : "+r"(len));
	len += 1;
	if (bpf_xdp_load_bytes(ctx, off, m, len))
		return pass(RB_XC_MALFORMED_DNS);

	/* QR clear, opcode QUERY, one question, no answer or authority records, at most one more. */
	if ((m[2] & 0xf8) != 0 || dns_u16(&m[4]) != 1 || dns_u16(&m[6]) != 0 ||
	    dns_u16(&m[8]) != 0 || dns_u16(&m[10]) > 1)
		return pass(RB_XC_PASS_DNS_HEADER);

	name_len = dns_read_name(w, len);
	if (name_len == 0)
		return pass(RB_XC_PASS_DNS_NAME);
	qend = RB_DNS_HDR_LEN + name_len;
	/* For the verifier: an opaque register, so that clang indexes with the one checked. */
	asm volatile("%0 &= 0xff" : "+r"(qend));
	if (qend > RB_DNS_HDR_LEN + RB_DNS_XDP_NAME_MAX || qend + 4 > len)
		return pass(RB_XC_PASS_DNS_NAME);
	if (dns_u16(&m[qend + 2]) != RB_DNS_CLASS_IN)
		return pass(RB_XC_PASS_DNS_CLASS);

	w->key.qtype = dns_u16(&m[qend]);
	w->key.name_len = (__u8)name_len;
	w->key.pad = 0;
	w->hq_len = qend + 4;
	w->edns = 0;
	w->max_len = RB_DNS_UDP_MIN;
	return 0;
}

/*
 * Write the response's header into w->msg and return the ones'
 * complement sum of the header and question, zeros after them up to a
 * multiple of 4.  The header has the query's id, RD and CD.
 */
static __always_inline __u64 dns_header(struct rb_dns_work *w, const struct rb_dns_answer *a)
{
	__u32 hq = w->hq_len, size;
	__u16 flags = a->flags | (dns_u16(&w->msg[2]) & RB_DNS_FLAGS_KEPT);
	__u16 arcount = a->arcount + (w->edns ? 1 : 0);
	__u8 *m = w->msg;

	m[2] = flags >> 8;
	m[3] = flags & 0xff;
	m[6] = a->ancount >> 8;
	m[7] = a->ancount & 0xff;
	m[8] = a->nscount >> 8;
	m[9] = a->nscount & 0xff;
	m[10] = arcount >> 8;
	m[11] = arcount & 0xff;

	asm volatile("%0 &= 0xff" : "+r"(hq));
	if (hq > RB_DNS_HQ_MAX)
		return 0;
	m[hq] = 0;
	m[hq + 1] = 0;
	m[hq + 2] = 0;
	size = (hq + 3) & ~3U;
	/* For the verifier: a size it can bound inside msg. */
	asm volatile("%0 &= 0xff" : "+r"(size));
	if (size == 0 || size > RB_DNS_HQ_MAX + 4)
		return 0;
	return bpf_csum_diff(0, 0, (__be32 *)m, size, 0);
}

/*
 * Look the parsed query up and write header, question and tail into the
 * frame from offset l4_end (the end of the UDP header), after resizing
 * it.  Returns -1 with *dns_sum set for the caller to fix the headers,
 * or the verdict, counted.
 */
static __always_inline int dns_write(struct xdp_md *ctx, struct rb_dns_work *w, __u32 l4_end,
				     __u32 *dns_len, __u64 *dns_sum)
{
	const struct rb_dns_answer *a;
	__u32 hq = w->hq_len, max = w->max_len, tail;
	__u64 sum;

	a = bpf_map_lookup_elem(&rb_dns_answers, &w->key);
	if (!a)
		return pass(RB_XC_PASS_DNS_MISS);
	if (a->len < RB_DNS_XDP_OPT_LEN || a->len > RB_DNS_XDP_TAIL_MAX)
		return pass(RB_XC_PASS_DNS_MISS);
	tail = w->edns ? a->len : a->len - RB_DNS_XDP_OPT_LEN;
	/* With EDNS, the smaller of both payload sizes, as rackbootd's rb_dns_udp_max(). */
	if (w->edns && a->edns_udp_size >= RB_DNS_UDP_MIN && a->edns_udp_size < max)
		max = a->edns_udp_size;
	if (hq > RB_DNS_HQ_MAX || hq < RB_DNS_HDR_LEN + 5 || hq + tail > max)
		return pass(RB_XC_PASS_DNS_TOO_BIG);

	sum = dns_header(w, a);
	if (sum == 0)
		return pass(RB_XC_PASS_DNS_NAME);
	sum += a->sum + (w->edns ? a->opt_sum : 0);

	if (resize_frame_to(ctx, l4_end + hq + tail))
		return pass(RB_XC_PASS_DNS_NO_ROOM);
	if (bpf_xdp_store_bytes(ctx, l4_end, w->msg, hq))
		return pass(RB_XC_PASS_DNS_NO_ROOM);
	if (tail) {
		/* For the verifier: 1..RB_DNS_XDP_TAIL_MAX in one register, the identity for such a tail. */
		__u32 copy = tail - 1;

		asm volatile("%0 &= 0x1ff" : "+r"(copy));
		copy += 1;
		if (bpf_xdp_store_bytes(ctx, l4_end + hq, (void *)a->tail, copy))
			return pass(RB_XC_PASS_DNS_NO_ROOM);
	}

	*dns_len = hq + tail;
	*dns_sum = sum;
	return -1;
}

/* From <linux/socket.h>, which BPF programs cannot include. */
#define RB_AF_INET6	10

/*
 * Whether the kernel would deliver the query to a local socket, from a
 * FIB lookup made as if to forward it: a local destination is not
 * forwarded.  The kernel checks forwarding on the ingress link before
 * the route, so with forwarding off (the usual appliance) the lookup
 * cannot tell, and nothing is routed anyway.
 * NOTE: with forwarding off, a query to another host's address that
 * reaches this link (a wrong MAC address) is answered here, where the
 * kernel would drop it.
 */
static __always_inline int dns_local(struct xdp_md *ctx, struct bpf_fib_lookup *fib)
{
	long ret;

	fib->l4_protocol = IPPROTO_UDP;
	fib->ifindex = ctx->ingress_ifindex;
	ret = bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
	return ret == BPF_FIB_LKUP_RET_NOT_FWDED || ret == BPF_FIB_LKUP_RET_FWD_DISABLED;
}

static __always_inline int dns_local4(struct xdp_md *ctx, const struct iphdr *ip)
{
	struct bpf_fib_lookup fib = {};

	fib.family = AF_INET;
	fib.ipv4_src = ip->saddr;
	fib.ipv4_dst = ip->daddr;
	return dns_local(ctx, &fib);
}

static __always_inline int dns_local6(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	struct bpf_fib_lookup fib = {};

	fib.family = RB_AF_INET6;
	__builtin_memcpy(fib.ipv6_src, &ip6->saddr, 16);
	__builtin_memcpy(fib.ipv6_dst, &ip6->daddr, 16);
	return dns_local(ctx, &fib);
}

/*
 * Parse the query of dns_len bytes at l4_end, then its OPT record when
 * arcount is 1.  Returns 0 with w filled, or the verdict.
 */
static __always_inline int dns_query(struct xdp_md *ctx, struct rb_dns_work *w, __u32 l4_end,
				     __u32 dns_len)
{
	__u32 len = dns_len > RB_DNS_WORK_LEN ? RB_DNS_WORK_LEN : dns_len;
	int verdict = dns_parse(ctx, l4_end, dns_len, w);

	if (verdict)
		return verdict;
	if (w->msg[11] == 0)
		return 0;
	return dns_read_opt(w, w->hq_len, len, dns_len);
}

/*
 * Check that the query's destination is this host: not a broadcast or
 * multicast address, and not one that this host routes to another DNS
 * server.  Only such a query gets a response from its destination address.
 */
static __always_inline int dns_to_this_host(struct xdp_md *ctx, const struct ethhdr *eth,
					    const int ipv6)
{
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct ipv6hdr *ip6 = (const void *)(eth + 1);

	if (ipv6)
		return ip6->daddr.in6_u.u6_addr8[0] != 0xff && dns_local6(ctx, ip6);
	return ip->daddr != 0xffffffff && (bpf_ntohl(ip->daddr) >> 28) != 0xe &&
	       dns_local4(ctx, ip);
}

/*
 * A UDP datagram to the DNS port in an IPv4 frame without options or
 * fragments, or an IPv6 frame without extension headers.  Returns the
 * verdict.  The body of rb_dns_ipv4() and rb_dns_ipv6().
 */
static __always_inline int dns_udp(struct xdp_md *ctx, const int ipv6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 hdr_len = ipv6 ? RB_ETH_IP6_UDP_LEN : ETH_IP_UDP_LEN;
	struct ethhdr *eth = data;
	struct udphdr *udp = data + hdr_len - sizeof(struct udphdr);
	struct rb_udp_reply r = {};
	struct rb_dns_work *w;
	__u32 zero = 0, udp_len, dns_len;
	__u64 sum = 0;
	int verdict;

	if ((void *)(udp + 1) > data_end)
		return pass(RB_XC_MALFORMED_DNS);
	udp_len = bpf_ntohs(udp->len);
	if (udp_len < sizeof(*udp) || !rb_udp_len_valid(eth, udp, udp_len, data_end, ipv6))
		return pass(RB_XC_MALFORMED_DNS);
	if (!dns_to_this_host(ctx, eth, ipv6))
		return pass(RB_XC_PASS_DNS_NOT_LOCAL);
	rb_udp_reply_swap(&r, eth, udp, ipv6);

	w = bpf_map_lookup_elem(&rb_dns_work, &zero);
	if (!w)
		return pass(RB_XC_PASS_DNS_NO_ROOM);
	dns_len = udp_len - sizeof(*udp);
	verdict = dns_query(ctx, w, hdr_len, dns_len);
	if (verdict)
		return verdict;
	verdict = dns_write(ctx, w, hdr_len, &dns_len, &sum);
	if (verdict >= 0)
		return verdict;

	/* IPv4 gets DF, as Linux sets it on a small UDP datagram. */
	if (rb_udp_headers_df(ctx, &r, sizeof(*udp) + dns_len, RB_DNS_TTL, sum, ipv6))
		return pass(RB_XC_PASS_DNS_NO_ROOM);
	count(RB_XC_TX_DNS);
	return XDP_TX;
}

/*
 * Not inlined, so that their stack frames are not added to the DHCP
 * handlers'.
 */
static __noinline int rb_dns_ipv4(struct xdp_md *ctx)
{
	return dns_udp(ctx, 0);
}

static __noinline int rb_dns_ipv6(struct xdp_md *ctx)
{
	return dns_udp(ctx, 1);
}

#endif
