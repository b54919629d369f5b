# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# CPU time of the server under test during each wrk run of bench/http.sh,
# when BENCH_HTTP_PERF is set.  Requires servers.sh.
#
#   BENCH_HTTP_PERF=stat    the CPU time of the server's processes from
#                           /proc/PID/stat, before and after the run; the
#                           run's line then shows it in total, per
#                           response byte and per response
#   BENCH_HTTP_PERF=record  perf record -g at 999 Hz on the server's
#                           processes, one perf.data per run in the run
#                           folder
#
# /proc/PID/stat counts user and system time of every thread of the
# process, io_uring's io-wq threads too, in clock ticks.  A kernel with
# CONFIG_TICK_CPU_ACCOUNTING and without CONFIG_IRQ_TIME_ACCOUNTING (the
# 6.18 kernel of the bench runs so far) counts softirq work that runs while
# a server thread is on the CPU as that server's system time.  wrk's own
# CPU time is not counted.  CPU time takes the place of cycles because perf
# has no cycle counters on a VM without a hardware PMU.

BENCH_HTTP_PERF=${BENCH_HTTP_PERF:-}
BENCH_HTTP_PERF_PID=
BENCH_HTTP_CPU_TICKS=

# bench_http_server_pids SERVER: the PIDs of SERVER's processes, one per
# line: rackbootd, or nginx's master and its workers.
bench_http_server_pids() {
	local pid=${BENCH_HTTP_PIDS[$1]}

	echo "$pid"
	pgrep -P "$pid"
}

# bench_http_cpu_ticks SERVER: user plus system clock ticks of SERVER's
# processes so far.  The fields after the command name, which is in
# brackets and may contain spaces, start with the state (field 3), so
# utime and stime (fields 14 and 15) are the 12th and 13th of them.
bench_http_cpu_ticks() {
	local pid line total=0 fields

	for pid in $(bench_http_server_pids "$1"); do
		line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		read -ra fields <<<"${line##*) }"
		total=$((total + fields[11] + fields[12]))
	done
	echo "$total"
}

# bench_http_perf_start SERVER OUT: note SERVER's CPU time (stat), or
# start perf record writing OUT.perf.data (record).
bench_http_perf_start() {
	BENCH_HTTP_PERF_PID=
	BENCH_HTTP_CPU_TICKS=
	case "$BENCH_HTTP_PERF" in
	"")
		;;
	stat)
		BENCH_HTTP_CPU_TICKS=$(bench_http_cpu_ticks "$1")
		BENCH_HTTP_CPU_SERVER=$1
		;;
	record)
		perf record -q -g -F 999 -p "$(bench_http_server_pids "$1" | paste -sd,)" \
			-o "$2.perf.data" >/dev/null 2>&1 &
		BENCH_HTTP_PERF_PID=$!
		RB_CLEANUP_PIDS+=("$BENCH_HTTP_PERF_PID")
		;;
	*)
		echo "bench-http: BENCH_HTTP_PERF=$BENCH_HTTP_PERF is invalid; use stat or record" >&2
		return 1
		;;
	esac
}

# bench_http_perf_stop OUT: write the CPU milliseconds of the run to
# OUT.cpu (stat), or end perf record, which writes its file on SIGINT.
bench_http_perf_stop() {
	local pid=$BENCH_HTTP_PERF_PID ticks

	if [[ -n "$BENCH_HTTP_CPU_TICKS" ]]; then
		ticks=$(($(bench_http_cpu_ticks "$BENCH_HTTP_CPU_SERVER") - BENCH_HTTP_CPU_TICKS))
		echo $((ticks * 1000 / $(getconf CLK_TCK))) >"$1.cpu"
	fi
	[[ -z "$pid" ]] && return 0
	kill -INT "$pid" 2>/dev/null
	rb_wait_for 10 rb_pid_gone "$pid" || rb_stop_pid "$pid" 2
	wait "$pid" 2>/dev/null
	BENCH_HTTP_PERF_PID=
}

# bench_http_perf_summary OUT WRK_LINE: ", CPU ms, CPU ns per response
# byte and CPU us per response" from OUT.cpu and wrk's totals, or
# nothing without BENCH_HTTP_PERF=stat.
bench_http_perf_summary() {
	local ms

	[[ -s "$1.cpu" ]] || return 0
	ms=$(<"$1.cpu")
	jq -r --argjson ms "$ms" '
		def round3: . * 1000 | floor / 1000;
		", \($ms) CPU ms, \($ms * 1e6 / ([.bytes, 1] | max) | round3) CPU ns/byte" +
		", \($ms * 1e3 / ([.requests, 1] | max) | round3) CPU us/response"' <<<"$2"
}
