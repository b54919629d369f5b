// SPDX-License-Identifier: MIT
/*
 * Conversion of the dhcpv6 container, the DHCPv6 boot files of the
 * profiles and the DHCPv6 fields of the devices.  libyang has checked
 * types, ranges and must-expressions, so this file copies values.  It
 * also computes the defaults that YANG cannot, T1 and T2 from the
 * preferred lifetime (RFC 8415, section 21.4).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define RB_CFG_INFINITY	0xffffffffu	/* lifetime and T1/T2 value meaning infinity */

static void convert_addrs6(const struct lyd_node *parent, const char *name,
			   struct rb_cfg_addrs6 *out)
{
	const struct lyd_node *node;

	out->count = 0;
	RB_CFG_FOR_EACH_ENTRY(parent, name, node) {
		if (out->count < RB_CFG_ADDRS_MAX)
			out->addr[out->count++] = rb_cfg_ipv6(lyd_get_value(node));
	}
}

static void convert_vendor4491(const struct lyd_node *node, struct rb_cfg_vendor4491 *vendor)
{
	const struct lyd_value *offset = rb_cfg_child_value(node, "time-offset");

	convert_addrs6(node, "tftp-servers", &vendor->tftp_servers);
	rb_cfg_copy_str(vendor->config_file, sizeof(vendor->config_file),
			rb_cfg_child_str(node, "config-file"));
	convert_addrs6(node, "syslog-servers", &vendor->syslog_servers);
	convert_addrs6(node, "time-servers", &vendor->time_servers);
	vendor->has_time_offset = offset != NULL;
	vendor->time_offset = offset ? offset->int32 : 0;
}

/*
 * RFC 8415, section 21.4 recommends T1 and T2 of 0.5 and 0.8 times the
 * preferred lifetime, and infinity for both when that lifetime is
 * infinite.
 */
static void convert_times(const struct lyd_node *node, struct rb_cfg_subnet6 *subnet)
{
	const struct lyd_value *value;
	bool infinite;

	value = rb_cfg_child_value(node, "preferred-lifetime");
	subnet->preferred_lifetime = value ? value->uint32 : 3600;
	value = rb_cfg_child_value(node, "valid-lifetime");
	subnet->valid_lifetime = value ? value->uint32 : 7200;
	infinite = subnet->preferred_lifetime == RB_CFG_INFINITY;

	value = rb_cfg_child_value(node, "renewal-time");
	if (value)
		subnet->renewal_time = value->uint32;
	else
		subnet->renewal_time = infinite ? RB_CFG_INFINITY : subnet->preferred_lifetime / 2;

	value = rb_cfg_child_value(node, "rebinding-time");
	if (value)
		subnet->rebinding_time = value->uint32;
	else
		subnet->rebinding_time = infinite ? RB_CFG_INFINITY :
				(uint32_t)((uint64_t)subnet->preferred_lifetime * 4 / 5);
}

static void convert_domains(const struct lyd_node *node, struct rb_cfg_subnet6 *subnet)
{
	const struct lyd_node *entry;

	subnet->n_domain_search = 0;
	RB_CFG_FOR_EACH_ENTRY(node, "domain-search", entry) {
		if (subnet->n_domain_search >= RB_CFG_DOMAINS_MAX)
			break;
		rb_cfg_copy_str(subnet->domain_search[subnet->n_domain_search++],
				sizeof(subnet->domain_search[0]), lyd_get_value(entry));
	}
}

static void convert_pool6(const struct lyd_node *node, const struct rb_config *cfg,
			  struct rb_cfg_subnet6 *subnet)
{
	const struct lyd_node *pool = rb_cfg_child(node, "pool"), *entry;
	const char *profile;

	if (!pool)
		return;
	RB_CFG_FOR_EACH_ENTRY(pool, "range", entry) {
		struct rb_cfg_pool_range6 *range;

		/* YANG max-elements limits the count; this keeps the array safe. */
		if (subnet->n_pool_ranges >= RB_CFG_POOL_RANGES_MAX)
			break;
		range = &subnet->pool_ranges[subnet->n_pool_ranges++];
		range->start = rb_cfg_ipv6(rb_cfg_child_str(entry, "start"));
		range->end = rb_cfg_ipv6(rb_cfg_child_str(entry, "end"));
	}
	profile = rb_cfg_child_str(pool, "profile");
	subnet->pool_profile = profile ? rb_cfg_profile_index(cfg, profile) : 0;
}

static void convert_subnet6(const struct lyd_node *node, const struct rb_config *cfg,
			    struct rb_cfg_subnet6 *subnet)
{
	const struct lyd_value *rapid = rb_cfg_child_value(node, "rapid-commit");

	rb_cfg_copy_str(subnet->name, sizeof(subnet->name), rb_cfg_child_str(node, "name"));
	rb_cfg_copy_str(subnet->interface, sizeof(subnet->interface),
			rb_cfg_child_str(node, "interface"));
	rb_cfg_ipv6_prefix(rb_cfg_child_str(node, "prefix"), &subnet->prefix, &subnet->prefix_len);
	convert_times(node, subnet);

	/* The YANG default is true, so the leaf is always present. */
	subnet->rapid_commit = !rapid || rapid->boolean;

	convert_addrs6(node, "dns-servers", &subnet->dns_servers);
	convert_domains(node, subnet);
	convert_addrs6(node, "ntp-servers", &subnet->ntp_servers);
	convert_addrs6(node, "sntp-servers", &subnet->sntp_servers);
	convert_vendor4491(rb_cfg_child(node, "vendor-4491"), &subnet->vendor4491);
	convert_pool6(node, cfg, subnet);
}

