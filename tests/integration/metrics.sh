#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prometheus metrics of rackbootd after real devices booted (topology in
# tests/lib/netns.sh).
#
# Four inventory devices lease their address with ISC dhclient or busybox
# udhcpc and fetch their boot file over TFTP.  Two of them then fetch it
# again over HTTP, which moves them to phase image.  /metrics, read with
# curl from the server's loopback, must pass `promtool check metrics`
# without a finding, its time-to-provision histograms must count exactly
# the devices that went through each step, and its counters must match
# `rackbootctl stats --json`.  A device's address is not in
# allowed-source and must get 403.  The HTTPS port must serve the same
# document.  Every metric name of the Grafana dashboard must be in the
# output.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
for lib in tap cleanup netns rackboot clients; do
	# shellcheck source=/dev/null
	source "tests/lib/$lib.sh"
done

# Inventory index, DHCP client, TFTP client, boot file.
DEVICES=(
	"1 dhclient curl undionly.kpxe"
	"2 udhcpc atftp ipxe.efi"
	"3 udhcpc curl pxelinux.0"
	"5 dhclient atftp undionly.kpxe"
)
# The devices that also fetch their boot file over HTTP.
IMAGE_DEVICES=(1 2)
DASHBOARD=appliance-image/grafana/rackboot.json
URL="http://127.0.0.1/metrics"
TLS_PORT=8443

CONFIG_EDIT='.http.metrics = {"allowed-source": ["127.0.0.0/8", "::1/128"]}
	| .http.https = {"port": '$TLS_PORT', "certificate": $cert, "private-key": $key}'

mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

setup() {
	local name entry index

	rb_suite_setup
	command -v promtool >/dev/null || tap_bail "promtool is missing; install the Debian package prometheus"
	CERT="$RB_RUN_DIR/server.pem"
	KEY="$RB_RUN_DIR/server.key"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-subj /CN=127.0.0.1 -keyout "$KEY" -out "$CERT" >"$RB_RUN_DIR/openssl.log" 2>&1 ||
		tap_bail "creating a self-signed certificate failed: $(cat "$RB_RUN_DIR/openssl.log")"
	chmod 600 "$KEY"
	rb_lab_config "$CONFIG.tmp" "$TFTP_ROOT" "$PIN" || tap_bail "writing the test config from $RB_LAB_CONFIG failed"
	jq --arg cert "$CERT" --arg key "$KEY" ".\"rackboot:rackboot\" |= ($CONFIG_EDIT)" \
		"$CONFIG.tmp" >"$CONFIG" || tap_bail "adding the metrics and https containers to the config failed"
	for name in undionly.kpxe ipxe.efi pxelinux.0; do
		head -c 50000 /dev/urandom >"$TFTP_ROOT/$name"
	done

	rb_topo_create || tap_bail "creating the server and switch namespaces failed"
	ip -n "$RB_NS_SRV" link set lo up || tap_bail "bringing up the server's loopback failed"
	for entry in "${DEVICES[@]}"; do
		read -r index _ <<<"$entry"
		rb_topo_add_device "$index" "$(mac_of "$index")" ||
			tap_bail "creating the namespace of device $index failed"
	done
	rb_on_cleanup 'rb_daemon_log_on_failure'
}

# boot_device INDEX DHCP_CLIENT TFTP_CLIENT FILE: lease, then the boot file over TFTP.
boot_device() {
	local index=$1 client=$2 tool=$3 file=$4 name="dev$1-$2"

	if [[ "$client" == dhclient ]]; then
		rb_dhclient_start "$(rb_dev_netns "$index")" "$name"
	else
		rb_udhcpc_start "$(rb_dev_netns "$index")" "$name"
	fi
	rb_wait_lease "$name" "$RB_SPAWNED_PID" || return
	tap_check "dev$index: $tool fetches $file over TFTP" \
		rb_tftp_get "$(rb_dev_netns "$index")" "$tool" "$RB_SRV_ADDR" "$file" \
		"$RB_RUN_DIR/dev$index-$file"
	tap_check "device $(mac_of "$index"): phase bootfile" \
		rb_wait_for 5 rb_device_phase_is "$PIN" "$(mac_of "$index")" bootfile
}

