#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rb-tftpd (the TFTP server alone) against real clients: atftp, curl and
# busybox tftp, in a private network namespace on 127.0.0.1:69.
#
# Downloads of 0, 511, 512, 513 bytes, an exact multiple of 1468 and a few
# MB are compared by SHA-256, with and without the blksize and tsize
# options.  Path traversal, a symlink out of the root, a missing file and
# write requests must fail with the right TFTP error.  A flood of requests
# for missing files must be counted in full but logged in a few lines.
# Parallel downloads and the server's counters at the end close the run.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
# shellcheck source=tests/lib/tftpd.sh
source tests/lib/tftpd.sh

TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
NS="${RB_PREFIX}tftp"
SERVER=127.0.0.1
CLIENT_TIMEOUT=60	# seconds per client run; a 3 MB file takes well under 5 s
PARALLEL=16
FLOOD=480		# read requests for missing files, sent in batches
FLOOD_BATCH=16		# the server's ERROR reply slots, so none is dropped
FLOOD_LOG_MAX=3		# log lines the flood may cause

if ((EUID != 0)); then
	tap_skip_all "creating a network namespace needs root"
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
TFTPD_LOG=$LOG
mkdir -p "$ROOT/boot/efi" "$OUT" || tap_bail "cannot create $ROOT"

# Show the end of the server log when a check failed (expanded at cleanup).
# shellcheck disable=SC2016
rb_on_cleanup 'if ((TAP_FAILED > 0)) && [[ -f "$LOG" ]]; then tap_diag "$(tail -n 40 "$LOG")"; fi'

in_ns() {
	ip netns exec "$NS" "$@"
}

make_files() {
	: >"$ROOT/empty.bin"
	head -c 511 /dev/urandom >"$ROOT/b511.bin"
	head -c 512 /dev/urandom >"$ROOT/b512.bin"
	head -c 513 /dev/urandom >"$ROOT/b513.bin"
	head -c $((1468 * 3)) /dev/urandom >"$ROOT/x1468.bin"
	head -c $((3 * 1024 * 1024 + 123)) /dev/urandom >"$ROOT/big.bin"
	head -c 2000 /dev/urandom >"$ROOT/boot/efi/grubx64.efi"
	printf 'line one\nline two\r\nend' >"$ROOT/text.txt"
	printf 'outside the root\n' >"$RB_RUN_DIR/secret.txt"
	ln -s ../secret.txt "$ROOT/escape"
	ln -s /etc/passwd "$ROOT/abs-escape"
}

# shellcheck disable=SC2317  # called through rb_wait_for
server_ready() {
	in_ns ss -Hlun 2>/dev/null | grep -Eq "$SERVER:69[[:space:]]"
}

# fetch CLIENT NAME OUT [CLIENT_OPTION...]: one download; output in $OUT/last.txt.
fetch() {
	local client=$1 name=$2 out=$3

	shift 3
	rm -f "$out"
	case "$client" in
	atftp)
		in_ns timeout "$CLIENT_TIMEOUT" atftp "$@" -g -r "$name" -l "$out" "$SERVER" 69
		;;
	curl)
		in_ns timeout "$CLIENT_TIMEOUT" curl -sS --path-as-is "$@" -o "$out" \
			"tftp://$SERVER:69/$name"
		;;
	busybox)
		in_ns timeout "$CLIENT_TIMEOUT" busybox tftp "$@" -g -r "$name" -l "$out" "$SERVER" 69
		;;
	esac >"$OUT/last.txt" 2>&1
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# check_download DESC CLIENT NAME [CLIENT_OPTION...]: NAME under the root.
check_download() {
	local desc=$1 client=$2 name=$3

	shift 3
	check_download_as "$desc" "$client" "$name" "$ROOT/$name" "$@"
}

# check_download_as DESC CLIENT NAME FILE [CLIENT_OPTION...]: request NAME,
# expect the content of FILE.
check_download_as() {
	local desc=$1 client=$2 name=$3 file=$4 out status

	shift 4
	out="$OUT/download.$client"
	fetch "$client" "$name" "$out" "$@"
	status=$?
	if ((status != 0)); then
		tap_not_ok "$desc"
		tap_diag "$client exited with $status: $(cat "$OUT/last.txt")"
		return
	fi
	# curl creates no output file for an empty body.
	[[ -e "$out" ]] || : >"$out"
	tap_is "$(sha "$out")" "$(sha "$file")" "$desc"
}

