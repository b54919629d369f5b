// SPDX-License-Identifier: MIT
/* DNS wire format: the bounds-checked reader and the compressing writer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dns_wire.h"

#define POINTER_BITS	0xc0
#define POINTER_MAX	0x3fff	/* largest offset a 14-bit pointer reaches */

void rb_dns_reader_init(struct rb_dns_reader *r, const uint8_t *msg, size_t len)
{
	*r = (struct rb_dns_reader){ .msg = msg, .len = len };
}

static bool reader_has(struct rb_dns_reader *r, size_t n)
{
	if (r->err || n > r->len - r->pos) {
		r->err = -EBADMSG;
		return false;
	}
	return true;
}

uint8_t rb_dns_read_u8(struct rb_dns_reader *r)
{
	if (!reader_has(r, 1))
		return 0;
	return r->msg[r->pos++];
}

uint16_t rb_dns_read_u16(struct rb_dns_reader *r)
{
	uint16_t v;

	if (!reader_has(r, 2))
		return 0;
	v = (uint16_t)(r->msg[r->pos] << 8 | r->msg[r->pos + 1]);
	r->pos += 2;
	return v;
}

uint32_t rb_dns_read_u32(struct rb_dns_reader *r)
{
	uint32_t hi = rb_dns_read_u16(r);

	return hi << 16 | rb_dns_read_u16(r);
}

void rb_dns_skip(struct rb_dns_reader *r, size_t n)
{
	if (reader_has(r, n))
		r->pos += n;
}

size_t rb_dns_read_name(struct rb_dns_reader *r, uint8_t *out)
{
	size_t pos = r->pos, len = 0, end = 0;
	unsigned int hops = 0;

	if (r->err)
		return 0;
	for (;;) {
		uint8_t label;

		if (pos >= r->len)
			goto bad;
		label = r->msg[pos];
		if ((label & POINTER_BITS) == POINTER_BITS) {
			size_t target;

			if (pos + 1 >= r->len || ++hops > RB_DNS_POINTERS_MAX)
				goto bad;
			target = (size_t)(label & ~POINTER_BITS) << 8 | r->msg[pos + 1];
			/* Only backward pointers: each hop moves to a lower offset, so no loop. */
			if (target >= pos)
				goto bad;
			if (!end)
				end = pos + 2;
			pos = target;
			continue;
		}
		if (label & POINTER_BITS)
			goto bad;	/* 0x40 and 0x80: extended label types (RFC 6891, 5) */
		if (pos + 1 + label > r->len || len + 1 + label > RB_DNS_NAME_MAX)
			goto bad;
		memcpy(out + len, r->msg + pos, 1 + (size_t)label);
		len += 1 + (size_t)label;
		pos += 1 + (size_t)label;
		if (label == 0)
			break;
	}
	r->pos = end ? end : pos;
	return len;
bad:
	r->err = -EBADMSG;
	return 0;
}

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool rb_dns_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	if (a_len != b_len)
		return false;
	for (size_t i = 0; i < a_len; i++) {
		if (fold(a[i]) != fold(b[i]))
			return false;
	}
	return true;
}

uint32_t rb_dns_name_hash(const uint8_t *name, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= fold(name[i]);
		h *= 16777619u;
	}
	return h;
}

void rb_dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = fold(src[i]);
}

unsigned int rb_dns_name_labels(const uint8_t *name, size_t len)
{
	unsigned int n = 0;

	for (size_t i = 0; i < len && name[i]; i += 1 + (size_t)name[i])
		n++;
	return n;
}

size_t rb_dns_name_from_text(const char *text, const uint8_t *origin, size_t origin_len,
			     uint8_t *out)
{
	size_t len = 0, tlen = strlen(text), start = 0;

	if (strcmp(text, "@") == 0 || strcmp(text, ".") == 0) {
		if (text[0] == '.') {
			out[0] = 0;
			return 1;
		}
		if (!origin)
			return 0;
		memcpy(out, origin, origin_len);
		return origin_len;
	}
	if (tlen == 0)
		return 0;
	while (start < tlen) {
		const char *dot = memchr(text + start, '.', tlen - start);
		size_t label = dot ? (size_t)(dot - text) - start : tlen - start;

		if (label == 0 || label > RB_DNS_LABEL_MAX || len + 1 + label + 1 > RB_DNS_NAME_MAX)
			return 0;
		out[len++] = (uint8_t)label;
		memcpy(out + len, text + start, label);
		len += label;
		start += label + 1;
		if (dot && start == tlen) {
			out[len++] = 0;	/* trailing dot: absolute */
			return len;
		}
	}
	if (!origin || len + origin_len > RB_DNS_NAME_MAX)
		return 0;
	memcpy(out + len, origin, origin_len);
	return len + origin_len;
}

