// SPDX-License-Identifier: MIT
/*
 * The Prometheus renderer.  The text format writer: escaping, HELP and
 * TYPE lines, histogram buckets and the buffer's maximum.  The counter
 * tables: every counter in one series, names by the Prometheus
 * conventions.  The device tally behind the time-to-provision histograms,
 * the lease tally per subnet and pool, the allowed-source check and the
 * http/metrics config leaves.
 */
#include <arpa/inet.h>
#include <ctype.h>
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
#include "metrics/metrics_access.h"
#include "metrics/metrics_counters.h"
#include "metrics/metrics_devices.h"
#include "metrics/metrics_leases.h"
#include "metrics/prom_text.h"

#define NS	1000000000ULL
#define MAX	(1U << 20)

static void escape_label_and_help(void **state)
{
	struct rb_prom_buf b;

	rb_prom_buf_init(&b, MAX);
	rb_prom_escaped(&b, "a\\b\"c\nd", false);
	assert_string_equal(b.data, "a\\\\b\\\"c\\nd");
	b.len = 0;
	rb_prom_escaped(&b, "a\\b\"c\nd", true);
	assert_string_equal(b.data, "a\\\\b\"c\\nd");
	b.len = 0;
	rb_prom_escaped(&b, "", false);
	assert_string_equal(b.data, "");
	assert_int_equal(rb_prom_buf_error(&b), 0);
	rb_prom_buf_free(&b);
}

static void family_and_samples(void **state)
{
	struct rb_prom_label labels[] = { { "subnet", "la\"b" }, { "kind", "pool" } };
	struct rb_prom_buf b;

	rb_prom_buf_init(&b, MAX);
	rb_prom_family(&b, "rackboot_x_total", RB_PROM_COUNTER, "Line one\nback\\slash \"q\".");
	rb_prom_sample_u64(&b, "rackboot_x_total", labels, 2, 18446744073709551615ULL);
	rb_prom_sample_u64(&b, "rackboot_x_total", NULL, 0, 0);
	rb_prom_sample_double(&b, "rackboot_y", labels, 1, 7.752567992);
	rb_prom_sample_double(&b, "rackboot_y", NULL, 0, 18446744073709551616.0);
	rb_prom_sample_double(&b, "rackboot_y", NULL, 0, 1.0 / 0.0);
	rb_prom_sample_double(&b, "rackboot_y", NULL, 0, 0.1);
	assert_string_equal(b.data,
			    "# HELP rackboot_x_total Line one\\nback\\\\slash \"q\".\n"
			    "# TYPE rackboot_x_total counter\n"
			    "rackboot_x_total{subnet=\"la\\\"b\",kind=\"pool\"} 18446744073709551615\n"
			    "rackboot_x_total 0\n"
			    "rackboot_y{subnet=\"la\\\"b\"} 7.752567992\n"
			    "rackboot_y 1.8446744073709552e+19\n"
			    "rackboot_y +Inf\n"
			    "rackboot_y 0.1\n");
	rb_prom_buf_free(&b);
}

static void histogram_buckets_cumulative(void **state)
{
	static const double bounds[] = { 0.5, 1, 2.5 };
	static const uint64_t counts[] = { 1, 0, 2, 3 };
	struct rb_prom_histogram h = { .bounds = bounds, .n_bounds = 3, .counts = counts, .sum = 12.5 };
	struct rb_prom_label step = { "step", "lease_to_bootfile" };
	struct rb_prom_buf b;

	rb_prom_buf_init(&b, MAX);
	rb_prom_histogram(&b, "rackboot_h_seconds", &step, 1, &h);
	assert_string_equal(b.data,
			    "rackboot_h_seconds_bucket{step=\"lease_to_bootfile\",le=\"0.5\"} 1\n"
			    "rackboot_h_seconds_bucket{step=\"lease_to_bootfile\",le=\"1\"} 1\n"
			    "rackboot_h_seconds_bucket{step=\"lease_to_bootfile\",le=\"2.5\"} 3\n"
			    "rackboot_h_seconds_bucket{step=\"lease_to_bootfile\",le=\"+Inf\"} 6\n"
			    "rackboot_h_seconds_sum{step=\"lease_to_bootfile\"} 12.5\n"
			    "rackboot_h_seconds_count{step=\"lease_to_bootfile\"} 6\n");
	rb_prom_buf_free(&b);
}

