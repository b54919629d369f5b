// SPDX-License-Identifier: MIT
/*
 * The XDP block store (userspace/tftp/tftp_cache.c) on real BPF maps:
 * blocks laid out one per slot with zeros after them, the file table
 * entry XDP reads, sharing of a copy, reloading of a changed file,
 * eviction of unused copies, and the refusal of a file that does not
 * fit while its space is in use.  Skipped without the right to create
 * BPF maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "rackboot/tftp_maps.h"
#include "tftp/tftp_cache.h"

#define SLOTS	8

struct fixture {
	int files_fd;
	int blocks_fd;
	struct tftp_cache *cache;
	char dir[64];
};

static int setup(void **state)
{
	LIBBPF_OPTS(bpf_map_create_opts, mmapable, .map_flags = BPF_F_MMAPABLE);
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->files_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, sizeof(struct rb_tftp_cached_file),
				     RB_MAX_TFTP_FILES, NULL);
	f->blocks_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, sizeof(struct rb_tftp_block),
				      SLOTS, &mmapable);
	if (f->files_fd < 0 || f->blocks_fd < 0) {
		fprintf(stderr, "# creating BPF maps failed (%s): needs root\n", strerror(errno));
		exit(77);
	}
	assert_int_equal(tftp_cache_new(f->files_fd, f->blocks_fd, SLOTS, &f->cache), 0);
	strcpy(f->dir, "/tmp/rb-tftp-cache-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	tftp_cache_free(f->cache);
	close(f->files_fd);
	close(f->blocks_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static uint8_t pattern(size_t i, uint8_t seed)
{
	return (uint8_t)(i * 13 + seed);
}

/* Write name with size bytes of pattern(seed), open it and fstat it. */
static int make_file(struct fixture *f, const char *name, size_t size, uint8_t seed,
		     struct stat *st)
{
	char path[128];
	uint8_t *buf = malloc(size + 1);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < size; i++)
		buf[i] = pattern(i, seed);
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	free(buf);
	assert_int_equal(fstat(fd, st), 0);
	return fd;
}

static struct rb_tftp_cached_file table_entry(struct fixture *f, uint32_t id)
{
	struct rb_tftp_cached_file entry;

	assert_int_equal(bpf_map_lookup_elem(f->files_fd, &id, &entry), 0);
	return entry;
}

/* Check every block of a copy against pattern(seed), and the zeros after each. */
static void assert_blocks(struct fixture *f, const struct tftp_cache_ref *ref, size_t size,
			  uint32_t blksize, uint8_t seed)
{
	for (uint64_t b = 1; b <= ref->n_blocks; b++) {
		size_t len, expected = b < ref->n_blocks ? blksize : size - (b - 1) * blksize;
		const uint8_t *data = tftp_cache_block(f->cache, ref->id, b, &len);

		assert_non_null(data);
		assert_int_equal(len, expected);
		for (size_t i = 0; i < len; i++)
			assert_int_equal(data[i], pattern((b - 1) * blksize + i, seed));
		for (size_t i = len; i < RB_TFTP_SLOT_SIZE; i++)
			assert_int_equal(data[i], 0);
	}
	assert_null(tftp_cache_block(f->cache, ref->id, ref->n_blocks + 1, &(size_t){ 0 }));
}

/* 1300 bytes in 512-byte blocks: three slots and a table entry XDP can use. */
static void test_load_short_file(void **state)
{
	struct fixture *f = *state;
	struct tftp_cache_ref ref;
	struct rb_tftp_cached_file entry;
	struct stat st;
	int fd = make_file(f, "a.bin", 1300, 1, &st);

	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &ref), 0);
	assert_int_equal(ref.n_blocks, 3);
	assert_int_equal(ref.size, 1300);
	assert_blocks(f, &ref, 1300, 512, 1);

	entry = table_entry(f, ref.id);
	assert_int_equal(entry.size, 1300);
	assert_int_equal(entry.n_blocks, 3);
	assert_int_equal(entry.blksize, 512);
	assert_int_equal(entry.gen, ref.gen);
	assert_true(entry.gen != 0);
	tftp_cache_put(f->cache, ref.id);
	close(fd);
}

