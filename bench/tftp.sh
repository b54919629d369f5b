#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TFTP benchmark, run by 'make bench-tftp' as root: aggregate payload
# MiB/s of rackboot, tftp-hpa and dnsmasq serving many concurrent
# downloads, and the ceiling of the setup for 1.5 KB frames, measured in
# one run over one veth pair.  Writes bench/results/tftp.json and prints
# a table.  bench/README.md describes what is measured.
#
#   <prefix>srv  rbbsrv 10.200.0.1/14: the server under test (its XDP
#       | veth   program, or the pass program before a socket server), or
#       |        the reflector; NAPI thread and process on SERVER_CPU
#   <prefix>cli  rbbcli 10.200.0.2/14: rb-tftp-gen, whose XDP program
#                ACKs every DATA block, and its NAPI thread on
#                GEN_CPU (with the server veth's during downloads)
#
# Settings (environment):
#   BENCH_SERVERS       default "reflector rackboot tftp-hpa dnsmasq"
#   BENCH_SCENARIOS     default "many big"
#   BENCH_MANY_CLIENTS, BENCH_MANY_SIZE   default 1000 transfers of 1 MiB
#   BENCH_BIG_CLIENTS, BENCH_BIG_SIZE     default 8 transfers of 30 MiB
#                       (sizes in bytes)
#   BENCH_BLKSIZE       default 1468
#   BENCH_WARMUP, BENCH_WINDOW, BENCH_DRAIN, BENCH_TIMEOUT   seconds before
#                       the measured window, of the window, to let the last
#                       transfers finish, and without progress before a
#                       transfer fails
#   BENCH_DURATION, BENCH_GRACE   seconds per step of the reflector
#   BENCH_RATES_REFLECTOR, BENCH_REFLECTOR_RUNS, BENCH_RACKBOOT_CONFIG,
#   BENCH_SERVER_CPU, BENCH_GEN_CPU, BENCH_TRANSFER_NAPI_CPU (the server
#   veth's NAPI thread during downloads, default GEN_CPU: see
#   bench/tftp/setup.sh), BENCH_IDLE_POLL (0: let the cores halt; 2: busy
#   loop on the server core instead of the PM QoS request)
# A run with other settings writes its JSON into the run folder.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# Read by tests/lib/cleanup.sh: the per-run prefix of the namespaces.
# shellcheck disable=SC2034
RB_RUN_ID="rbbt$$"
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
BENCH_LOG_NAME=bench-tftp
# shellcheck source=bench/common/lib.sh
source bench/common/lib.sh
for part in setup servers report; do
	# shellcheck source=/dev/null
	source "bench/tftp/$part.sh"
done

main() {
	local name

	if ((EUID != 0)); then
		echo "bench-tftp: needs root for network namespaces and XDP; run make bench-tftp as root" >&2
		exit 1
	fi
	bench_install_packages || exit 1
	bench_check_files || exit 1

	bench_raise_nofile

	rb_cleanup_install
	rb_run_dir || { echo "bench-tftp: creating a temporary folder failed" >&2; exit 1; }
	bench_write_files || { echo "bench-tftp: writing the benchmark files failed" >&2; exit 1; }
	bench_topology || { echo "bench-tftp: creating the namespaces and veth pair failed" >&2; exit 1; }
	echo "bench-tftp: run folder $RB_RUN_DIR, namespaces ${RB_PREFIX}srv and ${RB_PREFIX}cli"
	bench_idle_poll_start || exit 1

	for name in $BENCH_SERVERS; do
		echo "bench-tftp: measuring $name"
		if ! "bench_run_$name"; then
			echo "bench-tftp: the $name run failed; its logs are in $RB_RUN_DIR" >&2
			# shellcheck disable=SC2034 # read by rb_cleanup
			RB_KEEP_RUN_DIR=1
		fi
	done

	bench_write_results
	bench_print_table
}

main "$@"
