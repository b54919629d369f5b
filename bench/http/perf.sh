# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# CPU time of the server under test during each wrk run of bench/http.sh,
# with perf, when BENCH_HTTP_PERF is set.  Requires servers.sh.
#
#   BENCH_HTTP_PERF=stat    perf stat (task-clock, context switches) on
#                           the server's processes and threads; the run's
#                           line then shows the CPU time, per response
#                           byte and per response
#   BENCH_HTTP_PERF=record  perf record -g at 999 Hz on the same
#                           processes, one perf.data per run in the run
#                           folder
#
# task-clock is the time the server's threads ran, in user and kernel
# mode.  Softirq work that the kernel accounts to the CPU rather than to
# the running task (CONFIG_IRQ_TIME_ACCOUNTING) is not in it, and wrk's
# own CPU time is not counted.  On a VM without a hardware PMU, perf has
# no cycle counters, so CPU time stands in for cycles.

BENCH_HTTP_PERF=${BENCH_HTTP_PERF:-}
BENCH_HTTP_PERF_PID=

# bench_http_server_pids SERVER: the PIDs of SERVER's processes, comma
# separated: rackbootd, or nginx's master and its workers.
bench_http_server_pids() {
	local pid=${BENCH_HTTP_PIDS[$1]} children

	children=$(pgrep -d, -P "$pid")
	echo "$pid${children:+,$children}"
}

# bench_http_perf_start SERVER OUT: start perf on SERVER, writing OUT.perf
# (stat) or OUT.perf.data (record).
bench_http_perf_start() {
	local pids

	BENCH_HTTP_PERF_PID=
	[[ -z "$BENCH_HTTP_PERF" ]] && return 0
	pids=$(bench_http_server_pids "$1")
	case "$BENCH_HTTP_PERF" in
	stat)
		perf stat -x, -e task-clock,context-switches -p "$pids" -o "$2.perf" \
			>/dev/null 2>&1 &
		;;
	record)
		perf record -q -g -F 999 -p "$pids" -o "$2.perf.data" >/dev/null 2>&1 &
		;;
	*)
		echo "bench-http: BENCH_HTTP_PERF=$BENCH_HTTP_PERF is invalid; use stat or record" >&2
		return 1
		;;
	esac
	BENCH_HTTP_PERF_PID=$!
	RB_CLEANUP_PIDS+=("$BENCH_HTTP_PERF_PID")
}

# bench_http_perf_stop: end the perf run started for the last wrk run.
# perf writes its totals on SIGINT.
bench_http_perf_stop() {
	local pid=$BENCH_HTTP_PERF_PID

	[[ -z "$pid" ]] && return 0
	kill -INT "$pid" 2>/dev/null
	rb_wait_for 10 rb_pid_gone "$pid" || rb_stop_pid "$pid" 2
	wait "$pid" 2>/dev/null
	BENCH_HTTP_PERF_PID=
}

# bench_http_perf_summary OUT WRK_LINE: ", CPU ms, CPU ns per response
# byte and CPU us per response" from OUT.perf and wrk's totals, or
# nothing without perf stat.
bench_http_perf_summary() {
	local ms

	[[ -s "$1.perf" ]] || return 0
	ms=$(awk -F, '$3 == "task-clock" { printf "%d", $1 }' "$1.perf")
	[[ -n "$ms" ]] || return 0
	jq -r --argjson ms "$ms" '
		def round3: . * 1000 | floor / 1000;
		", \($ms) CPU ms, \($ms * 1e6 / ([.bytes, 1] | max) | round3) CPU ns/byte" +
		", \($ms * 1e3 / ([.requests, 1] | max) | round3) CPU us/response"' <<<"$2"
}
