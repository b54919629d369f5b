// SPDX-License-Identifier: MIT
/*
 * The DHCPv4 codec's option overload (option 52), boot file names longer
 * than the file field, and the DHCPREQUEST table of authoritative and
 * non-authoritative subnets.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp4/answer.h"
#include "dhcp4/template.h"
#include "lib/dhcp4_pkt.h"

static struct rb_dhcp4_work work;

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* A BOOTREQUEST of 300 bytes or more, opts after the cookie. */
static size_t make_msg(uint8_t *m, size_t size, const uint8_t *opts, size_t opts_len)
{
	return test_dhcp4_msg(m, size, opts, opts_len, 300);
}

static void make_subnet(struct rb_cfg_subnet *sn)
{
	memset(sn, 0, sizeof(*sn));
	strcpy(sn->name, "t");
	sn->prefix_len = 24;
	sn->server_id = inet_addr("10.0.0.1");
	sn->lease_time = 600;
	sn->renewal_time = 300;
	sn->rebinding_time = 525;
}

/* A profile with one boot file name of len bytes of 'f'. */
static void make_profile(struct rb_cfg_profile *pf, size_t len)
{
	memset(pf, 0, sizeof(*pf));
	strcpy(pf->name, "p");
	pf->n_bootfiles = 1;
	pf->bootfiles[0].arch = RB_ARCH_ANY;
	memset(pf->bootfiles[0].file, 'f', len);
}

/* A subnet with two 100-byte names: with a host name, more than a 576-byte reply holds. */
static void make_big_template(struct rb_dhcp4_template *t, size_t bootfile_len)
{
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf;

	make_subnet(&sn);
	memset(sn.domain_name, 'd', 100);
	memset(sn.tftp_server_name, 't', 100);
	make_profile(&pf, bootfile_len);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, t), 0);
}

/* Option 52 moves options into file and sname; parse reads all three fields. */
static void test_parse_overload_fields(void **state)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg), OPTS(53, 1, 3, 52, 1, 3, 50, 4, 10, 0, 0, 8, 255));

	memcpy(&msg[RB_BOOTP_FILE], (const uint8_t[]){ 50, 4, 10, 0, 0, 9, 57, 2, 0x05, 0xdc, 255 },
	       11);
	memcpy(&msg[RB_BOOTP_SNAME], (const uint8_t[]){ 54, 4, 10, 0, 0, 1, 0, 0, 255 }, 9);

	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(work.req.has_overload, 3);
	assert_int_equal(work.req.msg_type, RB_DHCPREQUEST);
	/* The file field comes after the options field, so its option 50 wins. */
	assert_int_equal(work.req.requested_ip, inet_addr("10.0.0.9"));
	assert_int_equal(work.req.max_msg_size, 1500);
	assert_int_equal(work.req.server_id, inet_addr("10.0.0.1"));
	(void)state;
}

/* Only the fields option 52 names are read. */
static void test_parse_overload_sname_only(void **state)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 52, 1, 2, 255));

	memcpy(&msg[RB_BOOTP_FILE], "pxelinux.0", 10);
	memcpy(&msg[RB_BOOTP_SNAME], (const uint8_t[]){ 93, 2, 0, 7, 255 }, 5);

	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(work.req.has_overload, RB_OVERLOAD_SNAME);
	assert_int_equal(work.req.has_client_arch, 1);
	assert_int_equal(work.req.client_arch, 7);
	(void)state;
}

struct overload_case {
	const char *name;
	uint8_t overload;			/* option 52 value */
	const uint8_t *field;			/* bytes written at the start of file */
	size_t field_len;
	int expect;
};

