#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Router Advertisements from rackbootd, read by rdisc6 (ndisc6 package)
# from a device namespace (topology in tests/lib/netns.sh).
#
# rdisc6 sends a Router Solicitation, and the XDP program on rb0 replies
# from the RA template, so the XDP counter tx_ra must grow.  Every field
# that rdisc6 prints (hop limit, M and O flags, router lifetime,
# reachable time, retransmit timer, MTU, the prefix with its flags and
# lifetimes, RDNSS with its lifetime) must equal the config.  tcpdump on
# the device link checks the ICMPv6 checksums, the unsolicited RA to
# ff02::1 at start and, after SIGTERM, the final RA with router lifetime
# 0.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

DEV_INDEX=1
DEV_MAC=52:54:00:21:30:61

# The router-advertisements of rb0, with every leaf set to a value that
# differs from its default.
RA_EDIT='."router-advertisements".interface = [ {
	"name": "rb0",
	"min-interval": 200,
	"max-interval": 600,
	"router-lifetime": 1800,
	"reachable-time": 30000,
	"retrans-timer": 1000,
	"cur-hop-limit": 64,
	"managed-flag": true,
	"other-config-flag": true,
	"mtu": 1400,
	"prefix": [ { "prefix": "fd00:213::/64", "on-link": true, "autonomous": false,
		      "valid-lifetime": 2592000, "preferred-lifetime": 604800 } ],
	"rdnss": { "address": ["fd00:213::1"], "lifetime": 1200 } } ]'

# ra VALUE: a leaf of the first router-advertisements interface.
ra() {
	rb_cfg ".\"router-advertisements\".interface[0].$1" "$CONFIG"
}

# ipv6_on NETNS IFNAME: IPv6 back on (rb_netns_add turns it off), without
# duplicate address detection, so that the link-local address is usable
# at once.
ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 "net.ipv6.conf.$2.accept_dad=0" || return 1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=0"
}

# has_link_local NETNS IFNAME: exit 0 when the link-local address is usable.
has_link_local() {
	ip -n "$1" -6 addr show dev "$2" scope link 2>/dev/null | grep -q 'inet6 fe80' &&
		! ip -n "$1" -6 addr show dev "$2" tentative 2>/dev/null | grep -q inet6
}

