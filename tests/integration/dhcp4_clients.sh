#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv4 and TFTP with real clients against rackbootd on a veth in a
# network namespace (topology in tests/lib/netns.sh).
#
# ISC dhclient and busybox udhcpc lease the addresses that the inventory
# reserves for their MACs and must see every option exactly as
# configured.  The OFFERs and ACKs must come from XDP, so the XDP
# counters grow by one per exchange and the userspace ones stay.  A MAC
# that is not in the inventory must get no lease.  Each leased client
# then fetches its boot file over TFTP.  Last, rackbootd must stop on
# SIGTERM with status 0 and take its XDP program off rb0.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

# The clients of this test: inventory index, DHCP client, architecture
# (option 93, "-" = not sent), user class (option 77, "-" = not sent),
# TFTP client, and the boot file that the device's profile in
# examples/lab.json selects for that request.
CLIENTS=(
	"1 dhclient 0 - curl undionly.kpxe"
	"2 udhcpc 7 - atftp ipxe.efi"
	"3 udhcpc - - curl pxelinux.0"
	"5 dhclient 0 iPXE atftp boot.ipxe"
)
UNKNOWN_MAC=52:54:00:21:30:ff
UNKNOWN_INDEX=99

# Values that differ from examples/lab.json, so that a signed time
# offset and an address list of two entries are both exercised.
CONFIG_EDIT='.dhcpv4.subnet[0]."time-offset" = -18000
	| .dhcpv4.subnet[0]."dns-servers" = ["10.213.0.1", "10.213.0.3"]'

# mac_of INDEX: the inventory MAC of device INDEX (1-based).
mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

# subnet VALUE: a leaf of the first subnet; lists joined by spaces.
subnet() {
	rb_cfg ".dhcpv4.subnet[0].\"$1\" | if type == \"array\" then join(\" \") else . end" "$CONFIG"
}

# hex_ipv4 ADDRESS: the address as 8 lower-case hex digits.
hex_ipv4() {
	local IFS=.

	# shellcheck disable=SC2086 # split on the dots
	printf '%02x%02x%02x%02x' $1
}

# signed32 VALUE: a decimal 32-bit value read as two's complement.
signed32() {
	if [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 2147483647)); then
		echo $(($1 - 4294967296))
	else
		echo "$1"
	fi
}

setup() {
	local entry index

	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	[[ "$(subnet server-address)" == "$RB_SRV_ADDR" ]] ||
		tap_bail "$RB_LAB_CONFIG: server-address is not $RB_SRV_ADDR, the address tests/lib/netns.sh gives rb0"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	for entry in "${CLIENTS[@]}"; do
		read -r index _ <<<"$entry"
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	rb_topo_add_device "$UNKNOWN_INDEX" "$UNKNOWN_MAC" ||
		tap_bail "creating the namespace of the unknown device failed"

	write_boot_files
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# Boot files of random content, large enough for many TFTP blocks.
write_boot_files() {
	local name size=70000

	for name in undionly.kpxe ipxe.efi pxelinux.0 boot.ipxe; do
		head -c "$size" /dev/urandom >"$TFTP_ROOT/$name"
		size=$((size + 1531))
	done
}

check_dhclient_lease() {
	local name=$1 index=$2 bootfile=$3 lease

	lease=$(subnet lease-time)
	rb_check_lease "$name" new_ip_address "$(rb_cfg ".inventory.device[$((index - 1))].\"ipv4-address\"" "$CONFIG")"
	rb_check_lease "$name" new_subnet_mask 255.255.255.0
	rb_check_lease "$name" new_routers "$(subnet routers)"
	rb_check_lease "$name" new_domain_name_servers "$(subnet dns-servers)"
	rb_check_lease "$name" new_time_offset "$(subnet time-offset)"
	rb_check_lease "$name" new_time_servers "$(subnet time-servers)"
	rb_check_lease "$name" new_log_servers "$(subnet log-servers)"
	rb_check_lease "$name" new_dhcp_lease_time "$lease"
	rb_check_lease "$name" new_dhcp_renewal_time "$((lease / 2))"
	rb_check_lease "$name" new_dhcp_rebinding_time "$((lease * 7 / 8))"
	rb_check_lease "$name" new_dhcp_server_identifier "$(subnet server-address)"
	rb_check_lease "$name" new_host_name "$(rb_cfg ".inventory.device[$((index - 1))].hostname" "$CONFIG")"
	rb_check_lease "$name" new_domain_name "$(subnet domain-name)"
	rb_check_lease "$name" new_tftp_server_name "$(subnet tftp-server-name)"
	rb_check_lease "$name" new_next_server "$(subnet server-address)"
	rb_check_lease "$name" new_filename "$bootfile"
}

