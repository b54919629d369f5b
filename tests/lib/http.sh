# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Device and file helpers of the HTTP suites (http.sh, http_tls.sh).
# The caller sets CONFIG (rackbootd's config), DEV (the inventory index
# of the client device) and CLIENT_TIMEOUT (seconds per client command).
# Requires tests/lib/rackboot.sh and tests/lib/netns.sh.

# mac_of INDEX: the MAC of inventory device INDEX (from 1).
mac_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].mac" "$CONFIG"
}

# ip_of INDEX: the reserved IPv4 address of inventory device INDEX.
ip_of() {
	rb_cfg ".inventory.device[$(($1 - 1))].\"ipv4-address\"" "$CONFIG"
}

dev_ns() {
	rb_dev_netns "$DEV"
}

# in_dev COMMAND...: run in device DEV's namespace under the client timeout.
in_dev() {
	ip netns exec "$(dev_ns)" timeout "$CLIENT_TIMEOUT" "$@"
}

sha() {
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}
