/* SPDX-License-Identifier: MIT */
/*
 * Leveled logging to stderr.  When stderr is the journal (JOURNAL_STREAM
 * set, as systemd does for a unit), each line starts with the syslog
 * priority prefix "<N>" that journald turns into the entry's priority.
 */
#ifndef RB_LOG_H
#define RB_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_log_level {
	RB_LOG_ERR = 3,
	RB_LOG_WARN = 4,
	RB_LOG_INFO = 6,
	RB_LOG_DEBUG = 7,
};

void rb_log_init(const char *ident, enum rb_log_level max_level);
void rb_log_set_level(enum rb_log_level max_level);
int rb_log_parse_level(const char *name, enum rb_log_level *level);
/* True when rb_log writes lines of level, so that callers can skip building them. */
bool rb_log_enabled(enum rb_log_level level);
void rb_log(enum rb_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	rb_log(RB_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	rb_log(RB_LOG_WARN, __VA_ARGS__)
#define log_info(...)	rb_log(RB_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	rb_log(RB_LOG_DEBUG, __VA_ARGS__)

/*
 * A class of event that can repeat many times a second (a dropped
 * malformed packet, say).  An occurrence after a quiet period is logged
 * in full, and later ones are only counted.  rb_log_repeat_flush() logs
 * one summary line per class with the count since the last summary.  A
 * flush that finds no new occurrence ends the burst, so the next one is
 * logged in full again with its details.
 */
struct rb_log_repeat {
	const char *what;		/* static description of the class */
	enum rb_log_level level;
	uint64_t pending;		/* occurrences not yet logged */
	uint64_t total;
	int in_burst;			/* an occurrence was logged in full since the last quiet flush */
	struct rb_log_repeat *next;	/* registry of classes, set on first use */
};

#define RB_LOG_REPEAT_INIT(lvl, text) { .what = (text), .level = (lvl) }

void rb_log_repeat(struct rb_log_repeat *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rb_log_repeat_flush(void);

/*
 * Copy network bytes into out as printable ASCII: other bytes become
 * \xNN.  out is always NUL terminated; returns out.
 */
char *rb_escape(const void *data, size_t len, char *out, size_t out_size);

#endif