check_udhcpc_lease() {
	local name=$1 index=$2 bootfile=$3

	rb_check_lease "$name" ip "$(rb_cfg ".inventory.device[$((index - 1))].\"ipv4-address\"" "$CONFIG")"
	rb_check_lease "$name" subnet 255.255.255.0
	rb_check_lease "$name" mask 24
	rb_check_lease "$name" router "$(subnet routers)"
	rb_check_lease "$name" dns "$(subnet dns-servers)"
	# busybox 1.35 prints option 2 as unsigned 32-bit, so convert back.
	tap_is "$(signed32 "$(rb_lease_var "$name" timezone)")" "$(subnet time-offset)" \
		"$name lease: timezone"
	rb_check_lease "$name" opt4 "$(hex_ipv4 "$(subnet time-servers)")"
	rb_check_lease "$name" opt7 "$(hex_ipv4 "$(subnet log-servers)")"
	rb_check_lease "$name" lease "$(subnet lease-time)"
	rb_check_lease "$name" serverid "$(subnet server-address)"
	rb_check_lease "$name" hostname "$(rb_cfg ".inventory.device[$((index - 1))].hostname" "$CONFIG")"
	rb_check_lease "$name" domain "$(subnet domain-name)"
	rb_check_lease "$name" tftp "$(subnet tftp-server-name)"
	rb_check_lease "$name" siaddr "$(subnet server-address)"
	rb_check_lease "$name" boot_file "$bootfile"
}

# run_client INDEX CLIENT ARCH USER_CLASS BOOTFILE: one lease, checked
# option by option.  Returns 1 when no lease arrived.
run_client() {
	local index=$1 client=$2 arch=$3 user_class=$4 bootfile=$5 netns name pid extra=()

	netns=$(rb_dev_netns "$index")
	name="dev$index-$client"
	[[ "$user_class" == - ]] && user_class=""

	if [[ "$client" == dhclient ]]; then
		[[ "$arch" == - ]] && arch=""
		rb_dhclient_start "$netns" "$name" "$arch" "$user_class"
	else
		[[ "$arch" != - ]] && extra+=(-x "0x5d:$(printf '%04x' "$arch")")
		[[ -n "$user_class" ]] && extra+=(-x "0x4d:$(printf '%s' "$user_class" | od -An -tx1 | tr -d ' \n')")
		rb_udhcpc_start "$netns" "$name" "${extra[@]}"
	fi
	pid=$RB_SPAWNED_PID

	rb_wait_lease "$name" "$pid" || return 1

	if [[ "$client" == dhclient ]]; then
		check_dhclient_lease "$name" "$index" "$bootfile"
	else
		check_udhcpc_lease "$name" "$index" "$bootfile"
	fi
	return 0
}

# check_device INDEX PHASE: the device record as rackbootctl shows it.
check_device() {
	local index=$1 phase=$2 mac

	mac=$(mac_of "$index")
	tap_is "$(rb_device "$PIN" "$mac" phase)" "$phase" "device $mac: phase $phase"
	tap_check "device $mac: time of phase $phase" \
		test -n "$(rb_device_phase_time "$PIN" "$mac" "$phase")"
	tap_is "$(rb_device "$PIN" "$mac" ipv4)" \
		"$(rb_cfg ".inventory.device[$((index - 1))].\"ipv4-address\"" "$CONFIG")" \
		"device $mac: ipv4"
	tap_ge "$(rb_device "$PIN" "$mac" xdp_replies)" 2 "device $mac: OFFER and ACK from XDP"
	tap_is "$(rb_device "$PIN" "$mac" us_replies)" 0 "device $mac: no reply from userspace"
}

