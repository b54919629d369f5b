// SPDX-License-Identifier: MIT
/*
 * The shape check of a rejected config file, run before the diagnosis.
 *
 * libyang 2.1.30 stops parsing, even with LYD_PARSE_OPAQ, at a value
 * whose JSON shape does not fit its schema node.  Such values are a list
 * or leaf-list that is not an array, a container that is not an object,
 * a leaf that is an array or object, and a valid value of the wrong JSON
 * type, such as a number in quotes.  The diagnosis would then list that
 * error alone.
 *
 * So this file walks the JSON text along the compiled schema, reports
 * each such value with its data path, and writes a repaired copy of the
 * text for the diagnosis.  A value of the wrong JSON type is rewritten,
 * a single value or object is wrapped in an array, and any other value
 * of the wrong shape is blanked out with its member name and one comma.
 * Blanking keeps the newlines, so libyang's line numbers still match the
 * file.  Values that libyang can parse as opaque nodes are left to the
 * diagnosis, and so is invalid JSON: the walk stops there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN	512
#define NAME_LEN	128
#define VALUE_LEN	512
#define EXAMPLE_MAX	64	/* longest value quoted in a hint */
#define DEPTH_MAX	16	/* schema levels walked; the YANG module has five */

/* Output insert, then text[start, end) as spaces with its newlines kept. */
struct shape_edit {
	size_t start;
	size_t end;
	char insert[24];
};

struct shape_walk {
	struct rb_cfg_diag *d;
	struct rb_json_cursor cur;
	struct shape_edit *edits;	/* in text order */
	size_t n_edits;
	size_t cap_edits;
	char path[PATH_LEN];		/* data path of the value at the cursor */
	int error;			/* -ENOMEM, or -EINVAL for an edit out of order */
};

enum verdict {
	KEEP,		/* the value stays, maybe with edits inside */
	PRUNED,		/* the array stays, but some of its elements are blanked */
	DROP,		/* the caller blanks the member or element */
};

typedef enum verdict (*walk_fn)(struct shape_walk *w, const struct lysc_node *schema,
				unsigned depth);

static void add_edit(struct shape_walk *w, size_t start, size_t end, const char *insert)
{
	struct shape_edit *e;

	/* After invalid JSON the text stays unchanged, so that libyang reports the syntax error. */
	if (w->cur.error)
		return;

	/* The walk makes edits in text order; anything else is a bug, so the repair is dropped. */
	if ((w->n_edits > 0 && start < w->edits[w->n_edits - 1].end) ||
	    strlen(insert) >= sizeof(e->insert)) {
		w->error = w->error ? w->error : -EINVAL;
		return;
	}

	if (w->n_edits == w->cap_edits) {
		size_t cap = w->cap_edits ? 2 * w->cap_edits : 16;

		e = realloc(w->edits, cap * sizeof(*e));
		if (!e) {
			w->error = -ENOMEM;
			return;
		}
		w->edits = e;
		w->cap_edits = cap;
	}

	e = &w->edits[w->n_edits++];
	e->start = start;
	e->end = end;
	snprintf(e->insert, sizeof(e->insert), "%s", insert);
}

static void report(struct shape_walk *w, unsigned line, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct shape_walk *w, unsigned line, const char *value, const char *fmt, ...)
{
	char message[400];
	va_list ap;

	/* A value cut by invalid JSON gets libyang's syntax error instead. */
	if (w->cur.error)
		return;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	rb_cfg_err_add(w->d->errs, w->path, value, "%s (line %u)", message, line);
}

/* Append "/name" or "/module:name" to the path; returns its old length for path_pop(). */
static size_t path_push(struct shape_walk *w, const char *module, const char *name)
{
	size_t len = strlen(w->path);

	if (module)
		snprintf(w->path + len, sizeof(w->path) - len, "/%s:%s", module, name);
	else
		snprintf(w->path + len, sizeof(w->path) - len, "/%s", name);
	return len;
}

static void path_pop(struct shape_walk *w, size_t len)
{
	w->path[len] = '\0';
}

static const char *kind_name(enum rb_json_kind kind)
{
	switch (kind) {
	case RB_JSON_OBJECT:
		return "a JSON object";
	case RB_JSON_ARRAY:
		return "a JSON array";
	case RB_JSON_STRING:
		return "a JSON string";
	case RB_JSON_NUMBER:
		return "a JSON number";
	case RB_JSON_TRUE:
	case RB_JSON_FALSE:
		return "a JSON boolean";
	case RB_JSON_NULL:
		return "null";
	default:
		return "no value";
	}
}

