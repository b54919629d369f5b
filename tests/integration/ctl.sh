#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootctl over rackbootd's control socket, against a rackbootd with
# devices in three phases (tests/lib/ctl.sh).  The checks cover the
# devices filters (phase, profile, subnet), the JSON shapes, a device's
# timeline, the DHCPv6 address after a dhclient -6 exchange, and
# permissions: root and the control group only, checked by the socket's
# mode and again by rackbootd.  Then malformed and oversized
# requests, clients that stall, max-clients, idle-timeout, the --offline
# mode, and the socket's removal at stop.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns ipv6 rackboot clients clients6 ctl; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

RAW=tests/tools/rb_ctl_raw.py
MAC1=52:54:00:21:30:01
MAC2=52:54:00:21:30:02
MAX_CLIENTS=4
IDLE_TIMEOUT=3
CONFIG_EDIT=".control.group = \"nogroup\" | .control.\"max-clients\" = $MAX_CLIENTS
	| .control.\"idle-timeout\" = $IDLE_TIMEOUT"

# macs ARG...: the sorted MACs of rackbootctl devices --json ARG..., one line.
macs() {
	rb_ctl devices --json "$@" | jq -r '[.devices[].mac] | sort | join(" ")'
}

# ctl_capture ARG...: run rackbootctl on the socket; sets CTL_STATUS, CTL_OUT, CTL_ERR.
ctl_capture() {
	rb_ctl "$@" >"$RB_RUN_DIR/ctl.out" 2>"$RB_RUN_DIR/ctl.err"
	CTL_STATUS=$?
	CTL_OUT=$(cat "$RB_RUN_DIR/ctl.out")
	CTL_ERR=$(cat "$RB_RUN_DIR/ctl.err")
}

# raw LINE...: send each line as it is and print rackbootd's replies.
raw() {
	local hex=() line

	for line in "$@"; do
		hex+=("$(printf '%s' "$line" | od -An -v -tx1 | tr -d ' \n')")
	done
	python3 "$RAW" send "$CTL_SOCKET" "${hex[@]}"
}

test_filters() {
	tap_is "$(rb_ctl devices --json | jq '.devices | length')" 10 "devices: all 10"
	tap_is "$(macs --phase bootfile)" "$MAC1" "devices --phase bootfile: device 1"
	tap_is "$(macs --phase leased)" "$MAC2" "devices --phase leased: device 2"
	tap_is "$(rb_ctl devices --json --phase none | jq '.devices | length')" 8 \
		"devices --phase none: the other 8"
	tap_is "$(macs --profile uefi)" "52:54:00:21:30:02 52:54:00:21:30:04 52:54:00:21:30:07" \
		"devices --profile uefi: the 3 uefi devices"
	tap_is "$(macs --profile uefi --phase leased)" "$MAC2" "devices --profile uefi --phase leased"
	tap_is "$(macs --profile pxe-bios --phase leased)" "" \
		"devices --profile pxe-bios --phase leased: none"
	tap_is "$(rb_ctl devices --json --subnet lab | jq '.devices | length')" 10 \
		"devices --subnet lab: all 10"
	tap_is "$(macs --subnet 10.213.0.100/31)" "$MAC1" "devices --subnet 10.213.0.100/31: device 1"
	tap_is "$(macs --subnet 10.9.0.0/16)" "" "devices --subnet 10.9.0.0/16: none"

	ctl_capture devices --profile nosuch
	tap_is "$CTL_STATUS" 1 "devices --profile nosuch: exit status 1"
	tap_check "devices --profile nosuch: names the profile" \
		grep -q 'profile "nosuch" is not in the config' <<<"$CTL_ERR"
	ctl_capture devices --subnet 10.0.0.0/33
	tap_is "$CTL_STATUS" 1 "devices --subnet 10.0.0.0/33: exit status 1"
	ctl_capture devices --phase booting
	tap_is "$CTL_STATUS" 2 "devices --phase booting: usage error"
	ctl_capture stats --phase leased
	tap_is "$CTL_STATUS" 2 "stats --phase: usage error"

	ctl_capture devices
	tap_check "devices: a table with a header" grep -q '^MAC' <<<"$CTL_OUT"
	tap_is "$(grep -c '^52:54:00' <<<"$CTL_OUT")" 10 "devices: 10 table rows"
}

