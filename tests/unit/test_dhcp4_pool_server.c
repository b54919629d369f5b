// SPDX-License-Identifier: MIT
/*
 * The subnet pool on the DHCPv4 slow path, against real BPF maps: a
 * DISCOVER from an unknown MAC on lo adds a pool device record, DECLINE
 * and RELEASE remove it, an exhausted pool is counted, and a new server
 * rebuilds its allocator from the records.  Leases not renewed and
 * OFFERs without an ACK expire, and an INFORM gets an ACK without a
 * lease.  Needs CAP_BPF and
 * CAP_NET_RAW; skips without.
 */
#include <arpa/inet.h>
#include <errno.h>
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

#include "config/config.h"
#include "dhcp4/answer.h"
#include "dhcp4/server.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_maps.h"
#include "lib/dhcp4_pkt.h"
#include "lib/dhcp4_server_fixture.h"
#include "rackboot/dhcp4_wire.h"
#include "xdp/device_state.h"

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* The pool holds 10.213.0.200 and 10.213.0.201; the subnet is served on lo. */
#define POOL_END	"10.213.0.201"

static const uint8_t mac1[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x02 };
static const uint8_t mac3[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x03 };
static const uint8_t mac4[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x04 };

/* A server on the fixture's maps, started so that its pool is rebuilt. */
static struct rb_dhcp4_server *server_start(struct test_dhcp4_fixture *f)
{
	struct rb_dhcp4_server *srv = test_dhcp4_fixture_server_new(f);

	assert_int_equal(rb_dhcp4_server_start(srv), 0);
	return srv;
}

static int setup(void **state)
{
	struct test_dhcp4_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	/* No lease time: the subnet keeps the YANG default. */
	if (test_dhcp4_fixture_setup(f, POOL_END, 0, 0)) {
		free(f);
		return -1;
	}
	f->srv = server_start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct test_dhcp4_fixture *f = *state;

	test_dhcp4_fixture_teardown(f);
	free(f);
	return 0;
}

static void discover(struct test_dhcp4_fixture *f, const uint8_t mac[6])
{
	struct test_dhcp4_req r = { .xid = 0x1001, .opts = OPTS(53, 1, 1, 255) };

	memcpy(r.mac, mac, 6);
	r.opts_len = 4;
	test_dhcp4_fixture_handle(f, &r);
}

/* The address of mac's record, 0 when it has none. */
static uint32_t record_addr(struct test_dhcp4_fixture *f, const uint8_t mac[6])
{
	struct rb_device rec;

	if (rb_device_get(f->devices_fd, mac, &rec))
		return 0;
	return rec.ipv4;
}

static void discover_adds_record(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct rb_device rec;

	discover(f, mac1);
	assert_int_equal(record_addr(f, mac1), test_ip4("10.213.0.200"));
	assert_int_equal(f->counters[RB_UC_TX_OFFER], 1);
	assert_int_equal(f->counters[RB_UC_IGNORED_UNKNOWN], 0);

	assert_int_equal(rb_device_get(f->devices_fd, mac1, &rec), 0);
	assert_int_equal(rec.hostname_len, 0);
	assert_int_equal(rec.phase, RB_PHASE_OFFERED);
	assert_int_equal(rec.us_replies, 1);

	/* A second DISCOVER finds the record: same address, no second allocation. */
	discover(f, mac1);
	assert_int_equal(record_addr(f, mac1), test_ip4("10.213.0.200"));
	discover(f, mac2);
	assert_int_equal(record_addr(f, mac2), test_ip4("10.213.0.201"));
}

static void exhausted_pool_counted(void **state)
{
	struct test_dhcp4_fixture *f = *state;

	discover(f, mac1);
	discover(f, mac2);
	discover(f, mac3);
	assert_int_equal(record_addr(f, mac3), 0);
	assert_int_equal(f->counters[RB_UC_IGNORED_UNKNOWN], 1);
	assert_int_equal(f->counters[RB_UC_TX_OFFER], 2);
}

static void decline_and_release(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct test_dhcp4_req decline = {
		.xid = 0x1002, .opts = OPTS(53, 1, 4, 50, 4, 10, 213, 0, 200, 255),
	};
	struct test_dhcp4_req release = {
		.xid = 0x1003, .ciaddr = test_ip4("10.213.0.201"), .ip_src = test_ip4("10.213.0.201"),
		.opts = OPTS(53, 1, 7, 255),
	};

	decline.opts_len = 10;
	release.opts_len = 4;
	memcpy(decline.mac, mac1, 6);
	memcpy(release.mac, mac2, 6);

	discover(f, mac1);
	discover(f, mac2);

	/* The declined .200 rests in quarantine, so mac1 gets nothing while .201 is held. */
	test_dhcp4_fixture_handle(f, &decline);
	assert_int_equal(record_addr(f, mac1), 0);
	discover(f, mac1);
	assert_int_equal(record_addr(f, mac1), 0);
	assert_int_equal(f->counters[RB_UC_IGNORED_UNKNOWN], 1);

	/* The released .201 goes to the next device. */
	test_dhcp4_fixture_handle(f, &release);
	assert_int_equal(record_addr(f, mac2), 0);
	discover(f, mac3);
	assert_int_equal(record_addr(f, mac3), test_ip4("10.213.0.201"));
}

