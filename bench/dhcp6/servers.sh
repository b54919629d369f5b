# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# One function per scenario of bench/dhcp6.sh: start the server under
# test on SERVER_CPU, run the generator against it, stop it and store
# the figure in BENCH6_RESULT.  Requires setup.sh and bench/common/lib.sh.

# Exchanges in flight per window-mode step (gen_window.h), ascending.
# The generator stops after the first step with 1 % drops or more in two
# runs.
BENCH_WINDOWS_RACKBOOT=${BENCH_WINDOWS_RACKBOOT:-16,32,64,96,128,160,192,256,320}
BENCH_WINDOWS_KEA=${BENCH_WINDOWS_KEA:-1,2,4,8,16,32,64,128}
BENCH_WINDOWS_REFLECTOR=${BENCH_WINDOWS_REFLECTOR:-64,128,192,256,320,384,448}

# Offered Solicits per second, one paced step each, ascending.  The
# generator stops after the first step with 1 % drops or more in two runs.
# rackboot's ladder starts low enough to measure its userspace path too,
# for devices that its XDP program passes up.
BENCH_RATES_RACKBOOT=${BENCH_RATES_RACKBOOT:-1000,2500,5000,20000,50000,100000,150000,200000,250000,300000,350000,400000,450000,500000,550000,600000,700000,1000000}
BENCH_RATES_KEA=${BENCH_RATES_KEA:-500,1000,1500,2000,2500,3000,3500,4000,4500,5000,6000,7000,8000,10000,12000,14000,16000,18000,20000,24000,28000,32000,40000,50000}
BENCH_RATES_REFLECTOR=${BENCH_RATES_REFLECTOR:-100000,250000,500000,750000,1000000,1250000,1500000,2000000,2500000,3000000,3500000,4000000,5000000,6000000,7000000}
BENCH_RACKBOOT_CONFIG=${BENCH_RACKBOOT_CONFIG:-bench/dhcp6/rackboot.json}

declare -A BENCH6_RESULT=()
BENCH6_RACKBOOT_RUNS=0

# bench6_udp547_bound PROCESS: exit 0 once PROCESS has a UDP socket on port 547.
bench6_udp547_bound() {
	ip netns exec "$BENCH_NS_SRV" ss -Hlupn 2>/dev/null | grep -E '[:*]547[[:space:]]' |
		grep -q "\"$1\""
}

# The reflector's ladder runs BENCH_REFLECTOR_RUNS times, and the median
# of the sustained packet rates counts.  The ladder starts at 100,000/s,
# below the DHCPv4 bench's 500,000/s, because a run whose first step
# fails counts as 0.  It reflects the generator's
# 108-byte Solicits.  Each exchange takes two frames from the server, so
# the ceiling in exchanges per second is half the packet rate.
#
# Then the reflector's window ladder, in which the client program sends
# each reflected Solicit straight back as the slot's next one.  The
# ceiling of the window scenario is the higher of the two packet rates,
# halved.
bench6_run_reflector() {
	local window_pps paced_pps

	bench_reflector_ladder bench6_gen || return 1
	paced_pps=$BENCH_REFLECTOR_PPS
	BENCH6_RESULT[ceiling_paced]=$((paced_pps / 2))

	bench_reflector_window bench6_gen "$BENCH_WINDOWS_REFLECTOR" || return 1
	window_pps=$BENCH_REFLECTOR_WINDOW_PPS
	echo "  reflector: paced $paced_pps packets/s, window mode $window_pps packets/s"
	BENCH6_RESULT[ceiling]=$(((paced_pps > window_pps ? paced_pps : window_pps) / 2))
}

# bench6_rackboot_config RUN: the bench config with this run's paths and
# one inventory device per client, matched by its DUID-LL.  The profile
# has a DHCPv4 boot file only, so DHCPv6 replies carry no boot file URL,
# as Kea's do not.
bench6_rackboot_config() {
	local run=$1 devices="$RB_RUN_DIR/rackboot-devices.json"

	awk -F '\t' 'BEGIN { print "[" }
		{ printf "%s{\"mac\": \"%s\", \"duid\": \"%s\", \"ipv6-address\": \"%s\", \"ipv4-address\": \"%s\", \"profile\": \"linux\"}\n",
			(NR > 1 ? "," : ""), $2, $3, $4, $5 }
		END { print "]" }' "$RB_RUN_DIR/clients.tsv" >"$devices" || return 1
	jq --arg pin "$BENCH6_RACKBOOT_PIN" --arg root "$RB_RUN_DIR/tftp" \
		--arg store "$RB_RUN_DIR/store-$run" --arg control "$RB_RUN_DIR/control-$run.sock" \
		--slurpfile devices "$devices" \
		'."rackboot:rackboot" |= (."bpffs-pin-path" = $pin | .tftp.root = $root |
			.store.path = $store | .control."socket-path" = $control |
			.inventory.device = $devices[0])' \
		"$BENCH_RACKBOOT_CONFIG"
}

