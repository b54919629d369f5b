// SPDX-License-Identifier: MIT
#include "metrics/metrics_counters.h"

#define RB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const struct rb_metric_family rb_metric_families[RB_MF_COUNT] = {
	[RB_MF_XDP_RECEIVED] = { "rackboot_xdp_received_packets_total",
		"Packets that the XDP program saw, summed over CPUs.", { NULL } },
	[RB_MF_XDP_PACKETS] = { "rackboot_xdp_packets_total",
		"Packets by the XDP program's verdict: reply (a reply sent from XDP with XDP_TX or "
		"XDP_REDIRECT; reason is its type), pass (left to the kernel and rackbootd) or drop; "
		"reason says why.",
		{ "protocol", "verdict", "reason" } },
	[RB_MF_XDP_RELAY_REPLIES] = { "rackboot_xdp_dhcp4_relay_replies_total",
		"DHCPv4 replies to relay agents by XDP action (tx: out of the ingress link, "
		"redirect: to another link), also counted as replies in rackboot_xdp_packets_total.",
		{ "action" } },
	[RB_MF_XDP_RELAY_AGENT_MAC] = { "rackboot_xdp_dhcp4_relay_replies_agent_mac_total",
		"DHCPv4 relay replies sent to the relay agent's source MAC because the next hop had "
		"no neighbour entry, also counted in rackboot_xdp_dhcp4_relay_replies_total.",
		{ NULL } },
	[RB_MF_XDP_EVENTS_LOST] = { "rackboot_xdp_events_lost_total",
		"Events that XDP could not queue because the rb_events ring was full.",
		{ "protocol" } },
	[RB_MF_XDP_JOURNAL_SKIPPED] = { "rackboot_xdp_lease_journal_skipped_total",
		"Leases sent from XDP that did not go to the store's journal, because the device's "
		"last journaled lease for the same address is younger than the journal lag.",
		{ "protocol" } },
	[RB_MF_XDP_POOL_BINDS] = { "rackboot_xdp_pool_binds_total",
		"Pool addresses that XDP took from a free queue for a new device: bound, race (another "
		"CPU added the device first) or address_lost (could not go back to its queue).",
		{ "result" } },
	[RB_MF_DHCP_RECEIVED] = { "rackboot_dhcp_received_messages_total",
		"DHCP messages that rackbootd read from its sockets (the slow path).",
		{ "protocol" } },
	[RB_MF_DHCP_MESSAGES] = { "rackboot_dhcp_messages_total",
		"DHCP messages of rackbootd's slow path by verdict: reply (reason is the type sent), "
		"ignore, reject (malformed) or error (sending or the lease write failed).",
		{ "protocol", "verdict", "reason" } },
	[RB_MF_DHCP6_NO_ADDRS] = { "rackboot_dhcp6_no_addrs_avail_total",
		"IA_NA options that rackbootd answered with status NoAddrsAvail.", { NULL } },
	[RB_MF_DHCP6_ADDRESSES] = { "rackboot_dhcp6_client_addresses_total",
		"DHCPv6 addresses that clients released or declined; declined ones are quarantined.",
		{ "event" } },
	[RB_MF_TFTP_REQUESTS] = { "rackboot_tftp_read_requests_total",
		"TFTP read requests that rackbootd received.", { NULL } },
	[RB_MF_TFTP_TRANSFERS] = { "rackboot_tftp_transfers_total",
		"TFTP transfers that ended, by result: done, error (an error packet) or timeout "
		"(abandoned after retries).", { "result" } },
	[RB_MF_DNS_QUERIES] = { "rackboot_dns_queries_total",
		"DNS messages that rackbootd received over UDP and TCP.", { NULL } },
	[RB_MF_DNS_RESPONSES] = { "rackboot_dns_responses_total",
		"DNS responses that rackbootd sent, by response code.", { "rcode" } },
	[RB_MF_DNS_FORWARDED] = { "rackboot_dns_forwarded_queries_total",
		"DNS queries that rackbootd sent to an upstream resolver.", { NULL } },
	[RB_MF_DNS_TRUNCATED] = { "rackboot_dns_truncated_responses_total",
		"DNS responses that rackbootd sent with the TC bit.", { NULL } },
	[RB_MF_DNS_DROPPED] = { "rackboot_dns_dropped_messages_total",
		"DNS messages that rackbootd left without a response.", { NULL } },
	[RB_MF_DNS_TCP_CONNECTIONS] = { "rackboot_dns_tcp_connections_total",
		"DNS TCP connections that rackbootd accepted.", { NULL } },
	[RB_MF_HTTP_REQUESTS] = { "rackboot_http_requests_total",
		"HTTP and HTTPS responses sent, errors included.", { NULL } },
	[RB_MF_HTTP_BODY_BYTES] = { "rackboot_http_response_body_bytes_total",
		"Body bytes of HTTP and HTTPS responses, of files and generated bodies.", { NULL } },
	[RB_MF_HTTP_RESPONSES] = { "rackboot_http_responses_total",
		"HTTP and HTTPS responses by status class; 2xx also counts the other codes below 400.",
		{ "code" } },
	[RB_MF_HTTP_CONNECTIONS] = { "rackboot_http_connections_total",
		"HTTP and HTTPS connections accepted.", { NULL } },
	[RB_MF_HTTP_REJECTED] = { "rackboot_http_connections_rejected_total",
		"HTTP connections closed at once because a worker had max-connections.", { NULL } },
	[RB_MF_HTTP_TIMED_OUT] = { "rackboot_http_connections_timed_out_total",
		"HTTP connections closed after idle-timeout.", { NULL } },
	[RB_MF_SYSLOG_RECEIVED] = { "rackboot_syslog_received_messages_total",
		"Syslog messages received, by transport.", { "transport" } },
	[RB_MF_SYSLOG_PARSE_ERRORS] = { "rackboot_syslog_parse_errors_total",
		"Syslog messages without a valid header, stored as raw text.", { NULL } },
	[RB_MF_SYSLOG_CUT] = { "rackboot_syslog_cut_messages_total",
		"Syslog messages cut to max-message-size.", { NULL } },
	[RB_MF_SYSLOG_UNATTRIBUTED] = { "rackboot_syslog_unattributed_messages_total",
		"Syslog messages from an address of no known device.", { NULL } },
	[RB_MF_SYSLOG_TCP_REJECTED] = { "rackboot_syslog_tcp_connections_rejected_total",
		"Syslog TCP connections closed at once because of max-connections.", { NULL } },
	[RB_MF_SYSLOG_TCP_IDLE_CLOSED] = { "rackboot_syslog_tcp_connections_idle_closed_total",
		"Syslog TCP connections closed after idle-timeout.", { NULL } },
	[RB_MF_SYSLOG_FORWARDED] = { "rackboot_syslog_forwarded_messages_total",
		"Syslog messages sent to collectors, summed over the collectors.", { NULL } },
	[RB_MF_SYSLOG_FORWARD_DROPPED] = { "rackboot_syslog_forward_dropped_messages_total",
		"Syslog messages dropped because a collector's queue was full.", { NULL } },
	[RB_MF_SYSLOG_FORWARD_RECONNECTS] = { "rackboot_syslog_forward_reconnects_total",
		"TCP connection attempts to syslog collectors after the first.", { NULL } },
	[RB_MF_SYSLOG_TLS_REJECTED] = { "rackboot_syslog_tls_connections_rejected_total",
		"Syslog TLS connections closed on a failed handshake or a bad record.", { NULL } },
	[RB_MF_SYSLOG_STORE_FAILED] = { "rackboot_syslog_store_write_failures_total",
		"Writes of syslog rings to the store that failed.", { NULL } },
};

