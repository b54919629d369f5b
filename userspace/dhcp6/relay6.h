/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 relay messages (RFC 8415 sections 9 and 19): unwrap the nested
 * Relay-forward messages around a client message, and wrap a reply
 * into the matching Relay-reply messages.  Userspace only; the XDP
 * program passes relayed messages up.
 */
#ifndef RB_DHCP6_RELAY6_H
#define RB_DHCP6_RELAY6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rackboot/dhcp6_wire.h"

/*
 * Maximum relay levels: a relay agent discards a message whose
 * hop-count is already HOP_COUNT_LIMIT (RFC 8415 section 19.1.2), so
 * hop-counts 0 to HOP_COUNT_LIMIT can reach the server.
 */
#define RB_RELAY6_LEVELS_MAX	(RB_DHCP6_HOP_COUNT_LIMIT + 1)
/* Bytes kept of an Interface-Id, Remote-Id or link-layer address. */
#define RB_RELAY6_ID_MAX	128

/* Fields of one Relay-forward message besides the inner message. */
struct rb_relay6_level {
	uint8_t hop_count;
	struct in6_addr link_address;	/* 0 when the relay is not on the client's link */
	struct in6_addr peer_address;	/* the client, or the next relay inward */
	uint8_t interface_id[RB_RELAY6_ID_MAX];	/* option 18, echoed in the Relay-reply */
	uint16_t interface_id_len;	/* 0 = no option 18 */
	bool has_interface_id;
	bool has_remote_id;
	uint32_t remote_id_enterprise;	/* option 37 enterprise number (RFC 4649) */
	uint8_t remote_id[RB_RELAY6_ID_MAX];	/* option 37 bytes after the enterprise number */
	uint16_t remote_id_len;
	bool has_client_lladdr;
	uint16_t client_lladdr_type;	/* option 79 link-layer type (RFC 6939), 1 = Ethernet */
	uint8_t client_lladdr[RB_RELAY6_ID_MAX];	/* option 79 address */
	uint16_t client_lladdr_len;
};

/*
 * A relay chain: levels[0] is the outermost Relay-forward (the relay
 * agent that sent the packet to the server), levels[n_levels - 1] the
 * one next to the client.  msg points into the unwrapped packet, so it
 * is valid only as long as that buffer.
 */
struct rb_relay6_chain {
	struct rb_relay6_level levels[RB_RELAY6_LEVELS_MAX];
	unsigned int n_levels;		/* 0 for a message sent without a relay */
	const uint8_t *msg;		/* the client message */
	size_t msg_len;
};

/* Reasons rb_relay6_unwrap() rejects a packet, returned negated. */
enum rb_relay6_error {
	RB_R6_OK = 0,
	RB_R6_ESHORT,		/* shorter than a relay header */
	RB_R6_EOPTION,		/* an option runs past the end of its relay message */
	RB_R6_ENOMSG,		/* no Relay Message option */
	RB_R6_EDUPLICATE,	/* a second Relay Message, Interface-Id, Remote-Id or option 79 */
	RB_R6_EDEPTH,		/* more than RB_RELAY6_LEVELS_MAX levels */
	RB_R6_EHOPCOUNT,	/* hop-count above HOP_COUNT_LIMIT */
	RB_R6_EIDLONG,		/* an ID option longer than RB_RELAY6_ID_MAX */
	RB_R6_EBADLEN,		/* a Remote-Id or option 79 too short for its fixed fields */
	RB_R6_EINNER,		/* the inner message is a Relay-reply, or empty */
	RB_R6_ERROR_COUNT,
};

/*
 * Unwrap the packet of len bytes.  A Relay-forward is unwrapped level by
 * level into out->levels; any other message type is returned as is with
 * n_levels 0.  The inner message is not parsed: hand it to
 * rb_dhcp6_parse().  Returns 0, or -(enum rb_relay6_error).
 */
int rb_relay6_unwrap(const uint8_t *pkt, size_t len, struct rb_relay6_chain *out);

/*
 * Wrap the reply of reply_len bytes into one Relay-reply per level of
 * chain (RFC 8415 section 19.3): each copies its level's hop-count,
 * link-address and peer-address and Interface-Id, and carries the next
 * level inward in a Relay Message option.  With n_levels 0 the reply is
 * copied unchanged.  Returns the length written to out, or -ENOSPC when
 * it does not fit out_size or 65535 bytes per Relay Message option.
 */
ssize_t rb_relay6_wrap(const struct rb_relay6_chain *chain, const uint8_t *reply, size_t reply_len,
		       uint8_t *out, size_t out_size);

/* Return a description of an enum rb_relay6_error, for log messages. */
const char *rb_relay6_strerror(int err);

#endif
