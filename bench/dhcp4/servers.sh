# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# One function per scenario of bench/dhcp4.sh: start the server under
# test on SERVER_CPU, run the generator (or perfdhcp) against it, stop
# it and store the figure in BENCH_RESULT.  Requires setup.sh and
# bench/common/lib.sh.

# Exchanges in flight per window-mode step (gen_window.h), ascending.
# The generator stops after the first step with 1 % drops or more in two
# runs.
BENCH_WINDOWS_RACKBOOT=${BENCH_WINDOWS_RACKBOOT:-16,32,64,96,128,160,192,256,320}
BENCH_WINDOWS_KEA=${BENCH_WINDOWS_KEA:-1,2,4,8,16,32,64,128}
BENCH_WINDOWS_DNSMASQ=${BENCH_WINDOWS_DNSMASQ:-1,2,4,8,16,32}
BENCH_WINDOWS_REFLECTOR=${BENCH_WINDOWS_REFLECTOR:-64,128,192,256,320,384,448}

# Offered DISCOVERs per second, one paced step each, ascending.  The
# generator stops after the first step with 1 % drops or more in two runs.
BENCH_RATES_RACKBOOT=${BENCH_RATES_RACKBOOT:-5000,20000,50000,100000,150000,200000,250000,300000,350000,400000,450000,475000,500000,550000,600000,700000,1000000}
BENCH_RATES_KEA=${BENCH_RATES_KEA:-1000,2000,3000,4000,4500,5000,5500,6000,6500,7000,7500,8000,9000,10000,12000}
BENCH_RATES_DNSMASQ=${BENCH_RATES_DNSMASQ:-25,50,100,150,200,250,300,350,400,450,500,600,800}
BENCH_RATES_REFLECTOR=${BENCH_RATES_REFLECTOR:-500000,1000000,1500000,2000000,2500000,3000000,3500000,4000000,4500000,5000000,6000000,7000000}
BENCH_PERFDHCP_SECONDS=${BENCH_PERFDHCP_SECONDS:-10}
BENCH_PERFDHCP_CLIENTS=${BENCH_PERFDHCP_CLIENTS:-100000}
BENCH_PERFDHCP_RCVBUF=${BENCH_PERFDHCP_RCVBUF:-33554432}	# bytes, net.core.rmem_default while perfdhcp runs
BENCH_RACKBOOT_CONFIG=${BENCH_RACKBOOT_CONFIG:-bench/dhcp4/rackboot.json}

declare -A BENCH_RESULT=()

# bench_udp67_bound PROCESS: exit 0 once PROCESS has a UDP socket on port 67.
bench_udp67_bound() {
	ip netns exec "$BENCH_NS_SRV" ss -Hlupn 2>/dev/null | grep -E '[:*]67[[:space:]]' | grep -q "\"$1\""
}

# The reflector's ladder runs BENCH_REFLECTOR_RUNS times, and the median
# of the sustained packet rates counts.  An unpaced generator would also
# starve the client veth's NAPI thread on its own core and so count
# fewer reflected frames than the server sent.  The reflector empties
# its ring fast enough for test runs of up to 4,096 frames
# (BENCH_REFLECTOR_MAX_BURST), which cost the generator less per frame
# than the 128 used against servers, so the ceiling is the highest rate
# the setup sustains.
#
# Then the reflector's window ladder, in which the client program sends
# each reflected DISCOVER straight back as the slot's next one.  The
# ceiling is the higher of the two packet rates, halved.
bench_run_reflector() {
	local window_pps paced_pps

	bench_reflector_ladder bench_gen || return 1
	paced_pps=$BENCH_REFLECTOR_PPS
	BENCH_RESULT[ceiling_paced]=$((paced_pps / 2))

	bench_reflector_window bench_gen "$BENCH_WINDOWS_REFLECTOR" || return 1
	window_pps=$BENCH_REFLECTOR_WINDOW_PPS
	echo "  reflector: paced $paced_pps packets/s, window mode $window_pps packets/s"
	BENCH_RESULT[ceiling]=$(((paced_pps > window_pps ? paced_pps : window_pps) / 2))
}

