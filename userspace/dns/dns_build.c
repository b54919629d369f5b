// SPDX-License-Identifier: MIT
/* Build the served zones from the config and the devices' leased addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "dns/dns_build.h"
#include "dns/dns_wire.h"

static const uint8_t in_addr_arpa[] = "\7in-addr\4arpa";	/* with the root label: 14 bytes */
static const uint8_t ip6_arpa[] = "\3ip6\4arpa";		/* 10 bytes */

struct builder {
	const struct rb_config *cfg;
	struct rb_dns_zone *z;
	uint8_t origin[RB_DNS_NAME_MAX];
	size_t origin_len;
	uint8_t soa[2 * RB_DNS_NAME_MAX + 20];
	size_t soa_len;
	uint8_t ns[RB_CFG_DNS_NS_MAX][RB_DNS_NAME_MAX];
	size_t ns_len[RB_CFG_DNS_NS_MAX];
	unsigned int n_ns;
	size_t skipped;
};

static int add(struct builder *b, const uint8_t *owner, size_t len, uint16_t type,
	       const void *rdata, size_t rdata_len)
{
	int err = rb_dns_zone_add(b->z, owner, len, type, b->cfg->dns.ttl, rdata, rdata_len);

	if (err == -ERANGE) {
		b->skipped++;
		return 0;
	}
	return err;
}

