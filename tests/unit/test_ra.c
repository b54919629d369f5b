// SPDX-License-Identifier: MIT
/*
 * Router Advertisement encoder bytes, the unsolicited schedule of
 * RFC 4861 6.2.4, and the sender driven by a test clock with its socket
 * replaced by a recording hook.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ra/ra_schedule.h"
#include "ra/ra_sender.h"
#include "ra/ra_template.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static struct in6_addr addr6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

/* M and O set, MTU 1500, one prefix and one RDNSS address. */
static void example_cfg(struct rb_cfg_ra *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->interface, "lo");
	cfg->min_interval_ms = 200000;
	cfg->max_interval_ms = 600000;
	cfg->router_lifetime = 1800;
	cfg->reachable_time = 30000;
	cfg->retrans_timer = 1000;
	cfg->cur_hop_limit = 64;
	cfg->managed = true;
	cfg->other = true;
	cfg->mtu = 1500;
	cfg->prefixes[0] = (struct rb_cfg_ra_prefix){ .prefix = addr6("fd00:213::"), .prefix_len = 64,
						      .on_link = true, .autonomous = false,
						      .valid_lifetime = 2592000,
						      .preferred_lifetime = 604800 };
	cfg->n_prefixes = 1;
	cfg->rdnss.addr[0] = addr6("fd00:213::1");
	cfg->rdnss.count = 1;
	cfg->rdnss_lifetime = 1800;
}

static void test_encode_full(void **state)
{
	static const uint8_t expected[] = {
		/* RA header: type 134, code 0, checksum 0, hop limit 64, M|O, lifetime 1800 */
		134, 0, 0, 0, 64, 0xc0, 0x07, 0x08,
		0x00, 0x00, 0x75, 0x30,		/* reachable time 30000 ms */
		0x00, 0x00, 0x03, 0xe8,		/* retrans timer 1000 ms */
		/* source link-layer address */
		1, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		/* MTU 1500 */
		5, 1, 0, 0, 0x00, 0x00, 0x05, 0xdc,
		/* prefix information: /64, L only, valid 2592000, preferred 604800 */
		3, 4, 64, 0x80, 0x00, 0x27, 0x8d, 0x00,
		0x00, 0x09, 0x3a, 0x80, 0, 0, 0, 0,
		0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* RDNSS: length 3, lifetime 1800, fd00:213::1 */
		25, 3, 0, 0, 0x00, 0x00, 0x07, 0x08,
		0xfd, 0x00, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct rb_cfg_ra cfg;
	uint8_t out[RB_RA_BODY_MAX];

	example_cfg(&cfg);
	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out)), sizeof(expected));
	assert_memory_equal(out, expected, sizeof(expected));
	(void)state;
}

/* No MTU, no RDNSS, no flags: the header and the source link-layer option only. */
static void test_encode_minimal(void **state)
{
	struct rb_cfg_ra cfg = { 0 };
	uint8_t out[RB_RA_BODY_MAX];

	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out)),
			 RB_RA_HDR_LEN + RB_ND_OPT_SOURCE_LL_LEN);
	assert_int_equal(out[RB_RA_TYPE], RB_ND_ROUTER_ADVERT);
	assert_int_equal(out[RB_RA_FLAGS], 0);
	assert_int_equal(out[RB_RA_ROUTER_LIFETIME] | out[RB_RA_ROUTER_LIFETIME + 1], 0);
	assert_int_equal(out[RB_RA_HDR_LEN], RB_ND_OPT_SOURCE_LL);
	(void)state;
}

/* A /48 with stray host bits goes out with them cleared, and with A but not L. */
static void test_encode_prefix_bits(void **state)
{
	struct rb_cfg_ra cfg = { 0 };
	uint8_t out[RB_RA_BODY_MAX];
	const uint8_t *pio = out + RB_RA_HDR_LEN + RB_ND_OPT_SOURCE_LL_LEN;
	const uint8_t want[16] = { 0xfd, 0x00, 0x02, 0x13, 0x00, 0x01 };

	cfg.prefixes[0] = (struct rb_cfg_ra_prefix){ .prefix = addr6("fd00:213:1:ffff::1"),
						     .prefix_len = 48, .autonomous = true,
						     .valid_lifetime = 0xffffffff };
	cfg.n_prefixes = 1;
	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out)), 56);
	assert_int_equal(pio[2], 48);
	assert_int_equal(pio[3], RB_PIO_F_AUTONOMOUS);
	assert_memory_equal(pio + 4, "\xff\xff\xff\xff", 4);
	assert_memory_equal(pio + 16, want, 16);
	(void)state;
}

