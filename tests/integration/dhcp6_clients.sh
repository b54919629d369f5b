#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DHCPv6 with real clients against rackbootd on a veth in a network
# namespace (topology in tests/lib/netns.sh).
#
# ISC 'dhclient -6' (DUID-LL) gets the address that the inventory
# reserves for its MAC.  It reads back every option of the subnet and the
# device's profile: 23, 24, 56, 31, 17 with the CableLabs sub-options 32,
# 33, 34, 37 and 38, 59, 60 and 136.  WIDE dhcp6c (DUID-LLT, Rapid
# Commit) gets its reserved address; dhcpcd on a MAC outside the
# inventory gets a pool address.  The XDP counters and device records
# show that XDP sent the Advertise and Reply messages of the two
# inventory clients, and that dhcpcd's requests passed to the slow path.
# Then rackbootd is killed with SIGKILL:
# the leases are still in the store, and after a restart dhclient renews
# and keeps its address.  Last, rackbootd stops on SIGTERM.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns ipv6 rackboot clients clients6; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

DHCLIENT_INDEX=1	# 52:54:00:21:30:01, fd00:213::101, found by the MAC of its DUID-LL
PLAIN_INDEX=2		# 52:54:00:21:30:02, fd00:213::102, found by its configured DUID-LL
DHCP6C_INDEX=3		# 52:54:00:21:30:03, fd00:213::103, found by the MAC of its DUID-LLT
UNKNOWN_INDEX=98
UNKNOWN_MAC=52:54:00:21:30:fe
SRV_ADDR6=fd00:213::1

# Short lifetimes so that dhclient renews within the test, the options
# the lab config leaves out, and boot files and SZTP servers for the
# dhclient device's profile.
CONFIG_EDIT='.dhcpv6.subnet[0] += {
		"preferred-lifetime": 30, "valid-lifetime": 60,
		"renewal-time": 8, "rebinding-time": 20,
		"sntp-servers": ["fd00:213::1"],
		"vendor-4491": {"tftp-servers": ["fd00:213::1"], "config-file": "switch.cfg",
				"syslog-servers": ["fd00:213::2"], "time-servers": ["fd00:213::3"],
				"time-offset": -3600}}
	| ."boot-profiles".profile[0] += {
		"dhcpv6-default-boot-file": {"url": "tftp://[fd00:213::1]/undionly.kpxe",
					     "parameter": ["console=ttyS0"]},
		"sztp-bootstrap-servers": ["https://sztp.lab.rackboot.test:8443"]}'

mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

ipv6_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].\"ipv6-address\"" "$CONFIG"
}

# subnet6 VALUE: a leaf of the first dhcpv6 subnet; lists joined by spaces.
subnet6() {
	rb_cfg ".dhcpv6.subnet[0].$1 | if type == \"array\" then join(\" \") else . end" "$CONFIG"
}

# ipv6_on NETNS IFNAME: turn IPv6 on for the namespace and the interface,
# which a host with net.ipv6.conf.default.disable_ipv6=1 leaves off.
ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=0"
}

# xdp_stat NAME: one XDP counter of rackbootctl stats, 0 when missing.
xdp_stat() {
	local value

	value=$(rb_stat "$PIN" xdp "$1")
	echo "${value:-0}"
}

# device_xdp_replies INDEX: the XDP replies in the rb_devices record of
# inventory device INDEX (DHCPv4 and DHCPv6 together), 0 without one.
device_xdp_replies() {
	local value

	value=$(rb_device "$PIN" "$(mac_of "$1")" xdp_replies)
	echo "${value:-0}"
}

# check_rose NAME BEFORE MIN DESCRIPTION: XDP counter NAME grew by at least MIN since BEFORE.
check_rose() {
	local now

	now=$(xdp_stat "$1")
	tap_check "$4 ($1 $2 -> $now, at least +$3)" test "$now" -ge "$(($2 + $3))" && return 0
	tap_diag "non-zero XDP counters: $(rb_ctl_json "$PIN" stats |
		jq -c '.xdp | with_entries(select(.value != 0))')"
	return 1
}

# dhcp6_bound: rackbootd's DHCPv6 socket is bound on port 547.
dhcp6_bound() {
	ip netns exec "$RB_NS_SRV" ss -Hlun 2>/dev/null | grep -Eq '[]:*]547[[:space:]]'
}

