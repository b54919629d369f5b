/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Internet checksum steps (RFC 1071) of the DHCPv4 and DHCPv6 replies in XDP. */
#ifndef RB_BPF_CSUM_H
#define RB_BPF_CSUM_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * Sum the reply payload of len bytes at buf for the UDP checksum.
 * bpf_csum_diff() takes at most 512 bytes in multiples of 4, so the sum
 * goes in 512-byte slices (three, 1536 bytes at most) over len rounded
 * up to a multiple of 4.  The caller leaves zeros after the message up
 * to that multiple.
 */
static __always_inline __u64 payload_sum(__u8 *buf, __u32 len)
{
	__u64 rounded = (len + 3) & ~3ULL;
	__u64 sum = 0, off, chunk;
	int i;

	for (i = 0; i < 3; i++) {
		off = i * 512;
		if (off >= rounded)
			break;
		chunk = rounded - off;
		if (chunk > 512)
			chunk = 512;
		sum = bpf_csum_diff(0, 0, (__be32 *)&buf[off], chunk, sum);
	}
	return sum;
}

#endif
