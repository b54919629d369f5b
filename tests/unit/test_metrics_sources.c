// SPDX-License-Identifier: MIT
/*
 * The metrics from their real sources.  Device records are read from a
 * BPF hash map in batches, thousands of them (skipped without the
 * privileges to create maps).  Leases are read from a store while another
 * thread has an uncommitted write batch.  The whole document comes from
 * maps and store, and the HTTP route serves it (status, headers, memfd
 * body, 403, HEAD, 500).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "http/http_handle.h"
#include "http/http_metrics.h"
#include "lib/map_fixture.h"
#include "lib/store_fixture.h"
#include "metrics/metrics.h"
#include "metrics/metrics_devices.h"
#include "metrics/metrics_leases.h"
#include "store/store.h"

#define NS		1000000000ULL
#define N_DEVICES	5000
#define NOW		1800000000

/* Device i: leased 0.1 s after DISCOVER, boot file i ms later.  Every tenth is a pool device. */
static void fill_devices(int fd, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct rb_mac_key key = { .addr = { 0x52, 0x54, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
						    (uint8_t)i } };
		struct rb_device rec;

		memset(&rec, 0, sizeof(rec));
		rec.inventory = i % 10 != 0;
		rec.phase = RB_PHASE_BOOTFILE;
		rec.phase_ns[RB_PHASE_DISCOVERED] = 1000 * NS;
		rec.phase_ns[RB_PHASE_LEASED] = 1000 * NS + NS / 10;
		rec.phase_ns[RB_PHASE_BOOTFILE] = 1000 * NS + NS / 10 + (uint64_t)i * 1000000;
		assert_int_equal(bpf_map_update_elem(fd, &key, &rec, BPF_NOEXIST), 0);
	}
}

static void tally_reads_thousands(void **state)
{
	int fd = test_map_create(BPF_MAP_TYPE_HASH, sizeof(struct rb_mac_key), sizeof(struct rb_device),
				 RB_MAX_DEVICES);
	struct rb_device_tally t;
	uint64_t steps = 0;

	fill_devices(fd, N_DEVICES);
	memset(&t, 0, sizeof(t));
	assert_int_equal(rb_device_tally_read(fd, &t), 0);
	assert_int_equal(t.devices[1][RB_PHASE_BOOTFILE], N_DEVICES - N_DEVICES / 10);
	assert_int_equal(t.devices[0][RB_PHASE_BOOTFILE], N_DEVICES / 10);
	for (size_t i = 0; i <= RB_PROVISION_BUCKETS; i++)
		steps += t.step_buckets[RB_STEP_LEASE_TO_BOOTFILE][i];
	assert_int_equal(steps, N_DEVICES);
	/* 0 ms to 4999 ms: le=0.1 contains i <= 100, le=5 all the rest. */
	assert_int_equal(t.step_buckets[RB_STEP_LEASE_TO_BOOTFILE][0], 101);
	assert_int_equal(t.step_sum_ns[RB_STEP_LEASE_TO_BOOTFILE],
			 (uint64_t)N_DEVICES * (N_DEVICES - 1) / 2 * 1000000);
	assert_int_equal(t.step_buckets[RB_STEP_DISCOVER_TO_LEASE][0], N_DEVICES);
	close(fd);
}

static void tally_reads_empty_map(void **state)
{
	int fd = test_map_create(BPF_MAP_TYPE_HASH, sizeof(struct rb_mac_key), sizeof(struct rb_device),
				 64);
	struct rb_device_tally t;

	memset(&t, 0, sizeof(t));
	assert_int_equal(rb_device_tally_read(fd, &t), 0);
	for (int p = 0; p < RB_PHASE_COUNT; p++)
		assert_int_equal(t.devices[0][p] + t.devices[1][p], 0);
	close(fd);
}

static struct rb_store_lease lease(uint8_t last, const char *addr)
{
	struct rb_store_lease l = { .mac = { 0x52, 0x54, 0, 0, 0, last }, .source = RB_LEASE_XDP,
				    .start = NOW - 10, .end = NOW + 3600 };

	assert_int_equal(inet_pton(AF_INET, addr, &l.ipv4), 1);
	return l;
}

struct reader {
	struct rb_store *st;
	const struct rb_config *cfg;
	struct rb_lease_tally tally;
	int err;
};

static void *read_leases(void *arg)
{
	struct reader *r = arg;

	r->err = rb_lease_tally_init(&r->tally, r->cfg, NOW);
	if (!r->err)
		r->err = rb_lease_tally_read(r->st, &r->tally);
	return NULL;
}

