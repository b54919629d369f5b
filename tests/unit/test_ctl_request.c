// SPDX-License-Identifier: MIT
/*
 * The control protocol: request parsing, with a table of malformed
 * requests and the reason each must name, and the reply lines.  Then the
 * devices filters against a config with two subnets, a pool and three
 * profiles, and the control container of the config.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "config/config.h"
#include "control/ctl_commands.h"
#include "control/ctl_reply.h"
#include "control/ctl_request.h"

static int parse(const char *text, struct rb_ctl_request *req, char *why, size_t why_len)
{
	return rb_ctl_request_parse(text, strlen(text), req, why, why_len);
}

static void test_parse_devices_filters(void **state)
{
	struct rb_ctl_request req;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse("{\"command\":\"devices\",\"phase\":\"leased\",\"profile\":\"uefi\","
			       "\"subnet\":\"10.0.0.0/8\",\"format\":\"text\"}", &req, why,
			       sizeof(why)), 0);
	assert_int_equal(req.command, RB_CTL_DEVICES);
	assert_int_equal(req.phase, 3);
	assert_string_equal(req.profile, "uefi");
	assert_string_equal(req.subnet, "10.0.0.0/8");
	assert_true(req.text);
}

static void test_parse_defaults(void **state)
{
	struct rb_ctl_request req;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse(" {\"command\":\"top\"} ", &req, why, sizeof(why)), 0);
	assert_int_equal(req.command, RB_CTL_TOP);
	assert_int_equal(req.phase, -1);
	assert_int_equal(req.slowest, 10);
	assert_false(req.text);
	assert_string_equal(req.profile, "");
}

static void test_parse_device_and_logs(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0x30, 0x01 };
	struct rb_ctl_request req;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse("{\"mac\":\"52:54:00:AB:30:01\",\"command\":\"device\"}", &req, why,
			       sizeof(why)), 0);
	assert_int_equal(req.command, RB_CTL_DEVICE);
	assert_memory_equal(req.mac, mac, 6);

	assert_int_equal(parse("{\"command\":\"logs\",\"device\":\"rack1-node01\",\"lines\":20}",
			       &req, why, sizeof(why)), 0);
	assert_string_equal(req.device, "rack1-node01");
	assert_int_equal(req.lines, 20);
}

/* Each malformed request and a fragment that its reason must contain. */
static const struct {
	const char *request;
	const char *reason;
} malformed[] = {
	{ "", "invalid JSON" },
	{ "not json", "invalid JSON" },
	{ "{\"command\":\"stats\"", "invalid JSON" },
	{ "[\"stats\"]", "must be a JSON object" },
	{ "{}", "missing \"command\"" },
	{ "{\"command\":7}", "missing \"command\"" },
	{ "{\"command\":\"nosuch\"}", "unknown command \"nosuch\"" },
	{ "{\"command\":\"stats\",\"phase\":\"leased\"}", "stats takes no key \"phase\"" },
	{ "{\"command\":\"devices\",\"colour\":\"red\"}", "devices takes no key \"colour\"" },
	{ "{\"command\":\"devices\",\"phase\":\"booting\"}", "unknown phase \"booting\"" },
	{ "{\"command\":\"devices\",\"phase\":3}", "\"phase\" must be a string" },
	{ "{\"command\":\"devices\",\"profile\":\"\"}", "\"profile\" must be 1 to 63 bytes" },
	{ "{\"command\":\"devices\",\"profile\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaa\"}", "\"profile\" must be 1 to 63 bytes" },
	{ "{\"command\":\"stats\",\"format\":\"xml\"}", "\"format\" must be" },
	{ "{\"command\":\"device\"}", "device needs \"mac\"" },
	{ "{\"command\":\"device\",\"mac\":\"52:54:00:ab:30\"}", "invalid \"mac\"" },
	{ "{\"command\":\"device\",\"mac\":\"52:54:00:ab:30:zz\"}", "invalid \"mac\"" },
	{ "{\"command\":\"logs\"}", "logs needs \"device\"" },
	{ "{\"command\":\"logs\",\"device\":\"x\",\"lines\":-1}", "\"lines\" -1 is out of range" },
	{ "{\"command\":\"logs\",\"device\":\"x\",\"lines\":\"5\"}", "\"lines\" must be an integer" },
	{ "{\"command\":\"top\",\"slowest\":101}", "\"slowest\" 101 is out of range" },
	{ "{\"command\":\"stats\",\"command\":\"leases\"}", "invalid JSON" },
	{ "{\"command\":\"devices\",\"profile\":\"a\\u0000b\"}", "invalid JSON" },
};

