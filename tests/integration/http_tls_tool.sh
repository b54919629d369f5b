#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP server's TLS layer through rb-tls-echo against curl and
# openssl s_client, in a private network namespace on 127.0.0.1.
#
# A throwaway CA and server certificate (EC P-256) are made with the
# openssl command in the run folder.  curl fetches files of 0 B to
# 5 MiB over TLS 1.3 and 1.2, alone and in parallel, and each copy is
# compared by SHA-256.  s_client checks the version and cipher chosen
# (the server's AES-GCM first), ticket resumption, and that TLS 1.1 and
# plain HTTP are rejected with the reason in the server log.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh

ECHO_BIN="${RB_BIN:-build}/tests/rb-tls-echo"
NS="${RB_PREFIX}tls"
CLIENT_TIMEOUT=60	# seconds per client run; 5 MiB takes well under 1 s
PARALLEL=8

if ((EUID != 0)); then
	tap_skip_all "creating a network namespace needs root"
fi
for tool in ip ss curl openssl sha256sum timeout; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done
if [[ ! -x "$ECHO_BIN" ]]; then
	tap_bail "$ECHO_BIN is missing; run 'make' first"
fi

rb_cleanup_install
rb_run_dir || tap_bail "cannot create a temporary folder"
PKI="$RB_RUN_DIR/pki"
FILES="$RB_RUN_DIR/files"
OUT="$RB_RUN_DIR/out"
mkdir -p "$PKI" "$FILES" "$OUT" || tap_bail "cannot create folders in $RB_RUN_DIR"

# Show the end of each server log when a check failed (expanded at cleanup).
# shellcheck disable=SC2016
rb_on_cleanup 'if ((TAP_FAILED > 0)); then for f in "$RB_RUN_DIR"/server-*.log; do tap_diag "$f:"; tap_diag "$(tail -n 20 "$f")"; done; fi'

