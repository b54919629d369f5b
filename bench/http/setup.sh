# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Packages, namespaces, served files and certificates of bench/http.sh.
# Requires tests/lib/cleanup.sh and bench/common/lib.sh.

BENCH_HTTP_SERVERS=${BENCH_HTTP_SERVERS:-"rackboot nginx"}
BENCH_HTTP_SECONDS=${BENCH_HTTP_SECONDS:-10}
BENCH_HTTP_ROUNDS=${BENCH_HTTP_ROUNDS:-3}
BENCH_HTTP_SCENARIOS=${BENCH_HTTP_SCENARIOS:-"large scripts"}
BENCH_HTTP_SCHEMES=${BENCH_HTTP_SCHEMES:-"http https"}
BENCH_HTTP_THREADS=${BENCH_HTTP_THREADS:-$(nproc)}
BENCH_HTTP_WORKERS=${BENCH_HTTP_WORKERS:-$(nproc)}
BENCH_HTTP_LARGE_CLIENTS=${BENCH_HTTP_LARGE_CLIENTS:-100}
BENCH_HTTP_LARGE_MIB=${BENCH_HTTP_LARGE_MIB:-100}
BENCH_HTTP_SCRIPT_CLIENTS=${BENCH_HTTP_SCRIPT_CLIENTS:-100}
BENCH_HTTP_DEVICES=${BENCH_HTTP_DEVICES:-10000}
BENCH_HTTP_RACKBOOTD=${BENCH_HTTP_RACKBOOTD:-build/rackbootd}

BENCH_HTTP_PACKAGES=(nginx-light wrk curl openssl jq iproute2)

BENCH_HTTP_NS_SRV="${RB_PREFIX}srv"
BENCH_HTTP_NS_CLI="${RB_PREFIX}cli"
BENCH_HTTP_SRV_IF=rbhsrv
BENCH_HTTP_CLI_IF=rbhcli
BENCH_HTTP_SRV_ADDR=10.202.0.1
BENCH_HTTP_CLI_ADDR=10.202.0.2
BENCH_HTTP_PORT=8080
BENCH_HTTPS_PORT=8443

bench_http_topology() {
	rb_netns_add "$BENCH_HTTP_NS_SRV" || return 1
	rb_netns_add "$BENCH_HTTP_NS_CLI" || return 1
	ip -n "$BENCH_HTTP_NS_CLI" link add "$BENCH_HTTP_CLI_IF" type veth peer name \
		"$BENCH_HTTP_SRV_IF" netns "$BENCH_HTTP_NS_SRV" || return 1
	ip -n "$BENCH_HTTP_NS_SRV" addr add "$BENCH_HTTP_SRV_ADDR/16" dev "$BENCH_HTTP_SRV_IF" || return 1
	ip -n "$BENCH_HTTP_NS_CLI" addr add "$BENCH_HTTP_CLI_ADDR/16" dev "$BENCH_HTTP_CLI_IF" || return 1
	ip -n "$BENCH_HTTP_NS_SRV" link set "$BENCH_HTTP_SRV_IF" up || return 1
	ip -n "$BENCH_HTTP_NS_CLI" link set "$BENCH_HTTP_CLI_IF" up || return 1

	# wrk plays thousands of devices from one address and one ephemeral
	# port range (28,232 ports).  When the client side closes first, each
	# connection leaves that port in TIME_WAIT for 60 s, and after about
	# 200,000 short connections finding a free port makes every connect
	# slow: rackbootd's plain iPXE-script runs fell from 18,000 to 650
	# fetches/s while 14,000 client ports to it sat in TIME_WAIT.  Real
	# devices each have their own address, so the client may reuse those
	# ports, as tcp_tw_reuse allows.
	ip netns exec "$BENCH_HTTP_NS_CLI" sysctl -qw net.ipv4.tcp_tw_reuse=1
}

# bench_http_mac INDEX: the MAC address of inventory device INDEX
# (0-based), 02:00:5e:10:HH:LL.
bench_http_mac() {
	printf '02:00:5e:10:%02x:%02x' $(($1 >> 8)) $(($1 & 255))
}

# bench_http_files: the served root (the large file), the certificates,
# and the device list: one line "MAC HOSTNAME ADDRESS" per device.
bench_http_files() {
	local i

	BENCH_HTTP_ROOT="$RB_RUN_DIR/root"
	mkdir -p "$BENCH_HTTP_ROOT/ipxe" || return 1
	head -c "$((BENCH_HTTP_LARGE_MIB * 1024 * 1024))" /dev/urandom >"$BENCH_HTTP_ROOT/large.bin" ||
		return 1
	echo "/large.bin" >"$RB_RUN_DIR/large.paths"

	: >"$RB_RUN_DIR/devices.txt"
	for ((i = 0; i < BENCH_HTTP_DEVICES; i++)); do
		printf '%s node-%05d 10.202.%d.%d\n' "$(bench_http_mac "$i")" "$i" \
			$((1 + (i >> 8))) $((i & 255))
	done >"$RB_RUN_DIR/devices.txt"

	bench_http_certificates
}

# bench_http_certificates: an ECDSA P-256 CA and a server certificate
# for the server address, made fresh for each run.  Both servers use the
# same key and certificate.
bench_http_certificates() {
	local dir="$RB_RUN_DIR/tls"

	mkdir -p "$dir" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=rackboot bench CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
		>"$dir/openssl.log" 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$BENCH_HTTP_SRV_ADDR" -keyout "$dir/server.key" -out "$dir/server.csr" \
		>>"$dir/openssl.log" 2>&1 || return 1
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
		-CAcreateserial -days 2 -extfile <(echo "subjectAltName=IP:$BENCH_HTTP_SRV_ADDR") \
		-out "$dir/server.crt" >>"$dir/openssl.log" 2>&1 || return 1
	BENCH_HTTP_CERT="$dir/server.crt"
	BENCH_HTTP_KEY="$dir/server.key"
	BENCH_HTTP_CA="$dir/ca.crt"
}