# bench_rackboot_start: rackbootd with BENCH_RACKBOOT_CONFIG, a fresh
# private bpffs and store (so an empty pool), on SERVER_CPU.
bench_rackboot_start() {
	bench_rackboot_spawn "$BENCH_RACKBOOT_CONFIG" bench_rackboot_ready
}

# bench_rackboot_ready: maps pinned, XDP on the server veth, UDP 67
# bound, and the start line logged, which rackbootd writes only after its
# services started, so after the pool's XDP queue was filled.  Before
# that, DISCOVERs of new devices find the queue empty and go to the slow
# path.
bench_rackboot_ready() {
	[[ -e "$BENCH_RACKBOOT_PIN/rb_devices" ]] &&
		bench_link_has_xdp "$BENCH_NS_SRV" "$BENCH_SRV_IF" &&
		bench_udp67_bound rackbootd &&
		grep -q 'started with config' "$BENCH_RACKBOOT_LOG"
}

bench_run_rackboot() {
	local status

	bench_rackboot_start || return 1
	bench_gen rackboot --windows "$BENCH_WINDOWS_RACKBOOT" &&
		bench_gen rackboot-paced --rates "$BENCH_RATES_RACKBOOT"
	status=$?
	bench_rackboot_stop
	bench_print_counters "$RB_RUN_DIR/rackboot-$BENCH_RACKBOOT_RUNS.stats.json" rackboot
	((status == 0)) || return 1
	BENCH_RESULT[rackboot]=$(bench_summary rackboot)
	BENCH_RESULT[rackboot_paced]=$(bench_summary rackboot-paced)
}

bench_run_kea() {
	local config="$RB_RUN_DIR/kea-dhcp4.json" pid status

	sed "s|@RUN_DIR@|$RB_RUN_DIR|g" bench/dhcp4/kea-dhcp4.json >"$config"
	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" pass || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"

	rb_spawn "$BENCH_NS_SRV" "$RB_RUN_DIR/kea-dhcp4.out" env KEA_PIDFILE_DIR="$RB_RUN_DIR" \
		KEA_LOCKFILE_DIR="$RB_RUN_DIR" taskset -c "$BENCH_SERVER_CPU" kea-dhcp4 -c "$config"
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 20 bench_udp67_bound kea-dhcp4; then
		echo "bench-dhcp4: kea-dhcp4 (pid $pid) not listening after 20 s:" >&2
		tail -n 20 "$RB_RUN_DIR/kea-dhcp4.out" "$RB_RUN_DIR/kea-dhcp4.log" >&2
		bench_stop "$pid"
		return 1
	fi

	bench_gen kea --windows "$BENCH_WINDOWS_KEA" &&
		bench_gen kea-paced --rates "$BENCH_RATES_KEA"
	status=$?
	bench_stop "$pid"
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
	((status == 0)) || return 1
	BENCH_RESULT[kea]=$(bench_summary kea)
	BENCH_RESULT[kea_paced]=$(bench_summary kea-paced)
}

bench_run_dnsmasq() {
	local pid status

	bench_xdp_attach "$BENCH_NS_SRV" "$BENCH_SRV_IF" pass || return 1
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU"

	# --no-ping: no ICMP probe of a new address before the OFFER, which
	# would delay every OFFER past the generator's grace time.
	rb_spawn "$BENCH_NS_SRV" "$RB_RUN_DIR/dnsmasq.out" taskset -c "$BENCH_SERVER_CPU" \
		dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
		--user=root --group=root --pid-file="$RB_RUN_DIR/dnsmasq.pid" \
		--log-facility="$RB_RUN_DIR/dnsmasq.log" --interface="$BENCH_SRV_IF" \
		--dhcp-range=10.200.1.0,10.203.255.254,255.252.0.0,1h \
		--dhcp-lease-max=262144 --dhcp-leasefile="$RB_RUN_DIR/dnsmasq.leases" \
		--dhcp-authoritative --no-ping --quiet-dhcp
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 20 bench_udp67_bound dnsmasq; then
		echo "bench-dhcp4: dnsmasq (pid $pid) not listening after 20 s:" >&2
		tail -n 20 "$RB_RUN_DIR/dnsmasq.out" "$RB_RUN_DIR/dnsmasq.log" >&2
		bench_stop "$pid"
		return 1
	fi

	bench_gen dnsmasq --windows "$BENCH_WINDOWS_DNSMASQ" &&
		bench_gen dnsmasq-paced --rates "$BENCH_RATES_DNSMASQ"
	status=$?
	bench_stop "$pid"
	bench_xdp_detach "$BENCH_NS_SRV" "$BENCH_SRV_IF"
	((status == 0)) || return 1
	BENCH_RESULT[dnsmasq]=$(bench_summary dnsmasq)
	BENCH_RESULT[dnsmasq_paced]=$(bench_summary dnsmasq-paced)
}