static const struct overload_case overload_cases[] = {
	{ "file without end option", 1, OPTS(12, 2, 'a', 'b'), RB_D4_ENOEND },
	{ "file of pad bytes only", 1, OPTS(0, 0, 0, 0, 0, 0, 0, 0), RB_D4_ENOEND },
	{ "file option 52 ignored", 1, OPTS(52, 1, 2, 255), RB_D4_OK },
	{ "file option of length 0", 1, OPTS(53, 0, 255), RB_D4_EBADLEN },
	{ "option 52 value 0", 0, OPTS(255), RB_D4_EBADLEN },
	{ "option 52 value 4", 4, OPTS(255), RB_D4_EBADLEN },
};

static void test_parse_overload_errors(void **state)
{
	for (size_t i = 0; i < sizeof(overload_cases) / sizeof(overload_cases[0]); i++) {
		const struct overload_case *c = &overload_cases[i];
		uint8_t msg[512];
		size_t len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 52, 1, 0, 255));

		msg[RB_DHCP4_OPTS_OFF + 5] = c->overload;
		memcpy(&msg[RB_BOOTP_FILE], c->field, c->field_len);
		print_message("# overload: %s\n", c->name);
		assert_int_equal(rb_dhcp4_load(&work, msg, len), c->expect);
	}
	(void)state;
}

/* An option in the file field may not run into the cookie. */
static void test_parse_overload_crossing(void **state)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 52, 1, 1, 255));

	msg[RB_BOOTP_FILE + 120] = 12;
	msg[RB_BOOTP_FILE + 121] = 10;
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_EOPTION);
	(void)state;
}

/*
 * Append the option TLVs of the message in out to tlv, reading the
 * fields in the order RFC 2131 section 4.1 gives; option 52 is left out.
 * Returns the bytes appended.
 */
static size_t read_field(const uint8_t *m, size_t start, size_t end, uint8_t *tlv, size_t used)
{
	size_t pos = start;

	while (pos < end && m[pos] != RB_OPT_END) {
		size_t size;

		if (m[pos] == RB_OPT_PAD) {
			pos++;
			continue;
		}
		assert_true(pos + 2 <= end);
		size = 2 + m[pos + 1];
		assert_true(pos + size <= end);
		if (m[pos] != RB_OPT_OVERLOAD) {
			memcpy(&tlv[used], &m[pos], size);
			used += size;
		}
		pos += size;
	}
	assert_true(pos < end);		/* every field ends with the end option */
	return used;
}

static size_t read_all_options(const uint8_t *m, size_t len, uint8_t *tlv)
{
	size_t used = read_field(m, RB_DHCP4_OPTS_OFF, len, tlv, 0);
	uint8_t overload = 0;

	for (size_t pos = RB_DHCP4_OPTS_OFF; pos + 2 < len && m[pos] != RB_OPT_END;)
		if (m[pos] == RB_OPT_PAD) {
			pos++;
		} else {
			if (m[pos] == RB_OPT_OVERLOAD)
				overload = m[pos + 2];
			pos += 2 + m[pos + 1];
		}

	if (overload & RB_OVERLOAD_FILE)
		used = read_field(m, RB_BOOTP_FILE, RB_BOOTP_FILE + RB_BOOTP_FILE_LEN, tlv, used);
	if (overload & RB_OVERLOAD_SNAME)
		used = read_field(m, RB_BOOTP_SNAME, RB_BOOTP_SNAME + RB_BOOTP_SNAME_LEN, tlv, used);
	return used;
}

/* The option 52 value of the message, 0 when it has none. */
static uint8_t overload_value(const uint8_t *m, size_t len)
{
	for (size_t pos = RB_DHCP4_OPTS_OFF; pos + 2 < len && m[pos] != RB_OPT_END;) {
		if (m[pos] == RB_OPT_PAD) {
			pos++;
			continue;
		}
		if (m[pos] == RB_OPT_OVERLOAD)
			return m[pos + 2];
		pos += 2 + m[pos + 1];
	}
	return 0;
}

