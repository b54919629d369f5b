/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * TFTP data path of the XDP program: for a transfer that rackbootd
 * recorded in rb_tftp_xfers, turn each ACK(n) from the client into
 * DATA(n+1), read from the file's block slots, with XDP_TX.  The
 * transfer is found by client address, client port and server port.
 *
 * Verdicts:
 * - XDP_TX: DATA for the ACK of the last block sent.
 * - XDP_DROP: an ACK for any other block (a duplicate: no DATA, so no
 *   Sorcerer's Apprentice Syndrome), and the ACK of the final block,
 *   which marks the transfer done and reports RB_EV_TFTP_DONE.
 * - XDP_PASS, counted: packets that rackbootd's transfer socket must
 *   see (ERROR and other opcodes, ACKs with trailing bytes), and
 *   malformed frames, which the kernel drops.  Also ACKs whose DATA XDP
 *   cannot send: a frame without the room to grow (pass_tftp_no_room),
 *   a block larger than the link's MTU, a file entry that changed.  For
 *   the frame without room, XDP has already moved the transfer on and
 *   set us_block, so rackbootd sends that DATA from its socket.
 *
 * Retransmission on timeout is rackbootd's: it reads sent and ack_ns.
 *
 * NOTE: the ACK's UDP checksum is not verified, as for the DHCP
 * requests: frames that a veth peer's socket sent carry only the
 * pseudo-header sum (checksum offload).
 *
 * Included by dhcp4.bpf.c after count(), pass(), clock_read(),
 * ip_header_sum() and resize_frame().
 */
#ifndef RB_BPF_TFTP_H
#define RB_BPF_TFTP_H

#include <linux/ipv6.h>

#include "rackboot/tftp_maps.h"
#include "csum.h"

#define RB_TFTP_OP_DATA		3
#define RB_TFTP_OP_ACK		4
#define RB_TFTP_HDR_LEN		4	/* opcode and block number */
#define RB_TFTP_TTL		64	/* IPv4 TTL and IPv6 hop limit of DATA */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_TFTP_XFERS);
	__type(key, struct rb_tftp_xfer_key);
	__type(value, struct rb_tftp_xfer);
} rb_tftp_xfers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RB_MAX_TFTP_FILES);
	__type(key, __u32);
	__type(value, struct rb_tftp_cached_file);
} rb_tftp_files SEC(".maps");

/* Mappable, so that rackbootd writes the blocks without a syscall per slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RB_TFTP_SLOTS_BUILTIN);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rb_tftp_block);
} rb_tftp_blocks SEC(".maps");

/* The DATA to send: its block, where the block is, and its length. */
struct tftp_data {
	struct rb_tftp_block *blk;	/* NULL for an empty final block */
	__u64 block;			/* block counter */
	__u32 len;			/* payload bytes, 0..RB_TFTP_XDP_BLKSIZE_MAX */
	__u16 wire;			/* block number on the wire (block & 0xffff), host order */
};

static __always_inline void tftp_emit_done(const struct rb_tftp_xfer *x, __u64 now)
{
	struct rb_tftp_event ev = {
		.type = RB_EV_TFTP_DONE,
		.owner = x->owner,
		.owner_gen = x->owner_gen,
		.ns = now,
		.blocks = x->sent,
	};

	if (bpf_ringbuf_output(&rb_events, &ev, sizeof(ev), BPF_RB_NO_WAKEUP))
		count(RB_XC_TFTP_EVENT_LOST);
}

/* Count and drop an ACK that moves nothing. */
static __always_inline int tftp_dup(struct rb_tftp_xfer *x)
{
	__sync_fetch_and_add(&x->dup_acks, 1);
	count(RB_XC_DROP_TFTP_DUP);
	return XDP_DROP;
}

/*
 * Take the ACK of wire block number ack for transfer x.  Returns -1 when
 * the caller sends out->blk as DATA out->wire, or the verdict, counted.
 * ip_len is the bytes of IP and UDP header of the DATA, which must fit
 * the ingress link's MTU together with the block.
 */
