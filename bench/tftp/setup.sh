# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Settings, packages, build outputs, namespaces, benchmark files and the
# generator runs of bench/tftp.sh.  Requires tests/lib/cleanup.sh and
# bench/common/lib.sh.

BENCH_SERVERS=${BENCH_SERVERS:-"reflector rackboot tftp-hpa dnsmasq"}
BENCH_SCENARIOS=${BENCH_SCENARIOS:-"many big"}
BENCH_MANY_CLIENTS=${BENCH_MANY_CLIENTS:-1000}
BENCH_MANY_SIZE=${BENCH_MANY_SIZE:-1048576}		# bytes: 1 MiB
BENCH_BIG_CLIENTS=${BENCH_BIG_CLIENTS:-8}
BENCH_BIG_SIZE=${BENCH_BIG_SIZE:-31457280}		# bytes: 30 MiB
BENCH_BLKSIZE=${BENCH_BLKSIZE:-1468}
BENCH_WARMUP=${BENCH_WARMUP:-1}		# seconds before the measured window
BENCH_WINDOW=${BENCH_WINDOW:-10}	# seconds of the measured window
BENCH_DRAIN=${BENCH_DRAIN:-20}		# seconds for the last transfers to finish
# Seconds without progress that fail a transfer: a choice, longer than
# rackboot's 5 retransmissions 1 s apart, so that a transfer fails when
# its server gave up on it or left it waiting that long.
BENCH_TIMEOUT=${BENCH_TIMEOUT:-15}
# Transfer slots of the generator in the reflector run, which uses none;
# bench_transfers sets it per scenario.
BENCH_CLIENTS=1

BENCH_GEN=build/bench/rb-tftp-gen
BENCH_PACKAGES=(tftpd-hpa dnsmasq-base jq iproute2 procps util-linux)

BENCH_SRV_ADDR=10.200.0.1
BENCH_CLI_ADDR=10.200.0.2
BENCH_PREFIXLEN=14

bench_install_packages() {
	bench_install_missing "${BENCH_PACKAGES[@]}"
}

# bench_raise_nofile: raise the open-files limit of this shell, and so of
# every server and the generator, to its hard limit.  Each transfer takes
# a socket in every server, and rackbootd's TFTP server two descriptors
# per transfer slot (1,024 by default), more than the usual soft limit of
# 1,024 allows.
bench_raise_nofile() {
	local hard

	hard=$(ulimit -Hn)
	[[ "$hard" == unlimited ]] && hard=1048576
	ulimit -Sn "$hard" 2>/dev/null ||
		echo "${BENCH_LOG_NAME}: raising the open-files limit to $hard failed;" \
			"servers may reject transfers at $(ulimit -Sn) open files" >&2
}

bench_check_files() {
	bench_require_files build/rackbootd build/rackbootctl "$BENCH_GEN" "$BENCH_REFLECT_OBJ"
}

# bench_topology: the namespaces and veth pair of bench_veth_pair, with
# IPv4 addresses on the veth pair.
bench_topology() {
	bench_veth_pair || return 1
	ip -n "$BENCH_NS_SRV" addr add "$BENCH_SRV_ADDR/$BENCH_PREFIXLEN" dev "$BENCH_SRV_IF" ||
		return 1
	ip -n "$BENCH_NS_CLI" addr add "$BENCH_CLI_ADDR/$BENCH_PREFIXLEN" dev "$BENCH_CLI_IF" ||
		return 1
	ip -n "$BENCH_NS_SRV" link set "$BENCH_SRV_IF" up || return 1
	ip -n "$BENCH_NS_CLI" link set "$BENCH_CLI_IF" up
}

# bench_file_name SCENARIO: the file that SCENARIO downloads.
bench_file_name() {
	echo "bench-$1.bin"
}

