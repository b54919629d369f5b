// SPDX-License-Identifier: MIT
/*
 * The DHCPv4 codec as rackbootd runs it: parse errors for malformed
 * messages, reply limits, template encoding.
 */
#include <arpa/inet.h>
#include <errno.h>
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

/* A BOOTREQUEST of len bytes (at least 240) with opts after the cookie. */
static size_t make_msg(uint8_t *m, size_t size, const uint8_t *opts, size_t opts_len, size_t len)
{
	return test_dhcp4_msg(m, size, opts, opts_len, len);
}

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

#define PAD10 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define PAD100 PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10, PAD10
#define EMPTY8 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0
#define EMPTY64 EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8
#define UUID16 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, \
	       0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f

struct parse_case {
	const char *name;
	const uint8_t *opts;
	size_t opts_len;
	size_t len;			/* message length, 0: 240 + options */
	uint8_t op, hlen;		/* 0: keep BOOTREQUEST, 6 */
	int expect;
};

static const struct parse_case parse_cases[] = {
	{ "valid DISCOVER", OPTS(53, 1, 1, 255), 300, 0, 0, RB_D4_OK },
	{ "pad before end", OPTS(0, 0, 53, 1, 1, 0, 255), 0, 0, 0, RB_D4_OK },
	{ "unknown option of length 0", OPTS(53, 1, 1, 200, 0, 255), 0, 0, 0, RB_D4_OK },
	{ "shorter than the header", OPTS(53, 1, 1, 255), 200, 0, 0, RB_D4_ESHORT },
	{ "header without options", OPTS(0), 240, 0, 0, RB_D4_ESHORT },
	{ "BOOTREPLY", OPTS(53, 1, 1, 255), 0, 2, 0, RB_D4_EOP },
	{ "hlen 17", OPTS(53, 1, 1, 255), 0, 0, 17, RB_D4_EHLEN },
	{ "length past the end", OPTS(53, 1, 1, 12, 100, 'x'), 0, 0, 0, RB_D4_EOPTION },
	{ "code without length", OPTS(53, 1, 1, 12), 0, 0, 0, RB_D4_EOPTION },
	{ "no end option", OPTS(53, 1, 1, 3, 4, 1, 2, 3, 4), 0, 0, 0, RB_D4_ENOEND },
	{ "message type length 2", OPTS(53, 2, 1, 1, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "server id length 0", OPTS(53, 1, 3, 54, 0, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "max message size length 1", OPTS(53, 1, 1, 57, 1, 2, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "user class length 0", OPTS(53, 1, 1, 77, 0, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "relay agent length 0", OPTS(53, 1, 1, 82, 0, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "machine id length 17 type 0", OPTS(53, 1, 1, 97, 17, 0, UUID16, 255), 0, 0, 0, RB_D4_OK },
	{ "machine id length 16", OPTS(53, 1, 1, 97, 16, UUID16, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "machine id length 18", OPTS(53, 1, 1, 97, 18, 0, UUID16, 0, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "machine id length 0", OPTS(53, 1, 1, 97, 0, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "machine id type 1", OPTS(53, 1, 1, 97, 17, 1, UUID16, 255), 0, 0, 0, RB_D4_EBADLEN },
	{ "longer than an Ethernet MTU", OPTS(53, 1, 1, 255), 1473, 0, 0, RB_D4_ELONG },
	{ "pad bytes only", OPTS(0), 1400, 0, 0, RB_D4_ENOEND },
	{ "1000 pad bytes then options", OPTS(PAD100, PAD100, PAD100, PAD100, PAD100, PAD100, PAD100,
					      PAD100, PAD100, PAD100, 53, 1, 1, 255), 0, 0, 0, RB_D4_OK },
	{ "256 empty options", OPTS(53, 1, 1, EMPTY64, EMPTY64, EMPTY64, EMPTY64, 255), 0, 0, 0,
	  RB_D4_ETOOMANY },
};

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		uint8_t msg[2048];
		size_t len = make_msg(msg, sizeof(msg), c->opts, c->opts_len, c->len);

		if (c->len && c->len < len)
			len = c->len;
		if (c->op)
			msg[0] = c->op;
		if (c->hlen)
			msg[2] = c->hlen;
		print_message("# parse: %s\n", c->name);
		assert_int_equal(rb_dhcp4_load(&work, msg, len), c->expect);
	}
	(void)state;
}

static void test_parse_fields(void **state)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg),
			      OPTS(53, 1, 3, 50, 4, 10, 0, 0, 7, 54, 4, 10, 0, 0, 1,
				   57, 2, 0x05, 0xdc, 93, 4, 0, 7, 0, 9,
				   77, 5, 4, 'i', 'P', 'X', 'E',
				   60, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h',
				   ':', '0', '0', '0', '0', '7', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '3',
				   '0', '0', '0',
				   55, 3, 1, 3, 6, 61, 7, 1, 0x52, 0, 0, 0, 0, 1, 255), 300);

	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(work.req.msg_type, RB_DHCPREQUEST);
	assert_int_equal(work.req.requested_ip, inet_addr("10.0.0.7"));
	assert_int_equal(work.req.server_id, inet_addr("10.0.0.1"));
	assert_int_equal(work.req.max_msg_size, 1500);
	assert_int_equal(work.req.has_client_arch, 1);
	assert_int_equal(work.req.client_arch, 7);
	assert_int_equal(work.req.is_ipxe, 1);
	assert_int_equal(work.req.is_pxeclient, 1);
	assert_int_equal(work.req.prl_len, 3);
	assert_int_equal(work.in.b[work.req.prl_off + 2], 6);
	assert_int_equal(work.req.client_id_len, 7);
	assert_int_equal(work.req.relay_len, 0);
	(void)state;
}

/* Option 60 "HTTPClient..." and a valid option 97. */
static void test_parse_http_and_uuid(void **state)
{
	uint8_t msg[512];
	size_t len = make_msg(msg, sizeof(msg),
			      OPTS(53, 1, 1, 60, 15, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't',
				   ':', 'A', 'r', 'c', 'h', 97, 17, 0, UUID16, 255), 300);

	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(work.req.is_httpclient, 1);
	assert_int_equal(work.req.is_pxeclient, 0);
	assert_int_equal(work.req.has_uuid, 1);
	assert_memory_equal(&work.in.b[work.req.uuid_off], ((const uint8_t[]){ UUID16 }), 16);

	/* "HTTPClien" is one byte short of the class. */
	len = make_msg(msg, sizeof(msg),
		       OPTS(53, 1, 1, 60, 9, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 255), 300);
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(work.req.is_httpclient, 0);
	assert_int_equal(work.req.has_uuid, 0);
	(void)state;
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

static void test_template_options(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { .n_bootfiles = 1 };
	uint16_t off;

	make_subnet(&sn);
	strcpy(pf.bootfiles[0].file, "x.efi");
	pf.bootfiles[0].arch = RB_ARCH_ANY;
	sn.dns_servers.addr[0] = inet_addr("10.0.0.2");
	sn.dns_servers.addr[1] = inet_addr("10.0.0.3");
	sn.dns_servers.count = 2;

	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.server_id, sn.server_id);
	assert_int_equal(t.siaddr, sn.server_id);	/* next server defaults to us */

	off = t.opt_off[RB_OPT_DNS];
	assert_int_not_equal(off, 0);
	assert_int_equal(t.opts[off - 1], RB_OPT_DNS);
	assert_int_equal(t.opts[off], 8);

	off = t.opt_off[RB_OPT_SUBNET_MASK];
	assert_int_not_equal(off, 0);
	assert_memory_equal(&t.opts[off + 1], "\xff\xff\xff\x00", 4);

	assert_int_equal(t.opt_off[RB_OPT_ROUTER], 0);		/* none configured */
	assert_int_equal(t.opt_off[RB_OPT_TIME_OFFSET], 0);
	assert_int_equal(t.n_bootfiles, 1);
	assert_int_equal(t.bootfiles[0].len, 5);
	(void)state;
}

static void test_template_too_long(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	memset(sn.domain_name, 'a', 250);
	memset(sn.tftp_server_name, 'b', 250);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), -ENOSPC);
	(void)state;
}

/* Fail unless the template contains exactly this option TLV. */
static void assert_tmpl_option(const struct rb_dhcp4_template *t, uint8_t code,
			       const uint8_t *tlv, size_t tlv_len)
{
	uint16_t off = t->opt_off[code];

	assert_int_not_equal(off, 0);
	assert_true(off - 1 + tlv_len <= t->opts_len);
	assert_memory_equal(&t->opts[off - 1], tlv, tlv_len);
}

static void test_template_ztp_options(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	strcpy(pf.name, "switch");
	pf.tftp_server_addrs.addr[0] = inet_addr("10.0.0.4");
	pf.tftp_server_addrs.addr[1] = inet_addr("10.0.0.5");
	pf.tftp_server_addrs.count = 2;
	memcpy(pf.vendor_info, "\x01\x03\xaa\xbb\xcc", 5);
	pf.vendor_info_len = 5;
	strcpy(pf.sztp_servers[0], "https://a.example");
	strcpy(pf.sztp_servers[1], "https://b.example:8443");
	pf.n_sztp_servers = 2;

	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_tmpl_option(&t, 150, OPTS(150, 8, 10, 0, 0, 4, 10, 0, 0, 5));
	assert_tmpl_option(&t, 43, OPTS(43, 5, 0x01, 0x03, 0xaa, 0xbb, 0xcc));
	assert_tmpl_option(&t, 143, OPTS(143, 43,
		0, 17, 'h', 't', 't', 'p', 's', ':', '/', '/', 'a', '.', 'e', 'x', 'a', 'm', 'p',
		'l', 'e',
		0, 22, 'h', 't', 't', 'p', 's', ':', '/', '/', 'b', '.', 'e', 'x', 'a', 'm', 'p',
		'l', 'e', ':', '8', '4', '4', '3'));
	(void)state;
}

/*
 * The HTTPClient class and the PXE option 43 are kept outside opt_off[],
 * and the HTTP boot file keeps its flag.
 */
static void test_template_http_and_pxe(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	pf.bootfiles[0] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .http = true,
						    .file = "https://boot.example/x.efi" };
	pf.bootfiles[1] = (struct rb_cfg_bootfile){ .arch = RB_ARCH_ANY, .file = "x.efi" };
	pf.n_bootfiles = 2;
	pf.has_pxe_discovery_control = true;
	pf.pxe_discovery_control = 8;

	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_tmpl_option(&t, RB_OPT_VENDOR_CLASS,
			   OPTS(60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't'));
	assert_int_not_equal(t.http_class_off, 0);
	assert_memory_equal(&t.opts[t.http_class_off - 1],
			    ((const uint8_t[]){ 60, 10, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't' }),
			    12);
	assert_int_equal(t.opt_off[RB_OPT_VENDOR_SPECIFIC], 0);
	assert_int_not_equal(t.pxe_vendor_off, 0);
	assert_memory_equal(&t.opts[t.pxe_vendor_off - 1],
			    ((const uint8_t[]){ 43, 4, 6, 1, 8, 255 }), 6);
	assert_int_equal(t.bootfiles[0].http, 1);
	assert_int_equal(t.bootfiles[0].len, 26);
	assert_int_equal(t.bootfiles[1].http, 0);

	/* Without the leaf there is no PXE option 43. */
	pf.has_pxe_discovery_control = false;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.pxe_vendor_off, 0);
	(void)state;
}

