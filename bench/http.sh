#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# HTTP benchmark, run by 'make bench-http' as root: rackboot's HTTP
# server against nginx (Debian nginx-light, sendfile on), in plain HTTP
# and over TLS, measured in one run over one veth pair with wrk.  Writes
# bench/results/http.json and prints a table.  bench/README.md describes
# what is measured.
#
#   <prefix>srv  rbhsrv 10.202.0.1/16: the server under test
#       | veth
#   <prefix>cli  rbhcli 10.202.0.2/16: wrk
#
# Both servers run at once, nginx on the ports after rackbootd's.  The
# runs of each scenario alternate between them for BENCH_HTTP_ROUNDS
# rounds (default 3), and the best run of each server counts.
#
# Scenarios, each for every server, plain and TLS:
#   large    BENCH_HTTP_LARGE_CLIENTS connections fetching a
#            BENCH_HTTP_LARGE_MIB MiB file over and over (keep-alive);
#            MiB/s of response bodies and headers
#   scripts  BENCH_HTTP_SCRIPT_CLIENTS connections fetching the iPXE
#            scripts of BENCH_HTTP_DEVICES inventory devices in turn, a
#            new connection (and TLS handshake) per fetch; fetches/s
#
# Settings (environment): BENCH_HTTP_SERVERS (default "rackboot nginx"),
# BENCH_HTTP_SECONDS (per run, default 10), BENCH_HTTP_ROUNDS (runs per
# server and scenario, default 3), BENCH_HTTP_SCENARIOS (default "large
# scripts") and BENCH_HTTP_SCHEMES (default "http https") to run a part,
# BENCH_HTTP_THREADS (wrk
# threads, default the number of CPUs), BENCH_HTTP_WORKERS (server
# workers, default the number of CPUs), BENCH_HTTP_RACKBOOTD (the
# rackbootd binary, default build/rackbootd, to compare two builds),
# BENCH_HTTP_PERF (bench/http/perf.sh), and the sizes above.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# Read by tests/lib/cleanup.sh: the per-run prefix of the namespaces.
# shellcheck disable=SC2034
RB_RUN_ID="rbh$$"
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
BENCH_LOG_NAME=bench-http
# shellcheck source=bench/common/lib.sh
source bench/common/lib.sh
for part in setup servers perf report; do
	# shellcheck source=/dev/null
	source "bench/http/$part.sh"
done

# fail MESSAGE: report a failed step and keep the run folder with its logs.
fail() {
	echo "bench-http: $1; the logs are in $RB_RUN_DIR" >&2
	# shellcheck disable=SC2034 # read by rb_cleanup
	RB_KEEP_RUN_DIR=1
}

main() {
	local server started=()

	if ((EUID != 0)); then
		echo "bench-http: needs root for network namespaces; run make bench-http as root" >&2
		exit 1
	fi
	bench_install_missing "${BENCH_HTTP_PACKAGES[@]}" || exit 1
	bench_require_files "$BENCH_HTTP_RACKBOOTD" || exit 1

	rb_cleanup_install
	rb_run_dir || { echo "bench-http: creating a temporary folder failed" >&2; exit 1; }
	bench_http_topology || { echo "bench-http: creating the namespaces and veth pair failed" >&2; exit 1; }
	bench_http_files || { echo "bench-http: creating the files to serve failed" >&2; exit 1; }
	echo "bench-http: run folder $RB_RUN_DIR, namespaces ${RB_PREFIX}srv and ${RB_PREFIX}cli"

	for server in $BENCH_HTTP_SERVERS; do
		echo "bench-http: starting $server"
		if bench_http_start "$server"; then
			started+=("$server")
		else
			fail "starting $server failed"
		fi
	done
	bench_http_measure_all "${started[@]}" || fail "some wrk runs failed"
	bench_http_stop_all

	bench_http_write_results
	bench_http_print_table
}

main "$@"
