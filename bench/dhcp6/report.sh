# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/results/dhcp6.json and the table printed at the end of
# bench/dhcp6.sh.  Requires servers.sh.

BENCH6_RESULTS=bench/results/dhcp6.json
BENCH6_ALL_SERVERS="reflector rackboot kea"

bench6_machine() {
	local cpu

	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	printf '%s, %s cores, %s MiB RAM, Linux %s, Debian %s' "${cpu:-unknown CPU}" "$(nproc)" \
		"$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -r)" \
		"$(cat /etc/debian_version 2>/dev/null || echo unknown)"
}

# bench6_number VALUE: VALUE, or null when the scenario did not run.
bench6_number() {
	if [[ "$1" =~ ^[0-9.]+$ ]]; then
		echo "$1"
	else
		echo null
	fi
}

# bench6_write_results: the JSON file.  A run of only some scenarios
# (BENCH_SERVERS), or one with BENCH6_RESULTS_TO_RUN_DIR=1, writes it
# into the run folder, so that it never replaces the figures of a full
# run made for the record.
bench6_write_results() {
	local servers

	read -ra servers <<<"$BENCH_SERVERS"
	if [[ "${servers[*]}" != "$BENCH6_ALL_SERVERS" || "${BENCH6_RESULTS_TO_RUN_DIR:-0}" == 1 ]]; then
		BENCH6_RESULTS="$RB_RUN_DIR/dhcp6.json"
		# shellcheck disable=SC2034 # read by rb_cleanup
		RB_KEEP_RUN_DIR=1
	fi
	mkdir -p "$(dirname "$BENCH6_RESULTS")"
	jq -n \
		--arg machine "$(bench6_machine)" \
		--arg name "reserved clients, sustained Solicit-Advertise-Request-Reply exchanges/s under 1 % drops (rb-dhcp6-gen, $BENCH_CLIENTS DUID-LLs, ${BENCH_DURATION} s steps)" \
		--argjson rackboot "$(bench6_number "${BENCH6_RESULT[rackboot]:-}")" \
		--argjson kea "$(bench6_number "${BENCH6_RESULT[kea]:-}")" \
		--argjson ceiling "$(bench6_number "${BENCH6_RESULT[ceiling]:-}")" \
		'{benchmark: "dhcp6", unit: "exchanges/s", command: "make bench-dhcp6",
		  machine: $machine,
		  scenarios: [
		    {name: $name, results: {rackboot: $rackboot, kea: $kea}, ceiling: $ceiling}
		  ]}' >"$BENCH6_RESULTS.tmp" && mv "$BENCH6_RESULTS.tmp" "$BENCH6_RESULTS"
	if [[ "$BENCH6_RESULTS" == "$RB_RUN_DIR"/* ]]; then
		echo "bench-dhcp6: wrote $BENCH6_RESULTS; bench/results/dhcp6.json is unchanged" \
			"(only some scenarios ran, or BENCH6_RESULTS_TO_RUN_DIR=1)"
	else
		echo "bench-dhcp6: wrote $BENCH6_RESULTS"
	fi
}

bench6_print_table() {
	jq -r '
		def n: if . == null then "-" else tostring end;
		.scenarios[0] as $g |
		"",
		"DHCPv6 exchanges/s on \(.machine)",
		"",
		"  server     sustained exchanges/s (< 1 % drops)",
		"  rackboot   \($g.results.rackboot | n)",
		"  kea        \($g.results.kea | n)",
		"  ceiling    \($g.ceiling | n)   (XDP_TX reflector packets/s, halved)",
		"",
		(if $g.results.rackboot != null and $g.results.kea != null and $g.results.kea > 0
		 then "  rackboot / kea: \($g.results.rackboot / $g.results.kea * 10 | floor / 10)x" else empty end),
		(if $g.results.rackboot != null and $g.ceiling != null and $g.ceiling > 0
		 then "  rackboot / ceiling: \($g.results.rackboot / $g.ceiling * 1000 | floor / 10) %" else empty end)
	' "$BENCH6_RESULTS"
}
