// SPDX-License-Identifier: MIT
/*
 * rb-tftp-probe: a TFTP read client that misbehaves on purpose, for the
 * protocol cases no real client can produce: losing a DATA block, sending
 * every ACK several times, aborting with an ERROR after the OACK.  It
 * can also wait before each ACK, for a download that lasts long enough
 * to overlap with something else (a reload of the server).
 *
 *   rb-tftp-probe --server ADDR [--port 69] --file NAME [--out FILE]
 *                 [--option NAME=VALUE]... [--drop-block N]...
 *                 [--ack-copies K] [--abort-after-oack] [--quiet-ms 1500]
 *                 [--ack-delay-ms N]
 *
 * It follows RFC 7440 as a client: it ACKs the last block of each window,
 * and on a gap it ACKs the last block it received in order, once per gap.
 * A block it already accepted means that its last ACK was lost, so it
 * sends that ACK again, once until the next new block.
 * Block numbers are counted in 64 bits and compared modulo 2^16.
 *
 * On success it prints one line of key=value pairs and exits 0:
 *   oack=NAME:VALUE,...  options in the server's OACK ("none" without one)
 *   blocks=N             DATA blocks accepted, the final one included
 *   bytes=N              payload bytes written to --out
 *   last_len=N           payload length of the final block
 *   duplicates=N         DATA packets for blocks already accepted
 *   dropped=N            DATA packets discarded for --drop-block
 *   after_abort=N        packets received in --quiet-ms after the ERROR
 * Exit status 1: the transfer failed (ERROR from the server, timeout,
 * bad packet), 2: invalid arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKT_MAX		(4 + 65464)
#define REQUEST_MAX	512
#define OPTIONS_MAX	8
#define DROPS_MAX	16
#define ACK_COPIES_MAX	16
#define ACK_DELAY_MAX_MS	500	/* below WAIT_MS and the server's 1 s timeout */
#define WAIT_MS		1000	/* silence before the client sends its last packet again */
#define RETRIES		8	/* resends before the client gives up */
#define PACKETS_MAX	(64ull << 20)	/* packets one run reads, a bound for the main loop */

#define OP_RRQ		1
#define OP_DATA		3
#define OP_ACK		4
#define OP_ERROR	5
#define OP_OACK		6

struct probe_args {
	const char *server;
	const char *port;
	const char *file;
	const char *out;
	const char *options[OPTIONS_MAX];	/* "name=value" */
	unsigned n_options;
	uint64_t drops[DROPS_MAX];
	unsigned n_drops;
	unsigned ack_copies;
	bool abort_after_oack;
	unsigned quiet_ms;
	unsigned ack_delay_ms;		/* wait before each ACK, 0 = none */
};

struct probe {
	int sock;
	struct sockaddr_storage server;	/* request port, then the transfer ID */
	socklen_t server_len;
	bool tid_known;
	FILE *out;

	uint32_t blksize;
	uint32_t windowsize;
	char oack[256];

	uint64_t expected;		/* next block to accept */
	uint32_t in_window;		/* blocks accepted since the last ACK */
	bool gap_acked;			/* the ACK for the current gap was sent */
	bool repeat_acked;		/* the last ACK was sent again for a duplicate */
	bool dropped[DROPS_MAX];

