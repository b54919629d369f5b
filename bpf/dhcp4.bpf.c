// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * DHCPv4 fast path: answer DISCOVER and REQUEST from inventory devices
 * with XDP_TX, from the reply templates that rackbootd pre-encodes.
 *
 * Verdicts: XDP_TX for the OFFER, ACK or NAK built here; XDP_REDIRECT
 * for a reply to a relay agent that the routing table sends out of
 * another link; XDP_PASS for everything else, so that rackbootd's socket
 * sees it: other traffic, unknown devices, message types the fast path
 * does not handle, relayed requests it cannot settle, and malformed
 * messages (rackbootd logs and counts those).  XDP_DROP only for
 * requests of unknown devices over the rate of their link or relay
 * circuit (flood_admit(), relay_circuit_admit()).  Every verdict has a
 * per-CPU counter.
 *
 * UDP to the DNS port goes to the DNS fast path (dns.h), which answers
 * the queries that rackbootd pre-encoded.  Other UDP goes to the TFTP
 * data path (tftp.h), which sends DATA for the ACKs of transfers that
 * rackbootd recorded and passes the rest.
 *
 * A relayed request (giaddr set) sent to one of this host's addresses is
 * answered here for a device in rb_devices, found by chaddr or by a
 * reservation of its relay agent information (bpf/dhcp4_relay.h), when
 * the link address lies in the device's subnet.  The reply goes to
 * giaddr at the relay port, routed by bpf_fib_lookup(): XDP_TX when the
 * route leaves through the ingress link, XDP_REDIRECT otherwise, and
 * XDP_PASS when the kernel must resolve the next hop first.
 *
 * A DISCOVER from an unknown device on a link with a pool takes an
 * address that rackbootd lent to the pool's queue, and gets its OFFER
 * here like an inventory device (pool_bind()).  Its REQUEST then finds
 * the record.  An empty queue passes the DISCOVER up as before.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "rackboot/maps.h"
#include "rackboot/dhcp4_wire.h"
#include "csum.h"
#include "udp_frame.h"
#include "dhcp4_relay.h"

/* From <linux/socket.h>, which BPF programs cannot include. */
#define AF_INET		2

#define RB_DHCP4_TTL	64	/* IPv4 TTL of replies */

/* UDP ports; rackbootd sets them before load (tests use the defaults). */
const volatile __u16 dhcp4_server_port = 67;
const volatile __u16 dhcp4_client_port = 68;
const volatile __u16 dhcp4_relay_port = 67;	/* destination port at giaddr */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_DEVICES);
	__type(key, struct rb_mac_key);
	__type(value, struct rb_device);
} rb_devices SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RB_MAX_TEMPLATES);
	__type(key, __u32);
	__type(value, struct rb_dhcp4_template);
} rb_dhcp4_templates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct rb_iface);
} rb_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RB_XC_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} rb_xdp_counters SEC(".maps");

/* Lease events for rackbootd's store; pinned, so a restart drains the backlog. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RB_EVENTS_BYTES);
} rb_events SEC(".maps");

/*
 * Free pool addresses (__u32, network order) that rackbootd lent to XDP,
 * one queue per pool.  rb_iface.pool_id - 1 is the index.  rackbootd
 * creates the inner queues, records each address in its store before
 * pushing it, and drains the queues at start.
 */
struct rb_pool_queue {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, RB_POOL_QUEUE_MAX);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, RB_MAX_POOLS);
	__type(key, __u32);
	__array(values, struct rb_pool_queue);
} rb_pool_queues SEC(".maps");

