#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The rackboot lab ('make run'): boot a simulated rack in network
# namespaces and show each device's progress.
#
#   sudo bash scripts/lab.sh [--hold]
#
# rackbootd serves rb0 with examples/lab.json (TFTP root and pin path moved
# to a temporary folder).  Nine devices run real clients (ISC dhclient or
# busybox udhcpc), each in its own namespace.  Once leased, a device
# fetches the boot file that its lease names with curl or atftp.  The
# tenth device is a qemu VM whose iPXE firmware boots tests/data/boot.ipxe.  The lab
# prints phase changes as rackbootctl reports them, then a summary, then
# removes every namespace and process it made.  Exit status 0 only when
# every device reached phase bootfile within LAB_TIMEOUT seconds (default
# 240).  --hold keeps the lab up after the summary until Ctrl-C.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
RB_RUN_ID="${RB_RUN_ID:-rblab$$}"
for lib in cleanup netns rackboot clients qemu; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

LAB_TIMEOUT=${LAB_TIMEOUT:-240}

# One line per inventory device of examples/lab.json: index, DHCP client,
# option 93 ("-" = not sent), user class ("-" = not sent), TFTP client.
# Index 10 is the qemu VM.
DEVICES=(
	"1 dhclient 0 - curl"
	"2 udhcpc 7 - atftp"
	"3 dhclient - - atftp"
	"4 dhclient 9 - curl"
	"5 udhcpc 0 - atftp"
	"6 udhcpc - - curl"
	"7 dhclient 7 iPXE curl"
	"8 dhclient - - atftp"
	"9 udhcpc 0 iPXE curl"
	"10 qemu"
)
VM_INDEX=10

say() {
	printf '[%5.1fs] %s\n' "$(elapsed)" "$*"
}

elapsed() {
	local now

	now=$(date +%s.%N)
	awk -v a="$now" -v b="$LAB_START" 'BEGIN { printf "%.1f", a - b }'
}

die() {
	echo "lab: $*" >&2
	exit 1
}

mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

setup() {
	local entry

	((EUID == 0)) || die "must run as root (namespaces, XDP, bpffs); try: sudo make run"
	for entry in "$RB_DAEMON" "$RB_CTL" "$RB_XDP_PASS_OBJ"; do
		[[ -e "$entry" ]] || die "$entry is missing; run 'make' first"
	done
	rb_qemu_available || die "$RB_QEMU or $RB_IPXE_ROM is missing; run scripts/install-deps.sh"

	rb_cleanup_install
	rb_run_dir || die "creating a temporary folder failed"
	# shellcheck disable=SC2153 # rb_run_dir sets RB_RUN_DIR
	PIN="$RB_RUN_DIR/bpffs/rackboot"
	TFTP_ROOT="$RB_RUN_DIR/tftp"
	CONFIG="$RB_RUN_DIR/rackboot.json"
	SERIAL="$RB_RUN_DIR/vm-serial.log"
	mkdir -p "$TFTP_ROOT"
	rb_bpffs_mount "$RB_RUN_DIR/bpffs" || die "mounting bpffs on $RB_RUN_DIR/bpffs failed"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" || die "writing the config from $RB_LAB_CONFIG failed"
	write_tftp_root

	echo "lab: namespaces ${RB_PREFIX}{srv,sw,dev01..dev09}, files in $RB_RUN_DIR"
	rb_topo_create || die "creating the server and switch namespaces failed"
	for entry in "${DEVICES[@]}"; do
		read -r index _ <<<"$entry"
		((index == VM_INDEX)) && continue
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			die "creating the namespace of device $index failed"
	done
}

# Boot files: random stand-ins for the loaders, the real iPXE scripts.
write_tftp_root() {
	local name

	for name in undionly.kpxe ipxe.efi pxelinux.0; do
		head -c 90000 /dev/urandom >"$TFTP_ROOT/$name"
	done
	head -c 300000 /dev/urandom >"$TFTP_ROOT/payload.bin"
	MARKER=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	rb_ipxe_scripts "$TFTP_ROOT" "$MARKER" || die "writing the iPXE scripts failed"
}

