// SPDX-License-Identifier: MIT
/*
 * Conversion of a validated data tree into struct rb_config.  libyang
 * has checked every type, range and reference and filled in the YANG
 * defaults, so this file only copies values.  The exceptions are the
 * defaults computed from other leaves (next-server, T1 and T2) and the
 * size of option 143, which depends on the whole URI list.  The DHCPv6
 * and router advertisement parts are in config_dhcp6.c and config_ra.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "rackboot/dhcp4_wire.h"
#include "rackboot/tftp_maps.h"

static void convert_globals(const struct lyd_node *root, struct rb_config *cfg)
{
	const struct lyd_node *tftp = rb_cfg_child(root, "tftp");
	const struct lyd_value *port, *windowsize, *block_store, *timeout, *retries;

	rb_cfg_copy_str(cfg->bpffs_pin_path, sizeof(cfg->bpffs_pin_path), rb_cfg_child_str(root, "bpffs-pin-path"));
	rb_cfg_copy_str(cfg->log_level, sizeof(cfg->log_level), rb_cfg_child_str(root, "log-level"));
	rb_cfg_copy_str(cfg->tftp_root, sizeof(cfg->tftp_root), rb_cfg_child_str(tftp, "root"));

	port = rb_cfg_child_value(tftp, "port");
	cfg->tftp_port = port ? port->uint16 : 0;
	windowsize = rb_cfg_child_value(tftp, "windowsize-max");
	cfg->tftp_windowsize_max = windowsize ? windowsize->uint16 : 16;
	timeout = rb_cfg_child_value(tftp, "retransmit-timeout");
	cfg->tftp_timeout_ms = timeout ? timeout->uint32 : 1000;
	retries = rb_cfg_child_value(tftp, "retries");
	cfg->tftp_retries = retries ? retries->uint8 : 5;
	block_store = rb_cfg_child_value(tftp, "xdp-block-store");
	cfg->tftp_block_store_mib = block_store ? block_store->uint32 : RB_TFTP_BLOCK_STORE_MIB_DEFAULT;
	port = rb_cfg_child_value(rb_cfg_child(root, "dhcpv4"), "server-port");
	cfg->dhcp4_server_port = port ? port->uint16 : 0;
	port = rb_cfg_child_value(rb_cfg_child(root, "dhcpv4"), "decline-quarantine");
	cfg->decline_quarantine = port ? port->uint32 : 300;

	/* libyang fills in the store container and its defaults; the fallbacks are the same. */
	rb_cfg_copy_str(cfg->store_path, sizeof(cfg->store_path),
		 rb_cfg_child_str(rb_cfg_child(root, "store"), "path") ?: "/var/lib/rackboot");
	port = rb_cfg_child_value(rb_cfg_child(root, "store"), "map-size");
	cfg->store_map_size = (uint64_t)(port ? port->uint32 : 256) << 20;
	port = rb_cfg_child_value(rb_cfg_child(root, "store"), "commit-interval");
	cfg->store_commit_ms = port ? port->uint32 : 100;
}

/* libyang fills in the container and its defaults; the fallbacks are the same. */
static void convert_flood(const struct lyd_node *flood, struct rb_cfg_iface *iface)
{
	const struct lyd_value *value;

	value = rb_cfg_child_value(flood, "unknown-device-rate");
	iface->unknown_rate = value ? value->uint32 : 1000;
	value = rb_cfg_child_value(flood, "unknown-device-burst");
	iface->unknown_burst = value ? value->uint32 : 200;
	value = rb_cfg_child_value(flood, "unknown-device-circuit-rate");
	iface->circuit_rate = value ? value->uint32 : 100;
	value = rb_cfg_child_value(flood, "unknown-device-circuit-burst");
	iface->circuit_burst = value ? value->uint32 : 20;
}

