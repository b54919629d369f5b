/* SPDX-License-Identifier: MIT */
/*
 * Pre-encode responses for the DNS fast path in XDP (bpf/dns.h) with
 * the responder's own functions, so that XDP sends the bytes that
 * rackbootd would send.  rb_dns_xdp_entry() is pure; rb_dns_xdp_fill()
 * writes a zone's entries into the rb_dns_answers map.
 */
#ifndef RB_DNS_XDP_H
#define RB_DNS_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_answer.h"
#include "dns/dns_zone.h"
#include "rackboot/dns_maps.h"

/*
 * Encode the response to a query for name (lower case, wire format) and
 * qtype into *key and *val.  Returns false when XDP cannot send it: a
 * name outside the zones or longer than RB_DNS_XDP_NAME_MAX, a section
 * cut at RB_DNS_SECTION_MAX records, or a tail over RB_DNS_XDP_TAIL_MAX.
 */
bool rb_dns_xdp_entry(const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		      const uint8_t *name, size_t name_len, uint16_t qtype, struct rb_dns_key *key,
		      struct rb_dns_answer *val);

/* Counts of the entries that rb_dns_xdp_fill() wrote, removed and left out. */
struct rb_dns_xdp_summary {
	size_t written;		/* entries written or replaced */
	size_t removed;		/* entries of names or types the zone no longer has */
	size_t left_out;	/* pairs XDP cannot answer, or that did not fit the map */
};

/*
 * Write the entries of every name of z and each type that clients ask
 * for into the hash map map_fd, then delete the entries that are not
 * among them.  XDP reads the old or the new response, never a mix,
 * because a hash map update replaces its element whole.  Returns 0 or a
 * negative errno after logging it.
 */
int rb_dns_xdp_fill(int map_fd, const struct rb_dns_zone *z, const struct rb_dns_settings *s,
		    struct rb_dns_xdp_summary *summary);

#endif