# check_rejected DESC CLIENT NAME PATTERN CURL_STATUS: the download must
# fail and leave no data from outside the root.  atftp and busybox print
# the server's ERROR message, which must match PATTERN.  curl 7.88 prints
# an unrelated getpeername() message, so for curl the exit status must be
# CURL_STATUS (68 file not found, 69 access violation).
check_rejected() {
	local desc=$1 client=$2 name=$3 pattern=$4 curl_status=$5 out status

	out="$OUT/rejected.$client"
	fetch "$client" "$name" "$out"
	status=$?
	if ((status == 0)); then
		tap_not_ok "$desc"
		tap_diag "$client succeeded for '$name'"
	elif [[ "$client" == curl && "$status" != "$curl_status" ]]; then
		tap_not_ok "$desc"
		tap_diag "curl exited with $status, expected $curl_status: $(cat "$OUT/last.txt")"
	elif [[ "$client" != curl ]] && ! grep -Eq -- "$pattern" "$OUT/last.txt"; then
		tap_not_ok "$desc"
		tap_diag "client output does not match '$pattern': $(cat "$OUT/last.txt")"
	elif [[ -s "$out" ]] && grep -q 'outside the root\|root:' "$out"; then
		tap_not_ok "$desc"
		tap_diag "$out holds data from outside the root"
	else
		tap_ok "$desc"
	fi
}

downloads() {
	local name

	for name in empty.bin b511.bin b512.bin b513.bin x1468.bin big.bin; do
		check_download "atftp $name" atftp "$name"
		check_download "atftp $name blksize 1468" atftp "$name" --option "blksize 1468"
		check_download "atftp $name tsize 0" atftp "$name" --option "tsize 0"
		check_download "busybox $name" busybox "$name"
		check_download "busybox $name blksize 1468" busybox "$name" -b 1468
		# curl sends tsize with its default options.  For empty.bin the
		# server leaves tsize out of the OACK, because curl 7.88 fails
		# with exit status 71 on tsize 0.
		check_download "curl $name blksize 1468" curl "$name" --tftp-blksize 1468
		check_download "curl $name" curl "$name"
	done

	check_download "absolute path in subfolder" busybox /boot/efi/grubx64.efi
	check_download_as "backslash path" atftp 'boot\efi\grubx64.efi' "$ROOT/boot/efi/grubx64.efi"
}

rejections() {
	local client name

	for client in atftp busybox curl; do
		for name in ../etc/passwd /../../etc/passwd escape abs-escape; do
			check_rejected "$client $name access violation" "$client" "$name" \
				"access violation" 69
		done
		check_rejected "$client missing file" "$client" missing.efi "file not found" 68
	done
}

write_requests() {
	local up="$OUT/upload.txt"

	echo upload >"$up"
	in_ns timeout "$CLIENT_TIMEOUT" atftp -p -l "$up" -r upload.txt "$SERVER" 69 >"$OUT/last.txt" 2>&1
	tap_file_contains "$OUT/last.txt" "write requests are not accepted" "atftp write rejected"
	in_ns timeout "$CLIENT_TIMEOUT" busybox tftp -p -l "$up" -r upload.txt "$SERVER" 69 \
		>"$OUT/last.txt" 2>&1
	tap_file_contains "$OUT/last.txt" "write requests are not accepted" "busybox write rejected"
	if [[ -e "$ROOT/upload.txt" ]]; then
		tap_not_ok "no file written to the root"
	else
		tap_ok "no file written to the root"
	fi
}

netascii() {
	local out="$OUT/text.netascii"

	# curl sends mode netascii and stores the bytes as they arrive.
	fetch curl 'text.txt;mode=netascii' "$out"
	tap_is "$(od -An -c "$out" | tr -s ' \n' ' ')" \
		"$(printf 'line one\r\nline two\r\0\r\nend' | od -An -c | tr -s ' \n' ' ')" \
		"curl netascii line ends converted"
}

