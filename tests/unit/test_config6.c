// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 and router advertisement parts of the config loader, with
 * the real YANG module and libyang: the lab example, each computed and
 * YANG default, each rejected value with its path and message, and the
 * DHCPv6 lookups.  Run from the repository root, which contains
 * examples/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

/*
 * Building blocks of small configs.  The caller puts the commas between
 * CONFIG() members, subnets and devices, as strings.
 */
#define CONFIG(...)	"{\"rackboot:rackboot\": {" __VA_ARGS__ "}}"
#define IFACES		"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}, {\"name\": \"rb1\"}]}"
#define PROFILES	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", " \
			"\"default-boot-file\": \"pxelinux.0\"}]}"
#define SUBNET4		"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", " \
			"\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", " \
			"\"server-address\": \"10.213.0.1\"}]}"
#define DHCP6(subnets)	"\"dhcpv6\": {\"subnet\": [" subnets "]}"
#define SUBNET6(extra)	"{\"name\": \"lab6\", \"prefix\": \"fd00:213::/64\"" extra "}"
#define RA(extra)	"\"router-advertisements\": {\"interface\": [{\"name\": \"rb0\"" extra "}]}"
#define DEVICES(devices)	"\"inventory\": {\"device\": [" devices "]}"
#define DEVICE6(mac, v4, extra) \
	"{\"mac\": \"" mac "\", \"ipv4-address\": \"" v4 "\", \"profile\": \"linux\"" extra "}"
/* Everything a device needs, then the given dhcpv6 subnets and other members. */
#define BASE		IFACES "," PROFILES "," SUBNET4

#define LAB_PATH	"examples/lab.json"
#define ROOT		"/rackboot:rackboot"
#define SUBNET6_PATH	ROOT "/dhcpv6/subnet[name='lab6']"
#define RA_PATH		ROOT "/router-advertisements/interface[name='rb0']"
#define DEV_PATH(mac)	ROOT "/inventory/device[mac='" mac "']"

#define INFINITY32	4294967295u

static struct in6_addr ip6(const char *text)
{
	struct in6_addr addr;

	assert_int_equal(inet_pton(AF_INET6, text, &addr), 1);
	return addr;
}

static void assert_ip6(const struct in6_addr *addr, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, addr, buf, sizeof(buf)));
	assert_string_equal(buf, text);
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

static void assert_bootfile6(const struct rb_cfg_bootfile6 *bootfile, uint16_t arch, bool ipxe,
			     const char *url)
{
	assert_int_equal(bootfile->arch, arch);
	assert_int_equal(bootfile->ipxe, ipxe);
	assert_string_equal(bootfile->url, url);
}

static void lab_subnet6_loads(const struct rb_config *cfg)
{
	const struct rb_cfg_subnet6 *subnet;

	assert_int_equal(cfg->dhcp6_server_port, 547);
	assert_int_equal(cfg->server_duid_len, 0);
	assert_int_equal(cfg->n_subnets6, 1);
	subnet = &cfg->subnets6[0];
	assert_string_equal(subnet->name, "lab6");
	assert_string_equal(subnet->interface, "rb0");
	assert_ip6(&subnet->prefix, "fd00:213::");
	assert_int_equal(subnet->prefix_len, 64);
	assert_int_equal(subnet->preferred_lifetime, 3600);
	assert_int_equal(subnet->valid_lifetime, 7200);
	assert_int_equal(subnet->renewal_time, 1800);
	assert_int_equal(subnet->rebinding_time, 2880);
	assert_true(subnet->rapid_commit);
	assert_int_equal(subnet->dns_servers.count, 1);
	assert_ip6(&subnet->dns_servers.addr[0], "fd00:213::1");
	assert_int_equal(subnet->n_domain_search, 1);
	assert_string_equal(subnet->domain_search[0], "lab.rackboot.test");
	assert_int_equal(subnet->ntp_servers.count, 1);
	assert_int_equal(subnet->sntp_servers.count, 0);
	assert_int_equal(subnet->vendor4491.tftp_servers.count, 1);
	assert_ip6(&subnet->vendor4491.tftp_servers.addr[0], "fd00:213::1");
	assert_string_equal(subnet->vendor4491.config_file, "switch.cfg");
	assert_false(subnet->vendor4491.has_time_offset);
	assert_int_equal(subnet->n_pool_ranges, 1);
	assert_ip6(&subnet->pool_ranges[0].start, "fd00:213::1000");
	assert_ip6(&subnet->pool_ranges[0].end, "fd00:213::1fff");
	assert_string_equal(cfg->profiles[subnet->pool_profile].name, "linux");
}

