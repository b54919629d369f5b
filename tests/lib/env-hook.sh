#!/bin/sh
# SPDX-License-Identifier: MIT
# Hook script for dhcpcd (-c) and WIDE dhcp6c (script) in the test
# namespaces.  It changes nothing on the system: it appends the reason of
# each call to $RB_DUMP.reasons and, for a call that reports a lease,
# writes every variable the client passed, one per line, to $RB_DUMP.
# The clients' own scripts would rewrite the host's /etc/resolv.conf.
# dhcp6c passes no reason and calls the script only with a lease.
# shellcheck disable=SC2154 # the clients set reason

: "${RB_DUMP:?is not set: run this hook through the wrapper of rb_env_hook}"
echo "${reason:-dhcp6c}" >>"$RB_DUMP.reasons"
case "${reason:-}" in
"" | BOUND6 | RENEW6 | REBIND6 | REBOOT6 | INFORM6)
	env | grep -E '^(reason|new_|interface)' | sort >"$RB_DUMP.tmp"
	mv "$RB_DUMP.tmp" "$RB_DUMP"
	;;
esac
exit 0
