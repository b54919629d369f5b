#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A DISCOVER flood from random MACs (pool starvation) against a running
# rackbootd (topology in tests/lib/netns.sh).
#
# One device namespace sends FRAMES DISCOVERs, each from a new MAC that
# is in no inventory, while a second device namespace runs udhcpc with an
# inventory MAC.  XDP must drop the flood above the interface's
# flood-protection limit and count it as drop_flood, so that few of the
# frames reach rackbootd's socket, and udhcpc must still get its reserved
# address from XDP without rackbootd's help.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

SEND="$RB_BIN/tests/rb-dhcp4-send"
FRAMES=20000
RATE=200	# unknown-device-rate of rb0, requests per second
BURST=100	# unknown-device-burst of rb0
FLOODER=1	# inventory index of the namespace that floods
CLIENT=2	# inventory index of the namespace that runs udhcpc
FLOOD_BASE_MAC=02:00:00:00:00:00	# locally administered; no inventory MAC starts with 02
FLOOD_SECONDS=60	# the sender must finish within this

setup() {
	local mac

	rb_suite_setup "$SEND"
	DAEMON_LOG="$RB_RUN_DIR/rackbootd.log"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" \
		".interfaces.interface[0].\"flood-protection\" =
		 {\"unknown-device-rate\": $RATE, \"unknown-device-burst\": $BURST}" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	CLIENT_MAC=$(rb_cfg ".inventory.device[$((CLIENT - 1))].mac" "$CONFIG")
	CLIENT_IP=$(rb_cfg ".inventory.device[$((CLIENT - 1))].\"ipv4-address\"" "$CONFIG")
	mac=$(rb_cfg ".inventory.device[$((FLOODER - 1))].mac" "$CONFIG")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$FLOODER" "$mac" || tap_bail "creating the flooding namespace failed"
	rb_topo_add_device "$CLIENT" "$CLIENT_MAC" || tap_bail "creating the client namespace failed"
	rb_daemon_start "$CONFIG" "$PIN" "$DAEMON_LOG" || tap_bail "rackbootd did not start"
}

# stat_grew_by SOURCE NAME BEFORE COUNT: exit 0 when the counter reached BEFORE + COUNT.
stat_grew_by() {
	local value

	value=$(rb_stat "$PIN" "$1" "$2")
	[[ -n "$value" ]] && ((value >= $3 + $4))
}

# Counters this suite checks, "SOURCE:NAME", before and after the flood.
COUNTERS=(xdp:drop_flood xdp:pass_unknown_mac xdp:tx_offer xdp:tx_ack
	userspace:rx userspace:tx_offer userspace:tx_ack)
declare -A BEFORE=() AFTER=()

# snapshot ARRAY: read every counter of COUNTERS into the associative ARRAY.
snapshot() {
	local -n out=$1
	local entry

	for entry in "${COUNTERS[@]}"; do
		# shellcheck disable=SC2034,SC2004 # out names the caller's associative array
		out[$entry]=$(rb_stat "$PIN" "${entry%%:*}" "${entry#*:}")
	done
}

# growth SOURCE:NAME: print how much the counter grew during the flood.
growth() {
	echo $((${AFTER[$1]} - ${BEFORE[$1]}))
}

main() {
	local flood_pid start_ns elapsed_ns passed allowed us_rx dropped

	setup
	rb_stat_names_present "$PIN" xdp drop_flood pass_unknown_mac tx_offer tx_ack ||
		tap_bail "rackbootctl stats lacks the XDP flood counters"
	snapshot BEFORE

	start_ns=$(date +%s%N)
	rb_spawn "$(rb_dev_netns "$FLOODER")" "$RB_RUN_DIR/flood.log" \
		"$SEND" eth0 "$FLOOD_BASE_MAC" random_mac "$FRAMES"
	flood_pid=$RB_SPAWNED_PID
	rb_udhcpc_start "$(rb_dev_netns "$CLIENT")" lease
	# The sender takes a few hundred milliseconds; this shows that the client overlapped.
	rb_pid_alive "$flood_pid" && tap_diag "udhcpc started while the flood was running"

	rb_wait_for 20 rb_lease_ready lease
	tap_is "$(rb_lease_var lease ip)" "$CLIENT_IP" \
		"udhcpc gets its reserved address during the flood"

	if rb_wait_for "$FLOOD_SECONDS" rb_pid_gone "$flood_pid"; then
		wait "$flood_pid"
		tap_is "$?" 0 "rb-dhcp4-send sent $FRAMES random-MAC DISCOVERs"
	else
		tap_not_ok "rb-dhcp4-send still running after $FLOOD_SECONDS s"
	fi
	elapsed_ns=$(($(date +%s%N) - start_ns))
	[[ -s "$RB_RUN_DIR/flood.log" ]] && tap_diag "rb-dhcp4-send: $(tr '\n' ' ' <"$RB_RUN_DIR/flood.log")"

	# The frames cross veths and a bridge, which may lose a few under load.
	rb_wait_for 5 stat_grew_by xdp drop_flood "${BEFORE[xdp:drop_flood]}" $((FRAMES / 2))
	snapshot AFTER
	dropped=$(growth xdp:drop_flood)
	tap_ge "$dropped" $((FRAMES / 2)) "XDP dropped most of the flood as drop_flood ($dropped)"

	# At most the bucket plus its refill over the run, plus one for rounding.
	passed=$(growth xdp:pass_unknown_mac)
	allowed=$((BURST + RATE * elapsed_ns / 1000000000 + 1))
	tap_check "XDP passed $passed unknown-device requests, at most $allowed in $((elapsed_ns / 1000000)) ms" \
		test "$passed" -le "$allowed" -a "$passed" -ge 1

	us_rx=$(growth userspace:rx)
	tap_check "rackbootd read $us_rx requests, well below the $FRAMES of the flood" \
		test "$us_rx" -le $((FRAMES / 10))

	tap_check "the OFFER came from XDP" test "$(growth xdp:tx_offer)" -gt 0
	tap_check "the ACK came from XDP" test "$(growth xdp:tx_ack)" -gt 0
	tap_is "$(growth userspace:tx_offer) $(growth userspace:tx_ack)" "0 0" \
		"rackbootd sent no OFFER or ACK"

	tap_check "rackbootd still running after the flood" rb_pid_alive "$RB_DAEMON_PID"
	tap_finish
}

main "$@"
