// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/prom_text.h"

#define RB_PROM_BUF_START	16384	/* first allocation; grows by doubling */

void rb_prom_buf_init(struct rb_prom_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void rb_prom_buf_free(struct rb_prom_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int rb_prom_buf_error(const struct rb_prom_buf *b)
{
	return b->error;
}

/* Make room for need more bytes and the NUL, or set the sticky error. */
static bool reserve(struct rb_prom_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : RB_PROM_BUF_START;
	char *data;

	if (b->error)
		return false;
	if (need > b->max - b->len) {
		b->error = -ENOSPC;
		return false;
	}
	if (b->len + need + 1 <= b->cap)
		return true;
	while (cap < b->len + need + 1)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data) {
		b->error = -ENOMEM;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

static void append(struct rb_prom_buf *b, const char *text, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->data + b->len, text, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void rb_prom_printf(struct rb_prom_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!b->error)
			b->error = -EINVAL;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void rb_prom_escaped(struct rb_prom_buf *b, const char *text, bool help)
{
	const char *run = text;

	/* Copy the runs between escaped characters in one piece each. */
	for (const char *p = text; *p; p++) {
		const char *esc = NULL;

		if (*p == '\\')
			esc = "\\\\";
		else if (*p == '\n')
			esc = "\\n";
		else if (*p == '"' && !help)
			esc = "\\\"";
		if (!esc)
			continue;
		append(b, run, (size_t)(p - run));
		append(b, esc, 2);
		run = p + 1;
	}
	append(b, run, strlen(run));
}

static const char *type_name(enum rb_prom_type type)
{
	switch (type) {
	case RB_PROM_COUNTER:
		return "counter";
	case RB_PROM_GAUGE:
		return "gauge";
	case RB_PROM_HISTOGRAM:
		return "histogram";
	}
	return "untyped";
}

void rb_prom_family(struct rb_prom_buf *b, const char *name, enum rb_prom_type type,
		    const char *help)
{
	rb_prom_printf(b, "# HELP %s ", name);
	rb_prom_escaped(b, help, true);
	rb_prom_printf(b, "\n# TYPE %s %s\n", name, type_name(type));
}

/* name{a="x",b="y"} with an optional extra label last (le of a bucket). */
static void series(struct rb_prom_buf *b, const char *name, const struct rb_prom_label *labels,
		   size_t n_labels, const struct rb_prom_label *extra)
{
	size_t total = n_labels + (extra ? 1 : 0);

	append(b, name, strlen(name));
	if (total == 0)
		return;
	append(b, "{", 1);
	for (size_t i = 0; i < total; i++) {
		const struct rb_prom_label *l = i < n_labels ? &labels[i] : extra;

		rb_prom_printf(b, "%s%s=\"", i ? "," : "", l->name);
		rb_prom_escaped(b, l->value, false);
		append(b, "\"", 1);
	}
	append(b, "}", 1);
}

void rb_prom_sample_u64(struct rb_prom_buf *b, const char *name, const struct rb_prom_label *labels,
			size_t n_labels, uint64_t value)
{
	series(b, name, labels, n_labels, NULL);
	rb_prom_printf(b, " %" PRIu64 "\n", value);
}

/*
 * A float as the format spells it (+Inf, -Inf, NaN), else in the fewest
 * digits that read back as the same double: 7.752567992, not
 * 7.7525679920000004.  17 significant digits always read back.
 */
static void float_text(double value, char *out, size_t size)
{
	if (isnan(value)) {
		snprintf(out, size, "NaN");
		return;
	}
	if (isinf(value)) {
		snprintf(out, size, "%cInf", value > 0 ? '+' : '-');
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(out, size, "%.*g", digits, value);
		if (strtod(out, NULL) == value)
			return;
	}
}

void rb_prom_sample_double(struct rb_prom_buf *b, const char *name,
			   const struct rb_prom_label *labels, size_t n_labels, double value)
{
	char text[32];

	float_text(value, text, sizeof(text));
	series(b, name, labels, n_labels, NULL);
	rb_prom_printf(b, " %s\n", text);
}

void rb_prom_histogram(struct rb_prom_buf *b, const char *name, const struct rb_prom_label *labels,
		       size_t n_labels, const struct rb_prom_histogram *h)
{
	char series_name[128], le[32];
	struct rb_prom_label bound = { .name = "le", .value = le };
	uint64_t cumulative = 0;

	snprintf(series_name, sizeof(series_name), "%s_bucket", name);
	for (size_t i = 0; i <= h->n_bounds; i++) {
		cumulative += h->counts[i];
		if (i < h->n_bounds)
			snprintf(le, sizeof(le), "%g", h->bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		series(b, series_name, labels, n_labels, &bound);
		rb_prom_printf(b, " %" PRIu64 "\n", cumulative);
	}
	snprintf(series_name, sizeof(series_name), "%s_sum", name);
	rb_prom_sample_double(b, series_name, labels, n_labels, h->sum);
	snprintf(series_name, sizeof(series_name), "%s_count", name);
	rb_prom_sample_u64(b, series_name, labels, n_labels, cumulative);
}