/* The request for the round trips: many options asked for, 576-byte limit. */
static void load_big_request(void)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg),
			      OPTS(53, 1, 1, 55, 6, 1, 15, 66, 67, 12, 6,
				   61, 7, 1, 0x52, 0, 0, 0, 0, 1,
				   82, 6, 1, 4, 'p', 'o', 'r', 't', 255));

	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
}

/* Check that every TLV of want is in got once, whatever the order. */
static void assert_same_options(const uint8_t *got, size_t n_got, const uint8_t *want, size_t n_want)
{
	assert_int_equal(n_got, n_want);
	for (size_t w = 0; w < n_want; w += 2 + want[w + 1]) {
		size_t size = 2 + want[w + 1], found = 0;

		for (size_t g = 0; g < n_got; g += 2 + got[g + 1])
			if (got[g + 1] + 2u == size && memcmp(&got[g], &want[w], size) == 0)
				found++;
		if (found != 1)
			print_message("# option %u found %zu times\n", want[w], found);
		assert_int_equal(found, 1);
	}
}

/*
 * A reply too big for 576 bytes: XDP's build passes it up; rackbootd's
 * answer fits, carries option 52, and holds every option of the build
 * without a limit, with option 82 last.
 */
static void test_overload_round_trip(void **state)
{
	static uint8_t full[RB_DHCP4_BUF_LEN], tlv_full[RB_DHCP4_BUF_LEN], tlv_got[RB_DHCP4_BUF_LEN];
	struct rb_dhcp4_template t;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9"), .hostname_len = 63 };
	struct rb_dhcp4_answer ans;
	size_t n_full, n_got;
	int len;

	make_big_template(&t, 20);
	memset(dev.hostname, 'h', 63);
	load_big_request();

	/* XDP leaves args.flags at 0. */
	work.dev = dev;
	work.args = (struct rb_dhcp4_build_args){ .reply_type = RB_DHCPOFFER, .mtu = 1500,
						  .bootfile = 0 };
	assert_int_equal(rb_dhcp4_build(&work, &t), RB_D4_BUILD_PASS_UP);

	work.args.flags = RB_D4_BUILD_SLOW_PATH | RB_D4_BUILD_NO_LIMIT;
	len = rb_dhcp4_build(&work, &t);
	assert_true(len > 576 - 28);
	memcpy(full, work.out.b, (size_t)len);
	n_full = read_all_options(full, (size_t)len, tlv_full);

	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_int_equal(ans.reply_type, RB_DHCPOFFER);
	assert_true(ans.len <= 576 - 28);
	assert_int_equal(overload_value(work.out.b, ans.len), RB_OVERLOAD_FILE);

	n_got = read_all_options(work.out.b, ans.len, tlv_got);
	assert_same_options(tlv_got, n_got, tlv_full, n_full);
	/* Option 53 stays first. */
	assert_int_equal(work.out.b[RB_DHCP4_OPTS_OFF], RB_OPT_MSG_TYPE);
	/* Option 82 is the last option read (RFC 3046 section 2.1). */
	assert_int_equal(tlv_got[n_got - 8], RB_OPT_RELAY_AGENT);
	/* The header is unchanged outside the fields holding options. */
	assert_memory_equal(work.out.b, full, RB_BOOTP_SNAME);
	(void)state;
}

/* The reply of the round trip parses back, as a request, to the same options. */
static void test_overload_parses_back(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9"), .hostname_len = 63 };
	struct rb_dhcp4_answer ans;
	uint8_t msg[RB_DHCP4_BUF_LEN];

	make_big_template(&t, 20);
	memset(dev.hostname, 'h', 63);
	load_big_request();
	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_int_not_equal(overload_value(work.out.b, ans.len), 0);

	memcpy(msg, work.out.b, ans.len);
	msg[RB_BOOTP_OP] = RB_BOOTREQUEST;
	assert_int_equal(rb_dhcp4_load(&work, msg, ans.len), RB_D4_OK);
	assert_int_equal(work.req.msg_type, RB_DHCPOFFER);
	assert_int_equal(work.req.server_id, inet_addr("10.0.0.1"));
	assert_int_equal(work.req.relay_len, 6);
	assert_int_equal(work.req.client_id_len, 7);
	assert_int_equal(work.in.b[work.req.relay_off], 1);
	(void)state;
}

