/* SPDX-License-Identifier: MIT */
/*
 * The names rackbootd serves: one or more zones (the provisioning zone
 * and the reverse zones of its subnets) in one hash table of owner names.
 * A lookup costs one hash and probe per label of the query name.  Built once and then only read; a refresh builds a new table and
 * swaps it in.
 *
 * RDATA is stored as it goes on the wire, with names uncompressed; the
 * encoder compresses the names of NS, CNAME, PTR and SOA (RFC 3597,
 * section 4) and leaves SRV targets as they are (RFC 2782).
 */
#ifndef RB_DNS_ZONE_H
#define RB_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_DNS_NONE	UINT32_MAX

struct rb_dns_rr {
	uint16_t type;
	uint16_t rdata_len;
	uint32_t ttl;		/* seconds */
	uint32_t rdata;		/* offset in the zone's data */
	uint32_t next;		/* next record of the same owner, or RB_DNS_NONE */
};

struct rb_dns_node {
	uint32_t name;		/* offset in the zone's data of the lower-case wire name */
	uint8_t name_len;
	bool apex;		/* the top of a zone: has the SOA and NS records */
	uint32_t hash;
	uint32_t first_rr;	/* RB_DNS_NONE for an empty non-terminal */
	uint32_t apex_node;	/* index of the node of the zone's apex */
};

struct rb_dns_zone {
	struct rb_dns_node *nodes;
	size_t n_nodes, cap_nodes;
	struct rb_dns_rr *rrs;
	size_t n_rrs, cap_rrs;
	uint8_t *data;
	size_t data_len, cap_data;
	uint32_t *slots;	/* open addressing: node index + 1, 0 = empty */
	size_t n_slots;		/* a power of two, at least twice n_nodes */
};

struct rb_dns_zone *rb_dns_zone_new(void);
void rb_dns_zone_free(struct rb_dns_zone *z);

/* Add a zone apex.  Returns the node index or a negative errno (-EEXIST, -ENOMEM). */
int rb_dns_zone_add_apex(struct rb_dns_zone *z, const uint8_t *name, size_t len);

/*
 * Add one record.  Its owner must lie in a zone added before; the empty
 * non-terminals between the owner and the apex are created.  An equal
 * record (owner, type and RDATA) is added once.  Returns 0, -ERANGE for
 * an owner outside every zone, -EINVAL for RDATA over 65535 bytes, or
 * -ENOMEM.
 */
int rb_dns_zone_add(struct rb_dns_zone *z, const uint8_t *owner, size_t len, uint16_t type,
		    uint32_t ttl, const uint8_t *rdata, size_t rdata_len);

/* The node of name (any case), or NULL. */
const struct rb_dns_node *rb_dns_zone_find(const struct rb_dns_zone *z, const uint8_t *name,
					   size_t len);

/* The apex of the zone that contains name: its closest enclosing apex, or NULL. */
const struct rb_dns_node *rb_dns_zone_apex_of(const struct rb_dns_zone *z, const uint8_t *name,
					      size_t len);

/* The first record of node with type, or NULL; rb_dns_zone_next() finds the next one. */
const struct rb_dns_rr *rb_dns_zone_rr(const struct rb_dns_zone *z, const struct rb_dns_node *node,
				       uint16_t type);
const struct rb_dns_rr *rb_dns_zone_next(const struct rb_dns_zone *z, const struct rb_dns_rr *rr,
					 uint16_t type);

static inline const uint8_t *rb_dns_zone_bytes(const struct rb_dns_zone *z, uint32_t offset)
{
	return z->data + offset;
}

#endif