/* The request copied out of the frame and the reply built for it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rb_dhcp4_work);
} rb_dhcp4_work SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&rb_xdp_counters, &idx);

	if (v)
		*v += 1;
}

static __always_inline int pass(__u32 idx)
{
	count(idx);
	return XDP_PASS;
}

static __always_inline __u32 malformed_counter(int err)
{
	switch (err) {
	case RB_D4_ESHORT:
		return RB_XC_MALFORMED_SHORT;
	case RB_D4_EOP:
		return RB_XC_MALFORMED_OP;
	case RB_D4_EHLEN:
		return RB_XC_MALFORMED_HLEN;
	case RB_D4_ECOOKIE:
		return RB_XC_MALFORMED_COOKIE;
	case RB_D4_EOPTION:
		return RB_XC_MALFORMED_OPTION;
	case RB_D4_ENOEND:
		return RB_XC_MALFORMED_NO_END;
	case RB_D4_ELONG:
		return RB_XC_PASS_TOO_LARGE;
	case RB_D4_ETOOMANY:
		return RB_XC_MALFORMED_TOO_MANY;
	default:
		return RB_XC_MALFORMED_BAD_LEN;
	}
}

/*
 * Return the packet's time, read on first use: the clock read took about
 * 30 ns on the EPYC VM it was timed on, and a repeated DISCOVER of a
 * known device needs none.
 */
static __always_inline __u64 clock_read(__u64 *now)
{
	if (*now == 0)
		*now = bpf_ktime_get_boot_ns();
	return *now;
}

static __always_inline void set_phase(struct rb_device *dev, __u32 phase, __u64 *now)
{
	if (phase >= RB_PHASE_COUNT)
		return;
	if (dev->phase_ns[phase] == 0)
		dev->phase_ns[phase] = clock_read(now);
	if (dev->phase < phase)
		dev->phase = phase;
}

/*
 * Rewrite the frame into the reply to *to: resize it, then write
 * Ethernet, IPv4 and UDP headers and copy the payload.  Returns 0 or -1.
 */
static __always_inline int write_reply(struct xdp_md *ctx, const struct rb_udp_reply *to,
				       struct rb_dhcp4_buf *reply, __u32 len)
{
	__u64 sum;

	if (len > RB_DHCP4_MAX_LEN)
		return -1;
	if (resize_frame_to(ctx, ETH_IP_UDP_LEN + len))
		return -1;

	/* rb_dhcp4_build() leaves zeros up to the next multiple of 4, as payload_sum() needs. */
	sum = payload_sum(reply->b, len);
	if (rb_udp4_headers(ctx, to, sizeof(struct udphdr) + len, 0, RB_DHCP4_TTL, sum))
		return -1;
	return rb_frame_store(ctx, ETH_IP_UDP_LEN, reply->b, len);
}

/*
 * Take one token from the link's unknown-device bucket.  Returns 1 when
 * the request may go up to rackbootd, 0 when it is over the rate.  The
 * bucket has room for unknown_burst requests and refills at unknown_rate
 * per second.  bucket_ns 0, as rackbootd writes it, means a full bucket.
 * elapsed * rate cannot overflow, because elapsed < full / rate.
 */
static __always_inline int flood_admit(struct rb_iface *iface, __u64 now)
{
	__u64 rate = iface->unknown_rate, full, refill_ns, tokens, elapsed;
	int admit = 0;

	if (rate == 0)
		return 1;
	full = (__u64)iface->unknown_burst * RB_TOKEN_UNIT;
	refill_ns = full / rate;	/* an empty bucket is full again after this */

	bpf_spin_lock(&iface->lock);
	elapsed = now - iface->bucket_ns;
	if (iface->bucket_ns == 0 || now < iface->bucket_ns || elapsed >= refill_ns)
		tokens = full;
	else
		tokens = iface->bucket_tokens + elapsed * rate;
	if (tokens > full)
		tokens = full;
	if (tokens >= RB_TOKEN_UNIT) {
		tokens -= RB_TOKEN_UNIT;
		admit = 1;
	}
	iface->bucket_tokens = tokens;
	iface->bucket_ns = now;
	bpf_spin_unlock(&iface->lock);
	return admit;
}

