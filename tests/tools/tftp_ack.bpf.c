// SPDX-License-Identifier: MIT
/*
 * TFTP client data path for tests/tools/rb_tftp_xdp_client.c: turn each
 * DATA to the client's port into its ACK with XDP_TX, and keep the
 * payload in rb_ack_blocks, so that the server's XDP program receives
 * each ACK as a frame that XDP sent.  Such a frame reaches the server's veth peer as
 * an XDP frame with a whole page, which the server's XDP program can grow
 * into DATA.  A DATA for the block before the expected one (a
 * retransmission) is acknowledged again.  Every other frame passes.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ACK_SLOT_SIZE	1536	/* bytes per stored block, at least the blksize */
#define ACK_BLOCKS_MAX	4096	/* blocks the client stores */
#define ACK_HDR_OFF	(sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))

const volatile __u16 client_port;	/* host order */
const volatile __u32 blksize;

/* Progress of the download; rb_tftp_xdp_client.c reads it. */
struct ack_state {
	__u64 expected;		/* block counter of the next new DATA, from 1 */
	__u64 bytes;		/* payload bytes stored */
	__u64 repeats;		/* DATA of the previous block, acknowledged again */
	__u64 unexpected;	/* DATA of another block, dropped */
	__u64 done;		/* 1 after the short final block */
};

struct ack_block {
	__u8 data[ACK_SLOT_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ack_state);
} rb_ack_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ACK_BLOCKS_MAX);
	__type(key, __u32);
	__type(value, struct ack_block);
} rb_ack_blocks SEC(".maps");

static __always_inline __u16 fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Store a DATA payload of len bytes as block counter; returns 0 or -1. */
static __always_inline int store(struct xdp_md *ctx, __u64 counter, __u32 len)
{
	__u32 index = (__u32)(counter - 1);
	struct ack_block *blk = bpf_map_lookup_elem(&rb_ack_blocks, &index);
	__u64 copy = len;

	if (!blk)
		return -1;
	if (copy == 0)
		return 0;
	asm volatile("%0 &= 0x7ff" : "+r"(copy));
	if (copy == 0 || copy > ACK_SLOT_SIZE)
		return -1;
	return bpf_xdp_load_bytes(ctx, ACK_HDR_OFF + 4, blk->data, copy) ? -1 : 0;
}

/* Rewrite the DATA frame into ACK wire, back to its sender. */
static __always_inline int ack(struct xdp_md *ctx, __u16 wire)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__u8 mac[ETH_ALEN];
	__u32 addr;
	__u16 port, *tftp;
	__u64 sum = 0;
	int i;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (bpf_xdp_adjust_tail(ctx, (int)(ACK_HDR_OFF + 4) - (int)(data_end - data)))
		return XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	tftp = (void *)(udp + 1);
	if ((void *)(tftp + 2) > data_end)
		return XDP_DROP;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	ip->tot_len = bpf_htons(sizeof(*ip) + sizeof(*udp) + 4);
	ip->ttl = 64;
	ip->check = 0;
	for (i = 0; i < (int)(sizeof(*ip) / 2); i++)
		sum += ((__u16 *)ip)[i];
	ip->check = fold(sum);

	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	udp->len = bpf_htons(sizeof(*udp) + 4);
	udp->check = 0;
	tftp[0] = bpf_htons(4);
	tftp[1] = bpf_htons(wire);

	/* Pseudo header, UDP header and the 4-byte ACK. */
	sum = (ip->saddr & 0xffff) + (ip->saddr >> 16) + (ip->daddr & 0xffff) + (ip->daddr >> 16);
	sum += bpf_htons(IPPROTO_UDP) + udp->len;
	sum += udp->source + udp->dest + udp->len + tftp[0] + tftp[1];
	udp->check = fold(sum);
	if (udp->check == 0)
		udp->check = 0xffff;
	return XDP_TX;
}

SEC("xdp")
int rb_tftp_ack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u16 *tftp = (void *)(udp + 1);
	struct ack_state *st;
	__u32 zero = 0, len;
	__u16 wire;

	if ((void *)(tftp + 2) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(client_port) ||
	    tftp[0] != bpf_htons(3))
		return XDP_PASS;
	st = bpf_map_lookup_elem(&rb_ack_state, &zero);
	if (!st)
		return XDP_PASS;

	len = bpf_ntohs(udp->len);
	if (len < sizeof(*udp) + 4 || (void *)udp + len > data_end)
		return XDP_DROP;
	len -= sizeof(*udp) + 4;
	wire = bpf_ntohs(tftp[1]);

	if (wire == (__u16)st->expected && !st->done) {
		if (store(ctx, st->expected, len))
			return XDP_DROP;
		st->bytes += len;
		if (len < blksize)
			st->done = 1;
		st->expected++;
	} else if (wire == (__u16)(st->expected - 1)) {
		st->repeats++;
	} else {
		st->unexpected++;
		return XDP_DROP;
	}
	return ack(ctx, wire);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
