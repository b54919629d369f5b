// SPDX-License-Identifier: MIT
/*
 * Pre-encoded responses for the DNS fast path in XDP: encode, and write
 * them into the rb_dns_answers map.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dns/dns_xdp.h"

/* Types pre-encoded for every name: the ones the zone holds, and those resolvers ask for. */
static const uint16_t xdp_types[] = {
	RB_DNS_A, RB_DNS_NS, RB_DNS_CNAME, RB_DNS_SOA, RB_DNS_PTR, RB_DNS_TXT,
	RB_DNS_AAAA, RB_DNS_SRV, 15 /* MX */, 64 /* SVCB */, 65 /* HTTPS */,
};
#define XDP_TYPES_N	(sizeof(xdp_types) / sizeof(xdp_types[0]))

/* Response buffer: the longest question and tail fit with room to spare, so nothing is cut. */
#define ENCODE_MAX	(RB_DNS_HEADER_LEN + RB_DNS_NAME_MAX + 4 + 4 * RB_DNS_XDP_TAIL_MAX)

/*
 * Ones' complement sum of len bytes that sit at offset of the DNS
 * message, in 16-bit words as the CPU loads them: the sum that
 * bpf_csum_diff() in XDP adds to.
 */
static uint32_t sum_at(const uint8_t *bytes, size_t len, size_t offset)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++) {
		uint16_t word = 0;

		memcpy((uint8_t *)&word + ((offset + i) & 1), &bytes[i], 1);
		sum += word;
	}
	return sum;
}

bool rb_dns_xdp_entry(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		      const uint8_t *name, size_t name_len, uint16_t qtype, struct rb_dns_key *key,
		      struct rb_dns_answer *val)
{
	struct rb_dns_query q = { .has_question = true, .qtype = qtype,
				  .qclass = RB_DNS_CLASS_IN, .has_edns = true,
				  .edns_udp_size = UINT16_MAX };
	struct rb_dns_result res;
	uint8_t out[ENCODE_MAX];
	size_t n, hq = RB_DNS_HEADER_LEN + name_len + 4, tail;
	bool truncated;

	if (name_len == 0 || name_len > RB_DNS_XDP_NAME_MAX)
		return false;
	memcpy(q.qname, name, name_len);
	q.qname_len = name_len;
	rb_dns_resolve(z, name, name_len, qtype, &res);
	if (!res.in_zone || res.cut)
		return false;

	/* The OPT record goes last, so the tail without EDNS is this one less its last 11 bytes. */
	n = rb_dns_encode(z, s, &q, &res, out, sizeof(out), &truncated);
	if (truncated || n < hq + RB_DNS_XDP_OPT_LEN)
		return false;
	tail = n - hq;
	if (tail > RB_DNS_XDP_TAIL_MAX)
		return false;

	memset(key, 0, sizeof(*key));
	memcpy(key->name, name, name_len);
	key->name_len = (uint8_t)name_len;
	key->qtype = qtype;

	memset(val, 0, sizeof(*val));
	val->flags = (uint16_t)(out[2] << 8 | out[3]);
	val->ancount = (uint16_t)(out[6] << 8 | out[7]);
	val->nscount = (uint16_t)(out[8] << 8 | out[9]);
	val->arcount = (uint16_t)((out[10] << 8 | out[11]) - 1);
	val->len = (uint16_t)tail;
	val->edns_udp_size = s->edns_udp_size < RB_DNS_UDP_MIN ? RB_DNS_UDP_MIN : s->edns_udp_size;
	memcpy(val->tail, out + hq, tail);
	val->sum = sum_at(val->tail, tail - RB_DNS_XDP_OPT_LEN, hq);
	val->opt_sum = sum_at(val->tail + tail - RB_DNS_XDP_OPT_LEN, RB_DNS_XDP_OPT_LEN,
			      hq + tail - RB_DNS_XDP_OPT_LEN);
	return true;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rb_dns_key));
}