test_schema() {
	tap_check "stats --json: xdp and userspace counters" \
		jq -e '(.xdp.tx_ack | type == "number") and (.userspace.tftp_rrq >= 1)' \
		<<<"$(rb_ctl stats --json)"
	tap_check "leases --json: device 1 and 2 leased" \
		jq -e '[.leases[].mac] | contains(["52:54:00:21:30:01", "52:54:00:21:30:02"])' \
		<<<"$(rb_ctl leases --json)"
	tap_check "devices --json: fields of a record" \
		jq -e '.devices[0] | has("mac") and has("ipv4") and has("hostname") and has("phase")
			and has("phase_times_ns") and has("xdp_replies") and has("us_replies")' \
		<<<"$(rb_ctl devices --json)"
	tap_check "top --json: phases, totals, errors, slowest" \
		jq -e '.devices == 10 and .phases.none == 8 and .phases.leased == 1
			and .phases.bootfile == 1 and (.totals.dhcp4 >= 4) and (.totals.tftp >= 1)
			and (.errors | type == "object")
			and ([.slowest[].mac] == ["52:54:00:21:30:02"])' \
		<<<"$(rb_ctl top --json)"
	tap_check "reply envelope: ok and result" \
		jq -e '.ok == true and (.result.xdp | type == "object")' \
		<<<"$(raw '{"command":"stats"}')"
	tap_check "reply envelope: text format" \
		jq -e '.ok == true and (.text | test("tx_ack"))' \
		<<<"$(raw '{"command":"stats","format":"text"}')"
}

test_timeline() {
	local out

	out=$(rb_ctl device "$MAC1" --json)
	tap_check "device $MAC1: record fields" \
		jq -e '.mac == "52:54:00:21:30:01" and .phase == "bootfile" and .profile == "pxe-bios"
			and .subnet == "lab" and .hostname == "rack1-node01"' <<<"$out"
	tap_check "device $MAC1: timeline discovered to bootfile in order" \
		jq -e '[.timeline[].phase] == ["discovered", "offered", "leased", "bootfile"]
			and ([.timeline[].time] | . == sort) and .timeline[0].after_s == 0' <<<"$out"
	tap_check "device $MAC1: timeline in wall-clock seconds" \
		jq -e --argjson now "$(date +%s)" '(.timeline[0].time - $now) | fabs < 600' <<<"$out"
	tap_check "device $MAC1: its lease from the store" \
		jq -e '.lease.ipv4 == "10.213.0.101" and (.lease.end > .lease.start)' <<<"$out"

	ctl_capture device "$MAC1"
	tap_check "device $MAC1: text timeline" grep -q '^  bootfile ' <<<"$CTL_OUT"
	tap_check "device $MAC1: text lease" grep -q '^lease 10.213.0.101 ' <<<"$CTL_OUT"

	ctl_capture device 52:54:00:99:99:99
	tap_is "$CTL_STATUS" 1 "device without a record: exit status 1"
	tap_check "device without a record: says so" grep -q 'has no record' <<<"$CTL_ERR"
	ctl_capture device 52:54:00:99
	tap_is "$CTL_STATUS" 2 "device with an invalid MAC: usage error"
}

# logs_stored: device 1's message is in the store.
logs_stored() {
	rb_ctl logs "$MAC1" --json 2>/dev/null | jq -e '.entries | length >= 1' >/dev/null
}

