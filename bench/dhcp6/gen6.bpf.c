// SPDX-License-Identifier: MIT
/*
 * XDP side of the DHCPv6 load generator.
 *
 * gen_solicit runs under BPF_PROG_TEST_RUN with live frames on the
 * client end of the veth pair: each repetition turns the Solicit
 * template into the Solicit of the next client (MAC, source address,
 * DUID, xid, UDP checksum) and sends it with XDP_TX.  gen_client is
 * attached to the same interface and plays every client's part in the
 * rest of the exchange: an Advertise with an address becomes the
 * client's Request (XDP_TX), and a Reply with an address completes the
 * exchange and is counted.  With the per-client state in gen6_clients, a
 * completed exchange is counted apart from a duplicate or a stale reply.  Frames to port
 * 547 that come back are counted as reflected, for the XDP_TX reflector
 * that measures the ceiling of the setup.
 *
 * In window mode (gen_window.h) gen_solicit starts the slots that the
 * driver queued, and gen_client turns a completed exchange's Reply (or
 * a reflected Solicit) into the slot's next Solicit, for a new client.
 *
 * gen_client returns XDP_TX for the Request and, in window mode, for
 * the next Solicit.  It returns XDP_DROP for every other DHCPv6 reply
 * and reflected frame, which it counts, and XDP_PASS for anything else.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "gen_csum.bpf.h"
#include "gen_exchange.bpf.h"
#include "gen6.h"

#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547
#define DHCP6_SOLICIT		1
#define DHCP6_ADVERTISE		2
#define DHCP6_REQUEST		3
#define DHCP6_REPLY		7
#define OPTION_CLIENTID		1
#define OPTION_SERVERID		2
#define OPTION_IA_NA		3
#define OPTION_IAADDR		5
#define OPTION_STATUS_CODE	13
#define DUID_LL			3
#define HWTYPE_ETHERNET		1

/* Set by gen6.c before loading. */
const volatile __u32 n_clients = 1;
const volatile __u32 xid_base;
const volatile __u64 solicit_sum;	/* checksum sum of the Solicit template */
const volatile __u64 request_sum;	/* checksum sum of the Request template */
const volatile __u8 solicit_frame[GEN6_SOLICIT_FRAME_LEN];
const volatile __u8 request_frame[GEN6_REQUEST_FIXED_FRAME_LEN];

__u32 next_seq;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, GEN6_COUNTER_COUNT);
} gen6_counters SEC(".maps");

/* One entry per client; gen6.c sets max_entries to n_clients. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct gen_client);
	__uint(max_entries, 1);
} gen6_clients SEC(".maps");

/*
 * Frame offsets of the options that the option walk found (0 = absent).
 * The verifier does not track values in map memory, so these fields live
 * in a per-CPU map.  On the stack, each combination of options that the
 * loops could have seen became a state of its own, and the verifier gave
 * up after a million instructions.
 */
struct reply_options {
	__u32 server_id_off;	/* Server Identifier option header */
	__u32 server_id_len;	/* its length, the DUID's */
	__u32 ia_off;		/* IA_NA option header */
	__u32 ia_len;		/* its length */
	__u32 addr_off;		/* address in the IA Address option */
	__u32 client_ok;	/* Client Identifier is this client's DUID-LL */
	__u32 error;		/* a Status Code other than Success, or a bad length */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct reply_options);
	__uint(max_entries, 1);
} gen6_walk SEC(".maps");

static __always_inline void count_add(__u32 idx, __u64 n)
{
	gen_count_add(&gen6_counters, idx, n);
}

/*
 * Write the per-client fields that a Solicit and a Request share: the
 * MAC, the source address, the DUID-LL and the message header.  Returns
 * the checksum words that they add.
 */
static __always_inline __u64 put_client_fields(__u8 *frame, __u32 idx_be, __u8 type, __u32 xid)
{
	__u32 header_be = bpf_htonl(((__u32)type << 24) | (xid & GEN6_XID_MASK));
	__u8 *msg = frame + GEN6_MSG_OFF;

	gen_put_mac(frame + ETH_ALEN, idx_be);
	__builtin_memcpy(frame + GEN6_IP6_OFF + GEN6_SRC_ADDR_OFF + GEN6_ADDR_INDEX_OFF,
			 &idx_be, 4);
	__builtin_memcpy(msg + GEN6_DUID_INDEX_OFF, &idx_be, 4);
	__builtin_memcpy(msg, &header_be, 4);
	return words32(header_be) + 2 * words32(idx_be);
}

