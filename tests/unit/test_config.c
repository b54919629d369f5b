// SPDX-License-Identifier: MIT
/*
 * The config loader with the real YANG module and libyang: the lab
 * example, defaults, every error of an invalid file with its path and
 * value, the checks done in C, values of the wrong JSON shape, and
 * broken JSON.  Run from the repository root, which contains examples/
 * and tests/unit/data/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

/* Building blocks of small configs.  The caller puts the commas between CONFIG() members. */
#define CONFIG(...)	"{\"rackboot:rackboot\": {" __VA_ARGS__ "}}"
#define IFACES		"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}"
#define PROFILES	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", " \
			"\"default-boot-file\": \"pxelinux.0\"}]}"
#define SUBNET(extra)	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", " \
			"\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", " \
			"\"server-address\": \"10.213.0.1\"" extra "}]}"
#define DEVICES(...)	"\"inventory\": {\"device\": [" __VA_ARGS__ "]}"
#define DEVICE(mac, addr) \
	"{\"mac\": \"" mac "\", \"ipv4-address\": \"" addr "\", \"profile\": \"linux\"}"

#define LAB_PATH	"examples/lab.json"
#define SIX_ERRORS_PATH	"tests/unit/data/config-six-errors.json"
#define SHAPE_ERRORS_PATH "tests/unit/data/config-shape-errors.json"
#define DEV_PATH(mac)	"/rackboot:rackboot/inventory/device[mac='" mac "']"
#define SUBNET_PATH	"/rackboot:rackboot/dhcpv4/subnet[name='lab']"

static uint32_t ip(const char *text)
{
	struct in_addr addr;

	assert_int_equal(inet_pton(AF_INET, text, &addr), 1);
	return addr.s_addr;
}

static void print_errors(const struct rb_cfg_errors *errs)
{
	char line[1400];

	for (size_t i = 0; i < errs->count; i++)
		print_message("# error %zu: %s\n", i,
			      rb_cfg_error_format(&errs->items[i], line, sizeof(line)));
}

static const struct rb_cfg_error *find_error(const struct rb_cfg_errors *errs, const char *path,
					     const char *value)
{
	for (size_t i = 0; i < errs->count; i++) {
		if (strcmp(errs->items[i].path, path) == 0 && strcmp(errs->items[i].value, value) == 0)
			return &errs->items[i];
	}
	return NULL;
}

/* Fail unless an error has exactly this path and value and its message contains fragment. */
static void assert_error(const struct rb_cfg_errors *errs, const char *path, const char *value,
			 const char *fragment)
{
	const struct rb_cfg_error *err = find_error(errs, path, value);

	if (!err) {
		print_errors(errs);
		fail_msg("no error with path %s and value \"%s\"", path, value);
	}
	if (!strstr(err->message, fragment)) {
		print_errors(errs);
		fail_msg("error at %s reads \"%s\", expected it to contain \"%s\"", path,
			 err->message, fragment);
	}
}

static void assert_error_count(const struct rb_cfg_errors *errs, size_t count)
{
	if (errs->count != count)
		print_errors(errs);
	assert_int_equal(errs->count, count);
	assert_int_equal(errs->omitted, 0);
}

/* Load json and expect -EINVAL and no config.  The caller frees errs. */
static void load_invalid(const char *json, struct rb_cfg_errors *errs)
{
	struct rb_config *cfg = (struct rb_config *)1;

	assert_int_equal(rb_config_load_string(json, &cfg, errs), -EINVAL);
	assert_null(cfg);
	assert_true(errs->count > 0);
}

static struct rb_config *load_valid(const char *json)
{
	struct rb_cfg_errors errs;
	struct rb_config *cfg = NULL;
	int ret = rb_config_load_string(json, &cfg, &errs);

	if (ret != 0) {
		print_errors(&errs);
		fail_msg("valid config rejected with %d", ret);
	}
	assert_int_equal(errs.count, 0);
	assert_non_null(cfg);
	rb_cfg_errors_free(&errs);
	return cfg;
}

static void assert_bootfile(const struct rb_cfg_bootfile *bootfile, uint16_t arch, bool ipxe,
			    const char *file)
{
	assert_int_equal(bootfile->arch, arch);
	assert_int_equal(bootfile->ipxe, ipxe);
	assert_string_equal(bootfile->file, file);
}

