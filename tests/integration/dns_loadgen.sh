#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rb-dns-gen, the load generator of 'make bench-dns', over a veth pair
# between two private network namespaces, at a low rate.
#
# With nothing listening on port 53 the generator reports 0 queries/s.
# dnsmasq, serving the generator's names, gets (nearly) every query
# counted as answered; with a names file whose addresses differ from
# dnsmasq's records, none is, and the responses count as wrong answers.
# The reflector of bench-dns (responses without answer records) counts
# only with --reflect.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh
# shellcheck source=tests/lib/cleanup.sh
source tests/lib/cleanup.sh

GEN="${RB_BIN:-build}/bench/rb-dns-gen"
XDP_PASS_OBJ="${RB_BIN:-build}/bpf/xdp_pass.bpf.o"
REFLECT_OBJ="${RB_BIN:-build}/bench/dns_reflect.bpf.o"
NS_SRV="${RB_PREFIX}dgsrv"
NS_CLI="${RB_PREFIX}dgcli"
SRV_ADDR=10.215.0.1
CLI_ADDR=10.215.0.2
ZONE=lab.rackboot.test
NAMES=20
RATE=2000		# queries/s, one step of 1 s

if ((EUID != 0)); then
	tap_skip_all "creating network namespaces and attaching XDP needs root"
fi
command -v dnsmasq >/dev/null || tap_skip_all "dnsmasq is not installed"
for file in "$GEN" "$XDP_PASS_OBJ" "$REFLECT_OBJ"; do
	[[ -e "$file" ]] || tap_bail "$file is missing; run 'make' first"
done

rb_cleanup_install
rb_run_dir || tap_bail "creating a temporary folder failed"

# The generator's XDP_TX queries arrive only at a veth end that runs an
# XDP program, so the server end starts with xdp_pass.  The generator
# attaches its live-frames program to the spare veth (--hold-ifname).
setup_link() {
	rb_netns_add "$NS_SRV" && rb_netns_add "$NS_CLI" &&
		ip -n "$NS_CLI" link add dgcli type veth peer name dgsrv netns "$NS_SRV" &&
		ip -n "$NS_CLI" link add dghold type veth peer name dgholdp &&
		ip -n "$NS_SRV" addr add "$SRV_ADDR/24" dev dgsrv &&
		ip -n "$NS_CLI" addr add "$CLI_ADDR/24" dev dgcli &&
		ip -n "$NS_SRV" link set dgsrv up &&
		ip -n "$NS_CLI" link set dgcli up &&
		ip -n "$NS_SRV" link set dev dgsrv xdpdrv obj "$XDP_PASS_OBJ" sec xdp
}

# write_names OUT THIRD_OCTET: the names host01 ... with addresses
# 10.215.THIRD_OCTET.N.
write_names() {
	local i

	for ((i = 1; i <= NAMES; i++)); do
		printf 'host%02d.%s 10.215.%d.%d\n' "$i" "$ZONE" "$2" "$i"
	done >"$1"
}

dnsmasq_ready() {
	ip netns exec "$NS_CLI" dig +tries=1 +time=1 "@$SRV_ADDR" "host01.$ZONE" A +short |
		grep -q '^10\.215\.1\.1$'
}

# run_gen NAME NAMES_FILE [GEN_ARG...]: one step at RATE; the step line
# goes to RUN_DIR/NAME.step and the summary to RUN_DIR/NAME.json.
run_gen() {
	local name=$1 names=$2 mac
	shift 2

	mac=$(ip netns exec "$NS_SRV" cat /sys/class/net/dgsrv/address)
	ip netns exec "$NS_CLI" timeout 30 "$GEN" --ifname dgcli --hold-ifname dghold \
		--source "$CLI_ADDR" --server "$SRV_ADDR" --server-mac "$mac" --names "$names" \
		--clients 4 --rates "$RATE" --duration 1 --grace 0.5 --retries 0 "$@" \
		>"$RB_RUN_DIR/$name.out" 2>"$RB_RUN_DIR/$name.err"
	grep '"summary"' "$RB_RUN_DIR/$name.out" >"$RB_RUN_DIR/$name.json"
	grep '"rate"' "$RB_RUN_DIR/$name.out" | head -n 1 >"$RB_RUN_DIR/$name.step"
	if [[ ! -s "$RB_RUN_DIR/$name.json" || ! -s "$RB_RUN_DIR/$name.step" ]]; then
		tap_diag "rb-dns-gen printed no step or summary for $name: $(tail -n 5 "$RB_RUN_DIR/$name.err")"
	fi
}

