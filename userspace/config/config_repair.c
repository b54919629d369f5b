// SPDX-License-Identifier: MIT
/*
 * Every validation error of a rejected config file.
 *
 * libyang 2.1.30 validation stops at the first failed leafref, must,
 * unique or mandatory check, so validation runs in rounds until the tree
 * is valid.  Each round reports the error that libyang stopped at and
 * repairs the tree just enough to pass that check: it removes the leaf
 * or list entry, or adds the missing leafref target.  The repaired tree
 * then goes through the checks done in C, and is never used as config.
 *
 * NOTE: a list entry removed by a repair (a device that shares its
 * address with another, say) skips the checks in C, so its other errors
 * show only after the first is fixed.  Each round validates the whole
 * tree again: a file of 65536 devices with 120 duplicate addresses
 * took 29 s to reach the 100-error cap on one core of an AMD EPYC, and
 * the valid file under 1 s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN		512
#define REPAIR_ROUNDS_MAX	(2 * RB_CFG_ERRORS_MAX)

/* Whether a child of parent named name (any name when NULL) was removed. */
static bool removed_child(const struct rb_cfg_diag *d, const char *parent, const char *name)
{
	for (size_t i = 0; i < d->n_removals; i++) {
		if (strcmp(d->removals[i].parent, parent) == 0 &&
		    (!name || strcmp(d->removals[i].name, name) == 0))
			return true;
	}
	return false;
}

/*
 * Whether entries with unknown keys were removed from the list at
 * list_path, a data path without keys.  NOTE: list_path has no keys, so
 * this finds such removals only in lists that are not inside a list.
 */
static bool unkeyed_removed(const struct rb_cfg_diag *d, const char *list_path)
{
	const char *slash = strrchr(list_path, '/');
	size_t parent_len;

	if (!slash)
		return false;
	parent_len = (size_t)(slash - list_path);
	for (size_t i = 0; i < d->n_removals; i++) {
		const struct rb_cfg_removal *r = &d->removals[i];

		if (r->keys_unknown && strlen(r->parent) == parent_len &&
		    strncmp(r->parent, list_path, parent_len) == 0 && strcmp(r->name, slash + 1) == 0)
			return true;
	}
	return false;
}

static const char *first_key_value(const struct lyd_node *node)
{
	const struct lyd_node *key = lyd_child(node);

	if (!node->schema || node->schema->nodetype != LYS_LIST || !key || !key->schema ||
	    !lysc_is_key(key->schema))
		return NULL;
	return lyd_get_value(key);
}

/* Remove a leaf, or its whole list entry when the entry cannot be without it. */
static void remove_leaf(struct rb_cfg_diag *d, struct lyd_node *node)
{
	struct lyd_node *parent = lyd_parent(node);
	const struct lysc_node *schema = node->schema;

	if (parent && (lysc_is_key(schema) || (schema->flags & LYS_MAND_TRUE)))
		rb_cfg_diag_remove(d, parent);
	else
		rb_cfg_diag_remove(d, node);
}

static void remove_non_keys(struct rb_cfg_diag *d, struct lyd_node *node)
{
	struct lyd_node *child, *next;

	for (child = lyd_child_no_keys(node); child; child = next) {
		next = child->next;
		rb_cfg_diag_remove(d, child);
	}
}

/* The list whose key a leafref points to, as a data path, and that key. */
static int leafref_target(const struct lysc_node *schema, char *list_path, size_t size,
			  const char **key_name)
{
	const struct lysc_type *type = schema->nodetype == LYS_LEAF ?
		((const struct lysc_node_leaf *)schema)->type :
		((const struct lysc_node_leaflist *)schema)->type;
	const struct lysc_type_leafref *lref = (const struct lysc_type_leafref *)type;
	const struct lysc_node *target = NULL;
	struct ly_set *atoms = NULL;

	if (type->basetype != LY_TYPE_LEAFREF)
		return -EINVAL;
	if (lys_find_expr_atoms(schema, schema->module, lref->path, lref->prefixes, 0, &atoms))
		return -EINVAL;

	/* The atoms run from the root to the target leaf. */
	if (atoms->count > 0)
		target = atoms->snodes[atoms->count - 1];
	ly_set_free(atoms, NULL);

	if (!target || !lysc_is_key(target) || !target->parent)
		return -EINVAL;
	if (!lysc_path(target->parent, LYSC_PATH_DATA, list_path, size))
		return -ENAMETOOLONG;
	*key_name = target->name;
	return 0;
}

