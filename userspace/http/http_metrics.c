// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http/http_metrics.h"
#include "metrics/metrics_access.h"

/* Largest document.  Its size depends on the subnets of the config, not on the devices. */
#define RB_HTTP_METRICS_MAX_BYTES	(4U << 20)

static const struct rb_cfg_metrics *metrics_config(const struct rb_http_site *site)
{
	if (!site->metrics || !site->metrics->cfg || !site->metrics->cfg->enabled)
		return NULL;
	return site->metrics->cfg;
}

bool rb_http_metrics_target(const struct rb_http_site *site, const char *path)
{
	const struct rb_cfg_metrics *cfg = metrics_config(site);

	/* The configured path starts with '/', the root-relative path does not. */
	return cfg && strcmp(cfg->path + 1, path) == 0;
}

/* Copy the document into a new memfd.  Returns its fd or a negative errno. */
static int document_fd(const struct rb_prom_buf *b)
{
	int fd = memfd_create("rackboot-metrics", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	/* Each write moves at least one byte or fails, so len bounds the loop. */
	while (done < b->len) {
		ssize_t n = write(fd, b->data + done, b->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		done += (size_t)n;
	}
	return fd;
}

void rb_http_metrics_respond(const struct rb_http_site *site, const struct sockaddr *peer,
			     struct rb_http_response *resp, bool head_only, bool close_conn,
			     time_t now)
{
	struct rb_prom_buf b;
	const char *what;
	int err, fd;

	if (!rb_metrics_allowed(metrics_config(site), peer)) {
		rb_http_error_response(resp, 403, "the client address is not in "
				       "http/metrics/allowed-source", head_only, close_conn, now);
		return;
	}

	rb_prom_buf_init(&b, RB_HTTP_METRICS_MAX_BYTES);
	err = site->metrics->render(site->metrics->arg, site->cfg, &b, &what);
	if (err) {
		rb_http_error_response(resp, 500, what, head_only, close_conn, now);
		goto out;
	}
	fd = document_fd(&b);
	if (fd < 0) {
		/* The connection logs the reason; the errno is not worth more. */
		rb_http_error_response(resp, 500, "writing the metrics to a memfd failed", head_only,
				       close_conn, now);
		goto out;
	}

	/* The header block alone, then the memfd as the file part of the response. */
	if (rb_http_body_response(resp, 200, RB_PROM_CONTENT_TYPE, NULL, b.len, true, close_conn,
				  now)) {
		close(fd);
		rb_http_error_response(resp, 500, "the metrics header does not fit the response "
				       "buffer", head_only, close_conn, now);
		goto out;
	}
	if (head_only || b.len == 0) {
		close(fd);
		goto out;
	}
	resp->file_fd = fd;
	resp->file_offset = 0;
	resp->file_len = b.len;
out:
	rb_prom_buf_free(&b);
}
