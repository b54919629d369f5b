#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TFTP protocol cases that boot firmware and real clients trip on, against
# rb-tftpd in a private network namespace on 127.0.0.1:69.  Real clients
# (atftp, curl, tftp-hpa, busybox) cover what they can produce;
# rb-tftp-probe covers losing a block, repeating ACKs and aborting after
# the OACK on purpose.
#
#   windowsize  RFC 7440 windows, the server maximum, restart after a lost block
#   rollover    a file of more than 65535 blocks of 512 bytes (block 65535 -> 0)
#   duplicate   repeated ACKs send no duplicate DATA (Sorcerer's Apprentice)
#   multiple    a size that is a multiple of blksize ends with an empty DATA
#   tsize       only when asked; tsize 0 in the request gets the real size
#   abort       ERROR after the OACK ends the transfer at once, no resend
#   backslash   Windows paths map to '/', ".." stays rejected
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
# shellcheck source=tests/lib/tftpd.sh
source tests/lib/tftpd.sh

TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
PROBE="${RB_BIN:-build}/tests/rb-tftp-probe"
NS="${RB_PREFIX}tftpedge"
SERVER=127.0.0.1
CLIENT_TIMEOUT=60	# seconds per client run; 33 MiB takes about 3 s on loopback
TIMEOUT_MS=400		# server retransmission timeout
WINDOW_MAX=16		# server windowsize maximum
ROLLOVER_SIZE=$((65536 * 512 + 2 * 512 + 77))	# 65539 blocks of 512 bytes

if ((EUID != 0)); then
	tap_skip_all "creating a network namespace needs root"
fi
for tool in ip ss atftp curl tftp busybox sha256sum timeout; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done
for tool in "$TFTPD" "$PROBE"; do
	[[ -x "$tool" ]] || tap_bail "$tool is missing; run 'make' first"
done

rb_cleanup_install
rb_run_dir || tap_bail "cannot create a temporary folder"
ROOT="$RB_RUN_DIR/root"
OUT="$RB_RUN_DIR/out"
TFTPD_LOG="$RB_RUN_DIR/rb-tftpd.log"
mkdir -p "$ROOT/boot" "$OUT" || tap_bail "cannot create $ROOT"

# shellcheck disable=SC2016  # expanded at cleanup
rb_on_cleanup 'if ((TAP_FAILED > 0)) && [[ -f "$TFTPD_LOG" ]]; then tap_diag "$(tail -n 40 "$TFTPD_LOG")"; fi'

in_ns() {
	ip netns exec "$NS" "$@"
}

make_files() {
	head -c $((3 * 1024 * 1024 + 11)) /dev/urandom >"$ROOT/mid.bin"
	head -c "$ROLLOVER_SIZE" /dev/urandom >"$ROOT/huge.bin"
	head -c $((20 * 512)) /dev/urandom >"$ROOT/m512.bin"
	head -c $((40 * 1468)) /dev/urandom >"$ROOT/m1468.bin"
	head -c 3000 /dev/urandom >"$ROOT/boot/x.efi"
	: >"$ROOT/empty.bin"
}

# shellcheck disable=SC2317  # called through rb_wait_for
server_ready() {
	in_ns ss -Hlun 2>/dev/null | grep -Eq "$SERVER:69[[:space:]]"
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# client DESC NAME OUT CLIENT [ARG...]: run a client in the namespace, its
# output in $OUT/last.txt.  NAME is the remote file, OUT the local one.
client() {
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
	tftp-hpa)
		in_ns timeout "$CLIENT_TIMEOUT" tftp "$@" "$SERVER" 69 -m binary -c get "$name" "$out"
		;;
	busybox)
		in_ns timeout "$CLIENT_TIMEOUT" busybox tftp "$@" -g -r "$name" -l "$out" "$SERVER" 69
		;;
	esac >"$OUT/last.txt" 2>&1
}

# check_download DESC CLIENT NAME FILE [ARG...]: NAME must arrive as FILE.
check_download() {
	local desc=$1 client=$2 name=$3 file=$4 out status

	shift 4
	out="$OUT/download.$client"
	client "$client" "$name" "$out" "$@"
	status=$?
	if ((status != 0)); then
		tap_not_ok "$desc"
		tap_diag "$client exited with $status: $(tail -n 5 "$OUT/last.txt")"
		return 1
	fi
	tap_is "$(sha "$out")" "$(sha "$file")" "$desc"
}

