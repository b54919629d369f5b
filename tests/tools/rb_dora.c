// SPDX-License-Identifier: MIT
/*
 * rb-dora: many DHCPv4 clients in one process, each doing a full
 * DISCOVER, OFFER, REQUEST, ACK exchange over one AF_PACKET socket.
 * For tests that need tens of thousands of distinct clients inside
 * their own network namespace.
 *
 *   rb-dora IFACE COUNT SECONDS OUT [WINDOW]
 *
 * Client i (0-based) has MAC 02:d0:ii:ii:ii:ii (i in big-endian) and
 * xid 0x5a000000 + i.  At most WINDOW clients (default 256) are in an
 * exchange at once.  A client without a reply for 1 s sends its message
 * again, up to RETRIES times, and then gives up.  Each ACK received is
 * appended to OUT as "MAC ADDRESS", once per client.  The run ends when
 * every client is done or gave up, or after SECONDS; the last line on
 * stdout is "clients N acked N gave_up N seconds S".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/dhcp4_pkt.h"

#define MAX_COUNT	1000000
#define MAX_WINDOW	4096
#define MAX_SECONDS	3600
#define RETRIES		10
#define RETRY_NS	1000000000ULL
#define XID_BASE	0x5a000000U
#define FRAME_MAX	1600

/* BOOTP offsets inside the DHCP message. */
#define BOOTP_OP	0
#define BOOTP_XID	4
#define BOOTP_YIADDR	16
#define BOOTP_CHADDR	28
#define BOOTP_OPTIONS	240

enum client_state {
	CLIENT_IDLE = 0,
	CLIENT_DISCOVER,	/* DISCOVER sent, waiting for an OFFER */
	CLIENT_REQUEST,		/* REQUEST sent, waiting for an ACK */
	CLIENT_DONE,
	CLIENT_GAVE_UP,
};

struct client {
	uint8_t state;
	uint8_t tries;
	uint32_t offered;	/* network order */
	uint32_t server_id;	/* network order */
	uint64_t sent_ns;
};