static __always_inline int tftp_take_ack(struct xdp_md *ctx, struct rb_tftp_xfer *x, __u16 ack,
					 __u32 ip_len, struct tftp_data *out)
{
	struct rb_tftp_cached_file *file;
	struct rb_iface *iface;
	__u32 ifindex = ctx->ingress_ifindex, slot;
	__u64 sent = x->sent, next, now;

	if (x->state != RB_TFTP_XS_ACTIVE || ack != (__u16)sent)
		return tftp_dup(x);

	file = bpf_map_lookup_elem(&rb_tftp_files, &x->file_id);
	if (!file || file->gen != x->file_gen || file->gen == 0)
		return pass(RB_XC_PASS_TFTP_NO_BLOCK);

	now = bpf_ktime_get_boot_ns();
	if (sent >= file->n_blocks) {
		/* The final block: only the CPU that moves the state reports it. */
		if (__sync_val_compare_and_swap(&x->state, RB_TFTP_XS_ACTIVE, RB_TFTP_XS_DONE) !=
		    RB_TFTP_XS_ACTIVE)
			return tftp_dup(x);
		x->ack_ns = now;
		tftp_emit_done(x, now);
		count(RB_XC_TFTP_DONE);
		return XDP_DROP;
	}

	next = sent + 1;
	out->block = next;
	out->wire = (__u16)next;	/* 65535 rolls over to 0 */
	out->len = next < file->n_blocks ?
			   file->blksize :
			   (__u32)(file->size - (file->n_blocks - 1) * file->blksize);
	if (out->len > RB_TFTP_XDP_BLKSIZE_MAX)
		return pass(RB_XC_PASS_TFTP_NO_BLOCK);
	slot = file->first_slot + (__u32)(next - 1);
	out->blk = bpf_map_lookup_elem(&rb_tftp_blocks, &slot);
	if (!out->blk)
		return pass(RB_XC_PASS_TFTP_NO_BLOCK);

	/*
	 * Only blocks that fit the link leave from here.  rackbootd hands
	 * over only a blksize that fits the smallest MTU of its links
	 * (tftp_xdp.c), so this catches a link whose MTU changed.
	 */
	iface = bpf_map_lookup_elem(&rb_ifaces, &ifindex);
	if (!iface || ip_len + RB_TFTP_HDR_LEN + out->len > iface->mtu)
		return pass(RB_XC_PASS_TFTP_MTU);

	if (__sync_val_compare_and_swap(&x->sent, sent, next) != sent)
		return tftp_dup(x);
	x->ack_ns = now;
	return -1;
}

/*
 * Sum the block for the UDP checksum: len rounded up to 4 bytes, in
 * slices of 512 (bpf_csum_diff()'s maximum).  The slot is zero after the
 * block, and three slices fill it exactly.
 */
static __always_inline __u64 tftp_block_sum(struct rb_tftp_block *blk, __u32 len)
{
	__u64 rounded = (len + 3) & ~3U, off, chunk;
	__u64 sum = 0;
	int i;

	for (i = 0; i < RB_TFTP_SLOT_SIZE / 512; i++) {
		off = i * 512;
		if (off >= rounded)
			break;
		chunk = rounded - off;
		/* For the verifier, which loses the bound of rounded - off. */
		asm volatile("%0 &= 0x7ff" : "+r"(chunk));
		if (chunk > 512)
			chunk = 512;
		sum = bpf_csum_diff(0, 0, (__be32 *)&blk->data[off], chunk, sum);
	}
	return sum;
}

/*
 * Copy the block into the frame at off and return the sum of the TFTP
 * header and block for the UDP checksum, or -1 when the copy failed.
 */
static __always_inline long tftp_copy_block(struct xdp_md *ctx, __u32 off,
					     const struct tftp_data *d)
{
	__u64 copy = d->len, sum;
	__u16 hdr[2] = { bpf_htons(RB_TFTP_OP_DATA), bpf_htons(d->wire) };

	if (bpf_xdp_store_bytes(ctx, off, hdr, sizeof(hdr)))
		return -1;
	sum = hdr[0] + hdr[1];
	if (copy == 0 || !d->blk)
		return (long)sum;

	/* clang drops a bound it can prove from earlier code; the verifier needs it here. */
	asm volatile("%0 &= 0x7ff" : "+r"(copy));
	if (copy == 0 || copy > RB_TFTP_SLOT_SIZE)
		return -1;
	if (bpf_xdp_store_bytes(ctx, off + RB_TFTP_HDR_LEN, d->blk->data, copy))
		return -1;
	return (long)(sum + tftp_block_sum(d->blk, d->len));
}

/* Key of an IPv4 ACK: its source is the client, its destination port the server's. */
static __always_inline void tftp_key4(struct rb_tftp_xfer_key *key, const struct iphdr *ip,
				      const struct udphdr *udp)
{
	__builtin_memcpy(key->client, &ip->saddr, 4);
	key->client_port = udp->source;
	key->server_port = udp->dest;
	key->family = RB_TFTP_FAMILY_IPV4;
}

/* The fields of the ACK that the DATA frame swaps. */
struct tftp_ack4 {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	__u32 saddr;
	__u32 daddr;
	__u16 source;
	__u16 dest;
};

/*
 * Rewrite the IPv4 ACK frame into DATA d to its sender.  Returns 0, or
 * -1 with the frame unchanged (no room to grow) or broken (failed copy).
 */
