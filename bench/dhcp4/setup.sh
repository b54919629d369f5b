# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Packages, build outputs, namespaces, XDP attachment and CPU pinning for
# bench/dhcp4.sh.  Requires tests/lib/cleanup.sh.

BENCH_SERVERS=${BENCH_SERVERS:-"reflector rackboot kea dnsmasq perfdhcp"}
BENCH_DURATION=${BENCH_DURATION:-2}
BENCH_GRACE=${BENCH_GRACE:-1}
BENCH_CLIENTS=${BENCH_CLIENTS:-131072}
BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-0}
BENCH_GEN_CPU=${BENCH_GEN_CPU:-1}
BENCH_NAPI_PRIORITY=${BENCH_NAPI_PRIORITY:-50}
# Prefix of the messages of the shared helpers; bench/dhcp6.sh sets bench-dhcp6.
BENCH_LOG_NAME=${BENCH_LOG_NAME:-bench-dhcp4}

BENCH_GEN=build/bench/rb-dhcp4-gen
BENCH_REFLECT_OBJ=build/bench/reflect.bpf.o
BENCH_PACKAGES=(kea-dhcp4-server kea-admin dnsmasq jq iproute2 procps util-linux)

BENCH_NS_SRV="${RB_PREFIX}srv"
BENCH_NS_CLI="${RB_PREFIX}cli"
BENCH_SRV_IF=rbbsrv
BENCH_CLI_IF=rbbcli
BENCH_HOLD_IF=rbbhold
BENCH_SRV_ADDR=10.200.0.1
BENCH_CLI_ADDR=10.200.0.2
BENCH_PREFIXLEN=14

