// SPDX-License-Identifier: MIT
/*
 * Descriptions of leaf types for error messages, and the check that a
 * JSON value has the encoding that RFC 7951 gives its type.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

const struct lysc_type *rb_cfg_term_type(const struct lysc_node *schema)
{
	const struct lysc_type *type;

	if (schema->nodetype == LYS_LEAF)
		type = ((const struct lysc_node_leaf *)schema)->type;
	else if (schema->nodetype == LYS_LEAFLIST)
		type = ((const struct lysc_node_leaflist *)schema)->type;
	else
		return NULL;

	if (type->basetype == LY_TYPE_LEAFREF)
		type = ((const struct lysc_type_leafref *)type)->realtype;
	return type;
}

static bool is_signed(LY_DATA_TYPE base)
{
	return base == LY_TYPE_INT8 || base == LY_TYPE_INT16 || base == LY_TYPE_INT32 ||
	       base == LY_TYPE_INT64 || base == LY_TYPE_DEC64;
}

/* Append the parts of a range or length as "a..b | c..d" to out. */
static void print_range(const struct lysc_range *range, bool sign, char *out, size_t size)
{
	size_t n = strlen(out);

	LY_ARRAY_COUNT_TYPE i;
	LY_ARRAY_FOR(range->parts, i) {
		const struct lysc_range_part *part = &range->parts[i];

		if (n >= size)
			return;
		if (sign)
			n += (size_t)snprintf(out + n, size - n, "%s%" PRId64 "..%" PRId64,
					      i ? " | " : "", part->min_64, part->max_64);
		else
			n += (size_t)snprintf(out + n, size - n, "%s%" PRIu64 "..%" PRIu64,
					      i ? " | " : "", part->min_u64, part->max_u64);
	}
}

static void print_enums(const struct lysc_type_enum *type, char *out, size_t size)
{
	size_t n = strlen(out);

	LY_ARRAY_COUNT_TYPE i;
	LY_ARRAY_FOR(type->enums, i) {
		if (n >= size)
			return;
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "",
				      type->enums[i].name);
	}
}

void rb_cfg_type_hint(const struct lysc_node *schema, char *out, size_t size)
{
	const struct lysc_type *type = rb_cfg_term_type(schema);
	const struct lysc_range *range = NULL;

	out[0] = '\0';
	if (!type || size == 0)
		return;

	switch (type->basetype) {
	case LY_TYPE_ENUM:
		snprintf(out, size, "allowed values: ");
		print_enums((const struct lysc_type_enum *)type, out, size);
		return;
	case LY_TYPE_STRING:
		range = ((const struct lysc_type_str *)type)->length;
		if (range) {
			snprintf(out, size, "allowed length: ");
			print_range(range, false, out, size);
		}
		return;
	case LY_TYPE_UINT8:
	case LY_TYPE_UINT16:
	case LY_TYPE_UINT32:
	case LY_TYPE_UINT64:
	case LY_TYPE_INT8:
	case LY_TYPE_INT16:
	case LY_TYPE_INT32:
	case LY_TYPE_INT64:
		range = ((const struct lysc_type_num *)type)->range;
		if (range) {
			snprintf(out, size, "allowed range: ");
			print_range(range, is_signed(type->basetype), out, size);
		}
		return;
	default:
		return;
	}
}

const char *rb_cfg_json_encoding(const struct lysc_node *schema)
{
	const struct lysc_type *type = rb_cfg_term_type(schema);

	if (!type)
		return "a JSON object";

	switch (type->basetype) {
	case LY_TYPE_UINT8:
	case LY_TYPE_UINT16:
	case LY_TYPE_UINT32:
	case LY_TYPE_INT8:
	case LY_TYPE_INT16:
	case LY_TYPE_INT32:
		return "a JSON number without quotes";
	case LY_TYPE_UINT64:
	case LY_TYPE_INT64:
	case LY_TYPE_DEC64:
		return "a number in a JSON string";
	case LY_TYPE_BOOL:
		return "true or false without quotes";
	case LY_TYPE_EMPTY:
		return "[null]";
	case LY_TYPE_UNION:
		return "a JSON string or number";
	default:
		return "a JSON string";
	}
}

bool rb_cfg_json_encoding_ok(const struct lysc_node *schema, uint32_t hints)
{
	const struct lysc_type *type = rb_cfg_term_type(schema);

	if (!type)
		return false;

	switch (type->basetype) {
	case LY_TYPE_UINT8:
	case LY_TYPE_UINT16:
	case LY_TYPE_UINT32:
	case LY_TYPE_INT8:
	case LY_TYPE_INT16:
	case LY_TYPE_INT32:
		return hints & (LYD_VALHINT_DECNUM | LYD_VALHINT_OCTNUM | LYD_VALHINT_HEXNUM);
	case LY_TYPE_UINT64:
	case LY_TYPE_INT64:
	case LY_TYPE_DEC64:
		return hints & LYD_VALHINT_NUM64;
	case LY_TYPE_BOOL:
		return hints & LYD_VALHINT_BOOLEAN;
	case LY_TYPE_EMPTY:
		return hints & LYD_VALHINT_EMPTY;
	case LY_TYPE_UNION:
		return true;
	default:
		return hints & LYD_VALHINT_STRING;
	}
}
