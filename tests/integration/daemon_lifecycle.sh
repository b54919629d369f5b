#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootd's life cycle on rb0 (topology in tests/lib/netns.sh), with
# busybox udhcpc as the device.
#
# Starts that must fail (not root, TFTP root missing, a second rackbootd
# on rb0 with another pin folder) fail with a message that names the
# fix.  They leave the running daemon's XDP program attached, so its id
# stays the same and the next lease still comes from XDP.  After a
# SIGKILL the program stays attached and keeps replying.  A restart with
# the same config removes it and attaches a new one.  SIGINT stops rackbootd with
# status 0 and detaches the program.  rackbootctl warns when it reads
# the maps of a rackbootd that is not running, and rejects bad command
# words before it looks at the pin folder.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

# The device of this test: inventory index 1 of examples/lab.json.
DEV_INDEX=1
STOPPED_WARNING="rackbootd is not running: values are from its last run"

setup() {
	rb_suite_setup
	PIN2="$BPFFS/rackboot-second"
	MISSING_ROOT="$RB_RUN_DIR/no-such-folder"
	write_configs || tap_bail "writing the test configs from $RB_LAB_CONFIG failed"
	MAC=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].mac" "$CONFIG")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV_INDEX" "$MAC" ||
		tap_bail "creating the namespace of device $DEV_INDEX failed"
	rb_on_cleanup 'save_daemon_logs'
}

# The first daemon's config, and those of the starts that must fail.
# Each second daemon uses its own pin folder and TFTP port 6969, so that
# neither the pin folder lock nor the TFTP port stops it.
write_configs() {
	CONFIG="$RB_RUN_DIR/rackboot.json"
	CONFIG_SAME_PORT="$RB_RUN_DIR/second-same-port.json"
	CONFIG_OTHER_PORT="$RB_RUN_DIR/second-other-port.json"
	CONFIG_TFTP_IN_USE="$RB_RUN_DIR/second-tftp-in-use.json"
	CONFIG_SAME_SOCKET="$RB_RUN_DIR/second-same-socket.json"
	CONFIG_NO_ROOT="$RB_RUN_DIR/no-tftp-root.json"

	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" &&
		rb_lab_config "$CONFIG_SAME_PORT" "$TFTP_ROOT" "$PIN2" '.tftp.port = 6969' &&
		rb_lab_config "$CONFIG_OTHER_PORT" "$TFTP_ROOT" "$PIN2" \
			'.tftp.port = 6969 | .dhcpv4."server-port" = 1067 | .dhcpv6."server-port" = 1547
			| .dns.port = 1053
			| .syslog."udp-port" = 1514 | .syslog."tcp-port" = 1601
			| .control."socket-path" = "'"$RB_RUN_DIR"'/second/control.sock"' &&
		rb_lab_config "$CONFIG_SAME_SOCKET" "$TFTP_ROOT" "$PIN2" \
			'.tftp.port = 6969 | .dhcpv4."server-port" = 1067 | .dhcpv6."server-port" = 1547
			| .dns.port = 1053
			| .syslog."udp-port" = 1514 | .syslog."tcp-port" = 1601' &&
		rb_lab_config "$CONFIG_TFTP_IN_USE" "$TFTP_ROOT" "$PIN2" \
			'.dhcpv4."server-port" = 1067 | .dhcpv6."server-port" = 1547 | .dns.port = 1053' &&
		rb_lab_config "$CONFIG_NO_ROOT" "$MISSING_ROOT" "$PIN2"
}

