// SPDX-License-Identifier: MIT
/*
 * The DHCPv6 slow path driven through rb_dhcp6_server_handle() with
 * built packets, the real config loader, codec and an LMDB store in a
 * temporary folder.  Replies are caught by the server's send hook, which
 * also records whether the granted lease was already in the store when
 * the reply left.  The subnet "lab6" is served on the loopback
 * interface, so a direct message names ifindex of "lo"; "far6" is only
 * reachable through relays.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "dhcp6/server.h"
#include "lib/store_fixture.h"
#include "rackboot/dhcp6_wire.h"
#include "store/store.h"

#define RELAY_PORT	10547
#define CLIENT_PORT	10546
#define QUARANTINE	600

static const char CONFIG_JSON[] =
	"{\"rackboot:rackboot\": {"
	"\"interfaces\": {\"interface\": [{\"name\": \"lo\"}]},"
	"\"boot-profiles\": {\"profile\": [{\"name\": \"linux\", \"default-boot-file\": \"pxelinux.0\","
	"  \"dhcpv6-default-boot-file\": {\"url\": \"tftp://[fd00:213::1]/grubx64.efi\"}}]},"
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\","
	"  \"interface\": \"lo\", \"server-address\": \"10.213.0.1\"}],"
	"  \"decline-quarantine\": 600},"
	"\"dhcpv6\": {\"subnet\": ["
	"  {\"name\": \"lab6\", \"prefix\": \"fd00:213::/64\", \"interface\": \"lo\","
	"   \"preferred-lifetime\": 3600, \"valid-lifetime\": 7200, \"rapid-commit\": true,"
	"   \"dns-servers\": [\"fd00:213::1\"], \"domain-search\": [\"lab.rackboot.test\"],"
	"   \"pool\": {\"range\": [{\"start\": \"fd00:213::1000\", \"end\": \"fd00:213::10ff\"}],"
	"             \"profile\": \"linux\"}},"
	"  {\"name\": \"far6\", \"prefix\": \"fd00:214::/64\", \"rapid-commit\": false,"
	"   \"dns-servers\": [\"fd00:214::1\"],"
	"   \"pool\": {\"range\": [{\"start\": \"fd00:214::1000\", \"end\": \"fd00:214::1003\"}],"
	"             \"profile\": \"linux\"}}]},"
	"\"inventory\": {\"device\": ["
	"  {\"mac\": \"52:54:00:00:00:01\", \"ipv4-address\": \"10.213.0.11\", \"profile\": \"linux\","
	"   \"ipv6-address\": \"fd00:213::11\", \"duid\": \"00:04:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\"},"
	"  {\"mac\": \"52:54:00:00:00:02\", \"ipv4-address\": \"10.213.0.12\", \"profile\": \"linux\","
	"   \"ipv6-address\": \"fd00:213::12\"},"
	"  {\"mac\": \"52:54:00:00:00:03\", \"ipv4-address\": \"10.213.0.13\", \"profile\": \"linux\","
	"   \"ipv6-address\": \"fd00:214::13\"},"
	"  {\"mac\": \"52:54:00:00:00:04\", \"ipv4-address\": \"10.213.0.14\", \"profile\": \"linux\","
	"   \"ipv6-address\": \"fd00:214::14\", \"relay-agent\": {\"interface-id\": \"Ethernet1/1\"}}"
	"]}}}";

static const uint8_t SERVER_DUID[] = { 0, 4, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80,
				       0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0, 0x01 };
static const uint8_t DUID_RESERVED[] = { 0, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0x11, 0x22,
					 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99 };
/* DUID-LL and DUID-LLT of 52:54:00:00:00:02, and an unknown DUID-EN. */
static const uint8_t DUID_LL_B[] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 0x02 };
static const uint8_t DUID_LLT_B[] = { 0, 1, 0, 1, 0x2a, 0, 0, 1, 0x52, 0x54, 0, 0, 0, 0x02 };
static const uint8_t DUID_POOL[] = { 0, 2, 0, 0, 0x11, 0x8b, 'p', 'o', 'o', 'l', '1' };
static const uint8_t DUID_POOL2[] = { 0, 2, 0, 0, 0x11, 0x8b, 'p', 'o', 'o', 'l', '2' };
static const uint8_t MAC_C[6] = { 0x52, 0x54, 0, 0, 0, 0x03 };

struct packet {
	uint8_t b[4096];
	size_t len;
};

struct fixture {
	char dir[64];
	struct rb_store *st;
	struct rb_config *cfg;
	struct rb_dhcp6_server *srv;
	int64_t now;
	int lo;
	/* The last reply the server sent. */
	struct packet sent;
	struct sockaddr_in6 sent_to;
	int sent_ifindex;
	int n_sent;
	bool lease_before_send;		/* the store held a lease of the IA_NA's first address */
};

static struct in6_addr ip6(const char *text)
{
	struct in6_addr addr;

	assert_int_equal(inet_pton(AF_INET6, text, &addr), 1);
	return addr;
}

static void assert_ip6(const struct in6_addr *addr, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, addr, buf, sizeof(buf)));
	assert_string_equal(buf, text);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Payload of the first option code in the options of len bytes at opts, or NULL. */
