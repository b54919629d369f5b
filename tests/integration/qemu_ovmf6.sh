#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A UEFI qemu VM (OVMF) network-boots from rackbootd over IPv6 only.
#
# The firmware's PXE over IPv4 is off (fw_cfg), and the VM's MAC is not
# in the inventory while the DHCPv4 subnet has no pool, so nothing can
# boot it over IPv4.  The link itself still carries IPv4, because the
# test kernel has no tc classifiers to drop it with.  The firmware's PXEv6 sends a DHCPv6 Solicit with
# client architecture 7 (x64 UEFI), gets option 59
# tftp://[fd00:213::1]/ipxe.efi from the DHCPv6 pool's profile "uefi",
# and fetches Debian's ipxe.efi by TFTP from rackbootd.  iPXE then
# configures IPv6 from rackbootd's router advertisement and DHCPv6, gets
# boot6.ipxe (written here, with a per-run marker) as its iPXE boot file
# and prints the marker, then fetches payload.bin over TFTP and IPv6.
#
# Measured with qemu 7.2 (TCG), ovmf 2022.11 and ipxe 1.0.0+git-20190125
# on a 2-core VM: the whole boot took 47 to 48 s.  Each wait is bounded
# by RB_QEMU_BOOT_TIMEOUT seconds and ends early once the boot failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot qemu ipv6; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

BOOT_TIMEOUT=${RB_QEMU_BOOT_TIMEOUT:-120}
IPXE_EFI="${RB_IPXE_EFI:-/usr/lib/ipxe/ipxe.efi}"
VM_MAC=52:54:00:66:00:01	# not in the lab inventory
SRV6=fd00:213::1

setup() {
	if ((EUID != 0)); then
		tap_skip_all "needs root for network namespaces and XDP"
	fi
	if ! rb_ovmf_available; then
		tap_skip_all "$RB_QEMU, $RB_OVMF_CODE or $RB_OVMF_VARS is missing; install" \
			"qemu-system-x86 and ovmf"
	fi
	if [[ ! -r "$IPXE_EFI" ]]; then
		tap_skip_all "$IPXE_EFI is missing; install ipxe"
	fi
	command -v tcpdump >/dev/null || tap_skip_all "tcpdump is not installed"

	rb_suite_setup
	SERIAL="$RB_RUN_DIR/serial.log"
	CAPTURE="$RB_RUN_DIR/dhcp6.txt"
	MARKER="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

	# Unknown devices get the pool's profile; iPXE's boot file goes over TFTP.
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" '
		del(.dhcpv4.subnet[].pool) |
		.dhcpv6.subnet[0].pool.profile = "uefi" |
		(."boot-profiles".profile[] | select(.name == "uefi") |
			."dhcpv6-ipxe-boot-file") = {"url": "tftp://['"$SRV6"']/boot6.ipxe"}' ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"

	cp "$IPXE_EFI" "$TFTP_ROOT/ipxe.efi" || tap_bail "copying $IPXE_EFI failed"
	write_script "$TFTP_ROOT/boot6.ipxe" || tap_bail "writing boot6.ipxe failed"
	head -c 200000 /dev/urandom >"$TFTP_ROOT/payload.bin"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_netns_ipv6_on "$RB_NS_SRV" || tap_bail "enabling IPv6 in $RB_NS_SRV failed"
	rb_ipv6_addr_add "$RB_NS_SRV" "$RB_SRV_IF" "$SRV6/64" ||
		tap_bail "adding $SRV6 to $RB_SRV_IF failed"
	rb_on_cleanup 'show_logs'
}

# write_script FILE: the iPXE script of this run.  Each marker is printed
# from the variable, so the serial log shows it only when iPXE ran it.
write_script() {
	cat >"$1" <<EOF
#!ipxe
set rb_marker $MARKER
echo RACKBOOT-BOOT6-OK-\${rb_marker}
imgfetch --name payload tftp://[$SRV6]/payload.bin || goto failed
echo RACKBOOT-FETCH6-OK-\${rb_marker}
goto idle
:failed
echo RACKBOOT-FAILED-\${rb_marker} errno \${errno}
:idle
shell
EOF
}

show_logs() {
	((TAP_FAILED > 0)) || return 0
	if [[ -f "$SERIAL" ]]; then
		tap_diag "serial console (control characters removed):"
		tap_diag "$(tr -d '\000-\010\013-\037' <"$SERIAL" | tail -c 3000)"
	fi
	if [[ -f "$CAPTURE" ]]; then
		tap_diag "DHCPv6 on $RB_SRV_IF:"
		tap_diag "$(tail -n 20 "$CAPTURE")"
	fi
	if [[ -f "$RB_RUN_DIR/rackbootd.log" ]]; then
		tap_diag "last lines of the rackbootd log:"
		tap_diag "$(tail -n 40 "$RB_RUN_DIR/rackbootd.log")"
	fi
}

