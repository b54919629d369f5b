// SPDX-License-Identifier: MIT
/*
 * Every libyang error of a rejected config file, in three steps.
 *
 * libyang 2.1 stops at the first error, and 2.1.30 has no option to go
 * on (LYD_VALIDATE_MULTI_ERROR came later).  So the file is parsed again
 * with LYD_PARSE_OPAQ, which keeps unknown nodes and invalid values as
 * opaque nodes instead of failing.  That parse still stops at values of
 * the wrong JSON shape, so config_shape.c first reports and repairs
 * those.  This file reports each opaque node and removes it;
 * config_repair.c then validates what is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN	512

void rb_cfg_diag_removed(struct rb_cfg_diag *d, const char *parent, const char *name)
{
	struct rb_cfg_removal *r;

	/* Without a subnet or its prefix, a device address may seem outside all subnets. */
	if ((strcmp(parent, RB_CFG_ROOT "/dhcpv4") == 0 && strcmp(name, "subnet") == 0) ||
	    (strncmp(parent, RB_CFG_ROOT "/dhcpv4/subnet[", strlen(RB_CFG_ROOT "/dhcpv4/subnet[")) == 0 &&
	     strcmp(name, "prefix") == 0))
		d->subnets_damaged = true;
	if ((strcmp(parent, RB_CFG_ROOT "/dhcpv6") == 0 && strcmp(name, "subnet") == 0) ||
	    (strncmp(parent, RB_CFG_ROOT "/dhcpv6/subnet[", strlen(RB_CFG_ROOT "/dhcpv6/subnet[")) == 0 &&
	     strcmp(name, "prefix") == 0))
		d->subnets6_damaged = true;

	if (d->n_removals == d->cap_removals) {
		size_t cap = d->cap_removals ? d->cap_removals * 2 : 16;

		r = realloc(d->removals, cap * sizeof(*r));
		if (!r)
			return;	/* only cascade suppression suffers */
		d->removals = r;
		d->cap_removals = cap;
	}

	r = &d->removals[d->n_removals++];
	snprintf(r->parent, sizeof(r->parent), "%s", parent);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->keys_unknown = false;
}

void rb_cfg_diag_removed_unkeyed(struct rb_cfg_diag *d, const char *parent, const char *name)
{
	size_t count = d->n_removals;

	rb_cfg_diag_removed(d, parent, name);
	if (d->n_removals > count)
		d->removals[count].keys_unknown = true;
}

void rb_cfg_diag_remove(struct rb_cfg_diag *d, struct lyd_node *node)
{
	const struct lyd_node *parent = lyd_parent(node);
	char parent_path[PATH_LEN] = "";

	if (parent)
		rb_cfg_node_path(parent, parent_path, sizeof(parent_path));
	rb_cfg_diag_removed(d, parent_path, LYD_NAME(node));

	if (node == d->tree)
		d->tree = node->next;
	lyd_free_tree(node);
}

/* Find the schema node of a data node, also of an opaque one.  NULL means unknown. */
static const struct lysc_node *find_schema(const struct ly_ctx *ctx, const struct lyd_node *node)
{
	const struct lyd_node_opaq *opaq = (const struct lyd_node_opaq *)node;
	const struct lyd_node *parent = lyd_parent(node);
	const struct lysc_node *parent_schema = NULL;
	const struct lys_module *module = NULL;
	const char *module_name;

	/* Only opaque nodes (schema NULL) have the opaque fields. */
	if (node->schema)
		return node->schema;
	module_name = opaq->name.module_name;

	if (parent) {
		parent_schema = find_schema(ctx, parent);
		if (!parent_schema)
			return NULL;
		module = parent_schema->module;
	}
	if (module_name && module_name[0])
		module = ly_ctx_get_module_implemented(ctx, module_name);
	if (!module)
		return NULL;

	return lys_find_child(parent_schema, module, opaq->name.name, 0, 0, 0);
}

static const char *opaq_value(const struct lyd_node *node)
{
	const char *value = ((const struct lyd_node_opaq *)node)->value;

	return value ? value : "";
}