# bench_write_files: one file per scenario in RUN_DIR/tftp, in the pattern
# that the generator checks, readable by tftp-hpa's user (nobody).
bench_write_files() {
	local root="$RB_RUN_DIR/tftp" scenario size

	mkdir -p "$root" && chmod 755 "$root" || return 1
	# A run folder that stays keeps its logs and JSON, not these files.
	rb_on_cleanup "rm -f '$root'/bench-*.bin"
	for scenario in $BENCH_SCENARIOS; do
		size=$(bench_scenario_size "$scenario")
		"$BENCH_GEN" --write-file "$root/$(bench_file_name "$scenario")" --size "$size" ||
			return 1
		chmod 644 "$root/$(bench_file_name "$scenario")"
	done
}

bench_scenario_clients() {
	case "$1" in
	many) echo "$BENCH_MANY_CLIENTS" ;;
	big) echo "$BENCH_BIG_CLIENTS" ;;
	esac
}

bench_scenario_size() {
	case "$1" in
	many) echo "$BENCH_MANY_SIZE" ;;
	big) echo "$BENCH_BIG_SIZE" ;;
	esac
}

# CPU of the server veth's NAPI thread during the downloads.  A TFTP
# download is stop-and-wait, so a transfer's rate is one block per round
# trip, and with the NAPI threads of the two veth ends on two virtual
# CPUs each round trip costs two cross-CPU wake-ups.  Both NAPI threads
# therefore run on GEN_CPU during the downloads, and the server's process
# stays alone on SERVER_CPU, where the real-time NAPI threads cannot
# starve it.  The reflector keeps its NAPI thread on SERVER_CPU.
BENCH_TRANSFER_NAPI_CPU=${BENCH_TRANSFER_NAPI_CPU:-$BENCH_GEN_CPU}

# bench_gen NAME [GEN_ARG...]: run rb-tftp-gen with bench_run_gen.
bench_gen() {
	local name=$1
	shift

	bench_run_gen "$BENCH_GEN" "$name" \
		'if .t then "  \(.t) s: \(.mib_per_s) MiB/s, \(.completed) done, \(.running) running"
		 else "  offered \(.offered_per_s)/s: reflected \(.reflected_per_s)/s = \(.mib_per_s) MiB/s of blocks, drops \(.drop_pct) %" end' \
		--server "$BENCH_SRV_ADDR" "$@"
}

# bench_transfers SERVER SCENARIO: SCENARIO's downloads from the server
# that runs now.  Stores its MiB/s and its transfer counts in BENCH_RESULT.
bench_transfers() {
	local server=$1 scenario=$2 name="$1-$2" summary

	bench_pin_napi "$BENCH_NS_SRV" "$BENCH_SRV_IF" "$BENCH_TRANSFER_NAPI_CPU"

	BENCH_CLIENTS=$(bench_scenario_clients "$scenario") BENCH_DURATION=$BENCH_WINDOW \
		BENCH_GRACE=$BENCH_DRAIN bench_gen "$name" \
		--file "$(bench_file_name "$scenario")" --size "$(bench_scenario_size "$scenario")" \
		--blksize "$BENCH_BLKSIZE" --warmup "$BENCH_WARMUP" --timeout "$BENCH_TIMEOUT" ||
		return 1
	summary=$(jq -c 'select(.summary)' "$RB_RUN_DIR/$name.jsonl")
	BENCH_RESULT[$name]=$(jq -r '.mib_per_s' <<<"$summary")
	BENCH_TRANSFERS[$name]=$(jq -c '{completed, failed, unfinished, bad_content, bad_length,
		server_error, timed_out, window_completed, mean_transfer_ms}' <<<"$summary")
	jq -r '"  \(.mib_per_s) MiB/s; transfers: \(.completed) completed (\(.window_completed) in the window), \(.failed) failed (content \(.bad_content), length \(.bad_length), server error \(.server_error), timed out \(.timed_out)), \(.unfinished) unfinished; duplicate DATA \(.dup_data), ACKs resent \(.ack_resends), stale \(.stale)"' <<<"$summary"
}