#define XDP_PACKET(proto, verdict, reason) { RB_MF_XDP_PACKETS, { proto, verdict, reason } }
#define XDP_PASS(proto, reason) XDP_PACKET(proto, "pass", reason)

const struct rb_metric_counter rb_metric_xdp_counters[RB_XC_COUNT] = {
	[RB_XC_RX] = { RB_MF_XDP_RECEIVED, { NULL } },
	[RB_XC_PASS_NOT_DHCP] = XDP_PASS("other", "not_dhcp"),
	[RB_XC_TX_OFFER] = XDP_PACKET("dhcp4", "reply", "offer"),
	[RB_XC_TX_ACK] = XDP_PACKET("dhcp4", "reply", "ack"),
	[RB_XC_TX_NAK] = XDP_PACKET("dhcp4", "reply", "nak"),
	[RB_XC_PASS_UNKNOWN_MAC] = XDP_PASS("dhcp4", "unknown_mac"),
	[RB_XC_PASS_RELAYED] = XDP_PASS("dhcp4", "relayed"),
	[RB_XC_PASS_OTHER_SERVER] = XDP_PASS("dhcp4", "other_server"),
	[RB_XC_PASS_MSG_TYPE] = XDP_PASS("dhcp4", "msg_type"),
	[RB_XC_PASS_IP_OPTIONS] = XDP_PASS("dhcp4", "ip_options"),
	[RB_XC_PASS_TOO_LARGE] = XDP_PASS("dhcp4", "too_large"),
	[RB_XC_PASS_NO_TEMPLATE] = XDP_PASS("dhcp4", "no_template"),
	[RB_XC_PASS_TX_FAILED] = XDP_PASS("dhcp4", "tx_failed"),
	[RB_XC_PASS_IFACE_OFF] = XDP_PASS("dhcp4", "iface_off"),
	[RB_XC_MALFORMED_SHORT] = XDP_PASS("dhcp4", "malformed_short"),
	[RB_XC_MALFORMED_OP] = XDP_PASS("dhcp4", "malformed_op"),
	[RB_XC_MALFORMED_HLEN] = XDP_PASS("dhcp4", "malformed_hlen"),
	[RB_XC_MALFORMED_COOKIE] = XDP_PASS("dhcp4", "malformed_cookie"),
	[RB_XC_MALFORMED_OPTION] = XDP_PASS("dhcp4", "malformed_option"),
	[RB_XC_MALFORMED_NO_END] = XDP_PASS("dhcp4", "malformed_no_end"),
	[RB_XC_MALFORMED_BAD_LEN] = XDP_PASS("dhcp4", "malformed_bad_len"),
	[RB_XC_MALFORMED_UDP] = XDP_PASS("dhcp4", "malformed_udp"),
	[RB_XC_MALFORMED_TOO_MANY] = XDP_PASS("dhcp4", "malformed_too_many"),
	[RB_XC_DROP_FLOOD] = XDP_PACKET("dhcp4", "drop", "flood"),
	[RB_XC_EVENT_LOST] = { RB_MF_XDP_EVENTS_LOST, { "dhcp4" } },
	[RB_XC_POOL_BIND] = { RB_MF_XDP_POOL_BINDS, { "bound" } },
	[RB_XC_PASS_POOL_EMPTY] = XDP_PASS("dhcp4", "pool_empty"),
	[RB_XC_POOL_RACE] = { RB_MF_XDP_POOL_BINDS, { "race" } },
	[RB_XC_POOL_LOST] = { RB_MF_XDP_POOL_BINDS, { "address_lost" } },
	[RB_XC_PASS_SLOW_REPLY] = XDP_PASS("dhcp4", "slow_reply"),
	[RB_XC_TX_RELAY] = { RB_MF_XDP_RELAY_REPLIES, { "tx" } },
	[RB_XC_REDIRECT_RELAY] = { RB_MF_XDP_RELAY_REPLIES, { "redirect" } },
	[RB_XC_PASS_RELAY_NOT_LOCAL] = XDP_PASS("dhcp4", "relay_not_local"),
	[RB_XC_PASS_RELAY_LINK] = XDP_PASS("dhcp4", "relay_link"),
	[RB_XC_PASS_RELAY_AMBIGUOUS] = XDP_PASS("dhcp4", "relay_ambiguous"),
	[RB_XC_PASS_FIB_NO_NEIGH] = XDP_PASS("dhcp4", "fib_no_neigh"),
	[RB_XC_PASS_FIB_FWD_DISABLED] = XDP_PASS("dhcp4", "fib_fwd_disabled"),
	[RB_XC_PASS_FIB_FRAG_NEEDED] = XDP_PASS("dhcp4", "fib_frag_needed"),
	[RB_XC_PASS_FIB_OTHER] = XDP_PASS("dhcp4", "fib_other"),
	[RB_XC_DROP_RELAY_CIRCUIT] = XDP_PACKET("dhcp4", "drop", "relay_circuit"),
	[RB_XC_TX_RELAY_NO_NEIGH] = { RB_MF_XDP_RELAY_AGENT_MAC, { NULL } },
	[RB_XC_PASS_IPV6_OTHER] = XDP_PASS("other", "ipv6_other"),
	[RB_XC_PASS_IPV6_EXT] = XDP_PASS("other", "ipv6_ext"),
	[RB_XC_TX_RA] = XDP_PACKET("ra", "reply", "router_advertisement"),
	[RB_XC_PASS_RA_NO_TEMPLATE] = XDP_PASS("ra", "no_template"),
	[RB_XC_MALFORMED_RS] = XDP_PASS("ra", "malformed_rs"),
	[RB_XC_TX_DHCP6_REPLY] = XDP_PACKET("dhcp6", "reply", "reply"),
	[RB_XC_PASS_DHCP6_UNKNOWN_DUID] = XDP_PASS("dhcp6", "unknown_duid"),
	[RB_XC_PASS_DHCP6_MSG_TYPE] = XDP_PASS("dhcp6", "msg_type"),
	[RB_XC_PASS_DHCP6_OTHER_SERVER] = XDP_PASS("dhcp6", "other_server"),
	[RB_XC_PASS_DHCP6_SLOW] = XDP_PASS("dhcp6", "slow"),
	[RB_XC_PASS_DHCP6_RELAYED] = XDP_PASS("dhcp6", "relayed"),
	[RB_XC_PASS_DHCP6_NOT_LINK_LOCAL] = XDP_PASS("dhcp6", "not_link_local"),
	[RB_XC_PASS_DHCP6_IFACE_OFF] = XDP_PASS("dhcp6", "iface_off"),
	[RB_XC_PASS_DHCP6_NO_TEMPLATE] = XDP_PASS("dhcp6", "no_template"),
	[RB_XC_PASS_DHCP6_TOO_LARGE] = XDP_PASS("dhcp6", "too_large"),
	[RB_XC_MALFORMED_DHCP6_UDP] = XDP_PASS("dhcp6", "malformed_udp"),
	[RB_XC_MALFORMED_DHCP6_SHORT] = XDP_PASS("dhcp6", "malformed_short"),
	[RB_XC_MALFORMED_DHCP6_MSG_TYPE] = XDP_PASS("dhcp6", "malformed_msg_type"),
	[RB_XC_MALFORMED_DHCP6_OPTION] = XDP_PASS("dhcp6", "malformed_option"),
	[RB_XC_MALFORMED_DHCP6_BAD_LEN] = XDP_PASS("dhcp6", "malformed_bad_len"),
	[RB_XC_MALFORMED_DHCP6_DUID] = XDP_PASS("dhcp6", "malformed_duid"),
	[RB_XC_MALFORMED_DHCP6_DUPLICATE] = XDP_PASS("dhcp6", "malformed_duplicate"),
	[RB_XC_MALFORMED_DHCP6_TOO_MANY] = XDP_PASS("dhcp6", "malformed_too_many"),
	[RB_XC_TX_DHCP6_ADVERTISE] = XDP_PACKET("dhcp6", "reply", "advertise"),
	[RB_XC_PASS_RA_RATE] = XDP_PASS("ra", "rate"),
	[RB_XC_PASS_RS_OPTIONS] = XDP_PASS("ra", "rs_options"),
	[RB_XC_EVENT6_LOST] = { RB_MF_XDP_EVENTS_LOST, { "dhcp6" } },
	[RB_XC_PASS_DHCP6_NO_ROOM] = XDP_PASS("dhcp6", "no_room"),
	[RB_XC_PASS_DHCP6_WRONG_LINK] = XDP_PASS("dhcp6", "wrong_link"),
	[RB_XC_DROP_DHCP6_FLOOD] = XDP_PACKET("dhcp6", "drop", "flood"),
	[RB_XC_TX_TFTP_DATA] = XDP_PACKET("tftp", "reply", "data"),
	[RB_XC_DROP_TFTP_DUP] = XDP_PACKET("tftp", "drop", "duplicate_ack"),
	[RB_XC_TFTP_DONE] = XDP_PACKET("tftp", "drop", "final_ack"),
	[RB_XC_PASS_TFTP_NO_ROOM] = XDP_PASS("tftp", "no_room"),
	[RB_XC_PASS_TFTP_MTU] = XDP_PASS("tftp", "mtu"),
	[RB_XC_PASS_TFTP_OPCODE] = XDP_PASS("tftp", "opcode"),
	[RB_XC_PASS_TFTP_NO_BLOCK] = XDP_PASS("tftp", "no_block"),
	[RB_XC_MALFORMED_TFTP] = XDP_PASS("tftp", "malformed"),
	[RB_XC_TFTP_EVENT_LOST] = { RB_MF_XDP_EVENTS_LOST, { "tftp" } },
	[RB_XC_TX_DNS] = XDP_PACKET("dns", "reply", "response"),
	[RB_XC_PASS_DNS_HEADER] = XDP_PASS("dns", "header"),
	[RB_XC_PASS_DNS_NAME] = XDP_PASS("dns", "name"),
	[RB_XC_PASS_DNS_CLASS] = XDP_PASS("dns", "class"),
	[RB_XC_PASS_DNS_EDNS] = XDP_PASS("dns", "edns"),
	[RB_XC_PASS_DNS_MISS] = XDP_PASS("dns", "miss"),
	[RB_XC_PASS_DNS_TOO_BIG] = XDP_PASS("dns", "too_big"),
	[RB_XC_PASS_DNS_NO_ROOM] = XDP_PASS("dns", "no_room"),
	[RB_XC_MALFORMED_DNS] = XDP_PASS("dns", "malformed"),
	[RB_XC_PASS_DNS_NOT_LOCAL] = XDP_PASS("dns", "not_local"),
	[RB_XC_JOURNAL_SKIPPED] = { RB_MF_XDP_JOURNAL_SKIPPED, { "dhcp4" } },
	[RB_XC_JOURNAL6_SKIPPED] = { RB_MF_XDP_JOURNAL_SKIPPED, { "dhcp6" } },
};
_Static_assert(RB_ARRAY_LEN(rb_metric_xdp_counters) == RB_XC_COUNT, "an XDP counter has no family");