/* A boot file name in the file field, not asked for in option 55, keeps the field out of use. */
static void test_overload_keeps_file_name(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9"), .hostname_len = 63 };
	struct rb_dhcp4_answer ans;
	uint8_t msg[512];
	size_t len;

	make_big_template(&t, 20);
	memset(dev.hostname, 'h', 63);
	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 55, 4, 1, 15, 66, 12,
					      61, 7, 1, 0x52, 0, 0, 0, 0, 1,
					      82, 6, 1, 4, 'p', 'o', 'r', 't', 255));
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);

	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_true(ans.len <= 576 - 28);
	assert_int_equal(overload_value(work.out.b, ans.len), RB_OVERLOAD_SNAME);
	assert_memory_equal(&work.out.b[RB_BOOTP_FILE], "ffffffffffffffffffff\0", 21);
	(void)state;
}

/* Options that fit nowhere are left out, as before option overload. */
static void test_overload_too_much(void **state)
{
	struct rb_dhcp4_buf out;

	memset(&out, 0, sizeof(out));
	for (int i = 0; i < 5; i++) {
		out.b[RB_DHCP4_OPTS_OFF + i * 257] = 12;
		out.b[RB_DHCP4_OPTS_OFF + i * 257 + 1] = 255;
	}
	out.b[RB_DHCP4_OPTS_OFF + 5 * 257] = RB_OPT_END;
	assert_int_equal(rb_dhcp4_overload(&out, RB_DHCP4_OPTS_OFF + 5 * 257 + 1, 548), -1);
	(void)state;
}

/* A reply that fits is the same bytes from XDP's build and from rackbootd. */
static void test_no_overload_same_bytes(void **state)
{
	static uint8_t xdp[RB_DHCP4_BUF_LEN];
	struct rb_dhcp4_template t;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9") };
	struct rb_dhcp4_answer ans;
	uint8_t msg[512];
	size_t len;
	int xdp_len;

	make_big_template(&t, 20);
	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 55, 3, 1, 3, 67, 255));
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);

	work.dev = dev;
	work.args = (struct rb_dhcp4_build_args){ .reply_type = RB_DHCPOFFER, .mtu = 1500,
						  .bootfile = 0 };
	xdp_len = rb_dhcp4_build(&work, &t);
	assert_true(xdp_len > 0);
	memcpy(xdp, work.out.b, (size_t)xdp_len);

	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_int_equal(ans.len, xdp_len);
	assert_memory_equal(work.out.b, xdp, (size_t)xdp_len);
	assert_int_equal(overload_value(work.out.b, ans.len), 0);
	(void)state;
}

/* The offset of option code's payload in the options field, 0 when absent. */
static size_t find_option(const uint8_t *m, size_t len, uint8_t code)
{
	for (size_t pos = RB_DHCP4_OPTS_OFF; pos + 2 < len && m[pos] != RB_OPT_END;) {
		if (m[pos] == RB_OPT_PAD) {
			pos++;
			continue;
		}
		if (m[pos] == code)
			return pos + 2;
		pos += 2 + m[pos + 1];
	}
	return 0;
}