static void lab_ra_loads(const struct rb_config *cfg)
{
	const struct rb_cfg_ra *ra;

	assert_int_equal(cfg->n_ras, 1);
	ra = &cfg->ras[0];
	assert_string_equal(ra->interface, "rb0");
	assert_int_equal(ra->max_interval_ms, 600000);
	assert_int_equal(ra->min_interval_ms, 200000);
	assert_int_equal(ra->router_lifetime, 0);
	assert_true(ra->managed);
	assert_true(ra->other);
	assert_int_equal(ra->mtu, 0);
	assert_int_equal(ra->n_prefixes, 1);
	assert_ip6(&ra->prefixes[0].prefix, "fd00:213::");
	assert_int_equal(ra->prefixes[0].prefix_len, 64);
	assert_true(ra->prefixes[0].on_link);
	assert_false(ra->prefixes[0].autonomous);
	assert_int_equal(ra->rdnss.count, 1);
	assert_int_equal(ra->rdnss_lifetime, 1800);
}

static void lab_example_loads(void **state)
{
	const struct rb_cfg_profile *uefi, *linux_profile;
	struct rb_cfg_errors errs;
	struct rb_config *cfg = NULL;
	int ret = rb_config_load(LAB_PATH, &cfg, &errs);

	if (ret)
		print_errors(&errs);
	assert_int_equal(ret, 0);
	assert_int_equal(errs.count, 0);
	assert_non_null(cfg);

	lab_subnet6_loads(cfg);
	lab_ra_loads(cfg);

	uefi = &cfg->profiles[1];
	assert_string_equal(uefi->name, "uefi");
	assert_int_equal(uefi->n_bootfiles6, 3);
	assert_bootfile6(&uefi->bootfiles6[0], RB_ARCH_ANY, true, "http://[fd00:213::1]/boot.ipxe");
	assert_bootfile6(&uefi->bootfiles6[1], 7, false, "tftp://[fd00:213::1]/ipxe.efi");
	assert_bootfile6(&uefi->bootfiles6[2], 16, false, "http://[fd00:213::1]/ipxe.efi");
	linux_profile = &cfg->profiles[2];
	assert_int_equal(linux_profile->n_bootfiles6, 1);
	assert_bootfile6(&linux_profile->bootfiles6[0], RB_ARCH_ANY, false,
			 "tftp://[fd00:213::1]/pxelinux.0");
	assert_int_equal(linux_profile->bootfiles6[0].n_params, 1);
	assert_string_equal(linux_profile->bootfiles6[0].params[0], "console=ttyS0");

	assert_true(cfg->devices[0].has_ipv6);
	assert_ip6(&cfg->devices[0].ipv6, "fd00:213::101");
	assert_int_equal(cfg->devices[0].subnet6, 0);
	assert_int_equal(cfg->devices[1].duid_len, 10);
	assert_false(cfg->devices[9].has_ipv6);
	assert_int_equal(cfg->devices[9].duid_len, 0);

	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

/* Without dhcpv6 and router-advertisements nothing IPv6 is set, but the port default is. */
static void ipv6_absent_loads(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(BASE "," DEVICES(DEVICE6("52:54:00:00:00:01",
									   "10.213.0.11", ""))));

	assert_int_equal(cfg->dhcp6_server_port, 547);
	assert_int_equal(cfg->n_subnets6, 0);
	assert_null(cfg->subnets6);
	assert_int_equal(cfg->n_ras, 0);
	assert_null(cfg->ras);
	assert_false(cfg->devices[0].has_ipv6);
	assert_int_equal(cfg->devices[0].interface_id_len, 0);
	assert_null(rb_config_subnet6_by_addr(cfg, &(struct in6_addr){ 0 }));
	assert_null(rb_config_ra_by_iface(cfg, "rb0"));
	rb_config_free(cfg);
}

static void subnet6_defaults_applied(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6(""))));
	const struct rb_cfg_subnet6 *subnet = &cfg->subnets6[0];

	assert_string_equal(subnet->interface, "");
	assert_int_equal(subnet->preferred_lifetime, 3600);
	assert_int_equal(subnet->valid_lifetime, 7200);
	assert_int_equal(subnet->renewal_time, 1800);
	assert_int_equal(subnet->rebinding_time, 2880);
	assert_true(subnet->rapid_commit);
	assert_int_equal(subnet->dns_servers.count, 0);
	assert_int_equal(subnet->n_domain_search, 0);
	assert_int_equal(subnet->vendor4491.tftp_servers.count, 0);
	assert_string_equal(subnet->vendor4491.config_file, "");
	assert_int_equal(subnet->n_pool_ranges, 0);
	rb_config_free(cfg);
}

/* T1 and T2 follow the preferred lifetime unless given (RFC 8415, section 21.4). */
static void subnet6_times_computed(void **state)
{
	struct rb_config *cfg;

	cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6(", \"preferred-lifetime\": 1001"))));
	assert_int_equal(cfg->subnets6[0].renewal_time, 500);
	assert_int_equal(cfg->subnets6[0].rebinding_time, 800);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6(", \"renewal-time\": 100"))));
	assert_int_equal(cfg->subnets6[0].renewal_time, 100);
	assert_int_equal(cfg->subnets6[0].rebinding_time, 2880);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6(", \"rebinding-time\": 3000"))));
	assert_int_equal(cfg->subnets6[0].renewal_time, 1800);
	assert_int_equal(cfg->subnets6[0].rebinding_time, 3000);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6(", \"preferred-lifetime\": 4294967295, "
						       "\"valid-lifetime\": 4294967295"))));
	assert_int_equal(cfg->subnets6[0].renewal_time, INFINITY32);
	assert_int_equal(cfg->subnets6[0].rebinding_time, INFINITY32);
	rb_config_free(cfg);
}

