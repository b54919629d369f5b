// SPDX-License-Identifier: MIT
/*
 * Reservations by relay agent information in the config: the
 * relay-agent leafs as text and hex, and the authoritative leaf.  Also
 * the rejected configs (no ID, the same IDs twice, a bad hex value) and
 * the lookup of the device that a relayed request's option 82 selects.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "rackboot/dhcp4_wire.h"

/* A whole config; the caller puts the commas between devices, as strings. */
#define CONFIG(...)	"{\"rackboot:rackboot\": {" \
			"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}, " \
			"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", " \
			"\"default-boot-file\": \"pxelinux.0\"}]}, " \
			"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", " \
			"\"prefix\": \"10.213.0.0/24\", \"interface\": \"rb0\", " \
			"\"server-address\": \"10.213.0.1\"" SUBNET_EXTRA "}]}, " \
			"\"inventory\": {\"device\": [" __VA_ARGS__ "]}}}"
#define SUBNET_EXTRA	""
#define DEVICE(mac, addr, relay) \
	"{\"mac\": \"" mac "\", \"ipv4-address\": \"" addr "\", \"profile\": \"linux\"" \
	relay "}"
#define DEV_PATH(mac)	"/rackboot:rackboot/inventory/device[mac='" mac "']"

static struct rb_config *load_valid(const char *json)
{
	struct rb_cfg_errors errs;
	struct rb_config *cfg = NULL;
	char line[1400];

	if (rb_config_load_string(json, &cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# error: %s\n", rb_cfg_error_format(&errs.items[i], line,
									      sizeof(line)));
		fail_msg("the config was rejected");
	}
	rb_cfg_errors_free(&errs);
	return cfg;
}

