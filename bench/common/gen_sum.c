// SPDX-License-Identifier: MIT
#include <string.h>

#include "gen_sum.h"

#define IPV4_HDR_LEN	20

uint64_t gen_sum_words(const uint8_t *p, size_t len)
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

uint16_t gen_sum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint64_t gen_sum_udp4(const uint8_t *ip, size_t udp_len)
{
	const uint8_t *udp = ip + IPV4_HDR_LEN;
	uint8_t pseudo[12] = { 0 };

	memcpy(pseudo, ip + 12, 8);	/* source and destination address */
	pseudo[9] = ip[9];		/* protocol */
	memcpy(pseudo + 10, udp + 4, 2);	/* UDP length */
	return gen_sum_words(pseudo, sizeof(pseudo)) + gen_sum_words(udp, (udp_len + 1) & ~(size_t)1);
}