/* The value hints that the JSON parser of libyang 2.1.30 gives each kind of scalar. */
static uint32_t kind_hints(enum rb_json_kind kind)
{
	switch (kind) {
	case RB_JSON_STRING:
		return LYD_VALHINT_STRING | LYD_VALHINT_NUM64;
	case RB_JSON_NUMBER:
		return LYD_VALHINT_DECNUM;
	case RB_JSON_TRUE:
	case RB_JSON_FALSE:
		return LYD_VALHINT_BOOLEAN;
	default:
		return 0;
	}
}

static bool is_number_type(LY_DATA_TYPE base)
{
	return base == LY_TYPE_INT8 || base == LY_TYPE_INT16 || base == LY_TYPE_INT32 ||
	       base == LY_TYPE_UINT8 || base == LY_TYPE_UINT16 || base == LY_TYPE_UINT32;
}

/* The text of a scalar for a hint, or "..." when it is too long to quote. */
static const char *example(const struct shape_walk *w, const struct rb_json_token *tok, int *len)
{
	size_t n = tok->end - tok->start;

	if (n > EXAMPLE_MAX) {
		*len = 3;
		return "...";
	}
	*len = (int)n;
	return w->cur.text + tok->start;
}

/* Scan the scalar at the cursor and decode it into value. */
static int scan_scalar(struct shape_walk *w, struct rb_json_token *tok, char *value, size_t size)
{
	if (rb_json_scalar(&w->cur, tok))
		return w->cur.error;
	rb_json_decode(&w->cur, tok, value, size);
	return 0;
}

/* Report the value at the cursor, whose shape does not fit schema, and skip it. */
static enum verdict reject(struct shape_walk *w, const struct lysc_node *schema, bool element,
			   const char *fix)
{
	enum rb_json_kind kind = rb_json_peek(&w->cur);
	unsigned line = w->cur.line;
	char value[VALUE_LEN] = "";
	struct rb_json_token tok;

	if (kind == RB_JSON_OBJECT || kind == RB_JSON_ARRAY)
		rb_json_skip(&w->cur);
	else
		scan_scalar(w, &tok, value, sizeof(value));

	report(w, line, value, "%s is a %s, but %s %s; %s", schema->name,
	       lys_nodetype2str(schema->nodetype),
	       element ? "an element of its array is" : "the file gives", kind_name(kind), fix);
	return DROP;
}

/* Replace a scalar of the wrong JSON type with the encoding that RFC 7951 gives its type. */
static void rewrite_scalar(struct shape_walk *w, const struct lysc_node *schema,
			   const struct rb_json_token *tok, const char *value, const char *canonical)
{
	LY_DATA_TYPE base = rb_cfg_term_type(schema)->basetype;
	const char *raw;
	int len;

	if (is_number_type(base)) {
		report(w, tok->line, value, "%s is a number, but the file gives %s; "
		       "write the number without quotes: %s", schema->name, kind_name(tok->kind),
		       canonical);
		add_edit(w, tok->start, tok->end, canonical);
	} else if (base == LY_TYPE_BOOL) {
		report(w, tok->line, value, "%s is true or false, but the file gives %s; "
		       "write it without quotes: %s", schema->name, kind_name(tok->kind), canonical);
		add_edit(w, tok->start, tok->end, canonical);
	} else if (base == LY_TYPE_EMPTY) {
		report(w, tok->line, value, "%s takes no value; write [null]", schema->name);
		add_edit(w, tok->start, tok->end, "[null]");
	} else if (tok->kind == RB_JSON_NULL) {
		report(w, tok->line, value, "%s is %s, but the file gives null; "
		       "write the value in double quotes", schema->name, rb_cfg_json_encoding(schema));
		add_edit(w, tok->start, tok->end, "\"\"");
	} else {
		raw = example(w, tok, &len);
		report(w, tok->line, value, "%s is %s, but the file gives %s; "
		       "write the value in double quotes: \"%.*s\"", schema->name,
		       rb_cfg_json_encoding(schema), kind_name(tok->kind), len, raw);
		add_edit(w, tok->start, tok->start, "\"");
		add_edit(w, tok->end, tok->end, "\"");
	}
}

/*
 * Rewrite a scalar whose JSON type does not fit its leaf although its
 * value does, such as "3600" for a uint32: libyang stops at those.  An
 * invalid value becomes an opaque node that the diagnosis reports, so it
 * is left as it is.
 */