/* A 200-byte name: XDP passes up, rackbootd sends option 67 and an empty file field. */
static void test_long_bootfile(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9") };
	struct rb_dhcp4_answer ans;
	uint8_t msg[512], name[255];
	size_t len, off;

	make_subnet(&sn);
	make_profile(&pf, 200);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.bootfiles[0].len, 200);

	/* Option 55 does not ask for 67: a long name is sent anyway. */
	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 55, 2, 1, 3, 255));
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	work.dev = dev;
	work.args = (struct rb_dhcp4_build_args){ .reply_type = RB_DHCPOFFER, .mtu = 1500,
						  .bootfile = 0 };
	assert_int_equal(rb_dhcp4_build(&work, &t), RB_D4_BUILD_PASS_UP);

	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_int_equal(ans.reply_type, RB_DHCPOFFER);
	memset(name, 'f', sizeof(name));
	off = find_option(work.out.b, ans.len, RB_OPT_BOOTFILE);
	assert_int_not_equal(off, 0);
	assert_int_equal(work.out.b[off - 1], 200);
	assert_memory_equal(&work.out.b[off], name, 200);
	assert_int_equal(work.out.b[RB_BOOTP_FILE], 0);

	/* A NAK has no boot file, so XDP builds it. */
	work.args = (struct rb_dhcp4_build_args){ .reply_type = RB_DHCPNAK, .mtu = 1500,
						  .bootfile = 0 };
	assert_true(rb_dhcp4_build(&work, &t) > 0);
	(void)state;
}

/* A 127-byte name still fits the file field, and XDP builds the reply. */
static void test_bootfile_127(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf;
	uint8_t msg[512];
	size_t len;

	make_subnet(&sn);
	make_profile(&pf, 127);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 55, 1, 67, 255));
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);

	work.dev = (struct rb_device){ .ipv4 = inet_addr("10.0.0.9") };
	work.args = (struct rb_dhcp4_build_args){ .reply_type = RB_DHCPOFFER, .mtu = 1500,
						  .bootfile = 0 };
	assert_true(rb_dhcp4_build(&work, &t) > 0);
	assert_int_equal(work.out.b[RB_BOOTP_FILE + 126], 'f');
	assert_int_equal(work.out.b[RB_BOOTP_FILE + 127], 0);
	assert_int_not_equal(find_option(work.out.b, RB_DHCP4_MAX_LEN, RB_OPT_BOOTFILE), 0);
	(void)state;
}

/* A 255-byte name, the longest option 67, with overload into the file field. */
static void test_bootfile_255_overload(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf;
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9"), .hostname_len = 63 };
	struct rb_dhcp4_answer ans;
	uint8_t tlv[RB_DHCP4_BUF_LEN];
	size_t n;

	make_subnet(&sn);
	make_profile(&pf, 255);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	memset(dev.hostname, 'h', 63);
	load_big_request();
	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_true(ans.len <= 576 - 28);
	assert_int_not_equal(overload_value(work.out.b, ans.len), 0);

	/* Option 67 with all 255 bytes is among the options read back. */
	n = read_all_options(work.out.b, ans.len, tlv);
	for (size_t pos = 0; pos < n; pos += 2 + tlv[pos + 1]) {
		if (tlv[pos] != RB_OPT_BOOTFILE)
			continue;
		assert_int_equal(tlv[pos + 1], 255);
		(void)state;
		return;
	}
	fail_msg("option 67 missing from the overloaded reply");
}

struct request_case {
	const char *name;
	uint32_t server_id;		/* option 54, 0: absent */
	uint32_t requested;		/* option 50, 0: absent */
	uint32_t ciaddr;
	uint32_t held;			/* dev.ipv4; 0: no record */
	int authoritative;
	int expect;
};

#define US	0x0100000aU		/* 10.0.0.1 in network order */
#define OTHER	0x6300000aU		/* 10.0.0.99 */
#define A9	0x0900000aU		/* 10.0.0.9 */
#define A8	0x0800000aU		/* 10.0.0.8 */

