// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <string.h>

#include "gen6_frames.h"
#include "gen_sum.h"

#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547
#define OPTION_CLIENTID		1
#define OPTION_IA_NA		3
#define OPTION_IAADDR		5
#define OPTION_ORO		6
#define OPTION_ELAPSED_TIME	8
#define OPTION_DNS_SERVERS	23
#define DUID_LL			3
#define HWTYPE_ETHERNET		1
#define IAID			1
#define IPPROTO_UDP_NUMBER	17
#define HOP_LIMIT		1

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
	return p + 4;
}

/*
 * Ethernet and IPv6 headers from client 0's link-local address to
 * ff02::1:2 (All_DHCP_Relay_Agents_and_Servers), and the UDP ports.
 * payload_len 0 leaves both length fields for the XDP program.
 */
static void write_headers(uint8_t *frame, uint16_t payload_len)
{
	static const uint8_t dst_mac[6] = { 0x33, 0x33, 0x00, 0x01, 0x00, 0x02 };
	uint8_t *ip6 = frame + GEN6_IP6_OFF;
	uint8_t *udp = frame + GEN6_UDP_OFF;

	memcpy(frame, dst_mac, 6);
	frame[6] = GEN_MAC_PREFIX0;
	frame[7] = GEN_MAC_PREFIX1;
	put16(frame + 12, 0x86dd);

	ip6[0] = 0x60;		/* version 6, traffic class and flow label 0 */
	put16(ip6 + 4, payload_len);
	ip6[6] = IPPROTO_UDP_NUMBER;
	ip6[7] = HOP_LIMIT;
	ip6[GEN6_SRC_ADDR_OFF] = 0xfe;
	ip6[GEN6_SRC_ADDR_OFF + 1] = 0x80;
	ip6[GEN6_SRC_ADDR_OFF + 8] = GEN_MAC_PREFIX0;
	ip6[GEN6_SRC_ADDR_OFF + 9] = GEN_MAC_PREFIX1;
	ip6[GEN6_DST_ADDR_OFF] = 0xff;
	ip6[GEN6_DST_ADDR_OFF + 1] = 0x02;
	ip6[GEN6_DST_ADDR_OFF + 13] = 0x01;
	ip6[GEN6_DST_ADDR_OFF + 15] = 0x02;

	put16(udp, DHCP6_CLIENT_PORT);
	put16(udp + 2, DHCP6_SERVER_PORT);
	put16(udp + 4, payload_len);
}

/* Client Identifier with client 0's DUID-LL; returns the end. */
static uint8_t *put_client_id(uint8_t *p)
{
	p = put16(p, OPTION_CLIENTID);
	p = put16(p, GEN6_CLIENT_ID_LEN);
	p = put16(p, DUID_LL);
	p = put16(p, HWTYPE_ETHERNET);
	*p++ = GEN_MAC_PREFIX0;
	*p++ = GEN_MAC_PREFIX1;
	return p + 4;
}

/* Elapsed Time 0 and an Option Request for DNS servers; returns the end. */
static uint8_t *put_elapsed_and_oro(uint8_t *p)
{
	p = put16(p, OPTION_ELAPSED_TIME);
	p = put16(p, 2);
	p = put16(p, 0);
	p = put16(p, OPTION_ORO);
	p = put16(p, 2);
	return put16(p, OPTION_DNS_SERVERS);
}

/* Checksum sum of the pseudo header (RFC 8200 section 8.1), UDP header and message. */
static uint64_t udp_sum(const uint8_t *frame, size_t msg_len)
{
	const uint8_t *ip6 = frame + GEN6_IP6_OFF;
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip6 + GEN6_SRC_ADDR_OFF, 32);	/* source and destination */
	memcpy(pseudo + 34, frame + GEN6_UDP_OFF + 4, 2);	/* upper-layer length */
	pseudo[39] = ip6[6];
	return gen_sum_words(pseudo, sizeof(pseudo)) +
	       gen_sum_words(frame + GEN6_UDP_OFF, 8 + msg_len);
}

void gen6_frames_build(struct gen6_frames *frames)
{
	uint8_t *msg, *p;

	memset(frames, 0, sizeof(*frames));

	write_headers(frames->solicit, 8 + GEN6_SOLICIT_LEN);
	msg = frames->solicit + GEN6_MSG_OFF;
	p = put_client_id(msg + 4);
	p = put16(p, OPTION_IA_NA);
	p = put16(p, 12);
	p = put32(p, IAID);
	p += 8;				/* T1 and T2 0: no preference */
	p = put_elapsed_and_oro(p);
	frames->solicit_sum = udp_sum(frames->solicit, GEN6_SOLICIT_LEN);

	write_headers(frames->request, 0);
	msg = frames->request + GEN6_MSG_OFF;
	p = put_client_id(msg + 4);
	p = put16(p, OPTION_IA_NA);
	p = put16(p, 12 + 4 + 24);
	p = put32(p, IAID);
	p += 8;
	p = put16(p, OPTION_IAADDR);
	p = put16(p, 24);
	p += 16 + 8;			/* address, written by XDP; lifetimes 0 */
	p = put_elapsed_and_oro(p);
	frames->request_sum = udp_sum(frames->request, GEN6_REQUEST_FIXED_LEN);
}

_Static_assert(GEN6_CLIENT_ID_OFF + 4 + 6 == GEN6_DUID_INDEX_OFF,
	       "the client index must sit where gen6.bpf.c writes it in the DUID");
_Static_assert(4 + 4 + GEN6_CLIENT_ID_LEN + 4 + 12 + 4 == GEN6_REQ_ADDR_OFF,
	       "the IA Address must sit where gen6.bpf.c writes it");
_Static_assert(4 + 14 + 16 + 6 + 6 == GEN6_SOLICIT_LEN, "Solicit layout");
_Static_assert(4 + 14 + 44 + 6 + 6 == GEN6_REQUEST_FIXED_LEN, "Request layout");
