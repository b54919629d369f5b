/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Relayed requests in the DHCPv4 XDP program: the relay agent
 * information of option 82 (RFC 3046), the reservation it selects, the
 * link address that selects the subnet, and the per-circuit bucket for
 * unknown devices.  Included by dhcp4.bpf.c only; each step decides as
 * rackbootd's slow path does, or reports that XDP cannot decide.
 */
#ifndef RB_BPF_DHCP4_RELAY_H
#define RB_BPF_DHCP4_RELAY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "rackboot/maps.h"
#include "rackboot/dhcp4_wire.h"

/* Maximum sub-options walked: each takes at least 2 of option 82's 255 bytes. */
#define RB_RELAY_SUBOPTIONS_MAX	128

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RB_MAX_RELAY_RESERVATIONS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rb_relay_key);
	__type(value, struct rb_relay_reservation);
} rb_relay_reservations SEC(".maps");

/* Subnets whose pools serve relayed unknown devices, by the relay's link address. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, RB_MAX_POOLS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rb_relay_pool_key);
	__type(value, struct rb_relay_pool);
} rb_relay_pools SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RB_MAX_RELAY_CIRCUITS);
	__type(key, struct rb_relay_key);
	__type(value, struct rb_relay_bucket);
} rb_relay_buckets SEC(".maps");

/*
 * The sub-options of the request's option 82 that XDP uses, each the
 * first of its code, as rackbootd's rb_dhcp4_relay_suboption() finds
 * them: the walk stops at a sub-option that runs past the option's end.
 */
struct relay_ids {
	__u16 circuit_off;	/* payload offset in the request */
	__u16 remote_off;
	__u8 circuit_len;	/* 0 = absent or empty */
	__u8 remote_len;
	__u8 seen;		/* RELAY_SEEN_* bits */
	__u8 has_link;		/* link_selection is set */
	__u32 link_selection;	/* sub-option 5 of length 4, network order */
};

#define RELAY_SEEN_CIRCUIT	0x01
#define RELAY_SEEN_REMOTE	0x02
#define RELAY_SEEN_LINK		0x04

/* The IDs that a reservation key was hashed over. */
enum relay_combo {
	COMBO_CIRCUIT = 1,
	COMBO_REMOTE = 2,
	COMBO_BOTH = 3,
};

/* Outcome of relay_reservation(). */
enum relay_match {
	MATCH_NONE = 0,		/* no reservation names the request's IDs */
	MATCH_FOUND,		/* one reservation, the most specific, matches */
	MATCH_AMBIGUOUS,	/* a tie or a hash collision: rackbootd decides */
};

/* Record sub-option code, len at off, the first of its code only. */
static __always_inline void relay_ids_note(struct relay_ids *ids, const struct rb_dhcp4_work *w,
					   __u32 code, __u32 off, __u32 len)
{
	if (code == RB_RELAY_CIRCUIT_ID && !(ids->seen & RELAY_SEEN_CIRCUIT)) {
		ids->seen |= RELAY_SEEN_CIRCUIT;
		ids->circuit_off = off;
		ids->circuit_len = len;
	} else if (code == RB_RELAY_REMOTE_ID && !(ids->seen & RELAY_SEEN_REMOTE)) {
		ids->seen |= RELAY_SEEN_REMOTE;
		ids->remote_off = off;
		ids->remote_len = len;
	} else if (code == RB_RELAY_LINK_SELECTION && !(ids->seen & RELAY_SEEN_LINK)) {
		ids->seen |= RELAY_SEEN_LINK;
		if (len == 4) {
			ids->link_selection = rb_dhcp4_get_addr(&w->in, off);
			ids->has_link = 1;
		}
	}
}

/* Fill ids from the request's option 82; all zero without one.  Returns 0. */
__noinline int relay_ids_parse(const struct rb_dhcp4_work *w, struct relay_ids *ids)
{
	__u32 pos, end, code, len, i;

	if (!w || !ids)
		return 0;
	__builtin_memset(ids, 0, sizeof(*ids));
	pos = w->req.relay_off;
	end = pos + w->req.relay_len;
	if (w->req.relay_len == 0 || end > RB_DHCP4_MAX_LEN)
		return 0;

	for (i = 0; i < RB_RELAY_SUBOPTIONS_MAX; i++) {
		if (pos + 2 > end)
			break;
		code = w->in.b[rb_idx(pos)];
		len = w->in.b[rb_idx(pos + 1)];
		if (pos + 2 + len > end)
			break;
		relay_ids_note(ids, w, code, pos + 2, len);
		pos += 2 + len;
	}
	return 0;
}

/*
 * Continue the FNV-1a hash h over sub-option code and len as
 * rb_relay_id_hash() does: code and length, then the len request
 * bytes at off.
 */