in_ns() {
	ip netns exec "$NS" "$@"
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

make_pki() {
	local ext="$PKI/server.ext"

	(
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$PKI/ca.key" -out "$PKI/ca.pem" -days 1 \
			-subj "/CN=rackboot test CA" &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "$PKI/server.key" -out "$PKI/server.csr" -subj "/CN=localhost" &&
			printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
				"basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" >"$ext" &&
			openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
				-CAcreateserial -out "$PKI/server.pem" -days 1 -extfile "$ext"
	) >"$PKI/openssl.log" 2>&1
}

make_files() {
	: >"$FILES/empty.bin"
	head -c 1 /dev/urandom >"$FILES/one.bin"
	head -c 16384 /dev/urandom >"$FILES/record.bin"
	head -c 16385 /dev/urandom >"$FILES/record1.bin"
	head -c $((5 * 1024 * 1024 + 123)) /dev/urandom >"$FILES/big.bin"
}

# start_server NAME [OPTION...]: rb-tls-echo on a free port; sets PORT and SERVER_PID.
start_server() {
	local name=$1 port_file="$RB_RUN_DIR/port-$1"

	shift
	rb_spawn "$NS" "$RB_RUN_DIR/server-$name.log" "$ECHO_BIN" --cert "$PKI/server.pem" \
		--key "$PKI/server.key" --port 0 --port-file "$port_file" --log-level debug "$@"
	SERVER_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 10 test -s "$port_file"; then
		tap_diag "$(cat "$RB_RUN_DIR/server-$name.log")"
		tap_bail "rb-tls-echo ($name) not listening after 10 s"
	fi
	PORT=$(cat "$port_file")
}

# fetch PORT OUT [CURL_OPTION...]: one HTTPS download into OUT.
fetch() {
	local port=$1 out=$2

	shift 2
	in_ns timeout "$CLIENT_TIMEOUT" curl -sS --cacert "$PKI/ca.pem" "$@" -o "$out" \
		"https://localhost:$port/file" >"$OUT/curl.txt" 2>&1
}

# check_fetch DESC FILE PORT [CURL_OPTION...]
check_fetch() {
	local desc=$1 file=$2 port=$3 out="$OUT/fetched" status

	shift 3
	rm -f "$out"
	fetch "$port" "$out" "$@"
	status=$?
	if ((status != 0)); then
		tap_not_ok "$desc"
		tap_diag "curl exited with $status: $(cat "$OUT/curl.txt")"
		return
	fi
	# curl creates no output file for an empty body.
	[[ -e "$out" ]] || : >"$out"
	tap_is "$(sha "$out")" "$(sha "$file")" "$desc"
}

# s_client PORT OPTION...: a handshake and one request; output in $OUT/s_client.txt.
s_client() {
	local port=$1

	shift
	printf 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' |
		in_ns timeout "$CLIENT_TIMEOUT" openssl s_client -connect "127.0.0.1:$port" \
			-servername localhost -CAfile "$PKI/ca.pem" -verify_return_error -ign_eof "$@" \
			>"$OUT/s_client.txt" 2>&1
}

downloads() {
	local name pids=() failed=0 i want

	for name in empty one record record1 big; do
		start_server "$name" --file "$FILES/$name.bin"
		check_fetch "curl $name.bin over TLS 1.3" "$FILES/$name.bin" "$PORT" --tlsv1.3
		check_fetch "curl $name.bin over TLS 1.2" "$FILES/$name.bin" "$PORT" --tlsv1.2 --tls-max 1.2
		if [[ "$name" != big ]]; then
			rb_stop_pid "$SERVER_PID" 5
		fi
	done
	BIG_PORT=$PORT
	BIG_PID=$SERVER_PID

	want=$(sha "$FILES/big.bin")
	for ((i = 0; i < PARALLEL; i++)); do
		fetch "$BIG_PORT" "$OUT/par.$i" &
		pids+=("$!")
	done
	for ((i = 0; i < PARALLEL; i++)); do
		wait "${pids[i]}" || failed=$((failed + 1))
		[[ "$(sha "$OUT/par.$i")" == "$want" ]] || failed=$((failed + 1))
	done
	tap_is "$failed" 0 "$PARALLEL parallel downloads of big.bin intact"
}

versions() {
	s_client "$BIG_PORT" -tls1_3
	tap_file_contains "$OUT/s_client.txt" "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256" \
		"s_client TLS 1.3 gets AES-128-GCM"
	tap_file_contains "$OUT/s_client.txt" "Verify return code: 0 \(ok\)" \
		"s_client TLS 1.3 verifies the certificate"

	s_client "$BIG_PORT" -tls1_2 -sess_out "$OUT/session12.pem"
	tap_file_contains "$OUT/s_client.txt" "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" \
		"s_client TLS 1.2 gets ECDHE-ECDSA-AES128-GCM"
	s_client "$BIG_PORT" -tls1_2 -sess_in "$OUT/session12.pem"
	tap_file_contains "$OUT/s_client.txt" "^Reused, TLSv1.2" "s_client TLS 1.2 resumes from a ticket"

	# OpenSSL 3 offers TLS 1.1 only at security level 0.
	if s_client "$BIG_PORT" -tls1_1 -cipher "DEFAULT@SECLEVEL=0"; then
		tap_not_ok "s_client TLS 1.1 rejected"
		tap_diag "$(tail -n 5 "$OUT/s_client.txt")"
	else
		tap_file_contains "$OUT/s_client.txt" "alert protocol version" \
			"s_client TLS 1.1 rejected with alert protocol_version"
	fi
	tap_file_contains "$RB_RUN_DIR/server-big.log" \
		"failed: protocol version: sent alert protocol version" \
		"server log names the protocol version"
}

not_tls() {
	in_ns timeout "$CLIENT_TIMEOUT" curl -sS -o /dev/null "http://127.0.0.1:$BIG_PORT/" \
		>"$OUT/curl.txt" 2>&1
	tap_is "$?" 52 "plain HTTP to the TLS port gets no reply (curl exit 52)"
	rb_wait_for 5 grep -q "failed: bad record: no alert sent (http request)" \
		"$RB_RUN_DIR/server-big.log"
	tap_file_contains "$RB_RUN_DIR/server-big.log" "failed: bad record: no alert sent \(http request\)" \
		"server log names the plain HTTP request"
}

tls13_only() {
	start_server tls13 --file "$FILES/one.bin" --tls13-only
	check_fetch "TLS 1.3 only: curl TLS 1.3 served" "$FILES/one.bin" "$PORT" --tlsv1.3
	fetch "$PORT" "$OUT/rejected" --tlsv1.2 --tls-max 1.2
	tap_is "$?" 35 "TLS 1.3 only: curl TLS 1.2 rejected (curl exit 35)"
	rb_stop_pid "$SERVER_PID" 5
}

echo_mode() {
	start_server echo
	# The echo server never closes first, and s_client ends at the end of
	# its input, so the input stays open for 1 s while the echo comes back.
	{
		printf 'ping over tls\n'
		sleep 1
	} | in_ns timeout "$CLIENT_TIMEOUT" openssl s_client -connect "127.0.0.1:$PORT" \
		-brief -no_ign_eof -CAfile "$PKI/ca.pem" -verify_return_error -servername localhost \
		>"$OUT/echo.txt" 2>"$OUT/echo.err"
	tap_file_contains "$OUT/echo.txt" "^ping over tls$" "echo mode sends the plaintext back"
	rb_stop_pid "$SERVER_PID" 5
}

# counter NAME: one value from the last counters line of the big.bin server.
counter() {
	grep -o "tls-echo counters: .*" "$RB_RUN_DIR/server-big.log" | tail -n 1 |
		grep -Eo "\b$1=[0-9]+" | cut -d= -f2
}

main() {
	make_pki || tap_bail "making the test certificates failed: $(tail -n 5 "$PKI/openssl.log")"
	make_files || tap_bail "cannot create the test files"
	rb_netns_add "$NS" || tap_bail "cannot create namespace $NS"

	downloads
	versions
	not_tls
	tls13_only
	echo_mode

	rb_stop_pid "$BIG_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tls-echo stopped cleanly on SIGTERM"
	# 2 curl fetches, the parallel ones, 3 successful s_client runs.
	tap_ge "$(counter responses)" $((2 + PARALLEL + 3)) "responses counter covers every download"
	tap_is "$(counter resumed)" 1 "one resumed handshake counted"
	tap_file_contains "$RB_RUN_DIR/server-big.log" \
		'no kernel TLS|does not use it yet' "kernel TLS probe logged"
	tap_finish
}

main
