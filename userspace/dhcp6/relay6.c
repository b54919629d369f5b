// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "dhcp6/relay6.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Keep an Interface-Id payload; a second option 18 in one level is an error. */
static int keep_interface_id(struct rb_relay6_level *lv, const uint8_t *val, size_t len)
{
	if (lv->has_interface_id)
		return RB_R6_EDUPLICATE;
	if (len > RB_RELAY6_ID_MAX)
		return RB_R6_EIDLONG;
	memcpy(lv->interface_id, val, len);
	lv->interface_id_len = (uint16_t)len;
	lv->has_interface_id = true;
	return RB_R6_OK;
}

/* Keep a Remote-Id (RFC 4649): a 4-byte enterprise number, then the ID. */
static int keep_remote_id(struct rb_relay6_level *lv, const uint8_t *val, size_t len)
{
	if (lv->has_remote_id)
		return RB_R6_EDUPLICATE;
	if (len < 4)
		return RB_R6_EBADLEN;
	if (len - 4 > RB_RELAY6_ID_MAX)
		return RB_R6_EIDLONG;
	lv->remote_id_enterprise = get32(val);
	memcpy(lv->remote_id, val + 4, len - 4);
	lv->remote_id_len = (uint16_t)(len - 4);
	lv->has_remote_id = true;
	return RB_R6_OK;
}

/* Keep a Client Link-Layer Address (RFC 6939): a 2-byte type, then the address. */
static int keep_client_lladdr(struct rb_relay6_level *lv, const uint8_t *val, size_t len)
{
	if (lv->has_client_lladdr)
		return RB_R6_EDUPLICATE;
	if (len < 3)
		return RB_R6_EBADLEN;
	if (len - 2 > RB_RELAY6_ID_MAX)
		return RB_R6_EIDLONG;
	lv->client_lladdr_type = get16(val);
	memcpy(lv->client_lladdr, val + 2, len - 2);
	lv->client_lladdr_len = (uint16_t)(len - 2);
	lv->has_client_lladdr = true;
	return RB_R6_OK;
}

/*
 * Read one Relay-forward of len bytes at msg into lv, and point *inner,
 * *inner_len at its Relay Message payload.  Returns RB_R6_OK or an enum
 * rb_relay6_error.
 */
static int read_level(const uint8_t *msg, size_t len, struct rb_relay6_level *lv,
		      const uint8_t **inner, size_t *inner_len)
{
	size_t off = RB_DHCP6_RELAY_HDR_LEN;
	bool has_msg = false;
	int err;

	if (len < RB_DHCP6_RELAY_HDR_LEN)
		return RB_R6_ESHORT;
	memset(lv, 0, sizeof(*lv));
	lv->hop_count = msg[1];
	if (lv->hop_count > RB_DHCP6_HOP_COUNT_LIMIT)
		return RB_R6_EHOPCOUNT;
	memcpy(&lv->link_address, msg + 2, 16);
	memcpy(&lv->peer_address, msg + 18, 16);

	while (off < len) {
		const uint8_t *val;
		uint16_t code, olen;

		if (len - off < RB_DHCP6_OPT_HDR_LEN)
			return RB_R6_EOPTION;
		code = get16(msg + off);
		olen = get16(msg + off + 2);
		if (len - off - RB_DHCP6_OPT_HDR_LEN < olen)
			return RB_R6_EOPTION;
		val = msg + off + RB_DHCP6_OPT_HDR_LEN;

		err = RB_R6_OK;
		switch (code) {
		case RB_D6_OPT_RELAY_MSG:
			if (has_msg)
				return RB_R6_EDUPLICATE;
			has_msg = true;
			*inner = val;
			*inner_len = olen;
			break;
		case RB_D6_OPT_INTERFACE_ID:
			err = keep_interface_id(lv, val, olen);
			break;
		case RB_D6_OPT_REMOTE_ID:
			err = keep_remote_id(lv, val, olen);
			break;
		case RB_D6_OPT_CLIENT_LINKLAYER_ADDR:
			err = keep_client_lladdr(lv, val, olen);
			break;
		default:
			break;
		}
		if (err)
			return err;
		off += RB_DHCP6_OPT_HDR_LEN + olen;
	}
	return has_msg ? RB_R6_OK : RB_R6_ENOMSG;
}

