// SPDX-License-Identifier: MIT
/*
 * The subnet pools: the config checks of pool ranges, the templates that
 * pool devices get, and the allocator (allocation order, skipped
 * inventory addresses, exhaustion, release, quarantine, rebuild from
 * existing records).  Configs are loaded through the real YANG module.
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
#include "dhcp4/pool.h"
#include "dhcp4/template.h"

#define NS_PER_SEC	1000000000ULL

#define CONFIG(...)	"{\"rackboot:rackboot\": {" __VA_ARGS__ "}}"
#define IFACES		"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}"
#define PROFILES	"\"boot-profiles\": {\"profile\": [" \
			"{\"name\": \"linux\", \"default-boot-file\": \"pxelinux.0\"}, " \
			"{\"name\": \"discover\", \"default-boot-file\": \"discover.efi\"}]}"
#define SUBNET(extra)	"\"dhcpv4\": {\"decline-quarantine\": 30, \"subnet\": [{\"name\": \"lab\", " \
			"\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", " \
			"\"server-address\": \"10.213.0.1\"" extra "}]}"
#define POOL(...)	", \"pool\": {\"profile\": \"discover\", \"range\": [" __VA_ARGS__ "]}"
#define RANGE(a, b)	"{\"start\": \"" a "\", \"end\": \"" b "\"}"
#define DEVICES(...)	"\"inventory\": {\"device\": [" __VA_ARGS__ "]}"
#define DEVICE(mac, addr) \
	"{\"mac\": \"" mac "\", \"ipv4-address\": \"" addr "\", \"profile\": \"linux\"}"

#define RANGE_PATH(start) \
	"/rackboot:rackboot/dhcpv4/subnet[name='lab']/pool/range[start='" start "']"

/* Two ranges; 10.213.0.12 belongs to no range and .21 is between them. */
static const char *const pool_json =
	CONFIG(IFACES "," PROFILES ","
	       SUBNET(POOL(RANGE("10.213.0.10", "10.213.0.11") "," RANGE("10.213.0.20", "10.213.0.20")))
	       "," DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.5")));

static uint32_t ip(const char *text)
{
	struct in_addr addr;

	assert_int_equal(inet_pton(AF_INET, text, &addr), 1);
	return addr.s_addr;
}

static struct rb_config *load(const char *json)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	char line[1400];

	if (rb_config_load_string(json, &cfg, &errs)) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# %s\n", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
		fail_msg("the config was rejected");
	}
	rb_cfg_errors_free(&errs);
	return cfg;
}

static void config_reads_pool(void **state)
{
	struct rb_config *cfg = load(pool_json);
	const struct rb_cfg_subnet *lab = &cfg->subnets[0];

	assert_int_equal(lab->n_pool_ranges, 2);
	assert_int_equal(lab->pool_ranges[0].start, ip("10.213.0.10"));
	assert_int_equal(lab->pool_ranges[0].end, ip("10.213.0.11"));
	assert_int_equal(lab->pool_ranges[1].start, ip("10.213.0.20"));
	assert_string_equal(cfg->profiles[lab->pool_profile].name, "discover");
	assert_int_equal(cfg->decline_quarantine, 30);
	rb_config_free(cfg);
}

static void config_default_quarantine(void **state)
{
	struct rb_config *cfg = load(CONFIG(IFACES "," PROFILES ","
					    "\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", "
					    "\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", "
					    "\"server-address\": \"10.213.0.1\"}]}"));

	assert_int_equal(cfg->decline_quarantine, 300);
	assert_int_equal(cfg->subnets[0].n_pool_ranges, 0);
	rb_config_free(cfg);
}

struct invalid_case {
	const char *name;
	const char *json;
	const char *path;
	const char *value;
	const char *message;
};

