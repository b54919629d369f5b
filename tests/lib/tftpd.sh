# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Read the counters of a running rb-tftpd (tests/tools/rb_tftpd.c) from
# its log.  rb-tftpd logs one "tftp counters: name=N ..." line on
# SIGUSR1 and on exit.  The callers set TFTPD_LOG (the log file) and
# TFTPD_PID.  Requires tests/lib/cleanup.sh.

# tftpd_counter NAME: one value from the last counters line logged.
tftpd_counter() {
	grep -o "tftp counters: .*" "$TFTPD_LOG" | tail -n 1 | grep -Eo "\b$1=[0-9]+" | cut -d= -f2
}

# shellcheck disable=SC2317  # called through rb_wait_for
tftpd_counters_logged_after() {
	(($(grep -c "tftp counters: " "$TFTPD_LOG") > $1))
}

# tftpd_counters_now: make rb-tftpd log its counters, and wait until it did.
tftpd_counters_now() {
	local before

	before=$(grep -c "tftp counters: " "$TFTPD_LOG")
	kill -USR1 "$TFTPD_PID" || return 1
	rb_wait_for 5 tftpd_counters_logged_after "$before"
}