fetch_images() {
	local index file

	for index in "${IMAGE_DEVICES[@]}"; do
		file=$(printf '%s\n' "${DEVICES[@]}" | awk -v i="$index" '$1 == i { print $4 }')
		tap_check "dev$index: curl fetches $file over HTTP" \
			ip netns exec "$(rb_dev_netns "$index")" timeout 30 curl -sSf -o /dev/null \
			"http://$RB_SRV_ADDR/$file"
		tap_check "device $(mac_of "$index"): phase image" \
			rb_wait_for 5 rb_device_phase_is "$PIN" "$(mac_of "$index")" image
	done
}

# scrape OUT: GET the metrics from the server's loopback; prints the status.
scrape() {
	ip netns exec "$RB_NS_SRV" timeout 30 curl -sS -o "$1" -w '%{http_code}' "$URL"
}

# sample FILE SERIES: the value of one series, exactly as written, or nothing.
sample() {
	awk -v s="$2" 'index($0, s " ") == 1 { print $2 }' "$1"
}

# counter_sum FILE PREFIX INSIDE: the sum of the counter samples (_total)
# whose name starts with PREFIX (INSIDE 1) or does not (INSIDE 0).
counter_sum() {
	awk -v p="$2" -v inside="$3" '!/^#/ && (index($1, p) == 1) == inside {
		name = $1; sub(/\{.*/, "", name)
		if (name ~ /_total$/) sum += $2
	} END { printf "%d\n", sum }' "$1"
}

test_promtool() {
	local out="$RB_RUN_DIR/metrics.txt" status findings

	status=$(scrape "$out")
	tap_is "$status" 200 "GET /metrics from loopback: 200"
	findings=$(promtool check metrics <"$out" 2>&1)
	tap_is "$?" 0 "promtool check metrics: exit status 0"
	tap_is "$findings" "" "promtool check metrics: no findings"
	[[ -z "$findings" ]] || tap_diag "$findings"
	tap_file_contains "$out" '^# TYPE rackboot_provision_step_duration_seconds histogram$' \
		"the step histogram has its TYPE line"
}

# steps_from_records FROM TO: devices whose records have both phases, in order.
steps_from_records() {
	rb_ctl_json "$PIN" devices | jq --arg from "$1" --arg to "$2" \
		'[.devices[].phase_times_ns | select(.[$from] and .[$to] and .[$to] >= .[$from])] | length'
}

# step_sum_from_records FROM TO: their durations summed, in seconds.
step_sum_from_records() {
	rb_ctl_json "$PIN" devices | jq --arg from "$1" --arg to "$2" \
		'[.devices[].phase_times_ns | select(.[$from] and .[$to] and .[$to] >= .[$from])
		  | (.[$to] - .[$from]) / 1e9] | add // 0'
}