save_daemon_logs() {
	local log

	((TAP_FAILED > 0)) || return 0
	for log in "$RB_RUN_DIR"/*.log; do
		[[ -f "$log" ]] || continue
		tap_diag "last lines of $(basename "$log"):"
		tap_diag "$(tail -n 25 "$log")"
	done
}

# start_daemon CONFIG LOG: rb_daemon_start, then wait for the start log
# line.  rackbootd binds its ports before it attaches XDP, so on a
# restart the ports and the killed daemon's program can both be there
# before the new program is.  Sets RB_DAEMON_PID.
start_daemon() {
	rb_daemon_start "$1" "$PIN" "$2" &&
		rb_wait_for 20 grep -q 'rackbootd .* started with config' "$2"
}

# xdp_prog_id: id of the XDP program attached to rb0, empty when none.
xdp_prog_id() {
	ip -n "$RB_NS_SRV" -j -d link show dev "$RB_SRV_IF" 2>/dev/null |
		jq -r '.[0].xdp.prog.id // empty'
}

xdp_detached() {
	[[ -z "$(xdp_prog_id)" ]]
}

# lease NAME: one udhcpc run of the device; returns 1 without a lease.
lease() {
	local name=$1 pid

	rb_udhcpc_start "$(rb_dev_netns "$DEV_INDEX")" "$name"
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 30 rb_lease_ready "$name"; then
		tap_diag "$name: no lease within 30 s; udhcpc output:"
		tap_diag "$(cat "$RB_RUN_DIR/$name.log")"
		rb_stop_pid "$pid"
		return 1
	fi
	rb_stop_pid "$pid"
}

# counter SOURCE NAME: one counter under PIN, without rackbootctl's warning
# while no rackbootd runs (test_sigkill checks that warning itself).
counter() {
	rb_stat "$PIN" "$1" "$2" 2> >(grep -v "$STOPPED_WARNING" >&2)
}

# check_xdp_lease NAME: a lease, answered by XDP (tx_offer and tx_ack
# grow by one) and not by rackbootd's slow path.
check_xdp_lease() {
	local name=$1 offer0 ack0 us_offer0

	offer0=$(counter xdp tx_offer)
	ack0=$(counter xdp tx_ack)
	us_offer0=$(counter userspace tx_offer)

	tap_check "$name: lease within 30 s" lease "$name"
	tap_is "$(($(counter xdp tx_offer) - offer0))" 1 "$name: XDP tx_offer grew by one"
	tap_is "$(($(counter xdp tx_ack) - ack0))" 1 "$name: XDP tx_ack grew by one"
	tap_is "$(counter userspace tx_offer)" "$us_offer0" "$name: userspace tx_offer unchanged"
}

# run_to_exit NETNS LOG COMMAND...: run a command that must exit on its
# own within 20 s.  Sets EXIT_STATUS (-1 when it had to be stopped).
run_to_exit() {
	local netns=$1 log=$2 pid

	shift 2
	rb_spawn "$netns" "$log" "$@"
	pid=$RB_SPAWNED_PID
	if rb_wait_for 20 rb_pid_gone "$pid"; then
		rb_stop_pid "$pid"
		EXIT_STATUS=$RB_STOP_STATUS
	else
		rb_stop_pid "$pid"
		EXIT_STATUS=-1
	fi
}

# ctl_capture COMMAND...: run rackbootctl; sets CTL_STATUS, CTL_OUT, CTL_ERR.
ctl_capture() {
	"$RB_CTL" "$@" >"$RB_RUN_DIR/ctl.out" 2>"$RB_RUN_DIR/ctl.err"
	CTL_STATUS=$?
	CTL_OUT=$(cat "$RB_RUN_DIR/ctl.out")
	CTL_ERR=$(cat "$RB_RUN_DIR/ctl.err")
}

# ctl_out_has FILTER: exit 0 when the jq FILTER is true on CTL_OUT.
ctl_out_has() {
	jq -e "$1" <<<"$CTL_OUT" >/dev/null
}

test_ctl_arguments() {
	ctl_capture --pin-path "$RB_RUN_DIR/none" devicez
	tap_is "$CTL_STATUS" 2 "rackbootctl devicez: exit status 2"
	tap_check "rackbootctl devicez: names the command before the pin folder" \
		grep -q "unknown command 'devicez'; try devices, device, stats, leases, logs, reload or top" "$RB_RUN_DIR/ctl.err"
	tap_check "rackbootctl devicez: prints the usage" grep -q '^Usage: rackbootctl' \
		"$RB_RUN_DIR/ctl.err"

	ctl_capture --pin-path "$RB_RUN_DIR/none" stats extra
	tap_is "$CTL_STATUS" 2 "rackbootctl stats extra: exit status 2"
	tap_check "rackbootctl stats extra: names the argument" \
		grep -q "unexpected argument 'extra'" "$RB_RUN_DIR/ctl.err"
}

test_not_root() {
	local log="$RB_RUN_DIR/not-root.log"

	if ! command -v setpriv >/dev/null; then
		tap_skip "rackbootd as an unprivileged user" "setpriv (util-linux) is not installed"
		return
	fi
	# Outside the namespaces: the check comes before anything is opened.
	run_to_exit "" "$log" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$RB_DAEMON" --config "$CONFIG"
	tap_is "$EXIT_STATUS" 1 "not root: exit status 1"
	tap_file_contains "$log" 'rackbootd needs root: .*CAP_BPF, CAP_NET_ADMIN' \
		"not root: the error says that rackbootd needs root"
}

test_missing_tftp_root() {
	local log="$RB_RUN_DIR/no-tftp-root.log"

	run_to_exit "$RB_NS_SRV" "$log" "$RB_DAEMON" --config "$CONFIG_NO_ROOT" --log-level debug
	tap_is "$EXIT_STATUS" 1 "TFTP root missing: exit status 1"
	tap_file_contains "$log" "/rackboot:rackboot/tftp/root: value \"$MISSING_ROOT\": folder not found" \
		"TFTP root missing: the error names the config path and the value"
	tap_check "TFTP root missing: no XDP program was attached" \
		bash -c "! grep -q 'XDP program attached' '$log'"
	tap_check "TFTP root missing: rb0 has no XDP program" xdp_detached
}

test_first_daemon() {
	local row

	start_daemon "$CONFIG" "$RB_RUN_DIR/first.log" ||
		tap_bail "the first rackbootd did not start"
	FIRST_PID=$RB_DAEMON_PID
	FIRST_PROG=$(xdp_prog_id)
	tap_check "first rackbootd: XDP program $FIRST_PROG on $RB_SRV_IF" test -n "$FIRST_PROG"
	tap_file_contains "$RB_RUN_DIR/first.log" "maps under $PIN stay pinned after rackbootd stops" \
		"first rackbootd: the start log says the maps stay pinned"
	tap_file_contains "$RB_RUN_DIR/first.log" "XDP program stays attached and answers" \
		"first rackbootd: the start log says what a SIGKILL leaves"

	check_xdp_lease lease-first

	# udhcpc sends no option 93, so the record has no client architecture.
	tap_is "$(rb_ctl_json "$PIN" devices | jq -c --arg mac "$MAC" \
		'.devices[] | select(.mac == $mac) | .client_arch')" null \
		"device $MAC: client_arch null without option 93"
	ctl_capture --pin-path "$PIN" --store "${RB_LAB_STORES[$PIN]}" devices
	row=$(grep "^$MAC " <<<"$CTL_OUT")
	tap_is "${row##* }" - "device $MAC: ARCH column '-' without option 93"
	tap_is "$CTL_ERR" "" "rackbootctl: no warning while rackbootd runs"
}

# second_refused NAME CONFIG LOG_PATTERN: a second rackbootd on rb0 must
# exit 1 with LOG_PATTERN in its log, leaving the first one's program.
second_refused() {
	local name=$1 config=$2 pattern=$3 log="$RB_RUN_DIR/$1.log"

	run_to_exit "$RB_NS_SRV" "$log" "$RB_DAEMON" --config "$config" --log-level debug
	tap_is "$EXIT_STATUS" 1 "$name: exit status 1"
	tap_file_contains "$log" "$pattern" "$name: the error names the cause and the fix"
	tap_check "$name: nothing removed from $RB_SRV_IF" \
		bash -c "! grep -q 'removing DHCPv4 XDP program' '$log'"
	tap_is "$(xdp_prog_id)" "$FIRST_PROG" "$name: the first daemon's XDP program stays"
	tap_check "$name: the first rackbootd still runs" rb_pid_alive "$FIRST_PID"
}

test_second_daemons() {
	second_refused second-same-port "$CONFIG_SAME_PORT" \
		'binding 0\.0\.0\.0:67 failed: Address already in use'
	second_refused second-other-port "$CONFIG_OTHER_PORT" \
		"another rackbootd serves $RB_SRV_IF \\(XDP program id $FIRST_PROG, maps not under $PIN2\\): stop it, or if none runs, detach it with \`ip link set dev $RB_SRV_IF xdp off\`"
	second_refused second-tftp-in-use "$CONFIG_TFTP_IN_USE" 'tftp: .*Address already in use'
	second_refused second-same-socket "$CONFIG_SAME_SOCKET" \
		'control: another process listens on .*/control/control\.sock'
	tap_check "second-same-socket: the first daemon's socket stays" \
		test -S "$(rb_ctl_socket "$CONFIG")"

	check_xdp_lease lease-after-second
}

