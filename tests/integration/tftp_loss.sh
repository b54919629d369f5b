#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TFTP over a lossy link: rb-tftpd in one namespace, the clients in
# another, joined by a veth pair that drops 2 % of the UDP packets in each
# direction at random.  The test kernel has no netem qdisc, so
# build/tests/loss.bpf.o does the dropping on the client's veth: loss_xdp
# for arriving DATA and OACK, loss_tc on clsact egress for leaving
# requests and ACKs.
#
# Several clients (atftp, curl, tftp-hpa, busybox and rb-tftp-probe)
# fetch files of 1 to 2 MiB at the same time, with blksize 512 and 1468,
# in lock-step and with windowsize 4 to 16.  Every file must arrive
# intact, and the drop counters must show that packets were lost both
# ways.  The server retransmits after 100 ms (doubled per retry), so that
# the downloads take 10 to 15 s; each client is bounded by RUN_TIMEOUT.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh
# shellcheck source=tests/lib/tftpd.sh
source tests/lib/tftpd.sh
# shellcheck source=tests/lib/loss.sh
source tests/lib/loss.sh
# shellcheck source=tests/lib/tftp_downloads.sh
source tests/lib/tftp_downloads.sh

TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
PROBE="${RB_BIN:-build}/tests/rb-tftp-probe"
NS_SRV="${RB_PREFIX}losssrv"
NS_CLI="${RB_PREFIX}losscli"
SERVER=10.215.0.1
CLIENT=10.215.0.2
LOSS_PER_MILLION=20000	# 2 % of the UDP packets, each direction
RUN_TIMEOUT=50		# seconds for all transfers together
SERVER_TIMEOUT_MS=100

if ((EUID != 0)); then
	tap_skip_all "creating network namespaces and attaching BPF programs needs root"
fi
for tool in ip tc bpftool jq atftp curl tftp busybox sha256sum timeout; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done
for file in "$TFTPD" "$PROBE" "$RB_LOSS_OBJ"; do
	[[ -e "$file" ]] || tap_bail "$file is missing; run 'make' first"
done

rb_cleanup_install
rb_run_dir || tap_bail "cannot create a temporary folder"
ROOT="$RB_RUN_DIR/root"
OUT="$RB_RUN_DIR/out"
BPFFS="$RB_RUN_DIR/bpffs"
TFTPD_LOG="$RB_RUN_DIR/rb-tftpd.log"
mkdir -p "$ROOT" "$OUT" || tap_bail "cannot create $ROOT"

# shellcheck disable=SC2016  # expanded at cleanup
rb_on_cleanup 'if ((TAP_FAILED > 0)) && [[ -f "$TFTPD_LOG" ]]; then tap_diag "$(tail -n 30 "$TFTPD_LOG")"; fi'

make_files() {
	head -c $((2 * 1024 * 1024 + 333)) /dev/urandom >"$ROOT/two.bin"
	head -c $((1024 * 1024 + 77)) /dev/urandom >"$ROOT/one.bin"
}

make_link() {
	rb_netns_add "$NS_SRV" || return 1
	rb_netns_add "$NS_CLI" || return 1
	ip -n "$NS_SRV" link add veth0 type veth peer name eth0 netns "$NS_CLI" || return 1
	ip -n "$NS_SRV" addr add "$SERVER/24" dev veth0 || return 1
	ip -n "$NS_CLI" addr add "$CLIENT/24" dev eth0 || return 1
	ip -n "$NS_SRV" link set veth0 up || return 1
	ip -n "$NS_CLI" link set eth0 up
}

# shellcheck disable=SC2317  # called through rb_wait_for
server_ready() {
	ip netns exec "$NS_SRV" ss -Hlun 2>/dev/null | grep -Eq "$SERVER:69[[:space:]]"
}

main() {
	local started elapsed

	make_files || tap_bail "cannot create the test files"
	make_link || tap_bail "cannot create the namespaces and the veth pair"
	rb_loss_attach "$BPFFS" "$NS_CLI" eth0 "$LOSS_PER_MILLION" ||
		tap_bail "cannot attach $RB_LOSS_OBJ to eth0 in $NS_CLI"
	rb_spawn "$NS_SRV" "$TFTPD_LOG" "$TFTPD" --root "$ROOT" --address "$SERVER" --port 69 \
		--timeout-ms "$SERVER_TIMEOUT_MS" --retries 10 --windowsize-max 16
	TFTPD_PID=$RB_SPAWNED_PID
	rb_wait_for 10 server_ready || tap_bail "rb-tftpd not listening on $SERVER:69 after 10 s"

	NAMES=() FILES=() PIDS=()
	started=$SECONDS
	dl_start "atftp-1468" atftp two.bin --option "blksize 1468"
	dl_start "atftp-1468-window8" atftp two.bin --option "blksize 1468" --option "windowsize 8"
	dl_start "atftp-512-window4" atftp one.bin --option "windowsize 4"
	dl_start "curl-512" curl one.bin
	dl_start "tftp-hpa-512" tftp-hpa one.bin
	dl_start "busybox-1468" busybox two.bin -b 1468
	dl_start "busybox-512" busybox one.bin
	dl_start "probe-1468-window16" probe two.bin --option blksize=1468 --option windowsize=16
	dl_start "probe-512-window4" probe one.bin --option windowsize=4
	dl_finish
	elapsed=$((SECONDS - started))
	tap_diag "downloads took $elapsed s"

	tap_ge "$(rb_loss_count "$BPFFS" 1)" 1 "arriving packets were dropped"
	tap_ge "$(rb_loss_count "$BPFFS" 3)" 1 "leaving packets were dropped"
	tap_diag "dropped $(rb_loss_count "$BPFFS" 1) of $(rb_loss_count "$BPFFS" 0) arriving and" \
		"$(rb_loss_count "$BPFFS" 3) of $(rb_loss_count "$BPFFS" 2) leaving UDP packets"
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"
	tap_ge "$(tftpd_counter retransmits)" 1 "server retransmitted"
	tap_diag "server counters: $(grep -o 'tftp counters: .*' "$TFTPD_LOG" | tail -n 1)"

	rb_stop_pid "$TFTPD_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tftpd stopped cleanly on SIGTERM"
	tap_finish
}

main
