/* SPDX-License-Identifier: MIT */
/*
 * Map a TFTP filename to a file under the TFTP root.
 *
 * Clients name files in several styles: "pxelinux.0", "/boot/x.efi",
 * "boot\\x.efi" (Windows).  Backslashes become '/', leading slashes are
 * dropped so that an absolute name is taken relative to the root, and
 * any ".." component is rejected.  The file is then opened with
 * openat2(RESOLVE_BENEATH) below the root, which also rejects a symlink
 * whose target leaves the root.
 */
#ifndef RB_TFTP_PATH_H
#define RB_TFTP_PATH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write the root-relative form of filename into out.  Returns 0, or
 * -EACCES with *error set when the name contains a ".." component or
 * names the root itself, or -ENAMETOOLONG when out is too small.
 */
int rb_tftp_path_normalize(const char *filename, char *out, size_t out_size,
			   const char **error);

/* An opened file below the root. */
struct rb_tftp_file {
	int fd;
	uint64_t size;	/* bytes, from fstat at open */
};

/*
 * Open filename read-only below root_fd (an O_PATH or O_DIRECTORY file
 * descriptor of the TFTP root).  relative receives the normalized name
 * for logs.  Returns 0, or with *error set:
 *   -ENOENT  file not found (also a missing folder on the way);
 *   -EACCES  ".." component, symlink or absolute name leaving the root,
 *            not a regular file, or permission denied;
 *   other negative errno when open or fstat failed otherwise.
 */
int rb_tftp_open_file(int root_fd, const char *filename, char *relative, size_t relative_size,
		      struct rb_tftp_file *file, const char **error);

#endif