/* Format a predicate comparing name with value, quoted so that value fits. */
static void predicate(char *out, size_t size, const char *name, const char *value)
{
	snprintf(out, size, strchr(value, '\'') ? "[%s=\"%s\"]" : "[%s='%s']", name, value);
}

/*
 * Report every reference to the missing target, then add the target so
 * that the referring entries stay for the checks in C.  Adding it first
 * would hide the other references from libyang.
 */
static int repair_leafref(struct rb_cfg_diag *d, struct lyd_node *node)
{
	const char *value = lyd_get_value(node);
	char list_path[PATH_LEN], leaf_path[PATH_LEN], pred[300], query[PATH_LEN + 300];
	char path[PATH_LEN];
	const char *list_name, *key_name = NULL;
	struct ly_set *refs = NULL;
	bool hidden;

	if (leafref_target(node->schema, list_path, sizeof(list_path), &key_name) ||
	    !lysc_path(node->schema, LYSC_PATH_DATA, leaf_path, sizeof(leaf_path))) {
		rb_cfg_err_add(d->errs, rb_cfg_node_path(node, path, sizeof(path)), value,
			       "no target for this reference; fix the reference");
		remove_leaf(d, node);
		return 0;
	}

	list_name = list_path;
	if (strncmp(list_name, RB_CFG_ROOT "/", strlen(RB_CFG_ROOT "/")) == 0)
		list_name += strlen(RB_CFG_ROOT "/");

	/* The target may be an entry removed before its keys were read, which is reported already. */
	hidden = unkeyed_removed(d, list_path);

	predicate(pred, sizeof(pred), ".", value);
	snprintf(query, sizeof(query), "%s%s", leaf_path, pred);
	if (lyd_find_xpath(d->tree, query, &refs) || refs->count == 0) {
		ly_set_free(refs, NULL);
		if (!hidden)
			rb_cfg_err_add(d->errs, rb_cfg_node_path(node, path, sizeof(path)), value,
				       "no %s has %s \"%s\"; add one or fix the reference",
				       list_name, key_name, value);
		remove_leaf(d, node);
		return 0;
	}
	for (uint32_t i = 0; i < refs->count && !hidden; i++)
		rb_cfg_err_add(d->errs, rb_cfg_node_path(refs->dnodes[i], path, sizeof(path)), value,
			       "no %s has %s \"%s\"; add one or fix the reference",
			       list_name, key_name, value);
	ly_set_free(refs, NULL);

	predicate(pred, sizeof(pred), key_name, value);
	snprintf(query, sizeof(query), "%s%s", list_path, pred);
	if (lyd_new_path(d->tree, NULL, query, NULL, 0, NULL))
		remove_leaf(d, node);
	return 0;
}

static int repair_must(struct rb_cfg_diag *d, const struct ly_err_item *item,
		       struct lyd_node *node)
{
	struct lyd_node *parent = lyd_parent(node);
	bool term = node->schema->nodetype & LYD_NODE_TERM;
	char parent_path[PATH_LEN] = "";

	if (parent)
		rb_cfg_node_path(parent, parent_path, sizeof(parent_path));

	/* A must on a leaf compares it with siblings, and one of them may have been removed. */
	if (!(term && removed_child(d, parent_path, NULL)))
		rb_cfg_err_add_ly(d->errs, item, term ? lyd_get_value(node) : NULL);

	/*
	 * A presence container whose must fails still fails without its
	 * children, so it goes whole, or the same error would repeat every
	 * round.
	 */
	/*
	 * libyang puts a removed leaf's default back, and the default can
	 * fail the same must (a default preferred-lifetime above a given
	 * valid-lifetime), so such a leaf takes its parent with it.
	 */
	if (term && (node->flags & LYD_DEFAULT) && parent)
		rb_cfg_diag_remove(d, parent);
	else if (term)
		remove_leaf(d, node);
	else if (node->schema->nodetype == LYS_CONTAINER)
		rb_cfg_diag_remove(d, node);
	else
		remove_non_keys(d, node);
	return 0;
}

