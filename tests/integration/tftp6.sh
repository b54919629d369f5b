#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rb-tftpd over IPv6 against real clients: atftp, curl and busybox tftp.
#
# Two namespaces joined by a veth pair: <prefix>t6srv (eth0 fd00:66::1,
# fe80::1 and 10.66.0.1) runs rb-tftpd with --address 0.0.0.0, which
# binds the dual-stack socket [::]:69, and <prefix>t6cli (eth0
# fd00:66::2, fe80::2 and 10.66.0.2) runs the clients.  Downloads over
# the global and the link-local address, and over IPv4 through the same
# socket, are compared by SHA-256.  IPv6 clients that ask for blksize
# 1468 get 1448, which fits a 1500-byte MTU.  The server log must show
# the clients in their usual text form, IPv4 ones without ::ffff:.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup ipv6; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
NS_SRV="${RB_PREFIX}t6srv"
NS_CLI="${RB_PREFIX}t6cli"
SRV6=fd00:66::1
CLI6=fd00:66::2
SRV_LL=fe80::1
CLI_LL=fe80::2
SRV4=10.66.0.1
CLI4=10.66.0.2
CLIENT_TIMEOUT=60	# seconds per client run; the 3 MB file takes well under 5 s
PARALLEL=8

if ((EUID != 0)); then
	tap_skip_all "creating network namespaces needs root"
fi
for tool in ip ss atftp curl busybox sha256sum timeout; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done
if [[ ! -x "$TFTPD" ]]; then
	tap_bail "$TFTPD is missing; run 'make' first"
fi

rb_cleanup_install
rb_run_dir || tap_bail "cannot create a temporary folder"
ROOT="$RB_RUN_DIR/root"
OUT="$RB_RUN_DIR/out"
LOG="$RB_RUN_DIR/rb-tftpd.log"
mkdir -p "$ROOT" "$OUT" || tap_bail "cannot create $ROOT"

# shellcheck disable=SC2016  # expanded at cleanup
rb_on_cleanup 'if ((TAP_FAILED > 0)) && [[ -f "$LOG" ]]; then tap_diag "$(tail -n 40 "$LOG")"; fi'

in_cli() {
	ip netns exec "$NS_CLI" "$@"
}

make_files() {
	: >"$ROOT/empty.bin"
	head -c 511 /dev/urandom >"$ROOT/b511.bin"
	head -c 512 /dev/urandom >"$ROOT/b512.bin"
	head -c 513 /dev/urandom >"$ROOT/b513.bin"
	head -c $((1448 * 3)) /dev/urandom >"$ROOT/x1448.bin"
	head -c $((3 * 1024 * 1024 + 77)) /dev/urandom >"$ROOT/big.bin"
}

make_topology() {
	rb_netns_add "$NS_SRV" || return 1
	rb_netns_add "$NS_CLI" || return 1
	ip -n "$NS_SRV" link add eth0 mtu 1500 type veth peer name eth0 netns "$NS_CLI" || return 1
	rb_netns_ipv6_on "$NS_SRV" || return 1
	rb_netns_ipv6_on "$NS_CLI" || return 1
	# Only the link-local addresses below, so that the clients send from fe80::2.
	ip -n "$NS_SRV" link set eth0 addrgenmode none || return 1
	ip -n "$NS_CLI" link set eth0 addrgenmode none || return 1

	ip -n "$NS_SRV" addr add "$SRV4/24" dev eth0 || return 1
	ip -n "$NS_CLI" addr add "$CLI4/24" dev eth0 || return 1
	rb_ipv6_addr_add "$NS_SRV" eth0 "$SRV6/64" || return 1
	rb_ipv6_addr_add "$NS_SRV" eth0 "$SRV_LL/64" || return 1
	rb_ipv6_addr_add "$NS_CLI" eth0 "$CLI6/64" || return 1
	rb_ipv6_addr_add "$NS_CLI" eth0 "$CLI_LL/64" || return 1
	ip -n "$NS_SRV" link set eth0 up || return 1
	ip -n "$NS_CLI" link set eth0 up
}

# shellcheck disable=SC2317  # called through rb_wait_for
server_ready() {
	ip netns exec "$NS_SRV" ss -Hlun 2>/dev/null | grep -Eq '(\*|\[::\]):69[[:space:]]'
}

# shellcheck disable=SC2317  # called through rb_wait_for
addresses_ready() {
	local netns

	for netns in "$NS_SRV" "$NS_CLI"; do
		[[ -n "$(ip -n "$netns" -6 addr show dev eth0 scope global)" ]] || return 1
		[[ -z "$(ip -n "$netns" -6 addr show dev eth0 tentative)" ]] || return 1
	done
}

# fetch CLIENT HOST NAME OUT [CLIENT_OPTION...]: one download from HOST
# (an address, with %eth0 for a link-local one); client output in $OUT/last.txt.
fetch() {
	local client=$1 host=$2 name=$3 out=$4 url_host

	shift 4
	rm -f "$out"
	case "$client" in
	atftp)
		in_cli timeout "$CLIENT_TIMEOUT" atftp "$@" -g -r "$name" -l "$out" "$host" 69
		;;
	curl)
		# RFC 6874: a zone in a URL is written %25.
		url_host=$host
		[[ "$host" == *:* ]] && url_host="[${host/\%/%25}]"
		in_cli timeout "$CLIENT_TIMEOUT" curl -sS "$@" -o "$out" "tftp://$url_host:69/$name"
		;;
	busybox)
		in_cli timeout "$CLIENT_TIMEOUT" busybox tftp "$@" -g -r "$name" -l "$out" "$host" 69
		;;
	esac >"$OUT/last.txt" 2>&1
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# check_download DESC CLIENT HOST NAME [CLIENT_OPTION...]
check_download() {
	local desc=$1 client=$2 host=$3 name=$4 out status

	shift 4
	out="$OUT/download.$client"
	fetch "$client" "$host" "$name" "$out" "$@"
	status=$?
	if ((status != 0)); then
		tap_not_ok "$desc"
		tap_diag "$client exited with $status: $(cat "$OUT/last.txt")"
		return
	fi
	# curl creates no output file for an empty body.
	[[ -e "$out" ]] || : >"$out"
	tap_is "$(sha "$out")" "$(sha "$ROOT/$name")" "$desc"
}