static void test_parse_malformed(void **state)
{
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct rb_ctl_request req = { .command = RB_CTL_STATS };

		why[0] = '\0';
		if (parse(malformed[i].request, &req, why, sizeof(why)) != -EINVAL)
			fail_msg("request %s was accepted", malformed[i].request);
		if (!strstr(why, malformed[i].reason))
			fail_msg("request %s: reason \"%s\" lacks \"%s\"", malformed[i].request, why,
				 malformed[i].reason);
		/* A rejected request leaves the caller's struct alone. */
		assert_int_equal(req.command, RB_CTL_STATS);
	}
}

static void test_parse_too_long(void **state)
{
	char *text = malloc(RB_CTL_REQUEST_MAX);
	struct rb_ctl_request req;
	char why[256];

	(void)state;
	assert_non_null(text);
	memset(text, ' ', RB_CTL_REQUEST_MAX);
	assert_int_equal(rb_ctl_request_parse(text, RB_CTL_REQUEST_MAX, &req, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "longer than"));
	free(text);
}

static void test_reply_lines(void **state)
{
	struct rb_ctl_reply reply;
	struct rb_ctl_body body;

	(void)state;
	assert_int_equal(rb_ctl_body_open(&body), 0);
	fputs("{\"a\":\n[1,\n2]}\n", body.out);
	assert_int_equal(rb_ctl_body_close(&body), 0);
	assert_int_equal(rb_ctl_reply_ok(&reply, &body, false), 0);
	assert_string_equal(reply.data, "{\"ok\":true,\"result\":{\"a\": [1, 2]} }\n");
	rb_ctl_reply_free(&reply);

	assert_int_equal(rb_ctl_reply_ok(&reply, &body, true), 0);
	assert_string_equal(reply.data, "{\"ok\":true,\"text\":\"{\\\"a\\\":\\u000a[1,\\u000a2]}\\u000a\"}\n");
	rb_ctl_reply_free(&reply);
	rb_ctl_body_free(&body);

	assert_int_equal(rb_ctl_reply_error(&reply, "no \"%s\"", "x"), 0);
	assert_string_equal(reply.data, "{\"ok\":false,\"error\":\"no \\\"x\\\"\"}\n");
	rb_ctl_reply_free(&reply);
}

#define CONFIG(extra) "{\"rackboot:rackboot\": {" \
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}," \
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"p\"}," \
	"  {\"name\": \"uefi\", \"default-boot-file\": \"u\"}," \
	"  {\"name\": \"guest\", \"default-boot-file\": \"g\"}]}," \
	"\"dhcpv4\": {\"subnet\": [" \
	"  {\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\"," \
	"   \"server-address\": \"10.213.0.1\"," \
	"   \"pool\": {\"profile\": \"guest\", \"range\": [{\"start\": \"10.213.0.200\"," \
	"   \"end\": \"10.213.0.210\"}]}}," \
	"  {\"name\": \"rack2\", \"prefix\": \"10.214.0.0/24\", \"interface\": \"rb0\"," \
	"   \"server-address\": \"10.214.0.1\"}]}," \
	"\"inventory\": {\"device\": [" \
	"  {\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.101\", \"profile\": \"linux\"}," \
	"  {\"mac\": \"52:54:00:00:00:02\", \"ipv4-address\": \"10.213.0.102\", \"profile\": \"uefi\"}," \
	"  {\"mac\": \"52:54:00:00:00:03\", \"ipv4-address\": \"10.214.0.103\", \"profile\": \"uefi\"}" \
	"]}" extra "}}"

static struct rb_config *load(const char *json)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;
	char line[1400];

	if (rb_config_load_string(json, &cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# %s\n", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
		fail_msg("the test config was rejected");
	}
	rb_cfg_errors_free(&errs);
	return cfg;
}

/* Four records: three from the inventory, one pool device; phases differ. */
static size_t make_devices(struct rb_state_device *devs)
{
	static const char *const addrs[4] = { "10.213.0.101", "10.213.0.102", "10.214.0.103",
					      "10.213.0.200" };
	static const uint32_t phases[4] = { 3, 4, 3, 1 };

	memset(devs, 0, 4 * sizeof(*devs));
	for (int i = 0; i < 4; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, (uint8_t)(i + 1) };

		if (i == 3)
			mac[4] = 0x99;
		memcpy(devs[i].key.addr, mac, 6);
		inet_pton(AF_INET, addrs[i], &devs[i].rec.ipv4);
		devs[i].rec.phase = phases[i];
		devs[i].rec.inventory = i < 3;
	}
	return 4;
}

