/* SPDX-License-Identifier: MIT */
/*
 * DNS wire format (RFC 1035, section 4): constants, a bounds-checked
 * reader with a sticky error, and a writer that compresses names.
 *
 * Names are kept in wire form without compression: length-prefixed
 * labels ending with the zero-length root label, at most
 * RB_DNS_NAME_MAX bytes.  Case is kept as it arrived; comparisons and
 * hashes fold ASCII letters only (RFC 4343).
 */
#ifndef RB_DNS_WIRE_H
#define RB_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_DNS_HEADER_LEN	12
#define RB_DNS_NAME_MAX		255	/* wire bytes of a name, root label included */
#define RB_DNS_LABEL_MAX	63
#define RB_DNS_TEXT_MAX		1024	/* presentation form of a name with \DDD escapes, plus NUL */
#define RB_DNS_UDP_MIN		512	/* UDP payload every resolver accepts (RFC 1035, 4.2.1) */
#define RB_DNS_TCP_MAX		65535	/* a TCP message length is 16 bits (RFC 1035, 4.2.2) */

/* Most compression pointers followed in one name; more is a loop. */
#define RB_DNS_POINTERS_MAX	32

enum rb_dns_type {
	RB_DNS_A = 1,
	RB_DNS_NS = 2,
	RB_DNS_CNAME = 5,
	RB_DNS_SOA = 6,
	RB_DNS_PTR = 12,
	RB_DNS_TXT = 16,
	RB_DNS_AAAA = 28,
	RB_DNS_SRV = 33,
	RB_DNS_OPT = 41,
	RB_DNS_IXFR = 251,
	RB_DNS_AXFR = 252,
	RB_DNS_ANY = 255,
};

enum rb_dns_class {
	RB_DNS_CLASS_IN = 1,
	RB_DNS_CLASS_ANY = 255,
};

enum rb_dns_rcode {
	RB_DNS_NOERROR = 0,
	RB_DNS_FORMERR = 1,
	RB_DNS_SERVFAIL = 2,
	RB_DNS_NXDOMAIN = 3,
	RB_DNS_NOTIMP = 4,
	RB_DNS_REFUSED = 5,
	RB_DNS_BADVERS = 16,	/* extended: upper 8 bits in the OPT record (RFC 6891, 6.1.3) */
};

/* Header flag bits in the 16-bit flags word. */
#define RB_DNS_FLAG_QR		0x8000
#define RB_DNS_FLAG_AA		0x0400
#define RB_DNS_FLAG_TC		0x0200
#define RB_DNS_FLAG_RD		0x0100
#define RB_DNS_FLAG_RA		0x0080
#define RB_DNS_FLAG_CD		0x0010
#define RB_DNS_OPCODE(flags)	(((flags) >> 11) & 0xf)

/* A read cursor over one message.  err is set by the first failed read and stays set. */
struct rb_dns_reader {
	const uint8_t *msg;
	size_t len;
	size_t pos;
	int err;		/* 0, or -EBADMSG */
};

void rb_dns_reader_init(struct rb_dns_reader *r, const uint8_t *msg, size_t len);
uint8_t rb_dns_read_u8(struct rb_dns_reader *r);
uint16_t rb_dns_read_u16(struct rb_dns_reader *r);
uint32_t rb_dns_read_u32(struct rb_dns_reader *r);
void rb_dns_skip(struct rb_dns_reader *r, size_t n);

/*
 * Read a name at the cursor, following compression pointers, into out
 * (RB_DNS_NAME_MAX bytes) in wire form.  Returns its length, or 0 after
 * setting r->err: a label past the message, a label type other than 0
 * or pointer, a name over 255 bytes, or a pointer that does not point
 * before the label that contains it (which also rules out loops).
 */
size_t rb_dns_read_name(struct rb_dns_reader *r, uint8_t *out);

/* Case-insensitive equality of two wire names. */
bool rb_dns_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/* Hash of a wire name, the same for names that differ only in ASCII case. */
uint32_t rb_dns_name_hash(const uint8_t *name, size_t len);

/* Copy a wire name with ASCII letters in lower case. */
void rb_dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len);

/* Number of labels before the root label. */
unsigned int rb_dns_name_labels(const uint8_t *name, size_t len);

/*
 * Convert presentation text ("host.example.", "host", "@") into wire form
 * relative to origin (wire, may be NULL for absolute names only): a name
 * without a trailing dot gets origin appended, "@" is origin itself.
 * Backslash escapes are not accepted.  Returns the length, or 0 for an
 * empty label, a label over 63 bytes or a name over 255 bytes.
 */
size_t rb_dns_name_from_text(const char *text, const uint8_t *origin, size_t origin_len,
			     uint8_t *out);

/* Presentation form with a trailing dot; other than printable bytes become \DDD.  Returns out. */
char *rb_dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t size);

/*
 * A writer of one message into buf with name compression.  The offsets
 * of the first RB_DNS_COMPRESS_MAX labels written are remembered as
 * pointer targets.  full is set when a write does not fit, and stays set.
 */
#define RB_DNS_COMPRESS_MAX	128

struct rb_dns_writer {
	uint8_t *buf;
	size_t size;		/* writes past size fail */
	size_t pos;
	bool full;
	uint16_t labels[RB_DNS_COMPRESS_MAX];	/* offsets of labels written, each a name suffix */
	unsigned int n_labels;
};

void rb_dns_writer_init(struct rb_dns_writer *w, uint8_t *buf, size_t size);
void rb_dns_write_u8(struct rb_dns_writer *w, uint8_t v);
void rb_dns_write_u16(struct rb_dns_writer *w, uint16_t v);
void rb_dns_write_u32(struct rb_dns_writer *w, uint32_t v);
void rb_dns_write_bytes(struct rb_dns_writer *w, const void *data, size_t len);
void rb_dns_put_u16(uint8_t *p, uint16_t v);

/*
 * Write a name.  With compress, the longest suffix that equals
 * (ignoring case) a name or suffix already written becomes a pointer to
 * it; without, the name is written in full but still remembered.
 */
void rb_dns_write_name(struct rb_dns_writer *w, const uint8_t *name, size_t len, bool compress);

#endif
