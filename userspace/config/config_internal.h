/* SPDX-License-Identifier: MIT */
/*
 * Interfaces shared by the .c files of the config loader, not by its
 * users.  config.c runs the load in these steps:
 *
 *   config_yang.c      libyang context with the embedded YANG module
 *   config_shape.c     values of the wrong JSON shape in a rejected file
 *   config_diagnose.c  every parse error of a rejected file
 *   config_repair.c    every validation error of a rejected file
 *   config_convert.c   validated data tree to struct rb_config, with
 *                      config_dhcp6.c and config_ra.c for the IPv6 parts
 *                      and config_dns.c for the DNS server
 *   config_index.c     device indexes for the lookups, and
 *                      config_index6.c for the DHCPv6 ones
 *   config_check.c     the checks that YANG cannot express, and
 *                      config_check6.c for the DHCPv6 ones
 *
 * config_errors.c keeps the error list, config_types.c describes leaf
 * types in error messages, config_json.c is the JSON cursor of the
 * shape check, and config_node.c reads values from the data tree.
 */
#ifndef RB_CONFIG_INTERNAL_H
#define RB_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <libyang/libyang.h>

#include "config/config.h"

#define RB_CFG_MODULE	"rackboot"
#define RB_CFG_ROOT	"/rackboot:rackboot"

/* config_errors.c */

