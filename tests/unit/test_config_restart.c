// SPDX-License-Identifier: MIT
/*
 * rb_config_restart_leaves(), the check that rejects a reload: changes
 * a reload applies pass, each restart-only leaf is named with its old
 * and new value, and the list is capped while the count goes on.  The
 * configs are loaded from JSON with the real YANG module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

#define CONFIG(...)	"{\"rackboot:rackboot\": {" __VA_ARGS__ "}}"
#define IFACES(mode)	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\", " \
			"\"xdp-mode\": \"" mode "\"}]}"
#define PROFILES(file)	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", " \
			"\"default-boot-file\": \"" file "\"}]}"
#define SUBNET		"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", " \
			"\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", " \
			"\"server-address\": \"10.213.0.1\"}]}"
#define DEVICE(mac, addr) \
	"{\"mac\": \"" mac "\", \"ipv4-address\": \"" addr "\", \"profile\": \"linux\"}"
#define DEVICES(...)	"\"inventory\": {\"device\": [" __VA_ARGS__ "]}"
#define TFTP(extra)	"\"tftp\": {\"root\": \"/srv/tftp\"" extra "}"

#define BASE(mode, file, tftp, ...) \
	CONFIG(IFACES(mode) ", " PROFILES(file) ", " SUBNET ", " tftp ", " DEVICES(__VA_ARGS__))

static const char running_json[] =
	BASE("native", "pxelinux.0", TFTP(""), DEVICE("52:54:00:00:00:01", "10.213.0.101"));

static struct rb_config *load(const char *json)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	char line[1400];

	if (rb_config_load_string(json, &cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# error: %s\n",
				      rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
	}
	rb_cfg_errors_free(&errs);
	assert_non_null(cfg);
	return cfg;
}

/* Compare next_json with the running config; fill out with up to max leaves. */
static size_t compare(const char *next_json, struct rb_cfg_restart_leaf *out, size_t max)
{
	struct rb_config *running = load(running_json);
	struct rb_config *next = load(next_json);
	size_t n = rb_config_restart_leaves(running, next, out, max);

	rb_config_free(running);
	rb_config_free(next);
	return n;
}

static void same_config_passes(void **state)
{
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(compare(running_json, leaves, 4), 0);
}

static void inventory_and_profile_changes_pass(void **state)
{
	static const char next[] =
		BASE("native", "pxelinux-new.0", TFTP(""),
		     DEVICE("52:54:00:00:00:01", "10.213.0.111") ", "
		     DEVICE("52:54:00:00:00:02", "10.213.0.102"));
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(compare(next, leaves, 4), 0);
}

static void tftp_root_change_passes(void **state)
{
	static const char next[] = CONFIG(IFACES("native") ", " PROFILES("pxelinux.0") ", " SUBNET
					  ", \"tftp\": {\"root\": \"/srv/other\"}, "
					  DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.101")));
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(compare(next, leaves, 4), 0);
}

static void tftp_port_named(void **state)
{
	static const char next[] = BASE("native", "pxelinux.0", TFTP(", \"port\": 1069"),
					DEVICE("52:54:00:00:00:01", "10.213.0.101"));
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(compare(next, leaves, 4), 1);
	assert_string_equal(leaves[0].path, "/rackboot:rackboot/tftp/port");
	assert_string_equal(leaves[0].old_value, "69");
	assert_string_equal(leaves[0].new_value, "1069");
}

static void xdp_mode_named(void **state)
{
	static const char next[] = BASE("skb", "pxelinux.0", TFTP(""),
					DEVICE("52:54:00:00:00:01", "10.213.0.101"));
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(compare(next, leaves, 4), 1);
	assert_string_equal(leaves[0].path, "/rackboot:rackboot/interfaces/interface");
	assert_string_equal(leaves[0].old_value, "rb0 (native)");
	assert_string_equal(leaves[0].new_value, "rb0 (skb)");
}

static void http_container_named(void **state)
{
	static const char next[] =
		CONFIG(IFACES("native") ", " PROFILES("pxelinux.0") ", " SUBNET ", " TFTP("")
		       ", \"http\": {\"root\": \"/srv/http\"}, "
		       DEVICES(DEVICE("52:54:00:00:00:01", "10.213.0.101")));
	struct rb_cfg_restart_leaf leaves[8];
	size_t n = compare(next, leaves, 8);
	bool found = false;

	assert_true(n >= 1);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (strcmp(leaves[i].path, "/rackboot:rackboot/http") == 0) {
			found = true;
			assert_string_equal(leaves[i].old_value, "absent");
			assert_string_equal(leaves[i].new_value, "present");
		}
	}
	assert_true(found);
}

/* Two changes with room for one: the first is listed, both are counted. */
static void list_capped_count_goes_on(void **state)
{
	static const char next[] = BASE("skb", "pxelinux.0", TFTP(", \"port\": 1069"),
					DEVICE("52:54:00:00:00:01", "10.213.0.101"));
	struct rb_cfg_restart_leaf leaves[1];

	assert_int_equal(compare(next, leaves, 1), 2);
	assert_string_equal(leaves[0].path, "/rackboot:rackboot/tftp/port");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_config_passes),
		cmocka_unit_test(inventory_and_profile_changes_pass),
		cmocka_unit_test(tftp_root_change_passes),
		cmocka_unit_test(tftp_port_named),
		cmocka_unit_test(xdp_mode_named),
		cmocka_unit_test(http_container_named),
		cmocka_unit_test(list_capped_count_goes_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
