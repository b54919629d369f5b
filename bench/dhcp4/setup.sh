# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Packages, build outputs, namespaces and the generator run for
# bench/dhcp4.sh.  Requires tests/lib/cleanup.sh and bench/common/lib.sh.

BENCH_SERVERS=${BENCH_SERVERS:-"reflector rackboot kea dnsmasq perfdhcp"}
BENCH_CLIENTS=${BENCH_CLIENTS:-131072}

BENCH_GEN=build/bench/rb-dhcp4-gen
BENCH_PACKAGES=(kea-dhcp4-server kea-admin dnsmasq jq iproute2 procps util-linux)

BENCH_SRV_ADDR=10.200.0.1
BENCH_CLI_ADDR=10.200.0.2
BENCH_PREFIXLEN=14

bench_install_packages() {
	bench_install_missing "${BENCH_PACKAGES[@]}"
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
	ip -n "$BENCH_NS_CLI" link set "$BENCH_CLI_IF" up || return 1

	# perfdhcp talks as a relay agent (giaddr set).  The kernel's FIB
	# helper, which rackboot's XDP program routes relay replies with,
	# answers only on links with forwarding on.
	ip netns exec "$BENCH_NS_SRV" sysctl -qw "net.ipv4.conf.$BENCH_SRV_IF.forwarding=1"
}

# bench_gen NAME [GEN_ARG...]: run rb-dhcp4-gen with bench_run_gen.
bench_gen() {
	local name=$1
	shift

	bench_run_gen "$BENCH_GEN" "$name" \
		'(if .window then "  window \(.window): sent \(.offered_per_s)/s" else "  offered \(.offered_per_s)/s" end) + ": \(.acks) DORA in \(.seconds) s = \(.dora_per_s)/s, drops \(.drop_pct) %, reflected \(.reflected_per_s)/s" | select(. != null)' \
		--server "$BENCH_SRV_ADDR" "$@"
}
