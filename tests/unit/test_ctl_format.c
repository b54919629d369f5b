// SPDX-License-Identifier: MIT
/*
 * rackbootctl's output: the name tables of the map enums, the exact JSON
 * of device records and counters (scripts and tests/lib/rackboot.sh read
 * it), and the table's phase times, client architectures and IPv6
 * addresses.  Also the probe for a running rackbootd, and reading real
 * BPF maps and a store (skipped without the privileges to create maps).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/map_fixture.h"
#include "lib/store_fixture.h"
#include "rackboot/dhcp6_maps.h"
#include "store/store.h"
#include "xdp/map_names.h"
#include "xdp/state_format.h"
#include "xdp/state_read.h"
#include "xdp/state_read6.h"

/* Run fn on a memory stream and return what it wrote (free it). */
#define CAPTURE(out, call)                                                     \
	do {                                                                   \
		size_t capture_len_;                                           \
		FILE *capture_f_ = open_memstream(&(out), &capture_len_);      \
		assert_non_null(capture_f_);                                   \
		call;                                                          \
		fclose(capture_f_);                                            \
	} while (0)
#define STREAM capture_f_

static void check_names(const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_non_null(names[i]);
		assert_true(names[i][0] != '\0');
		for (const char *c = names[i]; *c; c++)
			assert_true(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
				    *c == '_');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
	}
}

static void names_complete_and_unique(void **state)
{
	check_names(rb_phase_names, RB_PHASE_COUNT);
	check_names(rb_xdp_counter_names, RB_XC_COUNT);
	check_names(rb_us_counter_names, RB_UC_COUNT);
}

static void names_match_enums(void **state)
{
	assert_string_equal(rb_phase_name(RB_PHASE_LEASED), "leased");
	assert_string_equal(rb_phase_name(RB_PHASE_BOOTFILE), "bootfile");
	assert_string_equal(rb_phase_name(RB_PHASE_COUNT), "unknown");
	assert_string_equal(rb_xdp_counter_names[RB_XC_RX], "rx");
	assert_string_equal(rb_xdp_counter_names[RB_XC_TX_OFFER], "tx_offer");
	assert_string_equal(rb_xdp_counter_names[RB_XC_PASS_UNKNOWN_MAC], "pass_unknown_mac");
	assert_string_equal(rb_xdp_counter_names[RB_XC_MALFORMED_UDP], "malformed_udp");
	assert_string_equal(rb_us_counter_names[RB_UC_IGNORED_UNKNOWN], "ignored_unknown");
	assert_string_equal(rb_us_counter_names[RB_UC_TFTP_TIMEOUT], "tftp_timeout");
}

static void json_string_escapes(void **state)
{
	static const char raw[] = "a\"b\\c\n\x7f\xc3";
	char *out = NULL;

	CAPTURE(out, rb_json_string(STREAM, raw, sizeof(raw) - 1));
	assert_string_equal(out, "\"a\\\"b\\\\c\\u000a\\u007f\\u00c3\"");
	free(out);
}

static struct rb_state_device make_device(uint8_t last, const char *host)
{
	struct rb_state_device d;

	memset(&d, 0, sizeof(d));
	memcpy(d.key.addr, (uint8_t[]){ 0x52, 0x54, 0x00, 0x21, 0x30, last }, 6);
	d.rec.ipv4 = htobe32(0x0ad50000u | (100u + last));
	d.rec.hostname_len = (uint8_t)strlen(host);
	memcpy(d.rec.hostname, host, strlen(host));
	return d;
}