/* Every list at its maximum fills the template body exactly. */
static void test_encode_largest(void **state)
{
	struct rb_cfg_ra cfg;
	uint8_t out[RB_RA_BODY_MAX];

	example_cfg(&cfg);
	for (int i = 0; i < RB_CFG_RA_PREFIXES_MAX; i++)
		cfg.prefixes[i] = cfg.prefixes[0];
	cfg.n_prefixes = RB_CFG_RA_PREFIXES_MAX;
	for (int i = 0; i < RB_CFG_ADDRS_MAX; i++)
		cfg.rdnss.addr[i] = cfg.rdnss.addr[0];
	cfg.rdnss.count = RB_CFG_ADDRS_MAX;

	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out)), RB_RA_BODY_MAX);
	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out) - 8), -ENOSPC);
	cfg.n_prefixes = RB_RA_PREFIXES_MAX + 1;
	assert_int_equal(rb_ra_body_encode(&cfg, mac, out, sizeof(out)), -EINVAL);
	(void)state;
}

static void test_template_fill(void **state)
{
	struct in6_addr ll = addr6("fe80::1");
	struct rb_ra_template t;
	struct rb_cfg_ra cfg;

	example_cfg(&cfg);
	assert_int_equal(rb_ra_template_fill(&cfg, mac, &ll, &t), 0);
	assert_int_equal(t.body_len, 88);
	assert_int_equal(t.body_len % 8, 0);
	assert_memory_equal(t.mac, mac, 6);
	assert_memory_equal(t.src_addr, &ll, 16);
	assert_int_equal(t.reply_rate, RB_RA_REPLY_RATE);
	assert_int_equal(t.reply_burst, RB_RA_REPLY_BURST);
	assert_int_equal(t.bucket_ns, 0);

	rb_ra_body_set_router_lifetime(t.body, 0);
	assert_int_equal(t.body[RB_RA_ROUTER_LIFETIME] | t.body[RB_RA_ROUTER_LIFETIME + 1], 0);
	(void)state;
}

/* 600 s max interval: the gaps after the first and second RA are 16 s at most. */
static void test_schedule_initial_cap(void **state)
{
	struct rb_ra_schedule s;

	rb_ra_schedule_start(&s, 200000, 600000, 1000);
	assert_true(rb_ra_schedule_due(&s, 1000));
	assert_int_equal(rb_ra_schedule_sent(&s, 1000, 300000), 16000);
	assert_false(rb_ra_schedule_due(&s, 16999));
	assert_true(rb_ra_schedule_due(&s, 17000));
	assert_int_equal(rb_ra_schedule_sent(&s, 17000, 0xffffffff), 16000);
	assert_int_equal(s.next_ms, 33000);

	/* After the third RA the full interval applies: min + random % (max - min + 1). */
	assert_int_equal(rb_ra_schedule_sent(&s, 33000, 300000), 200000 + 300000);
	assert_int_equal(s.next_ms, 533000);
	assert_int_equal(rb_ra_schedule_sent(&s, 533000, 0), 200000);
	(void)state;
}

/* Intervals below the cap stay random within [min, max]. */
static void test_schedule_bounds(void **state)
{
	struct rb_ra_schedule s;
	uint32_t seed = 12345;

	rb_ra_schedule_start(&s, 4000, 10000, 0);
	for (int i = 0; i < 1000; i++) {
		uint32_t interval;

		seed = seed * 1103515245 + 12345;
		interval = rb_ra_schedule_sent(&s, s.next_ms, seed);
		assert_in_range(interval, 4000, 10000);
	}
	assert_int_equal(rb_ra_schedule_sent(&s, 0, 6000), 10000);
	assert_int_equal(rb_ra_schedule_sent(&s, 0, 6001), 4000);

	/* A minimum above the maximum is taken as the maximum. */
	rb_ra_schedule_start(&s, 20000, 10000, 0);
	assert_int_equal(rb_ra_schedule_sent(&s, 0, 777), 10000);
	(void)state;
}

/* What the sender's send hook recorded. */
struct recorder {
	int sends;
	int fail_next;		/* sends still to fail */
	uint64_t times[16];
	uint16_t lifetimes[16];
	uint64_t *clock;
};

static int record_send(void *arg, int ifindex, const uint8_t *body, size_t len)
{
	struct recorder *r = arg;

	assert_int_equal(ifindex, 1);
	assert_true(len >= RB_RA_HDR_LEN);
	if (r->fail_next > 0) {
		r->fail_next--;
		return -EADDRNOTAVAIL;
	}
	assert_true(r->sends < 16);
	r->times[r->sends] = *r->clock;
	r->lifetimes[r->sends] = (uint16_t)(body[RB_RA_ROUTER_LIFETIME] << 8 |
					    body[RB_RA_ROUTER_LIFETIME + 1]);
	r->sends++;
	return 0;
}

