// SPDX-License-Identifier: MIT
/*
 * HTTP request handling without sockets.  Request parsing is checked
 * with a table of valid and rejected requests, pipelining and
 * byte-by-byte delivery.  Then Range values, request-target decoding and
 * the MAC names of the iPXE scripts, and last rb_http_handle() on a
 * temporary root with escaping symlinks and a config with an inventory.  Run from the repository root.
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

#include <cmocka.h>

#include "config/config.h"
#include "http/http_handle.h"
#include "http/http_ipxe.h"
#include "http/http_path.h"
#include "http/http_range.h"
#include "http/http_request.h"
#include "http/http_response.h"

#define NOW	((time_t)1764892800)	/* Fri, 05 Dec 2025 00:00:00 GMT */

struct parse_case {
	const char *name;
	const char *text;
	enum rb_http_parse_result result;
	int status;		/* error status, 0 for a valid request */
	enum http_method method;
	bool keep_alive;
	const char *url;
	const char *range;	/* NULL: no Range header */
};

static const struct parse_case parse_cases[] = {
	{ "GET HTTP/1.1", "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, true, "/a", NULL },
	{ "HEAD HTTP/1.1", "HEAD /a/b.efi HTTP/1.1\r\nHost: x\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_HEAD, true, "/a/b.efi", NULL },
	{ "Connection: close", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, false, "/", NULL },
	{ "HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, false, "/", NULL },
	{ "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, true, "/", NULL },
	{ "Range kept", "GET /f HTTP/1.1\r\nHost: x\r\nrAnGe: bytes=1-2\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, true, "/f", "bytes=1-2" },
	{ "two Range lines joined", "GET /f HTTP/1.1\r\nHost: x\r\nRange: bytes=1-2\r\n"
	  "Range: bytes=4-5\r\n\r\n", RB_HTTP_PARSE_DONE, 0, HTTP_GET, true, "/f",
	  "bytes=1-2,bytes=4-5" },
	{ "Content-Length 0 accepted", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
	  RB_HTTP_PARSE_DONE, 0, HTTP_GET, true, "/", NULL },
	{ "incomplete", "GET /a HTTP/1.1\r\nHost: x\r\n",
	  RB_HTTP_PARSE_MORE, 0, HTTP_GET, false, NULL, NULL },
	{ "POST", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx",
	  RB_HTTP_PARSE_ERROR, 405, 0, false, NULL, NULL },
	{ "DELETE", "DELETE /a HTTP/1.1\r\nHost: x\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 405, 0, false, NULL, NULL },
	{ "GET with a body", "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
	{ "GET chunked", "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
	{ "HTTP/1.1 without Host", "GET /a HTTP/1.1\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
	{ "HTTP/2.0", "GET /a HTTP/2.0\r\nHost: x\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 505, 0, false, NULL, NULL },
	{ "garbage", "\x01\x02\x03 / HTTP/1.1\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
	{ "bad version", "GET / HTTP/x.1\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
	{ "space in the header name", "GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
	  RB_HTTP_PARSE_ERROR, 400, 0, false, NULL, NULL },
};

static enum rb_http_parse_result parse_all(struct rb_http_parser *p, const char *text,
					   size_t *used)
{
	rb_http_parser_init(p);
	return rb_http_parse(p, text, strlen(text), used);
}

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct rb_http_parser p;
		size_t used;
		enum rb_http_parse_result r = parse_all(&p, c->text, &used);

		print_message("# parse case: %s\n", c->name);
		assert_int_equal(r, c->result);
		assert_int_equal(p.req.error_status, c->status);
		if (r != RB_HTTP_PARSE_DONE)
			continue;
		assert_int_equal(used, strlen(c->text));
		assert_int_equal(p.req.method, c->method);
		assert_int_equal(p.req.keep_alive, c->keep_alive);
		assert_string_equal(p.req.url, c->url);
		assert_int_equal(p.req.has_range, c->range != NULL);
		if (c->range)
			assert_string_equal(p.req.range, c->range);
	}
}

/* A request line over RB_HTTP_URL_MAX, too many and too long header lines. */
static void test_parse_limits(void **state)
{
	char *text = malloc(RB_HTTP_HEADERS_MAX * 2);
	struct rb_http_parser p;
	size_t used, n;

	assert_non_null(text);
	n = (size_t)sprintf(text, "GET /");
	memset(text + n, 'a', RB_HTTP_URL_MAX);
	strcpy(text + n + RB_HTTP_URL_MAX, " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(parse_all(&p, text, &used), RB_HTTP_PARSE_ERROR);
	assert_int_equal(p.req.error_status, 414);

	n = (size_t)sprintf(text, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < RB_HTTP_HEADER_COUNT_MAX; i++)
		n += (size_t)sprintf(text + n, "X-%d: v\r\n", i);
	strcpy(text + n, "\r\n");
	assert_int_equal(parse_all(&p, text, &used), RB_HTTP_PARSE_ERROR);
	assert_int_equal(p.req.error_status, 431);

	n = (size_t)sprintf(text, "GET / HTTP/1.1\r\nHost: x\r\nX-Long: ");
	memset(text + n, 'v', RB_HTTP_HEADERS_MAX);
	strcpy(text + n + RB_HTTP_HEADERS_MAX, "\r\n\r\n");
	assert_int_equal(parse_all(&p, text, &used), RB_HTTP_PARSE_ERROR);
	assert_int_equal(p.req.error_status, 431);
	free(text);
}

/* Three requests in one buffer come out one at a time, in order. */
static void test_parse_pipelined(void **state)
{
	static const char text[] = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
				   "HEAD /2 HTTP/1.1\r\nHost: x\r\n\r\n"
				   "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	static const char *const urls[] = { "/1", "/2", "/3" };
	struct rb_http_parser p;
	size_t off = 0, used;

	rb_http_parser_init(&p);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rb_http_parse(&p, text + off, sizeof(text) - 1 - off, &used),
				 RB_HTTP_PARSE_DONE);
		assert_string_equal(p.req.url, urls[i]);
		assert_int_equal(p.req.keep_alive, i < 2);
		off += used;
		rb_http_parser_next(&p);
	}
	assert_int_equal(off, sizeof(text) - 1);
}

/* One byte per call: the parser keeps state across calls. */
static void test_parse_byte_by_byte(void **state)
{
	static const char text[] = "GET /some/long/path.efi HTTP/1.1\r\nHost: x\r\n"
				   "Range: bytes=10-20\r\n\r\n";
	struct rb_http_parser p;
	enum rb_http_parse_result r = RB_HTTP_PARSE_MORE;
	size_t used;

	rb_http_parser_init(&p);
	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		r = rb_http_parse(&p, text + i, 1, &used);
		assert_int_equal(used, 1);
		if (i < sizeof(text) - 2)
			assert_int_equal(r, RB_HTTP_PARSE_MORE);
	}
	assert_int_equal(r, RB_HTTP_PARSE_DONE);
	assert_string_equal(p.req.url, "/some/long/path.efi");
	assert_string_equal(p.req.range, "bytes=10-20");
}

struct range_case {
	const char *value;
	uint64_t size;
	enum rb_http_range_kind kind;
	uint64_t first;
	uint64_t last;
};

static const struct range_case range_cases[] = {
	{ "bytes=0-99", 1000, RB_HTTP_RANGE_PARTIAL, 0, 99 },
	{ "bytes=100-", 1000, RB_HTTP_RANGE_PARTIAL, 100, 999 },
	{ "bytes=-100", 1000, RB_HTTP_RANGE_PARTIAL, 900, 999 },
	{ "bytes=-5000", 1000, RB_HTTP_RANGE_PARTIAL, 0, 999 },
	{ "bytes=990-5000", 1000, RB_HTTP_RANGE_PARTIAL, 990, 999 },
	{ "BYTES=5-5 ", 1000, RB_HTTP_RANGE_PARTIAL, 5, 5 },
	{ "bytes = 5-5", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "bytes=1000-", 1000, RB_HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-0", 1000, RB_HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=0-", 0, RB_HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-1", 0, RB_HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=0-1,5-6", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "bytes=5-1", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "bytes=-", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "items=0-1", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "bytes=99999999999999999999-", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
	{ "", 1000, RB_HTTP_RANGE_FULL, 0, 0 },
};

static void test_range_table(void **state)
{
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		const struct range_case *c = &range_cases[i];
		struct rb_http_range r = rb_http_range_parse(c->value, strlen(c->value), c->size);

		print_message("# range case: '%s' of %llu bytes\n", c->value,
			      (unsigned long long)c->size);
		assert_int_equal(r.kind, c->kind);
		if (c->kind != RB_HTTP_RANGE_PARTIAL)
			continue;
		assert_int_equal(r.first, c->first);
		assert_int_equal(r.last, c->last);
	}
}

struct target_case {
	const char *url;
	int status;
	const char *path;
	const char *query;
};

static const struct target_case target_cases[] = {
	{ "/boot/ipxe.efi", 0, "boot/ipxe.efi", "" },
	{ "//boot/./x.efi", 0, "boot/x.efi", "" },
	{ "/with%20space.txt", 0, "with space.txt", "" },
	{ "/ipxe/boot.ipxe?mac=52%3A54", 0, "ipxe/boot.ipxe", "mac=52%3A54" },
	{ "http://10.0.0.1:8080/a/b", 0, "a/b", "" },
	{ "/", 0, "", "" },
	{ "/../etc/passwd", 403, NULL, NULL },
	{ "/a/%2e%2e/%2e%2e/etc", 403, NULL, NULL },
	{ "/a/%2E%2E%2Fb", 403, NULL, NULL },
	{ "/a%00b", 400, NULL, NULL },
	{ "/a%zzb", 400, NULL, NULL },
	{ "/a%4", 400, NULL, NULL },
	{ "*", 400, NULL, NULL },
};

static void test_target_table(void **state)
{
	for (size_t i = 0; i < sizeof(target_cases) / sizeof(target_cases[0]); i++) {
		const struct target_case *c = &target_cases[i];
		struct rb_http_target t;
		const char *reason = NULL;
		int status = rb_http_target_parse(c->url, strlen(c->url), &t, &reason);

		print_message("# target case: %s\n", c->url);
		assert_int_equal(status, c->status);
		if (status) {
			assert_non_null(reason);
			continue;
		}
		assert_string_equal(t.path, c->path);
		assert_string_equal(t.query, c->query);
	}
}

static void test_mac_names(void **state)
{
	static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0x21, 0x30, 0x0a };
	uint8_t mac[6];
	int is_script;

	assert_int_equal(rb_http_parse_mac("52:54:00:21:30:0a", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(rb_http_parse_mac("52-54-00-21-30-0A", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(rb_http_parse_mac("52540021300a", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(rb_http_parse_mac("52:54:00:21:30", mac), -EINVAL);
	assert_int_equal(rb_http_parse_mac("52:54-00:21:30:0a", mac), -EINVAL);
	assert_int_equal(rb_http_parse_mac("5g:54:00:21:30:0a", mac), -EINVAL);

	assert_int_equal(rb_http_ipxe_target("ipxe/52:54:00:21:30:0a.ipxe", "", mac, &is_script), 0);
	assert_true(is_script);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(rb_http_ipxe_target("ipxe/boot.ipxe", "x=1&mac=52-54-00-21-30-0a", mac,
					     &is_script), 0);
	assert_true(is_script);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(rb_http_ipxe_target("ipxe/boot.ipxe", "", mac, &is_script), -EINVAL);
	assert_true(is_script);
	assert_int_equal(rb_http_ipxe_target("ipxe/nonsense.ipxe", "", mac, &is_script), 0);
	assert_false(is_script);
	assert_int_equal(rb_http_ipxe_target("ipxe/boot.ipxe", "mac=zz", mac, &is_script), -EINVAL);
	assert_true(is_script);
	assert_int_equal(rb_http_ipxe_target("ipxe/sub/x.ipxe", "", mac, &is_script), 0);
	assert_false(is_script);
	assert_int_equal(rb_http_ipxe_target("boot.ipxe", "", mac, &is_script), 0);
	assert_false(is_script);
}

/* A temporary root, a file outside it, and a config with two devices. */
struct fixture {
	char dir[64];
	char root[96];
	int root_fd;
	struct rb_config *cfg;
	struct rb_http_site site;
};

#define CONFIG_JSON \
	"{\"rackboot:rackboot\": {" \
	"\"interfaces\": {\"interface\": [{\"name\": \"rb0\"}]}," \
	"\"dhcpv4\": {\"subnet\": [{\"name\": \"lab\", \"prefix\": \"10.213.0.0/24\"," \
	" \"interface\": \"rb0\", \"server-address\": \"10.213.0.1\"}]}," \
	"\"boot-profiles\": {\"profile\": [" \
	" {\"name\": \"linux\", \"default-boot-file\": \"pxelinux.0\"," \
	"  \"ipxe-kernel\": \"http://10.213.0.1/vmlinuz\", \"ipxe-initrd\": \"initrd.img\"," \
	"  \"ipxe-cmdline\": \"console=ttyS0 hostname={hostname} mac={mac} ip={ipv4} ip6={ipv6}" \
	" p={profile} {other} {host\"}," \
	" {\"name\": \"bare\", \"default-boot-file\": \"pxelinux.0\"}]}," \
	"\"http\": {\"root\": \"/srv/http\", \"port\": 8080}," \
	"\"inventory\": {\"device\": [" \
	" {\"mac\": \"52:54:00:21:30:01\", \"ipv4-address\": \"10.213.0.101\"," \
	"  \"hostname\": \"node01\", \"profile\": \"linux\"}," \
	" {\"mac\": \"52:54:00:21:30:02\", \"ipv4-address\": \"10.213.0.102\"," \
	"  \"profile\": \"bare\"}]}}}"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct rb_cfg_errors errs = { 0 };
	char path[160];

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rb-test-http.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->dir);
	assert_int_equal(mkdir(fx->root, 0755), 0);
	snprintf(path, sizeof(path), "%s/sub", fx->root);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(fx->root, "k10.bin", "0123456789");
	write_file(fx->root, "sub/x.efi", "efi");
	write_file(fx->dir, "secret.txt", "secret");
	snprintf(path, sizeof(path), "%s/escape", fx->root);
	assert_int_equal(symlink("../secret.txt", path), 0);
	snprintf(path, sizeof(path), "%s/inside", fx->root);
	assert_int_equal(symlink("k10.bin", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", fx->root);
	assert_int_equal(mkfifo(path, 0644), 0);

	fx->root_fd = open(fx->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->root_fd >= 0);
	assert_int_equal(rb_config_load_string(CONFIG_JSON, &fx->cfg, &errs), 0);
	rb_cfg_errors_free(&errs);
	fx->site.root_fd = fx->root_fd;
	fx->site.cfg = fx->cfg;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	close(fx->root_fd);
	rb_config_free(fx->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Respond to one request text with the fixture.  resp keeps its file open. */
static void respond(const struct fixture *fx, const char *text, struct rb_http_response *resp)
{
	struct rb_http_parser p;
	size_t used;

	if (parse_all(&p, text, &used) == RB_HTTP_PARSE_DONE)
		rb_http_handle(&fx->site, &p.req, NULL, resp, NOW);
	else
		rb_http_handle_error(&p.req, resp, NOW);
}

/* The generated body of resp: what follows the blank line. */
static const char *body_of(struct rb_http_response *resp)
{
	char *end;

	resp->head[resp->head_len < sizeof(resp->head) ? resp->head_len : sizeof(resp->head) - 1] = '\0';
	end = strstr(resp->head, "\r\n\r\n");
	assert_non_null(end);
	return end + 4;
}

static void test_config_http(void **state)
{
	const struct fixture *fx = *state;

	assert_true(fx->cfg->http.enabled);
	assert_string_equal(fx->cfg->http.root, "/srv/http");
	assert_int_equal(fx->cfg->http.port, 8080);
	assert_int_equal(fx->cfg->http.workers, 0);
	assert_int_equal(fx->cfg->http.max_connections, 1024);
	assert_int_equal(fx->cfg->http.idle_timeout_s, 30);
	assert_false(fx->cfg->http.https_enabled);
}

static void test_handle_file(void **state)
{
	const struct fixture *fx = *state;
	struct rb_http_response resp;

	respond(fx, "GET /k10.bin HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.file_fd >= 0);
	assert_int_equal(resp.file_offset, 0);
	assert_int_equal(resp.file_len, 10);
	assert_true(resp.full_file);
	assert_false(resp.close);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(resp.head, "\r\nContent-Length: 10\r\n"));
	assert_non_null(strstr(resp.head, "\r\nContent-Type: application/octet-stream\r\n"));
	assert_non_null(strstr(resp.head, "\r\nDate: Fri, 05 Dec 2025 00:00:00 GMT\r\n"));
	assert_non_null(strstr(resp.head, "\r\nLast-Modified: "));
	rb_http_response_release(&resp);

	respond(fx, "HEAD /sub/x.efi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &resp);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.file_fd, -1);
	assert_int_equal(resp.file_len, 0);
	assert_true(resp.close);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nContent-Length: 3\r\n"));
	assert_non_null(strstr(resp.head, "\r\nContent-Type: application/efi\r\n"));
	assert_non_null(strstr(resp.head, "\r\nConnection: close\r\n"));
	assert_string_equal(body_of(&resp), "");
}

static void test_handle_http10(void **state)
{
	const struct fixture *fx = *state;
	struct rb_http_response resp;

	respond(fx, "GET /k10.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &resp);
	assert_false(resp.close);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nConnection: keep-alive\r\n"));
	rb_http_response_release(&resp);

	respond(fx, "GET /k10.bin HTTP/1.0\r\n\r\n", &resp);
	assert_true(resp.close);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nConnection: close\r\n"));
	rb_http_response_release(&resp);

	respond(fx, "GET /k10.bin HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	resp.head[resp.head_len] = '\0';
	assert_null(strstr(resp.head, "Connection:"));
	rb_http_response_release(&resp);
}

static void test_handle_ranges(void **state)
{
	const struct fixture *fx = *state;
	struct rb_http_response resp;

	respond(fx, "GET /k10.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-3\r\n\r\n", &resp);
	assert_int_equal(resp.status, 206);
	assert_int_equal(resp.file_offset, 7);
	assert_int_equal(resp.file_len, 3);
	assert_false(resp.full_file);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nContent-Range: bytes 7-9/10\r\n"));
	assert_non_null(strstr(resp.head, "\r\nContent-Length: 3\r\n"));
	rb_http_response_release(&resp);

	respond(fx, "GET /k10.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=10-\r\n\r\n", &resp);
	assert_int_equal(resp.status, 416);
	assert_int_equal(resp.file_fd, -1);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nContent-Range: bytes */10\r\n"));
	assert_non_null(strstr(resp.head, "\r\nContent-Length: 0\r\n"));

	/* HEAD ignores Range. */
	respond(fx, "HEAD /k10.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n", &resp);
	assert_int_equal(resp.status, 200);
}

struct status_case {
	const char *text;
	int status;
};

static const struct status_case status_cases[] = {
	{ "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
	{ "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
	{ "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
	{ "GET /fifo HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
	{ "GET /escape HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
	{ "GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
	{ "GET /sub/%2e%2e/%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
	{ "GET /inside HTTP/1.1\r\nHost: x\r\n\r\n", 200 },
	{ "PUT /k10.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", 405 },
	{ "GET /k10.bin HTTP/3.0\r\nHost: x\r\n\r\n", 505 },
	{ "GET /ipxe/zz.ipxe HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
	{ "GET /ipxe/boot.ipxe?mac=zz HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
};

static void test_handle_statuses(void **state)
{
	const struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		struct rb_http_response resp;

		print_message("# status case %zu\n", i);
		respond(fx, status_cases[i].text, &resp);
		assert_int_equal(resp.status, status_cases[i].status);
		if (resp.status >= 400)
			assert_int_equal(resp.file_fd, -1);
		rb_http_response_release(&resp);
	}
}

static void test_handle_405_allow(void **state)
{
	const struct fixture *fx = *state;
	struct rb_http_response resp;

	respond(fx, "POST /k10.bin HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 405);
	assert_true(resp.close);
	resp.head[resp.head_len] = '\0';
	assert_non_null(strstr(resp.head, "\r\nAllow: GET, HEAD\r\n"));
	assert_string_equal(body_of(&resp), "405 Method Not Allowed: only GET and HEAD are allowed\n");
}

static void test_handle_ipxe(void **state)
{
	const struct fixture *fx = *state;
	struct rb_http_response resp;

	respond(fx, "GET /ipxe/52:54:00:21:30:01.ipxe HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.file_fd, -1);
	assert_string_equal(body_of(&resp),
			    "#!ipxe\n"
			    "# rackboot: node01 52:54:00:21:30:01, profile linux\n"
			    "kernel http://10.213.0.1/vmlinuz console=ttyS0 hostname=node01 "
			    "mac=52:54:00:21:30:01 ip=10.213.0.101 ip6= p=linux {other} {host\n"
			    "initrd initrd.img\n"
			    "boot\n");

	respond(fx, "GET /ipxe/boot.ipxe?mac=525400213001 HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 200);

	respond(fx, "GET /ipxe/02:00:00:00:00:01.ipxe HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 404);
	assert_string_equal(body_of(&resp),
			    "404 Not Found: no device with this MAC in the inventory\n");

	respond(fx, "GET /ipxe/52:54:00:21:30:02.ipxe HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
	assert_int_equal(resp.status, 404);
	assert_string_equal(body_of(&resp),
			    "404 Not Found: the device's boot profile has no ipxe-kernel\n");
}

static void test_content_types(void **state)
{
	assert_string_equal(rb_http_content_type("a/b.EFI"), "application/efi");
	assert_string_equal(rb_http_content_type("boot.ipxe"), "text/plain; charset=utf-8");
	assert_string_equal(rb_http_content_type("x.tar.gz"), "application/gzip");
	assert_string_equal(rb_http_content_type("dir.d/vmlinuz"), "application/octet-stream");
	assert_string_equal(rb_http_content_type("noext"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_pipelined),
		cmocka_unit_test(test_parse_byte_by_byte),
		cmocka_unit_test(test_range_table),
		cmocka_unit_test(test_target_table),
		cmocka_unit_test(test_mac_names),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test_setup_teardown(test_config_http, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_http10, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_405_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_ipxe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
