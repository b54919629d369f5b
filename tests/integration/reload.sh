#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Config reload on SIGHUP with real clients (topology in tests/lib/netns.sh).
#
# rackbootd starts without inventory device 4.  Devices 1 and 3 lease
# with dhclient and udhcpc, and device 1 starts a 1 MiB TFTP download
# that rb-tftp-probe slows down to a few seconds.  During that download
# the config file is replaced by one that adds device 4, gives profile
# "linux" (device 3) another boot file and adds a DNS name, and
# rackbootd gets SIGHUP.  Then the leases must still be in the store, the
# download must complete with the right checksum, device 4 must get its
# reserved address from XDP, device 3 the new boot file, and dig the new
# name.  Last, a file with an invalid value and one that changes
# tftp/port (a restart-only leaf) must each be rejected, with the problem
# in the log, while the reloaded config still serves.  Then the same
# through `rackbootctl reload` over the control socket: a config with one
# more DNS name is applied without losing a lease, and the invalid file
# is rejected with the problem in rackbootctl's error.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

PROBE="$RB_BIN/tests/rb-tftp-probe"
BIG_FILE=big.img
NEW_BOOT_FILE=pxelinux-reloaded.0
NEW_NAME=reload-new
NEW_NAME_ADDR=10.213.0.250
CTL_NAME=reload-ctl
CTL_NAME_ADDR=10.213.0.251
LAB_DEVICE4=$(jq -c '."rackboot:rackboot".inventory.device[3]' "$RB_LAB_CONFIG")

for tool in dig dhclient busybox sha256sum; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done

mac_of() {
	jq -r ".\"rackboot:rackboot\".inventory.device[$(($1 - 1))].mac" "$RB_LAB_CONFIG"
}

ip_of() {
	jq -r ".\"rackboot:rackboot\".inventory.device[$(($1 - 1))].\"ipv4-address\"" "$RB_LAB_CONFIG"
}

# edit_config OUT JQ_FILTER: the running config with one jq edit of "rackboot:rackboot".
edit_config() {
	jq ".\"rackboot:rackboot\" |= ($2)" "$CONFIG_FIRST" >"$1"
}