test_leases() {
	local entry index client arch user_class tool bootfile
	local offer0 ack0 us_offer0 us_ack0 us_nak0

	offer0=$(rb_stat "$PIN" xdp tx_offer)
	ack0=$(rb_stat "$PIN" xdp tx_ack)
	us_offer0=$(rb_stat "$PIN" userspace tx_offer)
	us_ack0=$(rb_stat "$PIN" userspace tx_ack)
	us_nak0=$(rb_stat "$PIN" userspace tx_nak)

	for entry in "${CLIENTS[@]}"; do
		read -r index client arch user_class tool bootfile <<<"$entry"
		if run_client "$index" "$client" "$arch" "$user_class" "$bootfile"; then
			LEASED+=("$index $tool $bootfile")
		fi
	done

	tap_is "$(($(rb_stat "$PIN" xdp tx_offer) - offer0))" "${#CLIENTS[@]}" \
		"stats: XDP tx_offer grew by one per client"
	tap_is "$(($(rb_stat "$PIN" xdp tx_ack) - ack0))" "${#CLIENTS[@]}" \
		"stats: XDP tx_ack grew by one per client"
	tap_is "$(rb_stat "$PIN" userspace tx_offer)" "$us_offer0" "stats: userspace tx_offer unchanged"
	tap_is "$(rb_stat "$PIN" userspace tx_ack)" "$us_ack0" "stats: userspace tx_ack unchanged"
	tap_is "$(rb_stat "$PIN" userspace tx_nak)" "$us_nak0" "stats: userspace tx_nak unchanged"

	for entry in "${CLIENTS[@]}"; do
		read -r index _ <<<"$entry"
		check_device "$index" leased
	done
}

test_unknown_mac() {
	local netns name=unknown-udhcpc pass0 ignored0 status

	netns=$(rb_dev_netns "$UNKNOWN_INDEX")
	pass0=$(rb_stat "$PIN" xdp pass_unknown_mac)
	ignored0=$(rb_stat "$PIN" userspace ignored_unknown)

	rb_udhcpc_start "$netns" "$name"
	# udhcpc gives up after 4 DISCOVERs 2 s apart and a 1 s wait.
	rb_wait_for 20 rb_pid_gone "$RB_SPAWNED_PID"
	rb_stop_pid "$RB_SPAWNED_PID"
	status=$RB_STOP_STATUS

	tap_check "unknown MAC: udhcpc exits without a lease" test "$status" -ne 0
	tap_check "unknown MAC: no lease recorded" test ! -e "$RB_RUN_DIR/$name.env"
	tap_ge "$(($(rb_stat "$PIN" xdp pass_unknown_mac) - pass0))" 1 \
		"stats: XDP pass_unknown_mac grew"
	tap_ge "$(($(rb_stat "$PIN" userspace ignored_unknown) - ignored0))" 1 \
		"stats: userspace ignored_unknown grew"
	tap_is "$(rb_device "$PIN" "$UNKNOWN_MAC" phase)" "" "unknown MAC: no device record"
}

test_boot_files() {
	local entry index tool file netns out rrq0 done0 fetched=0

	rrq0=$(rb_stat "$PIN" userspace tftp_rrq)
	done0=$(rb_stat "$PIN" userspace tftp_done)

	for entry in "${LEASED[@]}"; do
		read -r index tool file <<<"$entry"
		netns=$(rb_dev_netns "$index")
		out="$RB_RUN_DIR/dev$index-$file"
		if tap_check "dev$index: $tool fetches $file over TFTP" \
			rb_tftp_get "$netns" "$tool" "$RB_SRV_ADDR" "$file" "$out"; then
			fetched=$((fetched + 1))
		fi
		tap_is "$(sha256sum <"$out" 2>/dev/null)" "$(sha256sum <"$TFTP_ROOT/$file")" \
			"dev$index: $file content matches"
		tap_check "device $(mac_of "$index"): phase bootfile" \
			rb_wait_for 5 rb_device_phase_is "$PIN" "$(mac_of "$index")" bootfile
	done

	tap_is "$(($(rb_stat "$PIN" userspace tftp_rrq) - rrq0))" "${#LEASED[@]}" \
		"stats: tftp_rrq grew by one per fetch"
	tap_is "$(($(rb_stat "$PIN" userspace tftp_done) - done0))" "$fetched" \
		"stats: tftp_done grew by one per completed fetch"
}

xdp_detached() {
	! rb_link_has_xdp "$RB_NS_SRV" "$RB_SRV_IF"
}

test_stop() {
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_check "rackbootd: XDP detached from $RB_SRV_IF" xdp_detached
}

main() {
	LEASED=()

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF (XDP attached, maps pinned, UDP 67 and 69 bound)"
	tap_check "stats: XDP counters present" rb_stat_names_present "$PIN" xdp \
		tx_offer tx_ack pass_unknown_mac
	tap_check "stats: userspace counters present" rb_stat_names_present "$PIN" userspace \
		tx_offer tx_ack tx_nak ignored_unknown tftp_rrq tftp_done

	test_leases
	test_unknown_mac
	test_boot_files
	test_stop
	tap_finish
}

main "$@"
