# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/results/dhcp4.json and the table printed at the end of
# bench/dhcp4.sh.  Requires servers.sh and bench/common/lib.sh.

BENCH_RESULTS=bench/results/dhcp4.json
BENCH_ALL_SERVERS="reflector rackboot kea dnsmasq perfdhcp"

# bench_write_results: the JSON file.  A run of only some scenarios
# (BENCH_SERVERS) writes it into the run folder, so that it never
# replaces the figures of a full run.
bench_write_results() {
	local servers

	read -ra servers <<<"$BENCH_SERVERS"
	if [[ "${servers[*]}" != "$BENCH_ALL_SERVERS" ]]; then
		BENCH_RESULTS="$RB_RUN_DIR/dhcp4.json"
	fi
	mkdir -p "$(dirname "$BENCH_RESULTS")"
	jq -n \
		--arg machine "$(bench_machine)" \
		--arg gen_name "pool clients, sustained DORA/s under 1 % drops (rb-dhcp4-gen window mode: a fixed number of exchanges in flight per step, $BENCH_CLIENTS MACs, ${BENCH_DURATION} s steps)" \
		--arg paced_name "pool clients, sustained DORA/s under 1 % drops (rb-dhcp4-gen paced at offered rates, $BENCH_CLIENTS MACs, ${BENCH_DURATION} s steps)" \
		--arg perf_name "perfdhcp -R $BENCH_PERFDHCP_CLIENTS at its maximum rate against rackboot, DORA/s (${BENCH_PERFDHCP_SECONDS} s)" \
		--argjson rackboot "$(bench_number "${BENCH_RESULT[rackboot]:-}")" \
		--argjson kea "$(bench_number "${BENCH_RESULT[kea]:-}")" \
		--argjson dnsmasq "$(bench_number "${BENCH_RESULT[dnsmasq]:-}")" \
		--argjson ceiling "$(bench_number "${BENCH_RESULT[ceiling]:-}")" \
		--argjson rackboot_paced "$(bench_number "${BENCH_RESULT[rackboot_paced]:-}")" \
		--argjson kea_paced "$(bench_number "${BENCH_RESULT[kea_paced]:-}")" \
		--argjson dnsmasq_paced "$(bench_number "${BENCH_RESULT[dnsmasq_paced]:-}")" \
		--argjson ceiling_paced "$(bench_number "${BENCH_RESULT[ceiling_paced]:-}")" \
		--argjson perfdhcp "$(bench_number "${BENCH_RESULT[perfdhcp]:-}")" \
		--argjson perf_drop "$(bench_number "${BENCH_RESULT[perfdhcp_drop_pct]:-}")" \
		'{benchmark: "dhcp4", unit: "DORA/s", command: "make bench-dhcp4",
		  machine: $machine,
		  scenarios: [
		    {name: $gen_name,
		     results: {rackboot: $rackboot, kea: $kea, dnsmasq: $dnsmasq},
		     ceiling: $ceiling},
		    {name: $paced_name,
		     results: {rackboot: $rackboot_paced, kea: $kea_paced, dnsmasq: $dnsmasq_paced},
		     ceiling: $ceiling_paced},
		    {name: $perf_name, results: {rackboot: $perfdhcp}, ceiling: null,
		     drop_pct: $perf_drop}
		  ]}' >"$BENCH_RESULTS.tmp" && mv "$BENCH_RESULTS.tmp" "$BENCH_RESULTS"
	if [[ "$BENCH_RESULTS" == "$RB_RUN_DIR"/* ]]; then
		echo "bench-dhcp4: only some scenarios ran (BENCH_SERVERS), so" \
			"bench/results/dhcp4.json is unchanged"
	else
		echo "bench-dhcp4: wrote $BENCH_RESULTS"
	fi
}

bench_print_table() {
	jq -r "$BENCH_JQ_TABLE_DEFS"'
		.scenarios[0] as $g | .scenarios[1] as $q | .scenarios[2] as $p |
		"",
		"DHCPv4 DORA/s on \(.machine)",
		"",
		"  server     sustained DORA/s (< 1 % drops)",
		"             window mode   paced",
		"  rackboot   \($g.results.rackboot | col)  \($q.results.rackboot | n)",
		"  kea        \($g.results.kea | col)  \($q.results.kea | n)",
		"  dnsmasq    \($g.results.dnsmasq | col)  \($q.results.dnsmasq | n)",
		"  ceiling    \($g.ceiling | col)  \($q.ceiling | n)   (XDP_TX reflector packets/s, halved)",
		"",
		"  window mode:", ratios($g),
		"  paced:", ratios($q),
		"  perfdhcp against rackboot: \($p.results.rackboot | n) DORA/s, drops \($p.drop_pct | n) %"
	' "$BENCH_RESULTS"
}