setup() {
	local tool

	rb_suite_setup
	for tool in rdisc6 tcpdump; do
		command -v "$tool" >/dev/null ||
			tap_bail "$tool is missing; install it with scripts/install-deps.sh (packages ndisc6, tcpdump)"
	done
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$RA_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV_INDEX" "$DEV_MAC" || tap_bail "creating the device namespace failed"
	DEV_NS=$(rb_dev_netns "$DEV_INDEX")

	ipv6_on "$RB_NS_SRV" "$RB_SRV_IF" || tap_bail "turning IPv6 on in $RB_NS_SRV failed"
	ipv6_on "$DEV_NS" eth0 || tap_bail "turning IPv6 on in $DEV_NS failed"
	rb_wait_for 10 has_link_local "$RB_NS_SRV" "$RB_SRV_IF" ||
		tap_bail "$RB_SRV_IF has no usable link-local address after 10 s"
	rb_wait_for 10 has_link_local "$DEV_NS" eth0 ||
		tap_bail "eth0 of $DEV_NS has no usable link-local address after 10 s"
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# field NAME: the value rdisc6 printed for NAME (its label up to the
# colon), first word only.
field() {
	sed -n "s/^ *$1 *: *\([^ ]*\).*/\1/p" "$RDISC6_OUT" | head -n 1
}

yes_no() {
	if [[ "$1" == true ]]; then echo Yes; else echo No; fi
}

test_solicited() {
	local tx0 status

	tx0=$(rb_stat "$PIN" xdp tx_ra)
	RDISC6_OUT="$RB_RUN_DIR/rdisc6.out"
	# Three solicitations 1 s apart at most.  -1 stops at the first RA.
	timeout 10 ip netns exec "$DEV_NS" rdisc6 -1 -n -r 3 -w 1000 eth0 >"$RDISC6_OUT" 2>&1
	status=$?
	tap_is "$status" 0 "rdisc6: an RA arrived"
	if ((status != 0)); then
		tap_diag "$(cat "$RDISC6_OUT")"
	fi

	tap_is "$(field 'Hop limit')" "$(ra '"cur-hop-limit"')" "RA: cur hop limit"
	tap_is "$(field 'Stateful address conf\.')" "$(yes_no "$(ra '"managed-flag"')")" "RA: M flag"
	tap_is "$(field 'Stateful other conf\.')" "$(yes_no "$(ra '"other-config-flag"')")" "RA: O flag"
	tap_is "$(field 'Router lifetime')" "$(ra '"router-lifetime"')" "RA: router lifetime"
	tap_is "$(field 'Reachable time')" "$(ra '"reachable-time"')" "RA: reachable time"
	tap_is "$(field 'Retransmit time')" "$(ra '"retrans-timer"')" "RA: retrans timer"
	tap_is "$(field 'MTU')" "$(ra mtu)" "RA: MTU option"
	tap_is "$(field 'Prefix')" "$(ra 'prefix[0].prefix')" "RA: prefix"
	tap_is "$(field 'On-link')" "$(yes_no "$(ra 'prefix[0]."on-link"')")" "RA: prefix L flag"
	tap_is "$(field 'Autonomous address conf\.')" "$(yes_no "$(ra 'prefix[0].autonomous')")" \
		"RA: prefix A flag"
	tap_is "$(field 'Valid time')" "$(ra 'prefix[0]."valid-lifetime"')" "RA: prefix valid lifetime"
	tap_is "$(field 'Pref\. time')" "$(ra 'prefix[0]."preferred-lifetime"')" \
		"RA: prefix preferred lifetime"
	tap_is "$(field 'Recursive DNS server')" "$(ra 'rdnss.address[0]')" "RA: RDNSS address"
	tap_is "$(field 'DNS server lifetime')" "$(ra 'rdnss.lifetime')" "RA: RDNSS lifetime"
	tap_is "$(field 'Source link-layer address' | tr 'A-F' 'a-f')" \
		"$(ip -n "$RB_NS_SRV" -br link show dev "$RB_SRV_IF" | awk '{print $3}')" \
		"RA: source link-layer address is rb0's"
	tap_is "$(sed -n 's/^ *from \([^ ]*\).*/\1/p' "$RDISC6_OUT" | head -n 1)" \
		"$(ip -n "$RB_NS_SRV" -6 -br addr show dev "$RB_SRV_IF" scope link | awk '{print $3}' | cut -d/ -f1)" \
		"RA: sent from rb0's link-local address"
	tap_ge "$(($(rb_stat "$PIN" xdp tx_ra) - tx0))" 1 "stats: XDP tx_ra grew"
}

# capture_start: tcpdump of the RAs reaching the device, verbose enough
# to print the checksum verdict and the router lifetime.
capture_start() {
	CAPTURE="$RB_RUN_DIR/tcpdump.out"
	rb_spawn "$DEV_NS" "$CAPTURE" tcpdump -i eth0 -n -l -vv 'icmp6 and ip6[40] == 134'
	CAPTURE_PID=$RB_SPAWNED_PID
	rb_wait_for 10 grep -q 'listening on' "$CAPTURE" ||
		tap_bail "tcpdump in $DEV_NS did not start within 10 s"
}

# captured PATTERN: exit 0 when a captured RA line matches grep -E PATTERN.
captured() {
	grep -Eq -- "$1" "$CAPTURE"
}

test_stop() {
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_file_contains "$RB_RUN_DIR/rackbootd.log" 'final router advertisement \(router lifetime 0\) on rb0' \
		"rackbootd: final RA with router lifetime 0 sent"
	tap_check "tcpdump: final RA with router lifetime 0 on the wire" \
		rb_wait_for 3 captured 'router lifetime 0s'
	rb_stop_pid "$CAPTURE_PID"

	tap_check "tcpdump: unsolicited RA to ff02::1 with a valid checksum" \
		captured '> ff02::1: \[icmp6 sum ok\] ICMP6, router advertisement'
	tap_check "tcpdump: solicited RA to the device's link-local address with a valid checksum" \
		captured '> fe80::[0-9a-f:]+: \[icmp6 sum ok\] ICMP6, router advertisement'
	tap_check "tcpdump: no RA with a bad checksum" bash -c "! grep -q 'bad icmp6 cksum' '$CAPTURE'"
}

main() {
	setup
	capture_start
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	tap_check "stats: XDP counter tx_ra present" rb_stat_names_present "$PIN" xdp \
		tx_ra malformed_rs pass_ra_no_template
	tap_check "rackbootd: RA template written" \
		rb_wait_for 5 grep -q 'ra: 1 router advertisement templates written' "$RB_RUN_DIR/rackbootd.log"

	test_solicited
	test_stop
	tap_finish
}

main "$@"