/* The last MAC byte of each kept device, as a string such as "13". */
static void kept_ids(const struct rb_state_device *devs, int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + (devs[i].key.addr[4] == 0x99 ? 9 : devs[i].key.addr[5]));
	out[n > 0 ? n : 0] = '\0';
}

/* Apply the filters of a request text to devs; returns the kept IDs or the error. */
static const char *filter_records(const struct rb_config *cfg, const char *request,
				  struct rb_state_device *devs, size_t n)
{
	static char ids[8], why[256];
	struct rb_ctl_request req;
	int kept;

	assert_int_equal(parse(request, &req, why, sizeof(why)), 0);
	kept = rb_ctl_filter_devices(cfg, &req, devs, n, why, sizeof(why));
	if (kept < 0)
		return why;
	kept_ids(devs, kept, ids);
	return ids;
}

/* Apply the filters of a request text to the four devices of make_devices(). */
static const char *filter(const struct rb_config *cfg, const char *request)
{
	struct rb_state_device devs[4];
	size_t n = make_devices(devs);

	return filter_records(cfg, request, devs, n);
}

static void test_filter_devices(void **state)
{
	struct rb_config *cfg = load(CONFIG(""));

	(void)state;
	assert_string_equal(filter(cfg, "{\"command\":\"devices\"}"), "1239");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"phase\":\"leased\"}"), "13");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"phase\":\"image\"}"), "");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"profile\":\"uefi\"}"), "23");
	/* A pool device has its pool's profile. */
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"profile\":\"guest\"}"), "9");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"lab\"}"), "129");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"rack2\"}"), "3");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"10.213.0.100/30\"}"),
			    "12");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"0.0.0.0/0\"}"), "1239");
	assert_string_equal(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"lab\","
				   "\"profile\":\"uefi\",\"phase\":\"bootfile\"}"), "2");
	assert_non_null(strstr(filter(cfg, "{\"command\":\"devices\",\"profile\":\"nosuch\"}"),
			       "profile \"nosuch\" is not in the config"));
	assert_non_null(strstr(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"10.0.0.0/33\"}"),
			       "neither a configured DHCPv4 or DHCPv6 subnet name nor"));
	assert_non_null(strstr(filter(cfg, "{\"command\":\"devices\",\"subnet\":\"rack9\"}"),
			       "neither a configured DHCPv4 or DHCPv6 subnet name nor"));
	rb_config_free(cfg);
}

/*
 * A DHCPv6 subnet named like the DHCPv4 subnet "lab" and one of its own.
 * Unlike the IPv4 addresses, the four records get no DHCPv6 address from
 * make_devices(), so filter6() sets them.
 */
#define DHCPV6_SUBNETS ",\"dhcpv6\": {\"subnet\": [" \
	"  {\"name\": \"lab\", \"prefix\": \"fd00:213::/64\", \"interface\": \"rb0\"}," \
	"  {\"name\": \"lab6\", \"prefix\": \"fd00:214::/64\", \"interface\": \"rb0\"}]}"

/*
 * Apply a request to the four devices with DHCPv6 addresses: device 1
 * leased fd00:213::101, device 2 reserved fd00:214::2, device 3 (in the
 * DHCPv4 subnet rack2) leased fd00:213::103, and the pool device 9 none.
 */
static const char *filter6(const struct rb_config *cfg, const char *request)
{
	struct rb_state_device devs[4];
	size_t n = make_devices(devs);

	inet_pton(AF_INET6, "fd00:213::101", devs[0].ipv6);
	devs[0].ipv6_source = RB_STATE_IPV6_LEASE;
	inet_pton(AF_INET6, "fd00:214::2", devs[1].ipv6);
	devs[1].ipv6_source = RB_STATE_IPV6_RESERVATION;
	inet_pton(AF_INET6, "fd00:213::103", devs[2].ipv6);
	devs[2].ipv6_source = RB_STATE_IPV6_LEASE;
	return filter_records(cfg, request, devs, n);
}

#define SUBNET(value) "{\"command\":\"devices\",\"subnet\":\"" value "\"}"