#define DHCP_MESSAGE(proto, verdict, reason) { RB_MF_DHCP_MESSAGES, { proto, verdict, reason } }

const struct rb_metric_counter rb_metric_us_counters[RB_UC_COUNT] = {
	[RB_UC_RX] = { RB_MF_DHCP_RECEIVED, { "dhcp4" } },
	[RB_UC_TX_OFFER] = DHCP_MESSAGE("dhcp4", "reply", "offer"),
	[RB_UC_TX_ACK] = DHCP_MESSAGE("dhcp4", "reply", "ack"),
	[RB_UC_TX_NAK] = DHCP_MESSAGE("dhcp4", "reply", "nak"),
	[RB_UC_IGNORED_UNKNOWN] = DHCP_MESSAGE("dhcp4", "ignore", "unknown_device"),
	[RB_UC_IGNORED_OTHER] = DHCP_MESSAGE("dhcp4", "ignore", "other"),
	[RB_UC_MALFORMED] = DHCP_MESSAGE("dhcp4", "reject", "malformed"),
	[RB_UC_SEND_FAILED] = DHCP_MESSAGE("dhcp4", "error", "send_failed"),
	[RB_UC_TFTP_RRQ] = { RB_MF_TFTP_REQUESTS, { NULL } },
	[RB_UC_TFTP_DONE] = { RB_MF_TFTP_TRANSFERS, { "done" } },
	[RB_UC_TFTP_ERROR] = { RB_MF_TFTP_TRANSFERS, { "error" } },
	[RB_UC_TFTP_TIMEOUT] = { RB_MF_TFTP_TRANSFERS, { "timeout" } },
	[RB_UC_DHCP6_RX] = { RB_MF_DHCP_RECEIVED, { "dhcp6" } },
	[RB_UC_DHCP6_TX_ADVERTISE] = DHCP_MESSAGE("dhcp6", "reply", "advertise"),
	[RB_UC_DHCP6_TX_REPLY] = DHCP_MESSAGE("dhcp6", "reply", "reply"),
	[RB_UC_DHCP6_MALFORMED] = DHCP_MESSAGE("dhcp6", "reject", "malformed"),
	[RB_UC_DHCP6_DISCARDED] = DHCP_MESSAGE("dhcp6", "ignore", "discarded"),
	[RB_UC_DHCP6_OTHER_SERVER] = DHCP_MESSAGE("dhcp6", "ignore", "other_server"),
	[RB_UC_DHCP6_NO_SUBNET] = DHCP_MESSAGE("dhcp6", "ignore", "no_subnet"),
	[RB_UC_DHCP6_NO_ADDRS] = { RB_MF_DHCP6_NO_ADDRS, { NULL } },
	[RB_UC_DHCP6_RELEASED] = { RB_MF_DHCP6_ADDRESSES, { "released" } },
	[RB_UC_DHCP6_DECLINED] = { RB_MF_DHCP6_ADDRESSES, { "declined" } },
	[RB_UC_DHCP6_STORE_FAILED] = DHCP_MESSAGE("dhcp6", "error", "store_failed"),
	[RB_UC_DHCP6_SEND_FAILED] = DHCP_MESSAGE("dhcp6", "error", "send_failed"),
	[RB_UC_DNS_QUERIES] = { RB_MF_DNS_QUERIES, { NULL } },
	[RB_UC_DNS_NOERROR] = { RB_MF_DNS_RESPONSES, { "noerror" } },
	[RB_UC_DNS_FORMERR] = { RB_MF_DNS_RESPONSES, { "formerr" } },
	[RB_UC_DNS_SERVFAIL] = { RB_MF_DNS_RESPONSES, { "servfail" } },
	[RB_UC_DNS_NXDOMAIN] = { RB_MF_DNS_RESPONSES, { "nxdomain" } },
	[RB_UC_DNS_NOTIMP] = { RB_MF_DNS_RESPONSES, { "notimp" } },
	[RB_UC_DNS_REFUSED] = { RB_MF_DNS_RESPONSES, { "refused" } },
	[RB_UC_DNS_BADVERS] = { RB_MF_DNS_RESPONSES, { "badvers" } },
	[RB_UC_DNS_FORWARDED] = { RB_MF_DNS_FORWARDED, { NULL } },
	[RB_UC_DNS_TRUNCATED] = { RB_MF_DNS_TRUNCATED, { NULL } },
	[RB_UC_DNS_DROPPED] = { RB_MF_DNS_DROPPED, { NULL } },
	[RB_UC_DNS_TCP_CONNECTIONS] = { RB_MF_DNS_TCP_CONNECTIONS, { NULL } },
	[RB_UC_HTTP_REQUESTS] = { RB_MF_HTTP_REQUESTS, { NULL } },
	[RB_UC_HTTP_BYTES] = { RB_MF_HTTP_BODY_BYTES, { NULL } },
	[RB_UC_HTTP_2XX] = { RB_MF_HTTP_RESPONSES, { "2xx" } },
	[RB_UC_HTTP_4XX] = { RB_MF_HTTP_RESPONSES, { "4xx" } },
	[RB_UC_HTTP_5XX] = { RB_MF_HTTP_RESPONSES, { "5xx" } },
	[RB_UC_HTTP_CONNECTIONS] = { RB_MF_HTTP_CONNECTIONS, { NULL } },
	[RB_UC_HTTP_REJECTED] = { RB_MF_HTTP_REJECTED, { NULL } },
	[RB_UC_HTTP_TIMEOUTS] = { RB_MF_HTTP_TIMED_OUT, { NULL } },
	[RB_UC_SYSLOG_RX_UDP] = { RB_MF_SYSLOG_RECEIVED, { "udp" } },
	[RB_UC_SYSLOG_RX_TCP] = { RB_MF_SYSLOG_RECEIVED, { "tcp" } },
	[RB_UC_SYSLOG_PARSE_ERRORS] = { RB_MF_SYSLOG_PARSE_ERRORS, { NULL } },
	[RB_UC_SYSLOG_CUT] = { RB_MF_SYSLOG_CUT, { NULL } },
	[RB_UC_SYSLOG_UNATTRIBUTED] = { RB_MF_SYSLOG_UNATTRIBUTED, { NULL } },
	[RB_UC_SYSLOG_TCP_REJECTED] = { RB_MF_SYSLOG_TCP_REJECTED, { NULL } },
	[RB_UC_SYSLOG_TCP_IDLE_CLOSED] = { RB_MF_SYSLOG_TCP_IDLE_CLOSED, { NULL } },
	[RB_UC_SYSLOG_FORWARDED] = { RB_MF_SYSLOG_FORWARDED, { NULL } },
	[RB_UC_SYSLOG_FWD_DROPPED] = { RB_MF_SYSLOG_FORWARD_DROPPED, { NULL } },
	[RB_UC_SYSLOG_FWD_RECONNECTS] = { RB_MF_SYSLOG_FORWARD_RECONNECTS, { NULL } },
	[RB_UC_SYSLOG_RX_TLS] = { RB_MF_SYSLOG_RECEIVED, { "tls" } },
	[RB_UC_SYSLOG_TLS_REJECTED] = { RB_MF_SYSLOG_TLS_REJECTED, { NULL } },
	[RB_UC_SYSLOG_STORE_FAILED] = { RB_MF_SYSLOG_STORE_FAILED, { NULL } },
};
_Static_assert(RB_ARRAY_LEN(rb_metric_us_counters) == RB_UC_COUNT, "a rackbootd counter has no family");

