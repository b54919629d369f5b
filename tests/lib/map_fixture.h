/* SPDX-License-Identifier: MIT */
/* BPF maps that a unit test creates, like the ones rackbootd pins. */
#ifndef RB_TEST_MAP_FIXTURE_H
#define RB_TEST_MAP_FIXTURE_H

#include <stddef.h>

#include <bpf/bpf.h>

/*
 * Create a map and return its fd.  Skips the running cmocka test
 * without the privileges to create maps (CAP_BPF), and fails it on any
 * other error.
 */
int test_map_create(enum bpf_map_type type, size_t key, size_t value, size_t entries);

#endif