/* Write the entries of z; *keys receives the sorted keys written. */
static int write_entries(int map_fd, const struct rb_dns_zone *z, const struct rb_dns_settings *s,
			 struct rb_dns_key *keys, size_t *n_keys, struct rb_dns_xdp_summary *sum)
{
	struct rb_dns_answer *val = malloc(sizeof(*val));
	bool full_logged = false;

	if (!val)
		return -ENOMEM;
	for (size_t i = 0; i < z->n_nodes; i++) {
		const struct rb_dns_node *node = &z->nodes[i];

		for (size_t t = 0; t < XDP_TYPES_N; t++) {
			struct rb_dns_key *key = &keys[*n_keys];

			/* The map is full at this count, so the rest goes to the socket. */
			if (*n_keys == RB_DNS_XDP_ENTRIES) {
				sum->left_out++;
				continue;
			}
			if (!rb_dns_xdp_entry(z, s, rb_dns_zone_bytes(z, node->name), node->name_len,
					      xdp_types[t], key, val)) {
				sum->left_out++;
				continue;
			}
			if (bpf_map_update_elem(map_fd, key, val, BPF_ANY)) {
				if (!full_logged)
					log_warn("dns: writing a response to the XDP map rb_dns_answers "
						 "failed: %s; the names left out are answered by "
						 "rackbootd's socket", strerror(errno));
				full_logged = true;
				sum->left_out++;
				continue;
			}
			(*n_keys)++;
			sum->written++;
		}
	}
	free(val);
	qsort(keys, *n_keys, sizeof(*keys), key_cmp);
	return 0;
}

/* Delete the map's entries that are not among keys (sorted). */
static int remove_stale(int map_fd, const struct rb_dns_key *keys, size_t n_keys,
			struct rb_dns_xdp_summary *sum)
{
	struct rb_dns_key cur, next, *stale = NULL;
	size_t n_stale = 0, cap = 0;
	void *prev = NULL;

	/* Collect first: deleting while walking would restart the walk. */
	while (bpf_map_get_next_key(map_fd, prev, &next) == 0) {
		cur = next;
		prev = &cur;
		if (bsearch(&cur, keys, n_keys, sizeof(*keys), key_cmp))
			continue;
		if (n_stale == cap) {
			struct rb_dns_key *grown;

			cap = cap ? cap * 2 : 256;
			grown = realloc(stale, cap * sizeof(*stale));
			if (!grown) {
				free(stale);
				return -ENOMEM;
			}
			stale = grown;
		}
		stale[n_stale++] = cur;
	}
	for (size_t i = 0; i < n_stale; i++) {
		if (bpf_map_delete_elem(map_fd, &stale[i]) == 0)
			sum->removed++;
	}
	free(stale);
	return 0;
}

/*
 * NOTE: every call rewrites every entry (a few syscalls per name), also
 * when a lease changed one name only.  Stale entries are deleted last.
 * So a map near RB_DNS_XDP_ENTRIES can reject new entries that the
 * deletions would have made room for, and those names go to the socket
 * until the next fill.
 */
int rb_dns_xdp_fill(int map_fd, const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		    struct rb_dns_xdp_summary *summary)
{
	struct rb_dns_key *keys = calloc(RB_DNS_XDP_ENTRIES, sizeof(*keys));
	size_t n_keys = 0;
	int err;

	memset(summary, 0, sizeof(*summary));
	if (!keys) {
		log_err("dns: no memory for the keys of %zu names for XDP", z->n_nodes);
		return -ENOMEM;
	}
	err = write_entries(map_fd, z, s, keys, &n_keys, summary);
	if (!err)
		err = remove_stale(map_fd, keys, n_keys, summary);
	if (err)
		log_err("dns: filling the XDP map rb_dns_answers failed: %s; queries that find "
			"no entry go to rackbootd's socket", strerror(-err));
	free(keys);
	return err;
}