test_logs() {
	local socket_text offline_text host2

	ip netns exec "$(rb_dev_netns 1)" logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 \
		-t ctltest "caf$(printf '\xc3\xa9') ready" ||
		tap_diag "logger in device 1's namespace failed"
	tap_check "logs: device 1's message stored within 5 s" rb_wait_for 5 logs_stored
	tap_check "logs --json: the message" \
		jq -e '.entries[-1].message | test("ready")' <<<"$(rb_ctl logs "$MAC1" --json)"
	tap_check "device timeline: the message among its logs" \
		jq -e '.logs.entries | length >= 1' <<<"$(rb_ctl device "$MAC1" --json)"
	tap_check "device timeline: no messages give an empty list" \
		jq -e '.logs.entries == []' <<<"$(rb_ctl device "$MAC2" --json)"
	tap_check "unknown option: one line of error, not the help" \
		test "$(rb_ctl devices --no-such-option 2>&1 | wc -l)" -le 2

	# Text over the socket must be the bytes that --offline prints.
	socket_text=$(rb_ctl logs "$MAC1" | od -An -tx1)
	offline_text=$("$RB_CTL" --store "$RB_RUN_DIR/store" logs "$MAC1" | od -An -tx1)
	tap_is "$socket_text" "$offline_text" "logs text: same bytes as --offline"
	tap_check "logs text: the message" grep -q 'ctltest.*ready' <<<"$(rb_ctl logs "$MAC1")"

	ctl_capture logs 52:54:00:99:99:99
	tap_is "$CTL_STATUS" 1 "logs of an unknown device: exit status 1"

	# Device 2 is in the inventory and has sent nothing.
	ctl_capture logs "$MAC2"
	tap_is "$CTL_STATUS" 0 "logs of a known device without messages: exit status 0"
	tap_check "logs text: no entries for device 2" \
		grep -q "^# $MAC2 .*: 0 entries kept" <<<"$CTL_OUT"
	tap_check "logs --json: an empty list for device 2" \
		jq -e --arg mac "$MAC2" '.mac == $mac and .entries == []' \
		<<<"$(rb_ctl logs "$MAC2" --json)"
	host2=$(rb_ctl device "$MAC2" --json | jq -r '.hostname // empty')
	tap_check "logs by hostname ($host2): device 2's empty list" \
		jq -e --arg mac "$MAC2" '.mac == $mac and .entries == []' \
		<<<"$(rb_ctl logs "${host2:-no-hostname}" --json)"
}

test_malformed() {
	local replies cases

	cases=(
		'not json'
		'[1,2]'
		'{}'
		'{"command":"nosuch"}'
		'{"command":"devices","phase":"booting"}'
		'{"command":"devices","phase":7}'
		'{"command":"devices","colour":"red"}'
		'{"command":"stats","format":"xml"}'
		'{"command":"device"}'
		'{"command":"device","mac":"52:54:00:21:30"}'
		'{"command":"logs","device":"x","lines":-1}'
		'{"command":"top","slowest":1000}'
		'{"command":"stats","command":"stats"}'
		'{"command":"devices","profile":""}'
	)
	replies=$(raw "${cases[@]}" '{"command":"stats"}')
	tap_is "$(jq -s 'map(select(.ok == false and (.error | length > 0))) | length' <<<"$replies")" \
		"${#cases[@]}" "malformed requests: ${#cases[@]} error replies"
	tap_check "malformed requests: the connection still serves" \
		jq -s -e 'last | .ok == true' <<<"$replies"
	tap_check "malformed requests: the error names the key" \
		jq -s -e '.[6].error | test("colour")' <<<"$replies"

	replies=$(python3 "$RAW" long "$CTL_SOCKET" 5000)
	tap_check "oversized request: error reply" \
		jq -e '.ok == false and (.error | test("longer than"))' <<<"$replies"
	tap_check "after bad requests: rackbootd answers" rb_ctl stats --json
	tap_check "after bad requests: rackbootd runs" rb_pid_alive "$RB_DAEMON_PID"
}

# hold_ready FILE: the hold tool has its connections up.
hold_ready() {
	grep -q '^connected' "$1" 2>/dev/null
}