# perfdhcp (Kea 2.2) without -r sends as fast as it can.  It uses sockets,
# so the client veth gets the pass program: without an XDP program there,
# the frames that rackboot sends with XDP_TX would not arrive.
bench_run_perfdhcp() {
	local out="$RB_RUN_DIR/perfdhcp.out" status rmem_default

	bench_rackboot_start || return 1
	bench_xdp_attach "$BENCH_NS_CLI" "$BENCH_CLI_IF" pass || return 1

	# perfdhcp reads its replies from a socket.  With the client's NAPI
	# thread pinned to its core at real-time priority, or with the default
	# 208 KiB socket buffer, it fell behind and its socket dropped replies
	# (UDP RcvbufErrors in the client namespace), which perfdhcp counts
	# as server drops.  So the client link keeps softirq NAPI here, and
	# the host-wide default buffer, the only one that reaches perfdhcp's
	# socket, is raised while it runs.  An earlier scenario may have left
	# the link in threaded NAPI at real-time priority, so it is reset.
	ip netns exec "$BENCH_NS_CLI" sh -c "echo 0 > /sys/class/net/$BENCH_CLI_IF/threaded" ||
		echo "bench-dhcp4: turning threaded NAPI off on $BENCH_CLI_IF failed" >&2
	rmem_default=$(sysctl -n net.core.rmem_default)
	rb_on_cleanup "sysctl -qw net.core.rmem_default=$rmem_default"
	sysctl -qw net.core.rmem_default="$BENCH_PERFDHCP_RCVBUF"
	ip netns exec "$BENCH_NS_CLI" timeout --kill-after=5 $((BENCH_PERFDHCP_SECONDS + 20)) \
		taskset -c "$BENCH_GEN_CPU" perfdhcp -4 -l "$BENCH_CLI_IF" \
		-R "$BENCH_PERFDHCP_CLIENTS" -p "$BENCH_PERFDHCP_SECONDS" >"$out" 2>&1
	status=$?
	sysctl -qw net.core.rmem_default="$rmem_default"
	ip netns exec "$BENCH_NS_CLI" awk '/^Udp:/ { n++ } n == 2 { print "  perfdhcp: UDP receive buffer overflows (RcvbufErrors): " $6; exit }' /proc/net/snmp
	bench_rackboot_stop
	bench_xdp_detach "$BENCH_NS_CLI" "$BENCH_CLI_IF"
	bench_print_counters "$RB_RUN_DIR/rackboot-$BENCH_RACKBOOT_RUNS.stats.json" perfdhcp

	# perfdhcp exits 3 when it saw drops; the figures decide.
	if ! grep -q '^Rate:' "$out"; then
		echo "bench-dhcp4: perfdhcp (exit $status) printed no rate:" >&2
		tail -n 20 "$out" >&2
		return 1
	fi
	BENCH_RESULT[perfdhcp]=$(awk '/^Rate:/ { printf "%.0f", $2; exit }' "$out")
	BENCH_RESULT[perfdhcp_drop_pct]=$(awk '/^drops ratio:/ { v = $3 + 0; if (v > m) m = v } END { printf "%.3f", m }' "$out")
	sed -n '/Rate:/p; /drops ratio/p; /sent packets/p; /received packets/p' "$out" | sed 's/^/  perfdhcp: /'
}