static const uint8_t *find_opt(const uint8_t *opts, size_t len, uint16_t code, size_t *olen)
{
	size_t pos = 0;

	while (pos + 4 <= len) {
		size_t l = get16(opts + pos + 2);

		assert_true(pos + 4 + l <= len);
		if (get16(opts + pos) == code) {
			*olen = l;
			return opts + pos + 4;
		}
		pos += 4 + l;
	}
	return NULL;
}

/* The IA_NA of iaid in the client message of len bytes at msg, or NULL. */
static const uint8_t *find_ia(const uint8_t *msg, size_t len, uint32_t iaid, size_t *olen)
{
	size_t pos = 4;

	while (pos + 4 <= len) {
		size_t l = get16(msg + pos + 2);

		assert_true(pos + 4 + l <= len);
		if (get16(msg + pos) == RB_D6_OPT_IA_NA && l >= 12 && get32(msg + pos + 4) == iaid) {
			*olen = l;
			return msg + pos + 4;
		}
		pos += 4 + l;
	}
	return NULL;
}

static int64_t fixed_now(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static int capture(void *arg, const struct sockaddr_in6 *to, int ifindex, const void *msg,
		   size_t len)
{
	struct fixture *f = arg;
	const uint8_t *m = msg, *ia, *iaaddr;
	size_t ia_len, addr_len;

	assert_true(len <= sizeof(f->sent.b));
	memcpy(f->sent.b, msg, len);
	f->sent.len = len;
	f->sent_to = *to;
	f->sent_ifindex = ifindex;
	f->n_sent++;

	/* A Reply that binds must find its lease in the store already. */
	f->lease_before_send = false;
	while (m[0] == RB_D6_RELAY_REPL && len > 34) {
		size_t inner_len;
		const uint8_t *inner = find_opt(m + 34, len - 34, RB_D6_OPT_RELAY_MSG, &inner_len);

		if (!inner)
			return 0;
		m = inner;
		len = inner_len;
	}
	if (m[0] != RB_D6_REPLY)
		return 0;
	for (size_t pos = 4; pos + 4 <= len; pos += 4 + get16(m + pos + 2)) {
		struct rb_store_lease6 lease;
		struct in6_addr addr;

		if (get16(m + pos) != RB_D6_OPT_IA_NA)
			continue;
		ia = m + pos + 4;
		ia_len = get16(m + pos + 2);
		iaaddr = find_opt(ia + 12, ia_len - 12, RB_D6_OPT_IAADDR, &addr_len);
		if (!iaaddr)
			continue;
		memcpy(&addr, iaaddr, 16);
		f->lease_before_send = rb_store_get_lease6_by_addr(f->st, &addr, &lease) == 0;
		break;
	}
	return 0;
}

static void server_create(struct fixture *f)
{
	struct rb_dhcp6_server_config sc = {
		.server_port = 0,
		.client_port = CLIENT_PORT,
		.relay_port = RELAY_PORT,
		.config = f->cfg,
		.store = f->st,
		.server_duid_len = sizeof(SERVER_DUID),
		.no_multicast = true,
		.now = fixed_now,
		.now_arg = f,
		.send = capture,
		.send_arg = f,
	};

	memcpy(sc.server_duid, SERVER_DUID, sizeof(SERVER_DUID));
	assert_int_equal(rb_dhcp6_server_new(NULL, &sc, &f->srv), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rb_cfg_errors errs;
	char line[1400];

	assert_non_null(f);
	if (rb_config_load_string(CONFIG_JSON, &f->cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			print_message("# %s\n", rb_cfg_error_format(&errs.items[i], line, sizeof(line)));
		fail_msg("test config rejected");
	}
	rb_cfg_errors_free(&errs);
	test_store_create(f->dir, sizeof(f->dir), "rb-test-dhcp6", &f->st);
	f->now = 1000000;
	f->lo = (int)if_nametoindex("lo");
	assert_true(f->lo > 0);
	server_create(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rb_dhcp6_server_free(f->srv);
	test_store_remove(f->dir, f->st);
	rb_config_free(f->cfg);
	free(f);
	return 0;
}

/* Packet building. */

static void pkt_start(struct packet *p, uint8_t type, uint32_t xid)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = type;
	p->b[1] = (uint8_t)(xid >> 16);
	p->b[2] = (uint8_t)(xid >> 8);
	p->b[3] = (uint8_t)xid;
	p->len = 4;
}

static void pkt_opt(struct packet *p, uint16_t code, const void *data, size_t len)
{
	assert_true(p->len + 4 + len <= sizeof(p->b));
	p->b[p->len] = (uint8_t)(code >> 8);
	p->b[p->len + 1] = (uint8_t)code;
	p->b[p->len + 2] = (uint8_t)(len >> 8);
	p->b[p->len + 3] = (uint8_t)len;
	if (len)
		memcpy(p->b + p->len + 4, data, len);
	p->len += 4 + len;
}

/* An IA_NA with iaid and, unless addr is NULL, one IA Address option. */
static void pkt_ia_na(struct packet *p, uint32_t iaid, const char *addr)
{
	uint8_t ia[12 + 28] = { iaid >> 24, iaid >> 16, iaid >> 8, iaid };
	size_t len = 12;

	if (addr) {
		struct in6_addr a = ip6(addr);

		ia[len + 1] = RB_D6_OPT_IAADDR;
		ia[len + 3] = 24;
		memcpy(ia + len + 4, &a, 16);
		len += 28;
	}
	pkt_opt(p, RB_D6_OPT_IA_NA, ia, len);
}

/* Option Request for DNS servers (23) and the domain search list (24). */
static void pkt_oro(struct packet *p)
{
	static const uint8_t codes[] = { 0, RB_D6_OPT_DNS_SERVERS, 0, RB_D6_OPT_DOMAIN_LIST };

	pkt_opt(p, RB_D6_OPT_ORO, codes, sizeof(codes));
}

/* A client message of type with the client DUID, our Server Identifier when to_us, and one IA_NA. */
static void client_msg(struct packet *p, uint8_t type, const uint8_t *duid, size_t duid_len,
		       bool to_us, uint32_t iaid, const char *addr)
{
	pkt_start(p, type, 0x123456);
	pkt_opt(p, RB_D6_OPT_CLIENTID, duid, duid_len);
	if (to_us)
		pkt_opt(p, RB_D6_OPT_SERVERID, SERVER_DUID, sizeof(SERVER_DUID));
	pkt_oro(p);
	pkt_ia_na(p, iaid, addr);
}

/* Wrap inner into a Relay-forward with link-address link and optional relay options. */
static void relay_wrap(struct packet *out, const struct packet *inner, uint8_t hop_count,
		       const char *link, const char *interface_id, const uint8_t *lladdr)
{
	struct in6_addr link_addr = ip6(link), peer = ip6("fe80::5054:ff:fe00:3");

	memset(out, 0, sizeof(*out));
	out->b[0] = RB_D6_RELAY_FORW;
	out->b[1] = hop_count;
	memcpy(out->b + 2, &link_addr, 16);
	memcpy(out->b + 18, &peer, 16);
	out->len = 34;
	if (interface_id)
		pkt_opt(out, RB_D6_OPT_INTERFACE_ID, interface_id, strlen(interface_id));
	if (lladdr) {
		uint8_t opt79[8] = { 0, 1 };

		memcpy(opt79 + 2, lladdr, 6);
		pkt_opt(out, RB_D6_OPT_CLIENT_LINKLAYER_ADDR, opt79, sizeof(opt79));
	}
	pkt_opt(out, RB_D6_OPT_RELAY_MSG, inner->b, inner->len);
}

static void send_direct(struct fixture *f, const struct packet *p)
{
	struct sockaddr_in6 peer = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(CLIENT_PORT),
		.sin6_addr = ip6("fe80::5054:ff:fe00:2"),
		.sin6_scope_id = (uint32_t)f->lo,
	};

	rb_dhcp6_server_handle(f->srv, f->lo, &peer, p->b, p->len);
}

static void send_relayed(struct fixture *f, const struct packet *p)
{
	struct sockaddr_in6 peer = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(RELAY_PORT),
		.sin6_addr = ip6("fd00:214::1"),
	};

	rb_dhcp6_server_handle(f->srv, f->lo, &peer, p->b, p->len);
}

/* Reply checks. */

static uint64_t counter(struct fixture *f, enum rb_dhcp6_counter c)
{
	return rb_dhcp6_server_counters(f->srv)[c];
}

/* The address of IA iaid in the client message msg; fails when there is none. */
static struct in6_addr ia_addr_of(const uint8_t *msg, size_t len, uint32_t iaid,
				  uint32_t *preferred)
{
	const uint8_t *ia, *iaaddr;
	size_t ia_len, addr_len;
	struct in6_addr addr;

	ia = find_ia(msg, len, iaid, &ia_len);
	assert_non_null(ia);
	iaaddr = find_opt(ia + 12, ia_len - 12, RB_D6_OPT_IAADDR, &addr_len);
	assert_non_null(iaaddr);
	assert_int_equal(addr_len, 24);
	memcpy(&addr, iaaddr, 16);
	if (preferred)
		*preferred = get32(iaaddr + 16);
	return addr;
}

static struct in6_addr reply_addr(struct fixture *f, uint32_t iaid)
{
	return ia_addr_of(f->sent.b, f->sent.len, iaid, NULL);
}

/* The status code inside IA iaid of the reply, or -1 without one. */
static int reply_ia_status(struct fixture *f, uint32_t iaid)
{
	const uint8_t *ia, *status;
	size_t ia_len, len;

	ia = find_ia(f->sent.b, f->sent.len, iaid, &ia_len);
	assert_non_null(ia);
	status = find_opt(ia + 12, ia_len - 12, RB_D6_OPT_STATUS_CODE, &len);
	return status ? get16(status) : -1;
}

/* The top-level status code of the reply, or -1 without one. */
static int reply_status(struct fixture *f)
{
	size_t len;
	const uint8_t *status = find_opt(f->sent.b + 4, f->sent.len - 4, RB_D6_OPT_STATUS_CODE, &len);

	return status ? get16(status) : -1;
}

static bool reply_has(struct fixture *f, uint16_t code)
{
	size_t len;

	return find_opt(f->sent.b + 4, f->sent.len - 4, code, &len) != NULL;
}

static bool in_range(const struct in6_addr *a, const char *start, const char *end)
{
	struct in6_addr s = ip6(start), e = ip6(end);

	return memcmp(a, &s, 16) >= 0 && memcmp(a, &e, 16) <= 0;
}

/* Solicit, Request and Reply for an IA of a client; returns the leased address. */
static struct in6_addr lease_via_request(struct fixture *f, const uint8_t *duid, size_t duid_len,
					 uint32_t iaid)
{
	struct packet p;
	struct in6_addr addr, granted;
	char text[INET6_ADDRSTRLEN];

	client_msg(&p, RB_D6_SOLICIT, duid, duid_len, false, iaid, NULL);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_ADVERTISE);
	addr = reply_addr(f, iaid);

	inet_ntop(AF_INET6, &addr, text, sizeof(text));
	client_msg(&p, RB_D6_REQUEST, duid, duid_len, true, iaid, text);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_true(f->lease_before_send);
	granted = reply_addr(f, iaid);
	assert_memory_equal(&addr, &granted, 16);
	return addr;
}