static void subnet6_values_kept(void **state)
{
	struct rb_config *cfg = load_valid(
		CONFIG(BASE ", \"dhcpv6\": {\"server-port\": 10547, \"server-duid\": \"000300015254\", "
		       "\"subnet\": [" SUBNET6(", \"interface\": \"rb1\", \"preferred-lifetime\": 600, "
		       "\"valid-lifetime\": 900, \"renewal-time\": 200, \"rebinding-time\": 400, "
		       "\"rapid-commit\": false, \"domain-search\": [\"a.test\", \"b.test\"], "
		       "\"sntp-servers\": [\"fd00:213::2\", \"fd00:213::3\"], "
		       "\"vendor-4491\": {\"syslog-servers\": [\"fd00:213::4\"], "
		       "\"time-servers\": [\"fd00:213::5\"], \"time-offset\": -3600}") "]}"));
	const struct rb_cfg_subnet6 *subnet = &cfg->subnets6[0];
	const uint8_t duid[6] = { 0x00, 0x03, 0x00, 0x01, 0x52, 0x54 };

	assert_int_equal(cfg->dhcp6_server_port, 10547);
	assert_int_equal(cfg->server_duid_len, 6);
	assert_memory_equal(cfg->server_duid, duid, 6);
	assert_string_equal(subnet->interface, "rb1");
	assert_int_equal(subnet->preferred_lifetime, 600);
	assert_int_equal(subnet->valid_lifetime, 900);
	assert_int_equal(subnet->renewal_time, 200);
	assert_int_equal(subnet->rebinding_time, 400);
	assert_false(subnet->rapid_commit);
	assert_int_equal(subnet->n_domain_search, 2);
	assert_string_equal(subnet->domain_search[1], "b.test");
	assert_int_equal(subnet->sntp_servers.count, 2);
	assert_ip6(&subnet->sntp_servers.addr[1], "fd00:213::3");
	assert_int_equal(subnet->vendor4491.syslog_servers.count, 1);
	assert_int_equal(subnet->vendor4491.time_servers.count, 1);
	assert_true(subnet->vendor4491.has_time_offset);
	assert_int_equal(subnet->vendor4491.time_offset, -3600);
	rb_config_free(cfg);
}

static void ra_defaults_applied(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(BASE "," RA(", \"rdnss\": {\"address\": "
							       "[\"fd00:213::1\"]}, \"prefix\": "
							       "[{\"prefix\": \"fd00:213::/64\"}]")));
	const struct rb_cfg_ra *ra = &cfg->ras[0];

	assert_int_equal(ra->max_interval_ms, 600000);
	assert_int_equal(ra->min_interval_ms, 200000);
	assert_int_equal(ra->router_lifetime, 0);
	assert_int_equal(ra->reachable_time, 0);
	assert_int_equal(ra->retrans_timer, 0);
	assert_int_equal(ra->cur_hop_limit, 64);
	assert_false(ra->managed);
	assert_false(ra->other);
	assert_int_equal(ra->mtu, 0);
	assert_true(ra->prefixes[0].on_link);
	assert_true(ra->prefixes[0].autonomous);
	assert_int_equal(ra->prefixes[0].valid_lifetime, 2592000);
	assert_int_equal(ra->prefixes[0].preferred_lifetime, 604800);
	assert_int_equal(ra->rdnss_lifetime, 1800);
	rb_config_free(cfg);
}

/* min-interval defaults to a third of max-interval, or to 3/4 of one below 9 seconds. */
static void ra_min_interval_computed(void **state)
{
	struct rb_config *cfg;

	cfg = load_valid(CONFIG(BASE "," RA(", \"max-interval\": 100")));
	assert_int_equal(cfg->ras[0].min_interval_ms, 33333);
	assert_int_equal(cfg->ras[0].rdnss_lifetime, 300);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," RA(", \"max-interval\": 6")));
	assert_int_equal(cfg->ras[0].min_interval_ms, 4500);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," RA(", \"max-interval\": 4")));
	assert_int_equal(cfg->ras[0].min_interval_ms, 3000);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(BASE "," RA(", \"max-interval\": 9")));
	assert_int_equal(cfg->ras[0].min_interval_ms, 3000);
	rb_config_free(cfg);
}

