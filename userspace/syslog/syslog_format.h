/* SPDX-License-Identifier: MIT */
/* RFC 5424 messages for the collectors, built from a parsed message of any format. */
#ifndef RB_SYSLOG_FORMAT_H
#define RB_SYSLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "syslog/syslog_parse.h"

/* PRI of a raw message (facility user, severity notice), as RFC 3164 section 4.3.3 picks. */
#define RB_SYSLOG_RAW_PRI	13

/*
 * Write m as one RFC 5424 message into out (at most size bytes, cut
 * there).  HOSTNAME is the message's own unless it is missing or an IP
 * address.  Then it is fallback_host (the device's hostname, or the source
 * address).  TIMESTAMP is the message's own for RFC 5424, otherwise the
 * CLOCK_REALTIME received_ms.  Returns the length written.
 */
size_t rb_syslog_format_5424(const struct rb_syslog_msg *m, const char *fallback_host,
			     int64_t received_ms, char *out, size_t size);

#endif