test_stalled() {
	local hold="$RB_RUN_DIR/hold.out" hold_pid start elapsed

	python3 "$RAW" hold "$CTL_SOCKET" "$MAX_CLIENTS" $((IDLE_TIMEOUT + 5)) >"$hold" 2>&1 &
	hold_pid=$!
	RB_CLEANUP_PIDS+=("$hold_pid")
	tap_check "stalled clients: $MAX_CLIENTS connected" rb_wait_for 5 hold_ready "$hold"

	# The stalled clients fill every slot: one more is turned away at once.
	ctl_capture stats --json
	tap_is "$CTL_STATUS" 1 "over max-clients: exit status 1"
	tap_check "over max-clients: says so" grep -q 'max-clients' <<<"$CTL_ERR"
	# rackbootd handles TFTP read requests on the loop that also serves the socket.
	tap_check "stalled clients: TFTP still served" rb_tftp_get "$(rb_dev_netns 2)" curl \
		"$RB_SRV_ADDR" undionly.kpxe "$RB_RUN_DIR/dev2.boot"

	start=$(date +%s%N)
	wait "$hold_pid"
	elapsed=$((($(date +%s%N) - start) / 1000000))
	tap_is "$(grep -c '^closed' "$hold")" "$MAX_CLIENTS" \
		"stalled clients: all closed by idle-timeout"
	tap_check "stalled clients: not closed before idle-timeout" \
		awk -v t="$IDLE_TIMEOUT" '/^closed/ && $2 < t - 1 { bad = 1 } END { exit bad }' "$hold"
	tap_check "after idle-timeout: a new client is served" rb_ctl stats --json
	tap_diag "stalled clients held for ${elapsed} ms"
}

# as_user UID GID ARG...: rackbootctl as an unprivileged user, copied to
# the run folder because the build folder may not be readable to it.
as_user() {
	local uid=$1 gid=$2

	shift 2
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		"$RB_RUN_DIR/bin/rackbootctl" --socket "$CTL_SOCKET" "$@"
}

test_permissions() {
	local out

	if ! command -v setpriv >/dev/null; then
		tap_skip "control socket permissions" "setpriv (util-linux) is not installed"
		return
	fi
	mkdir -p "$RB_RUN_DIR/bin" && cp "$RB_CTL" "$RB_RUN_DIR/bin/" &&
		chmod 0755 "$RB_RUN_DIR/bin" "$RB_RUN_DIR/bin/rackbootctl"

	tap_is "$(stat -c '%a %U %G' "$CTL_SOCKET")" "660 root nogroup" \
		"socket: mode 0660, owner root:nogroup"
	tap_check "group member (nobody:nogroup): served" as_user 65534 65534 stats --json
	out=$(as_user 65534 1 stats --json 2>&1)
	tap_check "non-member (uid 65534, gid 1): rejected by the socket's mode" \
		grep -q 'Permission denied: run as root or as a member' <<<"$out"

	# With the file opened to all, rackbootd's own credential check must still reject.
	chmod 0666 "$CTL_SOCKET"
	out=$(as_user 65534 1 stats --json 2>&1)
	tap_check "non-member on an open socket: rejected by rackbootd" \
		grep -q 'permission denied: uid 65534 is neither root nor a member' <<<"$out"
	chmod 0660 "$CTL_SOCKET"
	tap_check "root: served" rb_ctl stats --json
}

# ipv6_of MAC: "IPV6 SOURCE" of MAC in rackbootctl devices --json, "null null" without either.
ipv6_of() {
	rb_ctl devices --json |
		jq -r --arg mac "$1" '.devices[] | select(.mac == $mac) | "\(.ipv6) \(.ipv6_source)"'
}

# lease6_shown: devices shows device 2's DHCPv6 lease, which the store
# contains once rackbootd drained XDP's event or sent the Reply itself.
lease6_shown() {
	[[ "$(ipv6_of "$MAC2")" == "fd00:213::102 lease" ]]
}

