#!/bin/sh
# SPDX-License-Identifier: MIT
# Script for ISC 'dhclient -6' (-sf) in the test namespaces.  Instead of
# dhclient-script, which would rewrite the host's /etc/resolv.conf, it
# adds only the leased address and writes every new_* variable, one per
# line, to $RB_DUMP (passed with 'dhclient -e RB_DUMP=FILE'), and the
# reason to $RB_DUMP.reasons, one line per call.
# shellcheck disable=SC2154 # dhclient sets reason, interface and new_*

echo "$reason" >>"$RB_DUMP.reasons"
case "$reason" in
PREINIT6)
	ip link set dev "$interface" up
	;;
BOUND6 | RENEW6 | REBIND6 | REBOOT6)
	ip -6 addr replace "$new_ip6_address/${new_ip6_prefixlen:-128}" dev "$interface" nodad
	env | grep '^new_' | sort >"$RB_DUMP.tmp"
	mv "$RB_DUMP.tmp" "$RB_DUMP"
	;;
esac
exit 0