/* The tests. */

static void test_solicit_advertise_pool(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr;
	struct packet p;
	size_t len;
	const uint8_t *opt;

	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);

	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->sent.b[0], RB_D6_ADVERTISE);
	assert_memory_equal(f->sent.b + 1, "\x12\x34\x56", 3);
	opt = find_opt(f->sent.b + 4, f->sent.len - 4, RB_D6_OPT_CLIENTID, &len);
	assert_non_null(opt);
	assert_memory_equal(opt, DUID_POOL, sizeof(DUID_POOL));
	opt = find_opt(f->sent.b + 4, f->sent.len - 4, RB_D6_OPT_SERVERID, &len);
	assert_non_null(opt);
	assert_int_equal(len, sizeof(SERVER_DUID));
	assert_memory_equal(opt, SERVER_DUID, sizeof(SERVER_DUID));
	assert_true(reply_has(f, RB_D6_OPT_DNS_SERVERS));
	assert_true(reply_has(f, RB_D6_OPT_DOMAIN_LIST));
	assert_false(reply_has(f, RB_D6_OPT_RAPID_COMMIT));

	addr = reply_addr(f, 1);
	assert_true(in_range(&addr, "fd00:213::1000", "fd00:213::10ff"));
	/* An Advertise promises nothing, so nothing is stored. */
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), -ENOENT);

	/* A direct reply goes to the client's link-local address, out of the arrival interface. */
	assert_ip6(&f->sent_to.sin6_addr, "fe80::5054:ff:fe00:2");
	assert_int_equal(ntohs(f->sent_to.sin6_port), CLIENT_PORT);
	assert_int_equal(f->sent_ifindex, f->lo);
	assert_int_equal(counter(f, RB_D6C_TX_ADVERTISE), 1);
}

