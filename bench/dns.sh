#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DNS benchmark, run by 'make bench-dns' as root: queries/s that
# rackbootd and dnsmasq answer for the same names over one veth pair,
# measured with dnsperf and then with rb-dns-gen, and the rates of both
# generators against an XDP program that reflects each query.  Writes
# bench/results/dns.json and prints a table.
#
#   <prefix>srv  rbbsrv 10.201.0.1/16: the server under test and the
#       |        veth's NAPI thread, pinned to BENCH_SERVER_CPU
#       | veth
#   <prefix>cli  rbbcli 10.201.0.2/16: dnsperf or rb-dns-gen and the
#                veth's NAPI thread, pinned to BENCH_GEN_CPU
#
# Every server runs in this layout, one after the other, against the
# same dnsperf settings and then the same rb-dns-gen rate ladder.
# bench/dns/README.md explains the choice.
# Both servers serve lab.rackboot.test with the records of
# bench/dns/rackboot.json and BENCH_DNS_DEVICES inventory hostnames
# (node0001 ... with addresses in 10.201.0.0/16 order).  The query file
# requests those hostnames (A), their PTR names, and the static names (A,
# AAAA, SRV, TXT, CNAME) in turn.  rackbootd runs its XDP program in
# native mode, which answers these queries from rb_dns_answers; the
# script prints how many it answered and passed up.  rb-dns-gen sends A
# queries for the inventory hostnames at random and counts a response
# only with the hostname's address (bench/dns/gen.sh).
#
# Settings (environment): BENCH_SERVERS (default "rackboot dnsmasq
# reflector"), BENCH_DNS_SECONDS (dnsperf run time, default 10),
# BENCH_DNS_CLIENTS (dnsperf -c, default 16), BENCH_DNS_OUTSTANDING
# (dnsperf -q, default 200), BENCH_DNS_THREADS (dnsperf -T, default 1),
# BENCH_DNS_DEVICES (default 200), BENCH_SERVER_CPU, BENCH_GEN_CPU, and
# BENCH_DNS_GENERATORS: the dnsperf processes as CPU:POLICY words, POLICY
# other or idle (default "GEN_CPU:other", one process).  rb-dns-gen
# simulates BENCH_DNS_CLIENTS clients (source ports) and reads
# BENCH_DNS_GEN (0 skips it), BENCH_DNS_RATES (comma-separated offered
# queries/s), BENCH_DNS_MAX_BURST, BENCH_DNS_RCVBUF, BENCH_DNS_IDLE_POLL
# (bench/dns/gen.sh), and BENCH_DURATION and BENCH_GRACE (seconds of
# sending and of waiting for late responses per step).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# Read by tests/lib/cleanup.sh: the per-run prefix of the namespaces.
# shellcheck disable=SC2034
RB_RUN_ID="rbd$$"
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
BENCH_LOG_NAME=bench-dns
# shellcheck source=bench/common/lib.sh
source bench/common/lib.sh
# shellcheck source=bench/dns/gen.sh
source bench/dns/gen.sh

BENCH_SERVERS=${BENCH_SERVERS:-rackboot dnsmasq reflector}
BENCH_DNS_SECONDS=${BENCH_DNS_SECONDS:-10}
BENCH_DNS_CLIENTS=${BENCH_DNS_CLIENTS:-16}
BENCH_DNS_OUTSTANDING=${BENCH_DNS_OUTSTANDING:-200}
BENCH_DNS_THREADS=${BENCH_DNS_THREADS:-1}
BENCH_DNS_DEVICES=${BENCH_DNS_DEVICES:-200}
BENCH_DNS_GENERATORS=${BENCH_DNS_GENERATORS:-$BENCH_GEN_CPU:other}
BENCH_PACKAGES=(dnsperf dnsmasq-base jq ethtool)
SRV_ADDR=10.201.0.1
CLI_ADDR=10.201.0.2
ZONE=lab.rackboot.test
RESULTS=bench/results/dns.json
REFLECT_OBJ=build/bench/dns_reflect.bpf.o

