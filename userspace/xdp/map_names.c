// SPDX-License-Identifier: MIT
#include "xdp/map_names.h"

/*
 * Each table is indexed by its enum with designated initializers, so an
 * entry stays next to its value.  The assertions catch an enum that grew
 * without a name; tests/unit/test_ctl_format.c catches a gap.
 */
#define RB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *const rb_phase_names[] = {
	[RB_PHASE_NONE] = "none",
	[RB_PHASE_DISCOVERED] = "discovered",
	[RB_PHASE_OFFERED] = "offered",
	[RB_PHASE_LEASED] = "leased",
	[RB_PHASE_BOOTFILE] = "bootfile",
};
_Static_assert(RB_ARRAY_LEN(rb_phase_names) == RB_PHASE_COUNT, "a phase has no name");

const char *const rb_xdp_counter_names[] = {
	[RB_XC_RX] = "rx",
	[RB_XC_PASS_NOT_DHCP] = "pass_not_dhcp",
	[RB_XC_TX_OFFER] = "tx_offer",
	[RB_XC_TX_ACK] = "tx_ack",
	[RB_XC_TX_NAK] = "tx_nak",
	[RB_XC_PASS_UNKNOWN_MAC] = "pass_unknown_mac",
	[RB_XC_PASS_RELAYED] = "pass_relayed",
	[RB_XC_PASS_OTHER_SERVER] = "pass_other_server",
	[RB_XC_PASS_MSG_TYPE] = "pass_msg_type",
	[RB_XC_PASS_IP_OPTIONS] = "pass_ip_options",
	[RB_XC_PASS_TOO_LARGE] = "pass_too_large",
	[RB_XC_PASS_NO_TEMPLATE] = "pass_no_template",
	[RB_XC_PASS_TX_FAILED] = "pass_tx_failed",
	[RB_XC_PASS_IFACE_OFF] = "pass_iface_off",
	[RB_XC_MALFORMED_SHORT] = "malformed_short",
	[RB_XC_MALFORMED_OP] = "malformed_op",
	[RB_XC_MALFORMED_HLEN] = "malformed_hlen",
	[RB_XC_MALFORMED_COOKIE] = "malformed_cookie",
	[RB_XC_MALFORMED_OPTION] = "malformed_option",
	[RB_XC_MALFORMED_NO_END] = "malformed_no_end",
	[RB_XC_MALFORMED_BAD_LEN] = "malformed_bad_len",
	[RB_XC_MALFORMED_UDP] = "malformed_udp",
	[RB_XC_MALFORMED_TOO_MANY] = "malformed_too_many",
	[RB_XC_DROP_FLOOD] = "drop_flood",
	[RB_XC_EVENT_LOST] = "event_lost",
	[RB_XC_POOL_BIND] = "pool_bind",
	[RB_XC_PASS_POOL_EMPTY] = "pass_pool_empty",
	[RB_XC_POOL_RACE] = "pool_race",
	[RB_XC_POOL_LOST] = "pool_lost",
	[RB_XC_PASS_SLOW_REPLY] = "pass_slow_reply",
	[RB_XC_TX_RELAY] = "tx_relay",
	[RB_XC_TX_RELAY_NO_NEIGH] = "tx_relay_no_neigh",
	[RB_XC_PASS_IPV6_OTHER] = "pass_ipv6_other",
	[RB_XC_PASS_IPV6_EXT] = "pass_ipv6_ext",
	[RB_XC_TX_RA] = "tx_ra",
	[RB_XC_PASS_RA_NO_TEMPLATE] = "pass_ra_no_template",
	[RB_XC_MALFORMED_RS] = "malformed_rs",
	[RB_XC_REDIRECT_RELAY] = "redirect_relay",
	[RB_XC_PASS_RELAY_NOT_LOCAL] = "pass_relay_not_local",
	[RB_XC_PASS_RELAY_LINK] = "pass_relay_link",
	[RB_XC_PASS_RELAY_AMBIGUOUS] = "pass_relay_ambiguous",
	[RB_XC_PASS_FIB_NO_NEIGH] = "pass_fib_no_neigh",
	[RB_XC_PASS_FIB_FWD_DISABLED] = "pass_fib_fwd_disabled",
	[RB_XC_PASS_FIB_FRAG_NEEDED] = "pass_fib_frag_needed",
	[RB_XC_PASS_FIB_OTHER] = "pass_fib_other",
	[RB_XC_DROP_RELAY_CIRCUIT] = "drop_relay_circuit",
	[RB_XC_TX_DHCP6_REPLY] = "tx_dhcp6_reply",
	[RB_XC_PASS_DHCP6_UNKNOWN_DUID] = "pass_dhcp6_unknown_duid",
	[RB_XC_PASS_DHCP6_MSG_TYPE] = "pass_dhcp6_msg_type",
	[RB_XC_PASS_DHCP6_OTHER_SERVER] = "pass_dhcp6_other_server",
	[RB_XC_PASS_DHCP6_SLOW] = "pass_dhcp6_slow",
	[RB_XC_PASS_DHCP6_RELAYED] = "pass_dhcp6_relayed",
	[RB_XC_PASS_DHCP6_NOT_LINK_LOCAL] = "pass_dhcp6_not_link_local",
	[RB_XC_PASS_DHCP6_IFACE_OFF] = "pass_dhcp6_iface_off",
	[RB_XC_PASS_DHCP6_NO_TEMPLATE] = "pass_dhcp6_no_template",
	[RB_XC_PASS_DHCP6_TOO_LARGE] = "pass_dhcp6_too_large",
	[RB_XC_MALFORMED_DHCP6_UDP] = "malformed_dhcp6_udp",
	[RB_XC_MALFORMED_DHCP6_SHORT] = "malformed_dhcp6_short",
	[RB_XC_MALFORMED_DHCP6_MSG_TYPE] = "malformed_dhcp6_msg_type",
	[RB_XC_MALFORMED_DHCP6_OPTION] = "malformed_dhcp6_option",
	[RB_XC_MALFORMED_DHCP6_BAD_LEN] = "malformed_dhcp6_bad_len",
	[RB_XC_MALFORMED_DHCP6_DUID] = "malformed_dhcp6_duid",
	[RB_XC_MALFORMED_DHCP6_DUPLICATE] = "malformed_dhcp6_duplicate",
	[RB_XC_MALFORMED_DHCP6_TOO_MANY] = "malformed_dhcp6_too_many",
	[RB_XC_TX_DHCP6_ADVERTISE] = "tx_dhcp6_advertise",
	[RB_XC_PASS_RA_RATE] = "pass_ra_rate",
	[RB_XC_PASS_RS_OPTIONS] = "pass_rs_options",
	[RB_XC_EVENT6_LOST] = "event6_lost",
	[RB_XC_PASS_DHCP6_NO_ROOM] = "pass_dhcp6_no_room",
	[RB_XC_PASS_DHCP6_WRONG_LINK] = "pass_dhcp6_wrong_link",
	[RB_XC_DROP_DHCP6_FLOOD] = "drop_dhcp6_flood",
};
_Static_assert(RB_ARRAY_LEN(rb_xdp_counter_names) == RB_XC_COUNT, "an XDP counter has no name");

