# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# A rackbootd with devices in three phases for the rackbootctl tests:
# device 1 leased and fetched its boot file (bootfile), device 2 leased
# (leased), devices 3 to 10 have sent nothing (none).  IPv6 is on in the
# server, switch and both device namespaces, with CTL_SRV_ADDR6 on the
# server's link, so that a test can run a DHCPv6 client.
# Requires tests/lib/tap.sh, cleanup.sh, netns.sh, ipv6.sh, rackboot.sh
# and clients.sh.

# The server's address in the lab's DHCPv6 subnet fd00:213::/64.
CTL_SRV_ADDR6=fd00:213::1

# rb_ctl_setup [JQ_EDIT]: start it; sets CTL_SOCKET, CONFIG, PIN and the
# other variables of rb_suite_setup.  The run folder becomes 0711, so
# that the unprivileged users of the permission checks reach the socket.
rb_ctl_setup() {
	local edit=${1:-.} index netns

	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$edit" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	chmod 0711 "$RB_RUN_DIR" || tap_bail "chmod 0711 $RB_RUN_DIR failed"
	CTL_SOCKET=$(rb_ctl_socket "$CONFIG")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	for index in 1 2; do
		rb_topo_add_device "$index" "$(rb_cfg ".inventory.device[$((index - 1))].mac" "$CONFIG")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	for netns in "$RB_NS_SRV" "$RB_NS_SW" "$(rb_dev_netns 1)" "$(rb_dev_netns 2)"; do
		rb_netns_ipv6_on "$netns" || tap_bail "turning IPv6 on in $netns failed"
	done
	rb_ipv6_addr_add "$RB_NS_SRV" "$RB_SRV_IF" "$CTL_SRV_ADDR6/64" ||
		tap_bail "adding $CTL_SRV_ADDR6 to $RB_SRV_IF failed"
	# dhclient -6 binds to the link-local address, which comes a moment later.
	rb_wait_for 10 rb_ll_ready "$RB_NS_SRV" "$RB_SRV_IF" ||
		tap_bail "no link-local address on $RB_SRV_IF within 10 s"
	for index in 1 2; do
		rb_wait_for 10 rb_ll_ready "$(rb_dev_netns "$index")" eth0 ||
			tap_bail "no link-local address on eth0 of device $index within 10 s"
	done
	head -c 30000 /dev/urandom >"$TFTP_ROOT/undionly.kpxe"
	rb_on_cleanup 'rb_daemon_log_on_failure'

	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	rb_wait_for 5 test -S "$CTL_SOCKET" || tap_bail "rackbootd made no socket $CTL_SOCKET"

	for index in 1 2; do
		rb_udhcpc_start "$(rb_dev_netns "$index")" "dev$index"
		rb_wait_lease "dev$index" "$RB_SPAWNED_PID" || tap_bail "device $index got no lease"
	done
	rb_tftp_get "$(rb_dev_netns 1)" curl "$RB_SRV_ADDR" undionly.kpxe "$RB_RUN_DIR/dev1.boot" ||
		tap_bail "device 1 could not fetch undionly.kpxe over TFTP"
}

# rb_ctl ARG...: rackbootctl on this run's socket.
rb_ctl() {
	"$RB_CTL" --socket "$CTL_SOCKET" "$@"
}
