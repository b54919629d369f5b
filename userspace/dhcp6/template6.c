// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/template_pair.h"
#include "dhcp6/template6.h"
#include "rackboot/dhcp6_wire.h"

_Static_assert(RB_CFG_DUID_MAX == RB_DUID_MAX, "config and map DUID limits differ");

/* An option payload under construction, at most one option long. */
struct opt_buf {
	uint8_t b[RB_DHCP6_TMPL_OPTS_LEN];
	size_t len;
	bool overflow;		/* something did not fit; the option is invalid */
};

static void buf_put(struct opt_buf *o, const void *data, size_t len)
{
	if (o->overflow || o->len + len > sizeof(o->b)) {
		o->overflow = true;
		return;
	}
	memcpy(o->b + o->len, data, len);
	o->len += len;
}

static void buf_put16(struct opt_buf *o, size_t v)
{
	uint8_t be[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	buf_put(o, be, sizeof(be));
}

static void buf_put32(struct opt_buf *o, uint32_t v)
{
	uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	buf_put(o, be, sizeof(be));
}

/* Append a sub-option or option header and payload: 2-byte code, 2-byte length. */
static void buf_put_tlv(struct opt_buf *o, uint16_t code, const void *data, size_t len)
{
	buf_put16(o, code);
	buf_put16(o, len);
	buf_put(o, data, len);
}

static void buf_put_addrs(struct opt_buf *o, const struct rb_cfg_addrs6 *a)
{
	for (uint8_t i = 0; i < a->count && i < RB_CFG_ADDRS_MAX; i++)
		buf_put(o, &a->addr[i], 16);
}

/*
 * Append name in DNS wire format (RFC 1035 section 3.1, no compression,
 * as RFC 8415 section 10 requires): length-prefixed labels and a zero byte.
 * Returns 0 or -EINVAL for an empty label or one over 63 bytes.
 */
static int buf_put_domain(struct opt_buf *o, const char *name)
{
	const char *label = name;

	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);
		uint8_t len_byte = (uint8_t)len;

		if (len == 0 || len > 63)
			return -EINVAL;
		buf_put(o, &len_byte, 1);
		buf_put(o, label, len);
		if (!dot)
			break;
		label = dot + 1;
	}
	buf_put(o, "", 1);
	return 0;
}

/*
 * Append option code with the payload in o to the template and record
 * its slot.  An empty payload adds nothing.  Returns 0 or -EMSGSIZE.
 */
static int tmpl_put_slot(struct rb_dhcp6_template *t, enum rb_dhcp6_slot slot, uint16_t code,
			 const struct opt_buf *o)
{
	if (o->len == 0)
		return 0;
	if (o->overflow || t->opts_len + RB_DHCP6_OPT_HDR_LEN + o->len > RB_DHCP6_TMPL_OPTS_LEN)
		return -EMSGSIZE;

	t->slot_off[slot] = t->opts_len + 1;
	t->opts[t->opts_len] = (uint8_t)(code >> 8);
	t->opts[t->opts_len + 1] = (uint8_t)code;
	t->opts[t->opts_len + 2] = (uint8_t)(o->len >> 8);
	t->opts[t->opts_len + 3] = (uint8_t)o->len;
	memcpy(t->opts + t->opts_len + RB_DHCP6_OPT_HDR_LEN, o->b, o->len);
	t->opts_len += RB_DHCP6_OPT_HDR_LEN + o->len;
	return 0;
}

