#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv4 through a real relay agent: ISC dhcrelay in its own namespace
# between device links and the server.
#
#   <prefix>rdev*  eth0, a DHCP client
#        | veth, ports of br0 or br1
#   <prefix>rly    br0 10.214.0.1/24, br1 10.214.0.129/26 and br2
#        |    |    10.214.0.193/26 (client side), up0 10.215.0.2/24 and
#        |    |    up1 10.217.0.2/24 with xdp_pass, dhcrelay -4 -d
#        | veth (up0 - rb1), veth (up1 - rb2)
#   <prefix>srv    rb1 10.215.0.1/24 and 10.214.0.2/32 (server-address of
#                  subnet 10.214.0.0/24), forwarding on, route to
#                  10.214.0.0/24 via the relay's up0, and to br2's
#                  10.214.0.192/26 via its up1 (rb2 10.217.0.1/24); rb0
#                  and the lab subnet as in tests/lib/netns.sh
#
# The XDP program answers relayed requests of known devices itself and
# sends the reply back out of rb1 to giaddr (tx_relay), with the next hop
# from the kernel's FIB; forwarding must be on for rb1, because the
# lookup is made as for a forwarded packet.  First dhcrelay sets giaddr
# to its client-side address and adds option 82 (circuit-id: the
# client-side interface name); then, started with -U, it sets giaddr to
# its server-side address 10.215.0.2, which is in no subnet, and names
# the client link in the link selection sub-option.  A device whose
# reserved address lies in another subnet is passed up and gets no
# lease.  A device with a MAC not in the inventory gets the address that
# the inventory reserves for the relay's circuit-id, from XDP.  A device
# behind br2 gets replies that XDP redirects from rb1 to rb2, where the
# route to br2 leaves (redirect_relay).  Last, a
# flood of random MACs behind br2, a port without a reservation, is
# limited by that circuit's bucket, while the reserved device behind br1
# and a known device behind br0 still get their leases.  (Every MAC
# behind br0 or br1 gets the port's reservation, flood or not.)
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
SECOND_CIRCUIT_ADDR=10.214.0.129	# br1, giaddr of the second circuit
FLOOD_CIRCUIT_ADDR=10.214.0.193		# br2, giaddr of the flooded circuit
SEND="$RB_BIN/tests/rb-dhcp4-send"
CIRCUIT_RATE=20		# unknown-device-circuit-rate of rb1, requests per second
CIRCUIT_BURST=10	# unknown-device-circuit-burst of rb1
FLOOD_SECONDS=20	# the flood loop ends by itself after this
FLOOD_BASE_MAC=02:00:00:00:00:00	# locally administered; no inventory MAC starts with 02

# Devices behind the relay: index, MAC, reserved address ("-" = a lab
# device whose address is in 10.213.0.0/24, so it is on the wrong link,
# "flood" = the namespace that floods), bridge.
DEVICES=(
	"1 52:54:00:21:32:01 10.214.0.50 br0"
	"2 52:54:00:21:32:02 10.214.0.51 br0"
	"3 52:54:00:21:30:02 - br0"
	"4 52:54:00:21:32:09 10.214.0.51 br0"
	"5 52:54:00:21:32:0a 10.214.0.52 br1"
	"6 $FLOOD_BASE_MAC flood br2"
	"7 52:54:00:21:32:07 10.214.0.53 br2"
)