# field NAME FILE KEY: one number of NAME's summary (json) or step line (step).
field() {
	jq -r ".$3 // \"missing\"" "$RB_RUN_DIR/$1.$2" 2>/dev/null
}

# most_of N TOTAL: exit 0 when N is at least 99 % of TOTAL and TOTAL > 0.
most_of() {
	[[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && (($2 > 0 && $1 * 100 >= $2 * 99))
}

setup_link || tap_bail "creating the namespaces and veth pair failed"
write_names "$RB_RUN_DIR/names.txt" 1
write_names "$RB_RUN_DIR/wrong.txt" 2

run_gen none "$RB_RUN_DIR/names.txt"
tap_ge "$(field none step sent)" 100 "no server: queries sent"
tap_is "$(field none step responses)" 0 "no server: no response counted"
tap_is "$(field none json sustained_per_s)" 0 "no server: 0 queries/s"

host_records=()
for ((i = 1; i <= NAMES; i++)); do
	host_records+=(--host-record="$(printf 'host%02d' "$i").$ZONE,10.215.1.$i")
done
rb_spawn "$NS_SRV" "$RB_RUN_DIR/dnsmasq.log" dnsmasq --keep-in-foreground --no-resolv \
	--no-hosts --bind-interfaces --listen-address="$SRV_ADDR" --port=53 --user=root \
	--local="/$ZONE/" --log-facility=- "${host_records[@]}"
DNSMASQ_PID=$RB_SPAWNED_PID
rb_wait_for 10 dnsmasq_ready || tap_bail "dnsmasq does not answer on $SRV_ADDR after 10 s"

run_gen good "$RB_RUN_DIR/names.txt"
tap_check "dnsmasq: at least 99 % of the queries answered ($(field good step answered) of $(field good step sent))" \
	most_of "$(field good step answered)" "$(field good step sent)"
tap_is "$(field good step wrong_answer)" 0 "dnsmasq: no wrong answer"
tap_ge "$(field good json sustained_per_s)" 1 "dnsmasq: a sustained rate"

run_gen wrong "$RB_RUN_DIR/wrong.txt"
tap_is "$(field wrong step answered)" 0 "other addresses: no query answered"
tap_check "other addresses: the responses count as wrong answers" \
	most_of "$(field wrong step wrong_answer)" "$(field wrong step sent)"
tap_is "$(field wrong json sustained_per_s)" 0 "other addresses: 0 queries/s"
rb_stop_pid "$DNSMASQ_PID"

ip -n "$NS_SRV" link set dev dgsrv xdpdrv off
ip -n "$NS_SRV" link set dev dgsrv xdpdrv obj "$REFLECT_OBJ" sec xdp ||
	tap_bail "attaching $REFLECT_OBJ to dgsrv failed"
run_gen reflected "$RB_RUN_DIR/names.txt"
tap_is "$(field reflected step answered)" 0 "reflector: no query answered"
tap_check "reflector: the responses count as without answers" \
	most_of "$(field reflected step no_answer)" "$(field reflected step sent)"
run_gen reflect_mode "$RB_RUN_DIR/names.txt" --reflect
tap_check "reflector with --reflect: the responses count" \
	most_of "$(field reflect_mode step responses)" "$(field reflect_mode step sent)"
tap_ge "$(field reflect_mode json sustained_per_s)" 1 "reflector with --reflect: a sustained rate"

tap_finish