static void write_samples(struct rb_prom_buf *b, const struct rb_metric_family *f,
			  enum rb_metric_family_id id, const struct rb_metric_counter *table,
			  const uint64_t *values, size_t n)
{
	struct rb_prom_label labels[RB_METRIC_LABELS_MAX];

	for (size_t i = 0; i < n; i++) {
		size_t n_labels = 0;

		if (table[i].family != id)
			continue;
		while (n_labels < RB_METRIC_LABELS_MAX && f->label_names[n_labels]) {
			labels[n_labels].name = f->label_names[n_labels];
			labels[n_labels].value = table[i].label_values[n_labels] ?: "";
			n_labels++;
		}
		rb_prom_sample_u64(b, f->name, labels, n_labels, values[i]);
	}
}

void rb_metrics_write_counters(struct rb_prom_buf *b, const uint64_t *xdp, const uint64_t *us)
{
	/* Families are written whole, so the samples of one family stay together. */
	for (int id = RB_MF_NONE + 1; id < RB_MF_COUNT; id++) {
		const struct rb_metric_family *f = &rb_metric_families[id];

		rb_prom_family(b, f->name, RB_PROM_COUNTER, f->help);
		write_samples(b, f, id, rb_metric_xdp_counters, xdp, RB_XC_COUNT);
		write_samples(b, f, id, rb_metric_us_counters, us, RB_UC_COUNT);
	}
}
