// SPDX-License-Identifier: MIT
/*
 * The XDP programs of the DNS load generator (bench/dns/dnsgen.bpf.c)
 * under BPF_PROG_TEST_RUN.  dnsgen_query turns any frame into the query
 * of one of its names, with the next ID, a client's source port and
 * valid checksums.  dnsgen_client counts a response as answered only
 * when its ID and port match a pending query, its response code is
 * NOERROR and its first answer is the name's A record; a repeated
 * response, an unknown ID, a wrong port, a wrong address, an error
 * response and a response without answers are counted apart.  Frames
 * that are not DNS responses to a client port are passed.
 *
 * Needs root (loading BPF); exits 77 (skipped) when the kernel refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "lib/xdp_run.h"
#include "dnsgen.h"
#include "dnsgen_names.h"
#include "dnsgen.skel.h"

#define LO_IFINDEX	1
#define N_NAMES		2
#define N_CLIENTS	4
#define ID_BASE		0xfff0		/* the IDs wrap at 65536 after 16 queries */
#define RESPONSE_MAX	(DNSGEN_FRAME_MAX + 64)

static const char *const name_text[N_NAMES] = { "node0001.lab.rackboot.test",
						  "a-longer-name.node0002.lab.rackboot.test" };
static const char *const addr_text[N_NAMES] = { "10.201.3.233", "10.201.3.234" };

static struct dnsgen_bpf *skel;
static struct dnsgen_name names[N_NAMES];

static void build_names(void)
{
	struct dnsgen_endpoints ends = {
		.client_mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
		.server_mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
	};
	uint8_t qname[DNSGEN_NAME_MAX];
	struct in_addr addr;
	size_t len;
	int i;

	inet_pton(AF_INET, "10.201.0.2", &ends.client_addr);
	inet_pton(AF_INET, "10.201.0.1", &ends.server_addr);
	for (i = 0; i < N_NAMES; i++) {
		len = dnsgen_name_encode(name_text[i], qname);
		inet_pton(AF_INET, addr_text[i], &addr);
		dnsgen_name_build(&names[i], &ends, qname, len, addr.s_addr);
	}
}

static int setup(void **state)
{
	int fd;
	uint32_t i;

	libbpf_set_print(NULL);
	build_names();
	skel = dnsgen_bpf__open();
	if (!skel) {
		fprintf(stderr, "# opening the XDP programs failed (%s)\n", strerror(errno));
		exit(77);
	}
	skel->rodata->n_names = N_NAMES;
	skel->rodata->n_clients = N_CLIENTS;
	skel->rodata->id_base = ID_BASE;
	bpf_map__set_max_entries(skel->maps.dnsgen_names, N_NAMES);
	if (dnsgen_bpf__load(skel)) {
		fprintf(stderr, "# loading the XDP programs failed (%s): needs root and BPF\n",
			strerror(errno));
		exit(77);
	}
	fd = bpf_map__fd(skel->maps.dnsgen_names);
	for (i = 0; i < N_NAMES; i++) {
		if (bpf_map_update_elem(fd, &i, &names[i], BPF_ANY)) {
			fprintf(stderr, "# filling dnsgen_names failed (%s)\n", strerror(errno));
			exit(1);
		}
	}
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	dnsgen_bpf__destroy(skel);
	(void)state;
	return 0;
}

static uint64_t counter(enum dnsgen_counter idx)
{
	uint64_t sum = 0;

	assert_int_equal(test_xdp_counter(bpf_map__fd(skel->maps.dnsgen_counters), idx, &sum), 0);
	return sum;
}

static struct dnsgen_slot slot_of(uint16_t id)
{
	struct dnsgen_slot slot;
	uint32_t key = id;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.dnsgen_slots), &key, &slot), 0);
	return slot;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Run dnsgen_query on a junk frame; returns the index of the name it asked for. */
static int send_query(uint8_t *out, uint32_t *out_len)
{
	uint8_t junk[100];
	int verdict, i;

	memset(junk, 0xab, sizeof(junk));
	*out_len = DNSGEN_FRAME_MAX;
	verdict = test_xdp_run(bpf_program__fd(skel->progs.dnsgen_query), LO_IFINDEX, junk,
			       sizeof(junk), out, out_len, NULL);
	assert_int_equal(verdict, XDP_TX);
	for (i = 0; i < N_NAMES; i++) {
		if (*out_len == names[i].frame_len &&
		    memcmp(out + DNSGEN_QNAME_OFF, names[i].frame + DNSGEN_QNAME_OFF,
			   names[i].qname_len) == 0)
			return i;
	}
	fail_msg("the query frame asks for none of the names");
	return -1;
}