/* Option 24: the search list, each name in DNS wire format. */
static int encode_domains(const struct rb_cfg_subnet6 *s, struct opt_buf *o)
{
	for (uint8_t i = 0; i < s->n_domain_search && i < RB_CFG_DOMAINS_MAX; i++) {
		if (buf_put_domain(o, s->domain_search[i])) {
			log_err("dhcpv6 subnet %s: domain-search name \"%s\" has an empty label "
				"or one over 63 bytes: fix the name",
				s->name, s->domain_search[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Option 56: one NTP server address sub-option per address (RFC 5908 section 4). */
static void encode_ntp(const struct rb_cfg_subnet6 *s, struct opt_buf *o)
{
	for (uint8_t i = 0; i < s->ntp_servers.count && i < RB_CFG_ADDRS_MAX; i++)
		buf_put_tlv(o, RB_D6_NTP_SUBOPT_SRV_ADDR, &s->ntp_servers.addr[i], 16);
}

static void encode_cl_addrs(struct opt_buf *o, uint16_t code, const struct rb_cfg_addrs6 *a)
{
	if (a->count == 0)
		return;
	buf_put16(o, code);
	buf_put16(o, (size_t)a->count * 16);
	buf_put_addrs(o, a);
}

/*
 * Option 17 with enterprise number 4491 and the CableLabs sub-options
 * that are set; nothing when none is.
 */
static void encode_vendor4491(const struct rb_cfg_vendor4491 *v, struct opt_buf *o)
{
	size_t config_len = strnlen(v->config_file, RB_CFG_DOMAIN_MAX);

	buf_put32(o, RB_DHCP6_ENTERPRISE_CABLELABS);
	encode_cl_addrs(o, RB_D6_CL_TFTP_SERVERS, &v->tftp_servers);
	if (config_len)
		buf_put_tlv(o, RB_D6_CL_CONFIG_FILE, v->config_file, config_len);
	encode_cl_addrs(o, RB_D6_CL_SYSLOG_SERVERS, &v->syslog_servers);
	encode_cl_addrs(o, RB_D6_CL_TIME_SERVERS, &v->time_servers);
	if (v->has_time_offset) {
		buf_put16(o, RB_D6_CL_TIME_OFFSET);
		buf_put16(o, 4);
		buf_put32(o, (uint32_t)v->time_offset);
	}
	/* Only the enterprise number: no sub-option is set. */
	if (o->len == 4)
		o->len = 0;
}

/* Option 136: per URI a 2-byte length and the URI (RFC 8572 section 8.4). */
static void encode_sztp(const struct rb_cfg_profile *p, struct opt_buf *o)
{
	for (uint8_t i = 0; i < p->n_sztp_servers && i < RB_CFG_URIS_MAX; i++) {
		size_t len = strnlen(p->sztp_servers[i], RB_CFG_URI_MAX);

		buf_put16(o, len);
		buf_put(o, p->sztp_servers[i], len);
	}
}

/* Encode one option of the subnet or profile into its slot. */
static int put_slot(struct rb_dhcp6_template *t, const struct rb_cfg_subnet6 *s,
		    const struct rb_cfg_profile *p, enum rb_dhcp6_slot slot)
{
	static const uint16_t codes[RB_D6_SLOT_COUNT] = {
		[RB_D6_SLOT_DNS] = RB_D6_OPT_DNS_SERVERS,
		[RB_D6_SLOT_DOMAINS] = RB_D6_OPT_DOMAIN_LIST,
		[RB_D6_SLOT_SNTP] = RB_D6_OPT_SNTP_SERVERS,
		[RB_D6_SLOT_NTP] = RB_D6_OPT_NTP_SERVER,
		[RB_D6_SLOT_VENDOR_OPTS] = RB_D6_OPT_VENDOR_OPTS,
		[RB_D6_SLOT_SZTP] = RB_D6_OPT_SZTP_REDIRECT,
		[RB_D6_SLOT_SOL_MAX_RT] = RB_D6_OPT_SOL_MAX_RT,
		[RB_D6_SLOT_INF_MAX_RT] = RB_D6_OPT_INF_MAX_RT,
	};
	struct opt_buf o = { .len = 0 };
	int err = 0;

	switch (slot) {
	case RB_D6_SLOT_DNS:
		buf_put_addrs(&o, &s->dns_servers);
		break;
	case RB_D6_SLOT_DOMAINS:
		err = encode_domains(s, &o);
		break;
	case RB_D6_SLOT_SNTP:
		buf_put_addrs(&o, &s->sntp_servers);
		break;
	case RB_D6_SLOT_NTP:
		encode_ntp(s, &o);
		break;
	case RB_D6_SLOT_VENDOR_OPTS:
		encode_vendor4491(&s->vendor4491, &o);
		break;
	case RB_D6_SLOT_SZTP:
		encode_sztp(p, &o);
		break;
	case RB_D6_SLOT_SOL_MAX_RT:
		buf_put32(&o, RB_DHCP6_SOL_MAX_RT);
		break;
	case RB_D6_SLOT_INF_MAX_RT:
		buf_put32(&o, RB_DHCP6_INF_MAX_RT);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	return tmpl_put_slot(t, slot, codes[slot], &o);
}

/*
 * Encode one boot file rule: the option 59 TLV with the URL, then the
 * option 60 TLV with each parameter behind a 2-byte length (RFC 5970
 * section 3.2) when the rule has parameters.
 */
static int encode_bootfile(const struct rb_cfg_bootfile6 *src, struct rb_bootfile6 *dst)
{
	struct opt_buf url = { .len = 0 }, params = { .len = 0 };
	size_t url_len = strnlen(src->url, RB_CFG_URI_MAX);

	if (url_len == 0)
		return -EINVAL;
	buf_put_tlv(&url, RB_D6_OPT_BOOTFILE_URL, src->url, url_len);
	for (uint8_t i = 0; i < src->n_params && i < RB_CFG_BOOT_PARAMS_MAX; i++) {
		size_t len = strnlen(src->params[i], RB_CFG_BOOT_PARAM_LEN);

		buf_put16(&params, len);
		buf_put(&params, src->params[i], len);
	}

	dst->arch = src->arch;
	dst->ipxe = src->ipxe;
	dst->url_tlv_len = (uint16_t)url.len;
	if (url.overflow || url.len > sizeof(dst->tlv))
		return -EMSGSIZE;
	memcpy(dst->tlv, url.b, url.len);
	if (params.len == 0)
		return 0;
	if (params.overflow || url.len + RB_DHCP6_OPT_HDR_LEN + params.len > sizeof(dst->tlv))
		return -EMSGSIZE;
	dst->tlv[url.len] = 0;
	dst->tlv[url.len + 1] = RB_D6_OPT_BOOTFILE_PARAM;
	dst->tlv[url.len + 2] = (uint8_t)(params.len >> 8);
	dst->tlv[url.len + 3] = (uint8_t)params.len;
	memcpy(dst->tlv + url.len + RB_DHCP6_OPT_HDR_LEN, params.b, params.len);
	dst->param_tlv_len = (uint16_t)(RB_DHCP6_OPT_HDR_LEN + params.len);
	return 0;
}

static int encode_bootfiles(struct rb_dhcp6_template *t, const struct rb_cfg_profile *p)
{
	if (p->n_bootfiles6 > RB_BOOTFILES_MAX) {
		log_err("boot profile %s: %u DHCPv6 boot files, at most %d are supported",
			p->name, p->n_bootfiles6, RB_BOOTFILES_MAX);
		return -EMSGSIZE;
	}
	for (uint8_t i = 0; i < p->n_bootfiles6; i++) {
		int err = encode_bootfile(&p->bootfiles6[i], &t->bootfiles[i]);

		if (err) {
			log_err("boot profile %s: DHCPv6 boot file %u (%s) is empty or its URL "
				"and parameters exceed %d bytes encoded: shorten them",
				p->name, i, p->bootfiles6[i].url, RB_DHCP6_BOOT_TLV_MAX);
			return err;
		}
	}
	t->n_bootfiles = p->n_bootfiles6;
	return 0;
}

int rb_dhcp6_template_encode(const struct rb_cfg_subnet6 *subnet, const struct rb_cfg_profile *profile,
			     const uint8_t *duid, size_t duid_len, struct rb_dhcp6_template *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (duid_len < RB_DUID_MIN || duid_len > RB_DUID_MAX) {
		log_err("dhcpv6 server DUID of %zu bytes: it must have %d to %d bytes",
			duid_len, RB_DUID_MIN, RB_DUID_MAX);
		return -EINVAL;
	}
	out->server_duid_len = (uint8_t)duid_len;
	out->server_id[0] = 0;
	out->server_id[1] = RB_D6_OPT_SERVERID;
	out->server_id[2] = 0;
	out->server_id[3] = (uint8_t)duid_len;
	memcpy(out->server_id + 4, duid, duid_len);
	if (subnet->rapid_commit)
		out->flags |= RB_D6_TMPL_F_RAPID_COMMIT;

	for (int slot = 0; slot < RB_D6_SLOT_COUNT; slot++) {
		err = put_slot(out, subnet, profile, (enum rb_dhcp6_slot)slot);
		if (err == -EMSGSIZE) {
			log_err("dhcpv6 subnet %s with boot profile %s: options do not fit the "
				"%d-byte reply template (%u bytes used before option slot %d): "
				"list fewer servers or domains, or shorter SZTP URIs",
				subnet->name, profile->name, RB_DHCP6_TMPL_OPTS_LEN,
				out->opts_len, slot);
		}
		if (err)
			return err;
	}
	return encode_bootfiles(out, profile);
}

/* Find or encode the template of (subnet6 s, profile p); returns its id or a negative errno. */
static int template_for(const struct rb_config *cfg, const uint8_t *duid, size_t duid_len,
			struct rb_dhcp6_templates *out, size_t *pairs, size_t s, size_t p)
{
	size_t before = out->count;
	int id = rb_template_pair_id(pairs, &out->count, cfg->n_profiles, s, p);
	int err;

	if (id < 0) {
		log_err("more than %d (dhcpv6 subnet, boot profile) pairs in the inventory and "
			"pools: merge profiles or subnets", RB_MAX_TEMPLATES);
		return id;
	}
	if (out->count == before)
		return id;
	err = rb_dhcp6_template_encode(&cfg->subnets6[s], &cfg->profiles[p], duid, duid_len,
				       &out->items[id]);
	return err ? err : id;
}

int rb_dhcp6_templates_build(const struct rb_config *cfg, const uint8_t *duid, size_t duid_len,
			     struct rb_dhcp6_templates *out)
{
	size_t *pairs = NULL;
	void *items = NULL;
	int err = 0, id;

	memset(out, 0, sizeof(*out));
	err = rb_template_tables_alloc(sizeof(*out->items), cfg->n_devices, cfg->n_subnets6, &items,
				       &out->device_template, &out->pool_template, &pairs);
	out->items = items;
	if (err)
		goto out;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];

		out->device_template[i] = RB_DHCP6_NO_TEMPLATE;
		if (!dev->has_ipv6 || dev->subnet6 >= cfg->n_subnets6)
			continue;
		id = template_for(cfg, duid, duid_len, out, pairs, dev->subnet6, dev->profile);
		if (id < 0) {
			err = id;
			goto out;
		}
		out->device_template[i] = (uint32_t)id;
	}

	/* Pool devices of a subnet share the template of (subnet, pool profile). */
	for (size_t s = 0; s < cfg->n_subnets6; s++) {
		out->pool_template[s] = RB_DHCP6_NO_TEMPLATE;
		if (cfg->subnets6[s].n_pool_ranges == 0)
			continue;
		id = template_for(cfg, duid, duid_len, out, pairs, s, cfg->subnets6[s].pool_profile);
		if (id < 0) {
			err = id;
			goto out;
		}
		out->pool_template[s] = (uint32_t)id;
	}

out:
	free(pairs);
	if (err)
		rb_dhcp6_templates_free(out);
	return err;
}

void rb_dhcp6_templates_free(struct rb_dhcp6_templates *t)
{
	rb_template_tables_free(t->items, t->device_template, t->pool_template);
	memset(t, 0, sizeof(*t));
}

void rb_dhcp6_device_fill(const struct rb_cfg_device *dev, const struct rb_cfg_subnet6 *subnet,
			  uint32_t template_id, struct rb_device6 *rec)
{
	memcpy(rec->addr, &dev->ipv6, sizeof(rec->addr));
	rec->template_id = template_id;
	rec->preferred_lifetime = subnet->preferred_lifetime;
	rec->valid_lifetime = subnet->valid_lifetime;
	rec->t1 = subnet->renewal_time;
	rec->t2 = subnet->rebinding_time;
	memcpy(rec->mac, dev->mac, sizeof(rec->mac));
	rec->has_mac = 1;
	rec->pad = 0;
	/* The caller sets ifindex from its interfaces.  With 0, XDP passes the device's requests. */
	rec->ifindex = 0;
	rec->pad2 = 0;
}

int rb_dhcp6_duid_key(const uint8_t *duid, size_t len, struct rb_duid_key *key)
{
	memset(key, 0, sizeof(*key));
	if (len < RB_DUID_MIN || len > RB_DUID_MAX)
		return -EINVAL;
	key->len = (uint8_t)len;
	memcpy(key->duid, duid, len);
	return 0;
}