static size_t name_of(const struct builder *b, const char *text, uint8_t *out)
{
	return rb_dns_name_from_text(text, b->origin, b->origin_len, out);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* SOA RDATA and NS names, shared by the zone and its reverse zones. */
static int prepare_apex_records(struct builder *b)
{
	const struct rb_cfg_dns *dns = &b->cfg->dns;
	const char *primary;
	size_t n, m;
	uint32_t fields[5] = { dns->serial, dns->refresh, dns->retry, dns->expire, dns->minimum };

	for (uint8_t i = 0; i < dns->n_name_servers; i++) {
		b->ns_len[b->n_ns] = name_of(b, dns->name_servers[i], b->ns[b->n_ns]);
		if (b->ns_len[b->n_ns])
			b->n_ns++;
	}
	if (b->n_ns == 0) {
		b->ns_len[0] = name_of(b, "ns", b->ns[0]);
		b->n_ns = 1;
	}

	primary = dns->primary_server[0] ? dns->primary_server : NULL;
	n = primary ? name_of(b, primary, b->soa) : 0;
	if (!n) {
		memcpy(b->soa, b->ns[0], b->ns_len[0]);
		n = b->ns_len[0];
	}
	m = name_of(b, dns->contact, b->soa + n);
	if (!n || !m)
		return -EINVAL;
	for (int i = 0; i < 5; i++)
		put_u32(b->soa + n + m + 4 * i, fields[i]);
	b->soa_len = n + m + 20;
	return 0;
}

static int add_apex(struct builder *b, const uint8_t *apex, size_t len)
{
	int err = rb_dns_zone_add_apex(b->z, apex, len);

	if (err == -EEXIST)
		return 0;
	if (err < 0)
		return err;
	err = add(b, apex, len, RB_DNS_SOA, b->soa, b->soa_len);
	for (unsigned int i = 0; !err && i < b->n_ns; i++)
		err = add(b, apex, len, RB_DNS_NS, b->ns[i], b->ns_len[i]);
	return err;
}

/* Append one label of text to out at *len. */
static void put_label(uint8_t *out, size_t *len, const char *text)
{
	size_t n = strlen(text);

	out[(*len)++] = (uint8_t)n;
	memcpy(out + *len, text, n);
	*len += n;
}

size_t rb_dns_reverse_name4(uint32_t ipv4, uint8_t *out)
{
	const uint8_t *octet = (const uint8_t *)&ipv4;
	size_t len = 0;
	char text[4];

	for (int i = 3; i >= 0; i--) {
		snprintf(text, sizeof(text), "%u", octet[i]);
		put_label(out, &len, text);
	}
	memcpy(out + len, in_addr_arpa, sizeof(in_addr_arpa));
	return len + sizeof(in_addr_arpa);
}

size_t rb_dns_reverse_name6(const struct in6_addr *addr, uint8_t *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = 0;

	for (int i = 15; i >= 0; i--) {
		out[len++] = 1;
		out[len++] = (uint8_t)hex[addr->s6_addr[i] & 0xf];
		out[len++] = 1;
		out[len++] = (uint8_t)hex[addr->s6_addr[i] >> 4];
	}
	memcpy(out + len, ip6_arpa, sizeof(ip6_arpa));
	return len + sizeof(ip6_arpa);
}

/*
 * The reverse zones of an IPv4 prefix: its length rounded up to whole
 * octets, one zone per block (a /22 gives four /24 zones).
 */
static int add_reverse4(struct builder *b, uint32_t prefix, uint8_t prefix_len)
{
	uint8_t zone_len = (uint8_t)((prefix_len + 7) / 8 * 8);
	uint32_t base = ntohl(prefix), count = 1u << (zone_len - prefix_len);
	uint8_t full[RB_DNS_NAME_MAX];

	for (uint32_t i = 0; i < count; i++) {
		uint32_t block = zone_len == 0 ? 0 : base + (i << (32 - zone_len));
		size_t len = rb_dns_reverse_name4(htonl(block), full), skip = 0;
		int err;

		/* Drop the labels of the octets below the zone's length: 2 to 4 bytes each. */
		for (int octets = 4 - zone_len / 8; octets > 0; octets--)
			skip += 1 + (size_t)full[skip];
		err = add_apex(b, full + skip, len - skip);
		if (err)
			return err;
	}
	return 0;
}

/* The same for IPv6 with nibbles: a /62 gives four /64 zones. */
static int add_reverse6(struct builder *b, const struct in6_addr *prefix, uint8_t prefix_len)
{
	uint8_t zone_len = (uint8_t)((prefix_len + 3) / 4 * 4);
	uint32_t count = 1u << (zone_len - prefix_len);
	uint8_t full[RB_DNS_NAME_MAX];

	for (uint32_t i = 0; i < count; i++) {
		struct in6_addr block = *prefix;
		size_t len, skip = 2 * (size_t)(32 - zone_len / 4);
		int err;

		/* i fills the 0 to 3 bits between the prefix and the nibble boundary. */
		if (count > 1) {
			unsigned int nibble = zone_len / 4 - 1;
			uint8_t *byte = &block.s6_addr[nibble / 2];

			*byte |= (uint8_t)(nibble % 2 ? i : i << 4);
		}
		len = rb_dns_reverse_name6(&block, full);
		err = add_apex(b, full + skip, len - skip);
		if (err)
			return err;
	}
	return 0;
}

static int add_static(struct builder *b)
{
	const struct rb_cfg_dns *dns = &b->cfg->dns;
	uint8_t owner[RB_DNS_NAME_MAX], rdata[RB_DNS_NAME_MAX + 6 + 8 * 256];
	size_t len, n;
	int err = 0;

	for (size_t i = 0; !err && i < dns->n_hosts; i++) {
		const struct rb_cfg_dns_host *host = &dns->hosts[i];

		len = name_of(b, host->name, owner);
		for (uint8_t k = 0; !err && k < host->ipv4.count; k++)
			err = add(b, owner, len, RB_DNS_A, &host->ipv4.addr[k], 4);
		for (uint8_t k = 0; !err && k < host->ipv6.count; k++)
			err = add(b, owner, len, RB_DNS_AAAA, &host->ipv6.addr[k], 16);
	}
	for (size_t i = 0; !err && i < dns->n_cnames; i++) {
		len = name_of(b, dns->cnames[i].name, owner);
		n = name_of(b, dns->cnames[i].target, rdata);
		err = add(b, owner, len, RB_DNS_CNAME, rdata, n);
	}
	for (size_t i = 0; !err && i < dns->n_srvs; i++) {
		const struct rb_cfg_dns_srv *srv = &dns->srvs[i];

		len = name_of(b, srv->name, owner);
		rb_dns_put_u16(rdata, srv->priority);
		rb_dns_put_u16(rdata + 2, srv->weight);
		rb_dns_put_u16(rdata + 4, srv->port);
		n = name_of(b, srv->target, rdata + 6);
		err = add(b, owner, len, RB_DNS_SRV, rdata, 6 + n);
	}
	for (size_t i = 0; !err && i < dns->n_txts; i++) {
		const struct rb_cfg_dns_txt *txt = &dns->txts[i];

		len = name_of(b, txt->name, owner);
		n = 0;
		for (uint8_t k = 0; k < txt->n_text; k++) {
			size_t t = strlen(txt->text[k]);

			rdata[n++] = (uint8_t)t;
			memcpy(rdata + n, txt->text[k], t);
			n += t;
		}
		err = add(b, owner, len, RB_DNS_TXT, rdata, n);
	}
	return err;
}

/* A or AAAA of a device's hostname and the PTR of the address. */
static int add_device_addr(struct builder *b, const struct rb_cfg_device *dev, bool ipv6,
			   const void *addr)
{
	uint8_t owner[RB_DNS_NAME_MAX], reverse[RB_DNS_NAME_MAX];
	size_t len = name_of(b, dev->hostname, owner), rlen;
	int err;

	if (!len)
		return 0;
	err = add(b, owner, len, ipv6 ? RB_DNS_AAAA : RB_DNS_A, addr, ipv6 ? 16 : 4);
	if (err)
		return err;
	rlen = ipv6 ? rb_dns_reverse_name6(addr, reverse) :
		      rb_dns_reverse_name4(*(const uint32_t *)addr, reverse);
	return add(b, reverse, rlen, RB_DNS_PTR, owner, len);
}

static int add_devices(struct builder *b, const struct rb_dns_leased *leased, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < b->cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &b->cfg->devices[i];

		if (!dev->hostname[0])
			continue;
		if (dev->ipv4)
			err = add_device_addr(b, dev, false, &dev->ipv4);
		if (!err && dev->has_ipv6)
			err = add_device_addr(b, dev, true, &dev->ipv6);
	}
	for (size_t i = 0; !err && i < n; i++) {
		const struct rb_cfg_device *dev;

		if (leased[i].device >= b->cfg->n_devices)
			continue;
		dev = &b->cfg->devices[leased[i].device];
		if (dev->hostname[0])
			err = add_device_addr(b, dev, leased[i].ipv6,
					      leased[i].ipv6 ? (const void *)&leased[i].addr6 :
							       (const void *)&leased[i].ipv4);
	}
	return err;
}