# A real DHCPv6 exchange of device 2 (dhclient -6 with the DUID-LL that the
# inventory configures) turns its reservation into a lease, which the
# devices and device commands show and the subnet filter selects.
test_ipv6() {
	local name=dhclient6 pid out

	tap_is "$(ipv6_of "$MAC1")" "fd00:213::101 reservation" "devices: device 1's IPv6 reservation"
	tap_is "$(ipv6_of "$MAC2")" "fd00:213::102 reservation" \
		"devices: device 2 reserved before its DHCPv6 exchange"
	tap_is "$(ipv6_of 52:54:00:21:30:04)" "null null" "devices: device 4 has no IPv6 address"

	rb_dhclient6_start "$(rb_dev_netns 2)" "$name" plain
	pid=$RB_SPAWNED_PID
	if ! tap_check "$name: lease within 40 s" rb_wait_for 40 rb_lease_ready "$name"; then
		tap_diag "$(cat "$RB_RUN_DIR/$name.log")"
		rb_stop_pid "$pid"
		return 1
	fi
	rb_check_lease "$name" new_ip6_address fd00:213::102
	tap_check "devices: device 2's DHCPv6 lease within 5 s" rb_wait_for 5 lease6_shown
	tap_is "$(ipv6_of "$MAC1")" "fd00:213::101 reservation" "devices: device 1 still reserved"

	tap_is "$(macs --subnet lab6)" "$MAC1 $MAC2 52:54:00:21:30:03" \
		"devices --subnet lab6: the 3 devices with IPv6 addresses"
	tap_is "$(macs --subnet fd00:213::102/128)" "$MAC2" "devices --subnet fd00:213::102/128: device 2"
	tap_is "$(macs --subnet fd00:213::100/127)" "$MAC1" "devices --subnet fd00:213::100/127: device 1"
	tap_is "$(macs --subnet fd00:214::/64)" "" "devices --subnet fd00:214::/64: none"
	tap_is "$(macs --subnet fd00:213::/64 --phase leased)" "$MAC2" \
		"devices --subnet fd00:213::/64 --phase leased: device 2"
	ctl_capture devices --subnet fd00::/129
	tap_is "$CTL_STATUS" 1 "devices --subnet fd00::/129: exit status 1"
	tap_check "devices --subnet fd00::/129: names both prefix forms" \
		grep -q 'fd00::/129.*10.0.0.0/24 or fd00:213::/64' <<<"$CTL_ERR"

	ctl_capture devices
	tap_check "devices table: device 2's leased address" \
		grep -Eq "^$MAC2 +10.213.0.102 +fd00:213::102 " <<<"$CTL_OUT"
	tap_check "devices table: device 1's address marked as reserved" \
		grep -Eq "^$MAC1 +10.213.0.101 +fd00:213::101\\* " <<<"$CTL_OUT"
	out=$(rb_ctl device "$MAC2" --json)
	tap_check "device $MAC2: its DHCPv6 lease" \
		jq -e '.ipv6 == "fd00:213::102" and .ipv6_source == "lease"' <<<"$out"
	tap_check "device $MAC2: the DHCPv6 lease in the text" \
		grep -q 'DHCPv6 address fd00:213::102 (bound lease in the store)' \
		<<<"$(rb_ctl device "$MAC2")"
	out=$("$RB_CTL" --offline --pin-path "$PIN" --store "$RB_RUN_DIR/store" devices --json)
	tap_check "--offline devices: device 2's DHCPv6 lease from the store" \
		jq -e '[.devices[] | select(.mac == "52:54:00:21:30:02")][0]
			| .ipv6 == "fd00:213::102" and .ipv6_source == "lease"' <<<"$out"
	rb_stop_pid "$pid"
}

test_reload_and_modes() {
	ctl_capture reload --json
	# A reply either way: the reload itself is checked where it is implemented.
	tap_check "reload: rackbootd replies" \
		test "$CTL_STATUS" -eq 0 -o -n "$(grep 'rackbootctl: reload: ' <<<"$CTL_ERR")"

	ctl_capture --offline --pin-path "$PIN" devices --json
	tap_is "$(jq '.devices | length' <<<"$CTL_OUT")" 10 "--offline devices: from the maps"
	ctl_capture --pin-path "$PIN" top
	tap_is "$CTL_STATUS" 2 "--pin-path top: usage error"
	ctl_capture --pin-path "$PIN" devices --phase leased
	tap_is "$CTL_STATUS" 2 "--pin-path with a filter: usage error"

	"$RB_CTL" --socket "$RB_RUN_DIR/none.sock" stats >/dev/null 2>"$RB_RUN_DIR/none.err"
	tap_is "$?" 1 "no socket: exit status 1"
	tap_check "no socket: points to --offline" grep -q 'is rackbootd running?.*--offline' \
		"$RB_RUN_DIR/none.err"
}

test_stop() {
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_check "stop: socket removed" test ! -e "$CTL_SOCKET"
}

main() {
	rb_ctl_setup "$CONFIG_EDIT"
	tap_ok "rackbootd serves with devices in phases bootfile, leased and none"
	test_filters
	test_schema
	test_timeline
	test_ipv6
	test_logs
	test_malformed
	test_stalled
	test_permissions
	test_reload_and_modes
	test_stop
	tap_finish
}

main "$@"