static void buffer_max_is_sticky(void **state)
{
	struct rb_prom_buf b;

	rb_prom_buf_init(&b, 10);
	rb_prom_printf(&b, "%s", "0123456789");
	assert_int_equal(rb_prom_buf_error(&b), 0);
	assert_int_equal(b.len, 10);
	rb_prom_printf(&b, "x");
	assert_int_equal(rb_prom_buf_error(&b), -ENOSPC);
	assert_int_equal(b.len, 10);
	/* Once set, later writes that would fit change nothing either. */
	rb_prom_buf_free(&b);
	rb_prom_buf_init(&b, 10);
	rb_prom_printf(&b, "%s", "0123456789AB");
	assert_int_equal(rb_prom_buf_error(&b), -ENOSPC);
	rb_prom_printf(&b, "x");
	assert_int_equal(b.len, 0);
	rb_prom_buf_free(&b);
}

/* A buffer that grows past its first allocation keeps every byte. */
static void buffer_grows(void **state)
{
	struct rb_prom_buf b;

	rb_prom_buf_init(&b, MAX);
	for (int i = 0; i < 10000; i++)
		rb_prom_printf(&b, "%05d\n", i);
	assert_int_equal(rb_prom_buf_error(&b), 0);
	assert_int_equal(b.len, 60000);
	assert_memory_equal(b.data + 6 * 9999, "09999\n", 6);
	rb_prom_buf_free(&b);
}

static bool snake_case(const char *name)
{
	if (!name || !*name || !islower((unsigned char)name[0]))
		return false;
	for (const char *c = name; *c; c++) {
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return false;
	}
	return true;
}

static size_t label_count(const struct rb_metric_family *f)
{
	size_t n = 0;

	while (n < RB_METRIC_LABELS_MAX && f->label_names[n])
		n++;
	return n;
}

static void families_follow_conventions(void **state)
{
	for (int id = RB_MF_NONE + 1; id < RB_MF_COUNT; id++) {
		const struct rb_metric_family *f = &rb_metric_families[id];
		size_t len;

		assert_non_null(f->name);
		len = strlen(f->name);
		assert_true(snake_case(f->name));
		assert_memory_equal(f->name, "rackboot_", 9);
		assert_true(len > 6 && strcmp(f->name + len - 6, "_total") == 0);
		assert_non_null(f->help);
		assert_true(strlen(f->help) > 10);
		for (size_t i = 0; i < label_count(f); i++) {
			assert_true(snake_case(f->label_names[i]));
			assert_string_not_equal(f->label_names[i], "le");
		}
		for (int other = RB_MF_NONE + 1; other < id; other++)
			assert_string_not_equal(f->name, rb_metric_families[other].name);
	}
}

static void check_counter(const struct rb_metric_counter *c)
{
	const struct rb_metric_family *f;

	assert_true(c->family > RB_MF_NONE && c->family < RB_MF_COUNT);
	f = &rb_metric_families[c->family];
	for (size_t i = 0; i < RB_METRIC_LABELS_MAX; i++) {
		if (i < label_count(f))
			assert_true(snake_case(c->label_values[i]) || isdigit((unsigned char)c->label_values[i][0]));
		else
			assert_null(c->label_values[i]);
	}
}

static bool same_series(const struct rb_metric_counter *a, const struct rb_metric_counter *b)
{
	if (a->family != b->family)
		return false;
	for (size_t i = 0; i < label_count(&rb_metric_families[a->family]); i++) {
		if (strcmp(a->label_values[i], b->label_values[i]) != 0)
			return false;
	}
	return true;
}

