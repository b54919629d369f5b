# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Start rackbootd for a test run and read its state with rackbootctl.
# Requires tests/lib/cleanup.sh and tests/lib/netns.sh.
#
# Every read of rackbootctl's JSON goes through rb_ctl_json and the jq
# filters below, so a change of its output shape is fixed here alone.

RB_BIN="${RB_BIN:-build}"
RB_DAEMON="$RB_BIN/rackbootd"
RB_CTL="$RB_BIN/rackbootctl"
RB_LAB_CONFIG="${RB_LAB_CONFIG:-examples/lab.json}"
# The store folder of each pin path that rb_lab_config wrote a config
# for, so that rackbootctl reads that run's DHCPv6 leases.
declare -gA RB_LAB_STORES=()

# rb_lab_config OUT TFTP_ROOT PIN_PATH [JQ_FILTER]: write the lab config
# with this run's TFTP root (also the HTTP root when the config has an
# http container) and pin path, plus an optional jq edit of the
# "rackboot:rackboot" object (for example '.dhcpv4.subnet[0]."time-offset" = 60').
# The lease store goes into the folder "store" beside OUT, created here,
# and the control socket into the folder "control" beside OUT, so that
# test runs in parallel do not share /run/rackboot/control.sock.
rb_lab_config() {
	local out=$1 root=$2 pin=$3 edit=${4:-.} store control

	store="$(dirname "$out")/store"
	control="$(dirname "$out")/control/control.sock"
	mkdir -p "$store" || return 1
	RB_LAB_STORES[$pin]=$store
	jq --arg root "$root" --arg pin "$pin" --arg store "$store" --arg control "$control" \
		".\"rackboot:rackboot\" |= (.\"bpffs-pin-path\" = \$pin | .tftp.root = \$root |
			(if .http then .http.root = \$root else . end) |
			.store.path = \$store | .control.\"socket-path\" = \$control | $edit)" \
		"$RB_LAB_CONFIG" >"$out"
}

# rb_ctl_socket CONFIG: the control socket path of a config.
rb_ctl_socket() {
	rb_cfg '.control."socket-path" // "/run/rackboot/control.sock"' "$1"
}

# rb_suite_setup [FILE...]: the start of a suite that runs rackbootd.
# Skips without root, bails when rackbootd, rackbootctl, xdp_pass or a
# listed FILE is missing, installs the cleanup trap and makes the run
# folder with a private bpffs.  Sets BPFFS, PIN, TFTP_ROOT and CONFIG.
rb_suite_setup() {
	local entry

	if ((EUID != 0)); then
		tap_skip_all "needs root for network namespaces and XDP"
	fi
	for entry in "$RB_DAEMON" "$RB_CTL" "$RB_XDP_PASS_OBJ" "$@"; do
		[[ -e "$entry" ]] || tap_bail "$entry is missing; run 'make' first"
	done

	rb_cleanup_install
	rb_run_dir || tap_bail "creating a temporary folder failed"
	BPFFS="$RB_RUN_DIR/bpffs"
	PIN="$BPFFS/rackboot"
	TFTP_ROOT="$RB_RUN_DIR/tftp"
	CONFIG="$RB_RUN_DIR/rackboot.json"
	mkdir -p "$TFTP_ROOT"
	rb_bpffs_mount "$BPFFS" || tap_bail "mounting bpffs on $BPFFS failed"
}

# rb_cfg QUERY CONFIG: a jq query on the "rackboot:rackboot" object, raw.
rb_cfg() {
	jq -r ".\"rackboot:rackboot\" | $1" "$2"
}

# rb_daemon_ready PIN_PATH: maps pinned, XDP on rb0, UDP 67 and 69 bound.
rb_daemon_ready() {
	local pin=$1 sockets

	[[ -e "$pin/rb_devices" ]] || return 1
	rb_link_has_xdp "$RB_NS_SRV" "$RB_SRV_IF" || return 1
	sockets=$(ip netns exec "$RB_NS_SRV" ss -Hlun 2>/dev/null) || return 1
	grep -Eq '[:.*]67[[:space:]]' <<<"$sockets" &&
		grep -Eq '[:.*]69[[:space:]]' <<<"$sockets"
}

# rb_daemon_started PIN_PATH LOG: ready, and the log has the start line.
rb_daemon_started() {
	grep -q 'started with config' "$2" 2>/dev/null && rb_daemon_ready "$1"
}

