// SPDX-License-Identifier: MIT
/*
 * XDP side of the DNS load generator.
 *
 * dnsgen_query runs under BPF_PROG_TEST_RUN with live frames on the
 * client end of the veth pair.  Each repetition copies the query frame
 * of a random entry of dnsgen_names into the frame and gives it the next
 * query ID and the source port of the next simulated client.  Then it
 * completes the UDP checksum, records the query in the slot of its ID
 * and sends it with XDP_TX.
 *
 * dnsgen_client is attached to the same interface and counts the
 * responses.  A response counts as answered when its ID and destination
 * port match a query that has no response yet, its response code is
 * NOERROR, TC is clear and its first answer record is the A record
 * that dnsgen_names expects for the name asked.
 *
 * Verdicts of dnsgen_client: XDP_DROP for every frame from port 53 to a
 * client port (they are counted), XDP_PASS for anything else (ARP among
 * them).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "gen_csum.bpf.h"
#include "dnsgen.h"

/* Bytes of an A record after its owner name: type, class, TTL, RDLENGTH, address. */
#define RR_A_LEN	14
#define COMPRESSED	0xc0	/* top bits of a compression pointer (RFC 1035 section 4.1.4) */

/* Set by dnsgen.c before loading. */
const volatile __u32 n_names = 1;
const volatile __u32 n_clients = 1;
const volatile __u32 id_base;

__u32 next_seq;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, DNSGEN_COUNTER_COUNT);
} dnsgen_counters SEC(".maps");

/* One entry per query name; dnsgen.c sets max_entries to n_names and fills them. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct dnsgen_name);
	__uint(max_entries, 1);
} dnsgen_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct dnsgen_slot);
	__uint(max_entries, DNSGEN_SLOTS);
} dnsgen_slots SEC(".maps");

static __always_inline void count_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&dnsgen_counters, &idx);

	if (v)
		*v += n;
}

SEC("xdp")
int dnsgen_query(struct xdp_md *ctx)
{
	const struct dnsgen_name *name;
	struct dnsgen_slot *slot;
	struct udphdr *udp;
	void *data, *data_end;
	__u32 seq, idx, id, len;
	__u16 id_be, port_be;
	__u8 *frame;
	int delta;

	/* Only the driver's one test-run call runs this program at a time. */
	seq = next_seq++;
	idx = bpf_get_prandom_u32() % n_names;
	name = bpf_map_lookup_elem(&dnsgen_names, &idx);
	if (!name)
		return XDP_ABORTED;
	len = name->frame_len;
	if (len < DNSGEN_FRAME_MIN || len > DNSGEN_FRAME_MAX)
		return XDP_ABORTED;

	/*
	 * Live frames recycle their pages without copying data_in again, so
	 * a page may still hold a response of an earlier round trip, and the
	 * kernel keeps that frame's length unless the program moves the
	 * frame bounds.  So move the head 4 bytes to the front, set the
	 * tail to this query's length and write the whole query every time.
	 */
	if (bpf_xdp_adjust_head(ctx, -4))
		return XDP_ABORTED;
	delta = (int)len - (int)bpf_xdp_get_buff_len(ctx);
	if (bpf_xdp_adjust_tail(ctx, delta))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, (void *)name->frame, len))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	frame = data;
	if (data + DNSGEN_QNAME_OFF > data_end)
		return XDP_ABORTED;

	id = (id_base + seq) & 0xffff;
	id_be = bpf_htons((__u16)id);
	port_be = bpf_htons((__u16)(DNSGEN_BASE_PORT + seq % n_clients));
	udp = (void *)(frame + DNSGEN_UDP_OFF);
	udp->source = port_be;
	__builtin_memcpy(frame + DNSGEN_DNS_OFF, &id_be, 2);
	udp->check = udp_check(name->sum + id_be + port_be);

	slot = bpf_map_lookup_elem(&dnsgen_slots, &id);
	if (slot) {
		slot->name_idx = idx;
		slot->port = port_be;
		slot->state = DNSGEN_SLOT_PENDING;
		slot->sent_ns = bpf_ktime_get_ns();
	}
	count_add(DNSGEN_TX_QUERY, 1);
	return XDP_TX;
}

