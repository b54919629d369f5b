# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Packages, build outputs, namespaces, client list and the generator run
# for bench/dhcp6.sh.  Requires tests/lib/cleanup.sh and
# bench/common/lib.sh.

BENCH6_GEN=build/bench/rb-dhcp6-gen
BENCH6_PACKAGES=(kea-dhcp6-server jq iproute2 procps util-linux)
BENCH6_SRV_ADDR=fd00:200::1
BENCH6_SRV_ADDR4=10.200.0.1

# Maximum inventory devices that rackbootd accepts (max-elements of the YANG
# inventory list, the size of the rb_devices map).
BENCH6_MAX_CLIENTS=65536

bench6_install_packages() {
	bench_install_missing "${BENCH6_PACKAGES[@]}"
}

bench6_check_files() {
	bench_require_files build/rackbootd build/rackbootctl "$BENCH6_GEN" "$BENCH_REFLECT_OBJ" ||
		return 1
	if ! [[ "$BENCH_CLIENTS" =~ ^[0-9]+$ ]] || ((BENCH_CLIENTS < 1 ||
		BENCH_CLIENTS > BENCH6_MAX_CLIENTS)); then
		echo "bench-dhcp6: invalid BENCH_CLIENTS '$BENCH_CLIENTS'; give 1 to" \
			"$BENCH6_MAX_CLIENTS, the maximum number of rackboot inventory devices" >&2
		return 1
	fi
}

# bench6_ipv6_on NETNS IFNAME: turn IPv6 on for one interface, which
# rb_netns_add turned off for the namespace, without duplicate address
# detection or router solicitations, so that the server's link-local
# address is usable at once and the counters see few extra frames.
bench6_ipv6_on() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.all.disable_ipv6=0" \
		"net.ipv6.conf.$2.accept_dad=0" "net.ipv6.conf.$2.router_solicitations=0" \
		"net.ipv6.conf.$2.accept_ra=0" "net.ipv6.conf.$2.disable_ipv6=0"
}

# bench6_topology: the namespaces and veth pair of bench_veth_pair, with
# IPv6 on only on the server end, because the generator's XDP program
# replies for the clients.
bench6_topology() {
	bench_veth_pair || return 1
	bench6_ipv6_on "$BENCH_NS_SRV" "$BENCH_SRV_IF" || return 1
	ip -n "$BENCH_NS_SRV" link set "$BENCH_SRV_IF" up || return 1
	ip -n "$BENCH_NS_SRV" addr add "$BENCH6_SRV_ADDR/64" dev "$BENCH_SRV_IF" nodad || return 1
	ip -n "$BENCH_NS_CLI" link set "$BENCH_CLI_IF" up || return 1

	# rackboot's inventory devices still require an IPv4 address, so its
	# bench config has a DHCPv4 subnet, whose server address must be an
	# address of the interface.
	ip -n "$BENCH_NS_SRV" addr add "$BENCH6_SRV_ADDR4/14" dev "$BENCH_SRV_IF" || return 1

	if ! rb_wait_for 5 bench6_has_link_local; then
		echo "bench-dhcp6: $BENCH_SRV_IF in $BENCH_NS_SRV got no link-local address" >&2
		return 1
	fi
	bench6_add_neighbors
}

bench6_has_link_local() {
	ip -n "$BENCH_NS_SRV" -6 addr show dev "$BENCH_SRV_IF" scope link 2>/dev/null |
		grep -q 'inet6 fe80'
}

# bench6_write_clients: RUN_DIR/clients.tsv with one line per client of
# rb-dhcp6-gen, in the generator's numbering (gen6.h): index, MAC,
# DUID-LL, reserved IPv6 address, reserved IPv4 address (rackboot's
# inventory still requires one) and link-local address.
bench6_write_clients() {
	awk -v n="$BENCH_CLIENTS" 'BEGIN {
		for (i = 0; i < n; i++) {
			b0 = int(i / 16777216) % 256; b1 = int(i / 65536) % 256
			b2 = int(i / 256) % 256; b3 = i % 256
			mac = sprintf("02:62:%02x:%02x:%02x:%02x", b0, b1, b2, b3)
			printf "%d\t%s\t00:03:00:01:%s\tfd00:200::1:%x:%x\t10.%d.%d.%d\tfe80::262:0:%x:%x\n",
				i, mac, mac, int(i / 65536), i % 65536,
				201 + int(i / 65536), b2, b3, int(i / 65536), i % 65536
		}
	}' >"$RB_RUN_DIR/clients.tsv"
}

# bench6_add_neighbors: a permanent neighbor entry on the server end for
# every client's link-local address.  Kea replies through a UDP socket,
# so the kernel needs the client's MAC for each reply.  The generator
# sends no Neighbor Advertisements, and the kernel keeps at most
# gc_thresh3 (1024 by default) entries that it learns itself.  Permanent
# entries do not count against that limit.  rackboot's XDP program
# replies to the frame's source MAC and does not use them.
bench6_add_neighbors() {
	bench6_write_clients || return 1
	awk -v dev="$BENCH_SRV_IF" -F '\t' \
		'{ printf "neigh replace %s lladdr %s dev %s nud permanent\n", $6, $2, dev }' \
		"$RB_RUN_DIR/clients.tsv" >"$RB_RUN_DIR/neighbors.batch"
	if ! ip -n "$BENCH_NS_SRV" -batch "$RB_RUN_DIR/neighbors.batch" >/dev/null; then
		echo "bench-dhcp6: adding $BENCH_CLIENTS neighbor entries in $BENCH_NS_SRV failed" >&2
		return 1
	fi
}

# bench6_gen NAME [GEN_ARG...]: run rb-dhcp6-gen with bench_run_gen.
bench6_gen() {
	local name=$1
	shift

	bench_run_gen "$BENCH6_GEN" "$name" \
		'(if .window then "  window \(.window): sent \(.offered_per_s)/s" else "  offered \(.offered_per_s)/s" end) + ": \(.replies) exchanges in \(.seconds) s = \(.exchanges_per_s)/s, drops \(.drop_pct) %, no address \(.no_address), request failed \(.request_failed), reflected \(.reflected_per_s)/s"' \
		"$@"
}
