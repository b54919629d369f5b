// SPDX-License-Identifier: MIT
/*
 * TFTP packet decoders and encoders; see tftp_codec.h for the contract.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tftp/tftp_codec.h"

/* Bounded reader over one packet.  The first failure sticks in error. */
struct tftp_cursor {
	const uint8_t *pos;
	size_t left;
	const char *error;
};

/* A NUL terminated string inside the packet, without copying it. */
struct tftp_string {
	const char *text;
	size_t len;		/* bytes before the NUL */
};

static void cursor_fail(struct tftp_cursor *c, const char *error)
{
	if (!c->error)
		c->error = error;
	c->left = 0;
}

static uint16_t cursor_u16(struct tftp_cursor *c, const char *error)
{
	uint16_t value;

	if (c->error || c->left < 2) {
		cursor_fail(c, error);
		return 0;
	}
	value = (uint16_t)(c->pos[0] << 8 | c->pos[1]);
	c->pos += 2;
	c->left -= 2;
	return value;
}

/* Read a NUL terminated string; missing_nul is the error when none ends it. */
static struct tftp_string cursor_string(struct tftp_cursor *c, const char *missing_nul)
{
	struct tftp_string s = { .text = "", .len = 0 };
	const uint8_t *nul;

	if (c->error)
		return s;
	nul = memchr(c->pos, '\0', c->left);
	if (!nul) {
		cursor_fail(c, missing_nul);
		return s;
	}
	s.text = (const char *)c->pos;
	s.len = (size_t)(nul - c->pos);
	c->pos = nul + 1;
	c->left -= s.len + 1;
	return s;
}

static bool string_is(struct tftp_string s, const char *name)
{
	return s.len == strlen(name) && strncasecmp(s.text, name, s.len) == 0;
}

static bool strings_equal_nocase(struct tftp_string a, struct tftp_string b)
{
	return a.len == b.len && strncasecmp(a.text, b.text, a.len) == 0;
}

/*
 * Parse a decimal option value: digits only, no sign or blanks.  Values
 * past UINT64_MAX saturate, so an absurd blksize still clamps to the
 * server maximum.  Returns false when the value is not a number.
 */