CONFIG_EDIT='.interfaces.interface += [{"name": "rb1", "xdp-mode": "native",
		"flood-protection": {"unknown-device-rate": 0,
			"unknown-device-circuit-rate": '"$CIRCUIT_RATE"',
			"unknown-device-circuit-burst": '"$CIRCUIT_BURST"'}}]
	| .dhcpv4.subnet += [{"name": "behind-relay", "prefix": "10.214.0.0/24",
		"interface": "rb1", "server-address": "10.214.0.2", "lease-time": 3600,
		"routers": ["10.214.0.1"], "domain-name": "relay.rackboot.test"}]
	| .inventory.device += [
		{"mac": "52:54:00:21:32:01", "ipv4-address": "10.214.0.50",
		 "hostname": "rack3-node01", "profile": "pxe-bios"},
		{"mac": "52:54:00:21:32:02", "ipv4-address": "10.214.0.51",
		 "hostname": "rack3-node02", "profile": "linux",
		 "relay-agent": {"address": "10.214.0.1", "circuit-id": "br0"}},
		{"mac": "52:54:00:21:32:07", "ipv4-address": "10.214.0.53",
		 "hostname": "rack3-node07", "profile": "linux"},
		{"mac": "52:54:00:21:32:05", "ipv4-address": "10.214.0.52",
		 "hostname": "rack3-node05", "profile": "linux",
		 "relay-agent": {"address": "10.214.0.129", "circuit-id": "br1"}}]'

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
	ip -n "$RB_NS_RELAY" link add br1 type bridge stp_state 0 forward_delay 0 || return 1
	ip -n "$RB_NS_RELAY" addr add "$SECOND_CIRCUIT_ADDR/26" dev br1 || return 1
	ip -n "$RB_NS_RELAY" link set br1 up || return 1
	ip -n "$RB_NS_RELAY" link add br2 type bridge stp_state 0 forward_delay 0 || return 1
	ip -n "$RB_NS_RELAY" addr add "$FLOOD_CIRCUIT_ADDR/26" dev br2 || return 1
	ip -n "$RB_NS_RELAY" link set br2 up || return 1

	# up0 receives the replies that XDP sends with XDP_TX on rb1.
	ip -n "$RB_NS_RELAY" link add up0 type veth peer name "$SRV_RELAY_IF" netns "$RB_NS_SRV" ||
		return 1
	ip -n "$RB_NS_RELAY" addr add "$RELAY_UP_ADDR/24" dev up0 || return 1
	rb_xdp_pass_attach "$RB_NS_RELAY" up0 || return 1
	ip -n "$RB_NS_RELAY" link set up0 up || return 1
	ip netns exec "$RB_NS_SRV" sh -c "echo 1 > /proc/sys/net/ipv4/conf/$SRV_RELAY_IF/forwarding" ||
		return 1

	# The second uplink, for replies that XDP redirects; up1 needs XDP for them to arrive.
	ip -n "$RB_NS_RELAY" link add up1 type veth peer name rb2 netns "$RB_NS_SRV" || return 1
	ip -n "$RB_NS_RELAY" addr add 10.217.0.2/24 dev up1 || return 1
	rb_xdp_pass_attach "$RB_NS_RELAY" up1 || return 1
	ip -n "$RB_NS_RELAY" link set up1 up || return 1
	ip -n "$RB_NS_SRV" addr add 10.217.0.1/24 dev rb2 || return 1
	ip -n "$RB_NS_SRV" link set rb2 up || return 1

	ip -n "$RB_NS_SRV" addr add "$SRV_RELAY_ADDR/24" dev "$SRV_RELAY_IF" || return 1
	ip -n "$RB_NS_SRV" addr add "$SUBNET_SERVER_ADDR/32" dev "$SRV_RELAY_IF" || return 1
	ip -n "$RB_NS_SRV" link set "$SRV_RELAY_IF" up || return 1
	ip -n "$RB_NS_SRV" route add 10.214.0.0/24 via "$RELAY_UP_ADDR" dev "$SRV_RELAY_IF" \
		src "$SUBNET_SERVER_ADDR" || return 1
	ip -n "$RB_NS_SRV" route add 10.214.0.192/26 via 10.217.0.2 dev rb2 src "$SUBNET_SERVER_ADDR"
}

# topo_add_relay_device INDEX MAC BRIDGE: a device namespace on a bridge of the relay.
topo_add_relay_device() {
	local index=$1 mac=$2 bridge=$3 netns port

	netns=$(relay_dev_netns "$index")
	port=$(printf 'd%02d' "$index")
	rb_netns_add "$netns" || return 1
	ip -n "$RB_NS_RELAY" link add "$port" type veth peer name eth0 netns "$netns" || return 1
	ip -n "$netns" link set eth0 address "$mac" || return 1
	ip -n "$RB_NS_RELAY" link set "$port" master "$bridge" || return 1
	ip -n "$RB_NS_RELAY" link set "$port" up || return 1
	ip -n "$netns" link set eth0 up
}

setup() {
	local entry index mac bridge

	command -v dhcrelay >/dev/null ||
		tap_skip_all "dhcrelay is missing; install isc-dhcp-relay (scripts/install-deps.sh)"
	rb_suite_setup "$SEND"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	topo_add_relay || tap_bail "creating the relay namespace failed"
	for entry in "${DEVICES[@]}"; do
		read -r index mac _ bridge <<<"$entry"
		topo_add_relay_device "$index" "$mac" "$bridge" ||
			tap_bail "creating the namespace of device $index behind the relay failed"
	done
	rb_on_cleanup 'save_logs'
}