static void lab_example_loads(void **state)
{
	const uint8_t vm_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x0a };
	const uint8_t unknown_mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x0b };
	const struct rb_cfg_subnet *subnet;
	const struct rb_cfg_profile *profile;
	const struct rb_cfg_device *device;
	struct rb_cfg_errors errs;
	struct rb_config *cfg = NULL;
	int ret = rb_config_load(LAB_PATH, &cfg, &errs);

	if (ret)
		print_errors(&errs);
	assert_int_equal(ret, 0);
	assert_int_equal(errs.count, 0);
	assert_non_null(cfg);

	assert_string_equal(cfg->bpffs_pin_path, "/sys/fs/bpf/rackboot");
	assert_string_equal(cfg->log_level, "info");
	assert_string_equal(cfg->tftp_root, "/srv/rackboot/tftp");
	assert_int_equal(cfg->tftp_port, 69);
	assert_int_equal(cfg->tftp_windowsize_max, 16);
	assert_int_equal(cfg->dhcp4_server_port, 67);

	assert_int_equal(cfg->n_ifaces, 1);
	assert_string_equal(cfg->ifaces[0].name, "rb0");
	assert_int_equal(cfg->ifaces[0].xdp_mode, RB_XDP_MODE_NATIVE);

	assert_int_equal(cfg->n_subnets, 1);
	subnet = &cfg->subnets[0];
	assert_string_equal(subnet->name, "lab");
	assert_string_equal(subnet->interface, "rb0");
	assert_int_equal(subnet->prefix, ip("10.213.0.0"));
	assert_int_equal(subnet->prefix_len, 24);
	assert_int_equal(subnet->server_id, ip("10.213.0.1"));
	assert_int_equal(subnet->next_server, ip("10.213.0.1"));
	assert_int_equal(subnet->lease_time, 3600);
	assert_int_equal(subnet->renewal_time, 1800);
	assert_int_equal(subnet->rebinding_time, 3150);
	assert_true(subnet->has_time_offset);
	assert_int_equal(subnet->time_offset, 0);
	assert_int_equal(subnet->routers.count, 1);
	assert_int_equal(subnet->routers.addr[0], ip("10.213.0.1"));
	assert_int_equal(subnet->time_servers.count, 1);
	assert_int_equal(subnet->dns_servers.count, 1);
	assert_int_equal(subnet->dns_servers.addr[0], ip("10.213.0.1"));
	assert_int_equal(subnet->log_servers.count, 1);
	assert_string_equal(subnet->domain_name, "lab.rackboot.test");
	assert_string_equal(subnet->tftp_server_name, "10.213.0.1");

	assert_int_equal(cfg->n_profiles, 4);
	profile = &cfg->profiles[0];
	assert_string_equal(profile->name, "pxe-bios");
	assert_int_equal(profile->n_bootfiles, 2);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, true, "boot.ipxe");
	assert_bootfile(&profile->bootfiles[1], 0, false, "undionly.kpxe");
	profile = &cfg->profiles[1];
	assert_string_equal(profile->name, "uefi");
	assert_int_equal(profile->n_bootfiles, 3);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, true, "boot.ipxe");
	assert_bootfile(&profile->bootfiles[1], 7, false, "ipxe.efi");
	assert_bootfile(&profile->bootfiles[2], 9, false, "ipxe.efi");
	profile = &cfg->profiles[2];
	assert_string_equal(profile->name, "linux");
	assert_int_equal(profile->n_bootfiles, 1);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, false, "pxelinux.0");
	assert_int_equal(profile->tftp_server_addrs.count, 0);
	assert_int_equal(profile->vendor_info_len, 0);
	assert_int_equal(profile->n_sztp_servers, 0);
	profile = &cfg->profiles[3];
	assert_string_equal(profile->name, "switch");
	assert_int_equal(profile->n_bootfiles, 1);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, false, "onie-installer");
	assert_int_equal(profile->tftp_server_addrs.count, 1);
	assert_int_equal(profile->tftp_server_addrs.addr[0], ip("10.213.0.1"));
	assert_int_equal(profile->vendor_info_len, 6);
	assert_memory_equal(profile->vendor_info, "\x01\x04onie", 6);
	assert_int_equal(profile->n_sztp_servers, 1);
	assert_string_equal(profile->sztp_servers[0], "https://10.213.0.1:8443");

	assert_int_equal(cfg->n_devices, 10);
	device = &cfg->devices[0];
	assert_memory_equal(device->mac, ((uint8_t[]){ 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 }), 6);
	assert_int_equal(device->ipv4, ip("10.213.0.101"));
	assert_string_equal(device->hostname, "rack1-node01");
	assert_int_equal(device->subnet, 0);

	device = rb_config_device_by_mac(cfg, vm_mac);
	assert_ptr_equal(device, &cfg->devices[9]);
	assert_int_equal(device->ipv4, ip("10.213.0.110"));
	assert_string_equal(device->hostname, "rack1-node10");
	assert_string_equal(cfg->profiles[device->profile].name, "pxe-bios");
	assert_ptr_equal(rb_config_device_by_ipv4(cfg, ip("10.213.0.105")), &cfg->devices[4]);
	assert_null(rb_config_device_by_mac(cfg, unknown_mac));
	assert_null(rb_config_device_by_ipv4(cfg, ip("10.213.0.111")));

	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

static void defaults_applied(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(IFACES "," PROFILES "," SUBNET("")));
	const struct rb_cfg_subnet *subnet = &cfg->subnets[0];

	assert_string_equal(cfg->bpffs_pin_path, "/sys/fs/bpf/rackboot");
	assert_string_equal(cfg->log_level, "info");
	assert_string_equal(cfg->tftp_root, "/srv/rackboot/tftp");
	assert_int_equal(cfg->tftp_port, 69);
	assert_int_equal(cfg->tftp_block_store_mib, 64);
	assert_int_equal(cfg->dhcp4_server_port, 67);
	assert_int_equal(cfg->ifaces[0].xdp_mode, RB_XDP_MODE_NATIVE);
	assert_int_equal(subnet->lease_time, 3600);
	assert_int_equal(subnet->renewal_time, 1800);
	assert_int_equal(subnet->rebinding_time, 3150);
	assert_int_equal(subnet->next_server, subnet->server_id);
	assert_false(subnet->has_time_offset);
	assert_int_equal(subnet->routers.count, 0);
	assert_string_equal(subnet->domain_name, "");
	assert_int_equal(cfg->n_devices, 0);
	rb_config_free(cfg);
}

static void empty_object_is_all_defaults(void **state)
{
	struct rb_config *cfg = load_valid("{}");

	assert_string_equal(cfg->bpffs_pin_path, "/sys/fs/bpf/rackboot");
	assert_int_equal(cfg->tftp_port, 69);
	assert_int_equal(cfg->tftp_block_store_mib, 64);
	assert_int_equal(cfg->n_ifaces, 0);
	assert_int_equal(cfg->n_subnets, 0);
	rb_config_free(cfg);
}

