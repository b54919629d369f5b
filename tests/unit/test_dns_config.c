// SPDX-License-Identifier: MIT
/*
 * The dns container of the config: defaults, values converted into
 * struct rb_cfg_dns, and the checks in C (a label over 63 bytes, a CNAME
 * owner with other records, forwarding without an upstream).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

#define CONFIG(dns)	"{\"rackboot:rackboot\": {" \
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}," \
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"p\"}]}," \
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\"," \
	"  \"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]}," \
	"\"inventory\": {\"device\": [{\"mac\": \"52:54:00:00:00:01\"," \
	"  \"ipv4-address\": \"10.213.0.101\", \"hostname\": \"node01\", \"profile\": \"linux\"}]}," \
	"\"dns\": {" dns "}}}"

#define LABEL_64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Load json, expecting rejection with an error whose message contains fragment. */
static void assert_rejected(const char *json, const char *fragment)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	char line[1400];
	bool found = false;

	assert_int_equal(rb_config_load_string(json, &cfg, &errs), -EINVAL);
	assert_null(cfg);
	for (size_t i = 0; i < errs.count; i++) {
		rb_cfg_error_format(&errs.items[i], line, sizeof(line));
		if (strstr(line, fragment))
			found = true;
		else
			print_message("# other error: %s\n", line);
	}
	rb_cfg_errors_free(&errs);
	if (!found)
		fail_msg("no error contains \"%s\"", fragment);
}

static void test_dns_defaults(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;

	(void)state;
	assert_int_equal(rb_config_load_string(CONFIG("\"zone\": \"lab.test\""), &cfg, &errs), 0);
	assert_true(cfg->dns.enabled);
	assert_string_equal(cfg->dns.zone, "lab.test");
	assert_int_equal(cfg->dns.port, 53);
	assert_int_equal(cfg->dns.ttl, 300);
	assert_int_equal(cfg->dns.edns_udp_size, 1232);
	assert_int_equal(cfg->dns.tcp_idle_timeout, 10);
	assert_int_equal(cfg->dns.tcp_max_connections, 64);
	assert_false(cfg->dns.forwarding);
	assert_int_equal(cfg->dns.forward_timeout_ms, 1000);
	assert_string_equal(cfg->dns.contact, "hostmaster");
	assert_int_equal(cfg->dns.serial, 1);
	assert_int_equal(cfg->dns.minimum, 60);
	assert_int_equal(cfg->dns.n_name_servers, 0);
	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

static void test_dns_values(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;

	(void)state;
	assert_int_equal(rb_config_load_string(CONFIG(
		"\"zone\": \"lab.test\", \"port\": 5353, \"name-server\": [\"ns1\", \"ns2.other.\"],"
		"\"forwarding\": {\"enabled\": true, \"upstream\": [{\"address\": \"192.0.2.1\"},"
		"  {\"address\": \"2001:db8::1\", \"port\": 5300}]},"
		"\"host\": [{\"name\": \"ns1\", \"ipv4-address\": [\"10.213.0.1\", \"10.213.0.2\"]}],"
		"\"srv\": [{\"name\": \"_x._tcp\", \"target\": \"ns1\", \"port\": 80, \"weight\": 3}],"
		"\"txt\": [{\"name\": \"@\", \"text\": [\"a\", \"b\"]}]"), &cfg, &errs), 0);
	assert_int_equal(cfg->dns.port, 5353);
	assert_int_equal(cfg->dns.n_name_servers, 2);
	assert_string_equal(cfg->dns.name_servers[1], "ns2.other.");
	assert_true(cfg->dns.forwarding);
	assert_int_equal(cfg->dns.n_upstreams, 2);
	assert_false(cfg->dns.upstreams[0].ipv6);
	assert_int_equal(cfg->dns.upstreams[0].port, 53);
	assert_true(cfg->dns.upstreams[1].ipv6);
	assert_int_equal(cfg->dns.upstreams[1].port, 5300);
	assert_int_equal(cfg->dns.n_hosts, 1);
	assert_int_equal(cfg->dns.hosts[0].ipv4.count, 2);
	assert_int_equal(cfg->dns.n_srvs, 1);
	assert_int_equal(cfg->dns.srvs[0].weight, 3);
	assert_int_equal(cfg->dns.n_txts, 1);
	assert_int_equal(cfg->dns.txts[0].n_text, 2);
	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

static void test_dns_without_container(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	static const char json[] = "{\"rackboot:rackboot\": {"
		"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}}}";

	(void)state;
	assert_int_equal(rb_config_load_string(json, &cfg, &errs), 0);
	assert_false(cfg->dns.enabled);
	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

static void test_dns_long_label(void **state)
{
	(void)state;
	assert_rejected(CONFIG("\"zone\": \"lab.test\", \"host\": [{\"name\": \"" LABEL_64 "\"}]"),
			"not a valid DNS name");
}

static void test_dns_cname_conflict(void **state)
{
	(void)state;
	assert_rejected(CONFIG("\"zone\": \"lab.test\","
			       "\"host\": [{\"name\": \"www\", \"ipv4-address\": [\"10.0.0.1\"]}],"
			       "\"cname\": [{\"name\": \"WWW\", \"target\": \"boot\"}]"),
			"is a CNAME and also has");
	assert_rejected(CONFIG("\"zone\": \"lab.test\","
			       "\"cname\": [{\"name\": \"node01\", \"target\": \"boot\"}]"),
			"is a CNAME and also has");
	assert_rejected(CONFIG("\"zone\": \"lab.test\","
			       "\"cname\": [{\"name\": \"@\", \"target\": \"boot\"}]"),
			"is the zone itself");
}

static void test_dns_forwarding_needs_upstream(void **state)
{
	(void)state;
	assert_rejected(CONFIG("\"zone\": \"lab.test\", \"forwarding\": {\"enabled\": true}"),
			"no upstream is configured");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_defaults),
		cmocka_unit_test(test_dns_values),
		cmocka_unit_test(test_dns_without_container),
		cmocka_unit_test(test_dns_long_label),
		cmocka_unit_test(test_dns_cname_conflict),
		cmocka_unit_test(test_dns_forwarding_needs_upstream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
