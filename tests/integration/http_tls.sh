#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootd's HTTPS listener against curl and openssl s_client, in the
# rack topology of tests/lib/netns.sh.  The CA and the server
# certificate (for the server's address) are made at test time.
#
# Whole files are compared by SHA-256: small ones, sizes around the
# 16 KiB record and the 64 KiB write, and a 64 MiB one.  Range requests
# get 206 or 416, HEAD then GET and three GETs share one connection,
# pipelined requests are answered in order, and a closing response ends
# with close_notify.  The iPXE script of an inventory MAC comes over
# HTTPS too.  TLS 1.1 and plain HTTP on the HTTPS port are rejected
# without harm to the server, many clients download at once, an idle
# connection is closed, and the daemon stops cleanly.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot http; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

PORT=8080
TLS_PORT=8443
IDLE_TIMEOUT=2		# seconds, the config's http/idle-timeout
PARALLEL=24		# clients at once, each downloading mid.bin over TLS
CLIENT_TIMEOUT=60	# seconds per client run
DEV=1
URL="https://$RB_SRV_ADDR:$TLS_PORT"

CONFIG_EDIT=".http = {\"root\": \$root_http, \"port\": $PORT, \"workers\": 2,
		\"max-connections\": 64, \"idle-timeout\": $IDLE_TIMEOUT,
		\"https\": {\"port\": $TLS_PORT, \"certificate\": \$cert, \"private-key\": \$key}}
	| .\"boot-profiles\".profile[0].\"ipxe-kernel\" = \"vmlinuz\"
	| .\"boot-profiles\".profile[0].\"ipxe-initrd\" = \"initrd.img\"
	| .\"boot-profiles\".profile[0].\"ipxe-cmdline\" = \"console=ttyS0 host={hostname} ip={ipv4}\""

# make_pki: an ECDSA P-256 CA and a server certificate for the server's
# address, with the key readable by its owner only.
make_pki() {
	PKI="$RB_RUN_DIR/pki"
	mkdir -p "$PKI" || return 1
	(
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$PKI/ca.key" -out "$PKI/ca.pem" -days 1 \
			-subj "/CN=rackboot test CA" &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "$PKI/server.key" -out "$PKI/server.csr" \
				-subj "/CN=$RB_SRV_ADDR" &&
			printf '%s\n' "subjectAltName=IP:$RB_SRV_ADDR" "basicConstraints=CA:FALSE" \
				"extendedKeyUsage=serverAuth" >"$PKI/server.ext" &&
			openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
				-CAcreateserial -out "$PKI/server.pem" -days 1 -extfile "$PKI/server.ext"
	) >"$PKI/openssl.log" 2>&1
}

make_files() {
	HTTP_ROOT="$RB_RUN_DIR/http"
	OUT="$RB_RUN_DIR/out"
	mkdir -p "$HTTP_ROOT/ipxe" "$OUT" || return 1
	printf 'kernel\n' >"$HTTP_ROOT/ipxe/vmlinuz"
	printf 'small file\n' >"$HTTP_ROOT/small.txt"
	printf 'first\n' >"$HTTP_ROOT/a.txt"
	printf 'second\n' >"$HTTP_ROOT/b.txt"
	: >"$HTTP_ROOT/empty.bin"
	head -c 1000 /dev/urandom >"$HTTP_ROOT/k1000.bin"
	head -c 16383 /dev/urandom >"$HTTP_ROOT/r16383.bin"
	head -c 16384 /dev/urandom >"$HTTP_ROOT/r16384.bin"
	head -c 16385 /dev/urandom >"$HTTP_ROOT/r16385.bin"
	head -c 65536 /dev/urandom >"$HTTP_ROOT/w65536.bin"
	head -c 65537 /dev/urandom >"$HTTP_ROOT/w65537.bin"
	head -c $((1024 * 1024 + 17)) /dev/urandom >"$HTTP_ROOT/mid.bin"
	head -c $((64 * 1024 * 1024)) /dev/urandom >"$HTTP_ROOT/big.img"
}