/*
 * Tell rackbootd about a reply the store must keep.  A full ring loses
 * the event, not the lease: the device record holds it too, and
 * rackbootd reconciles the store with rb_devices when it starts.
 */
static __always_inline int emit_event(__u16 type, const struct rb_device *dev,
				      const struct rb_mac_key *key, __u32 lease_time, __u64 now)
{
	struct rb_event ev = {
		.type = type,
		.ipv4 = dev->ipv4,
		.lease_time = lease_time,
		.ns = now,
		.template_id = dev->template_id,
	};

	/*
	 * No wake-up: one per event would cost this core more than the
	 * event, and rackbootd drains the ring on a timer.
	 */
	__builtin_memcpy(ev.mac, key->addr, ETH_ALEN);
	if (bpf_ringbuf_output(&rb_events, &ev, sizeof(ev), BPF_RB_NO_WAKEUP)) {
		count(RB_XC_EVENT_LOST);
		return -1;
	}
	return 0;
}

/*
 * Put the ACK just sent to dev in the journal, unless the device's last
 * journaled ACK is for the same address and younger than the journal
 * lag (RB_JOURNAL_LAG_DIV in rackboot/maps.h).
 */
static __always_inline void journal_ack(struct rb_device *dev, const struct rb_mac_key *key,
					__u32 lease_time, __u64 now)
{
	if (dev->journal_ipv4 == dev->ipv4 && rb_journal_fresh(dev->journal_ns, now, lease_time)) {
		count(RB_XC_JOURNAL_SKIPPED);
		return;
	}
	if (emit_event(RB_EV_DHCP4_LEASE, dev, key, lease_time, now) == 0) {
		dev->journal_ns = now;
		dev->journal_ipv4 = dev->ipv4;
	}
}

/* Copy the option 97 UUID of the request into the device record. */
static __always_inline void record_uuid(struct rb_device *dev, const struct rb_dhcp4_work *w)
{
	int i;

	for (i = 0; i < RB_UUID_LEN; i++)
		dev->uuid[i] = w->in.b[rb_idx(w->req.uuid_off + i)];
	dev->has_uuid = 1;
}

/*
 * Bind a lent address of pool pool_id to the unknown device key: pop
 * it from the queue and add the device record with BPF_NOEXIST, built in
 * w->dev, a per-CPU buffer, because the stack has no room for it.  When
 * another CPU added the record first, the address goes back to the queue
 * and that record is used.  Returns the record, or NULL with *counter
 * set to the pass counter.
 */
static __always_inline struct rb_device *pool_bind(__u32 pool_id, __u32 pool_template,
						   const struct rb_mac_key *key,
						   struct rb_dhcp4_work *w, __u64 now, __u32 *counter)
{
	__u32 slot = pool_id - 1, addr;
	void *queue;
	long err;

	*counter = RB_XC_PASS_POOL_EMPTY;
	queue = bpf_map_lookup_elem(&rb_pool_queues, &slot);
	if (!queue || bpf_map_pop_elem(queue, &addr))
		return NULL;

	__builtin_memset(&w->dev, 0, sizeof(w->dev));
	w->dev.ipv4 = addr;
	w->dev.template_id = pool_template;
	w->dev.client_arch = RB_ARCH_ANY;
	err = bpf_map_update_elem(&rb_devices, key, &w->dev, BPF_NOEXIST);
	if (err) {
		/* The store still lists a lost address as lent, so no restart hands it out twice. */
		if (bpf_map_push_elem(queue, &addr, 0))
			count(RB_XC_POOL_LOST);
		if (err != -EEXIST) {
			*counter = RB_XC_PASS_TX_FAILED;
			return NULL;
		}
		count(RB_XC_POOL_RACE);
		*counter = RB_XC_PASS_UNKNOWN_MAC;
		return bpf_map_lookup_elem(&rb_devices, key);
	}

