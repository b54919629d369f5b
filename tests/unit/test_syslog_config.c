// SPDX-License-Identifier: MIT
/*
 * The syslog TLS leaves of the config.  The TLS listener and a tls
 * collector must convert.  YANG rejects a tls collector without its CA
 * file or name, and those leaves on other transports.  A reload needs a
 * restart for the listener's leaves but applies collector changes.  The
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

#define CONFIG(syslog)	"{\"rackboot:rackboot\": {" \
			"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}, " \
			"\"syslog\": {\"enabled\": true" syslog "}}}"
#define TLS(extra)	", \"tls\": {\"certificate\": \"/etc/rb/syslog.pem\", " \
			"\"private-key\": \"/etc/rb/syslog.key\"" extra "}"
#define COLLECTOR(fields) \
	", \"collector\": [{\"host\": \"192.0.2.10\", \"port\": 6514" fields "}]"
#define TLS_COLLECTOR(name) \
	COLLECTOR(", \"transport\": \"tls\", \"ca-certificates\": \"/etc/rb/nms-ca.pem\", " \
		  "\"server-name\": \"" name "\"")

/* Load json; returns NULL when it is rejected, with the errors printed and matched against expect. */
static struct rb_config *load(const char *json, const char *expect)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	bool matched = expect == NULL;
	char line[1400];

	if (rb_config_load_string(json, &cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++) {
			rb_cfg_error_format(&errs.items[i], line, sizeof(line));
			print_message("# error: %s\n", line);
			if (expect && strstr(line, expect))
				matched = true;
		}
	}
	rb_cfg_errors_free(&errs);
	assert_true(matched);
	return cfg;
}

static void tls_listener_converted(void **state)
{
	struct rb_config *cfg =
		load(CONFIG(TLS(", \"client-ca-certificates\": \"/etc/rb/devices-ca.pem\"")), NULL);

	assert_non_null(cfg);
	assert_true(cfg->syslog.tls_enabled);
	assert_int_equal(cfg->syslog.tls_port, 6514);
	assert_string_equal(cfg->syslog.tls_certificate, "/etc/rb/syslog.pem");
	assert_string_equal(cfg->syslog.tls_private_key, "/etc/rb/syslog.key");
	assert_string_equal(cfg->syslog.tls_client_ca, "/etc/rb/devices-ca.pem");
	rb_config_free(cfg);
}

static void tls_listener_absent(void **state)
{
	struct rb_config *cfg = load(CONFIG(""), NULL);

	assert_non_null(cfg);
	assert_false(cfg->syslog.tls_enabled);
	assert_string_equal(cfg->syslog.tls_client_ca, "");
	rb_config_free(cfg);
}

static void tls_collector_converted(void **state)
{
	struct rb_config *cfg = load(CONFIG(TLS_COLLECTOR("nms.example.net")), NULL);
	const struct rb_cfg_syslog_collector *c;

	assert_non_null(cfg);
	assert_int_equal(cfg->syslog.n_collectors, 1);
	c = &cfg->syslog.collectors[0];
	assert_int_equal(c->transport, RB_CFG_SYSLOG_TLS);
	assert_string_equal(c->ca_certificates, "/etc/rb/nms-ca.pem");
	assert_string_equal(c->server_name, "nms.example.net");
	rb_config_free(cfg);
}

static void tls_collector_needs_ca(void **state)
{
	assert_null(load(CONFIG(COLLECTOR(", \"transport\": \"tls\", "
					  "\"server-name\": \"nms.example.net\"")),
			 "ca-certificates"));
}

static void tls_collector_needs_name(void **state)
{
	assert_null(load(CONFIG(COLLECTOR(", \"transport\": \"tls\", "
					  "\"ca-certificates\": \"/etc/rb/nms-ca.pem\"")),
			 "server-name"));
}

static void tls_leaves_only_for_tls(void **state)
{
	assert_null(load(CONFIG(COLLECTOR(", \"transport\": \"tcp\", "
					  "\"ca-certificates\": \"/etc/rb/nms-ca.pem\"")),
			 "ca-certificates"));
}

static void server_name_invalid(void **state)
{
	assert_null(load(CONFIG(TLS_COLLECTOR("not a name")), "server-name"));
}

static void tls_listener_needs_key(void **state)
{
	assert_null(load(CONFIG(", \"tls\": {\"certificate\": \"/etc/rb/syslog.pem\"}"),
			 "private-key"));
}

/* Compare next_json with running_json for a reload. */
static size_t restart_leaves(const char *running_json, const char *next_json,
			     struct rb_cfg_restart_leaf *out, size_t max)
{
	struct rb_config *running = load(running_json, NULL);
	struct rb_config *next = load(next_json, NULL);
	size_t n;

	assert_non_null(running);
	assert_non_null(next);
	n = rb_config_restart_leaves(running, next, out, max);
	rb_config_free(running);
	rb_config_free(next);
	return n;
}

static void reload_tls_port_named(void **state)
{
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(restart_leaves(CONFIG(TLS("")), CONFIG(TLS(", \"port\": 16514")), leaves,
					4), 1);
	assert_string_equal(leaves[0].path, "/rackboot:rackboot/syslog/tls/port");
	assert_string_equal(leaves[0].old_value, "6514");
	assert_string_equal(leaves[0].new_value, "16514");
}

static void reload_tls_presence_named(void **state)
{
	struct rb_cfg_restart_leaf leaves[8];

	assert_true(restart_leaves(CONFIG(""), CONFIG(TLS("")), leaves, 8) >= 1);
	assert_string_equal(leaves[0].path, "/rackboot:rackboot/syslog/tls");
	assert_string_equal(leaves[0].old_value, "absent");
	assert_string_equal(leaves[0].new_value, "present");
}

static void reload_collector_change_passes(void **state)
{
	struct rb_cfg_restart_leaf leaves[4];

	assert_int_equal(restart_leaves(CONFIG(TLS("") TLS_COLLECTOR("nms.example.net")),
					CONFIG(TLS("") TLS_COLLECTOR("nms2.example.net")), leaves, 4),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tls_listener_converted),
		cmocka_unit_test(tls_listener_absent),
		cmocka_unit_test(tls_collector_converted),
		cmocka_unit_test(tls_collector_needs_ca),
		cmocka_unit_test(tls_collector_needs_name),
		cmocka_unit_test(tls_leaves_only_for_tls),
		cmocka_unit_test(server_name_invalid),
		cmocka_unit_test(tls_listener_needs_key),
		cmocka_unit_test(reload_tls_port_named),
		cmocka_unit_test(reload_tls_presence_named),
		cmocka_unit_test(reload_collector_change_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
