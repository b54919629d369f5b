#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Syslog over TLS (RFC 5425) against real peers: openssl s_client as the
# sender and rsyslogd with its OpenSSL stream driver (rsyslog-openssl)
# as the collector.  Every certificate is made by openssl in the run
# folder: CA A signs rackbootd's receiver certificate, the device's
# client certificate and the collector's certificate; CA B signs only a
# stray client certificate.
#
# rackbootd listens on TLS port 6514 with mutual TLS (client certificates
# must chain to CA A).  Device 1 (10.213.0.101) sends octet-counted
# frames over TLS, which must be stored per device with transport tls and
# reach the collector intact.  A client without a certificate, a client
# whose certificate CA A did not sign and a plaintext client are closed
# and counted, and store nothing.
#
# rsyslogd in <prefix>col (10.214.0.2) serves TLS on three ports.
# rackbootd forwards to all three: GOOD_PORT with the right CA and name,
# BADCA_PORT trusting CA B, BADNAME_PORT expecting a name the
# collector's certificate does not carry.  The last two must fail with
# the reason logged, keep QUEUE_SIZE messages and count the rest as
# dropped.  Last, the collector is stopped and started again, and
# forwarding to GOOD_PORT must resume with the queued messages.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot syslog; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

DEV_INDEX=1
NS_COL="${RB_PREFIX}col"
COL_SRV_ADDR=10.214.0.1
COL_ADDR=10.214.0.2
COL_NAME=collector.rackboot.test
TLS_PORT=6514
GOOD_PORT=10514
BADCA_PORT=10515
BADNAME_PORT=10516
QUEUE_SIZE=20
SENT_WHILE_DOWN=30
WAIT=20		# seconds for each condition below

setup() {
	command -v openssl >/dev/null || tap_skip_all "openssl is not installed"
	command -v rsyslogd >/dev/null || tap_skip_all "rsyslogd is not installed; run scripts/install-deps.sh"
	[[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ]] ||
		tap_skip_all "rsyslog's OpenSSL driver is missing; run scripts/install-deps.sh (rsyslog-openssl)"
	rb_suite_setup
	CERTS="$RB_RUN_DIR/certs"
	make_certs || tap_bail "making the test certificates with openssl failed"
	rb_lab_config "$CONFIG" "$TFTP_ROOT" "$PIN" "$(config_edit)" ||
		tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	STORE="$RB_RUN_DIR/store"
	DEV_MAC=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].mac" "$CONFIG")
	DEV_ADDR=$(rb_cfg ".inventory.device[$((DEV_INDEX - 1))].\"ipv4-address\"" "$CONFIG")
	DEV_NS=$(rb_dev_netns "$DEV_INDEX")

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	rb_topo_add_device "$DEV_INDEX" "$DEV_MAC" || tap_bail "creating the device namespace failed"
	ip -n "$DEV_NS" addr add "$DEV_ADDR/24" dev eth0 || tap_bail "addressing $DEV_NS failed"
	rb_syslog_collector_link "$NS_COL" "$COL_SRV_ADDR" "$COL_ADDR" ||
		tap_bail "creating the collector namespace and link failed"

	COLLECTOR_LOG="$RB_RUN_DIR/collector.log"
	collector_config || tap_bail "writing the rsyslog config failed"
	rb_on_cleanup 'rb_daemon_log_on_failure'
	rb_on_cleanup 'if ((TAP_FAILED > 0)); then tap_diag "collector file:"; tap_diag "$(tail -n 20 "$COLLECTOR_LOG" 2>&1)"; tap_diag "$(tail -n 20 "$RB_RUN_DIR/rsyslogd.out" 2>&1)"; fi'
}

# make_cert NAME CA SUBJECT_ALT_NAME EXTENDED_KEY_USAGE: NAME.pem and NAME.key signed by CA.
make_cert() {
	local name=$1 ca=$2 san=$3 eku=$4

	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$CERTS/$name.key" -out "$CERTS/$name.csr" -subj "/CN=$name" 2>/dev/null &&
		printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$san" "$eku" >"$CERTS/$name.ext" &&
		openssl x509 -req -in "$CERTS/$name.csr" -CA "$CERTS/$ca.pem" -CAkey "$CERTS/$ca.key" \
			-CAcreateserial -days 2 -extfile "$CERTS/$name.ext" \
			-out "$CERTS/$name.pem" 2>/dev/null &&
		chmod 600 "$CERTS/$name.key"
}

