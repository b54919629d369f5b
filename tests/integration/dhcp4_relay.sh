#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv4 through a real relay agent: ISC dhcrelay in its own namespace
# between a device link and the server.
#
#   <prefix>dev*   eth0, a DHCP client with an inventory MAC
#        | veth, ports of br0
#   <prefix>rly    br0 10.214.0.1/24 (client side), up0 10.215.0.2/24,
#        |         dhcrelay -4 -d
#        | veth
#   <prefix>srv    rb1 10.215.0.1/24 and 10.214.0.2/32 (server-address of
#                  subnet 10.214.0.0/24), route to 10.214.0.0/24 via the
#                  relay; rb0 and the lab subnet as in tests/lib/netns.sh
#
# The XDP program passes relayed requests up (pass_relayed), and the
# slow path answers them by UDP to giaddr.  First dhcrelay sets giaddr to
# its client-side address and adds option 82; then, started with -U, it
# sets giaddr to its server-side address 10.215.0.2, which is in no
# subnet, and names the client link in the link selection sub-option.
# A device whose reserved address lies in another subnet gets no lease.
# Last, a device with a MAC not in the inventory gets the address that
# the inventory reserves for the relay's circuit-id (option 82 of
# dhcrelay -a, the client-side interface name).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

RB_NS_RELAY="${RB_PREFIX}rly"
RELAY_DOWN_ADDR=10.214.0.1
RELAY_UP_ADDR=10.215.0.2
SRV_RELAY_IF=rb1
SRV_RELAY_ADDR=10.215.0.1
SUBNET_SERVER_ADDR=10.214.0.2

# Devices behind the relay: index, MAC, reserved address ("-" = a lab
# device whose address is in 10.213.0.0/24, so it is on the wrong link).
DEVICES=(
	"1 52:54:00:21:32:01 10.214.0.50"
	"2 52:54:00:21:32:02 10.214.0.51"
	"3 52:54:00:21:30:02 -"
	"4 52:54:00:21:32:09 10.214.0.51"
)

CONFIG_EDIT='.interfaces.interface += [{"name": "rb1", "xdp-mode": "native"}]
	| .dhcpv4.subnet += [{"name": "behind-relay", "prefix": "10.214.0.0/24",
		"interface": "rb1", "server-address": "10.214.0.2", "lease-time": 3600,
		"routers": ["10.214.0.1"], "domain-name": "relay.rackboot.test"}]
	| .inventory.device += [
		{"mac": "52:54:00:21:32:01", "ipv4-address": "10.214.0.50",
		 "hostname": "rack3-node01", "profile": "pxe-bios"},
		{"mac": "52:54:00:21:32:02", "ipv4-address": "10.214.0.51",
		 "hostname": "rack3-node02", "profile": "linux",
		 "relay-agent": {"address": "10.214.0.1", "circuit-id": "br0"}}]'

relay_dev_netns() {
	printf '%srdev%02d' "$RB_PREFIX" "$1"
}

# topo_add_relay: the relay namespace, its link to rb1 of the server and
# the route back to the client subnet.
topo_add_relay() {
	rb_netns_add "$RB_NS_RELAY" || return 1
	ip -n "$RB_NS_RELAY" link add br0 type bridge stp_state 0 forward_delay 0 || return 1
	ip -n "$RB_NS_RELAY" addr add "$RELAY_DOWN_ADDR/24" dev br0 || return 1
	ip -n "$RB_NS_RELAY" link set br0 up || return 1

	ip -n "$RB_NS_RELAY" link add up0 type veth peer name "$SRV_RELAY_IF" netns "$RB_NS_SRV" ||
		return 1
	ip -n "$RB_NS_RELAY" addr add "$RELAY_UP_ADDR/24" dev up0 || return 1
	ip -n "$RB_NS_RELAY" link set up0 up || return 1

	ip -n "$RB_NS_SRV" addr add "$SRV_RELAY_ADDR/24" dev "$SRV_RELAY_IF" || return 1
	ip -n "$RB_NS_SRV" addr add "$SUBNET_SERVER_ADDR/32" dev "$SRV_RELAY_IF" || return 1
	ip -n "$RB_NS_SRV" link set "$SRV_RELAY_IF" up || return 1
	ip -n "$RB_NS_SRV" route add 10.214.0.0/24 via "$RELAY_UP_ADDR" dev "$SRV_RELAY_IF" \
		src "$SUBNET_SERVER_ADDR"
}

