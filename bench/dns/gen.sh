# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The rb-dns-gen scenario of bench/dns.sh: settings, the names file and
# the generator run against the server that runs.  Requires
# tests/lib/cleanup.sh, bench/common/lib.sh and the settings of
# bench/dns.sh (SRV_ADDR, CLI_ADDR, ZONE, device_addr).

# 0 skips the rb-dns-gen scenario.
BENCH_DNS_GEN=${BENCH_DNS_GEN:-1}
# Offered queries per second, one generator step each, ascending, the
# same for every server.  The generator stops after the first step with
# 1 % of the queries unanswered in two runs.
BENCH_DNS_RATES=${BENCH_DNS_RATES:-25000,50000,75000,100000,125000,150000,175000,200000,225000,250000,275000,300000,350000,400000,450000,500000,600000,700000,800000,900000,1000000,1100000,1200000,1400000,1600000,1800000,2000000,2500000,3000000}
# Maximum queries per live-frames test run, for the servers and the
# reflector alike: the server veth's ring of 256 frames.  With 128, as
# in the DHCP benches, the generator offered at most about 870,000
# queries/s, which rackboot answered without loss.
BENCH_DNS_MAX_BURST=${BENCH_DNS_MAX_BURST:-256}
# Receive buffer of dnsmasq's socket in the rb-dns-gen scenario, in bytes
# (see gen_dnsmasq in bench/dns.sh).
BENCH_DNS_RCVBUF=${BENCH_DNS_RCVBUF:-8388608}
# 1 keeps the cores from halting during the rb-dns-gen runs, for every
# server alike; 2 uses busy loops on the server CPU instead
# (bench_idle_poll_start of bench/common/lib.sh).
BENCH_DNS_IDLE_POLL=${BENCH_DNS_IDLE_POLL:-1}
DNSGEN=build/bench/rb-dns-gen

declare -A GEN_QPS=()

# write_names OUT: the generator's names file, each inventory hostname
# with the A record that both servers return for it.
write_names() {
	local out=$1 i

	for ((i = 1; i <= BENCH_DNS_DEVICES; i++)); do
		printf 'node%04d.%s %s\n' "$i" "$ZONE" "$(device_addr "$i")"
	done >"$out"
}

# dnsgen NAME [GEN_ARG...]: rb-dns-gen against the server that runs, with
# the rate ladder of BENCH_DNS_RATES.  Stores the sustained rate in
# GEN_QPS[NAME] and keeps the step lines in RUN_DIR/gen-NAME.jsonl.
dnsgen() {
	local name=$1 mac poll_pid='' status
	shift

	if ! mac=$(ip netns exec "$BENCH_NS_SRV" cat "/sys/class/net/$BENCH_SRV_IF/address"); then
		echo "bench-dns: reading the Ethernet address of $BENCH_SRV_IF failed" >&2
		return 1
	fi
	# Read by bench_run_gen: the source ports, as dnsperf's sockets.
	# shellcheck disable=SC2034
	BENCH_CLIENTS=$BENCH_DNS_CLIENTS
	# shellcheck disable=SC2034 # read by bench_idle_poll_start
	BENCH_IDLE_POLL=$BENCH_DNS_IDLE_POLL
	bench_idle_poll_start || return 1
	((BENCH_IDLE_POLL)) && poll_pid=$RB_SPAWNED_PID
	bench_run_gen "$DNSGEN" "gen-$name" \
		'"  offered \(.offered_per_s)/s: \(.completed_per_s)/s counted, \(.drop_pct) % lost; \(.answered) answered, \(.responses) responses, \(.wrong_answer + .rcode + .truncated) wrong in \(.seconds) s, \(.mean_latency_us) us"' \
		--source "$CLI_ADDR" --server "$SRV_ADDR" --server-mac "$mac" \
		--names "$RB_RUN_DIR/names.txt" --rates "$BENCH_DNS_RATES" \
		--max-burst "$BENCH_DNS_MAX_BURST" "$@"
	status=$?
	[[ -n "$poll_pid" ]] && bench_stop "$poll_pid"
	((status == 0)) || return 1
	GEN_QPS[$name]=$(bench_summary "gen-$name")
	echo "bench-dns: $name: rb-dns-gen sustained ${GEN_QPS[$name]}" \
		"$(jq -r 'select(.summary) | .unit' "$RB_RUN_DIR/gen-$name.jsonl") under 1 % lost"
}