make_certs() {
	local ca

	mkdir -p "$CERTS" || return 1
	for ca in ca-a ca-b; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-keyout "$CERTS/$ca.key" -out "$CERTS/$ca.pem" -subj "/CN=rackboot test $ca" \
			2>/dev/null || return 1
	done
	make_cert receiver ca-a "IP:$RB_SRV_ADDR" serverAuth &&
		make_cert device ca-a "DNS:device.rackboot.test" clientAuth &&
		make_cert stray ca-b "DNS:stray.rackboot.test" clientAuth &&
		make_cert collector ca-a "DNS:$COL_NAME" serverAuth
}

config_edit() {
	local col='"host": "'$COL_ADDR'", "transport": "tls", "queue-size": '$QUEUE_SIZE

	cat <<EDIT
.syslog = {"enabled": true, "commit-interval": 200,
	"tls": {"port": $TLS_PORT, "certificate": "$CERTS/receiver.pem",
		"private-key": "$CERTS/receiver.key",
		"client-ca-certificates": "$CERTS/ca-a.pem"},
	"collector": [
		{$col, "port": $GOOD_PORT, "ca-certificates": "$CERTS/ca-a.pem",
			"server-name": "$COL_NAME"},
		{$col, "port": $BADCA_PORT, "ca-certificates": "$CERTS/ca-b.pem",
			"server-name": "$COL_NAME"},
		{$col, "port": $BADNAME_PORT, "ca-certificates": "$CERTS/ca-a.pem",
			"server-name": "other.rackboot.test"}]}
EDIT
}

# rsyslogd's own config: TLS inputs on the collector address and one
# file, so that it never touches the host's logs.  anon: rsyslogd does
# not ask rackbootd for a client certificate.
collector_config() {
	local port

	mkdir -p "$RB_RUN_DIR/rsyslog" || return 1
	{
		cat <<CONF
global(workDirectory="$RB_RUN_DIR/rsyslog"
	defaultNetstreamDriver="ossl"
	defaultNetstreamDriverCAFile="$CERTS/ca-a.pem"
	defaultNetstreamDriverCertFile="$CERTS/collector.pem"
	defaultNetstreamDriverKeyFile="$CERTS/collector.key")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="fields" type="string"
	string="port=%inputname% host=%hostname% app=%app-name% msgid=%msgid% msg=%msg%\n")
action(type="omfile" file="$COLLECTOR_LOG" template="fields")
CONF
		for port in "$GOOD_PORT" "$BADCA_PORT" "$BADNAME_PORT"; do
			echo "input(type=\"imtcp\" address=\"$COL_ADDR\" port=\"$port\" name=\"p$port\")"
		done
	} >"$RB_RUN_DIR/rsyslog.conf"
}

collector_start() {
	rb_syslog_collector_start "$NS_COL" "$GOOD_PORT"
}

# frame MESSAGE...: each MESSAGE as an RFC 5424 message from app tlsapp
# with MSGID TLS, octet-counted (RFC 5425).
frame() {
	local msg body

	for msg in "$@"; do
		body="<14>1 - - tlsapp - TLS - $msg"
		printf '%d %s' "${#body}" "$body"
	done
}

# tls_send CLIENT_OPTIONS MESSAGE...: send the frames from the device
# over one TLS connection with openssl s_client, which checks the
# receiver's certificate against CA A.  CLIENT_OPTIONS is a word list
# such as "-cert device.pem -key device.key".  Returns s_client's status.
tls_send() {
	local options=$1

	shift
	# shellcheck disable=SC2086 # options are separate words
	frame "$@" | ip netns exec "$DEV_NS" timeout 10 openssl s_client -quiet -no_ign_eof \
		-connect "$RB_SRV_ADDR:$TLS_PORT" -CAfile "$CERTS/ca-a.pem" -verify_return_error \
		$options >>"$RB_RUN_DIR/s_client.out" 2>&1
}

with_cert() {
	echo "-cert $CERTS/$1.pem -key $CERTS/$1.key"
}

tls_bound() {
	rb_syslog_listening "$RB_NS_SRV" "$TLS_PORT"
}

established() {
	local n

	n=$(ip netns exec "$RB_NS_SRV" ss -Htn state established "( sport = :$TLS_PORT )" | wc -l)
	((n == $1))
}

daemon_log_has() {
	grep -qF -- "$1" "$RB_RUN_DIR/rackbootd.log"
}

test_stats_names() {
	tap_check "stats has the TLS counters" rb_stat_names_present "$PIN" userspace \
		syslog_rx_tls syslog_tls_rejected
}