# bench6_rackboot_start: rackbootd with a fresh private bpffs and store,
# on SERVER_CPU.  Sets BENCH6_RACKBOOT_PID and BENCH6_RACKBOOT_PIN.
bench6_rackboot_start() {
	local run=$((++BENCH6_RACKBOOT_RUNS)) config log bpffs

	BENCH6_RACKBOOT_PID=
	bpffs="$RB_RUN_DIR/bpffs-$run"
	BENCH6_RACKBOOT_PIN="$bpffs/rackboot"
	config="$RB_RUN_DIR/rackboot-$run.json"
	log="$RB_RUN_DIR/rackbootd-$run.log"
	mkdir -p "$RB_RUN_DIR/tftp"
	rb_bpffs_mount "$bpffs" || return 1
	bench6_rackboot_config "$run" >"$config" || return 1

	rb_spawn "$BENCH_NS_SRV" "$log" taskset -c "$BENCH_SERVER_CPU" build/rackbootd \
		--config "$config" --log-level info
	BENCH6_RACKBOOT_LOG=$log
	BENCH6_RACKBOOT_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 30 bench6_rackboot_ready_or_gone || ! bench6_rackboot_ready; then
		echo "bench-dhcp6: rackbootd (pid $BENCH6_RACKBOOT_PID) not serving after 30 s" \
			"or exited; log $log:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	if ! bench6_udp547_bound rackbootd; then
		echo "  rackboot: rackbootd has no UDP socket on port 547; only its XDP program" \
			"can answer"
	fi
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"
}

# bench6_rackboot_ready: maps pinned, XDP on the server veth and the start
# line logged, which rackbootd writes only after its services started.
bench6_rackboot_ready() {
	rb_pid_alive "$BENCH6_RACKBOOT_PID" &&
		[[ -e "$BENCH6_RACKBOOT_PIN/rb_devices" ]] &&
		bench_link_has_xdp "$BENCH_NS_SRV" "$BENCH_SRV_IF" &&
		grep -q 'started with config' "$BENCH6_RACKBOOT_LOG"
}

bench6_rackboot_ready_or_gone() {
	bench6_rackboot_ready || rb_pid_gone "$BENCH6_RACKBOOT_PID"
}

bench6_rackboot_stop() {
	[[ -n "${BENCH6_RACKBOOT_PID:-}" ]] || return 0
	build/rackbootctl --pin-path "$BENCH6_RACKBOOT_PIN" stats --json \
		>"$RB_RUN_DIR/rackboot-$BENCH6_RACKBOOT_RUNS.stats.json" 2>&1
	bench_stop "$BENCH6_RACKBOOT_PID"
	BENCH6_RACKBOOT_PID=
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
}

# bench6_print_counters STATS_JSON: the non-zero rackboot counters, so
# that drops can be traced to a verdict.
bench6_print_counters() {
	jq -r '(.xdp // {}), (.userspace // {}) | to_entries[] | select(.value != 0) |
		"\(.key)=\(.value)"' "$1" 2>/dev/null | paste -sd ' ' |
		sed 's/^/  rackboot counters: /'
}

bench6_run_rackboot() {
	local status

	bench6_rackboot_start || { bench6_rackboot_stop; return 1; }
	bench6_gen rackboot --windows "$BENCH_WINDOWS_RACKBOOT" &&
		bench6_gen rackboot-paced --rates "$BENCH_RATES_RACKBOOT"
	status=$?
	bench6_rackboot_stop
	bench6_print_counters "$RB_RUN_DIR/rackboot-$BENCH6_RACKBOOT_RUNS.stats.json"
	((status == 0)) || return 1
	BENCH6_RESULT[rackboot]=$(bench_summary rackboot)
	BENCH6_RESULT[rackboot_paced]=$(bench_summary rackboot-paced)
}

# bench6_kea_config: the bench config with this run's paths and one host
# reservation per client, by its DUID-LL.
bench6_kea_config() {
	local reservations="$RB_RUN_DIR/kea-reservations.json"

	awk -F '\t' 'BEGIN { print "[" }
		{ printf "%s{\"duid\": \"%s\", \"ip-addresses\": [\"%s\"]}\n",
			(NR > 1 ? "," : ""), $3, $4 }
		END { print "]" }' "$RB_RUN_DIR/clients.tsv" >"$reservations" || return 1
	sed "s|@RUN_DIR@|$RB_RUN_DIR|g" bench/dhcp6/kea-dhcp6.json |
		jq --slurpfile r "$reservations" '.Dhcp6.subnet6[0].reservations = $r[0]'
}

bench6_run_kea() {
	local config="$RB_RUN_DIR/kea-dhcp6.json" pid status

	bench6_kea_config >"$config" || return 1
	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" pass || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"

	rb_spawn "$BENCH_NS_SRV" "$RB_RUN_DIR/kea-dhcp6.out" env KEA_PIDFILE_DIR="$RB_RUN_DIR" \
		KEA_LOCKFILE_DIR="$RB_RUN_DIR" taskset -c "$BENCH_SERVER_CPU" kea-dhcp6 -c "$config"
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 60 bench6_udp547_bound kea-dhcp6; then
		echo "bench-dhcp6: kea-dhcp6 (pid $pid) not listening after 60 s:" >&2
		tail -n 20 "$RB_RUN_DIR/kea-dhcp6.out" "$RB_RUN_DIR/kea-dhcp6.log" >&2
		bench_stop "$pid"
		bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
		return 1
	fi

	bench6_gen kea --windows "$BENCH_WINDOWS_KEA" &&
		bench6_gen kea-paced --rates "$BENCH_RATES_KEA"
	status=$?
	bench_stop "$pid"
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
	((status == 0)) || return 1
	BENCH6_RESULT[kea]=$(bench_summary kea)
	BENCH6_RESULT[kea_paced]=$(bench_summary kea-paced)
}
