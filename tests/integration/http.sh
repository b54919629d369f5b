#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootd's HTTP server against curl and raw sockets, in the rack
# topology of tests/lib/netns.sh.  Device 1 has its reserved address set
# by hand, so that the test needs no DHCP client.
#
# Whole files are compared by SHA-256, a 64 MiB one included.  HEAD then
# GET, and three GETs, must share one connection.  Range requests get
# 206 or 416, paths that leave the root get 403, and other methods 405.
# Malformed, over-long and pipelined requests go over bash's /dev/tcp.
# The iPXE script of an inventory MAC must match the profile, an unknown
# MAC gets 404, and the UEFI HTTP Boot URL of the config must download.
# A flood of bad requests must be counted in full but logged in few
# lines, and an idle connection must be closed.  The counters, the
# device's phase image, and a clean stop close the run.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot http; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

PORT=8080
IDLE_TIMEOUT=2		# seconds, the config's http/idle-timeout
PARALLEL=24		# clients at once, each downloading mid.bin
CLIENT_TIMEOUT=60	# seconds per curl run; 64 MiB over veth takes about 1 s
DEV=1
URL="http://$RB_SRV_ADDR:$PORT"

CONFIG_EDIT=".http = {\"root\": \$root_http, \"port\": $PORT, \"workers\": 2,
		\"max-connections\": 64, \"idle-timeout\": $IDLE_TIMEOUT}
	| .\"boot-profiles\".profile[0].\"ipxe-kernel\" = \"vmlinuz\"
	| .\"boot-profiles\".profile[0].\"ipxe-initrd\" = \"initrd.img\"
	| .\"boot-profiles\".profile[0].\"ipxe-cmdline\" = \"console=ttyS0 host={hostname} ip={ipv4} ip6={ipv6} {unknown}\"
	| .\"boot-profiles\".profile[1].\"http-boot-file\" = \"$URL/boot/ipxe.efi\""

make_files() {
	HTTP_ROOT="$RB_RUN_DIR/http"
	OUT="$RB_RUN_DIR/out"
	mkdir -p "$HTTP_ROOT/boot" "$HTTP_ROOT/ipxe" "$OUT" || return 1
	printf 'kernel\n' >"$HTTP_ROOT/ipxe/vmlinuz"
	printf 'small file\n' >"$HTTP_ROOT/small.txt"
	printf 'first\n' >"$HTTP_ROOT/a.txt"
	printf 'second\n' >"$HTTP_ROOT/b.txt"
	: >"$HTTP_ROOT/empty.bin"
	head -c 1000 /dev/urandom >"$HTTP_ROOT/k1000.bin"
	head -c $((1024 * 1024 + 17)) /dev/urandom >"$HTTP_ROOT/mid.bin"
	head -c $((64 * 1024 * 1024)) /dev/urandom >"$HTTP_ROOT/big.img"
	head -c 4096 /dev/urandom >"$HTTP_ROOT/boot/ipxe.efi"
	printf 'name with space\n' >"$HTTP_ROOT/with space.txt"
	printf 'outside the root\n' >"$RB_RUN_DIR/secret.txt"
	ln -s ../secret.txt "$HTTP_ROOT/escape"
	ln -s /etc/passwd "$HTTP_ROOT/abs-escape"
	ln -s small.txt "$HTTP_ROOT/inside-link"
}