/* Copy the text between the n-th pair of double quotes of msg (n from 0). */
static bool quoted(const char *msg, unsigned n, char *out, size_t size)
{
	const char *start = msg, *end;

	for (unsigned i = 0; i <= n; i++) {
		start = strchr(start, '"');
		if (!start)
			return false;
		end = strchr(start + 1, '"');
		if (!end)
			return false;
		if (i < n)
			start = end + 1;
	}
	snprintf(out, size, "%.*s", (int)(end - start - 1), start + 1);
	return true;
}

/* libyang 2.1.30 gives only the schema path here, so every entry lacking the leaf is found. */
static int repair_mandatory(struct rb_cfg_diag *d, const struct ly_err_item *item,
			    const char *schema_path)
{
	const struct lysc_node *leaf = lys_find_path(d->ctx, NULL, schema_path, 0);
	char xpath[PATH_LEN + 80], path[PATH_LEN];
	struct ly_set *set = NULL;
	int ret = -EINVAL;

	if (!leaf || !leaf->parent || !lysc_path(leaf->parent, LYSC_PATH_DATA, path, sizeof(path))) {
		rb_cfg_err_add_ly(d->errs, item, NULL);
		return -EINVAL;
	}
	snprintf(xpath, sizeof(xpath), "%s[not(%s)]", path, leaf->name);
	if (lyd_find_xpath(d->tree, xpath, &set) == LY_SUCCESS && set->count > 0)
		ret = 0;
	else
		rb_cfg_err_add_ly(d->errs, item, NULL);

	for (uint32_t i = 0; set && i < set->count; i++) {
		rb_cfg_node_path(set->dnodes[i], path, sizeof(path));
		if (!removed_child(d, path, leaf->name))
			rb_cfg_err_add(d->errs, path, NULL, "missing mandatory leaf \"%s\"; add it",
				       leaf->name);
		rb_cfg_diag_remove(d, set->dnodes[i]);
	}
	ly_set_free(set, NULL);
	return ret;
}

static int repair_unique(struct rb_cfg_diag *d, const struct ly_err_item *item,
			 struct lyd_node *node, const char *path)
{
	char leaf_name[64], first[PATH_LEN], second[PATH_LEN], leaf_path[PATH_LEN];
	struct lyd_node *leaf = NULL;
	const char *other;

	if (!quoted(item->msg, 0, leaf_name, sizeof(leaf_name)) || strchr(leaf_name, ' ') ||
	    !quoted(item->msg, 1, first, sizeof(first)) ||
	    !quoted(item->msg, 2, second, sizeof(second)) ||
	    lyd_find_path(node, leaf_name, 0, &leaf)) {
		rb_cfg_err_add_ly(d->errs, item, NULL);
		rb_cfg_diag_remove(d, node);
		return 0;
	}

	other = strcmp(first, path) == 0 ? second : first;
	rb_cfg_path_join(leaf_path, sizeof(leaf_path), path, leaf_name);
	rb_cfg_err_add(d->errs, leaf_path, lyd_get_value(leaf),
		       "also used by %s; give each %s its own %s", other, LYD_NAME(node), leaf_name);
	remove_leaf(d, leaf);
	return 0;
}

static int repair_duplicate(struct rb_cfg_diag *d, struct lyd_node *node, const char *path)
{
	const char *value = node->schema->nodetype == LYS_LIST ? first_key_value(node) :
							       lyd_get_value(node);

	rb_cfg_err_add(d->errs, path, value,
		       "duplicate %s entry; each key may appear once, so merge or remove the copies",
		       LYD_NAME(node));
	rb_cfg_diag_remove(d, node);
	return 0;
}