/* Count the leases on another thread, as an HTTP worker does. */
static uint64_t leases_from_thread(struct rb_store *st, const struct rb_config *cfg)
{
	struct reader r = { .st = st, .cfg = cfg };
	pthread_t thread;
	uint64_t n;

	assert_int_equal(pthread_create(&thread, NULL, read_leases, &r), 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(r.err, 0);
	n = r.tally.v4[0][RB_LEASE_KIND_RESERVED];
	rb_lease_tally_free(&r.tally);
	return n;
}

static void one_subnet_config(struct rb_config *cfg, struct rb_cfg_subnet *subnet)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(subnet, 0, sizeof(*subnet));
	strcpy(subnet->name, "lab");
	assert_int_equal(inet_pton(AF_INET, "10.213.0.0", &subnet->prefix), 1);
	subnet->prefix_len = 24;
	cfg->subnets = subnet;
	cfg->n_subnets = 1;
}

static void leases_committed_only(void **state)
{
	struct rb_cfg_subnet subnet;
	struct rb_config cfg;
	struct rb_store *st;
	struct rb_store_lease l;
	char dir[64];

	one_subnet_config(&cfg, &subnet);
	test_store_create(dir, sizeof(dir), "rb-metrics-store", &st);
	l = lease(1, "10.213.0.101");
	assert_int_equal(rb_store_put_lease(st, &l), 0);
	l = lease(2, "10.213.0.102");
	assert_int_equal(rb_store_put_lease(st, &l), 0);
	assert_int_equal(leases_from_thread(st, &cfg), 2);

	/* A batch open on this thread: the reader sees the last commit, not the batch. */
	assert_int_equal(rb_store_begin(st), 0);
	l = lease(3, "10.213.0.103");
	assert_int_equal(rb_store_put_lease(st, &l), 0);
	assert_int_equal(leases_from_thread(st, &cfg), 2);
	assert_int_equal(rb_store_commit(st), 0);
	assert_int_equal(leases_from_thread(st, &cfg), 3);
	test_store_remove(dir, st);
}

static void document_from_maps_and_store(void **state)
{
	int devices = test_map_create(BPF_MAP_TYPE_HASH, sizeof(struct rb_mac_key),
				      sizeof(struct rb_device), 1024);
	int xdp = test_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, RB_XC_COUNT);
	int us = test_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, RB_UC_COUNT);
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *percpu = calloc((size_t)ncpus, sizeof(*percpu));
	struct rb_cfg_subnet subnet;
	struct rb_config cfg;
	struct rb_store *st;
	struct rb_store_lease l = lease(1, "10.213.0.101");
	struct rb_prom_buf b;
	const char *what = NULL;
	__u32 key = RB_XC_TX_OFFER;
	uint64_t rrq = 7;
	char dir[64], line[128];

	assert_non_null(percpu);
	for (int cpu = 0; cpu < ncpus; cpu++)
		percpu[cpu] = 2;
	assert_int_equal(bpf_map_update_elem(xdp, &key, percpu, BPF_ANY), 0);
	key = RB_UC_TFTP_RRQ;
	assert_int_equal(bpf_map_update_elem(us, &key, &rrq, BPF_ANY), 0);
	fill_devices(devices, 3);
	one_subnet_config(&cfg, &subnet);
	test_store_create(dir, sizeof(dir), "rb-metrics-doc", &st);
	assert_int_equal(rb_store_put_lease(st, &l), 0);

	struct rb_metrics_source src = { .devices_fd = devices, .xdp_counters_fd = xdp,
					 .us_counters_fd = us, .store = st, .cfg = &cfg };

	rb_prom_buf_init(&b, 1U << 20);
	assert_int_equal(rb_metrics_render(&src, &b, &what), 0);
	snprintf(line, sizeof(line), "\nrackboot_xdp_packets_total{protocol=\"dhcp4\",verdict=\"reply\","
		 "reason=\"offer\"} %d\n", 2 * ncpus);
	assert_non_null(strstr(b.data, line));
	assert_non_null(strstr(b.data, "\nrackboot_tftp_read_requests_total 7\n"));
	assert_non_null(strstr(b.data, "\nrackboot_devices{origin=\"inventory\",phase=\"bootfile\"} 2\n"));
	assert_non_null(strstr(b.data, "\nrackboot_provision_step_duration_seconds_count"
				       "{step=\"lease_to_bootfile\"} 3\n"));
	/* The lease ends an hour after NOW, and the clock is before that until 2027. */
	assert_non_null(strstr(b.data, "\nrackboot_dhcp_leases{family=\"ipv4\",subnet=\"lab\","
				       "kind=\"reserved\"} 1\n"));
	rb_prom_buf_free(&b);

	/* A closed map fails the render, and what names the part. */
	close(devices);
	src.devices_fd = 1000000;
	rb_prom_buf_init(&b, 1U << 20);
	assert_int_equal(rb_metrics_render(&src, &b, &what), -EBADF);
	assert_string_equal(what, "reading the device records failed");
	rb_prom_buf_free(&b);

	test_store_remove(dir, st);
	close(xdp);
	close(us);
	free(percpu);
}

