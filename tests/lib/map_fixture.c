// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/map_fixture.h"

int test_map_create(enum bpf_map_type type, size_t key, size_t value, size_t entries)
{
	int fd = bpf_map_create(type, NULL, (__u32)key, (__u32)value, (__u32)entries, NULL);

	if (fd < 0 && (errno == EPERM || errno == EACCES))
		skip();
	assert_true(fd >= 0);
	return fd;
}
