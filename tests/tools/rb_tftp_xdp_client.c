// SPDX-License-Identifier: MIT
/*
 * rb-tftp-xdp-client: download one file over TFTP with the ACKs sent by
 * an XDP program (tftp_ack.bpf.c) on the client's interface, for
 * tests/integration/tftp_xdp.sh.
 *
 *   rb-tftp-xdp-client IFNAME SERVER FILE BLKSIZE OUT [LOSS_PER_MILLION]
 *
 * The read request and ACK 0 go out from a socket.  From then on the XDP
 * program turns each DATA into its ACK, so the server's veth receives
 * XDP frames with a whole page of room.  The program replaces any XDP
 * program on IFNAME and is detached at the end.  Writes the file to OUT
 * and one line "blocks N bytes N repeats N unexpected N lost_data N
 * lost_acks N".  Exits 0 when the download finished within 30 s, 1
 * otherwise.
 *
 * LOSS_PER_MILLION (default 0) makes the XDP program drop that share of
 * the DATA frames and of its ACKs.  Then the program stays attached for
 * LINGER_MS after the final block, so that a retransmission of that
 * block, sent because its ACK was lost, is acknowledged again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "tftp_ack.skel.h"

/*
 * The download fails when no new block arrived for STALL_MS, longer than
 * rackbootd's whole retransmission budget (1 s, then 2 s four times, with
 * the default timeout and 5 retries), or when it ran TIMEOUT_MS in all.
 * On a lossy link every lost packet costs at least one server timeout.
 */
#define STALL_MS	15000
#define TIMEOUT_MS	120000
#define POLL_MS		10
#define SLOT_SIZE	1536	/* ACK_SLOT_SIZE of tftp_ack.bpf.c */
/* Longer than rackbootd's first two retransmission intervals together: 1 s, then 2 s. */
#define LINGER_MS	3500

struct ack_state {
	uint64_t expected;
	uint64_t bytes;
	uint64_t repeats;
	uint64_t unexpected;
	uint64_t done;
	uint64_t lost_data;
	uint64_t lost_acks;
};

static int send_request(int sock, const struct sockaddr_in *server, const char *file,
			unsigned blksize)
{
	char pkt[600], value[16];
	size_t len = 2, n;

	pkt[0] = 0;
	pkt[1] = 1;
	snprintf(value, sizeof(value), "%u", blksize);
	const char *parts[] = { file, "octet", "blksize", value };
	for (size_t i = 0; i < 4; i++) {
		n = strlen(parts[i]) + 1;
		if (len + n > sizeof(pkt))
			return -1;
		memcpy(pkt + len, parts[i], n);
		len += n;
	}
	return sendto(sock, pkt, len, 0, (const struct sockaddr *)server, sizeof(*server)) < 0 ? -1 : 0;
}

/* Wait for the OACK and send ACK 0 to the transfer's port. */
static int acknowledge_oack(int sock)
{
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_in from;
	socklen_t from_len = sizeof(from);
	uint8_t pkt[600], ack0[4] = { 0, 4, 0, 0 };
	ssize_t n;

	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recvfrom(sock, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &from_len);
	if (n < 2) {
		fprintf(stderr, "rb-tftp-xdp-client: no reply to the read request: %s\n",
			n < 0 ? strerror(errno) : "too short");
		return -1;
	}
	if (pkt[1] != 6) {
		fprintf(stderr, "rb-tftp-xdp-client: expected an OACK, got opcode %u\n", pkt[1]);
		return -1;
	}
	return sendto(sock, ack0, sizeof(ack0), 0, (struct sockaddr *)&from, from_len) < 0 ? -1 : 0;
}

static int wait_done(int state_fd, struct ack_state *st)
{
	uint64_t last_expected = 0;
	uint32_t zero = 0;
	int idle = 0;

	for (int waited = 0; waited < TIMEOUT_MS && idle < STALL_MS; waited += POLL_MS) {
		if (bpf_map_lookup_elem(state_fd, &zero, st) == 0) {
			if (st->done)
				return 0;
			idle = st->expected == last_expected ? idle + POLL_MS : 0;
			last_expected = st->expected;
		}
		usleep(POLL_MS * 1000);
	}
	return -1;
}