test_mutual_tls() {
	local msg

	tap_check "s_client with the device certificate succeeds" \
		tls_send "$(with_cert device)" "first over tls" "second over tls"
	for msg in "first over tls" "second over tls"; do
		if rb_wait_for "$WAIT" rb_syslog_has_message "$DEV_MAC" "$msg"; then
			tap_ok "logs shows '$msg'"
		else
			tap_not_ok "logs shows '$msg'"
		fi
	done
	tap_is "$(rb_syslog_entry_field "$DEV_MAC" "first over tls" transport)" tls "transport tls"
	tap_is "$(rb_syslog_entry_field "$DEV_MAC" "first over tls" msgid)" TLS "MSGID kept"
	tap_is "$(rb_syslog_entry_field "$DEV_MAC" "first over tls" source)" "$DEV_ADDR" \
		"source is the device"
	tap_is "$(rb_syslog_counter syslog_rx_tls)" 2 "two messages counted as TLS"
}

test_forwarded_intact() {
	local msg

	for msg in "first over tls" "second over tls"; do
		if rb_wait_for "$WAIT" rb_syslog_collector_has "port=p$GOOD_PORT host=$(dev_host) app=tlsapp msgid=TLS msg=$msg"; then
			tap_ok "TLS collector received '$msg' intact"
		else
			tap_not_ok "TLS collector received '$msg' intact"
		fi
	done
}

dev_host() {
	rb_cfg ".inventory.device[$((DEV_INDEX - 1))].hostname" "$CONFIG"
}

# rejected_client DESCRIPTION CLIENT_OPTIONS MESSAGE
rejected_client() {
	local what=$1 options=$2 msg=$3 before

	before=$(rb_syslog_counter syslog_tls_rejected)
	: >"$RB_RUN_DIR/s_client.out"
	tls_send "$options" "$msg"
	tap_check "$what: rejection counted" \
		rb_wait_for "$WAIT" rb_syslog_counter_reached syslog_tls_rejected "$((before + 1))"
	tap_check "$what: message not stored" \
		test -z "$(rb_syslog_entry_field "$DEV_MAC" "$msg" message)"
}

# The first rejection is logged in full. Later ones within a burst are
# only counted in a summary line, so the alert that s_client received
# shows the reason of the second. That client uses TLS 1.2, where the
# alert comes inside the handshake. A TLS 1.3 client finishes its
# handshake before the server checks its certificate.
test_rejected_clients() {
	local before

	rejected_client "client without a certificate" "" "sent without a certificate"
	tap_check "client without a certificate: reason logged" rb_wait_for "$WAIT" \
		grep -qE "TLS connection from $DEV_ADDR closed: .*peer did not return a certificate" \
		"$RB_RUN_DIR/rackbootd.log"
	rejected_client "client of another CA" "-tls1_2 $(with_cert stray)" "sent by the stray client"
	tap_check "client of another CA: s_client received alert unknown ca" \
		grep -q "alert unknown ca" "$RB_RUN_DIR/s_client.out"

	before=$(rb_syslog_counter syslog_tls_rejected)
	ip netns exec "$DEV_NS" timeout 10 bash -c \
		"exec 3<>/dev/tcp/$RB_SRV_ADDR/$TLS_PORT; printf '%s' '$(frame "plaintext on the tls port")' >&3; cat <&3 >/dev/null"
	tap_is "$?" 0 "plaintext client: closed by rackbootd"
	tap_check "plaintext client: rejection counted" \
		rb_wait_for "$WAIT" rb_syslog_counter_reached syslog_tls_rejected "$((before + 1))"
	tap_check "plaintext client: message not stored" \
		test -z "$(rb_syslog_entry_field "$DEV_MAC" "plaintext on the tls port" message)"
	tap_check "no TLS connection left open" rb_wait_for "$WAIT" established 0
	tap_check "TLS still served after the rejections" \
		tls_send "$(with_cert device)" "after the rejections"
	tap_check "message after the rejections stored" \
		rb_wait_for "$WAIT" rb_syslog_has_message "$DEV_MAC" "after the rejections"
}

test_bad_collectors() {
	tap_check "wrong CA: handshake failure logged with the reason" rb_wait_for "$WAIT" \
		grep -qE "collector tls $COL_ADDR:$BADCA_PORT: TLS handshake failed: .*certificate verify failed" \
		"$RB_RUN_DIR/rackbootd.log"
	tap_check "wrong name: handshake failure logged with the reason" rb_wait_for "$WAIT" \
		grep -qE "collector tls $COL_ADDR:$BADNAME_PORT: TLS handshake failed: .*hostname mismatch" \
		"$RB_RUN_DIR/rackbootd.log"
	tap_check "nothing reached the collector through the failing collectors" \
		test -z "$(grep -E "port=p($BADCA_PORT|$BADNAME_PORT) " "$COLLECTOR_LOG")"
}

rx_tls_reached() {
	(($(rb_syslog_counter syslog_rx_tls) >= $1))
}