/* Data path of node, built by hand where libyang's lyd_path() cannot list keys. */
static void build_path(const struct ly_ctx *ctx, const struct lyd_node *node, char *out, size_t size)
{
	const struct lyd_node_opaq *opaq = (const struct lyd_node_opaq *)node;
	const struct lyd_node *parent = lyd_parent(node);
	const struct lysc_node *schema, *key;
	const char *module_name;
	size_t n;

	if (node->schema) {
		rb_cfg_node_path(node, out, size);
		return;
	}
	module_name = opaq->name.module_name;

	out[0] = '\0';
	if (parent)
		build_path(ctx, parent, out, size);
	n = strlen(out);

	if (!parent || (module_name && module_name[0]))
		snprintf(out + n, size - n, "/%s:%s", module_name ? module_name : "", opaq->name.name);
	else
		snprintf(out + n, size - n, "/%s", opaq->name.name);

	schema = find_schema(ctx, node);
	if (!schema || schema->nodetype != LYS_LIST)
		return;

	/* Opaque list instances hold their keys as opaque children. */
	for (key = lysc_node_child(schema); key && lysc_is_key(key); key = key->next) {
		struct lyd_node *child = NULL;
		const char *value;

		if (lyd_find_sibling_opaq_next(lyd_child(node), key->name, &child))
			continue;
		value = opaq_value(child);
		n = strlen(out);
		snprintf(out + n, size - n, strchr(value, '\'') ? "[%s=\"%s\"]" : "[%s='%s']",
			 key->name, value);
	}
}

static void report_unknown(struct rb_cfg_diag *d, const struct lyd_node *node, const char *path)
{
	const struct lyd_node *parent = lyd_parent(node);
	const struct lysc_node *parent_schema = parent ? find_schema(d->ctx, parent) : NULL;
	const struct lysc_node *child = NULL;
	char valid[256] = "";
	size_t n = 0;

	if (!parent) {
		rb_cfg_err_add(d->errs, path, opaq_value(node),
			       "unknown top-level member; the config has one top-level member, "
			       "\"%s:%s\"", RB_CFG_MODULE, RB_CFG_MODULE);
		return;
	}

	while ((child = lys_getnext(child, parent_schema, NULL, 0)) && n < sizeof(valid))
		n += (size_t)snprintf(valid + n, sizeof(valid) - n, "%s%s", n ? ", " : "",
				      child->name);

	rb_cfg_err_add(d->errs, path, opaq_value(node),
		       "unknown node; remove it or correct its name (valid here: %s)",
		       valid[0] ? valid : "nothing");
}

/*
 * Report the value of an opaque leaf if it is invalid.  Leaves inside an
 * opaque list instance are opaque even when valid, so a valid value with
 * the right JSON encoding reports nothing and returns false.
 */
static bool report_value(struct rb_cfg_diag *d, const struct lyd_node *node,
			 const struct lysc_node *schema, const char *path)
{
	const struct lyd_node_opaq *opaq = (const struct lyd_node_opaq *)node;
	const char *value = opaq_value(node);
	struct ly_err_item *item;
	const char *msg;
	char hint[192];
	size_t len;
	LY_ERR ret;

	ly_err_clean(d->ctx, NULL);
	ret = lyd_value_validate(d->ctx, schema, value, strlen(value), NULL, NULL, NULL);
	if (ret != LY_SUCCESS && ret != LY_EINCOMPLETE) {
		item = ly_err_last(d->ctx);
		rb_cfg_type_hint(schema, hint, sizeof(hint));
		msg = item && item->msg ? item->msg : "invalid value";
		len = strlen(msg);
		if (len > 0 && msg[len - 1] == '.')
			len--;
		rb_cfg_err_add(d->errs, path, value, "%.*s%s%s", (int)len, msg,
			       hint[0] ? "; " : "", hint);
		ly_err_clean(d->ctx, NULL);
		return true;
	}

	if (schema->nodetype == LYS_LEAFLIST && !(opaq->hints & LYD_NODEHINT_LEAFLIST)) {
		rb_cfg_err_add(d->errs, path, value,
			       "%s is a leaf-list; write it as a JSON array of values", schema->name);
		return true;
	}
	if (!rb_cfg_json_encoding_ok(schema, opaq->hints)) {
		rb_cfg_err_add(d->errs, path, value, "wrong JSON type; write it as %s",
			       rb_cfg_json_encoding(schema));
		return true;
	}
	return false;
}

static bool report_subtree(struct rb_cfg_diag *d, const struct lyd_node *node, unsigned depth);

/* Report the keys and then the other children of an opaque list instance. */
static bool report_list(struct rb_cfg_diag *d, const struct lyd_node *node,
			const struct lysc_node *schema, const char *path, unsigned depth)
{
	const struct lysc_node *key;
	const struct lyd_node *child;
	bool reported = false;

	for (key = lysc_node_child(schema); key && lysc_is_key(key); key = key->next) {
		struct lyd_node *match = NULL;
		char key_path[PATH_LEN];

		if (lyd_find_sibling_opaq_next(lyd_child(node), key->name, &match)) {
			rb_cfg_err_add(d->errs, path, NULL,
				       "missing key \"%s\"; every %s entry needs one",
				       key->name, schema->name);
			reported = true;
			continue;
		}
		rb_cfg_path_join(key_path, sizeof(key_path), path, key->name);
		reported |= report_value(d, match, key, key_path);
	}

	LY_LIST_FOR(lyd_child(node), child) {
		const struct lysc_node *child_schema = find_schema(d->ctx, child);

		if (child_schema && lysc_is_key(child_schema))
			continue;
		reported |= report_subtree(d, child, depth + 1);
	}
	return reported;
}