/* A RELEASE naming an address other than the record's leaves the record. */
static void release_other_address_ignored(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct test_dhcp4_req release = {
		.xid = 0x1004, .ciaddr = test_ip4("10.213.0.201"), .opts = OPTS(53, 1, 7, 255),
	};

	release.opts_len = 4;
	memcpy(release.mac, mac1, 6);
	discover(f, mac1);
	test_dhcp4_fixture_handle(f, &release);
	assert_int_equal(record_addr(f, mac1), test_ip4("10.213.0.200"));
	assert_int_equal(f->counters[RB_UC_IGNORED_OTHER], 1);
}

/* A new server (a restart) rebuilds its allocator from the records in the map. */
static void restart_keeps_records(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct rb_dhcp4_server *second;

	discover(f, mac2);
	assert_int_equal(record_addr(f, mac2), test_ip4("10.213.0.200"));

	second = server_start(f);
	test_dhcp4_fixture_retire_server(f);
	f->srv = second;

	discover(f, mac4);
	assert_int_equal(record_addr(f, mac4), test_ip4("10.213.0.201"));
	assert_int_equal(record_addr(f, mac2), test_ip4("10.213.0.200"));
}

#define NS_PER_S 1000000000ull
#define BASE_NS (1000 * NS_PER_S)

/* Rewrite the times of mac's record: lease_ns of the last ACK, offered_ns of the OFFER. */
static void set_times(struct test_dhcp4_fixture *f, const uint8_t mac[6], uint64_t lease_ns,
		      uint64_t offered_ns)
{
	struct rb_device rec;

	assert_int_equal(rb_device_get(f->devices_fd, mac, &rec), 0);
	rec.lease_ns = lease_ns;
	rec.phase_ns[RB_PHASE_LEASED] = lease_ns;
	rec.phase_ns[RB_PHASE_OFFERED] = offered_ns;
	assert_int_equal(rb_device_put(f->devices_fd, mac, &rec), 0);
}

/*
 * How long after its last ACK the record of mac is held: the lease time
 * of its template plus the journal lag, in nanoseconds.
 */
static uint64_t lease_time_ns(struct test_dhcp4_fixture *f, const uint8_t mac[6])
{
	struct rb_dhcp4_template tmpl;
	struct rb_device rec;

	assert_int_equal(rb_device_get(f->devices_fd, mac, &rec), 0);
	assert_int_equal(bpf_map_lookup_elem(f->templates_fd, &rec.template_id, &tmpl), 0);
	assert_true(tmpl.lease_time > RB_DHCP4_OFFER_HOLD_S);
	return ((uint64_t)tmpl.lease_time + rb_journal_lag_s(tmpl.lease_time)) * NS_PER_S;
}

/* A lease not renewed within lease time, journal lag and grace frees its record and address. */
static void lease_expires(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	uint64_t end;

	discover(f, mac1);
	discover(f, mac2);
	end = BASE_NS + lease_time_ns(f, mac1) + RB_DHCP4_EXPIRE_GRACE_S * NS_PER_S;
	set_times(f, mac1, BASE_NS, BASE_NS);
	set_times(f, mac2, end, BASE_NS);

	rb_dhcp4_server_pool_expire(f->srv, end);
	assert_int_equal(record_addr(f, mac1), test_ip4("10.213.0.200"));

	rb_dhcp4_server_pool_expire(f->srv, end + 1);
	assert_int_equal(record_addr(f, mac1), 0);
	assert_int_equal(record_addr(f, mac2), test_ip4("10.213.0.201"));

	/* The freed .200 goes to the next device. */
	discover(f, mac3);
	assert_int_equal(record_addr(f, mac3), test_ip4("10.213.0.200"));
}

/* An OFFER without an ACK holds the address for RB_DHCP4_OFFER_HOLD_S only. */
static void offer_hold_expires(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	uint64_t end = BASE_NS + RB_DHCP4_OFFER_HOLD_S * NS_PER_S;

	discover(f, mac1);
	discover(f, mac2);
	set_times(f, mac1, 0, BASE_NS);
	set_times(f, mac2, BASE_NS, BASE_NS);

	rb_dhcp4_server_pool_expire(f->srv, end);
	assert_int_equal(record_addr(f, mac1), test_ip4("10.213.0.200"));

	rb_dhcp4_server_pool_expire(f->srv, end + 1);
	assert_int_equal(record_addr(f, mac1), 0);
	assert_int_equal(record_addr(f, mac2), test_ip4("10.213.0.201"));

	discover(f, mac4);
	assert_int_equal(record_addr(f, mac4), test_ip4("10.213.0.200"));
}

/* Records of the inventory never expire, however old their lease. */
static void inventory_never_expires(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct rb_mac_key key = rb_mac_key_of(mac3);
	struct rb_device rec = { .ipv4 = test_ip4("10.213.0.10"), .lease_ns = 1,
				 .client_arch = RB_ARCH_ANY };

	/* Outside the pool ranges, so not a pool device's record. */
	assert_int_equal(bpf_map_update_elem(f->devices_fd, &key, &rec, BPF_NOEXIST), 0);
	rb_dhcp4_server_pool_expire(f->srv, UINT64_MAX / 2);
	assert_int_equal(record_addr(f, mac3), test_ip4("10.213.0.10"));
}

