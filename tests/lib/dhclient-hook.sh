#!/bin/sh
# SPDX-License-Identifier: MIT
# Script for ISC dhclient (-sf) in the test namespaces.  Instead of
# dhclient-script, which would rewrite the host's /etc/resolv.conf, it
# configures only the address and writes every new_* variable, one per
# line, to $RB_DUMP (passed with 'dhclient -e RB_DUMP=FILE').
# shellcheck disable=SC2154 # dhclient sets reason, interface and new_*

case "$reason" in
PREINIT)
	ip link set dev "$interface" up
	;;
BOUND | RENEW | REBIND | REBOOT)
	ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
	env | grep '^new_' | sort >"$RB_DUMP.tmp"
	mv "$RB_DUMP.tmp" "$RB_DUMP"
	;;
esac
exit 0
