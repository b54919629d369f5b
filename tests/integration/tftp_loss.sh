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

TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
PROBE="${RB_BIN:-build}/tests/rb-tftp-probe"
LOSS_OBJ="${RB_BIN:-build}/tests/loss.bpf.o"
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
for file in "$TFTPD" "$PROBE" "$LOSS_OBJ"; do
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

# attach_loss: load loss.bpf.o once into the private bpffs, set the share,
# and attach its two programs to the client's eth0.
attach_loss() {
	local ppm=$LOSS_PER_MILLION obj

	rb_bpffs_mount "$BPFFS" || return 1
	obj=$(realpath "$LOSS_OBJ") || return 1
	# libbpf 1.1 turns every '.' of a map pin path into '_', and the run
	# folder's name has one, so bpftool gets paths relative to the bpffs.
	(cd "$BPFFS" && bpftool prog loadall "$obj" loss pinmaps maps) || return 1
	# The map value is a little-endian u32.
	bpftool map update pinned "$BPFFS/maps/loss_config" key 0 0 0 0 value \
		$((ppm & 255)) $((ppm >> 8 & 255)) $((ppm >> 16 & 255)) $((ppm >> 24)) || return 1
	ip -n "$NS_CLI" link set dev eth0 xdpdrv pinned "$BPFFS/loss/loss_xdp" || return 1
	tc -n "$NS_CLI" qdisc add dev eth0 clsact || return 1
	tc -n "$NS_CLI" filter add dev eth0 egress bpf direct-action \
		object-pinned "$BPFFS/loss/loss_tc"
}

# loss_count INDEX: one loss_counts entry summed over the CPUs
# (0 arriving, 1 arriving dropped, 2 leaving, 3 leaving dropped).
loss_count() {
	bpftool -j map lookup pinned "$BPFFS/maps/loss_counts" key "$1" 0 0 0 |
		jq '[.formatted.values[].value] | add'
}

# shellcheck disable=SC2317  # called through rb_wait_for
server_ready() {
	ip netns exec "$NS_SRV" ss -Hlun 2>/dev/null | grep -Eq "$SERVER:69[[:space:]]"
}

# atftp_download OUT FILE [ARG...]: one atftp download, tried a second
# time when atftp aborted on a repeated OACK.  atftp 0.8.0 aborts when its
# ACK of the OACK is lost and the server sends the OACK again after its
# timeout.  The server cannot tell a lost ACK from a lost OACK, so the
# retry belongs to the client side.
atftp_download() {
	local out=$1 file=$2 try

	shift 2
	for try in 1 2; do
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" atftp --tftp-timeout 1 "$@" \
			-g -r "$file" -l "$out" "$SERVER" 69 && return 0
		grep -q "unexpected OACK" "$out.txt" 2>/dev/null || return 1
		echo "atftp: retry $try after an unexpected OACK"
	done
	return 1
}

# start NAME CLIENT FILE [ARG...]: start one download in the background.
# Its output goes to $OUT/NAME and its messages to $OUT/NAME.txt.
start() {
	local name=$1 client=$2 file=$3 out

	shift 3
	out="$OUT/$name"
	case "$client" in
	atftp)
		atftp_download "$out" "$file" "$@"
		;;
	curl)
		# curl 7.88 with options requests timeout 6, which makes the server
		# wait 6 s per lost packet.  Without options the 100 ms apply.
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" curl -sS --tftp-no-options \
			--connect-timeout 5 "$@" -o "$out" "tftp://$SERVER/$file"
		;;
	tftp-hpa)
		printf 'binary\nrexmt 1\ntimeout %s\nget %s %s\n' "$RUN_TIMEOUT" "$file" "$out" |
			ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" tftp "$SERVER" 69
		;;
	busybox)
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" busybox tftp "$@" \
			-g -r "$file" -l "$out" "$SERVER" 69
		;;
	probe)
		ip netns exec "$NS_CLI" timeout "$RUN_TIMEOUT" "$PROBE" --server "$SERVER" \
			--file "$file" --out "$out" "$@"
		;;
	esac >"$OUT/$name.txt" 2>&1 &
	NAMES+=("$name")
	FILES+=("$file")
	PIDS+=("$!")
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# finish: wait for every download and check its file.
finish() {
	local i status

	for ((i = 0; i < ${#PIDS[@]}; i++)); do
		wait "${PIDS[i]}"
		status=$?
		if ((status != 0)); then
			tap_not_ok "${NAMES[i]} intact"
			tap_diag "exit status $status: $(tail -n 5 "$OUT/${NAMES[i]}.txt")"
			continue
		fi
		tap_is "$(sha "$OUT/${NAMES[i]}")" "$(sha "$ROOT/${FILES[i]}")" "${NAMES[i]} intact"
		if grep -q "^atftp: retry" "$OUT/${NAMES[i]}.txt"; then
			tap_diag "${NAMES[i]}: $(grep "^atftp: retry" "$OUT/${NAMES[i]}.txt")"
		fi
	done
}

main() {
	local started elapsed

	make_files || tap_bail "cannot create the test files"
	make_link || tap_bail "cannot create the namespaces and the veth pair"
	attach_loss || tap_bail "cannot attach $LOSS_OBJ to eth0 in $NS_CLI"
	rb_spawn "$NS_SRV" "$TFTPD_LOG" "$TFTPD" --root "$ROOT" --address "$SERVER" --port 69 \
		--timeout-ms "$SERVER_TIMEOUT_MS" --retries 10 --windowsize-max 16
	TFTPD_PID=$RB_SPAWNED_PID
	rb_wait_for 10 server_ready || tap_bail "rb-tftpd not listening on $SERVER:69 after 10 s"

	NAMES=() FILES=() PIDS=()
	started=$SECONDS
	start "atftp-1468" atftp two.bin --option "blksize 1468"
	start "atftp-1468-window8" atftp two.bin --option "blksize 1468" --option "windowsize 8"
	start "atftp-512-window4" atftp one.bin --option "windowsize 4"
	start "curl-512" curl one.bin
	start "tftp-hpa-512" tftp-hpa one.bin
	start "busybox-1468" busybox two.bin -b 1468
	start "busybox-512" busybox one.bin
	start "probe-1468-window16" probe two.bin --option blksize=1468 --option windowsize=16
	start "probe-512-window4" probe one.bin --option windowsize=4
	finish
	elapsed=$((SECONDS - started))
	tap_diag "downloads took $elapsed s"

	tap_ge "$(loss_count 1)" 1 "arriving packets were dropped"
	tap_ge "$(loss_count 3)" 1 "leaving packets were dropped"
	tap_diag "dropped $(loss_count 1) of $(loss_count 0) arriving and" \
		"$(loss_count 3) of $(loss_count 2) leaving UDP packets"
	tftpd_counters_now || tap_bail "rb-tftpd did not log its counters on SIGUSR1"
	tap_ge "$(tftpd_counter retransmits)" 1 "server retransmitted"
	tap_diag "server counters: $(grep -o 'tftp counters: .*' "$TFTPD_LOG" | tail -n 1)"

	rb_stop_pid "$TFTPD_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rb-tftpd stopped cleanly on SIGTERM"
	tap_finish
}

main
