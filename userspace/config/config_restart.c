// SPDX-License-Identifier: MIT
/*
 * The leaves that a reload cannot apply: sockets, the XDP program's
 * read-only data, the store, thread counts and per-connection buffers
 * are set up once at start.  Everything else (inventory, profiles,
 * subnets and pools, DHCPv6 options, DNS records, RA fields, roots,
 * syslog collectors, flood limits, log level) changes at run time.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

#define RB_ROOT_PATH	"/rackboot:rackboot"

/* LEAF_PRESENT: a bool that is true when a container is in the file. */
enum leaf_kind { LEAF_BOOL, LEAF_PRESENT, LEAF_U16, LEAF_U32, LEAF_U64, LEAF_STR };

/* A scalar leaf of struct rb_config that a reload rejects when it changes. */
struct fixed_leaf {
	const char *path;	/* below RB_ROOT_PATH */
	enum leaf_kind kind;
	size_t offset;
	size_t size;		/* of a LEAF_STR buffer */
};

#define LEAF(path, kind, field) \
	{ path, kind, offsetof(struct rb_config, field), sizeof(((struct rb_config *)0)->field) }

static const struct fixed_leaf fixed_leaves[] = {
	LEAF("/bpffs-pin-path", LEAF_STR, bpffs_pin_path),
	LEAF("/dhcpv4/server-port", LEAF_U16, dhcp4_server_port),
	LEAF("/dhcpv6/server-port", LEAF_U16, dhcp6_server_port),
	LEAF("/tftp/port", LEAF_U16, tftp_port),
	LEAF("/tftp/windowsize-max", LEAF_U16, tftp_windowsize_max),
	LEAF("/tftp/retransmit-timeout", LEAF_U32, tftp_timeout_ms),
	LEAF("/tftp/retries", LEAF_U16, tftp_retries),
	LEAF("/tftp/xdp-block-store", LEAF_U32, tftp_block_store_mib),
	LEAF("/control/socket-path", LEAF_STR, control.socket_path),
	LEAF("/control/group", LEAF_STR, control.group),
	LEAF("/control/max-clients", LEAF_U32, control.max_clients),
	LEAF("/control/idle-timeout", LEAF_U32, control.idle_timeout_s),
	LEAF("/store/path", LEAF_STR, store_path),
	LEAF("/store/map-size", LEAF_U64, store_map_size),
	LEAF("/store/commit-interval", LEAF_U32, store_commit_ms),
	LEAF("/http", LEAF_PRESENT, http.enabled),
	LEAF("/http/port", LEAF_U16, http.port),
	LEAF("/http/workers", LEAF_U16, http.workers),
	LEAF("/http/max-connections", LEAF_U32, http.max_connections),
	LEAF("/http/idle-timeout", LEAF_U32, http.idle_timeout_s),
	LEAF("/http/https", LEAF_PRESENT, http.https_enabled),
	LEAF("/http/https/port", LEAF_U16, http.https_port),
	LEAF("/http/https/certificate", LEAF_STR, http.https_certificate),
	LEAF("/http/https/private-key", LEAF_STR, http.https_private_key),
	LEAF("/dns", LEAF_PRESENT, dns.enabled),
	LEAF("/dns/port", LEAF_U16, dns.port),
	LEAF("/dns/tcp/max-connections", LEAF_U16, dns.tcp_max_connections),
	LEAF("/dns/forwarding/enabled", LEAF_BOOL, dns.forwarding),
	LEAF("/syslog/enabled", LEAF_BOOL, syslog.enabled),
	LEAF("/syslog/udp-port", LEAF_U16, syslog.udp_port),
	LEAF("/syslog/tcp-port", LEAF_U16, syslog.tcp_port),
	LEAF("/syslog/max-message-size", LEAF_U32, syslog.max_message),
	LEAF("/syslog/entries-per-device", LEAF_U32, syslog.entries_per_device),
	LEAF("/syslog/max-connections", LEAF_U32, syslog.max_connections),
	LEAF("/syslog/idle-timeout", LEAF_U32, syslog.idle_timeout_s),
	LEAF("/syslog/tls", LEAF_PRESENT, syslog.tls_enabled),
	LEAF("/syslog/tls/port", LEAF_U16, syslog.tls_port),
	LEAF("/syslog/tls/certificate", LEAF_STR, syslog.tls_certificate),
	LEAF("/syslog/tls/private-key", LEAF_STR, syslog.tls_private_key),
	LEAF("/syslog/tls/client-ca-certificates", LEAF_STR, syslog.tls_client_ca),
};

/* Write the value of leaf in cfg as text. */
static void leaf_text(const struct fixed_leaf *leaf, const struct rb_config *cfg, char *out,
		      size_t size)
{
	const char *base = (const char *)cfg + leaf->offset;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (leaf->kind) {
	case LEAF_BOOL:
		snprintf(out, size, "%s", *(const bool *)base ? "true" : "false");
		break;
	case LEAF_PRESENT:
		snprintf(out, size, "%s", *(const bool *)base ? "present" : "absent");
		break;
	case LEAF_U16:
		memcpy(&u16, base, sizeof(u16));
		snprintf(out, size, "%u", u16);
		break;
	case LEAF_U32:
		memcpy(&u32, base, sizeof(u32));
		snprintf(out, size, "%" PRIu32, u32);
		break;
	case LEAF_U64:
		memcpy(&u64, base, sizeof(u64));
		snprintf(out, size, "%" PRIu64, u64);
		break;
	case LEAF_STR:
		snprintf(out, size, "%.*s", (int)strnlen(base, leaf->size), base);
		break;
	}
}