static void explicit_values_kept(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(
		"\"log-level\": \"debug\", \"bpffs-pin-path\": \"/sys/fs/bpf/rb2\","
		"\"tftp\": {\"root\": \"/tmp/tftp\", \"port\": 6969, \"windowsize-max\": 64,"
		" \"xdp-block-store\": 0},"
		"\"interfaces\": {\"interface\": [{\"name\": \"rb0\", \"xdp-mode\": \"skb\"}]},"
		PROFILES ","
		SUBNET(", \"next-server\": \"10.213.0.2\", \"lease-time\": 7200,"
		       "\"renewal-time\": 3000, \"rebinding-time\": 6000, \"time-offset\": -3600")));
	const struct rb_cfg_subnet *subnet = &cfg->subnets[0];

	assert_string_equal(cfg->log_level, "debug");
	assert_string_equal(cfg->bpffs_pin_path, "/sys/fs/bpf/rb2");
	assert_string_equal(cfg->tftp_root, "/tmp/tftp");
	assert_int_equal(cfg->tftp_port, 6969);
	assert_int_equal(cfg->tftp_windowsize_max, 64);
	assert_int_equal(cfg->tftp_block_store_mib, 0);
	assert_int_equal(cfg->ifaces[0].xdp_mode, RB_XDP_MODE_SKB);
	assert_int_equal(subnet->next_server, ip("10.213.0.2"));
	assert_int_equal(subnet->lease_time, 7200);
	assert_int_equal(subnet->renewal_time, 3000);
	assert_int_equal(subnet->rebinding_time, 6000);
	assert_true(subnet->has_time_offset);
	assert_int_equal(subnet->time_offset, -3600);
	rb_config_free(cfg);
}

static void bootfiles_ordered(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(
		"\"boot-profiles\": {\"profile\": [{\"name\": \"mixed\","
		"\"default-boot-file\": \"fallback.0\", \"ipxe-boot-file\": \"boot.ipxe\","
		"\"boot-file\": [{\"arch\": 16, \"file\": \"http.efi\"},"
		"{\"arch\": 0, \"file\": \"undionly.kpxe\"}, {\"arch\": 7, \"file\": \"ipxe.efi\"}]}]}"));
	const struct rb_cfg_profile *profile = &cfg->profiles[0];

	assert_int_equal(profile->n_bootfiles, 5);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, true, "boot.ipxe");
	assert_bootfile(&profile->bootfiles[1], 0, false, "undionly.kpxe");
	assert_bootfile(&profile->bootfiles[2], 7, false, "ipxe.efi");
	assert_bootfile(&profile->bootfiles[3], 16, false, "http.efi");
	assert_bootfile(&profile->bootfiles[4], RB_ARCH_ANY, false, "fallback.0");
	rb_config_free(cfg);
}

/* URIs for option 143: 2 + 116 and 2 + 135 bytes fill its 255 bytes, and SZTP_URI_2X is one byte longer. */
#define A10		"aaaaaaaaaa"
#define A100		A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define SZTP_URI_1	"https://" A100 ".example"
#define SZTP_URI_2	"https://" A100 A10 A10 "bb.test"
#define SZTP_URI_2X	"https://" A100 A10 A10 "bbb.test"
#define SWITCH_PROFILE(extra) \
	"\"boot-profiles\": {\"profile\": [{\"name\": \"sw\"" extra "}]}"
#define SWITCH_PATH	"/rackboot:rackboot/boot-profiles/profile[name='sw']"

static void ztp_options_load(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(SWITCH_PROFILE(
		", \"tftp-server-addresses\": [\"10.213.0.9\", \"10.213.0.8\"],"
		"\"vendor-specific-info\": \"01:03:aa:BB:0c\","
		"\"sztp-bootstrap-servers\": [\"https://sztp1.example\","
		"\"https://sztp2.example:8443\"]")));
	const struct rb_cfg_profile *profile = &cfg->profiles[0];

	assert_int_equal(profile->tftp_server_addrs.count, 2);
	assert_int_equal(profile->tftp_server_addrs.addr[0], ip("10.213.0.9"));
	assert_int_equal(profile->tftp_server_addrs.addr[1], ip("10.213.0.8"));
	assert_int_equal(profile->vendor_info_len, 5);
	assert_memory_equal(profile->vendor_info, "\x01\x03\xaa\xbb\x0c", 5);
	assert_int_equal(profile->n_sztp_servers, 2);
	assert_string_equal(profile->sztp_servers[0], "https://sztp1.example");
	assert_string_equal(profile->sztp_servers[1], "https://sztp2.example:8443");
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \"deadBEEF00\"")));
	profile = &cfg->profiles[0];
	assert_int_equal(profile->vendor_info_len, 5);
	assert_memory_equal(profile->vendor_info, "\xde\xad\xbe\xef\x00", 5);
	assert_int_equal(profile->tftp_server_addrs.count, 0);
	assert_int_equal(profile->n_sztp_servers, 0);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \""
					       A100 A100 A100 A100 A100 A10 "\"")));
	assert_int_equal(cfg->profiles[0].vendor_info_len, 255);
	assert_int_equal(cfg->profiles[0].vendor_info[254], 0xaa);
	rb_config_free(cfg);
}

/* The HTTP boot file comes first and is flagged; discovery control is kept. */
static void http_boot_and_pxe_load(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(SWITCH_PROFILE(
		", \"default-boot-file\": \"fallback.0\", \"ipxe-boot-file\": \"boot.ipxe\","
		"\"http-boot-file\": \"https://10.213.0.1/boot/x64.efi\","
		"\"pxe-discovery-control\": 8")));
	const struct rb_cfg_profile *profile = &cfg->profiles[0];

	assert_int_equal(profile->n_bootfiles, 3);
	assert_bootfile(&profile->bootfiles[0], RB_ARCH_ANY, false, "https://10.213.0.1/boot/x64.efi");
	assert_true(profile->bootfiles[0].http);
	assert_bootfile(&profile->bootfiles[1], RB_ARCH_ANY, true, "boot.ipxe");
	assert_false(profile->bootfiles[1].http);
	assert_bootfile(&profile->bootfiles[2], RB_ARCH_ANY, false, "fallback.0");
	assert_false(profile->bootfiles[2].http);
	assert_true(profile->has_pxe_discovery_control);
	assert_int_equal(profile->pxe_discovery_control, 8);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(SWITCH_PROFILE(", \"default-boot-file\": \"fallback.0\"")));
	assert_false(cfg->profiles[0].has_pxe_discovery_control);
	assert_false(cfg->profiles[0].bootfiles[0].http);
	rb_config_free(cfg);
}

