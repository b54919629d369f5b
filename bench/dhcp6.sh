#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv6 benchmark, run by 'make bench-dhcp6' as root: Solicit, Advertise,
# Request and Reply exchanges per second of rackboot and Kea, and the
# packet-rate ceiling of the setup, measured in one run over one veth
# pair.  Writes bench/results/dhcp6.json and prints a table.
# bench/dhcp6/README.md describes what is measured.
#
#   <prefix>srv  rbbsrv fe80::/64 and fd00:200::1/64: the server under
#       | veth   test, its XDP program or the reflector, NAPI thread and
#       |        process on SERVER_CPU
#   <prefix>cli  rbbcli, IPv6 off: rb-dhcp6-gen and its NAPI thread on
#                GEN_CPU
#
# Settings (environment): BENCH_SERVERS (default "reflector rackboot
# kea"), BENCH_DURATION and BENCH_GRACE (seconds of sending and of
# waiting for late replies per step), BENCH_CLIENTS (distinct DUIDs, 1 to
# 65536, default 65536), BENCH_RATES_<SERVER> (comma-separated Solicits
# per second), BENCH_RACKBOOT_CONFIG (another rackbootd config with the
# same interface and subnet; the script adds the devices),
# BENCH_SERVER_CPU, BENCH_GEN_CPU, BENCH_IDLE_POLL (0: let both cores
# halt) and BENCH6_RESULTS_TO_RUN_DIR (1: write dhcp6.json into the
# run folder, which stays).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# Read by tests/lib/cleanup.sh: the per-run prefix of the namespaces.
# shellcheck disable=SC2034
RB_RUN_ID="rbb6$$"
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
BENCH_SERVERS=${BENCH_SERVERS:-"reflector rackboot kea"}
BENCH_CLIENTS=${BENCH_CLIENTS:-65536}
BENCH_LOG_NAME=bench-dhcp6
# shellcheck source=bench/common/lib.sh
source bench/common/lib.sh
for part in setup servers report; do
	# shellcheck source=/dev/null
	source "bench/dhcp6/$part.sh"
done

main() {
	local name

	if ((EUID != 0)); then
		echo "bench-dhcp6: needs root for network namespaces and XDP; run make bench-dhcp6 as root" >&2
		exit 1
	fi
	bench6_install_packages || exit 1
	bench6_check_files || exit 1

	rb_cleanup_install
	rb_run_dir || { echo "bench-dhcp6: creating a temporary folder failed" >&2; exit 1; }
	bench6_topology || { echo "bench-dhcp6: creating the namespaces and veth pair failed" >&2; exit 1; }
	echo "bench-dhcp6: run folder $RB_RUN_DIR, namespaces ${RB_PREFIX}srv and ${RB_PREFIX}cli," \
		"$BENCH_CLIENTS clients"
	bench_idle_poll_start "$BENCH_SERVER_CPU" "$BENCH_GEN_CPU" || exit 1

	for name in $BENCH_SERVERS; do
		echo "bench-dhcp6: measuring $name"
		if ! declare -F "bench6_run_$name" >/dev/null; then
			echo "bench-dhcp6: unknown scenario '$name' in BENCH_SERVERS; use reflector, rackboot or kea" >&2
			continue
		fi
		if ! "bench6_run_$name"; then
			echo "bench-dhcp6: the $name scenario failed; its logs are in $RB_RUN_DIR" >&2
			# shellcheck disable=SC2034 # read by rb_cleanup
			RB_KEEP_RUN_DIR=1
		fi
	done

	bench6_write_results
	bench6_print_table
}

main "$@"