save_logs() {
	local log

	((TAP_FAILED > 0)) || return 0
	for log in rackbootd dhcrelay dhcrelay-link-selection dhcrelay-circuit-id dhcrelay-redirect \
		dhcrelay-flood flood; do
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
# relay namespace with option 82, client side br0 and any further -id
# arguments, server side given by the arguments.  Sets RELAY_PID.
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
	read -r _ mac addr _ <<<"$entry"
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
	tap_ge "$(rb_device "$PIN" "$mac" xdp_replies)" 2 "device $mac: OFFER and ACK from XDP"
}

# check_growth LABEL SOURCE COUNTER BEFORE: ok when the counter grew past BEFORE.
check_growth() {
	local label=$1 src=$2 counter=$3 before=$4

	tap_ge "$(($(rb_stat "$PIN" "$src" "$counter") - before))" 1 "$label: $src $counter grew"
}

# check_grew_by LABEL SOURCE COUNTER BEFORE MIN: ok when the counter grew by MIN or more.
check_grew_by() {
	local label=$1 src=$2 counter=$3 before=$4 min=$5

	tap_ge "$(($(rb_stat "$PIN" "$src" "$counter") - before))" "$min" \
		"$label: $src $counter grew by $min or more"
}

test_giaddr() {
	local relay_tx0 offer0 ack0

	relay_tx0=$(rb_stat "$PIN" xdp tx_relay)
	offer0=$(rb_stat "$PIN" xdp tx_offer)
	ack0=$(rb_stat "$PIN" xdp tx_ack)

	tap_check "dhcrelay listens on port 67" relay_start dhcrelay -iu up0
	lease_through_relay 1 dhclient relay-dev1-dhclient

	check_grew_by "giaddr" xdp tx_relay "$relay_tx0" 2
	check_growth "giaddr" xdp tx_offer "$offer0"
	check_growth "giaddr" xdp tx_ack "$ack0"
}

test_wrong_link() {
	local name=relay-dev3-udhcpc link0 ignored0 offer0 mac

	read -r _ mac _ <<<"${DEVICES[2]}"
	link0=$(rb_stat "$PIN" xdp pass_relay_link)
	ignored0=$(rb_stat "$PIN" userspace ignored_other)
	offer0=$(rb_stat "$PIN" userspace tx_offer)

	# udhcpc gives up after 2 DISCOVERs 2 s apart and a 1 s wait.
	rb_spawn "$(relay_dev_netns 3)" "$RB_RUN_DIR/$name.log" env "RB_DUMP=$RB_RUN_DIR/$name.env" \
		busybox udhcpc -f -q -n -i eth0 -t 2 -T 2 -A 1 -s "$PWD/$RB_LIB_DIR/udhcpc-hook.sh"
	rb_wait_for 15 rb_pid_gone "$RB_SPAWNED_PID"
	rb_stop_pid "$RB_SPAWNED_PID"

	tap_check "wrong link: udhcpc exits without a lease" test "$RB_STOP_STATUS" -ne 0
	tap_check "wrong link: no lease recorded" test ! -e "$RB_RUN_DIR/$name.env"
	check_growth "wrong link" xdp pass_relay_link "$link0"
	check_growth "wrong link" userspace ignored_other "$ignored0"
	tap_is "$(rb_stat "$PIN" userspace tx_offer)" "$offer0" "wrong link: no OFFER"
	tap_check "wrong link: logged" grep -q "$mac.*not in the subnet of link address" \
		"$RB_RUN_DIR/rackbootd.log"
	rb_stop_pid "$RELAY_PID"
}

test_link_selection() {
	local relay_tx0 offer0 ack0

	relay_tx0=$(rb_stat "$PIN" xdp tx_relay)
	offer0=$(rb_stat "$PIN" xdp tx_offer)
	ack0=$(rb_stat "$PIN" xdp tx_ack)

	# -U up0: giaddr 10.215.0.2, and sub-option 5 of option 82 names br0's
	# subnet.  -U makes up0 the server side; dhcrelay 4.4.3-P1 crashes with
	# SIGSEGV on the first request when up0 is also given with -iu or -i.
	tap_check "dhcrelay -U listens on port 67" relay_start dhcrelay-link-selection -U up0
	lease_through_relay 2 udhcpc relay-dev2-udhcpc

	check_grew_by "link selection" xdp tx_relay "$relay_tx0" 2
	check_growth "link selection" xdp tx_offer "$offer0"
	check_growth "link selection" xdp tx_ack "$ack0"
	tap_check "link selection: dhcrelay forwarded replies sent to its server-side address" \
		grep -q "Forwarded BOOTREPLY" "$RB_RUN_DIR/dhcrelay-link-selection.log"
	rb_stop_pid "$RELAY_PID"
}

