# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Starting and stopping the servers of bench/http.sh, and the wrk runs
# against each.  Requires setup.sh and bench/common/lib.sh.
#
# Both servers run at once on their own ports, and the wrk runs of one
# scenario alternate between them for BENCH_HTTP_ROUNDS rounds.  The
# best run of each counts, so that load from other programs on the
# machine, which comes and goes, weighs on both servers alike.

declare -A BENCH_HTTP_RESULT=()
declare -A BENCH_HTTP_PIDS=()

# bench_http_port SERVER SCHEME: the port SERVER listens on for SCHEME;
# nginx uses the ports after rackbootd's.
bench_http_port() {
	local port=$BENCH_HTTP_PORT

	[[ "$2" == https ]] && port=$BENCH_HTTPS_PORT
	[[ "$1" == nginx ]] && port=$((port + 1))
	echo "$port"
}

# bench_http_listening PORT: exit 0 once a TCP socket listens on PORT in
# the server namespace.
bench_http_listening() {
	ip netns exec "$BENCH_HTTP_NS_SRV" ss -Hltn 2>/dev/null | grep -qE "[:*]$1[[:space:]]"
}

# bench_http_rackboot_config FILE: rackbootd's configuration: the server
# veth, a subnet holding the inventory, one profile whose iPXE script
# names a kernel and an initrd, and the HTTP and HTTPS listeners.
bench_http_rackboot_config() {
	jq -n -R \
		--arg pin "$RB_RUN_DIR/bpffs/rackboot" --arg store "$RB_RUN_DIR/store" \
		--arg control "$RB_RUN_DIR/control.sock" \
		--arg ifname "$BENCH_HTTP_SRV_IF" --arg addr "$BENCH_HTTP_SRV_ADDR" \
		--arg root "$BENCH_HTTP_ROOT" --arg tftp "$RB_RUN_DIR/tftp" \
		--arg cert "$BENCH_HTTP_CERT" --arg key "$BENCH_HTTP_KEY" \
		--argjson port "$BENCH_HTTP_PORT" --argjson tls_port "$BENCH_HTTPS_PORT" \
		--argjson workers "$BENCH_HTTP_WORKERS" \
		--rawfile devices "$RB_RUN_DIR/devices.txt" '
		($devices | split("\n") | map(select(length > 0) | split(" "))) as $list |
		{"rackboot:rackboot": {
			"bpffs-pin-path": $pin,
			"log-level": "warning",
			"interfaces": {"interface": [{"name": $ifname, "xdp-mode": "native"}]},
			"dhcpv4": {"subnet": [{
				"name": "bench", "prefix": "10.202.0.0/16", "interface": $ifname,
				"server-address": $addr, "lease-time": 3600}]},
			"boot-profiles": {"profile": [{
				"name": "linux",
				"default-boot-file": "undionly.kpxe",
				"ipxe-kernel": "vmlinuz",
				"ipxe-initrd": "initrd.img",
				"ipxe-cmdline": "console=ttyS0 hostname={hostname} ip={ipv4}"}]},
			"tftp": {"root": $tftp},
			"http": {"root": $root, "port": $port, "workers": $workers,
				"https": {"port": $tls_port, "certificate": $cert, "private-key": $key}},
			"store": {"path": $store},
			"control": {"socket-path": $control},
			"inventory": {"device": [$list[] | {
				"mac": .[0], "hostname": .[1], "ipv4-address": .[2], "profile": "linux"}]}
		}}' >"$1"
}

bench_http_rackboot_start() {
	local config="$RB_RUN_DIR/rackboot.json" log="$RB_RUN_DIR/rackbootd.log"

	mkdir -p "$RB_RUN_DIR/tftp"
	rb_bpffs_mount "$RB_RUN_DIR/bpffs" || return 1
	bench_http_rackboot_config "$config" || return 1
	rb_spawn "$BENCH_HTTP_NS_SRV" "$log" "$BENCH_HTTP_RACKBOOTD" --config "$config" --log-level warning
	BENCH_HTTP_PIDS[rackboot]=$RB_SPAWNED_PID
	if ! rb_wait_for 30 bench_http_listening "$BENCH_HTTPS_PORT"; then
		echo "bench-http: rackbootd (pid $RB_SPAWNED_PID) not listening after 30 s; log $log:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
}

