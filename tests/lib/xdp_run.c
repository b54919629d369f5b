// SPDX-License-Identifier: MIT
#include <errno.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "xdp_run.h"

int test_xdp_run(int prog_fd, uint32_t ifindex, const uint8_t *in, size_t in_len, uint8_t *out,
		 uint32_t *out_len, uint32_t *duration_ns)
{
	/* With a context, the kernel requires data_end to equal the frame length. */
	struct xdp_md ctx = { .data_end = (uint32_t)in_len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = (uint32_t)in_len,
		.data_out = out,
		.data_size_out = *out_len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;

	*out_len = opts.data_size_out;
	if (duration_ns)
		*duration_ns = opts.duration;
	return (int)opts.retval;
}

int test_xdp_counter(int counters_fd, uint32_t idx, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;

	/* A per-CPU array lookup writes one value for every possible CPU. */
	uint64_t values[ncpu];

	if (bpf_map_lookup_elem(counters_fd, &idx, values))
		return -errno;

	*sum = 0;
	for (int i = 0; i < ncpu; i++)
		*sum += values[i];
	return 0;
}

uint32_t test_csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
	return sum;
}

uint16_t test_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