	emit_event(RB_EV_DHCP4_BIND, &w->dev, key, 0, now);
	count(RB_XC_POOL_BIND);
	*counter = RB_XC_PASS_UNKNOWN_MAC;
	return bpf_map_lookup_elem(&rb_devices, key);
}

/*
 * Find the record of an unknown device: admitted by the link's flood
 * bucket, a DISCOVER binds a pool address.  Returns the record, or NULL
 * with *verdict set (XDP_DROP over the rate, else XDP_PASS, counted).
 */
static __always_inline struct rb_device *unknown_device(struct rb_iface *iface,
							const struct rb_mac_key *key,
							struct rb_dhcp4_work *w, __u64 now,
							int *verdict)
{
	struct rb_device *dev;
	__u32 counter = RB_XC_PASS_UNKNOWN_MAC;

	if (!flood_admit(iface, now)) {
		count(RB_XC_DROP_FLOOD);
		*verdict = XDP_DROP;
		return NULL;
	}
	*verdict = XDP_PASS;
	if (w->req.msg_type != RB_DHCPDISCOVER || iface->pool_id == 0 ||
	    iface->pool_id > RB_MAX_POOLS) {
		count(RB_XC_PASS_UNKNOWN_MAC);
		return NULL;
	}

	dev = pool_bind(iface->pool_id, iface->pool_template, key, w, now, &counter);
	if (!dev)
		count(counter);
	return dev;
}

/* Copy the progress, architecture and UUID that the request shows into the device record. */
static __always_inline void note_request(struct rb_device *dev, const struct rb_dhcp4_work *w,
					 __u64 *now)
{
	if (w->req.msg_type == RB_DHCPDISCOVER)
		set_phase(dev, RB_PHASE_DISCOVERED, now);
	if (w->req.has_client_arch)
		dev->client_arch = w->req.client_arch;
	if (w->req.has_uuid)
		record_uuid(dev, w);
}

/*
 * Decide and build the reply to a request from the device dev into
 * w->out, for a link of mtu (0: the client's maximum alone).  Returns
 * the message length and sets *type, or -1 with *counter set to the
 * pass counter.
 */
static __always_inline int build_reply(struct rb_dhcp4_work *w, const struct rb_device *dev,
				       const struct rb_dhcp4_template *tmpl, __u32 mtu,
				       int *type, __u32 *counter)
{
	int len;

	*type = rb_dhcp4_decide(&w->req, dev, tmpl);
	if (*type == RB_D4_V_IGNORE) {
		*counter = w->req.msg_type == RB_DHCPREQUEST ? RB_XC_PASS_OTHER_SERVER
							     : RB_XC_PASS_MSG_TYPE;
		return -1;
	}

	__builtin_memcpy(&w->dev, dev, sizeof(w->dev));
	w->args.reply_type = *type;
	w->args.mtu = mtu;
	w->args.bootfile = rb_dhcp4_pick_bootfile(w, tmpl);
	len = rb_dhcp4_build(w, tmpl);
	if (len == RB_D4_BUILD_PASS_UP) {
		*counter = RB_XC_PASS_SLOW_REPLY;
		return -1;
	}
	if (len < 0) {
		*counter = RB_XC_PASS_TX_FAILED;
		return -1;
	}
	return len;
}

/* Update the record of the device key after its reply of type left, and count it. */
static __always_inline void reply_sent(struct rb_device *dev, const struct rb_mac_key *key,
				       const struct rb_dhcp4_template *tmpl, int type, __u64 *now)
{
	if (type == RB_DHCPOFFER) {
		set_phase(dev, RB_PHASE_OFFERED, now);
		count(RB_XC_TX_OFFER);
	} else if (type == RB_DHCPACK) {
		set_phase(dev, RB_PHASE_LEASED, now);
		dev->lease_ns = clock_read(now);
		journal_ack(dev, key, tmpl->lease_time, *now);
		count(RB_XC_TX_ACK);
	} else {
		count(RB_XC_TX_NAK);
	}
	dev->from_xdp = 1;
	__sync_fetch_and_add(&dev->xdp_replies, 1);
}

