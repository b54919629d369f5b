# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/results/tftp.json and the table printed at the end of
# bench/tftp.sh.  Requires setup.sh, servers.sh and bench/common/lib.sh.

BENCH_RESULTS=bench/results/tftp.json
BENCH_ALL_SERVERS="reflector rackboot tftp-hpa dnsmasq"

# bench_is_full_run: exit 0 when every server and scenario ran with the
# default sizes, which alone may replace bench/results/tftp.json.
bench_is_full_run() {
	[[ "$BENCH_SERVERS" == "$BENCH_ALL_SERVERS" && "$BENCH_SCENARIOS" == "many big" &&
		"$BENCH_MANY_CLIENTS" == 1000 && "$BENCH_MANY_SIZE" == 1048576 &&
		"$BENCH_BIG_CLIENTS" == 8 && "$BENCH_BIG_SIZE" == 31457280 &&
		"$BENCH_BLKSIZE" == 1468 && "$BENCH_WINDOW" == 10 && "$BENCH_REFLECTOR_RUNS" == 3 ]]
}

# bench_settings_json: the BENCH_ settings of this run, as an object.
bench_settings_json() {
	jq -n --arg servers "$BENCH_SERVERS" --arg scenarios "$BENCH_SCENARIOS" \
		--argjson warmup "$BENCH_WARMUP" --argjson window "$BENCH_WINDOW" \
		--argjson drain "$BENCH_DRAIN" --argjson timeout "$BENCH_TIMEOUT" \
		--argjson reflector_runs "$BENCH_REFLECTOR_RUNS" --arg rates "$BENCH_RATES_REFLECTOR" \
		'{servers: $servers, scenarios: $scenarios, warmup_s: $warmup, window_s: $window,
		  drain_s: $drain, timeout_s: $timeout, reflector_runs: $reflector_runs,
		  reflector_rates: $rates}'
}

# bench_scenario_json SCENARIO: one entry of "scenarios".
bench_scenario_json() {
	local scenario=$1 clients size

	clients=$(bench_scenario_clients "$scenario")
	size=$(bench_scenario_size "$scenario")
	jq -n \
		--arg name "$clients concurrent clients downloading a $size-byte file, blksize $BENCH_BLKSIZE, payload MiB/s over ${BENCH_WINDOW} s (rb-tftp-gen)" \
		--argjson rackboot "$(bench_number "${BENCH_RESULT[rackboot-$scenario]:-}")" \
		--argjson tftp_hpa "$(bench_number "${BENCH_RESULT[tftp-hpa-$scenario]:-}")" \
		--argjson dnsmasq "$(bench_number "${BENCH_RESULT[dnsmasq-$scenario]:-}")" \
		--argjson ceiling "$(bench_number "${BENCH_RESULT[ceiling]:-}")" \
		--argjson t_rackboot "${BENCH_TRANSFERS[rackboot-$scenario]:-null}" \
		--argjson t_tftp_hpa "${BENCH_TRANSFERS[tftp-hpa-$scenario]:-null}" \
		--argjson t_dnsmasq "${BENCH_TRANSFERS[dnsmasq-$scenario]:-null}" \
		--argjson clients "$clients" --argjson size "$size" \
		'{name: $name, clients: $clients, file_bytes: $size,
		  results: {rackboot: $rackboot, "tftp-hpa": $tftp_hpa, dnsmasq: $dnsmasq},
		  ceiling: $ceiling,
		  transfers: {rackboot: $t_rackboot, "tftp-hpa": $t_tftp_hpa, dnsmasq: $t_dnsmasq}}'
}

# bench_write_results: the JSON file.  A short or partial run (other
# BENCH_ settings) writes it into the run folder, which then stays, so
# that it never replaces the figures of a full run.
bench_write_results() {
	local scenario entries=()

	if ! bench_is_full_run; then
		BENCH_RESULTS="$RB_RUN_DIR/tftp.json"
		# shellcheck disable=SC2034 # read by rb_cleanup
		RB_KEEP_RUN_DIR=1
	fi
	for scenario in $BENCH_SCENARIOS; do
		entries+=("$(bench_scenario_json "$scenario")")
	done
	mkdir -p "$(dirname "$BENCH_RESULTS")"
	printf '%s\n' "${entries[@]}" | jq -s \
		--arg machine "$(bench_machine)" \
		--argjson pps "$(bench_number "${BENCH_RESULT[reflector_pps]:-}")" \
		--argjson full "$(bench_is_full_run && echo true || echo false)" \
		--argjson settings "$(bench_settings_json)" \
		'{benchmark: "tftp", unit: "MiB/s", command: "make bench-tftp", machine: $machine,
		  full_run: $full, settings: $settings,
		  ceiling_note: (if $pps == null then "none: the reflector did not run or failed"
			else "XDP_TX reflector of 1,514-byte frames: \($pps) packets/s, times 1468 payload bytes" end),
		  scenarios: .}' >"$BENCH_RESULTS.tmp" && mv "$BENCH_RESULTS.tmp" "$BENCH_RESULTS"
	if [[ "$BENCH_RESULTS" == "$RB_RUN_DIR"/* ]]; then
		echo "${BENCH_LOG_NAME}: a short or partial run (BENCH_ settings), so" \
			"bench/results/tftp.json is unchanged; figures in $BENCH_RESULTS"
	else
		echo "${BENCH_LOG_NAME}: wrote $BENCH_RESULTS"
	fi
}

bench_print_table() {
	jq -r '
		def n: if . == null then "-" else tostring end;
		def t: if . == null then "" else "  (\(.completed) done, \(.failed) failed, \(.unfinished) unfinished)" end;
		"",
		"TFTP payload MiB/s on \(.machine)\(if .full_run then "" else " (SHORT RUN)" end)",
		(.scenarios[] |
			"",
			"  \(.name)",
			"    rackboot   \(.results.rackboot | n)\(.transfers.rackboot | t)",
			"    tftp-hpa   \(.results["tftp-hpa"] | n)\(.transfers["tftp-hpa"] | t)",
			"    dnsmasq    \(.results.dnsmasq | n)\(.transfers.dnsmasq | t)",
			"    ceiling    \(.ceiling | n)"),
		"",
		"  ceiling: \(.ceiling_note)"
	' "$BENCH_RESULTS"
}
