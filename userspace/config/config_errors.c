// SPDX-License-Identifier: MIT
/*
 * The error list of a config load: adding errors, turning libyang's
 * error records into them, and formatting them for the log.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "config/config_internal.h"

/* Copy text into out with every run of whitespace or control bytes as one space. */
static void copy_one_line(char *out, size_t size, const char *text)
{
	size_t n = 0;
	bool space = false;

	for (const char *c = text; *c && n + 1 < size; c++) {
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
			space = true;
			continue;
		}
		if (space && n > 0 && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = *c;
	}
	out[n] = '\0';
}

static struct rb_cfg_error *err_slot(struct rb_cfg_errors *errs)
{
	if (errs->count >= RB_CFG_ERRORS_MAX)
		return NULL;

	/* One allocation for the whole list, about 130 KiB. */
	if (!errs->items) {
		errs->items = calloc(RB_CFG_ERRORS_MAX, sizeof(*errs->items));
		if (!errs->items)
			return NULL;
	}
	return &errs->items[errs->count++];
}

void rb_cfg_err_add(struct rb_cfg_errors *errs, const char *path, const char *value,
		    const char *fmt, ...)
{
	struct rb_cfg_error *err = err_slot(errs);
	char message[sizeof(err->message)];
	va_list ap;

	if (!err) {
		errs->omitted++;
		return;
	}

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	/* Paths and values come from the file, so bytes other than printable ASCII become \xNN. */
	rb_escape(path ? path : "", path ? strlen(path) : 0, err->path, sizeof(err->path));
	rb_escape(value ? value : "", value ? strlen(value) : 0, err->value, sizeof(err->value));
	copy_one_line(err->message, sizeof(err->message), message);
}

void rb_cfg_ly_location(const char *location, char *path, size_t size, unsigned *line)
{
	const char *start = NULL, *end, *num;
	size_t len;

	path[0] = '\0';
	*line = 0;
	if (!location)
		return;

	num = strstr(location, "ine number ");
	if (num)
		*line = (unsigned)strtoul(num + strlen("ine number "), NULL, 10);

	/* Data location first: a schema location names no instance. */
	start = strstr(location, "ata location \"");
	if (start)
		start += strlen("ata location \"");
	else if ((start = strstr(location, "chema location \"")))
		start += strlen("chema location \"");
	if (!start)
		return;

	/* Key values may contain quotes, so the path ends at the last one. */
	end = strrchr(start, '"');
	if (!end)
		return;
	len = (size_t)(end - start);
	if (len >= size)
		len = size - 1;
	memcpy(path, start, len);
	path[len] = '\0';
}

void rb_cfg_err_add_ly(struct rb_cfg_errors *errs, const struct ly_err_item *item,
		       const char *value)
{
	char path[sizeof(((struct rb_cfg_error *)0)->path)];
	char message[sizeof(((struct rb_cfg_error *)0)->message)];
	char where[32] = "";
	unsigned line;
	bool syntax;
	size_t len;

	rb_cfg_ly_location(item->path, path, sizeof(path), &line);

	snprintf(message, sizeof(message), "%s", item->msg ? item->msg : "libyang error without a message");
	len = strlen(message);
	if (len > 0 && message[len - 1] == '.')
		message[--len] = '\0';

	/* libyang 2.1.30 quotes a NUL at the end of the input as a lone '"'. */
	if (len > 0 && strcmp(message, "Unexpected character \"") == 0)
		snprintf(message, sizeof(message), "unexpected end of input");

	if (line)
		snprintf(where, sizeof(where), " (line %u)", line);
	syntax = item->vecode == LYVE_SYNTAX || item->vecode == LYVE_SYNTAX_JSON;
	rb_cfg_err_add(errs, path, value, "%s%s%s", syntax ? "invalid JSON: " : "", message, where);
}

void rb_cfg_err_add_ly_stored(struct rb_cfg_errors *errs, const struct ly_ctx *ctx)
{
	for (struct ly_err_item *item = ly_err_first(ctx); item; item = item->next) {
		if (item->level == LY_LLERR)
			rb_cfg_err_add_ly(errs, item, NULL);
	}
}

