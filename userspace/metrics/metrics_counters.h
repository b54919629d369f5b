/* SPDX-License-Identifier: MIT */
/*
 * The counter families of /metrics and where each pinned counter goes.
 *
 * Every XDP counter (enum rb_xdp_counter, summed over CPUs) and every
 * rackbootd counter (enum rb_us_counter) is one sample of exactly one
 * family, so a family's samples sum to what `rackbootctl stats` shows
 * for its counters.  Label values come from these tables only, so every
 * label has a fixed, small set of values.
 */
#ifndef RB_METRICS_COUNTERS_H
#define RB_METRICS_COUNTERS_H

#include "metrics/prom_text.h"
#include "rackboot/maps.h"

#define RB_METRIC_LABELS_MAX	3

/* Families of counters; 0 marks a table entry that was left out. */
enum rb_metric_family_id {
	RB_MF_NONE = 0,
	RB_MF_XDP_RECEIVED,
	RB_MF_XDP_PACKETS,
	RB_MF_XDP_RELAY_REPLIES,
	RB_MF_XDP_RELAY_AGENT_MAC,
	RB_MF_XDP_EVENTS_LOST,
	RB_MF_XDP_JOURNAL_SKIPPED,
	RB_MF_XDP_POOL_BINDS,
	RB_MF_DHCP_RECEIVED,
	RB_MF_DHCP_MESSAGES,
	RB_MF_DHCP6_NO_ADDRS,
	RB_MF_DHCP6_ADDRESSES,
	RB_MF_TFTP_REQUESTS,
	RB_MF_TFTP_TRANSFERS,
	RB_MF_DNS_QUERIES,
	RB_MF_DNS_RESPONSES,
	RB_MF_DNS_FORWARDED,
	RB_MF_DNS_TRUNCATED,
	RB_MF_DNS_DROPPED,
	RB_MF_DNS_TCP_CONNECTIONS,
	RB_MF_HTTP_REQUESTS,
	RB_MF_HTTP_BODY_BYTES,
	RB_MF_HTTP_RESPONSES,
	RB_MF_HTTP_CONNECTIONS,
	RB_MF_HTTP_REJECTED,
	RB_MF_HTTP_TIMED_OUT,
	RB_MF_SYSLOG_RECEIVED,
	RB_MF_SYSLOG_PARSE_ERRORS,
	RB_MF_SYSLOG_CUT,
	RB_MF_SYSLOG_UNATTRIBUTED,
	RB_MF_SYSLOG_TCP_REJECTED,
	RB_MF_SYSLOG_TCP_IDLE_CLOSED,
	RB_MF_SYSLOG_FORWARDED,
	RB_MF_SYSLOG_FORWARD_DROPPED,
	RB_MF_SYSLOG_FORWARD_RECONNECTS,
	RB_MF_SYSLOG_TLS_REJECTED,
	RB_MF_SYSLOG_STORE_FAILED,
	RB_MF_COUNT,
};

struct rb_metric_family {
	const char *name;
	const char *help;
	const char *label_names[RB_METRIC_LABELS_MAX];	/* NULL after the last */
};

/* The family of one counter and its label values, in the family's label order. */
struct rb_metric_counter {
	enum rb_metric_family_id family;
	const char *label_values[RB_METRIC_LABELS_MAX];
};

extern const struct rb_metric_family rb_metric_families[RB_MF_COUNT];
extern const struct rb_metric_counter rb_metric_xdp_counters[RB_XC_COUNT];
extern const struct rb_metric_counter rb_metric_us_counters[RB_UC_COUNT];

/*
 * Write every counter family with its samples: xdp holds RB_XC_COUNT
 * values summed over CPUs, us RB_UC_COUNT values.
 */
void rb_metrics_write_counters(struct rb_prom_buf *b, const uint64_t *xdp, const uint64_t *us);

#endif
