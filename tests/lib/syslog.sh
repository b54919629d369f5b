# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the syslog suites: the link to a collector namespace, the
# stored rings as 'rackbootctl logs' shows them, and the collector's
# file.  Requires tests/lib/cleanup.sh, netns.sh and rackboot.sh; the
# suite sets STORE, PIN and COLLECTOR_LOG.

# rb_syslog_collector_link NETNS SRV_ADDR COL_ADDR: namespace NETNS joined
# to the server namespace by a veth (nms0 there, eth0 in NETNS), with
# SRV_ADDR/24 and COL_ADDR/24.
rb_syslog_collector_link() {
	local ns=$1 srv_addr=$2 col_addr=$3

	rb_netns_add "$ns" || return 1
	ip -n "$RB_NS_SRV" link add nms0 type veth peer name eth0 netns "$ns" || return 1
	ip -n "$RB_NS_SRV" addr add "$srv_addr/24" dev nms0 &&
		ip -n "$RB_NS_SRV" link set nms0 up &&
		ip -n "$ns" addr add "$col_addr/24" dev eth0 &&
		ip -n "$ns" link set eth0 up
}

# rb_syslog_listening NETNS PORT: whether a TCP socket listens on PORT in NETNS.
rb_syslog_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

# rb_syslog_collector_start NETNS PORT: start rsyslogd in NETNS with
# $RB_RUN_DIR/rsyslog.conf and wait up to 20 s until it listens on PORT.
# Sets COLLECTOR_PID.
rb_syslog_collector_start() {
	rb_spawn "$1" "$RB_RUN_DIR/rsyslogd.out" rsyslogd -n -f "$RB_RUN_DIR/rsyslog.conf" \
		-i "$RB_RUN_DIR/rsyslogd.pid"
	COLLECTOR_PID=$RB_SPAWNED_PID
	rb_wait_for 20 rb_syslog_listening "$1" "$2"
}

# rb_syslog_logs_json DEVICE: the device's ring as JSON, empty when it has none yet.
rb_syslog_logs_json() {
	"$RB_CTL" --store "$STORE" logs "$1" --json 2>/dev/null
}

# rb_syslog_entry_field DEVICE MESSAGE FIELD: FIELD of the newest entry with MESSAGE.
rb_syslog_entry_field() {
	rb_syslog_logs_json "$1" | jq -r --arg msg "$2" --arg f "$3" \
		'[.entries[] | select(.message == $msg)] | last | .[$f] // empty | tostring'
}

# rb_syslog_has_message DEVICE MESSAGE
rb_syslog_has_message() {
	[[ -n "$(rb_syslog_entry_field "$1" "$2" message)" ]]
}

# rb_syslog_counter NAME: a userspace counter of rackbootctl stats.
rb_syslog_counter() {
	rb_stat "$PIN" userspace "$1"
}

# rb_syslog_counter_reached NAME MIN
rb_syslog_counter_reached() {
	(($(rb_syslog_counter "$1") >= $2))
}

# rb_syslog_collector_has TEXT: whether the collector's file has TEXT.
rb_syslog_collector_has() {
	grep -qF -- "$1" "$COLLECTOR_LOG" 2>/dev/null
}