/* Every counter has a family and labels, and no two counters share a series. */
static void counters_map_to_distinct_series(void **state)
{
	const struct rb_metric_counter *all[RB_XC_COUNT + RB_UC_COUNT];
	size_t n = 0;

	for (size_t i = 0; i < RB_XC_COUNT; i++)
		all[n++] = &rb_metric_xdp_counters[i];
	for (size_t i = 0; i < RB_UC_COUNT; i++)
		all[n++] = &rb_metric_us_counters[i];
	for (size_t i = 0; i < n; i++) {
		check_counter(all[i]);
		for (size_t j = 0; j < i; j++)
			assert_false(same_series(all[i], all[j]));
	}
}

/* Count the lines of text that are equal to line. */
static size_t count_lines(const char *text, const char *line)
{
	size_t n = 0, len = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += len) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			n++;
	}
	return n;
}

static void counters_rendered_once_each(void **state)
{
	uint64_t xdp[RB_XC_COUNT], us[RB_UC_COUNT];
	struct rb_prom_buf b;
	size_t samples = 0;

	for (size_t i = 0; i < RB_XC_COUNT; i++)
		xdp[i] = 1000000 + i;
	for (size_t i = 0; i < RB_UC_COUNT; i++)
		us[i] = 2000000 + i;
	rb_prom_buf_init(&b, MAX);
	rb_metrics_write_counters(&b, xdp, us);
	assert_int_equal(rb_prom_buf_error(&b), 0);

	for (const char *p = b.data; *p; p = strchr(p, '\n') + 1) {
		if (*p != '#')
			samples++;
	}
	assert_int_equal(samples, RB_XC_COUNT + RB_UC_COUNT);
	assert_int_equal(count_lines(b.data, "rackboot_xdp_packets_total{protocol=\"dhcp4\","
					     "verdict=\"reply\",reason=\"offer\"} 1000002"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_xdp_received_packets_total 1000000"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_tftp_transfers_total{result=\"timeout\"} 2000011"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_http_responses_total{code=\"4xx\"} 2000039"), 1);
	assert_int_equal(count_lines(b.data, "# TYPE rackboot_xdp_packets_total counter"), 1);
	assert_int_equal(count_lines(b.data, "# TYPE rackboot_dns_responses_total counter"), 1);
	rb_prom_buf_free(&b);
}

/* A record that reached phases at the given offsets in ms after t0 (0 = never). */
static struct rb_device record(bool inventory, uint32_t phase, uint64_t discovered_ms,
			       uint64_t leased_ms, uint64_t bootfile_ms, uint64_t image_ms)
{
	const uint64_t t0 = 5000 * NS;
	struct rb_device r;

	memset(&r, 0, sizeof(r));
	r.inventory = inventory;
	r.phase = phase;
	r.phase_ns[RB_PHASE_DISCOVERED] = discovered_ms ? t0 + discovered_ms * 1000000 : 0;
	r.phase_ns[RB_PHASE_LEASED] = leased_ms ? t0 + leased_ms * 1000000 : 0;
	r.phase_ns[RB_PHASE_BOOTFILE] = bootfile_ms ? t0 + bootfile_ms * 1000000 : 0;
	r.phase_ns[RB_PHASE_IMAGE] = image_ms ? t0 + image_ms * 1000000 : 0;
	return r;
}

static void device_tally_steps(void **state)
{
	struct rb_device_tally t;
	struct rb_device r;

	memset(&t, 0, sizeof(t));
	/* DORA in 300 ms, boot file 1 s later (exactly a bound), image 2 h later. */
	r = record(true, RB_PHASE_IMAGE, 1, 301, 1301, 1301 + 7200000);
	rb_device_tally_add(&t, &r);
	/* An INIT-REBOOT: leased without DISCOVER, so no discover_to_lease. */
	r = record(false, RB_PHASE_BOOTFILE, 0, 10, 60010, 0);
	rb_device_tally_add(&t, &r);
	/* Timestamps out of order (two CPUs): the step is left out. */
	r = record(true, RB_PHASE_LEASED, 500, 400, 0, 0);
	rb_device_tally_add(&t, &r);
	/* Never reached a phase. */
	r = record(true, RB_PHASE_NONE, 0, 0, 0, 0);
	rb_device_tally_add(&t, &r);

	assert_int_equal(t.devices[1][RB_PHASE_IMAGE], 1);
	assert_int_equal(t.devices[0][RB_PHASE_BOOTFILE], 1);
	assert_int_equal(t.devices[1][RB_PHASE_LEASED], 1);
	assert_int_equal(t.devices[1][RB_PHASE_NONE], 1);

	/* Buckets 0.1 0.25 0.5 1 2.5 5 10 30 60 120 ...: 0.3 s is in le=0.5 (index 2). */
	assert_int_equal(t.step_buckets[RB_STEP_DISCOVER_TO_LEASE][2], 1);
	assert_int_equal(t.step_sum_ns[RB_STEP_DISCOVER_TO_LEASE], 300000000);
	/* 1 s is in le=1 (index 3), 60 s in le=60 (index 8): a bound includes its value. */
	assert_int_equal(t.step_buckets[RB_STEP_LEASE_TO_BOOTFILE][3], 1);
	assert_int_equal(t.step_buckets[RB_STEP_LEASE_TO_BOOTFILE][8], 1);
	assert_int_equal(t.step_sum_ns[RB_STEP_LEASE_TO_BOOTFILE], 61 * NS);
	/* 2 h is past the last bound. */
	assert_int_equal(t.step_buckets[RB_STEP_BOOTFILE_TO_IMAGE][RB_PROVISION_BUCKETS], 1);
	for (size_t s = 0; s < RB_STEP_COUNT; s++) {
		uint64_t n = 0;

		for (size_t i = 0; i <= RB_PROVISION_BUCKETS; i++)
			n += t.step_buckets[s][i];
		assert_int_equal(n, s == RB_STEP_LEASE_TO_BOOTFILE ? 2 : 1);
	}
}

static void device_histogram_output(void **state)
{
	struct rb_device_tally t;
	struct rb_device r = record(true, RB_PHASE_BOOTFILE, 1, 301, 2301, 0);
	struct rb_prom_buf b;

	memset(&t, 0, sizeof(t));
	rb_device_tally_add(&t, &r);
	rb_prom_buf_init(&b, MAX);
	rb_metrics_write_devices(&b, &t);
	assert_int_equal(rb_prom_buf_error(&b), 0);
	assert_int_equal(count_lines(b.data, "# TYPE rackboot_provision_step_duration_seconds histogram"), 1);
	assert_int_equal(count_lines(b.data, "# TYPE rackboot_devices gauge"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_devices{origin=\"inventory\",phase=\"bootfile\"} 1"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_devices{origin=\"pool\",phase=\"bootfile\"} 0"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_provision_step_duration_seconds_bucket"
					     "{step=\"lease_to_bootfile\",le=\"1\"} 0"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_provision_step_duration_seconds_bucket"
					     "{step=\"lease_to_bootfile\",le=\"2.5\"} 1"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_provision_step_duration_seconds_bucket"
					     "{step=\"lease_to_bootfile\",le=\"3600\"} 1"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_provision_step_duration_seconds_sum"
					     "{step=\"lease_to_bootfile\"} 2"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_provision_step_duration_seconds_count"
					     "{step=\"bootfile_to_image\"} 0"), 1);
	rb_prom_buf_free(&b);
}

/* The document does not grow with the devices: every device is a count, never a label. */
static void many_devices_same_size(void **state)
{
	struct rb_device_tally one, many;
	struct rb_prom_buf b1, b2;

	memset(&one, 0, sizeof(one));
	memset(&many, 0, sizeof(many));
	for (uint32_t i = 0; i < RB_MAX_DEVICES; i++) {
		struct rb_device r = record(i % 3 != 0, RB_PHASE_IMAGE, 1, 1 + i % 5000,
					    10001 + i % 5000, 20001 + i);

		if (i == 0)
			rb_device_tally_add(&one, &r);
		rb_device_tally_add(&many, &r);
	}
	assert_int_equal(many.devices[0][RB_PHASE_IMAGE] + many.devices[1][RB_PHASE_IMAGE],
			 RB_MAX_DEVICES);
	rb_prom_buf_init(&b1, MAX);
	rb_prom_buf_init(&b2, MAX);
	rb_metrics_write_devices(&b1, &one);
	rb_metrics_write_devices(&b2, &many);
	assert_int_equal(rb_prom_buf_error(&b2), 0);
	/* Only the digits of the counts and sums differ. */
	assert_true(b2.len < b1.len + 2000);
	assert_int_equal(count_lines(b2.data, "rackboot_provision_step_duration_seconds_count"
					      "{step=\"bootfile_to_image\"} 262144"), 1);
	rb_prom_buf_free(&b1);
	rb_prom_buf_free(&b2);
}

static uint32_t ip4(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a.s_addr;
}

static struct in6_addr ip6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

/* Two IPv4 subnets, the second with a pool of two ranges, and one IPv6 subnet with a /64 pool. */
static void lease_config(struct rb_config *cfg, struct rb_cfg_subnet *subnets,
			 struct rb_cfg_subnet6 *subnet6)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(subnets, 0, 2 * sizeof(*subnets));
	memset(subnet6, 0, sizeof(*subnet6));
	strcpy(subnets[0].name, "lab");
	subnets[0].prefix = ip4("10.213.0.0");
	subnets[0].prefix_len = 24;
	strcpy(subnets[1].name, "rack\"2");
	subnets[1].prefix = ip4("10.214.0.0");
	subnets[1].prefix_len = 16;
	subnets[1].pool_ranges[0] = (struct rb_cfg_pool_range){ ip4("10.214.1.0"), ip4("10.214.1.255") };
	subnets[1].pool_ranges[1] = (struct rb_cfg_pool_range){ ip4("10.214.3.10"), ip4("10.214.3.19") };
	subnets[1].n_pool_ranges = 2;
	strcpy(subnet6->name, "lab6");
	subnet6->pool_ranges[0].start = ip6("fd00:213::");
	subnet6->pool_ranges[0].end = ip6("fd00:213::ffff:ffff:ffff:ffff");
	subnet6->n_pool_ranges = 1;
	cfg->subnets = subnets;
	cfg->n_subnets = 2;
	cfg->subnets6 = subnet6;
	cfg->n_subnets6 = 1;
}

static void add4(struct rb_lease_tally *t, const char *addr, int64_t end)
{
	struct rb_store_lease l = { .ipv4 = ip4(addr), .end = end };

	assert_int_equal(rb_lease_tally_add4(&l, t), 0);
}

static void add6(struct rb_lease_tally *t, const char *addr, uint16_t state, uint32_t subnet6,
		 int64_t end)
{
	struct rb_store_lease6 l = { .addr = ip6(addr), .state = state, .subnet6 = subnet6, .end = end };

	assert_int_equal(rb_lease_tally_add6(&l, t), 0);
}

static void lease_tally_by_subnet(void **state)
{
	struct rb_cfg_subnet subnets[2];
	struct rb_cfg_subnet6 subnet6;
	struct rb_config cfg;
	struct rb_lease_tally t;
	const int64_t now = 1800000000;
	struct rb_prom_buf b;

	lease_config(&cfg, subnets, &subnet6);
	assert_int_equal(rb_lease_tally_init(&t, &cfg, now), 0);
	add4(&t, "10.213.0.101", now + 60);	/* lab, reserved */
	add4(&t, "10.213.0.102", now);		/* ended */
	add4(&t, "10.214.1.7", now + 1);	/* rack"2, pool */
	add4(&t, "10.214.3.19", now + 1);	/* rack"2, pool: the last address of a range */
	add4(&t, "10.214.3.20", now + 1);	/* rack"2, reserved: just past it */
	add4(&t, "192.0.2.1", now + 60);	/* no subnet */
	add6(&t, "fd00:213::5", RB_LEASE6_BOUND, 0, now + 60);
	add6(&t, "fd00:213:0:1::5", RB_LEASE6_BOUND, 0, now + 60);
	add6(&t, "fd00:213::6", RB_LEASE6_RELEASED, 0, now + 60);
	add6(&t, "fd00:213::7", RB_LEASE6_BOUND, 0, now - 1);
	add6(&t, "fd00:213::8", RB_LEASE6_BOUND, 3, now + 60);	/* a subnet6 index past the config */

	assert_int_equal(t.v4[0][RB_LEASE_KIND_RESERVED], 1);
	assert_int_equal(t.v4[0][RB_LEASE_KIND_POOL], 0);
	assert_int_equal(t.v4[1][RB_LEASE_KIND_POOL], 2);
	assert_int_equal(t.v4[1][RB_LEASE_KIND_RESERVED], 1);
	assert_int_equal(t.v6[0][RB_LEASE_KIND_POOL], 1);
	assert_int_equal(t.v6[0][RB_LEASE_KIND_RESERVED], 1);

	rb_prom_buf_init(&b, MAX);
	rb_metrics_write_leases(&b, &t);
	assert_int_equal(rb_prom_buf_error(&b), 0);
	assert_int_equal(count_lines(b.data, "rackboot_dhcp_leases{family=\"ipv4\",subnet=\"rack\\\"2\","
					     "kind=\"pool\"} 2"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_dhcp_leases{family=\"ipv6\",subnet=\"lab6\","
					     "kind=\"reserved\"} 1"), 1);
	/* Pool sizes: 256 + 10 addresses, and 2^64. A subnet without a pool has no size. */
	assert_int_equal(count_lines(b.data, "rackboot_dhcp_pool_addresses{family=\"ipv4\","
					     "subnet=\"rack\\\"2\"} 266"), 1);
	assert_int_equal(count_lines(b.data, "rackboot_dhcp_pool_addresses{family=\"ipv6\","
					     "subnet=\"lab6\"} 1.8446744073709552e+19"), 1);
	assert_null(strstr(b.data, "rackboot_dhcp_pool_addresses{family=\"ipv4\",subnet=\"lab\"}"));
	rb_prom_buf_free(&b);
	rb_lease_tally_free(&t);
}

static struct sockaddr_storage peer4(const char *text)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	in->sin_family = AF_INET;
	in->sin_addr.s_addr = ip4(text);
	return ss;
}

static struct sockaddr_storage peer6(const char *text)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_addr = ip6(text);
	return ss;
}

static bool allowed(const struct rb_cfg_metrics *cfg, struct sockaddr_storage ss)
{
	return rb_metrics_allowed(cfg, (const struct sockaddr *)&ss);
}

static void access_by_prefix(void **state)
{
	struct rb_cfg_metrics cfg = { .enabled = true };

	/* No prefix: everyone, also an unknown peer. */
	assert_true(allowed(&cfg, peer4("192.0.2.1")));
	assert_true(rb_metrics_allowed(&cfg, NULL));

	cfg.allowed[0] = (struct rb_cfg_prefix){ .family = AF_INET, .len = 20 };
	memcpy(cfg.allowed[0].addr, &(uint32_t){ ip4("10.1.16.0") }, 4);
	cfg.allowed[1] = (struct rb_cfg_prefix){ .family = AF_INET6, .len = 64 };
	memcpy(cfg.allowed[1].addr, ip6("fd00:1::").s6_addr, 16);
	cfg.n_allowed = 2;

	assert_true(allowed(&cfg, peer4("10.1.16.0")));
	assert_true(allowed(&cfg, peer4("10.1.31.255")));
	assert_false(allowed(&cfg, peer4("10.1.32.0")));
	assert_false(allowed(&cfg, peer4("10.1.15.255")));
	assert_true(allowed(&cfg, peer6("fd00:1::ffff")));
	assert_false(allowed(&cfg, peer6("fd00:2::1")));
	/* An IPv4 prefix does not match the same bytes as an IPv6 peer. */
	assert_false(allowed(&cfg, peer6("a01:1000::")));
	assert_false(rb_metrics_allowed(&cfg, NULL));

	cfg.allowed[0].len = 0;
	assert_true(allowed(&cfg, peer4("203.0.113.9")));
	assert_false(allowed(&cfg, peer6("::1")));
}

#define CONFIG_HEAD \
	"{\"rackboot:rackboot\": {" \
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}," \
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\"," \
	" \"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]},"

