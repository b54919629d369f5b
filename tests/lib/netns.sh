# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The simulated rack: network namespaces joined by veth pairs and a bridge.
#
#   <prefix>srv    rb0 10.213.0.1/24, where rackbootd runs
#        | veth
#   <prefix>sw     uplink + p01..pNN + tap devices, all ports of bridge br0
#        | veth (one per device)
#   <prefix>devNN  eth0 with the device's inventory MAC, where a DHCP
#                  client runs
#
# Native XDP_TX on rb0 hands the reply frame to the veth peer (uplink),
# and the kernel delivers it there only when the peer runs an XDP program
# itself, so every switch-side veth gets build/bpf/xdp_pass.bpf.o.
# Requires tests/lib/cleanup.sh.

RB_SRV_IF=rb0
RB_SRV_ADDR=10.213.0.1
RB_SRV_PREFIXLEN=24
RB_XDP_PASS_OBJ="${RB_XDP_PASS_OBJ:-build/bpf/xdp_pass.bpf.o}"

RB_NS_SRV="${RB_PREFIX}srv"
RB_NS_SW="${RB_PREFIX}sw"

# rb_dev_netns INDEX: namespace name of device INDEX (1-based).
rb_dev_netns() {
	printf '%sdev%02d' "$RB_PREFIX" "$1"
}

# rb_xdp_pass_attach NETNS IFNAME: attach xdp_pass in native (driver) mode.
rb_xdp_pass_attach() {
	if ! ip -n "$1" link set dev "$2" xdpdrv obj "$RB_XDP_PASS_OBJ" sec xdp; then
		echo "rb_xdp_pass_attach: attaching $RB_XDP_PASS_OBJ to $2 in $1 failed;" \
			"run 'make' to build it and check that the kernel has veth XDP" >&2
		return 1
	fi
}

# rb_topo_create: the server and switch namespaces, bridge and uplink.
rb_topo_create() {
	rb_netns_add "$RB_NS_SRV" || return 1
	rb_netns_add "$RB_NS_SW" || return 1

	ip -n "$RB_NS_SW" link add br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 || return 1
	ip -n "$RB_NS_SW" link set br0 up || return 1

	ip -n "$RB_NS_SW" link add uplink type veth peer name "$RB_SRV_IF" netns "$RB_NS_SRV" ||
		return 1
	ip -n "$RB_NS_SW" link set uplink master br0 || return 1
	rb_xdp_pass_attach "$RB_NS_SW" uplink || return 1
	ip -n "$RB_NS_SW" link set uplink up || return 1

	ip -n "$RB_NS_SRV" addr add "$RB_SRV_ADDR/$RB_SRV_PREFIXLEN" dev "$RB_SRV_IF" || return 1
	ip -n "$RB_NS_SRV" link set "$RB_SRV_IF" up
}

# rb_topo_add_device INDEX MAC: namespace <prefix>devNN with eth0 (MAC)
# plugged into br0 through port pNN.  eth0 stays without an address until
# a DHCP client configures it.
rb_topo_add_device() {
	local index=$1 mac=$2 netns port

	netns=$(rb_dev_netns "$index")
	port=$(printf 'p%02d' "$index")

	rb_netns_add "$netns" || return 1
	ip -n "$RB_NS_SW" link add "$port" type veth peer name eth0 netns "$netns" || return 1
	ip -n "$netns" link set eth0 address "$mac" || return 1
	ip -n "$RB_NS_SW" link set "$port" master br0 || return 1
	rb_xdp_pass_attach "$RB_NS_SW" "$port" || return 1
	ip -n "$RB_NS_SW" link set "$port" up || return 1
	ip -n "$netns" link set eth0 up
}

# rb_topo_add_tap NAME: a tap device in the switch namespace, port of br0,
# for a qemu VM started in that namespace.
rb_topo_add_tap() {
	ip -n "$RB_NS_SW" tuntap add dev "$1" mode tap || return 1
	ip -n "$RB_NS_SW" link set "$1" master br0 || return 1
	ip -n "$RB_NS_SW" link set "$1" up
}

# rb_link_has_xdp NETNS IFNAME: exit 0 when an XDP program is attached.
rb_link_has_xdp() {
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -q 'prog/xdp'
}
