// SPDX-License-Identifier: MIT
/*
 * The pool allocator: one bitmap of held addresses per range, scanned
 * from the range's start, a bitmap per mark (lent, held back) beside
 * it, and a short list of declined addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp4/pool.h"

#define NS_PER_SEC	1000000000ULL

static uint32_t range_size(const struct rb_cfg_pool_range *range)
{
	return ntohl(range->end) - ntohl(range->start) + 1;
}

static size_t slot_of(size_t subnet, size_t range)
{
	return subnet * RB_CFG_POOL_RANGES_MAX + range;
}

/* One zeroed bitmap per pool range of cfg, or NULL when out of memory. */
static uint8_t **bitmaps_new(const struct rb_config *cfg)
{
	uint8_t **maps = calloc(cfg->n_subnets * RB_CFG_POOL_RANGES_MAX, sizeof(*maps));

	if (!maps)
		return NULL;
	for (size_t s = 0; s < cfg->n_subnets; s++) {
		const struct rb_cfg_subnet *subnet = &cfg->subnets[s];

		for (size_t r = 0; r < subnet->n_pool_ranges; r++) {
			size_t bytes = ((size_t)range_size(&subnet->pool_ranges[r]) + 7) / 8;

			maps[slot_of(s, r)] = calloc(bytes, 1);
			if (!maps[slot_of(s, r)])
				return maps;	/* the caller frees the partial set */
		}
	}
	return maps;
}

static bool bitmaps_complete(const struct rb_config *cfg, uint8_t **maps)
{
	if (!maps)
		return false;
	for (size_t s = 0; s < cfg->n_subnets; s++) {
		for (size_t r = 0; r < cfg->subnets[s].n_pool_ranges; r++) {
			if (!maps[slot_of(s, r)])
				return false;
		}
	}
	return true;
}

static void bitmaps_free(const struct rb_config *cfg, uint8_t **maps)
{
	if (maps && cfg) {
		for (size_t i = 0; i < cfg->n_subnets * RB_CFG_POOL_RANGES_MAX; i++)
			free(maps[i]);
	}
	free(maps);
}

int rb_dhcp4_pool_init(struct rb_dhcp4_pool *p, const struct rb_config *cfg)
{
	bool complete;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (cfg->n_subnets == 0)
		return 0;

	p->held = bitmaps_new(cfg);
	complete = bitmaps_complete(cfg, p->held);
	for (int m = 0; m < RB_DHCP4_POOL_MARKS; m++) {
		p->marks[m] = bitmaps_new(cfg);
		complete = complete && bitmaps_complete(cfg, p->marks[m]);
	}
	if (!complete) {
		rb_dhcp4_pool_free(p);
		return -ENOMEM;
	}
	return 0;
}

void rb_dhcp4_pool_free(struct rb_dhcp4_pool *p)
{
	bitmaps_free(p->cfg, p->held);
	p->held = NULL;
	for (int m = 0; m < RB_DHCP4_POOL_MARKS; m++) {
		bitmaps_free(p->cfg, p->marks[m]);
		p->marks[m] = NULL;
	}
}

/* Find the subnet and range of addr; false when addr is in no pool. */
static bool locate(const struct rb_config *cfg, uint32_t addr, size_t *subnet, size_t *range)
{
	uint32_t host = ntohl(addr);

	for (size_t s = 0; s < cfg->n_subnets; s++) {
		const struct rb_cfg_subnet *sub = &cfg->subnets[s];

		for (size_t r = 0; r < sub->n_pool_ranges; r++) {
			if (host < ntohl(sub->pool_ranges[r].start) ||
			    host > ntohl(sub->pool_ranges[r].end))
				continue;
			*subnet = s;
			*range = r;
			return true;
		}
	}
	return false;
}

bool rb_dhcp4_pool_find(const struct rb_config *cfg, uint32_t addr, size_t *subnet)
{
	size_t s, r;

	if (!locate(cfg, addr, &s, &r))
		return false;
	if (subnet)
		*subnet = s;
	return true;
}

bool rb_dhcp4_pool_of_interface(const struct rb_config *cfg, const char *ifname, size_t *subnet)
{
	for (size_t s = 0; s < cfg->n_subnets; s++) {
		if (cfg->subnets[s].n_pool_ranges == 0 || strcmp(cfg->subnets[s].interface, ifname))
			continue;
		*subnet = s;
		return true;
	}
	return false;
}

bool rb_dhcp4_pool_is_dynamic(const struct rb_config *cfg, const uint8_t mac[6], uint32_t addr)
{
	return !rb_config_device_by_mac(cfg, mac) && rb_dhcp4_pool_find(cfg, addr, NULL);
}

/* The byte of addr's bit in the bitmap set maps, or NULL when addr is in no pool. */
static uint8_t *bit_of(struct rb_dhcp4_pool *p, uint8_t **maps, uint32_t addr, uint8_t *mask)
{
	size_t s, r;
	uint32_t off;

	if (!maps || !locate(p->cfg, addr, &s, &r))
		return NULL;
	off = ntohl(addr) - ntohl(p->cfg->subnets[s].pool_ranges[r].start);
	*mask = (uint8_t)(1u << (off % 8));
	return &maps[slot_of(s, r)][off / 8];
}

static uint8_t *held_byte(struct rb_dhcp4_pool *p, uint32_t addr, uint8_t *mask)
{
	return bit_of(p, p->held, addr, mask);
}

