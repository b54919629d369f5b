// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <http_parser.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http/http_path.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * %XX-decode in[0..len) into out.  Returns the decoded length, -EINVAL for
 * an invalid escape or a decoded NUL, -ENAMETOOLONG when out is too small.
 */
static long percent_decode(const char *in, size_t len, char *out, size_t out_size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return -EINVAL;
			hi = hex_value(in[i + 1]);
			lo = hex_value(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return -EINVAL;
		if (o + 1 >= out_size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return (long)o;
}

/*
 * Copy the segments of decoded into out, joined by '/', without empty and
 * "." segments.  Returns 0, or -EACCES for a ".." segment.
 */
static int join_segments(const char *decoded, char *out, size_t out_size)
{
	const char *p = decoded;
	size_t o = 0;

	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EACCES;
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			/* decoded fits out_size, and out never gets more bytes than decoded has. */
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	out[o < out_size ? o : out_size - 1] = '\0';
	return 0;
}

int rb_http_target_parse(const char *url, size_t len, struct rb_http_target *out,
			 const char **reason)
{
	char decoded[RB_HTTP_PATH_MAX];
	struct http_parser_url u;
	const char *path = "/";
	size_t path_len = 1;
	long n;

	memset(out, 0, sizeof(*out));
	http_parser_url_init(&u);
	if (len == 0 || http_parser_parse_url(url, len, 0, &u) != 0) {
		*reason = "the request-target is not a valid URL";
		return 400;
	}
	if (u.field_set & (1 << UF_PATH)) {
		path = url + u.field_data[UF_PATH].off;
		path_len = u.field_data[UF_PATH].len;
	}
	if (u.field_set & (1 << UF_QUERY)) {
		if (u.field_data[UF_QUERY].len >= sizeof(out->query)) {
			*reason = "the query is longer than 255 bytes";
			return 414;
		}
		memcpy(out->query, url + u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len);
	}

	if (path[0] != '/') {
		*reason = "the request-target is neither a path nor an absolute URL";
		return 400;
	}
	n = percent_decode(path, path_len, decoded, sizeof(decoded));
	if (n == -ENAMETOOLONG) {
		*reason = "the path is longer than 1023 bytes";
		return 414;
	}
	if (n < 0) {
		*reason = "the path has an invalid %-escape or a NUL byte";
		return 400;
	}
	if (join_segments(decoded, out->path, sizeof(out->path))) {
		*reason = "the path has a .. segment";
		return 403;
	}
	return 0;
}

int rb_http_query_value(const char *query, const char *name, char *out, size_t out_size)
{
	size_t name_len = strlen(name);
	const char *p = query;

	while (*p) {
		const char *end = strchr(p, '&');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
			long len = percent_decode(p + name_len + 1, n - name_len - 1, out, out_size);

			return len < 0 ? -EINVAL : 0;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return -ENOENT;
}

static int open_beneath(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int rb_http_open_file(int root_fd, const char *path, struct rb_http_file *file,
		      const char **reason)
{
	struct stat st;
	int fd;

	file->fd = -1;
	if (path[0] == '\0') {
		*reason = "the root folder is not listed";
		return 404;
	}
	fd = open_beneath(root_fd, path);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		*reason = "file not found";
		return 404;
	}
	if (fd == -EXDEV || fd == -ELOOP) {
		*reason = "the path leaves the root folder";
		return 403;
	}
	if (fd == -EACCES || fd == -EPERM) {
		*reason = "permission denied";
		return 403;
	}
	if (fd < 0) {
		*reason = "opening the file failed";
		return 500;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*reason = "not a regular file";
		return 404;
	}
	file->fd = fd;
	file->size = (uint64_t)st.st_size;
	file->mtime = st.st_mtim;
	return 0;
}
