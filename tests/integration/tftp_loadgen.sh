#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rb-tftp-gen, the load generator of 'make bench-tftp', against rb-tftpd
# over a veth pair between two private network namespaces.
#
# The generator's XDP program must complete correct downloads without
# failures.  It must fail a download whose content differs from the
# pattern in one byte, one whose size differs from --size, and one that
# the server rejects with an ERROR.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh

GEN="${RB_BIN:-build}/bench/rb-tftp-gen"
TFTPD="${RB_BIN:-build}/tests/rb-tftpd"
XDP_PASS_OBJ="${RB_BIN:-build}/bpf/xdp_pass.bpf.o"
NS_SRV="${RB_PREFIX}lgsrv"
NS_CLI="${RB_PREFIX}lgcli"
SRV_ADDR=10.214.0.1
CLI_ADDR=10.214.0.2
SIZE=100000		# bytes: 69 blocks of 1468 and a short one
CLIENTS=8

if ((EUID != 0)); then
	tap_skip_all "creating network namespaces and attaching XDP needs root"
fi
for file in "$GEN" "$TFTPD" "$XDP_PASS_OBJ"; do
	[[ -e "$file" ]] || tap_bail "$file is missing; run 'make' first"
done

rb_cleanup_install
rb_run_dir || tap_bail "creating a temporary folder failed"
ROOT="$RB_RUN_DIR/root"
mkdir -p "$ROOT" || tap_bail "creating $ROOT failed"

setup_link() {
	rb_netns_add "$NS_SRV" && rb_netns_add "$NS_CLI" &&
		ip -n "$NS_CLI" link add lgcli type veth peer name lgsrv netns "$NS_SRV" &&
		ip -n "$NS_SRV" addr add "$SRV_ADDR/24" dev lgsrv &&
		ip -n "$NS_CLI" addr add "$CLI_ADDR/24" dev lgcli &&
		ip -n "$NS_SRV" link set lgsrv up &&
		ip -n "$NS_CLI" link set lgcli up &&
		# The ACKs that the generator sends with XDP_TX arrive only at a
		# veth end that runs an XDP program.
		ip -n "$NS_SRV" link set dev lgsrv xdpdrv obj "$XDP_PASS_OBJ" sec xdp
}

# The files: the pattern, and a copy with one byte changed at the start
# of block 10.
make_files() {
	"$GEN" --write-file "$ROOT/good.bin" --size "$SIZE" || return 1
	cp "$ROOT/good.bin" "$ROOT/bad.bin" || return 1
	printf '\x00' | dd of="$ROOT/bad.bin" bs=1 seek=$((9 * 1468)) conv=notrunc status=none
}

server_ready() {
	ip netns exec "$NS_SRV" ss -Hlun 2>/dev/null | grep -Eq "$SRV_ADDR:69[[:space:]]"
}

# run_gen NAME FILE SIZE: one generator run; its summary line goes to
# RUN_DIR/NAME.json.
run_gen() {
	local name=$1 file=$2 size=$3

	ip netns exec "$NS_CLI" timeout 30 "$GEN" --ifname lgcli --server "$SRV_ADDR" \
		--file "$file" --size "$size" --clients "$CLIENTS" --warmup 0.2 --duration 1 \
		--grace 3 --timeout 2 >"$RB_RUN_DIR/$name.out" 2>"$RB_RUN_DIR/$name.err"
	grep '"summary"' "$RB_RUN_DIR/$name.out" >"$RB_RUN_DIR/$name.json"
	if [[ ! -s "$RB_RUN_DIR/$name.json" ]]; then
		tap_diag "rb-tftp-gen printed no summary for $name: $(tail -n 5 "$RB_RUN_DIR/$name.err")"
	fi
}

# field NAME KEY: one number of NAME's summary.
field() {
	jq -r ".$2 // \"missing\"" "$RB_RUN_DIR/$1.json" 2>/dev/null
}

setup_link || tap_bail "creating the namespaces and veth pair failed"
make_files || tap_bail "writing the files failed"
rb_spawn "$NS_SRV" "$RB_RUN_DIR/rb-tftpd.log" "$TFTPD" --root "$ROOT" --address "$SRV_ADDR" \
	--port 69 --timeout-ms 200 --retries 2
rb_wait_for 10 server_ready || tap_bail "rb-tftpd not listening on $SRV_ADDR:69 after 10 s"

run_gen good good.bin "$SIZE"
tap_ge "$(field good completed)" "$CLIENTS" "correct file: every slot completes downloads"
tap_is "$(field good failed)" 0 "correct file: no failed download"
tap_is "$(field good unfinished)" 0 "correct file: none unfinished after the grace time"
tap_ge "$(field good window_bytes)" "$SIZE" "correct file: payload counted in the window"

run_gen bad bad.bin "$SIZE"
tap_is "$(field bad completed)" 0 "changed byte: no download completes"
tap_ge "$(field bad bad_content)" 1 "changed byte: content failures counted"

run_gen size good.bin $((SIZE + 1))
tap_is "$(field size completed)" 0 "wrong size: no download completes"
tap_ge "$(field size bad_length)" 1 "wrong size: length failures counted"

run_gen missing missing.bin "$SIZE"
tap_is "$(field missing completed)" 0 "missing file: no download completes"
tap_ge "$(field missing server_error)" 1 "missing file: server errors counted"

tap_finish
