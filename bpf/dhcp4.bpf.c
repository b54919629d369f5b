// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * DHCPv4 fast path: answer DISCOVER and REQUEST from inventory devices
 * with XDP_TX, from the reply templates that rackbootd pre-encodes.
 *
 * Verdicts: XDP_TX for the OFFER, ACK or NAK built here; XDP_PASS for
 * everything else, so that rackbootd's socket sees it: other traffic,
 * unknown devices, relayed requests, message types the fast path does not
 * handle, and malformed messages (rackbootd logs and counts those).
 * XDP_DROP only for requests of unknown devices over the link's rate
 * (flood_admit()).  Every verdict has a per-CPU counter.
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

#define ETH_IP_UDP_LEN	(sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))

/* UDP ports; rackbootd sets them before load (tests use the defaults). */
const volatile __u16 dhcp4_server_port = 67;
const volatile __u16 dhcp4_client_port = 68;

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

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * Sum the reply payload for the UDP checksum.  bpf_csum_diff() takes at
 * most 512 bytes in multiples of 4: rb_dhcp4_build() leaves zeros after
 * the message up to the next multiple of 4, and the sum goes in 512-byte
 * slices.
 */
static __always_inline __u64 payload_sum(struct rb_dhcp4_buf *reply, __u32 len)
{
	__u64 rounded = (len + 3) & ~3ULL;
	__u64 sum = 0, off, chunk;
	int i;

	for (i = 0; i < 3; i++) {
		off = i * 512;
		if (off >= rounded)
			break;
		chunk = rounded - off;
		if (chunk > 512)
			chunk = 512;
		sum = bpf_csum_diff(0, 0, (__be32 *)&reply->b[off], chunk, sum);
	}
	return sum;
}

