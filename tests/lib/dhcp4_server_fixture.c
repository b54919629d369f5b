// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>

#include "config/config.h"
#include "dhcp4/server.h"
#include "dhcp4/template.h"
#include "dhcp4_maps.h"
#include "dhcp4_pkt.h"
#include "dhcp4_server_fixture.h"

/* The two %s are an optional "lease-time" member and the pool's last address. */
static const char config_format[] =
	"{\"rackboot:rackboot\": {"
	"\"interfaces\": {\"interface\": [{\"name\": \"lo\"}]}, "
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", "
	"\"default-boot-file\": \"pxelinux.0\"}]}, "
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\", "
	"\"interface\": \"lo\", \"server-address\": \"10.213.0.1\", %s"
	"\"pool\": {\"profile\": \"linux\", \"range\": [{\"start\": \"10.213.0.200\", "
	"\"end\": \"%s\"}]}}]}}}";

static void config_load(struct test_dhcp4_fixture *f, const char *pool_end, uint32_t lease_time_s)
{
	struct rb_cfg_errors errs = { 0 };
	char lease_time[48] = "", json[1024];
	int len;

	if (lease_time_s)
		snprintf(lease_time, sizeof(lease_time), "\"lease-time\": %u, ", lease_time_s);
	len = snprintf(json, sizeof(json), config_format, lease_time, pool_end);
	assert_true(len > 0 && (size_t)len < sizeof(json));

	assert_int_equal(rb_config_load_string(json, &f->cfg, &errs), 0);
	rb_cfg_errors_free(&errs);
}

/* Write the templates, and lo's entry as rackbootd would write it. */
static void maps_fill(struct test_dhcp4_fixture *f, uint32_t pool_id)
{
	struct rb_iface lo = { .mtu = 1500, .enabled = 1, .pool_id = pool_id };
	struct rb_dhcp4_templates t;
	__u32 ifindex = TEST_LO_IFINDEX;

	assert_int_equal(rb_dhcp4_templates_build(f->cfg, &t), 0);
	for (__u32 id = 0; id < t.count; id++)
		assert_int_equal(bpf_map_update_elem(f->templates_fd, &id, &t.items[id], BPF_ANY), 0);
	if (pool_id)
		lo.pool_template = t.pool_template[0];
	rb_dhcp4_templates_free(&t);
	assert_int_equal(bpf_map_update_elem(f->ifaces_fd, &ifindex, &lo, BPF_ANY), 0);
}

int test_dhcp4_fixture_setup(struct test_dhcp4_fixture *f, const char *pool_end,
			     uint32_t lease_time_s, uint32_t pool_id)
{
	int err = test_dhcp4_maps_create(&f->devices_fd, &f->templates_fd, &f->ifaces_fd);

	if (err) {
		fprintf(stderr, "# needs CAP_BPF: %s\n", strerror(-err));
		return err;
	}
	config_load(f, pool_end, lease_time_s);
	maps_fill(f, pool_id);
	assert_int_equal(io_uring_queue_init(32, &f->ring, 0), 0);
	return 0;
}

void test_dhcp4_fixture_teardown(struct test_dhcp4_fixture *f)
{
	io_uring_queue_exit(&f->ring);
	rb_dhcp4_server_free(f->srv);
	for (size_t i = 0; i < f->n_replaced; i++)
		rb_dhcp4_server_free(f->replaced[i]);

	/* The servers point to the config, so it goes after them. */
	rb_config_free(f->cfg);
	close(f->devices_fd);
	close(f->templates_fd);
	close(f->ifaces_fd);
}

struct rb_dhcp4_server *test_dhcp4_fixture_server_new(struct test_dhcp4_fixture *f)
{
	struct rb_dhcp4_server_config cfg = {
		.devices_fd = f->devices_fd, .templates_fd = f->templates_fd,
		.ifaces_fd = f->ifaces_fd, .counters = f->counters, .config = f->cfg,
	};
	struct rb_dhcp4_server *srv = NULL;

	/* server_port stays 0, so the server binds any free port and never meets a real DHCP server. */
	assert_int_equal(rb_dhcp4_server_new(&f->ring, &cfg, &srv), 0);
	return srv;
}

void test_dhcp4_fixture_retire_server(struct test_dhcp4_fixture *f)
{
	assert_true(f->n_replaced < TEST_DHCP4_REPLACED_MAX);
	f->replaced[f->n_replaced++] = f->srv;
	f->srv = NULL;
}

void test_dhcp4_fixture_handle(struct test_dhcp4_fixture *f, const struct test_dhcp4_req *r)
{
	_Alignas(8) uint8_t buf[2 + 2048];
	uint8_t *frame = buf + 2;
	size_t len = test_dhcp4_frame(r, frame, sizeof(buf) - 2);

	assert_true(len > TEST_DHCP4_OFF);
	rb_dhcp4_server_handle(f->srv, TEST_LO_IFINDEX, frame + TEST_DHCP4_OFF,
			       len - TEST_DHCP4_OFF);
}