/*
 * Answer a parsed request from a device on the link, or pass it up.  Not
 * inlined, so that its stack frame and relayed()'s are never both on
 * the stack under the codec's calls: the verifier limits a call chain's
 * stack to 512 bytes.
 */
static __noinline int answer(struct xdp_md *ctx, struct rb_iface *iface,
				  struct rb_dhcp4_work *w)
{
	struct rb_dhcp4_template *tmpl;
	struct rb_mac_key key = {};
	struct rb_udp_reply to;	/* every field of the IPv4 reply is set before use */
	struct rb_device *dev;
	__u64 now = 0;
	__u32 counter;
	int type, len, broadcast, verdict;

	__builtin_memcpy(key.addr, w->req.chaddr, ETH_ALEN);
	dev = bpf_map_lookup_elem(&rb_devices, &key);
	if (!dev) {
		dev = unknown_device(iface, &key, w, clock_read(&now), &verdict);
		if (!dev)
			return verdict;
	}
	note_request(dev, w, &now);

	tmpl = bpf_map_lookup_elem(&rb_dhcp4_templates, &dev->template_id);
	if (!tmpl || tmpl->server_id == 0)
		return pass(RB_XC_PASS_NO_TEMPLATE);
	len = build_reply(w, dev, tmpl, iface->mtu, &type, &counter);
	if (len < 0)
		return pass(counter);

	to.v4.saddr = tmpl->server_id;
	to.v4.daddr = rb_dhcp4_destination(&w->req, type, dev->ipv4, &broadcast);
	to.source = bpf_htons(dhcp4_server_port);
	to.dest = bpf_htons(dhcp4_client_port);
	if (broadcast)
		__builtin_memset(to.h_dest, 0xff, ETH_ALEN);
	else
		__builtin_memcpy(to.h_dest, w->req.chaddr, ETH_ALEN);
	__builtin_memcpy(to.h_source, iface->mac, ETH_ALEN);
	if (write_reply(ctx, &to, &w->out, len))
		return pass(RB_XC_PASS_TX_FAILED);

	reply_sent(dev, &key, tmpl, type, &now);
	return XDP_TX;
}

/* The pass counter of a bpf_fib_lookup() result other than success. */
static __always_inline __u32 fib_counter(long ret)
{
	switch (ret) {
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return RB_XC_PASS_FIB_NO_NEIGH;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return RB_XC_PASS_FIB_FWD_DISABLED;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		return RB_XC_PASS_FIB_FRAG_NEEDED;
	default:
		return RB_XC_PASS_FIB_OTHER;
	}
}

/*
 * Check that the request was sent to an address of this host, as
 * rackbootd's socket would receive it.  The lookup is made as if the
 * frame were to be forwarded: the kernel reports a local destination as
 * not forwarded (BPF_FIB_LKUP_RET_NOT_FWDED).  Returns 0, or the pass
 * counter.
 * NOTE: the kernel (6.18) reports a destination without any route as
 * not forwarded too, so such a request is answered here although the
 * kernel would drop it.
 */