static void check_scalar(struct shape_walk *w, const struct lysc_node *schema,
			 const struct rb_json_token *tok)
{
	const char *canonical = NULL;
	char value[VALUE_LEN];
	size_t len;
	LY_ERR ret;

	if (rb_cfg_json_encoding_ok(schema, kind_hints(tok->kind)))
		return;

	/* NOTE: a longer value is not checked, and libyang may stop at it. */
	len = rb_json_decode(&w->cur, tok, value, sizeof(value));
	if (len >= sizeof(value))
		return;

	/* Without a context libyang logs nothing, and it stores canonical in the schema's dictionary. */
	ret = lyd_value_validate(NULL, schema, tok->kind == RB_JSON_NULL ? "" : value,
				 tok->kind == RB_JSON_NULL ? 0 : len, NULL, NULL, &canonical);
	if (ret == LY_SUCCESS || ret == LY_EINCOMPLETE)
		rewrite_scalar(w, schema, tok, value, canonical ? canonical : value);
	if (canonical)
		lydict_remove(schema->module->ctx, canonical);
}

static enum verdict walk_value(struct shape_walk *w, const struct lysc_node *schema,
			       unsigned depth);

/* Blank a dropped item and one comma, so that the object or array it was in stays valid JSON. */
static void blank_item(struct shape_walk *w, size_t start, size_t end, size_t n_kept,
		       size_t comma_before, bool more, size_t comma_after)
{
	if (n_kept > 0)
		add_edit(w, comma_before, end, "");
	else if (more)
		add_edit(w, start, comma_after + 1, "");
	else
		add_edit(w, start, end, "");
}

/*
 * Walk each member of the object or element of the array at the cursor
 * with walk_item, blanking the items it drops.  Returns PRUNED when it
 * dropped any.
 */
static enum verdict walk_items(struct shape_walk *w, char open, char close, walk_fn walk_item,
			       const struct lysc_node *schema, unsigned depth)
{
	struct rb_json_cursor *c = &w->cur;
	size_t n_kept = 0, comma = 0, comma_before, start;
	bool more = rb_json_open(c, open, close), pruned = false;

	/* Each item takes at least one byte, so len bounds the count. */
	for (size_t n = 0; more && n <= c->len; n++) {
		enum verdict v;

		rb_json_peek(c);
		start = c->pos;
		comma_before = comma;
		v = walk_item(w, schema, depth);
		if (c->error)
			break;

		if (v == DROP) {
			size_t end = c->pos;

			more = rb_json_next(c, close, &comma);
			blank_item(w, start, end, n_kept, comma_before, more, comma);
			pruned = true;
			continue;
		}
		n_kept++;
		more = rb_json_next(c, close, &comma);
	}
	return pruned ? PRUNED : KEEP;
}

/* The schema node of a member name, and in *module the prefix that its path shows. */
static const struct lysc_node *find_child(struct shape_walk *w, const struct lysc_node *parent,
					  char *name, const char **module)
{
	const struct lys_module *mod = parent ? parent->module : NULL;
	const struct lysc_node *schema;
	char *colon = strchr(name, ':');

	*module = NULL;
	/* Metadata (RFC 7952) members start with '@', and libyang checks them. */
	if (name[0] == '@')
		return NULL;
	if (colon) {
		*colon = '\0';
		mod = ly_ctx_get_module_implemented(w->d->ctx, name);
		name = colon + 1;
	}
	if (!mod)
		return NULL;

	schema = lys_find_child(parent, mod, name, 0, 0, 0);
	if (schema && (!parent || schema->module != parent->module))
		*module = schema->module->name;
	return schema;
}

static enum verdict walk_member(struct shape_walk *w, const struct lysc_node *parent,
				unsigned depth)
{
	char name[NAME_LEN];
	const struct lysc_node *schema;
	const char *module;
	enum verdict v;
	size_t len;

	if (rb_json_name(&w->cur, name, sizeof(name)))
		return KEEP;

	/* Unknown members become opaque nodes, which the diagnosis reports. */
	schema = find_child(w, parent, name, &module);
	if (!schema) {
		rb_json_skip(&w->cur);
		return KEEP;
	}

	len = path_push(w, module, schema->name);
	v = walk_value(w, schema, depth);
	path_pop(w, len);

	if (v != KEEP && schema->nodetype == LYS_LIST)
		rb_cfg_diag_removed_unkeyed(w->d, w->path, schema->name);
	else if (v != KEEP)
		rb_cfg_diag_removed(w->d, w->path, schema->name);
	return v == DROP ? DROP : KEEP;
}

static bool is_scalar(enum rb_json_kind kind)
{
	return kind != RB_JSON_NONE && kind != RB_JSON_OBJECT && kind != RB_JSON_ARRAY;
}