static int convert_ifaces(const struct lyd_node *root, struct rb_config *cfg)
{
	const struct lyd_node *container = rb_cfg_child(root, "interfaces"), *node;
	size_t i = 0;

	cfg->n_ifaces = rb_cfg_count_entries(container, "interface");
	if (cfg->n_ifaces == 0)
		return 0;
	cfg->ifaces = calloc(cfg->n_ifaces, sizeof(*cfg->ifaces));
	if (!cfg->ifaces)
		return -ENOMEM;

	RB_CFG_FOR_EACH_ENTRY(container, "interface", node) {
		struct rb_cfg_iface *iface = &cfg->ifaces[i++];
		const char *mode = rb_cfg_child_str(node, "xdp-mode");

		rb_cfg_copy_str(iface->name, sizeof(iface->name), rb_cfg_child_str(node, "name"));
		iface->xdp_mode = mode && strcmp(mode, "skb") == 0 ? RB_XDP_MODE_SKB : RB_XDP_MODE_NATIVE;
		convert_flood(rb_cfg_child(node, "flood-protection"), iface);
	}
	return 0;
}

static void convert_addrs(const struct lyd_node *subnet, const char *name, struct rb_cfg_addrs *out)
{
	const struct lyd_node *node;

	out->count = 0;
	RB_CFG_FOR_EACH_ENTRY(subnet, name, node) {
		if (out->count < RB_CFG_ADDRS_MAX)
			out->addr[out->count++] = rb_cfg_ipv4(lyd_get_value(node));
	}
}

static void convert_prefix(const char *text, struct rb_cfg_subnet *subnet)
{
	char addr[INET_ADDRSTRLEN + 4];
	char *slash;

	rb_cfg_copy_str(addr, sizeof(addr), text);
	slash = strchr(addr, '/');
	if (!slash)
		return;
	*slash = '\0';
	subnet->prefix = rb_cfg_ipv4(addr);
	subnet->prefix_len = (uint8_t)atoi(slash + 1);
}

static void convert_subnet(const struct lyd_node *node, struct rb_cfg_subnet *subnet)
{
	const struct lyd_value *value;
	const char *next_server;

	rb_cfg_copy_str(subnet->name, sizeof(subnet->name), rb_cfg_child_str(node, "name"));
	rb_cfg_copy_str(subnet->interface, sizeof(subnet->interface), rb_cfg_child_str(node, "interface"));
	convert_prefix(rb_cfg_child_str(node, "prefix"), subnet);
	subnet->server_id = rb_cfg_ipv4(rb_cfg_child_str(node, "server-address"));

	next_server = rb_cfg_child_str(node, "next-server");
	subnet->next_server = next_server ? rb_cfg_ipv4(next_server) : subnet->server_id;

	/* T1 and T2 default to 1/2 and 7/8 of the lease (RFC 2131, section 4.4.5). */
	value = rb_cfg_child_value(node, "lease-time");
	subnet->lease_time = value ? value->uint32 : 0;
	value = rb_cfg_child_value(node, "renewal-time");
	subnet->renewal_time = value ? value->uint32 : subnet->lease_time / 2;
	value = rb_cfg_child_value(node, "rebinding-time");
	subnet->rebinding_time = value ? value->uint32 :
					 (uint32_t)((uint64_t)subnet->lease_time * 7 / 8);

	/* The YANG default is true, so the leaf is always present. */
	value = rb_cfg_child_value(node, "authoritative");
	subnet->not_authoritative = value && !value->boolean;

	value = rb_cfg_child_value(node, "time-offset");
	subnet->has_time_offset = value != NULL;
	subnet->time_offset = value ? value->int32 : 0;

	convert_addrs(node, "routers", &subnet->routers);
	convert_addrs(node, "time-servers", &subnet->time_servers);
	convert_addrs(node, "dns-servers", &subnet->dns_servers);
	convert_addrs(node, "log-servers", &subnet->log_servers);
	rb_cfg_copy_str(subnet->domain_name, sizeof(subnet->domain_name), rb_cfg_child_str(node, "domain-name"));
	rb_cfg_copy_str(subnet->tftp_server_name, sizeof(subnet->tftp_server_name),
		 rb_cfg_child_str(node, "tftp-server-name"));
}

static int convert_subnets(const struct lyd_node *root, struct rb_config *cfg,
			   struct rb_cfg_sources *src)
{
	const struct lyd_node *container = rb_cfg_child(root, "dhcpv4"), *node;
	size_t i = 0;

	cfg->n_subnets = rb_cfg_count_entries(container, "subnet");
	if (cfg->n_subnets == 0)
		return 0;
	cfg->subnets = calloc(cfg->n_subnets, sizeof(*cfg->subnets));
	src->subnets = calloc(cfg->n_subnets, sizeof(*src->subnets));
	if (!cfg->subnets || !src->subnets)
		return -ENOMEM;

