#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Long boot file names, option overload and NAK with real clients against
# rackbootd (topology in tests/lib/netns.sh).
#
# The profile "linux" gets a 200-byte boot file name, too long for the
# 128-byte BOOTP file field, and the subnet long domain and TFTP server
# names, so that the reply no longer fits the 576 bytes every client
# accepts.  XDP passes these requests up; rackbootd sends the name in
# option 67 and moves options into the file and sname fields (option 52).
# ISC dhclient and busybox udhcpc must lease the reserved address and see
# the name and every overloaded option.  Last, dhclient starts from a
# lease for an address the server does not hold for it: the subnet is
# authoritative, so its INIT-REBOOT REQUEST gets a NAK from XDP and the
# client then leases its reserved address.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

# 200 bytes: "boot/" and 195 letters and digits.
LONG_NAME="boot/$(printf 'l%.0s' {1..45})$(printf '0123456789%.0s' {1..15})"
DOMAIN="$(printf 'd%.0s' {1..50}).rack.test"
TFTP_NAME="$(printf 't%.0s' {1..50}).rack.test"

# Devices 1 and 3 boot with profile "linux"; device 5 keeps "pxe-bios".
CONFIG_EDIT=".\"boot-profiles\".profile[2].\"default-boot-file\" = \"$LONG_NAME\"
	| .inventory.device[0].profile = \"linux\"
	| .dhcpv4.subnet[0].\"domain-name\" = \"$DOMAIN\"
	| .dhcpv4.subnet[0].\"tftp-server-name\" = \"$TFTP_NAME\""

NAK_INDEX=5
STALE_ADDR=10.213.0.200

# ip_of INDEX: the reserved address of inventory device INDEX (1-based).
ip_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].\"ipv4-address\"" "$CONFIG"
}

mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

setup() {
	local index

	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	[[ "${#LONG_NAME}" -eq 200 ]] || tap_bail "the long boot file name has ${#LONG_NAME} bytes, not 200"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	for index in 1 3 "$NAK_INDEX"; do
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

test_dhclient_long_name() {
	local name=dev1-dhclient

	rb_dhclient_start "$(rb_dev_netns 1)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" new_ip_address "$(ip_of 1)"
	rb_check_lease "$name" new_bootfile_name "$LONG_NAME"
	rb_check_lease "$name" new_filename ""
	rb_check_lease "$name" new_domain_name "$DOMAIN"
	rb_check_lease "$name" new_tftp_server_name "$TFTP_NAME"
	rb_check_lease "$name" new_host_name "$(rb_cfg '.inventory.device[0].hostname' "$CONFIG")"
	rb_check_lease "$name" new_subnet_mask 255.255.255.0
}

test_udhcpc_long_name() {
	local name=dev3-udhcpc

	rb_udhcpc_start "$(rb_dev_netns 3)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" ip "$(ip_of 3)"
	rb_check_lease "$name" bootfile "$LONG_NAME"
	rb_check_lease "$name" boot_file ""
	rb_check_lease "$name" domain "$DOMAIN"
	rb_check_lease "$name" tftp "$TFTP_NAME"
	rb_check_lease "$name" hostname "$(rb_cfg '.inventory.device[2].hostname' "$CONFIG")"
}

# The two clients above got every reply from userspace.
test_slow_path_counters() {
	tap_ge "$(($(rb_stat "$PIN" userspace tx_offer) - US_OFFER0))" 2 \
		"stats: userspace tx_offer grew by one per client"
	tap_ge "$(($(rb_stat "$PIN" userspace tx_ack) - US_ACK0))" 2 \
		"stats: userspace tx_ack grew by one per client"
	tap_is "$(rb_device "$PIN" "$(mac_of 1)" xdp_replies)" 0 "device 1: no reply from XDP"
	tap_ge "$(rb_device "$PIN" "$(mac_of 1)" us_replies)" 2 "device 1: OFFER and ACK from userspace"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "ACK to $(mac_of 1) .* option overload" \
		"device 1: the ACK needed option overload"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "ACK to $(mac_of 3) .* option overload" \
		"device 3: the ACK needed option overload"
}

# dhclient with a stored lease for STALE_ADDR sends an INIT-REBOOT REQUEST for it.
test_init_reboot_nak() {
	local name="dev$NAK_INDEX-dhclient" nak0

	nak0=$(rb_stat "$PIN" xdp tx_nak)
	cat >"$RB_RUN_DIR/$name.leases" <<-EOF
		lease {
		  interface "eth0";
		  fixed-address $STALE_ADDR;
		  option subnet-mask 255.255.255.0;
		  option dhcp-server-identifier $RB_SRV_ADDR;
		  renew 4 2037/01/01 00:00:00;
		  rebind 4 2037/01/01 00:00:00;
		  expire 4 2037/01/01 00:00:00;
		}
	EOF

	rb_dhclient_start "$(rb_dev_netns "$NAK_INDEX")" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" new_ip_address "$(ip_of "$NAK_INDEX")"
	tap_ge "$(($(rb_stat "$PIN" xdp tx_nak) - nak0))" 1 "stats: XDP tx_nak grew"
	tap_file_contains "$RB_RUN_DIR/$name.log" "DHCPNAK" "$name: dhclient saw the NAK"
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	US_OFFER0=$(rb_stat "$PIN" userspace tx_offer)
	US_ACK0=$(rb_stat "$PIN" userspace tx_ack)

	test_dhclient_long_name
	test_udhcpc_long_name
	test_slow_path_counters
	test_init_reboot_nak
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_finish
}

main "$@"