/*
 * Turn the Solicit template that the frame contains (GEN6_SOLICIT_FRAME_LEN
 * bytes from frame) into the next client's Solicit in slot, record the
 * exchange, and return XDP_TX.
 */
static __always_inline int fill_solicit(__u8 *frame, __u32 slot)
{
	struct udphdr *udp;
	__u32 seq, idx, xid;
	__u64 sum, now = bpf_ktime_get_ns();

	/*
	 * Live-frames test runs and, in window mode, gen_client both start
	 * exchanges.  Both run with bottom halves off on the generator's
	 * core, so they do not interleave.  On other cores a rare lost
	 * increment gives two exchanges one xid, and the later one counts as
	 * stale.
	 */
	seq = next_seq++;
	idx = seq % n_clients;
	xid = (xid_base + seq) & GEN6_XID_MASK;
	sum = solicit_sum + put_client_fields(frame, bpf_htonl(idx), DHCP6_SOLICIT, xid);
	udp = (void *)(frame + GEN6_UDP_OFF);
	udp->check = udp_check(sum);

	gen_exchange_start(&gen6_clients, idx, xid, slot, now);
	count_add(GEN6_TX_SOLICIT, 1);
	return XDP_TX;
}

SEC("xdp")
int gen_solicit(struct xdp_md *ctx)
{
	__u32 slot = 0;
	__u8 *frame;

	if (!gen_slot_pop(&gen6_counters, GEN6_REFILL_EMPTY, GEN6_SLOT_STARTED, &slot))
		return XDP_DROP;
	if (gen_live_frame(ctx, solicit_frame, GEN6_SOLICIT_FRAME_LEN, &frame))
		return XDP_ABORTED;
	return fill_solicit(frame, slot);
}

/*
 * Window mode: turn the frame in ctx (a Reply, or a reflected Solicit)
 * into slot's next Solicit and return XDP_TX.  A frame that cannot take
 * the Solicit hands the slot back to the driver.
 */
static __always_inline int next_solicit(struct xdp_md *ctx, __u32 slot)
{
	__u8 *frame;

	if (gen_refit_frame(ctx, solicit_frame, GEN6_SOLICIT_FRAME_LEN, &frame))
		return gen_slot_give_back(&gen6_counters, GEN6_SLOT_REQUEUED, slot);
	return fill_solicit(frame, slot);
}

/*
 * The option walks read option headers with bpf_xdp_load_bytes rather
 * than through packet pointers, so that offsets from the packet never
 * take part in pointer arithmetic and need no checks against data_end.
 */

/* Load the option header at frame offset off; 0 on success. */
static __always_inline int load_option(struct xdp_md *ctx, __u32 off, __u32 *code, __u32 *len)
{
	__u8 header[4];

	if (bpf_xdp_load_bytes(ctx, off, header, sizeof(header)))
		return -1;
	*code = ((__u32)header[0] << 8) | header[1];
	*len = ((__u32)header[2] << 8) | header[3];
	return 0;
}

/* Status Code option at off with length len: 1 unless Success (0). */
static __always_inline int status_error(struct xdp_md *ctx, __u32 off, __u32 len)
{
	__u8 status[2];

	if (len < 2 || bpf_xdp_load_bytes(ctx, off + 4, status, sizeof(status)))
		return 1;
	return status[0] || status[1];
}

/* Walk the options of the IA_NA whose options span [off, end) of the frame. */
static __always_inline void walk_ia_na(struct xdp_md *ctx, __u32 off, __u32 end,
				       struct reply_options *found)
{
	__u32 code, len;
	int i;

	for (i = 0; i < GEN6_MAX_OPTIONS && off + 4 <= end; i++) {
		if (load_option(ctx, off, &code, &len) || off + 4 + len > end) {
			found->error = 1;
			return;
		}
		if (code == OPTION_IAADDR && len >= 24 && !found->addr_off)
			found->addr_off = off + 4;
		else if (code == OPTION_STATUS_CODE && status_error(ctx, off, len))
			found->error = 1;
		off += 4 + len;
	}
}

