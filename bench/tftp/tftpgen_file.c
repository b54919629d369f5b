// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tftpgen.h"
#include "tftpgen_file.h"

#define WRITE_WORDS	8192	/* 64 KiB per write */

/* Write size bytes of the pattern to path, replacing the file. */
int tftpgen_write_file(const char *path, uint64_t size)
{
	uint64_t buf[WRITE_WORDS], k = 0, left = size;
	size_t i, n;
	FILE *f = fopen(path, "wb");

	if (!f) {
		int err = -errno;

		fprintf(stderr, "rb-tftp-gen: creating %s failed: %s\n", path, strerror(-err));
		return err;
	}
	while (left) {
		for (i = 0; i < WRITE_WORDS; i++)
			buf[i] = htole64(tftpgen_word(k + i));
		n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		if (fwrite(buf, 1, n, f) != n)
			break;
		k += WRITE_WORDS;
		left -= n;
	}
	if (fclose(f) || left) {
		fprintf(stderr, "rb-tftp-gen: writing %s failed: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

static uint16_t ip_checksum(const uint8_t *p)
{
	uint32_t sum = 0;
	uint16_t word;
	int i;

	for (i = 0; i < 20; i += 2) {
		memcpy(&word, p + i, 2);
		sum += word;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * A DATA packet of TFTPGEN_BLKSIZE_MAX bytes from src_addr:src_port to
 * dst_addr:TFTPGEN_REFLECT_PORT, broadcast on Ethernet: 1,514 bytes.  The
 * UDP checksum is 0 (none), because only XDP programs read the frame.
 */
void tftpgen_reflect_frame(uint8_t *frame, uint32_t src_addr, uint32_t dst_addr,
			   uint16_t src_port)
{
	uint8_t *ip = frame + TFTPGEN_IP_OFF, *udp = frame + TFTPGEN_UDP_OFF;
	uint16_t v16;
	size_t i;

	memset(frame, 0, TFTPGEN_REFLECT_FRAME_LEN);
	memset(frame, 0xff, 6);
	frame[6] = 0x02;	/* locally administered source MAC */
	frame[12] = 0x08;	/* EtherType IPv4 */

	ip[0] = 0x45;		/* version 4, 20-byte header */
	v16 = htons(TFTPGEN_REFLECT_FRAME_LEN - TFTPGEN_IP_OFF);
	memcpy(ip + 2, &v16, 2);
	ip[8] = 64;		/* TTL */
	ip[9] = 17;		/* UDP */
	memcpy(ip + 12, &src_addr, 4);
	memcpy(ip + 16, &dst_addr, 4);
	v16 = ip_checksum(ip);
	memcpy(ip + 10, &v16, 2);

	v16 = htons(src_port);
	memcpy(udp, &v16, 2);
	v16 = htons(TFTPGEN_REFLECT_PORT);
	memcpy(udp + 2, &v16, 2);
	v16 = htons(TFTPGEN_REFLECT_FRAME_LEN - TFTPGEN_UDP_OFF);
	memcpy(udp + 4, &v16, 2);

	frame[TFTPGEN_TFTP_OFF + 1] = TFTPGEN_OP_DATA;
	frame[TFTPGEN_TFTP_OFF + 3] = 1;	/* block 1 */
	for (i = TFTPGEN_PAYLOAD_OFF; i < TFTPGEN_REFLECT_FRAME_LEN; i++)
		frame[i] = (uint8_t)i;
}
