// SPDX-License-Identifier: MIT
/*
 * A bounded JSON (RFC 8259) cursor for the shape check of the config
 * loader.  It classifies, scans and skips values and decodes strings, but
 * builds no tree.  The first error sticks: every later call fails, and
 * the caller checks cur->error once at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

/* Deeper nesting is rejected.  The YANG module nests five levels deep. */
#define JSON_DEPTH_MAX	64

void rb_json_init(struct rb_json_cursor *cur, const char *text, size_t len)
{
	*cur = (struct rb_json_cursor){ .text = text, .len = len, .line = 1 };
}

static int fail(struct rb_json_cursor *cur, int err)
{
	if (!cur->error)
		cur->error = err;
	return cur->error;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(struct rb_json_cursor *cur)
{
	while (cur->pos < cur->len && is_space(cur->text[cur->pos])) {
		if (cur->text[cur->pos] == '\n')
			cur->line++;
		cur->pos++;
	}
}

enum rb_json_kind rb_json_peek(struct rb_json_cursor *cur)
{
	char c;

	skip_space(cur);
	if (cur->error || cur->pos >= cur->len)
		return RB_JSON_NONE;

	c = cur->text[cur->pos];
	if (c == '-' || (c >= '0' && c <= '9'))
		return RB_JSON_NUMBER;
	switch (c) {
	case '{':
		return RB_JSON_OBJECT;
	case '[':
		return RB_JSON_ARRAY;
	case '"':
		return RB_JSON_STRING;
	case 't':
		return RB_JSON_TRUE;
	case 'f':
		return RB_JSON_FALSE;
	case 'n':
		return RB_JSON_NULL;
	default:
		return RB_JSON_NONE;
	}
}

static bool accept_byte(struct rb_json_cursor *cur, char c)
{
	skip_space(cur);
	if (cur->error || cur->pos >= cur->len || cur->text[cur->pos] != c)
		return false;
	cur->pos++;
	return true;
}

static void expect_byte(struct rb_json_cursor *cur, char c)
{
	if (!accept_byte(cur, c))
		fail(cur, -EINVAL);
}

bool rb_json_open(struct rb_json_cursor *cur, char open, char close)
{
	expect_byte(cur, open);
	return !cur->error && !accept_byte(cur, close);
}

bool rb_json_next(struct rb_json_cursor *cur, char close, size_t *comma)
{
	if (accept_byte(cur, ',')) {
		*comma = cur->pos - 1;
		return true;
	}
	expect_byte(cur, close);
	return false;
}

void rb_json_end(struct rb_json_cursor *cur)
{
	skip_space(cur);
	if (cur->pos != cur->len)
		fail(cur, -EINVAL);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Offset just past the string that opens at pos, or 0 when it is invalid. */
static size_t string_end(const char *text, size_t len, size_t pos)
{
	for (size_t i = pos + 1; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return 0;
		if (c != '\\')
			continue;

		if (++i >= len || text[i] == '\0' || !strchr("\"\\/bfnrtu", text[i]))
			return 0;
		if (text[i] != 'u')
			continue;
		if (i + 4 >= len || !is_hex(text[i + 1]) || !is_hex(text[i + 2]) ||
		    !is_hex(text[i + 3]) || !is_hex(text[i + 4]))
			return 0;
		i += 4;
	}
	return 0;
}

static size_t digits_end(const char *text, size_t len, size_t pos)
{
	while (pos < len && text[pos] >= '0' && text[pos] <= '9')
		pos++;
	return pos;
}

/* Offset just past the number that starts at pos, or 0 when it is invalid. */
static size_t number_end(const char *text, size_t len, size_t pos)
{
	size_t end;

	if (pos < len && text[pos] == '-')
		pos++;
	if (pos < len && text[pos] == '0')
		pos++;
	else if ((end = digits_end(text, len, pos)) > pos)
		pos = end;
	else
		return 0;

	if (pos < len && text[pos] == '.') {
		end = digits_end(text, len, pos + 1);
		if (end == pos + 1)
			return 0;
		pos = end;
	}
	if (pos < len && (text[pos] == 'e' || text[pos] == 'E')) {
		pos++;
		if (pos < len && (text[pos] == '+' || text[pos] == '-'))
			pos++;
		end = digits_end(text, len, pos);
		if (end == pos)
			return 0;
		pos = end;
	}
	return pos;
}

static size_t literal_end(const char *text, size_t len, size_t pos, const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || memcmp(text + pos, word, n) != 0)
		return 0;
	return pos + n;
}

int rb_json_scalar(struct rb_json_cursor *cur, struct rb_json_token *tok)
{
	enum rb_json_kind kind = rb_json_peek(cur);
	size_t end = 0;

	tok->kind = kind;
	tok->start = cur->pos;
	tok->end = cur->pos;
	tok->line = cur->line;

	if (kind == RB_JSON_STRING)
		end = string_end(cur->text, cur->len, cur->pos);
	else if (kind == RB_JSON_NUMBER)
		end = number_end(cur->text, cur->len, cur->pos);
	else if (kind == RB_JSON_TRUE)
		end = literal_end(cur->text, cur->len, cur->pos, "true");
	else if (kind == RB_JSON_FALSE)
		end = literal_end(cur->text, cur->len, cur->pos, "false");
	else if (kind == RB_JSON_NULL)
		end = literal_end(cur->text, cur->len, cur->pos, "null");

	if (end == 0)
		return fail(cur, -EINVAL);
	tok->end = end;
	cur->pos = end;
	return 0;
}

int rb_json_name(struct rb_json_cursor *cur, char *name, size_t size)
{
	struct rb_json_token tok;

	if (rb_json_peek(cur) != RB_JSON_STRING)
		return fail(cur, -EINVAL);
	if (rb_json_scalar(cur, &tok))
		return cur->error;
	if (name)
		rb_json_decode(cur, &tok, name, size);
	expect_byte(cur, ':');
	return cur->error;
}

static int skip_value(struct rb_json_cursor *cur, unsigned depth)
{
	enum rb_json_kind kind = rb_json_peek(cur);
	struct rb_json_token tok;
	char close = kind == RB_JSON_OBJECT ? '}' : ']';
	size_t comma;
	bool more;

	if (kind != RB_JSON_OBJECT && kind != RB_JSON_ARRAY)
		return rb_json_scalar(cur, &tok);
	if (depth >= JSON_DEPTH_MAX)
		return fail(cur, -E2BIG);

	more = rb_json_open(cur, kind == RB_JSON_OBJECT ? '{' : '[', close);
	/* Each item takes at least one byte, so len bounds the count. */
	for (size_t n = 0; more && n <= cur->len; n++) {
		if (kind == RB_JSON_OBJECT && rb_json_name(cur, NULL, 0))
			break;
		if (skip_value(cur, depth + 1))
			break;
		more = rb_json_next(cur, close, &comma);
	}
	return cur->error;
}

int rb_json_skip(struct rb_json_cursor *cur)
{
	return skip_value(cur, 0);
}

static unsigned hex4(const char *s)
{
	unsigned value = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		value = value * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return value;
}

/* Append code point cp as UTF-8 when it fits. */
static void put_utf8(char *out, size_t size, size_t *n, unsigned cp)
{
	unsigned char buf[4];
	size_t len;

	if (cp < 0x80) {
		buf[0] = (unsigned char)cp;
		len = 1;
	} else if (cp < 0x800) {
		buf[0] = (unsigned char)(0xc0 | cp >> 6);
		buf[1] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 2;
	} else if (cp < 0x10000) {
		buf[0] = (unsigned char)(0xe0 | cp >> 12);
		buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 3;
	} else {
		buf[0] = (unsigned char)(0xf0 | cp >> 18);
		buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		buf[3] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 4;
	}
	if (*n + len < size)
		memcpy(out + *n, buf, len);
	*n += len;
}

/*
 * Decode the \u escape at s (pointing at 'u'), joining a surrogate pair.
 * Returns the number of bytes after the backslash that it used.
 */
static size_t decode_u(const char *s, const char *end, unsigned *cp)
{
	unsigned high = hex4(s + 1), low;

	*cp = high;
	if (high >= 0xdc00 && high <= 0xdfff)
		*cp = 0xfffd;
	if (high < 0xd800 || high > 0xdbff)
		return 5;
	if (end - s < 11 || s[5] != '\\' || s[6] != 'u') {
		*cp = 0xfffd;
		return 5;
	}
	low = hex4(s + 7);
	if (low < 0xdc00 || low > 0xdfff) {
		*cp = 0xfffd;
		return 5;
	}
	*cp = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
	return 11;
}

static char unescape(char c)
{
	switch (c) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c;
	}
}