/* A profile without the switch options adds none of them. */
static void test_template_ztp_absent(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.opt_off[150], 0);
	assert_int_equal(t.opt_off[43], 0);
	assert_int_equal(t.opt_off[143], 0);
	(void)state;
}

/* A 143 list whose entries exceed one option is an error, not a cut option. */
static void test_template_sztp_too_long(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	memset(pf.sztp_servers[0], 'a', 200);
	memset(pf.sztp_servers[1], 'b', 60);
	pf.n_sztp_servers = 2;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), -EMSGSIZE);

	/* 2 + 200 + 2 + 51 = 255 bytes fit exactly. */
	memset(pf.sztp_servers[1], 0, sizeof(pf.sztp_servers[1]));
	memset(pf.sztp_servers[1], 'b', 51);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);
	assert_int_equal(t.opts[t.opt_off[143]], 255);
	(void)state;
}

/* Subnet options that fit leave no room for a 255-byte option 43. */
static void test_template_profile_overflow(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { 0 };

	make_subnet(&sn);
	memset(sn.domain_name, 'a', 250);
	memset(sn.tftp_server_name, 'b', 200);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);

	memset(pf.vendor_info, 0x5a, sizeof(pf.vendor_info));
	pf.vendor_info_len = 255;
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), -ENOSPC);
	(void)state;
}