setup() {
	local index

	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	STORE="$(dirname "$CONFIG")/store"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	ipv6_on "$RB_NS_SRV" "$RB_SRV_IF" || tap_bail "turning IPv6 on in $RB_NS_SRV failed"
	ipv6_on "$RB_NS_SW" br0 || tap_bail "turning IPv6 on in $RB_NS_SW failed"
	ip -n "$RB_NS_SRV" -6 addr add "$SRV_ADDR6/64" dev "$RB_SRV_IF" nodad ||
		tap_bail "adding $SRV_ADDR6 to $RB_SRV_IF failed"
	for index in "$DHCLIENT_INDEX" "$PLAIN_INDEX" "$DHCP6C_INDEX"; do
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	rb_topo_add_device "$UNKNOWN_INDEX" "$UNKNOWN_MAC" ||
		tap_bail "creating the namespace of the unknown device failed"
	for index in "$DHCLIENT_INDEX" "$PLAIN_INDEX" "$DHCP6C_INDEX" "$UNKNOWN_INDEX"; do
		ipv6_on "$(rb_dev_netns "$index")" eth0 ||
			tap_bail "turning IPv6 on for device $index failed"
	done

	rb_wait_for 10 rb_ll_ready "$RB_NS_SRV" "$RB_SRV_IF" ||
		tap_bail "$RB_SRV_IF has no usable link-local address after 10 s"
	for index in "$DHCLIENT_INDEX" "$PLAIN_INDEX" "$DHCP6C_INDEX" "$UNKNOWN_INDEX"; do
		rb_wait_for 10 rb_ll_ready "$(rb_dev_netns "$index")" eth0 ||
			tap_bail "eth0 of device $index has no usable link-local address after 10 s"
	done
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# hex_of TEXT: TEXT as lower-case hex bytes without separators.
hex_of() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}

# len_hex TEXT: TEXT with a 2-byte length in front, as hex.
len_hex() {
	printf '%04x%s' "${#1}" "$(hex_of "$1")"
}

# addr_hex ADDRESS: the 16 bytes of an IPv6 address as 32 hex digits.
addr_hex() {
	python3 -c 'import ipaddress, sys; print(ipaddress.IPv6Address(sys.argv[1]).packed.hex())' "$1"
}

# plain_hex TEXT: dhclient prints a string option as colon-separated hex
# bytes without leading zeros ("0:1:fd"); print them as "0001fd".
plain_hex() {
	local byte bytes

	IFS=: read -ra bytes <<<"$1"
	for byte in "${bytes[@]}"; do
		printf '%02x' "0x$byte"
	done
}

