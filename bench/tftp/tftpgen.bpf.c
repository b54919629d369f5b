// SPDX-License-Identifier: MIT
/*
 * XDP side of the TFTP load generator.
 *
 * tftpgen_client is attached to the client end of the veth pair and
 * plays the client part of every transfer after the RRQ, which
 * userspace sends.  An OACK becomes ACK 0 and DATA n becomes ACK n, each
 * sent back with XDP_TX in the frame it arrived in.  A DATA block
 * shorter than blksize ends the transfer.  Each in-order block is
 * checked cheaply against the files' pattern (its first and last 8
 * bytes) and counted, and the total must equal the file size.  A DATA
 * that repeats the previous block is ACKed again, as a stop-and-wait
 * client does when its ACK was lost.  A transfer that ends is reported
 * on the ring buffer.
 *
 * tftpgen_frame runs under BPF_PROG_TEST_RUN with live frames for the
 * reflector ceiling: it sends a 1,514-byte frame (a 1468-byte DATA
 * block) with XDP_TX, and tftpgen_client counts the frames that come
 * back.
 *
 * Verdicts of tftpgen_client: XDP_TX for an ACK, XDP_DROP for every
 * other packet from the server to a slot's port (counted) and for
 * reflected frames, XDP_PASS for anything else (ARP, other ports).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "gen_csum.bpf.h"
#include "tftpgen.h"

#define IP_DF		0x4000
#define IP_MF_OFFSET	0x3fff

/* Set by tftpgen.c before loading. */
const volatile __u32 server_addr;	/* network order */
const volatile __u16 base_port;		/* host order: client port of slot 0 */
const volatile __u32 n_slots = 1;
const volatile __u32 blksize = 512;
const volatile __u64 file_size;
const volatile __u8 reflect_header[TFTPGEN_PAYLOAD_OFF];

/* Read and reset by userspace through the skeleton's mapping of .bss. */
struct tftpgen_slot slots[TFTPGEN_MAX_CLIENTS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, TFTPGEN_COUNTER_COUNT);
} tftpgen_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tftpgen_events SEC(".maps");

static __always_inline void count_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&tftpgen_counters, &idx);

	if (v)
		*v += n;
}

/* Mark slot ended with status and report it on the ring buffer. */
static __always_inline void end_transfer(struct tftpgen_slot *s, __u32 slot, __u32 status,
					 __u32 state)
{
	struct tftpgen_event ev = {
		.slot = slot,
		.transfer_id = s->transfer_id,
		.status = status,
		.error_code = s->error_code,
		.bytes = s->bytes,
		.elapsed_ns = bpf_ktime_get_ns() - s->started_ns,
	};

	s->status = status;
	s->state = state;
	if (bpf_ringbuf_output(&tftpgen_events, &ev, sizeof(ev), 0))
		count_add(TFTPGEN_EVENT_LOST, 1);
}

static __always_inline void fail_transfer(struct tftpgen_slot *s, __u32 slot, __u32 status)
{
	end_transfer(s, slot, status, TFTPGEN_SLOT_FAILED);
}

/* Sum of the ten 16-bit words of an IPv4 header without options. */
static __always_inline __u64 ip_header_sum(const __u16 *words)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < 10; i++)
		sum += words[i];
	return sum;
}

/*
 * Turn the frame in ctx into a TFTP packet from the client port back to
 * the server port and return XDP_TX.  With frame_len
 * TFTPGEN_ACK_FRAME_LEN the packet is ACK value_be (a block number in
 * network order), with TFTPGEN_ERROR_FRAME_LEN it is ERROR value_be with
 * an empty message.  Returns XDP_DROP when the frame cannot be resized,
 * because a frame that a socket sent arrives through the veth's skb
 * path, which may leave no room to grow it.
 */
static __always_inline int send_reply(struct xdp_md *ctx, __u16 opcode, __u16 value_be,
				      const int frame_len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__u16 *tftp;
	__u8 mac[ETH_ALEN];
	__u32 addr;
	__u16 port;
	int delta;

	delta = frame_len - (int)(data_end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		goto failed;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + frame_len > data_end)
		goto failed;
	eth = data;
	ip = data + TFTPGEN_IP_OFF;
	udp = data + TFTPGEN_UDP_OFF;
	tftp = data + TFTPGEN_TFTP_OFF;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	ip->tos = 0;
	ip->tot_len = bpf_htons(frame_len - TFTPGEN_IP_OFF);
	ip->id = 0;
	ip->frag_off = bpf_htons(IP_DF);
	ip->ttl = 64;
	ip->check = 0;
	ip->check = csum_fold(ip_header_sum((__u16 *)ip));

	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	udp->len = bpf_htons(frame_len - TFTPGEN_UDP_OFF);
	tftp[0] = bpf_htons(opcode);
	tftp[1] = value_be;
	if (frame_len == TFTPGEN_ERROR_FRAME_LEN)
		*((__u8 *)data + TFTPGEN_PAYLOAD_OFF) = 0;

	/*
	 * Pseudo-header (RFC 768), then the UDP header and the packet.  The
	 * NUL that ends an ERROR's message adds a zero word.
	 */
	udp->check = 0;
	udp->check = udp_check(words32(ip->saddr) + words32(ip->daddr) +
			       bpf_htons(IPPROTO_UDP) + udp->len + udp->source + udp->dest +
			       udp->len + tftp[0] + tftp[1]);
	return XDP_TX;

failed:
	count_add(TFTPGEN_ACK_FAILED, 1);
	return XDP_DROP;
}

