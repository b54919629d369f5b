// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

static const char *log_ident = "rackboot";
static enum rb_log_level log_max = RB_LOG_INFO;
static bool log_journal;
static struct rb_log_repeat *repeat_head;

static const char *level_names[] = {
	[RB_LOG_ERR] = "error",
	[RB_LOG_WARN] = "warning",
	[RB_LOG_INFO] = "info",
	[RB_LOG_DEBUG] = "debug",
};

void rb_log_init(const char *ident, enum rb_log_level max_level)
{
	log_ident = ident;
	log_max = max_level;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void rb_log_set_level(enum rb_log_level max_level)
{
	log_max = max_level;
}

bool rb_log_enabled(enum rb_log_level level)
{
	return level <= log_max;
}

int rb_log_parse_level(const char *name, enum rb_log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (level_names[i] && strcmp(level_names[i], name) == 0) {
			*level = (enum rb_log_level)i;
			return 0;
		}
	}
	return -1;
}

static void log_write(enum rb_log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec now;
	struct tm tm;

	vsnprintf(line, sizeof(line), fmt, ap);

	if (log_journal) {
		fprintf(stderr, "<%d>%s\n", level, line);
		return;
	}

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: %s\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000, log_ident,
		level_names[level], line);
}

void rb_log(enum rb_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	log_write(level, fmt, ap);
	va_end(ap);
}

void rb_log_repeat(struct rb_log_repeat *r, const char *fmt, ...)
{
	va_list ap;

	if (r->total == 0) {
		r->next = repeat_head;
		repeat_head = r;
	}
	r->total++;

	/* The first occurrence of a burst is logged in full, later ones counted. */
	if (r->in_burst) {
		r->pending++;
		return;
	}
	r->in_burst = 1;
	if (r->level > log_max)
		return;
	va_start(ap, fmt);
	log_write(r->level, fmt, ap);
	va_end(ap);
}

void rb_log_repeat_flush(void)
{
	for (struct rb_log_repeat *r = repeat_head; r; r = r->next) {
		if (r->pending == 0) {
			r->in_burst = 0;
			continue;
		}
		rb_log(r->level, "%s: %llu more since the last summary (%llu in all)",
		       r->what, (unsigned long long)r->pending,
		       (unsigned long long)r->total);
		r->pending = 0;
	}
}

char *rb_escape(const void *data, size_t len, char *out, size_t out_size)
{
	const unsigned char *in = data;
	size_t o = 0;

	if (out_size == 0)
		return out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= out_size)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 4 >= out_size)
			break;
		snprintf(out + o, out_size - o, "\\x%02x", c);
		o += 4;
	}
	out[o] = '\0';
	return out;
}