static void ra_values_kept(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(BASE "," RA(
		", \"min-interval\": 30, \"max-interval\": 40, \"router-lifetime\": 40, "
		"\"reachable-time\": 30000, \"retrans-timer\": 1000, \"cur-hop-limit\": 255, "
		"\"mtu\": 9000, \"rdnss\": {\"address\": [\"fd00:213::1\", \"fd00:213::2\"], "
		"\"lifetime\": 0}, \"prefix\": [{\"prefix\": \"2001:db8:1::/48\", "
		"\"autonomous\": false, \"on-link\": false, \"valid-lifetime\": 4294967295, "
		"\"preferred-lifetime\": 4294967295}]")));
	const struct rb_cfg_ra *ra = &cfg->ras[0];

	assert_int_equal(ra->min_interval_ms, 30000);
	assert_int_equal(ra->max_interval_ms, 40000);
	assert_int_equal(ra->router_lifetime, 40);
	assert_int_equal(ra->reachable_time, 30000);
	assert_int_equal(ra->retrans_timer, 1000);
	assert_int_equal(ra->cur_hop_limit, 255);
	assert_int_equal(ra->mtu, 9000);
	assert_int_equal(ra->rdnss.count, 2);
	assert_int_equal(ra->rdnss_lifetime, 0);
	assert_int_equal(ra->prefixes[0].prefix_len, 48);
	assert_false(ra->prefixes[0].on_link);
	assert_false(ra->prefixes[0].autonomous);
	assert_int_equal(ra->prefixes[0].valid_lifetime, INFINITY32);
	rb_config_free(cfg);
}

static void bootfiles6_ordered(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(
		IFACES ", \"boot-profiles\": {\"profile\": [{\"name\": \"linux\", "
		"\"dhcpv6-default-boot-file\": {\"url\": \"tftp://[fd00::1]/default\", "
		"\"parameter\": [\"a\", \"b\"]}, "
		"\"dhcpv6-boot-file\": [{\"arch\": 16, \"url\": \"http://[fd00::1]/16\"}, "
		"{\"arch\": 7, \"url\": \"tftp://[fd00::1]/7\"}], "
		"\"dhcpv6-ipxe-boot-file\": {\"url\": \"http://[fd00::1]/boot.ipxe\"}}]}"));
	const struct rb_cfg_profile *profile = &cfg->profiles[0];

	assert_int_equal(profile->n_bootfiles6, 4);
	assert_bootfile6(&profile->bootfiles6[0], RB_ARCH_ANY, true, "http://[fd00::1]/boot.ipxe");
	assert_bootfile6(&profile->bootfiles6[1], 7, false, "tftp://[fd00::1]/7");
	assert_bootfile6(&profile->bootfiles6[2], 16, false, "http://[fd00::1]/16");
	assert_bootfile6(&profile->bootfiles6[3], RB_ARCH_ANY, false, "tftp://[fd00::1]/default");
	assert_int_equal(profile->bootfiles6[3].n_params, 2);
	assert_string_equal(profile->bootfiles6[3].params[1], "b");
	assert_int_equal(profile->bootfiles6[0].n_params, 0);
	assert_int_equal(profile->n_bootfiles, 0);
	rb_config_free(cfg);
}

static void device6_fields_load(void **state)
{
	struct rb_config *cfg = load_valid(CONFIG(BASE "," DHCP6(SUBNET6("") ", {\"name\": \"far\", "
		"\"prefix\": \"2001:db8:9::/64\"}") "," DEVICES(
		DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:213::11\", "
			"\"duid\": \"00:01:00:01:2c:3d:4e:5f:52:54:00:00:00:01\"") ","
		DEVICE6("52:54:00:00:00:02", "10.213.0.12", ", \"ipv6-address\": \"2001:db8:9::12\", "
			"\"relay-agent\": {\"interface-id\": \"Ethernet1/1\", \"remote-id\": \"sw1\"}") ","
		DEVICE6("52:54:00:00:00:03", "10.213.0.13", ", \"relay-agent\": "
			"{\"interface-id-hex\": \"01:02:03\"}"))));
	const struct rb_cfg_device *d = cfg->devices;

	assert_true(d[0].has_ipv6);
	assert_int_equal(d[0].subnet6, 0);
	assert_int_equal(d[0].duid_len, 14);
	assert_int_equal(d[0].duid[1], 0x01);
	assert_int_equal(d[0].duid[13], 0x01);
	assert_int_equal(d[1].subnet6, 1);
	assert_int_equal(d[1].interface_id_len, 11);
	assert_memory_equal(d[1].interface_id, "Ethernet1/1", 11);
	assert_int_equal(d[1].remote_id_len, 3);
	assert_false(d[2].has_ipv6);
	assert_int_equal(d[2].interface_id_len, 3);
	assert_int_equal(d[2].interface_id[2], 0x03);
	/* An interface-id alone is no DHCPv4 reservation. */
	assert_int_equal(d[2].circuit_id_len, 0);
	assert_int_equal(d[2].remote_id_len, 0);
	rb_config_free(cfg);
}

struct invalid_case {
	const char *name;
	const char *json;
	const char *path;
	const char *value;
	const char *message;
};

#define DEV1_PATH	DEV_PATH("52:54:00:00:00:01")
#define DEV2_PATH	DEV_PATH("52:54:00:00:00:02")