declare -A QPS=()

# device_addr INDEX: the address of inventory device INDEX (1-based) in 10.201.0.0/16.
device_addr() {
	printf '10.201.%d.%d' $(((INDEX_BASE + $1) / 256)) $(((INDEX_BASE + $1) % 256))
}
INDEX_BASE=1000

# write_config OUT PIN: bench/dns/rackboot.json with the inventory devices
# and a /16 subnet, so that their addresses have PTR records.
write_config() {
	local out=$1 pin=$2 devices="$RB_RUN_DIR/devices.json" i

	for ((i = 1; i <= BENCH_DNS_DEVICES; i++)); do
		printf '{"mac": "02:00:00:00:%02x:%02x", "ipv4-address": "%s", "hostname": "node%04d", "profile": "linux"}\n' \
			$((i / 256)) $((i % 256)) "$(device_addr "$i")" "$i"
	done >"$devices"
	mkdir -p "$RB_RUN_DIR/tftp" || return 1
	jq --arg pin "$pin" --arg store "$RB_RUN_DIR/store" --arg tftp "$RB_RUN_DIR/tftp" \
		--arg control "$RB_RUN_DIR/control.sock" --slurpfile devices "$devices" \
		'."rackboot:rackboot" |= (."bpffs-pin-path" = $pin | .store.path = $store | .tftp.root = $tftp
		| .control."socket-path" = $control
		| .dhcpv4.subnet[0].prefix = "10.201.0.0/16" | .inventory.device = $devices)' \
		bench/dns/rackboot.json >"$out"
}

# write_queries OUT: the dnsperf query file.
write_queries() {
	local out=$1 i addr

	: >"$out"
	for ((i = 1; i <= BENCH_DNS_DEVICES; i++)); do
		addr=$(device_addr "$i")
		printf 'node%04d.%s A\n' "$i" "$ZONE" >>"$out"
		printf '%s.in-addr.arpa PTR\n' "$(awk -F. '{print $4"."$3"."$2"."$1}' <<<"$addr")" >>"$out"
	done
	printf '%s\n' "ns.$ZONE A" "boot.$ZONE AAAA" "_http._tcp.$ZONE SRV" "$ZONE TXT" \
		"tftp.$ZONE A" >>"$out"
}

# dnsmasq_args: the records of the rackbootd config as dnsmasq options.
dnsmasq_args() {
	local i

	DNSMASQ_ARGS=(--keep-in-foreground --no-resolv --no-hosts --bind-interfaces
		--listen-address="$SRV_ADDR" --port=53 --user=root --local="/$ZONE/"
		--local=/201.10.in-addr.arpa/ --cache-size=10000 --log-facility=-
		--host-record="ns.$ZONE,10.201.0.1" --host-record="boot.$ZONE,10.201.0.1,fd00:201::1"
		--cname="tftp.$ZONE,boot.$ZONE" --srv-host="_http._tcp.$ZONE,boot.$ZONE,80"
		--txt-record="$ZONE,rackboot provisioning lab")
	for ((i = 1; i <= BENCH_DNS_DEVICES; i++)); do
		DNSMASQ_ARGS+=(--host-record="$(printf 'node%04d' "$i").$ZONE,$(device_addr "$i")")
	done
}

topology() {
	bench_veth_pair || return 1
	ip -n "$BENCH_NS_SRV" addr add "$SRV_ADDR/16" dev "$BENCH_SRV_IF" || return 1
	ip -n "$BENCH_NS_CLI" addr add "$CLI_ADDR/16" dev "$BENCH_CLI_IF" || return 1
	ip -n "$BENCH_NS_SRV" link set "$BENCH_SRV_IF" up || return 1
	ip -n "$BENCH_NS_CLI" link set "$BENCH_CLI_IF" up || return 1
	# GRO on gives each veth end NAPI without an XDP program, so that
	# its receive processing can move to a pinned NAPI thread.
	ip netns exec "$BENCH_NS_SRV" ethtool -K "$BENCH_SRV_IF" gro on || return 1
	ip netns exec "$BENCH_NS_CLI" ethtool -K "$BENCH_CLI_IF" gro on || return 1
}

