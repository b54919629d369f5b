// SPDX-License-Identifier: MIT
#include <stdbool.h>

#include "http/http_range.h"

/* A cursor over the header value. */
struct cursor {
	const char *p;
	const char *end;
};

static void skip_spaces(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Read a decimal number.  Returns false when there is none or it overflows 64 bits. */
static bool read_number(struct cursor *c, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned digit = (unsigned)(*c->p - '0');

		if (v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
		c->p++;
	}
	*out = v;
	return c->p > start;
}

static bool read_prefix(struct cursor *c)
{
	static const char unit[] = "bytes=";

	skip_spaces(c);
	for (size_t i = 0; i < sizeof(unit) - 1; i++) {
		char ch = c->p < c->end ? *c->p : '\0';

		/* The range unit is case-insensitive (RFC 9110 14.1). */
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != unit[i])
			return false;
		c->p++;
	}
	return true;
}

struct rb_http_range rb_http_range_parse(const char *value, size_t len, uint64_t size)
{
	struct rb_http_range full = { .kind = RB_HTTP_RANGE_FULL };
	struct rb_http_range r = { .kind = RB_HTTP_RANGE_PARTIAL };
	struct cursor c = { value, value + len };
	uint64_t first = 0, last = 0;
	bool has_first, has_last;

	if (!read_prefix(&c))
		return full;
	skip_spaces(&c);
	has_first = read_number(&c, &first);
	if (c.p >= c.end || *c.p != '-')
		return full;
	c.p++;
	has_last = read_number(&c, &last);
	skip_spaces(&c);
	/* A list (a comma) or trailing bytes: the whole file. */
	if (c.p != c.end || (!has_first && !has_last))
		return full;
	if (has_first && has_last && last < first)
		return full;

	if (!has_first) {
		/* bytes=-n: the last n bytes. */
		if (last == 0 || size == 0)
			return (struct rb_http_range){ .kind = RB_HTTP_RANGE_UNSATISFIABLE };
		r.first = last >= size ? 0 : size - last;
		r.last = size - 1;
		return r;
	}
	if (first >= size)
		return (struct rb_http_range){ .kind = RB_HTTP_RANGE_UNSATISFIABLE };
	r.first = first;
	r.last = has_last && last < size ? last : size - 1;
	return r;
}