static const struct invalid_case invalid_cases[] = {
	{ "prefix length over 128",
	  CONFIG(BASE "," DHCP6("{\"name\": \"lab6\", \"prefix\": \"fd00:213::/129\"}")),
	  SUBNET6_PATH "/prefix", "fd00:213::/129", "does not conform" },
	{ "IPv4 prefix in dhcpv6",
	  CONFIG(BASE "," DHCP6("{\"name\": \"lab6\", \"prefix\": \"10.213.0.0/24\"}")),
	  SUBNET6_PATH "/prefix", "10.213.0.0/24", "does not conform" },
	{ "multicast subnet6",
	  CONFIG(BASE "," DHCP6("{\"name\": \"lab6\", \"prefix\": \"ff05::/64\"}")),
	  SUBNET6_PATH "/prefix", "ff05::/64", "multicast" },
	{ "link-local subnet6",
	  CONFIG(BASE "," DHCP6("{\"name\": \"lab6\", \"prefix\": \"fe80::/64\"}")),
	  SUBNET6_PATH "/prefix", "fe80::/64", "link-local" },
	{ "overlapping subnets6",
	  CONFIG(BASE "," DHCP6("{\"name\": \"big\", \"prefix\": \"fd00::/16\"}, " SUBNET6(""))),
	  SUBNET6_PATH "/prefix", "fd00:213::/64", "overlaps dhcpv6 subnet \"big\" (fd00::/16)" },
	{ "unknown subnet6 interface",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"interface\": \"eth9\""))),
	  SUBNET6_PATH "/interface", "eth9", "no interfaces/interface has name \"eth9\"" },
	{ "T1 above T2",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"renewal-time\": 2000, \"rebinding-time\": 1900"))),
	  SUBNET6_PATH "/rebinding-time", "1900", "must not be less than renewal-time" },
	{ "T1 above default T2",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"renewal-time\": 3000"))),
	  SUBNET6_PATH "/renewal-time", "3000", "4/5 of preferred-lifetime" },
	{ "T2 below default T1",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"rebinding-time\": 1000"))),
	  SUBNET6_PATH "/rebinding-time", "1000", "half of preferred-lifetime" },
	{ "T2 above preferred",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"renewal-time\": 100, \"rebinding-time\": 3601"))),
	  SUBNET6_PATH "/rebinding-time", "3601", "must not exceed preferred-lifetime" },
	{ "preferred above valid",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"preferred-lifetime\": 8000"))),
	  SUBNET6_PATH "/preferred-lifetime", "8000", "must not exceed valid-lifetime" },
	{ "server-duid too short",
	  CONFIG(BASE ", \"dhcpv6\": {\"server-duid\": \"00:01\"}"),
	  ROOT "/dhcpv6/server-duid", "00:01", "3 to 130 bytes" },
	{ "server port 1",
	  CONFIG(BASE ", \"dhcpv6\": {\"server-port\": 1}"),
	  ROOT "/dhcpv6/server-port", "1", "allowed range: 2..65535" },
	{ "device outside every subnet6",
	  CONFIG(BASE "," DHCP6(SUBNET6("")) "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:999::11\""))),
	  DEV1_PATH "/ipv6-address", "fd00:999::11", "not inside any dhcpv6 subnet" },
	{ "device on Subnet-Router anycast",
	  CONFIG(BASE "," DHCP6(SUBNET6("")) "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:213::\""))),
	  DEV1_PATH "/ipv6-address", "fd00:213::", "Subnet-Router anycast" },
	{ "same ipv6-address twice",
	  CONFIG(BASE "," DHCP6(SUBNET6("")) "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:213::11\"") ","
		 DEVICE6("52:54:00:00:00:02", "10.213.0.12", ", \"ipv6-address\": \"fd00:213::11\""))),
	  DEV2_PATH "/ipv6-address", "fd00:213::11", "give each device its own ipv6-address" },
	{ "duplicate DUID in other spelling",
	  CONFIG(BASE "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"duid\": \"00:03:00:01:aa:bb\"") ","
		 DEVICE6("52:54:00:00:00:02", "10.213.0.12", ", \"duid\": \"00030001AABB\""))),
	  DEV2_PATH "/duid", "00030001AABB", "same DUID as " DEV1_PATH },
	{ "device DUID of 2 bytes",
	  CONFIG(BASE "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"duid\": \"0003\""))),
	  DEV1_PATH "/duid", "0003", "3 to 130 bytes" },
	{ "duplicate interface-id",
	  CONFIG(BASE "," DEVICES(
		 DEVICE6("52:54:00:00:00:01", "10.213.0.11",
			 ", \"relay-agent\": {\"interface-id\": \"Ethernet1/1\"}") ","
		 DEVICE6("52:54:00:00:00:02", "10.213.0.12",
			 ", \"relay-agent\": {\"interface-id-hex\": \"45:74:68:65:72:6e:65:74:31:2f:31\"}"))),
	  DEV2_PATH "/relay-agent", "", "same DHCPv6 interface-id and remote-id as " DEV1_PATH },
	{ "pool range outside subnet6",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"pool\": {\"profile\": \"linux\", \"range\": "
					"[{\"start\": \"fd00:213::1000\", \"end\": \"fd00:214::1\"}]}"))),
	  SUBNET6_PATH "/pool/range[start='fd00:213::1000']/end", "fd00:214::1",
	  "not inside prefix fd00:213::/64" },
	{ "pool range end below start",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"pool\": {\"profile\": \"linux\", \"range\": "
					"[{\"start\": \"fd00:213::2000\", \"end\": \"fd00:213::1000\"}]}"))),
	  SUBNET6_PATH "/pool/range[start='fd00:213::2000']/end", "fd00:213::1000",
	  "below the range's start fd00:213::2000" },
	{ "pool range on Subnet-Router anycast",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"pool\": {\"profile\": \"linux\", \"range\": "
					"[{\"start\": \"fd00:213::\", \"end\": \"fd00:213::10\"}]}"))),
	  SUBNET6_PATH "/pool/range[start='fd00:213::']/start", "fd00:213::", "Subnet-Router" },
	{ "overlapping pool ranges",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"pool\": {\"profile\": \"linux\", \"range\": "
					"[{\"start\": \"fd00:213::1000\", \"end\": \"fd00:213::1fff\"}, "
					"{\"start\": \"fd00:213::1f00\", \"end\": \"fd00:213::2fff\"}]}"))),
	  SUBNET6_PATH "/pool/range[start='fd00:213::1f00']/start", "fd00:213::1f00",
	  "overlaps the range starting at fd00:213::1000" },
	{ "pool range holds a device",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"pool\": {\"profile\": \"linux\", \"range\": "
					"[{\"start\": \"fd00:213::1000\", \"end\": \"fd00:213::1fff\"}]}"))
		 "," DEVICES(DEVICE6("52:54:00:00:00:01", "10.213.0.11",
				     ", \"ipv6-address\": \"fd00:213::1234\""))),
	  SUBNET6_PATH "/pool/range[start='fd00:213::1000']/start", "fd00:213::1000",
	  "contains fd00:213::1234, the ipv6-address of inventory device 52:54:00:00:00:01" },
	{ "unknown RA interface",
	  CONFIG(BASE ", \"router-advertisements\": {\"interface\": [{\"name\": \"eth9\"}]}"),
	  ROOT "/router-advertisements/interface[name='eth9']/name", "eth9",
	  "no interfaces/interface has name \"eth9\"" },
	{ "min-interval too large",
	  CONFIG(BASE "," RA(", \"min-interval\": 451")),
	  RA_PATH "/min-interval", "451", "at most 0.75 * max-interval" },
	{ "min-interval below 3",
	  CONFIG(BASE "," RA(", \"min-interval\": 2")),
	  RA_PATH "/min-interval", "2", "allowed range: 3..1350" },
	{ "max-interval above 1800",
	  CONFIG(BASE "," RA(", \"max-interval\": 1801")),
	  RA_PATH "/max-interval", "1801", "allowed range: 4..1800" },
	{ "router-lifetime below max-interval",
	  CONFIG(BASE "," RA(", \"router-lifetime\": 100")),
	  RA_PATH "/router-lifetime", "100", "0 or at least max-interval" },
	{ "reachable-time above an hour",
	  CONFIG(BASE "," RA(", \"reachable-time\": 3600001")),
	  RA_PATH "/reachable-time", "3600001", "allowed range: 0..3600000" },
	{ "RA mtu below 1280",
	  CONFIG(BASE "," RA(", \"mtu\": 1000")),
	  RA_PATH "/mtu", "1000", "allowed range: 1280..65535" },
	{ "link-local RA prefix",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"fe80::/64\"}]")),
	  RA_PATH "/prefix[prefix='fe80::/64']/prefix", "fe80::/64", "link-local" },
	{ "multicast RA prefix",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"ff00::/8\", \"autonomous\": false}]")),
	  RA_PATH "/prefix[prefix='ff00::/8']/prefix", "ff00::/8", "multicast" },
	{ "autonomous RA prefix not /64",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"fd00:213::/48\"}]")),
	  RA_PATH "/prefix[prefix='fd00:213::/48']/prefix", "fd00:213::/48", "not a /64" },
	{ "RA prefix preferred above valid",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"fd00:213::/64\", "
			      "\"valid-lifetime\": 100, \"preferred-lifetime\": 200}]")),
	  RA_PATH "/prefix[prefix='fd00:213::/64']/preferred-lifetime", "200",
	  "must not exceed valid-lifetime" },
	{ "default preferred above valid",
	  CONFIG(BASE "," DHCP6(SUBNET6(", \"valid-lifetime\": 1000"))),
	  SUBNET6_PATH "/preferred-lifetime", "3600", "must not exceed valid-lifetime" },
	{ "RA prefix default preferred above valid",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"fd00:213::/64\", "
			      "\"valid-lifetime\": 100}]")),
	  RA_PATH "/prefix[prefix='fd00:213::/64']/preferred-lifetime", "604800",
	  "must not exceed valid-lifetime" },
	{ "five RA prefixes",
	  CONFIG(BASE "," RA(", \"prefix\": [{\"prefix\": \"fd00:1::/64\"}, "
			      "{\"prefix\": \"fd00:2::/64\"}, {\"prefix\": \"fd00:3::/64\"}, "
			      "{\"prefix\": \"fd00:4::/64\"}, {\"prefix\": \"fd00:5::/64\"}]")),
	  RA_PATH "/prefix", "", "at most 4 are allowed" },
	{ "nine DHCPv6 boot files",
	  CONFIG(IFACES ", \"boot-profiles\": {\"profile\": [{\"name\": \"linux\", "
		 "\"dhcpv6-ipxe-boot-file\": {\"url\": \"http://x/i\"}, \"dhcpv6-boot-file\": ["
		 "{\"arch\": 0, \"url\": \"tftp://x/0\"}, {\"arch\": 1, \"url\": \"tftp://x/1\"}, "
		 "{\"arch\": 2, \"url\": \"tftp://x/2\"}, {\"arch\": 3, \"url\": \"tftp://x/3\"}, "
		 "{\"arch\": 4, \"url\": \"tftp://x/4\"}, {\"arch\": 5, \"url\": \"tftp://x/5\"}, "
		 "{\"arch\": 6, \"url\": \"tftp://x/6\"}, {\"arch\": 7, \"url\": \"tftp://x/7\"}]}]}"),
	  ROOT "/boot-profiles/profile[name='linux']", "", "at most 8 DHCPv6 boot files" },
	{ "boot file without url",
	  CONFIG(IFACES ", \"boot-profiles\": {\"profile\": [{\"name\": \"linux\", "
		 "\"dhcpv6-default-boot-file\": {\"parameter\": [\"a\"]}}]}"),
	  ROOT "/boot-profiles/profile[name='linux']/dhcpv6-default-boot-file", "",
	  "missing mandatory leaf \"url\"" },
};

