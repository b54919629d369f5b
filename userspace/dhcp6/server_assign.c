// SPDX-License-Identifier: MIT
/*
 * Address assignment of the DHCPv6 slow path: the subnet of a message,
 * the inventory reservation of a client, the pool address of an unknown
 * one, and the lease write that must succeed before a Reply leaves.
 *
 * A pool address is picked deterministically: a hash of DUID and IAID
 * names a first candidate, and candidates after it are probed in order
 * until one is free.  So a client that comes back after losing its
 * lease (or the server its store) gets the same address, unless another
 * client got it meanwhile.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "common/log.h"
#include "dhcp6/server_internal.h"

/*
 * Candidates probed per allocation.  When this many addresses after the
 * hash of a client are taken, the client gets NoAddrsAvail although the
 * pool may have free addresses elsewhere.
 */
#define POOL_PROBES_MAX	4096

#define DUID_TYPE_LLT	1
#define DUID_TYPE_LL	3
#define HWTYPE_ETHERNET	1

bool rb_dhcp6_in_subnet(const struct rb_cfg_subnet6 *s, const struct in6_addr *addr)
{
	unsigned int bits = s->prefix_len, full = bits / 8, rest = bits % 8;

	if (bits > 128)
		return false;
	if (memcmp(s->prefix.s6_addr, addr->s6_addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((s->prefix.s6_addr[full] ^ addr->s6_addr[full]) & (0xff00 >> rest)) == 0;
}

int rb_dhcp6_subnet_of(const struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o)
{
	const struct rb_config *cfg = srv->config;
	char ifname[IF_NAMESIZE];

	/* RFC 8415 section 13.1: a relayed message's link is its link-address. */
	if (o->chain.n_levels) {
		const struct in6_addr *link = NULL;

		/* The relay next to the client first; an outer one when it left link-address 0. */
		for (unsigned int i = o->chain.n_levels; i-- > 0;) {
			if (!IN6_IS_ADDR_UNSPECIFIED(&o->chain.levels[i].link_address)) {
				link = &o->chain.levels[i].link_address;
				break;
			}
		}
		if (!link)
			return -1;
		for (size_t i = 0; i < cfg->n_subnets6; i++) {
			if (rb_dhcp6_in_subnet(&cfg->subnets6[i], link))
				return (int)i;
		}
		return -1;
	}

	if (o->ifindex <= 0 || !if_indextoname((unsigned int)o->ifindex, ifname))
		return -1;
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		if (strcmp(cfg->subnets6[i].interface, ifname) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The MAC of the client: the link-layer address of a DUID-LL or DUID-LLT
 * of hardware type Ethernet, else the relay's Client Link-Layer Address
 * option 79 (RFC 6939).
 */
static bool client_mac(const uint8_t *duid, size_t len, const struct rb_dhcp6_origin *o,
		       uint8_t mac[6])
{
	unsigned int type = len >= 2 ? (unsigned int)(duid[0] << 8 | duid[1]) : 0;
	unsigned int hwtype = len >= 4 ? (unsigned int)(duid[2] << 8 | duid[3]) : 0;

	if (type == DUID_TYPE_LL && hwtype == HWTYPE_ETHERNET && len == 4 + 6) {
		memcpy(mac, duid + 4, 6);
		return true;
	}
	if (type == DUID_TYPE_LLT && hwtype == HWTYPE_ETHERNET && len == 8 + 6) {
		memcpy(mac, duid + 8, 6);
		return true;
	}

	/* Only the relay next to the client sees its link-layer address. */
	if (o->chain.n_levels) {
		const struct rb_relay6_level *l = &o->chain.levels[o->chain.n_levels - 1];

		if (l->has_client_lladdr && l->client_lladdr_type == HWTYPE_ETHERNET &&
		    l->client_lladdr_len == 6) {
			memcpy(mac, l->client_lladdr, 6);
			return true;
		}
	}
	return false;
}

void rb_dhcp6_note_client(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o)
{
	srv->client_has_mac = client_mac(srv->client_duid, srv->client_duid_len, o,
					 srv->client_mac);
}

const struct rb_cfg_device *rb_dhcp6_reservation(struct rb_dhcp6_server *srv,
						 const struct rb_dhcp6_origin *o)
{
	const struct rb_config *cfg = srv->config;
	const struct rb_cfg_device *dev;

	dev = rb_config_device_by_duid(cfg, srv->client_duid, srv->client_duid_len);
	if (dev && dev->has_ipv6)
		return dev;

	/* A device with a DUID in the inventory is found by that DUID only. */
	if (srv->client_has_mac) {
		dev = rb_config_device_by_mac(cfg, srv->client_mac);
		if (dev && dev->has_ipv6 && dev->duid_len == 0)
			return dev;
	}

	if (o->chain.n_levels) {
		const struct rb_relay6_level *l = &o->chain.levels[o->chain.n_levels - 1];
		const uint8_t *remote_id = NULL;
		size_t remote_len = 0;

		/* The remote-id may come from any relay; the innermost one wins. */
		for (unsigned int i = o->chain.n_levels; i-- > 0;) {
			if (o->chain.levels[i].has_remote_id) {
				remote_id = o->chain.levels[i].remote_id;
				remote_len = o->chain.levels[i].remote_id_len;
				break;
			}
		}
		if (l->has_interface_id || remote_len) {
			dev = rb_config_device_by_relay6(cfg, l->has_interface_id ? l->interface_id : NULL,
							 l->has_interface_id ? l->interface_id_len : 0,
							 remote_id, remote_len);
			if (dev && dev->has_ipv6)
				return dev;
		}
	}
	return NULL;
}

static bool same_client(const struct rb_dhcp6_server *srv, const struct rb_store_lease6 *l,
			uint32_t iaid)
{
	return l->iaid == iaid && l->duid_len == srv->client_duid_len &&
	       memcmp(l->duid, srv->client_duid, l->duid_len) == 0;
}

/*
 * Check that pool address addr is free for the current client's IA:
 * not reserved for a device, not in quarantine, and without a lease of
 * another client that is still valid.  An ended lease of another client
 * is deleted so that the address can be taken.
 */
static bool pool_addr_free(struct rb_dhcp6_server *srv, const struct in6_addr *addr, uint32_t iaid,
			   int64_t now)
{
	struct rb_store_lease6 holder;
	int64_t until;
	int err;

	if (rb_config_device_by_ipv6(srv->config, addr))
		return false;
	if (rb_store_get_quarantine6(srv->cfg.store, addr, &until) == 0) {
		if (until > now)
			return false;
		rb_store_unquarantine6(srv->cfg.store, addr);
	}

	err = rb_store_get_lease6_by_addr(srv->cfg.store, addr, &holder);
	if (err == -ENOENT)
		return true;
	if (err)
		return false;
	if (same_client(srv, &holder, iaid))
		return true;
	if (holder.end > now && holder.state == RB_LEASE6_BOUND)
		return false;
	return rb_store_del_lease6(srv->cfg.store, holder.duid, holder.duid_len, holder.iaid) == 0;
}

/* FNV-1a, 64 bits, over the DUID and the IAID. */
static uint64_t client_hash(const struct rb_dhcp6_server *srv, uint32_t iaid)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t iaid_be[4] = { iaid >> 24, iaid >> 16, iaid >> 8, iaid };

	for (size_t i = 0; i < srv->client_duid_len; i++)
		h = (h ^ srv->client_duid[i]) * 0x100000001b3ULL;
	for (size_t i = 0; i < sizeof(iaid_be); i++)
		h = (h ^ iaid_be[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t addr_low64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = v << 8 | a->s6_addr[i];
	return v;
}

/*
 * Addresses in a pool range.  A range whose ends differ in the upper 64
 * bits is cut to the 2^64 - 1 addresses after its start.
 */
static uint64_t range_size(const struct rb_cfg_pool_range6 *r)
{
	uint64_t lo = addr_low64(&r->start), hi = addr_low64(&r->end);

	if (memcmp(r->start.s6_addr, r->end.s6_addr, 8) != 0)
		return UINT64_MAX;
	if (hi < lo)
		return 0;
	return hi - lo == UINT64_MAX ? UINT64_MAX : hi - lo + 1;
}

/* The address offset places after the start of range r. */
static void range_addr(const struct rb_cfg_pool_range6 *r, uint64_t offset, struct in6_addr *out)
{
	uint64_t low = addr_low64(&r->start) + offset;

	*out = r->start;
	/* A carry out of the low half only happens for ranges cut by range_size(). */
	if (low < addr_low64(&r->start)) {
		for (int i = 7; i >= 0 && ++out->s6_addr[i] == 0; i--)
			;
	}
	for (int i = 15; i >= 8; i--, low >>= 8)
		out->s6_addr[i] = (uint8_t)low;
}

static int pool_pick(struct rb_dhcp6_server *srv, int subnet, uint32_t iaid, struct in6_addr *out)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[subnet];
	uint64_t total = 0, sizes[RB_CFG_POOL_RANGES_MAX], start, probes;
	int64_t now = rb_dhcp6_now(srv);

	for (unsigned int i = 0; i < s->n_pool_ranges; i++) {
		sizes[i] = range_size(&s->pool_ranges[i]);
		total = total + sizes[i] < total ? UINT64_MAX : total + sizes[i];
	}
	if (total == 0)
		return -ENOENT;

	start = client_hash(srv, iaid) % total;
	probes = total < POOL_PROBES_MAX ? total : POOL_PROBES_MAX;
	for (uint64_t p = 0; p < probes; p++) {
		uint64_t index = (start + p) % total;
		unsigned int r = 0;

		while (index >= sizes[r]) {
			index -= sizes[r];
			r++;
		}
		range_addr(&s->pool_ranges[r], index, out);
		if (pool_addr_free(srv, out, iaid, now))
			return 0;
	}
	return -ENOSPC;
}

/* Check that addr is in a pool range of subnet s. */
static bool in_pool(const struct rb_cfg_subnet6 *s, const struct in6_addr *addr)
{
	for (unsigned int i = 0; i < s->n_pool_ranges; i++) {
		if (memcmp(addr, &s->pool_ranges[i].start, sizeof(*addr)) >= 0 &&
		    memcmp(addr, &s->pool_ranges[i].end, sizeof(*addr)) <= 0)
			return true;
	}
	return false;
}

int rb_dhcp6_choose(struct rb_dhcp6_server *srv, const struct rb_dhcp6_origin *o, int subnet,
		    uint32_t iaid, struct rb_dhcp6_binding *b)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[subnet];
	const struct rb_cfg_device *dev = rb_dhcp6_reservation(srv, o);
	struct rb_store_lease6 lease;
	int err;

	memset(b, 0, sizeof(*b));
	b->subnet = (size_t)subnet;
	b->has_mac = srv->client_has_mac;
	memcpy(b->mac, srv->client_mac, sizeof(b->mac));

	/* A reservation on another link gives nothing here; the pool does not stand in. */
	if (dev) {
		if (dev->subnet6 != (size_t)subnet)
			return -ENOENT;
		b->device = dev;
		b->addr = dev->ipv6;
		return 0;
	}
	if (s->n_pool_ranges == 0)
		return -ENOENT;

	/* The client's lease, while its address is still in this subnet's pool. */
	err = rb_store_get_lease6(srv->cfg.store, srv->client_duid, srv->client_duid_len, iaid,
				  &lease);
	if (err == 0 && in_pool(s, &lease.addr) && !rb_config_device_by_ipv6(srv->config, &lease.addr)) {
		int64_t until;

		if (rb_store_get_quarantine6(srv->cfg.store, &lease.addr, &until) != 0 ||
		    until <= rb_dhcp6_now(srv)) {
			b->addr = lease.addr;
			return 0;
		}
	}
	return pool_pick(srv, subnet, iaid, &b->addr);
}

int rb_dhcp6_commit_lease(struct rb_dhcp6_server *srv, uint32_t iaid,
			  const struct rb_dhcp6_binding *b)
{
	const struct rb_cfg_subnet6 *s = &srv->config->subnets6[b->subnet];
	struct rb_store_lease6 lease = {
		.duid_len = (uint8_t)srv->client_duid_len,
		.iaid = iaid,
		.addr = b->addr,
		.state = RB_LEASE6_BOUND,
		.has_mac = b->has_mac,
		.preferred_lifetime = s->preferred_lifetime,
		.valid_lifetime = s->valid_lifetime,
		.subnet6 = (uint32_t)b->subnet,
		.start = rb_dhcp6_now(srv),
	};
	struct rb_store_lease6 holder;
	char addr[INET6_ADDRSTRLEN];
	int err;

	memcpy(lease.duid, srv->client_duid, srv->client_duid_len);
	memcpy(lease.mac, b->mac, sizeof(lease.mac));
	lease.end = lease.start + s->valid_lifetime;

	err = rb_store_put_lease6(srv->cfg.store, &lease);

	/*
	 * The reservation wins over an older lease of its address, held for
	 * example by the same device under the DUID of an earlier install.
	 */
	if (err == -EEXIST && b->device &&
	    rb_store_get_lease6_by_addr(srv->cfg.store, &b->addr, &holder) == 0 &&
	    rb_store_del_lease6(srv->cfg.store, holder.duid, holder.duid_len, holder.iaid) == 0)
		err = rb_store_put_lease6(srv->cfg.store, &lease);

	if (err) {
		inet_ntop(AF_INET6, &b->addr, addr, sizeof(addr));
		log_err("dhcpv6: writing the lease of %s (IAID %u) to the store failed: %s; the "
			"Reply is not sent", addr, iaid, strerror(-err));
		rb_dhcp6_count(srv, RB_D6C_STORE_FAILED);
	}
	return err;
}
