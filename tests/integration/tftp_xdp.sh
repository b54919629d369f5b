#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The TFTP data path in XDP, end to end: rackbootd on rb0, a client
# namespace on the other end of the veth pair, with the inventory address
# of device 1.
#
# 1. atftp and curl download files.  Their ACKs come from a socket, and
#    veth copies most such frames into buffers without room to grow
#    into DATA, so XDP passes them up (pass_tftp_no_room) and rackbootd
#    sends the DATA.  The files must arrive intact.
# 2. rb-tftp-xdp-client downloads with its ACKs sent by an XDP program on
#    the client's veth (XDP_TX).  These reach rb0 as XDP frames with a
#    whole page, so rackbootd's XDP program sends the DATA for them: the
#    file must arrive intact and tx_tftp_data must count its DATA blocks.
# 3. A second download of the same file reuses the cached copy, and a
#    changed file is loaded again.
# 4. curl over IPv6: its ACKs must reach the IPv6 handler of the XDP
#    program (pass_tftp_no_room grows, as on IPv4).
# 5. A client that stops after ACK 0, sent twice: XDP drops the
#    duplicate, rackbootd retransmits DATA 1 from its socket until the
#    retry limit, then abandons the transfer and removes its entry.
# 6. With tftp/xdp-block-store 0, rackbootd serves atftp alone.
# The counters of each run are printed as diagnostics.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients ipv6; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

CLIENT_TOOL="$RB_BIN/tests/rb-tftp-xdp-client"
NS_CLIENT="${RB_PREFIX}cl"
CLIENT_IF=eth0
BLKSIZE=1468
SRV_ADDR6=fd00:213::1

# xdp_stat NAME: one XDP counter.
xdp_stat() {
	rb_stat "$PIN" xdp "$1"
}

# stat_delta NAME BEFORE: how much an XDP counter grew since BEFORE.
stat_delta() {
	echo $(($(xdp_stat "$1") - $2))
}