# pin_napi: the server veth's receive processing on SERVER_CPU and the
# client veth's on GEN_CPU, each in a real-time NAPI thread.
pin_napi() {
	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_SERVER_CPU" || return 1
	bench_pin_napi "$BENCH_NS_CLI" "$BENCH_CLI_IF" "$BENCH_GEN_CPU"
}

dns_answers() {
	ip netns exec "$BENCH_NS_CLI" dig +tries=1 +time=1 "@$SRV_ADDR" "node0001.$ZONE" A +short |
		grep -q "$(device_addr 1)"
}

# dnsperf_start LOG CPU POLICY: one dnsperf process in the client
# namespace on CPU with scheduling POLICY (other or idle).  Sets
# RB_SPAWNED_PID.
dnsperf_start() {
	local log=$1 cpu=$2 policy=$3

	rb_spawn "$BENCH_NS_CLI" "$log" chrt "--$policy" 0 taskset -c "$cpu" dnsperf -s "$SRV_ADDR" \
		-d "$RB_RUN_DIR/queries.txt" -l "$BENCH_DNS_SECONDS" -c "$BENCH_DNS_CLIENTS" \
		-q "$BENCH_DNS_OUTSTANDING" -T "$BENCH_DNS_THREADS" -t 2
}

# cpu_usage STAT0 STAT1: one line per CPU with its busy share between two
# copies of /proc/stat, split into user, system, irq with softirq, and idle.
cpu_usage() {
	paste "$1" "$2" | awk '{
		n = NF / 2; total = 0
		for (i = 2; i <= n; i++) { d[i] = $(i + n) - $i; total += d[i] }
		if (total == 0) total = 1
		printf "  %s: user %d %%, system %d %%, irq and softirq %d %%, idle %d %%\n", $1,
			100 * (d[2] + d[3]) / total, 100 * d[4] / total, 100 * (d[7] + d[8]) / total,
			100 * (d[5] + d[6]) / total }'
}

