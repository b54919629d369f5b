// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <string.h>

#include "gen_frames.h"
#include "gen_sum.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define BOOTP_FLAG_BROADCAST	0x8000

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
	check = gen_sum_fold(gen_sum_words(ip, 20));
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
	frames->discover_sum = gen_sum_udp4(frames->discover + GEN_IP_OFF, 8 + GEN_BOOTP_LEN);

	write_headers(frames->request, GEN_REQ_BOOTP_LEN);
	write_bootp(frames->request + GEN_BOOTP_OFF);
	opts = frames->request + GEN_BOOTP_OFF + GEN_OPTIONS_OFF;
	memcpy(opts, request_head, sizeof(request_head));
	memcpy(opts + sizeof(request_head), &server_id, 4);
	memcpy(opts + sizeof(request_head) + 4, request_tail, sizeof(request_tail));
	frames->request_sum = gen_sum_udp4(frames->request + GEN_IP_OFF, 8 + GEN_REQ_BOOTP_LEN);
}

_Static_assert(GEN_OPTIONS_OFF + 6 == GEN_REQ_IP_OFF,
	       "option 50's value must sit where gen.bpf.c writes it");
