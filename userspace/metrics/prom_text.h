/* SPDX-License-Identifier: MIT */
/*
 * A writer of the Prometheus text exposition format, version 0.0.4:
 * a HELP and a TYPE line before the samples of each family, label values
 * and HELP texts escaped as the format requires, and histograms as their
 * cumulative _bucket series with _sum and _count.
 *
 * The output goes into a buffer that grows up to a fixed maximum.  A
 * write past the maximum sets a sticky error, so a caller checks once,
 * at the end, with rb_prom_buf_error().
 */
#ifndef RB_PROM_TEXT_H
#define RB_PROM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Content-Type of the output. */
#define RB_PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct rb_prom_buf {
	char *data;		/* NUL terminated after every write */
	size_t len;		/* bytes written, without the NUL */
	size_t cap;		/* bytes allocated */
	size_t max;		/* largest len allowed */
	int error;		/* 0, -ENOMEM or -ENOSPC: the first write that failed */
};

enum rb_prom_type {
	RB_PROM_COUNTER,
	RB_PROM_GAUGE,
	RB_PROM_HISTOGRAM,
};

/* One label of a sample; value is escaped on output. */
struct rb_prom_label {
	const char *name;
	const char *value;
};

/* Upper bounds and counts of one histogram series. */
struct rb_prom_histogram {
	const double *bounds;		/* n_bounds upper bounds, ascending, without +Inf */
	size_t n_bounds;
	const uint64_t *counts;		/* n_bounds + 1 counts, not cumulative; the last is above every bound */
	double sum;
};

/* Start an empty buffer that may grow to max bytes. */
void rb_prom_buf_init(struct rb_prom_buf *b, size_t max);
void rb_prom_buf_free(struct rb_prom_buf *b);
int rb_prom_buf_error(const struct rb_prom_buf *b);

/* Append printf output, or set the sticky error. */
void rb_prom_printf(struct rb_prom_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write the HELP and TYPE lines of family name. */
void rb_prom_family(struct rb_prom_buf *b, const char *name, enum rb_prom_type type,
		    const char *help);

/* Write one sample of a counter or gauge with an unsigned or a float value. */
void rb_prom_sample_u64(struct rb_prom_buf *b, const char *name, const struct rb_prom_label *labels,
			size_t n_labels, uint64_t value);
void rb_prom_sample_double(struct rb_prom_buf *b, const char *name,
			   const struct rb_prom_label *labels, size_t n_labels, double value);

/*
 * Write the series of one histogram of family name: name_bucket for each
 * bound and +Inf (cumulative), name_sum and name_count, each with labels
 * and, on the buckets, le.
 */
void rb_prom_histogram(struct rb_prom_buf *b, const char *name, const struct rb_prom_label *labels,
		       size_t n_labels, const struct rb_prom_histogram *h);

/*
 * Append text escaped as a label value (backslash, double quote, line
 * feed) or, with help set, as a HELP text (backslash, line feed).
 */
void rb_prom_escaped(struct rb_prom_buf *b, const char *text, bool help);

#endif
