/* SPDX-License-Identifier: MIT */
/*
 * Transfer mode of rb-tftp-gen: keeps --clients downloads of one file in
 * flight for a fixed time, each finished one replaced at once by a new
 * one in its slot, and measures the payload throughput in that window.
 */
#ifndef RB_BENCH_TFTP_TFTPGEN_XFER_H
#define RB_BENCH_TFTP_TFTPGEN_XFER_H

#include <stdint.h>

struct tftpgen_bpf;

struct tftpgen_xfer_options {
	uint32_t server_addr;		/* network order */
	uint16_t server_port;		/* host order */
	uint16_t base_port;		/* client port of slot 0, host order */
	uint32_t clients;		/* concurrent transfers, one slot each */
	uint32_t blksize;
	uint64_t size;			/* expected file size in bytes */
	const char *file;		/* name in the RRQ */
	double warmup;			/* seconds before the window */
	double duration;		/* seconds of the window */
	double drain;			/* seconds to let the last transfers finish */
	double timeout;			/* seconds without progress that fail a transfer */
};

int tftpgen_run_transfers(struct tftpgen_bpf *skel, const struct tftpgen_xfer_options *opt);

#endif