static void devices_json_exact(void **state)
{
	struct rb_state_device devs[2] = { make_device(1, "node\"1"), make_device(2, "") };
	char *out = NULL;

	devs[0].rec.phase = RB_PHASE_LEASED;
	devs[0].rec.phase_ns[RB_PHASE_DISCOVERED] = 1000;
	devs[0].rec.phase_ns[RB_PHASE_OFFERED] = 1000;
	devs[0].rec.phase_ns[RB_PHASE_LEASED] = 5000;
	devs[0].rec.xdp_replies = 2;
	devs[0].rec.us_replies = 1;
	devs[0].rec.client_arch = 7;
	devs[1].rec.client_arch = RB_ARCH_ANY;
	for (int i = 0; i < 16; i++)
		devs[0].rec.uuid[i] = (uint8_t)(0xa0 + i);
	devs[0].rec.has_uuid = 1;

	CAPTURE(out, rb_state_devices_json(STREAM, devs, 2));
	assert_string_equal(out,
		"{\"devices\":[\n"
		"{\"mac\":\"52:54:00:21:30:01\",\"ipv4\":\"10.213.0.101\",\"hostname\":\"node\\\"1\","
		"\"phase\":\"leased\",\"phase_times_ns\":{\"discovered\":1000,\"offered\":1000,"
		"\"leased\":5000},\"xdp_replies\":2,\"us_replies\":1,\"client_arch\":7,"
		"\"uuid\":\"a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf\",\"ipv6\":null,\"ipv6_source\":null},\n"
		"{\"mac\":\"52:54:00:21:30:02\",\"ipv4\":\"10.213.0.102\",\"hostname\":\"\","
		"\"phase\":\"none\",\"phase_times_ns\":{},\"xdp_replies\":0,\"us_replies\":0,"
		"\"client_arch\":null,\"uuid\":null,\"ipv6\":null,\"ipv6_source\":null}\n"
		"]}\n");
	free(out);
}

static void devices_json_ipv6(void **state)
{
	struct rb_state_device devs[2] = { make_device(1, "leased"), make_device(2, "reserved") };
	char *out = NULL;

	inet_pton(AF_INET6, "fd00:213::1000", devs[0].ipv6);
	devs[0].ipv6_source = RB_STATE_IPV6_LEASE;
	inet_pton(AF_INET6, "fd00:213::102", devs[1].ipv6);
	devs[1].ipv6_source = RB_STATE_IPV6_RESERVATION;
	devs[1].rec.has_uuid = 1;

	CAPTURE(out, rb_state_devices_json(STREAM, devs, 2));
	assert_non_null(strstr(out, "\"uuid\":null,\"ipv6\":\"fd00:213::1000\","
			       "\"ipv6_source\":\"lease\"},\n"));
	assert_non_null(strstr(out, "-000000000000\",\"ipv6\":\"fd00:213::102\","
			       "\"ipv6_source\":\"reservation\"}\n"));
	free(out);
}

static void devices_json_empty(void **state)
{
	char *out = NULL;

	CAPTURE(out, rb_state_devices_json(STREAM, NULL, 0));
	assert_string_equal(out, "{\"devices\":[]}\n");
	free(out);
}

static void devices_table_times(void **state)
{
	struct rb_state_device d = make_device(1, "rack1-node01");
	char *out = NULL;

	d.rec.phase = RB_PHASE_BOOTFILE;
	d.rec.phase_ns[RB_PHASE_DISCOVERED] = 2000000000ull;
	d.rec.phase_ns[RB_PHASE_OFFERED] = 2000000000ull;
	d.rec.phase_ns[RB_PHASE_LEASED] = 2500000000ull;
	d.rec.phase_ns[RB_PHASE_BOOTFILE] = 4250000000ull;

	CAPTURE(out, rb_state_devices_table(STREAM, &d, 1));
	assert_non_null(strstr(out, "MAC"));
	assert_non_null(strstr(out, "rack1-node01"));
	assert_non_null(strstr(out, "bootfile"));
	assert_non_null(strstr(out, "+0.000"));
	assert_non_null(strstr(out, "+0.500"));
	assert_non_null(strstr(out, "+2.250"));
	assert_non_null(strstr(out, "1 devices"));
	free(out);
}

