#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages that rackboot's build, tests and lab
# need, and mount the BPF filesystem on /sys/fs/bpf.
#
# Idempotent: when every package is already installed, apt is not run at
# all, so repeated 'make test' starts at once.  Needs root.
set -euo pipefail

PACKAGES=(
	# build
	make gcc pkg-config clang llvm libclang-rt-14-dev
	libbpf-dev libxdp-dev bpftool xdp-tools libelf-dev zlib1g-dev
	liburing-dev libyang2-dev libyang-tools liblmdb-dev libhttp-parser-dev libssl-dev
	libcmocka-dev libjansson-dev libncurses-dev
	# tests and the lab
	iproute2 procps util-linux coreutils jq
	isc-dhcp-client isc-dhcp-relay udhcpc busybox atftp curl tftp-hpa
	ndisc6 wide-dhcpv6-client dhcpcd-base ovmf
	qemu-system-x86 ipxe-qemu ipxe
	tcpdump valgrind
	bind9-dnsutils dnsmasq-base
	# the NMS collector of tests/integration/syslog.sh and syslog_tls.sh (its
	# OpenSSL stream driver), run only in a test namespace
	rsyslog rsyslog-openssl
	# promtool, for tests/integration/metrics.sh (the Prometheus server is not started)
	prometheus
)

missing_packages() {
	local pkg status

	for pkg in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
		if [[ "$status" != ii* ]]; then
			echo "$pkg"
		fi
	done
}

install_packages() {
	local missing

	missing=$(missing_packages)
	if [[ -z "$missing" ]]; then
		echo "install-deps: all ${#PACKAGES[@]} packages are installed"
		return 0
	fi

	echo "install-deps: installing $(tr "\n" " " <<<"$missing")"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086 # one package name per word
	apt-get install -y -q --no-install-recommends $missing
}

# rackbootd pins its maps below /sys/fs/bpf by default; most systemd hosts
# mount it at boot, containers and minimal VMs often do not.
mount_bpffs() {
	if mountpoint -q /sys/fs/bpf && [[ "$(stat -f -c %T /sys/fs/bpf)" == bpf_fs ]]; then
		return 0
	fi
	mkdir -p /sys/fs/bpf
	mount -t bpf bpf /sys/fs/bpf
	echo "install-deps: mounted bpffs on /sys/fs/bpf"
}

main() {
	if ((EUID != 0)); then
		echo "install-deps: must run as root (apt-get and mount); try: sudo $0" >&2
		exit 1
	fi
	install_packages
	mount_bpffs
}

main "$@"