static const struct invalid_case invalid_cases[] = {
	{ "range end outside the prefix",
	  CONFIG(IFACES "," PROFILES "," SUBNET(POOL(RANGE("10.213.0.10", "10.213.1.10")))),
	  RANGE_PATH("10.213.0.10") "/end", "10.213.1.10", "not inside prefix" },
	{ "range on the broadcast address",
	  CONFIG(IFACES "," PROFILES "," SUBNET(POOL(RANGE("10.213.0.200", "10.213.0.255")))),
	  RANGE_PATH("10.213.0.200") "/end", "10.213.0.255", "broadcast address" },
	{ "range end below start",
	  CONFIG(IFACES "," PROFILES "," SUBNET(POOL(RANGE("10.213.0.20", "10.213.0.10")))),
	  RANGE_PATH("10.213.0.20") "/end", "10.213.0.10", "below the range's start" },
	{ "range holds the server",
	  CONFIG(IFACES "," PROFILES "," SUBNET(POOL(RANGE("10.213.0.1", "10.213.0.9")))),
	  RANGE_PATH("10.213.0.1") "/start", "10.213.0.1", "server-address" },
	{ "range holds a router",
	  CONFIG(IFACES "," PROFILES ","
		 SUBNET(", \"routers\": [\"10.213.0.5\"]" POOL(RANGE("10.213.0.2", "10.213.0.9")))),
	  RANGE_PATH("10.213.0.2") "/start", "10.213.0.2", "router 10.213.0.5" },
	{ "range holds an inventory device",
	  CONFIG(IFACES "," PROFILES "," SUBNET(POOL(RANGE("10.213.0.2", "10.213.0.9"))) ","
		 DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.7"))),
	  RANGE_PATH("10.213.0.2") "/start", "10.213.0.2", "inventory device 52:54:00:00:00:01" },
	{ "ranges overlap",
	  CONFIG(IFACES "," PROFILES ","
		 SUBNET(POOL(RANGE("10.213.0.10", "10.213.0.20") "," RANGE("10.213.0.15", "10.213.0.30")))),
	  RANGE_PATH("10.213.0.15") "/start", "10.213.0.15", "overlaps the range starting at 10.213.0.10" },
};

static void config_rejects(void **state)
{
	char line[1400];

	for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
		const struct invalid_case *c = &invalid_cases[i];
		struct rb_cfg_errors errs = { 0 };
		struct rb_config *cfg = NULL;
		bool found = false;

		print_message("# case: %s\n", c->name);
		assert_int_equal(rb_config_load_string(c->json, &cfg, &errs), -EINVAL);
		assert_null(cfg);
		for (size_t e = 0; e < errs.count; e++) {
			const struct rb_cfg_error *err = &errs.items[e];

			print_message("#   %s\n", rb_cfg_error_format(err, line, sizeof(line)));
			found |= strcmp(err->path, c->path) == 0 && strcmp(err->value, c->value) == 0 &&
				 strstr(err->message, c->message) != NULL;
		}
		if (!found)
			fail_msg("case \"%s\": no error at %s with value %s reading \"%s\"", c->name,
				 c->path, c->value, c->message);
		rb_cfg_errors_free(&errs);
	}
}

/* The pool devices of a subnet get the template of (subnet, pool profile). */
static void template_for_pool(void **state)
{
	struct rb_config *cfg = load(pool_json);
	struct rb_dhcp4_templates t;

	assert_int_equal(rb_dhcp4_templates_build(cfg, &t), 0);
	assert_int_equal(t.count, 2);
	assert_int_equal(t.device_template[0], 0);
	assert_int_equal(t.pool_template[0], 1);
	assert_string_equal((const char *)t.items[1].bootfiles[0].name, "discover.efi");
	rb_dhcp4_templates_free(&t);
	rb_config_free(cfg);
}

