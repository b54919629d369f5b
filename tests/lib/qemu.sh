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
