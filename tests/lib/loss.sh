# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# A lossy link for tests on a kernel without the netem qdisc.
# build/tests/loss.bpf.o (tests/bpf/loss.bpf.c) on one veth end drops a
# share of the UDP packets at random: loss_xdp the frames that arrive,
# loss_tc on clsact egress the frames that leave.  Requires
# tests/lib/netns.sh for rb_bpffs_mount.

RB_LOSS_OBJ="${RB_BIN:-build}/tests/loss.bpf.o"

# rb_loss_attach BPFFS NETNS DEV PER_MILLION: load loss.bpf.o into the
# bpffs at BPFFS (mounted when it is not), set the share, and attach both
# programs to DEV in NETNS.  DEV loses any XDP program it had.
rb_loss_attach() {
	local bpffs=$1 netns=$2 dev=$3 ppm=$4 obj

	rb_bpffs_mount "$bpffs" || return 1
	obj=$(realpath "$RB_LOSS_OBJ") || return 1
	# libbpf 1.1 turns every '.' of a map pin path into '_', and the run
	# folder's name has one, so bpftool gets paths relative to the bpffs.
	(cd "$bpffs" && bpftool prog loadall "$obj" loss pinmaps maps) || return 1
	# The map value is a little-endian u32.
	bpftool map update pinned "$bpffs/maps/loss_config" key 0 0 0 0 value \
		$((ppm & 255)) $((ppm >> 8 & 255)) $((ppm >> 16 & 255)) $((ppm >> 24)) || return 1
	ip -n "$netns" link set dev "$dev" xdpdrv off 2>/dev/null
	ip -n "$netns" link set dev "$dev" xdpdrv pinned "$bpffs/loss/loss_xdp" || return 1
	tc -n "$netns" qdisc add dev "$dev" clsact || return 1
	tc -n "$netns" filter add dev "$dev" egress bpf direct-action \
		object-pinned "$bpffs/loss/loss_tc"
}

# rb_loss_count BPFFS INDEX: one loss_counts entry summed over the CPUs
# (0 arriving, 1 arriving dropped, 2 leaving, 3 leaving dropped).
rb_loss_count() {
	bpftool -j map lookup pinned "$1/maps/loss_counts" key "$2" 0 0 0 |
		jq '[.formatted.values[].value] | add'
}