static bool parse_decimal(struct tftp_string s, uint64_t *value)
{
	uint64_t v = 0;

	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned digit;

		if (s.text[i] < '0' || s.text[i] > '9')
			return false;
		digit = (unsigned)(s.text[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + digit;
	}
	*value = v;
	return true;
}

static int parse_mode(struct tftp_string s, enum rb_tftp_mode *mode)
{
	if (string_is(s, "octet"))
		*mode = RB_TFTP_MODE_OCTET;
	else if (string_is(s, "netascii"))
		*mode = RB_TFTP_MODE_NETASCII;
	else if (string_is(s, "mail"))
		*mode = RB_TFTP_MODE_MAIL;
	else
		return -EINVAL;
	return 0;
}

/*
 * Take one option into opts when its name is blksize, timeout, tsize or
 * windowsize and its value is valid (RFC 2348 blksize >= 8, RFC 2349
 * timeout 1..255, tsize a number, RFC 7440 windowsize 1..65535).
 * Returns false for an option to ignore, as RFC 2347 lets a server do.
 */
static bool take_option(struct tftp_string name, struct tftp_string value,
			struct rb_tftp_options *opts)
{
	uint64_t v;

	if (!parse_decimal(value, &v))
		return false;

	if (string_is(name, "blksize")) {
		if (v < RB_TFTP_BLKSIZE_MIN)
			return false;
		opts->has_blksize = true;
		opts->blksize = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		return true;
	}
	if (string_is(name, "timeout")) {
		if (v < RB_TFTP_TIMEOUT_MIN || v > RB_TFTP_TIMEOUT_MAX)
			return false;
		opts->has_timeout = true;
		opts->timeout = (uint32_t)v;
		return true;
	}
	if (string_is(name, "tsize")) {
		opts->has_tsize = true;
		opts->tsize = v;
		return true;
	}
	if (string_is(name, "windowsize")) {
		if (v < RB_TFTP_WINDOWSIZE_MIN || v > RB_TFTP_WINDOWSIZE_MAX)
			return false;
		opts->has_windowsize = true;
		opts->windowsize = (uint32_t)v;
		return true;
	}
	return false;
}

static bool only_nul_bytes(const struct tftp_cursor *c)
{
	for (size_t i = 0; i < c->left; i++) {
		if (c->pos[i] != 0)
			return false;
	}
	return true;
}

/* Read the option list that follows the mode (RFC 2347). */
static void decode_options(struct tftp_cursor *c, struct rb_tftp_request *req)
{
	struct tftp_string names[RB_TFTP_OPTIONS_MAX];
	unsigned count = 0;

	while (!c->error && c->left > 0) {
		struct tftp_string name, value;

		/* Some clients pad the request with NUL bytes; that ends the list. */
		if (only_nul_bytes(c))
			return;

		name = cursor_string(c, "option name is not NUL terminated");
		if (c->error)
			return;
		if (name.len == 0) {
			cursor_fail(c, "empty option name before more option bytes");
			return;
		}
		if (c->left == 0) {
			cursor_fail(c, "option without a value");
			return;
		}
		value = cursor_string(c, "option value is not NUL terminated");
		if (c->error)
			return;

		for (unsigned i = 0; i < count; i++) {
			if (strings_equal_nocase(names[i], name)) {
				cursor_fail(c, "duplicate option");
				return;
			}
		}
		if (count == RB_TFTP_OPTIONS_MAX) {
			cursor_fail(c, "more than 32 options");
			return;
		}
		names[count++] = name;

		if (!take_option(name, value, &req->options))
			req->ignored_options++;
	}
}

int rb_tftp_decode_opcode(const void *pkt, size_t len, uint16_t *opcode)
{
	struct tftp_cursor c = { .pos = pkt, .left = len };
	uint16_t op = cursor_u16(&c, "packet shorter than the 2-byte opcode");

	if (c.error)
		return -EBADMSG;
	*opcode = op;
	return 0;
}

int rb_tftp_decode_request(const void *pkt, size_t len, struct rb_tftp_request *out,
			   const char **error)
{
	struct tftp_cursor c = { .pos = pkt, .left = len };
	struct rb_tftp_request req = { 0 };
	struct tftp_string filename, mode;

	if (len > RB_TFTP_REQUEST_MAX) {
		*error = "request longer than 512 bytes";
		return -EBADMSG;
	}

	req.opcode = cursor_u16(&c, "packet shorter than the 2-byte opcode");
	if (!c.error && req.opcode != RB_TFTP_RRQ && req.opcode != RB_TFTP_WRQ)
		cursor_fail(&c, req.opcode >= RB_TFTP_DATA && req.opcode <= RB_TFTP_OACK ?
				"opcode is not a read or write request" : "unknown opcode");

	filename = cursor_string(&c, "filename is not NUL terminated");
	if (!c.error && filename.len == 0)
		cursor_fail(&c, "empty filename");

	mode = cursor_string(&c, "transfer mode is not NUL terminated");
	if (!c.error && parse_mode(mode, &req.mode) < 0)
		cursor_fail(&c, "unknown transfer mode, expected octet or netascii");

	decode_options(&c, &req);

	if (c.error) {
		*error = c.error;
		return -EBADMSG;
	}

	memcpy(req.filename, filename.text, filename.len);
	req.filename[filename.len] = '\0';
	req.filename_len = filename.len;
	*out = req;
	return 0;
}

int rb_tftp_decode_ack(const void *pkt, size_t len, uint16_t *block, const char **error)
{
	struct tftp_cursor c = { .pos = pkt, .left = len };
	uint16_t opcode, value;

	opcode = cursor_u16(&c, "packet shorter than the 2-byte opcode");
	if (!c.error && opcode != RB_TFTP_ACK)
		cursor_fail(&c, "opcode is not ACK");
	value = cursor_u16(&c, "ACK shorter than 4 bytes");

	if (c.error) {
		*error = c.error;
		return -EBADMSG;
	}
	*block = value;
	return 0;
}

int rb_tftp_decode_error(const void *pkt, size_t len, uint16_t *code, char *message,
			 size_t message_size, const char **error)
{
	struct tftp_cursor c = { .pos = pkt, .left = len };
	uint16_t opcode, value;
	size_t text_len;

	opcode = cursor_u16(&c, "packet shorter than the 2-byte opcode");
	if (!c.error && opcode != RB_TFTP_ERROR)
		cursor_fail(&c, "opcode is not ERROR");
	value = cursor_u16(&c, "ERROR shorter than 4 bytes");
	if (c.error || message_size == 0) {
		*error = c.error ? c.error : "no room for the message";
		return -EBADMSG;
	}

	text_len = strnlen((const char *)c.pos, c.left);
	if (text_len >= message_size)
		text_len = message_size - 1;
	memcpy(message, c.pos, text_len);
	message[text_len] = '\0';
	*code = value;
	return 0;
}

static void put_u16(uint8_t *p, uint16_t value)
{
	p[0] = (uint8_t)(value >> 8);
	p[1] = (uint8_t)value;
}

void rb_tftp_encode_data_header(void *buf, uint16_t block)
{
	put_u16(buf, RB_TFTP_DATA);
	put_u16((uint8_t *)buf + 2, block);
}

int rb_tftp_encode_error(void *buf, size_t size, uint16_t code, const char *message)
{
	uint8_t *p = buf;
	size_t text_len = strlen(message);

	if (size < RB_TFTP_HEADER_LEN + 1)
		return -ENOSPC;
	if (text_len > size - RB_TFTP_HEADER_LEN - 1)
		text_len = size - RB_TFTP_HEADER_LEN - 1;

	put_u16(p, RB_TFTP_ERROR);
	put_u16(p + 2, code);
	memcpy(p + RB_TFTP_HEADER_LEN, message, text_len);
	p[RB_TFTP_HEADER_LEN + text_len] = '\0';
	return (int)(RB_TFTP_HEADER_LEN + text_len + 1);
}

/* Append "name\0value\0"; returns the new length or -ENOSPC. */
static int put_option(uint8_t *buf, size_t size, size_t len, const char *name, uint64_t value)
{
	char text[10 + 1 + 20 + 1];
	int n = snprintf(text, sizeof(text), "%s%c%llu", name, '\0', (unsigned long long)value);

	if (n < 0 || (size_t)n + 1 > size - len)
		return -ENOSPC;
	memcpy(buf + len, text, (size_t)n + 1);
	return (int)(len + (size_t)n + 1);
}

int rb_tftp_encode_oack(void *buf, size_t size, const struct rb_tftp_options *opts)
{
	uint8_t *p = buf;
	int len = 2;

	if (size < 2)
		return -ENOSPC;
	put_u16(p, RB_TFTP_OACK);

	if (opts->has_blksize)
		len = put_option(p, size, (size_t)len, "blksize", opts->blksize);
	if (len >= 0 && opts->has_timeout)
		len = put_option(p, size, (size_t)len, "timeout", opts->timeout);
	if (len >= 0 && opts->has_tsize)
		len = put_option(p, size, (size_t)len, "tsize", opts->tsize);
	if (len >= 0 && opts->has_windowsize)
		len = put_option(p, size, (size_t)len, "windowsize", opts->windowsize);
	return len;
}

const char *rb_tftp_mode_name(enum rb_tftp_mode mode)
{
	switch (mode) {
	case RB_TFTP_MODE_NETASCII:
		return "netascii";
	case RB_TFTP_MODE_OCTET:
		return "octet";
	case RB_TFTP_MODE_MAIL:
		return "mail";
	}
	return "unknown";
}
