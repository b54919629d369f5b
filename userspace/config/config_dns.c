// SPDX-License-Identifier: MIT
/*
 * The dns container: conversion into struct rb_cfg_dns, and the checks
 * that YANG cannot express.  Every name must fit the DNS limits once made
 * absolute (63-byte labels, 255 bytes on the wire), and a CNAME owner
 * has no other records (RFC 1034, section 3.6.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "dns/dns_wire.h"

#define PATH_LEN	512

static uint32_t child_u32(const struct lyd_node *node, const char *name, uint32_t fallback)
{
	const struct lyd_value *value = rb_cfg_child_value(node, name);

	return value ? value->uint32 : fallback;
}

static uint16_t child_u16(const struct lyd_node *node, const char *name, uint16_t fallback)
{
	const struct lyd_value *value = rb_cfg_child_value(node, name);

	return value ? value->uint16 : fallback;
}

/* Allocate *array for the entries of list in dns; returns the count or -ENOMEM. */
static int alloc_list(const struct lyd_node *dns, const char *list, void **array, size_t size)
{
	size_t n = rb_cfg_count_entries(dns, list);

	if (n == 0)
		return 0;
	*array = calloc(n, size);
	return *array ? (int)n : -ENOMEM;
}

static void convert_soa(const struct lyd_node *soa, struct rb_cfg_dns *dns)
{
	/* libyang fills in the defaults; the fallbacks are the same. */
	rb_cfg_copy_str(dns->primary_server, sizeof(dns->primary_server),
			rb_cfg_child_str(soa, "primary-server"));
	rb_cfg_copy_str(dns->contact, sizeof(dns->contact), rb_cfg_child_str(soa, "contact"));
	if (dns->contact[0] == '\0')
		rb_cfg_copy_str(dns->contact, sizeof(dns->contact), "hostmaster");
	dns->serial = child_u32(soa, "serial", 1);
	dns->refresh = child_u32(soa, "refresh", 3600);
	dns->retry = child_u32(soa, "retry", 600);
	dns->expire = child_u32(soa, "expire", 86400);
	dns->minimum = child_u32(soa, "minimum", 60);
}

static void convert_forwarding(const struct lyd_node *fwd, struct rb_cfg_dns *dns)
{
	const struct lyd_value *enabled = rb_cfg_child_value(fwd, "enabled");
	const struct lyd_node *entry;

	dns->forwarding = enabled && enabled->boolean;
	dns->forward_timeout_ms = child_u16(fwd, "timeout", 1000);
	RB_CFG_FOR_EACH_ENTRY(fwd, "upstream", entry) {
		struct rb_cfg_dns_upstream *up;
		const char *address = rb_cfg_child_str(entry, "address");

		/* YANG max-elements limits the count; this keeps the array safe. */
		if (dns->n_upstreams >= RB_CFG_DNS_UPSTREAMS_MAX || !address)
			break;
		up = &dns->upstreams[dns->n_upstreams++];
		up->ipv6 = strchr(address, ':') != NULL;
		if (up->ipv6)
			up->addr6 = rb_cfg_ipv6(address);
		else
			up->ipv4 = rb_cfg_ipv4(address);
		up->port = child_u16(entry, "port", 53);
	}
}

static void convert_host(const struct lyd_node *entry, struct rb_cfg_dns_host *host)
{
	const struct lyd_node *child;

	rb_cfg_copy_str(host->name, sizeof(host->name), rb_cfg_child_str(entry, "name"));
	LY_LIST_FOR(lyd_child(entry), child) {
		if (!child->schema)
			continue;
		if (strcmp(child->schema->name, "ipv4-address") == 0 &&
		    host->ipv4.count < RB_CFG_ADDRS_MAX)
			host->ipv4.addr[host->ipv4.count++] = rb_cfg_ipv4(lyd_get_value(child));
		else if (strcmp(child->schema->name, "ipv6-address") == 0 &&
			 host->ipv6.count < RB_CFG_ADDRS_MAX)
			host->ipv6.addr[host->ipv6.count++] = rb_cfg_ipv6(lyd_get_value(child));
	}
}

static void convert_txt(const struct lyd_node *entry, struct rb_cfg_dns_txt *txt)
{
	const struct lyd_node *child;

	rb_cfg_copy_str(txt->name, sizeof(txt->name), rb_cfg_child_str(entry, "name"));
	RB_CFG_FOR_EACH_ENTRY(entry, "text", child) {
		if (txt->n_text < RB_CFG_DNS_TXT_MAX)
			rb_cfg_copy_str(txt->text[txt->n_text++], sizeof(txt->text[0]),
					lyd_get_value(child));
	}
}

