// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tftp/tftp_path.h"

static bool component_is_dotdot(const char *start, size_t len)
{
	return len == 2 && start[0] == '.' && start[1] == '.';
}

int rb_tftp_path_normalize(const char *filename, char *out, size_t out_size,
			   const char **error)
{
	const char *in = filename;
	size_t len = 0;

	while (*in == '/' || *in == '\\')
		in++;
	if (*in == '\0') {
		*error = "access violation: the name is the TFTP root, not a file";
		return -EACCES;
	}

	for (; *in; in++) {
		if (len + 1 >= out_size) {
			*error = "file name too long";
			return -ENAMETOOLONG;
		}
		out[len++] = *in == '\\' ? '/' : *in;
	}
	out[len] = '\0';

	/* Check every component, the first and the last included. */
	for (size_t start = 0; start <= len;) {
		const char *slash = memchr(out + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - out) : len;

		if (component_is_dotdot(out + start, end - start)) {
			*error = "access violation: \"..\" in the file name";
			return -EACCES;
		}
		start = end + 1;
	}
	return 0;
}

/* Map an openat2 failure to the two errors a TFTP client can act on. */
static int open_error(int err, const char **error)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		*error = "file not found";
		return -ENOENT;
	case EXDEV:
		*error = "access violation: the path leaves the TFTP root";
		return -EACCES;
	case ELOOP:
		*error = "access violation: too many levels of symbolic links";
		return -EACCES;
	case EACCES:
	case EPERM:
		*error = "access violation: permission denied";
		return -EACCES;
	case ENOSYS:
		*error = "cannot open the file: openat2 needs Linux 5.6 or later";
		return -ENOSYS;
	default:
		*error = "cannot open the file";
		return -err;
	}
}

int rb_tftp_open_file(int root_fd, const char *filename, char *relative, size_t relative_size,
		      struct rb_tftp_file *file, const char **error)
{
	/*
	 * O_NONBLOCK keeps a FIFO under the root from blocking the open; the
	 * S_ISREG check below rejects it.  RESOLVE_BENEATH blocks magic links
	 * (/proc/self/fd/N) today, but openat2(2) warns that this may change,
	 * so RESOLVE_NO_MAGICLINKS states it.
	 */
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd, ret;

	ret = rb_tftp_path_normalize(filename, relative, relative_size, error);
	if (ret < 0)
		return ret;

	fd = (int)syscall(SYS_openat2, root_fd, relative, &how, sizeof(how));
	if (fd < 0)
		return open_error(errno, error);

	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		*error = "cannot read the file status";
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*error = "access violation: not a regular file";
		return -EACCES;
	}

	file->fd = fd;
	file->size = (uint64_t)st.st_size;
	return 0;
}