/* An INFORM from mac1 at ciaddr asking for options 1, 51 and 58. */
static struct test_dhcp4_req inform_req(const char *ciaddr)
{
	static const uint8_t opts[] = { 53, 1, 8, 55, 3, 1, 51, 58, 255 };
	struct test_dhcp4_req r = {
		.xid = 0x1005, .ciaddr = test_ip4(ciaddr), .ip_src = test_ip4(ciaddr),
		.opts = opts, .opts_len = sizeof(opts),
	};

	memcpy(r.mac, mac1, 6);
	return r;
}

/* The ACK to an INFORM: no yiaddr, no lease options, sent to ciaddr. */
static void inform_reply_content(void **state)
{
	static struct rb_dhcp4_work work;
	struct test_dhcp4_fixture *f = *state;
	struct test_dhcp4_req r = inform_req("10.213.0.50");
	_Alignas(8) uint8_t frame[2048], reply[TEST_DHCP4_OFF + RB_DHCP4_MAX_LEN];
	const struct rb_dhcp4_template *tmpl;
	struct rb_dhcp4_templates t;
	struct rb_dhcp4_answer ans;
	size_t len = test_dhcp4_frame(&r, frame, sizeof(frame));
	const uint8_t *opt;

	assert_int_equal(rb_dhcp4_templates_build(f->cfg, &t), 0);
	tmpl = &t.items[t.pool_template[0]];
	/* The template has a lease time, so the normal ACK would carry option 51. */
	assert_int_not_equal(tmpl->opt_off[RB_OPT_LEASE_TIME], 0);

	assert_int_equal(rb_dhcp4_load(&work, frame + TEST_DHCP4_OFF, len - TEST_DHCP4_OFF),
			 RB_D4_OK);
	assert_int_equal(rb_dhcp4_answer_inform(&work, tmpl, 1500, &ans), 0);
	assert_int_equal(ans.reply_type, RB_DHCPACK);
	assert_int_equal(ans.dst_ip, test_ip4("10.213.0.50"));
	assert_int_equal(ans.broadcast, 0);
	assert_int_equal(ans.relayed, 0);
	assert_int_equal(ans.src_ip, test_ip4("10.213.0.1"));

	memset(reply, 0, sizeof(reply));
	memcpy(reply + TEST_DHCP4_OFF, work.out.b, ans.len);
	assert_int_equal(rb_dhcp4_get_addr(&work.out, RB_BOOTP_YIADDR), 0);
	assert_int_equal(rb_dhcp4_get_addr(&work.out, RB_BOOTP_SIADDR), 0);
	assert_int_equal(rb_dhcp4_get_addr(&work.out, RB_BOOTP_CIADDR), test_ip4("10.213.0.50"));
	assert_int_equal(work.out.b[RB_BOOTP_FILE], 0);

	len = TEST_DHCP4_OFF + ans.len;
	opt = test_dhcp4_find_option(reply, len, RB_OPT_MSG_TYPE);
	assert_non_null(opt);
	assert_int_equal(opt[2], RB_DHCPACK);
	assert_non_null(test_dhcp4_find_option(reply, len, RB_OPT_SERVER_ID));
	assert_non_null(test_dhcp4_find_option(reply, len, RB_OPT_SUBNET_MASK));
	assert_null(test_dhcp4_find_option(reply, len, RB_OPT_LEASE_TIME));
	assert_null(test_dhcp4_find_option(reply, len, RB_OPT_RENEWAL_TIME));
	assert_null(test_dhcp4_find_option(reply, len, RB_OPT_REBINDING_TIME));
	rb_dhcp4_templates_free(&t);
}

/* An INFORM from an unknown MAC in the subnet gets an ACK and adds no record. */
static void inform_unknown_mac(void **state)
{
	struct test_dhcp4_fixture *f = *state;
	struct test_dhcp4_req inside = inform_req("10.213.0.50");
	struct test_dhcp4_req outside = inform_req("192.0.2.50");

	test_dhcp4_fixture_handle(f, &inside);
	assert_int_equal(f->counters[RB_UC_TX_ACK], 1);
	assert_int_equal(f->counters[RB_UC_SEND_FAILED], 0);
	assert_int_equal(record_addr(f, mac1), 0);

	test_dhcp4_fixture_handle(f, &outside);
	assert_int_equal(f->counters[RB_UC_TX_ACK], 1);
	assert_int_equal(f->counters[RB_UC_IGNORED_OTHER], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(discover_adds_record, setup, teardown),
		cmocka_unit_test_setup_teardown(exhausted_pool_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(decline_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(release_other_address_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(restart_keeps_records, setup, teardown),
		cmocka_unit_test_setup_teardown(lease_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(offer_hold_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(inventory_never_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(inform_reply_content, setup, teardown),
		cmocka_unit_test_setup_teardown(inform_unknown_mac, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