int rb_relay6_unwrap(const uint8_t *pkt, size_t len, struct rb_relay6_chain *out)
{
	const uint8_t *msg = pkt;
	size_t msg_len = len;
	int err;

	out->n_levels = 0;
	out->msg = NULL;
	out->msg_len = 0;
	if (len < RB_DHCP6_HDR_LEN)
		return -RB_R6_ESHORT;

	while (msg[0] == RB_D6_RELAY_FORW) {
		if (out->n_levels == RB_RELAY6_LEVELS_MAX)
			return -RB_R6_EDEPTH;
		err = read_level(msg, msg_len, &out->levels[out->n_levels], &msg, &msg_len);
		if (err)
			return -err;
		out->n_levels++;
		if (msg_len == 0)
			return -RB_R6_EINNER;
	}
	if (msg[0] == RB_D6_RELAY_REPL)
		return -RB_R6_EINNER;
	if (out->n_levels && msg_len < RB_DHCP6_HDR_LEN)
		return -RB_R6_EINNER;

	out->msg = msg;
	out->msg_len = msg_len;
	return 0;
}

/* Bytes level lv adds around the message it carries. */
static size_t level_overhead(const struct rb_relay6_level *lv)
{
	size_t n = RB_DHCP6_RELAY_HDR_LEN + RB_DHCP6_OPT_HDR_LEN;

	if (lv->has_interface_id)
		n += RB_DHCP6_OPT_HDR_LEN + lv->interface_id_len;
	return n;
}

ssize_t rb_relay6_wrap(const struct rb_relay6_chain *chain, const uint8_t *reply, size_t reply_len,
		       uint8_t *out, size_t out_size)
{
	size_t total = reply_len, inner, pos = 0;

	if (chain->n_levels > RB_RELAY6_LEVELS_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < chain->n_levels; i++)
		total += level_overhead(&chain->levels[i]);
	if (total > out_size)
		return -ENOSPC;

	/*
	 * Outermost level first.  Each Relay Message option contains everything
	 * after it: the levels further in and the reply.  The Interface-Id
	 * goes before it, so the inner length is the rest of the total.
	 */
	for (unsigned int i = 0; i < chain->n_levels; i++) {
		const struct rb_relay6_level *lv = &chain->levels[i];

		out[pos] = RB_D6_RELAY_REPL;
		out[pos + 1] = lv->hop_count;
		memcpy(out + pos + 2, &lv->link_address, 16);
		memcpy(out + pos + 18, &lv->peer_address, 16);
		pos += RB_DHCP6_RELAY_HDR_LEN;

		if (lv->has_interface_id) {
			put16(out + pos, RB_D6_OPT_INTERFACE_ID);
			put16(out + pos + 2, lv->interface_id_len);
			memcpy(out + pos + 4, lv->interface_id, lv->interface_id_len);
			pos += RB_DHCP6_OPT_HDR_LEN + lv->interface_id_len;
		}

		inner = total - pos - RB_DHCP6_OPT_HDR_LEN;
		if (inner > 0xffff)
			return -ENOSPC;
		put16(out + pos, RB_D6_OPT_RELAY_MSG);
		put16(out + pos + 2, inner);
		pos += RB_DHCP6_OPT_HDR_LEN;
	}
	memcpy(out + pos, reply, reply_len);
	return (ssize_t)total;
}

const char *rb_relay6_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case RB_R6_OK:
		return "no error";
	case RB_R6_ESHORT:
		return "message shorter than its header";
	case RB_R6_EOPTION:
		return "option runs past the end of its relay message";
	case RB_R6_ENOMSG:
		return "Relay-forward without a Relay Message option";
	case RB_R6_EDUPLICATE:
		return "Relay Message, Interface-Id, Remote-Id or Client Link-Layer Address option repeated in one relay message";
	case RB_R6_EDEPTH:
		return "more nested Relay-forward messages than HOP_COUNT_LIMIT allows";
	case RB_R6_EHOPCOUNT:
		return "hop-count above HOP_COUNT_LIMIT";
	case RB_R6_EIDLONG:
		return "Interface-Id, Remote-Id or link-layer address longer than 128 bytes";
	case RB_R6_EBADLEN:
		return "Remote-Id or Client Link-Layer Address option too short for its fixed fields";
	case RB_R6_EINNER:
		return "relayed message is empty, truncated or a Relay-reply";
	default:
		return "unknown relay error";
	}
}
