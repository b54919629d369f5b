#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The DNS server of rackbootd against dig (topology in tests/lib/netns.sh).
#
# rackbootd runs with the lab config, whose dns container serves
# lab.rackboot.test, plus a TXT record "big" of over 600 bytes, a TCP
# idle timeout of 2 s and at most 2 TCP connections.  A client namespace
# (inventory device 4, which has no ipv6-address) queries 10.213.0.1 and
# fd00:213::1 with dig.  It checks static names of every type, a CNAME
# chain, inventory hostnames and PTR records of reserved addresses.
# Once 'dhclient -6' got a DHCPv6 pool lease, it checks the device's
# leased address and its PTR.  Then REFUSED outside the
# zone, NXDOMAIN and NODATA with the SOA, the TC bit over UDP and the full
# answer over TCP, EDNS sizes, mixed case kept, malformed messages from
# rb-dns-send (FORMERR or dropped, and the server still answers), three
# pipelined queries on one TCP connection and the idle timeout.  Queries
# over TCP and over UDP (which the XDP program answers from
# rb_dns_answers) must give the same records, and the XDP counters grow.
#
# A second run enables forwarding to dnsmasq in an upstream namespace:
# an outside name is answered through it, and with dnsmasq stopped the
# client gets SERVFAIL after the forwarding timeout.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns ipv6 rackboot clients clients6; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

SEND="$RB_BIN/tests/rb-dns-send"
ZONE=lab.rackboot.test
SRV4=10.213.0.1
SRV6=fd00:213::1
CLI4=10.213.0.50
CLI6=fd00:213::50
CLIENT_INDEX=4		# 52:54:00:21:30:04, rack1-node04, no ipv6-address in the lab config
UP_SRV=10.214.0.1	# rackbootd's side of the upstream link
UP_DNS=10.214.0.2	# dnsmasq
NS_UP="${RB_PREFIX}up"
BIG_TEXT_LEN=200
MID_TEXT_LEN=235	# "mid" TXT: a response of over 512 bytes that XDP still sends with EDNS