setup() {
	rb_suite_setup
	make_files || tap_bail "creating the files under $RB_RUN_DIR/http failed"
	rb_lab_config "$CONFIG.tmp" "$TFTP_ROOT" "$PIN" "." || tap_bail "writing the config failed"
	jq --arg root_http "$HTTP_ROOT" ".\"rackboot:rackboot\" |= ($CONFIG_EDIT)" \
		"$CONFIG.tmp" >"$CONFIG" || tap_bail "adding the http container to the config failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV" "$(mac_of "$DEV")" || tap_bail "creating device $DEV failed"
	ip -n "$(dev_ns)" addr add "$(ip_of "$DEV")/$RB_SRV_PREFIXLEN" dev eth0 ||
		tap_bail "setting the address of device $DEV failed"
	# IPv6 on the server's loopback only, for the dual-stack check.
	ip netns exec "$RB_NS_SRV" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 ||
		tap_bail "enabling IPv6 on the server's loopback failed"
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# shellcheck disable=SC2317  # called through rb_wait_for
http_listening() {
	ip netns exec "$RB_NS_SRV" ss -Htln 2>/dev/null | grep -Eq "[:.*]$PORT[[:space:]]"
}

# get NAME [CURL_OPTION...]: GET $URL/NAME from device 1 into $OUT/last.body
# and print the status code.
get() {
	local name=$1

	shift
	in_dev curl -sS --path-as-is -o "$OUT/last.body" -w '%{http_code}' "$@" "$URL/$name" \
		2>"$OUT/last.err"
}

check_whole() {
	local name=$1 status

	status=$(get "$name")
	tap_is "$status" 200 "GET /$name: status 200"
	[[ -e "$OUT/last.body" ]] || : >"$OUT/last.body"
	tap_is "$(sha "$OUT/last.body")" "$(sha "$HTTP_ROOT/$name")" "GET /$name: content intact"
}

test_whole_files() {
	check_whole small.txt
	check_whole empty.bin
	check_whole mid.bin
	check_whole boot/ipxe.efi
	check_whole inside-link
	tap_is "$(get 'with%20space.txt')" 200 "GET with %20 in the path: status 200"
	tap_is "$(cat "$OUT/last.body")" "name with space" "GET with %20: content"
}

test_large_file() {
	local status speed

	status=$(get big.img -w '%{http_code} %{speed_download}')
	speed=${status#* }
	status=${status%% *}
	tap_is "$status" 200 "GET 64 MiB /big.img: status 200"
	tap_diag "64 MiB over veth at $((${speed%.*} / 1048576)) MiB/s (curl speed_download; a shared machine, not a benchmark)"
	tap_is "$(sha "$OUT/last.body")" "$(sha "$HTTP_ROOT/big.img")" "GET 64 MiB: content intact"
}

test_headers() {
	local head

	head=$(in_dev curl -sS -I "$URL/small.txt") || true
	tap_check "HEAD: 200" grep -q "^HTTP/1.1 200" <<<"$head"
	tap_check "HEAD: Content-Length of the file" grep -qi "^Content-Length: 11" <<<"$head"
	tap_check "HEAD: Content-Type by extension" grep -qi "^Content-Type: text/plain" <<<"$head"
	tap_check "HEAD: Last-Modified" grep -qi "^Last-Modified: .* GMT" <<<"$head"
	head=$(in_dev curl -sS -I "$URL/boot/ipxe.efi") || true
	tap_check "HEAD .efi: application/efi" grep -qi "^Content-Type: application/efi" <<<"$head"
}

# HEAD then GET, and three GETs, each in one curl run with two or three URLs.
test_keep_alive() {
	local counts

	in_dev curl -sSv -I "$URL/small.txt" --next -o "$OUT/ka.body" "$URL/k1000.bin" \
		>"$OUT/ka.out" 2>"$OUT/ka.err"
	tap_file_contains "$OUT/ka.err" "Re-using existing connection" \
		"HEAD then GET: one connection"
	tap_is "$(sha "$OUT/ka.body")" "$(sha "$HTTP_ROOT/k1000.bin")" "HEAD then GET: GET content"

	counts=$(in_dev curl -sS -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects} ' \
		"$URL/a.txt" "$URL/b.txt" "$URL/mid.bin")
	tap_is "$counts" "1 0 0 " "three GETs: connections opened per request"

	in_dev curl -sS -0 -v -o /dev/null "$URL/a.txt" "$URL/b.txt" 2>"$OUT/ka10.err"
	tap_file_contains "$OUT/ka10.err" "Connection: close" "HTTP/1.0: response has Connection: close"
}

check_range() {
	local desc=$1 range=$2 status=$3 expect=$4 got

	got=$(get k1000.bin -r "$range")
	tap_is "$got" "$status" "$desc: status $status"
	tap_is "$(sha "$OUT/last.body")" "$(sha "$expect")" "$desc: content"
}

test_ranges() {
	local head

	head -c 100 "$HTTP_ROOT/k1000.bin" >"$OUT/r1"
	tail -c +101 "$HTTP_ROOT/k1000.bin" >"$OUT/r2"
	tail -c 100 "$HTTP_ROOT/k1000.bin" >"$OUT/r3"
	tail -c +991 "$HTTP_ROOT/k1000.bin" >"$OUT/r4"
	check_range "range 0-99" 0-99 206 "$OUT/r1"
	check_range "range 100-" 100- 206 "$OUT/r2"
	check_range "range -100" -100 206 "$OUT/r3"
	check_range "range 990-5000 cut at the end" 990-5000 206 "$OUT/r4"
	check_range "two ranges get the whole file" 0-1,5-6 200 "$HTTP_ROOT/k1000.bin"

	head=$(in_dev curl -sS -D - -o /dev/null -r 0-99 "$URL/k1000.bin") || true
	tap_check "206: Content-Range" grep -qi "^Content-Range: bytes 0-99/1000" <<<"$head"
	head=$(in_dev curl -sS -D - -o /dev/null -r 1000- "$URL/k1000.bin") || true
	tap_check "range past the end: 416" grep -q "^HTTP/1.1 416" <<<"$head"
	tap_check "416: Content-Range bytes */1000" grep -qi '^Content-Range: bytes \*/1000' <<<"$head"
}

# check_status DESC STATUS NAME [CURL_OPTION...]
check_status() {
	local desc=$1 status=$2 name=$3

	shift 3
	tap_is "$(get "$name" "$@")" "$status" "$desc"
}

test_errors() {
	local head

	check_status "missing file: 404" 404 missing.efi
	check_status "folder: 404" 404 boot/
	check_status "root: 404" 404 ""
	check_status "../ escape: 403" 403 ../secret.txt
	check_status "%2e%2e escape: 403" 403 %2e%2e/secret.txt
	check_status "%2E%2E%2F escape: 403" 403 boot/%2E%2E%2F%2E%2E%2Fsecret.txt
	check_status "symlink out of the root: 403" 403 escape
	check_status "absolute symlink out of the root: 403" 403 abs-escape
	check_status "%00 in the path: 400" 400 small.txt%00.efi
	check_status "invalid %-escape: 400" 400 small%zz.txt
	if grep -rq "outside the root" "$OUT"; then
		tap_not_ok "no response contains the file outside the root"
	else
		tap_ok "no response contains the file outside the root"
	fi

	check_status "POST: 405" 405 small.txt -X POST -d x
	head=$(in_dev curl -sS -D - -o /dev/null -X DELETE "$URL/small.txt") || true
	tap_check "405: Allow: GET, HEAD" grep -qi "^Allow: GET, HEAD" <<<"$head"
	check_status "URL of 3000 bytes: 414" 414 "$(printf 'x%.0s' {1..3000})"
}

# raw REQUEST: send REQUEST bytes (printf format) over one connection from
# device 1 and print what the server sent until it closed or 5 s passed.
raw() {
	# shellcheck disable=SC2016  # the inner shell expands $1, $2 and $3
	ip netns exec "$(dev_ns)" timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "$3" >&3
		cat <&3' raw "$RB_SRV_ADDR" "$PORT" "$1"
}

test_raw() {
	local out headers

	out=$(raw 'GARBAGE\r\n\r\n')
	tap_check "malformed request line: 400" grep -q "^HTTP/1.1 400" <<<"$out"
	out=$(raw 'GET /small.txt HTTP/2.0\r\nHost: x\r\n\r\n')
	tap_check "HTTP/2.0: 505" grep -q "^HTTP/1.1 505" <<<"$out"
	out=$(raw 'GET /small.txt HTTP/1.1\r\n\r\n')
	tap_check "HTTP/1.1 without Host: 400" grep -q "^HTTP/1.1 400" <<<"$out"
	out=$(raw 'GET /small.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello')
	tap_check "GET with a body: 400" grep -q "^HTTP/1.1 400" <<<"$out"
	headers=$(for ((i = 0; i < 70; i++)); do printf 'X-Filler-%d: v\\r\\n' "$i"; done)
	out=$(raw "GET /small.txt HTTP/1.1\\r\\nHost: x\\r\\n$headers\\r\\n")
	tap_check "70 header lines: 431" grep -q "^HTTP/1.1 431" <<<"$out"

	# Three pipelined requests in one write, the last one closing.
	out=$(raw 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		tr -d '\r' | grep -E '^(HTTP/1.1|first|second|Content-Length)' | tr '\n' ' ')
	tap_is "$out" "HTTP/1.1 200 OK Content-Length: 6 first HTTP/1.1 200 OK Content-Length: 7 HTTP/1.1 200 OK Content-Length: 7 second " \
		"pipelined GET, HEAD, GET in order"
}

# 300 malformed requests, each on its own connection: all counted, few logged.
test_log_flood() {
	local before lines errors0

	errors0=$(rb_stat "$PIN" userspace http_4xx)
	before=$(wc -l <"$RB_RUN_DIR/rackbootd.log")
	# shellcheck disable=SC2016  # the inner shell expands $1 and $2
	ip netns exec "$(dev_ns)" timeout 60 bash -c '
		for ((i = 0; i < 300; i++)); do
			exec 3<>"/dev/tcp/$1/$2" || exit 1
			printf "BAD%d\r\n\r\n" "$i" >&3
			cat <&3 >/dev/null
			exec 3>&-
		done' flood "$RB_SRV_ADDR" "$PORT"
	sleep 2.2	# the summaries come a second after the burst, the counters on the next tick
	lines=$(tail -n +$((before + 1)) "$RB_RUN_DIR/rackbootd.log" | grep -c "http: ")
	tap_ge "$(rb_stat "$PIN" userspace http_4xx)" $((errors0 + 300)) "flood: every 400 counted"
	if ((lines < 150)); then
		tap_ok "flood: fewer than 150 log lines for 300 requests"
	else
		tap_not_ok "flood: fewer than 150 log lines for 300 requests"
		tap_diag "$lines lines"
	fi
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "http: worker [0-9]+ left out [0-9]+ log lines" \
		"flood: summary of the lines left out"
}

test_idle_timeout() {
	local start elapsed timeouts0

	timeouts0=$(rb_stat "$PIN" userspace http_timeouts)
	start=$(date +%s)
	# shellcheck disable=SC2016  # the inner shell expands $1 and $2
	# Half a request line, because the listener accepts a connection
	# once its first bytes are in (TCP_DEFER_ACCEPT).
	ip netns exec "$(dev_ns)" timeout 10 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "GET /small.txt HT" >&3
		cat <&3 >/dev/null' idle "$RB_SRV_ADDR" "$PORT"
	elapsed=$(($(date +%s) - start))
	if ((elapsed >= IDLE_TIMEOUT && elapsed < 8)); then
		tap_ok "idle connection closed after about $IDLE_TIMEOUT s"
	else
		tap_not_ok "idle connection closed after about $IDLE_TIMEOUT s"
		tap_diag "closed after $elapsed s"
	fi
	sleep 1.2	# the counters reach the maps on rackbootd's next tick
	tap_ge "$(rb_stat "$PIN" userspace http_timeouts)" $((timeouts0 + 1)) "stats: http_timeouts grew"
}

test_parallel() {
	local i pids=() failed=0 want

	want=$(sha "$HTTP_ROOT/mid.bin")
	for ((i = 0; i < PARALLEL; i++)); do
		in_dev curl -sS -o "$OUT/par.$i" "$URL/mid.bin" 2>"$OUT/par.$i.err" &
		pids+=("$!")
	done
	for ((i = 0; i < PARALLEL; i++)); do
		wait "${pids[i]}" || failed=$((failed + 1))
		[[ "$(sha "$OUT/par.$i")" == "$want" ]] || failed=$((failed + 1))
	done
	tap_is "$failed" 0 "$PARALLEL parallel downloads intact"
}

test_ipxe_scripts() {
	local mac expect status

	mac=$(mac_of 1)
	expect=$(printf '#!ipxe\n# rackboot: %s %s, profile pxe-bios\nkernel vmlinuz console=ttyS0 host=%s ip=%s ip6=%s {unknown}\ninitrd initrd.img\nboot' \
		"$(rb_cfg '.inventory.device[0].hostname' "$CONFIG")" "$mac" \
		"$(rb_cfg '.inventory.device[0].hostname' "$CONFIG")" "$(ip_of 1)" \
		"$(rb_cfg '.inventory.device[0]."ipv6-address"' "$CONFIG")")
	status=$(get "ipxe/$mac.ipxe")
	tap_is "$status" 200 "iPXE script of an inventory MAC: 200"
	tap_is "$(cat "$OUT/last.body")" "$expect" "iPXE script: kernel, command line and initrd"
	status=$(get "ipxe/${mac//:/-}.IPXE")
	tap_is "$status" 200 "iPXE script, MAC with dashes: 200"
	status=$(get "ipxe/boot.ipxe?mac=${mac//:/%3A}")
	tap_is "$status" 200 "iPXE script by ?mac=: 200"
	tap_is "$(cat "$OUT/last.body")" "$expect" "iPXE script by ?mac=: same script"

	status=$(get "ipxe/02:00:00:00:00:99.ipxe")
	tap_is "$status" 404 "iPXE script of an unknown MAC: 404"
	tap_file_contains "$OUT/last.body" "no device with this MAC in the inventory" \
		"unknown MAC: the body says why"
	status=$(get "ipxe/$(mac_of 2).ipxe")
	tap_is "$status" 404 "iPXE script of a profile without ipxe-kernel: 404"
	status=$(get "ipxe/boot.ipxe?mac=not-a-mac")
	tap_is "$status" 400 "iPXE script by an invalid ?mac=: 400"
	status=$(get "ipxe/vmlinuz")
	tap_is "$status" 200 "other names under /ipxe/ are files"
}

test_http_boot_url() {
	local url

	url=$(rb_cfg '."boot-profiles".profile[1]."http-boot-file"' "$CONFIG")
	in_dev curl -sS -o "$OUT/efi" "$url" 2>"$OUT/efi.err"
	tap_is "$(sha "$OUT/efi")" "$(sha "$HTTP_ROOT/boot/ipxe.efi")" \
		"UEFI HTTP Boot URL of the config downloads"
}

test_ipv6() {
	local out

	out=$(ip netns exec "$RB_NS_SRV" timeout "$CLIENT_TIMEOUT" curl -sS -g \
		"http://[::1]:$PORT/small.txt" 2>&1)
	tap_is "$out" "small file" "GET over IPv6 (dual-stack socket)"
}

test_counters() {
	sleep 1.2	# the counters reach the maps on rackbootd's next tick
	rb_stat_names_present "$PIN" userspace http_requests http_bytes http_2xx http_4xx \
		http_5xx http_connections http_rejected http_timeouts
	tap_ge "$(rb_stat "$PIN" userspace http_requests)" 60 "stats: http_requests counted"
	tap_ge "$(rb_stat "$PIN" userspace http_2xx)" 40 "stats: http_2xx counted"
	tap_ge "$(rb_stat "$PIN" userspace http_4xx)" 15 "stats: http_4xx counted"
	tap_ge "$(rb_stat "$PIN" userspace http_bytes)" $((64 * 1024 * 1024)) \
		"stats: http_bytes has the 64 MiB file"
	tap_is "$(rb_stat "$PIN" userspace http_5xx)" 1 "stats: one 5xx, the 505 to HTTP/2.0"
	if [[ -n "$(rb_device_phase_time "$PIN" "$(mac_of "$DEV")" image)" ]]; then
		tap_ok "device $DEV reached phase image"
	else
		tap_not_ok "device $DEV reached phase image"
	fi
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	rb_wait_for 5 http_listening || tap_bail "rackbootd does not listen on TCP port $PORT"
	tap_ok "rackbootd serves HTTP on port $PORT"

	test_whole_files
	test_headers
	test_keep_alive
	test_ranges
	test_errors
	test_raw
	test_ipxe_scripts
	test_http_boot_url
	test_ipv6
	test_large_file
	test_parallel
	test_log_flood
	test_idle_timeout
	test_counters

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd stopped cleanly on SIGTERM"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "http: 2 workers stopped" \
		"the HTTP workers stopped"
	tap_finish
}

main