/*
 * Whether the first answer record of the response in ctx is the A
 * record of entry name_idx.  The answer section starts after the
 * question, which the server copies from the query, so at the same
 * length.  Its owner is a compression pointer or a name as long as the
 * question's.
 * NOTE: the owner name and the question's bytes are not compared with
 * the query's; the record's address identifies the name in the bench,
 * whose names all have different addresses.
 */
static __always_inline int answer_is_expected(struct xdp_md *ctx, __u32 name_idx)
{
	const struct dnsgen_name *name = bpf_map_lookup_elem(&dnsgen_names, &name_idx);
	__u8 rr[RR_A_LEN], owner;
	__u32 off, addr;

	if (!name)
		return 0;
	off = DNSGEN_QNAME_OFF + name->qname_len + 4;
	if (bpf_xdp_load_bytes(ctx, off, &owner, 1))
		return 0;
	off += (owner & COMPRESSED) == COMPRESSED ? 2 : name->qname_len;
	if (bpf_xdp_load_bytes(ctx, off, rr, sizeof(rr)))
		return 0;

	__builtin_memcpy(&addr, rr + 10, 4);
	return rr[0] == 0 && rr[1] == DNSGEN_TYPE_A && rr[2] == 0 && rr[3] == DNSGEN_CLASS_IN &&
	       rr[8] == 0 && rr[9] == 4 && addr == name->addr;
}

/* Count the response to client port port_be in ctx. */
static __always_inline int handle_response(struct xdp_md *ctx, __u16 port_be)
{
	__u8 hdr[DNSGEN_HDR_LEN];
	struct dnsgen_slot *slot;
	__u32 id;

	if (bpf_xdp_load_bytes(ctx, DNSGEN_DNS_OFF, hdr, sizeof(hdr)) ||
	    !(hdr[2] & DNSGEN_FLAGS1_QR)) {
		count_add(DNSGEN_RX_MALFORMED, 1);
		return XDP_DROP;
	}
	id = (__u32)hdr[0] << 8 | hdr[1];
	slot = bpf_map_lookup_elem(&dnsgen_slots, &id);
	if (!slot || slot->state == DNSGEN_SLOT_FREE || slot->port != port_be) {
		count_add(DNSGEN_RX_STALE, 1);
		return XDP_DROP;
	}
	if (slot->state == DNSGEN_SLOT_DONE) {
		count_add(DNSGEN_RX_DUP, 1);
		return XDP_DROP;
	}
	slot->state = DNSGEN_SLOT_DONE;
	count_add(DNSGEN_RX_MATCHED, 1);
	count_add(DNSGEN_LATENCY_NS, bpf_ktime_get_ns() - slot->sent_ns);

	if (hdr[3] & DNSGEN_FLAGS2_RCODE)
		count_add(DNSGEN_RX_RCODE, 1);
	else if (hdr[2] & DNSGEN_FLAGS1_TC)
		count_add(DNSGEN_RX_TRUNCATED, 1);
	else if (hdr[6] == 0 && hdr[7] == 0)
		count_add(DNSGEN_RX_NO_ANSWER, 1);
	else if (hdr[4] == 0 && hdr[5] == 1 && answer_is_expected(ctx, slot->name_idx))
		count_add(DNSGEN_RX_ANSWERED, 1);
	else
		count_add(DNSGEN_RX_WRONG_ANSWER, 1);
	return XDP_DROP;
}

SEC("xdp")
int dnsgen_client(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u16 port;

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    udp->source != bpf_htons(DNSGEN_DNS_PORT))
		goto other;
	port = bpf_ntohs(udp->dest);
	if (port < DNSGEN_BASE_PORT || port >= DNSGEN_BASE_PORT + n_clients)
		goto other;
	return handle_response(ctx, udp->dest);

other:
	count_add(DNSGEN_OTHER, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
