/* SPDX-License-Identifier: MIT */
/*
 * The query names of the DNS load generator: read from a file of
 * "NAME ADDRESS" lines and turned into the query frames of dnsgen_names
 * (dnsgen.h).
 */
#ifndef RB_BENCH_DNS_DNSGEN_NAMES_H
#define RB_BENCH_DNS_DNSGEN_NAMES_H

#include <stdint.h>
#include <stdio.h>

#include "dnsgen.h"

/* The two ends of every query; addresses in network order. */
struct dnsgen_endpoints {
	uint8_t client_mac[6];
	uint8_t server_mac[6];
	uint32_t client_addr;
	uint32_t server_addr;
};

/*
 * Encode the dotted name (a final dot is optional) in wire format into
 * out, which has room for DNSGEN_NAME_MAX bytes.  Returns the bytes
 * written, root label included, or 0 when a label is empty or longer
 * than 63 bytes or the name is longer than DNSGEN_NAME_MAX.
 */
size_t dnsgen_name_encode(const char *name, uint8_t *out);

/*
 * Fill entry with the query frame for the wire-format name qname of
 * qname_len bytes from ends->client to ends->server, with ID 0 and
 * source port 0, its checksum sum, and the expected address addr
 * (network order).
 */
void dnsgen_name_build(struct dnsgen_name *entry, const struct dnsgen_endpoints *ends,
		       const uint8_t *qname, size_t qname_len, uint32_t addr);

/*
 * Read the lines "NAME ADDRESS" of in (blank lines and lines that start
 * with '#' are skipped) into a new array of entries, at most
 * DNSGEN_MAX_NAMES.  path names in for messages, which start with tool.
 * Returns the number of entries, with *names to free(), or -EINVAL
 * (-ENOMEM) after printing what is wrong on which line.
 */
int dnsgen_names_read(FILE *in, const char *path, const char *tool,
		      const struct dnsgen_endpoints *ends, struct dnsgen_name **names);

#endif