/* The last column of the table row that starts with mac. */
static void table_arch(const char *table, const char *mac, char *arch, size_t size)
{
	const char *row = strstr(table, mac);
	const char *end, *start;

	assert_non_null(row);
	end = strchr(row, '\n');
	assert_non_null(end);
	start = end;
	while (start > row && start[-1] != ' ')
		start--;
	assert_true((size_t)(end - start) < size);
	memcpy(arch, start, (size_t)(end - start));
	arch[end - start] = '\0';
}

static void devices_table_arch(void **state)
{
	struct rb_state_device devs[3] = {
		make_device(1, "never-sent"), make_device(2, "x86-bios"), make_device(3, "efi"),
	};
	char *out = NULL, arch[16];

	/* 0 is x86 BIOS, a real value, even from a device still in phase none. */
	devs[0].rec.client_arch = RB_ARCH_ANY;
	devs[0].rec.phase = RB_PHASE_LEASED;
	devs[1].rec.client_arch = 0;
	devs[2].rec.client_arch = 7;
	devs[2].rec.phase = RB_PHASE_OFFERED;

	CAPTURE(out, rb_state_devices_table(STREAM, devs, 3));
	table_arch(out, "52:54:00:21:30:01", arch, sizeof(arch));
	assert_string_equal(arch, "-");
	table_arch(out, "52:54:00:21:30:02", arch, sizeof(arch));
	assert_string_equal(arch, "0");
	table_arch(out, "52:54:00:21:30:03", arch, sizeof(arch));
	assert_string_equal(arch, "7");
	free(out);
}

/* The IPV6 cell of the table row that starts with mac. */
static void table_ipv6(const char *table, const char *mac, char *ipv6, size_t size)
{
	char row_mac[18], ipv4[16];
	const char *row = strstr(table, mac);

	assert_non_null(row);
	assert_int_equal(sscanf(row, "%17s %15s %63s", row_mac, ipv4, ipv6), 3);
	assert_true(strlen(ipv6) < size);
}

static void devices_table_ipv6(void **state)
{
	struct rb_state_device devs[3] = {
		make_device(1, "leased"), make_device(2, "reserved"), make_device(3, "ipv4-only"),
	};
	char *out = NULL, ipv6[64];

	inet_pton(AF_INET6, "fd00:213::1000", devs[0].ipv6);
	devs[0].ipv6_source = RB_STATE_IPV6_LEASE;
	inet_pton(AF_INET6, "fd00:213::102", devs[1].ipv6);
	devs[1].ipv6_source = RB_STATE_IPV6_RESERVATION;

	CAPTURE(out, rb_state_devices_table(STREAM, devs, 3));
	assert_true(strncmp(out, "MAC                IPV4             IPV6  ", 42) == 0);
	table_ipv6(out, "52:54:00:21:30:01", ipv6, sizeof(ipv6));
	assert_string_equal(ipv6, "fd00:213::1000");
	table_ipv6(out, "52:54:00:21:30:02", ipv6, sizeof(ipv6));
	assert_string_equal(ipv6, "fd00:213::102*");
	table_ipv6(out, "52:54:00:21:30:03", ipv6, sizeof(ipv6));
	assert_string_equal(ipv6, "-");
	assert_non_null(strstr(out, "IPV6 with *: reserved in the inventory, not leased"));
	free(out);

	/* Without a reservation in the list the table has no note about "*". */
	CAPTURE(out, rb_state_devices_table(STREAM, devs, 1));
	assert_null(strstr(out, "IPV6 with *"));
	free(out);
}

