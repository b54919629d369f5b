// SPDX-License-Identifier: MIT
/*
 * Encode a Router Advertisement body (RFC 4861 4.2 and 4.6, RFC 8106
 * 5.1) from the config, with a cursor that stops at the first write that
 * would not fit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ra/ra_template.h"

_Static_assert(RB_CFG_RA_PREFIXES_MAX <= RB_RA_PREFIXES_MAX, "RA template holds every prefix");
_Static_assert(RB_CFG_ADDRS_MAX <= RB_RA_RDNSS_MAX, "RA template holds every RDNSS address");

/* Write position in the output.  err sticks at -ENOSPC after an overflow. */
struct ra_cursor {
	uint8_t *out;
	size_t size;
	size_t len;
	int err;
};

static uint8_t *reserve(struct ra_cursor *c, size_t n)
{
	uint8_t *p;

	if (c->err || n > c->size - c->len) {
		c->err = -ENOSPC;
		return NULL;
	}
	p = c->out + c->len;
	memset(p, 0, n);
	c->len += n;
	return p;
}

static void put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

static void put_header(struct ra_cursor *c, const struct rb_cfg_ra *cfg)
{
	uint8_t *p = reserve(c, RB_RA_HDR_LEN);

	if (!p)
		return;
	p[RB_RA_TYPE] = RB_ND_ROUTER_ADVERT;
	p[RB_RA_CODE] = 0;
	p[RB_RA_CUR_HOP_LIMIT] = cfg->cur_hop_limit;
	p[RB_RA_FLAGS] = (cfg->managed ? RB_RA_F_MANAGED : 0) | (cfg->other ? RB_RA_F_OTHER : 0);
	put16(p + RB_RA_ROUTER_LIFETIME, cfg->router_lifetime);
	put32(p + RB_RA_REACHABLE_TIME, cfg->reachable_time);
	put32(p + RB_RA_RETRANS_TIMER, cfg->retrans_timer);
}

static void put_source_ll(struct ra_cursor *c, const uint8_t mac[6])
{
	uint8_t *p = reserve(c, RB_ND_OPT_SOURCE_LL_LEN);

	if (!p)
		return;
	p[0] = RB_ND_OPT_SOURCE_LL;
	p[1] = RB_ND_OPT_SOURCE_LL_LEN / RB_ND_OPT_UNIT;
	memcpy(p + 2, mac, 6);
}

/* Type, length, 2 reserved bytes, the MTU (RFC 4861 4.6.4). */
static void put_mtu(struct ra_cursor *c, uint32_t mtu)
{
	uint8_t *p = reserve(c, RB_ND_OPT_MTU_LEN);

	if (!p)
		return;
	p[0] = RB_ND_OPT_MTU;
	p[1] = RB_ND_OPT_MTU_LEN / RB_ND_OPT_UNIT;
	put32(p + 4, mtu);
}

/*
 * Type, length, prefix length, L/A flags, valid lifetime, preferred
 * lifetime, 4 reserved bytes, the prefix (RFC 4861 4.6.2).  Bits past
 * the prefix length are cleared, as receivers must ignore them anyway.
 */
static void put_prefix(struct ra_cursor *c, const struct rb_cfg_ra_prefix *pfx)
{
	uint8_t *p = reserve(c, RB_ND_OPT_PREFIX_LEN);
	unsigned int bits = pfx->prefix_len > 128 ? 128 : pfx->prefix_len;

	if (!p)
		return;
	p[0] = RB_ND_OPT_PREFIX_INFO;
	p[1] = RB_ND_OPT_PREFIX_LEN / RB_ND_OPT_UNIT;
	p[2] = (uint8_t)bits;
	p[3] = (pfx->on_link ? RB_PIO_F_ON_LINK : 0) | (pfx->autonomous ? RB_PIO_F_AUTONOMOUS : 0);
	put32(p + 4, pfx->valid_lifetime);
	put32(p + 8, pfx->preferred_lifetime);
	memcpy(p + 16, &pfx->prefix, 16);
	for (unsigned int bit = bits; bit < 128; bit++)
		p[16 + bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

/* Type, length, 2 reserved bytes, lifetime, the addresses (RFC 8106 5.1). */
static void put_rdnss(struct ra_cursor *c, const struct rb_cfg_addrs6 *addrs, uint32_t lifetime)
{
	size_t len = RB_ND_OPT_RDNSS_HDR_LEN + (size_t)addrs->count * 16;
	uint8_t *p = reserve(c, len);

	if (!p)
		return;
	p[0] = RB_ND_OPT_RDNSS;
	p[1] = (uint8_t)(len / RB_ND_OPT_UNIT);
	put32(p + 4, lifetime);
	for (size_t i = 0; i < addrs->count; i++)
		memcpy(p + RB_ND_OPT_RDNSS_HDR_LEN + i * 16, &addrs->addr[i], 16);
}

int rb_ra_body_encode(const struct rb_cfg_ra *cfg, const uint8_t mac[6], uint8_t *out,
		      size_t size)
{
	struct ra_cursor c = { .out = out, .size = size };

	if (cfg->n_prefixes > RB_RA_PREFIXES_MAX || cfg->rdnss.count > RB_RA_RDNSS_MAX)
		return -EINVAL;

	put_header(&c, cfg);
	put_source_ll(&c, mac);
	if (cfg->mtu)
		put_mtu(&c, cfg->mtu);
	for (size_t i = 0; i < cfg->n_prefixes; i++)
		put_prefix(&c, &cfg->prefixes[i]);
	if (cfg->rdnss.count)
		put_rdnss(&c, &cfg->rdnss, cfg->rdnss_lifetime);

	return c.err ? c.err : (int)c.len;
}

int rb_ra_template_fill(const struct rb_cfg_ra *cfg, const uint8_t mac[6],
			const struct in6_addr *src, struct rb_ra_template *out)
{
	int len;

	memset(out, 0, sizeof(*out));
	len = rb_ra_body_encode(cfg, mac, out->body, sizeof(out->body));
	if (len < 0)
		return len;

	out->body_len = (__u16)len;
	memcpy(out->mac, mac, sizeof(out->mac));
	memcpy(out->src_addr, src, sizeof(out->src_addr));
	out->reply_rate = RB_RA_REPLY_RATE;
	out->reply_burst = RB_RA_REPLY_BURST;
	return 0;
}

void rb_ra_body_set_router_lifetime(uint8_t *body, uint16_t seconds)
{
	put16(body + RB_RA_ROUTER_LIFETIME, seconds);
}