# perf NAME: run the dnsperf processes of BENCH_DNS_GENERATORS at once
# against the server that runs, and store the sum of their queries/s in
# QPS[NAME].  Prints each process's rate and how busy each CPU was,
# which includes any other job on the machine.
perf() {
	local name=$1 spec cpu policy log pids=() logs=() pid i qps lost total=0 lost_total=0

	grep '^cpu[0-9]' /proc/stat >"$RB_RUN_DIR/stat0-$name"
	for spec in $BENCH_DNS_GENERATORS; do
		cpu=${spec%%:*}
		policy=${spec#*:}
		log="$RB_RUN_DIR/dnsperf-$name-${#pids[@]}.log"
		dnsperf_start "$log" "$cpu" "$policy"
		pids+=("$RB_SPAWNED_PID")
		logs+=("$log")
	done
	for pid in "${pids[@]}"; do
		rb_wait_for $((BENCH_DNS_SECONDS + 10)) rb_pid_gone "$pid" ||
			echo "bench-dns: dnsperf (pid $pid) ran past $((BENCH_DNS_SECONDS + 10)) s; stopping it" >&2
		bench_stop "$pid"
	done
	grep '^cpu[0-9]' /proc/stat >"$RB_RUN_DIR/stat1-$name"

	for i in "${!logs[@]}"; do
		qps=$(awk '/Queries per second:/ { print int($4) }' "${logs[i]}")
		lost=$(awk '/Queries lost:/ { print $3 }' "${logs[i]}")
		echo "bench-dns: $name: dnsperf ${i} ($(cut -d' ' -f"$((i + 1))" <<<"$BENCH_DNS_GENERATORS")):" \
			"${qps:-?} queries/s, ${lost:-?} lost (log ${logs[i]})"
		if [[ -z "$qps" ]]; then
			QPS[$name]=
			return 1
		fi
		total=$((total + qps))
		lost_total=$((lost_total + ${lost:-0}))
	done
	echo "bench-dns: $name: $total queries/s in all, $lost_total lost; CPU use during dnsperf:"
	cpu_usage "$RB_RUN_DIR/stat0-$name" "$RB_RUN_DIR/stat1-$name"
	QPS[$name]=$total
}

# xdp_pass NETNS IFNAME: veth delivers an XDP_TX frame only to a peer
# that runs an XDP program (NAPI through GRO alone lost every response
# on Linux 6.18).  So the client side gets xdp_pass before rackbootd or
# the reflector attaches its program, and the server side gets it for
# dnsmasq under rb-dns-gen, whose queries are XDP_TX frames.
xdp_pass() {
	if ! ip -n "$1" link set dev "$2" xdpdrv obj build/bpf/xdp_pass.bpf.o sec xdp; then
		echo "bench-dns: attaching xdp_pass to $2 failed" >&2
		return 1
	fi
}

client_xdp_pass() {
	xdp_pass "$BENCH_NS_CLI" "$BENCH_CLI_IF"
}

# rackboot_counters PIN WHEN: how many queries rackbootd answered in XDP
# and on its socket, and which it passed up, since it started.
rackboot_counters() {
	build/rackbootctl --pin-path "$1" stats --json >"$RB_RUN_DIR/rackboot.stats.json" 2>&1
	jq -r --arg when "$2" '"bench-dns: rackboot, \($when): \(.xdp.tx_dns) answered in XDP, \(.userspace.dns_queries) by the socket; passed up: \(.xdp | with_entries(select(.key | startswith("pass_dns") or . == "malformed_dns")) | tostring)"' \
		"$RB_RUN_DIR/rackboot.stats.json" 2>/dev/null
}

# gen_server NAME [GEN_ARG...]: the rb-dns-gen scenario against the
# server that runs, with the client veth free for the generator's
# program.
gen_server() {
	((BENCH_DNS_GEN)) || return 0
	ip -n "$BENCH_NS_CLI" link set dev "$BENCH_CLI_IF" xdpdrv off 2>/dev/null
	dnsgen "$@"
}

run_rackboot() {
	local config="$RB_RUN_DIR/rackboot.json" pin="$RB_RUN_DIR/bpffs/rackboot" pid status=0

	mkdir -p "$RB_RUN_DIR/store"
	rb_bpffs_mount "$RB_RUN_DIR/bpffs" || return 1
	write_config "$config" "$pin" || return 1
	client_xdp_pass || return 1
	rb_spawn "$BENCH_NS_SRV" "$RB_RUN_DIR/rackbootd.log" taskset -c "$BENCH_SERVER_CPU" \
		build/rackbootd --config "$config"
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 20 dns_answers; then
		tail -n 20 "$RB_RUN_DIR/rackbootd.log" >&2
		bench_stop "$pid"
		return 1
	fi
	pin_napi || { bench_stop "$pid"; return 1; }
	perf rackboot
	rackboot_counters "$pin" "after dnsperf"
	gen_server rackboot || status=1
	((BENCH_DNS_GEN)) && rackboot_counters "$pin" "after rb-dns-gen too"
	bench_stop "$pid"
	ip -n "$BENCH_NS_CLI" link set dev "$BENCH_CLI_IF" xdpdrv off 2>/dev/null
	return "$status"
}

# udp_errors WHEN: the UDP receive errors of the server namespace, which
# count the queries that the kernel dropped before dnsmasq read them.
udp_errors() {
	# shellcheck disable=SC2016 # an awk program
	ip netns exec "$BENCH_NS_SRV" awk -v when="$1" '/^Udp:/ { n++; if (n == 1) split($0, name); else {
		for (i = 2; i <= NF; i++) if (name[i] ~ /Errors$/) line = line " " name[i] "=" $i
		print "bench-dns: dnsmasq, " when ": UDP" line } }' /proc/net/snmp
}