static void test_pool_address_deterministic(void **state)
{
	struct fixture *f = *state;
	struct in6_addr first, again, other;
	struct packet p;

	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	first = reply_addr(f, 1);
	send_direct(f, &p);
	again = reply_addr(f, 1);
	assert_memory_equal(&first, &again, 16);

	/* The same server started again over the same store picks the same address. */
	rb_dhcp6_server_free(f->srv);
	server_create(f);
	send_direct(f, &p);
	again = reply_addr(f, 1);
	assert_memory_equal(&first, &again, 16);

	/* Another IAID of the same client is another candidate. */
	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 2, NULL);
	send_direct(f, &p);
	other = reply_addr(f, 2);
	assert_true(in_range(&other, "fd00:213::1000", "fd00:213::10ff"));
}

static void test_rapid_commit_on(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr;
	struct packet p;

	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	pkt_opt(&p, RB_D6_OPT_RAPID_COMMIT, NULL, 0);
	send_direct(f, &p);

	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_true(reply_has(f, RB_D6_OPT_RAPID_COMMIT));
	assert_true(f->lease_before_send);
	addr = reply_addr(f, 1);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), 0);
	assert_memory_equal(&lease.addr, &addr, 16);
	assert_int_equal(lease.state, RB_LEASE6_BOUND);
	assert_int_equal(lease.start, f->now);
	assert_int_equal(lease.end, f->now + 7200);
	assert_int_equal(lease.valid_lifetime, 7200);
	assert_int_equal(lease.preferred_lifetime, 3600);
	assert_int_equal(counter(f, RB_D6C_TX_REPLY), 1);
}

