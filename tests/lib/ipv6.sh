# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# IPv6 in the test namespaces.  rb_netns_add turns IPv6 off in every
# namespace it creates; IPv6 tests turn it back on with this file.

# rb_netns_ipv6_on NETNS: enable IPv6 on every link of NETNS and on links
# created later, with duplicate address detection off, so that an
# address is usable as soon as it is added.
rb_netns_ipv6_on() {
	local netns=$1 conf link

	for conf in all default; do
		ip netns exec "$netns" sysctl -qw "net.ipv6.conf.$conf.disable_ipv6=0" \
			"net.ipv6.conf.$conf.accept_dad=0" || return 1
	done
	for link in $(ip -n "$netns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ip netns exec "$netns" sysctl -qw "net.ipv6.conf.$link.disable_ipv6=0" \
			"net.ipv6.conf.$link.accept_dad=0" || return 1
	done
}

# rb_ipv6_addr_add NETNS IFNAME ADDR/LEN: add an address that skips
# duplicate address detection.
rb_ipv6_addr_add() {
	ip -n "$1" -6 addr add "$3" dev "$2" nodad
}

# rb_ll_ready NETNS IFNAME: the link has its link-local address, out of
# duplicate address detection, so that a client can bind to it.
rb_ll_ready() {
	local out

	out=$(ip -n "$1" -6 addr show dev "$2" scope link 2>/dev/null) || return 1
	grep -q 'inet6 fe80' <<<"$out" && ! grep -q tentative <<<"$out"
}
