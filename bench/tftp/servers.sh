# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# One function per server of bench/tftp.sh: start the server under test
# on SERVER_CPU, run every scenario against it, stop it, and store the
# figures in BENCH_RESULT and BENCH_TRANSFERS.  Requires setup.sh and
# bench/common/lib.sh.

# Frames per second, one generator step each, ascending.  The generator
# stops after the first step with 1 % loss or more in two runs.
BENCH_RATES_REFLECTOR=${BENCH_RATES_REFLECTOR:-250000,500000,750000,1000000,1500000,2000000,2500000,3000000,4000000,5000000}
BENCH_RACKBOOT_CONFIG=${BENCH_RACKBOOT_CONFIG:-bench/tftp/rackboot.json}

declare -A BENCH_RESULT=()
declare -A BENCH_TRANSFERS=()

# bench_udp69_bound PROCESS: exit 0 once PROCESS has a UDP socket on port 69.
bench_udp69_bound() {
	ip netns exec "$BENCH_NS_SRV" ss -Hlupn 2>/dev/null | grep -E '[:*]69[[:space:]]' | grep -q "\"$1\""
}

# The ceiling: the reflector returns each 1,514-byte frame, a DATA block
# of 1468 bytes, so one reflected frame stands for one DATA and its ACK.
bench_run_reflector() {
	bench_reflector_ladder bench_gen || return 1
	if [[ "$BENCH_REFLECTOR_PPS" == 0 ]]; then
		echo "${BENCH_LOG_NAME}: no step of the reflector ladder stayed under 1 % loss," \
			"so there is no ceiling; is another process loading the machine?" >&2
		return 1
	fi
	BENCH_RESULT[reflector_pps]=$BENCH_REFLECTOR_PPS
	# The reflector frames carry 1468 bytes whatever BENCH_BLKSIZE is.
	BENCH_RESULT[ceiling]=$(awk -v pps="$BENCH_REFLECTOR_PPS" \
		'BEGIN { printf "%.1f", pps * 1468 / 1048576 }')
}

# bench_scenarios SERVER: every scenario against the server that runs now.
bench_scenarios() {
	local scenario status=0

	for scenario in $BENCH_SCENARIOS; do
		echo "${BENCH_LOG_NAME}: $1, $(bench_scenario_clients "$scenario") clients," \
			"$(bench_scenario_size "$scenario") bytes each"
		bench_transfers "$1" "$scenario" || status=1
	done
	return "$status"
}

# bench_tftp_rackboot_ready: XDP on the server veth, UDP 69 bound, and
# the start line logged, which rackbootd writes after its services started.
bench_tftp_rackboot_ready() {
	bench_link_has_xdp "$BENCH_NS_SRV" "$BENCH_SRV_IF" &&
		bench_udp69_bound rackbootd &&
		grep -q 'started with config' "$BENCH_RACKBOOT_LOG"
}

bench_run_rackboot() {
	local status

	bench_rackboot_spawn "$BENCH_RACKBOOT_CONFIG" bench_tftp_rackboot_ready ||
		{ bench_rackboot_stop; return 1; }
	bench_scenarios rackboot
	status=$?
	bench_rackboot_stop
	bench_print_counters "$RB_RUN_DIR/rackboot-$BENCH_RACKBOOT_RUNS.stats.json" rackboot
	return "$status"
}

# bench_peer_start NAME PROCESS COMMAND...: a socket-based server behind
# the pass program on the server veth.  Sets BENCH_PEER_PID.
bench_peer_start() {
	local name=$1 process=$2
	shift 2

	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" pass || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"
	rb_spawn "$BENCH_NS_SRV" "$RB_RUN_DIR/$name.out" taskset -c "$BENCH_SERVER_CPU" "$@"
	BENCH_PEER_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 20 bench_udp69_bound "$process"; then
		echo "${BENCH_LOG_NAME}: $name (pid $BENCH_PEER_PID) not listening on UDP 69 after 20 s:" >&2
		tail -n 20 "$RB_RUN_DIR/$name.out" >&2
		bench_peer_stop
		return 1
	fi
}

bench_peer_stop() {
	bench_stop "$BENCH_PEER_PID"
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
}

# tftp-hpa 5.2 forks a process per transfer; it chroots into the root and
# serves as the user nobody.  Its children inherit the CPU affinity.
bench_run_tftp-hpa() {
	local status

	bench_peer_start tftp-hpa in.tftpd in.tftpd --listen --foreground --secure \
		--address "$BENCH_SRV_ADDR:69" --user nobody "$RB_RUN_DIR/tftp" ||
		return 1
	bench_scenarios tftp-hpa
	status=$?
	bench_peer_stop
	return "$status"
}

# dnsmasq 2.90 serves every transfer from its one process.  Its limit of
# concurrent transfers (--tftp-max, default 50) is raised above the
# clients of every scenario.
bench_run_dnsmasq() {
	local status

	bench_peer_start dnsmasq dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--port=0 --user=root --group=root --pid-file="$RB_RUN_DIR/dnsmasq.pid" \
		--log-facility="$RB_RUN_DIR/dnsmasq.log" --interface="$BENCH_SRV_IF" \
		--enable-tftp --tftp-root="$RB_RUN_DIR/tftp" \
		--tftp-max=$((BENCH_MANY_CLIENTS + BENCH_BIG_CLIENTS + 64)) ||
		return 1
	bench_scenarios dnsmasq
	status=$?
	bench_peer_stop
	return "$status"
}
