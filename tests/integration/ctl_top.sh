#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootctl top in a terminal.  It runs in a detached tmux session of
# a fixed size against a rackbootd with devices in three phases
# (tests/lib/ctl.sh).  capture-pane reads the screen, and the checks
# cover the headings, the phase counts, a live phase change, a resize,
# and that q ends it with status 0.  Only this run's tmux server (-L) is
# used and killed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns ipv6 rackboot clients ctl; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

MAC2=52:54:00:21:30:02

# screen: the pane's text now.
screen() {
	tmux -L "$TMUX_NAME" capture-pane -p -t top 2>/dev/null
}

# screen_has REGEX: the pane shows a line matching REGEX.
screen_has() {
	screen | grep -Eq -- "$1"
}

# phase_count_is PHASE N: the phase's row shows N devices.
phase_count_is() {
	screen_has "^  $1 +$2\$"
}

top_exited() {
	[[ -s "$RB_RUN_DIR/top.status" ]]
}

start_top() {
	if ! command -v tmux >/dev/null; then
		tap_skip_all "tmux is not installed"
	fi
	TMUX_NAME="${RB_PREFIX}top"
	rb_on_cleanup 'tmux -L "$TMUX_NAME" kill-server 2>/dev/null'
	# The status file records top's exit status, because its session ends with it.
	tmux -L "$TMUX_NAME" -f /dev/null new-session -d -s top -x 100 -y 24 \
		"TERM=screen $RB_CTL --socket $CTL_SOCKET top; echo \$? >$RB_RUN_DIR/top.status" ||
		tap_bail "starting tmux failed"
}

test_screen() {
	local mac_before

	tap_check "top: first screen within 5 s" rb_wait_for 5 screen_has '^DEVICES PER PHASE'
	tap_check "top: device count in the heading" screen_has '^DEVICES PER PHASE \(10 devices\)'
	tap_check "top: none 8" phase_count_is none 8
	tap_check "top: leased 1" phase_count_is leased 1
	tap_check "top: bootfile 1" phase_count_is bootfile 1
	tap_check "top: image 0" phase_count_is image 0
	tap_check "top: rates heading" screen_has '^RATES PER PROTOCOL'
	tap_check "top: DHCPv4 row" screen_has '^  DHCPv4 replies +[0-9.]+ +[0-9]+$'
	tap_check "top: TFTP row" screen_has '^  TFTP requests +[0-9.]+ +1$'
	tap_check "top: errors heading" screen_has '^ERRORS'
	tap_check "top: slowest heading" screen_has '^SLOWEST DEVICES'
	tap_check "top: q in the title" screen_has 'q quits'

	# 24 rows leave no room for a slow device's row; 40 rows do.
	mac_before=$(screen | grep -c "^  $MAC2" || true)
	tap_is "$mac_before" 0 "top at 24 rows: no room for the slowest device"
	tmux -L "$TMUX_NAME" resize-window -t top -x 100 -y 40
	tap_check "top after a resize to 40 rows: device 2 among the slowest" \
		rb_wait_for 3 screen_has "^  $MAC2 +rack1-node02 +leased "
	tap_diag "the screen at 100x40:"
	tap_diag "$(screen)"

	# Device 2 fetches its boot file: top shows the new counts within its refresh.
	rb_tftp_get "$(rb_dev_netns 2)" curl "$RB_SRV_ADDR" undionly.kpxe "$RB_RUN_DIR/dev2.boot" ||
		tap_diag "device 2 could not fetch undionly.kpxe"
	tap_check "top refreshes: bootfile 2" rb_wait_for 4 phase_count_is bootfile 2
	tap_check "top refreshes: leased 0" phase_count_is leased 0
	tap_check "top refreshes: TFTP total 2" screen_has '^  TFTP requests +[0-9.]+ +2$'

	# 50 columns leave no room for the socket path: the title keeps one line.
	tmux -L "$TMUX_NAME" resize-window -t top -x 50 -y 40
	tap_check "top at 50 columns: the title ends with (q quits) on its line" \
		rb_wait_for 3 title_fits
}

# title_fits: the first line of the pane ends with "(q quits)".
title_fits() {
	screen | head -n 1 | grep -Eq '\(q quits\) *$'
}

test_quit() {
	tmux -L "$TMUX_NAME" send-keys -t top q
	tap_check "top: q ends it within 3 s" rb_wait_for 3 top_exited
	tap_is "$(cat "$RB_RUN_DIR/top.status" 2>/dev/null)" 0 "top: exit status 0 after q"
}

test_no_terminal() {
	local out

	out=$("$RB_CTL" --socket "$CTL_SOCKET" top </dev/null 2>&1)
	tap_is "$?" 1 "top without a terminal: exit status 1"
	tap_check "top without a terminal: points to --json" grep -q 'top --json' <<<"$out"
}

main() {
	rb_ctl_setup
	start_top
	test_screen
	test_quit
	test_no_terminal
	tap_finish
}

main "$@"