static __always_inline __u32 relay_check_local(struct xdp_md *ctx, __u32 saddr, __u32 daddr)
{
	struct bpf_fib_lookup fib = {};
	long ret;

	fib.family = AF_INET;
	fib.l4_protocol = IPPROTO_UDP;
	fib.ipv4_src = saddr;
	fib.ipv4_dst = daddr;
	fib.ifindex = ctx->ingress_ifindex;
	ret = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (ret == BPF_FIB_LKUP_RET_NOT_FWDED)
		return 0;
	if (ret == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return RB_XC_PASS_FIB_FWD_DISABLED;
	return RB_XC_PASS_RELAY_NOT_LOCAL;
}

/*
 * Route the reply of len bytes to the relay agent at giaddr, from the
 * server identifier, and fill to with the addresses of its frame.  The
 * lookup is made from the ingress link, as for a forwarded packet.  When
 * the kernel has no neighbour entry for a relay agent on the ingress link
 * that sent the request itself (IP source giaddr), the reply goes to the
 * request's source MAC: the agent's own, so nothing waits for ARP.
 * Returns the egress ifindex, or 0 with *counter set to the pass counter.
 */
static __always_inline __u32 relay_route(struct xdp_md *ctx, const struct rb_iface *iface,
					 const struct rb_dhcp4_template *tmpl, __u32 saddr,
					 __u32 giaddr, __u32 len, struct rb_udp_reply *to,
					 __u32 *counter)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bpf_fib_lookup fib = {};
	long ret;

	fib.family = AF_INET;
	fib.l4_protocol = IPPROTO_UDP;
	fib.sport = bpf_htons(dhcp4_server_port);
	fib.dport = bpf_htons(dhcp4_relay_port);
	fib.tot_len = sizeof(struct iphdr) + sizeof(struct udphdr) + len;
	fib.ipv4_src = tmpl->server_id;
	fib.ipv4_dst = giaddr;
	fib.ifindex = ctx->ingress_ifindex;
	ret = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (ret == BPF_FIB_LKUP_RET_NO_NEIGH && fib.ifindex == ctx->ingress_ifindex &&
	    saddr == giaddr && (void *)(eth + 1) <= data_end) {
		__builtin_memcpy(to->h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(to->h_source, iface->mac, ETH_ALEN);
		count(RB_XC_TX_RELAY_NO_NEIGH);
	} else if (ret != BPF_FIB_LKUP_RET_SUCCESS) {
		*counter = fib_counter(ret);
		return 0;
	} else {
		__builtin_memcpy(to->h_dest, fib.dmac, ETH_ALEN);
		__builtin_memcpy(to->h_source, fib.smac, ETH_ALEN);
	}

	to->v4.saddr = tmpl->server_id;
	to->v4.daddr = giaddr;
	to->source = bpf_htons(dhcp4_server_port);
	to->dest = bpf_htons(dhcp4_relay_port);
	return fib.ifindex;
}

static __always_inline int same_mac(const struct rb_mac_key *a, const struct rb_mac_key *b)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		if (a->addr[i] != b->addr[i])
			return 0;
	}
	return 1;
}

/*
 * Find the record that serves a relayed request and its key, in
 * rackbootd's order.  chaddr's record wins when chaddr is in the
 * inventory.  Else the device that a reservation of the relay agent
 * information selects wins, and else chaddr's record (a pool device's).
 * Returns the record, or NULL with *counter set (0: unknown device).
 */
static __always_inline struct rb_device *relay_device(struct rb_dhcp4_work *w,
						      const struct relay_ids *ids,
						      struct rb_mac_key *key, __u32 *counter)
{
	struct rb_mac_key reserved = {};
	struct rb_device *dev;
	int match = MATCH_NONE;

	*counter = 0;
	__builtin_memcpy(key->addr, w->req.chaddr, ETH_ALEN);
	dev = bpf_map_lookup_elem(&rb_devices, key);
	if (dev && dev->inventory)
		return dev;
	if (ids->circuit_len || ids->remote_len)
		match = relay_reservation(w, ids, &reserved);
	if (match == MATCH_AMBIGUOUS) {
		*counter = RB_XC_PASS_RELAY_AMBIGUOUS;
		return NULL;
	}
	if (match == MATCH_NONE || same_mac(&reserved, key))
		return dev;

	*key = reserved;
	dev = bpf_map_lookup_elem(&rb_devices, key);
	if (!dev)
		*counter = RB_XC_PASS_UNKNOWN_MAC;
	return dev;
}