/*
 * Report what is wrong in an opaque subtree and return whether anything
 * was.  depth bounds the recursion, which follows the schema.
 */
static bool report_subtree(struct rb_cfg_diag *d, const struct lyd_node *node, unsigned depth)
{
	const struct lysc_node *schema = find_schema(d->ctx, node);
	const struct lyd_node *child;
	char path[PATH_LEN];
	bool reported = false;

	if (node->schema)
		return false;

	build_path(d->ctx, node, path, sizeof(path));
	if (!schema) {
		report_unknown(d, node, path);
		return true;
	}
	if (depth > 16)
		return false;

	switch (schema->nodetype) {
	case LYS_LEAF:
	case LYS_LEAFLIST:
		return report_value(d, node, schema, path);
	case LYS_LIST:
		if (!(((const struct lyd_node_opaq *)node)->hints & LYD_NODEHINT_LIST)) {
			rb_cfg_err_add(d->errs, path, NULL,
				       "%s is a list; write it as a JSON array of objects",
				       schema->name);
			return true;
		}
		return report_list(d, node, schema, path, depth);
	default:
		LY_LIST_FOR(lyd_child(node), child)
			reported |= report_subtree(d, child, depth + 1);
		return reported;
	}
}

/* Report one opaque subtree, note its removal and free it. */
static void remove_opaque(struct rb_cfg_diag *d, struct lyd_node *node)
{
	char path[PATH_LEN];

	if (!report_subtree(d, node, 0)) {
		build_path(d->ctx, node, path, sizeof(path));
		rb_cfg_err_add(d->errs, path, opaq_value(node),
			       "invalid node; check its JSON type against the YANG module");
	}

	rb_cfg_diag_remove(d, node);
}

/* Find the opaque nodes whose parent is not opaque. */
static int collect_opaque(struct lyd_node *tree, struct ly_set *set)
{
	struct lyd_node *top, *elem;

	LY_LIST_FOR(tree, top) {
		LYD_TREE_DFS_BEGIN(top, elem) {
			if (!elem->schema) {
				if (ly_set_add(set, elem, 1, NULL))
					return -ENOMEM;
				LYD_TREE_DFS_continue = 1;
			}
			LYD_TREE_DFS_END(top, elem);
		}
	}
	return 0;
}

int rb_cfg_diagnose(struct ly_ctx *ctx, const char *json, struct rb_cfg_errors *errs,
		    struct rb_cfg_diagnosis *out)
{
	struct rb_cfg_diag d = { .ctx = ctx, .errs = errs };
	struct ly_set *opaque = NULL;
	char *repaired = NULL;
	LY_ERR parsed;
	int ret;

	out->tree = NULL;
	out->subnets_damaged = false;
	out->subnets6_damaged = false;

	/* Values that would stop even the opaque parse are reported and repaired first. */
	ret = rb_cfg_shape_repair(&d, json, &repaired);
	if (ret) {
		rb_cfg_err_add(errs, NULL, NULL, "out of memory while checking the config");
		free(d.removals);
		return ret;
	}

	ly_err_clean(ctx, NULL);
	parsed = lyd_parse_data_mem(ctx, repaired ? repaired : json, LYD_JSON,
				    LYD_PARSE_ONLY | LYD_PARSE_OPAQ, 0, &d.tree);
	free(repaired);
	if (parsed) {
		rb_cfg_err_add_ly_stored(errs, ctx);
		lyd_free_all(d.tree);
		free(d.removals);
		return -EINVAL;
	}

	ret = ly_set_new(&opaque) ? -ENOMEM : collect_opaque(d.tree, opaque);
	if (ret == 0) {
		for (uint32_t i = 0; i < opaque->count; i++)
			remove_opaque(&d, opaque->dnodes[i]);
		ret = rb_cfg_repair(&d);
	}
	ly_set_free(opaque, NULL);
	free(d.removals);

	if (ret) {
		lyd_free_all(d.tree);
		return ret;
	}
	out->tree = d.tree;
	out->subnets_damaged = d.subnets_damaged;
	out->subnets6_damaged = d.subnets6_damaged;
	return 0;
}