# Device 4 is not in the inventory; the circuit-id reservation of device 2 serves it.
test_circuit_id() {
	local name=relay-dev4-udhcpc reserved_mac=52:54:00:21:32:02 replies0

	replies0=$(rb_device "$PIN" "$reserved_mac" xdp_replies)
	tap_check "dhcrelay -a listens on port 67" relay_start dhcrelay-circuit-id -iu up0
	rb_udhcpc_start "$(relay_dev_netns 4)" "$name"
	if tap_check "$name: lease through dhcrelay within 30 s" rb_wait_for 30 rb_lease_ready "$name"; then
		tap_is "$(rb_lease_var "$name" ip)" 10.214.0.51 "$name lease: the circuit-id's address"
		tap_is "$(rb_lease_var "$name" hostname)" rack3-node02 "$name lease: host name"
	fi
	rb_stop_pid "$RB_SPAWNED_PID"
	tap_ge "$(($(rb_device "$PIN" "$reserved_mac" xdp_replies) - replies0))" 2 \
		"device $reserved_mac: OFFER and ACK from XDP for the device on its port"
	tap_is "$(rb_device "$PIN" 52:54:00:21:32:09 phase)" "" "no record for the new MAC"
	rb_stop_pid "$RELAY_PID"
}

# Device 7 behind br2: requests come in on rb1, and replies leave by rb2.
test_redirect() {
	local redirect0 replies0 up1_mac mac=52:54:00:21:32:07

	redirect0=$(rb_stat "$PIN" xdp redirect_relay)
	replies0=$(rb_device "$PIN" "$mac" xdp_replies)
	# A neighbour entry for 10.217.0.2, so that the first reply is redirected too.
	up1_mac=$(ip -n "$RB_NS_RELAY" -br link show up1 | awk '{print $3}')
	tap_check "redirect: neighbour entry for up1" ip -n "$RB_NS_SRV" neigh replace 10.217.0.2 \
		lladdr "$up1_mac" dev rb2 nud permanent
	tap_check "dhcrelay for br2 with both uplinks listens on port 67" \
		relay_start dhcrelay-redirect -id br2 -iu up0 -iu up1
	lease_through_relay 7 udhcpc relay-dev7-udhcpc

	check_grew_by "redirect" xdp redirect_relay "$redirect0" 2 ||
		tap_diag "XDP pass counters: no_neigh $(rb_stat "$PIN" xdp pass_fib_no_neigh)," \
			"fwd_disabled $(rb_stat "$PIN" xdp pass_fib_fwd_disabled)," \
			"other $(rb_stat "$PIN" xdp pass_fib_other)," \
			"not_local $(rb_stat "$PIN" xdp pass_relay_not_local)"
	tap_ge "$(($(rb_device "$PIN" "$mac" xdp_replies) - replies0))" 2 \
		"device $mac: OFFER and ACK redirected by XDP"
	rb_stop_pid "$RELAY_PID"
}

# flood_loop: bursts of random-MAC DISCOVERs for FLOOD_SECONDS at most.
flood_loop() {
	local end=$((SECONDS + FLOOD_SECONDS))

	while ((SECONDS < end)); do
		"$SEND" eth0 "$FLOOD_BASE_MAC" random_mac 200 || return 1
		sleep 0.1
	done
}

# flood_dropping: the circuit bucket of br2 has dropped 50 requests or more.
flood_dropping() {
	(($(rb_stat "$PIN" xdp drop_relay_circuit) - CIRCUIT_DROP0 >= 50))
}