setup() {
	rb_suite_setup "$CLIENT_TOOL"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" || tap_bail "writing the test config failed"
	CLIENT_ADDR=$(rb_cfg '.inventory.device[0]."ipv4-address"' "$CONFIG")
	CLIENT_MAC=$(rb_cfg '.inventory.device[0].mac' "$CONFIG")

	# 300 KiB and 64 KiB: with atftp's 512-byte blocks both end with an empty DATA block.
	head -c 307200 /dev/urandom >"$TFTP_ROOT/image.bin" || tap_bail "writing image.bin failed"
	head -c 65536 /dev/urandom >"$TFTP_ROOT/small.bin" || tap_bail "writing small.bin failed"

	rb_netns_add "$RB_NS_SRV" || tap_bail "creating the server namespace failed"
	rb_netns_add "$NS_CLIENT" || tap_bail "creating the client namespace failed"
	ip -n "$RB_NS_SRV" link add "$RB_SRV_IF" type veth peer name "$CLIENT_IF" netns "$NS_CLIENT" ||
		tap_bail "creating the veth pair failed"
	ip -n "$NS_CLIENT" link set "$CLIENT_IF" address "$CLIENT_MAC" || tap_bail "setting the MAC failed"
	ip -n "$RB_NS_SRV" addr add "$RB_SRV_ADDR/$RB_SRV_PREFIXLEN" dev "$RB_SRV_IF" || tap_bail "rb0 address"
	ip -n "$NS_CLIENT" addr add "$CLIENT_ADDR/$RB_SRV_PREFIXLEN" dev "$CLIENT_IF" ||
		tap_bail "client address"
	rb_netns_ipv6_on "$RB_NS_SRV" || tap_bail "turning IPv6 on in the server namespace failed"
	rb_netns_ipv6_on "$NS_CLIENT" || tap_bail "turning IPv6 on in the client namespace failed"
	CLIENT_ADDR6=$(rb_cfg '.inventory.device[0]."ipv6-address"' "$CONFIG")
	rb_ipv6_addr_add "$RB_NS_SRV" "$RB_SRV_IF" "$SRV_ADDR6/64" || tap_bail "rb0 IPv6 address"
	rb_ipv6_addr_add "$NS_CLIENT" "$CLIENT_IF" "$CLIENT_ADDR6/64" || tap_bail "client IPv6 address"
	# XDP_TX on rb0 reaches the client only when it runs an XDP program too.
	rb_xdp_pass_attach "$NS_CLIENT" "$CLIENT_IF" || tap_bail "attaching xdp_pass failed"
	ip -n "$RB_NS_SRV" link set "$RB_SRV_IF" up || tap_bail "rb0 up"
	ip -n "$NS_CLIENT" link set "$CLIENT_IF" up || tap_bail "eth0 up"
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# same_file A B: exit 0 when both files have the same SHA-256.
same_file() {
	[[ -s "$1" && "$(sha256sum <"$1")" == "$(sha256sum <"$2")" ]]
}

# test_real_client TOOL FILE: download with atftp or curl through the pass fallback.
test_real_client() {
	local tool=$1 file=$2 out="$RB_RUN_DIR/$1-$2" room0 data0 done0

	room0=$(xdp_stat pass_tftp_no_room)
	data0=$(xdp_stat tx_tftp_data)
	done0=$(xdp_stat tftp_done)
	rb_tftp_get "$NS_CLIENT" "$tool" "$RB_SRV_ADDR" "$file" "$out"
	tap_check "$tool: $file arrived intact" same_file "$out" "$TFTP_ROOT/$file"
	tap_diag "$tool $file: pass_tftp_no_room +$(stat_delta pass_tftp_no_room "$room0")," \
		"tx_tftp_data +$(stat_delta tx_tftp_data "$data0"), tftp_done +$(stat_delta tftp_done "$done0")"
	tap_is "$(stat_delta tftp_done "$done0")" 1 "$tool: XDP saw the final ACK of $file"
}

# test_xdp_client FILE: download with ACKs from XDP_TX.
test_xdp_client() {
	local file=$1 out="$RB_RUN_DIR/xdp-$1" size blocks data0 room0 done0 line

	size=$(stat -c %s "$TFTP_ROOT/$file")
	blocks=$((size / BLKSIZE + 1))
	data0=$(xdp_stat tx_tftp_data)
	room0=$(xdp_stat pass_tftp_no_room)
	done0=$(xdp_stat tftp_done)

	line=$(ip netns exec "$NS_CLIENT" "$CLIENT_TOOL" "$CLIENT_IF" "$RB_SRV_ADDR" "$file" \
		"$BLKSIZE" "$out")
	tap_is "$?" 0 "rb-tftp-xdp-client: download of $file finished"
	tap_diag "rb-tftp-xdp-client $file: $line"
	tap_check "rb-tftp-xdp-client: $file arrived intact" same_file "$out" "$TFTP_ROOT/$file"
	tap_diag "xdp client $file: tx_tftp_data +$(stat_delta tx_tftp_data "$data0")," \
		"pass_tftp_no_room +$(stat_delta pass_tftp_no_room "$room0")," \
		"tftp_done +$(stat_delta tftp_done "$done0")"
	# ACK 0 came from the client's socket, so rackbootd sends DATA 1 itself.
	tap_ge "$(stat_delta tx_tftp_data "$data0")" $((blocks - 1)) \
		"XDP sent DATA blocks 2..$blocks of $file"
	tap_is "$(stat_delta tftp_done "$done0")" 1 "XDP marked the transfer of $file done"
	rb_xdp_pass_attach "$NS_CLIENT" "$CLIENT_IF" || tap_not_ok "re-attaching xdp_pass"
}

# rackbootd counts every download as done and records the device's boot file fetch.
test_userspace_state() {
	tap_check "rackbootd counted every download as done" \
		rb_wait_for 5 test "$(rb_stat "$PIN" userspace tftp_done)" -ge "$1"
	tap_is "$(rb_stat "$PIN" userspace tftp_timeout)" 0 "no transfer timed out"
	tap_check "device 1 reached phase bootfile" rb_device_phase_is "$PIN" "$CLIENT_MAC" bootfile
	tap_check "the XDP counters are in rackbootctl stats" rb_stat_names_present "$PIN" xdp \
		tx_tftp_data drop_tftp_dup tftp_done pass_tftp_no_room pass_tftp_mtu \
		pass_tftp_opcode pass_tftp_no_block malformed_tftp tftp_event_lost
}

test_changed_file() {
	local out="$RB_RUN_DIR/xdp-changed"

	head -c 100000 /dev/urandom >"$TFTP_ROOT/small.bin"
	ip netns exec "$NS_CLIENT" "$CLIENT_TOOL" "$CLIENT_IF" "$RB_SRV_ADDR" small.bin \
		"$BLKSIZE" "$out" >/dev/null
	tap_check "a changed file is loaded again" same_file "$out" "$TFTP_ROOT/small.bin"
	rb_xdp_pass_attach "$NS_CLIENT" "$CLIENT_IF" || tap_not_ok "re-attaching xdp_pass"
}

# curl over IPv6: the ACKs come from a socket, so XDP passes most of them up for lack of room.
test_ipv6_client() {
	local out="$RB_RUN_DIR/curl6-small.bin" room0 done0 data0

	room0=$(xdp_stat pass_tftp_no_room)
	done0=$(xdp_stat tftp_done)
	data0=$(xdp_stat tx_tftp_data)
	ip netns exec "$NS_CLIENT" timeout 30 curl -sS --max-time 25 -o "$out" \
		"tftp://[$SRV_ADDR6]/small.bin"
	tap_check "curl over IPv6: small.bin arrived intact" same_file "$out" "$TFTP_ROOT/small.bin"
	tap_diag "curl IPv6 small.bin: pass_tftp_no_room +$(stat_delta pass_tftp_no_room "$room0")," \
		"tx_tftp_data +$(stat_delta tx_tftp_data "$data0"), tftp_done +$(stat_delta tftp_done "$done0")"
	tap_ge "$(stat_delta pass_tftp_no_room "$room0")" 1 \
		"curl over IPv6: the XDP program found the transfer"
	tap_is "$(stat_delta tftp_done "$done0")" 1 "curl over IPv6: XDP saw the final ACK"
}

# write_stalled_client PATH: a Python client that sends a read request
# with timeout 1 for argv[2] to argv[1], ACK 0 twice, and then only
# counts the DATA 1 packets until 4 s pass without one.
write_stalled_client() {
	cat >"$1" <<'EOF'
import socket, sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
request = b"\0\1" + sys.argv[2].encode() + b"\0octet\0blksize\0" + b"1468\0timeout\0" + b"1\0"
s.sendto(request, (sys.argv[1], 69))
oack, peer = s.recvfrom(2048)
s.sendto(b"\0\4\0\0", peer)
s.sendto(b"\0\4\0\0", peer)
s.settimeout(4)
count = 0
try:
    while True:
        pkt, _ = s.recvfrom(2048)
        if pkt[:4] == b"\0\3\0\1":
            count += 1
except socket.timeout:
    pass
print(count)
EOF
}

test_stalled_client() {
	local dup0 timeout0 data1 entries

	dup0=$(xdp_stat drop_tftp_dup)
	timeout0=$(rb_stat "$PIN" userspace tftp_timeout)
	write_stalled_client "$RB_RUN_DIR/stalled.py"
	data1=$(ip netns exec "$NS_CLIENT" timeout 30 python3 "$RB_RUN_DIR/stalled.py" \
		"$RB_SRV_ADDR" image.bin)
	# The retry limit of rackbootd's TFTP server is 5.
	tap_is "$data1" 6 "stalled client: DATA 1 sent once and retransmitted 5 times"
	tap_ge "$(stat_delta drop_tftp_dup "$dup0")" 1 "stalled client: XDP dropped the duplicate ACK 0"
	tap_is "$(($(rb_stat "$PIN" userspace tftp_timeout) - timeout0))" 1 \
		"stalled client: the transfer was abandoned"
	entries=$(bpftool -j map dump pinned "$PIN/rb_tftp_xfers" | jq length)
	tap_is "$entries" 0 "rb_tftp_xfers is empty after every transfer ended"
}

# Restart rackbootd with the block store off: XDP must not see the transfer.
test_store_off() {
	local out="$RB_RUN_DIR/off-small.bin" room0 data0 config_off="$RB_RUN_DIR/off.json"

	rb_stop_pid "$RB_DAEMON_PID" 10
	jq '."rackboot:rackboot".tftp."xdp-block-store" = 0' "$CONFIG" >"$config_off"
	rb_daemon_start "$config_off" "$PIN" "$RB_RUN_DIR/rackbootd-off.log" ||
		tap_bail "rackbootd did not start with xdp-block-store 0"
	tap_file_contains "$RB_RUN_DIR/rackbootd-off.log" "every transfer is served from userspace" \
		"xdp-block-store 0: rackbootd keeps the transfers"
	room0=$(xdp_stat pass_tftp_no_room)
	data0=$(xdp_stat tx_tftp_data)
	rb_tftp_get "$NS_CLIENT" atftp "$RB_SRV_ADDR" small.bin "$out"
	tap_check "xdp-block-store 0: atftp got small.bin intact" same_file "$out" "$TFTP_ROOT/small.bin"
	tap_is "$(stat_delta pass_tftp_no_room "$room0")/$(stat_delta tx_tftp_data "$data0")" 0/0 \
		"xdp-block-store 0: XDP neither passed up nor sent DATA for an ACK"
}

main() {
	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" "XDP serves octet transfers" \
		"rackbootd hands transfers to XDP"

	test_real_client atftp image.bin
	test_real_client curl image.bin
	test_real_client atftp small.bin
	test_xdp_client image.bin
	test_xdp_client image.bin
	test_xdp_client small.bin
	test_changed_file
	test_ipv6_client
	test_userspace_state 8
	test_stalled_client
	test_store_off
	tap_diag "$(rb_stats_summary "$PIN" 2>/dev/null | tr '\n' ' ')"

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_check "rackbootd stopped on SIGTERM" rb_pid_gone "$RB_DAEMON_PID"
	tap_finish
}

main "$@"