__noinline __u32 relay_hash(const struct rb_dhcp4_work *w, __u32 h, __u32 code, __u32 off, __u32 len)
{
	__u32 i;

	if (!w)
		return h;
	h = (h ^ (code & 0xff)) * RB_FNV1A_PRIME;
	h = (h ^ (len & 0xff)) * RB_FNV1A_PRIME;
	for (i = 0; i < 255; i++) {
		if (i >= len)
			break;
		h = (h ^ w->in.b[rb_idx(off + i)]) * RB_FNV1A_PRIME;
	}
	return h;
}

/* Check that the len request bytes at off equal the first len bytes of id. */
static __always_inline int relay_id_equal(const struct rb_dhcp4_work *w, __u32 off, __u32 len,
					  const __u8 *id)
{
	__u32 i;

	for (i = 0; i < RB_RELAY_ID_MAX; i++) {
		if (i >= len)
			break;
		if (w->in.b[rb_idx(off + i)] != id[i])
			return 0;
	}
	return 1;
}

/*
 * Check that the reservation res names exactly the IDs of combo, with
 * the request's bytes.  Returns 1 on a match, 0 for a reservation whose
 * key only collides with the request's.
 */
__noinline int relay_reservation_matches(const struct rb_dhcp4_work *w, const struct relay_ids *ids,
					 const struct rb_relay_reservation *res, __u32 combo)
{
	__u32 circuit_len, remote_len;

	if (!w || !ids || !res)
		return 0;
	circuit_len = combo & COMBO_CIRCUIT ? ids->circuit_len : 0;
	remote_len = combo & COMBO_REMOTE ? ids->remote_len : 0;
	if (res->circuit_id_len != circuit_len || res->remote_id_len != remote_len)
		return 0;
	if (circuit_len > RB_RELAY_ID_MAX || remote_len > RB_RELAY_ID_MAX)
		return 0;
	return relay_id_equal(w, ids->circuit_off, circuit_len, res->circuit_id) &&
	       relay_id_equal(w, ids->remote_off, remote_len, res->remote_id);
}

/*
 * The reservations that name one number of fields (relay agent address,
 * circuit-id, remote-id), probed together: rackbootd picks the
 * reservation that names the most fields, and two at one level are a
 * tie that only its config order settles.
 */
struct relay_level {
	__u32 matches;		/* reservations matching the request */
	__u32 collided;		/* a key hit whose IDs differ from the request's */
	struct rb_mac_key mac;	/* device of the last match */
};

static __always_inline void relay_probe(const struct rb_dhcp4_work *w, const struct relay_ids *ids,
					__u32 giaddr, __u32 hash, __u32 combo,
					struct relay_level *level)
{
	struct rb_relay_key key = { .giaddr = giaddr, .id_hash = hash };
	struct rb_relay_reservation *res;

	res = bpf_map_lookup_elem(&rb_relay_reservations, &key);
	if (!res)
		return;
	if (!relay_reservation_matches(w, ids, res, combo)) {
		level->collided = 1;
		return;
	}
	level->matches++;
	__builtin_memcpy(level->mac.addr, res->mac, sizeof(level->mac.addr));
}

/* Settle one level: sets *mac on a single match.  Returns enum relay_match. */
static __always_inline int relay_level_result(const struct relay_level *level,
					      struct rb_mac_key *mac)
{
	if (level->collided || level->matches > 1)
		return MATCH_AMBIGUOUS;
	if (level->matches == 0)
		return MATCH_NONE;
	*mac = level->mac;
	return MATCH_FOUND;
}

/*
 * Find the reservation that the request's relay agent information
 * selects, as rb_config_device_by_relay() does: every reservation whose
 * named fields all equal the request's matches, and the one naming the
 * most fields wins.  Probes the keys of the three fields (giaddr and
 * both IDs), of two, then of one.  Returns enum relay_match and sets
 * *mac to the device's inventory MAC on MATCH_FOUND.
 */
__noinline int relay_reservation(const struct rb_dhcp4_work *w, const struct relay_ids *ids,
				 struct rb_mac_key *mac)
{
	struct relay_level level = {};
	__u32 giaddr, h_circuit = 0, h_remote = 0, h_both = 0;
	int has_circuit, has_remote, result;

	if (!w || !ids || !mac)
		return MATCH_NONE;
	giaddr = w->req.giaddr;
	has_circuit = ids->circuit_len > 0;
	has_remote = ids->remote_len > 0;
	if (has_circuit)
		h_circuit = relay_hash(w, RB_FNV1A_BASIS, RB_RELAY_CIRCUIT_ID, ids->circuit_off,
				       ids->circuit_len);
	if (has_remote)
		h_remote = relay_hash(w, RB_FNV1A_BASIS, RB_RELAY_REMOTE_ID, ids->remote_off,
				      ids->remote_len);
	if (has_circuit && has_remote)
		h_both = relay_hash(w, h_circuit, RB_RELAY_REMOTE_ID, ids->remote_off,
				    ids->remote_len);