static void alloc_in_order_until_full(void **state)
{
	struct rb_config *cfg = load(pool_json);
	struct rb_dhcp4_pool p;
	uint32_t addr = 0;

	assert_int_equal(rb_dhcp4_pool_init(&p, cfg), 0);
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.10"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.11"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.20"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), -ENOSPC);

	/* A released address is the next one handed out. */
	rb_dhcp4_pool_release(&p, ip("10.213.0.11"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.11"));

	assert_int_equal(rb_dhcp4_pool_alloc(&p, 1, 0, &addr), -ENOENT);
	rb_dhcp4_pool_free(&p);
	rb_config_free(cfg);
}

static void find_and_dynamic(void **state)
{
	static const uint8_t inventory_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
	struct rb_config *cfg = load(pool_json);
	size_t subnet = 99;

	assert_true(rb_dhcp4_pool_find(cfg, ip("10.213.0.20"), &subnet));
	assert_int_equal(subnet, 0);
	assert_false(rb_dhcp4_pool_find(cfg, ip("10.213.0.12"), NULL));
	assert_false(rb_dhcp4_pool_find(cfg, ip("10.213.0.5"), NULL));

	assert_true(rb_dhcp4_pool_is_dynamic(cfg, other_mac, ip("10.213.0.10")));
	assert_false(rb_dhcp4_pool_is_dynamic(cfg, other_mac, ip("10.213.0.12")));
	assert_false(rb_dhcp4_pool_is_dynamic(cfg, inventory_mac, ip("10.213.0.10")));
	rb_config_free(cfg);
}

/* The rebuild at start: held addresses are skipped, duplicates are reported. */
static void hold_existing_records(void **state)
{
	struct rb_config *cfg = load(pool_json);
	struct rb_dhcp4_pool p;
	uint32_t addr = 0;

	assert_int_equal(rb_dhcp4_pool_init(&p, cfg), 0);
	assert_int_equal(rb_dhcp4_pool_hold(&p, ip("10.213.0.10")), 0);
	assert_int_equal(rb_dhcp4_pool_hold(&p, ip("10.213.0.10")), -EEXIST);
	assert_int_equal(rb_dhcp4_pool_hold(&p, ip("10.213.0.5")), -ENOENT);
	assert_int_equal(rb_dhcp4_pool_hold(&p, ip("10.213.0.20")), 0);

	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.11"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), -ENOSPC);
	rb_dhcp4_pool_free(&p);
	rb_config_free(cfg);
}

/* A declined address rests for decline-quarantine (30 s here), then returns. */
static void decline_quarantines(void **state)
{
	struct rb_config *cfg = load(pool_json);
	uint64_t now = 1000 * NS_PER_SEC;
	struct rb_dhcp4_pool p;
	uint32_t addr = 0;

	assert_int_equal(rb_dhcp4_pool_init(&p, cfg), 0);
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, now, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.10"));
	rb_dhcp4_pool_decline(&p, addr, now);

	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, now + 29 * NS_PER_SEC, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.11"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, now + 29 * NS_PER_SEC, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.20"));
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, now + 29 * NS_PER_SEC, &addr), -ENOSPC);

	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, now + 30 * NS_PER_SEC, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.10"));
	rb_dhcp4_pool_free(&p);
	rb_config_free(cfg);
}

/* Inventory addresses inside a range are skipped (the config check normally forbids them). */
static void inventory_address_skipped(void **state)
{
	struct rb_config *cfg = load(pool_json);
	struct rb_dhcp4_pool p;
	uint32_t addr = 0;

	/* Move the inventory device into the pool, as a config loaded without checks would. */
	cfg->devices[0].ipv4 = ip("10.213.0.10");
	assert_int_equal(rb_dhcp4_pool_init(&p, cfg), 0);
	assert_int_equal(rb_dhcp4_pool_alloc(&p, 0, 0, &addr), 0);
	assert_int_equal(addr, ip("10.213.0.11"));
	rb_dhcp4_pool_free(&p);
	rb_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_reads_pool),
		cmocka_unit_test(config_default_quarantine),
		cmocka_unit_test(config_rejects),
		cmocka_unit_test(template_for_pool),
		cmocka_unit_test(alloc_in_order_until_full),
		cmocka_unit_test(find_and_dynamic),
		cmocka_unit_test(hold_existing_records),
		cmocka_unit_test(decline_quarantines),
		cmocka_unit_test(inventory_address_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
