#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The subnet pool against a running rackbootd (topology in
# tests/lib/netns.sh): devices whose MACs are not in the inventory get
# pool addresses.
#
# The lab config gets a pool of two addresses, which rackbootd lends to
# the XDP program's pool queue at start.  Client A keeps its address;
# the XDP program binds it from the queue and answers its DISCOVER and
# its REQUEST.  Client B gets the other address and releases it on
# SIGUSR2 (udhcpc -q -R sends no RELEASE, since it quits before it
# enters the bound state).  Client C then gets B's address back.  After
# a restart, rackbootd keeps the records of A and C from the pinned map,
# so client D finds the pool exhausted.
#
# Then the pool grows by 80 addresses and rb-dora runs 60 clients
# through DORA at once: each gets an OFFER bound in XDP and a distinct
# pool address.  rackbootd is killed with SIGKILL and started again;
# 75 clients (the 60 and 15 new ones) then hold 75 distinct addresses,
# and no address is in two device records.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

POOL_FIRST=10.213.0.200
POOL_LAST=10.213.0.201
POOL_EDIT=".dhcpv4.subnet[0].pool = {\"profile\": \"linux\",
	\"range\": [{\"start\": \"$POOL_FIRST\", \"end\": \"$POOL_LAST\"}]}"

# Locally administered MACs, none of them in examples/lab.json.
MAC_A=02:00:5e:10:00:0a
MAC_B=02:00:5e:10:00:0b
MAC_C=02:00:5e:10:00:0c
MAC_D=02:00:5e:10:00:0d
MAC_DORA=02:00:5e:10:00:0e