static int run_client(const uint8_t *in, size_t len)
{
	uint8_t out[RESPONSE_MAX];
	uint32_t out_len = sizeof(out);
	int verdict;

	verdict = test_xdp_run(bpf_program__fd(skel->progs.dnsgen_client), LO_IFINDEX, in, len,
			       out, &out_len, NULL);
	assert_true(verdict >= 0);
	return verdict;
}

/*
 * The server's response to query (query_len bytes) in out: addresses and
 * ports swapped, QR and RA set, response code rcode, and the answer
 * section of answer_count records in answer[0..answer_len).  Returns its
 * length.  Checksums are left as they are: dnsgen_client does not check them.
 */
static size_t make_response(const uint8_t *query, size_t query_len, uint8_t rcode,
			    const uint8_t *answer, size_t answer_len, uint16_t answer_count,
			    uint8_t *out)
{
	uint8_t *ip = out + DNSGEN_IP_OFF, *udp = out + DNSGEN_UDP_OFF;
	uint8_t *dns = out + DNSGEN_DNS_OFF;
	size_t len = query_len + answer_len;

	memcpy(out, query, query_len);
	memcpy(out, query + 6, 6);
	memcpy(out + 6, query, 6);
	memcpy(ip + 12, query + DNSGEN_IP_OFF + 16, 4);
	memcpy(ip + 16, query + DNSGEN_IP_OFF + 12, 4);
	memcpy(udp, query + DNSGEN_UDP_OFF + 2, 2);
	memcpy(udp + 2, query + DNSGEN_UDP_OFF, 2);
	put16(ip + 2, (uint16_t)(len - DNSGEN_IP_OFF));
	put16(udp + 4, (uint16_t)(len - DNSGEN_UDP_OFF));

	dns[2] |= DNSGEN_FLAGS1_QR;
	dns[3] = 0x80 | rcode;
	put16(dns + 6, answer_count);
	memcpy(out + query_len, answer, answer_len);
	return len;
}

/*
 * An A record for name idx with address text addr, its owner a
 * compression pointer to the question or the name in full.  Returns its
 * length.
 */
static size_t a_record(uint8_t *out, int idx, const char *addr, int compressed)
{
	const struct dnsgen_name *name = &names[idx];
	size_t owner_len = compressed ? 2 : name->qname_len;
	uint8_t *p = out + owner_len;
	struct in_addr a;

	if (compressed)
		put16(out, 0xc000 | DNSGEN_HDR_LEN);
	else
		memcpy(out, name->frame + DNSGEN_QNAME_OFF, name->qname_len);
	put16(p, DNSGEN_TYPE_A);
	put16(p + 2, DNSGEN_CLASS_IN);
	put16(p + 4, 0);
	put16(p + 6, 3600);	/* TTL */
	put16(p + 8, 4);
	inet_pton(AF_INET, addr, &a);
	memcpy(p + 10, &a, 4);
	return owner_len + 14;
}

/* Send a query and build the response that answers it with addr. */
static size_t answered_query(uint8_t *out, const char *addr, int compressed)
{
	uint8_t query[DNSGEN_FRAME_MAX], answer[DNSGEN_NAME_MAX + 14];
	uint32_t query_len;
	int idx = send_query(query, &query_len);
	size_t answer_len = a_record(answer, idx, addr ? addr : addr_text[idx], compressed);

	return make_response(query, query_len, 0, answer, answer_len, 1, out);
}