parallel() {
	local i pids=() failed=0 want

	want=$(sha "$ROOT/big.bin")
	for ((i = 0; i < PARALLEL; i++)); do
		in_ns timeout "$CLIENT_TIMEOUT" busybox tftp -b 1468 -g -r big.bin \
			-l "$OUT/par.$i" "$SERVER" 69 >"$OUT/par.$i.txt" 2>&1 &
		pids+=("$!")
	done
	for ((i = 0; i < PARALLEL; i++)); do
		wait "${pids[i]}" || failed=$((failed + 1))
		[[ "$(sha "$OUT/par.$i")" == "$want" ]] || failed=$((failed + 1))
	done
	tap_is "$failed" 0 "$PARALLEL parallel downloads intact"
}

escaped_log() {
	fetch atftp $'bad\001name' "$OUT/bad" || true
	tap_file_contains "$LOG" 'request for "bad\\x01name" rejected with ERROR 1' \
		"control byte escaped in the log"
}

# shellcheck disable=SC2317  # called through rb_wait_for
rrq_reached() {
	tftpd_counters_now && (($(tftpd_counter rrq) >= $1))
}

# send_missing_requests FIRST COUNT: RRQs for missing-FIRST.efi onwards,
# each from a new socket that closes at once, so no client reads the ERROR.
send_missing_requests() {
	# shellcheck disable=SC2016  # the inner shell expands $1 and $2
	in_ns bash -c '
		for ((i = $1; i < $1 + $2; i++)); do
			printf "\0\001missing-%d.efi\0octet\0" "$i" >/dev/udp/127.0.0.1/69
		done' flood "$1" "$2"
}

flood_log() {
	local rrq error lines sent

	# Summaries of the earlier checks come at the next flush, within 1 s.
	sleep 1.2
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"
	rrq=$(tftpd_counter rrq)
	error=$(tftpd_counter error)
	lines=$(wc -l <"$LOG")

	for ((sent = 0; sent < FLOOD; sent += FLOOD_BATCH)); do
		send_missing_requests "$sent" "$FLOOD_BATCH"
		rb_wait_for 5 rrq_reached $((rrq + sent + FLOOD_BATCH)) ||
			tap_diag "rrq stayed at $(tftpd_counter rrq) after $((sent + FLOOD_BATCH)) requests"
	done
	# rb-tftpd logs the summaries of repeated lines once a second.
	sleep 1.5
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"

	tap_is "$(tftpd_counter rrq)" $((rrq + FLOOD)) "flood: every request counted"
	tap_is "$(tftpd_counter error)" $((error + FLOOD)) "flood: every ERROR counted"
	tail -n +$((lines + 1)) "$LOG" | grep -v "tftp counters: " >"$OUT/flood.log"
	if (($(wc -l <"$OUT/flood.log") <= FLOOD_LOG_MAX)); then
		tap_ok "flood: at most $FLOOD_LOG_MAX log lines"
	else
		tap_not_ok "flood: at most $FLOOD_LOG_MAX log lines"
		tap_diag "$(wc -l <"$OUT/flood.log") lines, starting with:"
		tap_diag "$(head -n 10 "$OUT/flood.log")"
	fi
	tap_file_contains "$OUT/flood.log" "requests for missing files: [0-9]+ more since" \
		"flood: summary line logged"
}

main() {
	make_files || tap_bail "cannot create the test files"
	rb_netns_add "$NS" || tap_bail "cannot create namespace $NS"
	rb_spawn "$NS" "$LOG" "$TFTPD" --root "$ROOT" --address "$SERVER" --port 69 --log-level debug
	TFTPD_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 10 server_ready; then
		tap_diag "$(cat "$LOG")"
		tap_bail "rb-tftpd not listening on $SERVER:69 after 10 s"
	fi
	tap_ok "rb-tftpd listening"

	# Only the first missing file of the run is logged in full, so this goes first.
	escaped_log
	downloads
	rejections
	write_requests
	netascii
	flood_log
	parallel

	rb_stop_pid "$TFTPD_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tftpd stopped cleanly on SIGTERM"
	tap_is "$(tftpd_counter timeout)" 0 "no transfer timed out"
	tap_is "$(tftpd_counter active)" 0 "no transfer left active"
	# 6 files by 7 client runs, 2 paths, netascii, parallel.
	tap_ge "$(tftpd_counter "done")" $((6 * 7 + 2 + 1 + PARALLEL)) "done counter covers every download"
	tap_finish
}

main