static int build(struct builder *b, const struct rb_dns_leased *leased, size_t n)
{
	const struct rb_config *cfg = b->cfg;
	int err;

	b->origin_len = rb_dns_name_from_text(cfg->dns.zone, (const uint8_t *)"", 1, b->origin);
	if (!b->origin_len || prepare_apex_records(b))
		return -EINVAL;
	err = add_apex(b, b->origin, b->origin_len);
	for (size_t i = 0; !err && i < cfg->n_subnets; i++)
		err = add_reverse4(b, cfg->subnets[i].prefix, cfg->subnets[i].prefix_len);
	for (size_t i = 0; !err && i < cfg->n_subnets6; i++)
		err = add_reverse6(b, &cfg->subnets6[i].prefix, cfg->subnets6[i].prefix_len);
	err = err ?: add_static(b);
	return err ?: add_devices(b, leased, n);
}

int rb_dns_build(const struct rb_config *cfg, const struct rb_dns_leased *leased, size_t n,
		 struct rb_dns_zone **out, size_t *skipped)
{
	struct builder b = { .cfg = cfg };
	int err;

	*out = NULL;
	b.z = rb_dns_zone_new();
	if (!b.z) {
		log_err("dns: allocating the zone table failed: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	err = build(&b, leased, n);
	if (err) {
		log_err("dns: building zone %s failed: %s", cfg->dns.zone, strerror(-err));
		rb_dns_zone_free(b.z);
		return err;
	}
	*skipped = b.skipped;
	*out = b.z;
	return 0;
}