static void test_query_frame(void **state)
{
	uint8_t out[DNSGEN_FRAME_MAX];
	uint32_t out_len, seq, pseudo;
	const uint8_t *ip = out + DNSGEN_IP_OFF, *udp = out + DNSGEN_UDP_OFF;
	const uint8_t *dns = out + DNSGEN_DNS_OFF;
	uint64_t sent = counter(DNSGEN_TX_QUERY);
	struct dnsgen_slot slot;
	uint16_t id, port;
	int seen[N_NAMES] = { 0 };
	int n, idx;

	/*
	 * Enough queries to wrap the ID and, but for a chance of 1 in 2^19,
	 * to ask for both names.
	 */
	for (n = 0; n < 20; n++) {
		seq = skel->bss->next_seq;
		idx = send_query(out, &out_len);
		seen[idx]++;

		/* The name's frame with the ID, the source port and the checksum written. */
		assert_memory_equal(out, names[idx].frame, DNSGEN_UDP_OFF);
		assert_memory_equal(udp + 2, names[idx].frame + DNSGEN_UDP_OFF + 2, 4);
		assert_memory_equal(dns + 2, names[idx].frame + DNSGEN_DNS_OFF + 2,
				    out_len - DNSGEN_DNS_OFF - 2);
		id = get16(dns);
		port = get16(udp);
		assert_int_equal(id, (ID_BASE + seq) & 0xffff);
		assert_int_equal(port, DNSGEN_BASE_PORT + seq % N_CLIENTS);

		assert_int_equal(get16(ip + 2), out_len - DNSGEN_IP_OFF);
		assert_int_equal(test_csum_fold(test_csum_add(ip, 20, 0)), 0xffff);
		assert_int_equal(get16(udp + 4), out_len - DNSGEN_UDP_OFF);
		assert_int_not_equal(get16(udp + 6), 0);
		pseudo = test_csum_add(ip + 12, 8, 0) + IPPROTO_UDP + get16(udp + 4);
		assert_int_equal(test_csum_fold(test_csum_add(udp, out_len - DNSGEN_UDP_OFF, pseudo)),
				 0xffff);

		slot = slot_of(id);
		assert_int_equal(slot.state, DNSGEN_SLOT_PENDING);
		assert_int_equal(slot.name_idx, idx);
		assert_int_equal(slot.port, htons(port));
	}
	assert_true(seen[0] > 0);
	assert_true(seen[1] > 0);
	assert_int_equal(counter(DNSGEN_TX_QUERY), sent + 20);
	(void)state;
}

static void test_answer_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), matched = counter(DNSGEN_RX_MATCHED);
	size_t len = answered_query(resp, NULL, 1);

	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered + 1);
	assert_int_equal(counter(DNSGEN_RX_MATCHED), matched + 1);
	assert_int_equal(slot_of(get16(resp + DNSGEN_DNS_OFF)).state, DNSGEN_SLOT_DONE);
	(void)state;
}

static void test_uncompressed_owner_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	uint64_t answered = counter(DNSGEN_RX_ANSWERED);
	size_t len = answered_query(resp, NULL, 0);

	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered + 1);
	(void)state;
}

static void test_duplicate_not_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, NULL, 1);
	uint64_t answered, dups = counter(DNSGEN_RX_DUP);

	assert_int_equal(run_client(resp, len), XDP_DROP);
	answered = counter(DNSGEN_RX_ANSWERED);
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_DUP), dups + 1);
	(void)state;
}

static void test_bad_id_not_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, NULL, 1);
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), stale = counter(DNSGEN_RX_STALE);
	uint16_t id = get16(resp + DNSGEN_DNS_OFF);

	/* IDs below ID_BASE - 0x100 are not sent by the few queries of this test. */
	put16(resp + DNSGEN_DNS_OFF, (uint16_t)(id - 0x100));
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_STALE), stale + 1);
	assert_int_equal(slot_of(id).state, DNSGEN_SLOT_PENDING);
	(void)state;
}

static void test_wrong_port_not_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, NULL, 1);
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), stale = counter(DNSGEN_RX_STALE);
	uint16_t port = get16(resp + DNSGEN_UDP_OFF + 2);

	/* Another client's port, still in the generator's range. */
	put16(resp + DNSGEN_UDP_OFF + 2,
	      (uint16_t)(DNSGEN_BASE_PORT + (port - DNSGEN_BASE_PORT + 1) % N_CLIENTS));
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_STALE), stale + 1);
	(void)state;
}

static void test_wrong_address_not_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, "10.201.9.9", 1);
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), wrong = counter(DNSGEN_RX_WRONG_ANSWER);

	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_WRONG_ANSWER), wrong + 1);
	(void)state;
}

static void test_error_rcode_not_counted(void **state)
{
	uint8_t query[DNSGEN_FRAME_MAX], resp[RESPONSE_MAX];
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), rcode = counter(DNSGEN_RX_RCODE);
	uint32_t query_len;
	size_t len;

	send_query(query, &query_len);
	len = make_response(query, query_len, 3, NULL, 0, 0, resp);	/* NXDOMAIN */
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_RCODE), rcode + 1);
	(void)state;
}