/* Print every error of a case whose first check fails, then check each field. */
static void invalid_cases_rejected(void **state)
{
	for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
		const struct invalid_case *c = &invalid_cases[i];
		struct rb_config *cfg = (struct rb_config *)1;
		struct rb_cfg_errors errs;

		print_message("# case: %s\n", c->name);
		assert_int_equal(rb_config_load_string(c->json, &cfg, &errs), -EINVAL);
		assert_null(cfg);
		assert_error(&errs, c->path, c->value, c->message);
		if (errs.count != 1)
			print_errors(&errs);
		assert_int_equal(errs.count, 1);
		rb_cfg_errors_free(&errs);
	}
}

/* A subnet6 with an invalid prefix may be the one that contains a device, so that is not reported. */
static void broken_subnet6_hides_device_error(void **state)
{
	struct rb_config *cfg = (struct rb_config *)1;
	struct rb_cfg_errors errs;

	assert_int_equal(rb_config_load_string(CONFIG(BASE "," DHCP6(
		"{\"name\": \"lab6\", \"prefix\": \"fd00:213::/200\"}") "," DEVICES(
		DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:213::11\""))),
		&cfg, &errs), -EINVAL);
	assert_null(cfg);
	assert_error(&errs, SUBNET6_PATH "/prefix", "fd00:213::/200", "does not conform");
	assert_null(find_error(&errs, DEV1_PATH "/ipv6-address", "fd00:213::11"));
	rb_cfg_errors_free(&errs);
}