/* Examples of the values of the imported types that rackboot.yang uses. */
static const struct {
	const char *type;	/* as rackboot.yang names it */
	const char *example;
} type_examples[] = {
	{ "inet:ip-prefix", "an IPv4 or IPv6 prefix with its length, such as 192.0.2.0/24, "
			    "192.0.2.10/32 or 2001:db8::/64" },
	{ "inet:ipv4-prefix", "an IPv4 prefix with its length, such as 192.0.2.0/24" },
	{ "inet:ipv6-prefix", "an IPv6 prefix with its length, such as 2001:db8::/64" },
	{ "inet:ip-address-no-zone", "an IPv4 or IPv6 address, such as 192.0.2.1 or 2001:db8::1" },
	{ "inet:ipv4-address-no-zone", "an IPv4 address, such as 192.0.2.1" },
	{ "inet:ipv6-address-no-zone", "an IPv6 address, such as 2001:db8::1" },
	{ "inet:domain-name", "a domain name, such as lab.example.net" },
	{ "inet:host", "an IP address or a domain name, such as 192.0.2.1 or nms.example.net" },
	{ "inet:uri", "a URI, such as https://192.0.2.1/bootstrap" },
	{ "yang:mac-address", "a MAC address, such as 52:54:00:12:34:56" },
};

/* Copy the data path path into out without its list predicates ("[name='x']"). */
static void schema_path(const char *path, char *out, size_t size)
{
	size_t n = 0;
	int depth = 0;
	char quote = 0;

	for (const char *c = path; *c && n + 1 < size; c++) {
		if (quote) {
			if (*c == quote)
				quote = 0;
			continue;
		}
		if (depth && (*c == '\'' || *c == '"')) {
			quote = *c;
			continue;
		}
		if (*c == '[') {
			depth++;
			continue;
		}
		if (*c == ']' && depth) {
			depth--;
			continue;
		}
		if (!depth)
			out[n++] = *c;
	}
	out[n] = '\0';
}

/* Return the example for the type of the leaf or leaf-list at data path path, or NULL. */
static const char *type_example(const struct ly_ctx *ctx, const char *path)
{
	char spath[sizeof(((struct rb_cfg_error *)0)->path)];
	const struct lysc_node *node;
	const struct lysp_type *type;

	schema_path(path, spath, sizeof(spath));
	node = lys_find_path(ctx, NULL, spath, 0);
	if (!node || !node->priv)
		return NULL;
	if (node->nodetype == LYS_LEAF)
		type = &((const struct lysp_node_leaf *)node->priv)->type;
	else if (node->nodetype == LYS_LEAFLIST)
		type = &((const struct lysp_node_leaflist *)node->priv)->type;
	else
		return NULL;
	for (size_t i = 0; type->name && i < sizeof(type_examples) / sizeof(type_examples[0]); i++) {
		if (strcmp(type->name, type_examples[i].type) == 0)
			return type_examples[i].example;
	}
	return NULL;
}

void rb_cfg_err_add_examples(struct rb_cfg_errors *errs, const struct ly_ctx *ctx)
{
	for (size_t i = 0; i < errs->count; i++) {
		struct rb_cfg_error *err = &errs->items[i];
		const char *example;
		size_t len;

		if (!err->path[0] || (strncmp(err->message, "Unsatisfied pattern", 19) != 0 &&
				      strncmp(err->message, "Invalid union value", 19) != 0))
			continue;
		example = type_example(ctx, err->path);
		len = strlen(err->message);
		if (example)
			snprintf(err->message + len, sizeof(err->message) - len, "; expected %s",
				 example);
	}
}

size_t rb_cfg_err_total(const struct rb_cfg_errors *errs)
{
	return errs->count + errs->omitted;
}

char *rb_cfg_node_path(const struct lyd_node *node, char *path, size_t size)
{
	if (!lyd_path(node, LYD_PATH_STD, path, size))
		snprintf(path, size, "%s", RB_CFG_ROOT);
	return path;
}

char *rb_cfg_path_join(char *out, size_t size, const char *parent, const char *name)
{
	size_t len = strnlen(parent, size - 1);

	memmove(out, parent, len);
	out[len] = '\0';
	if (len + 1 < size) {
		out[len] = '/';
		out[len + 1] = '\0';
		strncat(out, name, size - len - 2);
	}
	return out;
}

char *rb_cfg_child_path(const struct lyd_node *node, const char *name, char *path, size_t size)
{
	char parent[512];

	return rb_cfg_path_join(path, size, rb_cfg_node_path(node, parent, sizeof(parent)), name);
}

char *rb_cfg_error_format(const struct rb_cfg_error *err, char *buf, size_t size)
{
	bool path = err->path[0] != '\0';
	bool value = err->value[0] != '\0';

	if (path && value)
		snprintf(buf, size, "%s: value \"%s\": %s", err->path, err->value, err->message);
	else if (path)
		snprintf(buf, size, "%s: %s", err->path, err->message);
	else if (value)
		snprintf(buf, size, "value \"%s\": %s", err->value, err->message);
	else
		snprintf(buf, size, "%s", err->message);
	return buf;
}

void rb_cfg_errors_free(struct rb_cfg_errors *errs)
{
	if (!errs)
		return;
	free(errs->items);
	errs->items = NULL;
	errs->count = 0;
	errs->omitted = 0;
}
