// SPDX-License-Identifier: MIT
/*
 * Option overload on the slow path (RFC 2131 section 4.1, RFC 2132
 * section 9.3): a reply whose options do not fit the client's maximum
 * keeps as many as fit in the options field and moves the rest into the
 * BOOTP file field, then the sname field, each ending with an end
 * option, and option 52 in the options field names the fields used.
 *
 * Each option goes whole into the first field with room for it, so an
 * option that fits nowhere else stays in the options field and smaller
 * ones after it may be read earlier than in the order of option 55,
 * which RFC 2132 section 9.8 allows.  The echoed option 82 goes last
 * into the last field used, because clients read the options field,
 * then file, then sname, and RFC 3046 section 2.1 wants it last.
 */
#include <stdbool.h>
#include <string.h>

#include "dhcp4/answer.h"

/* One BOOTP field that holds options, filled from start up to end. */
struct overload_field {
	uint32_t start;
	uint32_t end;		/* first byte past the field */
	uint32_t pos;		/* where the next option goes */
};

/* Option TLVs of a built reply, copied out before the fields are rewritten. */
struct overload_opts {
	uint8_t b[RB_DHCP4_MAX_LEN];
	uint32_t len;
	bool has_bootfile;	/* option 67 is among them */
};

/* Copy the TLVs between the cookie and the end option, without pad bytes. */
static int collect_options(const struct rb_dhcp4_buf *out, uint32_t len, struct overload_opts *o)
{
	uint32_t pos = RB_DHCP4_OPTS_OFF;

	o->len = 0;
	o->has_bootfile = false;
	for (int i = 0; i < RB_DHCP4_MAX_OPTIONS * 2 && pos < len; i++) {
		uint8_t code = out->b[pos];
		uint32_t size;

		if (code == RB_OPT_END)
			return 0;
		if (code == RB_OPT_PAD) {
			pos++;
			continue;
		}
		if (pos + 2 > len)
			return -1;
		size = 2u + out->b[pos + 1];
		if (pos + size > len || o->len + size > sizeof(o->b))
			return -1;
		if (code == RB_OPT_BOOTFILE)
			o->has_bootfile = true;
		memcpy(&o->b[o->len], &out->b[pos], size);
		o->len += size;
		pos += size;
	}
	return -1;
}

/*
 * Copy one TLV into the first field from index first on with room for
 * it and for the field's end option.  Returns the field's index, or -1.
 */
static int place_option(struct rb_dhcp4_buf *out, const uint8_t *tlv, uint32_t size,
			struct overload_field *fields, int n_fields, int first)
{
	for (int f = first; f < n_fields; f++) {
		struct overload_field *field = &fields[f];

		if (field->pos + size + 1 > field->end)
			continue;
		memcpy(&out->b[field->pos], tlv, size);
		field->pos += size;
		return f;
	}
	return -1;
}

/*
 * Place every TLV, option 82 last.  Returns the highest index of a field
 * used, or -1 when the options do not fit.
 */
static int place_options(struct rb_dhcp4_buf *out, const struct overload_opts *o,
			 struct overload_field *fields, int n_fields)
{
	uint32_t relay = o->len, pos;
	int last = 0, f;

	for (pos = 0; pos < o->len; pos += 2u + o->b[pos + 1]) {
		if (o->b[pos] == RB_OPT_RELAY_AGENT) {
			relay = pos;
			continue;
		}
		f = place_option(out, &o->b[pos], 2u + o->b[pos + 1], fields, n_fields, 0);
		if (f < 0)
			return -1;
		if (f > last)
			last = f;
	}
	if (relay == o->len)
		return last;
	return place_option(out, &o->b[relay], 2u + o->b[relay + 1], fields, n_fields, last);
}

int rb_dhcp4_overload(struct rb_dhcp4_buf *out, uint32_t len, uint32_t limit)
{
	struct overload_opts opts;
	struct overload_field fields[3];
	uint8_t overload = 0;
	int n_fields = 0, used;

	if (len > RB_DHCP4_MAX_LEN || limit > RB_DHCP4_MAX_LEN || limit < RB_DHCP4_OPTS_OFF + 4 ||
	    collect_options(out, len, &opts))
		return -1;

	/* The options field keeps 3 bytes for option 52. */
	fields[n_fields++] = (struct overload_field){ RB_DHCP4_OPTS_OFF, limit - 3,
						      RB_DHCP4_OPTS_OFF };
	/*
	 * The file field may hold options when the reply has no boot file
	 * name there, or also carries the name in option 67 (RFC 2132
	 * section 9.5); otherwise only sname is used.
	 */
	if (out->b[RB_BOOTP_FILE] == 0 || opts.has_bootfile)
		fields[n_fields++] = (struct overload_field){ RB_BOOTP_FILE,
			RB_BOOTP_FILE + RB_BOOTP_FILE_LEN, RB_BOOTP_FILE };
	fields[n_fields++] = (struct overload_field){ RB_BOOTP_SNAME,
		RB_BOOTP_SNAME + RB_BOOTP_SNAME_LEN, RB_BOOTP_SNAME };

	memset(&out->b[RB_DHCP4_OPTS_OFF], 0, len - RB_DHCP4_OPTS_OFF + 3);
	for (int i = 1; i < n_fields; i++)
		memset(&out->b[fields[i].start], 0, fields[i].end - fields[i].start);
	used = place_options(out, &opts, fields, n_fields);
	if (used < 0)
		return -1;

	/* A field without options keeps its zeros: the file field may lose its name. */
	for (int i = 1; i <= used; i++) {
		if (fields[i].pos == fields[i].start)
			continue;
		out->b[fields[i].pos] = RB_OPT_END;
		overload |= fields[i].start == RB_BOOTP_FILE ? RB_OVERLOAD_FILE : RB_OVERLOAD_SNAME;
	}
	if (overload) {
		out->b[fields[0].pos] = RB_OPT_OVERLOAD;
		out->b[fields[0].pos + 1] = 1;
		out->b[fields[0].pos + 2] = overload;
		fields[0].pos += 3;
	}
	out->b[fields[0].pos] = RB_OPT_END;

	/* Short replies are padded to the BOOTP minimum, as rb_dhcp4_build() does. */
	if (fields[0].pos + 1 < RB_DHCP4_MIN_REPLY)
		return RB_DHCP4_MIN_REPLY;
	return (int)fields[0].pos + 1;
}