bench_http_nginx_start() {
	local conf="$RB_RUN_DIR/nginx.conf" log="$RB_RUN_DIR/nginx.log"

	mkdir -p "$RB_RUN_DIR/nginx-temp"
	sed -e "s|@WORKERS@|$BENCH_HTTP_WORKERS|g" -e "s|@RUN_DIR@|$RB_RUN_DIR|g" \
		-e "s|@ROOT@|$BENCH_HTTP_ROOT|g" -e "s|@ADDR@|$BENCH_HTTP_SRV_ADDR|g" \
		-e "s|@PORT@|$(bench_http_port nginx http)|g" \
		-e "s|@TLS_PORT@|$(bench_http_port nginx https)|g" \
		-e "s|@CERT@|$BENCH_HTTP_CERT|g" -e "s|@KEY@|$BENCH_HTTP_KEY|g" \
		bench/http/nginx.conf.in >"$conf" || return 1
	rb_spawn "$BENCH_HTTP_NS_SRV" "$log" nginx -c "$conf" -p "$RB_RUN_DIR/nginx-temp"
	BENCH_HTTP_PIDS[nginx]=$RB_SPAWNED_PID
	if ! rb_wait_for 10 bench_http_listening "$(bench_http_port nginx https)"; then
		echo "bench-http: nginx (pid $RB_SPAWNED_PID) not listening after 10 s; log $log:" >&2
		tail -n 20 "$log" "$RB_RUN_DIR/nginx-error.log" >&2
		return 1
	fi
}

# bench_http_fetch_scripts: fetch every device's iPXE script from
# rackbootd once, with curl, into the root that nginx serves, so that
# both servers send the same bytes.  Writes the request paths to
# scripts.paths.
bench_http_fetch_scripts() {
	local mac name addr list="$RB_RUN_DIR/scripts.curl" missing

	: >"$RB_RUN_DIR/scripts.paths"
	: >"$list"
	while read -r mac name addr; do
		echo "/ipxe/$mac.ipxe" >>"$RB_RUN_DIR/scripts.paths"
		printf 'url = "http://%s:%s/ipxe/%s.ipxe"\noutput = "%s/ipxe/%s.ipxe"\n' \
			"$BENCH_HTTP_SRV_ADDR" "$BENCH_HTTP_PORT" "$mac" "$BENCH_HTTP_ROOT" "$mac" >>"$list"
	done <"$RB_RUN_DIR/devices.txt"

	ip netns exec "$BENCH_HTTP_NS_CLI" curl -sS --fail --parallel --parallel-max 50 \
		-K "$list" >"$RB_RUN_DIR/scripts.curl.log" 2>&1
	missing=$(find "$BENCH_HTTP_ROOT/ipxe" -name '*.ipxe' -size +0 | wc -l)
	if ((missing != BENCH_HTTP_DEVICES)); then
		echo "bench-http: rackbootd served $missing of $BENCH_HTTP_DEVICES iPXE scripts;" \
			"see $RB_RUN_DIR/scripts.curl.log" >&2
		return 1
	fi
	read -r mac name addr <"$RB_RUN_DIR/devices.txt"
	if ! grep -q "$name" "$BENCH_HTTP_ROOT/ipxe/$mac.ipxe"; then
		echo "bench-http: the iPXE script of $mac does not name its hostname $name:" >&2
		cat "$BENCH_HTTP_ROOT/ipxe/$mac.ipxe" >&2
		return 1
	fi
}

# bench_http_check SERVER: fetch the large file once over HTTP and once
# over HTTPS (certificate checked) and compare checksums.
bench_http_check() {
	local want got scheme port

	want=$(sha256sum <"$BENCH_HTTP_ROOT/large.bin" | cut -d' ' -f1)
	for scheme in http https; do
		port=$(bench_http_port "$1" "$scheme")
		got=$(ip netns exec "$BENCH_HTTP_NS_CLI" curl -sS --fail --cacert "$BENCH_HTTP_CA" \
			"$scheme://$BENCH_HTTP_SRV_ADDR:$port/large.bin" | sha256sum | cut -d' ' -f1)
		if [[ "$got" != "$want" ]]; then
			echo "bench-http: $1 sent large.bin over $scheme with sha256 $got, expected $want" >&2
			return 1
		fi
	done
}