# probe [ARG...]: run rb-tftp-probe; its result line in $PROBE_OUT.
probe() {
	PROBE_OUT=$(in_ns timeout "$CLIENT_TIMEOUT" "$PROBE" --server "$SERVER" "$@" 2>"$OUT/probe.err")
	local status=$?

	if ((status != 0)); then
		tap_diag "rb-tftp-probe $* exited with $status: $(cat "$OUT/probe.err")"
	fi
	return "$status"
}

# field NAME: one key=value field of the last probe's result line.
field() {
	grep -Eo "(^| )$1=[^ ]*" <<<"$PROBE_OUT" | cut -d= -f2-
}

# remember_counters: log the counters now and keep them in BEFORE_* variables.
remember_counters() {
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"
	BEFORE_RETRANSMITS=$(tftpd_counter retransmits)
	BEFORE_ABORTED=$(tftpd_counter aborted)
	BEFORE_TIMEOUT=$(tftpd_counter timeout)
	BEFORE_TIMER_LINES=$(grep -c "retransmission [0-9]* from block" "$TFTPD_LOG")
}

# delta NAME BEFORE: how much counter NAME grew since remember_counters.
delta() {
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"
	echo $(($(tftpd_counter "$1") - $2))
}

windowsize() {
	local start_line

	check_download "window: atftp windowsize 8 intact" atftp mid.bin "$ROOT/mid.bin" \
		--option "windowsize 8" --option "blksize 1468"
	start_line=$(grep 'sending "mid.bin"' "$TFTPD_LOG" | tail -n 1)
	if [[ "$start_line" == *"windowsize 8,"* ]]; then
		tap_ok "window: server granted windowsize 8"
	else
		tap_not_ok "window: server granted windowsize 8"
		tap_diag "start line: $start_line"
	fi

	probe --file m512.bin --option windowsize=1000
	tap_is "$(field oack)" "windowsize:$WINDOW_MAX" "window: cut to the server maximum"

	# Two lost blocks: each makes the client ACK the block before it, and
	# the window must restart there without waiting for the timer.
	remember_counters
	probe --file mid.bin --out "$OUT/restart" --option windowsize=8 --option blksize=1468 \
		--drop-block 3 --drop-block 100
	tap_is "$(sha "$OUT/restart")" "$(sha "$ROOT/mid.bin")" "window: restart, data intact"
	tap_is "$(field dropped)" 2 "window: restart, two blocks lost"
	tap_is "$(field duplicates)" 0 "window: restart, no duplicate DATA"
	tap_ge "$(delta retransmits "$BEFORE_RETRANSMITS")" 2 "window: restart resent blocks"
	tap_is $(($(grep -c "retransmission [0-9]* from block" "$TFTPD_LOG") - BEFORE_TIMER_LINES)) 0 \
		"window: restart without a timeout"
}

rollover() {
	check_download "rollover: atftp" atftp huge.bin "$ROOT/huge.bin"
	check_download "rollover: atftp windowsize 16" atftp huge.bin "$ROOT/huge.bin" \
		--option "windowsize 16"
	check_download "rollover: curl" curl huge.bin "$ROOT/huge.bin" --tftp-blksize 512
	check_download "rollover: tftp-hpa" tftp-hpa huge.bin "$ROOT/huge.bin"
	check_download "rollover: busybox" busybox huge.bin "$ROOT/huge.bin"

	# Blocks 65536 (0 on the wire) and 65537 lost in a window across the wrap.
	probe --file huge.bin --out "$OUT/wrap" --option windowsize=16 --drop-block 65536 \
		--drop-block 65537
	tap_is "$(sha "$OUT/wrap")" "$(sha "$ROOT/huge.bin")" "rollover: lost block 0 resent"
	tap_is "$(field blocks)" 65539 "rollover: 65539 blocks"
}

duplicate_acks() {
	local window

	for window in 1 8; do
		remember_counters
		probe --file mid.bin --out "$OUT/dup" --option windowsize="$window" --ack-copies 3
		tap_is "$(sha "$OUT/dup")" "$(sha "$ROOT/mid.bin")" \
			"duplicate: windowsize $window, data intact"
		tap_is "$(field duplicates)" 0 "duplicate: windowsize $window, no duplicate DATA"
		tap_is "$(delta retransmits "$BEFORE_RETRANSMITS")" 0 \
			"duplicate: windowsize $window, nothing resent"
	done
}