	RB_CFG_FOR_EACH_ENTRY(container, "subnet", node) {
		src->subnets[i] = node;
		convert_subnet(node, &cfg->subnets[i++]);
	}
	return 0;
}

static int compare_arch(const void *a, const void *b)
{
	const struct rb_cfg_bootfile *x = a, *y = b;

	return (int)x->arch - (int)y->arch;
}

static int add_bootfile(struct rb_cfg_profile *profile, uint16_t arch, bool ipxe, const char *file)
{
	struct rb_cfg_bootfile *bootfile;

	if (profile->n_bootfiles >= RB_BOOTFILES_MAX)
		return -E2BIG;
	bootfile = &profile->bootfiles[profile->n_bootfiles++];
	bootfile->arch = arch;
	bootfile->ipxe = ipxe;
	rb_cfg_copy_str(bootfile->file, sizeof(bootfile->file), file);
	return 0;
}

/* Boot files in match order: HTTP, iPXE, then by architecture, then the default. */
static int convert_profile(const struct lyd_node *node, struct rb_cfg_profile *profile)
{
	const char *http = rb_cfg_child_str(node, "http-boot-file");
	const char *ipxe = rb_cfg_child_str(node, "ipxe-boot-file");
	const char *fallback = rb_cfg_child_str(node, "default-boot-file");
	const struct lyd_node *entry;
	size_t first_arch;
	int ret = 0;

	rb_cfg_copy_str(profile->name, sizeof(profile->name), rb_cfg_child_str(node, "name"));

	if (http) {
		ret = add_bootfile(profile, RB_ARCH_ANY, false, http);
		if (!ret)
			profile->bootfiles[profile->n_bootfiles - 1].http = true;
	}
	if (!ret && ipxe)
		ret = add_bootfile(profile, RB_ARCH_ANY, true, ipxe);

	first_arch = profile->n_bootfiles;
	RB_CFG_FOR_EACH_ENTRY(node, "boot-file", entry) {
		const struct lyd_value *arch = rb_cfg_child_value(entry, "arch");

		if (!ret && arch)
			ret = add_bootfile(profile, arch->uint16, false, rb_cfg_child_str(entry, "file"));
	}
	qsort(&profile->bootfiles[first_arch], profile->n_bootfiles - first_arch,
	      sizeof(profile->bootfiles[0]), compare_arch);

	if (!ret && fallback)
		ret = add_bootfile(profile, RB_ARCH_ANY, false, fallback);
	return ret;
}

/*
 * Copy the SZTP bootstrap server URIs.  Each takes a 2-byte length and
 * its bytes in option 143, and the whole list must fit one option
 * because rackboot does not split options (RFC 3396 concatenation).
 */
static void convert_sztp_servers(const struct lyd_node *node, struct rb_cfg_profile *profile,
				 struct rb_cfg_errors *errs)
{
	const struct lyd_node *entry;
	size_t payload = 0;
	char path[512];

	RB_CFG_FOR_EACH_ENTRY(node, "sztp-bootstrap-servers", entry) {
		const char *uri = lyd_get_value(entry);

		if (!uri || profile->n_sztp_servers >= RB_CFG_URIS_MAX)
			continue;
		payload += 2 + strlen(uri);
		if (payload > RB_CFG_OPTION_MAX) {
			rb_cfg_err_add(errs, rb_cfg_child_path(node, "sztp-bootstrap-servers", path,
							       sizeof(path)),
				       uri, "option 143 would be %zu bytes with this URI, more than "
				       "%d: each URI takes its length plus 2 bytes, so list fewer "
				       "or shorter bootstrap servers", payload, RB_CFG_OPTION_MAX);
			return;
		}
		rb_cfg_copy_str(profile->sztp_servers[profile->n_sztp_servers],
			 sizeof(profile->sztp_servers[0]), uri);
		profile->n_sztp_servers++;
	}
}

/*
 * PXE_DISCOVERY_CONTROL goes in an option 43 of its own, so a profile
 * cannot also send a raw option 43: a client would get two of them.
 */