static void test_rapid_commit_off(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct packet inner, p;
	struct in6_addr addr;
	const uint8_t *msg;
	size_t len;

	/* far6 has rapid-commit false: the Solicit gets an Advertise. */
	client_msg(&inner, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	pkt_opt(&inner, RB_D6_OPT_RAPID_COMMIT, NULL, 0);
	relay_wrap(&p, &inner, 0, "fd00:214::1", NULL, NULL);
	send_relayed(f, &p);

	assert_int_equal(f->sent.b[0], RB_D6_RELAY_REPL);
	msg = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &len);
	assert_non_null(msg);
	assert_int_equal(msg[0], RB_D6_ADVERTISE);
	assert_null(find_opt(msg + 4, len - 4, RB_D6_OPT_RAPID_COMMIT, &len));
	addr = ia_addr_of(msg, len, 1, NULL);
	assert_true(in_range(&addr, "fd00:214::1000", "fd00:214::1003"));
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), -ENOENT);
}

static void test_reservation_by_duid(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr;

	addr = lease_via_request(f, DUID_RESERVED, sizeof(DUID_RESERVED), 7);
	assert_ip6(&addr, "fd00:213::11");
	assert_int_equal(rb_store_get_lease6(f->st, DUID_RESERVED, sizeof(DUID_RESERVED), 7, &lease), 0);
	assert_ip6(&lease.addr, "fd00:213::11");
	/* A DUID-UUID carries no MAC. */
	assert_false(lease.has_mac);
}

static void test_reservation_by_duid_ll(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr;
	struct packet p;

	addr = lease_via_request(f, DUID_LL_B, sizeof(DUID_LL_B), 1);
	assert_ip6(&addr, "fd00:213::12");
	assert_int_equal(rb_store_get_lease6(f->st, DUID_LL_B, sizeof(DUID_LL_B), 1, &lease), 0);
	assert_true(lease.has_mac);
	assert_memory_equal(lease.mac, DUID_LL_B + 4, 6);

	/* A DUID-LLT of the same MAC (a reinstall) gets the reservation, which moves to it. */
	client_msg(&p, RB_D6_SOLICIT, DUID_LLT_B, sizeof(DUID_LLT_B), false, 1, NULL);
	pkt_opt(&p, RB_D6_OPT_RAPID_COMMIT, NULL, 0);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	addr = reply_addr(f, 1);
	assert_ip6(&addr, "fd00:213::12");
	assert_true(f->lease_before_send);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_LL_B, sizeof(DUID_LL_B), 1, &lease), -ENOENT);
}

static void test_reservation_by_option79(void **state)
{
	struct fixture *f = *state;
	struct packet inner, p;
	struct in6_addr addr;
	const uint8_t *msg;
	size_t len;

	client_msg(&inner, RB_D6_REQUEST, DUID_POOL, sizeof(DUID_POOL), true, 3, NULL);
	relay_wrap(&p, &inner, 0, "fd00:214::1", NULL, MAC_C);
	send_relayed(f, &p);

	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->sent.b[0], RB_D6_RELAY_REPL);
	msg = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &len);
	assert_non_null(msg);
	assert_int_equal(msg[0], RB_D6_REPLY);
	addr = ia_addr_of(msg, len, 3, NULL);
	assert_ip6(&addr, "fd00:214::13");
	assert_true(f->lease_before_send);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &addr, &(struct rb_store_lease6){ 0 }), 0);
}

static void test_relayed_interface_id(void **state)
{
	struct fixture *f = *state;
	struct packet inner, p;
	struct in6_addr addr;
	const uint8_t *msg, *id;
	size_t len, id_len;

	client_msg(&inner, RB_D6_REQUEST, DUID_POOL2, sizeof(DUID_POOL2), true, 4, NULL);
	relay_wrap(&p, &inner, 0, "fd00:214::1", "Ethernet1/1", NULL);
	send_relayed(f, &p);

	assert_int_equal(f->sent.b[0], RB_D6_RELAY_REPL);
	assert_int_equal(f->sent.b[1], 0);
	assert_ip6((const struct in6_addr *)(f->sent.b + 2), "fd00:214::1");
	assert_ip6((const struct in6_addr *)(f->sent.b + 18), "fe80::5054:ff:fe00:3");
	id = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_INTERFACE_ID, &id_len);
	assert_non_null(id);
	assert_int_equal(id_len, strlen("Ethernet1/1"));
	assert_memory_equal(id, "Ethernet1/1", id_len);
	msg = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &len);
	assert_non_null(msg);
	addr = ia_addr_of(msg, len, 4, NULL);
	assert_ip6(&addr, "fd00:214::14");

	/* Replies to relays go to the relay's address at the relay port. */
	assert_ip6(&f->sent_to.sin6_addr, "fd00:214::1");
	assert_int_equal(ntohs(f->sent_to.sin6_port), RELAY_PORT);
	assert_int_equal(f->sent_ifindex, 0);
}

