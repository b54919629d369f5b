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
 * Included by dhcp4.bpf.c after count(), pass() and clock_read().
 */
#ifndef RB_BPF_TFTP_H
#define RB_BPF_TFTP_H

#include <linux/ipv6.h>

#include "rackboot/tftp_maps.h"
#include "csum.h"
#include "udp_frame.h"

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

/* Key of an ACK: its source is the client, its destination port the server's. */
static __always_inline void tftp_key(struct rb_tftp_xfer_key *key, const struct ethhdr *eth,
				     const struct udphdr *udp, const int ipv6)
{
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct ipv6hdr *ip6 = (const void *)(eth + 1);

	if (ipv6) {
		__builtin_memcpy(key->client, &ip6->saddr, 16);
		key->family = RB_TFTP_FAMILY_IPV6;
	} else {
		__builtin_memcpy(key->client, &ip->saddr, 4);
		key->family = RB_TFTP_FAMILY_IPV4;
	}
	key->client_port = udp->source;
	key->server_port = udp->dest;
}

/*
 * Rewrite the ACK frame into DATA d to r.  IPv4 DATA gets DF, because it
 * fits the link (tftp_take_ack()).  Returns 0, or -1 with the frame
 * unchanged (no room to grow) or broken (failed copy).
 */
static __always_inline int tftp_write_data(struct xdp_md *ctx, const struct rb_udp_reply *r,
					   const struct tftp_data *d, const int ipv6)
{
	__u32 hdr_len = ipv6 ? RB_ETH_IP6_UDP_LEN : ETH_IP_UDP_LEN;
	__u32 udp_len = sizeof(struct udphdr) + RB_TFTP_HDR_LEN + d->len;
	long body;

	if (resize_frame_to(ctx, hdr_len - sizeof(struct udphdr) + udp_len))
		return -1;
	body = tftp_copy_block(ctx, hdr_len, d);
	if (body < 0)
		return -1;
	return rb_udp_headers_df(ctx, r, udp_len, RB_TFTP_TTL, (__u64)body, ipv6);
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
 * A UDP datagram to a port other than DHCP's (IPv4) or DHCPv6's (IPv6),
 * in a frame without IPv4 options, fragments or IPv6 extension headers.
 * Returns the verdict.  The body of rb_tftp_ipv4() and rb_tftp_ipv6().
 */
static __always_inline int tftp_udp(struct xdp_md *ctx, const int ipv6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 hdr_len = ipv6 ? RB_ETH_IP6_UDP_LEN : ETH_IP_UDP_LEN;
	__u32 not_ours = ipv6 ? RB_XC_PASS_IPV6_OTHER : RB_XC_PASS_NOT_DHCP;
	struct ethhdr *eth = data;
	struct udphdr *udp = data + hdr_len - sizeof(struct udphdr);
	struct rb_tftp_xfer_key key = {};
	struct tftp_data d = {};
	struct rb_udp_reply r;
	struct rb_tftp_xfer *x;
	__u32 udp_len;
	__u16 ack;
	int verdict;

	if ((void *)(udp + 1) > data_end)
		return pass(not_ours);
	tftp_key(&key, eth, udp, ipv6);
	x = bpf_map_lookup_elem(&rb_tftp_xfers, &key);
	if (!x)
		return pass(not_ours);

	udp_len = bpf_ntohs(udp->len);
	if (!rb_udp_len_valid(eth, udp, udp_len, data_end, ipv6))
		return pass(RB_XC_MALFORMED_TFTP);
	verdict = tftp_read_ack(ctx, hdr_len, udp_len, &ack);
	if (verdict)
		return verdict;
	rb_udp_reply_swap(&r, eth, udp, ipv6);

	verdict = tftp_take_ack(ctx, x, ack, hdr_len - sizeof(struct ethhdr), &d);
	if (verdict >= 0)
		return verdict;
	return tftp_sent_or_passed(x, tftp_write_data(ctx, &r, &d, ipv6), d.block);
}

/*
 * Not inlined, so that their stack frames are not added to the DHCP
 * handlers' (512 bytes in all).
 */
static __noinline int rb_tftp_ipv4(struct xdp_md *ctx)
{
	return tftp_udp(ctx, 0);
}

static __noinline int rb_tftp_ipv6(struct xdp_md *ctx)
{
	return tftp_udp(ctx, 1);
}

#endif