/* A client that accepts 576-byte datagrams never gets a longer reply. */
static void test_reply_limit(void **state)
{
	struct rb_dhcp4_template t;
	struct rb_cfg_subnet sn;
	struct rb_cfg_profile pf = { .n_bootfiles = 1 };
	struct rb_device dev = { .ipv4 = inet_addr("10.0.0.9"), .hostname_len = 63 };
	struct rb_dhcp4_answer ans;
	uint8_t msg[512];
	size_t len;

	make_subnet(&sn);
	memset(sn.domain_name, 'd', 200);
	memset(sn.tftp_server_name, 't', 200);
	memset(pf.bootfiles[0].file, 'f', 120);
	pf.bootfiles[0].arch = RB_ARCH_ANY;
	memset(dev.hostname, 'h', 63);
	assert_int_equal(rb_dhcp4_template_encode(&sn, &pf, &t), 0);

	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 55, 5, 1, 15, 66, 67, 12, 255), 300);
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_int_equal(ans.reply_type, RB_DHCPOFFER);
	assert_true(ans.len <= 576 - 28);
	assert_int_equal(work.out.b[ans.len - 1] == 255 || work.out.b[ans.len - 1] == 0, 1);

	/* With option 57 = 1500 everything fits. */
	len = make_msg(msg, sizeof(msg), OPTS(53, 1, 1, 57, 2, 0x05, 0xdc,
					      55, 5, 1, 15, 66, 67, 12, 255), 300);
	assert_int_equal(rb_dhcp4_load(&work, msg, len), RB_D4_OK);
	assert_int_equal(rb_dhcp4_answer(&work, &t, &dev, 1500, &ans), 0);
	assert_true(ans.len > 576 - 28);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_http_and_uuid),
		cmocka_unit_test(test_template_options),
		cmocka_unit_test(test_template_too_long),
		cmocka_unit_test(test_template_ztp_options),
		cmocka_unit_test(test_template_ztp_absent),
		cmocka_unit_test(test_template_http_and_pxe),
		cmocka_unit_test(test_template_sztp_too_long),
		cmocka_unit_test(test_template_profile_overflow),
		cmocka_unit_test(test_reply_limit),
	};

	return cmocka_run_group_tests_name("dhcp4_codec", tests, NULL, NULL);
}
