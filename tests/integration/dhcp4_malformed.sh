#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Malformed DHCPv4 frames against a running rackbootd (topology in
# tests/lib/netns.sh).
#
# Each class of bad frame is sent FRAMES times from a device namespace.
# The XDP counter of that class must grow by exactly FRAMES, and frames
# that reach the socket must move rackbootd's malformed or ignored
# counters.  rackbootd must stay up, log each class once plus summaries
# rather than once per frame, and still answer a real client from XDP.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

SEND="$RB_BIN/tests/rb-dhcp4-send"
FRAMES=200
DEVICE=4	# inventory index of the device namespace that sends
MAX_LOG_LINES=80	# 11 classes logged once each, plus summaries

# Sender case, XDP counter that must grow by FRAMES, and the userspace
# counter that must grow ("-": the kernel drops the frame before the
# socket, so only XDP sees it).  Frames cut short of their IP length and
# messages longer than the link MTU do not cross the test's bridge and
# veths; the BPF_PROG_TEST_RUN table covers those.
CASES=(
	"udp_length malformed_short -"
	"bootreply malformed_op ignored_other"
	"hlen17 malformed_hlen malformed"
	"cookie malformed_cookie malformed"
	"option_past_end malformed_option malformed"
	"no_end malformed_no_end malformed"
	"bad_length malformed_bad_len malformed"
	"too_many malformed_too_many malformed"
)

setup() {
	rb_suite_setup "$SEND"
	DAEMON_LOG="$RB_RUN_DIR/rackbootd.log"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	MAC=$(rb_cfg ".inventory.device[$((DEVICE - 1))].mac" "$CONFIG")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEVICE" "$MAC" || tap_bail "creating the device namespace failed"
	rb_daemon_start "$CONFIG" "$PIN" "$DAEMON_LOG" || tap_bail "rackbootd did not start"
}

# send_case CASE: FRAMES frames of CASE from the device namespace.
send_case() {
	ip netns exec "$(rb_dev_netns "$DEVICE")" "$SEND" eth0 "$MAC" "$1" "$FRAMES"
}

# stat_at_least SOURCE NAME VALUE: exit 0 when the counter reached VALUE.
stat_at_least() {
	local value

	value=$(rb_stat "$PIN" "$1" "$2")
	[[ -n "$value" ]] && ((value >= $3))
}

check_case() {
	local name=$1 xdp=$2 us=$3 xdp_before us_before=0 us_after

	xdp_before=$(rb_stat "$PIN" xdp "$xdp")
	[[ "$us" != - ]] && us_before=$(rb_stat "$PIN" userspace "$us")

	if ! send_case "$name"; then
		tap_not_ok "$name: sending $FRAMES frames"
		return
	fi
	rb_wait_for 5 stat_at_least xdp "$xdp" $((xdp_before + FRAMES))
	tap_is "$(rb_stat "$PIN" xdp "$xdp")" $((xdp_before + FRAMES)) \
		"$name: XDP $xdp grew by $FRAMES"

	if [[ "$us" == - ]]; then
		return
	fi
	rb_wait_for 2 stat_at_least userspace "$us" $((us_before + FRAMES))
	us_after=$(rb_stat "$PIN" userspace "$us")
	# The socket buffer may drop some of a burst, so any growth counts.
	tap_check "$name: rackbootd $us grew ($us_before -> $us_after)" test "$us_after" -gt "$us_before"
}

main() {
	local entry lines

	setup
	rb_stat_names_present "$PIN" xdp malformed_too_many malformed_udp ||
		tap_bail "rackbootctl stats lacks the malformed counters"

	for entry in "${CASES[@]}"; do
		# shellcheck disable=SC2086 # three words
		check_case $entry
	done

	tap_check "rackbootd still running after the floods" rb_pid_alive "$RB_DAEMON_PID"

	# A real client after the floods: answered from XDP.
	local offers_before
	offers_before=$(rb_stat "$PIN" xdp tx_offer)
	rb_udhcpc_start "$(rb_dev_netns "$DEVICE")" lease
	rb_wait_for 20 rb_lease_ready lease
	tap_is "$(rb_lease_var lease ip)" \
		"$(rb_cfg ".inventory.device[$((DEVICE - 1))].\"ipv4-address\"" "$CONFIG")" \
		"udhcpc gets its reserved address after the floods"
	tap_check "its OFFER came from XDP" test "$(rb_stat "$PIN" xdp tx_offer)" -gt "$offers_before"

	# Each class is logged once, then summarised, not once per frame.
	sleep 2
	lines=$(grep -c 'malformed message' "$DAEMON_LOG")
	tap_check "malformed frames logged in summary ($lines lines for $((FRAMES * 8)) frames)" \
		test "$lines" -le "$MAX_LOG_LINES" -a "$lines" -ge 1

	tap_finish
}

main "$@"