/* RFC 2131 section 4.3.2, per REQUEST state; see rb_dhcp4_decide(). */
static const struct request_case request_cases[] = {
	{ "selecting, held", US, A9, 0, A9, 1, RB_DHCPACK },
	{ "selecting, not held", US, A8, 0, A9, 1, RB_DHCPNAK },
	{ "selecting, not held, not authoritative", US, A8, 0, A9, 0, RB_DHCPNAK },
	{ "selecting, no record, not authoritative", US, A8, 0, 0, 0, RB_DHCPNAK },
	{ "selecting another server", OTHER, A9, 0, A9, 1, RB_D4_V_IGNORE },
	{ "selecting another server, no record", OTHER, A9, 0, 0, 1, RB_D4_V_IGNORE },
	{ "init-reboot, held", 0, A9, 0, A9, 1, RB_DHCPACK },
	{ "init-reboot, held, not authoritative", 0, A9, 0, A9, 0, RB_DHCPACK },
	{ "init-reboot, not held", 0, A8, 0, A9, 1, RB_DHCPNAK },
	{ "init-reboot, not held, not authoritative", 0, A8, 0, A9, 0, RB_D4_V_IGNORE },
	{ "init-reboot, no record", 0, A8, 0, 0, 1, RB_DHCPNAK },
	{ "init-reboot, no record, not authoritative", 0, A8, 0, 0, 0, RB_D4_V_IGNORE },
	{ "renewing, held", 0, 0, A9, A9, 1, RB_DHCPACK },
	{ "renewing, held, not authoritative", 0, 0, A9, A9, 0, RB_DHCPACK },
	{ "renewing, not held", 0, 0, A8, A9, 1, RB_DHCPNAK },
	{ "renewing, not held, not authoritative", 0, 0, A8, A9, 0, RB_D4_V_IGNORE },
	{ "renewing, no record", 0, 0, A8, 0, 1, RB_DHCPNAK },
	{ "renewing, no record, not authoritative", 0, 0, A8, 0, 0, RB_D4_V_IGNORE },
	{ "neither option 50 nor ciaddr", 0, 0, 0, A9, 1, RB_D4_V_IGNORE },
	{ "option 54 alone", US, 0, 0, A9, 1, RB_D4_V_IGNORE },
};

static void test_request_table(void **state)
{
	for (size_t i = 0; i < sizeof(request_cases) / sizeof(request_cases[0]); i++) {
		const struct request_case *c = &request_cases[i];
		struct rb_dhcp4_request req = { .msg_type = RB_DHCPREQUEST,
						.server_id = c->server_id,
						.requested_ip = c->requested, .ciaddr = c->ciaddr };
		struct rb_device dev = { .ipv4 = c->held };
		struct rb_dhcp4_template t = { .server_id = US };

		if (!c->authoritative)
			t.flags = RB_TMPL_F_NOT_AUTHORITATIVE;
		print_message("# request: %s\n", c->name);
		assert_int_equal(rb_dhcp4_decide(&req, &dev, &t), c->expect);
	}
	(void)state;
}

/* The subnet's authoritative leaf reaches the template flag. */
static void test_template_authoritative(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf;

	make_subnet(&sn);
	make_profile(&pf, 5);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.flags & RB_TMPL_F_NOT_AUTHORITATIVE, 0);

	sn.not_authoritative = true;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.flags & RB_TMPL_F_NOT_AUTHORITATIVE, RB_TMPL_F_NOT_AUTHORITATIVE);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_overload_fields),
		cmocka_unit_test(test_parse_overload_sname_only),
		cmocka_unit_test(test_parse_overload_errors),
		cmocka_unit_test(test_parse_overload_crossing),
		cmocka_unit_test(test_overload_round_trip),
		cmocka_unit_test(test_overload_parses_back),
		cmocka_unit_test(test_overload_keeps_file_name),
		cmocka_unit_test(test_overload_too_much),
		cmocka_unit_test(test_no_overload_same_bytes),
		cmocka_unit_test(test_long_bootfile),
		cmocka_unit_test(test_bootfile_127),
		cmocka_unit_test(test_bootfile_255_overload),
		cmocka_unit_test(test_request_table),
		cmocka_unit_test(test_template_authoritative),
	};

	return cmocka_run_group_tests_name("dhcp4_overload", tests, NULL, NULL);
}