test_dhclient() {
	local netns name=dhclient6 index=$DHCLIENT_INDEX var built0

	netns=$(rb_dev_netns "$index")
	built0=$(xdp_built)
	rb_dhclient6_start "$netns" "$name"
	DHCLIENT_PID=$RB_SPAWNED_PID
	if ! tap_check "$name: lease within 40 s" rb_wait_for 40 rb_lease_ready "$name"; then
		tap_diag "$(cat "$RB_RUN_DIR/$name.log")"
		return 1
	fi

	rb_check_lease "$name" new_ip6_address "$(ipv6_of "$index")"
	rb_check_lease "$name" new_preferred_life "$(subnet6 '"preferred-lifetime"')"
	rb_check_lease "$name" new_max_life "$(subnet6 '"valid-lifetime"')"
	rb_check_lease "$name" new_renew "$(subnet6 '"renewal-time"')"
	rb_check_lease "$name" new_rebind "$(subnet6 '"rebinding-time"')"
	rb_check_lease "$name" new_dhcp6_name_servers "$(subnet6 '"dns-servers"')"
	rb_check_lease "$name" new_dhcp6_domain_search "$(subnet6 '"domain-search"' | sed 's/\([^ ]*\)/\1./g')"
	rb_check_lease "$name" new_dhcp6_sntp_servers "$(subnet6 '"sntp-servers"')"

	# Option 56 is one NTP server address sub-option (RFC 5908): code 1, length 16.
	tap_is "$(plain_hex "$(rb_lease_var "$name" new_dhcp6_rb_ntp)")" \
		"00010010$(addr_hex "$(subnet6 '"ntp-servers"[0]')")" "$name lease: option 56"

	rb_check_lease "$name" new_docsis_tftp_servers "$(subnet6 '"vendor-4491"."tftp-servers"')"
	rb_check_lease "$name" new_docsis_config_file "$(subnet6 '"vendor-4491"."config-file"')"
	rb_check_lease "$name" new_docsis_syslog_servers "$(subnet6 '"vendor-4491"."syslog-servers"')"
	rb_check_lease "$name" new_docsis_time_servers "$(subnet6 '"vendor-4491"."time-servers"')"
	rb_check_lease "$name" new_docsis_time_offset "$(subnet6 '"vendor-4491"."time-offset"')"

	rb_check_lease "$name" new_dhcp6_rb_bootfile_url "tftp://[fd00:213::1]/undionly.kpxe"
	# Option 60 is a list of parameters, each with a 2-byte length (RFC 5970).
	tap_is "$(plain_hex "$(rb_lease_var "$name" new_dhcp6_rb_bootfile_param)")" \
		"$(len_hex console=ttyS0)" "$name lease: option 60"
	# Option 136 is a list of URIs, each with a 2-byte length (RFC 8572).
	tap_is "$(plain_hex "$(rb_lease_var "$name" new_dhcp6_rb_sztp)")" \
		"$(len_hex https://sztp.lab.rackboot.test:8443)" "$name lease: option 136"

	for var in new_ip6_address; do
		tap_check "$name: address on eth0" \
			ip -n "$netns" -6 addr show dev eth0 to "$(rb_lease_var "$name" "$var")/128"
	done

	# dhclient sends no Rapid Commit: Solicit, Advertise, Request, Reply.
	# XDP builds both replies.  With every option above they are about
	# 300 bytes longer than the requests, more than a veth frame built by
	# the kernel's socket path can grow, so XDP passes them up
	# (pass_dhcp6_no_room) and rackbootd sends them; test_dhclient_plain
	# shows XDP sending replies that fit.
	check_rose_by xdp_built "$built0" 2 "XDP: built dhclient's Advertise and Reply"
}

# xdp_built: DHCPv6 replies that XDP built, whether it sent them or the
# frame had no room for them.
xdp_built() {
	echo $(($(xdp_stat tx_dhcp6_advertise) + $(xdp_stat tx_dhcp6_reply) +
		$(xdp_stat pass_dhcp6_no_room)))
}

# check_rose_by FUNCTION BEFORE AT_LEAST DESCRIPTION: FUNCTION's output
# grew by at least AT_LEAST since BEFORE.
check_rose_by() {
	local now

	now=$("$1")
	tap_check "$4 ($1 $2 -> $now, at least +$3)" test "$now" -ge "$(($2 + $3))" && return 0
	tap_diag "non-zero XDP counters: $(rb_ctl_json "$PIN" stats |
		jq -c '.xdp | with_entries(select(.value != 0))')"
	return 1
}

# An inventory device whose DUID is configured, with dhclient asking for
# the DNS servers and search list only: the whole exchange stays in XDP.
test_dhclient_plain() {
	local netns name=dhclient6-plain index=$PLAIN_INDEX adv0 reply0

	netns=$(rb_dev_netns "$index")
	adv0=$(xdp_stat tx_dhcp6_advertise)
	reply0=$(xdp_stat tx_dhcp6_reply)
	rb_dhclient6_start "$netns" "$name" plain
	PLAIN_PID=$RB_SPAWNED_PID
	if ! tap_check "$name: lease within 40 s" rb_wait_for 40 rb_lease_ready "$name"; then
		tap_diag "$(cat "$RB_RUN_DIR/$name.log")"
		return 1
	fi
	rb_check_lease "$name" new_ip6_address "$(ipv6_of "$index")"
	rb_check_lease "$name" new_dhcp6_name_servers "$(subnet6 '"dns-servers"')"

	check_rose tx_dhcp6_advertise "$adv0" 1 "XDP: sent $name's Advertise"
	check_rose tx_dhcp6_reply "$reply0" 1 "XDP: sent $name's Reply"
	tap_check "XDP: device $index record counts 2 or more XDP replies" \
		test "$(device_xdp_replies "$index")" -ge 2
	tap_check "rackbootd: $name's messages not answered by the slow path" \
		not_in_log "from DUID .*$(mac_of "$index"): sending"
	rb_stop_pid "$PLAIN_PID"
}

