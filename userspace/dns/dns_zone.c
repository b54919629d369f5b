// SPDX-License-Identifier: MIT
/* The zones' hash table of owner names and their records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_wire.h"
#include "dns/dns_zone.h"

#define SLOTS_MIN	64

struct rb_dns_zone *rb_dns_zone_new(void)
{
	struct rb_dns_zone *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->slots = calloc(SLOTS_MIN, sizeof(*z->slots));
	if (!z->slots) {
		free(z);
		return NULL;
	}
	z->n_slots = SLOTS_MIN;
	return z;
}

void rb_dns_zone_free(struct rb_dns_zone *z)
{
	if (!z)
		return;
	free(z->nodes);
	free(z->rrs);
	free(z->data);
	free(z->slots);
	free(z);
}

/* Make room for n more elements of size each in *array of *cap. */
static int grow(void **array, size_t *cap, size_t used, size_t n, size_t size)
{
	size_t want = *cap ? *cap : 64;
	void *p;

	while (want < used + n)
		want *= 2;
	if (want == *cap)
		return 0;
	p = realloc(*array, want * size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = want;
	return 0;
}

/* Append bytes to the data; returns the offset or RB_DNS_NONE. */
static uint32_t add_data(struct rb_dns_zone *z, const uint8_t *bytes, size_t len)
{
	uint32_t off;

	if (z->data_len + len >= RB_DNS_NONE)
		return RB_DNS_NONE;
	if (grow((void **)&z->data, &z->cap_data, z->data_len, len, 1))
		return RB_DNS_NONE;
	off = (uint32_t)z->data_len;
	memcpy(z->data + off, bytes, len);
	z->data_len += len;
	return off;
}

static uint32_t slot_of(const struct rb_dns_zone *z, const uint8_t *name, size_t len,
			uint32_t hash)
{
	size_t mask = z->n_slots - 1, i = hash & mask;

	/* The table is never more than half full, so the probe ends. */
	for (;;) {
		uint32_t idx = z->slots[i];
		const struct rb_dns_node *node;

		if (idx == 0)
			return (uint32_t)i;
		node = &z->nodes[idx - 1];
		if (node->hash == hash &&
		    rb_dns_name_equal(z->data + node->name, node->name_len, name, len))
			return (uint32_t)i;
		i = (i + 1) & mask;
	}
}

static int rehash(struct rb_dns_zone *z)
{
	size_t n = z->n_slots * 2;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	free(z->slots);
	z->slots = slots;
	z->n_slots = n;
	for (size_t i = 0; i < z->n_nodes; i++) {
		const struct rb_dns_node *node = &z->nodes[i];

		z->slots[slot_of(z, z->data + node->name, node->name_len, node->hash)] =
			(uint32_t)i + 1;
	}
	return 0;
}

const struct rb_dns_node *rb_dns_zone_find(const struct rb_dns_zone *z, const uint8_t *name,
					   size_t len)
{
	uint32_t idx = z->slots[slot_of(z, name, len, rb_dns_name_hash(name, len))];

	return idx ? &z->nodes[idx - 1] : NULL;
}

const struct rb_dns_node *rb_dns_zone_apex_of(const struct rb_dns_zone *z, const uint8_t *name,
					      size_t len)
{
	for (size_t s = 0; s < len; s += 1 + (size_t)name[s]) {
		const struct rb_dns_node *node = rb_dns_zone_find(z, name + s, len - s);

		if (node)
			return &z->nodes[node->apex_node];
		if (name[s] == 0)
			break;
	}
	return NULL;
}

/* Find or create the node of name in the zone of apex_node.  Returns its index or -errno. */
static int node_get(struct rb_dns_zone *z, const uint8_t *name, size_t len, uint32_t apex_node)
{
	uint8_t lower[RB_DNS_NAME_MAX];
	uint32_t hash = rb_dns_name_hash(name, len), slot;
	struct rb_dns_node *node;
	uint32_t name_off;

	slot = slot_of(z, name, len, hash);
	if (z->slots[slot])
		return (int)z->slots[slot] - 1;
	if (grow((void **)&z->nodes, &z->cap_nodes, z->n_nodes, 1, sizeof(*z->nodes)))
		return -ENOMEM;
	rb_dns_name_lower(lower, name, len);
	name_off = add_data(z, lower, len);
	if (name_off == RB_DNS_NONE)
		return -ENOMEM;

	node = &z->nodes[z->n_nodes];
	*node = (struct rb_dns_node){
		.name = name_off,
		.name_len = (uint8_t)len,
		.hash = hash,
		.first_rr = RB_DNS_NONE,
		.apex_node = apex_node == RB_DNS_NONE ? (uint32_t)z->n_nodes : apex_node,
	};
	z->slots[slot] = (uint32_t)++z->n_nodes;
	if (z->n_nodes * 2 > z->n_slots && rehash(z))
		return -ENOMEM;
	return (int)z->n_nodes - 1;
}

int rb_dns_zone_add_apex(struct rb_dns_zone *z, const uint8_t *name, size_t len)
{
	const struct rb_dns_node *found = rb_dns_zone_find(z, name, len);
	int idx;

	if (found && found->apex)
		return -EEXIST;
	/* NOTE: a zone nested inside another one added before is not split off from it. */
	idx = node_get(z, name, len, RB_DNS_NONE);
	if (idx < 0)
		return idx;
	z->nodes[idx].apex = true;
	z->nodes[idx].apex_node = (uint32_t)idx;
	return idx;
}

/* Create the empty non-terminals between owner and its apex, and the owner. */
static int owner_get(struct rb_dns_zone *z, const uint8_t *owner, size_t len)
{
	const struct rb_dns_node *apex = rb_dns_zone_apex_of(z, owner, len);
	uint32_t apex_idx;
	size_t apex_len;
	int idx = 0;

	if (!apex)
		return -ERANGE;
	/* node_get() may move z->nodes, so keep the index and length, not the pointer. */
	apex_idx = (uint32_t)(apex - z->nodes);
	apex_len = apex->name_len;
	for (size_t s = 0; s + apex_len < len; s += 1 + (size_t)owner[s]) {
		idx = node_get(z, owner + s, len - s, apex_idx);
		if (idx < 0)
			return idx;
	}
	return node_get(z, owner, len, apex_idx);
}

static bool same_rr(const struct rb_dns_zone *z, const struct rb_dns_rr *rr, uint16_t type,
		    const uint8_t *rdata, size_t rdata_len)
{
	return rr->type == type && rr->rdata_len == rdata_len &&
	       memcmp(z->data + rr->rdata, rdata, rdata_len) == 0;
}

int rb_dns_zone_add(struct rb_dns_zone *z, const uint8_t *owner, size_t len, uint16_t type,
		    uint32_t ttl, const uint8_t *rdata, size_t rdata_len)
{
	struct rb_dns_rr *rr;
	uint32_t *link;
	uint32_t off;
	int idx;

	if (rdata_len > UINT16_MAX)
		return -EINVAL;
	idx = owner_get(z, owner, len);
	if (idx < 0)
		return idx;

	/* Append at the end of the owner's list, so records keep the order they were added in. */
	link = &z->nodes[idx].first_rr;
	while (*link != RB_DNS_NONE) {
		if (same_rr(z, &z->rrs[*link], type, rdata, rdata_len))
			return 0;
		link = &z->rrs[*link].next;
	}
	off = add_data(z, rdata, rdata_len);
	if (off == RB_DNS_NONE)
		return -ENOMEM;
	if (grow((void **)&z->rrs, &z->cap_rrs, z->n_rrs, 1, sizeof(*z->rrs)))
		return -ENOMEM;
	/* z->rrs may have moved: find the link again. */
	link = &z->nodes[idx].first_rr;
	while (*link != RB_DNS_NONE)
		link = &z->rrs[*link].next;

	rr = &z->rrs[z->n_rrs];
	*rr = (struct rb_dns_rr){
		.type = type,
		.rdata_len = (uint16_t)rdata_len,
		.ttl = ttl,
		.rdata = off,
		.next = RB_DNS_NONE,
	};
	*link = (uint32_t)z->n_rrs++;
	return 0;
}

static const struct rb_dns_rr *first_of_type(const struct rb_dns_zone *z, uint32_t idx,
					     uint16_t type)
{
	while (idx != RB_DNS_NONE) {
		const struct rb_dns_rr *rr = &z->rrs[idx];

		if (type == RB_DNS_ANY || rr->type == type)
			return rr;
		idx = rr->next;
	}
	return NULL;
}

const struct rb_dns_rr *rb_dns_zone_rr(const struct rb_dns_zone *z, const struct rb_dns_node *node,
				       uint16_t type)
{
	return first_of_type(z, node->first_rr, type);
}

const struct rb_dns_rr *rb_dns_zone_next(const struct rb_dns_zone *z, const struct rb_dns_rr *rr,
					 uint16_t type)
{
	return first_of_type(z, rr->next, type);
}