static void test_filter_devices_ipv6(void **state)
{
	struct rb_config *cfg = load(CONFIG(DHCPV6_SUBNETS));

	(void)state;
	/* "lab" is a DHCPv4 and a DHCPv6 subnet: device 3 matches by its IPv6 address alone. */
	assert_string_equal(filter6(cfg, SUBNET("lab")), "1239");
	assert_string_equal(filter6(cfg, SUBNET("lab6")), "2");
	assert_string_equal(filter6(cfg, SUBNET("rack2")), "3");
	assert_string_equal(filter6(cfg, SUBNET("fd00:213::/64")), "13");
	assert_string_equal(filter6(cfg, SUBNET("fd00:213::100/126")), "13");
	assert_string_equal(filter6(cfg, SUBNET("fd00:213::102/127")), "3");
	assert_string_equal(filter6(cfg, SUBNET("fd00:213::101/128")), "1");
	assert_string_equal(filter6(cfg, SUBNET("fd00:214::/63")), "2");
	assert_string_equal(filter6(cfg, SUBNET("fd00:400::/23")), "");
	assert_string_equal(filter6(cfg, SUBNET("fd00:212::/31")), "13");
	assert_string_equal(filter6(cfg, SUBNET("fd00:214::/31")), "2");
	assert_string_equal(filter6(cfg, SUBNET("fd00::/16")), "123");
	/* A reservation counts as the device's address, and ::/0 skips devices without one. */
	assert_string_equal(filter6(cfg, SUBNET("::/0")), "123");
	assert_string_equal(filter6(cfg, SUBNET("10.214.0.0/24")), "3");
	assert_string_equal(filter6(cfg, "{\"command\":\"devices\",\"subnet\":\"lab6\","
				    "\"profile\":\"uefi\"}"), "2");
	assert_string_equal(filter6(cfg, "{\"command\":\"devices\",\"subnet\":\"lab6\","
				    "\"profile\":\"linux\"}"), "");

	assert_non_null(strstr(filter6(cfg, SUBNET("fd00::/129")),
			       "subnet \"fd00::/129\" is neither a configured DHCPv4 or DHCPv6 "
			       "subnet name nor a prefix such as 10.0.0.0/24 or fd00:213::/64"));
	assert_non_null(strstr(filter6(cfg, SUBNET("fd00::zz/64")), "neither a configured"));
	assert_non_null(strstr(filter6(cfg, SUBNET("fd00:213::/")), "neither a configured"));
	assert_non_null(strstr(filter6(cfg, SUBNET("fd00:213::")), "neither a configured"));
	assert_non_null(strstr(filter6(cfg, SUBNET("fd00:213::/64x")), "neither a configured"));
	assert_non_null(strstr(filter6(cfg, SUBNET("fd00:213::/-1")), "neither a configured"));
	assert_non_null(strstr(filter6(cfg, SUBNET("10.0.0.0/64")), "neither a configured"));
	rb_config_free(cfg);
}

static void test_config_control(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = load(CONFIG(""));

	(void)state;
	assert_string_equal(cfg->control.socket_path, RB_CTL_SOCKET_DEFAULT);
	assert_string_equal(cfg->control.group, "");
	assert_int_equal(cfg->control.max_clients, 16);
	assert_int_equal(cfg->control.idle_timeout_s, 30);
	rb_config_free(cfg);

	cfg = load(CONFIG(",\"control\": {\"socket-path\": \"/tmp/x.sock\", \"group\": \"rackboot\","
			  "\"max-clients\": 3, \"idle-timeout\": 5}"));
	assert_string_equal(cfg->control.socket_path, "/tmp/x.sock");
	assert_string_equal(cfg->control.group, "rackboot");
	assert_int_equal(cfg->control.max_clients, 3);
	assert_int_equal(cfg->control.idle_timeout_s, 5);
	rb_config_free(cfg);

	cfg = NULL;
	assert_int_equal(rb_config_load_string(CONFIG(",\"control\": {\"socket-path\": \"x.sock\"}"),
					       &cfg, &errs), -EINVAL);
	rb_cfg_errors_free(&errs);
	assert_int_equal(rb_config_load_string(CONFIG(",\"control\": {\"max-clients\": 0}"), &cfg,
					       &errs), -EINVAL);
	rb_cfg_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_devices_filters),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_device_and_logs),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_too_long),
		cmocka_unit_test(test_reply_lines),
		cmocka_unit_test(test_filter_devices),
		cmocka_unit_test(test_filter_devices_ipv6),
		cmocka_unit_test(test_config_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