/* Client Identifier at off with length len: 1 when it is client idx's DUID-LL. */
static __always_inline int client_id_matches(struct xdp_md *ctx, __u32 off, __u32 len,
					     __u32 idx_be)
{
	__u8 duid[GEN6_CLIENT_ID_LEN];

	if (len != GEN6_CLIENT_ID_LEN || bpf_xdp_load_bytes(ctx, off + 4, duid, sizeof(duid)))
		return 0;
	return duid[0] == 0 && duid[1] == DUID_LL && duid[2] == 0 &&
	       duid[3] == HWTYPE_ETHERNET && duid[4] == GEN_MAC_PREFIX0 &&
	       duid[5] == GEN_MAC_PREFIX1 && !__builtin_memcmp(duid + 6, &idx_be, 4);
}

/* Walk the message's options (RFC 8415 section 21.1) and fill found. */
static __always_inline void walk_options(struct xdp_md *ctx, __u32 idx_be,
					 struct reply_options *found)
{
	__u32 end = ctx->data_end - ctx->data;
	__u32 off = GEN6_MSG_OFF + 4, code, len;
	int i;

	for (i = 0; i < GEN6_MAX_OPTIONS && off + 4 <= end; i++) {
		if (load_option(ctx, off, &code, &len) || off + 4 + len > end) {
			found->error = 1;
			break;
		}
		if (code == OPTION_CLIENTID)
			found->client_ok = client_id_matches(ctx, off, len, idx_be);
		else if (code == OPTION_SERVERID) {
			found->server_id_off = off;
			found->server_id_len = len;
		} else if (code == OPTION_IA_NA && !found->ia_off && len >= 12) {
			found->ia_off = off;
			found->ia_len = len;
		} else if (code == OPTION_STATUS_CODE && status_error(ctx, off, len))
			found->error = 1;
		off += 4 + len;
	}
	if (found->ia_off)
		walk_ia_na(ctx, found->ia_off + 16, found->ia_off + 4 + found->ia_len, found);
}

/*
 * Rewrite the Advertise in ctx into client idx's Request for the
 * offered address and return XDP_TX, or XDP_DROP when the frame cannot
 * be resized or the Server Identifier is not 3 to 130 bytes.
 */
static __always_inline int send_request(struct xdp_md *ctx, __u32 idx_be, __u32 xid,
					const struct reply_options *found)
{
	__u8 server_id[GEN6_SERVER_ID_BUF] = { 0 };
	__u32 addr[4], udp_len;
	__u64 option_len;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp;
	struct ipv6hdr *ip6;
	__u8 *frame;
	__u64 sum;
	int delta;

	/*
	 * The empty asm keeps the checked value in a register.  Otherwise the
	 * compiler passes the helpers a copy reloaded from the stack, whose
	 * bounds the verifier does not know.
	 */
	option_len = 4 + found->server_id_len;
	asm volatile("" : "+r"(option_len));
	if (option_len < 4 + GEN6_DUID_MIN || option_len > 4 + GEN6_DUID_MAX)
		goto failed;
	if (bpf_xdp_load_bytes(ctx, found->server_id_off, server_id, option_len) ||
	    bpf_xdp_load_bytes(ctx, found->addr_off, addr, sizeof(addr)))
		goto failed;

	delta = GEN6_REQUEST_FIXED_FRAME_LEN + (int)option_len - (int)(data_end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		goto failed;
	if (bpf_xdp_store_bytes(ctx, 0, (void *)request_frame, GEN6_REQUEST_FIXED_FRAME_LEN) ||
	    bpf_xdp_store_bytes(ctx, GEN6_REQUEST_FIXED_FRAME_LEN, server_id, option_len))
		goto failed;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	frame = data;
	if (data + GEN6_REQUEST_FIXED_FRAME_LEN > data_end)
		goto failed;

	udp_len = 8 + GEN6_REQUEST_FIXED_LEN + option_len;
	ip6 = (void *)(frame + GEN6_IP6_OFF);
	udp = (void *)(frame + GEN6_UDP_OFF);
	ip6->payload_len = bpf_htons(udp_len);
	udp->len = bpf_htons(udp_len);
	__builtin_memcpy(frame + GEN6_MSG_OFF + GEN6_REQ_ADDR_OFF, addr, sizeof(addr));

	/* The length counts twice: in the pseudo header and the UDP header. */
	sum = request_sum + put_client_fields(frame, idx_be, DHCP6_REQUEST,
					      xid ^ GEN6_REQUEST_XID_FLIP);
	sum += 2 * (__u64)bpf_htons(udp_len);
	sum += words32(addr[0]) + words32(addr[1]) + words32(addr[2]) + words32(addr[3]);
	sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)server_id, sizeof(server_id), 0);
	udp->check = udp_check(sum);
	count_add(GEN6_TX_REQUEST, 1);
	return XDP_TX;

