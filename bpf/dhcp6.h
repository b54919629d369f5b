/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * DHCPv6 handler of the XDP program: reply to inventory devices, found by
 * their client DUID in rb_devices6 or by the MAC in a DUID-LLT or
 * DUID-LL (dhcp6_find_device()), with XDP_TX from the templates that
 * rackbootd pre-encodes (rackboot/dhcp6_reply.h):
 * - a Solicit with Rapid Commit, on a subnet that allows it, gets a
 *   Reply with Rapid Commit (RFC 8415 section 18.3.1);
 * - any other Solicit gets an Advertise without it (18.3.1);
 * - a Request or Renew naming this server gets a Reply (18.3.2, 18.3.4).
 * So the whole Solicit, Advertise, Request, Reply exchange of a known
 * device stays in XDP.  The reply goes from the interface's link-local
 * address (rb_ifaces6) to the client's link-local source address at the
 * client port.  Each Reply puts an RB_EV_DHCP6_LEASE record (struct
 * rb_event6) in rb_events, from which rackbootd writes the store.
 *
 * XDP replies to a device only on the link of its subnet6
 * (rb_device6.ifindex), as the userspace slow path does.  On another
 * link, or when its subnet6 is served only behind relays, the request
 * passes to rackbootd.
 *
 * Messages from unknown DUIDs take a token from the link's unknown-device
 * bucket in rb_ifaces, the one that DHCPv4 unknowns use (flood_admit()),
 * and are dropped over the rate.  Everything else passes to rackbootd,
 * with a counter each: relayed messages, unknown DUIDs under the rate,
 * other message types, requests naming another server or other
 * addresses, and malformed messages.
 *
 * Included by ipv6.h, after count(), pass(), clock_read(), set_phase() and
 * flood_admit() of dhcp4.bpf.c.
 */
#ifndef RB_BPF_DHCP6_H
#define RB_BPF_DHCP6_H

#include "rackboot/dhcp6_wire.h"
#include "csum.h"
#include "udp_frame.h"

/* UDP ports; rackbootd sets them before load, clients on the server port - 1. */
const volatile __u16 dhcp6_server_port = 547;
const volatile __u16 dhcp6_client_port = 546;

#define RB_DHCP6_HOP_LIMIT	64	/* hop limit of replies */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_DEVICES6);
	__type(key, struct rb_duid_key);
	__type(value, struct rb_device6);
} rb_devices6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RB_MAX_TEMPLATES);
	__type(key, __u32);
	__type(value, struct rb_dhcp6_template);
} rb_dhcp6_templates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct rb_iface6);
} rb_ifaces6 SEC(".maps");

/* The request copied out of the frame and the reply built for it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rb_dhcp6_work);
} rb_dhcp6_work SEC(".maps");

static __always_inline __u32 dhcp6_malformed_counter(int err)
{
	switch (err) {
	case RB_D6_ESHORT:
		return RB_XC_MALFORMED_DHCP6_SHORT;
	case RB_D6_ELONG:
		return RB_XC_PASS_DHCP6_TOO_LARGE;
	case RB_D6_EMSGTYPE:
		return RB_XC_MALFORMED_DHCP6_MSG_TYPE;
	case RB_D6_ERELAYED:
		return RB_XC_PASS_DHCP6_RELAYED;
	case RB_D6_EOPTION:
		return RB_XC_MALFORMED_DHCP6_OPTION;
	case RB_D6_EDUID:
		return RB_XC_MALFORMED_DHCP6_DUID;
	case RB_D6_EDUPLICATE:
		return RB_XC_MALFORMED_DHCP6_DUPLICATE;
	case RB_D6_ETOOMANY:
		return RB_XC_MALFORMED_DHCP6_TOO_MANY;
	default:
		return RB_XC_MALFORMED_DHCP6_BAD_LEN;
	}
}

static __always_inline __u32 dhcp6_verdict_counter(int verdict)
{
	switch (verdict) {
	case RB_D6_V_PASS_OTHER_SERVER:
		return RB_XC_PASS_DHCP6_OTHER_SERVER;
	case RB_D6_V_PASS_SLOW:
		return RB_XC_PASS_DHCP6_SLOW;
	default:
		return RB_XC_PASS_DHCP6_MSG_TYPE;
	}
}

/*
 * Rewrite the frame into the reply to *to: resize it, write Ethernet,
 * IPv6 and UDP headers, copy the payload and set the UDP checksum, which
 * IPv6 requires (RFC 8200 section 8.1).  Returns 0, -1 when the frame
 * cannot grow to the reply's size, or -2 on another failure.
 */
