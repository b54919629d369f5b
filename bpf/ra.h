/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Router Solicitation handler of the XDP program.
 */
#ifndef RB_BPF_RA_H
#define RB_BPF_RA_H

/* TODO: answer from a per-interface RA template; passed up until then. */
static __noinline int rb_ra_solicit(struct xdp_md *ctx)
{
	if (!ctx)
		return XDP_PASS;
	return pass(RB_XC_PASS_RA_NO_TEMPLATE);
}

#endif