/* A renderer that writes a fixed text, or fails when arg is set. */
static int fake_render(void *arg, const struct rb_config *cfg, struct rb_prom_buf *b,
		       const char **what)
{
	if (arg) {
		*what = "the test renderer failed";
		return -EIO;
	}
	rb_prom_printf(b, "rackboot_test_total 42\n");
	return 0;
}

struct route {
	struct rb_cfg_metrics cfg;
	struct rb_http_metrics metrics;
	struct rb_http_site site;
	char dir[64];
};

static void route_init(struct route *r)
{
	memset(r, 0, sizeof(*r));
	r->cfg.enabled = true;
	strcpy(r->cfg.path, "/metrics");
	r->cfg.allowed[0] = (struct rb_cfg_prefix){ .family = AF_INET, .len = 8, .addr = { 127 } };
	r->cfg.n_allowed = 1;
	r->metrics = (struct rb_http_metrics){ .cfg = &r->cfg, .render = fake_render };
	strcpy(r->dir, "/tmp/rb-metrics-root.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	r->site.root_fd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(r->site.root_fd >= 0);
	r->site.metrics = &r->metrics;
}

static void route_free(struct route *r)
{
	close(r->site.root_fd);
	assert_int_equal(rmdir(r->dir), 0);
}

static void get(const struct route *r, const char *text, const char *peer_addr,
		struct rb_http_response *resp)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct rb_http_parser p;
	size_t used;

	assert_int_equal(inet_pton(AF_INET, peer_addr, &peer.sin_addr), 1);
	rb_http_parser_init(&p);
	assert_int_equal(rb_http_parse(&p, text, strlen(text), &used), RB_HTTP_PARSE_DONE);
	rb_http_response_init(resp);
	rb_http_handle(&r->site, &p.req, (const struct sockaddr *)&peer, resp, 0);
}

static bool head_has(struct rb_http_response *resp, const char *header)
{
	resp->head[resp->head_len < sizeof(resp->head) ? resp->head_len : sizeof(resp->head) - 1] = '\0';
	return strstr(resp->head, header) != NULL;
}

static void route_serves_document(void **state)
{
	static struct rb_http_response resp;
	struct route r;
	char body[64] = { 0 };

	route_init(&r);
	get(&r, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 200);
	assert_true(head_has(&resp, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	assert_true(head_has(&resp, "\r\nContent-Length: 23\r\n"));
	assert_true(resp.file_fd >= 0);
	assert_int_equal(resp.file_len, 23);
	/* Not a file fetch, so no device moves to phase image. */
	assert_false(resp.full_file);
	assert_int_equal(pread(resp.file_fd, body, sizeof(body) - 1, 0), 23);
	assert_string_equal(body, "rackboot_test_total 42\n");
	rb_http_response_release(&resp);

	get(&r, "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 200);
	assert_true(head_has(&resp, "\r\nContent-Length: 23\r\n"));
	assert_int_equal(resp.file_fd, -1);
	assert_int_equal(resp.inline_body, 0);
	route_free(&r);
}

static void route_rejects_and_fails(void **state)
{
	static struct rb_http_response resp;
	struct route r;

	route_init(&r);
	get(&r, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "10.1.2.3", &resp);
	assert_int_equal(resp.status, 403);
	assert_int_equal(resp.file_fd, -1);

	r.metrics.arg = &r;
	get(&r, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 500);
	assert_string_equal(resp.reason, "the test renderer failed");

	/* Off, or another path: a file of the root, which does not exist. */
	r.metrics.arg = NULL;
	get(&r, "GET /metricsx HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 404);
	r.cfg.enabled = false;
	get(&r, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 404);

	/* A configured path other than the default, reached percent-encoded too. */
	r.cfg.enabled = true;
	strcpy(r.cfg.path, "/ops/prom");
	get(&r, "GET /ops/%70rom HTTP/1.1\r\nHost: a\r\n\r\n", "127.0.0.1", &resp);
	assert_int_equal(resp.status, 200);
	rb_http_response_release(&resp);
	route_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tally_reads_thousands),
		cmocka_unit_test(tally_reads_empty_map),
		cmocka_unit_test(leases_committed_only),
		cmocka_unit_test(document_from_maps_and_store),
		cmocka_unit_test(route_serves_document),
		cmocka_unit_test(route_rejects_and_fails),
	};

	return cmocka_run_group_tests_name("metrics_sources", tests, NULL, NULL);
}