const char *const rb_us_counter_names[] = {
	[RB_UC_RX] = "rx",
	[RB_UC_TX_OFFER] = "tx_offer",
	[RB_UC_TX_ACK] = "tx_ack",
	[RB_UC_TX_NAK] = "tx_nak",
	[RB_UC_IGNORED_UNKNOWN] = "ignored_unknown",
	[RB_UC_IGNORED_OTHER] = "ignored_other",
	[RB_UC_MALFORMED] = "malformed",
	[RB_UC_SEND_FAILED] = "send_failed",
	[RB_UC_TFTP_RRQ] = "tftp_rrq",
	[RB_UC_TFTP_DONE] = "tftp_done",
	[RB_UC_TFTP_ERROR] = "tftp_error",
	[RB_UC_TFTP_TIMEOUT] = "tftp_timeout",
	[RB_UC_DHCP6_RX] = "dhcp6_rx",
	[RB_UC_DHCP6_TX_ADVERTISE] = "dhcp6_tx_advertise",
	[RB_UC_DHCP6_TX_REPLY] = "dhcp6_tx_reply",
	[RB_UC_DHCP6_MALFORMED] = "dhcp6_malformed",
	[RB_UC_DHCP6_DISCARDED] = "dhcp6_discarded",
	[RB_UC_DHCP6_OTHER_SERVER] = "dhcp6_other_server",
	[RB_UC_DHCP6_NO_SUBNET] = "dhcp6_no_subnet",
	[RB_UC_DHCP6_NO_ADDRS] = "dhcp6_no_addrs",
	[RB_UC_DHCP6_RELEASED] = "dhcp6_released",
	[RB_UC_DHCP6_DECLINED] = "dhcp6_declined",
	[RB_UC_DHCP6_STORE_FAILED] = "dhcp6_store_failed",
	[RB_UC_DHCP6_SEND_FAILED] = "dhcp6_send_failed",
	[RB_UC_SYSLOG_RX_UDP] = "syslog_rx_udp",
	[RB_UC_SYSLOG_RX_TCP] = "syslog_rx_tcp",
	[RB_UC_SYSLOG_PARSE_ERRORS] = "syslog_parse_errors",
	[RB_UC_SYSLOG_CUT] = "syslog_cut",
	[RB_UC_SYSLOG_UNATTRIBUTED] = "syslog_unattributed",
	[RB_UC_SYSLOG_TCP_REJECTED] = "syslog_tcp_rejected",
	[RB_UC_SYSLOG_TCP_IDLE_CLOSED] = "syslog_tcp_idle_closed",
	[RB_UC_SYSLOG_FORWARDED] = "syslog_forwarded",
	[RB_UC_SYSLOG_FWD_DROPPED] = "syslog_forward_dropped",
	[RB_UC_SYSLOG_FWD_RECONNECTS] = "syslog_forward_reconnects",
	[RB_UC_SYSLOG_STORE_FAILED] = "syslog_store_failed",
};
_Static_assert(RB_ARRAY_LEN(rb_us_counter_names) == RB_UC_COUNT, "a userspace counter has no name");

const char *rb_phase_name(unsigned int phase)
{
	if (phase >= RB_PHASE_COUNT)
		return "unknown";
	return rb_phase_names[phase];
}