/* A multiple of blksize ends with an empty block. */
static void test_exact_multiple(void **state)
{
	struct fixture *f = *state;
	struct tftp_cache_ref ref;
	struct stat st;
	int fd = make_file(f, "b.bin", 1024, 2, &st);

	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &ref), 0);
	assert_int_equal(ref.n_blocks, 3);
	assert_blocks(f, &ref, 1024, 512, 2);
	tftp_cache_put(f->cache, ref.id);
	close(fd);
}

/* Two transfers of one file share its copy; another blksize gets its own. */
static void test_shared_copy(void **state)
{
	struct fixture *f = *state;
	struct tftp_cache_ref one, two, other;
	struct stat st;
	int fd = make_file(f, "c.bin", 1000, 3, &st);

	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &one), 0);
	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &two), 0);
	assert_int_equal(one.id, two.id);
	assert_int_equal(one.gen, two.gen);

	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 1000, &other), 0);
	assert_int_not_equal(other.id, one.id);
	assert_int_equal(other.n_blocks, 2);
	assert_blocks(f, &other, 1000, 1000, 3);

	tftp_cache_put(f->cache, one.id);
	tftp_cache_put(f->cache, two.id);
	tftp_cache_put(f->cache, other.id);
	close(fd);
}

/* A file whose size or time changed is loaded again under a new generation. */
static void test_changed_file_reloaded(void **state)
{
	struct fixture *f = *state;
	struct tftp_cache_ref old, fresh;
	struct stat st;
	int fd = make_file(f, "d.bin", 600, 4, &st);

	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &old), 0);
	close(fd);

	fd = make_file(f, "d.bin", 700, 5, &st);
	assert_int_equal(tftp_cache_get(f->cache, fd, &st, 512, &fresh), 0);
	assert_int_not_equal(fresh.gen, old.gen);
	assert_int_equal(fresh.size, 700);
	assert_blocks(f, &fresh, 700, 512, 5);

	/* The old copy stays while its transfer runs, and is freed after it. */
	assert_int_equal(table_entry(f, old.id).gen, old.gen);
	tftp_cache_put(f->cache, old.id);
	assert_int_equal(table_entry(f, old.id).gen, 0);
	tftp_cache_put(f->cache, fresh.id);
	close(fd);
}

/* A file without free slots is refused while the copies in its way are in use, and fits after eviction. */
static void test_full_store(void **state)
{
	struct fixture *f = *state;
	struct tftp_cache_ref small, big;
	struct stat small_st, big_st;
	int small_fd = make_file(f, "e.bin", 3 * 512 - 1, 6, &small_st);
	int big_fd = make_file(f, "f.bin", 6 * 512, 7, &big_st);

	/* 3 slots in use, 7 needed of 8: refused while the small copy is used. */
	assert_int_equal(tftp_cache_get(f->cache, small_fd, &small_st, 512, &small), 0);
	assert_int_equal(tftp_cache_get(f->cache, big_fd, &big_st, 512, &big), -ENOSPC);

	/* Unused, the small copy is evicted to make room. */
	tftp_cache_put(f->cache, small.id);
	assert_int_equal(tftp_cache_get(f->cache, big_fd, &big_st, 512, &big), 0);
	assert_int_equal(big.n_blocks, 7);
	assert_blocks(f, &big, 6 * 512, 512, 7);
	assert_int_equal(table_entry(f, small.id).gen == small.gen, 0);
	tftp_cache_put(f->cache, big.id);

	/* More blocks than the whole store, and a blksize above a slot. */
	close(big_fd);
	big_fd = make_file(f, "g.bin", 8 * 512, 8, &big_st);
	assert_int_equal(tftp_cache_get(f->cache, big_fd, &big_st, 512, &big), -ENOSPC);
	assert_int_equal(tftp_cache_get(f->cache, big_fd, &big_st, RB_TFTP_XDP_BLKSIZE_MAX + 1, &big),
			 -EINVAL);
	close(small_fd);
	close(big_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_short_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_multiple, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_file_reloaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_store, setup, teardown),
	};

	return cmocka_run_group_tests_name("tftp_cache", tests, NULL, NULL);
}