# bench_install_packages: apt-get install the packages that are missing.
bench_install_packages() {
	local pkg missing=()

	for pkg in "${BENCH_PACKAGES[@]}"; do
		if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" != ii* ]]; then
			missing+=("$pkg")
		fi
	done
	((${#missing[@]} == 0)) && return 0

	echo "bench-dhcp4: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update -q || ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
		echo "bench-dhcp4: installing ${missing[*]} failed; check the apt sources" >&2
		return 1
	fi
}

bench_check_files() {
	local file

	for file in build/rackbootd build/rackbootctl "$BENCH_GEN" "$BENCH_REFLECT_OBJ"; do
		if [[ ! -e "$file" ]]; then
			echo "bench-dhcp4: $file is missing; run 'make bench-dhcp4', which builds it" >&2
			return 1
		fi
	done
}

# bench_topology: the two namespaces, the veth pair between them and a
# spare veth in the client namespace, to which the generator attaches
# gen_discover (see --hold-ifname in gen.c).
bench_topology() {
	rb_netns_add "$BENCH_NS_SRV" || return 1
	rb_netns_add "$BENCH_NS_CLI" || return 1

	ip -n "$BENCH_NS_CLI" link add "$BENCH_CLI_IF" type veth peer name "$BENCH_SRV_IF" \
		netns "$BENCH_NS_SRV" || return 1
	ip -n "$BENCH_NS_CLI" link add "$BENCH_HOLD_IF" type veth peer name "${BENCH_HOLD_IF}p" ||
		return 1
	ip -n "$BENCH_NS_SRV" addr add "$BENCH_SRV_ADDR/$BENCH_PREFIXLEN" dev "$BENCH_SRV_IF" ||
		return 1
	ip -n "$BENCH_NS_CLI" addr add "$BENCH_CLI_ADDR/$BENCH_PREFIXLEN" dev "$BENCH_CLI_IF" ||
		return 1
	ip -n "$BENCH_NS_SRV" link set "$BENCH_SRV_IF" up || return 1
	ip -n "$BENCH_NS_CLI" link set "$BENCH_CLI_IF" up || return 1

	# perfdhcp talks as a relay agent (giaddr set).  The kernel's FIB
	# helper, which rackboot's XDP program routes relay replies with,
	# answers only on links with forwarding on.
	ip netns exec "$BENCH_NS_SRV" sysctl -qw "net.ipv4.conf.$BENCH_SRV_IF.forwarding=1"
}

# bench_xdp_attach NETNS IFNAME PROGRAM: attach a program of reflect.bpf.o
# in native mode, replacing any other.
bench_xdp_attach() {
	ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null
	if ! ip -n "$1" link set dev "$2" xdpdrv obj "$BENCH_REFLECT_OBJ" program "$3"; then
		echo "${BENCH_LOG_NAME}: attaching $3 to $2 in $1 failed" >&2
		return 1
	fi
}

bench_xdp_detach() {
	ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null || true
}

# bench_pin_napi NETNS IFNAME CPU: move the interface's receive processing
# into a NAPI kernel thread and pin that thread to CPU.  veth keeps NAPI
# (and this thread) only while an XDP program is attached, so call it
# after each attach.  Without it, the veth's XDP program runs in the
# softirq of whichever CPU sent the frame.
bench_pin_napi() {
	local netns=$1 ifname=$2 cpu=$3 pid found=0

	if ! ip netns exec "$netns" sh -c "echo 1 > /sys/class/net/$ifname/threaded"; then
		echo "${BENCH_LOG_NAME}: threaded NAPI on $ifname failed; its XDP runs on the sending CPU" >&2
		return 1
	fi
	for pid in $(ps -e -o pid=,comm= | awk -v name="napi/$ifname-" \
		'index($2, name) == 1 { print $1 }'); do
		taskset -pc "$cpu" "$pid" >/dev/null && chrt -f -p "$BENCH_NAPI_PRIORITY" "$pid" && found=1
	done
	if ((!found)); then
		echo "${BENCH_LOG_NAME}: no NAPI thread of $ifname found to pin to CPU $cpu" >&2
		return 1
	fi
}

# bench_link_has_xdp NETNS IFNAME: exit 0 when an XDP program is attached.
bench_link_has_xdp() {
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -q 'prog/xdp'
}

# bench_forget_pid PID: drop a stopped PID from the cleanup list, so that
# the cleanup never signals a later process that got the same PID.
bench_forget_pid() {
	local i

	for i in "${!RB_CLEANUP_PIDS[@]}"; do
		if [[ "${RB_CLEANUP_PIDS[i]}" == "$1" ]]; then
			unset 'RB_CLEANUP_PIDS[i]'
		fi
	done
	RB_CLEANUP_PIDS=("${RB_CLEANUP_PIDS[@]}")
}

# bench_stop PID: SIGTERM, SIGKILL after 10 s, and forget the PID.
bench_stop() {
	rb_stop_pid "$1" 10 || true
	bench_forget_pid "$1"
}

# bench_gen NAME [GEN_ARG...]: run rb-dhcp4-gen in the client namespace
# on GEN_CPU and pin the client veth's NAPI thread to the same CPU while
# the generator settles.  Then wait for the generator to end, bounded by
# its steps and durations.  Its JSON lines go to RUN_DIR/NAME.jsonl.
bench_gen() {
	local name=$1 out="$RB_RUN_DIR/$1.jsonl" pid limit
	shift

	rb_spawn "$BENCH_NS_CLI" "$RB_RUN_DIR/$name.gen.log" taskset -c "$BENCH_GEN_CPU" \
		"$BENCH_GEN" --ifname "$BENCH_CLI_IF" --hold-ifname "$BENCH_HOLD_IF" \
		--server "$BENCH_SRV_ADDR" --clients "$BENCH_CLIENTS" \
		--duration "$BENCH_DURATION" --grace "$BENCH_GRACE" --settle 2 "$@"
	pid=$RB_SPAWNED_PID
	if rb_wait_for 2 bench_link_has_xdp "$BENCH_NS_CLI" "$BENCH_CLI_IF"; then
		bench_pin_napi "$BENCH_NS_CLI" "$BENCH_CLI_IF" "$BENCH_GEN_CPU"
	fi

	# 32 steps at most, each run up to twice (duration + grace), plus
	# loading and settling.
	limit=$(awk -v d="$BENCH_DURATION" -v g="$BENCH_GRACE" 'BEGIN { print int(64 * (d + g) + 30) }')
	if ! rb_wait_for "$limit" rb_pid_gone "$pid"; then
		echo "bench-dhcp4: rb-dhcp4-gen ran longer than $limit s; stopping it" >&2
	fi
	bench_stop "$pid"
	grep '^{' "$RB_RUN_DIR/$name.gen.log" >"$out"
	if ! grep -q '"summary"' "$out"; then
		echo "bench-dhcp4: rb-dhcp4-gen printed no summary for $name:" >&2
		tail -n 5 "$RB_RUN_DIR/$name.gen.log" >&2
		return 1
	fi
	jq -r '"  offered \(.offered_per_s)/s: \(.acks) DORA in \(.seconds) s = \(.dora_per_s)/s, drops \(.drop_pct) %, reflected \(.reflected_per_s)/s" | select(. != null)' \
		<(grep -v summary "$out")
}

# bench_idle_poll_start: keep the server core from halting between
# packets, for every scenario alike, as idle=poll or disabled deep
# C-states would on bare metal.  A halted virtual CPU takes long to wake
# for the NAPI thread's next batch, so burst arrivals overflow the veth
# ring.  The busy loop runs at SCHED_IDLE, so anything else on the core
# preempts it at once.  BENCH_IDLE_POLL=0 turns it off.
bench_idle_poll_start() {
	((BENCH_IDLE_POLL)) || return 0
	rb_spawn "" "$RB_RUN_DIR/idle-poll.log" chrt -i 0 taskset -c "$BENCH_SERVER_CPU" \
		sh -c 'while :; do :; done'
	echo "${BENCH_LOG_NAME}: idle polling on CPU $BENCH_SERVER_CPU (pid $RB_SPAWNED_PID)"
}