/* Decode the string between s and end, which has no quotes and valid escapes. */
static size_t decode_string(const char *s, const char *end, char *out, size_t size)
{
	size_t n = 0;
	unsigned cp;

	while (s < end) {
		if (*s != '\\') {
			if (n + 1 < size)
				out[n] = *s;
			n++;
			s++;
			continue;
		}
		if (s[1] != 'u') {
			if (n + 1 < size)
				out[n] = unescape(s[1]);
			n++;
			s += 2;
			continue;
		}
		s += 1 + decode_u(s + 1, end, &cp);
		/* NUL would end the C string, so it is kept as its escape. */
		if (cp == 0) {
			if (n + 6 < size)
				memcpy(out + n, "\\u0000", 6);
			n += 6;
		} else {
			put_utf8(out, size, &n, cp);
		}
	}
	return n;
}

size_t rb_json_decode(const struct rb_json_cursor *cur, const struct rb_json_token *tok,
		      char *out, size_t size)
{
	const char *start = cur->text + tok->start;
	size_t n;

	if (tok->kind == RB_JSON_STRING) {
		n = decode_string(start + 1, cur->text + tok->end - 1, out, size);
	} else {
		n = tok->end - tok->start;
		if (size > 0)
			memcpy(out, start, n < size ? n : size - 1);
	}
	if (size > 0)
		out[n < size ? n : size - 1] = '\0';
	return n;
}