/* A list of exactly 255 bytes of option 143 loads. */
static void sztp_servers_fill_option(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(SWITCH_PROFILE(
		", \"sztp-bootstrap-servers\": [\"" SZTP_URI_1 "\", \"" SZTP_URI_2 "\"]")));
	const struct rb_cfg_profile *profile = &cfg->profiles[0];

	assert_int_equal(2 + strlen(SZTP_URI_1) + 2 + strlen(SZTP_URI_2), 255);
	assert_int_equal(profile->n_sztp_servers, 2);
	assert_string_equal(profile->sztp_servers[1], SZTP_URI_2);
	rb_config_free(cfg);
}

static void empty_inventory_loads(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 };
	struct rb_config *cfg = load_valid(CONFIG(IFACES "," PROFILES "," SUBNET("") ","
						  "\"inventory\": {}"));

	assert_int_equal(cfg->n_devices, 0);
	assert_null(rb_config_device_by_mac(cfg, mac));
	assert_null(rb_config_device_by_ipv4(cfg, ip("10.213.0.101")));
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(IFACES "," PROFILES "," SUBNET("") "," DEVICES("")));
	assert_int_equal(cfg->n_devices, 0);
	rb_config_free(cfg);
}

/* The six errors of tests/unit/data/config-six-errors.json, each with path and value. */
static void invalid_file_reports_all(void **state)
{
	const char *dup4 = DEV_PATH("52:54:00:00:00:04") "/ipv4-address";
	const char *dup5 = DEV_PATH("52:54:00:00:00:05") "/ipv4-address";
	const struct rb_cfg_error *dup;
	struct rb_config *cfg = (struct rb_config *)1;
	struct rb_cfg_errors errs;

	assert_int_equal(rb_config_load(SIX_ERRORS_PATH, &cfg, &errs), -EINVAL);
	assert_null(cfg);

	assert_error(&errs, DEV_PATH("52:54:00:zz:00:01") "/mac", "52:54:00:zz:00:01",
		     "does not conform");
	assert_error(&errs, SUBNET_PATH "/lease-time", "30", "allowed range: 60..4294967295");
	assert_error(&errs, "/rackboot:rackboot/colour", "blue", "unknown node");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:02") "/profile", "windows",
		     "no boot-profiles/profile has name \"windows\"");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:09") "/ipv4-address", "10.9.9.9",
		     "not inside any dhcpv4 subnet");

	/* libyang names either entry of a unique violation. */
	dup = find_error(&errs, dup4, "10.213.0.104");
	if (!dup)
		dup = find_error(&errs, dup5, "10.213.0.104");
	if (!dup)
		print_errors(&errs);
	assert_non_null(dup);
	assert_non_null(strstr(dup->message, "also used by"));

	/* Nothing more: no error reported twice or caused by another. */
	if (errs.count != 6)
		print_errors(&errs);
	assert_int_equal(errs.count, 6);
	assert_int_equal(errs.omitted, 0);
	rb_cfg_errors_free(&errs);
}

/* An invalid node is reported once, not again through the checks that depend on it. */
static void follow_on_errors_hidden(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG(IFACES "," PROFILES ","
			    SUBNET(", \"lease-time\": 30, \"renewal-time\": 3500") ","
			    DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.10") ","
				    DEVICE("52:54:00:00:00:02", "10.213.0.300"))),
		     &errs);

	assert_error(&errs, SUBNET_PATH "/lease-time", "30", "allowed range");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:02") "/ipv4-address", "10.213.0.300",
		     "does not conform");

	/* Not reported: T1 against the default lease, the missing mandatory address. */
	if (errs.count != 2)
		print_errors(&errs);
	assert_int_equal(errs.count, 2);
	rb_cfg_errors_free(&errs);
}

/* Every dangling reference is reported, and the checks in C still run on the entries. */
static void dangling_reference_entry_checked(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG(IFACES "," PROFILES "," SUBNET("") ","
			    DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.9.9.9\","
				    "\"profile\": \"windows\"},"
				    "{\"mac\": \"52:54:00:00:00:02\", \"ipv4-address\": \"10.213.0.2\","
				    "\"profile\": \"windows\"}")),
		     &errs);

	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/profile", "windows",
		     "no boot-profiles/profile has name \"windows\"");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:02") "/profile", "windows",
		     "no boot-profiles/profile has name \"windows\"");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.9.9.9",
		     "not inside any dhcpv4 subnet");
	if (errs.count != 3)
		print_errors(&errs);
	assert_int_equal(errs.count, 3);
	rb_cfg_errors_free(&errs);
}

static void error_format_reads_well(void **state)
{
	struct rb_cfg_errors errs;
	char line[1400];

	load_invalid(CONFIG(IFACES "," PROFILES "," SUBNET("") ","
			    DEVICES(DEVICE("52:54:00:00:00:09", "10.9.9.9"))), &errs);
	assert_int_equal(errs.count, 1);
	assert_string_equal(rb_cfg_error_format(&errs.items[0], line, sizeof(line)),
			    DEV_PATH("52:54:00:00:00:09") "/ipv4-address: value \"10.9.9.9\": "
			    "not inside any dhcpv4 subnet; add a subnet or fix the address");
	rb_cfg_errors_free(&errs);
}