char *rb_dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return out;
	out[0] = '\0';
	if (len == 0 || name[0] == 0) {
		snprintf(out, size, ".");
		return out;
	}
	for (size_t i = 0; i < len && name[i] && used + 1 < size; i += 1 + (size_t)name[i]) {
		for (size_t k = 1; k <= name[i] && i + k < len && used + 5 < size; k++) {
			uint8_t c = name[i + k];

			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\')
				out[used++] = (char)c;
			else
				used += (size_t)snprintf(out + used, size - used, "\\%03u", c);
		}
		out[used++] = '.';
	}
	out[used < size ? used : size - 1] = '\0';
	return out;
}

void rb_dns_writer_init(struct rb_dns_writer *w, uint8_t *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->pos = 0;
	w->full = false;
	w->n_labels = 0;
}

void rb_dns_write_bytes(struct rb_dns_writer *w, const void *data, size_t len)
{
	if (w->full || len > w->size - w->pos) {
		w->full = true;
		return;
	}
	memcpy(w->buf + w->pos, data, len);
	w->pos += len;
}

void rb_dns_write_u8(struct rb_dns_writer *w, uint8_t v)
{
	rb_dns_write_bytes(w, &v, 1);
}

void rb_dns_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void rb_dns_write_u16(struct rb_dns_writer *w, uint16_t v)
{
	uint8_t b[2];

	rb_dns_put_u16(b, v);
	rb_dns_write_bytes(w, b, 2);
}

void rb_dns_write_u32(struct rb_dns_writer *w, uint32_t v)
{
	rb_dns_write_u16(w, (uint16_t)(v >> 16));
	rb_dns_write_u16(w, (uint16_t)v);
}

/* Whether the name already in the buffer at off equals name (ignoring case). */
static bool written_name_equal(const struct rb_dns_writer *w, size_t off, const uint8_t *name,
			       size_t len)
{
	size_t i = 0;
	unsigned int hops = 0;

	for (;;) {
		uint8_t label;

		if (off >= w->pos)
			return false;
		label = w->buf[off];
		if ((label & POINTER_BITS) == POINTER_BITS) {
			if (off + 1 >= w->pos || ++hops > RB_DNS_POINTERS_MAX)
				return false;
			off = (size_t)(label & ~POINTER_BITS) << 8 | w->buf[off + 1];
			continue;
		}
		if (i >= len || name[i] != label)
			return false;
		if (label == 0)
			return true;
		if (off + 1 + label > w->pos || i + 1 + label > len)
			return false;
		for (size_t k = 1; k <= label; k++) {
			if (fold(w->buf[off + k]) != fold(name[i + k]))
				return false;
		}
		off += 1 + (size_t)label;
		i += 1 + (size_t)label;
	}
}

/* Offset of a written name equal to name, or -1. */
static int find_written(const struct rb_dns_writer *w, const uint8_t *name, size_t len)
{
	for (unsigned int i = 0; i < w->n_labels; i++) {
		if (written_name_equal(w, w->labels[i], name, len))
			return w->labels[i];
	}
	return -1;
}

/* Write the labels of name[0, upto) and remember where each starts. */
static void write_labels(struct rb_dns_writer *w, const uint8_t *name, size_t upto)
{
	for (size_t i = 0; i < upto && name[i]; i += 1 + (size_t)name[i]) {
		if (w->pos <= POINTER_MAX && w->n_labels < RB_DNS_COMPRESS_MAX && !w->full)
			w->labels[w->n_labels++] = (uint16_t)w->pos;
		rb_dns_write_bytes(w, name + i, 1 + (size_t)name[i]);
	}
}

void rb_dns_write_name(struct rb_dns_writer *w, const uint8_t *name, size_t len, bool compress)
{
	for (size_t s = 0; compress && s < len && name[s]; s += 1 + (size_t)name[s]) {
		int target = find_written(w, name + s, len - s);

		if (target >= 0) {
			write_labels(w, name, s);
			rb_dns_write_u16(w, (uint16_t)(0xc000 | target));
			return;
		}
	}
	write_labels(w, name, len);
	rb_dns_write_u8(w, 0);
}
