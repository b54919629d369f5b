# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# A qemu VM that network-boots with the iPXE firmware of Debian's
# ipxe-qemu package, plugged into the switch namespace's bridge.
# Requires tests/lib/cleanup.sh and tests/lib/netns.sh.
#
# Measured with qemu 7.2 and ipxe-qemu 1.0.0+git-20190125 on Debian 12,
# kernel 6.18:
# - with KVM the guest stops once iPXE starts, so the VM uses TCG;
# - pxe-virtio.rom does not boot, pxe-e1000.rom does;
# - the firmware is iPXE itself, so its first DHCPDISCOVER already
#   carries option 93 = 0 (x86 BIOS) and user class "iPXE".

RB_IPXE_ROM="${RB_IPXE_ROM:-/usr/lib/ipxe/qemu/pxe-e1000.rom}"
RB_QEMU="${RB_QEMU:-qemu-system-x86_64}"

# rb_qemu_available: exit 0 when qemu and the iPXE ROM are installed.
rb_qemu_available() {
	command -v "$RB_QEMU" >/dev/null && [[ -r "$RB_IPXE_ROM" ]]
}

# rb_qemu_start TAP MAC SERIAL_LOG LOG: boot a VM from the network on a
# new tap device of br0.  The guest's console goes to SERIAL_LOG, qemu's
# own messages to LOG.  Sets RB_SPAWNED_PID.
rb_qemu_start() {
	local tap=$1 mac=$2 serial=$3 log=$4

	rb_topo_add_tap "$tap" || return 1
	rb_spawn "$RB_NS_SW" "$log" "$RB_QEMU" -accel tcg -m 256 -boot n \
		-nographic -monitor none -serial "file:$serial" \
		-device "e1000,netdev=n0,mac=$mac,romfile=$RB_IPXE_ROM" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
}

# rb_serial_has SERIAL_LOG TEXT: exit 0 when the console printed TEXT.
rb_serial_has() {
	grep -aFq -- "$2" "$1" 2>/dev/null
}

# rb_ipxe_scripts DIR MARKER: install boot.ipxe and stage2.ipxe from
# tests/data into a TFTP root, with the per-run marker filled in.
rb_ipxe_scripts() {
	sed "s/^set rb_marker @MARKER@$/set rb_marker $2/" tests/data/boot.ipxe >"$1/boot.ipxe" &&
		cp tests/data/stage2.ipxe "$1/stage2.ipxe"
}

# UEFI firmware from Debian's ovmf package (2022.11), for the IPv6 boot test.
RB_OVMF_CODE="${RB_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}"
RB_OVMF_VARS="${RB_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"

# rb_ovmf_available: exit 0 when qemu and both OVMF images are installed.
rb_ovmf_available() {
	command -v "$RB_QEMU" >/dev/null && [[ -r "$RB_OVMF_CODE" && -r "$RB_OVMF_VARS" ]]
}

# rb_qemu_ovmf6_start TAP MAC VARS SERIAL_LOG LOG: boot a UEFI VM from
# the network over IPv6 only, on a new tap device of br0.  VARS is the
# VM's own copy of the OVMF variable store.  The NIC is virtio-net with
# no option ROM, so OVMF's own driver and PXE code run.  The fw_cfg
# entry turns the firmware's PXE over IPv4 off, which leaves its "UEFI
# PXEv6" boot option.  -nodefaults drops the DVD drive that OVMF would
# try first.  With KVM, OVMF stops at an emulation failure on this
# host, so the VM uses TCG.  Sets RB_SPAWNED_PID.
rb_qemu_ovmf6_start() {
	local tap=$1 mac=$2 vars=$3 serial=$4 log=$5

	cp "$RB_OVMF_VARS" "$vars" || return 1
	rb_topo_add_tap "$tap" || return 1
	rb_spawn "$RB_NS_SW" "$log" "$RB_QEMU" -accel tcg -m 256 -nodefaults -nographic \
		-monitor none -serial "file:$serial" \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$RB_OVMF_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$vars" \
		-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
}
