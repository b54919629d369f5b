#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rb-dhcp4-gen, the load generator of 'make bench-dhcp4', over a veth
# pair between two private network namespaces, at a low load.
#
# Against rackbootd with a pool, each window-mode step completes every
# exchange it starts, with no slot started twice, and the paced mode
# completes (nearly) every DISCOVER.  When a window step ends, the chains
# of exchanges stop, so rackbootd's XDP program receives no more frames
# while the generator waits out its grace time.  With nothing serving, the
# generator restarts its quiet slots, reports 0 DORA/s and exits 0.  The
# bench's XDP reflector sends the DISCOVERs back, which --reflect counts.
# Invalid --windows values, --windows with --rates, and fewer --clients
# than the largest window exit 2 with a message that names the value.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

GEN="$RB_BIN/bench/rb-dhcp4-gen"
REFLECT_OBJ="$RB_BIN/bench/reflect.bpf.o"
NS_CLI="${RB_PREFIX}cli"
CLI_IF=cli0
HOLD_IF=hold0
SRV_ADDR=10.218.0.1
CLI_ADDR=10.218.0.2
PREFIXLEN=22
CLIENTS=512		# distinct client MACs; the pool has 767 addresses

# The server end rb0 in <prefix>srv runs rackbootd (or xdp_pass, or the
# reflector); the client end cli0 in <prefix>cli runs the generator's
# client program.  The generator attaches its live-frames program to the
# spare veth hold0 (--hold-ifname), which carries no traffic.
setup_link() {
	rb_netns_add "$RB_NS_SRV" && rb_netns_add "$NS_CLI" &&
		ip -n "$NS_CLI" link add "$CLI_IF" type veth peer name "$RB_SRV_IF" netns "$RB_NS_SRV" &&
		ip -n "$NS_CLI" link add "$HOLD_IF" type veth peer name "${HOLD_IF}p" &&
		ip -n "$RB_NS_SRV" addr add "$SRV_ADDR/$PREFIXLEN" dev "$RB_SRV_IF" &&
		ip -n "$NS_CLI" addr add "$CLI_ADDR/$PREFIXLEN" dev "$CLI_IF" &&
		ip -n "$RB_NS_SRV" link set "$RB_SRV_IF" up &&
		ip -n "$NS_CLI" link set "$CLI_IF" up
}

# write_config: a pool for unknown devices on rb0 without the flood
# limit, which would pass only 1,000 DISCOVERs of new clients per second
# to rackbootd.
write_config() {
	mkdir -p "$RB_RUN_DIR/store" || return 1
	cat >"$CONFIG" <<EOF
{
  "rackboot:rackboot": {
    "bpffs-pin-path": "$PIN",
    "log-level": "info",
    "store": { "path": "$RB_RUN_DIR/store" },
    "control": { "socket-path": "$RB_RUN_DIR/control.sock" },
    "interfaces": {
      "interface": [
        {
          "name": "$RB_SRV_IF",
          "xdp-mode": "native",
          "flood-protection": {
            "unknown-device-rate": 0,
            "unknown-device-circuit-rate": 0
          }
        }
      ]
    },
    "dhcpv4": {
      "subnet": [
        {
          "name": "loadgen",
          "prefix": "10.218.0.0/$PREFIXLEN",
          "interface": "$RB_SRV_IF",
          "server-address": "$SRV_ADDR",
          "lease-time": 3600,
          "routers": ["$SRV_ADDR"],
          "pool": {
            "profile": "linux",
            "range": [{ "start": "10.218.1.0", "end": "10.218.3.254" }]
          }
        }
      ]
    },
    "boot-profiles": {
      "profile": [{ "name": "linux", "default-boot-file": "pxelinux.0" }]
    },
    "tftp": { "root": "$TFTP_ROOT" }
  }
}
EOF
}

# run_gen NAME GEN_ARG...: one generator run, at most 30 s.  Its output
# goes to RUN_DIR/NAME.out, the JSON step lines to RUN_DIR/NAME.steps,
# the summary to RUN_DIR/NAME.json and the exit status to
# RUN_DIR/NAME.status.
run_gen() {
	local name=$1 base="$RB_RUN_DIR/$1"
	shift

	ip netns exec "$NS_CLI" timeout 30 "$GEN" --ifname "$CLI_IF" --hold-ifname "$HOLD_IF" \
		--server "$SRV_ADDR" --clients "$CLIENTS" --duration 1 --grace 0.5 --retries 0 \
		"$@" >"$base.out" 2>&1
	echo $? >"$base.status"
	split_output "$name"
}

# split_output NAME: the step lines and the summary of RUN_DIR/NAME.out.
split_output() {
	local base="$RB_RUN_DIR/$1"

	grep '^{' "$base.out" | grep -v '"summary"' >"$base.steps"
	grep '"summary"' "$base.out" >"$base.json"
	if [[ ! -s "$base.json" ]]; then
		tap_diag "rb-dhcp4-gen printed no summary for $1: $(tail -n 5 "$base.out")"
	fi
}