test_histograms() {
	local out="$RB_RUN_DIR/metrics-steps.txt" series="rackboot_provision_step_duration_seconds"
	local booted=${#DEVICES[@]} images=${#IMAGE_DEVICES[@]} step from to sum want

	scrape "$out" >/dev/null
	tap_is "$(sample "$out" "${series}_count{step=\"lease_to_bootfile\"}")" "$booted" \
		"lease_to_bootfile count: the $booted devices that booted"
	tap_is "$(sample "$out" "${series}_count{step=\"bootfile_to_image\"}")" "$images" \
		"bootfile_to_image count: the $images devices that fetched an image"
	tap_is "$(sample "$out" "${series}_count{step=\"discover_to_lease\"}")" \
		"$(steps_from_records discovered leased)" \
		"discover_to_lease count: the records with both phases"
	tap_ge "$(sample "$out" "${series}_count{step=\"discover_to_lease\"}")" "$booted" \
		"discover_to_lease count: at least the devices booted"
	tap_is "$(sample "$out" "${series}_bucket{step=\"lease_to_bootfile\",le=\"+Inf\"}")" "$booted" \
		"lease_to_bootfile: the +Inf bucket equals the count"

	for step in "lease_to_bootfile leased bootfile" "bootfile_to_image bootfile image"; do
		read -r step from to <<<"$step"
		sum=$(sample "$out" "${series}_sum{step=\"$step\"}")
		want=$(step_sum_from_records "$from" "$to")
		tap_check "$step sum $sum s matches the records' $want s" \
			awk -v a="$sum" -v b="$want" 'BEGIN { d = a - b; exit !(d < 1e-6 && d > -1e-6) }'
	done
}

test_device_gauge() {
	local out="$RB_RUN_DIR/metrics-devices.txt" phase got

	scrape "$out" >/dev/null
	for phase in discovered offered leased bootfile image; do
		got=$(awk -v p="phase=\"$phase\"" '/^rackboot_devices\{/ && index($1, p) { n += $2 }
			END { printf "%d\n", n }' "$out")
		tap_is "$got" "$(rb_count_phase "$PIN" "$phase")" "devices in phase $phase: as rackbootctl"
	done
	tap_is "$(sample "$out" 'rackboot_devices{origin="inventory",phase="bootfile"}')" \
		$((${#DEVICES[@]} - ${#IMAGE_DEVICES[@]})) "inventory devices in phase bootfile"
}

test_leases() {
	local out="$RB_RUN_DIR/metrics-leases.txt" want

	# The store commits every commit-interval (100 ms), so the lease of the last device is in by now.
	scrape "$out" >/dev/null
	want=$("$RB_CTL" --store "$(dirname "$CONFIG")/store" leases --json |
		jq --argjson now "$(date +%s)" '[.leases[] | select(.end > $now)] | length')
	tap_is "$(sample "$out" 'rackboot_dhcp_leases{family="ipv4",subnet="lab",kind="reserved"}')" \
		"$want" "leases gauge: the store's leases that have not ended"
	tap_ge "$want" "${#DEVICES[@]}" "the store has a lease per booted device"
	tap_is "$(sample "$out" 'rackboot_dhcp_pool_addresses{family="ipv6",subnet="lab6"}')" 4096 \
		"pool size of lab6: fd00:213::1000 to fd00:213::1fff"
}

# counters_settled OUT: stats, metrics, stats again; exit 0 when both stats agree.
counters_settled() {
	rb_ctl_json "$PIN" stats >"$RB_RUN_DIR/stats1.json" || return 1
	scrape "$1" >/dev/null || return 1
	rb_ctl_json "$PIN" stats >"$RB_RUN_DIR/stats2.json" || return 1
	cmp -s "$RB_RUN_DIR/stats1.json" "$RB_RUN_DIR/stats2.json"
}

test_counters() {
	local out="$RB_RUN_DIR/metrics-counters.txt" stats="$RB_RUN_DIR/stats1.json"

	tap_check "counters settle between two rackbootctl stats" rb_wait_for 20 counters_settled "$out"
	tap_is "$(counter_sum "$out" rackboot_xdp_ 1)" "$(jq '[.xdp[]] | add' "$stats")" \
		"XDP counter families sum to the XDP counters of rackbootctl stats"
	tap_is "$(counter_sum "$out" rackboot_xdp_ 0)" "$(jq '[.userspace[]] | add' "$stats")" \
		"the other counter families sum to rackbootd's counters"
	tap_is "$(sample "$out" 'rackboot_xdp_packets_total{protocol="dhcp4",verdict="reply",reason="offer"}')" \
		"$(jq '.xdp.tx_offer' "$stats")" "XDP OFFERs: tx_offer"
	tap_is "$(sample "$out" 'rackboot_xdp_packets_total{protocol="dhcp4",verdict="reply",reason="ack"}')" \
		"$(jq '.xdp.tx_ack' "$stats")" "XDP ACKs: tx_ack"
	tap_is "$(sample "$out" 'rackboot_xdp_received_packets_total')" "$(jq '.xdp.rx' "$stats")" \
		"XDP received packets: rx"
	tap_is "$(sample "$out" 'rackboot_dhcp_messages_total{protocol="dhcp4",verdict="reply",reason="offer"}')" \
		"$(jq '.userspace.tx_offer' "$stats")" "slow path OFFERs: userspace tx_offer"
	tap_is "$(sample "$out" 'rackboot_tftp_read_requests_total')" "$(jq '.userspace.tftp_rrq' "$stats")" \
		"TFTP read requests: tftp_rrq"
	tap_is "$(sample "$out" 'rackboot_tftp_transfers_total{result="done"}')" \
		"$(jq '.userspace.tftp_done' "$stats")" "TFTP transfers done: tftp_done"
	tap_is "$(sample "$out" 'rackboot_http_requests_total')" "$(jq '.userspace.http_requests' "$stats")" \
		"HTTP requests: http_requests"
	tap_ge "$(jq '.userspace.tftp_rrq' "$stats")" "${#DEVICES[@]}" "a TFTP read request per device"
}

test_access() {
	local status head

	status=$(ip netns exec "$(rb_dev_netns 1)" timeout 30 curl -sS -o /dev/null -w '%{http_code}' \
		"http://$RB_SRV_ADDR/metrics")
	tap_is "$status" 403 "GET /metrics from a device outside allowed-source: 403"
	head=$(ip netns exec "$RB_NS_SRV" timeout 30 curl -sS -I "$URL")
	tap_check "HEAD /metrics: 200" grep -q '^HTTP/1.1 200' <<<"$head"
	tap_check "HEAD /metrics: Content-Type of format 0.0.4" \
		grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' <<<"$head"
	tap_is "$(rb_device "$PIN" "$(mac_of 3)" phase)" bootfile "scrapes move no device to image"
}

# The HTTPS port sends the memfd body with pread and TLS records, not splice.
test_https() {
	local out="$RB_RUN_DIR/metrics-https.txt" status

	status=$(ip netns exec "$RB_NS_SRV" timeout 30 curl -sS -k -o "$out" -w '%{http_code}' \
		"https://127.0.0.1:$TLS_PORT/metrics")
	tap_is "$status" 200 "GET /metrics over HTTPS: 200"
	tap_check "promtool check metrics passes on the HTTPS document" \
		promtool check metrics <"$out"
	tap_file_contains "$out" '^rackboot_provision_step_duration_seconds_count\{step="lease_to_bootfile"\} 4$' \
		"the HTTPS document has the step counts"
}

test_dashboard() {
	local out="$RB_RUN_DIR/metrics-dashboard.txt" names name missing=""

	scrape "$out" >/dev/null
	names=$(jq -r '[.. | objects | .expr? // empty] | .[]' "$DASHBOARD" |
		grep -oE 'rackboot_[a-z0-9_]+' | sed -E 's/_(bucket|sum|count)$//' | sort -u)
	tap_check "the dashboard has expressions" test -n "$names"
	for name in $names; do
		grep -q "^# TYPE $name " "$out" || missing+=" $name"
	done
	tap_is "$missing" "" "every metric of $DASHBOARD is in /metrics"
}

main() {
	local entry

	setup
	rb_daemon_start "$CONFIG" "$PIN" "$RB_RUN_DIR/rackbootd.log" ||
		tap_bail "rackbootd did not start"
	tap_ok "rackbootd serves on $RB_SRV_IF"
	for entry in "${DEVICES[@]}"; do
		# shellcheck disable=SC2086 # the fields of one entry
		boot_device $entry
	done
	fetch_images

	test_promtool
	test_histograms
	test_device_gauge
	test_leases
	test_counters
	test_access
	test_https
	test_dashboard

	rb_stop_pid "$RB_DAEMON_PID" 10
	tap_is "$RB_STOP_STATUS" 0 "rackbootd: exit status 0 on SIGTERM"
	tap_finish
}

main "$@"
