// SPDX-License-Identifier: MIT
/*
 * rb-dhcp4-send: send DHCPv4 request frames, valid or malformed in one
 * named way, on an interface through an AF_PACKET socket.  For tests that
 * flood rackbootd with bad input inside their own network namespace.
 *
 *   rb-dhcp4-send IFACE MAC CASE COUNT
 *
 * Case random_mac sends DISCOVERs from a new MAC in each frame, as a
 * pool starvation attack does: MAC keeps its first byte, and the other
 * five bytes are a mix of the frame number.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/dhcp4_pkt.h"

#define MAX_COUNT 100000

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define EMPTY8 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0, 224, 0
#define EMPTY64 EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8, EMPTY8

/* One kind of frame: how its request is built and cut. */
struct send_case {
	const char *name;
	const uint8_t *opts;
	size_t opts_len;
	size_t pad_to;		/* 0: 300 like clients, 1: no padding */
	uint8_t op, hlen;
	int no_cookie;
	size_t cut_to;		/* frame length after cutting, 0: keep */
	int udp_len_delta;
	int random_mac;		/* another source and client MAC per frame */
};

static const struct send_case cases[] = {
	{ .name = "discover", .opts = OPTS(53, 1, 1, 255) },
	{ .name = "short", .opts = OPTS(53, 1, 1, 255), .cut_to = 42 + 100 },
	{ .name = "udp_length", .opts = OPTS(53, 1, 1, 255), .udp_len_delta = -100 },
	{ .name = "bootreply", .opts = OPTS(53, 1, 2, 255), .op = 2 },
	{ .name = "hlen17", .opts = OPTS(53, 1, 1, 255), .hlen = 17 },
	{ .name = "cookie", .opts = OPTS(53, 1, 1, 255), .no_cookie = 1 },
	{ .name = "option_past_end", .opts = OPTS(53, 1, 1, 12, 200, 'a'), .pad_to = 1 },
	{ .name = "no_end", .opts = OPTS(53, 1, 1, 1, 4, 255, 255, 255, 0) },
	{ .name = "bad_length", .opts = OPTS(53, 0, 255) },
	{ .name = "too_many", .opts = OPTS(53, 1, 1, EMPTY64, EMPTY64, EMPTY64, EMPTY64, 255) },
	{ .name = "huge", .opts = OPTS(53, 1, 1, 255), .pad_to = 1600 },
	{ .name = "random_mac", .opts = OPTS(53, 1, 1, 255), .random_mac = 1 },
};

static const struct send_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	}
	return NULL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/*
 * The MAC of frame n: the first byte of base, then 40 bits of n times an
 * odd constant, so that frames up to MAX_COUNT get distinct addresses
 * that look random.
 */
static void frame_mac(const uint8_t base[6], long n, uint8_t out[6])
{
	uint64_t mix = (uint64_t)n * 0x9e3779b97fULL;

	out[0] = base[0];
	for (int i = 1; i < 6; i++)
		out[i] = (uint8_t)(mix >> (8 * (i - 1)));
}

static size_t build(const struct send_case *c, const uint8_t mac[6], uint32_t xid,
		    uint8_t *frame, size_t size)
{
	struct test_dhcp4_req r = {
		.op = c->op, .hlen = c->hlen, .no_cookie = c->no_cookie, .xid = xid,
		.opts = c->opts, .opts_len = c->opts_len,
		.pad_to = c->pad_to ? c->pad_to : 300,
	};
	size_t len;

	memcpy(r.mac, mac, 6);
	len = test_dhcp4_frame(&r, frame, size);
	if (len && c->udp_len_delta) {
		int udp_len = (frame[38] << 8 | frame[39]) + c->udp_len_delta;

		frame[38] = (uint8_t)(udp_len >> 8);
		frame[39] = (uint8_t)udp_len;
	}
	if (len && c->cut_to && c->cut_to < len)
		len = c->cut_to;
	return len;
}

static void usage(void)
{
	fprintf(stderr, "usage: rb-dhcp4-send IFACE MAC CASE COUNT\ncases:");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	const struct send_case *c;
	uint8_t mac[6], frame[2048];
	long count;
	int fd;

	if (argc != 5) {
		usage();
		return 2;
	}
	c = find_case(argv[3]);
	count = strtol(argv[4], NULL, 10);
	if (!c || parse_mac(argv[2], mac) || count < 1 || count > MAX_COUNT) {
		usage();
		return 2;
	}
	to.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (to.sll_ifindex == 0) {
		fprintf(stderr, "rb-dhcp4-send: interface %s not found\n", argv[1]);
		return 1;
	}
	memset(to.sll_addr, 0xff, ETH_ALEN);

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	if (fd < 0) {
		fprintf(stderr, "rb-dhcp4-send: AF_PACKET socket failed: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < count; i++) {
		uint8_t src[6];
		size_t len;

		memcpy(src, mac, 6);
		if (c->random_mac)
			frame_mac(mac, i + 1, src);
		len = build(c, src, htonl((uint32_t)i + 1), frame, sizeof(frame));

		if (len == 0 || sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			fprintf(stderr, "rb-dhcp4-send: sending frame %ld of case %s failed: %s\n",
				i + 1, c->name, len ? strerror(errno) : "frame too long");
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}