struct invalid_case {
	const char *name;
	const char *json;
	const char *path;
	const char *value;
	const char *message;
};


/*
 * NAME256 is a boot file name one byte longer than option 67 holds;
 * the error keeps its first 255 bytes, NAME255.
 */
#define NAME64 "0123456789012345678901234567890123456789012345678901234567890123"
#define NAME255 NAME64 NAME64 NAME64 "012345678901234567890123456789012345678901234567890123456789012"
#define NAME256 NAME255 "3"
static const struct invalid_case invalid_cases[] = {
	{ "TFTP windowsize maximum above 64",
	  CONFIG("\"tftp\": {\"windowsize-max\": 65}"),
	  "/rackboot:rackboot/tftp/windowsize-max", "65", "allowed range: 1..64" },
	{ "device on network address",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") "," DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.0"))),
	  DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.213.0.0", "is the network address" },
	{ "device on broadcast address",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") "," DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.255"))),
	  DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.213.0.255", "is the broadcast address" },
	{ "device on server address",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") "," DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.1"))),
	  DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.213.0.1", "is the server-address" },
	{ "device on router address",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"routers\": [\"10.213.0.254\"]") ","
		 DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.254"))),
	  DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.213.0.254", "is a router" },
	{ "MAC twice in other case",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") ","
		 DEVICES(DEVICE("52:54:00:aa:00:01", "10.213.0.10") ","
			 DEVICE("52:54:00:AA:00:01", "10.213.0.11"))),
	  DEV_PATH("52:54:00:AA:00:01") "/mac", "52:54:00:AA:00:01", "same MAC address" },
	{ "server outside subnet",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
		 "\"interface\": \"rb0\", \"server-address\": \"10.214.0.1\"}]}"),
	  SUBNET_PATH "/server-address", "10.214.0.1", "not inside prefix 10.213.0.0/24" },
	{ "server on broadcast address",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
		 "\"interface\": \"rb0\", \"server-address\": \"10.213.0.255\"}]}"),
	  SUBNET_PATH "/server-address", "10.213.0.255", "is the broadcast address" },
	{ "router outside subnet",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"routers\": [\"10.9.0.1\"]")),
	  SUBNET_PATH "/routers", "10.9.0.1", "not inside prefix" },
	{ "overlapping subnets",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"big\", \"prefix\": \"10.213.0.0/16\","
		 "\"interface\": \"rb0\", \"server-address\": \"10.213.9.1\"},"
		 "{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
		 "\"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]}"),
	  SUBNET_PATH "/prefix", "10.213.0.0/24", "overlaps subnet \"big\" (10.213.0.0/16)" },
	{ "T1 not below lease",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"lease-time\": 600, \"renewal-time\": 600")),
	  SUBNET_PATH "/renewal-time", "600", "less than lease-time" },
	{ "T1 not below default T2",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"lease-time\": 800, \"renewal-time\": 700")),
	  SUBNET_PATH "/renewal-time", "700", "7/8 of lease-time" },
	{ "T2 not above T1",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"renewal-time\": 2000, \"rebinding-time\": 1900")),
	  SUBNET_PATH "/rebinding-time", "1900", "greater than renewal-time" },
	{ "T2 not above default T1",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"lease-time\": 1000, \"rebinding-time\": 500")),
	  SUBNET_PATH "/rebinding-time", "500", "half of lease-time" },
	{ "dangling interface",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
		 "\"interface\": \"eth9\", \"server-address\": \"10.213.0.1\"}]}"),
	  SUBNET_PATH "/interface", "eth9", "no interfaces/interface has name \"eth9\"" },
	{ "missing server address",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
		 "\"interface\": \"rb0\"}]}"),
	  SUBNET_PATH, "", "missing mandatory leaf \"server-address\"" },
	{ "too many routers",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"routers\": [\"10.213.0.241\", \"10.213.0.242\","
		 "\"10.213.0.243\", \"10.213.0.244\", \"10.213.0.245\", \"10.213.0.246\","
		 "\"10.213.0.247\", \"10.213.0.248\", \"10.213.0.249\"]")),
	  SUBNET_PATH "/routers", "", "at most 8" },
	{ "too many boot files",
	  CONFIG("\"boot-profiles\": {\"profile\": [{\"name\": \"many\","
		 "\"default-boot-file\": \"d\", \"boot-file\": [{\"arch\": 0, \"file\": \"f\"},"
		 "{\"arch\": 1, \"file\": \"f\"}, {\"arch\": 2, \"file\": \"f\"},"
		 "{\"arch\": 3, \"file\": \"f\"}, {\"arch\": 4, \"file\": \"f\"},"
		 "{\"arch\": 5, \"file\": \"f\"}, {\"arch\": 6, \"file\": \"f\"},"
		 "{\"arch\": 7, \"file\": \"f\"}]}]}"),
	  "/rackboot:rackboot/boot-profiles/profile[name='many']", "", "at most 8 boot files" },
	{ "arch reserved for any",
	  CONFIG("\"boot-profiles\": {\"profile\": [{\"name\": \"p\","
		 "\"boot-file\": [{\"arch\": 65535, \"file\": \"f\"}]}]}"),
	  "/rackboot:rackboot/boot-profiles/profile[name='p']/boot-file[arch='65535']/arch", "65535",
	  "allowed range: 0..65534" },
	{ "boot file name too long",
	  CONFIG("\"boot-profiles\": {\"profile\": [{\"name\": \"p\", \"default-boot-file\": \""
		 NAME256 "\"}]}"),
	  "/rackboot:rackboot/boot-profiles/profile[name='p']/default-boot-file", NAME255,
	  "allowed length: 1..255" },
	{ "vendor info with a non-hex digit",
	  CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \"01:0g\"")),
	  SWITCH_PATH "/vendor-specific-info", "01:0g", "1 to 255 bytes in hex" },
	{ "vendor info with an odd digit count",
	  CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \"abc\"")),
	  SWITCH_PATH "/vendor-specific-info", "abc", "1 to 255 bytes in hex" },
	{ "vendor info of 256 bytes",
	  CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \"" A100 A100 A100 A100 A100
				A10 "aa\"")),
	  /* struct rb_cfg_error keeps the first 255 characters of the value. */
	  SWITCH_PATH "/vendor-specific-info", A100 A100 A10 A10 A10 A10 A10 "aaaaa",
	  "1 to 255 bytes in hex" },
	{ "PXE discovery control with vendor info",
	  CONFIG(SWITCH_PROFILE(", \"vendor-specific-info\": \"01:02\", \"pxe-discovery-control\": 8")),
	  SWITCH_PATH "/pxe-discovery-control", "8", "both set option 43" },
	{ "HTTP boot file without a scheme",
	  CONFIG(SWITCH_PROFILE(", \"http-boot-file\": \"boot/x64.efi\"")),
	  SWITCH_PATH "/http-boot-file", "boot/x64.efi", "http:// or https:// URL" },
	{ "HTTP boot file with TFTP scheme",
	  CONFIG(SWITCH_PROFILE(", \"http-boot-file\": \"tftp://10.213.0.1/x64.efi\"")),
	  SWITCH_PATH "/http-boot-file", "tftp://10.213.0.1/x64.efi", "http:// or https:// URL" },
	{ "TFTP server address invalid",
	  CONFIG(SWITCH_PROFILE(", \"tftp-server-addresses\": [\"10.213.0.300\"]")),
	  SWITCH_PATH "/tftp-server-addresses", "10.213.0.300", "does not conform" },
	{ "SZTP servers past 255 bytes",
	  CONFIG(SWITCH_PROFILE(", \"sztp-bootstrap-servers\": [\"" SZTP_URI_1 "\", \""
				SZTP_URI_2X "\"]")),
	  SWITCH_PATH "/sztp-bootstrap-servers", SZTP_URI_2X, "option 143 would be 256 bytes" },
	{ "hostname with underscore",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") ","
		 DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.10\","
			 "\"hostname\": \"rack_1\", \"profile\": \"linux\"}")),
	  DEV_PATH("52:54:00:00:00:01") "/hostname", "rack_1", "a host name is letters, digits and hyphens" },
	{ "unknown log level",
	  CONFIG("\"log-level\": \"loud\""),
	  "/rackboot:rackboot/log-level", "loud", "allowed values: error, warning, info, debug" },
	{ "port as a string",
	  CONFIG("\"tftp\": {\"port\": \"69\"}"),
	  "/rackboot:rackboot/tftp/port", "69", "write the number without quotes: 69" },
	{ "unknown module",
	  "{\"rackbot:rackboot\": {}}",
	  "/rackbot:rackboot", "", "unknown top-level member" },
};

