#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A qemu VM network-boots with its iPXE firmware from rackbootd.
#
# The firmware DHCPs as iPXE on x86 BIOS (option 93 = 0, user class
# "iPXE"), so the pxe-bios profile gives it boot.ipxe from tests/data.
# That script prints a per-run marker on the serial console, fetches
# payload.bin and chains stage2.ipxe over TFTP, each step printing its
# own marker.  The device record of the VM must show the lease and the
# boot file, and its OFFER and ACK must come from XDP.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot qemu; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

VM_INDEX=10
BOOT_TIMEOUT=${RB_QEMU_BOOT_TIMEOUT:-120}

setup() {
	if ((EUID != 0)); then
		tap_skip_all "needs root for network namespaces and XDP"
	fi
	if ! rb_qemu_available; then
		tap_skip_all "$RB_QEMU or $RB_IPXE_ROM is missing; install qemu-system-x86 and ipxe-qemu"
	fi
	rb_suite_setup
	SERIAL="$RB_RUN_DIR/serial.log"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	VM_MAC=$(rb_cfg ".inventory.device[$((VM_INDEX - 1))].mac" "$CONFIG")

	MARKER="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	rb_ipxe_scripts "$TFTP_ROOT" "$MARKER" || tap_bail "writing the iPXE scripts failed"
	head -c 300000 /dev/urandom >"$TFTP_ROOT/payload.bin"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_on_cleanup 'show_logs'
}

# On failure, the console and the daemon log tell where the boot stopped.
show_logs() {
	((TAP_FAILED > 0)) || return 0
	if [[ -f "$SERIAL" ]]; then
		tap_diag "serial console (control characters removed):"
		tap_diag "$(tr -d '\000-\010\013-\037' <"$SERIAL" | tail -n 30)"
	fi
	if [[ -f "$RB_RUN_DIR/rackbootd.log" ]]; then
		tap_diag "last lines of the rackbootd log:"
		tap_diag "$(tail -n 40 "$RB_RUN_DIR/rackbootd.log")"
	fi
}

marker_or_failure() {
	rb_serial_has "$SERIAL" "RACKBOOT-$1-OK-$MARKER" ||
		rb_serial_has "$SERIAL" "RACKBOOT-FAILED-$MARKER"
}

# wait_marker STEP: wait for RACKBOOT-STEP-OK-<marker> on the console,
# giving up early when the script printed its failure marker.
wait_marker() {
	rb_wait_for "$BOOT_TIMEOUT" marker_or_failure "$1"
	rb_serial_has "$SERIAL" "RACKBOOT-$1-OK-$MARKER"
}

main() {
	local offer0 ack0 us_offer0 us_ack0 rrq0 qemu_pid start

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	tap_check "stats: XDP counters present" rb_stat_names_present "$PIN" xdp tx_offer tx_ack
	tap_check "stats: userspace counters present" rb_stat_names_present "$PIN" userspace \
		tx_offer tx_ack tftp_rrq

	offer0=$(rb_stat "$PIN" xdp tx_offer)
	ack0=$(rb_stat "$PIN" xdp tx_ack)
	us_offer0=$(rb_stat "$PIN" userspace tx_offer)
	us_ack0=$(rb_stat "$PIN" userspace tx_ack)
	rrq0=$(rb_stat "$PIN" userspace tftp_rrq)

	start=$SECONDS
	rb_qemu_start vm0 "$VM_MAC" "$SERIAL" "$RB_RUN_DIR/qemu.log" ||
		tap_bail "starting qemu failed"
	qemu_pid=$RB_SPAWNED_PID

	tap_check "iPXE ran boot.ipxe (marker on the console)" wait_marker BOOT
	tap_check "iPXE fetched payload.bin over TFTP" wait_marker FETCH
	tap_check "iPXE chained stage2.ipxe over TFTP" wait_marker STAGE2
	tap_diag "VM boot took $((SECONDS - start)) s"
	tap_check "qemu still running (no crash)" rb_pid_alive "$qemu_pid"
	rb_stop_pid "$qemu_pid"

	tap_is "$(rb_device "$PIN" "$VM_MAC" phase)" bootfile "device $VM_MAC: phase bootfile"
	tap_check "device $VM_MAC: time of phase leased" \
		test -n "$(rb_device_phase_time "$PIN" "$VM_MAC" leased)"
	tap_check "device $VM_MAC: time of phase bootfile" \
		test -n "$(rb_device_phase_time "$PIN" "$VM_MAC" bootfile)"
	tap_ge "$(rb_device "$PIN" "$VM_MAC" xdp_replies)" 2 "device $VM_MAC: OFFER and ACK from XDP"
	tap_is "$(rb_device "$PIN" "$VM_MAC" us_replies)" 0 "device $VM_MAC: no reply from userspace"
	tap_ge "$(($(rb_stat "$PIN" xdp tx_offer) - offer0))" 1 "stats: XDP tx_offer grew"
	tap_ge "$(($(rb_stat "$PIN" xdp tx_ack) - ack0))" 1 "stats: XDP tx_ack grew"
	tap_is "$(rb_stat "$PIN" userspace tx_offer)" "$us_offer0" "stats: userspace tx_offer unchanged"
	tap_is "$(rb_stat "$PIN" userspace tx_ack)" "$us_ack0" "stats: userspace tx_ack unchanged"
	tap_ge "$(($(rb_stat "$PIN" userspace tftp_rrq) - rrq0))" 3 \
		"stats: tftp_rrq grew by 3 (boot.ipxe, payload.bin, stage2.ipxe)"

	tap_finish
}

main "$@"