static void stats_json_shape(void **state)
{
	struct rb_state_stats stats;
	char *out = NULL, key[64];

	for (size_t i = 0; i < RB_XC_COUNT; i++)
		stats.xdp[i] = 100 + i;
	for (size_t i = 0; i < RB_UC_COUNT; i++)
		stats.us[i] = 200 + i;

	CAPTURE(out, rb_state_stats_json(STREAM, &stats));
	assert_true(strncmp(out, "{\"xdp\":{\"rx\":100,\"pass_not_dhcp\":101,", 37) == 0);
	assert_non_null(strstr(out, "},\"userspace\":{\"rx\":200,\"tx_offer\":201,"));
	for (size_t i = 0; i < RB_XC_COUNT; i++) {
		snprintf(key, sizeof(key), "\"%s\":%zu", rb_xdp_counter_names[i], 100 + i);
		assert_non_null(strstr(out, key));
	}
	snprintf(key, sizeof(key), "\"tftp_timeout\":%d,", 200 + RB_UC_TFTP_TIMEOUT);
	assert_non_null(strstr(out, key));
	snprintf(key, sizeof(key), "\"dhcp6_send_failed\":%d,", 200 + RB_UC_DHCP6_SEND_FAILED);
	assert_non_null(strstr(out, key));
	snprintf(key, sizeof(key), "\"%s\":%d}}\n", rb_us_counter_names[RB_UC_COUNT - 1],
		 200 + RB_UC_COUNT - 1);
	assert_non_null(strstr(out, key));
	free(out);
}

static void read_devices_sorted(void **state)
{
	int fd = test_map_create(BPF_MAP_TYPE_HASH, sizeof(struct rb_mac_key),
				 sizeof(struct rb_device), 16);
	uint8_t order[] = { 9, 3, 7, 1 };
	struct rb_state_device *devs = NULL;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(order); i++) {
		struct rb_state_device d = make_device(order[i], "x");

		assert_int_equal(bpf_map_update_elem(fd, &d.key, &d.rec, BPF_ANY), 0);
	}

	assert_int_equal(rb_state_read_devices(fd, &devs, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(devs[0].key.addr[5], 1);
	assert_int_equal(devs[1].key.addr[5], 3);
	assert_int_equal(devs[2].key.addr[5], 7);
	assert_int_equal(devs[3].key.addr[5], 9);
	assert_int_equal(be32toh(devs[3].rec.ipv4), 0x0ad50000u | 109u);
	free(devs);
	close(fd);
}

/* A bound DHCPv6 lease of (duid, iaid) on addr until end; has_mac names mac_last. */
static struct rb_store_lease6 make_lease6(const uint8_t *duid, size_t duid_len, uint32_t iaid,
					  const char *addr, bool has_mac, uint8_t mac_last,
					  int64_t end)
{
	struct rb_store_lease6 l;

	memset(&l, 0, sizeof(l));
	memcpy(l.duid, duid, duid_len);
	l.duid_len = (uint8_t)duid_len;
	l.iaid = iaid;
	assert_int_equal(inet_pton(AF_INET6, addr, &l.addr), 1);
	l.state = RB_LEASE6_BOUND;
	l.has_mac = has_mac;
	memcpy(l.mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x21, 0x30, mac_last }, 6);
	l.preferred_lifetime = 3600;
	l.valid_lifetime = 7200;
	l.start = end - 7200;
	l.end = end;
	return l;
}

/* An rb_devices6 record reserving addr for the MAC ending in mac_last, keyed by duid. */
static void put_reservation6(int fd, const uint8_t *duid, size_t duid_len, const char *addr,
			     uint8_t mac_last)
{
	struct rb_duid_key key;
	struct rb_device6 rec;

	memset(&key, 0, sizeof(key));
	memset(&rec, 0, sizeof(rec));
	key.len = (uint8_t)duid_len;
	memcpy(key.duid, duid, duid_len);
	assert_int_equal(inet_pton(AF_INET6, addr, rec.addr), 1);
	memcpy(rec.mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x21, 0x30, mac_last }, 6);
	rec.has_mac = 1;
	assert_int_equal(bpf_map_update_elem(fd, &key, &rec, BPF_ANY), 0);
}

/*
 * Join devices 1 to 6 with rb_devices6 and a store.  Device 1 is
 * reserved and leased, and the lease wins.  Device 2 is reserved only.
 * Device 3 has pool leases for two IAs, and the longer one wins.
 * Device 4 has an expired and a released lease, and neither counts.
 * Device 5 is leased under a DUID-UUID, which carries no MAC, so its
 * reservation's DUID finds it.  Device 6 has nothing.
 */