static void test_nested_relay(void **state)
{
	struct fixture *f = *state;
	struct packet client, level1, level2;
	const uint8_t *mid, *msg, *id;
	size_t mid_len, len, id_len;
	struct in6_addr addr;

	/* The relay next to the client sets link-address and interface-id; the outer one neither. */
	client_msg(&client, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 9, NULL);
	relay_wrap(&level1, &client, 0, "fd00:214::1", "Ethernet1/1", NULL);
	relay_wrap(&level2, &level1, 1, "::", "uplink-7", NULL);
	send_relayed(f, &level2);

	assert_int_equal(f->sent.b[0], RB_D6_RELAY_REPL);
	assert_int_equal(f->sent.b[1], 1);
	id = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_INTERFACE_ID, &id_len);
	assert_non_null(id);
	assert_memory_equal(id, "uplink-7", id_len);
	mid = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &mid_len);
	assert_non_null(mid);
	assert_int_equal(mid[0], RB_D6_RELAY_REPL);
	assert_int_equal(mid[1], 0);
	id = find_opt(mid + 34, mid_len - 34, RB_D6_OPT_INTERFACE_ID, &id_len);
	assert_non_null(id);
	assert_memory_equal(id, "Ethernet1/1", id_len);
	msg = find_opt(mid + 34, mid_len - 34, RB_D6_OPT_RELAY_MSG, &len);
	assert_non_null(msg);
	assert_int_equal(msg[0], RB_D6_ADVERTISE);
	/* The inner interface-id selects the reservation of device D. */
	addr = ia_addr_of(msg, len, 9, NULL);
	assert_ip6(&addr, "fd00:214::14");
}

static void test_renew_keeps_pool_address(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr, renewed;
	char text[INET6_ADDRSTRLEN];
	struct packet p;

	addr = lease_via_request(f, DUID_POOL, sizeof(DUID_POOL), 1);
	inet_ntop(AF_INET6, &addr, text, sizeof(text));

	f->now += 1800;
	client_msg(&p, RB_D6_RENEW, DUID_POOL, sizeof(DUID_POOL), true, 1, text);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	renewed = reply_addr(f, 1);
	assert_memory_equal(&renewed, &addr, 16);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), 0);
	assert_int_equal(lease.start, f->now);
	assert_int_equal(lease.end, f->now + 7200);

	/* Rebind (no Server Identifier) keeps it as well. */
	f->now += 1000;
	client_msg(&p, RB_D6_REBIND, DUID_POOL, sizeof(DUID_POOL), false, 1, text);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	renewed = reply_addr(f, 1);
	assert_memory_equal(&renewed, &addr, 16);
	assert_true(f->lease_before_send);
}

static void test_renew_wrong_address_zeroed(void **state)
{
	struct fixture *f = *state;
	struct in6_addr addr;
	const uint8_t *ia;
	size_t ia_len, pos;
	int n_addrs = 0, n_zero = 0;
	struct packet p;

	addr = lease_via_request(f, DUID_POOL, sizeof(DUID_POOL), 1);

	/* A Renew naming another address gets the leased one, and the other with lifetimes 0. */
	client_msg(&p, RB_D6_RENEW, DUID_POOL, sizeof(DUID_POOL), true, 1, "fd00:213::10fe");
	send_direct(f, &p);
	ia = find_ia(f->sent.b, f->sent.len, 1, &ia_len);
	assert_non_null(ia);
	for (pos = 12; pos + 4 <= ia_len; pos += 4 + get16(ia + pos + 2)) {
		if (get16(ia + pos) != RB_D6_OPT_IAADDR)
			continue;
		n_addrs++;
		if (get32(ia + pos + 4 + 16) == 0 && get32(ia + pos + 4 + 20) == 0) {
			n_zero++;
			assert_ip6((const struct in6_addr *)(ia + pos + 4), "fd00:213::10fe");
		} else {
			assert_memory_equal(ia + pos + 4, &addr, 16);
		}
	}
	assert_int_equal(n_addrs, 2);
	assert_int_equal(n_zero, 1);
}

static void test_two_ias_two_addresses(void **state)
{
	struct fixture *f = *state;
	struct in6_addr a1, a2;
	struct packet p;

	pkt_start(&p, RB_D6_SOLICIT, 0x1);
	pkt_opt(&p, RB_D6_OPT_CLIENTID, DUID_POOL, sizeof(DUID_POOL));
	pkt_opt(&p, RB_D6_OPT_RAPID_COMMIT, NULL, 0);
	pkt_ia_na(&p, 1, NULL);
	pkt_ia_na(&p, 2, NULL);
	send_direct(f, &p);

	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	a1 = reply_addr(f, 1);
	a2 = reply_addr(f, 2);
	assert_memory_not_equal(&a1, &a2, 16);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &a1, &(struct rb_store_lease6){ 0 }), 0);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &a2, &(struct rb_store_lease6){ 0 }), 0);
}

static void test_decline_quarantine(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr, next;
	char text[INET6_ADDRSTRLEN];
	int64_t until;
	struct packet p;

	addr = lease_via_request(f, DUID_POOL, sizeof(DUID_POOL), 1);
	inet_ntop(AF_INET6, &addr, text, sizeof(text));

	client_msg(&p, RB_D6_DECLINE, DUID_POOL, sizeof(DUID_POOL), true, 1, text);
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_int_equal(reply_status(f), RB_D6_STATUS_SUCCESS);
	assert_int_equal(counter(f, RB_D6C_DECLINED), 1);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), -ENOENT);
	assert_int_equal(rb_store_get_quarantine6(f->st, &addr, &until), 0);
	assert_int_equal(until, f->now + QUARANTINE);

	/* The client asks again and gets another address while the first rests. */
	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	next = reply_addr(f, 1);
	assert_memory_not_equal(&next, &addr, 16);

	/* After the quarantine the address is the client's first candidate again. */
	f->now += QUARANTINE + 1;
	send_direct(f, &p);
	next = reply_addr(f, 1);
	assert_memory_equal(&next, &addr, 16);
}