/* Decode the scalar member called name, of the object at the cursor, into value. */
static bool find_key(const struct shape_walk *w, const char *name, char *value, size_t size)
{
	struct rb_json_cursor c = w->cur;
	struct rb_json_token tok;
	char member[NAME_LEN];
	const char *local;
	size_t comma;
	bool more = rb_json_open(&c, '{', '}');

	for (size_t n = 0; more && n <= c.len; n++) {
		if (rb_json_name(&c, member, sizeof(member)))
			return false;
		local = strchr(member, ':') ? strchr(member, ':') + 1 : member;

		if (strcmp(local, name) == 0 && is_scalar(rb_json_peek(&c))) {
			if (rb_json_scalar(&c, &tok))
				return false;
			rb_json_decode(&c, &tok, value, size);
			return true;
		}
		if (rb_json_skip(&c))
			return false;
		more = rb_json_next(&c, '}', &comma);
	}
	return false;
}

/*
 * Append the key predicates of the list entry at the cursor to the path,
 * as libyang writes them.  Keys may follow other members, so they are
 * read ahead.  Returns the old path length for path_pop().
 */
static size_t push_keys(struct shape_walk *w, const struct lysc_node *list)
{
	size_t len = strlen(w->path), n;
	char value[VALUE_LEN];

	for (const struct lysc_node *key = lysc_node_child(list); key && lysc_is_key(key);
	     key = key->next) {
		if (!find_key(w, key->name, value, sizeof(value)))
			continue;
		n = strlen(w->path);
		snprintf(w->path + n, sizeof(w->path) - n,
			 strchr(value, '\'') ? "[%s=\"%s\"]" : "[%s='%s']", key->name, value);
	}
	return len;
}

static enum verdict walk_entry(struct shape_walk *w, const struct lysc_node *list, unsigned depth)
{
	size_t len;

	if (rb_json_peek(&w->cur) != RB_JSON_OBJECT)
		return reject(w, list, true, "write each entry as a JSON object, {...}");

	len = push_keys(w, list);
	walk_items(w, '{', '}', walk_member, list, depth + 1);
	path_pop(w, len);
	return KEEP;
}

/* Report a list entry written without its array, and wrap it in one. */
static void wrap_entry(struct shape_walk *w, const struct lysc_node *list, unsigned depth)
{
	size_t len = push_keys(w, list);

	report(w, w->cur.line, "", "%s is a list, but the file gives a JSON object; "
	       "write a JSON array of objects: [{...}]", list->name);
	add_edit(w, w->cur.pos, w->cur.pos, "[");
	walk_items(w, '{', '}', walk_member, list, depth + 1);
	add_edit(w, w->cur.pos, w->cur.pos, "]");
	path_pop(w, len);
}

static enum verdict walk_list(struct shape_walk *w, const struct lysc_node *list, unsigned depth)
{
	switch (rb_json_peek(&w->cur)) {
	case RB_JSON_ARRAY:
		return walk_items(w, '[', ']', walk_entry, list, depth);
	case RB_JSON_OBJECT:
		wrap_entry(w, list, depth);
		return KEEP;
	default:
		return reject(w, list, false, "write a JSON array of objects, [{...}]");
	}
}

static enum verdict walk_leaflist_value(struct shape_walk *w, const struct lysc_node *schema,
					unsigned depth)
{
	enum rb_json_kind kind = rb_json_peek(&w->cur);
	struct rb_json_token tok;
	char fix[96];

	if (kind == RB_JSON_OBJECT || kind == RB_JSON_ARRAY) {
		snprintf(fix, sizeof(fix), "write each element as %s", rb_cfg_json_encoding(schema));
		return reject(w, schema, true, fix);
	}
	if (rb_json_scalar(&w->cur, &tok) == 0)
		check_scalar(w, schema, &tok);
	return KEEP;
}

/* Report a leaf-list value written without its array, and wrap it in one. */
static void wrap_value(struct shape_walk *w, const struct lysc_node *schema)
{
	struct rb_json_token tok;
	char value[VALUE_LEN];
	const char *raw;
	int len;

	if (scan_scalar(w, &tok, value, sizeof(value)))
		return;

	raw = example(w, &tok, &len);
	report(w, tok.line, value, "%s is a leaf-list, but the file gives %s; "
	       "write a JSON array: [%.*s]", schema->name, kind_name(tok.kind), len, raw);
	add_edit(w, tok.start, tok.start, "[");
	check_scalar(w, schema, &tok);
	add_edit(w, tok.end, tok.end, "]");
}