static void read_ipv6_joins(void **state)
{
	static const uint8_t ll1[] = { 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 1 };
	static const uint8_t ll2[] = { 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 2 };
	static const uint8_t llt3[] = { 0, 1, 0, 1, 0, 0, 0, 9, 0x52, 0x54, 0x00, 0x21, 0x30, 3 };
	static const uint8_t ll4[] = { 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x21, 0x30, 4 };
	static const uint8_t uuid5[] = { 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const int64_t now = 1000000;
	int fd = test_map_create(BPF_MAP_TYPE_HASH, sizeof(struct rb_duid_key),
				 sizeof(struct rb_device6), 16);
	struct rb_state_device devs[6];
	struct rb_store_lease6 lease;
	struct rb_store *st;
	char dir[64], addr[INET6_ADDRSTRLEN];

	for (int i = 0; i < 6; i++)
		devs[i] = make_device((uint8_t)(i + 1), "x");
	put_reservation6(fd, ll1, sizeof(ll1), "fd00:213::101", 1);
	put_reservation6(fd, ll2, sizeof(ll2), "fd00:213::102", 2);
	put_reservation6(fd, ll4, sizeof(ll4), "fd00:213::104", 4);
	put_reservation6(fd, uuid5, sizeof(uuid5), "fd00:213::105", 5);

	test_store_create(dir, sizeof(dir), "rb-test-state6", &st);
	lease = make_lease6(ll1, sizeof(ll1), 1, "fd00:213::101", true, 1, now + 60);
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);
	lease = make_lease6(llt3, sizeof(llt3), 1, "fd00:213::1003", true, 3, now + 60);
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);
	lease = make_lease6(llt3, sizeof(llt3), 2, "fd00:213::1004", true, 3, now + 90);
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);
	lease = make_lease6(ll4, sizeof(ll4), 1, "fd00:213::1005", true, 4, now);
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);
	lease = make_lease6(ll4, sizeof(ll4), 2, "fd00:213::1006", true, 4, now + 60);
	lease.state = RB_LEASE6_RELEASED;
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);
	lease = make_lease6(uuid5, sizeof(uuid5), 1, "fd00:213::1007", false, 0, now + 60);
	assert_int_equal(rb_store_put_lease6(st, &lease), 0);

	assert_int_equal(rb_state_read_ipv6(fd, st, now, devs, 6), 0);
	assert_int_equal(devs[0].ipv6_source, RB_STATE_IPV6_LEASE);
	assert_string_equal(inet_ntop(AF_INET6, devs[0].ipv6, addr, sizeof(addr)), "fd00:213::101");
	assert_int_equal(devs[1].ipv6_source, RB_STATE_IPV6_RESERVATION);
	assert_string_equal(inet_ntop(AF_INET6, devs[1].ipv6, addr, sizeof(addr)), "fd00:213::102");
	assert_int_equal(devs[2].ipv6_source, RB_STATE_IPV6_LEASE);
	assert_string_equal(inet_ntop(AF_INET6, devs[2].ipv6, addr, sizeof(addr)), "fd00:213::1004");
	assert_int_equal(devs[3].ipv6_source, RB_STATE_IPV6_RESERVATION);
	assert_string_equal(inet_ntop(AF_INET6, devs[3].ipv6, addr, sizeof(addr)), "fd00:213::104");
	assert_int_equal(devs[4].ipv6_source, RB_STATE_IPV6_LEASE);
	assert_string_equal(inet_ntop(AF_INET6, devs[4].ipv6, addr, sizeof(addr)), "fd00:213::1007");
	assert_int_equal(devs[5].ipv6_source, RB_STATE_IPV6_NONE);

	/* Without the map only leases with a MAC are joined; without the store only reservations. */
	for (int i = 0; i < 6; i++)
		devs[i] = make_device((uint8_t)(i + 1), "x");
	assert_int_equal(rb_state_read_ipv6(-1, st, now, devs, 6), 0);
	assert_int_equal(devs[0].ipv6_source, RB_STATE_IPV6_LEASE);
	assert_int_equal(devs[1].ipv6_source, RB_STATE_IPV6_NONE);
	assert_int_equal(devs[4].ipv6_source, RB_STATE_IPV6_NONE);
	for (int i = 0; i < 6; i++)
		devs[i] = make_device((uint8_t)(i + 1), "x");
	assert_int_equal(rb_state_read_ipv6(fd, NULL, now, devs, 6), 0);
	assert_int_equal(devs[0].ipv6_source, RB_STATE_IPV6_RESERVATION);
	assert_int_equal(devs[2].ipv6_source, RB_STATE_IPV6_NONE);
	assert_int_equal(devs[4].ipv6_source, RB_STATE_IPV6_RESERVATION);

	test_store_remove(dir, st);
	close(fd);
}

