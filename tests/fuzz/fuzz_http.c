// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for HTTP request parsing and handling.  The first
 * input byte picks where the rest is split into two reads, as a stream
 * arriving in two segments.  Every request parsed from the stream gets
 * a response from rb_http_handle() against a small root folder and an
 * inventory of one device, and every response is checked against the
 * response contract.  The sanitizers catch reads and writes outside the
 * buffers, and a broken contract traps.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "http/http_handle.h"
#include "http/http_request.h"

static struct rb_http_site site = { .root_fd = -1 };

static void write_file(const char *root, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	if (!f)
		__builtin_trap();
	fputs(text, f);
	fclose(f);
}

/* A root folder with two files and an escaping symlink, and one device with an iPXE profile. */
static void init_site(void)
{
	static struct rb_cfg_profile profile = {
		.name = "linux",
		.ipxe_kernel = "vmlinuz",
		.ipxe_initrd = "initrd.img",
		.ipxe_cmdline = "console=ttyS0 host={hostname} ip={ipv4} {mac} {",
	};
	static struct rb_cfg_device device = {
		.mac = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x01 },
		.ipv4 = 0x650dd50a,
		.hostname = "node01",
	};
	static struct rb_config cfg = { .profiles = &profile, .n_profiles = 1,
					.devices = &device, .n_devices = 1 };
	char dir[] = "/tmp/rb-fuzz-http.XXXXXX", path[64];

	if (!mkdtemp(dir))
		__builtin_trap();
	write_file(dir, "k10.bin", "0123456789");
	write_file(dir, "boot.ipxe", "#!ipxe\n");
	snprintf(path, sizeof(path), "%s/escape", dir);
	if (symlink("/etc/passwd", path) < 0)
		__builtin_trap();
	site.root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (site.root_fd < 0 || rb_cfg_index_devices(&cfg) < 0)
		__builtin_trap();
	site.cfg = &cfg;
}

static void check_response(struct rb_http_response *resp)
{
	if (resp->status < 200 || resp->status > 599)
		__builtin_trap();
	if (resp->head_len == 0 || resp->head_len > sizeof(resp->head))
		__builtin_trap();
	if (memcmp(resp->head, "HTTP/1.1 ", 9) != 0)
		__builtin_trap();
	if (resp->status >= 400 && resp->file_fd >= 0)
		__builtin_trap();
	if (resp->file_fd >= 0 && (resp->file_len == 0 || resp->file_len != resp->body_len))
		__builtin_trap();
	if (resp->inline_body > resp->head_len)
		__builtin_trap();
	rb_http_response_release(resp);
}

/* Parse len bytes of data and respond to each complete request.  Returns 0 once the stream is closed. */
static int feed(struct rb_http_parser *p, const char *data, size_t len)
{
	struct rb_http_response resp;

	while (len > 0) {
		size_t used;
		enum rb_http_parse_result r = rb_http_parse(p, data, len, &used);

		if (used > len)
			__builtin_trap();
		if (r == RB_HTTP_PARSE_MORE)
			return 1;
		if (r == RB_HTTP_PARSE_ERROR) {
			if (p->req.error_status < 400)
				__builtin_trap();
			rb_http_handle_error(&p->req, &resp, 0);
			check_response(&resp);
			return 0;
		}
		if (p->req.url_len != strlen(p->req.url) || p->req.url_len > RB_HTTP_URL_MAX)
			__builtin_trap();
		rb_http_handle(&site, &p->req, NULL, &resp, 0);
		check_response(&resp);
		if (resp.close)
			return 0;
		rb_http_parser_next(p);
		data += used;
		len -= used;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_http_parser *p;
	size_t split;

	if (site.root_fd < 0)
		init_site();
	if (size < 1)
		return 0;
	split = data[0] < size ? data[0] : size - 1;
	data++;
	size--;

	p = malloc(sizeof(*p));
	if (!p)
		return 0;
	rb_http_parser_init(p);
	if (feed(p, (const char *)data, split))
		feed(p, (const char *)data + split, size - split);
	free(p);
	return 0;
}
