#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rackbootd must reject an invalid config: exit non-zero, attach no XDP
# program, pin no map, and log every error with its path and value.
#
# Each case edits examples/lab.json with jq and lists the errors that
# must appear as LEAF=VALUE: some line of stderr must contain both the
# data path's last step "/LEAF" and the value in double quotes.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

# line_has_both FILE A B: some line of FILE contains both strings.
line_has_both() {
	grep -F -- "$2" "$1" | grep -Fq -- "$3"
}

no_pins() {
	[[ -z "$(ls -A "$PIN" 2>/dev/null)" ]]
}

xdp_detached() {
	! rb_link_has_xdp "$RB_NS_SRV" "$RB_SRV_IF"
}

# run_case NAME JQ_EDIT LEAF=VALUE...
run_case() {
	local name=$1 edit=$2 config log status error leaf value

	shift 2

	config="$RB_RUN_DIR/$name.json"
	config=${config// /-}
	log="${config%.json}.log"
	if ! rb_lab_config "$config" "$RB_RUN_DIR/tftp" "$PIN" "$edit"; then
		tap_not_ok "$name: jq edit of $RB_LAB_CONFIG"
		return
	fi

	ip netns exec "$RB_NS_SRV" timeout 15 "$RB_DAEMON" --config "$config" >"$log" 2>&1 </dev/null
	status=$?

	tap_check "$name: rackbootd exits with an error" test "$status" -ne 0 -a "$status" -ne 124
	tap_check "$name: no XDP program on $RB_SRV_IF" xdp_detached
	tap_check "$name: no pinned map" no_pins

	for error in "$@"; do
		leaf=${error%%=*}
		value=${error#*=}
		if ! tap_check "$name: error names $leaf and '$value'" \
			line_has_both "$log" "/$leaf" "\"$value\""; then
			tap_diag "stderr of rackbootd:"
			tap_diag "$(cat "$log")"
		fi
	done
}

test_invalid_configs() {
	# Types and ranges that the YANG module checks, several in one file.
	run_case "yang types" \
		'.dhcpv4.subnet[0]."lease-time" = 10
		| .inventory.device[2].hostname = "bad_name!"
		| .interfaces.interface[0]."xdp-mode" = "turbo"' \
		lease-time=10 hostname=bad_name! xdp-mode=turbo

	# References that the YANG module checks.
	run_case "yang references" \
		'.inventory.device[0].profile = "no-such-profile"
		| .dhcpv4.subnet[0].interface = "eth9"' \
		profile=no-such-profile interface=eth9

	# Address rules that only rackbootd checks, several in one file:
	# outside every subnet, the broadcast address, the server address.
	run_case "device addresses" \
		'.inventory.device[3]."ipv4-address" = "10.99.0.4"
		| .inventory.device[4]."ipv4-address" = "10.213.0.255"
		| .inventory.device[5]."ipv4-address" = "10.213.0.1"' \
		ipv4-address=10.99.0.4 ipv4-address=10.213.0.255 ipv4-address=10.213.0.1

	# Values of the wrong JSON shape, with other errors in the same file.
	run_case "json shapes" \
		'.dhcpv4.subnet[0]."lease-time" = "3600"
		| .dhcpv4.subnet[0].routers = "10.213.0.1"
		| .inventory.device[1].mac = "zz:zz"
		| .tftp.port = 70000' \
		lease-time=3600 routers=10.213.0.1 mac=zz:zz port=70000

	# A list written as one object: its entry is still checked.
	run_case "list as object" \
		'.inventory.device = (.inventory.device[0] | .mac = "zz:zz")
		| .interfaces.interface[0]."xdp-mode" = "turbo"' \
		mac=zz:zz xdp-mode=turbo

	run_case "server address" \
		'.dhcpv4.subnet[0]."server-address" = "10.213.1.1"' \
		server-address=10.213.1.1
}

test_missing_file() {
	local log="$RB_RUN_DIR/missing.log" config="$RB_RUN_DIR/no-such-config.json"

	ip netns exec "$RB_NS_SRV" timeout 15 "$RB_DAEMON" --config "$config" >"$log" 2>&1 </dev/null
	tap_check "missing file: rackbootd exits with an error" test $? -ne 0
	tap_check "missing file: error names the file" grep -Fq -- "$config" "$log"
}

test_not_json() {
	local log="$RB_RUN_DIR/not-json.log" config="$RB_RUN_DIR/not-json.json"

	printf '{ "rackboot:rackboot": { "log-level": ' >"$config"
	ip netns exec "$RB_NS_SRV" timeout 15 "$RB_DAEMON" --config "$config" >"$log" 2>&1 </dev/null
	tap_check "truncated JSON: rackbootd exits with an error" test $? -ne 0
	tap_check "truncated JSON: error names the file" grep -Fq -- "$config" "$log"
}

main() {
	if ((EUID != 0)); then
		tap_skip_all "needs root for network namespaces and bpffs"
	fi
	[[ -x "$RB_DAEMON" ]] || tap_bail "$RB_DAEMON is missing; run 'make' first"

	rb_cleanup_install
	rb_run_dir || tap_bail "creating a temporary folder failed"
	rb_bpffs_mount "$RB_RUN_DIR/bpffs" || tap_bail "mounting bpffs failed"
	PIN="$RB_RUN_DIR/bpffs/rackboot"
	mkdir -p "$RB_RUN_DIR/tftp"
	rb_topo_create || tap_bail "creating the server namespace failed"

	test_invalid_configs
	test_missing_file
	test_not_json
	tap_finish
}

main "$@"
