// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics_leases.h"

static const char *const kind_names[RB_LEASE_KIND_COUNT] = {
	[RB_LEASE_KIND_RESERVED] = "reserved",
	[RB_LEASE_KIND_POOL] = "pool",
};

int rb_lease_tally_init(struct rb_lease_tally *t, const struct rb_config *cfg, int64_t now)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->now = now;
	/* One more entry than needed, so that a config without subnets still allocates. */
	t->v4 = calloc(cfg->n_subnets + 1, sizeof(*t->v4));
	t->v6 = calloc(cfg->n_subnets6 + 1, sizeof(*t->v6));
	if (!t->v4 || !t->v6) {
		rb_lease_tally_free(t);
		return -ENOMEM;
	}
	return 0;
}

void rb_lease_tally_free(struct rb_lease_tally *t)
{
	free(t->v4);
	free(t->v6);
	t->v4 = NULL;
	t->v6 = NULL;
}

static bool in_subnet4(const struct rb_cfg_subnet *s, uint32_t addr)
{
	uint32_t mask = s->prefix_len ? htonl(~0U << (32 - s->prefix_len)) : 0;

	return (addr & mask) == (s->prefix & mask);
}

static bool in_pool4(const struct rb_cfg_subnet *s, uint32_t addr)
{
	uint32_t a = ntohl(addr);

	for (size_t i = 0; i < s->n_pool_ranges; i++) {
		if (a >= ntohl(s->pool_ranges[i].start) && a <= ntohl(s->pool_ranges[i].end))
			return true;
	}
	return false;
}

int rb_lease_tally_add4(const struct rb_store_lease *lease, void *tally)
{
	struct rb_lease_tally *t = tally;

	if (lease->end <= t->now)
		return 0;
	for (size_t i = 0; i < t->cfg->n_subnets; i++) {
		const struct rb_cfg_subnet *s = &t->cfg->subnets[i];

		if (in_subnet4(s, lease->ipv4)) {
			t->v4[i][in_pool4(s, lease->ipv4) ? RB_LEASE_KIND_POOL : RB_LEASE_KIND_RESERVED]++;
			return 0;
		}
	}
	return 0;
}

static bool in_pool6(const struct rb_cfg_subnet6 *s, const struct in6_addr *addr)
{
	for (size_t i = 0; i < s->n_pool_ranges; i++) {
		if (memcmp(addr, &s->pool_ranges[i].start, sizeof(*addr)) >= 0 &&
		    memcmp(addr, &s->pool_ranges[i].end, sizeof(*addr)) <= 0)
			return true;
	}
	return false;
}

int rb_lease_tally_add6(const struct rb_store_lease6 *lease, void *tally)
{
	struct rb_lease_tally *t = tally;
	const struct rb_cfg_subnet6 *s;

	if (lease->state != RB_LEASE6_BOUND || lease->end <= t->now ||
	    lease->subnet6 >= t->cfg->n_subnets6)
		return 0;
	s = &t->cfg->subnets6[lease->subnet6];
	t->v6[lease->subnet6][in_pool6(s, &lease->addr) ? RB_LEASE_KIND_POOL : RB_LEASE_KIND_RESERVED]++;
	return 0;
}

int rb_lease_tally_read(struct rb_store *st, struct rb_lease_tally *t)
{
	int err = rb_store_foreach_lease_committed(st, rb_lease_tally_add4, t);

	/* A damaged record is skipped and logged by the store; the rest still counts. */
	if (err && err != -EBADMSG)
		return err;
	err = rb_store_foreach_lease6_committed(st, rb_lease_tally_add6, t);
	return err == -EBADMSG ? 0 : err;
}

/*
 * Addresses in the ranges of a DHCPv6 pool, as a float because a /64 pool
 * has 2^64.  The difference is taken in 128 bits, because a double has only 53
 * and would lose it next to the address itself.
 */
static double pool_size6(const struct rb_cfg_subnet6 *s)
{
	double total = 0;

	for (size_t i = 0; i < s->n_pool_ranges; i++) {
		unsigned __int128 start = 0, end = 0;

		for (int byte = 0; byte < 16; byte++) {
			start = start << 8 | s->pool_ranges[i].start.s6_addr[byte];
			end = end << 8 | s->pool_ranges[i].end.s6_addr[byte];
		}
		if (end >= start)
			total += (double)(end - start) + 1;
	}
	return total;
}

static uint64_t pool_size4(const struct rb_cfg_subnet *s)
{
	uint64_t total = 0;

	for (size_t i = 0; i < s->n_pool_ranges; i++)
		total += (uint64_t)ntohl(s->pool_ranges[i].end) - ntohl(s->pool_ranges[i].start) + 1;
	return total;
}

static void write_lease_samples(struct rb_prom_buf *b, const char *family, const char *subnet,
				const uint64_t counts[RB_LEASE_KIND_COUNT])
{
	for (int k = 0; k < RB_LEASE_KIND_COUNT; k++) {
		struct rb_prom_label labels[] = {
			{ "family", family }, { "subnet", subnet }, { "kind", kind_names[k] },
		};

		rb_prom_sample_u64(b, "rackboot_dhcp_leases", labels, 3, counts[k]);
	}
}

void rb_metrics_write_leases(struct rb_prom_buf *b, const struct rb_lease_tally *t)
{
	const struct rb_config *cfg = t->cfg;

	rb_prom_family(b, "rackboot_dhcp_leases", RB_PROM_GAUGE,
		       "Leases in the store that have not ended (DHCPv6: bound ones), by subnet and "
		       "kind: pool when the address lies in the subnet's pool, else reserved.");
	for (size_t i = 0; i < cfg->n_subnets; i++)
		write_lease_samples(b, "ipv4", cfg->subnets[i].name, t->v4[i]);
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		write_lease_samples(b, "ipv6", cfg->subnets6[i].name, t->v6[i]);

	rb_prom_family(b, "rackboot_dhcp_pool_addresses", RB_PROM_GAUGE,
		       "Addresses in the pool ranges of each subnet that has a pool.");
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		struct rb_prom_label labels[] = { { "family", "ipv4" }, { "subnet", cfg->subnets[i].name } };

		if (cfg->subnets[i].n_pool_ranges)
			rb_prom_sample_u64(b, "rackboot_dhcp_pool_addresses", labels, 2,
					   pool_size4(&cfg->subnets[i]));
	}
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		struct rb_prom_label labels[] = { { "family", "ipv6" }, { "subnet", cfg->subnets6[i].name } };

		if (cfg->subnets6[i].n_pool_ranges)
			rb_prom_sample_double(b, "rackboot_dhcp_pool_addresses", labels, 2,
					      pool_size6(&cfg->subnets6[i]));
	}
}