# topo_add_relay_device INDEX MAC: a device namespace on the relay's br0.
topo_add_relay_device() {
	local index=$1 mac=$2 netns port

	netns=$(relay_dev_netns "$index")
	port=$(printf 'd%02d' "$index")
	rb_netns_add "$netns" || return 1
	ip -n "$RB_NS_RELAY" link add "$port" type veth peer name eth0 netns "$netns" || return 1
	ip -n "$netns" link set eth0 address "$mac" || return 1
	ip -n "$RB_NS_RELAY" link set "$port" master br0 || return 1
	ip -n "$RB_NS_RELAY" link set "$port" up || return 1
	ip -n "$netns" link set eth0 up
}

setup() {
	local entry index mac

	command -v dhcrelay >/dev/null ||
		tap_skip_all "dhcrelay is missing; install isc-dhcp-relay (scripts/install-deps.sh)"
	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	topo_add_relay || tap_bail "creating the relay namespace failed"
	for entry in "${DEVICES[@]}"; do
		read -r index mac _ <<<"$entry"
		topo_add_relay_device "$index" "$mac" ||
			tap_bail "creating the namespace of device $index behind the relay failed"
	done
	rb_on_cleanup 'save_logs'
}

save_logs() {
	local log

	((TAP_FAILED > 0)) || return 0
	for log in rackbootd dhcrelay dhcrelay-link-selection; do
		if [[ -f "$RB_RUN_DIR/$log.log" ]]; then
			tap_diag "last lines of the $log log:"
			tap_diag "$(tail -n 30 "$RB_RUN_DIR/$log.log")"
		fi
	done
}

relay_listening() {
	ip netns exec "$RB_NS_RELAY" ss -Hlun 2>/dev/null | grep -Eq '[:.*]67[[:space:]]'
}

# relay_start NAME DHCRELAY_ARG...: run dhcrelay in the foreground of the
# relay namespace with option 82, client side br0, server side given by
# the arguments.  Sets RELAY_PID.
relay_start() {
	local name=$1

	shift
	rb_spawn "$RB_NS_RELAY" "$RB_RUN_DIR/$name.log" \
		dhcrelay -4 -d --no-pid -a -id br0 "$@" "$SRV_RELAY_ADDR"
	RELAY_PID=$RB_SPAWNED_PID
	rb_wait_for 10 relay_listening
}

# lease_through_relay INDEX CLIENT NAME: one lease of device INDEX with
# dhclient or udhcpc, checked against its reservation.
lease_through_relay() {
	local index=$1 client=$2 name=$3 entry mac addr netns pid

	entry=${DEVICES[index - 1]}
	read -r _ mac addr <<<"$entry"
	netns=$(relay_dev_netns "$index")

	if [[ "$client" == dhclient ]]; then
		rb_dhclient_start "$netns" "$name"
	else
		rb_udhcpc_start "$netns" "$name"
	fi
	pid=$RB_SPAWNED_PID
	if ! tap_check "$name: lease through dhcrelay within 30 s" \
		rb_wait_for 30 rb_lease_ready "$name"; then
		tap_diag "$(tail -n 20 "$RB_RUN_DIR/$name.log")"
		rb_stop_pid "$pid"
		return 1
	fi
	rb_stop_pid "$pid"

	if [[ "$client" == dhclient ]]; then
		tap_is "$(rb_lease_var "$name" new_ip_address)" "$addr" "$name lease: address"
		tap_is "$(rb_lease_var "$name" new_routers)" "$RELAY_DOWN_ADDR" "$name lease: router"
		tap_is "$(rb_lease_var "$name" new_dhcp_server_identifier)" "$SUBNET_SERVER_ADDR" \
			"$name lease: server identifier"
		tap_is "$(rb_lease_var "$name" new_domain_name)" relay.rackboot.test \
			"$name lease: domain name of the relayed subnet"
	else
		tap_is "$(rb_lease_var "$name" ip)" "$addr" "$name lease: address"
		tap_is "$(rb_lease_var "$name" router)" "$RELAY_DOWN_ADDR" "$name lease: router"
		tap_is "$(rb_lease_var "$name" serverid)" "$SUBNET_SERVER_ADDR" \
			"$name lease: server identifier"
	fi
	tap_is "$(rb_device "$PIN" "$mac" phase)" leased "device $mac: phase leased"
	tap_ge "$(rb_device "$PIN" "$mac" us_replies)" 2 "device $mac: OFFER and ACK from userspace"
}

# check_growth LABEL SOURCE COUNTER BEFORE: ok when the counter grew past BEFORE.
check_growth() {
	local label=$1 src=$2 counter=$3 before=$4

	tap_ge "$(($(rb_stat "$PIN" "$src" "$counter") - before))" 1 "$label: $src $counter grew"
}