static __always_inline void set_phase(struct rb_device *dev, __u32 phase, __u64 now)
{
	if (phase >= RB_PHASE_COUNT)
		return;
	if (dev->phase_ns[phase] == 0)
		dev->phase_ns[phase] = now;
	if (dev->phase < phase)
		dev->phase = phase;
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

	if (delta <= 0)
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
 * Rewrite the frame into the reply: resize it, then write Ethernet, IPv4
 * and UDP headers and copy the payload.  Returns 0 or -1.
 */
static __always_inline int write_reply(struct xdp_md *ctx, const struct rb_iface *iface,
				       const struct rb_dhcp4_request *req,
				       struct rb_dhcp4_buf *reply, __u32 len,
				       __u32 saddr, __u32 daddr, int broadcast)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__u64 sum, copy;
	int delta;

	if (len > RB_DHCP4_MAX_LEN)
		return -1;
	delta = (int)(ETH_IP_UDP_LEN + len) - (int)bpf_xdp_get_buff_len(ctx);
	if (resize_frame(ctx, delta))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;

	if (broadcast)
		__builtin_memset(eth->h_dest, 0xff, ETH_ALEN);
	else
		__builtin_memcpy(eth->h_dest, req->chaddr, ETH_ALEN);
	__builtin_memcpy(eth->h_source, iface->mac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(sizeof(*ip) + sizeof(*udp) + len);
	ip->id = 0;
	ip->frag_off = 0;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->check = 0;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = csum_fold(bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0));

	udp->source = bpf_htons(dhcp4_server_port);
	udp->dest = bpf_htons(dhcp4_client_port);
	udp->len = bpf_htons(sizeof(*udp) + len);
	udp->check = 0;

	/* UDP checksum: pseudo header, UDP header, payload (RFC 768). */
	sum = payload_sum(reply, len);
	sum += (saddr & 0xffff) + (saddr >> 16) + (daddr & 0xffff) + (daddr >> 16);
	sum += bpf_htons(IPPROTO_UDP) + udp->len;
	sum += udp->source + udp->dest + udp->len;
	udp->check = csum_fold(sum);
	if (udp->check == 0)
		udp->check = 0xffff;

	/*
	 * clang drops a plain mask it can prove redundant, and the verifier
	 * lost the bound of the spilled len: apply the mask in asm.
	 */
	copy = len;
	asm volatile("%0 &= 0x7ff" : "+r"(copy));
	if (copy == 0)
		return -1;
	if (bpf_xdp_store_bytes(ctx, ETH_IP_UDP_LEN, reply->b, copy))
		return -1;
	return 0;
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
static __always_inline void emit_event(__u16 type, const struct rb_device *dev,
				       const struct rb_mac_key *key, __u32 lease_time, __u64 now)
{
	struct rb_event ev = {
		.type = type,
		.ipv4 = dev->ipv4,
		.lease_time = lease_time,
		.ns = now,
		.template_id = dev->template_id,
	};

	__builtin_memcpy(ev.mac, key->addr, ETH_ALEN);
	if (bpf_ringbuf_output(&rb_events, &ev, sizeof(ev), 0))
		count(RB_XC_EVENT_LOST);
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
 * Bind a lent address of the link's pool to the unknown device key: pop
 * it from the queue and add the device record with BPF_NOEXIST, built in
 * w->dev, a per-CPU buffer, because the stack has no room for it.  When
 * another CPU added the record first, the address goes back to the queue
 * and that record is used.  Returns the record, or NULL with *counter
 * set to the pass counter.
 */
static __always_inline struct rb_device *pool_bind(const struct rb_iface *iface,
						   const struct rb_mac_key *key,
						   struct rb_dhcp4_work *w, __u64 now, __u32 *counter)
{
	__u32 slot = iface->pool_id - 1, addr;
	void *queue;
	long err;

	*counter = RB_XC_PASS_POOL_EMPTY;
	queue = bpf_map_lookup_elem(&rb_pool_queues, &slot);
	if (!queue || bpf_map_pop_elem(queue, &addr))
		return NULL;

	__builtin_memset(&w->dev, 0, sizeof(w->dev));
	w->dev.ipv4 = addr;
	w->dev.template_id = iface->pool_template;
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

	dev = pool_bind(iface, key, w, now, &counter);
	if (!dev)
		count(counter);
	return dev;
}

/* Answer a parsed request from a known device, or pass it up. */
static __always_inline int answer(struct xdp_md *ctx, struct rb_iface *iface,
				  struct rb_dhcp4_work *w)
{
	struct rb_dhcp4_template *tmpl;
	struct rb_mac_key key = {};
	struct rb_device *dev;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 daddr;
	int type, len, broadcast, verdict;

	__builtin_memcpy(key.addr, w->req.chaddr, ETH_ALEN);
	dev = bpf_map_lookup_elem(&rb_devices, &key);
	if (!dev) {
		dev = unknown_device(iface, &key, w, now, &verdict);
		if (!dev)
			return verdict;
	}

	if (w->req.msg_type == RB_DHCPDISCOVER)
		set_phase(dev, RB_PHASE_DISCOVERED, now);
	if (w->req.has_client_arch)
		dev->client_arch = w->req.client_arch;
	if (w->req.has_uuid)
		record_uuid(dev, w);

	tmpl = bpf_map_lookup_elem(&rb_dhcp4_templates, &dev->template_id);
	if (!tmpl || tmpl->server_id == 0)
		return pass(RB_XC_PASS_NO_TEMPLATE);

	type = rb_dhcp4_decide(&w->req, dev, tmpl);
	if (type == RB_D4_V_IGNORE)
		return pass(w->req.msg_type == RB_DHCPREQUEST ? RB_XC_PASS_OTHER_SERVER
							      : RB_XC_PASS_MSG_TYPE);

	__builtin_memcpy(&w->dev, dev, sizeof(w->dev));
	w->args.reply_type = type;
	w->args.mtu = iface->mtu;
	w->args.bootfile = rb_dhcp4_pick_bootfile(w, tmpl);
	len = rb_dhcp4_build(w, tmpl);
	if (len < 0)
		return pass(RB_XC_PASS_TX_FAILED);

	daddr = rb_dhcp4_destination(&w->req, type, dev->ipv4, &broadcast);
	if (write_reply(ctx, iface, &w->req, &w->out, len, tmpl->server_id, daddr, broadcast))
		return pass(RB_XC_PASS_TX_FAILED);

	if (type == RB_DHCPOFFER) {
		set_phase(dev, RB_PHASE_OFFERED, now);
		count(RB_XC_TX_OFFER);
	} else if (type == RB_DHCPACK) {
		set_phase(dev, RB_PHASE_LEASED, now);
		dev->lease_ns = now;
		emit_event(RB_EV_DHCP4_LEASE, dev, &key, tmpl->lease_time, now);
		count(RB_XC_TX_ACK);
	} else {
		count(RB_XC_TX_NAK);
	}
	dev->from_xdp = 1;
	__sync_fetch_and_add(&dev->xdp_replies, 1);
	return XDP_TX;
}

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
	__u32 zero = 0, udp_len, dhcp_len;
	int err;

	count(RB_XC_RX);

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
	if (udp->dest != bpf_htons(dhcp4_server_port))
		return pass(RB_XC_PASS_NOT_DHCP);

	iface = bpf_map_lookup_elem(&rb_ifaces, &ifindex);
	if (!iface || !iface->enabled)
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

	if (w->req.giaddr)
		return pass(RB_XC_PASS_RELAYED);
	if (w->req.htype != 1 || w->req.hlen != ETH_ALEN)
		return pass(RB_XC_MALFORMED_HLEN);
	if (w->req.has_overload || w->req.msg_type == 0)
		return pass(RB_XC_PASS_MSG_TYPE);

	return answer(ctx, iface, w);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
