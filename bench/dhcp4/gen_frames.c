// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <string.h>

#include "gen_frames.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define BOOTP_FLAG_BROADCAST	0x8000

/* One's complement sum of len bytes (len even) as 16-bit words in memory order. */
static uint64_t sum_words(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	uint16_t word;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&word, p + i, 2);
		sum += word;
	}
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Ethernet, IPv4 and UDP headers from client 0 to 255.255.255.255:67,
 * for a BOOTP message of bootp_len bytes.
 */
static void write_headers(uint8_t *frame, size_t bootp_len)
{
	uint8_t *ip = frame + GEN_IP_OFF;
	uint8_t *udp = frame + GEN_UDP_OFF;
	uint16_t v16, check;

	memset(frame, 0xff, 6);
	frame[6] = GEN_MAC_PREFIX0;
	frame[7] = GEN_MAC_PREFIX1;
	frame[12] = 0x08;	/* EtherType IPv4 */

	ip[0] = 0x45;		/* version 4, 20-byte header */
	v16 = htons(20 + 8 + bootp_len);
	memcpy(ip + 2, &v16, 2);
	ip[8] = 64;		/* TTL */
	ip[9] = 17;		/* UDP */
	memset(ip + 16, 0xff, 4);
	check = fold(sum_words(ip, 20));
	memcpy(ip + 10, &check, 2);

	v16 = htons(DHCP_CLIENT_PORT);
	memcpy(udp, &v16, 2);
	v16 = htons(DHCP_SERVER_PORT);
	memcpy(udp + 2, &v16, 2);
	v16 = htons(8 + bootp_len);
	memcpy(udp + 4, &v16, 2);
}

/* BOOTREQUEST header and magic cookie; options are up to the caller. */
static void write_bootp(uint8_t *bootp)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };
	uint16_t flags = htons(BOOTP_FLAG_BROADCAST);

	bootp[0] = 1;		/* BOOTREQUEST */
	bootp[1] = 1;		/* Ethernet */
	bootp[2] = 6;		/* hardware address length */
	memcpy(bootp + 10, &flags, 2);
	bootp[GEN_CHADDR_OFF] = GEN_MAC_PREFIX0;
	bootp[GEN_CHADDR_OFF + 1] = GEN_MAC_PREFIX1;
	memcpy(bootp + 236, cookie, 4);
}

/* Checksum sum of the pseudo header, UDP header and BOOTP message. */
static uint64_t udp_sum(const uint8_t *frame, size_t bootp_len)
{
	const uint8_t *ip = frame + GEN_IP_OFF;
	uint8_t pseudo[12] = { 0 };

	memcpy(pseudo, ip + 12, 8);	/* source and destination address */
	pseudo[9] = ip[9];
	memcpy(pseudo + 10, frame + GEN_UDP_OFF + 4, 2);
	return sum_words(pseudo, sizeof(pseudo)) +
	       sum_words(frame + GEN_UDP_OFF, 8 + bootp_len);
}

void gen_frames_build(struct gen_frames *frames, uint32_t server_id)
{
	static const uint8_t discover_opts[] = {
		53, 1, 1,			/* DHCPDISCOVER */
		55, 4, 1, 3, 6, 51,		/* subnet mask, router, DNS, lease time */
		255,
	};
	static const uint8_t request_head[] = {
		53, 1, 3,			/* DHCPREQUEST */
		0,				/* pad: option 50's value at an even offset */
		50, 4, 0, 0, 0, 0,		/* requested address, written by XDP */
		54, 4,				/* server identifier, value follows */
	};
	static const uint8_t request_tail[] = {
		255,
	};
	uint8_t *opts;

	memset(frames, 0, sizeof(*frames));

	write_headers(frames->discover, GEN_BOOTP_LEN);
	write_bootp(frames->discover + GEN_BOOTP_OFF);
	opts = frames->discover + GEN_BOOTP_OFF + GEN_OPTIONS_OFF;
	memcpy(opts, discover_opts, sizeof(discover_opts));
	frames->discover_sum = udp_sum(frames->discover, GEN_BOOTP_LEN);

	write_headers(frames->request, GEN_REQ_BOOTP_LEN);
	write_bootp(frames->request + GEN_BOOTP_OFF);
	opts = frames->request + GEN_BOOTP_OFF + GEN_OPTIONS_OFF;
	memcpy(opts, request_head, sizeof(request_head));
	memcpy(opts + sizeof(request_head), &server_id, 4);
	memcpy(opts + sizeof(request_head) + 4, request_tail, sizeof(request_tail));
	frames->request_sum = udp_sum(frames->request, GEN_REQ_BOOTP_LEN);
}

_Static_assert(GEN_OPTIONS_OFF + 6 == GEN_REQ_IP_OFF,
	       "option 50's value must sit where gen.bpf.c writes it");