exact_multiple() {
	probe --file m512.bin
	tap_is "$(field blocks) $(field last_len)" "21 0" "multiple: 20 x 512 ends with empty block 21"
	probe --file m512.bin --option windowsize=4
	tap_is "$(field blocks) $(field last_len)" "21 0" "multiple: same with windowsize 4"
	probe --file m1468.bin --option blksize=1468
	tap_is "$(field blocks) $(field last_len)" "41 0" "multiple: 40 x 1468 ends with empty block 41"
	check_download "multiple: tftp-hpa 20 x 512" tftp-hpa m512.bin "$ROOT/m512.bin"
	check_download "multiple: atftp 40 x 1468" atftp m1468.bin "$ROOT/m1468.bin" \
		--option "blksize 1468"
}

tsize() {
	local size

	size=$(stat -c %s "$ROOT/mid.bin")
	probe --file mid.bin --option blksize=1024 --abort-after-oack --quiet-ms 0
	tap_is "$(field oack)" "blksize:1024" "tsize: not sent unless requested"
	probe --file mid.bin --option tsize=0 --abort-after-oack --quiet-ms 0
	tap_is "$(field oack)" "tsize:$size" "tsize: 0 answered with the real size"
	probe --file mid.bin --option tsize=5 --abort-after-oack --quiet-ms 0
	tap_is "$(field oack)" "tsize:$size" "tsize: wrong size answered with the real one"

	# atftp prints the OACK it received in trace mode.
	client atftp mid.bin "$OUT/tsize" --trace --option "tsize 0"
	tap_file_contains "$OUT/last.txt" "received OACK <tsize: $size," "tsize: atftp receives the size"
	# curl 7.88 sends tsize with every request and rejects tsize 0, so an
	# empty file gets no tsize, and with no other option DATA 1 at once.
	probe --file empty.bin --option tsize=0
	tap_is "$(field oack) $(field blocks)" "none 1" "tsize: empty file gets DATA 1 at once"
}

abort_after_oack() {
	remember_counters
	# The quiet time spans three retransmission timeouts of the server.
	probe --file mid.bin --option tsize=0 --option blksize=1468 --abort-after-oack \
		--quiet-ms $((3 * TIMEOUT_MS + 300))
	tap_is "$(field after_abort)" 0 "abort: nothing sent after the ERROR"
	tap_is "$(delta aborted "$BEFORE_ABORTED")" 1 "abort: counted as aborted"
	tap_is "$(delta timeout "$BEFORE_TIMEOUT")" 0 "abort: not counted as timeout"
	tap_is "$(delta retransmits "$BEFORE_RETRANSMITS")" 0 "abort: no retransmission"
	tap_is "$(tftpd_counter active)" 0 "abort: no transfer left active"
}

backslash() {
	local client

	for client in atftp tftp-hpa busybox curl; do
		check_download "backslash: $client \\boot\\x.efi" "$client" '\boot\x.efi' \
			"$ROOT/boot/x.efi"
	done
	for client in atftp tftp-hpa busybox; do
		client "$client" '..\..\etc\passwd' "$OUT/escape"
		if grep -q 'access violation: ".." in the file name' "$OUT/last.txt" &&
			! grep -qs 'root:' "$OUT/escape"; then
			tap_ok "backslash: $client ..\\..\\etc\\passwd rejected"
		else
			tap_not_ok "backslash: $client ..\\..\\etc\\passwd rejected"
			tap_diag "$(cat "$OUT/last.txt")"
		fi
	done
}

main() {
	make_files || tap_bail "cannot create the test files"
	rb_netns_add "$NS" || tap_bail "cannot create namespace $NS"
	rb_spawn "$NS" "$TFTPD_LOG" "$TFTPD" --root "$ROOT" --address "$SERVER" --port 69 \
		--timeout-ms "$TIMEOUT_MS" --windowsize-max "$WINDOW_MAX" --log-level debug
	TFTPD_PID=$RB_SPAWNED_PID
	if ! rb_wait_for 10 server_ready; then
		tap_diag "$(cat "$TFTPD_LOG")"
		tap_bail "rb-tftpd not listening on $SERVER:69 after 10 s"
	fi

	windowsize
	rollover
	duplicate_acks
	exact_multiple
	tsize
	abort_after_oack
	backslash

	rb_stop_pid "$TFTPD_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tftpd stopped cleanly on SIGTERM"
	tap_is "$(tftpd_counter timeout)" 0 "no transfer timed out"
	tap_finish
}

main
