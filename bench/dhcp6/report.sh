# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/results/dhcp6.json and the table printed at the end of
# bench/dhcp6.sh.  Requires servers.sh and bench/common/lib.sh.

BENCH6_RESULTS=bench/results/dhcp6.json
BENCH6_ALL_SERVERS="reflector rackboot kea"

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
		--arg machine "$(bench_machine)" \
		--arg name "reserved clients, sustained Solicit-Advertise-Request-Reply exchanges/s under 1 % drops (rb-dhcp6-gen window mode: a fixed number of exchanges in flight per step, $BENCH_CLIENTS DUID-LLs, ${BENCH_DURATION} s steps)" \
		--arg paced_name "reserved clients, sustained Solicit-Advertise-Request-Reply exchanges/s under 1 % drops (rb-dhcp6-gen paced at offered rates, $BENCH_CLIENTS DUID-LLs, ${BENCH_DURATION} s steps)" \
		--argjson rackboot "$(bench_number "${BENCH6_RESULT[rackboot]:-}")" \
		--argjson kea "$(bench_number "${BENCH6_RESULT[kea]:-}")" \
		--argjson ceiling "$(bench_number "${BENCH6_RESULT[ceiling]:-}")" \
		--argjson rackboot_paced "$(bench_number "${BENCH6_RESULT[rackboot_paced]:-}")" \
		--argjson kea_paced "$(bench_number "${BENCH6_RESULT[kea_paced]:-}")" \
		--argjson ceiling_paced "$(bench_number "${BENCH6_RESULT[ceiling_paced]:-}")" \
		'{benchmark: "dhcp6", unit: "exchanges/s", command: "make bench-dhcp6",
		  machine: $machine,
		  scenarios: [
		    {name: $name, results: {rackboot: $rackboot, kea: $kea}, ceiling: $ceiling},
		    {name: $paced_name, results: {rackboot: $rackboot_paced, kea: $kea_paced},
		     ceiling: $ceiling_paced}
		  ]}' >"$BENCH6_RESULTS.tmp" && mv "$BENCH6_RESULTS.tmp" "$BENCH6_RESULTS"
	if [[ "$BENCH6_RESULTS" == "$RB_RUN_DIR"/* ]]; then
		echo "bench-dhcp6: wrote $BENCH6_RESULTS; bench/results/dhcp6.json is unchanged" \
			"(only some scenarios ran, or BENCH6_RESULTS_TO_RUN_DIR=1)"
	else
		echo "bench-dhcp6: wrote $BENCH6_RESULTS"
	fi
}

bench6_print_table() {
	jq -r "$BENCH_JQ_TABLE_DEFS"'
		.scenarios[0] as $g | .scenarios[1] as $q |
		"",
		"DHCPv6 exchanges/s on \(.machine)",
		"",
		"  server     sustained exchanges/s (< 1 % drops)",
		"             window mode   paced",
		"  rackboot   \($g.results.rackboot | col)  \($q.results.rackboot | n)",
		"  kea        \($g.results.kea | col)  \($q.results.kea | n)",
		"  ceiling    \($g.ceiling | col)  \($q.ceiling | n)   (XDP_TX reflector packets/s, halved)",
		"",
		"  window mode:", ratios($g),
		"  paced:", ratios($q)
	' "$BENCH6_RESULTS"
}
