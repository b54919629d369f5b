// SPDX-License-Identifier: MIT
/*
 * rb-dns-send: send one hand-made DNS message, valid or malformed, and
 * print what came back, for tests/integration/dns.sh.
 *
 *   rb-dns-send ADDRESS PORT CASE [NAME]
 *
 * UDP cases (NAME is unused): short (5 bytes), bad-label (a label that
 * runs past the end), loop (a name that points at itself), qdcount0,
 * notimp (opcode STATUS), badvers (EDNS version 1).  Prints "rcode N"
 * with the extended rcode of an OPT record included, or "no response"
 * after 1 s.
 *
 * TCP cases: pipeline (three queries for NAME in one write; prints
 * "responses N" for the responses read within 2 s, each checked for its
 * query's ID), idle (connects and sends nothing; prints "closed after N
 * ms" when the server closes, or "open" after 30 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/dns_wire.h"

union addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

static socklen_t parse_addr(const char *text, const char *port, union addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, &a->sin.sin_addr) == 1) {
		a->sin.sin_family = AF_INET;
		a->sin.sin_port = htons((uint16_t)atoi(port));
		return sizeof(a->sin);
	}
	if (inet_pton(AF_INET6, text, &a->sin6.sin6_addr) == 1) {
		a->sin6.sin6_family = AF_INET6;
		a->sin6.sin6_port = htons((uint16_t)atoi(port));
		return sizeof(a->sin6);
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A header with id, flags and counts. */
static size_t header(uint8_t *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t ar)
{
	memset(p, 0, 12);
	rb_dns_put_u16(p, id);
	rb_dns_put_u16(p + 2, flags);
	rb_dns_put_u16(p + 4, qd);
	rb_dns_put_u16(p + 10, ar);
	return 12;
}

/* A question for name (text) type A class IN at p; returns its length. */
static size_t question(uint8_t *p, const char *name)
{
	size_t len = rb_dns_name_from_text(name, (const uint8_t *)"", 1, p);

	rb_dns_put_u16(p + len, 1);
	rb_dns_put_u16(p + len + 2, 1);
	return len + 4;
}

static size_t make_case(const char *name, uint8_t *p)
{
	size_t len;

	if (strcmp(name, "short") == 0) {
		memcpy(p, "\x12\x34\x01\x00\x00", 5);
		return 5;
	}
	if (strcmp(name, "bad-label") == 0) {
		len = header(p, 0x1001, RB_DNS_FLAG_RD, 1, 0);
		p[len++] = 60;
		memcpy(p + len, "abc", 3);
		return len + 3;
	}
	if (strcmp(name, "loop") == 0) {
		len = header(p, 0x1002, RB_DNS_FLAG_RD, 1, 0);
		p[len++] = 0xc0;
		p[len++] = 12;
		rb_dns_put_u16(p + len, 1);
		rb_dns_put_u16(p + len + 2, 1);
		return len + 4;
	}
	if (strcmp(name, "qdcount0") == 0)
		return header(p, 0x1003, RB_DNS_FLAG_RD, 0, 0);
	if (strcmp(name, "notimp") == 0) {
		len = header(p, 0x1004, 2 << 11, 1, 0);
		return len + question(p + len, "rack1-node01.lab.rackboot.test");
	}
	if (strcmp(name, "badvers") == 0) {
		len = header(p, 0x1005, RB_DNS_FLAG_RD, 1, 1);
		len += question(p + len, "rack1-node01.lab.rackboot.test");
		/* OPT: root name, type 41, size 1232, version 1. */
		memcpy(p + len, "\x00\x00\x29\x04\xd0\x00\x01\x00\x00\x00\x00", 11);
		return len + 11;
	}
	return 0;
}