/* With the 30 to 60 s of sender_config(), every interval is 60 s, capped to 16 s at first. */
static uint32_t random_max(void *arg)
{
	(void)arg;
	return 60000 - 30000;
}

static void sender_config(struct rb_config *cfg, struct rb_cfg_ra *ra)
{
	memset(cfg, 0, sizeof(*cfg));
	example_cfg(ra);
	ra->min_interval_ms = 30000;
	ra->max_interval_ms = 60000;
	cfg->ras = ra;
	cfg->n_ras = 1;
}

/*
 * Ticks once a second for 200 s.  RAs go out at 0, 16 and 32 s (the
 * capped initial gaps), then every 60 s.  The stop sends the final RA
 * with router lifetime 0.
 */
static void test_sender_clock(void **state)
{
	uint64_t now = 5000;
	struct recorder r = { .clock = &now };
	struct rb_ra_sender_hooks hooks = { .send = record_send, .random = random_max, .arg = &r };
	struct rb_ra_sender *s;
	struct rb_cfg_ra ra;
	struct rb_config cfg;

	sender_config(&cfg, &ra);
	assert_int_equal(rb_ra_sender_new(&cfg, &hooks, now, &s), 0);
	assert_non_null(s);
	for (; now <= 205000; now += 1000)
		rb_ra_sender_tick(s, now);

	assert_int_equal(r.sends, 5);
	assert_int_equal(r.times[0], 5000);
	assert_int_equal(r.times[1], 21000);
	assert_int_equal(r.times[2], 37000);
	assert_int_equal(r.times[3], 97000);
	assert_int_equal(r.times[4], 157000);
	assert_int_equal(r.lifetimes[4], 1800);

	rb_ra_sender_stop(s);
	assert_int_equal(r.sends, 6);
	assert_int_equal(r.lifetimes[5], 0);
	rb_ra_sender_tick(s, now + 120000);
	assert_int_equal(r.sends, 6);
	assert_int_equal(rb_ra_sender_stats(s)->sent, 6);
	rb_ra_sender_free(s);
	(void)state;
}

/*
 * Failed sends are retried after 1, 2 and 4 s, and a zero router
 * lifetime needs no final RA.
 */
static void test_sender_retry_and_no_final(void **state)
{
	uint64_t now = 0;
	struct recorder r = { .clock = &now, .fail_next = 3 };
	struct rb_ra_sender_hooks hooks = { .send = record_send, .random = random_max, .arg = &r };
	struct rb_ra_sender *s;
	struct rb_cfg_ra ra;
	struct rb_config cfg;

	sender_config(&cfg, &ra);
	ra.router_lifetime = 0;
	assert_int_equal(rb_ra_sender_new(&cfg, &hooks, now, &s), 0);
	for (; now <= 10000; now += 500)
		rb_ra_sender_tick(s, now);

	assert_int_equal(r.sends, 1);
	assert_int_equal(r.times[0], 7000);
	assert_int_equal(rb_ra_sender_stats(s)->failed, 3);

	rb_ra_sender_stop(s);
	assert_int_equal(r.sends, 1);
	rb_ra_sender_free(s);
	(void)state;
}

static void test_sender_unknown_interface(void **state)
{
	struct recorder r = { 0 };
	struct rb_ra_sender_hooks hooks = { .send = record_send, .arg = &r };
	struct rb_ra_sender *s = (struct rb_ra_sender *)&r;
	struct rb_cfg_ra ra;
	struct rb_config cfg;

	sender_config(&cfg, &ra);
	strcpy(ra.interface, "rb-no-such0");
	assert_int_equal(rb_ra_sender_new(&cfg, &hooks, 0, &s), -ENODEV);
	assert_null(s);

	cfg.n_ras = 0;
	assert_int_equal(rb_ra_sender_new(&cfg, &hooks, 0, &s), 0);
	assert_null(s);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_full),
		cmocka_unit_test(test_encode_minimal),
		cmocka_unit_test(test_encode_prefix_bits),
		cmocka_unit_test(test_encode_largest),
		cmocka_unit_test(test_template_fill),
		cmocka_unit_test(test_schedule_initial_cap),
		cmocka_unit_test(test_schedule_bounds),
		cmocka_unit_test(test_sender_clock),
		cmocka_unit_test(test_sender_retry_and_no_final),
		cmocka_unit_test(test_sender_unknown_interface),
	};

	return cmocka_run_group_tests_name("ra", tests, NULL, NULL);
}