test_giaddr() {
	local relayed0 offer0 ack0

	relayed0=$(rb_stat "$PIN" xdp pass_relayed)
	offer0=$(rb_stat "$PIN" userspace tx_offer)
	ack0=$(rb_stat "$PIN" userspace tx_ack)

	tap_check "dhcrelay listens on port 67" relay_start dhcrelay -iu up0
	lease_through_relay 1 dhclient relay-dev1-dhclient

	check_growth "giaddr" xdp pass_relayed "$relayed0"
	check_growth "giaddr" userspace tx_offer "$offer0"
	check_growth "giaddr" userspace tx_ack "$ack0"
}

test_wrong_link() {
	local name=relay-dev3-udhcpc ignored0 offer0 mac

	read -r _ mac _ <<<"${DEVICES[2]}"
	ignored0=$(rb_stat "$PIN" userspace ignored_other)
	offer0=$(rb_stat "$PIN" userspace tx_offer)

	# udhcpc gives up after 2 DISCOVERs 2 s apart and a 1 s wait.
	rb_spawn "$(relay_dev_netns 3)" "$RB_RUN_DIR/$name.log" env "RB_DUMP=$RB_RUN_DIR/$name.env" \
		busybox udhcpc -f -q -n -i eth0 -t 2 -T 2 -A 1 -s "$PWD/$RB_LIB_DIR/udhcpc-hook.sh"
	rb_wait_for 15 rb_pid_gone "$RB_SPAWNED_PID"
	rb_stop_pid "$RB_SPAWNED_PID"

	tap_check "wrong link: udhcpc exits without a lease" test "$RB_STOP_STATUS" -ne 0
	tap_check "wrong link: no lease recorded" test ! -e "$RB_RUN_DIR/$name.env"
	check_growth "wrong link" userspace ignored_other "$ignored0"
	tap_is "$(rb_stat "$PIN" userspace tx_offer)" "$offer0" "wrong link: no OFFER"
	tap_check "wrong link: logged" grep -q "$mac.*not in the subnet of link address" \
		"$RB_RUN_DIR/rackbootd.log"
	rb_stop_pid "$RELAY_PID"
}

test_link_selection() {
	local relayed0 offer0 ack0

	relayed0=$(rb_stat "$PIN" xdp pass_relayed)
	offer0=$(rb_stat "$PIN" userspace tx_offer)
	ack0=$(rb_stat "$PIN" userspace tx_ack)

	# -U up0: giaddr 10.215.0.2, and sub-option 5 of option 82 names br0's
	# subnet.  -U makes up0 the server side; dhcrelay 4.4.3-P1 crashes with
	# SIGSEGV on the first request when up0 is also given with -iu or -i.
	tap_check "dhcrelay -U listens on port 67" relay_start dhcrelay-link-selection -U up0
	lease_through_relay 2 udhcpc relay-dev2-udhcpc

	check_growth "link selection" xdp pass_relayed "$relayed0"
	check_growth "link selection" userspace tx_offer "$offer0"
	check_growth "link selection" userspace tx_ack "$ack0"
	tap_check "link selection: giaddr was the relay's server-side address" \
		grep -q "through relay $RELAY_UP_ADDR" "$RB_RUN_DIR/rackbootd.log"
	rb_stop_pid "$RELAY_PID"
}

# Device 4 is not in the inventory; the circuit-id reservation of device 2 serves it.
test_circuit_id() {
	local name=relay-dev4-udhcpc reserved_mac=52:54:00:21:32:02 replies0

	replies0=$(rb_device "$PIN" "$reserved_mac" us_replies)
	tap_check "dhcrelay -a listens on port 67" relay_start dhcrelay-circuit-id -iu up0
	rb_udhcpc_start "$(relay_dev_netns 4)" "$name"
	if tap_check "$name: lease through dhcrelay within 30 s" rb_wait_for 30 rb_lease_ready "$name"; then
		tap_is "$(rb_lease_var "$name" ip)" 10.214.0.51 "$name lease: the circuit-id's address"
		tap_is "$(rb_lease_var "$name" hostname)" rack3-node02 "$name lease: host name"
	fi
	rb_stop_pid "$RB_SPAWNED_PID"
	tap_ge "$(($(rb_device "$PIN" "$reserved_mac" us_replies) - replies0))" 2 \
		"device $reserved_mac: OFFER and ACK for the device on its port"
	tap_is "$(rb_device "$PIN" 52:54:00:21:32:09 phase)" "" "no record for the new MAC"
	rb_stop_pid "$RELAY_PID"
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_check "rackbootd: XDP attached to $SRV_RELAY_IF" \
		rb_wait_for 5 rb_link_has_xdp "$RB_NS_SRV" "$SRV_RELAY_IF"
	tap_check "stats: counters present" rb_stat_names_present "$PIN" xdp pass_relayed
	tap_check "stats: userspace counters present" rb_stat_names_present "$PIN" userspace \
		tx_offer tx_ack ignored_other

	test_giaddr
	test_wrong_link
	test_link_selection
	test_circuit_id

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_finish
}

main "$@"