static void test_release_frees(void **state)
{
	struct fixture *f = *state;
	struct rb_store_lease6 lease;
	struct in6_addr addr;
	char text[INET6_ADDRSTRLEN];
	struct packet p;

	addr = lease_via_request(f, DUID_POOL, sizeof(DUID_POOL), 1);
	inet_ntop(AF_INET6, &addr, text, sizeof(text));

	client_msg(&p, RB_D6_RELEASE, DUID_POOL, sizeof(DUID_POOL), true, 1, text);
	pkt_ia_na(&p, 99, "fd00:213::1001");
	send_direct(f, &p);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_int_equal(reply_status(f), RB_D6_STATUS_SUCCESS);
	/* The released IA is left out; the one without a lease gets NoBinding. */
	assert_int_equal(reply_ia_status(f, 99), RB_D6_STATUS_NO_BINDING);
	assert_int_equal(counter(f, RB_D6C_RELEASED), 1);
	assert_int_equal(rb_store_get_lease6(f->st, DUID_POOL, sizeof(DUID_POOL), 1, &lease), -ENOENT);
	assert_int_equal(rb_store_get_lease6_by_addr(f->st, &addr, &lease), -ENOENT);
}

static void test_confirm(void **state)
{
	struct fixture *f = *state;
	struct packet p;

	client_msg(&p, RB_D6_CONFIRM, DUID_POOL, sizeof(DUID_POOL), false, 1, "fd00:213::1005");
	send_direct(f, &p);
	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_int_equal(reply_status(f), RB_D6_STATUS_SUCCESS);

	client_msg(&p, RB_D6_CONFIRM, DUID_POOL, sizeof(DUID_POOL), false, 1, "fd00:999::5");
	send_direct(f, &p);
	assert_int_equal(f->n_sent, 2);
	assert_int_equal(reply_status(f), RB_D6_STATUS_NOT_ON_LINK);

	/* Without an address there is nothing to confirm, and no Reply. */
	client_msg(&p, RB_D6_CONFIRM, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	assert_int_equal(f->n_sent, 2);
}

static void test_information_request(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	size_t len;

	pkt_start(&p, RB_D6_INFORMATION_REQUEST, 0x42);
	pkt_opt(&p, RB_D6_OPT_CLIENTID, DUID_POOL, sizeof(DUID_POOL));
	pkt_oro(&p);
	send_direct(f, &p);
	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->sent.b[0], RB_D6_REPLY);
	assert_true(reply_has(f, RB_D6_OPT_DNS_SERVERS));
	assert_null(find_opt(f->sent.b + 4, f->sent.len - 4, RB_D6_OPT_IA_NA, &len));

	/* RFC 8415 section 16.12: an Information-request with an IA is discarded. */
	pkt_ia_na(&p, 1, NULL);
	send_direct(f, &p);
	assert_int_equal(f->n_sent, 1);
	assert_int_equal(counter(f, RB_D6C_DISCARDED), 1);
}

