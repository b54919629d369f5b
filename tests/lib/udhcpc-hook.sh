#!/bin/sh
# SPDX-License-Identifier: MIT
# Script for busybox udhcpc (-s) in the test namespaces.  It configures
# only the address and writes the variables udhcpc exports for a lease,
# one per line, to $RB_DUMP (set in udhcpc's environment).
# shellcheck disable=SC2154 # udhcpc sets interface, ip and mask

case "$1" in
deconfig)
	ip link set dev "$interface" up
	;;
bound | renew)
	ip addr replace "$ip/$mask" dev "$interface"
	env | grep -E '^(ip|siaddr|sname|boot_file|subnet|mask|router|dns|hostname|domain|lease|serverid|timezone|tftp|bootfile|opt[0-9]+)=' |
		sort >"$RB_DUMP.tmp"
	mv "$RB_DUMP.tmp" "$RB_DUMP"
	;;
esac
exit 0
