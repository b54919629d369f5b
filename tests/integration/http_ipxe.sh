#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A qemu VM with Debian's iPXE firmware moves from TFTP to HTTP after its
# first stage, as a rack of iPXE devices would.
#
# DHCP gives the VM (inventory device 10, profile pxe-bios) the script
# http-boot.ipxe over TFTP.  That script chains the device's own script
# http://${next-server}/ipxe/${net0/mac}.ipxe, which rackbootd generates
# from the profile: kernel /stage2.ipxe and initrd /payload.bin over
# HTTP, then boot.  stage2.ipxe is an iPXE script too, so the boot runs
# it and its marker shows on the console.  The server log must show the
# three HTTP requests from the VM's address, and the device phase image.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot qemu; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

VM_INDEX=10
BOOT_TIMEOUT=${RB_QEMU_BOOT_TIMEOUT:-120}

CONFIG_EDIT='."boot-profiles".profile[0]."ipxe-boot-file" = "http-boot.ipxe"
	| ."boot-profiles".profile[0]."ipxe-kernel" = "/stage2.ipxe"
	| ."boot-profiles".profile[0]."ipxe-initrd" = "/payload.bin"
	| ."boot-profiles".profile[0]."ipxe-cmdline" = "host={hostname}"'

setup() {
	if ((EUID != 0)); then
		tap_skip_all "needs root for network namespaces and XDP"
	fi
	if ! rb_qemu_available; then
		tap_skip_all "$RB_QEMU or $RB_IPXE_ROM is missing; install qemu-system-x86 and ipxe-qemu"
	fi
	rb_suite_setup
	SERIAL="$RB_RUN_DIR/serial.log"
	# The lab config serves the TFTP root over HTTP on port 80 too.
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	[[ "$(rb_cfg '.http.port' "$CONFIG")" == 80 ]] ||
		tap_bail "the lab config has no http container on port 80"
	VM_MAC=$(rb_cfg ".inventory.device[$((VM_INDEX - 1))].mac" "$CONFIG")
	VM_ADDR=$(rb_cfg ".inventory.device[$((VM_INDEX - 1))].\"ipv4-address\"" "$CONFIG")

	MARKER="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	rb_ipxe_scripts "$TFTP_ROOT" "$MARKER" || tap_bail "writing the iPXE scripts failed"
	write_first_stage || tap_bail "writing http-boot.ipxe failed"
	head -c 300000 /dev/urandom >"$TFTP_ROOT/payload.bin"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_on_cleanup 'show_logs'
}

# The first stage, fetched over TFTP: the marker, then the chain to HTTP.
write_first_stage() {
	cat >"$TFTP_ROOT/http-boot.ipxe" <<-EOF
		#!ipxe
		set rb_marker $MARKER
		echo RACKBOOT-BOOT-OK-\${rb_marker}
		chain http://\${next-server}/ipxe/\${net0/mac}.ipxe || goto failed
		:failed
		echo RACKBOOT-FAILED-\${rb_marker} errno \${errno}
		shell
	EOF
}

show_logs() {
	((TAP_FAILED > 0)) || return 0
	if [[ -f "$SERIAL" ]]; then
		tap_diag "serial console (control characters removed):"
		tap_diag "$(tr -d '\000-\010\013-\037' <"$SERIAL" | tail -n 30)"
	fi
	rb_daemon_log_on_failure
}

marker_or_failure() {
	rb_serial_has "$SERIAL" "RACKBOOT-$1-OK-$MARKER" ||
		rb_serial_has "$SERIAL" "RACKBOOT-FAILED-$MARKER"
}

wait_marker() {
	rb_wait_for "$BOOT_TIMEOUT" marker_or_failure "$1"
	rb_serial_has "$SERIAL" "RACKBOOT-$1-OK-$MARKER"
}

# logged_200 PATH: the server logged a 200 for PATH requested by the VM.
logged_200() {
	grep -Eq "http: $VM_ADDR /$1: 200" "$RB_RUN_DIR/rackbootd.log"
}

main() {
	local qemu_pid start requests0

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	requests0=$(rb_stat "$PIN" userspace http_requests)

	start=$SECONDS
	rb_qemu_start vm0 "$VM_MAC" "$SERIAL" "$RB_RUN_DIR/qemu.log" ||
		tap_bail "starting qemu failed"
	qemu_pid=$RB_SPAWNED_PID

	tap_check "iPXE ran http-boot.ipxe from TFTP" wait_marker BOOT
	tap_check "iPXE booted stage2.ipxe from the HTTP script" wait_marker STAGE2
	tap_diag "VM boot took $((SECONDS - start)) s"
	rb_stop_pid "$qemu_pid"

	tap_check "GET of the device's script logged" logged_200 "ipxe/$VM_MAC.ipxe"
	tap_check "GET of the kernel logged" logged_200 stage2.ipxe
	tap_check "GET of the initrd logged" logged_200 payload.bin
	sleep 1.2	# the counters reach the maps on rackbootd's next tick
	tap_ge "$(($(rb_stat "$PIN" userspace http_requests) - requests0))" 3 \
		"stats: http_requests grew by 3"
	tap_is "$(rb_device "$PIN" "$VM_MAC" phase)" image "device $VM_MAC: phase image"
	tap_check "device $VM_MAC: time of phase bootfile (the TFTP first stage)" \
		test -n "$(rb_device_phase_time "$PIN" "$VM_MAC" bootfile)"

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd stopped cleanly on SIGTERM"
	tap_finish
}

main "$@"