/*
 * Limit a relayed request from an unknown device: first by its relay
 * circuit's bucket, then by the link's.  Returns XDP_DROP, counted, or
 * XDP_PASS for the caller to go on with.
 */
static __always_inline int relay_unknown(struct rb_iface *iface, const struct rb_dhcp4_work *w,
					 const struct relay_ids *ids, __u64 now)
{
	struct rb_relay_key circuit = {};

	relay_circuit_key(w, ids, &circuit);
	if (!relay_circuit_admit(iface, &circuit, now)) {
		count(RB_XC_DROP_RELAY_CIRCUIT);
		return XDP_DROP;
	}
	if (!flood_admit(iface, now)) {
		count(RB_XC_DROP_FLOOD);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/*
 * Bind a pool address to a relayed unknown device whose DISCOVER comes
 * from a link with a pool in rb_relay_pools.  Returns the record, or
 * NULL with *counter set to the pass counter.
 */
static __always_inline struct rb_device *relay_pool_bind(struct rb_dhcp4_work *w,
							 const struct relay_ids *ids,
							 const struct rb_mac_key *key, __u64 now,
							 __u32 *counter)
{
	struct rb_relay_pool_key link = { .prefixlen = 32 };
	struct rb_relay_pool *pool;

	*counter = RB_XC_PASS_UNKNOWN_MAC;
	if (w->req.msg_type != RB_DHCPDISCOVER)
		return NULL;
	link.addr = relay_link_address(w, ids);
	pool = bpf_map_lookup_elem(&rb_relay_pools, &link);
	if (!pool || pool->pool_id == 0 || pool->pool_id > RB_MAX_POOLS)
		return NULL;
	return pool_bind(pool->pool_id, pool->pool_template, key, w, now, counter);
}

/*
 * Answer a relayed DISCOVER or REQUEST (RFC 2131 section 4.1) as
 * rackbootd would: same record, subnet check and reply bytes, and a NAK
 * with the broadcast bit, so that the relay agent broadcasts it.  The
 * reply keeps giaddr and flags, echoes option 82 last, and is sized by
 * the client's maximum alone, because the link to the client is not
 * this host's.  Returns the verdict, counted.
 */
static __noinline int relayed(struct xdp_md *ctx, struct rb_iface *iface,
			      struct rb_dhcp4_work *w, __u32 saddr, __u32 daddr)
{
	struct relay_ids ids = {};
	struct rb_dhcp4_template *tmpl;
	struct rb_mac_key key = {};
	struct rb_udp_reply to;	/* every field of the IPv4 reply is set before use */
	struct rb_device *dev;
	__u64 now = 0;
	__u32 counter, link, egress;
	int type, len;

	if (w->req.msg_type != RB_DHCPDISCOVER && w->req.msg_type != RB_DHCPREQUEST)
		return pass(RB_XC_PASS_RELAYED);
	counter = relay_check_local(ctx, saddr, daddr);
	if (counter)
		return pass(counter);

	relay_ids_parse(w, &ids);
	dev = relay_device(w, &ids, &key, &counter);
	if (!dev) {
		if (counter)
			return pass(counter);
		if (relay_unknown(iface, w, &ids, clock_read(&now)) == XDP_DROP)
			return XDP_DROP;
		dev = relay_pool_bind(w, &ids, &key, now, &counter);
		if (!dev)
			return pass(counter);
	}

	tmpl = bpf_map_lookup_elem(&rb_dhcp4_templates, &dev->template_id);
	if (!tmpl || tmpl->server_id == 0)
		return pass(RB_XC_PASS_NO_TEMPLATE);
	link = relay_link_address(w, &ids);
	if (!relay_template_has_addr(tmpl, link) || !relay_template_has_addr(tmpl, dev->ipv4))
		return pass(RB_XC_PASS_RELAY_LINK);

	len = build_reply(w, dev, tmpl, 0, &type, &counter);
	if (len < 0)
		return pass(counter);
	if (type == RB_DHCPNAK)
		w->out.b[RB_BOOTP_FLAGS] |= RB_BOOTP_BROADCAST >> 8;
	egress = relay_route(ctx, iface, tmpl, saddr, w->req.giaddr, len, &to, &counter);
	if (!egress)
		return pass(counter);
	if (write_reply(ctx, &to, &w->out, len))
		return pass(RB_XC_PASS_TX_FAILED);

	note_request(dev, w, &now);
	reply_sent(dev, &key, tmpl, type, &now);
	if (egress == ctx->ingress_ifindex) {
		count(RB_XC_TX_RELAY);
		return XDP_TX;
	}
	/*
	 * NOTE: the counter records the verdict only.  A target that cannot
	 * send XDP frames drops them (tracepoint xdp:xdp_redirect_err): a
	 * veth delivers them only when its peer runs an XDP program.
	 */
	count(RB_XC_REDIRECT_RELAY);
	return bpf_redirect(egress, 0);
}

#include "tftp.h"
#include "dns.h"
#include "ipv6.h"

SEC("xdp")
int rb_dhcp4_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct rb_dhcp4_work *w;
	struct rb_iface *iface;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 zero = 0, udp_len, dhcp_len, saddr, daddr;
	int err;

	count(RB_XC_RX);

	if ((void *)(eth + 1) > data_end)
		return pass(RB_XC_PASS_NOT_DHCP);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return rb_ipv6_xdp(ctx);

	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return pass(RB_XC_PASS_NOT_DHCP);
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return pass(RB_XC_PASS_NOT_DHCP);

	/* Options or fragments would move or split the UDP header. */
	if (ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff))) {
		if (ip->ihl == 5)
			return pass(RB_XC_PASS_IP_OPTIONS);
		return pass(RB_XC_PASS_NOT_DHCP);
	}
	if (dns_port && udp->dest == bpf_htons(dns_port))
		return rb_dns_ipv4(ctx);
	/* Other UDP: an ACK of a TFTP transfer in rb_tftp_xfers, or not ours. */
	if (udp->dest != bpf_htons(dhcp4_server_port))
		return rb_tftp_ipv4(ctx);
	saddr = ip->saddr;
	daddr = ip->daddr;

	/* A relayed request may arrive on a link without a subnet of its own. */
	iface = bpf_map_lookup_elem(&rb_ifaces, &ifindex);
	if (!iface)
		return pass(RB_XC_PASS_IFACE_OFF);

	udp_len = bpf_ntohs(udp->len);
	if (udp_len < sizeof(*udp) || (void *)udp + udp_len > data_end)
		return pass(RB_XC_MALFORMED_UDP);
	dhcp_len = udp_len - sizeof(*udp);
	if (dhcp_len > RB_DHCP4_MAX_LEN)
		return pass(RB_XC_PASS_TOO_LARGE);

	w = bpf_map_lookup_elem(&rb_dhcp4_work, &zero);
	if (!w)
		return pass(RB_XC_PASS_TX_FAILED);
	if (dhcp_len == 0 || bpf_xdp_load_bytes(ctx, ETH_IP_UDP_LEN, w->in.b, dhcp_len))
		return pass(RB_XC_MALFORMED_SHORT);

	err = rb_dhcp4_parse(w, dhcp_len);
	if (err != RB_D4_OK)
		return pass(malformed_counter(err));

	if (w->req.htype != 1 || w->req.hlen != ETH_ALEN)
		return pass(RB_XC_MALFORMED_HLEN);
	if (w->req.has_overload || w->req.msg_type == 0)
		return pass(RB_XC_PASS_MSG_TYPE);
	if (w->req.giaddr)
		return relayed(ctx, iface, w, saddr, daddr);
	if (!iface->enabled)
		return pass(RB_XC_PASS_IFACE_OFF);

	return answer(ctx, iface, w);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