static void test_discard_rules(void **state)
{
	static const uint8_t other_server[] = { 0, 4, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	struct fixture *f = *state;
	struct packet p;

	/* Solicit without Client Identifier. */
	pkt_start(&p, RB_D6_SOLICIT, 1);
	pkt_ia_na(&p, 1, NULL);
	send_direct(f, &p);
	/* Solicit with a Server Identifier. */
	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), true, 1, NULL);
	send_direct(f, &p);
	/* Request, Renew, Release and Decline without a Server Identifier. */
	client_msg(&p, RB_D6_REQUEST, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	client_msg(&p, RB_D6_RENEW, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	client_msg(&p, RB_D6_RELEASE, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	client_msg(&p, RB_D6_DECLINE, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	send_direct(f, &p);
	/* Rebind and Confirm with a Server Identifier. */
	client_msg(&p, RB_D6_REBIND, DUID_POOL, sizeof(DUID_POOL), true, 1, NULL);
	send_direct(f, &p);
	client_msg(&p, RB_D6_CONFIRM, DUID_POOL, sizeof(DUID_POOL), true, 1, "fd00:213::1005");
	send_direct(f, &p);
	assert_int_equal(counter(f, RB_D6C_DISCARDED), 8);

	/* A Request for another server. */
	pkt_start(&p, RB_D6_REQUEST, 1);
	pkt_opt(&p, RB_D6_OPT_CLIENTID, DUID_POOL, sizeof(DUID_POOL));
	pkt_opt(&p, RB_D6_OPT_SERVERID, other_server, sizeof(other_server));
	pkt_ia_na(&p, 1, NULL);
	send_direct(f, &p);
	assert_int_equal(counter(f, RB_D6C_OTHER_SERVER), 1);

	/* Messages only servers send, and an option running past the end. */
	client_msg(&p, RB_D6_ADVERTISE, DUID_POOL, sizeof(DUID_POOL), true, 1, NULL);
	send_direct(f, &p);
	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	p.len -= 3;
	send_direct(f, &p);
	assert_int_equal(counter(f, RB_D6C_MALFORMED), 2);

	/* A direct message on an interface without a subnet6. */
	client_msg(&p, RB_D6_SOLICIT, DUID_POOL, sizeof(DUID_POOL), false, 1, NULL);
	rb_dhcp6_server_handle(f->srv, 0, &(struct sockaddr_in6){ .sin6_family = AF_INET6 },
			       p.b, p.len);
	assert_int_equal(counter(f, RB_D6C_NO_SUBNET), 1);

	assert_int_equal(f->n_sent, 0);
	assert_int_equal(counter(f, RB_D6C_RX), 12);
}

static void test_pool_exhausted(void **state)
{
	struct fixture *f = *state;
	struct packet inner, p;
	const uint8_t *msg;
	size_t len;
	uint8_t duid[] = { 0, 2, 0, 0, 0x11, 0x8b, 'c', 0 };

	/* far6 has four pool addresses: four clients get them, the fifth gets NoAddrsAvail. */
	for (uint8_t i = 0; i < 5; i++) {
		duid[7] = i;
		pkt_start(&inner, RB_D6_REQUEST, i);
		pkt_opt(&inner, RB_D6_OPT_CLIENTID, duid, sizeof(duid));
		pkt_opt(&inner, RB_D6_OPT_SERVERID, SERVER_DUID, sizeof(SERVER_DUID));
		pkt_ia_na(&inner, 1, NULL);
		relay_wrap(&p, &inner, 0, "fd00:214::1", NULL, NULL);
		send_relayed(f, &p);
		msg = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &len);
		assert_non_null(msg);
		if (i < 4) {
			struct in6_addr addr = ia_addr_of(msg, len, 1, NULL);

			assert_true(in_range(&addr, "fd00:214::1000", "fd00:214::1003"));
		} else {
			const uint8_t *ia, *status;
			size_t ia_len, st_len;

			ia = find_ia(msg, len, 1, &ia_len);
			assert_non_null(ia);
			status = find_opt(ia + 12, ia_len - 12, RB_D6_OPT_STATUS_CODE, &st_len);
			assert_non_null(status);
			assert_int_equal(get16(status), RB_D6_STATUS_NO_ADDRS_AVAIL);
		}
	}
	assert_int_equal(counter(f, RB_D6C_NO_ADDRS), 1);

	/* Once a lease ends, its address goes to the next client. */
	f->now += 7201;
	send_relayed(f, &p);
	msg = find_opt(f->sent.b + 34, f->sent.len - 34, RB_D6_OPT_RELAY_MSG, &len);
	assert_non_null(msg);
	{
		struct in6_addr addr = ia_addr_of(msg, len, 1, NULL);

		assert_true(in_range(&addr, "fd00:214::1000", "fd00:214::1003"));
	}
	assert_true(f->lease_before_send);
}

static void test_duid_from_machine_id(void **state)
{
	char path[] = "/tmp/rb-test-machine-id.XXXXXX";
	uint8_t duid[RB_CFG_DUID_MAX], again[RB_CFG_DUID_MAX], other[RB_CFG_DUID_MAX];
	size_t len = 0, len2 = 0, len3 = 0;
	int fd, err;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdef0123456789abcdef\n", 33), 33);
	close(fd);

	err = rb_dhcp6_duid_from_machine_id(path, duid, &len);
	assert_int_equal(err, 0);
	assert_int_equal(len, 18);
	assert_int_equal(duid[0], 0);
	assert_int_equal(duid[1], 4);
	assert_int_equal(duid[2 + 6] >> 4, 4);
	assert_int_equal(duid[2 + 8] & 0xc0, 0x80);
	/*
	 * HMAC-SHA256 with this machine ID as key, computed apart with
	 * `openssl dgst -sha256 -mac HMAC`, its version and variant bits set.
	 */
	assert_memory_equal(duid, "\x00\x04\xc4\x0a\x84\xf9\xa3\x64\x4a\x80"
			    "\xb5\x3a\x14\x69\x52\x0d\x06\x5e", 18);
	/* The machine ID itself does not appear in the DUID. */
	assert_memory_not_equal(duid + 2, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	assert_int_equal(rb_dhcp6_duid_from_machine_id(path, again, &len2), 0);
	assert_memory_equal(duid, again, len);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "fedcba9876543210fedcba9876543210\n", 33), 33);
	close(fd);
	assert_int_equal(rb_dhcp6_duid_from_machine_id(path, other, &len3), 0);
	assert_memory_not_equal(duid, other, len);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not hex\n", 8), 8);
	close(fd);
	assert_int_equal(rb_dhcp6_duid_from_machine_id(path, other, &len3), -EINVAL);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_solicit_advertise_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_address_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rapid_commit_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rapid_commit_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reservation_by_duid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reservation_by_duid_ll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reservation_by_option79, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relayed_interface_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_relay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renew_keeps_pool_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renew_wrong_address_zeroed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_ias_two_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_frees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_information_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhausted, setup, teardown),
		cmocka_unit_test(test_duid_from_machine_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