# rb_daemon_start CONFIG PIN_PATH LOG: start rackbootd in the server
# namespace and wait up to 20 s until it serves.  Sets RB_DAEMON_PID.
rb_daemon_start() {
	local config=$1 pin=$2 log=$3

	rb_spawn "$RB_NS_SRV" "$log" "$RB_DAEMON" --config "$config" --log-level debug
	RB_DAEMON_PID=$RB_SPAWNED_PID
	# The ports are bound before XDP is attached, and a program left by a
	# killed daemon may still be on rb0: wait for the start line too.
	if rb_wait_for 20 rb_daemon_started "$pin" "$log"; then
		return 0
	fi
	echo "rb_daemon_start: rackbootd (pid $RB_DAEMON_PID) not ready after 20 s; log $log:" >&2
	tail -n 30 "$log" >&2
	return 1
}

# rb_ctl_json PIN_PATH COMMAND: rackbootctl's JSON output of devices or
# stats, with the store of the pin path's config when rb_lab_config
# wrote it.
rb_ctl_json() {
	local store=()

	[[ -n "${RB_LAB_STORES[$1]:-}" ]] && store=(--store "${RB_LAB_STORES[$1]}")
	"$RB_CTL" --pin-path "$1" "${store[@]}" "$2" --json
}

# rb_stat PIN_PATH SOURCE NAME: one counter; SOURCE is xdp or userspace.
# Prints nothing for a counter that is missing from the output, so check
# the names first with rb_stat_names_present.
rb_stat() {
	rb_ctl_json "$1" stats | jq -r --arg src "$2" --arg name "$3" '.[$src][$name] // empty'
}

# rb_stat_names_present PIN_PATH SOURCE NAME...: exit 0 when rackbootctl
# stats has every named counter under SOURCE; print the missing ones.
rb_stat_names_present() {
	local pin=$1 src=$2 missing

	shift 2
	missing=$(rb_ctl_json "$pin" stats |
		jq -r --arg src "$src" '.[$src] as $c | $ARGS.positional[] | select($c[.] == null)' \
			--args "$@") || return 1
	if [[ -n "$missing" ]]; then
		echo "rackbootctl stats has no $src counter: $(tr '\n' ' ' <<<"$missing")" >&2
		return 1
	fi
}

# rb_device PIN_PATH MAC FIELD: one field of one device record, raw.
rb_device() {
	rb_ctl_json "$1" devices |
		jq -r --arg mac "$2" --arg field "$3" \
			'.devices | map(select(.mac == $mac)) | .[0][$field] // empty'
}

# rb_device_phase_time PIN_PATH MAC PHASE: when the device reached PHASE
# (nanoseconds of CLOCK_BOOTTIME), empty when it has not.
rb_device_phase_time() {
	rb_ctl_json "$1" devices |
		jq -r --arg mac "$2" --arg phase "$3" \
			'.devices | map(select(.mac == $mac)) | .[0].phase_times_ns[$phase] // empty'
}

# rb_device_lines PIN_PATH: "MAC PHASE HOSTNAME XDP_REPLIES US_REPLIES",
# one line per device.
rb_device_lines() {
	rb_ctl_json "$1" devices |
		jq -r '.devices[] | "\(.mac) \(.phase) \(.hostname) \(.xdp_replies) \(.us_replies)"'
}

# rb_count_phase PIN_PATH PHASE: how many devices are in PHASE.
rb_count_phase() {
	rb_ctl_json "$1" devices | jq --arg phase "$2" '[.devices[] | select(.phase == $phase)] | length'
}

# rb_stats_summary PIN_PATH: DHCP replies by source and TFTP transfers,
# three lines for people.
rb_stats_summary() {
	rb_ctl_json "$1" stats | jq -r '
		"DHCP replies from XDP: \(.xdp.tx_offer) OFFER, \(.xdp.tx_ack) ACK, \(.xdp.tx_nak) NAK",
		"DHCP replies from userspace: \(.userspace.tx_offer) OFFER, \(.userspace.tx_ack) ACK, \(.userspace.tx_nak) NAK",
		"TFTP transfers: \(.userspace.tftp_rrq) requested, \(.userspace.tftp_done) done"'
}

# rb_device_phase_is PIN_PATH MAC PHASE...: exit 0 when the device's phase
# is one of the listed names.
rb_device_phase_is() {
	local pin=$1 mac=$2 phase want

	shift 2
	phase=$(rb_device "$pin" "$mac" phase) || return 1
	for want in "$@"; do
		[[ "$phase" == "$want" ]] && return 0
	done
	return 1
}

# rb_daemon_log_on_failure: when a TAP check has failed, print the last
# 40 lines of this run's rackbootd log as diagnostics.  Meant for
# rb_on_cleanup, because the log is the first thing to read on failure.
rb_daemon_log_on_failure() {
	if ((TAP_FAILED > 0)) && [[ -f "$RB_RUN_DIR/rackbootd.log" ]]; then
		tap_diag "last lines of the rackbootd log:"
		tap_diag "$(tail -n 40 "$RB_RUN_DIR/rackbootd.log")"
	fi
}
