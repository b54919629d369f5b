# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Settings and functions that bench/dhcp4.sh, bench/dhcp6.sh and
# bench/tftp.sh share: packages, the namespaces and veth pair, XDP
# attachment of the reflector, NAPI pinning, process stop, idle polling,
# the generator run, rackbootd's start and stop, and the JSON report
# helpers.  Requires tests/lib/cleanup.sh.  Each
# bench sets BENCH_LOG_NAME, the prefix of its messages and the name of
# its make target, before it calls these functions.

BENCH_DURATION=${BENCH_DURATION:-2}
BENCH_GRACE=${BENCH_GRACE:-1}
BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-0}
BENCH_GEN_CPU=${BENCH_GEN_CPU:-1}
BENCH_NAPI_PRIORITY=${BENCH_NAPI_PRIORITY:-50}
BENCH_IDLE_POLL=${BENCH_IDLE_POLL:-1}
BENCH_REFLECTOR_RUNS=${BENCH_REFLECTOR_RUNS:-3}
BENCH_REFLECTOR_MAX_BURST=${BENCH_REFLECTOR_MAX_BURST:-4096}

BENCH_REFLECT_OBJ=build/bench/reflect.bpf.o

BENCH_NS_SRV="${RB_PREFIX}srv"
BENCH_NS_CLI="${RB_PREFIX}cli"
BENCH_SRV_IF=rbbsrv
BENCH_CLI_IF=rbbcli
BENCH_HOLD_IF=rbbhold