test_sigkill() {
	kill -KILL "$FIRST_PID"
	# Reaped here, so that bash prints no "Killed" job notice.
	wait "$FIRST_PID" 2>/dev/null
	tap_is "$(xdp_prog_id)" "$FIRST_PROG" "after SIGKILL: the XDP program stays attached"

	ctl_capture --pin-path "$PIN" stats --json
	tap_is "$CTL_STATUS" 0 "after SIGKILL: rackbootctl stats exit status 0"
	tap_is "$CTL_ERR" "rackbootctl: warning: $STOPPED_WARNING" \
		"after SIGKILL: rackbootctl warns that rackbootd is not running"
	tap_check "after SIGKILL: rackbootctl still prints the counters" ctl_out_has \
		'.xdp.tx_offer >= 2'
	tap_check "after SIGKILL: the control socket is left behind" \
		test -S "$(rb_ctl_socket "$CONFIG")"

	check_xdp_lease lease-while-killed
}

test_restart() {
	local prog

	start_daemon "$CONFIG" "$RB_RUN_DIR/restart.log" ||
		tap_bail "the restarted rackbootd did not start"
	RESTART_PID=$RB_DAEMON_PID
	prog=$(xdp_prog_id)
	tap_file_contains "$RB_RUN_DIR/restart.log" \
		"removing DHCPv4 XDP program id $FIRST_PROG, which uses the maps under $PIN" \
		"restart: removes the program the killed rackbootd left"
	tap_check "restart: a new XDP program ($prog) replaced $FIRST_PROG" \
		test -n "$prog" -a "$prog" != "$FIRST_PROG"
	tap_is "$(rb_device "$PIN" "$MAC" xdp_replies)" 6 \
		"restart: the device record kept its 6 XDP replies"
	tap_file_contains "$RB_RUN_DIR/restart.log" 'control: removed the stale socket' \
		"restart: replaces the killed rackbootd's socket"
	tap_check "restart: rackbootctl served over the socket" \
		"$RB_CTL" --socket "$(rb_ctl_socket "$CONFIG")" stats --json

	check_xdp_lease lease-after-restart
}

