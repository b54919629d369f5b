#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Leases survive a SIGKILL of rackbootd.  rb-dora runs CLIENTS distinct
# pool clients through full DORA exchanges from a client namespace.
# Partway through the run rackbootd is killed with SIGKILL and started
# again, while the clients retransmit and the XDP program keeps
# answering the REQUESTs of devices it knows.  At the end, every ACK a
# client received must be in the store (rackbootctl leases) with the
# same address, and no address may be held by two MACs, neither in the
# store nor in rb_devices.
#
# Topology: <prefix>srv with rb0 (rackbootd) and <prefix>cli with cl0,
# one veth pair.  cl0 runs xdp_pass so that the XDP_TX replies of rb0
# reach it (see tests/lib/netns.sh).
set -uo pipefail
# comm needs both inputs sorted the same way.
export LC_ALL=C

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

DORA="$RB_BIN/tests/rb-dora"
CLIENTS=${RB_PERSIST_CLIENTS:-100000}
DORA_SECONDS=50
# The kill comes once this many clients have their ACK.
KILL_AFTER=$((CLIENTS * 3 / 10))
NS_CLI="${RB_PREFIX}cli"

# A /13 around the lab's /24, with a pool of 131,061 addresses below the
# inventory's 10.213.0.0/24; the flood limit is off, since every client
# is an unknown device.
CONFIG_EDIT='.dhcpv4.subnet[0].prefix = "10.208.0.0/13" |
	.dhcpv4.subnet[0].pool = {"profile": "linux",
		"range": [{"start": "10.208.0.10", "end": "10.209.255.250"}]} |
	.interfaces.interface[0]."flood-protection" = {"unknown-device-rate": 0}'

setup() {
	rb_suite_setup "$DORA"
	DAEMON_LOG="$RB_RUN_DIR/rackbootd.log"
	ACKS="$RB_RUN_DIR/acks.txt"
	STORE="$RB_RUN_DIR/store"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config with a large pool failed"

	rb_netns_add "$RB_NS_SRV" || tap_bail "creating namespace $RB_NS_SRV failed"
	rb_netns_add "$NS_CLI" || tap_bail "creating namespace $NS_CLI failed"
	ip -n "$NS_CLI" link add cl0 type veth peer name "$RB_SRV_IF" netns "$RB_NS_SRV" ||
		tap_bail "creating the veth pair cl0/$RB_SRV_IF failed"
	rb_xdp_pass_attach "$NS_CLI" cl0 || tap_bail "attaching xdp_pass to cl0 failed"
	ip -n "$NS_CLI" link set cl0 up || tap_bail "setting cl0 up failed"
	ip -n "$RB_NS_SRV" addr add "$RB_SRV_ADDR/$RB_SRV_PREFIXLEN" dev "$RB_SRV_IF" &&
		ip -n "$RB_NS_SRV" link set "$RB_SRV_IF" up || tap_bail "setting up $RB_SRV_IF failed"

	rb_daemon_start "$CONFIG" "$PIN" "$DAEMON_LOG" || tap_bail "rackbootd did not start"
}

acks_at_least() {
	[[ -f "$ACKS" ]] && (($(wc -l <"$ACKS") >= $1))
}

# Start the clients, SIGKILL rackbootd once KILL_AFTER clients have an
# ACK, and start it again.
run_with_kill() {
	local restart_log="$RB_RUN_DIR/rackbootd-restart.log"

	rb_spawn "$NS_CLI" "$RB_RUN_DIR/dora.log" "$DORA" cl0 "$CLIENTS" "$DORA_SECONDS" "$ACKS" 512
	DORA_PID=$RB_SPAWNED_PID

	if ! rb_wait_for 30 acks_at_least "$KILL_AFTER"; then
		tap_not_ok "$KILL_AFTER clients got an ACK within 30 s"
		tap_diag "$(tail -n 5 "$RB_RUN_DIR/dora.log" "$DAEMON_LOG")"
		return 1
	fi
	kill -KILL "$RB_DAEMON_PID"
	wait "$RB_DAEMON_PID" 2>/dev/null
	KILLED_AT=$(wc -l <"$ACKS")
	tap_check "rb-dora still running when rackbootd was killed" rb_pid_alive "$DORA_PID"
	tap_diag "rackbootd killed with SIGKILL after $KILLED_AT ACKs"

	rb_daemon_start "$CONFIG" "$PIN" "$restart_log" ||
		tap_bail "the restarted rackbootd did not start"
	tap_diag "$(grep 'leases:' "$restart_log" | head -n 5)"

	rb_wait_for $((DORA_SECONDS + 10)) rb_pid_gone "$DORA_PID"
	wait "$DORA_PID" 2>/dev/null
	tap_diag "rb-dora: $(tail -n 1 "$RB_RUN_DIR/dora.log")"
}

# The store's leases as sorted "MAC ADDRESS" lines.
store_leases() {
	"$RB_CTL" leases --json --store "$STORE" | jq -r '.leases[] | "\(.mac) \(.ipv4)"' | sort
}

check_results() {
	local acked missing store_lines

	acked=$(sort -u "$ACKS" | wc -l)
	tap_is "$acked" "$CLIENTS" "every client got an ACK"
	tap_ge "$KILLED_AT" 1 "ACKs were received before the kill"
	tap_check "ACKs were received after the kill" test "$acked" -gt "$KILLED_AT"

	# Let the restarted rackbootd commit the last ACKs (100 ms interval).
	sleep 1
	store_leases >"$RB_RUN_DIR/store.txt"
	store_lines=$(wc -l <"$RB_RUN_DIR/store.txt")
	tap_ge "$store_lines" "$acked" "the store has at least as many leases as ACKs"

	sort -u "$ACKS" | comm -23 - "$RB_RUN_DIR/store.txt" >"$RB_RUN_DIR/missing.txt"
	missing=$(wc -l <"$RB_RUN_DIR/missing.txt")
	if ! tap_is "$missing" 0 "every ACKed lease is in the store with its address"; then
		tap_diag "first missing leases: $(head -n 5 "$RB_RUN_DIR/missing.txt" | tr '\n' ';')"
	fi

	tap_is "$(awk '{print $2}' "$RB_RUN_DIR/store.txt" | sort | uniq -d | head -n 3)" "" \
		"no address has two leases in the store"
	tap_is "$(rb_ctl_json "$PIN" devices | jq -r '.devices[].ipv4' | sort | uniq -d |
		head -n 3)" "" "no address is in two rb_devices records"
	tap_is "$(sort -u "$ACKS" | awk '{print $2}' | sort | uniq -d | head -n 3)" "" \
		"no address was ACKed to two clients"
	tap_check "the restarted rackbootd still runs" rb_pid_alive "$RB_DAEMON_PID"
}

main() {
	setup
	run_with_kill && check_results
	tap_finish
}

main "$@"