static void convert_pxe_discovery(const struct lyd_node *node, struct rb_cfg_profile *profile,
				  struct rb_cfg_errors *errs)
{
	const struct lyd_value *value = rb_cfg_child_value(node, "pxe-discovery-control");
	char path[512];

	if (!value)
		return;
	if (profile->vendor_info_len) {
		rb_cfg_err_add(errs, rb_cfg_child_path(node, "pxe-discovery-control", path,
						       sizeof(path)),
			       lyd_get_value(rb_cfg_child(node, "pxe-discovery-control")),
			       "pxe-discovery-control and vendor-specific-info both set option 43; "
			       "remove one, or put PXE vendor option 6 into vendor-specific-info");
		return;
	}
	profile->has_pxe_discovery_control = true;
	profile->pxe_discovery_control = value->uint8;
}

static void convert_profile_options(const struct lyd_node *node, struct rb_cfg_profile *profile,
				    struct rb_cfg_errors *errs)
{
	convert_addrs(node, "tftp-server-addresses", &profile->tftp_server_addrs);
	rb_cfg_convert_hex(rb_cfg_child_str(node, "vendor-specific-info"), profile->vendor_info,
		    sizeof(profile->vendor_info), &profile->vendor_info_len);
	convert_sztp_servers(node, profile, errs);
	convert_pxe_discovery(node, profile, errs);
	rb_cfg_convert_profile_ipxe(node, profile);
}

static int convert_profiles(const struct lyd_node *root, struct rb_config *cfg,
			    struct rb_cfg_errors *errs)
{
	const struct lyd_node *container = rb_cfg_child(root, "boot-profiles"), *node;
	char path[512];
	size_t i = 0;

	cfg->n_profiles = rb_cfg_count_entries(container, "profile");
	if (cfg->n_profiles == 0)
		return 0;
	cfg->profiles = calloc(cfg->n_profiles, sizeof(*cfg->profiles));
	if (!cfg->profiles)
		return -ENOMEM;

	/* The YANG must already limits the count, and this check keeps the array safe. */
	RB_CFG_FOR_EACH_ENTRY(container, "profile", node) {
		struct rb_cfg_profile *profile = &cfg->profiles[i++];

		if (convert_profile(node, profile))
			rb_cfg_err_add(errs, rb_cfg_node_path(node, path, sizeof(path)), NULL,
				       "more than %d boot files; remove some", RB_BOOTFILES_MAX);
		convert_profile_options(node, profile, errs);
	}
	return 0;
}

size_t rb_cfg_profile_index(const struct rb_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_profiles; i++) {
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return i;
	}
	return 0;	/* unreachable: the leafref names an existing profile */
}

/* One relay agent ID, given as text in NAME or as hex in NAME-hex. */
static void convert_relay_id(const struct lyd_node *relay, const char *name, uint8_t *out,
			     uint8_t *len)
{
	const char *text = rb_cfg_child_str(relay, name);
	char hex_name[32];

	if (text) {
		*len = (uint8_t)strnlen(text, RB_CFG_RELAY_ID_MAX);
		memcpy(out, text, *len);
		return;
	}
	snprintf(hex_name, sizeof(hex_name), "%s-hex", name);
	rb_cfg_convert_hex(rb_cfg_child_str(relay, hex_name), out, RB_CFG_RELAY_ID_MAX, len);
}

static void convert_relay(const struct lyd_node *relay, struct rb_cfg_device *device)
{
	const char *address;

	if (!relay)
		return;
	address = rb_cfg_child_str(relay, "address");
	device->relay_giaddr = address ? rb_cfg_ipv4(address) : 0;
	convert_relay_id(relay, "circuit-id", device->circuit_id, &device->circuit_id_len);
	convert_relay_id(relay, "remote-id", device->remote_id, &device->remote_id_len);
	device->relay_key.giaddr = device->relay_giaddr;
	device->relay_key.id_hash = rb_relay_id_hash(device->circuit_id, device->circuit_id_len,
						     device->remote_id, device->remote_id_len);
}

static void convert_device(const struct lyd_node *node, const struct rb_config *cfg,
			   struct rb_cfg_device *device)
{
	const char *mac = rb_cfg_child_str(node, "mac");
	const char *profile = rb_cfg_child_str(node, "profile");