static void config_defaults_and_sources(void **state)
{
	struct rb_cfg_errors errs = { 0 };
	struct rb_config *cfg = NULL;

	assert_int_equal(rb_config_load_string(CONFIG_HEAD "\"http\": {}}}", &cfg, &errs), 0);
	assert_true(cfg->http.metrics.enabled);
	assert_string_equal(cfg->http.metrics.path, "/metrics");
	assert_int_equal(cfg->http.metrics.n_allowed, 0);
	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);

	assert_int_equal(rb_config_load_string(CONFIG_HEAD "\"http\": {\"metrics\": {"
					       "\"enabled\": false, \"path\": \"/x/prom\","
					       "\"allowed-source\": [\"10.1.0.0/16\", \"fd00::/8\"]}}}}",
					       &cfg, &errs), 0);
	assert_false(cfg->http.metrics.enabled);
	assert_string_equal(cfg->http.metrics.path, "/x/prom");
	assert_int_equal(cfg->http.metrics.n_allowed, 2);
	assert_int_equal(cfg->http.metrics.allowed[0].family, AF_INET);
	assert_int_equal(cfg->http.metrics.allowed[0].len, 16);
	assert_memory_equal(cfg->http.metrics.allowed[0].addr, "\x0a\x01\x00\x00", 4);
	assert_int_equal(cfg->http.metrics.allowed[1].family, AF_INET6);
	assert_int_equal(cfg->http.metrics.allowed[1].len, 8);
	assert_int_equal(cfg->http.metrics.allowed[1].addr[0], 0xfd);
	rb_config_free(cfg);
	rb_cfg_errors_free(&errs);
}