# bench_http_wrk SERVER SCENARIO SCHEME: one wrk run.  Keeps the best
# rate in BENCH_HTTP_RESULT[SERVER.SCENARIO-SCHEME] (MiB/s for large,
# fetches/s for scripts) and adds the errors to ...-errors.
bench_http_wrk() {
	local server=$1 scenario=$2 scheme=$3 port clients paths close="" rate errors
	local key="$1.$2-$3" out line

	BENCH_HTTP_RUNS=$((${BENCH_HTTP_RUNS:-0} + 1))
	out="$RB_RUN_DIR/wrk-$1-$2-$3.$BENCH_HTTP_RUNS.log"

	port=$(bench_http_port "$server" "$scheme")
	if [[ "$scenario" == large ]]; then
		clients=$BENCH_HTTP_LARGE_CLIENTS
		paths="$RB_RUN_DIR/large.paths"
	else
		clients=$BENCH_HTTP_SCRIPT_CLIENTS
		paths="$RB_RUN_DIR/scripts.paths"
		close=close
	fi

	bench_http_perf_start "$server" "${out%.log}"
	timeout $((BENCH_HTTP_SECONDS + 60)) ip netns exec "$BENCH_HTTP_NS_CLI" \
		wrk -t "$BENCH_HTTP_THREADS" -c "$clients" -d "${BENCH_HTTP_SECONDS}s" --timeout 30s \
		-s bench/http/fetch.lua "$scheme://$BENCH_HTTP_SRV_ADDR:$port" \
		-- "$paths" "$BENCH_HTTP_THREADS" $close >"$out" 2>&1
	bench_http_perf_stop "${out%.log}"
	line=$(grep '^{' "$out" | tail -n 1)
	if [[ -z "$line" ]]; then
		echo "bench-http: wrk printed no totals for $key:" >&2
		tail -n 5 "$out" >&2
		return 1
	fi
	if [[ "$scenario" == large ]]; then
		rate=$(jq -r '.bytes / (.duration_us / 1e6) / 1048576 | floor' <<<"$line")
	else
		rate=$(jq -r '.requests / (.duration_us / 1e6) | floor' <<<"$line")
	fi
	errors=$(jq -r '.errors | add' <<<"$line")
	if ((rate > ${BENCH_HTTP_RESULT[$key]:-0})); then
		BENCH_HTTP_RESULT[$key]=$rate
	fi
	BENCH_HTTP_RESULT[$key-errors]=$((${BENCH_HTTP_RESULT[$key-errors]:-0} + errors))
	echo "  $scenario over $scheme, $server: $rate $([[ $scenario == large ]] && echo MiB/s || echo fetches/s), $errors errors$(bench_http_perf_summary "${out%.log}" "$line")"
}

# bench_http_start SERVER: start SERVER and check that it serves the
# large file intact.  rackbootd also writes the iPXE scripts that nginx
# serves, so it starts first.
bench_http_start() {
	local server=$1

	"bench_http_${server}_start" || return 1
	if [[ "$server" == rackboot ]]; then
		bench_http_fetch_scripts || return 1
	elif [[ ! -s "$RB_RUN_DIR/scripts.paths" ]]; then
		echo "bench-http: nginx serves the scripts that rackbootd generated;" \
			"list rackboot first in BENCH_HTTP_SERVERS" >&2
		return 1
	fi
	bench_http_check "$server"
}

# bench_http_measure_all SERVER...: every scenario, with the runs of the
# servers alternating for BENCH_HTTP_ROUNDS rounds.
bench_http_measure_all() {
	local status=0 scenario scheme round server

	for scenario in $BENCH_HTTP_SCENARIOS; do
		for scheme in $BENCH_HTTP_SCHEMES; do
			for ((round = 1; round <= BENCH_HTTP_ROUNDS; round++)); do
				for server in "$@"; do
					bench_http_wrk "$server" "$scenario" "$scheme" || status=1
				done
			done
		done
	done
	return "$status"
}

# bench_http_stop_all: stop every server that was started.
bench_http_stop_all() {
	local server

	for server in "${!BENCH_HTTP_PIDS[@]}"; do
		bench_stop "${BENCH_HTTP_PIDS[$server]}"
	done
}