DNS_EDIT=".dns.tcp = {\"idle-timeout\": 2, \"max-connections\": 2}
	| .dns.txt += [{\"name\": \"big\", \"text\": [\"a\" * $BIG_TEXT_LEN, \"b\" * $BIG_TEXT_LEN,
		\"c\" * $BIG_TEXT_LEN]},
		{\"name\": \"mid\", \"text\": [\"a\" * $MID_TEXT_LEN, \"b\" * $MID_TEXT_LEN]}]"
FORWARD_EDIT="$DNS_EDIT | .dns.forwarding = {\"enabled\": true, \"timeout\": 500,
	\"upstream\": [{\"address\": \"$UP_DNS\"}]}"

if ((EUID != 0)); then
	tap_skip_all "needs root for network namespaces and XDP"
fi
for tool in dig dnsmasq dhclient; do
	command -v "$tool" >/dev/null || tap_skip_all "$tool is not installed"
done

CLI_NS=$(rb_dev_netns "$CLIENT_INDEX")

ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=0"
}

# q [DIG_ARG...]: dig in the client namespace against rackbootd's IPv4
# address, one try of at most 2 s.
q() {
	ip netns exec "$CLI_NS" dig +tries=1 +time=2 "@$SRV4" "$@" 2>&1
}

# short NAME TYPE: the answer's RDATA, one line each, sorted.
short() {
	q "$1" "$2" +short | sort
}

# status NAME TYPE [DIG_ARG...]: the rcode that dig prints.
status() {
	q "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# flags NAME TYPE [DIG_ARG...]: the header flags that dig prints.
flags() {
	q "$@" | sed -n 's/.*flags: \([a-z ]*\);.*/\1/p' | head -n 1
}

# dns_ready: rackbootd answers on UDP 53.
dns_ready() {
	[[ -n "$(short "ns.$ZONE" A)" ]]
}

setup() {
	rb_suite_setup "$SEND"
	DAEMON_LOG="$RB_RUN_DIR/rackbootd.log"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$DNS_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	ipv6_on "$RB_NS_SRV" "$RB_SRV_IF" || tap_bail "turning IPv6 on in $RB_NS_SRV failed"
	ipv6_on "$RB_NS_SW" br0 || tap_bail "turning IPv6 on in $RB_NS_SW failed"
	ip -n "$RB_NS_SRV" -6 addr add "$SRV6/64" dev "$RB_SRV_IF" nodad ||
		tap_bail "adding $SRV6 to $RB_SRV_IF failed"
	rb_topo_add_device "$CLIENT_INDEX" "$(rb_cfg ".inventory.device[$((CLIENT_INDEX - 1))].mac" \
		"$CONFIG")" || tap_bail "creating the client namespace failed"
	ipv6_on "$CLI_NS" eth0 || tap_bail "turning IPv6 on in the client namespace failed"
	ip -n "$CLI_NS" addr add "$CLI4/24" dev eth0 || tap_bail "adding $CLI4 failed"
	ip -n "$CLI_NS" -6 addr add "$CLI6/64" dev eth0 nodad || tap_bail "adding $CLI6 failed"
	rb_wait_for 10 rb_ll_ready "$RB_NS_SRV" "$RB_SRV_IF" ||
		tap_bail "$RB_SRV_IF has no usable link-local address after 10 s"
	rb_wait_for 10 rb_ll_ready "$CLI_NS" eth0 ||
		tap_bail "the client's eth0 has no usable link-local address after 10 s"

	# The upstream resolver's namespace, linked to the server namespace.
	rb_netns_add "$NS_UP" || tap_bail "creating the upstream namespace failed"
	ip -n "$RB_NS_SRV" link add up0 type veth peer name eth0 netns "$NS_UP" ||
		tap_bail "creating the upstream veth pair failed"
	ip -n "$RB_NS_SRV" addr add "$UP_SRV/24" dev up0 && ip -n "$RB_NS_SRV" link set up0 up &&
		ip -n "$NS_UP" addr add "$UP_DNS/24" dev eth0 && ip -n "$NS_UP" link set eth0 up &&
		ip -n "$NS_UP" link set lo up || tap_bail "addressing the upstream link failed"

	rb_on_cleanup 'rb_daemon_log_on_failure'
	rb_daemon_start "$CONFIG" "$PIN" "$DAEMON_LOG" || tap_bail "rackbootd did not start"
	rb_wait_for 10 dns_ready || tap_bail "rackbootd does not answer DNS after 10 s"
}

test_zone_names() {
	tap_is "$(short "ns.$ZONE" A)" "$SRV4" "A of ns"
	tap_is "$(short "boot.$ZONE" AAAA)" "$SRV6" "AAAA of boot"
	tap_is "$(short "$ZONE" NS)" "ns.$ZONE." "NS of the zone"
	tap_is "$(short "$ZONE" SOA | awk '{print $1, $2, $3}')" "ns.$ZONE. hostmaster.$ZONE. 1" \
		"SOA of the zone: MNAME, RNAME, serial"
	tap_is "$(short "_http._tcp.$ZONE" SRV)" "0 0 80 boot.$ZONE." "SRV of _http._tcp"
	tap_is "$(short "$ZONE" TXT)" '"rackboot provisioning lab"' "TXT of the zone"
	tap_is "$(short "tftp.$ZONE" A | tr '\n' ' ')" "$SRV4 boot.$ZONE. " \
		"CNAME tftp -> boot with the A record"
	tap_check "answers are authoritative" grep -qw aa <<<"$(flags "ns.$ZONE" A)"
	tap_is "$(ip netns exec "$CLI_NS" dig +tries=1 +time=2 "@$SRV6" "rack1-node01.$ZONE" AAAA \
		+short)" "fd00:213::101" "AAAA of an inventory device, over IPv6"
}

test_inventory_and_reverse() {
	local index host addr4

	for index in 1 2 10; do
		host=$(rb_cfg ".inventory.device[$((index - 1))].hostname" "$CONFIG")
		addr4=$(rb_cfg ".inventory.device[$((index - 1))].\"ipv4-address\"" "$CONFIG")
		tap_is "$(short "$host.$ZONE" A)" "$addr4" "inventory: A of $host"
	done
	tap_is "$(q -x 10.213.0.101 +short)" "rack1-node01.$ZONE." "PTR of a reserved IPv4 address"
	tap_is "$(q -x fd00:213::102 +short)" "rack1-node02.$ZONE." "PTR of a reserved IPv6 address"
	tap_is "$(short 0.213.10.in-addr.arpa SOA | awk '{print $1}')" "ns.$ZONE." \
		"SOA of the IPv4 reverse zone"
	tap_is "$(short 0.0.0.0.0.0.0.0.3.1.2.0.0.0.d.f.ip6.arpa NS)" "ns.$ZONE." \
		"NS of the IPv6 reverse zone"
	tap_is "$(status 5.0.213.10.in-addr.arpa PTR)" NXDOMAIN "PTR of an unused address: NXDOMAIN"
	tap_is "$(status 1.0.214.10.in-addr.arpa PTR)" REFUSED "PTR outside the subnets: REFUSED"
}

# leased_aaaa ADDRESS: the AAAA of rack1-node04 is ADDRESS.
leased_aaaa() {
	[[ "$(short "rack1-node04.$ZONE" AAAA)" == "$1" ]]
}

test_leased_device() {
	local name=lease6 addr

	rb_dhclient6_start "$CLI_NS" "$name" plain
	if ! rb_wait_for 20 rb_lease_ready "$name"; then
		tap_not_ok "leased: dhclient -6 got a lease"
		return
	fi
	addr=$(rb_lease_var "$name" new_ip6_address)
	tap_check "leased: the address is a pool address" grep -q '^fd00:213::1' <<<"$addr"
	tap_check "leased: AAAA of rack1-node04 is its lease within 10 s" \
		rb_wait_for 10 leased_aaaa "$addr"
	tap_is "$(q -x "$addr" +short)" "rack1-node04.$ZONE." "leased: PTR of the leased address"
	tap_is "$(short "rack1-node04.$ZONE" A)" 10.213.0.104 "leased: A stays the reservation"
}

test_negative() {
	local out

	tap_is "$(status www.example.org A)" REFUSED "outside the zone: REFUSED"
	out=$(q "missing.$ZONE" A)
	tap_check "missing name: NXDOMAIN" grep -q 'status: NXDOMAIN' <<<"$out"
	tap_check "missing name: SOA in authority" grep -q "AUTHORITY: 1" <<<"$out"
	out=$(q "ns.$ZONE" MX)
	tap_check "name without the type: NOERROR" grep -q 'status: NOERROR' <<<"$out"
	tap_check "name without the type: no answer, SOA in authority" \
		grep -q "ANSWER: 0, AUTHORITY: 1" <<<"$out"
	tap_is "$(status "_tcp.$ZONE" A)" NOERROR "empty non-terminal: NODATA"
}

test_truncation() {
	local out

	out=$(q "big.$ZONE" TXT +noedns +ignore)
	tap_check "UDP without EDNS: TC set" grep -Eq 'flags: [a-z ]*tc' <<<"$out"
	tap_check "UDP without EDNS: no answer records" grep -q "ANSWER: 0" <<<"$out"
	out=$(q "big.$ZONE" TXT +noedns)
	tap_check "dig retries over TCP after TC" grep -q 'Truncated, retrying in TCP mode' <<<"$out"
	tap_check "the TCP retry has the answer" grep -q "ANSWER: 1" <<<"$out"
	out=$(q "big.$ZONE" TXT +tcp)
	tap_check "over TCP: the whole answer" grep -q "ANSWER: 1" <<<"$out"
	out=$(ip netns exec "$CLI_NS" dig +tries=1 +time=2 "@$SRV6" "big.$ZONE" TXT +tcp 2>&1)
	tap_check "over TCP and IPv6: the whole answer" grep -q "ANSWER: 1" <<<"$out"
	tap_is "$(q "big.$ZONE" TXT +tcp +short | wc -c)" "$((3 * (BIG_TEXT_LEN + 3)))" \
		"over TCP: the three strings in full"
	out=$(q "big.$ZONE" TXT +bufsize=4096 +ignore)
	tap_check "EDNS 4096: the answer fits in UDP" grep -q "ANSWER: 1" <<<"$out"
	tap_check "EDNS: the server advertises 1232 bytes" grep -q 'udp: 1232' <<<"$out"
	out=$(q "big.$ZONE" TXT +bufsize=600 +ignore)
	tap_check "EDNS 600: TC set" grep -Eq 'flags: [a-z ]*tc' <<<"$out"
}

test_case_kept() {
	tap_is "$(q RaCk1-NoDe01.LAB.rackboot.test A +noall +answer | awk '{print $1, $5}')" \
		"RaCk1-NoDe01.LAB.rackboot.test. 10.213.0.101" "mixed case: owner as asked, right address"
	tap_check "mixed case: question as asked" \
		grep -q 'RaCk1-NoDe01.LAB.rackboot.test' <<<"$(q RaCk1-NoDe01.LAB.rackboot.test A)"
}

test_malformed() {
	local send=(ip netns exec "$CLI_NS" "$SEND" "$SRV4" 53)

	tap_is "$("${send[@]}" short)" "no response" "short header: dropped"
	tap_is "$("${send[@]}" bad-label)" "rcode 1" "label past the end: FORMERR"
	tap_is "$("${send[@]}" loop)" "rcode 1" "compression loop: FORMERR"
	tap_is "$("${send[@]}" qdcount0)" "rcode 1" "qdcount 0: FORMERR"
	tap_is "$("${send[@]}" notimp)" "rcode 4" "opcode STATUS: NOTIMP"
	tap_is "$("${send[@]}" badvers)" "rcode 16" "EDNS version 1: BADVERS"
	tap_is "$(short "ns.$ZONE" A)" "$SRV4" "still answering after malformed messages"
	tap_check "rackbootd still running" rb_pid_alive "$RB_DAEMON_PID"
}

test_tcp() {
	local out ms

	tap_is "$(ip netns exec "$CLI_NS" "$SEND" "$SRV4" 53 pipeline "ns.$ZONE")" "responses 3" \
		"TCP: three pipelined queries on one connection"
	out=$(ip netns exec "$CLI_NS" "$SEND" "$SRV4" 53 idle)
	ms=$(sed -n 's/closed after \([0-9]*\) ms/\1/p' <<<"$out")
	tap_check "TCP: an idle connection is closed after 2 to 4 s ($out)" \
		test "${ms:-0}" -ge 1900 -a "${ms:-0}" -le 4000
}

# Two idle connections fill max-connections 2, so a third is closed at once.
test_tcp_limit() {
	local pids=() out ms i

	for i in 1 2; do
		ip netns exec "$CLI_NS" "$SEND" "$SRV4" 53 idle >"$RB_RUN_DIR/idle$i.out" &
		pids+=($!)
	done
	sleep 0.5
	out=$(ip netns exec "$CLI_NS" "$SEND" "$SRV4" 53 idle)
	ms=$(sed -n 's/closed after \([0-9]*\) ms/\1/p' <<<"$out")
	tap_check "TCP: a connection over the limit is closed at once ($out)" \
		test -n "$ms" -a "${ms:-99999}" -lt 1000
	wait "${pids[@]}"
	ms=$(sed -n 's/closed after \([0-9]*\) ms/\1/p' "$RB_RUN_DIR/idle1.out")
	tap_check "TCP: a connection within the limit stays until its idle timeout" \
		test "${ms:-0}" -ge 1900
	tap_is "$(short "ns.$ZONE" A +tcp)" "$SRV4" "TCP: new connections work after the limit"
}

# answers_of NAME TYPE [DIG_ARG...]: the records of every section, sorted.
answers_of() {
	q "$@" +noall +answer +authority +additional | grep -v '^;' | sort
}

test_xdp_answers() {
	local tx0 tx1 room0 name type udp tcp
	local -a pairs=("ns.$ZONE A" "boot.$ZONE AAAA" "$ZONE NS" "$ZONE SOA"
		"_http._tcp.$ZONE SRV" "$ZONE TXT" "tftp.$ZONE A" "RaCk1-NoDe02.LaB.RackBoot.TEST A"
		"rack1-node01.$ZONE AAAA" "101.0.213.10.in-addr.arpa PTR" "ns.$ZONE MX"
		"_tcp.$ZONE A")

	tap_check "xdp: every DNS counter is listed" rb_stat_names_present "$PIN" xdp \
		tx_dns pass_dns_header pass_dns_name pass_dns_class pass_dns_edns pass_dns_miss \
		pass_dns_too_big pass_dns_no_room malformed_dns pass_dns_not_local
	tx0=$(rb_stat "$PIN" xdp tx_dns)
	# UDP goes to XDP and TCP to rackbootd's socket: both must give the same records.
	for pair in "${pairs[@]}"; do
		read -r name type <<<"$pair"
		udp=$(answers_of "$name" "$type")
		tcp=$(answers_of "$name" "$type" +tcp)
		if [[ -n "$udp" && "$udp" == "$tcp" ]]; then
			tap_ok "xdp: $name $type over UDP equals TCP"
		else
			tap_not_ok "xdp: $name $type over UDP equals TCP"
			tap_diag "UDP: $udp"
			tap_diag "TCP: $tcp"
		fi
	done
	tap_is "$(ip netns exec "$CLI_NS" dig +tries=1 +time=2 "@$SRV6" "ns.$ZONE" A +short)" \
		"$SRV4" "xdp: A of ns over IPv6"
	tap_is "$(short "ns.$ZONE" A +noedns)" "$SRV4" "xdp: A of ns without EDNS"
	tx1=$(rb_stat "$PIN" xdp tx_dns)
	tap_ge "$((tx1 - tx0))" 14 "xdp: tx_dns counts the UDP answers"
	tap_ge "$(rb_stat "$PIN" xdp pass_dns_miss)" 1 "xdp: names not in the map passed up"
	# The frame grows by over 450 bytes: veth may lack the tailroom, and then rackbootd answers.
	tx0=$(rb_stat "$PIN" xdp tx_dns)
	room0=$(rb_stat "$PIN" xdp pass_dns_no_room)
	tap_check "xdp: a 527-byte TXT answer arrives with EDNS" \
		grep -q "ANSWER: 1," <<<"$(q "mid.$ZONE" TXT +bufsize=1232)"
	tap_diag "mid TXT: tx_dns +$(($(rb_stat "$PIN" xdp tx_dns) - tx0)), pass_dns_no_room" \
		"+$(($(rb_stat "$PIN" xdp pass_dns_no_room) - room0))"
	tap_diag "xdp DNS counters: $(rb_ctl_json "$PIN" stats |
		jq -c '.xdp | with_entries(select(.key | test("dns")))')"
}

test_counters() {
	tap_check "stats: every DNS counter is listed" rb_stat_names_present "$PIN" userspace \
		dns_queries dns_noerror dns_formerr dns_nxdomain dns_refused dns_notimp dns_badvers \
		dns_truncated dns_dropped dns_forwarded dns_servfail dns_tcp_connections
	# The XDP program answers most UDP queries (test_xdp_answers), so fewer reach the socket.
	tap_ge "$(rb_stat "$PIN" userspace dns_queries)" 15 "stats: dns_queries counted"
	tap_ge "$(rb_stat "$PIN" userspace dns_formerr)" 3 "stats: dns_formerr counted"
	tap_ge "$(rb_stat "$PIN" userspace dns_refused)" 2 "stats: dns_refused counted"
	tap_ge "$(rb_stat "$PIN" userspace dns_truncated)" 2 "stats: dns_truncated counted"
	tap_ge "$(rb_stat "$PIN" userspace dns_dropped)" 1 "stats: dns_dropped counted"
	tap_ge "$(rb_stat "$PIN" userspace dns_tcp_connections)" 3 "stats: TCP connections counted"
}

dnsmasq_ready() {
	ip netns exec "$NS_UP" dig +tries=1 +time=1 "@$UP_DNS" www.upstream.test A +short |
		grep -q 192.0.2.7
}

test_forwarding() {
	local log="$RB_RUN_DIR/forward.log" dnsmasq_pid start end

	rb_spawn "$NS_UP" "$RB_RUN_DIR/dnsmasq.log" dnsmasq --keep-in-foreground --no-resolv \
		--no-hosts --bind-interfaces --listen-address="$UP_DNS" --port=53 \
		--address=/upstream.test/192.0.2.7 --pid-file="$RB_RUN_DIR/dnsmasq.pid" --user=root
	dnsmasq_pid=$RB_SPAWNED_PID
	rb_wait_for 10 dnsmasq_ready || tap_bail "dnsmasq in $NS_UP does not answer after 10 s"

	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$FORWARD_EDIT" ||
		tap_bail "writing the forwarding config failed"
	rb_stop_pid "$RB_DAEMON_PID"
	rb_daemon_start "$CONFIG" "$PIN" "$log" || tap_bail "rackbootd with forwarding did not start"
	rb_wait_for 10 dns_ready || tap_bail "rackbootd with forwarding does not answer after 10 s"

	tap_is "$(short www.upstream.test A)" 192.0.2.7 "forwarding: outside name answered upstream"
	tap_check "forwarding: RA set" grep -qw ra <<<"$(flags www.upstream.test A)"
	tap_is "$(short www.upstream.test A +tcp)" 192.0.2.7 "forwarding: a TCP client too"
	tap_is "$(short "ns.$ZONE" A)" "$SRV4" "forwarding: zone names still answered locally"
	tap_ge "$(rb_stat "$PIN" userspace dns_forwarded)" 2 "stats: dns_forwarded counted"

	rb_stop_pid "$dnsmasq_pid"
	start=$(date +%s%N)
	tap_is "$(status www.upstream.test A)" SERVFAIL "forwarding: upstream gone, SERVFAIL"
	end=$(date +%s%N)
	tap_check "forwarding: SERVFAIL within 2 s" test $(((end - start) / 1000000)) -lt 2000
	tap_check "rackbootd still running" rb_pid_alive "$RB_DAEMON_PID"
}

main() {
	setup
	test_zone_names
	test_inventory_and_reverse
	test_negative
	test_truncation
	test_case_kept
	test_malformed
	test_tcp
	test_tcp_limit
	test_leased_device
	test_xdp_answers
	test_counters
	test_forwarding
	tap_finish
}

main
