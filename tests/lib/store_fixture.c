// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_fixture.h"

void test_store_create(char *dir, size_t size, const char *prefix, struct rb_store **st)
{
	int len = snprintf(dir, size, "/tmp/%s.XXXXXX", prefix);

	assert_true(len > 0 && (size_t)len < size);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rb_store_open(dir, false, st), 0);
}

void test_store_remove(const char *dir, struct rb_store *st)
{
	static const char *const files[] = { "data.mdb", "lock.mdb" };
	char path[256];

	rb_store_close(st);

	/* Only rmdir is checked, because it fails while any file is left. */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}