setup() {
	rb_suite_setup
	make_files || tap_bail "creating the files under $RB_RUN_DIR/http failed"
	make_pki || tap_bail "creating the certificates failed; see $RB_RUN_DIR/pki/openssl.log"
	rb_lab_config "$CONFIG.tmp" "$TFTP_ROOT" "$PIN" "." || tap_bail "writing the config failed"
	jq --arg root_http "$HTTP_ROOT" --arg cert "$PKI/server.pem" --arg key "$PKI/server.key" \
		".\"rackboot:rackboot\" |= ($CONFIG_EDIT)" "$CONFIG.tmp" >"$CONFIG" ||
		tap_bail "adding the http container to the config failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV" "$(mac_of "$DEV")" || tap_bail "creating device $DEV failed"
	ip -n "$(dev_ns)" addr add "$(ip_of "$DEV")/$RB_SRV_PREFIXLEN" dev eth0 ||
		tap_bail "setting the address of device $DEV failed"
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# shellcheck disable=SC2317  # called through rb_wait_for
https_listening() {
	ip netns exec "$RB_NS_SRV" ss -Htln 2>/dev/null | grep -Eq "[:.*]$TLS_PORT[[:space:]]"
}

# get NAME [CURL_OPTION...]: GET $URL/NAME from device 1 into $OUT/last.body
# and print the status code.
get() {
	local name=$1

	shift
	in_dev curl -sS --cacert "$PKI/ca.pem" -o "$OUT/last.body" -w '%{http_code}' "$@" \
		"$URL/$name" 2>"$OUT/last.err"
}

check_whole() {
	local name=$1 status

	status=$(get "$name")
	tap_is "$status" 200 "HTTPS GET /$name: status 200"
	[[ -e "$OUT/last.body" ]] || : >"$OUT/last.body"
	tap_is "$(sha "$OUT/last.body")" "$(sha "$HTTP_ROOT/$name")" "HTTPS GET /$name: content intact"
}

test_whole_files() {
	local name

	for name in small.txt empty.bin k1000.bin r16383.bin r16384.bin r16385.bin \
		w65536.bin w65537.bin mid.bin; do
		check_whole "$name"
	done
}

test_large_file() {
	local status speed

	status=$(get big.img -w '%{http_code} %{speed_download}')
	speed=${status#* }
	status=${status%% *}
	tap_is "$status" 200 "HTTPS GET 64 MiB /big.img: status 200"
	tap_diag "64 MiB over TLS at $((${speed%.*} / 1048576)) MiB/s (curl speed_download; a shared machine, not a benchmark)"
	tap_is "$(sha "$OUT/last.body")" "$(sha "$HTTP_ROOT/big.img")" "HTTPS GET 64 MiB: content intact"
}

test_ranges() {
	local expect

	tap_is "$(get k1000.bin -r 100-199)" 206 "HTTPS range 100-199: status 206"
	expect=$(tail -c +101 "$HTTP_ROOT/k1000.bin" | head -c 100 | sha256sum | cut -d' ' -f1)
	tap_is "$(sha "$OUT/last.body")" "$expect" "HTTPS range 100-199: the 100 bytes"
	tap_is "$(get mid.bin -r 70000-)" 206 "HTTPS range 70000- of mid.bin: status 206"
	expect=$(tail -c +70001 "$HTTP_ROOT/mid.bin" | sha256sum | cut -d' ' -f1)
	tap_is "$(sha "$OUT/last.body")" "$expect" "HTTPS range 70000-: the rest of the file"
	tap_is "$(get k1000.bin -r 2000-2100)" 416 "HTTPS range past the end: status 416"
}

test_errors() {
	tap_is "$(get missing.bin)" 404 "HTTPS GET of a missing file: 404"
	tap_is "$(get small.txt -X DELETE)" 405 "HTTPS DELETE: 405"
}

# HEAD then GET, and three GETs, each in one curl run.
test_keep_alive() {
	local counts

	in_dev curl -sSv --cacert "$PKI/ca.pem" -I "$URL/small.txt" --next --cacert "$PKI/ca.pem" \
		-o "$OUT/ka.body" "$URL/k1000.bin" >"$OUT/ka.out" 2>"$OUT/ka.err"
	tap_file_contains "$OUT/ka.out" "^HTTP/1.1 200" "HTTPS HEAD: 200"
	tap_file_contains "$OUT/ka.out" "^Content-Length: 11" "HTTPS HEAD: Content-Length of the file"
	tap_file_contains "$OUT/ka.err" "Re-using existing connection" \
		"HTTPS HEAD then GET: one connection"
	tap_is "$(sha "$OUT/ka.body")" "$(sha "$HTTP_ROOT/k1000.bin")" "HTTPS HEAD then GET: GET content"

	counts=$(in_dev curl -sS --cacert "$PKI/ca.pem" -o /dev/null -o /dev/null -o /dev/null \
		-w '%{num_connects} ' "$URL/a.txt" "$URL/mid.bin" "$URL/b.txt")
	tap_is "$counts" "1 0 0 " "HTTPS three GETs: connections opened per request"
}

# s_client_quiet PORT [OPTION...]: s_client with the test CA, stdin as
# the request bytes, the decrypted reply on stdout.
s_client_quiet() {
	local port=$1

	shift
	ip netns exec "$(dev_ns)" timeout 10 openssl s_client -quiet -verify_return_error \
		-CAfile "$PKI/ca.pem" -connect "$RB_SRV_ADDR:$port" "$@" 2>"$OUT/s_client.err"
}

test_pipelined() {
	local out

	out=$(printf 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		s_client_quiet "$TLS_PORT" | tr -d '\r' |
		grep -E '^(HTTP/1.1|first|second|Content-Length)' | tr '\n' ' ')
	tap_is "$out" "HTTP/1.1 200 OK Content-Length: 6 first HTTP/1.1 200 OK Content-Length: 7 HTTP/1.1 200 OK Content-Length: 7 second " \
		"HTTPS pipelined GET, HEAD, GET in order"
}

test_close_notify() {
	in_dev curl -sSv --cacert "$PKI/ca.pem" -H 'Connection: close' -o /dev/null \
		"$URL/small.txt" 2>"$OUT/close.err"
	tap_file_contains "$OUT/close.err" "TLS alert, close notify" \
		"HTTPS Connection: close ends with close_notify"
}

test_ipxe_script() {
	local mac name

	mac=$(mac_of 1)
	name=$(rb_cfg '.inventory.device[0].hostname' "$CONFIG")
	tap_is "$(get "ipxe/$mac.ipxe")" 200 "HTTPS iPXE script of an inventory MAC: 200"
	tap_file_contains "$OUT/last.body" "^kernel vmlinuz console=ttyS0 host=$name ip=$(ip_of 1)\$" \
		"HTTPS iPXE script: kernel line of the device"
	tap_is "$(get "ipxe/02:00:00:00:00:99.ipxe")" 404 "HTTPS iPXE script of an unknown MAC: 404"
}

test_versions() {
	local out

	out=$(echo | s_client_quiet "$TLS_PORT" -tls1_2 -brief 2>&1; cat "$OUT/s_client.err")
	tap_check "TLS 1.2 accepted" grep -q "Protocol version: TLSv1.2" <<<"$out"

	# OpenSSL 3 offers TLS 1.1 only at security level 0.
	if echo | s_client_quiet "$TLS_PORT" -tls1_1 -cipher "DEFAULT@SECLEVEL=0" >/dev/null; then
		tap_not_ok "TLS 1.1 rejected"
	else
		tap_file_contains "$OUT/s_client.err" "alert protocol version" \
			"TLS 1.1 rejected with alert protocol_version"
	fi
	rb_wait_for 5 grep -q "sent alert protocol version" "$RB_RUN_DIR/rackbootd.log"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "https: $(ip_of 1): protocol version: sent alert protocol version" \
		"server log names the client and the protocol version"
}

test_plain_to_tls_port() {
	in_dev curl -sS -o /dev/null "http://$RB_SRV_ADDR:$TLS_PORT/small.txt" >"$OUT/plain.err" 2>&1
	tap_is "$?" 52 "plain HTTP to the HTTPS port gets no reply (curl exit 52)"
	rb_wait_for 5 grep -q "bad record: no alert sent (http request)" "$RB_RUN_DIR/rackbootd.log"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "bad record: no alert sent \(http request\)" \
		"server log names the plain HTTP request"
	check_whole small.txt
}

test_plain_port_still_http() {
	local out

	out=$(in_dev curl -sS "http://$RB_SRV_ADDR:$PORT/small.txt" 2>&1)
	tap_is "$out" "small file" "plain HTTP on the HTTP port beside HTTPS"
}

test_parallel() {
	local i pids=() failed=0 want

	want=$(sha "$HTTP_ROOT/mid.bin")
	for ((i = 0; i < PARALLEL; i++)); do
		in_dev curl -sS --cacert "$PKI/ca.pem" -o "$OUT/par.$i" "$URL/mid.bin" \
			2>"$OUT/par.$i.err" &
		pids+=("$!")
	done
	for ((i = 0; i < PARALLEL; i++)); do
		wait "${pids[i]}" || failed=$((failed + 1))
		[[ "$(sha "$OUT/par.$i")" == "$want" ]] || failed=$((failed + 1))
	done
	tap_is "$failed" 0 "$PARALLEL parallel HTTPS downloads intact"
}

# A TCP connection to the HTTPS port that sends the first 3 bytes of a
# ClientHello record header and nothing more.  Sending something matters
# because the listener accepts a connection once its first bytes are in
# (TCP_DEFER_ACCEPT).
test_idle_timeout() {
	local start elapsed

	start=$(date +%s)
	# shellcheck disable=SC2016  # the inner shell expands $1 and $2
	ip netns exec "$(dev_ns)" timeout 10 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "\x16\x03\x01" >&3
		cat <&3 >/dev/null' idle "$RB_SRV_ADDR" "$TLS_PORT"
	elapsed=$(($(date +%s) - start))
	if ((elapsed >= IDLE_TIMEOUT && elapsed < 8)); then
		tap_ok "idle HTTPS connection closed after about $IDLE_TIMEOUT s"
	else
		tap_not_ok "idle HTTPS connection closed after about $IDLE_TIMEOUT s"
		tap_diag "closed after $elapsed s"
	fi
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	rb_wait_for 5 https_listening || tap_bail "rackbootd does not listen on TCP port $TLS_PORT"
	tap_ok "rackbootd serves HTTPS on port $TLS_PORT"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "serve HTTPS on port $TLS_PORT" \
		"the start line names the HTTPS port"

	test_whole_files
	test_ranges
	test_errors
	test_keep_alive
	test_pipelined
	test_close_notify
	test_ipxe_script
	test_versions
	test_plain_to_tls_port
	test_plain_port_still_http
	test_large_file
	test_parallel
	test_idle_timeout

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd stopped cleanly on SIGTERM"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "http: 2 workers stopped" \
		"the HTTP workers stopped"
	tap_finish
}

main