static void read_stats_sums_cpus(void **state)
{
	int ncpus = libbpf_num_possible_cpus();
	int xdp_fd = test_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, RB_XC_COUNT);
	int us_fd = test_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, RB_UC_COUNT);
	uint64_t *percpu = calloc((size_t)ncpus, sizeof(*percpu));
	struct rb_state_stats stats;
	__u32 key = RB_XC_TX_ACK;
	uint64_t done = 5;

	assert_non_null(percpu);
	for (int cpu = 0; cpu < ncpus; cpu++)
		percpu[cpu] = (uint64_t)cpu + 1;
	assert_int_equal(bpf_map_update_elem(xdp_fd, &key, percpu, BPF_ANY), 0);
	key = RB_UC_TFTP_DONE;
	assert_int_equal(bpf_map_update_elem(us_fd, &key, &done, BPF_ANY), 0);

	assert_int_equal(rb_state_read_stats(xdp_fd, us_fd, &stats), 0);
	assert_int_equal(stats.xdp[RB_XC_TX_ACK], (uint64_t)ncpus * (ncpus + 1) / 2);
	assert_int_equal(stats.xdp[RB_XC_TX_OFFER], 0);
	assert_int_equal(stats.us[RB_UC_TFTP_DONE], 5);
	assert_int_equal(stats.us[RB_UC_RX], 0);
	free(percpu);
	close(xdp_fd);
	close(us_fd);
}

/* rackbootd takes LOCK_EX on its pin folder, so a second open file plays rackbootd. */
static void daemon_running_probe(void **state)
{
	char dir[] = "/tmp/rb-ctl-lock.XXXXXX";
	char missing[sizeof(dir) + 8];
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(rb_state_daemon_running(dir), 0);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(rb_state_daemon_running(dir), 1);

	/* The probe must not keep a lock that would stop the next rackbootd. */
	assert_int_equal(flock(fd, LOCK_UN), 0);
	assert_int_equal(rb_state_daemon_running(dir), 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);

	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(rb_state_daemon_running(missing), -ENOENT);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_complete_and_unique),
		cmocka_unit_test(names_match_enums),
		cmocka_unit_test(json_string_escapes),
		cmocka_unit_test(devices_json_exact),
		cmocka_unit_test(devices_json_ipv6),
		cmocka_unit_test(devices_json_empty),
		cmocka_unit_test(devices_table_times),
		cmocka_unit_test(devices_table_arch),
		cmocka_unit_test(devices_table_ipv6),
		cmocka_unit_test(stats_json_shape),
		cmocka_unit_test(daemon_running_probe),
		cmocka_unit_test(read_devices_sorted),
		cmocka_unit_test(read_stats_sums_cpus),
		cmocka_unit_test(read_ipv6_joins),
	};

	return cmocka_run_group_tests_name("ctl_format", tests, NULL, NULL);
}