struct leaf_list {
	struct rb_cfg_restart_leaf *items;
	size_t max;
	size_t count;		/* may pass max: the rest are counted only */
};

static void list_add(struct leaf_list *list, const char *path, const char *old_value,
		     const char *new_value)
{
	if (list->count < list->max) {
		struct rb_cfg_restart_leaf *leaf = &list->items[list->count];

		snprintf(leaf->path, sizeof(leaf->path), RB_ROOT_PATH "%s", path);
		snprintf(leaf->old_value, sizeof(leaf->old_value), "%s", old_value);
		snprintf(leaf->new_value, sizeof(leaf->new_value), "%s", new_value);
	}
	list->count++;
}

static void check_fixed(const struct rb_config *running, const struct rb_config *next,
			struct leaf_list *list)
{
	for (size_t i = 0; i < sizeof(fixed_leaves) / sizeof(fixed_leaves[0]); i++) {
		const struct fixed_leaf *leaf = &fixed_leaves[i];
		char old_value[256], new_value[256];

		leaf_text(leaf, running, old_value, sizeof(old_value));
		leaf_text(leaf, next, new_value, sizeof(new_value));
		if (strcmp(old_value, new_value) != 0)
			list_add(list, leaf->path, old_value, new_value);
	}
}

/* The interface names in order, as "rb0 (native), rb1 (skb)". */
static void ifaces_text(const struct rb_config *cfg, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cfg->n_ifaces && used < size; i++) {
		int n = snprintf(out + used, size - used, "%s%s (%s)", i ? ", " : "",
				 cfg->ifaces[i].name,
				 cfg->ifaces[i].xdp_mode == RB_XDP_MODE_SKB ? "skb" : "native");

		used += n > 0 ? (size_t)n : 0;
	}
}

/* The program stays attached to the same links in the same mode; flood limits may change. */
static void check_ifaces(const struct rb_config *running, const struct rb_config *next,
			 struct leaf_list *list)
{
	char old_value[256], new_value[256];

	ifaces_text(running, old_value, sizeof(old_value));
	ifaces_text(next, new_value, sizeof(new_value));
	if (strcmp(old_value, new_value) != 0)
		list_add(list, "/interfaces/interface", old_value, new_value);
}

/* The DHCPv6 server and its socket exist only when some subnet6 does. */
static void check_dhcp6(const struct rb_config *running, const struct rb_config *next,
			struct leaf_list *list)
{
	char old_value[64], new_value[64];
	char duid_old[2 * RB_CFG_DUID_MAX + 1], duid_new[2 * RB_CFG_DUID_MAX + 1];

	if ((running->n_subnets6 == 0) != (next->n_subnets6 == 0)) {
		snprintf(old_value, sizeof(old_value), "%zu subnets", running->n_subnets6);
		snprintf(new_value, sizeof(new_value), "%zu subnets", next->n_subnets6);
		list_add(list, "/dhcpv6/subnet", old_value, new_value);
	}
	if (next->server_duid_len == 0 ||
	    (next->server_duid_len == running->server_duid_len &&
	     memcmp(next->server_duid, running->server_duid, next->server_duid_len) == 0))
		return;
	for (size_t i = 0; i < running->server_duid_len; i++)
		snprintf(duid_old + 2 * i, 3, "%02x", running->server_duid[i]);
	duid_old[2 * running->server_duid_len] = '\0';
	for (size_t i = 0; i < next->server_duid_len; i++)
		snprintf(duid_new + 2 * i, 3, "%02x", next->server_duid[i]);
	duid_new[2 * next->server_duid_len] = '\0';
	list_add(list, "/dhcpv6/server-duid", duid_old, duid_new);
}

/* Bit 0: an IPv4 upstream, bit 1: an IPv6 upstream. */
static unsigned upstream_families(const struct rb_cfg_dns *dns)
{
	unsigned families = 0;

	for (uint8_t i = 0; dns->forwarding && i < dns->n_upstreams; i++)
		families |= dns->upstreams[i].ipv6 ? 2u : 1u;
	return families;
}

static const char *families_text(unsigned families)
{
	static const char *const names[] = { "none", "IPv4", "IPv6", "IPv4 and IPv6" };

	return names[families & 3u];
}

/*
 * A TFTP root turns the TFTP server on, and the DNS upstream sockets are
 * opened per address family at start.
 */
static void check_sockets(const struct rb_config *running, const struct rb_config *next,
			  struct leaf_list *list)
{
	unsigned old_families = upstream_families(&running->dns);
	unsigned new_families = upstream_families(&next->dns);

	if ((running->tftp_root[0] == '\0') != (next->tftp_root[0] == '\0'))
		list_add(list, "/tftp/root", running->tftp_root[0] ? running->tftp_root : "(none)",
			 next->tftp_root[0] ? next->tftp_root : "(none)");
	if (running->dns.forwarding && next->dns.forwarding && (new_families & ~old_families))
		list_add(list, "/dns/forwarding/upstream", families_text(old_families),
			 families_text(new_families));
}

size_t rb_config_restart_leaves(const struct rb_config *running, const struct rb_config *next,
				struct rb_cfg_restart_leaf *out, size_t max)
{
	struct leaf_list list = { .items = out, .max = max };

	check_fixed(running, next, &list);
	check_ifaces(running, next, &list);
	check_dhcp6(running, next, &list);
	check_sockets(running, next, &list);
	return list.count;
}
