// SPDX-License-Identifier: MIT
/*
 * Checksum helpers of the load generators' XDP programs (gen.bpf.c,
 * gen6.bpf.c).  Sums are of 16-bit words as they lie in memory, so the
 * folded result can be stored in a checksum field without a byte swap.
 */
#ifndef RB_BENCH_COMMON_GEN_CSUM_BPF_H
#define RB_BENCH_COMMON_GEN_CSUM_BPF_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Sum of the two 16-bit words of a 32-bit value as it lies in memory. */
static __always_inline __u64 words32(__u32 v)
{
	return (v & 0xffff) + (v >> 16);
}

/*
 * UDP checksum field value: a computed 0 is sent as 0xffff (RFC 768, and
 * over IPv6 RFC 8200 section 8.1).
 */
static __always_inline __u16 udp_check(__u64 sum)
{
	__u16 check = csum_fold(sum);

	return check ? check : 0xffff;
}

#endif