static __always_inline int send_ack(struct xdp_md *ctx, __u16 block_be)
{
	int verdict = send_reply(ctx, TFTPGEN_OP_ACK, block_be, TFTPGEN_ACK_FRAME_LEN);

	if (verdict == XDP_TX)
		count_add(TFTPGEN_TX_ACK, 1);
	return verdict;
}

/*
 * Reply with ERROR 5 to a DATA or OACK from a port that is not the
 * transfer's, as RFC 1350 recommends, so that the server ends that transfer
 * (for example the second one that a repeated RRQ started).  An ERROR
 * from such a port is dropped, because ERRORs are not acknowledged.
 */
static __always_inline int reject_stray(struct xdp_md *ctx, __u16 opcode)
{
	int verdict;

	count_add(TFTPGEN_STALE, 1);
	if (opcode != TFTPGEN_OP_DATA && opcode != TFTPGEN_OP_OACK)
		return XDP_DROP;
	verdict = send_reply(ctx, TFTPGEN_OP_ERROR, bpf_htons(TFTPGEN_ERR_UNKNOWN_TID),
			     TFTPGEN_ERROR_FRAME_LEN);
	if (verdict == XDP_TX)
		count_add(TFTPGEN_TX_UNKNOWN_TID, 1);
	return verdict;
}

/*
 * Whether the payload_len bytes of the block at file offset off match
 * the pattern at both ends.  A block of fewer than 8 bytes is not
 * checked, but its length counts towards the total.
 */
static __always_inline int block_matches(struct xdp_md *ctx, __u64 off, __u32 payload_len)
{
	__u64 first, last;
	__u32 last_off;

	if (payload_len < 8)
		return 1;
	if (bpf_xdp_load_bytes(ctx, TFTPGEN_PAYLOAD_OFF, &first, 8))
		return 0;
	/* The mask only bounds the offset for the verifier; payload_len <= blksize. */
	last_off = (TFTPGEN_PAYLOAD_OFF + payload_len - 8) & 0xffff;
	if (bpf_xdp_load_bytes(ctx, last_off, &last, 8))
		return 0;
	return first == tftpgen_expected(off) &&
	       last == tftpgen_expected(off + payload_len - 8);
}

/* DATA block_be with payload_len bytes for the transfer in slot s. */
static __always_inline int handle_data(struct xdp_md *ctx, struct tftpgen_slot *s, __u32 slot,
				       __u16 block_be, __u32 payload_len)
{
	__u16 block = bpf_ntohs(block_be);
	__u16 expected = (__u16)s->next_block;

	if (s->state == TFTPGEN_SLOT_ACTIVE && block == expected) {
		if (payload_len > blksize) {
			fail_transfer(s, slot, TFTPGEN_BAD_LENGTH);
			count_add(TFTPGEN_BAD_LENGTH_COUNT, 1);
			return XDP_DROP;
		}
		if (!block_matches(ctx, (s->next_block - 1) * blksize, payload_len)) {
			fail_transfer(s, slot, TFTPGEN_BAD_CONTENT);
			count_add(TFTPGEN_BAD_CONTENT_COUNT, 1);
			return XDP_DROP;
		}
		s->bytes += payload_len;
		s->next_block++;
		s->progress_ns = bpf_ktime_get_ns();
		count_add(TFTPGEN_RX_DATA, 1);
		count_add(TFTPGEN_PAYLOAD_BYTES, payload_len);

		if (payload_len < blksize) {
			if (s->bytes == file_size) {
				end_transfer(s, slot, TFTPGEN_OK, TFTPGEN_SLOT_DONE);
				count_add(TFTPGEN_DONE, 1);
			} else {
				/* The server ended the transfer, so it gets its ACK. */
				fail_transfer(s, slot, TFTPGEN_BAD_LENGTH);
				count_add(TFTPGEN_BAD_LENGTH_COUNT, 1);
			}
		}
		return send_ack(ctx, block_be);
	}

	/* The server did not get the ACK of the previous block. */
	if (s->next_block > 1 && block == (__u16)(expected - 1) &&
	    (s->state == TFTPGEN_SLOT_ACTIVE || s->state == TFTPGEN_SLOT_DONE)) {
		count_add(TFTPGEN_DUP_DATA, 1);
		return send_ack(ctx, block_be);
	}

	count_add(TFTPGEN_STALE, 1);
	return XDP_DROP;
}