static int convert_records(const struct lyd_node *node, struct rb_cfg_dns *dns)
{
	const struct lyd_node *entry;
	int n;
	size_t i;

	if ((n = alloc_list(node, "host", (void **)&dns->hosts, sizeof(*dns->hosts))) < 0)
		return n;
	i = 0;
	RB_CFG_FOR_EACH_ENTRY(node, "host", entry)
		convert_host(entry, &dns->hosts[i++]);
	dns->n_hosts = i;

	if ((n = alloc_list(node, "cname", (void **)&dns->cnames, sizeof(*dns->cnames))) < 0)
		return n;
	i = 0;
	RB_CFG_FOR_EACH_ENTRY(node, "cname", entry) {
		struct rb_cfg_dns_cname *cname = &dns->cnames[i++];

		rb_cfg_copy_str(cname->name, sizeof(cname->name), rb_cfg_child_str(entry, "name"));
		rb_cfg_copy_str(cname->target, sizeof(cname->target),
				rb_cfg_child_str(entry, "target"));
	}
	dns->n_cnames = i;

	if ((n = alloc_list(node, "srv", (void **)&dns->srvs, sizeof(*dns->srvs))) < 0)
		return n;
	i = 0;
	RB_CFG_FOR_EACH_ENTRY(node, "srv", entry) {
		struct rb_cfg_dns_srv *srv = &dns->srvs[i++];

		rb_cfg_copy_str(srv->name, sizeof(srv->name), rb_cfg_child_str(entry, "name"));
		rb_cfg_copy_str(srv->target, sizeof(srv->target), rb_cfg_child_str(entry, "target"));
		srv->port = child_u16(entry, "port", 0);
		srv->priority = child_u16(entry, "priority", 0);
		srv->weight = child_u16(entry, "weight", 0);
	}
	dns->n_srvs = i;

	if ((n = alloc_list(node, "txt", (void **)&dns->txts, sizeof(*dns->txts))) < 0)
		return n;
	i = 0;
	RB_CFG_FOR_EACH_ENTRY(node, "txt", entry)
		convert_txt(entry, &dns->txts[i++]);
	dns->n_txts = i;
	return 0;
}

int rb_cfg_convert_dns(const struct lyd_node *root, struct rb_config *cfg,
		       struct rb_cfg_sources *src)
{
	const struct lyd_node *node = rb_cfg_child(root, "dns"), *entry;
	const struct lyd_node *tcp;
	struct rb_cfg_dns *dns = &cfg->dns;

	src->dns = node;
	if (!node)
		return 0;
	dns->enabled = true;
	rb_cfg_copy_str(dns->zone, sizeof(dns->zone), rb_cfg_child_str(node, "zone"));
	dns->port = child_u16(node, "port", 53);
	dns->ttl = child_u32(node, "ttl", 300);
	dns->edns_udp_size = child_u16(node, "edns-udp-size", 1232);
	RB_CFG_FOR_EACH_ENTRY(node, "name-server", entry) {
		if (dns->n_name_servers < RB_CFG_DNS_NS_MAX)
			rb_cfg_copy_str(dns->name_servers[dns->n_name_servers++],
					sizeof(dns->name_servers[0]), lyd_get_value(entry));
	}
	convert_soa(rb_cfg_child(node, "soa"), dns);
	tcp = rb_cfg_child(node, "tcp");
	dns->tcp_idle_timeout = child_u16(tcp, "idle-timeout", 10);
	dns->tcp_max_connections = child_u16(tcp, "max-connections", 64);
	convert_forwarding(rb_cfg_child(node, "forwarding"), dns);
	return convert_records(node, dns);
}

/* Report name (at the leaf leaf of entry) unless it converts relative to origin. */
static bool check_name(const char *name, const uint8_t *origin, size_t origin_len,
		       const struct lyd_node *entry, const char *leaf, struct rb_cfg_errors *errs)
{
	uint8_t wire[RB_DNS_NAME_MAX];
	char path[PATH_LEN];

	if (!name[0] || rb_dns_name_from_text(name, origin, origin_len, wire))
		return true;
	rb_cfg_child_path(entry, leaf, path, sizeof(path));
	rb_cfg_err_add(errs, path, name, "is not a valid DNS name in the zone: a label is at most "
		       "63 bytes and the whole name, with the zone appended, at most 253 "
		       "characters; shorten it");
	return false;
}

/* Whether name (relative to origin) is also the owner of a host, SRV or TXT record or a device. */
static bool has_other_records(const struct rb_config *cfg, const uint8_t *name, size_t len,
			      const uint8_t *origin, size_t origin_len)
{
	uint8_t wire[RB_DNS_NAME_MAX];
	size_t n;

	for (size_t i = 0; i < cfg->dns.n_hosts; i++) {
		n = rb_dns_name_from_text(cfg->dns.hosts[i].name, origin, origin_len, wire);
		if (n && rb_dns_name_equal(wire, n, name, len))
			return true;
	}
	for (size_t i = 0; i < cfg->dns.n_srvs; i++) {
		n = rb_dns_name_from_text(cfg->dns.srvs[i].name, origin, origin_len, wire);
		if (n && rb_dns_name_equal(wire, n, name, len))
			return true;
	}
	for (size_t i = 0; i < cfg->dns.n_txts; i++) {
		n = rb_dns_name_from_text(cfg->dns.txts[i].name, origin, origin_len, wire);
		if (n && rb_dns_name_equal(wire, n, name, len))
			return true;
	}
	for (size_t i = 0; i < cfg->n_devices; i++) {
		if (!cfg->devices[i].hostname[0])
			continue;
		n = rb_dns_name_from_text(cfg->devices[i].hostname, origin, origin_len, wire);
		if (n && rb_dns_name_equal(wire, n, name, len))
			return true;
	}
	return false;
}