/* Values of the wrong JSON shape, which stop libyang's parser, each alone. */
static const struct invalid_case shape_cases[] = {
	{ "number in quotes",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"lease-time\": \"3600\"")),
	  SUBNET_PATH "/lease-time", "3600", "write the number without quotes: 3600" },
	{ "negative number in quotes",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"time-offset\": \"-3600\"")),
	  SUBNET_PATH "/time-offset", "-3600", "write the number without quotes: -3600" },
	{ "list key in quotes",
	  CONFIG("\"boot-profiles\": {\"profile\": [{\"name\": \"p\","
		 "\"boot-file\": [{\"arch\": \"7\", \"file\": \"ipxe.efi\"}]}]}"),
	  "/rackboot:rackboot/boot-profiles/profile[name='p']/boot-file[arch='7']/arch", "7",
	  "write the number without quotes: 7" },
	{ "number for a string",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") ","
		 DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.10\","
			 "\"hostname\": 5, \"profile\": \"linux\"}")),
	  DEV_PATH("52:54:00:00:00:01") "/hostname", "5", "write the value in double quotes: \"5\"" },
	{ "leaf-list as one string",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"routers\": \"10.213.0.254\"")),
	  SUBNET_PATH "/routers", "10.213.0.254", "write a JSON array: [\"10.213.0.254\"]" },
	{ "leaf-list as null",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"dns-servers\": null")),
	  SUBNET_PATH "/dns-servers", "null", "write a JSON array of values" },
	{ "leaf-list element an object",
	  CONFIG(IFACES "," PROFILES "," SUBNET(", \"dns-servers\": [\"10.213.0.53\", {}]")),
	  SUBNET_PATH "/dns-servers", "", "an element of its array is a JSON object" },
	{ "list as object",
	  CONFIG(IFACES "," PROFILES "," SUBNET("") ","
		 "\"inventory\": {\"device\": " DEVICE("52:54:00:00:00:01", "10.213.0.10") "}"),
	  DEV_PATH("52:54:00:00:00:01"), "", "write a JSON array of objects: [{...}]" },
	{ "list as object, key escaped",
	  CONFIG("\"interfaces\": {\"interface\": {\"name\": \"rb\\u0030\"}}," PROFILES ","
		 SUBNET("")),
	  "/rackboot:rackboot/interfaces/interface[name='rb0']", "", "interface is a list" },
	{ "list entry not an object",
	  CONFIG("\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}, \"eth1\"]}"),
	  "/rackboot:rackboot/interfaces/interface", "eth1", "write each entry as a JSON object" },
	{ "referenced list entry not an object",
	  CONFIG(IFACES "," SUBNET("") ","
		 "\"boot-profiles\": {\"profile\": [\"uefi\"]},"
		 DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.10\","
			 "\"profile\": \"uefi\"}")),
	  "/rackboot:rackboot/boot-profiles/profile", "uefi", "write each entry as a JSON object" },
	{ "container as array",
	  CONFIG("\"tftp\": [{\"port\": 69}]"),
	  "/rackboot:rackboot/tftp", "", "tftp is a container, but the file gives a JSON array" },
	{ "leaf as array",
	  CONFIG("\"log-level\": [\"info\"]"),
	  "/rackboot:rackboot/log-level", "", "write one value as a JSON string" },
	{ "mandatory leaf as array",
	  CONFIG(IFACES "," PROFILES ","
		 "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": [\"10.213.0.0/24\"],"
		 "\"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]}"),
	  SUBNET_PATH "/prefix", "", "prefix is a leaf, but the file gives a JSON array" },
};