static int repair_too_many(struct rb_cfg_diag *d, struct lyd_node *node)
{
	const struct lysc_node *schema = node->schema;
	struct lyd_node *parent = lyd_parent(node), *sibling, *next;
	char parent_path[PATH_LEN] = "", path[PATH_LEN];
	uint32_t max = 0, count = 0;

	if (schema->nodetype == LYS_LEAFLIST)
		max = ((const struct lysc_node_leaflist *)schema)->max;
	else if (schema->nodetype == LYS_LIST)
		max = ((const struct lysc_node_list *)schema)->max;

	if (parent)
		rb_cfg_node_path(parent, parent_path, sizeof(parent_path));
	rb_cfg_path_join(path, sizeof(path), parent_path, schema->name);
	rb_cfg_err_add(d->errs, path, NULL, "too many entries; at most %u are allowed", max);

	/* Keep the first max entries. */
	for (sibling = parent ? lyd_child(parent) : d->tree; sibling; sibling = next) {
		next = sibling->next;
		if (sibling->schema == schema && ++count > max)
			rb_cfg_diag_remove(d, sibling);
	}
	return 0;
}

/* Report the error that failed this validation round and repair the tree. */
static int repair_one(struct rb_cfg_diag *d, const struct ly_err_item *item)
{
	const char *apptag = item->apptag ? item->apptag : "";
	const char *msg = item->msg ? item->msg : "";
	struct lyd_node *node = NULL;
	char path[PATH_LEN];
	unsigned line;

	rb_cfg_ly_location(item->path, path, sizeof(path), &line);
	if (strncmp(msg, "Mandatory node", strlen("Mandatory node")) == 0 &&
	    item->path && strstr(item->path, "chema location"))
		return repair_mandatory(d, item, path);

	if (!path[0] || lyd_find_path(d->tree, path, 0, &node) || !node) {
		rb_cfg_err_add_ly(d->errs, item, NULL);
		return -EINVAL;
	}

	if (strcmp(apptag, "instance-required") == 0 && (node->schema->nodetype & LYD_NODE_TERM))
		return repair_leafref(d, node);
	if (strcmp(apptag, "must-violation") == 0 || strncmp(msg, "Must condition", 14) == 0)
		return repair_must(d, item, node);
	if (strcmp(apptag, "data-not-unique") == 0)
		return repair_unique(d, item, node, path);
	if (strcmp(apptag, "too-many-elements") == 0)
		return repair_too_many(d, node);
	if (strncmp(msg, "Duplicate instance", strlen("Duplicate instance")) == 0)
		return repair_duplicate(d, node, path);

	rb_cfg_err_add_ly(d->errs, item, (node->schema->nodetype & LYD_NODE_TERM) ?
			  lyd_get_value(node) : NULL);
	rb_cfg_diag_remove(d, node);
	return 0;
}

static const struct ly_err_item *last_error(const struct ly_ctx *ctx)
{
	const struct ly_err_item *found = NULL;

	for (const struct ly_err_item *item = ly_err_first(ctx); item; item = item->next) {
		if (item->level == LY_LLERR)
			found = item;
	}
	return found;
}

int rb_cfg_repair(struct rb_cfg_diag *d)
{
	for (unsigned round = 0; round < REPAIR_ROUNDS_MAX; round++) {
		const struct ly_err_item *item;
		int ret;

		ly_err_clean(d->ctx, NULL);
		if (lyd_validate_all(&d->tree, d->ctx, LYD_VALIDATE_PRESENT, NULL) == LY_SUCCESS)
			return 0;

		/* Past the cap the list cannot grow, and at least one more error exists. */
		if (d->errs->count >= RB_CFG_ERRORS_MAX) {
			d->errs->omitted++;
			return -EINVAL;
		}

		item = last_error(d->ctx);
		if (!item) {
			rb_cfg_err_add(d->errs, RB_CFG_ROOT, NULL,
				       "validation failed without an error message");
			return -EINVAL;
		}
		ret = repair_one(d, item);
		if (ret)
			return ret;
	}

	rb_cfg_err_add(d->errs, RB_CFG_ROOT, NULL,
		       "validation stopped after %d rounds; fix the errors above and load again",
		       REPAIR_ROUNDS_MAX);
	return -EINVAL;
}