# The larger pool; no inventory device of examples/lab.json is in it.
BIG_EDIT=".dhcpv4.subnet[0].pool = {\"profile\": \"linux\",
	\"range\": [{\"start\": \"$POOL_FIRST\", \"end\": \"$POOL_LAST\"},
		{\"start\": \"10.213.0.120\", \"end\": \"10.213.0.199\"}]} |
	.interfaces.interface[0].\"flood-protection\" = {\"unknown-device-rate\": 0}"
DORA="$RB_BIN/tests/rb-dora"

setup() {
	rb_suite_setup "$DORA"
	DAEMON_LOG="$RB_RUN_DIR/rackbootd.log"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$POOL_EDIT" ||
		tap_bail "writing the test config with a pool failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device 1 "$MAC_A" || tap_bail "creating the namespace of client A failed"
	rb_topo_add_device 2 "$MAC_B" || tap_bail "creating the namespace of client B failed"
	rb_topo_add_device 3 "$MAC_C" || tap_bail "creating the namespace of client C failed"
	rb_topo_add_device 4 "$MAC_D" || tap_bail "creating the namespace of client D failed"
	rb_topo_add_device 5 "$MAC_DORA" || tap_bail "creating the namespace of rb-dora failed"
	rb_daemon_start "$CONFIG" "$PIN" "$DAEMON_LOG" || tap_bail "rackbootd did not start"
}

# lease INDEX NAME [UDHCPC_ARG...]: run udhcpc in device INDEX, wait up
# to 20 s for its lease and up to 10 s more for it to exit (udhcpc -n
# gives up after 4 tries of 2 s when no lease comes).
lease() {
	local index=$1 name=$2

	shift 2
	rb_udhcpc_start "$(rb_dev_netns "$index")" "$name" "$@"
	rb_wait_for 20 rb_lease_ready "$name"
	rb_wait_for 10 rb_pid_gone "$RB_SPAWNED_PID"
}

# lease_then_release INDEX NAME: run udhcpc in device INDEX until it
# binds, send it SIGUSR2 (RELEASE) and stop it.
lease_then_release() {
	local index=$1 base="$RB_RUN_DIR/$2" pid

	rb_spawn "$(rb_dev_netns "$index")" "$base.log" env "RB_DUMP=$base.env" \
		busybox udhcpc -f -n -i eth0 -t 4 -T 2 -A 1 -s "$PWD/$RB_LIB_DIR/udhcpc-hook.sh"
	pid=$RB_SPAWNED_PID
	rb_wait_for 20 rb_lease_ready "$2"
	kill -USR2 "$pid" 2>/dev/null
	rb_wait_for 5 grep -q "entering released state" "$base.log"
	rb_stop_pid "$pid"
}

# After a restart the pool devices keep their records, and with both
# addresses taken client D gets none.
test_restart() {
	local log="$RB_RUN_DIR/restart.log" ignored_before

	rb_stop_pid "$RB_DAEMON_PID"
	rb_daemon_start "$CONFIG" "$PIN" "$log" || tap_bail "the restarted rackbootd did not start"
	tap_check "restart: both pool devices kept their addresses" \
		grep -q "pool devices that kept their addresses from the pinned map: 2" "$log"
	tap_is "$(rb_device "$PIN" "$MAC_A" ipv4)" "$POOL_FIRST" "restart: client A's record is kept"
	tap_is "$(rb_device "$PIN" "$MAC_C" ipv4)" "$POOL_LAST" "restart: client C's record is kept"

	ignored_before=$(rb_stat "$PIN" userspace ignored_unknown)
	lease 4 client-d
	tap_check "exhausted pool: client D gets no lease" test ! -e "$RB_RUN_DIR/client-d.env"
	tap_check "exhausted pool: ignored_unknown grew" \
		test "$(rb_stat "$PIN" userspace ignored_unknown)" -gt "$ignored_before"
	tap_check "exhausted pool: rackbootd logged it" \
		grep -q "DISCOVER from $MAC_D on rb0 ignored: the pool of subnet \"lab\" has no free" "$log"
}

# dora COUNT NAME: run rb-dora with COUNT clients in device 5 for at most
# 20 s; its ACKs go to $RB_RUN_DIR/NAME.acks.
dora() {
	local acks="$RB_RUN_DIR/$2.acks"

	rm -f "$acks"
	rb_spawn "$(rb_dev_netns 5)" "$RB_RUN_DIR/$2.log" "$DORA" eth0 "$1" 20 "$acks" 64
	rb_wait_for 25 rb_pid_gone "$RB_SPAWNED_PID"
	tap_diag "rb-dora: $(tail -n 1 "$RB_RUN_DIR/$2.log")"
}

server_port_free() {
	! ip netns exec "$RB_NS_SRV" ss -Hlun 'sport = :67' | grep -q .
}

# in_pool ADDRESS: exit 0 when ADDRESS is in one of the larger pool's ranges.
in_pool() {
	local last=${1##*.}

	[[ "$1" == 10.213.0.* ]] && ((last == 200 || last == 201 || (last >= 120 && last <= 199)))
}

# check_acks NAME COUNT: every client got an ACK, each with its own pool address.
check_acks() {
	local acks="$RB_RUN_DIR/$1.acks" addr outside=0

	tap_is "$(sort -u "$acks" | wc -l)" "$2" "$1: all $2 clients got an ACK"
	tap_is "$(awk '{print $2}' "$acks" | sort | uniq -d | head -n 3)" "" \
		"$1: no address went to two clients"
	for addr in $(awk '{print $2}' "$acks"); do
		in_pool "$addr" || outside=$((outside + 1))
	done
	tap_is "$outside" 0 "$1: every address is a pool address"
	tap_is "$(rb_ctl_json "$PIN" devices | jq -r '.devices[].ipv4' | sort | uniq -d | head -n 3)" \
		"" "$1: no address is in two device records"
}

# Many clients at once against the larger pool, then a SIGKILL and a
# restart, after which old and new clients still get distinct addresses.
test_many_clients() {
	local log="$RB_RUN_DIR/big.log" log2="$RB_RUN_DIR/big-restart.log" bind_before

	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$BIG_EDIT" ||
		tap_bail "writing the config with the larger pool failed"
	rb_stop_pid "$RB_DAEMON_PID"
	rb_daemon_start "$CONFIG" "$PIN" "$log" || tap_bail "rackbootd with the larger pool did not start"

	bind_before=$(rb_stat "$PIN" xdp pool_bind)
	dora 60 dora-60
	check_acks dora-60 60
	tap_is "$(($(rb_stat "$PIN" xdp pool_bind) - bind_before))" 60 \
		"the XDP program bound all 60 new clients from the pool queue"

	kill -KILL "$RB_DAEMON_PID"
	wait "$RB_DAEMON_PID" 2>/dev/null
	# The killed process's io_uring closes its sockets a moment after it exits.
	rb_wait_for 10 server_port_free
	rb_daemon_start "$CONFIG" "$PIN" "$log2" || tap_bail "rackbootd did not start after SIGKILL"
	tap_check "restart: rackbootd took the queued addresses back" \
		grep -q "took [0-9]* lent pool addresses back from the XDP queues" "$log2"

	bind_before=$(rb_stat "$PIN" xdp pool_bind)
	dora 75 dora-75
	check_acks dora-75 75
	tap_is "$(($(rb_stat "$PIN" xdp pool_bind) - bind_before))" 15 \
		"restart: the XDP program bound the 15 new clients"
	tap_is "$(comm -12 <(sort "$RB_RUN_DIR/dora-60.acks") <(sort "$RB_RUN_DIR/dora-75.acks") |
		wc -l)" 60 "restart: the first 60 clients kept their addresses"
	tap_check "rackbootd still running" rb_pid_alive "$RB_DAEMON_PID"
}

main() {
	local ack_before offer_before bind_before addr_a addr_b addr_c

	setup

	ack_before=$(rb_stat "$PIN" xdp tx_ack)
	offer_before=$(rb_stat "$PIN" xdp tx_offer)
	bind_before=$(rb_stat "$PIN" xdp pool_bind)
	lease 1 client-a
	addr_a=$(rb_lease_var client-a ip)
	tap_is "$addr_a" "$POOL_FIRST" "client A gets the first pool address"
	tap_is "$(rb_stat "$PIN" xdp pool_bind)" "$((bind_before + 1))" \
		"XDP bound client A's address from the pool queue"
	tap_check "XDP sent the OFFER to client A" \
		test "$(rb_stat "$PIN" xdp tx_offer)" -gt "$offer_before"
	tap_check "XDP sent the ACK to client A" \
		test "$(rb_stat "$PIN" xdp tx_ack)" -gt "$ack_before"

	ack_before=$(rb_stat "$PIN" xdp tx_ack)
	lease_then_release 2 client-b
	addr_b=$(rb_lease_var client-b ip)
	tap_is "$addr_b" "$POOL_LAST" "client B gets the second pool address"
	tap_check "XDP sent the ACK to client B" \
		test "$(rb_stat "$PIN" xdp tx_ack)" -gt "$ack_before"
	rb_wait_for 5 grep -q "released pool address $POOL_LAST" "$DAEMON_LOG"
	if ! tap_check "rackbootd logged client B's RELEASE" \
		grep -q "$MAC_B on rb0 released pool address $POOL_LAST" "$DAEMON_LOG"; then
		grep -i "$MAC_B\|release" "$DAEMON_LOG" | tail -n 10 | sed 's/^/# /'
		sed 's/^/# udhcpc: /' "$RB_RUN_DIR/client-b.log" | tail -n 10
	fi

	lease 3 client-c
	addr_c=$(rb_lease_var client-c ip)
	tap_is "$addr_c" "$POOL_LAST" "client C reuses the address that client B released"

	tap_check "rackbootd still running" rb_pid_alive "$RB_DAEMON_PID"
	test_restart
	test_many_clients
	tap_finish
}

main "$@"