/* Each case alone gives exactly one error, with its path, value and message. */
static void assert_one_error_each(const struct invalid_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct invalid_case *c = &cases[i];
		struct rb_cfg_errors errs;

		print_message("# case: %s\n", c->name);
		load_invalid(c->json, &errs);
		assert_error(&errs, c->path, c->value, c->message);
		assert_error_count(&errs, 1);
		rb_cfg_errors_free(&errs);
	}
}

static void invalid_cases_rejected(void **state)
{
	assert_one_error_each(invalid_cases, sizeof(invalid_cases) / sizeof(invalid_cases[0]));
}

static void shape_cases_rejected(void **state)
{
	assert_one_error_each(shape_cases, sizeof(shape_cases) / sizeof(shape_cases[0]));
}

static void quoted_number_with_others(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG("\"log-level\": \"loud\"," IFACES "," PROFILES ","
			    SUBNET(", \"lease-time\": \"3600\"") ","
			    DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.10\","
				    "\"hostname\": \"rack_1\", \"profile\": \"linux\"}")),
		     &errs);

	assert_error(&errs, SUBNET_PATH "/lease-time", "3600", "write the number without quotes");
	assert_error(&errs, "/rackboot:rackboot/log-level", "loud", "allowed values");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/hostname", "rack_1",
		     "a host name is letters");
	assert_error_count(&errs, 3);
	rb_cfg_errors_free(&errs);
}

static void string_leaflist_with_others(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG("\"tftp\": {\"port\": 70000}," IFACES "," PROFILES ","
			    SUBNET(", \"routers\": \"10.213.0.254\"") ","
			    DEVICES("{\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.10\","
				    "\"profile\": \"windows\"}")),
		     &errs);

	assert_error(&errs, SUBNET_PATH "/routers", "10.213.0.254", "write a JSON array");
	assert_error(&errs, "/rackboot:rackboot/tftp/port", "70000", "allowed range: 1..65535");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/profile", "windows",
		     "no boot-profiles/profile has name \"windows\"");
	assert_error_count(&errs, 3);
	rb_cfg_errors_free(&errs);
}

/* The entry of a list given as an object is still checked, also by the checks in C. */
static void object_list_with_others(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG("\"colour\": \"blue\"," IFACES "," PROFILES ","
			    SUBNET(", \"lease-time\": 30") ","
			    "\"inventory\": {\"device\": {\"mac\": \"52:54:00:00:00:01\","
			    "\"ipv4-address\": \"10.9.9.9\", \"hostname\": \"-bad\","
			    "\"profile\": \"linux\"}}"),
		     &errs);

	assert_error(&errs, DEV_PATH("52:54:00:00:00:01"), "", "write a JSON array of objects");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/hostname", "-bad", "a host name is");
	assert_error(&errs, DEV_PATH("52:54:00:00:00:01") "/ipv4-address", "10.9.9.9",
		     "not inside any dhcpv4 subnet");
	assert_error(&errs, SUBNET_PATH "/lease-time", "30", "allowed range");
	assert_error(&errs, "/rackboot:rackboot/colour", "blue", "unknown node");
	assert_error_count(&errs, 5);
	rb_cfg_errors_free(&errs);
}

/* Several shapes and other errors in one file. */
static void all_shapes_with_others(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG("\"tftp\": [], \"log-level\": \"loud\"," IFACES "," PROFILES ","
			    SUBNET(", \"lease-time\": \"3600\", \"routers\": \"10.213.0.254\","
				   "\"time-offset\": 90000") ","
			    "\"inventory\": {\"device\": " DEVICE("zz:zz", "10.213.0.10") "}"),
		     &errs);

	assert_error(&errs, "/rackboot:rackboot/tftp", "", "write a JSON object");
	assert_error(&errs, SUBNET_PATH "/lease-time", "3600", "write the number without quotes");
	assert_error(&errs, SUBNET_PATH "/routers", "10.213.0.254", "write a JSON array");
	assert_error(&errs, DEV_PATH("zz:zz"), "", "write a JSON array of objects");
	assert_error(&errs, DEV_PATH("zz:zz") "/mac", "zz:zz", "does not conform");
	assert_error(&errs, DEV_PATH("zz:zz") "/mac", "zz:zz",
		     "expected a MAC address, such as 52:54:00:12:34:56");
	assert_error(&errs, SUBNET_PATH "/time-offset", "90000", "allowed range: -86400..86400");
	assert_error(&errs, "/rackboot:rackboot/log-level", "loud", "allowed values");
	assert_error_count(&errs, 7);
	rb_cfg_errors_free(&errs);
}

/*
 * A value that fails an imported type's pattern or union gets an example
 * of a valid value, since libyang's message gives only the expression.
 */
static void pattern_errors_give_examples(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid(CONFIG(IFACES "," PROFILES "," SUBNET("") ","
			    "\"http\": {\"metrics\": {\"allowed-source\": [\"10.0.0.1\"]}}"),
		     &errs);
	assert_error(&errs, "/rackboot:rackboot/http/metrics/allowed-source", "10.0.0.1",
		     "no matching subtype");
	assert_error(&errs, "/rackboot:rackboot/http/metrics/allowed-source", "10.0.0.1",
		     "expected an IPv4 or IPv6 prefix with its length, such as 192.0.2.0/24");
	assert_error_count(&errs, 1);
	rb_cfg_errors_free(&errs);
}

