# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Real DHCPv6 clients run inside a device namespace: ISC 'dhclient -6',
# dhcpcd and WIDE dhcp6c.  dhcpcd and dhcp6c keep their DUID and state
# under /var/lib and /run, so they run in a private mount namespace with
# empty tmpfs folders there, and the host's files stay untouched.
# Requires tests/lib/tap.sh, tests/lib/cleanup.sh and RB_RUN_DIR.

RB_LIB_DIR="${RB_LIB_DIR:-tests/lib}"

# rb_dhclient6_config FILE: a dhclient.conf that defines and requests the
# DHCPv6 options the tests compare.  Options 56, 59, 60 and 136 have no
# definition in dhclient 4.4, and the sub-options of option 17 with
# enterprise number 4491 get the option space "docsis".
rb_dhclient6_config() {
	cat >"$1" <<-'CONF'
		option dhcp6.rb-ntp code 56 = string;
		option dhcp6.rb-bootfile-url code 59 = text;
		option dhcp6.rb-bootfile-param code 60 = string;
		option dhcp6.rb-sztp code 136 = string;
		option space docsis code width 2 length width 2;
		option docsis.tftp-servers code 32 = array of ip6-address;
		option docsis.config-file code 33 = text;
		option docsis.syslog-servers code 34 = array of ip6-address;
		option docsis.time-servers code 37 = array of ip6-address;
		option docsis.time-offset code 38 = signed integer 32;
		option vsio.docsis code 4491 = encapsulate docsis;
		also request dhcp6.name-servers, dhcp6.domain-search, dhcp6.sntp-servers,
			dhcp6.rb-ntp, dhcp6.vendor-opts, dhcp6.rb-bootfile-url,
			dhcp6.rb-bootfile-param, dhcp6.rb-sztp;
		timeout 30;
	CONF
}

# rb_dhclient6_plain_config FILE: a dhclient.conf that requests only the
# DNS servers and the domain search list, as an operating system does.
rb_dhclient6_plain_config() {
	cat >"$1" <<-'CONF'
		also request dhcp6.name-servers, dhcp6.domain-search;
		timeout 30;
	CONF
}

# rb_dhclient6_start NETNS NAME [plain]: run 'dhclient -6 -1 -d' with a
# DUID-LL on eth0 in NETNS, requesting the options of rb_dhclient6_config,
# or with "plain" those of rb_dhclient6_plain_config.  The lease's
# variables land in $RB_RUN_DIR/NAME.env.  dhclient keeps running and
# renewing; stop it with rb_stop_pid.  Sets RB_SPAWNED_PID.
rb_dhclient6_start() {
	local netns=$1 base="$RB_RUN_DIR/$2"

	if [[ "${3:-}" == plain ]]; then
		rb_dhclient6_plain_config "$base.conf"
	else
		rb_dhclient6_config "$base.conf"
	fi
	rb_spawn "$netns" "$base.log" dhclient -6 -1 -d -v -D LL \
		-cf "$base.conf" -lf "$base.leases" -pf "$base.pid" \
		-sf "$PWD/$RB_LIB_DIR/dhclient6-hook.sh" -e "RB_DUMP=$base.env" eth0
}

# rb_private_run NETNS COMMAND...: COMMAND in NETNS with empty tmpfs
# folders on /var/lib/dhcpcd, /var/lib/dhcpv6 and /run, seen by it alone.
rb_private_argv() {
	local netns=$1

	shift
	RB_PRIVATE_ARGV=(ip netns exec "$netns" unshare --mount --propagation private sh -c '
		for dir in /var/lib/dhcpcd /var/lib/dhcpv6 /run; do
			mkdir -p "$dir" && mount -t tmpfs rb-test "$dir" || exit 97
		done
		mkdir -p /run/dhcpcd
		exec "$@"' rb-private "$@")
}

# rb_env_hook BASE: write BASE.hook, which runs env-hook.sh with
# RB_DUMP=BASE.env, because dhcpcd and dhcp6c run their scripts with an
# environment of their own.
rb_env_hook() {
	printf '#!/bin/sh\nRB_DUMP=%s exec %s "$@"\n' "$1.env" "$PWD/$RB_LIB_DIR/env-hook.sh" >"$1.hook"
	chmod +x "$1.hook"
}

# rb_dhcpcd6_start NETNS NAME: run dhcpcd for DHCPv6 only, without router
# solicitations, asking for one IA_NA at once; it exits after the first
# lease (-1).  Variables of the lease land in $RB_RUN_DIR/NAME.env.
# Sets RB_SPAWNED_PID.
rb_dhcpcd6_start() {
	local netns=$1 base="$RB_RUN_DIR/$2"

	rb_env_hook "$base"
	cat >"$base.conf" <<-CONF
		ipv6only
		noipv6rs
		ia_na 1
		option dhcp6_name_servers, dhcp6_domain_search
		script $base.hook
	CONF
	rb_private_argv "$netns" dhcpcd -f "$base.conf" -B -1 -6 -d -t 30 eth0
	rb_spawn "" "$base.log" "${RB_PRIVATE_ARGV[@]}"
}

# rb_dhcp6c_start NETNS NAME: run WIDE dhcp6c in the foreground on eth0,
# asking for one IA_NA with Rapid Commit and for the DNS options.
# dhcp6c keeps running; stop it with rb_stop_pid.  Sets RB_SPAWNED_PID.
rb_dhcp6c_start() {
	local netns=$1 base="$RB_RUN_DIR/$2"

	rb_env_hook "$base"
	cat >"$base.conf" <<-CONF
		interface eth0 {
			send ia-na 0;
			send rapid-commit;
			request domain-name-servers;
			request domain-name;
			script "$base.hook";
		};
		id-assoc na 0 { };
	CONF
	rb_private_argv "$netns" dhcp6c -f -D -c "$base.conf" -p "$base.pid" eth0
	rb_spawn "" "$base.log" "${RB_PRIVATE_ARGV[@]}"
}