test_dhcp6c() {
	local netns name=dhcp6c index=$DHCP6C_INDEX addr reply0 llt

	netns=$(rb_dev_netns "$index")
	addr=$(ipv6_of "$index")
	reply0=$(xdp_stat tx_dhcp6_reply)
	rb_dhcp6c_start "$netns" "$name"
	DHCP6C_PID=$RB_SPAWNED_PID
	if ! tap_check "$name: $addr on eth0 within 40 s" \
		rb_wait_for 40 eth0_has "$netns" "$addr"; then
		tap_diag "$(tail -n 40 "$RB_RUN_DIR/$name.log")"
		return 1
	fi
	tap_check "$name: script called" rb_wait_for 5 rb_lease_ready "$name"
	rb_check_lease "$name" new_domain_name_servers "$(subnet6 '"dns-servers"') "

	# dhcp6c's DUID-LLT has a time that the inventory cannot know, so XDP
	# finds the device by the MAC in it.  Its Solicit with Rapid Commit
	# gets a Reply from XDP, and the slow path does not see it.
	# XDP's lease reaches the store through the journal, within its commit interval.
	rb_wait_for 5 store_has6 "$addr"
	llt=$("$RB_CTL" --store "$STORE" leases --json |
		jq -r --arg a "$addr" '.leases6[] | select(.ipv6 == $a) | .duid')
	tap_check "store: dhcp6c's lease under its DUID-LLT ($llt)" \
		grep -Eq '^00:01:00:01:(..:){4}'"$(mac_of "$index")"'$' <<<"$llt"
	check_rose tx_dhcp6_reply "$reply0" 1 "XDP: sent dhcp6c's Reply"
	tap_check "XDP: device $index record counts an XDP reply" \
		test "$(device_xdp_replies "$index")" -ge 1
	tap_check "rackbootd: dhcp6c's Solicit not answered by the slow path" \
		not_in_log "from DUID .*$(mac_of "$index"): sending"
}

# store_has6 ADDRESS: the store lists a DHCPv6 lease of ADDRESS.
store_has6() {
	"$RB_CTL" --store "$STORE" leases --json |
		jq -e --arg a "$1" '[.leases6[] | select(.ipv6 == $a)] | length > 0' >/dev/null
}

# not_in_log PATTERN: rackbootd's log has no line matching PATTERN.
not_in_log() {
	! grep -q "$1" "$RB_RUN_DIR/rackbootd.log"
}

# eth0_has NETNS ADDRESS: the address is configured on eth0.
eth0_has() {
	ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $2/"
}

test_dhcpcd() {
	local netns name=dhcpcd addr unknown0 us_reply0

	netns=$(rb_dev_netns "$UNKNOWN_INDEX")
	unknown0=$(xdp_stat pass_dhcp6_unknown_duid)
	us_reply0=$(us_stat dhcp6_tx_reply)
	rb_dhcpcd6_start "$netns" "$name"
	if ! tap_check "$name: lease within 40 s" rb_wait_for 40 rb_lease_ready "$name"; then
		tap_diag "$(tail -n 40 "$RB_RUN_DIR/$name.log")"
		rb_stop_pid "$RB_SPAWNED_PID"
		return 1
	fi
	rb_stop_pid "$RB_SPAWNED_PID"

	rb_check_lease "$name" reason BOUND6
	addr=$(rb_lease_var "$name" new_dhcp6_ia_na1_ia_addr1)
	tap_check "$name: pool address $addr in fd00:213::1000-fd00:213::1fff" \
		python3 -c 'import ipaddress as i, sys
a = i.IPv6Address(sys.argv[1])
sys.exit(0 if i.IPv6Address("fd00:213::1000") <= a <= i.IPv6Address("fd00:213::1fff") else 1)' "$addr"
	rb_check_lease "$name" new_dhcp6_name_servers "$(subnet6 '"dns-servers"')"
	POOL_ADDR=$addr

	# A MAC outside the inventory: XDP passes the requests, and no device record gets a reply.
	check_rose pass_dhcp6_unknown_duid "$unknown0" 1 "XDP: passed dhcpcd's requests to rackbootd"
	tap_is "$(rb_device "$PIN" "$UNKNOWN_MAC" xdp_replies)" "" \
		"XDP: no device record for dhcpcd's MAC $UNKNOWN_MAC"
	tap_check "rackbootd: dhcp6_tx_reply in rackbootctl stats rose ($us_reply0 -> $(us_stat dhcp6_tx_reply))" \
		test "$(us_stat dhcp6_tx_reply)" -gt "$us_reply0"
}