struct run {
	int fd;
	int ifindex;
	uint32_t count;
	struct client *clients;
	uint32_t window[MAX_WINDOW];	/* indexes of the clients in an exchange */
	uint32_t active;
	uint32_t window_max;
	uint32_t next;			/* next client to start */
	uint64_t acked, gave_up;
	FILE *out;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void mac_of(uint32_t index, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0xd0;
	mac[2] = (uint8_t)(index >> 24);
	mac[3] = (uint8_t)(index >> 16);
	mac[4] = (uint8_t)(index >> 8);
	mac[5] = (uint8_t)index;
}

static int send_message(struct run *r, uint32_t index)
{
	struct client *c = &r->clients[index];
	uint8_t opts[32], frame[FRAME_MAX];
	struct test_dhcp4_req req = { .xid = htonl(XID_BASE + index), .flags = 0x8000 };
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = r->ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	size_t n = 0, len;

	mac_of(index, req.mac);
	opts[n++] = 53;
	opts[n++] = 1;
	opts[n++] = c->state == CLIENT_REQUEST ? 3 : 1;
	if (c->state == CLIENT_REQUEST) {
		opts[n++] = 50;
		opts[n++] = 4;
		memcpy(&opts[n], &c->offered, 4);
		n += 4;
		opts[n++] = 54;
		opts[n++] = 4;
		memcpy(&opts[n], &c->server_id, 4);
		n += 4;
	}
	opts[n++] = 255;
	req.opts = opts;
	req.opts_len = n;

	len = test_dhcp4_frame(&req, frame, sizeof(frame));
	if (len == 0)
		return -EMSGSIZE;
	c->sent_ns = now_ns();
	c->tries++;
	if (sendto(r->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static void finish(struct run *r, uint32_t slot, enum client_state state)
{
	r->clients[r->window[slot]].state = (uint8_t)state;
	r->window[slot] = r->window[--r->active];
}

/* Start new clients while the window has room. */
static void start_clients(struct run *r)
{
	while (r->active < r->window_max && r->next < r->count) {
		uint32_t index = r->next++;

		r->clients[index].state = CLIENT_DISCOVER;
		r->window[r->active++] = index;
		send_message(r, index);
	}
}

/* Send again what got no reply for RETRY_NS; give up after RETRIES. */
static void retransmit(struct run *r, uint64_t now)
{
	for (uint32_t slot = 0; slot < r->active;) {
		uint32_t index = r->window[slot];
		struct client *c = &r->clients[index];

		if (now - c->sent_ns < RETRY_NS) {
			slot++;
			continue;
		}
		if (c->tries >= RETRIES) {
			r->gave_up++;
			finish(r, slot, CLIENT_GAVE_UP);
			continue;
		}
		send_message(r, index);
		slot++;
	}
}

/* Option code's 4-byte value in the message, or 0. */
static uint32_t option_addr(const uint8_t *msg, size_t len, uint8_t code)
{
	size_t off = BOOTP_OPTIONS;
	uint32_t value = 0;

	while (off < len && msg[off] != 255) {
		if (msg[off] == 0) {
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + msg[off + 1] > len)
			break;
		if (msg[off] == code && msg[off + 1] == 4) {
			memcpy(&value, &msg[off + 2], 4);
			break;
		}
		off += 2 + (size_t)msg[off + 1];
	}
	return value;
}

static uint8_t message_type(const uint8_t *msg, size_t len)
{
	size_t off = BOOTP_OPTIONS;

	while (off + 2 < len && msg[off] != 255) {
		if (msg[off] == 0) {
			off++;
			continue;
		}
		if (msg[off] == 53 && msg[off + 1] == 1)
			return msg[off + 2];
		off += 2 + (size_t)msg[off + 1];
	}
	return 0;
}

static void record_ack(struct run *r, uint32_t index, uint32_t yiaddr)
{
	char addr[INET_ADDRSTRLEN];
	uint8_t mac[6];

	mac_of(index, mac);
	inet_ntop(AF_INET, &yiaddr, addr, sizeof(addr));
	fprintf(r->out, "%02x:%02x:%02x:%02x:%02x:%02x %s\n", mac[0], mac[1], mac[2], mac[3],
		mac[4], mac[5], addr);
	r->acked++;
}

static uint32_t slot_of(const struct run *r, uint32_t index)
{
	for (uint32_t slot = 0; slot < r->active; slot++) {
		if (r->window[slot] == index)
			return slot;
	}
	return UINT32_MAX;
}

/* Handle one received frame: an OFFER or ACK for one of our clients. */
static void handle_frame(struct run *r, const uint8_t *frame, size_t len)
{
	const uint8_t *msg;
	size_t ihl, msg_len;
	uint32_t xid, index, yiaddr, slot;
	uint8_t mac[6], type;
	struct client *c;

	if (len < 14 + 20 + 8 + BOOTP_OPTIONS || frame[12] != 0x08 || frame[13] != 0x00)
		return;
	ihl = (size_t)(frame[14] & 0x0f) * 4;
	if (frame[14 + 9] != 17 || len < 14 + ihl + 8 + BOOTP_OPTIONS)
		return;
	if (frame[14 + ihl + 2] != 0 || frame[14 + ihl + 3] != 68)
		return;
	msg = frame + 14 + ihl + 8;
	msg_len = len - 14 - ihl - 8;
	if (msg[BOOTP_OP] != 2)
		return;

	memcpy(&xid, msg + BOOTP_XID, 4);
	index = ntohl(xid) - XID_BASE;
	if (ntohl(xid) < XID_BASE || index >= r->count)
		return;
	mac_of(index, mac);
	if (memcmp(msg + BOOTP_CHADDR, mac, 6) != 0)
		return;

	c = &r->clients[index];
	type = message_type(msg, msg_len);
	memcpy(&yiaddr, msg + BOOTP_YIADDR, 4);
	if (type == 2 && c->state == CLIENT_DISCOVER) {
		c->offered = yiaddr;
		c->server_id = option_addr(msg, msg_len, 54);
		c->state = CLIENT_REQUEST;
		c->tries = 0;
		send_message(r, index);
	} else if (type == 5 && c->state == CLIENT_REQUEST) {
		slot = slot_of(r, index);
		record_ack(r, index, yiaddr);
		if (slot != UINT32_MAX)
			finish(r, slot, CLIENT_DONE);
	}
}

static void receive(struct run *r, int wait_ms)
{
	uint8_t frame[FRAME_MAX];
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	if (poll(&pfd, 1, wait_ms) <= 0)
		return;
	/* Bounded: at most a window's worth of frames and more per call. */
	for (int i = 0; i < 4 * MAX_WINDOW; i++) {
		ssize_t n = recv(r->fd, frame, sizeof(frame), MSG_DONTWAIT);

		if (n < 0)
			break;
		handle_frame(r, frame, (size_t)n);
	}
}

static int open_socket(struct run *r, const char *ifname)
{
	struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int one = 1, size = 8 << 20;

	r->ifindex = (int)if_nametoindex(ifname);
	if (r->ifindex == 0) {
		fprintf(stderr, "rb-dora: interface %s not found\n", ifname);
		return -1;
	}
	r->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	if (r->fd < 0) {
		perror("rb-dora: socket(AF_PACKET)");
		return -1;
	}
	addr.sll_ifindex = r->ifindex;
	if (bind(r->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("rb-dora: bind");
		return -1;
	}
	/* Best effort: a larger buffer and no copies of our own frames. */
	setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return 0;
}

static int parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r = { .window_max = 256 };
	uint32_t seconds;
	uint64_t start, deadline;

	if (argc < 5 || argc > 6 || parse_u32(argv[2], 1, MAX_COUNT, &r.count) ||
	    parse_u32(argv[3], 1, MAX_SECONDS, &seconds) ||
	    (argc == 6 && parse_u32(argv[5], 1, MAX_WINDOW, &r.window_max))) {
		fprintf(stderr, "usage: rb-dora IFACE COUNT SECONDS OUT [WINDOW]\n"
			"  COUNT 1..%d clients, SECONDS 1..%d, WINDOW 1..%d (default 256)\n",
			MAX_COUNT, MAX_SECONDS, MAX_WINDOW);
		return 2;
	}
	r.clients = calloc(r.count, sizeof(*r.clients));
	r.out = fopen(argv[4], "w");
	if (!r.clients || !r.out) {
		fprintf(stderr, "rb-dora: opening %s or allocating %u clients failed\n", argv[4],
			r.count);
		return 1;
	}
	if (open_socket(&r, argv[1]))
		return 1;

	start = now_ns();
	deadline = start + (uint64_t)seconds * 1000000000ULL;
	while (r.next < r.count || r.active > 0) {
		uint64_t now = now_ns();

		if (now >= deadline)
			break;
		start_clients(&r);
		receive(&r, 1);
		retransmit(&r, now_ns());
		/* Tests watch OUT grow while the run goes on. */
		fflush(r.out);
	}

	fclose(r.out);
	printf("clients %u acked %llu gave_up %llu seconds %.1f\n", r.next,
	       (unsigned long long)r.acked, (unsigned long long)r.gave_up,
	       (double)(now_ns() - start) / 1e9);
	return 0;
}