static enum verdict walk_leaflist(struct shape_walk *w, const struct lysc_node *schema,
				  unsigned depth)
{
	switch (rb_json_peek(&w->cur)) {
	case RB_JSON_ARRAY:
		return walk_items(w, '[', ']', walk_leaflist_value, schema, depth);
	case RB_JSON_OBJECT:
	case RB_JSON_NULL:
		return reject(w, schema, false, "write a JSON array of values, [...]");
	default:
		wrap_value(w, schema);
		return KEEP;
	}
}

static enum verdict walk_leaf(struct shape_walk *w, const struct lysc_node *schema)
{
	const struct lysc_type *type = rb_cfg_term_type(schema);
	enum rb_json_kind kind = rb_json_peek(&w->cur);
	struct rb_json_token tok;
	char fix[96];

	/* [null] is the value of a leaf of type empty (RFC 7951, section 6.9). */
	if (kind == RB_JSON_ARRAY && type && type->basetype == LY_TYPE_EMPTY) {
		rb_json_skip(&w->cur);
		return KEEP;
	}
	if (kind == RB_JSON_OBJECT || kind == RB_JSON_ARRAY) {
		snprintf(fix, sizeof(fix), "write one value as %s", rb_cfg_json_encoding(schema));
		return reject(w, schema, false, fix);
	}
	if (rb_json_scalar(&w->cur, &tok) == 0)
		check_scalar(w, schema, &tok);
	return KEEP;
}

static enum verdict walk_value(struct shape_walk *w, const struct lysc_node *schema,
			       unsigned depth)
{
	if (depth >= DEPTH_MAX) {
		rb_json_skip(&w->cur);
		return KEEP;
	}

	switch (schema->nodetype) {
	case LYS_CONTAINER:
		if (rb_json_peek(&w->cur) != RB_JSON_OBJECT)
			return reject(w, schema, false, "write a JSON object, {...}");
		walk_items(w, '{', '}', walk_member, schema, depth + 1);
		return KEEP;
	case LYS_LIST:
		return walk_list(w, schema, depth);
	case LYS_LEAFLIST:
		return walk_leaflist(w, schema, depth);
	case LYS_LEAF:
		return walk_leaf(w, schema);
	default:
		/* anydata, anyxml: libyang takes any JSON value */
		rb_json_skip(&w->cur);
		return KEEP;
	}
}

static char *apply_edits(const struct shape_walk *w)
{
	const char *text = w->cur.text;
	size_t size = w->cur.len + 1, pos = 0, n = 0;
	char *out;

	for (size_t i = 0; i < w->n_edits; i++)
		size += strlen(w->edits[i].insert);
	out = malloc(size);
	if (!out)
		return NULL;

	for (size_t i = 0; i < w->n_edits; i++) {
		const struct shape_edit *e = &w->edits[i];
		size_t insert_len = strlen(e->insert);

		memcpy(out + n, text + pos, e->start - pos);
		n += e->start - pos;
		memcpy(out + n, e->insert, insert_len);
		n += insert_len;
		for (size_t j = e->start; j < e->end; j++)
			out[n++] = text[j] == '\n' ? '\n' : ' ';
		pos = e->end;
	}
	memcpy(out + n, text + pos, w->cur.len - pos);
	n += w->cur.len - pos;
	out[n] = '\0';
	return out;
}

int rb_cfg_shape_repair(struct rb_cfg_diag *d, const char *json, char **repaired)
{
	struct shape_walk w = { .d = d };
	size_t errors = d->errs->count, omitted = d->errs->omitted, removals = d->n_removals;
	bool damaged = d->subnets_damaged, damaged6 = d->subnets6_damaged;
	int ret = 0;

	*repaired = NULL;
	rb_json_init(&w.cur, json, strlen(json));
	if (rb_json_peek(&w.cur) != RB_JSON_OBJECT)
		return 0;

	walk_items(&w, '{', '}', walk_member, NULL, 0);
	rb_json_end(&w.cur);

	/*
	 * On invalid JSON the walk stopped at the error, and the edits before
	 * it are kept: libyang reads up to the same byte and reports it.
	 */
	if (!w.error && w.n_edits > 0) {
		*repaired = apply_edits(&w);
		if (!*repaired)
			w.error = -ENOMEM;
	}

	if (w.error) {
		d->errs->count = errors;
		d->errs->omitted = omitted;
		d->n_removals = removals;
		d->subnets_damaged = damaged;
		d->subnets6_damaged = damaged6;
		ret = w.error == -ENOMEM ? -ENOMEM : 0;
	}
	free(w.edits);
	return ret;
}
