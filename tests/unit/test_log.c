// SPDX-License-Identifier: MIT
/* Repeat summaries of userspace/common/log.c, read back from stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"

static char captured[16384];

/* Run fn with stderr sent to a temporary file; keep what it wrote. */
static void capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
}

static int count_lines(const char *needle)
{
	int lines = 0;

	for (const char *p = captured; (p = strstr(p, needle)); p++)
		lines++;
	return lines;
}

static struct rb_log_repeat flood = RB_LOG_REPEAT_INIT(RB_LOG_WARN, "test flood");

static void burst_then_quiet(void)
{
	for (int i = 0; i < 100; i++)
		rb_log_repeat(&flood, "test flood: event %d", i);
	rb_log_repeat_flush();	/* one summary of 99 */
	rb_log_repeat_flush();	/* quiet: ends the burst */
	rb_log_repeat(&flood, "test flood: event %d", 100);
	rb_log_repeat_flush();	/* nothing pending */
}

static void test_repeat_summarised(void **state)
{
	capture(burst_then_quiet);
	assert_int_equal(count_lines("test flood: event 0"), 1);
	assert_int_equal(count_lines("test flood: event 1\n"), 0);
	assert_int_equal(count_lines("test flood: 99 more since the last summary (100 in all)"), 1);
	assert_int_equal(count_lines("test flood: event 100"), 1);
	assert_int_equal(count_lines("test flood"), 3);
	(void)state;
}

static void test_escape_network_bytes(void **state)
{
	char out[64];

	assert_string_equal(rb_escape("a\\b\n\x7f", 5, out, sizeof(out)), "a\\x5cb\\x0a\\x7f");
	assert_string_equal(rb_escape("abcdef", 6, out, 4), "abc");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeat_summarised),
		cmocka_unit_test(test_escape_network_bytes),
	};

	rb_log_init("test", RB_LOG_INFO);
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