int rb_dhcp4_pool_hold(struct rb_dhcp4_pool *p, uint32_t addr)
{
	uint8_t mask, *byte = held_byte(p, addr, &mask);

	if (!byte)
		return -ENOENT;
	if (*byte & mask)
		return -EEXIST;
	*byte |= mask;
	return 0;
}

static bool quarantined(const struct rb_dhcp4_pool *p, uint32_t addr, uint64_t now_ns)
{
	for (size_t i = 0; i < RB_DHCP4_QUARANTINE_MAX; i++) {
		if (p->quarantine[i].addr == addr && p->quarantine[i].until_ns > now_ns)
			return true;
	}
	return false;
}

size_t rb_dhcp4_pool_alloc_many(struct rb_dhcp4_pool *p, size_t subnet, uint64_t now_ns,
				uint32_t *addrs, size_t max)
{
	const struct rb_cfg_subnet *sub;
	size_t n = 0;

	if (!p->held || subnet >= p->cfg->n_subnets)
		return 0;
	sub = &p->cfg->subnets[subnet];

	for (size_t r = 0; r < sub->n_pool_ranges && n < max; r++) {
		const uint8_t *bits = p->held[slot_of(subnet, r)];
		uint32_t start = ntohl(sub->pool_ranges[r].start), size = range_size(&sub->pool_ranges[r]);

		for (uint32_t off = 0; off < size && n < max; off++) {
			uint32_t candidate = htonl(start + off);

			if (bits[off / 8] & (1u << (off % 8)))
				continue;
			if (rb_config_device_by_ipv4(p->cfg, candidate) ||
			    quarantined(p, candidate, now_ns))
				continue;
			rb_dhcp4_pool_hold(p, candidate);
			addrs[n++] = candidate;
		}
	}
	return n;
}

int rb_dhcp4_pool_alloc(struct rb_dhcp4_pool *p, size_t subnet, uint64_t now_ns, uint32_t *addr)
{
	if (!p->held || subnet >= p->cfg->n_subnets || p->cfg->subnets[subnet].n_pool_ranges == 0)
		return -ENOENT;
	return rb_dhcp4_pool_alloc_many(p, subnet, now_ns, addr, 1) == 1 ? 0 : -ENOSPC;
}

bool rb_dhcp4_pool_is_held(struct rb_dhcp4_pool *p, uint32_t addr)
{
	uint8_t mask, *byte = held_byte(p, addr, &mask);

	return byte && (*byte & mask);
}

bool rb_dhcp4_pool_marked(struct rb_dhcp4_pool *p, uint32_t addr, enum rb_dhcp4_pool_mark mark)
{
	uint8_t mask, *byte;

	if (mark >= RB_DHCP4_POOL_MARKS)
		return false;
	byte = bit_of(p, p->marks[mark], addr, &mask);
	return byte && (*byte & mask);
}

bool rb_dhcp4_pool_mark(struct rb_dhcp4_pool *p, uint32_t addr, enum rb_dhcp4_pool_mark mark,
			bool set)
{
	uint8_t mask, *byte;
	bool was;

	if (mark >= RB_DHCP4_POOL_MARKS)
		return false;
	byte = bit_of(p, p->marks[mark], addr, &mask);
	if (!byte)
		return false;
	was = *byte & mask;
	if (set) {
		*byte |= mask;
		rb_dhcp4_pool_hold(p, addr);
	} else {
		*byte &= (uint8_t)~mask;
	}
	return was;
}

int rb_dhcp4_pool_foreach_marked(struct rb_dhcp4_pool *p, enum rb_dhcp4_pool_mark mark,
				 int (*fn)(uint32_t addr, void *arg), void *arg)
{
	if (mark >= RB_DHCP4_POOL_MARKS || !p->marks[mark])
		return 0;

	for (size_t s = 0; s < p->cfg->n_subnets; s++) {
		const struct rb_cfg_subnet *sub = &p->cfg->subnets[s];

		for (size_t r = 0; r < sub->n_pool_ranges; r++) {
			const uint8_t *bits = p->marks[mark][slot_of(s, r)];
			uint32_t start = ntohl(sub->pool_ranges[r].start);
			uint32_t size = range_size(&sub->pool_ranges[r]);

			for (uint32_t off = 0; off < size; off++) {
				int ret;

				if (!(bits[off / 8] & (1u << (off % 8))))
					continue;
				ret = fn(htonl(start + off), arg);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

void rb_dhcp4_pool_release(struct rb_dhcp4_pool *p, uint32_t addr)
{
	uint8_t mask, *byte = held_byte(p, addr, &mask);

	if (!byte)
		return;
	*byte &= (uint8_t)~mask;
	for (int m = 0; m < RB_DHCP4_POOL_MARKS; m++)
		rb_dhcp4_pool_mark(p, addr, (enum rb_dhcp4_pool_mark)m, false);
}

void rb_dhcp4_pool_decline(struct rb_dhcp4_pool *p, uint32_t addr, uint64_t now_ns)
{
	struct rb_dhcp4_quarantine *slot = &p->quarantine[0];

	rb_dhcp4_pool_release(p, addr);

	/* Reuse the entry of addr, else a free or expired one, else the one that ends first. */
	for (size_t i = 0; i < RB_DHCP4_QUARANTINE_MAX; i++) {
		struct rb_dhcp4_quarantine *q = &p->quarantine[i];

		if (q->addr == addr || q->addr == 0 || q->until_ns <= now_ns) {
			slot = q;
			break;
		}
		if (q->until_ns < slot->until_ns)
			slot = q;
	}
	slot->addr = addr;
	slot->until_ns = now_ns + (uint64_t)p->cfg->decline_quarantine * NS_PER_SEC;
}