static __always_inline int tftp_write_data4(struct xdp_md *ctx, const struct tftp_ack4 *a,
					    const struct tftp_data *d)
{
	void *data, *data_end;
	__u32 udp_len = sizeof(struct udphdr) + RB_TFTP_HDR_LEN + d->len;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	long body;
	__u64 sum;
	int delta;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	delta = (int)(ETH_IP_UDP_LEN + RB_TFTP_HDR_LEN + d->len) - (int)(data_end - data);
	if (resize_frame(ctx, delta))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;

	body = tftp_copy_block(ctx, ETH_IP_UDP_LEN, d);
	if (body < 0)
		return -1;

	/* The copy may have moved the packet pointers' bounds: check again. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;

	__builtin_memcpy(eth->h_dest, a->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, a->h_dest, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(sizeof(*ip) + udp_len);
	ip->id = 0;
	ip->frag_off = bpf_htons(0x4000);	/* DF: the DATA fits the link (tftp_take_ack()) */
	ip->ttl = RB_TFTP_TTL;
	ip->protocol = IPPROTO_UDP;
	ip->check = 0;
	ip->saddr = a->daddr;
	ip->daddr = a->saddr;
	ip->check = csum_fold(ip_header_sum(ip));

	udp->source = a->dest;
	udp->dest = a->source;
	udp->len = bpf_htons(udp_len);
	udp->check = 0;

	/* Pseudo header (RFC 768), UDP header, TFTP header and block. */
	sum = (__u64)body;
	sum += (a->saddr & 0xffff) + (a->saddr >> 16) + (a->daddr & 0xffff) + (a->daddr >> 16);
	sum += bpf_htons(IPPROTO_UDP) + udp->len;
	sum += udp->source + udp->dest + udp->len;
	udp->check = csum_fold(sum);
	if (udp->check == 0)
		udp->check = 0xffff;
	return 0;
}

/*
 * Return XDP_TX for DATA block written into the frame, or XDP_PASS when
 * the frame could not take it.  The transfer has moved on already, so
 * us_block records the block that rackbootd must send.  Counts either.
 */
static __always_inline int tftp_sent_or_passed(struct rb_tftp_xfer *x, int failed, __u64 block)
{
	if (failed) {
		x->us_block = block;
		return pass(RB_XC_PASS_TFTP_NO_ROOM);
	}
	__sync_fetch_and_add(&x->xdp_data, 1);
	count(RB_XC_TX_TFTP_DATA);
	return XDP_TX;
}

/*
 * Read the UDP payload's opcode and block number at off, for a UDP
 * datagram of udp_len bytes.  Returns 0, or the verdict for a frame that
 * is not a 4-byte ACK, counted.
 */
static __always_inline int tftp_read_ack(struct xdp_md *ctx, __u32 off, __u32 udp_len,
					 __u16 *block)
{
	__u16 hdr[2];

	if (udp_len < sizeof(struct udphdr) + RB_TFTP_HDR_LEN)
		return pass(RB_XC_MALFORMED_TFTP);
	if (bpf_xdp_load_bytes(ctx, off, hdr, sizeof(hdr)))
		return pass(RB_XC_MALFORMED_TFTP);
	/* rackbootd ends the transfer on an ERROR, and handles other opcodes and trailing bytes. */
	if (hdr[0] != bpf_htons(RB_TFTP_OP_ACK) ||
	    udp_len != sizeof(struct udphdr) + RB_TFTP_HDR_LEN)
		return pass(RB_XC_PASS_TFTP_OPCODE);
	*block = bpf_ntohs(hdr[1]);
	return 0;
}

/*
 * A UDP datagram to a port other than DHCP's, in an IPv4 frame without
 * options or fragments.  Returns the verdict.  Not inlined, so that its
 * stack frame is not added to the DHCP handlers' (512 bytes in all).
 */
static __noinline int rb_tftp_ipv4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct rb_tftp_xfer_key key = {};
	struct tftp_data d = {};
	struct tftp_ack4 a;
	struct rb_tftp_xfer *x;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 udp_len;
	__u16 ack;
	int verdict;

	if ((void *)(udp + 1) > data_end)
		return pass(RB_XC_PASS_NOT_DHCP);
	tftp_key4(&key, ip, udp);
	x = bpf_map_lookup_elem(&rb_tftp_xfers, &key);
	if (!x)
		return pass(RB_XC_PASS_NOT_DHCP);

	udp_len = bpf_ntohs(udp->len);
	if ((void *)udp + udp_len > data_end || bpf_ntohs(ip->tot_len) < sizeof(*ip) + udp_len)
		return pass(RB_XC_MALFORMED_TFTP);
	verdict = tftp_read_ack(ctx, ETH_IP_UDP_LEN, udp_len, &ack);
	if (verdict)
		return verdict;

	__builtin_memcpy(a.h_dest, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(a.h_source, eth->h_source, ETH_ALEN);
	a.saddr = ip->saddr;
	a.daddr = ip->daddr;
	a.source = udp->source;
	a.dest = udp->dest;

	verdict = tftp_take_ack(ctx, x, ack, sizeof(*ip) + sizeof(*udp), &d);
	if (verdict >= 0)
		return verdict;
	return tftp_sent_or_passed(x, tftp_write_data4(ctx, &a, &d), d.block);
}