#define LOOKUP_CONFIG CONFIG(BASE "," DHCP6(SUBNET6(", \"interface\": \"rb0\"") ", " \
	"{\"name\": \"relayed\", \"prefix\": \"2001:db8:9::/64\"}") "," \
	RA(", \"max-interval\": 30") "," DEVICES( \
	DEVICE6("52:54:00:00:00:01", "10.213.0.11", ", \"ipv6-address\": \"fd00:213::11\", " \
		"\"duid\": \"00:01:00:01:2c:3d:4e:5f:52:54:00:00:00:01\"") "," \
	DEVICE6("52:54:00:00:00:02", "10.213.0.12", ", \"ipv6-address\": \"2001:db8:9::12\", " \
		"\"duid\": \"00:02:00:00:00:09:01\", \"relay-agent\": {\"interface-id\": \"Eth1/1\"}") "," \
	DEVICE6("52:54:00:00:00:03", "10.213.0.13", ", \"relay-agent\": " \
		"{\"interface-id\": \"Eth1/1\", \"remote-id\": \"sw1\"}") "," \
	DEVICE6("52:54:00:00:00:04", "10.213.0.14", ", \"relay-agent\": {\"remote-id\": \"sw2\"}") "," \
	DEVICE6("52:54:00:00:00:05", "10.213.0.15", "")))

static void lookup_by_duid(void **state)
{
	const uint8_t duid_llt[14] = { 0x00, 0x01, 0x00, 0x01, 0x2c, 0x3d, 0x4e, 0x5f,
				       0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	const uint8_t duid_en[7] = { 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x01 };
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);

	assert_ptr_equal(rb_config_device_by_duid(cfg, duid_llt, sizeof(duid_llt)), &cfg->devices[0]);
	assert_ptr_equal(rb_config_device_by_duid(cfg, duid_en, sizeof(duid_en)), &cfg->devices[1]);
	/* Exact bytes only: a prefix or a longer DUID is another client. */
	assert_null(rb_config_device_by_duid(cfg, duid_llt, sizeof(duid_llt) - 1));
	assert_null(rb_config_device_by_duid(cfg, duid_en, 3));
	assert_null(rb_config_device_by_duid(cfg, duid_en, 0));
	assert_null(rb_config_device_by_duid(cfg, NULL, 7));
	assert_int_equal(cfg->n_devices_by_duid, 2);
	rb_config_free(cfg);
}