# serial_text TEXT: exit 0 when the console printed TEXT.  OVMF draws
# with cursor moves, so control characters are removed first.
serial_text() {
	[[ -f "$SERIAL" ]] || return 1
	tr -d '\000-\010\013-\037' <"$SERIAL" | grep -aFq -- "$1"
}

# boot_failed: the firmware's PXE printed an error (PXE-E16 is "No valid
# offer received"), the firmware reached its EFI shell, which it starts
# after every boot option failed, or the script printed its failure
# marker.  Either way no later step can come.
boot_failed() {
	serial_text "PXE-E" || serial_text "Shell>" || serial_text "RACKBOOT-FAILED-$MARKER"
}

# wait_serial TEXT: wait until the console printed TEXT, or the boot failed.
wait_serial() {
	rb_wait_for "$BOOT_TIMEOUT" serial_text_or_failed "$1"
	serial_text "$1"
}

# shellcheck disable=SC2317  # called through rb_wait_for
serial_text_or_failed() {
	serial_text "$1" || boot_failed
}

# wait_log PATTERN: wait until the rackbootd log matches the extended
# regular expression PATTERN, or the boot failed.
wait_log() {
	rb_wait_for "$BOOT_TIMEOUT" log_or_failed "$1"
	grep -Eq -- "$1" "$RB_RUN_DIR/rackbootd.log"
}

# shellcheck disable=SC2317  # called through rb_wait_for
log_or_failed() {
	grep -Eq -- "$1" "$RB_RUN_DIR/rackbootd.log" || boot_failed
}

# shellcheck disable=SC2317  # called through rb_wait_for
solicit_seen() {
	grep -qi "$VM_MAC.*solicit" "$CAPTURE" 2>/dev/null
}

tftp_dual_stack() {
	ip netns exec "$RB_NS_SRV" ss -Hlun | grep -Eq '(\*|\[::\]):69[[:space:]]'
}

main() {
	local qemu_pid rrq0 start

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	tap_check "TFTP listens on [::]:69 (IPv4 and IPv6)" tftp_dual_stack
	rrq0=$(rb_stat "$PIN" userspace tftp_rrq)

	rb_spawn "$RB_NS_SRV" "$CAPTURE" timeout "$((BOOT_TIMEOUT * 3))" tcpdump -l -n -e \
		-c 200 -i "$RB_SRV_IF" 'ip6 and udp and (port 546 or port 547)'

	start=$SECONDS
	rb_qemu_ovmf6_start vm0 "$VM_MAC" "$RB_RUN_DIR/vars.fd" "$SERIAL" \
		"$RB_RUN_DIR/qemu.log" || tap_bail "starting qemu failed"
	qemu_pid=$RB_SPAWNED_PID

	tap_check "OVMF started PXE over IPv6" wait_serial "Start PXE over IPv6"
	tap_check "OVMF sent a DHCPv6 Solicit" rb_wait_for "$BOOT_TIMEOUT" solicit_seen
	tap_check "OVMF downloads the boot file named by DHCPv6" \
		wait_serial "Downloading NBP file"
	tap_check "rackbootd sent ipxe.efi to an IPv6 address" \
		wait_log "fd00:213::[0-9a-f:]+.* fetched ipxe\.efi"
	tap_check "iPXE started (banner on the console)" \
		wait_serial "Open Source Network Boot Firmware"
	tap_check "iPXE ran boot6.ipxe, fetched over IPv6 (marker)" \
		wait_serial "RACKBOOT-BOOT6-OK-$MARKER"
	tap_check "iPXE fetched payload.bin over TFTP and IPv6" \
		wait_serial "RACKBOOT-FETCH6-OK-$MARKER"
	tap_diag "VM boot took $((SECONDS - start)) s; the firmware's PXE lines:"
	tap_diag "$(tr -d '\000-\010\013-\037' <"$SERIAL" | grep -a 'IP address is\|NBP file')"
	tap_diag "rackbootd's TFTP lines:"
	tap_diag "$(grep 'tftp' "$RB_RUN_DIR/rackbootd.log" | grep -v libbpf | tail -n 8)"
	tap_check "qemu still running (no crash)" rb_pid_alive "$qemu_pid"
	rb_stop_pid "$qemu_pid"

	tap_ge "$(($(rb_stat "$PIN" userspace tftp_rrq) - rrq0))" 3 \
		"stats: tftp_rrq grew by 3 or more (ipxe.efi, boot6.ipxe, payload.bin)"
	tap_finish
}

main "$@"