static int convert_subnets6(const struct lyd_node *dhcpv6, struct rb_config *cfg,
			    struct rb_cfg_sources *src)
{
	const struct lyd_node *node;
	size_t i = 0;

	cfg->n_subnets6 = rb_cfg_count_entries(dhcpv6, "subnet");
	if (cfg->n_subnets6 == 0)
		return 0;
	cfg->subnets6 = calloc(cfg->n_subnets6, sizeof(*cfg->subnets6));
	src->subnets6 = calloc(cfg->n_subnets6, sizeof(*src->subnets6));
	if (!cfg->subnets6 || !src->subnets6)
		return -ENOMEM;

	RB_CFG_FOR_EACH_ENTRY(dhcpv6, "subnet", node) {
		src->subnets6[i] = node;
		convert_subnet6(node, cfg, &cfg->subnets6[i++]);
	}
	return 0;
}

/* Append one rule; the YANG must keeps the count within RB_BOOTFILES_MAX. */
static void add_bootfile6(struct rb_cfg_profile *profile, const struct lyd_node *node,
			  uint16_t arch, bool ipxe)
{
	struct rb_cfg_bootfile6 *bootfile;
	const struct lyd_node *param;

	if (!node || profile->n_bootfiles6 >= RB_BOOTFILES_MAX)
		return;
	bootfile = &profile->bootfiles6[profile->n_bootfiles6++];
	bootfile->arch = arch;
	bootfile->ipxe = ipxe;
	rb_cfg_copy_str(bootfile->url, sizeof(bootfile->url), rb_cfg_child_str(node, "url"));
	RB_CFG_FOR_EACH_ENTRY(node, "parameter", param) {
		if (bootfile->n_params >= RB_CFG_BOOT_PARAMS_MAX)
			break;
		rb_cfg_copy_str(bootfile->params[bootfile->n_params++], sizeof(bootfile->params[0]),
				lyd_get_value(param));
	}
}

static int compare_arch6(const void *a, const void *b)
{
	const struct rb_cfg_bootfile6 *x = a, *y = b;

	return (int)x->arch - (int)y->arch;
}

/* Boot files in match order: iPXE, then by architecture, then the default. */
static void convert_bootfiles6(const struct lyd_node *node, struct rb_cfg_profile *profile)
{
	const struct lyd_node *entry;
	size_t first_arch;

	profile->n_bootfiles6 = 0;
	add_bootfile6(profile, rb_cfg_child(node, "dhcpv6-ipxe-boot-file"), RB_ARCH_ANY, true);

	first_arch = profile->n_bootfiles6;
	RB_CFG_FOR_EACH_ENTRY(node, "dhcpv6-boot-file", entry) {
		const struct lyd_value *arch = rb_cfg_child_value(entry, "arch");

		if (arch)
			add_bootfile6(profile, entry, arch->uint16, false);
	}
	qsort(&profile->bootfiles6[first_arch], profile->n_bootfiles6 - first_arch,
	      sizeof(profile->bootfiles6[0]), compare_arch6);

	add_bootfile6(profile, rb_cfg_child(node, "dhcpv6-default-boot-file"), RB_ARCH_ANY, false);
}

int rb_cfg_convert_dhcp6(const struct lyd_node *root, struct rb_config *cfg,
			 struct rb_cfg_sources *src)
{
	const struct lyd_node *dhcpv6 = rb_cfg_child(root, "dhcpv6");
	const struct lyd_node *profiles = rb_cfg_child(root, "boot-profiles"), *node;
	const struct lyd_value *port = rb_cfg_child_value(dhcpv6, "server-port");
	size_t i = 0;

	/* libyang fills in the container and its default; the fallback is the same. */
	cfg->dhcp6_server_port = port ? port->uint16 : 547;
	rb_cfg_convert_hex(rb_cfg_child_str(dhcpv6, "server-duid"), cfg->server_duid,
			   sizeof(cfg->server_duid), &cfg->server_duid_len);

	/* Profiles were converted in this order by config_convert.c. */
	RB_CFG_FOR_EACH_ENTRY(profiles, "profile", node) {
		if (i >= cfg->n_profiles)
			break;
		convert_bootfiles6(node, &cfg->profiles[i++]);
	}
	return convert_subnets6(dhcpv6, cfg, src);
}

void rb_cfg_convert_device6(const struct lyd_node *node, struct rb_cfg_device *device)
{
	const struct lyd_node *relay = rb_cfg_child(node, "relay-agent");
	const char *ipv6 = rb_cfg_child_str(node, "ipv6-address");
	const char *interface_id = rb_cfg_child_str(relay, "interface-id");

	device->has_ipv6 = ipv6 != NULL;
	device->ipv6 = rb_cfg_ipv6(ipv6);
	rb_cfg_convert_hex(rb_cfg_child_str(node, "duid"), device->duid, sizeof(device->duid),
			   &device->duid_len);

	if (interface_id) {
		device->interface_id_len = (uint8_t)strnlen(interface_id, RB_CFG_RELAY_ID_MAX);
		memcpy(device->interface_id, interface_id, device->interface_id_len);
	} else {
		rb_cfg_convert_hex(rb_cfg_child_str(relay, "interface-id-hex"), device->interface_id,
				   RB_CFG_RELAY_ID_MAX, &device->interface_id_len);
	}
}
