#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv4 benchmark, run by 'make bench-dhcp4' as root: DORA/s of
# rackboot, Kea and dnsmasq, and the packet-rate ceiling of the setup,
# measured in one run over one veth pair.  Writes bench/results/dhcp4.json
# and prints a table.  bench/README.md describes what is measured.
#
#   <prefix>srv  rbbsrv 10.200.0.1/14: the server under test, its XDP
#       | veth   program or the reflector, NAPI thread and process on
#       |        SERVER_CPU
#   <prefix>cli  rbbcli 10.200.0.2/14: rb-dhcp4-gen and its NAPI thread
#                on GEN_CPU; perfdhcp in the last scenario
#
# Settings (environment): BENCH_SERVERS (default "reflector rackboot kea
# dnsmasq perfdhcp"), BENCH_DURATION and BENCH_GRACE (seconds of sending
# and of waiting for late replies per step), BENCH_CLIENTS (distinct
# MACs), BENCH_RATES_<SERVER> (comma-separated DISCOVERs per second),
# BENCH_PERFDHCP_SECONDS, BENCH_PERFDHCP_RCVBUF (net.core.rmem_default in
# bytes while perfdhcp runs, default 32 MiB), BENCH_RACKBOOT_CONFIG (another rackbootd
# config with the same interface and subnet), BENCH_SERVER_CPU,
# BENCH_GEN_CPU and BENCH_IDLE_POLL (0: let both cores halt).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# Read by tests/lib/cleanup.sh: the per-run prefix of the namespaces.
# shellcheck disable=SC2034
RB_RUN_ID="rbb$$"
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
BENCH_LOG_NAME=bench-dhcp4
# shellcheck source=bench/common/lib.sh
source bench/common/lib.sh
for part in setup servers report; do
	# shellcheck source=/dev/null
	source "bench/dhcp4/$part.sh"
done

main() {
	local name

	if ((EUID != 0)); then
		echo "bench-dhcp4: needs root for network namespaces and XDP; run make bench-dhcp4 as root" >&2
		exit 1
	fi
	bench_install_packages || exit 1
	bench_check_files || exit 1

	rb_cleanup_install
	rb_run_dir || { echo "bench-dhcp4: creating a temporary folder failed" >&2; exit 1; }
	bench_topology || { echo "bench-dhcp4: creating the namespaces and veth pair failed" >&2; exit 1; }
	echo "bench-dhcp4: run folder $RB_RUN_DIR, namespaces ${RB_PREFIX}srv and ${RB_PREFIX}cli"
	bench_idle_poll_start "$BENCH_SERVER_CPU" "$BENCH_GEN_CPU" || exit 1

	for name in $BENCH_SERVERS; do
		echo "bench-dhcp4: measuring $name"
		if ! "bench_run_$name"; then
			echo "bench-dhcp4: the $name scenario failed; its logs are in $RB_RUN_DIR" >&2
			# shellcheck disable=SC2034 # read by rb_cleanup
			RB_KEEP_RUN_DIR=1
		fi
	done

	bench_write_results
	bench_print_table
}

main "$@"