/*
 * tests/unit/data/config-shape-errors.json is examples/lab.json with
 * "lease-time": "3600", one MAC "zz:zz" and TFTP port 70000.
 */
static void shape_file_reports_all(void **state)
{
	struct rb_config *cfg = (struct rb_config *)1;
	const struct rb_cfg_error *err;
	struct rb_cfg_errors errs;

	assert_int_equal(rb_config_load(SHAPE_ERRORS_PATH, &cfg, &errs), -EINVAL);
	assert_null(cfg);

	assert_error(&errs, SUBNET_PATH "/lease-time", "3600",
		     "write the number without quotes: 3600 (line 20)");
	assert_error(&errs, "/rackboot:rackboot/tftp/port", "70000", "allowed range: 1..65535");
	assert_error(&errs, DEV_PATH("zz:zz") "/mac", "zz:zz", "does not conform");
	assert_error_count(&errs, 3);

	/* libyang's wording for the encoding is not shown. */
	err = find_error(&errs, SUBNET_PATH "/lease-time", "3600");
	assert_null(strstr(err->message, "non-number-encoded"));
	rb_cfg_errors_free(&errs);
}

/* A shape error before invalid JSON is reported, and so is the syntax error. */
static void shape_error_then_broken_json(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid("{\"rackboot:rackboot\": {\"log-level\": [\"info\"],\n"
		     "  \"tftp\": {\"port\": 69,}\n}}", &errs);

	assert_error(&errs, "/rackboot:rackboot/log-level", "",
		     "write one value as a JSON string (line 1)");
	assert_error(&errs, "/rackboot:rackboot/tftp", "", "invalid JSON");
	assert_error(&errs, "/rackboot:rackboot/tftp", "", "(line 2)");
	assert_error_count(&errs, 2);
	rb_cfg_errors_free(&errs);
}

static void broken_json_rejected(void **state)
{
	struct rb_cfg_errors errs;

	load_invalid("{\"rackboot:rackboot\": {\n  \"log-level\": \"info\",\n  \"tftp\": {\"port\": 69,}\n}}",
		     &errs);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.items[0].message, "invalid JSON"));
	assert_non_null(strstr(errs.items[0].message, "(line 3)"));
	assert_string_equal(errs.items[0].path, "/rackboot:rackboot/tftp");
	rb_cfg_errors_free(&errs);

	load_invalid("{\"rackboot:rackboot\": {\n  \"log-level\": \"info\"", &errs);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.items[0].message, "invalid JSON: unexpected end of input"));
	rb_cfg_errors_free(&errs);

	load_invalid(" \n", &errs);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.items[0].message, "the config is empty"));
	rb_cfg_errors_free(&errs);
}

static void missing_file_rejected(void **state)
{
	struct rb_config *cfg = (struct rb_config *)1;
	struct rb_cfg_errors errs;

	assert_int_equal(rb_config_load("tests/unit/data/no-such-file.json", &cfg, &errs), -ENOENT);
	assert_null(cfg);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.items[0].value, "tests/unit/data/no-such-file.json");
	assert_non_null(strstr(errs.items[0].message, "No such file"));
	rb_cfg_errors_free(&errs);
}

/* 150 devices with invalid hostnames: 100 errors stored, 50 counted. */
static void errors_capped(void **state)
{
	size_t size = 150 * 128 + 1024, n;
	char *json = malloc(size);
	struct rb_cfg_errors errs;

	assert_non_null(json);
	n = (size_t)snprintf(json, size, "%s", "{\"rackboot:rackboot\": {" IFACES "," PROFILES ","
			     SUBNET("") ", \"inventory\": {\"device\": [");
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(json + n, size - n,
				      "%s{\"mac\": \"52:54:00:00:%02x:%02x\", \"ipv4-address\": "
				      "\"10.213.0.%d\", \"hostname\": \"-bad\", \"profile\": \"linux\"}",
				      i ? "," : "", i / 256, i % 256, 2 + i);
	snprintf(json + n, size - n, "]}}}");

	load_invalid(json, &errs);
	assert_int_equal(errs.count, RB_CFG_ERRORS_MAX);
	assert_int_equal(errs.omitted, 50);
	rb_cfg_errors_free(&errs);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lab_example_loads),
		cmocka_unit_test(defaults_applied),
		cmocka_unit_test(empty_object_is_all_defaults),
		cmocka_unit_test(explicit_values_kept),
		cmocka_unit_test(bootfiles_ordered),
		cmocka_unit_test(ztp_options_load),
		cmocka_unit_test(http_boot_and_pxe_load),
		cmocka_unit_test(sztp_servers_fill_option),
		cmocka_unit_test(empty_inventory_loads),
		cmocka_unit_test(invalid_file_reports_all),
		cmocka_unit_test(follow_on_errors_hidden),
		cmocka_unit_test(dangling_reference_entry_checked),
		cmocka_unit_test(error_format_reads_well),
		cmocka_unit_test(invalid_cases_rejected),
		cmocka_unit_test(shape_cases_rejected),
		cmocka_unit_test(quoted_number_with_others),
		cmocka_unit_test(string_leaflist_with_others),
		cmocka_unit_test(object_list_with_others),
		cmocka_unit_test(all_shapes_with_others),
		cmocka_unit_test(pattern_errors_give_examples),
		cmocka_unit_test(shape_file_reports_all),
		cmocka_unit_test(shape_error_then_broken_json),
		cmocka_unit_test(broken_json_rejected),
		cmocka_unit_test(missing_file_rejected),
		cmocka_unit_test(errors_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