# read_step NAME INDEX KEY: print one value of step INDEX (0-based) of run NAME.
read_step() {
	jq -rs ".[$2].$3 // \"missing\"" "$RB_RUN_DIR/$1.steps" 2>/dev/null
}

# read_summary NAME KEY: print one value of the summary line of run NAME.
read_summary() {
	jq -r ".$2 // \"missing\"" "$RB_RUN_DIR/$1.json" 2>/dev/null
}

# less_than VALUE LIMIT: exit 0 when the number VALUE is less than LIMIT.
less_than() {
	[[ "$1" =~ ^[0-9.]+$ ]] && awk -v v="$1" -v l="$2" 'BEGIN { exit !(v < l) }'
}

# sent_within_window SENT ACKS WINDOW: exit 0 when ACKS <= SENT <= ACKS + WINDOW.
sent_within_window() {
	[[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && (($2 <= $1 && $1 <= $2 + $3))
}

# at_least_99_percent N TOTAL: exit 0 when N is at least 99 % of TOTAL and TOTAL > 0.
at_least_99_percent() {
	[[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && (($2 > 0 && $1 * 100 >= $2 * 99))
}

# check_window_step NAME INDEX WINDOW: the checks of one window step
# against rackbootd.  With no slot restarted, every ACK past the first
# WINDOW completed an exchange that the client program started from an
# earlier ACK.
check_window_step() {
	local name=$1 i=$2 window=$3 what="rackbootd, window $3"

	tap_is "$(read_step "$name" "$i" window)" "$window" "$what: step line names the window"
	tap_ge "$(read_step "$name" "$i" acks)" $((10 * window)) \
		"$what: ACKs start the next DISCOVER"
	tap_check "$what: drops under 1 %" \
		less_than "$(read_step "$name" "$i" drop_pct)" 1
	tap_check "$what: at most one DISCOVER per slot unACKed" \
		sent_within_window "$(read_step "$name" "$i" sent)" "$(read_step "$name" "$i" acks)" "$window"
	tap_is "$(read_step "$name" "$i" slots_started)" "$window" "$what: no slot restarted"
	tap_is "$(read_step "$name" "$i" refill_empty)" 0 "$what: refill queue never empty"
	tap_is "$(read_step "$name" "$i" naks)" 0 "$what: no NAK"
}

# gen_attached FILE: the generator logged to RUN_DIR/FILE that it attached.
gen_attached() {
	grep -q 'attached to' "$RB_RUN_DIR/$1"
}

# read_xdp_rx: print rackbootd's XDP counter of frames received on rb0.
read_xdp_rx() {
	rb_stat "$PIN" xdp rx
}

# test_chains_stop: a window step of 1 s with a grace time of 10 s.  The
# counter of frames that rackbootd's XDP program received must grow in
# the step and stay still in the grace time.  In the grace time the
# generator's client program is still attached, so it would turn every
# ACK into a DISCOVER if the slots went on.  SIGTERM then cuts the grace
# time short.
test_chains_stop() {
	local pid before in_grace later alive

	before=$(read_xdp_rx)
	rb_spawn "$NS_CLI" "$RB_RUN_DIR/stop.out" timeout 30 "$GEN" --ifname "$CLI_IF" \
		--hold-ifname "$HOLD_IF" --server "$SRV_ADDR" --clients "$CLIENTS" \
		--windows 4 --duration 1 --grace 10 --retries 0
	pid=$RB_SPAWNED_PID
	rb_wait_for 10 gen_attached stop.out
	# The step ends 1 s after the attach line, so sample 1 s and 2 s later.
	sleep 2
	in_grace=$(read_xdp_rx)
	sleep 1
	later=$(read_xdp_rx)
	rb_pid_alive "$pid" && alive=1 || alive=0
	rb_stop_pid "$pid"
	split_output stop

	tap_is "$alive" 1 "chains stop: generator still in grace time"
	tap_ge "$((in_grace - before))" 1000 "chains stop: frames during the step"
	tap_is "$((later - in_grace))" 0 "chains stop: no frame in grace time"
	tap_is "$RB_STOP_STATUS" 0 "chains stop: SIGTERM exits with status 0"
	tap_ge "$(read_step stop 0 acks)" 40 "chains stop: step line counts DORAs"
}

test_rackbootd() {
	local acks sent

	run_gen window --windows 4,16
	tap_is "$(cat "$RB_RUN_DIR/window.status")" 0 "rackbootd, windows: exit status 0"
	tap_is "$(wc -l <"$RB_RUN_DIR/window.steps")" 2 "rackbootd, windows: two step lines"
	check_window_step window 0 4
	check_window_step window 1 16
	tap_ge "$(read_summary window sustained_per_s)" 1 "rackbootd, windows: sustained DORA rate"

	test_chains_stop

	run_gen paced --rates 2000
	acks=$(read_step paced 0 acks)
	sent=$(read_step paced 0 sent)
	tap_is "$(cat "$RB_RUN_DIR/paced.status")" 0 "rackbootd, paced: exit status 0"
	tap_ge "$sent" 1000 "rackbootd, paced: DISCOVERs sent"
	tap_check "rackbootd, paced: at least 99 % ACKed" at_least_99_percent "$acks" "$sent"
	tap_ge "$(read_summary paced sustained_per_s)" 1 "rackbootd, paced: sustained DORA rate"
}

# No server replies, so every slot goes quiet and is restarted, the
# first step is over --max-drop and the run ends with a summary of 0.
test_no_server() {
	ip -n "$RB_NS_SRV" link set dev "$RB_SRV_IF" xdpdrv obj "$RB_XDP_PASS_OBJ" sec xdp ||
		tap_bail "attaching $RB_XDP_PASS_OBJ to $RB_SRV_IF failed"
	run_gen none --windows 4,16
	tap_is "$(cat "$RB_RUN_DIR/none.status")" 0 "no server: exit status 0"
	tap_is "$(wc -l <"$RB_RUN_DIR/none.steps")" 1 "no server: run ends after one step"
	tap_is "$(read_step none 0 acks)" 0 "no server: no ACK"
	tap_ge "$(read_step none 0 slots_started)" 8 "no server: quiet slots restarted"
	tap_is "$(read_summary none sustained_per_s)" 0 "no server: 0 DORA/s"
	ip -n "$RB_NS_SRV" link set dev "$RB_SRV_IF" xdpdrv off
}

test_reflector() {
	ip -n "$RB_NS_SRV" link set dev "$RB_SRV_IF" xdpdrv obj "$REFLECT_OBJ" program reflect ||
		tap_bail "attaching the reflect program of $REFLECT_OBJ to $RB_SRV_IF failed"
	run_gen reflected --reflect --windows 8
	tap_is "$(cat "$RB_RUN_DIR/reflected.status")" 0 "reflector: exit status 0"
	tap_ge "$(read_step reflected 0 reflected)" 80 \
		"reflector: reflected DISCOVERs start the next"
	tap_is "$(read_step reflected 0 slots_started)" 8 "reflector: no slot restarted"
	tap_check "reflector: drops under 1 %" \
		less_than "$(read_step reflected 0 drop_pct)" 1
	tap_ge "$(read_summary reflected sustained_per_s)" 1 "reflector: sustained packet rate"
	ip -n "$RB_NS_SRV" link set dev "$RB_SRV_IF" xdpdrv off
}

# test_bad_options NAME PATTERN GEN_ARG...: the options exit 2 with a
# one-line message that matches the extended regex PATTERN.  It needs no
# namespace, because the options are checked before anything else.
test_bad_options() {
	local name=$1 pattern=$2 err="$RB_RUN_DIR/bad-options.err" status

	shift 2
	"$GEN" --ifname "$CLI_IF" --server "$SRV_ADDR" "$@" >/dev/null 2>"$err"
	status=$?
	tap_is "$status" 2 "$name: exit status 2"
	tap_is "$(wc -l <"$err")" 1 "$name: one-line message"
	tap_file_contains "$err" "$pattern" "$name: message names the cause"
}

main() {
	rb_suite_setup "$GEN" "$REFLECT_OBJ"
	rb_on_cleanup rb_daemon_log_on_failure
	setup_link || tap_bail "creating the namespaces and veth pairs failed"
	write_config || tap_bail "writing the rackbootd config failed"
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" || tap_bail "rackbootd did not start"

	test_rackbootd
	tap_check "rackbootd still running" rb_pid_alive "$RB_DAEMON_PID"
	rb_stop_pid "$RB_DAEMON_PID"
	ip -n "$RB_NS_SRV" link set dev "$RB_SRV_IF" xdpdrv off 2>/dev/null

	test_no_server
	test_reflector
	for value in 0 5000 abc; do
		test_bad_options "--windows $value" "'$value'" --windows "$value"
	done
	test_bad_options "empty --windows" "--windows is empty" --windows ""
	test_bad_options "--windows with --rates" "--windows and --rates exclude each other" \
		--windows 4 --rates 2000
	test_bad_options "16 clients, window 64" "--clients 16 .* window 64" \
		--windows 4,64 --clients 16
	test_bad_options "--clients 5x" "invalid --clients '5x'" --clients 5x
	test_bad_options "--windows going down" "--windows must go up: 32 after 64" \
		--windows 64,32
	test_bad_options "--rates going down" "--rates must go up.*: 500 after 600" \
		--rates 600,500
	test_bad_options "--rates with max first" "--rates must go up.*: 1000 after max" \
		--rates max,1000
	tap_finish
}

main "$@"