/* Devices without a DUID are still found by the MAC that a DUID-LL carries. */
static void lookup_by_mac_still_works(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x05 };
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);

	assert_ptr_equal(rb_config_device_by_mac(cfg, mac), &cfg->devices[4]);
	assert_int_equal(cfg->devices[4].duid_len, 0);
	rb_config_free(cfg);
}

static void lookup_by_ipv6(void **state)
{
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);
	struct in6_addr addr;

	addr = ip6("fd00:213::11");
	assert_ptr_equal(rb_config_device_by_ipv6(cfg, &addr), &cfg->devices[0]);
	addr = ip6("2001:db8:9::12");
	assert_ptr_equal(rb_config_device_by_ipv6(cfg, &addr), &cfg->devices[1]);
	assert_int_equal(cfg->devices[1].subnet6, 1);
	addr = ip6("fd00:213::12");
	assert_null(rb_config_device_by_ipv6(cfg, &addr));
	/* Devices without ipv6-address are not indexed at ::. */
	addr = ip6("::");
	assert_null(rb_config_device_by_ipv6(cfg, &addr));
	assert_int_equal(cfg->n_devices_by_ipv6, 2);
	rb_config_free(cfg);
}

static void lookup_by_relay6(void **state)
{
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);
	const uint8_t *port = (const uint8_t *)"Eth1/1";

	assert_ptr_equal(rb_config_device_by_relay6(cfg, port, 6, NULL, 0), &cfg->devices[1]);
	/* The reservation that names more fields wins. */
	assert_ptr_equal(rb_config_device_by_relay6(cfg, port, 6, (const uint8_t *)"sw1", 3),
			 &cfg->devices[2]);
	assert_ptr_equal(rb_config_device_by_relay6(cfg, port, 6, (const uint8_t *)"sw9", 3),
			 &cfg->devices[1]);
	assert_ptr_equal(rb_config_device_by_relay6(cfg, (const uint8_t *)"Eth1/2", 6,
						    (const uint8_t *)"sw2", 3), &cfg->devices[3]);
	assert_null(rb_config_device_by_relay6(cfg, (const uint8_t *)"Eth1/2", 6, NULL, 0));
	assert_null(rb_config_device_by_relay6(cfg, port, 5, NULL, 0));
	assert_null(rb_config_device_by_relay6(cfg, NULL, 0, NULL, 0));
	rb_config_free(cfg);
}

static void lookup_subnet6(void **state)
{
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);
	struct in6_addr addr;

	addr = ip6("fd00:213::ffff:1");
	assert_ptr_equal(rb_config_subnet6_by_addr(cfg, &addr), &cfg->subnets6[0]);
	addr = ip6("2001:db8:9:0:ffff:ffff:ffff:ffff");
	assert_ptr_equal(rb_config_subnet6_by_addr(cfg, &addr), &cfg->subnets6[1]);
	addr = ip6("2001:db8:9:1::");
	assert_null(rb_config_subnet6_by_addr(cfg, &addr));

	assert_ptr_equal(rb_config_subnet6_by_iface(cfg, "rb0"), &cfg->subnets6[0]);
	assert_null(rb_config_subnet6_by_iface(cfg, "rb1"));
	/* A subnet behind relays only has no interface, and "" does not find it. */
	assert_null(rb_config_subnet6_by_iface(cfg, ""));
	rb_config_free(cfg);
}

static void lookup_ra(void **state)
{
	struct rb_config *cfg = load_valid(LOOKUP_CONFIG);

	assert_ptr_equal(rb_config_ra_by_iface(cfg, "rb0"), &cfg->ras[0]);
	assert_int_equal(cfg->ras[0].min_interval_ms, 10000);
	assert_null(rb_config_ra_by_iface(cfg, "rb1"));
	assert_null(rb_config_ra_by_iface(cfg, ""));
	rb_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lab_example_loads),
		cmocka_unit_test(ipv6_absent_loads),
		cmocka_unit_test(subnet6_defaults_applied),
		cmocka_unit_test(subnet6_times_computed),
		cmocka_unit_test(subnet6_values_kept),
		cmocka_unit_test(ra_defaults_applied),
		cmocka_unit_test(ra_min_interval_computed),
		cmocka_unit_test(ra_values_kept),
		cmocka_unit_test(bootfiles6_ordered),
		cmocka_unit_test(device6_fields_load),
		cmocka_unit_test(invalid_cases_rejected),
		cmocka_unit_test(broken_subnet6_hides_device_error),
		cmocka_unit_test(lookup_by_duid),
		cmocka_unit_test(lookup_by_mac_still_works),
		cmocka_unit_test(lookup_by_ipv6),
		cmocka_unit_test(lookup_by_relay6),
		cmocka_unit_test(lookup_subnet6),
		cmocka_unit_test(lookup_ra),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
