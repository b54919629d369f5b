// SPDX-License-Identifier: MIT
/*
 * The TFTP codec, option negotiation, path confinement and block reader:
 * table-driven request cases (valid and malformed), exact OACK and ERROR
 * bytes, path cases in a temporary root with escaping symlinks, and
 * netascii conversion across block boundaries.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
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

#include "tftp/tftp_codec.h"
#include "tftp/tftp_options.h"
#include "tftp/tftp_path.h"
#include "tftp/tftp_source.h"

/* A packet from a string literal with embedded NULs, without the final NUL. */
#define PKT(s) (const uint8_t *)(s), sizeof(s) - 1

struct request_case {
	const char *name;
	const uint8_t *pkt;
	size_t len;
	uint16_t opcode;
	const char *filename;
	enum rb_tftp_mode mode;
	struct rb_tftp_options options;
	unsigned ignored;
};

static const struct request_case request_cases[] = {
	{ "RRQ octet", PKT("\0\1pxelinux.0\0octet\0"),
	  RB_TFTP_RRQ, "pxelinux.0", RB_TFTP_MODE_OCTET, { 0 }, 0 },
	{ "WRQ octet", PKT("\0\2up.bin\0octet\0"),
	  RB_TFTP_WRQ, "up.bin", RB_TFTP_MODE_OCTET, { 0 }, 0 },
	{ "mode in mixed case", PKT("\0\1f\0OcTeT\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 0 },
	{ "netascii upper case", PKT("\0\1f\0NETASCII\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_NETASCII, { 0 }, 0 },
	{ "mail mode decodes", PKT("\0\1f\0mail\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_MAIL, { 0 }, 0 },
	{ "UEFI option set", PKT("\0\1snponly.efi\0octet\0tsize\0" "0\0blksize\0" "1468\0windowsize\0" "4\0"),
	  RB_TFTP_RRQ, "snponly.efi", RB_TFTP_MODE_OCTET,
	  { .has_blksize = true, .blksize = 1468, .has_tsize = true, .tsize = 0,
	    .has_windowsize = true, .windowsize = 4 }, 0 },
	{ "windowsize 65535 taken", PKT("\0\1f\0octet\0WindowSize\0" "65535\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { .has_windowsize = true, .windowsize = 65535 }, 0 },
	{ "windowsize 0 ignored", PKT("\0\1f\0octet\0windowsize\0" "0\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "windowsize 65536 ignored", PKT("\0\1f\0octet\0windowsize\0" "65536\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "multicast ignored", PKT("\0\1f\0octet\0multicast\0\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "option names in upper case", PKT("\0\1f\0octet\0BLKSIZE\0" "512\0TimeOut\0" "3\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET,
	  { .has_blksize = true, .blksize = 512, .has_timeout = true, .timeout = 3 }, 0 },
	{ "blksize above RFC maximum kept", PKT("\0\1f\0octet\0blksize\0" "99999\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { .has_blksize = true, .blksize = 99999 }, 0 },
	{ "blksize 7 ignored", PKT("\0\1f\0octet\0blksize\0" "7\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "blksize not a number ignored", PKT("\0\1f\0octet\0blksize\0" "1k\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "blksize huge saturates", PKT("\0\1f\0octet\0blksize\0" "999999999999999999999999\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { .has_blksize = true, .blksize = UINT32_MAX }, 0 },
	{ "timeout 0 ignored", PKT("\0\1f\0octet\0timeout\0" "0\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "timeout 256 ignored", PKT("\0\1f\0octet\0timeout\0" "256\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "timeout 255 taken", PKT("\0\1f\0octet\0timeout\0" "255\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { .has_timeout = true, .timeout = 255 }, 0 },
	{ "tsize empty value ignored", PKT("\0\1f\0octet\0tsize\0\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 1 },
	{ "trailing NUL padding", PKT("\0\1f\0octet\0\0\0\0"),
	  RB_TFTP_RRQ, "f", RB_TFTP_MODE_OCTET, { 0 }, 0 },
};

struct malformed_case {
	const char *name;
	const uint8_t *pkt;
	size_t len;
	const char *error;		/* expected decoder message */
};

static const struct malformed_case malformed_cases[] = {
	{ "empty packet", (const uint8_t *)"", 0, "packet shorter than the 2-byte opcode" },
	{ "one byte", PKT("\0"), "packet shorter than the 2-byte opcode" },
	{ "DATA opcode", PKT("\0\3f\0octet\0"), "opcode is not a read or write request" },
	{ "opcode 0", PKT("\0\0f\0octet\0"), "unknown opcode" },
	{ "opcode 7", PKT("\0\7f\0octet\0"), "unknown opcode" },
	{ "opcode only", PKT("\0\1"), "filename is not NUL terminated" },
	{ "filename without NUL", PKT("\0\1pxelinux.0"), "filename is not NUL terminated" },
	{ "empty filename", PKT("\0\1\0octet\0"), "empty filename" },
	{ "no mode", PKT("\0\1f\0"), "transfer mode is not NUL terminated" },
	{ "mode without NUL", PKT("\0\1f\0octet"), "transfer mode is not NUL terminated" },
	{ "unknown mode", PKT("\0\1f\0binary\0"), "unknown transfer mode, expected octet or netascii" },
	{ "empty mode", PKT("\0\1f\0\0"), "unknown transfer mode, expected octet or netascii" },
	{ "option without value", PKT("\0\1f\0octet\0blksize\0"), "option without a value" },
	{ "option name without NUL", PKT("\0\1f\0octet\0blksize"), "option name is not NUL terminated" },
	{ "option value without NUL", PKT("\0\1f\0octet\0blksize\0" "512"),
	  "option value is not NUL terminated" },
	{ "duplicate option", PKT("\0\1f\0octet\0blksize\0" "512\0BLKSIZE\0" "1024\0"), "duplicate option" },
	{ "duplicate unknown option", PKT("\0\1f\0octet\0x\0" "1\0x\0" "2\0"), "duplicate option" },
	{ "empty option name", PKT("\0\1f\0octet\0\0" "512\0"),
	  "empty option name before more option bytes" },
};

static void test_decode_request_table(void **state)
{
	for (size_t i = 0; i < sizeof(request_cases) / sizeof(request_cases[0]); i++) {
		const struct request_case *c = &request_cases[i];
		struct rb_tftp_request req;
		const char *error = NULL;

		memset(&req, 0xa5, sizeof(req));
		print_message("case: %s\n", c->name);
		assert_int_equal(rb_tftp_decode_request(c->pkt, c->len, &req, &error), 0);
		assert_int_equal(req.opcode, c->opcode);
		assert_string_equal(req.filename, c->filename);
		assert_int_equal(req.filename_len, strlen(c->filename));
		assert_int_equal(req.mode, c->mode);
		assert_int_equal(req.options.has_blksize, c->options.has_blksize);
		assert_int_equal(req.options.blksize * req.options.has_blksize, c->options.blksize);
		assert_int_equal(req.options.has_timeout, c->options.has_timeout);
		assert_int_equal(req.options.timeout * req.options.has_timeout, c->options.timeout);
		assert_int_equal(req.options.has_tsize, c->options.has_tsize);
		assert_int_equal(req.options.tsize * req.options.has_tsize, c->options.tsize);
		assert_int_equal(req.options.has_windowsize, c->options.has_windowsize);
		assert_int_equal(req.options.windowsize * req.options.has_windowsize,
				 c->options.windowsize);
		assert_int_equal(req.ignored_options, c->ignored);
	}
}

static void test_decode_malformed_table(void **state)
{
	for (size_t i = 0; i < sizeof(malformed_cases) / sizeof(malformed_cases[0]); i++) {
		const struct malformed_case *c = &malformed_cases[i];
		struct rb_tftp_request req, untouched;
		const char *error = NULL;

		/* The output struct stays as it was: it is written only on success. */
		memset(&req, 0xa5, sizeof(req));
		memcpy(&untouched, &req, sizeof(req));
		print_message("case: %s\n", c->name);
		assert_int_equal(rb_tftp_decode_request(c->pkt, c->len, &req, &error), -EBADMSG);
		assert_non_null(error);
		assert_string_equal(error, c->error);
		assert_memory_equal(&req, &untouched, sizeof(req));
	}
}

static void test_decode_request_too_long(void **state)
{
	uint8_t pkt[RB_TFTP_REQUEST_MAX + 1];
	struct rb_tftp_request req;
	const char *error = NULL;

	memset(pkt, 'a', sizeof(pkt));
	memcpy(pkt, "\0\1", 2);
	memcpy(pkt + sizeof(pkt) - 7, "\0octet\0", 7);
	assert_int_equal(rb_tftp_decode_request(pkt, sizeof(pkt), &req, &error), -EBADMSG);
	assert_string_equal(error, "request longer than 512 bytes");

	/* The same at exactly 512 bytes decodes, with the longest filename. */
	memset(pkt, 'a', RB_TFTP_REQUEST_MAX);
	memcpy(pkt, "\0\1", 2);
	memcpy(pkt + RB_TFTP_REQUEST_MAX - 7, "\0octet\0", 7);
	assert_int_equal(rb_tftp_decode_request(pkt, RB_TFTP_REQUEST_MAX, &req, &error), 0);
	assert_int_equal(req.filename_len, RB_TFTP_REQUEST_MAX - 2 - 7);
}

static void test_decode_request_too_many_options(void **state)
{
	uint8_t pkt[RB_TFTP_REQUEST_MAX];
	struct rb_tftp_request req;
	const char *error = NULL;
	size_t len = 0;

	memcpy(pkt, "\0\1f\0octet\0", 10);
	len = 10;
	/* 33 distinct options "oN" with value "1". */
	for (int i = 0; i <= RB_TFTP_OPTIONS_MAX; i++) {
		len += (size_t)snprintf((char *)pkt + len, sizeof(pkt) - len, "o%d", i) + 1;
		pkt[len++] = '1';
		pkt[len++] = '\0';
	}
	assert_true(len <= sizeof(pkt));
	assert_int_equal(rb_tftp_decode_request(pkt, len, &req, &error), -EBADMSG);
	assert_string_equal(error, "more than 32 options");
}

static void test_decode_ack_and_error(void **state)
{
	char message[16];
	const char *error = NULL;
	uint16_t value = 0;

	assert_int_equal(rb_tftp_decode_ack(PKT("\0\4\xff\xfe"), &value, &error), 0);
	assert_int_equal(value, 0xfffe);
	assert_int_equal(rb_tftp_decode_ack(PKT("\0\4\0"), &value, &error), -EBADMSG);
	assert_string_equal(error, "ACK shorter than 4 bytes");
	assert_int_equal(rb_tftp_decode_ack(PKT("\0\5\0\1"), &value, &error), -EBADMSG);
	assert_string_equal(error, "opcode is not ACK");

	assert_int_equal(rb_tftp_decode_error(PKT("\0\5\0\10User aborted\0"), &value, message,
					      sizeof(message), &error), 0);
	assert_int_equal(value, RB_TFTP_EOPTNEG);
	assert_string_equal(message, "User aborted");

	/* No NUL, and longer than the buffer: kept as far as it fits. */
	assert_int_equal(rb_tftp_decode_error(PKT("\0\5\0\1a message that is long"), &value,
					      message, sizeof(message), &error), 0);
	assert_string_equal(message, "a message that ");
	assert_int_equal(rb_tftp_decode_error(PKT("\0\5\0"), &value, message, sizeof(message),
					      &error), -EBADMSG);
	assert_string_equal(error, "ERROR shorter than 4 bytes");
}

static void test_encode_oack(void **state)
{
	static const uint8_t all[] = "\0\6blksize\0" "1468\0timeout\0" "3\0tsize\0" "173792";
	static const uint8_t tsize_only[] = "\0\6tsize\0" "18446744073709551615";
	static const uint8_t with_window[] = "\0\6tsize\0" "9\0windowsize\0" "16";
	struct rb_tftp_options opts = {
		.has_blksize = true, .blksize = 1468,
		.has_timeout = true, .timeout = 3,
		.has_tsize = true, .tsize = 173792,
	};
	uint8_t buf[RB_TFTP_OACK_MAX];

	assert_int_equal(rb_tftp_encode_oack(buf, sizeof(buf), &opts), sizeof(all));
	assert_memory_equal(buf, all, sizeof(all));

	opts = (struct rb_tftp_options){ .has_tsize = true, .tsize = UINT64_MAX };
	assert_int_equal(rb_tftp_encode_oack(buf, sizeof(buf), &opts), sizeof(tsize_only));
	assert_memory_equal(buf, tsize_only, sizeof(tsize_only));

	opts = (struct rb_tftp_options){ .has_tsize = true, .tsize = 9,
					 .has_windowsize = true, .windowsize = 16 };
	assert_int_equal(rb_tftp_encode_oack(buf, sizeof(buf), &opts), sizeof(with_window));
	assert_memory_equal(buf, with_window, sizeof(with_window));

	/* The longest OACK fits RB_TFTP_OACK_MAX. */
	opts = (struct rb_tftp_options){ .has_blksize = true, .blksize = UINT32_MAX,
					 .has_timeout = true, .timeout = 255,
					 .has_tsize = true, .tsize = UINT64_MAX,
					 .has_windowsize = true, .windowsize = UINT32_MAX };
	assert_true(rb_tftp_encode_oack(buf, sizeof(buf), &opts) > 0);
	assert_int_equal(rb_tftp_encode_oack(buf, 20, &opts), -ENOSPC);
}

static void test_encode_error_and_data(void **state)
{
	static const uint8_t expected[] = "\0\5\0\1file not found";
	uint8_t buf[RB_TFTP_ERROR_MAX];

	assert_int_equal(rb_tftp_encode_error(buf, sizeof(buf), RB_TFTP_ENOTFOUND, "file not found"),
			 sizeof(expected));
	assert_memory_equal(buf, expected, sizeof(expected));

	/* A message too long for the buffer is cut and still NUL terminated. */
	assert_int_equal(rb_tftp_encode_error(buf, 8, RB_TFTP_EUNDEF, "server busy"), 8);
	assert_memory_equal(buf, "\0\5\0\0ser\0", 8);
	assert_int_equal(rb_tftp_encode_error(buf, 4, RB_TFTP_EUNDEF, "x"), -ENOSPC);

	rb_tftp_encode_data_header(buf, 0xabcd);
	assert_memory_equal(buf, "\0\3\xab\xcd", 4);
}

static const struct rb_tftp_limits limits = { .blksize_max = 1468, .windowsize_max = 16 };

static void test_negotiate(void **state)
{
	struct rb_tftp_request req = { .opcode = RB_TFTP_RRQ, .mode = RB_TFTP_MODE_OCTET };
	struct rb_tftp_options acc;

	assert_false(rb_tftp_negotiate(&req, &limits, 100, &acc));
	assert_false(acc.has_blksize || acc.has_timeout || acc.has_tsize);

	req.options = (struct rb_tftp_options){ .has_blksize = true, .blksize = 65464,
						.has_tsize = true, .tsize = 0 };
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_int_equal(acc.blksize, 1468);
	assert_true(acc.has_tsize);
	assert_int_equal(acc.tsize, 4242);
	assert_false(acc.has_timeout);

	/* A smaller request is granted as asked. */
	req.options.blksize = 1024;
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_int_equal(acc.blksize, 1024);

	/* netascii: the file size is not the transfer size, so no tsize. */
	req.mode = RB_TFTP_MODE_NETASCII;
	req.options = (struct rb_tftp_options){ .has_tsize = true };
	assert_false(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_false(acc.has_tsize);
}

static void test_negotiate_windowsize(void **state)
{
	struct rb_tftp_request req = { .opcode = RB_TFTP_RRQ, .mode = RB_TFTP_MODE_OCTET };
	struct rb_tftp_options acc;

	/* A window within the maximum is granted as asked, alone it is worth an OACK. */
	req.options = (struct rb_tftp_options){ .has_windowsize = true, .windowsize = 8 };
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_true(acc.has_windowsize);
	assert_int_equal(acc.windowsize, 8);
	assert_false(acc.has_blksize || acc.has_timeout || acc.has_tsize);

	/* A larger one is cut to the maximum. */
	req.options.windowsize = 65535;
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_int_equal(acc.windowsize, 16);

	/* netascii keeps the window: each block is read once into its slot. */
	req.mode = RB_TFTP_MODE_NETASCII;
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_int_equal(acc.windowsize, 16);
}

/* tsize goes into the OACK only when the request has it, with the real size. */
static void test_negotiate_tsize_only_when_requested(void **state)
{
	struct rb_tftp_request req = { .opcode = RB_TFTP_RRQ, .mode = RB_TFTP_MODE_OCTET };
	struct rb_tftp_options acc;

	req.options = (struct rb_tftp_options){ .has_blksize = true, .blksize = 1024 };
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_false(acc.has_tsize);

	/* A client that sends a wrong non-zero size still gets the real one. */
	req.options = (struct rb_tftp_options){ .has_tsize = true, .tsize = 7 };
	assert_true(rb_tftp_negotiate(&req, &limits, 4242, &acc));
	assert_true(acc.has_tsize);
	assert_int_equal(acc.tsize, 4242);
}

static void test_negotiate_empty_file(void **state)
{
	struct rb_tftp_request req = { .opcode = RB_TFTP_RRQ, .mode = RB_TFTP_MODE_OCTET };
	struct rb_tftp_options acc;

	/* tsize alone: no option remains, so no OACK is due. */
	req.options = (struct rb_tftp_options){ .has_tsize = true };
	assert_false(rb_tftp_negotiate(&req, &limits, 0, &acc));
	assert_false(acc.has_tsize);

	/* curl's default set: blksize and timeout stay, tsize goes. */
	req.options = (struct rb_tftp_options){ .has_tsize = true, .has_blksize = true,
						.blksize = 512, .has_timeout = true,
						.timeout = 6 };
	assert_true(rb_tftp_negotiate(&req, &limits, 0, &acc));
	assert_false(acc.has_tsize);
	assert_true(acc.has_blksize);
	assert_int_equal(acc.blksize, 512);
	assert_true(acc.has_timeout);
	assert_int_equal(acc.timeout, 6);

	/* One byte is enough for tsize to be sent. */
	assert_true(rb_tftp_negotiate(&req, &limits, 1, &acc));
	assert_true(acc.has_tsize);
	assert_int_equal(acc.tsize, 1);
}

struct normalize_case {
	const char *in;
	int ret;
	const char *out;
};

static const struct normalize_case normalize_cases[] = {
	{ "pxelinux.0", 0, "pxelinux.0" },
	{ "/etc/passwd", 0, "etc/passwd" },
	{ "//boot//x.efi", 0, "boot//x.efi" },
	{ "\\boot\\x64\\grubx64.efi", 0, "boot/x64/grubx64.efi" },
	{ "...", 0, "..." },
	{ "a/..b/c..", 0, "a/..b/c.." },
	{ "..", -EACCES, NULL },
	{ "../etc/passwd", -EACCES, NULL },
	{ "/../../etc/passwd", -EACCES, NULL },
	{ "a/../b", -EACCES, NULL },
	{ "a/..", -EACCES, NULL },
	{ "..\\..\\windows\\win.ini", -EACCES, NULL },
	{ "a\\..\\..\\b", -EACCES, NULL },
	{ "/", -EACCES, NULL },
	{ "\\", -EACCES, NULL },
};

static void test_path_normalize_table(void **state)
{
	for (size_t i = 0; i < sizeof(normalize_cases) / sizeof(normalize_cases[0]); i++) {
		const struct normalize_case *c = &normalize_cases[i];
		char out[64];
		const char *error = NULL;

		print_message("case: %s\n", c->in);
		assert_int_equal(rb_tftp_path_normalize(c->in, out, sizeof(out), &error), c->ret);
		if (c->ret == 0)
			assert_string_equal(out, c->out);
		else
			assert_non_null(error);
	}
}

/* Temporary folder: top/outside.txt, and the root top/root with test entries. */
struct tree {
	char top[PATH_MAX];
	char root[PATH_MAX + 8];
	int root_fd;
};

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[PATH_MAX * 2];

	if (!t)
		return -1;
	snprintf(t->top, sizeof(t->top), "%s/rb-tftp-codec.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(t->top))
		return -1;
	snprintf(t->root, sizeof(t->root), "%s/root", t->top);
	if (mkdir(t->root, 0755) < 0)
		return -1;
	write_file(t->top, "outside.txt", "secret\n", 7);
	write_file(t->root, "in.txt", "hello\n", 6);
	snprintf(path, sizeof(path), "%s/sub", t->root);
	if (mkdir(path, 0755) < 0)
		return -1;
	write_file(path, "x.efi", "efi", 3);

	snprintf(path, sizeof(path), "%s/abs-escape", t->root);
	if (symlink("/etc/passwd", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/rel-escape", t->root);
	if (symlink("../outside.txt", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sub/deep-escape", t->root);
	if (symlink("../../outside.txt", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/inside", t->root);
	if (symlink("sub/x.efi", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dir-escape", t->root);
	if (symlink("..", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/fifo", t->root);
	if (mkfifo(path, 0644) < 0)
		return -1;

	t->root_fd = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->root_fd < 0)
		return -1;
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	close(t->root_fd);
	nftw(t->top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

struct open_case {
	const char *name;
	int ret;
	uint64_t size;		/* expected size when ret is 0 */
};

static const struct open_case open_cases[] = {
	{ "in.txt", 0, 6 },
	{ "/in.txt", 0, 6 },
	{ "sub/x.efi", 0, 3 },
	{ "\\sub\\x.efi", 0, 3 },
	{ "inside", 0, 3 },
	{ "missing", -ENOENT, 0 },
	{ "sub/missing/x", -ENOENT, 0 },
	{ "in.txt/x", -ENOENT, 0 },
	{ "/etc/passwd", -ENOENT, 0 },
	{ "../outside.txt", -EACCES, 0 },
	{ "../etc/passwd", -EACCES, 0 },
	{ "/../../etc/passwd", -EACCES, 0 },
	{ "abs-escape", -EACCES, 0 },
	{ "rel-escape", -EACCES, 0 },
	{ "sub/deep-escape", -EACCES, 0 },
	{ "dir-escape/outside.txt", -EACCES, 0 },
	{ "sub", -EACCES, 0 },
	{ "fifo", -EACCES, 0 },
	{ "/", -EACCES, 0 },
};

static void test_open_file_table(void **state)
{
	struct tree *t = *state;
	struct rb_tftp_file probe;
	char probe_relative[RB_TFTP_REQUEST_MAX];
	const char *probe_error;

	/* valgrind 3.19 does not know openat2 (syscall 437) and returns ENOSYS. */
	if (rb_tftp_open_file(t->root_fd, "in.txt", probe_relative, sizeof(probe_relative),
			      &probe, &probe_error) == -ENOSYS) {
		print_message("openat2 not available here: %s\n", probe_error);
		skip();
	}
	close(probe.fd);

	for (size_t i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		const struct open_case *c = &open_cases[i];
		struct rb_tftp_file file = { .fd = -1 };
		char relative[RB_TFTP_REQUEST_MAX];
		const char *error = NULL;
		int ret;

		print_message("case: %s\n", c->name);
		ret = rb_tftp_open_file(t->root_fd, c->name, relative, sizeof(relative), &file,
					&error);
		assert_int_equal(ret, c->ret);
		if (ret < 0) {
			assert_non_null(error);
			continue;
		}
		assert_true(file.fd >= 0);
		assert_int_equal(file.size, c->size);
		close(file.fd);
	}
}

/* Read every block of src and return them joined with '|' between blocks. */
static void read_blocks(struct rb_tftp_source *src, size_t blksize, char *out, size_t size)
{
	uint8_t block[64], scratch[64];
	size_t used = 0;

	for (int n = 0; n < 64; n++) {
		ssize_t len = rb_tftp_source_read(src, block, blksize, scratch);

		assert_true(len >= 0);
		assert_true(used + (size_t)len + 2 < size);
		memcpy(out + used, block, (size_t)len);
		used += (size_t)len;
		out[used++] = '|';
		if ((size_t)len < blksize)
			break;
	}
	out[used] = '\0';
}

static int open_data(struct tree *t, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX * 2];
	int fd;

	write_file(t->root, name, data, len);
	snprintf(path, sizeof(path), "%s/%s", t->root, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void test_source_octet_blocks(void **state)
{
	struct rb_tftp_source src;
	char out[256];
	int fd;

	/* An exact multiple of blksize ends with an empty block. */
	fd = open_data(*state, "sixteen", "0123456789abcdef", 16);
	rb_tftp_source_init(&src, fd, false);
	read_blocks(&src, 8, out, sizeof(out));
	assert_string_equal(out, "01234567|89abcdef||");
	close(fd);

	fd = open_data(*state, "seventeen", "0123456789abcdefg", 17);
	rb_tftp_source_init(&src, fd, false);
	read_blocks(&src, 8, out, sizeof(out));
	assert_string_equal(out, "01234567|89abcdef|g|");
	close(fd);

	fd = open_data(*state, "empty", "", 0);
	rb_tftp_source_init(&src, fd, false);
	read_blocks(&src, 8, out, sizeof(out));
	assert_string_equal(out, "|");
	close(fd);
}

static void test_source_netascii(void **state)
{
	static const uint8_t expected[] = "a\r\nb\r\0c|";
	struct rb_tftp_source src;
	char out[256];
	int fd;

	fd = open_data(*state, "text", "a\nb\rc", 5);
	rb_tftp_source_init(&src, fd, true);
	read_blocks(&src, 512, out, sizeof(out));
	assert_memory_equal(out, expected, sizeof(expected));
	close(fd);

	/* CR LF split at the block end: LF opens the next block. */
	fd = open_data(*state, "split", "1234567\n", 8);
	rb_tftp_source_init(&src, fd, true);
	read_blocks(&src, 8, out, sizeof(out));
	assert_string_equal(out, "1234567\r|\n|");
	close(fd);

	/* CR NUL split, then more text after it. */
	fd = open_data(*state, "split-cr", "1234567\rxy", 10);
	rb_tftp_source_init(&src, fd, true);
	read_blocks(&src, 8, out, sizeof(out));
	assert_memory_equal(out, "1234567\r|\0xy|", 13);
	close(fd);

	/* Four LFs become exactly 8 bytes, so an empty block follows. */
	fd = open_data(*state, "lfs", "\n\n\n\n", 4);
	rb_tftp_source_init(&src, fd, true);
	read_blocks(&src, 8, out, sizeof(out));
	assert_string_equal(out, "\r\n\r\n\r\n\r\n||");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_request_table),
		cmocka_unit_test(test_decode_malformed_table),
		cmocka_unit_test(test_decode_request_too_long),
		cmocka_unit_test(test_decode_request_too_many_options),
		cmocka_unit_test(test_decode_ack_and_error),
		cmocka_unit_test(test_encode_oack),
		cmocka_unit_test(test_encode_error_and_data),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_negotiate_windowsize),
		cmocka_unit_test(test_negotiate_tsize_only_when_requested),
		cmocka_unit_test(test_negotiate_empty_file),
		cmocka_unit_test(test_path_normalize_table),
		cmocka_unit_test_setup_teardown(test_open_file_table, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_source_octet_blocks, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_source_netascii, tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests_name("tftp_codec", tests, NULL, NULL);
}