static int write_file(int blocks_fd, const struct ack_state *st, unsigned blksize, const char *out)
{
	uint8_t slot[SLOT_SIZE];
	uint64_t left = st->bytes;
	FILE *f = fopen(out, "wb");

	if (!f)
		return -1;
	for (uint32_t i = 0; i + 1 < st->expected; i++) {
		size_t len = left < blksize ? (size_t)left : blksize;

		if (bpf_map_lookup_elem(blocks_fd, &i, slot) < 0 || fwrite(slot, 1, len, f) != len) {
			fclose(f);
			return -1;
		}
		left -= len;
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(69) };
	struct sockaddr_in local = { .sin_family = AF_INET };
	socklen_t local_len = sizeof(local);
	struct ack_state st = { .expected = 1 };
	struct tftp_ack_bpf *skel;
	unsigned blksize, ifindex;
	unsigned long loss = 0;
	uint32_t zero = 0;
	int sock, ret = 1;

	if ((argc != 6 && argc != 7) || inet_pton(AF_INET, argv[2], &server.sin_addr) != 1) {
		fprintf(stderr, "usage: rb-tftp-xdp-client IFNAME SERVER FILE BLKSIZE OUT "
			"[LOSS_PER_MILLION]\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	blksize = (unsigned)strtoul(argv[4], NULL, 10);
	if (ifindex == 0 || blksize < 8 || blksize > SLOT_SIZE) {
		fprintf(stderr, "rb-tftp-xdp-client: invalid interface %s or blksize %s\n", argv[1],
			argv[4]);
		return 2;
	}
	if (argc == 7) {
		char *end;

		loss = strtoul(argv[6], &end, 10);
		if (*argv[6] == '\0' || *end != '\0' || loss >= 1000000) {
			fprintf(stderr, "rb-tftp-xdp-client: invalid LOSS_PER_MILLION %s: "
				"expected 0..999999\n", argv[6]);
			return 2;
		}
	}

	sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    getsockname(sock, (struct sockaddr *)&local, &local_len) < 0) {
		perror("rb-tftp-xdp-client: socket");
		return 1;
	}

	skel = tftp_ack_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->client_port = ntohs(local.sin_port);
	skel->rodata->blksize = blksize;
	skel->rodata->loss_per_million = (uint32_t)loss;
	if (tftp_ack_bpf__load(skel) ||
	    bpf_xdp_attach((int)ifindex, bpf_program__fd(skel->progs.rb_tftp_ack),
			   XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "rb-tftp-xdp-client: loading or attaching the XDP program on %s "
			"failed: %s\n", argv[1], strerror(errno));
		tftp_ack_bpf__destroy(skel);
		return 1;
	}
	bpf_map_update_elem(bpf_map__fd(skel->maps.rb_ack_state), &zero, &st, 0);

	if (send_request(sock, &server, argv[3], blksize) == 0 && acknowledge_oack(sock) == 0) {
		if (wait_done(bpf_map__fd(skel->maps.rb_ack_state), &st) < 0)
			fprintf(stderr, "rb-tftp-xdp-client: download not finished: no new block "
				"for %d ms, or not done after %d ms\n", STALL_MS, TIMEOUT_MS);
		else if (write_file(bpf_map__fd(skel->maps.rb_ack_blocks), &st, blksize, argv[5]) < 0)
			fprintf(stderr, "rb-tftp-xdp-client: writing %s failed\n", argv[5]);
		else
			ret = 0;
	}
	if (ret == 0 && loss > 0) {
		usleep(LINGER_MS * 1000);
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.rb_ack_state), &zero, &st);
	}
	printf("blocks %llu bytes %llu repeats %llu unexpected %llu lost_data %llu lost_acks %llu\n",
	       (unsigned long long)(st.expected - 1), (unsigned long long)st.bytes,
	       (unsigned long long)st.repeats, (unsigned long long)st.unexpected,
	       (unsigned long long)st.lost_data, (unsigned long long)st.lost_acks);

	bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, NULL);
	tftp_ack_bpf__destroy(skel);
	close(sock);
	return ret;
}
