/* SPDX-License-Identifier: MIT */
/*
 * Run an XDP program on one frame under BPF_PROG_TEST_RUN and read the
 * per-CPU counters it keeps, for the BPF tests and rb-xdp-cost.
 */
#ifndef RB_TEST_XDP_RUN_H
#define RB_TEST_XDP_RUN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Run prog_fd once on the frame in[0..in_len) as if it arrived on
 * ifindex.  On entry *out_len is the size of out, and on return it is
 * the length of the frame the program left there.  When duration_ns is
 * not NULL it receives the kernel's timing of the run in ns.  Returns the
 * verdict (XDP_ABORTED to XDP_REDIRECT), or -errno when the test run
 * failed.
 */
int test_xdp_run(int prog_fd, uint32_t ifindex, const uint8_t *in, size_t in_len, uint8_t *out,
		 uint32_t *out_len, uint32_t *duration_ns);

/*
 * Store in *sum the value at index idx of the per-CPU array counters_fd,
 * summed over every possible CPU.  Returns 0 or -errno.
 */
int test_xdp_counter(int counters_fd, uint32_t idx, uint64_t *sum);

/*
 * Add the len bytes at p to the Internet checksum sum (RFC 1071) as
 * 16-bit big-endian words, an odd last byte padded with zero.
 */
uint32_t test_csum_add(const uint8_t *p, size_t len, uint32_t sum);

/* Fold sum to 16 bits, not complemented: 0xffff for a valid checksum. */
uint16_t test_csum_fold(uint32_t sum);

#endif