setup() {
	local index

	rb_suite_setup "$PROBE"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" 'del(.inventory.device[3])' ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	STORE="$RB_RUN_DIR/store"
	CONFIG_FIRST="$RB_RUN_DIR/first.json"
	CONFIG_NEW="$RB_RUN_DIR/new.json"
	CONFIG_BAD="$RB_RUN_DIR/bad.json"
	CONFIG_RESTART="$RB_RUN_DIR/restart.json"
	cp "$CONFIG" "$CONFIG_FIRST"
	edit_config "$CONFIG_NEW" ".inventory.device += [$LAB_DEVICE4]
		| (.\"boot-profiles\".profile[] | select(.name == \"linux\") | .\"default-boot-file\")
			= \"$NEW_BOOT_FILE\"
		| .dns.host += [{\"name\": \"$NEW_NAME\", \"ipv4-address\": [\"$NEW_NAME_ADDR\"]}]" ||
		tap_bail "writing the changed config failed"
	jq '."rackboot:rackboot".dhcpv4.subnet[0]."lease-time" = "soon"' "$CONFIG_NEW" >"$CONFIG_BAD" ||
		tap_bail "writing the invalid config failed"
	jq '."rackboot:rackboot".tftp.port = 1069' "$CONFIG_NEW" >"$CONFIG_RESTART" ||
		tap_bail "writing the config with another TFTP port failed"
	CONFIG_CTL="$RB_RUN_DIR/ctl.json"
	jq --arg name "$CTL_NAME" --arg addr "$CTL_NAME_ADDR" \
		'."rackboot:rackboot".dns.host += [{"name": $name, "ipv4-address": [$addr]}]' \
		"$CONFIG_NEW" >"$CONFIG_CTL" || tap_bail "writing the config for rackbootctl reload failed"
	head -c 1048576 /dev/urandom >"$TFTP_ROOT/$BIG_FILE" || tap_bail "writing $BIG_FILE failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	for index in 1 3 4; do
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# log_count PATTERN: lines of the rackbootd log that match PATTERN.
log_count() {
	grep -c -- "$1" "$RB_RUN_DIR/rackbootd.log"
}

log_count_above() {
	(($(log_count "$1") > $2))
}

# reload_with FILE PATTERN: install FILE as the config, send SIGHUP and
# wait up to 10 s for one more log line that matches PATTERN.
reload_with() {
	local before

	before=$(log_count "$2")
	cp "$1" "$CONFIG" || return 1
	kill -HUP "$RB_DAEMON_PID" || return 1
	rb_wait_for 10 log_count_above "$2" "$before"
}

# store_lease MAC: the address of MAC's lease in the store, empty without one.
store_lease() {
	"$RB_CTL" --store "$STORE" leases --json |
		jq -r --arg mac "$1" '.leases[] | select(.mac == $mac) | .ipv4'
}

store_has_lease() {
	[[ "$(store_lease "$1")" == "$2" ]]
}

# dig_a NAME: the A records of NAME in the lab zone, from device 3's namespace.
dig_a() {
	ip netns exec "$(rb_dev_netns 3)" dig +tries=1 +time=2 "@$RB_SRV_ADDR" \
		"$1.$(rb_cfg '.dns.zone' "$CONFIG_FIRST")" A +short 2>&1
}

out_has_data() {
	[[ -s "$RB_RUN_DIR/$BIG_FILE.out" ]]
}

test_leases_before() {
	local name

	name=dev1-dhclient
	rb_dhclient_start "$(rb_dev_netns 1)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" new_ip_address "$(ip_of 1)"

	name=dev3-udhcpc-before
	rb_udhcpc_start "$(rb_dev_netns 3)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" ip "$(ip_of 3)"
	rb_check_lease "$name" bootfile pxelinux.0

	tap_check "store: device 1's lease within 5 s" \
		rb_wait_for 5 store_has_lease "$(mac_of 1)" "$(ip_of 1)"
	tap_check "store: device 3's lease within 5 s" \
		rb_wait_for 5 store_has_lease "$(mac_of 3)" "$(ip_of 3)"
	tap_is "$(dig_a "$NEW_NAME")" "" "dns: $NEW_NAME has no A record before the reload"
}

# The download runs from device 1's address while the config changes.
test_reload_during_download() {
	local phase1

	rb_spawn "$(rb_dev_netns 1)" "$RB_RUN_DIR/probe.log" "$PROBE" --server "$RB_SRV_ADDR" \
		--file "$BIG_FILE" --out "$RB_RUN_DIR/$BIG_FILE.out" --option blksize=1024 \
		--ack-delay-ms 2
	PROBE_PID=$RB_SPAWNED_PID
	tap_check "tftp: the download started within 5 s" rb_wait_for 5 out_has_data
	phase1=$(rb_device "$PIN" "$(mac_of 1)" phase)

	tap_check "reload: the changed config is applied within 10 s" \
		reload_with "$CONFIG_NEW" "reload: config .* applied"
	tap_check "tftp: the download still ran when the reload was applied" rb_pid_alive "$PROBE_PID"
	tap_is "$(rb_device "$PIN" "$(mac_of 1)" phase)" "$phase1" \
		"device 1: the reload kept its phase"

	tap_check "tftp: the download ends within 30 s" rb_wait_for 30 rb_pid_gone "$PROBE_PID"
	wait "$PROBE_PID"
	tap_is "$?" 0 "tftp: rb-tftp-probe exit status"
	tap_is "$(sha256sum <"$RB_RUN_DIR/$BIG_FILE.out" | cut -d' ' -f1)" \
		"$(sha256sum <"$TFTP_ROOT/$BIG_FILE" | cut -d' ' -f1)" \
		"tftp: the downloaded file has the checksum of $BIG_FILE"
}

test_after_reload() {
	local name xdp0

	tap_is "$(store_lease "$(mac_of 1)")" "$(ip_of 1)" "store: device 1 kept its lease"
	tap_is "$(store_lease "$(mac_of 3)")" "$(ip_of 3)" "store: device 3 kept its lease"
	tap_is "$(rb_device "$PIN" "$(mac_of 4)" ipv4)" "$(ip_of 4)" \
		"devices: device 4 has its reserved address in rb_devices"

	xdp0=$(rb_device "$PIN" "$(mac_of 4)" xdp_replies)
	name=dev4-udhcpc
	rb_udhcpc_start "$(rb_dev_netns 4)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" ip "$(ip_of 4)"
	tap_ge "$(($(rb_device "$PIN" "$(mac_of 4)" xdp_replies) - ${xdp0:-0}))" 2 \
		"device 4: OFFER and ACK came from XDP"

	name=dev3-udhcpc-after
	rb_udhcpc_start "$(rb_dev_netns 3)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" ip "$(ip_of 3)"
	rb_check_lease "$name" bootfile "$NEW_BOOT_FILE"

	tap_is "$(dig_a "$NEW_NAME")" "$NEW_NAME_ADDR" "dns: $NEW_NAME resolves after the reload"
}

test_rejected() {
	local name

	tap_check "reload: the invalid config is rejected within 10 s" \
		reload_with "$CONFIG_BAD" "reload on SIGHUP rejected"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "reload: .*lease-time.*soon" \
		"log: the rejection names lease-time and its value"
	tap_check "tftp/port change is rejected within 10 s" \
		reload_with "$CONFIG_RESTART" "reload on SIGHUP rejected"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" \
		'/tftp/port changed from "69" to "1069", which only a restart' \
		"log: the rejection names tftp/port and says a restart applies it"
	tap_check "rackbootd still runs" rb_pid_alive "$RB_DAEMON_PID"

	tap_is "$(dig_a "$NEW_NAME")" "$NEW_NAME_ADDR" "dns: the reloaded config still serves"
	name=dev3-udhcpc-rejected
	rb_udhcpc_start "$(rb_dev_netns 3)" "$name"
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	rb_check_lease "$name" bootfile "$NEW_BOOT_FILE"
	tap_is "$(store_lease "$(mac_of 1)")" "$(ip_of 1)" "store: device 1's lease is still there"
}

# rackbootctl reload: the same swap as SIGHUP, with the outcome in its reply.
test_ctl_reload() {
	local socket output status

	socket=$(rb_ctl_socket "$CONFIG")
	cp "$CONFIG_CTL" "$CONFIG" || tap_bail "installing $CONFIG_CTL failed"
	output=$("$RB_CTL" --socket "$socket" reload 2>&1)
	tap_is "$?" 0 "rackbootctl reload: exit status 0 for a valid config"
	tap_diag "rackbootctl reload: $output"
	tap_is "$(dig_a "$CTL_NAME")" "$CTL_NAME_ADDR" "dns: $CTL_NAME resolves after rackbootctl reload"
	tap_is "$(store_lease "$(mac_of 1)")" "$(ip_of 1)" "store: device 1 kept its lease"
	tap_is "$(store_lease "$(mac_of 3)")" "$(ip_of 3)" "store: device 3 kept its lease"
	tap_is "$(store_lease "$(mac_of 4)")" "$(ip_of 4)" "store: device 4 kept its lease"

	cp "$CONFIG_BAD" "$CONFIG" || tap_bail "installing $CONFIG_BAD failed"
	output=$("$RB_CTL" --socket "$socket" reload 2>&1)
	status=$?
	tap_check "rackbootctl reload: non-zero exit status for an invalid config" test "$status" -ne 0
	tap_diag "rackbootctl reload: $output"
	tap_check "rackbootctl reload: the error names lease-time" grep -q "lease-time" <<<"$output"
	tap_is "$(dig_a "$CTL_NAME")" "$CTL_NAME_ADDR" "dns: the last good config still serves"
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"

	test_leases_before
	test_reload_during_download
	test_after_reload
	test_rejected
	test_ctl_reload
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_finish
}

main "$@"
