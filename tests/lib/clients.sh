# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Real DHCP and TFTP clients run inside a device namespace.
# Requires tests/lib/tap.sh, tests/lib/cleanup.sh (rb_spawn, rb_wait_for,
# rb_stop_pid) and RB_RUN_DIR (rb_run_dir).

RB_LIB_DIR="${RB_LIB_DIR:-tests/lib}"

# Options every client requests, so that the server has a reason to send
# each option that the tests compare.
RB_DHCLIENT_REQUEST="subnet-mask, broadcast-address, time-offset, routers,
	time-servers, domain-name-servers, log-servers, host-name, domain-name,
	dhcp-lease-time, dhcp-server-identifier, dhcp-renewal-time,
	dhcp-rebinding-time, tftp-server-name, bootfile-name"

# rb_dhclient_config FILE [ARCH] [USER_CLASS]: write a dhclient.conf that
# requests every option above, sends option 93 (client architecture) and
# option 77 (user class) when given, and gives up after 20 s.
rb_dhclient_config() {
	local file=$1 arch=${2:-} user_class=${3:-}

	{
		echo "option rb-client-arch code 93 = unsigned integer 16;"
		echo "request $RB_DHCLIENT_REQUEST;"
		echo "timeout 20;"
		echo "retry 1;"
		echo "initial-interval 1;"
		echo "backoff-cutoff 2;"
		if [[ -n "$arch" ]]; then
			echo "send rb-client-arch $arch;"
		fi
		if [[ -n "$user_class" ]]; then
			echo "send user-class \"$user_class\";"
		fi
	} >"$file"
}

# rb_dhclient_start NETNS NAME [ARCH] [USER_CLASS]: run 'dhclient -4 -1 -d'
# on eth0 in NETNS.  The lease's variables land in $RB_RUN_DIR/NAME.env.
# dhclient keeps running after it binds; stop it with rb_stop_pid.
# Sets RB_SPAWNED_PID.
rb_dhclient_start() {
	local netns=$1 base="$RB_RUN_DIR/$2"

	rb_dhclient_config "$base.conf" "${3:-}" "${4:-}"
	rb_spawn "$netns" "$base.log" dhclient -4 -1 -d -v \
		-cf "$base.conf" -lf "$base.leases" -pf "$base.pid" \
		-sf "$PWD/$RB_LIB_DIR/dhclient-hook.sh" -e "RB_DUMP=$base.env" eth0
}

# rb_udhcpc_start NETNS NAME [UDHCPC_ARG...]: run busybox udhcpc on eth0,
# which exits after it binds (-q) or after 4 tries without a lease (-n).
# The lease's variables land in $RB_RUN_DIR/NAME.env.  Extra arguments
# add options, for example -x 0x5d:0007 (client architecture 7).
# Sets RB_SPAWNED_PID.
rb_udhcpc_start() {
	local netns=$1 base="$RB_RUN_DIR/$2"

	shift 2
	rb_spawn "$netns" "$base.log" env "RB_DUMP=$base.env" \
		busybox udhcpc -f -q -n -i eth0 -t 4 -T 2 -A 1 \
		-s "$PWD/$RB_LIB_DIR/udhcpc-hook.sh" \
		-O timezone -O 4 -O 7 -O tftp -O bootfile -O lease -O serverid "$@"
}

# rb_lease_var NAME VARIABLE: one variable from a client's lease dump.
rb_lease_var() {
	sed -n "s/^$2=//p" "$RB_RUN_DIR/$1.env" 2>/dev/null
}

rb_lease_ready() {
	[[ -s "$RB_RUN_DIR/$1.env" ]]
}

# rb_check_lease NAME VARIABLE EXPECTED: a TAP check of one variable of a
# client's lease dump.
rb_check_lease() {
	tap_is "$(rb_lease_var "$1" "$2")" "$3" "$1 lease: $2"
}

# rb_wait_lease NAME PID: wait up to 30 s for client NAME's lease dump,
# then stop PID.  Without a lease, the check fails, the client's log is
# printed and the status is 1.
rb_wait_lease() {
	local name=$1 pid=$2

	if ! tap_check "$name: lease within 30 s" rb_wait_for 30 rb_lease_ready "$name"; then
		tap_diag "$(cat "$RB_RUN_DIR/$name.log")"
		rb_stop_pid "$pid"
		return 1
	fi
	rb_stop_pid "$pid"
}

# rb_tftp_argv TOOL SERVER FILE OUT: set RB_TFTP_ARGV to the command that
# fetches FILE over TFTP with curl or atftp, bounded to 30 s.
rb_tftp_argv() {
	local tool=$1 server=$2 file=$3 out=$4

	case "$tool" in
	curl)
		RB_TFTP_ARGV=(timeout 30 curl -sS --max-time 25 -o "$out" "tftp://$server/$file")
		;;
	atftp)
		RB_TFTP_ARGV=(timeout 30 atftp --tftp-timeout 2 -g -r "$file" -l "$out" "$server")
		;;
	*)
		echo "rb_tftp_argv: unknown TFTP client '$tool'; use curl or atftp" >&2
		return 2
		;;
	esac
}

# rb_tftp_get NETNS TOOL SERVER FILE OUT: fetch FILE in the foreground.
rb_tftp_get() {
	rb_tftp_argv "$2" "$3" "$4" "$5" || return 2
	ip netns exec "$1" "${RB_TFTP_ARGV[@]}"
}