	if (mac)
		sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &device->mac[0], &device->mac[1],
		       &device->mac[2], &device->mac[3], &device->mac[4], &device->mac[5]);
	device->ipv4 = rb_cfg_ipv4(rb_cfg_child_str(node, "ipv4-address"));
	rb_cfg_copy_str(device->hostname, sizeof(device->hostname), rb_cfg_child_str(node, "hostname"));
	device->profile = profile ? rb_cfg_profile_index(cfg, profile) : 0;
	convert_relay(rb_cfg_child(node, "relay-agent"), device);
	rb_cfg_convert_device6(node, device);
}

/* The pool of one subnet; runs after convert_profiles for the profile index. */
static void convert_pool(const struct lyd_node *subnet_node, const struct rb_config *cfg,
			 struct rb_cfg_subnet *subnet)
{
	const struct lyd_node *pool = rb_cfg_child(subnet_node, "pool"), *node;
	const char *profile;

	if (!pool)
		return;
	RB_CFG_FOR_EACH_ENTRY(pool, "range", node) {
		struct rb_cfg_pool_range *range;

		/* YANG max-elements limits the count; this keeps the array safe. */
		if (subnet->n_pool_ranges >= RB_CFG_POOL_RANGES_MAX)
			break;
		range = &subnet->pool_ranges[subnet->n_pool_ranges++];
		range->start = rb_cfg_ipv4(rb_cfg_child_str(node, "start"));
		range->end = rb_cfg_ipv4(rb_cfg_child_str(node, "end"));
	}
	profile = rb_cfg_child_str(pool, "profile");
	subnet->pool_profile = profile ? rb_cfg_profile_index(cfg, profile) : 0;
}

static int convert_devices(const struct lyd_node *root, struct rb_config *cfg,
			   struct rb_cfg_sources *src)
{
	const struct lyd_node *container = rb_cfg_child(root, "inventory"), *node;
	size_t i = 0;

	cfg->n_devices = rb_cfg_count_entries(container, "device");
	if (cfg->n_devices == 0)
		return 0;
	cfg->devices = calloc(cfg->n_devices, sizeof(*cfg->devices));
	src->devices = calloc(cfg->n_devices, sizeof(*src->devices));
	if (!cfg->devices || !src->devices)
		return -ENOMEM;

	RB_CFG_FOR_EACH_ENTRY(container, "device", node) {
		src->devices[i] = node;
		convert_device(node, cfg, &cfg->devices[i++]);
	}
	return 0;
}

static const struct lyd_node *find_root(const struct lyd_node *tree)
{
	const struct lyd_node *node;

	LY_LIST_FOR(tree, node) {
		if (node->schema && strcmp(node->schema->module->name, RB_CFG_MODULE) == 0 &&
		    strcmp(node->schema->name, RB_CFG_MODULE) == 0)
			return node;
	}
	return NULL;
}

int rb_cfg_convert(const struct lyd_node *tree, struct rb_config *cfg,
		   struct rb_cfg_sources *src, struct rb_cfg_errors *errs)
{
	const struct lyd_node *root = find_root(tree);
	int ret;

	if (!root)
		return 0;

	convert_globals(root, cfg);
	ret = convert_ifaces(root, cfg);
	if (!ret)
		ret = convert_subnets(root, cfg, src);
	if (!ret)
		ret = convert_profiles(root, cfg, errs);
	if (!ret)
		ret = convert_devices(root, cfg, src);
	for (size_t i = 0; !ret && i < cfg->n_subnets; i++)
		convert_pool(src->subnets[i], cfg, &cfg->subnets[i]);
	if (!ret)
		ret = rb_cfg_convert_dhcp6(root, cfg, src);
	if (!ret)
		ret = rb_cfg_convert_ra(root, cfg, src);
	if (!ret)
		ret = rb_cfg_convert_dns(root, cfg, src);
	if (!ret)
		ret = rb_cfg_convert_syslog(root, cfg);
	if (!ret)
		rb_cfg_convert_http(root, cfg);
	if (!ret)
		rb_cfg_convert_control(root, cfg);
	return ret;
}

void rb_cfg_sources_free(struct rb_cfg_sources *src)
{
	free(src->subnets);
	free(src->devices);
	free(src->subnets6);
	free(src->ras);
	*src = (struct rb_cfg_sources){ 0 };
}