downloads_global() {
	local name

	for name in empty.bin b511.bin b512.bin b513.bin x1448.bin big.bin; do
		check_download "IPv6 atftp $name" atftp "$SRV6" "$name"
		check_download "IPv6 atftp $name blksize 1468" atftp "$SRV6" "$name" \
			--option "blksize 1468"
		check_download "IPv6 busybox $name" busybox "$SRV6" "$name"
		check_download "IPv6 busybox $name blksize 1468" busybox "$SRV6" "$name" -b 1468
		check_download "IPv6 curl $name" curl "$SRV6" "$name"
		check_download "IPv6 curl $name blksize 1468" curl "$SRV6" "$name" \
			--tftp-blksize 1468
	done
}

downloads_link_local() {
	local client

	for client in atftp busybox curl; do
		check_download "IPv6 link-local $client big.bin" "$client" "$SRV_LL%eth0" big.bin
	done
}

downloads_ipv4() {
	local client

	for client in atftp busybox curl; do
		check_download "IPv4 on the dual-stack socket $client b513.bin" "$client" "$SRV4" \
			b513.bin
	done
}

missing_file() {
	local client status

	for client in atftp busybox; do
		fetch "$client" "$SRV6" missing.efi "$OUT/missing"
		tap_file_contains "$OUT/last.txt" "file not found" "IPv6 $client missing file: ERROR 1"
	done
	# curl 7.88 exits with 68 for TFTP "file not found".
	fetch curl "$SRV6" missing.efi "$OUT/missing"
	status=$?
	tap_is "$status" 68 "IPv6 curl missing file: exit status 68"
}

parallel() {
	local i pids=() failed=0 want

	want=$(sha "$ROOT/big.bin")
	for ((i = 0; i < PARALLEL; i++)); do
		in_cli timeout "$CLIENT_TIMEOUT" busybox tftp -b 1468 -g -r big.bin \
			-l "$OUT/par.$i" "$SRV6" 69 >"$OUT/par.$i.txt" 2>&1 &
		pids+=("$!")
	done
	for ((i = 0; i < PARALLEL; i++)); do
		wait "${pids[i]}" || failed=$((failed + 1))
		[[ "$(sha "$OUT/par.$i")" == "$want" ]] || failed=$((failed + 1))
	done
	tap_is "$failed" 0 "$PARALLEL parallel IPv6 downloads intact"
}

log_forms() {
	tap_file_contains "$LOG" "tftp \[$CLI6\]:[0-9]+: sent \"big.bin\"" \
		"log: global IPv6 client as [addr]:port"
	tap_file_contains "$LOG" "tftp \[$CLI_LL%eth0\]:[0-9]+: sent \"big.bin\"" \
		"log: link-local client with its zone"
	tap_file_contains "$LOG" "tftp $CLI4:[0-9]+: sent \"b513.bin\"" \
		"log: IPv4 client as a.b.c.d:port"
	if grep -q '::ffff:' "$LOG"; then
		tap_not_ok "log: no IPv4-mapped addresses"
		tap_diag "$(grep -m 3 '::ffff:' "$LOG")"
	else
		tap_ok "log: no IPv4-mapped addresses"
	fi
	tap_file_contains "$LOG" "tftp \[$CLI6\]:[0-9]+: sending \"big.bin\" .*blksize 1448," \
		"IPv6 blksize 1468 request granted 1448"
	tap_file_contains "$LOG" "tftp $CLI4:[0-9]+: sending \"b513.bin\"" \
		"IPv4 transfers still served"
}

# counter NAME: one value from the counters line rb-tftpd logs on exit.
counter() {
	grep -o "tftp counters: .*" "$LOG" | tail -n 1 | grep -Eo "\b$1=[0-9]+" | cut -d= -f2
}

main() {
	local pid

	make_files || tap_bail "cannot create the test files"
	make_topology || tap_bail "creating the namespaces $NS_SRV and $NS_CLI failed"
	rb_wait_for 10 addresses_ready || tap_bail "IPv6 addresses on eth0 not ready after 10 s"

	rb_spawn "$NS_SRV" "$LOG" "$TFTPD" --root "$ROOT" --address 0.0.0.0 --port 69 \
		--log-level debug
	pid=$RB_SPAWNED_PID
	if ! rb_wait_for 10 server_ready; then
		tap_diag "$(cat "$LOG")"
		tap_bail "rb-tftpd not listening on [::]:69 after 10 s"
	fi
	tap_file_contains "$LOG" "serving .* on \[::\]:69, IPv4 and IPv6" \
		"rb-tftpd listening on [::]:69 for IPv4 and IPv6"

	downloads_global
	downloads_link_local
	downloads_ipv4
	missing_file
	parallel
	log_forms

	rb_stop_pid "$pid" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tftpd stopped cleanly on SIGTERM"
	tap_is "$(counter timeout)" 0 "no transfer timed out"
	tap_is "$(counter active)" 0 "no transfer left active"
	tap_ge "$(counter "done")" $((6 * 6 + 3 + 3 + PARALLEL)) "done counter covers every download"
	tap_finish
}

main
