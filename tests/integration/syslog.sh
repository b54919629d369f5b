#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The syslog receiver of rackbootd against real senders and a real
# collector (topology in tests/lib/netns.sh, plus one link to the
# collector).
#
# Device 1 (52:54:00:21:30:01) sends from its inventory addresses
# 10.213.0.101 and fd00:213::101 with util-linux logger: RFC 5424 and
# RFC 3164, over UDP, over TCP with LF framing and with octet counting.
# 'rackbootctl logs MAC' must show each message with its fields.  A
# namespace with the unreserved address 10.213.0.250 sends too, and its
# message must land in the unattributed ring.
#
# rsyslogd runs in <prefix>col (10.214.0.2, TCP port COLLECTOR_PORT) as
# the NMS collector and writes what it receives to a file.  rackbootd
# forwards over TCP with a queue of QUEUE_SIZE messages.  The collector
# is stopped, SENT_WHILE_DOWN messages are sent, the collector is
# started again: the queued messages and new ones must arrive, and the
# drop counter must grow by SENT_WHILE_DOWN - QUEUE_SIZE.
#
# Last, messages longer than MAX_MESSAGE are cut and counted, over UDP
# and over TCP (where the next frame must still arrive), a third TCP
# connection over MAX_CONNECTIONS is closed at once, and idle connections
# are closed after IDLE_TIMEOUT seconds.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot ipv6 syslog; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

DEV_INDEX=1
UNKNOWN_INDEX=9
UNKNOWN_MAC=02:00:00:00:00:99
UNKNOWN_ADDR=10.213.0.250
SRV6=fd00:213::1
NS_COL="${RB_PREFIX}col"
COL_SRV_ADDR=10.214.0.1
COL_ADDR=10.214.0.2
COLLECTOR_PORT=10514
QUEUE_SIZE=20
SENT_WHILE_DOWN=30
MAX_MESSAGE=1024
MAX_CONNECTIONS=2
IDLE_TIMEOUT=2
WAIT=20		# seconds for each condition below

CONFIG_EDIT=".syslog = {\"enabled\": true, \"commit-interval\": 200,
	\"max-message-size\": $MAX_MESSAGE, \"max-connections\": $MAX_CONNECTIONS,
	\"idle-timeout\": $IDLE_TIMEOUT,
	\"collector\": [{\"host\": \"$COL_ADDR\", \"port\": $COLLECTOR_PORT,
		\"transport\": \"tcp\", \"queue-size\": $QUEUE_SIZE}]}"

setup() {
	command -v logger >/dev/null || tap_skip_all "logger (util-linux) is not installed"
	command -v rsyslogd >/dev/null || tap_skip_all "rsyslogd is not installed; run scripts/install-deps.sh"
	rb_suite_setup
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$CONFIG_EDIT" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	STORE="$RB_RUN_DIR/store"
	DEV_MAC=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].mac" "$CONFIG")
	DEV_ADDR=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].\"ipv4-address\"" "$CONFIG")
	DEV_ADDR6=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].\"ipv6-address\"" "$CONFIG")
	DEV_HOST=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].hostname" "$CONFIG")
	DEV_NS=$(rb_dev_netns "$DEV_INDEX")
	UNKNOWN_NS=$(rb_dev_netns "$UNKNOWN_INDEX")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV_INDEX" "$DEV_MAC" || tap_bail "creating the device namespace failed"
	rb_topo_add_device "$UNKNOWN_INDEX" "$UNKNOWN_MAC" ||
		tap_bail "creating the unknown device's namespace failed"
	ip -n "$DEV_NS" addr add "$DEV_ADDR/24" dev eth0 || tap_bail "addressing $DEV_NS failed"
	ip -n "$UNKNOWN_NS" addr add "$UNKNOWN_ADDR/24" dev eth0 || tap_bail "addressing $UNKNOWN_NS failed"
	for ns in "$RB_NS_SRV" "$RB_NS_SW" "$DEV_NS"; do
		rb_netns_ipv6_on "$ns" || tap_bail "turning IPv6 on in $ns failed"
	done
	rb_ipv6_addr_add "$RB_NS_SRV" "$RB_SRV_IF" "$SRV6/64" || tap_bail "adding $SRV6 failed"
	rb_ipv6_addr_add "$DEV_NS" eth0 "$DEV_ADDR6/64" || tap_bail "adding $DEV_ADDR6 failed"

	rb_syslog_collector_link "$NS_COL" "$COL_SRV_ADDR" "$COL_ADDR" ||
		tap_bail "creating the collector namespace and link failed"

	COLLECTOR_LOG="$RB_RUN_DIR/collector.log"
	collector_config
	rb_on_cleanup 'rb_daemon_log_on_failure'
	rb_on_cleanup 'if ((TAP_FAILED > 0)); then tap_diag "collector file:"; tap_diag "$(tail -n 20 "$COLLECTOR_LOG" 2>&1)"; fi'
}