# start_device INDEX CLIENT ARCH USER_CLASS: power on one device.
start_device() {
	local index=$1 client=$2 arch=$3 user_class=$4 netns extra=()

	netns=$(rb_dev_netns "$index")
	[[ "$arch" == - ]] && arch=""
	[[ "$user_class" == - ]] && user_class=""
	case "$client" in
	dhclient)
		rb_dhclient_start "$netns" "dev$index" "$arch" "$user_class"
		;;
	udhcpc)
		[[ -n "$arch" ]] && extra+=(-x "0x5d:$(printf '%04x' "$arch")")
		[[ -n "$user_class" ]] &&
			extra+=(-x "0x4d:$(printf '%s' "$user_class" | od -An -tx1 | tr -d ' \n')")
		rb_udhcpc_start "$netns" "dev$index" "${extra[@]}"
		;;
	qemu)
		rb_qemu_start vm0 "$(mac_of "$index")" "$SERIAL" "$RB_RUN_DIR/qemu.log" || return 1
		;;
	esac
	CLIENT_PID[index]=$RB_SPAWNED_PID
	STATE[index]=dhcp
}

# lease_value INDEX DHCLIENT_VAR UDHCPC_VAR: a value of the device's
# lease, whichever client wrote it.
lease_value() {
	local value

	value=$(rb_lease_var "dev$1" "$2")
	[[ -n "$value" ]] || value=$(rb_lease_var "dev$1" "$3")
	echo "$value"
}

# step_device INDEX TOOL: move one client device on when its client or
# its TFTP fetch finished.
step_device() {
	local index=$1 tool=$2 netns file

	netns=$(rb_dev_netns "$index")
	case "${STATE[index]}" in
	dhcp)
		if rb_lease_ready "dev$index"; then
			rb_stop_pid "${CLIENT_PID[index]}" || true
			file=$(lease_value "$index" new_filename boot_file)
			say "dev$index: lease $(lease_value "$index" new_ip_address ip), boot file '$file', fetching it with $tool"
			rb_tftp_argv "$tool" "$RB_SRV_ADDR" "$file" "$RB_RUN_DIR/dev$index.boot" || return 1
			rb_spawn "$netns" "$RB_RUN_DIR/dev$index-tftp.log" "${RB_TFTP_ARGV[@]}"
			FETCH_PID[index]=$RB_SPAWNED_PID
			FILE[index]=$file
			STATE[index]=tftp
		elif rb_pid_gone "${CLIENT_PID[index]}"; then
			say "dev$index: DHCP client gave up without a lease (log: $RB_RUN_DIR/dev$index.log)"
			STATE[index]=failed
		fi
		;;
	tftp)
		rb_pid_gone "${FETCH_PID[index]}" || return 0
		rb_stop_pid "${FETCH_PID[index]}" || true
		if ((RB_STOP_STATUS == 0)) &&
			cmp -s "$RB_RUN_DIR/dev$index.boot" "$TFTP_ROOT/${FILE[index]}"; then
			say "dev$index: fetched ${FILE[index]} ($(stat -c %s "$RB_RUN_DIR/dev$index.boot") bytes, content matches)"
			STATE[index]=booted
		else
			say "dev$index: TFTP fetch of '${FILE[index]}' failed (log: $RB_RUN_DIR/dev$index-tftp.log)"
			STATE[index]=failed
		fi
		;;
	esac
}

# step_vm: report the VM's console markers.
step_vm() {
	local step

	for step in BOOT FETCH STAGE2; do
		if [[ -z "${VM_SEEN[$step]:-}" ]] && rb_serial_has "$SERIAL" "RACKBOOT-$step-OK-$MARKER"; then
			VM_SEEN[$step]=1
			case "$step" in
			BOOT) say "vm: iPXE runs boot.ipxe" ;;
			FETCH) say "vm: iPXE fetched payload.bin" ;;
			STAGE2)
				say "vm: iPXE chained stage2.ipxe"
				STATE[VM_INDEX]=booted
				;;
			esac
		fi
	done
	[[ "${STATE[VM_INDEX]}" == dhcp ]] || return 0
	if rb_serial_has "$SERIAL" "RACKBOOT-FAILED-$MARKER"; then
		say "vm: boot.ipxe reported a failure (console: $SERIAL)"
		STATE[VM_INDEX]=failed
	elif rb_pid_gone "${CLIENT_PID[VM_INDEX]}"; then
		say "vm: qemu exited (log: $RB_RUN_DIR/qemu.log, console: $SERIAL)"
		STATE[VM_INDEX]=failed
	fi
}