static void check_cnames(const struct rb_config *cfg, const struct lyd_node *dns,
			 const uint8_t *origin, size_t origin_len, struct rb_cfg_errors *errs)
{
	const struct lyd_node *entry;
	uint8_t wire[RB_DNS_NAME_MAX];
	char path[PATH_LEN];
	size_t n;

	RB_CFG_FOR_EACH_ENTRY(dns, "cname", entry) {
		const char *name = rb_cfg_child_str(entry, "name");

		if (!name || !check_name(name, origin, origin_len, entry, "name", errs))
			continue;
		check_name(rb_cfg_child_str(entry, "target"), origin, origin_len, entry, "target",
			   errs);
		n = rb_dns_name_from_text(name, origin, origin_len, wire);
		if (n == origin_len) {
			rb_cfg_err_add(errs, rb_cfg_child_path(entry, "name", path, sizeof(path)),
				       name, "is the zone itself, which has SOA and NS records, so "
				       "it cannot be a CNAME; use a name inside the zone");
		} else if (has_other_records(cfg, wire, n, origin, origin_len)) {
			rb_cfg_err_add(errs, rb_cfg_child_path(entry, "name", path, sizeof(path)),
				       name, "is a CNAME and also has host, SRV or TXT records or "
				       "is a device hostname, but a CNAME owner has no other records "
				       "(RFC 1034, section 3.6.2); rename one of them");
		}
	}
}

/* Check the names of the entries of list in dns, at the leaves name and target. */
static void check_list_names(const struct lyd_node *dns, const char *list, const uint8_t *origin,
			     size_t origin_len, struct rb_cfg_errors *errs)
{
	const struct lyd_node *entry;

	RB_CFG_FOR_EACH_ENTRY(dns, list, entry) {
		const char *target = rb_cfg_child_str(entry, "target");

		check_name(rb_cfg_child_str(entry, "name"), origin, origin_len, entry, "name", errs);
		if (target)
			check_name(target, origin, origin_len, entry, "target", errs);
	}
}

void rb_cfg_check_dns(const struct rb_config *cfg, const struct lyd_node *dns,
		      struct rb_cfg_errors *errs)
{
	uint8_t origin[RB_DNS_NAME_MAX], wire[RB_DNS_NAME_MAX];
	const struct lyd_node *soa = rb_cfg_child(dns, "soa");
	char path[PATH_LEN];
	size_t origin_len;

	if (!dns)
		return;
	/* The zone is absolute whether or not it ends with a dot. */
	origin_len = rb_dns_name_from_text(cfg->dns.zone, (const uint8_t *)"", 1, origin);
	if (!origin_len) {
		rb_cfg_err_add(errs, rb_cfg_child_path(dns, "zone", path, sizeof(path)),
			       cfg->dns.zone, "is not a valid DNS name: a label is at most 63 "
			       "bytes; shorten it");
		return;
	}
	check_list_names(dns, "host", origin, origin_len, errs);
	check_list_names(dns, "srv", origin, origin_len, errs);
	check_list_names(dns, "txt", origin, origin_len, errs);
	check_cnames(cfg, dns, origin, origin_len, errs);
	for (uint8_t i = 0; i < cfg->dns.n_name_servers; i++) {
		if (!rb_dns_name_from_text(cfg->dns.name_servers[i], origin, origin_len, wire))
			rb_cfg_err_add(errs, rb_cfg_child_path(dns, "name-server", path,
				       sizeof(path)), cfg->dns.name_servers[i],
				       "is not a valid DNS name in the zone; shorten it");
	}
	if (soa) {
		check_name(cfg->dns.primary_server, origin, origin_len, soa, "primary-server", errs);
		check_name(cfg->dns.contact, origin, origin_len, soa, "contact", errs);
	}
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const char *hostname = cfg->devices[i].hostname;

		if (hostname[0] && !rb_dns_name_from_text(hostname, origin, origin_len, wire))
			rb_cfg_err_add(errs, "/rackboot:rackboot/inventory/device", hostname,
				       "with the DNS zone %s appended is longer than 253 "
				       "characters; shorten the hostname or the zone",
				       cfg->dns.zone);
	}
}