# A flood from random MACs behind br2 fills that circuit's bucket only:
# device 5 behind br1 gets its port's reservation and device 1, known,
# gets its lease behind br0.
test_circuit_flood() {
	local name=relay-dev5-udhcpc known=relay-dev1-flood reserved_mac=52:54:00:21:32:05
	local flood_pid replies0 unknown0 link_drop0 start elapsed passed

	CIRCUIT_DROP0=$(rb_stat "$PIN" xdp drop_relay_circuit)
	unknown0=$(rb_stat "$PIN" xdp pass_unknown_mac)
	link_drop0=$(rb_stat "$PIN" xdp drop_flood)
	replies0=$(rb_device "$PIN" "$reserved_mac" xdp_replies)
	tap_check "dhcrelay for br0, br1 and br2 listens on port 67" \
		relay_start dhcrelay-flood -id br1 -id br2 -iu up0

	start=$SECONDS
	rb_spawn "$(relay_dev_netns 6)" "$RB_RUN_DIR/flood.log" \
		bash -c "$(declare -f flood_loop); SEND=$SEND FLOOD_BASE_MAC=$FLOOD_BASE_MAC \
			FLOOD_SECONDS=$FLOOD_SECONDS flood_loop"
	flood_pid=$RB_SPAWNED_PID
	tap_check "flood: circuit br2 drops the flood (drop_relay_circuit)" \
		rb_wait_for 10 flood_dropping

	rb_udhcpc_start "$(relay_dev_netns 5)" "$name"
	if tap_check "$name: lease behind br1 during the flood" rb_wait_for 30 rb_lease_ready "$name"; then
		tap_is "$(rb_lease_var "$name" ip)" 10.214.0.52 "$name lease: the br1 circuit's address"
		tap_is "$(rb_lease_var "$name" hostname)" rack3-node05 "$name lease: host name"
	fi
	rb_stop_pid "$RB_SPAWNED_PID"
	rb_udhcpc_start "$(relay_dev_netns 1)" "$known"
	tap_check "$known: lease behind br0 during the flood" rb_wait_for 30 rb_lease_ready "$known"
	tap_is "$(rb_lease_var "$known" ip)" 10.214.0.50 "$known lease: its reserved address"
	rb_stop_pid "$RB_SPAWNED_PID"

	tap_check "flood: still running when the clients were done" rb_pid_alive "$flood_pid"
	rb_stop_pid "$flood_pid"
	elapsed=$((SECONDS - start + 1))
	passed=$(($(rb_stat "$PIN" xdp pass_unknown_mac) - unknown0))
	tap_diag "flood: $passed unknown-device requests passed up in about $elapsed s, " \
		"$(($(rb_stat "$PIN" xdp drop_relay_circuit) - CIRCUIT_DROP0)) dropped by the circuit bucket"
	tap_ge $((CIRCUIT_BURST + CIRCUIT_RATE * elapsed)) "$passed" \
		"flood: passed requests within the circuit's burst and rate"
	tap_is "$(rb_stat "$PIN" xdp drop_flood)" "$link_drop0" \
		"flood: the link bucket (no limit on rb1) dropped nothing"
	tap_ge "$(($(rb_device "$PIN" "$reserved_mac" xdp_replies) - replies0))" 2 \
		"device $reserved_mac: OFFER and ACK from XDP during the flood"
	rb_stop_pid "$RELAY_PID"
}

not_logged() {
	! grep -q "$1" "$RB_RUN_DIR/rackbootd.log"
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_check "rackbootd: XDP attached to $SRV_RELAY_IF" \
		rb_wait_for 5 rb_link_has_xdp "$RB_NS_SRV" "$SRV_RELAY_IF"
	tap_check "stats: counters present" rb_stat_names_present "$PIN" xdp pass_relayed \
		tx_relay redirect_relay pass_relay_link pass_fib_no_neigh drop_relay_circuit
	tap_check "stats: userspace counters present" rb_stat_names_present "$PIN" userspace \
		tx_offer tx_ack ignored_other
	if [[ "$(ip netns exec "$RB_NS_SRV" cat /proc/sys/net/ipv4/conf/rb0/forwarding)" == 0 ]]; then
		tap_check "rackbootd: logged that rb0 has forwarding off" \
			grep -q "interface rb0: net.ipv4.conf.rb0.forwarding is 0" "$RB_RUN_DIR/rackbootd.log"
	fi
	tap_check "rackbootd: no forwarding line for rb1" \
		not_logged "interface rb1: net.ipv4.conf.rb1.forwarding is 0"

	test_giaddr
	test_wrong_link
	test_link_selection
	test_circuit_id
	test_redirect
	test_circuit_flood

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_finish
}

main "$@"