static __always_inline int dhcp6_write_reply(struct xdp_md *ctx, const struct rb_udp_reply *to,
					     struct rb_dhcp6_buf *reply, __u32 len)
{
	__u64 sum;

	if (len > RB_DHCP6_MAX_LEN)
		return -2;
	if (resize_frame_to(ctx, RB_ETH_IP6_UDP_LEN + len))
		return -1;

	/* rb_dhcp6_build() leaves 8 zero bytes after the message, as payload_sum() needs. */
	sum = payload_sum(reply->b, len);
	if (rb_udp6_headers(ctx, to, sizeof(struct udphdr) + len, RB_DHCP6_HOP_LIMIT, sum))
		return -2;
	return rb_frame_store(ctx, RB_ETH_IP6_UDP_LEN, reply->b, len) ? -2 : 0;
}

/*
 * Tell rackbootd about the Reply that bound dev->addr to the client key
 * and the request's first IA_NA.  The record is written in place with
 * bpf_ringbuf_reserve(), because at 192 bytes it would crowd the stack.
 * A full ring loses the lease from the store until the client's next
 * Renew: unlike rb_devices, rb_devices6 keeps no IAID to reconcile from.
 */
static __always_inline int emit_event6(const struct rb_device6 *dev, const struct rb_duid_key *key,
				       const struct rb_dhcp6_work *w, __u64 now)
{
	struct rb_event6 *ev;

	/* No wake-up, as in emit_event(): rackbootd drains the ring on a timer. */
	ev = bpf_ringbuf_reserve(&rb_events, sizeof(*ev), 0);
	if (!ev) {
		count(RB_XC_EVENT6_LOST);
		return -1;
	}
	ev->type = RB_EV_DHCP6_LEASE;
	ev->duid_len = key->len;
	ev->has_mac = dev->has_mac;
	__builtin_memcpy(ev->iaid, w->req.ia[0].iaid, sizeof(ev->iaid));
	__builtin_memcpy(ev->addr, dev->addr, sizeof(ev->addr));
	__builtin_memcpy(ev->mac, dev->mac, sizeof(ev->mac));
	__builtin_memset(ev->pad, 0, sizeof(ev->pad));
	ev->template_id = dev->template_id;
	ev->preferred_lifetime = w->args.preferred_lifetime;
	ev->valid_lifetime = w->args.valid_lifetime;
	ev->pad2 = 0;
	ev->ns = now;
	__builtin_memcpy(ev->duid, key->duid, sizeof(ev->duid));
	__builtin_memset(ev->pad3, 0, sizeof(ev->pad3));
	bpf_ringbuf_submit(ev, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * Put the Reply just sent to dev in the journal, unless the device's
 * last journaled Reply is younger than the journal lag of the valid
 * lifetime (RB_JOURNAL_LAG_DIV) and was for the same IAID and DUID.  The
 * DUID is compared by length and first 8 bytes, which tell apart the
 * DUIDs that one record serves: its configured DUID, or the DUID-LL and
 * the DUID-LLTs (with their times) of its MAC.
 */
static __always_inline void journal_reply6(struct rb_device6 *dev, const struct rb_duid_key *key,
					   const struct rb_dhcp6_work *w, __u64 now)
{
	__u64 head, journal_head;
	__u32 iaid, journal_iaid;

	/* Copies, because clang turns an 8-byte memcmp into a call that BPF lacks. */
	__builtin_memcpy(&head, key->duid, 8);
	__builtin_memcpy(&journal_head, dev->journal_duid_head, 8);
	__builtin_memcpy(&iaid, w->req.ia[0].iaid, 4);
	__builtin_memcpy(&journal_iaid, dev->journal_iaid, 4);
	if (rb_journal_fresh(dev->journal_ns, now, w->args.valid_lifetime) &&
	    dev->journal_duid_len == key->len && journal_iaid == iaid && journal_head == head) {
		count(RB_XC_JOURNAL6_SKIPPED);
		return;
	}
	if (emit_event6(dev, key, w, now))
		return;
	dev->journal_ns = now;
	dev->journal_duid_len = key->len;
	__builtin_memcpy(dev->journal_iaid, w->req.ia[0].iaid, 4);
	__builtin_memcpy(dev->journal_duid_head, key->duid, 8);
}

/*
 * Record the Advertise or Reply sent to dev: its counters, and for a
 * Reply its lease time and lease event.  The device's rb_devices record
 * gets its reply counter and a phase, OFFERED for an Advertise and
 * LEASED for a Reply, as DHCPv4's OFFER and ACK set them.
 */
static __always_inline void dhcp6_reply_sent(struct rb_device6 *dev, const struct rb_duid_key *key,
					     const struct rb_dhcp6_work *w)
{
	struct rb_mac_key mac = {};
	struct rb_device *rec;
	__u32 phase = RB_PHASE_OFFERED;
	__u64 now = 0;

	__sync_fetch_and_add(&dev->xdp_replies, 1);
	if (w->args.reply_type == RB_D6_REPLY) {
		phase = RB_PHASE_LEASED;
		dev->lease_ns = clock_read(&now);
		journal_reply6(dev, key, w, now);
		count(RB_XC_TX_DHCP6_REPLY);
	} else {
		count(RB_XC_TX_DHCP6_ADVERTISE);
	}
	if (!dev->has_mac)
		return;

	__builtin_memcpy(mac.addr, dev->mac, ETH_ALEN);
	rec = bpf_map_lookup_elem(&rb_devices, &mac);
	if (!rec)
		return;
	set_phase(rec, phase, &now);
	rec->from_xdp = 1;
	__sync_fetch_and_add(&rec->xdp_replies, 1);
}

/*
 * Copy the DHCPv6 message of the frame into w->in.  Returns 0, or the
 * counter of the reason the frame passes.
 */
static __always_inline __u32 dhcp6_load(struct xdp_md *ctx, struct rb_dhcp6_work *w, __u32 *len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct udphdr *udp = (void *)(ip6 + 1);
	__u32 udp_len, payload_len;
	__u64 copy;

	if ((void *)(udp + 1) > data_end)
		return RB_XC_MALFORMED_DHCP6_UDP;
	udp_len = bpf_ntohs(udp->len);
	payload_len = bpf_ntohs(ip6->payload_len);
	if (udp_len < sizeof(*udp) || udp_len > payload_len ||
	    RB_ETH_IP6_UDP_LEN - sizeof(*udp) + udp_len > (__u64)(data_end - data))
		return RB_XC_MALFORMED_DHCP6_UDP;
	*len = udp_len - sizeof(*udp);
	if (*len > RB_DHCP6_MAX_LEN)
		return RB_XC_PASS_DHCP6_TOO_LARGE;
	if (*len < RB_DHCP6_HDR_LEN)
		return RB_XC_MALFORMED_DHCP6_SHORT;

	copy = *len;
	asm volatile("%0 &= 0x7ff" : "+r"(copy));
	if (copy == 0 || bpf_xdp_load_bytes(ctx, RB_ETH_IP6_UDP_LEN, w->in.b, copy))
		return RB_XC_MALFORMED_DHCP6_SHORT;
	return 0;
}

/*
 * Find the rb_devices6 record of the request's client, with key set to
 * the client DUID on entry and again on return, because the lease event
 * carries that DUID.  The exact DUID wins.  Else a DUID-LLT or DUID-LL
 * of an Ethernet MAC finds the record keyed by the DUID-LL of that MAC,
 * since the inventory cannot know the time in a DUID-LLT.  That record
 * must have RB_D6_DEV_F_MAC_KEY: a device with a configured DUID is
 * found by that DUID only, as in the userspace slow path.
 */
static __always_inline struct rb_device6 *dhcp6_find_device(const struct rb_dhcp6_work *w,
							     struct rb_duid_key *key)
{
	struct rb_device6 *dev;

	dev = bpf_map_lookup_elem(&rb_devices6, key);
	if (dev)
		return dev;
	if (rb_dhcp6_client_mac_key(w, key))
		return NULL;

	dev = bpf_map_lookup_elem(&rb_devices6, key);
	if (rb_dhcp6_client_key(w, key) || !dev)
		return NULL;
	if (dev->flags & RB_D6_DEV_F_MAC_KEY)
		return dev;
	return NULL;
}

/*
 * Limit a message that goes up because its client DUID is unknown: it
 * takes a token from the DHCPv4 unknown-device bucket of the link, so
 * unknown clients of both protocols share one budget per link.  A link
 * without an rb_ifaces entry has no limit.  Returns XDP_DROP, counted,
 * or XDP_PASS, counted as an unknown DUID.
 *
 * NOTE: a Relay-forward passes before its client DUID is known
 * (pass_dhcp6_relayed), so relayed unknown clients are not limited here.
 */
static __always_inline int dhcp6_unknown(__u32 ifindex)
{
	struct rb_iface *link = bpf_map_lookup_elem(&rb_ifaces, &ifindex);
	__u64 now = 0;

	if (link && !flood_admit(link, clock_read(&now))) {
		count(RB_XC_DROP_DHCP6_FLOOD);
		return XDP_DROP;
	}
	return pass(RB_XC_PASS_DHCP6_UNKNOWN_DUID);
}

/* Check for a link-local unicast address, fe80::/10. */
static __always_inline int dhcp6_is_link_local(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xfe && (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

static __noinline int rb_dhcp6_request(struct xdp_md *ctx)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	struct rb_dhcp6_template *tmpl;
	struct rb_dhcp6_work *w;
	struct rb_device6 *dev;
	struct rb_iface6 *iface;
	struct rb_duid_key key;
	struct rb_udp_reply to = {};
	__u32 ifindex, zero = 0, len = 0, counter;
	int err, verdict;

	if (!ctx)
		return XDP_PASS;
	ifindex = ctx->ingress_ifindex;
	iface = bpf_map_lookup_elem(&rb_ifaces6, &ifindex);
	if (!iface || !iface->enabled)
		return pass(RB_XC_PASS_DHCP6_IFACE_OFF);

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return pass(RB_XC_MALFORMED_DHCP6_UDP);
	if (!dhcp6_is_link_local(&ip6->saddr))
		return pass(RB_XC_PASS_DHCP6_NOT_LINK_LOCAL);
	__builtin_memcpy(to.h_dest, eth->h_source, ETH_ALEN);
	to.v6.daddr = ip6->saddr;

	w = bpf_map_lookup_elem(&rb_dhcp6_work, &zero);
	if (!w)
		return pass(RB_XC_PASS_TX_FAILED);
	counter = dhcp6_load(ctx, w, &len);
	if (counter)
		return pass(counter);
	err = rb_dhcp6_parse(w, len);
	if (err != RB_D6_OK)
		return pass(dhcp6_malformed_counter(err));

	if (rb_dhcp6_client_key(w, &key))
		return dhcp6_unknown(ifindex);
	dev = dhcp6_find_device(w, &key);
	if (!dev)
		return dhcp6_unknown(ifindex);
	if (dev->ifindex == 0 || dev->ifindex != ifindex)
		return pass(RB_XC_PASS_DHCP6_WRONG_LINK);
	tmpl = bpf_map_lookup_elem(&rb_dhcp6_templates, &dev->template_id);
	if (!tmpl || tmpl->server_duid_len == 0)
		return pass(RB_XC_PASS_DHCP6_NO_TEMPLATE);

	verdict = rb_dhcp6_fast_prepare(w, tmpl, dev);
	if (verdict != RB_D6_V_REPLY)
		return pass(dhcp6_verdict_counter(verdict));
	err = rb_dhcp6_build(w, tmpl);
	if (err < 0 || w->args.dropped)
		return pass(RB_XC_PASS_DHCP6_TOO_LARGE);

	__builtin_memcpy(to.h_source, iface->mac, ETH_ALEN);
	__builtin_memcpy(&to.v6.saddr, iface->link_local, sizeof(to.v6.saddr));
	to.source = bpf_htons(dhcp6_server_port);
	to.dest = bpf_htons(dhcp6_client_port);
	err = dhcp6_write_reply(ctx, &to, &w->out, (__u32)err);
	if (err == -1)
		return pass(RB_XC_PASS_DHCP6_NO_ROOM);
	if (err)
		return pass(RB_XC_PASS_TX_FAILED);

	dhcp6_reply_sent(dev, &key, w);
	return XDP_TX;
}

#endif
