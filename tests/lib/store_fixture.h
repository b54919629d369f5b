/* SPDX-License-Identifier: MIT */
/* A writable lease store in a temporary folder of its own, for unit tests. */
#ifndef RB_TEST_STORE_FIXTURE_H
#define RB_TEST_STORE_FIXTURE_H

#include <stddef.h>

struct rb_store;

/*
 * Create the folder /tmp/<prefix>.XXXXXX, write its path into dir (size
 * bytes) and open a writable store in it into *st.  A failure fails the
 * running cmocka test.
 */
void test_store_create(char *dir, size_t size, const char *prefix, struct rb_store **st);

/*
 * Close st (NULL is fine) and remove the folder dir with the two LMDB
 * files in it.  Fails the running cmocka test when the folder is left
 * behind, for example because it contains another file.
 */
void test_store_remove(const char *dir, struct rb_store *st);

#endif