# The failing collectors each hold QUEUE_SIZE messages and drop the
# rest, so once SENT_WHILE_DOWN messages more passed through, the drops
# grew by at least 2 * (SENT_WHILE_DOWN - QUEUE_SIZE).  The good
# collector is down meanwhile and drops the same share.
test_collector_restart() {
	local dropped_before reconnects_before rx_before i msgs=()

	dropped_before=$(rb_syslog_counter syslog_forward_dropped)
	reconnects_before=$(rb_syslog_counter syslog_forward_reconnects)
	rb_stop_pid "$COLLECTOR_PID"
	tap_check "rackbootd sees the collector go" rb_wait_for "$WAIT" \
		daemon_log_has "collector tls $COL_ADDR:$GOOD_PORT: connection lost"

	rx_before=$(rb_syslog_counter syslog_rx_tls)
	for ((i = 1; i <= SENT_WHILE_DOWN; i++)); do
		msgs+=("queued $i end")
	done
	tls_send "$(with_cert device)" "${msgs[@]}"
	tap_check "all $SENT_WHILE_DOWN received over TLS" \
		rb_wait_for "$WAIT" rx_tls_reached "$((rx_before + SENT_WHILE_DOWN))"
	tap_ge "$(rb_syslog_counter syslog_forward_dropped)" \
		"$((dropped_before + 3 * (SENT_WHILE_DOWN - QUEUE_SIZE)))" "drops of full queues counted"

	collector_start || tap_bail "restarting rsyslogd failed"
	tap_check "queued message arrives after the restart" \
		rb_wait_for "$WAIT" rb_syslog_collector_has "msg=queued $QUEUE_SIZE end"
	tap_check "dropped message never arrives" \
		test -z "$(grep -F "msg=queued $((QUEUE_SIZE + 1)) end" "$COLLECTOR_LOG")"
	tls_send "$(with_cert device)" "after the collector restart"
	tap_check "new message arrives" \
		rb_wait_for "$WAIT" rb_syslog_collector_has "msg=after the collector restart"
	tap_ge "$(rb_syslog_counter syslog_forward_reconnects)" "$((reconnects_before + 1))" \
		"reconnects counted"
}

log_count() {
	grep -cE -- "$1" "$RB_RUN_DIR/rackbootd.log"
}

log_count_above() {
	(($(log_count "$1") > $2))
}

# reload_with JQ_EDIT PATTERN: apply JQ_EDIT to the syslog container of
# the config, send SIGHUP and wait for one more log line with PATTERN.
reload_with() {
	local before

	before=$(log_count "$2")
	jq ".\"rackboot:rackboot\".syslog |= ($1)" "$CONFIG" >"$CONFIG.new" &&
		mv "$CONFIG.new" "$CONFIG" || return 1
	kill -HUP "$RB_DAEMON_PID" || return 1
	rb_wait_for 10 log_count_above "$2" "$before"
}

# The TLS listener's leaves need a restart, as the other receiver leaves
# do.  The collectors are rebuilt by a reload.
test_reload() {
	tap_check "reload changing client-ca-certificates is rejected" reload_with \
		".tls.\"client-ca-certificates\" = \"$CERTS/ca-b.pem\"" "reload on SIGHUP rejected"
	tap_check "rejection names the leaf and the restart" daemon_log_has \
		"/syslog/tls/client-ca-certificates changed from \"$CERTS/ca-a.pem\" to \"$CERTS/ca-b.pem\", which only a restart"
	tap_check "device certificate still accepted" \
		tls_send "$(with_cert device)" "after the rejected reload"
	tap_check "message after the rejected reload stored" \
		rb_wait_for "$WAIT" rb_syslog_has_message "$DEV_MAC" "after the rejected reload"

	tap_check "reload fixing the collector's CA is applied" reload_with \
		".tls.\"client-ca-certificates\" = \"$CERTS/ca-a.pem\" |
		 .collector[1].\"ca-certificates\" = \"$CERTS/ca-a.pem\"" "reload: config .* applied"
	tls_send "$(with_cert device)" "after the applied reload"
	tap_check "fixed collector receives the next message" rb_wait_for "$WAIT" \
		rb_syslog_collector_has "port=p$BADCA_PORT host=$(dev_host) app=tlsapp msgid=TLS msg=after the applied reload"
}

setup
collector_start || tap_bail "starting rsyslogd in $NS_COL failed; see $RB_RUN_DIR/rsyslogd.out"
rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" || tap_bail "rackbootd did not start"
rb_wait_for "$WAIT" tls_bound || tap_bail "rackbootd did not bind TLS port $TLS_PORT"

test_stats_names
test_mutual_tls
test_forwarded_intact
test_rejected_clients
test_bad_collectors
test_collector_restart
test_reload
tap_finish