/* The rcode of a response, with the upper bits from an OPT record when there is one. */
static unsigned int rcode_of(const uint8_t *msg, size_t len)
{
	struct rb_dns_reader r;
	uint8_t name[RB_DNS_NAME_MAX];
	unsigned int rcode = msg[3] & 0xf, records;

	rb_dns_reader_init(&r, msg, len);
	rb_dns_skip(&r, 6);
	records = rb_dns_read_u16(&r);
	records += rb_dns_read_u16(&r);
	records += rb_dns_read_u16(&r);
	/* Skip the question, then walk every record looking for OPT. */
	if (msg[5] == 1) {
		rb_dns_read_name(&r, name);
		rb_dns_skip(&r, 4);
	}
	for (unsigned int i = 0; i < records && !r.err; i++) {
		uint16_t type;
		uint32_t ttl;

		rb_dns_read_name(&r, name);
		type = rb_dns_read_u16(&r);
		rb_dns_skip(&r, 2);
		ttl = rb_dns_read_u32(&r);
		rb_dns_skip(&r, rb_dns_read_u16(&r));
		if (!r.err && type == RB_DNS_OPT)
			rcode |= (ttl >> 24) << 4;
	}
	return rcode;
}

static int run_udp(const union addr *a, socklen_t alen, const char *name)
{
	uint8_t msg[512], reply[4096];
	size_t len = make_case(name, msg);
	struct pollfd pfd;
	ssize_t n;
	int fd;

	if (!len) {
		fprintf(stderr, "rb-dns-send: unknown case '%s'\n", name);
		return 2;
	}
	fd = socket(a->sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, msg, len, 0, &a->sa, alen) < 0) {
		perror("rb-dns-send: send");
		return 1;
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 1000) <= 0) {
		printf("no response\n");
		return 0;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 12) {
		printf("no response\n");
		return 0;
	}
	printf("rcode %u\n", rcode_of(reply, (size_t)n));
	return 0;
}

static int connect_tcp(const union addr *a, socklen_t alen)
{
	int fd = socket(a->sa.sa_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, &a->sa, alen) < 0) {
		perror("rb-dns-send: connect");
		return -1;
	}
	return fd;
}

static int run_pipeline(int fd, const char *qname)
{
	uint8_t buf[3 * 600], in[65536 + 2];
	size_t len = 0, have = 0;
	unsigned int responses = 0;
	uint64_t deadline = now_ms() + 2000;

	for (uint16_t i = 0; i < 3; i++) {
		size_t start = len + 2;
		size_t n = header(buf + start, (uint16_t)(0x2000 + i), RB_DNS_FLAG_RD, 1, 0);

		n += question(buf + start + n, qname);
		rb_dns_put_u16(buf + len, (uint16_t)n);
		len = start + n;
	}
	if (write(fd, buf, len) != (ssize_t)len) {
		perror("rb-dns-send: write");
		return 1;
	}
	while (responses < 3 && now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = read(fd, in + have, sizeof(in) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		while (have >= 2 && have >= 2 + (size_t)(in[0] << 8 | in[1])) {
			size_t mlen = (size_t)(in[0] << 8 | in[1]);

			if (mlen >= 2 && (in[2] << 8 | in[3]) == 0x2000 + (int)responses)
				responses++;
			memmove(in, in + 2 + mlen, have - 2 - mlen);
			have -= 2 + mlen;
		}
	}
	printf("responses %u\n", responses);
	return 0;
}

static int run_idle(int fd)
{
	uint64_t start = now_ms();
	uint8_t byte;

	while (now_ms() - start < 30000) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 200) > 0 && read(fd, &byte, 1) <= 0) {
			printf("closed after %llu ms\n", (unsigned long long)(now_ms() - start));
			return 0;
		}
	}
	printf("open\n");
	return 0;
}

int main(int argc, char **argv)
{
	union addr a;
	socklen_t alen;
	int fd, ret;

	if (argc < 4 || !(alen = parse_addr(argv[1], argv[2], &a))) {
		fprintf(stderr, "usage: rb-dns-send ADDRESS PORT CASE [NAME]\n");
		return 2;
	}
	if (strcmp(argv[3], "pipeline") != 0 && strcmp(argv[3], "idle") != 0)
		return run_udp(&a, alen, argv[3]);

	fd = connect_tcp(&a, alen);
	if (fd < 0)
		return 1;
	ret = strcmp(argv[3], "idle") == 0 ? run_idle(fd) :
					      run_pipeline(fd, argc > 4 ? argv[4] : "ns.lab.rackboot.test");
	close(fd);
	return ret;
}