# report_phases: one line per phase change that rackbootctl shows.
report_phases() {
	local lines mac phase host xdp us

	lines=$(rb_device_lines "$PIN" 2>/dev/null) || return 0
	while read -r mac phase host xdp us; do
		[[ -n "$mac" && "${PHASE[$mac]:-none}" != "$phase" ]] || continue
		PHASE[$mac]=$phase
		say "$mac $host: phase $phase (replies: $xdp from XDP, $us from userspace)"
	done <<<"$lines"
}

# all_finished: every device booted or failed by its own account, and
# rackbootd recorded phase bootfile for the booted ones, or 5 s passed
# since the last device finished (a phase that never came is reported by
# the summary).
all_finished() {
	local index

	for index in "${!STATE[@]}"; do
		[[ "${STATE[index]}" == booted || "${STATE[index]}" == failed ]] || return 1
	done
	FINISHED_AT=${FINISHED_AT:-$SECONDS}
	(($(rb_count_phase "$PIN" bootfile) + $(count_failed) >= ${#DEVICES[@]})) ||
		((SECONDS - FINISHED_AT >= 5))
}

count_failed() {
	local index n=0

	for index in "${!STATE[@]}"; do
		[[ "${STATE[index]}" == failed ]] && n=$((n + 1))
	done
	echo "$n"
}

# tick: move every started device on and report phase changes.
tick() {
	local index

	for index in "${!STATE[@]}"; do
		if ((index == VM_INDEX)); then
			step_vm
		else
			step_device "$index" "${TOOL[index]}"
		fi
	done
	report_phases
}

boot_rack() {
	local entry index client arch user_class tool deadline

	# Power the devices on 0.3 s apart, as a rack's power sequencing would.
	for entry in "${DEVICES[@]}"; do
		read -r index client arch user_class tool <<<"$entry"
		TOOL[index]=${tool:-}
		start_device "$index" "$client" "${arch:--}" "${user_class:--}" ||
			die "starting device $index failed"
		tick
		sleep 0.3
	done

	deadline=$((SECONDS + LAB_TIMEOUT))
	while ((SECONDS < deadline)); do
		tick
		all_finished && return 0
		sleep 1
	done
	say "lab: time limit of $LAB_TIMEOUT s reached"
}

summary() {
	local booted

	echo
	echo "=== devices (rackbootctl devices)"
	"$RB_CTL" --pin-path "$PIN" --store "${RB_LAB_STORES[$PIN]}" devices
	echo
	echo "=== counters (rackbootctl stats)"
	"$RB_CTL" --pin-path "$PIN" --store "${RB_LAB_STORES[$PIN]}" stats
	echo

	booted=$(rb_count_phase "$PIN" bootfile)
	echo "=== summary"
	echo "devices booted: $booted/${#DEVICES[@]} (phase bootfile)"
	rb_stats_summary "$PIN"
	echo "time: $(elapsed) s"
	((booted == ${#DEVICES[@]}))
}

hold() {
	echo
	echo "lab: holding; in another shell try:"
	echo "  build/rackbootctl --socket $(rb_ctl_socket "$CONFIG") top"
	echo "  build/rackbootctl --socket $(rb_ctl_socket "$CONFIG") devices --phase leased"
	echo "  build/rackbootctl --pin-path $PIN stats"
	echo "  ip netns exec ${RB_PREFIX}dev01 ip addr"
	echo "lab: press Ctrl-C to remove the lab"

	# 'wait' returns as soon as a signal arrives, so the trap runs at once;
	# a foreground sleep would delay it until the sleep ends.
	while :; do
		rb_spawn "" /dev/null sleep 3600
		wait "$RB_SPAWNED_PID"
	done
}

main() {
	local status=0

	declare -gA PHASE=() VM_SEEN=()
	declare -ga STATE=() CLIENT_PID=() FETCH_PID=() FILE=() TOOL=()

	setup
	LAB_START=$(date +%s.%N)
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		die "rackbootd did not start; log: $RB_RUN_DIR/rackbootd.log"
	say "rackbootd serves rb0 (pid $RB_DAEMON_PID); powering on ${#DEVICES[@]} devices"

	boot_rack
	summary || status=1
	if ((status != 0)); then
		echo "lab: not every device booted; last lines of the rackbootd log:"
		tail -n 20 "$RB_RUN_DIR/rackbootd.log"
	fi
	if [[ "${1:-}" == --hold ]]; then
		hold
	fi
	exit "$status"
}

main "$@"
