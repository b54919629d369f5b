// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <string.h>

#include "dhcp4_pkt.h"

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

size_t test_dhcp4_frame(const struct test_dhcp4_req *r, uint8_t *out, size_t size)
{
	struct ethhdr eth = { 0 };
	struct iphdr ip = { 0 };
	struct udphdr udp = { 0 };
	uint8_t *m = out + TEST_DHCP4_OFF;
	size_t mlen = 240 + r->opts_len;

	if (mlen < r->pad_to)
		mlen = r->pad_to;
	if (TEST_DHCP4_OFF + mlen > size)
		return 0;
	memset(out, 0, TEST_DHCP4_OFF + mlen);

	/* Headers are built aside and copied, because out has no alignment. */
	memset(eth.h_dest, 0xff, ETH_ALEN);
	memcpy(eth.h_source, r->mac, ETH_ALEN);
	eth.h_proto = htons(ETH_P_IP);

	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = htons((uint16_t)(20 + 8 + mlen));
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = r->ip_src;
	ip.daddr = 0xffffffff;
	ip.check = ip_checksum((const uint8_t *)&ip, sizeof(ip));

	udp.source = htons(68);
	udp.dest = htons(67);
	udp.len = htons((uint16_t)(8 + mlen));

	memcpy(out, &eth, sizeof(eth));
	memcpy(out + sizeof(eth), &ip, sizeof(ip));
	memcpy(out + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));

	m[0] = r->op ? r->op : 1;
	m[1] = r->htype ? r->htype : 1;
	m[2] = r->hlen ? r->hlen : 6;
	memcpy(m + 4, &r->xid, 4);
	m[10] = (uint8_t)(r->flags >> 8);
	m[11] = (uint8_t)r->flags;
	memcpy(m + 12, &r->ciaddr, 4);
	memcpy(m + 24, &r->giaddr, 4);
	memcpy(m + 28, r->mac, 6);
	if (!r->no_cookie) {
		m[236] = 0x63;
		m[237] = 0x82;
		m[238] = 0x53;
		m[239] = 0x63;
	}
	if (r->opts_len)
		memcpy(m + 240, r->opts, r->opts_len);
	return TEST_DHCP4_OFF + mlen;
}

const uint8_t *test_dhcp4_find_option(const uint8_t *frame, size_t len, uint8_t code)
{
	size_t off = TEST_DHCP4_OFF + 240;

	while (off < len) {
		uint8_t c = frame[off];

		if (c == 255)
			return code == 255 ? frame + off : NULL;
		if (c == 0) {
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + frame[off + 1] > len)
			return NULL;
		if (c == code)
			return frame + off;
		off += 2 + frame[off + 1];
	}
	return NULL;
}

size_t test_dhcp4_msg(uint8_t *m, size_t size, const uint8_t *opts, size_t opts_len,
		      size_t min_len)
{
	memset(m, 0, size);
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	m[28] = 0x52;
	m[236] = 0x63;
	m[237] = 0x82;
	m[238] = 0x53;
	m[239] = 0x63;
	memcpy(m + 240, opts, opts_len);
	return min_len > 240 + opts_len ? min_len : 240 + opts_len;
}