static void config_rejects_bad_path(void **state)
{
	static const char *const bad[] = { "metrics", "/", "/a b", "/a?b" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rb_cfg_errors errs = { 0 };
		struct rb_config *cfg = NULL;
		char json[512];

		snprintf(json, sizeof(json), CONFIG_HEAD "\"http\": {\"metrics\": {\"path\": \"%s\"}}}}",
			 bad[i]);
		assert_int_not_equal(rb_config_load_string(json, &cfg, &errs), 0);
		assert_null(cfg);
		assert_true(errs.count > 0);
		assert_non_null(strstr(errs.items[0].path, "metrics/path"));
		rb_cfg_errors_free(&errs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_label_and_help),
		cmocka_unit_test(family_and_samples),
		cmocka_unit_test(histogram_buckets_cumulative),
		cmocka_unit_test(buffer_max_is_sticky),
		cmocka_unit_test(buffer_grows),
		cmocka_unit_test(families_follow_conventions),
		cmocka_unit_test(counters_map_to_distinct_series),
		cmocka_unit_test(counters_rendered_once_each),
		cmocka_unit_test(device_tally_steps),
		cmocka_unit_test(device_histogram_output),
		cmocka_unit_test(many_devices_same_size),
		cmocka_unit_test(lease_tally_by_subnet),
		cmocka_unit_test(access_by_prefix),
		cmocka_unit_test(config_defaults_and_sources),
		cmocka_unit_test(config_rejects_bad_path),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
