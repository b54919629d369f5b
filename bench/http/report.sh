# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/results/http.json and the table printed at the end of
# bench/http.sh.  Requires servers.sh and bench/common/lib.sh.

BENCH_HTTP_RESULTS=bench/results/http.json

# bench_http_scenario_json SCENARIO SCHEME NAME: one scenario object.
bench_http_scenario_json() {
	local key="$1-$2"

	jq -n --arg name "$3" \
		--argjson rackboot "$(bench_number "${BENCH_HTTP_RESULT[rackboot.$key]:-}")" \
		--argjson nginx "$(bench_number "${BENCH_HTTP_RESULT[nginx.$key]:-}")" \
		--argjson rackboot_errors "$(bench_number "${BENCH_HTTP_RESULT[rackboot.$key-errors]:-}")" \
		--argjson nginx_errors "$(bench_number "${BENCH_HTTP_RESULT[nginx.$key-errors]:-}")" \
		'{name: $name, results: {rackboot: $rackboot, nginx: $nginx}, ceiling: null,
		  errors: {rackboot: $rackboot_errors, nginx: $nginx_errors}}'
}

# bench_http_write_results: the JSON file.  A run with other servers,
# sizes or rackbootd binary than the defaults writes it into the run
# folder, so that it never replaces the figures of a full run.
bench_http_write_results() {
	local large scripts scenarios=()

	if [[ "$BENCH_HTTP_SERVERS" != "rackboot nginx" || "$BENCH_HTTP_LARGE_MIB" != 100 ||
		"$BENCH_HTTP_RACKBOOTD" != build/rackbootd ||
		"$BENCH_HTTP_SCENARIOS" != "large scripts" || "$BENCH_HTTP_SCHEMES" != "http https" ||
		"$BENCH_HTTP_LARGE_CLIENTS" != 100 || "$BENCH_HTTP_DEVICES" != 10000 ]]; then
		BENCH_HTTP_RESULTS="$RB_RUN_DIR/http.json"
	fi
	large="$BENCH_HTTP_LARGE_CLIENTS clients fetching a $BENCH_HTTP_LARGE_MIB MiB file (keep-alive), MiB/s"
	scripts="$BENCH_HTTP_SCRIPT_CLIENTS clients fetching the iPXE scripts of $BENCH_HTTP_DEVICES devices, one connection per fetch, fetches/s"
	scenarios+=("$(bench_http_scenario_json large http "$large, HTTP")")
	scenarios+=("$(bench_http_scenario_json large https "$large, HTTPS")")
	scenarios+=("$(bench_http_scenario_json scripts http "$scripts, HTTP")")
	scenarios+=("$(bench_http_scenario_json scripts https "$scripts, HTTPS")")

	mkdir -p "$(dirname "$BENCH_HTTP_RESULTS")"
	printf '%s\n' "${scenarios[@]}" | jq -s \
		--arg machine "$(bench_machine)" \
		--arg command "make bench-http (wrk ${BENCH_HTTP_SECONDS} s per run, best of $BENCH_HTTP_ROUNDS alternating runs, $BENCH_HTTP_THREADS threads; $BENCH_HTTP_WORKERS server workers)" \
		'{benchmark: "http", unit: "MiB/s (large file), fetches/s (iPXE scripts)",
		  command: $command, machine: $machine, scenarios: .}' \
		>"$BENCH_HTTP_RESULTS.tmp" && mv "$BENCH_HTTP_RESULTS.tmp" "$BENCH_HTTP_RESULTS"
	if [[ "$BENCH_HTTP_RESULTS" == "$RB_RUN_DIR"/* ]]; then
		echo "bench-http: the run differs from the defaults, so bench/results/http.json is unchanged"
	else
		echo "bench-http: wrote $BENCH_HTTP_RESULTS"
	fi
}

bench_http_print_table() {
	jq -r '
		def n: if . == null then "-" else tostring end;
		def pad(width): " " * (width - length) + .;
		def ratio: if .rackboot != null and .nginx != null and .nginx > 0
			then "\((.rackboot / .nginx * 100 | floor) / 100)x" else "-" end;
		"", "HTTP on \(.machine)", "",
		"\("rackboot" | pad(10))  \("nginx" | pad(10))  \("ratio" | pad(7))  scenario",
		(.scenarios[] |
			"\(.results.rackboot | n | pad(10))  \(.results.nginx | n | pad(10))  \(.results | ratio | pad(7))  \(.name)")
	' "$BENCH_HTTP_RESULTS"
}
