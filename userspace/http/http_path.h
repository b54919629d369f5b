/* SPDX-License-Identifier: MIT */
/*
 * Map a request-target to a file under the HTTP root.
 *
 * The path of the target (origin form "/a/b" or absolute form
 * "http://host/a/b") is %XX-decoded, and a decoded NUL, an invalid
 * escape or a ".." segment rejects it.  Empty and "." segments are
 * dropped.  The file is then opened with openat2(RESOLVE_BENEATH) below
 * the root, so a symlink whose target leaves the root fails too.
 */
#ifndef RB_HTTP_PATH_H
#define RB_HTTP_PATH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RB_HTTP_PATH_MAX	1024	/* decoded path bytes plus NUL */
#define RB_HTTP_QUERY_MAX	256	/* query bytes plus NUL */

/* The parts of a request-target that rackboot uses. */
struct rb_http_target {
	char path[RB_HTTP_PATH_MAX];	/* decoded, root-relative, no leading '/' */
	char query[RB_HTTP_QUERY_MAX];	/* undecoded, "" when absent */
};

/*
 * Split and decode url (len bytes).  Returns 0, or the HTTP status to
 * respond with (400, 403 or 414) with *reason set to a static text.
 */
int rb_http_target_parse(const char *url, size_t len, struct rb_http_target *out,
			 const char **reason);

/*
 * Find the value of name in an undecoded query ("a=1&mac=..."), decoded
 * into out.  Returns 0, or -ENOENT, or -EINVAL for a value that does not
 * fit or does not decode.
 */
int rb_http_query_value(const char *query, const char *name, char *out, size_t out_size);

/* An opened file below the root. */
struct rb_http_file {
	int fd;
	uint64_t size;
	struct timespec mtime;
};

/*
 * Open path (from rb_http_target_parse) read-only below root_fd.
 * Returns 0, or the HTTP status to respond with: 404 for a missing file, a
 * folder or anything else that is not a regular file, 403 for a path
 * that leaves the root or a file without read permission, 500 for other
 * failures.  *reason is set to a static text on failure.
 */
int rb_http_open_file(int root_fd, const char *path, struct rb_http_file *file,
		      const char **reason);

#endif