# dnsmasq_start LOG: dnsmasq with the records of dnsmasq_args on
# SERVER_CPU, once it answers.  Sets DNSMASQ_PID.
dnsmasq_start() {
	rb_spawn "$BENCH_NS_SRV" "$1" taskset -c "$BENCH_SERVER_CPU" dnsmasq "${DNSMASQ_ARGS[@]}"
	DNSMASQ_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 20 dns_answers; then
		tail -n 20 "$1" >&2
		bench_stop "$DNSMASQ_PID"
		return 1
	fi
}

run_dnsmasq() {
	local status=0

	dnsmasq_args
	dnsmasq_start "$RB_RUN_DIR/dnsmasq.log" || return 1
	if ! pin_napi; then
		bench_stop "$DNSMASQ_PID"
		return 1
	fi
	perf dnsmasq
	udp_errors "after dnsperf"
	bench_stop "$DNSMASQ_PID"
	if ((BENCH_DNS_GEN)); then
		gen_dnsmasq || status=1
	fi
	return "$status"
}

# gen_dnsmasq: the rb-dns-gen scenario against a new dnsmasq whose socket
# has a receive buffer of BENCH_DNS_RCVBUF bytes.  veth turns each of the
# generator's queries into a socket buffer that takes a whole page.  So
# the default buffer (net.core.rmem_default, 208 KiB) has room for about
# 46 queries, and dnsmasq lost 4 to 8 % of them at 50,000 queries/s
# (RcvbufErrors).  dnsmasq has no option for its buffer size, so the
# host-wide default is raised while dnsmasq creates its socket, and
# restored at once.
gen_dnsmasq() {
	local rmem_default status=0

	xdp_pass "$BENCH_NS_SRV" "$BENCH_SRV_IF" || return 1
	rmem_default=$(sysctl -n net.core.rmem_default)
	rb_on_cleanup "sysctl -qw net.core.rmem_default=$rmem_default"
	sysctl -qw net.core.rmem_default="$BENCH_DNS_RCVBUF"
	dnsmasq_start "$RB_RUN_DIR/dnsmasq-gen.log" || status=1
	sysctl -qw net.core.rmem_default="$rmem_default"
	if ((status == 0)); then
		if pin_napi; then
			gen_server dnsmasq || status=1
		else
			status=1
		fi
		udp_errors "after rb-dns-gen too"
		bench_stop "$DNSMASQ_PID"
	fi
	ip -n "$BENCH_NS_SRV" link set dev "$BENCH_SRV_IF" xdpdrv off 2>/dev/null
	return "$status"
}

# reflector_answers: the reflector sends the readiness query back with QR set.
reflector_answers() {
	ip netns exec "$BENCH_NS_CLI" dig +tries=1 +time=1 "@$SRV_ADDR" "node0001.$ZONE" A |
		grep -q 'status: NOERROR'
}

# run_reflector: dns_reflect.bpf.c on the server veth in the layout of
# the servers.
run_reflector() {
	local status=0

	client_xdp_pass || return 1
	if ! ip -n "$BENCH_NS_SRV" link set dev "$BENCH_SRV_IF" xdpdrv obj "$REFLECT_OBJ" sec xdp; then
		echo "bench-dns: attaching $REFLECT_OBJ to $BENCH_SRV_IF failed" >&2
		return 1
	fi
	if rb_wait_for 10 reflector_answers && pin_napi; then
		perf reflector || status=1
		gen_server reflector --reflect || status=1
	else
		echo "bench-dns: the reflector on $BENCH_SRV_IF did not respond to the readiness query" >&2
		status=1
	fi
	ip -n "$BENCH_NS_SRV" link set dev "$BENCH_SRV_IF" xdpdrv off 2>/dev/null
	ip -n "$BENCH_NS_CLI" link set dev "$BENCH_CLI_IF" xdpdrv off 2>/dev/null
	return "$status"
}

