/* SPDX-License-Identifier: MIT */
/*
 * Internet checksum sums (RFC 1071) of the load generators' frame
 * templates, built in userspace.  Sums are of 16-bit words as they lie
 * in memory, as the XDP programs add theirs (gen_csum.bpf.h), so a
 * folded sum is stored in a checksum field without a byte swap.
 */
#ifndef RB_BENCH_COMMON_GEN_SUM_H
#define RB_BENCH_COMMON_GEN_SUM_H

#include <stddef.h>
#include <stdint.h>

/* Sum of the len bytes at p (len even) as 16-bit words in memory order. */
uint64_t gen_sum_words(const uint8_t *p, size_t len);

/* The checksum field value of sum: folded to 16 bits and complemented. */
uint16_t gen_sum_fold(uint64_t sum);

/*
 * Sum of the UDP checksum of an IPv4 datagram: the pseudo header from the
 * IPv4 header at ip (20 bytes, no options) and the udp_len bytes of UDP
 * header and payload that follow it, with the checksum field as it is.
 * udp_len must be even, or the byte after the datagram must be zero.
 */
uint64_t gen_sum_udp4(const uint8_t *ip, size_t udp_len);

#endif