/*
 * Take the server's transfer port from the first reply of a transfer: an
 * OACK, or DATA 1 from a server that ignored the options.  A DATA 1
 * from the previous transfer's port is a late retransmission of that
 * transfer, so it is not taken.  An ERROR that rejects the RRQ may come
 * from the request port (rb-tftpd) or from a new one (tftp-hpa).
 */
static __always_inline int learn_port(struct tftpgen_slot *s, __u16 opcode, __u16 block_be,
				      __u16 port)
{
	if (opcode == TFTPGEN_OP_OACK || opcode == TFTPGEN_OP_ERROR ||
	    (opcode == TFTPGEN_OP_DATA && block_be == bpf_htons(1) && port != s->prev_server_port)) {
		s->server_port = port;
		return 1;
	}
	return 0;
}

/* A TFTP packet from the server to the client port of slot. */
static __always_inline int handle_tftp(struct xdp_md *ctx, __u32 slot, struct udphdr *udp,
				       __u16 *tftp, __u32 payload_len)
{
	struct tftpgen_slot *s = &slots[slot];
	__u16 opcode = bpf_ntohs(tftp[0]);
	int first = 0;

	if (s->state != TFTPGEN_SLOT_ACTIVE && s->state != TFTPGEN_SLOT_DONE)
		goto stale;

	/*
	 * The previous transfer in this slot ended, but the server did not
	 * get its final ACK and sent the final DATA again.
	 */
	if (udp->source == s->prev_server_port && udp->source != s->server_port &&
	    opcode == TFTPGEN_OP_DATA && s->prev_last_block &&
	    tftp[1] == bpf_htons(s->prev_last_block)) {
		count_add(TFTPGEN_DUP_DATA, 1);
		return send_ack(ctx, tftp[1]);
	}

	if (!s->server_port) {
		if (!learn_port(s, opcode, tftp[1], udp->source))
			return reject_stray(ctx, opcode);
		first = 1;
	}
	if (udp->source != s->server_port)
		return reject_stray(ctx, opcode);

	if (opcode == TFTPGEN_OP_DATA)
		return handle_data(ctx, s, slot, tftp[1], payload_len);
	if (opcode == TFTPGEN_OP_OACK && s->state == TFTPGEN_SLOT_ACTIVE && s->next_block == 1) {
		if (first) {
			s->progress_ns = bpf_ktime_get_ns();
			count_add(TFTPGEN_RX_OACK, 1);
		} else {
			count_add(TFTPGEN_DUP_OACK, 1);
		}
		return send_ack(ctx, 0);
	}
	if (opcode == TFTPGEN_OP_ERROR && s->state == TFTPGEN_SLOT_ACTIVE) {
		s->error_code = bpf_ntohs(tftp[1]);
		count_add(TFTPGEN_RX_ERROR, 1);
		fail_transfer(s, slot, TFTPGEN_SERVER_ERROR);
		return XDP_DROP;
	}

stale:
	count_add(TFTPGEN_STALE, 1);
	return XDP_DROP;
}

SEC("xdp")
int tftpgen_client(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u16 *tftp = (void *)(udp + 1);
	__u32 slot, udp_len;

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(IP_MF_OFFSET)))
		goto other;

	if (ip->daddr == server_addr && udp->dest == bpf_htons(TFTPGEN_REFLECT_PORT)) {
		count_add(TFTPGEN_REFLECTED, 1);
		return XDP_DROP;
	}
	if (ip->saddr != server_addr)
		goto other;
	slot = bpf_ntohs(udp->dest) - (__u32)base_port;
	if (slot >= n_slots || slot >= TFTPGEN_MAX_CLIENTS)
		goto other;

	udp_len = bpf_ntohs(udp->len);
	if ((void *)(tftp + 2) > data_end || udp_len < 8 + 4 ||
	    (void *)udp + udp_len > data_end) {
		count_add(TFTPGEN_STALE, 1);
		return XDP_DROP;
	}
	return handle_tftp(ctx, slot, udp, tftp, udp_len - 8 - 4);

other:
	count_add(TFTPGEN_OTHER, 1);
	return XDP_PASS;
}

SEC("xdp")
int tftpgen_frame(struct xdp_md *ctx)
{
	/*
	 * Live frames recycle their pages without copying data_in again,
	 * and the reflector swapped the Ethernet addresses of the last frame
	 * in this page.  The kernel resets the frame bounds only when the
	 * program moved them, so move them (4 bytes to the front, 4 off the
	 * tail: the same length) and write the headers every time.  The
	 * payload is not read by anyone.
	 */
	if (bpf_xdp_adjust_head(ctx, -4) || bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, (void *)reflect_header, TFTPGEN_PAYLOAD_OFF))
		return XDP_ABORTED;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