#define RB_ETH_IP6_UDP_HDR_LEN \
	(sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + sizeof(struct udphdr))

/* The fields of an IPv6 ACK that the DATA frame swaps. */
struct tftp_ack6 {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	struct in6_addr saddr;
	struct in6_addr daddr;
	__u16 source;
	__u16 dest;
};

/* Sum of the 16-bit words of an IPv6 address. */
static __always_inline __u64 tftp_addr6_sum(const struct in6_addr *a)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < 8; i++)
		sum += a->in6_u.u6_addr16[i];
	return sum;
}

/* Rewrite the IPv6 ACK frame into DATA d to its sender.  Returns 0 or -1. */
static __always_inline int tftp_write_data6(struct xdp_md *ctx, const struct tftp_ack6 *a,
					    const struct tftp_data *d)
{
	void *data, *data_end;
	__u32 udp_len = sizeof(struct udphdr) + RB_TFTP_HDR_LEN + d->len;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	struct udphdr *udp;
	long body;
	__u64 sum;
	int delta;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	delta = (int)(RB_ETH_IP6_UDP_HDR_LEN + RB_TFTP_HDR_LEN + d->len) - (int)(data_end - data);
	if (resize_frame(ctx, delta))
		return -1;

	body = tftp_copy_block(ctx, RB_ETH_IP6_UDP_HDR_LEN, d);
	if (body < 0)
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip6 = (void *)(eth + 1);
	udp = (void *)(ip6 + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;

	__builtin_memcpy(eth->h_dest, a->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, a->h_dest, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	ip6->version = 6;
	ip6->priority = 0;
	ip6->flow_lbl[0] = 0;
	ip6->flow_lbl[1] = 0;
	ip6->flow_lbl[2] = 0;
	ip6->payload_len = bpf_htons(udp_len);
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = RB_TFTP_TTL;
	ip6->saddr = a->daddr;
	ip6->daddr = a->saddr;

	udp->source = a->dest;
	udp->dest = a->source;
	udp->len = bpf_htons(udp_len);
	udp->check = 0;

	/* Pseudo header (RFC 8200 section 8.1), UDP header, TFTP header and block. */
	sum = (__u64)body;
	sum += tftp_addr6_sum(&a->saddr) + tftp_addr6_sum(&a->daddr);
	sum += udp->len + bpf_htons(IPPROTO_UDP);
	sum += udp->source + udp->dest + udp->len;
	udp->check = csum_fold(sum);
	if (udp->check == 0)
		udp->check = 0xffff;
	return 0;
}

/*
 * A UDP datagram in an IPv6 frame without extension headers, to a port
 * other than DHCPv6's.  Returns the verdict.  Not inlined, as rb_tftp_ipv4().
 */
static __noinline int rb_tftp_ipv6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct rb_tftp_xfer_key key = {};
	struct tftp_data d = {};
	struct tftp_ack6 a;
	struct rb_tftp_xfer *x;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);
	__u32 udp_len;
	__u16 ack;
	int verdict;

	if ((void *)(udp + 1) > data_end)
		return pass(RB_XC_PASS_IPV6_OTHER);
	__builtin_memcpy(key.client, &ip6->saddr, 16);
	key.client_port = udp->source;
	key.server_port = udp->dest;
	key.family = RB_TFTP_FAMILY_IPV6;
	x = bpf_map_lookup_elem(&rb_tftp_xfers, &key);
	if (!x)
		return pass(RB_XC_PASS_IPV6_OTHER);

	udp_len = bpf_ntohs(udp->len);
	if ((void *)udp + udp_len > data_end || bpf_ntohs(ip6->payload_len) < udp_len)
		return pass(RB_XC_MALFORMED_TFTP);
	verdict = tftp_read_ack(ctx, RB_ETH_IP6_UDP_HDR_LEN, udp_len, &ack);
	if (verdict)
		return verdict;

	__builtin_memcpy(a.h_dest, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(a.h_source, eth->h_source, ETH_ALEN);
	a.saddr = ip6->saddr;
	a.daddr = ip6->daddr;
	a.source = udp->source;
	a.dest = udp->dest;

	verdict = tftp_take_ack(ctx, x, ack, sizeof(*ip6) + sizeof(*udp), &d);
	if (verdict >= 0)
		return verdict;
	return tftp_sent_or_passed(x, tftp_write_data6(ctx, &a, &d), d.block);
}

#endif