	/* Three fields. */
	if (has_circuit && has_remote)
		relay_probe(w, ids, giaddr, h_both, COMBO_BOTH, &level);
	result = relay_level_result(&level, mac);
	if (result != MATCH_NONE)
		return result;

	/* Two fields. */
	if (has_circuit)
		relay_probe(w, ids, giaddr, h_circuit, COMBO_CIRCUIT, &level);
	if (has_remote)
		relay_probe(w, ids, giaddr, h_remote, COMBO_REMOTE, &level);
	if (has_circuit && has_remote)
		relay_probe(w, ids, 0, h_both, COMBO_BOTH, &level);
	result = relay_level_result(&level, mac);
	if (result != MATCH_NONE)
		return result;

	/* One field: an ID from any relay agent. */
	if (has_circuit)
		relay_probe(w, ids, 0, h_circuit, COMBO_CIRCUIT, &level);
	if (has_remote)
		relay_probe(w, ids, 0, h_remote, COMBO_REMOTE, &level);
	return relay_level_result(&level, mac);
}

/* Key of the request's circuit bucket: giaddr and the hash of the circuit-id alone. */
static __always_inline void relay_circuit_key(const struct rb_dhcp4_work *w,
					      const struct relay_ids *ids, struct rb_relay_key *key)
{
	key->giaddr = w->req.giaddr;
	key->id_hash = RB_FNV1A_BASIS;
	if (ids->circuit_len)
		key->id_hash = relay_hash(w, RB_FNV1A_BASIS, RB_RELAY_CIRCUIT_ID, ids->circuit_off,
					  ids->circuit_len);
}

/*
 * Take one token from the bucket of the request's relay circuit, as
 * flood_admit() does for the link.  A circuit without a bucket gets a
 * full one.  Returns 1 when the request may go on, 0 over the rate.
 */
static __always_inline int relay_circuit_admit(const struct rb_iface *iface,
					       const struct rb_relay_key *key, __u64 now)
{
	__u64 rate = iface->circuit_rate, full, refill_ns, tokens, elapsed;
	struct rb_relay_bucket *bucket, fresh;

	if (rate == 0)
		return 1;
	full = (__u64)(iface->circuit_burst ? iface->circuit_burst : 1) * RB_TOKEN_UNIT;
	refill_ns = full / rate;	/* an empty bucket is full again after this */

	bucket = bpf_map_lookup_elem(&rb_relay_buckets, key);
	if (!bucket) {
		fresh.tokens = full - RB_TOKEN_UNIT;
		fresh.ns = now;
		bpf_map_update_elem(&rb_relay_buckets, key, &fresh, BPF_NOEXIST);
		return 1;
	}

	elapsed = now - bucket->ns;
	if (now < bucket->ns || elapsed >= refill_ns)
		tokens = full;
	else
		tokens = bucket->tokens + elapsed * rate;
	if (tokens > full)
		tokens = full;
	bucket->ns = now;
	if (tokens < RB_TOKEN_UNIT) {
		bucket->tokens = tokens;
		return 0;
	}
	bucket->tokens = tokens - RB_TOKEN_UNIT;
	return 1;
}

/*
 * Return the address that selects the subnet, as rb_dhcp4_link_address()
 * does: option 118, else the link selection sub-option, else giaddr.
 */
static __always_inline __u32 relay_link_address(const struct rb_dhcp4_work *w,
						const struct relay_ids *ids)
{
	if (w->req.has_subnet_selection)
		return w->req.subnet_selection;
	if (ids->has_link)
		return ids->link_selection;
	return w->req.giaddr;
}

/*
 * Check that addr lies in the subnet of tmpl: its server identifier
 * under the mask of its option 1, as rb_dhcp4_template_has_addr() does.
 * 0 when the template has no option 1.
 */
static __always_inline int relay_template_has_addr(const struct rb_dhcp4_template *tmpl, __u32 addr)
{
	__u32 off = tmpl->opt_off[RB_OPT_SUBNET_MASK], mask;
	__u8 *m = (__u8 *)&mask;

	if (off == 0 || off - 1 + 6 > RB_TMPL_OPTS_LEN || tmpl->opts[rb_tmpl_idx(off)] != 4)
		return 0;
	m[0] = tmpl->opts[rb_tmpl_idx(off + 1)];
	m[1] = tmpl->opts[rb_tmpl_idx(off + 2)];
	m[2] = tmpl->opts[rb_tmpl_idx(off + 3)];
	m[3] = tmpl->opts[rb_tmpl_idx(off + 4)];
	return (addr & mask) == (tmpl->server_id & mask);
}

#endif