static void test_no_answer_matched_only(void **state)
{
	uint8_t query[DNSGEN_FRAME_MAX], resp[RESPONSE_MAX];
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), matched = counter(DNSGEN_RX_MATCHED);
	uint64_t none = counter(DNSGEN_RX_NO_ANSWER);
	uint32_t query_len;
	size_t len;

	/* What the reflector sends: the query with QR set. */
	send_query(query, &query_len);
	len = make_response(query, query_len, 0, NULL, 0, 0, resp);
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_MATCHED), matched + 1);
	assert_int_equal(counter(DNSGEN_RX_NO_ANSWER), none + 1);
	(void)state;
}

static void test_query_not_counted(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, NULL, 1);
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), bad = counter(DNSGEN_RX_MALFORMED);

	resp[DNSGEN_DNS_OFF + 2] &= (uint8_t)~DNSGEN_FLAGS1_QR;
	assert_int_equal(run_client(resp, len), XDP_DROP);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_RX_MALFORMED), bad + 1);
	(void)state;
}

static void test_other_traffic_passed(void **state)
{
	uint8_t resp[RESPONSE_MAX];
	size_t len = answered_query(resp, NULL, 1);
	uint64_t answered = counter(DNSGEN_RX_ANSWERED), other = counter(DNSGEN_OTHER);

	/* A port above the clients' range, as dig's own query would use. */
	put16(resp + DNSGEN_UDP_OFF + 2, DNSGEN_BASE_PORT + N_CLIENTS);
	assert_int_equal(run_client(resp, len), XDP_PASS);

	len = answered_query(resp, NULL, 1);
	put16(resp + 12, 0x0806);	/* ARP */
	assert_int_equal(run_client(resp, len), XDP_PASS);
	assert_int_equal(counter(DNSGEN_RX_ANSWERED), answered);
	assert_int_equal(counter(DNSGEN_OTHER), other + 2);
	(void)state;
}

static void test_name_encoding(void **state)
{
	uint8_t out[DNSGEN_NAME_MAX];
	char label64[80], name256[300];

	assert_int_equal(dnsgen_name_encode("ab.c", out), 6);
	assert_memory_equal(out, "\x02" "ab" "\x01" "c" "\x00", 6);
	assert_int_equal(dnsgen_name_encode("ab.c.", out), 6);
	assert_int_equal(dnsgen_name_encode(".", out), 1);
	assert_int_equal(dnsgen_name_encode("", out), 0);
	assert_int_equal(dnsgen_name_encode("a..b", out), 0);
	assert_int_equal(dnsgen_name_encode(".a", out), 0);

	memset(label64, 'x', 64);
	label64[64] = '\0';
	assert_int_equal(dnsgen_name_encode(label64, out), 0);
	label64[63] = '\0';
	assert_int_equal(dnsgen_name_encode(label64, out), 65);

	/* 63 + 63 + 63 + 61 bytes of labels: 254 with length bytes, 255 with the root. */
	snprintf(name256, sizeof(name256), "%.63s.%.63s.%.63s.%.61s", label64, label64, label64,
		 label64);
	assert_int_equal(dnsgen_name_encode(name256, out), 255);
	snprintf(name256, sizeof(name256), "%.63s.%.63s.%.63s.%.62s", label64, label64, label64,
		 label64);
	assert_int_equal(dnsgen_name_encode(name256, out), 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_encoding),
		cmocka_unit_test(test_query_frame),
		cmocka_unit_test(test_answer_counted),
		cmocka_unit_test(test_uncompressed_owner_counted),
		cmocka_unit_test(test_duplicate_not_counted),
		cmocka_unit_test(test_bad_id_not_counted),
		cmocka_unit_test(test_wrong_port_not_counted),
		cmocka_unit_test(test_wrong_address_not_counted),
		cmocka_unit_test(test_error_rcode_not_counted),
		cmocka_unit_test(test_no_answer_matched_only),
		cmocka_unit_test(test_query_not_counted),
		cmocka_unit_test(test_other_traffic_passed),
	};

	return cmocka_run_group_tests_name("dnsgen_xdp", tests, setup, teardown);
}