/* Load json, expect it rejected, and an error at path whose message contains fragment. */
static void assert_rejected(const char *json, const char *path, const char *fragment)
{
	struct rb_cfg_errors errs;
	struct rb_config *cfg = NULL;
	char line[1400];
	bool found = false;

	assert_int_equal(rb_config_load_string(json, &cfg, &errs), -EINVAL);
	assert_null(cfg);
	for (size_t i = 0; i < errs.count; i++) {
		if (strstr(errs.items[i].path, path) && strstr(errs.items[i].message, fragment))
			found = true;
		else
			print_message("# other error: %s\n",
				      rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
	}
	rb_cfg_errors_free(&errs);
	if (!found)
		fail_msg("no error at %s containing \"%s\"", path, fragment);
}

static uint32_t ip(const char *text)
{
	struct in_addr addr;

	assert_int_equal(inet_pton(AF_INET, text, &addr), 1);
	return addr.s_addr;
}

static const char relay_config[] = CONFIG(
	DEVICE("52:54:00:00:00:01", "10.213.0.11",
	       ", \"relay-agent\": {\"address\": \"10.9.0.1\", \"circuit-id\": \"Ethernet1/1\"}") ","
	DEVICE("52:54:00:00:00:02", "10.213.0.12",
	       ", \"relay-agent\": {\"circuit-id-hex\": \"00:04:00:01\", \"remote-id\": \"leaf7\"}") ","
	DEVICE("52:54:00:00:00:03", "10.213.0.13",
	       ", \"relay-agent\": {\"circuit-id\": \"Ethernet1/1\"}") ","
	DEVICE("52:54:00:00:00:04", "10.213.0.14", ""));

static void test_relay_leafs(void **state)
{
	struct rb_config *cfg = load_valid(relay_config);
	const struct rb_cfg_device *d = cfg->devices;

	assert_int_equal(cfg->n_devices, 4);
	assert_int_equal(d[0].relay_giaddr, ip("10.9.0.1"));
	assert_int_equal(d[0].circuit_id_len, 11);
	assert_memory_equal(d[0].circuit_id, "Ethernet1/1", 11);
	assert_int_equal(d[0].remote_id_len, 0);
	assert_int_equal(d[0].relay_key.giaddr, ip("10.9.0.1"));
	assert_int_equal(d[0].relay_key.id_hash,
			 rb_relay_id_hash((const uint8_t *)"Ethernet1/1", 11, NULL, 0));

	assert_int_equal(d[1].relay_giaddr, 0);
	assert_int_equal(d[1].circuit_id_len, 4);
	assert_memory_equal(d[1].circuit_id, "\x00\x04\x00\x01", 4);
	assert_int_equal(d[1].remote_id_len, 5);
	assert_memory_equal(d[1].remote_id, "leaf7", 5);

	assert_int_equal(d[3].circuit_id_len, 0);
	assert_int_equal(d[3].remote_id_len, 0);
	rb_config_free(cfg);
	(void)state;
}

/* A circuit-id equal to a remote-id hashes apart from it. */
static void test_relay_hash_codes(void **state)
{
	const uint8_t id[] = "port1";

	assert_int_not_equal(rb_relay_id_hash(id, 5, NULL, 0), rb_relay_id_hash(NULL, 0, id, 5));
	assert_int_not_equal(rb_relay_id_hash(id, 5, NULL, 0), rb_relay_id_hash(id, 4, NULL, 0));
	assert_int_equal(rb_relay_id_hash(id, 5, id, 5), rb_relay_id_hash(id, 5, id, 5));
	(void)state;
}

static const struct rb_cfg_device *by_relay(const struct rb_config *cfg, const char *giaddr,
					    const char *circuit, const char *remote)
{
	return rb_config_device_by_relay(cfg, ip(giaddr), (const uint8_t *)circuit,
					 circuit ? strlen(circuit) : 0, (const uint8_t *)remote,
					 remote ? strlen(remote) : 0);
}

static void test_relay_lookup(void **state)
{
	struct rb_config *cfg = load_valid(relay_config);
	const struct rb_cfg_device *d;

	/* Both device 1 (address and circuit-id) and device 3 (circuit-id) match: 1 names more. */
	d = by_relay(cfg, "10.9.0.1", "Ethernet1/1", NULL);
	assert_non_null(d);
	assert_int_equal(d->ipv4, ip("10.213.0.11"));

	/* Another relay agent: only device 3, which names no address. */
	d = by_relay(cfg, "10.9.0.2", "Ethernet1/1", "anything");
	assert_non_null(d);
	assert_int_equal(d->ipv4, ip("10.213.0.13"));

	d = rb_config_device_by_relay(cfg, ip("10.9.0.2"), (const uint8_t *)"\x00\x04\x00\x01", 4,
				      (const uint8_t *)"leaf7", 5);
	assert_non_null(d);
	assert_int_equal(d->ipv4, ip("10.213.0.12"));

	/* Device 2 names a remote-id too, so the circuit-id alone does not select it. */
	d = rb_config_device_by_relay(cfg, ip("10.9.0.2"), (const uint8_t *)"\x00\x04\x00\x01", 4,
				      NULL, 0);
	assert_null(d);
	assert_null(by_relay(cfg, "10.9.0.1", "Ethernet1/2", NULL));
	assert_null(by_relay(cfg, "10.9.0.1", NULL, NULL));
	rb_config_free(cfg);
	(void)state;
}

static void test_relay_duplicate(void **state)
{
	assert_rejected(CONFIG(DEVICE("52:54:00:00:00:01", "10.213.0.11",
				      ", \"relay-agent\": {\"circuit-id\": \"p1\"}") ","
			       DEVICE("52:54:00:00:00:02", "10.213.0.12",
				      ", \"relay-agent\": {\"circuit-id-hex\": \"7031\"}")),
			DEV_PATH("52:54:00:00:00:02") "/relay-agent",
			"same relay agent address, circuit-id and remote-id as");
	(void)state;
}

static void test_relay_without_ids(void **state)
{
	assert_rejected(CONFIG(DEVICE("52:54:00:00:00:01", "10.213.0.11",
				      ", \"relay-agent\": {\"address\": \"10.9.0.1\"}")),
			DEV_PATH("52:54:00:00:00:01") "/relay-agent",
			"relay-agent needs a circuit-id or a remote-id");
	(void)state;
}

static void test_relay_bad_hex(void **state)
{
	assert_rejected(CONFIG(DEVICE("52:54:00:00:00:01", "10.213.0.11",
				      ", \"relay-agent\": {\"remote-id-hex\": \"0g\"}")),
			DEV_PATH("52:54:00:00:00:01") "/relay-agent/remote-id-hex",
			"a relay agent ID in hex is 1 to 64 bytes");
	(void)state;
}

#undef SUBNET_EXTRA
#define SUBNET_EXTRA ", \"authoritative\": false"

static void test_authoritative_leaf(void **state)
{
	struct rb_config *cfg = load_valid(relay_config);

	assert_false(cfg->subnets[0].not_authoritative);
	rb_config_free(cfg);

	cfg = load_valid(CONFIG(DEVICE("52:54:00:00:00:01", "10.213.0.11", "")));
	assert_true(cfg->subnets[0].not_authoritative);
	rb_config_free(cfg);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_leafs),
		cmocka_unit_test(test_relay_hash_codes),
		cmocka_unit_test(test_relay_lookup),
		cmocka_unit_test(test_relay_duplicate),
		cmocka_unit_test(test_relay_without_ids),
		cmocka_unit_test(test_relay_bad_hex),
		cmocka_unit_test(test_authoritative_leaf),
	};

	return cmocka_run_group_tests_name("config_relay", tests, NULL, NULL);
}