# rsyslogd's own config: only a TCP input on the collector address and
# one file, so that it never touches the host's logs.
collector_config() {
	mkdir -p "$RB_RUN_DIR/rsyslog" || return 1
	cat >"$RB_RUN_DIR/rsyslog.conf" <<CONF
global(workDirectory="$RB_RUN_DIR/rsyslog")
module(load="imtcp")
input(type="imtcp" address="$COL_ADDR" port="$COLLECTOR_PORT")
template(name="fields" type="string"
	string="host=%hostname% app=%app-name% procid=%procid% msgid=%msgid% msg=%msg%\n")
action(type="omfile" file="$COLLECTOR_LOG" template="fields")
CONF
}

collector_start() {
	rb_syslog_collector_start "$NS_COL" "$COLLECTOR_PORT"
}

syslog_bound() {
	local udp tcp

	udp=$(ip netns exec "$RB_NS_SRV" ss -Hlun 'sport = :514') || return 1
	tcp=$(ip netns exec "$RB_NS_SRV" ss -Hltn 'sport = :601') || return 1
	[[ -n "$udp" && -n "$tcp" ]]
}

in_dev() {
	ip netns exec "$DEV_NS" "$@"
}

check_entry() {
	local msg=$1 field want got

	shift
	if ! rb_wait_for "$WAIT" rb_syslog_has_message "$DEV_MAC" "$msg"; then
		tap_not_ok "logs shows '$msg'"
		return
	fi
	tap_ok "logs shows '$msg'"
	while (($# >= 2)); do
		field=$1 want=$2
		shift 2
		got=$(rb_syslog_entry_field "$DEV_MAC" "$msg" "$field")
		tap_is "$got" "$want" "'$msg': $field"
	done
}

test_udp_5424() {
	in_dev logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 -p local3.err -t app5424 \
		--id=4242 --msgid MSG1 "udp 5424 message"
	check_entry "udp 5424 message" transport udp format rfc5424 pri 155 app_name app5424 \
		procid 4242 msgid MSG1 source "$DEV_ADDR"
}

test_udp_3164() {
	in_dev logger -n "$RB_SRV_ADDR" -P 514 -d --rfc3164 -p daemon.info -t app3164 \
		"udp 3164 message"
	check_entry "udp 3164 message" transport udp format rfc3164 pri 30 app_name app3164
}

test_tcp_lf() {
	in_dev logger -n "$RB_SRV_ADDR" -P 601 -T --rfc5424 -t applf "tcp lf message"
	check_entry "tcp lf message" transport tcp format rfc5424 app_name applf
	in_dev logger -n "$RB_SRV_ADDR" -P 601 -T --rfc3164 -t applf3164 "tcp 3164 message"
	check_entry "tcp 3164 message" transport tcp format rfc3164 app_name applf3164
}

test_tcp_octet() {
	in_dev logger -n "$RB_SRV_ADDR" -P 601 -T --octet-count --rfc5424 -t appoc \
		--msgid OC "tcp octet message"
	check_entry "tcp octet message" transport tcp format rfc5424 app_name appoc msgid OC
}

test_ipv6() {
	in_dev logger -n "$SRV6" -P 514 -d --rfc5424 -t app6 "udp6 message"
	check_entry "udp6 message" transport udp source "$DEV_ADDR6"
	in_dev logger -n "$SRV6" -P 601 -T --octet-count --rfc5424 -t app6 "tcp6 message"
	check_entry "tcp6 message" transport tcp source "$DEV_ADDR6"
}

# A message without a HOSTNAME gets the device's hostname on the way to
# the collector; text without a header is kept as raw and counted.
test_raw_and_hostname() {
	local before

	before=$(rb_syslog_counter syslog_parse_errors)
	in_dev bash -c "printf '<14>1 - - apphost - - - no hostname here' >/dev/udp/$RB_SRV_ADDR/514"
	in_dev bash -c "printf 'text without a header' >/dev/udp/$RB_SRV_ADDR/514"
	check_entry "text without a header" format raw pri -1
	tap_is "$(rb_syslog_counter syslog_parse_errors)" "$((before + 1))" "parse errors counted"
	if rb_wait_for "$WAIT" rb_syslog_collector_has "host=$DEV_HOST app=apphost"; then
		tap_ok "collector sees the device's hostname"
	else
		tap_not_ok "collector sees the device's hostname"
	fi
}

test_unattributed() {
	local before

	before=$(rb_syslog_counter syslog_unattributed)
	ip netns exec "$UNKNOWN_NS" logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 -t appx \
		"from an unknown address"
	if rb_wait_for "$WAIT" rb_syslog_has_message unattributed "from an unknown address"; then
		tap_ok "unattributed ring has the message"
	else
		tap_not_ok "unattributed ring has the message"
	fi
	tap_is "$(rb_syslog_entry_field unattributed "from an unknown address" source)" "$UNKNOWN_ADDR" \
		"unattributed source address"
	tap_is "$(rb_syslog_counter syslog_unattributed)" "$((before + 1))" "unattributed counted"
	tap_check "device ring without it" \
		test -z "$(rb_syslog_entry_field "$DEV_MAC" "from an unknown address" message)"
}

test_forwarded() {
	local msg

	for msg in "udp 5424 message" "udp 3164 message" "tcp lf message" "tcp octet message" \
		"tcp6 message"; do
		if rb_wait_for "$WAIT" rb_syslog_collector_has "$msg"; then
			tap_ok "collector received '$msg'"
		else
			tap_not_ok "collector received '$msg'"
		fi
	done
	tap_check "collector fields of the 5424 message" \
		rb_syslog_collector_has "app=app5424 procid=4242 msgid=MSG1"
}

all_forwarded() {
	local rx fwd

	rx=$(($(rb_syslog_counter syslog_rx_udp) + $(rb_syslog_counter syslog_rx_tcp)))
	fwd=$(rb_syslog_counter syslog_forwarded)
	[[ "$rx" == "$fwd" ]]
}

rx_udp_reached() {
	(($(rb_syslog_counter syslog_rx_udp) >= $1))
}

test_collector_down() {
	local dropped_before rx_before reconnects_before i

	tap_check "every message forwarded before the stop" rb_wait_for "$WAIT" all_forwarded
	dropped_before=$(rb_syslog_counter syslog_forward_dropped)
	reconnects_before=$(rb_syslog_counter syslog_forward_reconnects)

	rb_stop_pid "$COLLECTOR_PID"
	tap_check "rackbootd sees the collector go" \
		rb_wait_for "$WAIT" grep -q "connection lost" "$RB_RUN_DIR/rackbootd.log"

	rx_before=$(rb_syslog_counter syslog_rx_udp)
	for ((i = 1; i <= SENT_WHILE_DOWN; i++)); do
		in_dev logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 -t appq "queued $i end"
	done
	tap_check "all $SENT_WHILE_DOWN received" \
		rb_wait_for "$WAIT" rx_udp_reached "$((rx_before + SENT_WHILE_DOWN))"
	tap_is "$(rb_syslog_counter syslog_forward_dropped)" \
		"$((dropped_before + SENT_WHILE_DOWN - QUEUE_SIZE))" "drops while the collector is down"

	collector_start || tap_bail "restarting rsyslogd failed"
	tap_check "queued message arrives" rb_wait_for "$WAIT" rb_syslog_collector_has "queued $QUEUE_SIZE end"
	tap_check "dropped message never arrives" \
		test -z "$(grep -F "queued $((QUEUE_SIZE + 1)) end" "$COLLECTOR_LOG")"
	in_dev logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 -t appq "after the restart"
	tap_check "new message arrives" rb_wait_for "$WAIT" rb_syslog_collector_has "after the restart"
	tap_ge "$(rb_syslog_counter syslog_forward_reconnects)" "$((reconnects_before + 1))" "reconnects counted"
}

# app_field APP FIELD: FIELD of the device's newest entry from APP.
app_field() {
	rb_syslog_logs_json "$DEV_MAC" | jq -r --arg app "$1" --arg f "$2" \
		'[.entries[] | select(.app_name == $app)] | last | .[$f] // empty | tostring'
}

has_app() {
	[[ -n "$(app_field "$1" app_name)" ]]
}

test_cut() {
	local before long header

	before=$(rb_syslog_counter syslog_cut)
	long=$(head -c 3000 /dev/zero | tr '\0' x)
	header='<13>1 - - appcut - - - '
	in_dev bash -c "printf '%s%s' '$header' '$long' >/dev/udp/$RB_SRV_ADDR/514"
	tap_check "cut UDP message kept" rb_wait_for "$WAIT" has_app appcut
	tap_is "$(app_field appcut cut)" true "UDP message marked cut"
	tap_is "$(app_field appcut message | wc -c)" "$((MAX_MESSAGE - ${#header} + 1))" \
		"UDP message cut to max-message-size"

	header='<13>1 - - appcut2 - - - '
	in_dev bash -c "printf '%d %s%s<13>1 - - appafter - - - after the cut\n' \
		$((${#header} + ${#long})) '$header' '$long' >/dev/tcp/$RB_SRV_ADDR/601"
	tap_check "cut TCP message kept" rb_wait_for "$WAIT" has_app appcut2
	tap_is "$(app_field appcut2 cut)" true "TCP message marked cut"
	tap_check "frame after the cut arrives" rb_wait_for "$WAIT" has_app appafter
	tap_is "$(app_field appafter message)" "after the cut" "frame after the cut intact"
	tap_is "$(rb_syslog_counter syslog_cut)" "$((before + 2))" "cut messages counted"
}

established() {
	local n

	n=$(ip netns exec "$RB_NS_SRV" ss -Htn state established '( sport = :601 )' | wc -l)
	((n == $1))
}

test_connection_limit() {
	local rejected idle i

	rejected=$(rb_syslog_counter syslog_tcp_rejected)
	idle=$(rb_syslog_counter syslog_tcp_idle_closed)
	for ((i = 0; i < MAX_CONNECTIONS; i++)); do
		rb_spawn "$DEV_NS" "$RB_RUN_DIR/hold$i.out" bash -c \
			"exec 3<>/dev/tcp/$RB_SRV_ADDR/601; exec sleep 30"
	done
	tap_check "$MAX_CONNECTIONS connections open" rb_wait_for "$WAIT" established "$MAX_CONNECTIONS"
	in_dev bash -c "exec 3<>/dev/tcp/$RB_SRV_ADDR/601; sleep 1"
	tap_check "connection over the limit rejected" \
		rb_wait_for "$WAIT" rb_syslog_counter_reached syslog_tcp_rejected "$((rejected + 1))"
	tap_check "idle connections closed" \
		rb_wait_for "$WAIT" rb_syslog_counter_reached syslog_tcp_idle_closed "$((idle + MAX_CONNECTIONS))"
	tap_check "no connection left open" rb_wait_for "$WAIT" established 0
}

test_ctl_logs() {
	local out status

	tap_is "$(rb_syslog_logs_json "$DEV_MAC" | jq '.entries | length')" \
		"$(rb_syslog_logs_json "$DEV_HOST" | jq '.entries | length')" "logs by hostname and by MAC agree"
	tap_is "$("$RB_CTL" --store "$STORE" logs "$DEV_MAC" --json --lines 1 | jq '.entries | length')" \
		1 "logs --lines 1 shows one entry"
	out=$("$RB_CTL" --store "$STORE" logs "$DEV_HOST" --lines 3)
	tap_check "logs table names the device" grep -q "^# $DEV_MAC $DEV_HOST:" <<<"$out"
	"$RB_CTL" --store "$STORE" logs 02:00:00:00:00:42 >/dev/null 2>"$RB_RUN_DIR/ctl.err"
	status=$?
	tap_is "$status" 1 "logs of an unknown device fails"
	tap_check "logs error names the device" grep -q "no syslog messages stored for '02:00:00:00:00:42'" \
		"$RB_RUN_DIR/ctl.err"
}

# The rings are also written at a stop, so a message sent just before it
# stays, whether or not a commit-interval passed in between.
test_written_at_stop() {
	local before

	before=$(rb_syslog_counter syslog_rx_udp)
	in_dev logger -n "$RB_SRV_ADDR" -P 514 -d --rfc5424 -t appstop "just before the stop"
	rb_wait_for "$WAIT" rx_udp_reached "$((before + 1))"
	rb_stop_pid "$RB_DAEMON_PID"
	tap_is "$RB_STOP_STATUS" 0 "rackbootd stops on SIGTERM"
	tap_is "$(rb_syslog_entry_field "$DEV_MAC" "just before the stop" app_name)" appstop \
		"message before the stop is stored"
}

test_stats_names() {
	tap_check "stats has the syslog counters" rb_stat_names_present "$PIN" userspace \
		syslog_rx_udp syslog_rx_tcp syslog_parse_errors syslog_cut syslog_unattributed \
		syslog_tcp_rejected syslog_tcp_idle_closed syslog_forwarded syslog_forward_dropped syslog_forward_reconnects
}

setup
collector_start || tap_bail "starting rsyslogd in $NS_COL failed; see $RB_RUN_DIR/rsyslogd.out"
rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" || tap_bail "rackbootd did not start"
rb_wait_for "$WAIT" syslog_bound || tap_bail "rackbootd did not bind UDP 514 and TCP 601"

test_stats_names
test_udp_5424
test_udp_3164
test_tcp_lf
test_tcp_octet
test_ipv6
test_raw_and_hostname
test_unattributed
test_forwarded
test_collector_down
test_cut
test_connection_limit
test_ctl_logs
test_written_at_stop
tap_finish