# us_stat NAME: one userspace counter of rackbootctl stats, 0 when missing.
us_stat() {
	local value

	value=$(rb_stat "$PIN" userspace "$1")
	echo "${value:-0}"
}

# leases6 STORE: "ADDRESS DUID IAID" per DHCPv6 lease in the store, sorted.
leases6() {
	"$RB_CTL" --store "$1" leases --json | jq -r '.leases6[] | "\(.ipv6) \(.duid) \(.iaid)"' | sort
}

# lease6_start STORE ADDRESS: start time of the lease of ADDRESS.
lease6_start() {
	"$RB_CTL" --store "$1" leases --json |
		jq -r --arg a "$2" '.leases6[] | select(.ipv6 == $a) | .start'
}

test_kill9() {
	local before after addr start0 renewals0

	addr=$(ipv6_of "$DHCLIENT_INDEX")
	before=$(leases6 "$STORE")
	tap_check "store: dhclient's lease listed" grep -q "^$addr " <<<"$before"
	tap_check "store: dhcp6c's lease listed" grep -q "^$(ipv6_of "$DHCP6C_INDEX") " <<<"$before"
	tap_check "store: dhcpcd's pool lease listed" grep -q "^${POOL_ADDR:-none} " <<<"$before"

	kill -KILL "$RB_DAEMON_PID"
	wait "$RB_DAEMON_PID" 2>/dev/null
	after=$(leases6 "$STORE")
	tap_is "$after" "$before" "kill -9: every DHCPv6 lease still in the store"

	start0=$(lease6_start "$STORE" "$addr")
	renewals0=$(grep -c RENEW6 "$RB_RUN_DIR/dhclient6.env.reasons" 2>/dev/null)
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd2.log" ||
		tap_bail "rackbootd did not start again after kill -9"
	cat "$RB_RUN_DIR/rackbootd2.log" >>"$RB_RUN_DIR/rackbootd.log"
	tap_check "rackbootd: DHCPv6 socket bound again" rb_wait_for 10 dhcp6_bound

	# T1 is 8 s, so dhclient sends a Renew to the restarted server, whose DUID is unchanged.
	tap_check "dhclient: renewed after the restart" \
		rb_wait_for 30 renewed_since "$renewals0"
	rb_check_lease dhclient6 new_ip6_address "$addr"
	tap_check "store: the renewal moved the lease start" \
		test "$(lease6_start "$STORE" "$addr")" -gt "$start0"
}

renewed_since() {
	(($(grep -c RENEW6 "$RB_RUN_DIR/dhclient6.env.reasons" 2>/dev/null) > $1))
}

xdp_detached() {
	! rb_link_has_xdp "$RB_NS_SRV" "$RB_SRV_IF"
}

test_stop() {
	[[ -n "$DHCLIENT_PID" ]] && rb_stop_pid "$DHCLIENT_PID"
	[[ -n "$DHCP6C_PID" ]] && rb_stop_pid "$DHCP6C_PID"
	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_check "rackbootd: XDP detached from $RB_SRV_IF" xdp_detached
}

main() {
	DHCLIENT_PID=""
	DHCP6C_PID=""
	PLAIN_PID=""
	POOL_ADDR=""

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_check "rackbootd: DHCPv6 socket bound on port 547" rb_wait_for 10 dhcp6_bound
	tap_check "rackbootd: server DUID logged" grep -q 'dhcpv6: server DUID' "$RB_RUN_DIR/rackbootd.log"

	test_dhclient
	test_dhclient_plain
	test_dhcp6c
	test_dhcpcd
	test_kill9
	test_stop
	tap_finish
}

main "$@"