# write_results: both scenarios, the rb-dns-gen one only when it ran.
write_results() {
	local gen_scenario=null

	if ((BENCH_DNS_GEN)); then
		gen_scenario=$(jq -n \
			--arg name "rb-dns-gen: in-zone A of $BENCH_DNS_DEVICES hostnames at random, UDP, $BENCH_DNS_CLIENTS source ports, sustained queries/s under 1 % unanswered, offered rates $BENCH_DNS_RATES in $BENCH_DURATION s steps, at most $BENCH_DNS_MAX_BURST queries per burst, server on CPU $BENCH_SERVER_CPU, generator on CPU $BENCH_GEN_CPU" \
			--argjson rackboot "$(bench_number "${GEN_QPS[rackboot]:-}")" \
			--argjson dnsmasq "$(bench_number "${GEN_QPS[dnsmasq]:-}")" \
			--argjson reflector "$(bench_number "${GEN_QPS[reflector]:-}")" \
			'{name: $name, results: {rackboot: $rackboot, dnsmasq: $dnsmasq},
			  ceiling: $reflector}')
	fi
	mkdir -p "$(dirname "$RESULTS")"
	jq -n --arg machine "$(bench_machine)" \
		--arg name "in-zone A and PTR of $BENCH_DNS_DEVICES hostnames and 5 static names, UDP, dnsperf -c $BENCH_DNS_CLIENTS -q $BENCH_DNS_OUTSTANDING -T $BENCH_DNS_THREADS per process, processes (CPU:policy) $BENCH_DNS_GENERATORS, server on CPU $BENCH_SERVER_CPU, $BENCH_DNS_SECONDS s" \
		--argjson rackboot "$(bench_number "${QPS[rackboot]:-}")" \
		--argjson dnsmasq "$(bench_number "${QPS[dnsmasq]:-}")" \
		--argjson reflector "$(bench_number "${QPS[reflector]:-}")" \
		--argjson gen "$gen_scenario" \
		'{benchmark: "dns", unit: "queries/s", command: "make bench-dns", machine: $machine,
		  scenarios: ([{name: $name, results: {rackboot: $rackboot, dnsmasq: $dnsmasq},
		                ceiling: null, reflector: $reflector}] + if $gen then [$gen] else [] end)}' \
		>"$RESULTS"
	echo "bench-dns: results in $RESULTS"
	jq -r '.scenarios[0] | "dnsperf", (.results | to_entries[] | "  \(.key)\t\(.value) queries/s"),
		"  reflector\t\(.reflector) queries/s"' "$RESULTS"
	jq -r '.scenarios[1] // empty | "rb-dns-gen", (.results | to_entries[] | "  \(.key)\t\(.value) queries/s"),
		"  ceiling (reflector)\t\(.ceiling) responses/s"' "$RESULTS"
}

main() {
	local name

	if ((EUID != 0)); then
		echo "bench-dns: needs root for network namespaces and XDP; run make bench-dns as root" >&2
		exit 1
	fi
	bench_install_missing "${BENCH_PACKAGES[@]}" || exit 1
	bench_require_files build/rackbootd "$REFLECT_OBJ" || exit 1
	if ((BENCH_DNS_GEN)); then
		bench_require_files "$DNSGEN" || exit 1
	fi

	rb_cleanup_install
	rb_run_dir || { echo "bench-dns: creating a temporary folder failed" >&2; exit 1; }
	topology || { echo "bench-dns: creating the namespaces and veth pair failed" >&2; exit 1; }
	write_queries "$RB_RUN_DIR/queries.txt"
	write_names "$RB_RUN_DIR/names.txt"
	echo "bench-dns: run folder $RB_RUN_DIR, namespaces $BENCH_NS_SRV and $BENCH_NS_CLI"

	for name in $BENCH_SERVERS; do
		echo "bench-dns: measuring $name"
		if ! "run_$name"; then
			echo "bench-dns: the $name scenario failed; its logs are in $RB_RUN_DIR" >&2
			# shellcheck disable=SC2034 # read by rb_cleanup
			RB_KEEP_RUN_DIR=1
		fi
	done
	write_results
}

main "$@"