test_sigint() {
	kill -INT "$RESTART_PID"
	if ! rb_wait_for 10 rb_pid_gone "$RESTART_PID"; then
		tap_not_ok "SIGINT: rackbootd stops within 10 s"
	else
		tap_ok "SIGINT: rackbootd stops within 10 s"
	fi
	rb_stop_pid "$RESTART_PID"
	tap_is "$RB_STOP_STATUS" 0 "SIGINT: exit status 0"
	tap_check "SIGINT: XDP detached from $RB_SRV_IF" xdp_detached
	tap_file_contains "$RB_RUN_DIR/restart.log" 'DHCPv4 XDP program detached' \
		"SIGINT: the log says the program was detached"

	ctl_capture --pin-path "$PIN" --store "${RB_LAB_STORES[$PIN]}" devices --json
	tap_is "$CTL_STATUS" 0 "after SIGINT: rackbootctl devices exit status 0"
	tap_is "$CTL_ERR" "rackbootctl: warning: $STOPPED_WARNING" \
		"after SIGINT: rackbootctl warns that rackbootd is not running"
}

main() {
	setup
	test_ctl_arguments
	test_not_root
	test_missing_tftp_root
	test_first_daemon
	test_second_daemons
	test_sigkill
	test_restart
	test_sigint
	tap_finish
}

main "$@"
