#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootd's TFTP over a lossy link, with transfers handed to XDP.
# rackbootd runs on rb0 with the XDP program and its block store.  The
# clients' eth0 drops 2 % of the UDP packets in each direction
# (tests/lib/loss.sh: loss_xdp for arriving DATA, loss_tc for leaving
# requests and ACKs).
#
# atftp, curl, tftp-hpa and busybox fetch files at the same time, all with
# windowsize 1, so every transfer goes to XDP.  Their ACKs come from
# sockets, which veth hands to XDP in buffers without room for DATA:
# XDP moves the transfer on and passes the ACK up (pass_tftp_no_room),
# and rackbootd sends the DATA and retransmits after losses.  Every file
# must arrive intact, XDP must have seen the transfers' ACKs, and
# rackbootd must end every transfer, done or abandoned, with no entry
# left in rb_tftp_xfers.  DATA from XDP itself over a lossy link is
# checked by tftp_xdp.sh, whose client sends its ACKs with XDP_TX.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot loss tftp_downloads; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

NS_CLI="${RB_PREFIX}cl"
PROBE="$RB_BIN/tests/rb-tftp-probe"
LOSS_PER_MILLION=20000	# 2 % of the UDP packets, each direction
RETRANSMIT_MS=200	# rackbootd's tftp/retransmit-timeout, so that a loss costs 200 ms
RUN_TIMEOUT=60		# seconds per client
CLIENTS=5

# xdp_stat NAME: one XDP counter.
xdp_stat() {
	rb_stat "$PIN" xdp "$1"
}

setup() {
	local mac addr edit

	for tool in tc bpftool jq atftp curl tftp busybox sha256sum timeout; do
		command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
	done
	rb_suite_setup "$RB_LOSS_OBJ" "$PROBE"
	edit=".tftp.\"retransmit-timeout\" = $RETRANSMIT_MS | .tftp.retries = 10"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$edit" || tap_bail "writing the test config failed"
	mac=$(rb_cfg '.inventory.device[0].mac' "$CONFIG")
	addr=$(rb_cfg '.inventory.device[0]."ipv4-address"' "$CONFIG")
	ROOT=$TFTP_ROOT
	OUT="$RB_RUN_DIR/out"
	SERVER=$RB_SRV_ADDR
	mkdir -p "$OUT" || tap_bail "creating $OUT failed"

	# 512 KiB + 300 bytes, and 256 KiB exactly: at blksize 512 the second ends with an empty block.
	head -c $((512 * 1024 + 300)) /dev/urandom >"$ROOT/half.bin" || tap_bail "writing half.bin failed"
	head -c $((256 * 1024)) /dev/urandom >"$ROOT/quarter.bin" || tap_bail "writing quarter.bin failed"

	rb_netns_add "$RB_NS_SRV" || tap_bail "creating the server namespace failed"
	rb_netns_add "$NS_CLI" || tap_bail "creating the client namespace failed"
	ip -n "$RB_NS_SRV" link add "$RB_SRV_IF" type veth peer name eth0 netns "$NS_CLI" ||
		tap_bail "creating the veth pair failed"
	ip -n "$NS_CLI" link set eth0 address "$mac" || tap_bail "setting the client MAC failed"
	ip -n "$RB_NS_SRV" addr add "$RB_SRV_ADDR/$RB_SRV_PREFIXLEN" dev "$RB_SRV_IF" ||
		tap_bail "adding the rb0 address failed"
	ip -n "$NS_CLI" addr add "$addr/$RB_SRV_PREFIXLEN" dev eth0 ||
		tap_bail "adding the client address failed"
	# loss_xdp is also the XDP program that lets rb0's XDP_TX frames reach eth0.
	rb_loss_attach "$BPFFS" "$NS_CLI" eth0 "$LOSS_PER_MILLION" ||
		tap_bail "attaching $RB_LOSS_OBJ to eth0 in $NS_CLI failed"
	ip -n "$RB_NS_SRV" link set "$RB_SRV_IF" up || tap_bail "setting rb0 up failed"
	ip -n "$NS_CLI" link set eth0 up || tap_bail "setting eth0 up failed"
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# userspace_ended N: exit 0 when rackbootd ended N transfers, done or abandoned.
# shellcheck disable=SC2317  # called through rb_wait_for
userspace_ended() {
	local done timeout

	done=$(rb_stat "$PIN" userspace tftp_done)
	timeout=$(rb_stat "$PIN" userspace tftp_timeout)
	((done + timeout >= $1))
}

main() {
	local seen0 room0 data0 final0 entries started

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "XDP serves octet transfers" \
		"rackbootd hands transfers to XDP"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "$RETRANSMIT_MS ms" \
		"rackbootd took tftp/retransmit-timeout from the config"

	room0=$(xdp_stat pass_tftp_no_room)
	data0=$(xdp_stat tx_tftp_data)
	final0=$(xdp_stat tftp_done)
	seen0=$(rb_stat "$PIN" userspace tftp_rrq)

	NAMES=() FILES=() PIDS=()
	started=$SECONDS
	dl_start "atftp-1468" atftp half.bin --option "blksize 1468"
	dl_start "atftp-512" atftp quarter.bin
	# Without options curl requests no timeout, so rackbootd's 200 ms apply.
	dl_start "curl-512" curl half.bin
	dl_start "tftp-hpa-512" tftp-hpa quarter.bin
	dl_start "busybox-1468" busybox half.bin -b 1468
	dl_finish
	tap_diag "downloads took $((SECONDS - started)) s"

	tap_ge "$(rb_loss_count "$BPFFS" 1)" 1 "arriving packets were dropped"
	tap_ge "$(rb_loss_count "$BPFFS" 3)" 1 "leaving packets were dropped"
	tap_diag "dropped $(rb_loss_count "$BPFFS" 1) of $(rb_loss_count "$BPFFS" 0) arriving and" \
		"$(rb_loss_count "$BPFFS" 3) of $(rb_loss_count "$BPFFS" 2) leaving UDP packets"

	tap_is "$(($(rb_stat "$PIN" userspace tftp_rrq) - seen0))" "$CLIENTS" \
		"rackbootd took one read request per client"
	tap_check "rackbootd ended every transfer" rb_wait_for 15 userspace_ended "$CLIENTS"
	tap_diag "XDP: pass_tftp_no_room +$(($(xdp_stat pass_tftp_no_room) - room0))," \
		"tx_tftp_data +$(($(xdp_stat tx_tftp_data) - data0))," \
		"tftp_done +$(($(xdp_stat tftp_done) - final0)); rackbootd:" \
		"tftp_done $(rb_stat "$PIN" userspace tftp_done)," \
		"tftp_timeout $(rb_stat "$PIN" userspace tftp_timeout)"
	# Each file has at least 512 blocks of 512 bytes or 179 of 1468, and XDP looks up every ACK.
	tap_ge "$(($(xdp_stat pass_tftp_no_room) + $(xdp_stat tx_tftp_data) - room0 - data0))" \
		$((3 * 179 + 2 * 512)) "XDP moved the transfers on for the clients' ACKs"
	tap_ge "$(($(xdp_stat tftp_done) - final0))" 1 "XDP took final ACKs"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "retransmission 1 from block" \
		"rackbootd retransmitted after losses"
	entries=$(bpftool -j map dump pinned "$PIN/rb_tftp_xfers" | jq length)
	tap_is "$entries" 0 "rb_tftp_xfers is empty after every transfer ended"

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_check "rackbootd stopped on SIGTERM" rb_pid_gone "$RB_DAEMON_PID"
	tap_finish
}

main "$@"