# bench_install_missing PACKAGE...: apt-get install the packages that are
# missing.
bench_install_missing() {
	local pkg missing=()

	for pkg in "$@"; do
		if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" != ii* ]]; then
			missing+=("$pkg")
		fi
	done
	((${#missing[@]} == 0)) && return 0

	echo "${BENCH_LOG_NAME}: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update -q || ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
		echo "${BENCH_LOG_NAME}: installing ${missing[*]} failed; check the apt sources" >&2
		return 1
	fi
}

# bench_require_files FILE...: exit 1 with a message when a build output
# is missing.
bench_require_files() {
	local file

	for file in "$@"; do
		if [[ ! -e "$file" ]]; then
			echo "${BENCH_LOG_NAME}: $file is missing; run 'make ${BENCH_LOG_NAME}', which builds it" >&2
			return 1
		fi
	done
}

# bench_veth_pair: the two namespaces, the veth pair between them and a
# spare veth in the client namespace, to which the generator attaches
# its live-frames program (see --hold-ifname in gen_ladder.c).  The
# interfaces stay down and without addresses.
bench_veth_pair() {
	rb_netns_add "$BENCH_NS_SRV" || return 1
	rb_netns_add "$BENCH_NS_CLI" || return 1

	ip -n "$BENCH_NS_CLI" link add "$BENCH_CLI_IF" type veth peer name "$BENCH_SRV_IF" \
		netns "$BENCH_NS_SRV" || return 1
	ip -n "$BENCH_NS_CLI" link add "$BENCH_HOLD_IF" type veth peer name "${BENCH_HOLD_IF}p" ||
		return 1
}

# bench_xdp_attach NETNS IFNAME PROGRAM: attach a program of reflect.bpf.o
# in native mode, replacing any other.
bench_xdp_attach() {
	ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null
	if ! ip -n "$1" link set dev "$2" xdpdrv obj "$BENCH_REFLECT_OBJ" program "$3"; then
		echo "${BENCH_LOG_NAME}: attaching $3 to $2 in $1 failed" >&2
		return 1
	fi
}

bench_xdp_detach() {
	ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null || true
}

# bench_pin_napi NETNS IFNAME CPU: move the interface's receive processing
# into a NAPI kernel thread and pin that thread to CPU.  veth keeps NAPI
# (and this thread) only while an XDP program is attached, so call it
# after each attach.  Without it, the veth's XDP program runs in the
# softirq of whichever CPU sent the frame.
bench_pin_napi() {
	local netns=$1 ifname=$2 cpu=$3 pid found=0

	if ! ip netns exec "$netns" sh -c "echo 1 > /sys/class/net/$ifname/threaded"; then
		echo "${BENCH_LOG_NAME}: threaded NAPI on $ifname failed; its XDP runs on the sending CPU" >&2
		return 1
	fi
	for pid in $(ps -e -o pid=,comm= | awk -v name="napi/$ifname-" \
		'index($2, name) == 1 { print $1 }'); do
		taskset -pc "$cpu" "$pid" >/dev/null && chrt -f -p "$BENCH_NAPI_PRIORITY" "$pid" && found=1
	done
	if ((!found)); then
		echo "${BENCH_LOG_NAME}: no NAPI thread of $ifname found to pin to CPU $cpu" >&2
		return 1
	fi
}

# bench_link_has_xdp NETNS IFNAME: exit 0 when an XDP program is attached.
bench_link_has_xdp() {
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -q 'prog/xdp'
}

# bench_forget_pid PID: drop a stopped PID from the cleanup list, so that
# the cleanup never signals a later process that got the same PID.
bench_forget_pid() {
	local i

	for i in "${!RB_CLEANUP_PIDS[@]}"; do
		if [[ "${RB_CLEANUP_PIDS[i]}" == "$1" ]]; then
			unset 'RB_CLEANUP_PIDS[i]'
		fi
	done
	RB_CLEANUP_PIDS=("${RB_CLEANUP_PIDS[@]}")
}

# bench_stop PID: SIGTERM, SIGKILL after 10 s, and forget the PID.
bench_stop() {
	rb_stop_pid "$1" 10 || true
	bench_forget_pid "$1"
}

# bench_run_gen GEN NAME STEP_FILTER [GEN_ARG...]: run the generator GEN
# (rb-dhcp4-gen or rb-dhcp6-gen) in the client namespace on GEN_CPU and
# pin the client veth's NAPI thread to the same CPU while the generator
# settles.  Then wait for the generator to end, bounded by its steps and
# durations.  Its JSON lines go to RUN_DIR/NAME.jsonl, and the jq filter
# STEP_FILTER prints one line per step.
bench_run_gen() {
	local gen=$1 name=$2 filter=$3 out="$RB_RUN_DIR/$2.jsonl" pid limit
	shift 3

	rb_spawn "$BENCH_NS_CLI" "$RB_RUN_DIR/$name.gen.log" taskset -c "$BENCH_GEN_CPU" \
		"$gen" --ifname "$BENCH_CLI_IF" --hold-ifname "$BENCH_HOLD_IF" \
		--clients "$BENCH_CLIENTS" --duration "$BENCH_DURATION" --grace "$BENCH_GRACE" \
		--settle 2 "$@"
	pid=$RB_SPAWNED_PID
	if rb_wait_for 2 bench_link_has_xdp "$BENCH_NS_CLI" "$BENCH_CLI_IF"; then
		bench_pin_napi "$BENCH_NS_CLI" "$BENCH_CLI_IF" "$BENCH_GEN_CPU"
	fi

	# 32 steps at most, each run up to twice (duration + grace), plus
	# loading and settling.
	limit=$(awk -v d="$BENCH_DURATION" -v g="$BENCH_GRACE" 'BEGIN { print int(64 * (d + g) + 30) }')
	if ! rb_wait_for "$limit" rb_pid_gone "$pid"; then
		echo "${BENCH_LOG_NAME}: ${gen##*/} ran longer than $limit s; stopping it" >&2
	fi
	bench_stop "$pid"
	grep '^{' "$RB_RUN_DIR/$name.gen.log" >"$out"
	if ! grep -q '"summary"' "$out"; then
		echo "${BENCH_LOG_NAME}: ${gen##*/} printed no summary for $name:" >&2
		tail -n 5 "$RB_RUN_DIR/$name.gen.log" >&2
		return 1
	fi
	jq -r "$filter" <(grep -v summary "$out")
}

# bench_summary NAME: the generator's sustained rate for NAME.
bench_summary() {
	jq -r 'select(.summary) | .sustained_per_s' "$RB_RUN_DIR/$1.jsonl"
}

# bench_reflector_ladder GEN_FUNCTION: attach the reflector to the server
# end, run its ladder BENCH_REFLECTOR_RUNS times with GEN_FUNCTION (the
# bench's wrapper of bench_run_gen) and store the median of the
# sustained packet rates in BENCH_REFLECTOR_PPS.  The reflector empties
# its ring fast enough for test runs of up to 4,096 frames
# (BENCH_REFLECTOR_MAX_BURST).
bench_reflector_ladder() {
	local gen_function=$1 pps=() run status=0

	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" reflect || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"
	for ((run = 1; run <= BENCH_REFLECTOR_RUNS; run++)); do
		"$gen_function" "reflector-$run" --reflect --max-burst "$BENCH_REFLECTOR_MAX_BURST" \
			--rates "$BENCH_RATES_REFLECTOR" ||
			{ status=1; break; }
		pps+=("$(bench_summary "reflector-$run")")
	done
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
	((status == 0)) || return 1

	BENCH_REFLECTOR_PPS=$(printf '%s\n' "${pps[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}

# bench_reflector_window GEN_FUNCTION WINDOWS: attach the reflector to
# the server end, run the window ladder WINDOWS with GEN_FUNCTION (the
# bench's wrapper of bench_run_gen) under the name reflector-window, and
# store its sustained packet rate in BENCH_REFLECTOR_WINDOW_PPS.  The
# client program sends each reflected request straight back as its
# slot's next one.
bench_reflector_window() {
	local gen_function=$1 windows=$2 status

	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" reflect || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"
	"$gen_function" reflector-window --reflect --windows "$windows"
	status=$?
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
	((status == 0)) || return 1
	BENCH_REFLECTOR_WINDOW_PPS=$(bench_summary reflector-window)
}

# bench_idle_poll_start [CPU...]: keep the cores from halting between
# packets, for every scenario alike, as idle=poll or disabled deep
# C-states would on bare metal.  A halted virtual CPU takes long to wake
# for the NAPI thread's next batch, so burst arrivals overflow the veth
# ring, and every hand-over between the two veth ends waits for that
# wake-up.
#
# BENCH_IDLE_POLL=1 (the default) requests a CPU wake-up latency of 0 on
# /dev/cpu_dma_latency (PM QoS) while the bench runs, so the kernel's
# idle loop polls on every core instead of halting.  A core that polls
# there takes a wake-up of its NAPI thread without an interrupt between
# processors, which costs a VM exit here.  The request ends when its
# holder process exits.  BENCH_IDLE_POLL=2 runs a busy loop at
# SCHED_IDLE on each CPU given (default: the server core) instead, as
# the benches did until December 2026; a wake-up then still interrupts
# the core.  BENCH_IDLE_POLL=0 lets the cores halt.  RB_SPAWNED_PID is
# the last process started.
bench_idle_poll_start() {
	local cpu cpus=("$@")

	case $BENCH_IDLE_POLL in
	0) return 0 ;;
	1)
		if [[ -w /dev/cpu_dma_latency ]]; then
			# The kernel parses a write that is not 4 bytes long as a hex number.
			rb_spawn "" "$RB_RUN_DIR/idle-poll-qos.log" \
				sh -c 'exec 3>/dev/cpu_dma_latency && printf 0 >&3 && exec sleep infinity'
			sleep 0.2
			if rb_pid_alive "$RB_SPAWNED_PID"; then
				echo "${BENCH_LOG_NAME}: idle polling on every CPU: PM QoS latency 0 held by pid $RB_SPAWNED_PID"
				return 0
			fi
			echo "${BENCH_LOG_NAME}: writing 0 to /dev/cpu_dma_latency failed:" \
				"$(cat "$RB_RUN_DIR/idle-poll-qos.log")" >&2
		fi
		echo "${BENCH_LOG_NAME}: PM QoS is not available; idle polling with" \
			"busy loops instead (BENCH_IDLE_POLL=2)" >&2
		;;
	2) ;;
	*)
		echo "${BENCH_LOG_NAME}: invalid BENCH_IDLE_POLL=$BENCH_IDLE_POLL: expected 0 (off)," \
			"1 (PM QoS, the default) or 2 (busy loops)" >&2
		return 1
		;;
	esac
	((${#cpus[@]})) || cpus=("$BENCH_SERVER_CPU")
	for cpu in "${cpus[@]}"; do
		rb_spawn "" "$RB_RUN_DIR/idle-poll-$cpu.log" chrt -i 0 taskset -c "$cpu" \
			sh -c 'while :; do :; done'
		echo "${BENCH_LOG_NAME}: idle polling on CPU $cpu with a busy loop (pid $RB_SPAWNED_PID)"
	done
}

BENCH_RACKBOOT_RUNS=0

# bench_rackboot_spawn CONFIG READY: rackbootd with CONFIG, a fresh private
# bpffs, TFTP root RUN_DIR/tftp and store, on SERVER_CPU, then wait until
# the function READY exits 0.  Sets BENCH_RACKBOOT_PID, BENCH_RACKBOOT_PIN
# and BENCH_RACKBOOT_LOG.
bench_rackboot_spawn() {
	local base_config=$1 ready=$2 run=$((++BENCH_RACKBOOT_RUNS)) config log bpffs

	bpffs="$RB_RUN_DIR/bpffs-$run"
	BENCH_RACKBOOT_PIN="$bpffs/rackboot"
	config="$RB_RUN_DIR/rackboot-$run.json"
	log="$RB_RUN_DIR/rackbootd-$run.log"
	mkdir -p "$RB_RUN_DIR/tftp"
	rb_bpffs_mount "$bpffs" || return 1
	jq --arg pin "$BENCH_RACKBOOT_PIN" --arg root "$RB_RUN_DIR/tftp" \
		--arg store "$RB_RUN_DIR/store-$run" --arg control "$RB_RUN_DIR/control-$run.sock" \
		'."rackboot:rackboot" |= (."bpffs-pin-path" = $pin | .tftp.root = $root |
			.store.path = $store | .control."socket-path" = $control)' \
		"$base_config" >"$config" || return 1

	rb_spawn "$BENCH_NS_SRV" "$log" taskset -c "$BENCH_SERVER_CPU" build/rackbootd --config "$config" \
		--log-level info
	BENCH_RACKBOOT_LOG=$log
	BENCH_RACKBOOT_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 20 "$ready"; then
		echo "${BENCH_LOG_NAME}: rackbootd (pid $BENCH_RACKBOOT_PID) not serving after 20 s; log $log:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"
}

# bench_rackboot_stop: save rackbootd's counters, stop it and detach its
# XDP program.
bench_rackboot_stop() {
	build/rackbootctl --pin-path "$BENCH_RACKBOOT_PIN" stats --json \
		>"$RB_RUN_DIR/rackboot-$BENCH_RACKBOOT_RUNS.stats.json" 2>&1
	bench_stop "$BENCH_RACKBOOT_PID"
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
}

# bench_print_counters STATS_JSON WHAT: the non-zero rackboot counters of
# a scenario, so that drops can be traced to a verdict.
bench_print_counters() {
	jq -r '(.xdp // {}), (.userspace // {}) | to_entries[] | select(.value != 0) |
		"\(.key)=\(.value)"' "$1" 2>/dev/null | paste -sd ' ' | sed "s/^/  $2: rackboot counters: /"
}

bench_machine() {
	local cpu

	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	printf '%s, %s cores, %s MiB RAM, Linux %s, Debian %s' "${cpu:-unknown CPU}" "$(nproc)" \
		"$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -r)" \
		"$(cat /etc/debian_version 2>/dev/null || echo unknown)"
}

# bench_number VALUE: VALUE, or null when the scenario did not run.
bench_number() {
	if [[ "$1" =~ ^[0-9.]+$ ]]; then
		echo "$1"
	else
		echo null
	fi
}

# jq definitions of the DHCP benches' result tables.  n prints a number,
# or "-" for null, and col pads it to a 12-character column.  ratios($s)
# prints rackboot's figure of scenario $s against Kea's and against the
# ceiling, each only where both figures are known.
# shellcheck disable=SC2016,SC2034 # $s is jq's; read by the report.sh files
BENCH_JQ_TABLE_DEFS='
		def n: if . == null then "-" else tostring end;
		def col: n | .[0:12] + "            "[0:12 - (. | length)];
		def ratios($s):
			(if $s.results.rackboot != null and $s.results.kea != null and $s.results.kea > 0
			 then "  rackboot / kea: \($s.results.rackboot / $s.results.kea * 10 | floor / 10)x" else empty end),
			(if $s.results.rackboot != null and $s.ceiling != null and $s.ceiling > 0
			 then "  rackboot / ceiling: \($s.results.rackboot / $s.ceiling * 1000 | floor / 10) %" else empty end);
'