	uint64_t blocks, bytes, last_len, duplicates, n_dropped, after_abort;
	uint8_t last_sent[REQUEST_MAX];	/* request or ACK, sent again on silence */
	size_t last_sent_len;
};

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_u16(uint8_t *p, uint16_t value)
{
	p[0] = (uint8_t)(value >> 8);
	p[1] = (uint8_t)value;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int send_packet(struct probe *p, const uint8_t *pkt, size_t len, bool remember)
{
	if (sendto(p->sock, pkt, len, 0, (struct sockaddr *)&p->server, p->server_len) < 0) {
		fprintf(stderr, "rb-tftp-probe: sendto failed: %s\n", strerror(errno));
		return -1;
	}
	if (remember) {
		memcpy(p->last_sent, pkt, len);
		p->last_sent_len = len;
	}
	return 0;
}

/* Send ACK block, ack_copies times, after ack_delay_ms. */
static int send_ack(struct probe *p, const struct probe_args *a, uint64_t block)
{
	struct timespec delay = { .tv_sec = a->ack_delay_ms / 1000,
				  .tv_nsec = (long)(a->ack_delay_ms % 1000) * 1000000 };
	uint8_t ack[4];

	if (a->ack_delay_ms)
		nanosleep(&delay, NULL);
	put_u16(ack, OP_ACK);
	put_u16(ack + 2, (uint16_t)block);
	for (unsigned i = 0; i < a->ack_copies; i++) {
		if (send_packet(p, ack, sizeof(ack), true) < 0)
			return -1;
	}
	return 0;
}

static int send_request(struct probe *p, const struct probe_args *a)
{
	uint8_t pkt[REQUEST_MAX];
	size_t len = 2;

	put_u16(pkt, OP_RRQ);
	len += (size_t)snprintf((char *)pkt + len, sizeof(pkt) - len, "%s", a->file) + 1;
	len += (size_t)snprintf((char *)pkt + len, sizeof(pkt) - len, "octet") + 1;
	for (unsigned i = 0; i < a->n_options; i++) {
		const char *eq = strchr(a->options[i], '=');
		size_t name_len = (size_t)(eq - a->options[i]);

		if (len + strlen(a->options[i]) + 1 > sizeof(pkt)) {
			fprintf(stderr, "rb-tftp-probe: request longer than %d bytes\n", REQUEST_MAX);
			return -1;
		}
		memcpy(pkt + len, a->options[i], name_len);
		pkt[len + name_len] = '\0';
		len += name_len + 1;
		len += (size_t)sprintf((char *)pkt + len, "%s", eq + 1) + 1;
	}
	return send_packet(p, pkt, len, true);
}

/* Take the OACK's options: blksize and windowsize set the transfer, all are printed. */
static int take_oack(struct probe *p, const uint8_t *pkt, size_t len)
{
	size_t pos = 2, used = 0;

	while (pos < len) {
		const char *name = (const char *)pkt + pos;
		const char *value;
		size_t name_len = strnlen(name, len - pos);

		if (pos + name_len + 1 >= len)
			return -1;
		value = name + name_len + 1;
		if (strnlen(value, len - pos - name_len - 1) == len - pos - name_len - 1)
			return -1;
		if (strcasecmp(name, "blksize") == 0)
			p->blksize = (uint32_t)strtoul(value, NULL, 10);
		if (strcasecmp(name, "windowsize") == 0)
			p->windowsize = (uint32_t)strtoul(value, NULL, 10);
		used += (size_t)snprintf(p->oack + used, sizeof(p->oack) - used, "%s%s:%s",
					 used ? "," : "", name, value);
		if (used >= sizeof(p->oack))
			return -1;
		pos += name_len + 1 + strlen(value) + 1;
	}
	return p->blksize >= 8 && p->windowsize >= 1 ? 0 : -1;
}

/* Discard the first arrival of a block listed in --drop-block. */
static bool drop_now(struct probe *p, const struct probe_args *a, uint64_t block)
{
	for (unsigned i = 0; i < a->n_drops; i++) {
		if (a->drops[i] == block && !p->dropped[i]) {
			p->dropped[i] = true;
			p->n_dropped++;
			return true;
		}
	}
	return false;
}

/* Handle one DATA packet.  Returns 1 after the final block, 0 to go on, -1 on failure. */
static int take_data(struct probe *p, const struct probe_args *a, const uint8_t *pkt, size_t len)
{
	uint16_t ahead = (uint16_t)(get_u16(pkt + 2) - (uint16_t)p->expected);
	size_t payload = len - 4;

	if (ahead != 0) {
		/* A block already accepted, or one past a gap: ACK the last in-order block once. */
		if (ahead > 0x8000) {
			p->duplicates++;
			if (p->repeat_acked)
				return 0;
			p->repeat_acked = true;
		} else {
			if (p->gap_acked)
				return 0;
			p->gap_acked = true;
		}
		p->in_window = 0;
		return send_ack(p, a, p->expected - 1);
	}
	if (drop_now(p, a, p->expected))
		return 0;
	if (payload > p->blksize) {
		fprintf(stderr, "rb-tftp-probe: block %llu has %zu bytes, blksize is %u\n",
			(unsigned long long)p->expected, payload, p->blksize);
		return -1;
	}
	if (p->out && fwrite(pkt + 4, 1, payload, p->out) != payload)
		return -1;

	p->blocks++;
	p->bytes += payload;
	p->last_len = payload;
	p->gap_acked = false;
	p->repeat_acked = false;
	p->in_window++;
	if (payload < p->blksize) {
		if (send_ack(p, a, p->expected) < 0)
			return -1;
		return 1;
	}
	p->expected++;
	if (p->in_window == p->windowsize) {
		p->in_window = 0;
		return send_ack(p, a, p->expected - 1);
	}
	return 0;
}

/* Count what arrives within quiet_ms after the client's ERROR. */
static void count_after_abort(struct probe *p, const struct probe_args *a)
{
	uint64_t until = now_ms() + a->quiet_ms;
	uint8_t pkt[PKT_MAX];

	for (uint64_t t = now_ms(); t < until; t = now_ms()) {
		struct pollfd pfd = { .fd = p->sock, .events = POLLIN };

		if (poll(&pfd, 1, (int)(until - t)) == 1 && recv(p->sock, pkt, sizeof(pkt), 0) >= 0)
			p->after_abort++;
	}
}

static int abort_transfer(struct probe *p, const struct probe_args *a)
{
	static const uint8_t error[] = "\0\5\0\10probe aborts after the OACK";

	if (send_packet(p, error, sizeof(error), false) < 0)
		return -1;
	count_after_abort(p, a);
	return 1;
}

/*
 * Handle one packet from the server.  Returns 1 when the run is over, 0
 * to go on, -1 on failure.
 */
static int take_packet(struct probe *p, const struct probe_args *a, const uint8_t *pkt,
		       size_t len)
{
	uint16_t opcode = len >= 4 ? get_u16(pkt) : 0;

	if (opcode == OP_ERROR) {
		fprintf(stderr, "rb-tftp-probe: ERROR %u from the server: %.*s\n", get_u16(pkt + 2),
			(int)(len - 4), (const char *)pkt + 4);
		return -1;
	}
	if (opcode == OP_OACK && p->expected == 1 && p->blocks == 0) {
		if (take_oack(p, pkt, len) < 0) {
			fprintf(stderr, "rb-tftp-probe: malformed OACK\n");
			return -1;
		}
		if (a->abort_after_oack)
			return abort_transfer(p, a);
		return send_ack(p, a, 0);
	}
	if (opcode == OP_DATA)
		return take_data(p, a, pkt, len);
	fprintf(stderr, "rb-tftp-probe: unexpected packet, opcode %u, %zu bytes\n", opcode, len);
	return -1;
}

/* Receive one packet from the transfer ID, locking onto it with the first reply. */
static ssize_t receive(struct probe *p, uint8_t *pkt, size_t size)
{
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	ssize_t n = recvfrom(p->sock, pkt, size, 0, (struct sockaddr *)&from, &from_len);

	if (n < 0)
		return -1;
	if (!p->tid_known) {
		p->server = from;
		p->server_len = from_len;
		p->tid_known = true;
	} else if (from_len != p->server_len || memcmp(&from, &p->server, from_len) != 0) {
		return 0;	/* from another port: not this transfer's */
	}
	return n;
}

static int run(struct probe *p, const struct probe_args *a)
{
	static uint8_t pkt[PKT_MAX];
	unsigned silent = 0;

	if (send_request(p, a) < 0)
		return -1;

	for (uint64_t packets = 0; packets < PACKETS_MAX; packets++) {
		struct pollfd pfd = { .fd = p->sock, .events = POLLIN };
		ssize_t n;
		int ret;

		if (poll(&pfd, 1, WAIT_MS) != 1) {
			if (++silent > RETRIES) {
				fprintf(stderr, "rb-tftp-probe: no packet for block %llu after %u "
					"resends\n", (unsigned long long)p->expected, RETRIES);
				return -1;
			}
			if (send_packet(p, p->last_sent, p->last_sent_len, false) < 0)
				return -1;
			continue;
		}
		silent = 0;
		n = receive(p, pkt, sizeof(pkt));
		if (n <= 0)
			continue;
		ret = take_packet(p, a, pkt, (size_t)n);
		if (ret != 0)
			return ret < 0 ? -1 : 0;
	}
	fprintf(stderr, "rb-tftp-probe: more than %llu packets\n", PACKETS_MAX);
	return -1;
}

static int open_socket(struct probe *p, const struct probe_args *a)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;
	int err = getaddrinfo(a->server, a->port, &hints, &res);

	if (err) {
		fprintf(stderr, "rb-tftp-probe: invalid server address %s port %s: %s\n",
			a->server, a->port, gai_strerror(err));
		return -1;
	}
	p->sock = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memcpy(&p->server, res->ai_addr, res->ai_addrlen);
	p->server_len = res->ai_addrlen;
	freeaddrinfo(res);
	if (p->sock < 0) {
		fprintf(stderr, "rb-tftp-probe: socket failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rb-tftp-probe --server ADDR --file NAME [options]\n"
		"  --server ADDR        numeric IPv4 or IPv6 address of the server\n"
		"  --port N             server port (default 69)\n"
		"  --file NAME          file to read\n"
		"  --out FILE           write the received data to FILE\n"
		"  --option NAME=VALUE  request option, up to %d times\n"
		"  --drop-block N       discard the first arrival of DATA block N, up to %d times\n"
		"  --ack-copies K       send each ACK K times, 1..%d (default 1)\n"
		"  --abort-after-oack   answer the OACK with ERROR 8 and count later packets\n"
		"  --quiet-ms N         how long to count packets after the ERROR (default 1500)\n"
		"  --ack-delay-ms N     wait N ms (0..%d) before each ACK of a DATA block\n",
		OPTIONS_MAX, DROPS_MAX, ACK_COPIES_MAX, ACK_DELAY_MAX_MS);
}

static int parse_args(int argc, char **argv, struct probe_args *a)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "file", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "option", required_argument, NULL, 'O' },
		{ "drop-block", required_argument, NULL, 'd' },
		{ "ack-copies", required_argument, NULL, 'k' },
		{ "abort-after-oack", no_argument, NULL, 'a' },
		{ "quiet-ms", required_argument, NULL, 'q' },
		{ "ack-delay-ms", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*a = (struct probe_args){ .port = "69", .ack_copies = 1, .quiet_ms = 1500 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': a->server = optarg; break;
		case 'p': a->port = optarg; break;
		case 'f': a->file = optarg; break;
		case 'o': a->out = optarg; break;
		case 'O':
			if (a->n_options == OPTIONS_MAX || !strchr(optarg, '='))
				return -1;
			a->options[a->n_options++] = optarg;
			break;
		case 'd':
			if (a->n_drops == DROPS_MAX)
				return -1;
			a->drops[a->n_drops++] = strtoull(optarg, NULL, 10);
			break;
		case 'k': a->ack_copies = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'a': a->abort_after_oack = true; break;
		case 'q': a->quiet_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'w': a->ack_delay_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!a->server || !a->file || a->ack_copies < 1 || a->ack_copies > ACK_COPIES_MAX ||
	    a->ack_delay_ms > ACK_DELAY_MAX_MS)
		return -1;
	/* The name, "octet" and three NUL bytes must fit the request. */
	if (strlen(a->file) + sizeof("octet") + 3 > REQUEST_MAX)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct probe p = { .sock = -1, .blksize = 512, .windowsize = 1, .expected = 1 };
	struct probe_args a;
	int ret;

	if (parse_args(argc, argv, &a) < 0) {
		usage(stderr);
		return 2;
	}
	snprintf(p.oack, sizeof(p.oack), "none");
	if (a.out && !(p.out = fopen(a.out, "wb"))) {
		fprintf(stderr, "rb-tftp-probe: cannot create %s: %s\n", a.out, strerror(errno));
		return 1;
	}
	ret = open_socket(&p, &a);
	if (ret == 0)
		ret = run(&p, &a);
	if (p.out && fclose(p.out) != 0)
		ret = -1;
	if (p.sock >= 0)
		close(p.sock);
	if (ret < 0)
		return 1;

	printf("oack=%s blocks=%llu bytes=%llu last_len=%llu duplicates=%llu dropped=%llu "
	       "after_abort=%llu\n", p.oack, (unsigned long long)p.blocks,
	       (unsigned long long)p.bytes, (unsigned long long)p.last_len,
	       (unsigned long long)p.duplicates, (unsigned long long)p.n_dropped,
	       (unsigned long long)p.after_abort);
	return 0;
}