void rb_cfg_err_add(struct rb_cfg_errors *errs, const char *path, const char *value,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Append an example of a valid value to each pattern or union error of
 * errs whose leaf has an imported type such as inet:ip-prefix, whose
 * libyang message gives only the regular expression.  ctx must have
 * been made with LY_CTX_SET_PRIV_PARSED.
 */
void rb_cfg_err_add_examples(struct rb_cfg_errors *errs, const struct ly_ctx *ctx);

void rb_cfg_err_add_ly(struct rb_cfg_errors *errs, const struct ly_err_item *item,
		       const char *value);
void rb_cfg_err_add_ly_stored(struct rb_cfg_errors *errs, const struct ly_ctx *ctx);
size_t rb_cfg_err_total(const struct rb_cfg_errors *errs);

/*
 * Copy the data path out of a libyang error location such as
 * 'Data location "/a:b/c", line number 3.' into path; *line is the line
 * number or 0.  path is "" when the location names no data node.
 */
void rb_cfg_ly_location(const char *location, char *path, size_t size, unsigned *line);

/* Data path of node in the form of the error paths; returns path. */
char *rb_cfg_node_path(const struct lyd_node *node, char *path, size_t size);

/* Data path of the child named name of node; returns path. */
char *rb_cfg_child_path(const struct lyd_node *node, const char *name, char *path, size_t size);

/* "parent/name" into out, cut at size; returns out. */
char *rb_cfg_path_join(char *out, size_t size, const char *parent, const char *name);

/* config_types.c */

/* The type of a leaf or leaf-list, resolved through a leafref; NULL for other nodes. */
const struct lysc_type *rb_cfg_term_type(const struct lysc_node *schema);

/* Describe what the type of a leaf allows ("allowed range: 60..4294967295"), or "". */
void rb_cfg_type_hint(const struct lysc_node *schema, char *out, size_t size);

/* The RFC 7951 encoding of the leaf's type, e.g. "a JSON number without quotes". */
const char *rb_cfg_json_encoding(const struct lysc_node *schema);

/* Whether a value with libyang's JSON value hints has that encoding. */
bool rb_cfg_json_encoding_ok(const struct lysc_node *schema, uint32_t hints);

/* config_json.c */

enum rb_json_kind {
	RB_JSON_NONE,		/* end of input or a byte that starts no value */
	RB_JSON_OBJECT,
	RB_JSON_ARRAY,
	RB_JSON_STRING,
	RB_JSON_NUMBER,
	RB_JSON_TRUE,
	RB_JSON_FALSE,
	RB_JSON_NULL,
};

struct rb_json_cursor {
	const char *text;
	size_t len;
	size_t pos;		/* offset of the next byte to read */
	unsigned line;		/* line of pos, from 1 */
	int error;		/* first error: -EINVAL for invalid JSON, -E2BIG for deep nesting */
};

/* One scalar value: text[start, end) includes the quotes of a string. */
struct rb_json_token {
	enum rb_json_kind kind;
	size_t start;
	size_t end;
	unsigned line;
};

void rb_json_init(struct rb_json_cursor *cur, const char *text, size_t len);

/* Skip whitespace and return the kind of the next value without reading it. */
enum rb_json_kind rb_json_peek(struct rb_json_cursor *cur);

/* Scan a string, number or literal into tok.  Returns 0 or cur->error. */
int rb_json_scalar(struct rb_json_cursor *cur, struct rb_json_token *tok);

/* Skip one value of any kind, checking its syntax.  Returns 0 or cur->error. */
int rb_json_skip(struct rb_json_cursor *cur);

/* Read a member name and its ':', decoded into name (may be NULL).  Returns 0 or cur->error. */
int rb_json_name(struct rb_json_cursor *cur, char *name, size_t size);

/*
 * Read the open byte of an object ('{') or array ('['); returns whether
 * an item follows before close.  After each item, rb_json_next() reads
 * the comma, storing its offset in *comma, or close; it returns whether
 * another item follows.  Both return false after an error.
 */
bool rb_json_open(struct rb_json_cursor *cur, char open, char close);
bool rb_json_next(struct rb_json_cursor *cur, char close, size_t *comma);

/* Fail unless only whitespace is left. */
void rb_json_end(struct rb_json_cursor *cur);

/*
 * Decode a scalar into out: the content of a string, or the text of a
 * number or literal.  Returns its length, which is size or more when out
 * was too small and contains the first size - 1 bytes.
 */
size_t rb_json_decode(const struct rb_json_cursor *cur, const struct rb_json_token *tok,
		      char *out, size_t size);

/* config_yang.c */

int rb_cfg_ctx_new(struct ly_ctx **ctx, const struct lys_module **module,
		   struct rb_cfg_errors *errs);

/* config_diagnose.c and config_repair.c */

/* Result of a diagnosis, for the checks done in C. */
struct rb_cfg_diagnosis {
	struct lyd_node *tree;	/* valid after repairs, or NULL */
	bool subnets_damaged;	/* a subnet was removed or lost a leaf */
	bool subnets6_damaged;	/* the same for a dhcpv6 subnet */
};

/*
 * Parse json and add every libyang error to errs.  Returns 0 when the
 * tree could be repaired into a valid one, for the checks in C; the
 * caller frees out->tree.
 */
int rb_cfg_diagnose(struct ly_ctx *ctx, const char *json, struct rb_cfg_errors *errs,
		    struct rb_cfg_diagnosis *out);

/*
 * A node that the diagnosis removed.  Errors that follow from the
 * removal (a mandatory leaf now missing, a must comparing with a removed
 * sibling) are not reported.
 */
struct rb_cfg_removal {
	char parent[512];	/* data path of the parent, "" at top level */
	char name[64];
	bool keys_unknown;	/* list entries whose keys were never read went too */
};

struct rb_cfg_diag {
	struct ly_ctx *ctx;
	struct lyd_node *tree;
	struct rb_cfg_errors *errs;
	struct rb_cfg_removal *removals;
	size_t n_removals;
	size_t cap_removals;
	bool subnets_damaged;
	bool subnets6_damaged;
};

void rb_cfg_diag_removed(struct rb_cfg_diag *d, const char *parent, const char *name);

/*
 * Note the removal of entries of the list name whose keys are unknown,
 * so that references to that list are not reported as dangling.
 */
void rb_cfg_diag_removed_unkeyed(struct rb_cfg_diag *d, const char *parent, const char *name);

/* Note the removal of node (rb_cfg_diag_removed) and free it. */
void rb_cfg_diag_remove(struct rb_cfg_diag *d, struct lyd_node *node);

/* Validate d->tree in rounds, reporting and repairing one error a round. */
int rb_cfg_repair(struct rb_cfg_diag *d);

/*
 * Report each value of json whose JSON shape libyang cannot parse, even
 * as an opaque node, and note each value removed in d.  *repaired is a
 * copy of json with those values fixed or blanked out, or NULL when
 * nothing needed a change.  In invalid JSON, only the values before the
 * syntax error are checked.  Returns 0 or -ENOMEM.
 */
int rb_cfg_shape_repair(struct rb_cfg_diag *d, const char *json, char **repaired);

/* config_convert.c */

/* The data nodes that each converted subnet, device and RA came from. */
struct rb_cfg_sources {
	const struct lyd_node **subnets;
	const struct lyd_node **devices;
	const struct lyd_node **subnets6;
	const struct lyd_node **ras;
	const struct lyd_node *dns;	/* the dns container, or NULL */
};

int rb_cfg_convert(const struct lyd_node *tree, struct rb_config *cfg,
		   struct rb_cfg_sources *src, struct rb_cfg_errors *errs);
void rb_cfg_sources_free(struct rb_cfg_sources *src);

/* Index of the profile named name; the leafrefs guarantee that it exists. */
size_t rb_cfg_profile_index(const struct rb_config *cfg, const char *name);

/* config_node.c */

/* Iterate over the entries of list LIST in CONTAINER. */
#define RB_CFG_FOR_EACH_ENTRY(CONTAINER, LIST, NODE)				\
	LY_LIST_FOR(lyd_child(CONTAINER), NODE)					\
		if ((NODE)->schema && strcmp((NODE)->schema->name, (LIST)) == 0)

/* The child named name of parent, or NULL; parent may be NULL. */
const struct lyd_node *rb_cfg_child(const struct lyd_node *parent, const char *name);
const char *rb_cfg_child_str(const struct lyd_node *parent, const char *name);
const struct lyd_value *rb_cfg_child_value(const struct lyd_node *parent, const char *name);

/* Copy src, or "" when it is NULL, cut at size. */
void rb_cfg_copy_str(char *dst, size_t size, const char *src);

/* Addresses from their validated text: 0 or :: when text is NULL. */
uint32_t rb_cfg_ipv4(const char *text);
struct in6_addr rb_cfg_ipv6(const char *text);
void rb_cfg_ipv6_prefix(const char *text, struct in6_addr *prefix, uint8_t *len);

/* Count the children of container named name. */
size_t rb_cfg_count_entries(const struct lyd_node *container, const char *name);

/* Decode hex bytes, colon-separated or plain, as the YANG patterns allow. */
void rb_cfg_convert_hex(const char *text, uint8_t *out, size_t size, uint8_t *len);

/* config_dhcp6.c and config_ra.c, called by rb_cfg_convert() */

/* The dhcpv6 container and the DHCPv6 boot files, after the profiles are converted. */
int rb_cfg_convert_dhcp6(const struct lyd_node *root, struct rb_config *cfg,
			 struct rb_cfg_sources *src);

/* The DHCPv6 fields of one device. */
void rb_cfg_convert_device6(const struct lyd_node *node, struct rb_cfg_device *device);

/* The router-advertisements container, with its computed defaults. */
int rb_cfg_convert_syslog(const struct lyd_node *root, struct rb_config *cfg);
int rb_cfg_convert_ra(const struct lyd_node *root, struct rb_config *cfg,
		      struct rb_cfg_sources *src);

/* config_dns.c */

/* The dns container, when present. */
int rb_cfg_convert_dns(const struct lyd_node *root, struct rb_config *cfg,
		       struct rb_cfg_sources *src);

/* Names that do not convert to DNS wire names, and CNAME owners with other records. */
void rb_cfg_check_dns(const struct rb_config *cfg, const struct lyd_node *dns,
		      struct rb_cfg_errors *errs);
/* config_http.c: the http container and the iPXE leaves of one profile. */
void rb_cfg_convert_http(const struct lyd_node *root, struct rb_config *cfg);
void rb_cfg_convert_profile_ipxe(const struct lyd_node *node, struct rb_cfg_profile *profile);

/* config_control.c: the control container. */
void rb_cfg_convert_control(const struct lyd_node *root, struct rb_config *cfg);

/* config_check.c */

void rb_cfg_check(struct rb_config *cfg, const struct rb_cfg_sources *src,
		  bool subnets_complete, struct rb_cfg_errors *errs);

/* config_check6.c */

/*
 * The DHCPv6 checks: subnet6 prefixes, device addresses (setting each
 * device's subnet6), pool ranges, DUIDs and DHCPv6 relay reservations.
 * subnets6_complete is false when a subnet6 had errors of its own, so a
 * device outside every subnet6 is not reported.
 */
void rb_cfg_check6(struct rb_config *cfg, const struct rb_cfg_sources *src,
		   bool subnets6_complete, struct rb_cfg_errors *errs);

/* config_ra.c */

void rb_cfg_check_ra(const struct rb_config *cfg, const struct rb_cfg_sources *src,
		     struct rb_cfg_errors *errs);

/* Prefix helpers of config_check6.c, used by config_ra.c and config_index6.c too. */

enum rb_cfg_ipv6_kind {
	RB_CFG_IPV6_UNICAST,
	RB_CFG_IPV6_MULTICAST,		/* overlaps ff00::/8 */
	RB_CFG_IPV6_LINK_LOCAL,		/* overlaps fe80::/10 */
};

bool rb_cfg_ipv6_in_prefix(const struct in6_addr *addr, const struct in6_addr *prefix,
			   uint8_t len);

/* The special block that the prefix overlaps, if any.  A /0 counts as multicast. */
enum rb_cfg_ipv6_kind rb_cfg_ipv6_special(const struct in6_addr *prefix, uint8_t len);

/* The address as inet_ntop writes it; size is at least INET6_ADDRSTRLEN.  Returns buf. */
char *rb_cfg_ipv6_str(const struct in6_addr *addr, char *buf, size_t size);

/* config_relay.c */

/* Report devices that name the same relay agent address, circuit-id and remote-id. */
void rb_cfg_check_relay(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			struct rb_cfg_errors *errs);

/* config_relay6.c */

/* Report devices that name the same DHCPv6 interface-id and remote-id. */
void rb_cfg_check_relay6(const struct rb_config *cfg, const struct rb_cfg_sources *src,
			 struct rb_cfg_errors *errs);

/* config_relay.c and config_relay6.c */

static inline bool rb_cfg_same_id(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/*
 * Match one relay agent id that a device may name against the id of a
 * request.  Returns true when the device names none (device_len 0) or
 * names exactly that id, and then increments *fields if it names one.
 */
static inline bool rb_cfg_relay_id_matches(const uint8_t *device_id, size_t device_len,
					   const uint8_t *id, size_t len, int *fields)
{
	if (device_len == 0)
		return true;
	if (!rb_cfg_same_id(device_id, device_len, id, len))
		return false;
	(*fields)++;
	return true;
}

/* config_index.c and config_index6.c */

int rb_cfg_index_devices(struct rb_config *cfg);
int rb_cfg_index_devices6(struct rb_config *cfg);

/*
 * Find key by binary search in index, n device numbers sorted by the
 * order of compare.  compare returns less than, equal to or greater than
 * 0 when device sorts before key, matches it or sorts after it.  Returns
 * the device, or NULL when none matches.
 */
const struct rb_cfg_device *rb_cfg_index_search(const struct rb_config *cfg,
						const uint32_t *index, size_t n,
						int (*compare)(const struct rb_cfg_device *device,
							       const void *key),
						const void *key);

#endif