failed:
	count_add(GEN6_REQUEST_FAILED, 1);
	return XDP_DROP;
}

/* Handle an Advertise or Reply to one of our clients' link-local addresses. */
static __always_inline int handle_reply(struct xdp_md *ctx, struct ipv6hdr *ip6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *msg = data + GEN6_MSG_OFF;
	struct reply_options *found;
	__u32 zero = 0;
	struct gen_client *client;
	__u32 idx_be, idx, xid;
	__u8 *dst = ip6->daddr.s6_addr;

	if ((void *)(msg + 4) > data_end)
		goto stale;
	if (dst[0] != 0xfe || dst[1] != 0x80 || dst[8] != GEN_MAC_PREFIX0 ||
	    dst[9] != GEN_MAC_PREFIX1)
		goto stale;
	__builtin_memcpy(&idx_be, dst + GEN6_ADDR_INDEX_OFF, 4);
	idx = bpf_ntohl(idx_be);
	if (idx >= n_clients)
		goto stale;
	client = bpf_map_lookup_elem(&gen6_clients, &idx);
	if (!client)
		goto stale;
	xid = ((__u32)msg[1] << 16) | ((__u32)msg[2] << 8) | msg[3];

	found = bpf_map_lookup_elem(&gen6_walk, &zero);
	if (!found)
		goto stale;
	__builtin_memset(found, 0, sizeof(*found));
	walk_options(ctx, idx_be, found);
	if (!found->client_ok)
		goto stale;

	if (msg[0] == DHCP6_ADVERTISE && xid == client->xid) {
		if (client->flags & GEN6_F_ADVERTISED) {
			count_add(GEN6_DUP_ADVERTISE, 1);
			return XDP_DROP;
		}
		client->flags |= GEN6_F_ADVERTISED;
		if (found->error || !found->addr_off || !found->server_id_off) {
			count_add(GEN6_NO_ADDRESS, 1);
			return XDP_DROP;
		}
		count_add(GEN6_RX_ADVERTISE, 1);
		if (window_mode)
			slot_touch(client->slot, xid, bpf_ktime_get_ns());
		return send_request(ctx, idx_be, xid, found);
	}
	if (msg[0] == DHCP6_REPLY && xid == (client->xid ^ GEN6_REQUEST_XID_FLIP)) {
		if (client->flags & GEN6_F_REPLIED) {
			count_add(GEN6_DUP_REPLY, 1);
			return XDP_DROP;
		}
		client->flags |= GEN6_F_REPLIED;
		if (found->error || !found->addr_off)
			count_add(GEN6_NO_ADDRESS, 1);
		else {
			count_add(GEN6_RX_REPLY, 1);
			count_add(GEN6_LATENCY_NS, bpf_ktime_get_ns() - client->sent_ns);
		}
		if (slot_goes_on(client->slot, client->xid))
			return next_solicit(ctx, client->slot);
		return XDP_DROP;
	}

stale:
	count_add(GEN6_STALE, 1);
	return XDP_DROP;
}

/*
 * Window mode: a reflected Solicit of a live slot starts the slot's next
 * one.  Its source address names the client.
 */
static __always_inline int reflected(struct xdp_md *ctx, struct ipv6hdr *ip6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *msg = data + GEN6_MSG_OFF;
	struct gen_client *client;
	__u32 idx_be, idx, xid;

	if ((void *)(msg + 4) > data_end)
		return XDP_DROP;
	__builtin_memcpy(&idx_be, ip6->saddr.s6_addr + GEN6_ADDR_INDEX_OFF, 4);
	idx = bpf_ntohl(idx_be);
	xid = ((__u32)msg[1] << 16) | ((__u32)msg[2] << 8) | msg[3];
	client = bpf_map_lookup_elem(&gen6_clients, &idx);
	if (client && client->xid == xid && slot_goes_on(client->slot, xid))
		return next_solicit(ctx, client->slot);
	return XDP_DROP;
}

SEC("xdp")
int gen_client(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip6->nexthdr != IPPROTO_UDP)
		goto other;

	if (udp->dest == bpf_htons(DHCP6_SERVER_PORT)) {
		count_add(GEN6_REFLECTED, 1);
		if (window_mode)
			return reflected(ctx, ip6);
		return XDP_DROP;
	}
	if (udp->dest != bpf_htons(DHCP6_CLIENT_PORT))
		goto other;
	return handle_reply(ctx, ip6);

other:
	count_add(GEN6_OTHER, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
