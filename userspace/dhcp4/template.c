// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/template_pair.h"
#include "dhcp4/template.h"
#include "rackboot/dhcp4_wire.h"

/*
 * Append one option TLV to the template without indexing it.  Stores its
 * offset plus one, the opt_off[] form, in *off.
 */
static int tmpl_append(struct rb_dhcp4_template *t, uint8_t code, const void *data, size_t len,
		       uint16_t *off)
{
	if (len > 255 || t->opts_len + 2 + len > RB_TMPL_OPTS_LEN)
		return -ENOSPC;

	*off = t->opts_len + 1;
	t->opts[t->opts_len] = code;
	t->opts[t->opts_len + 1] = (uint8_t)len;
	memcpy(&t->opts[t->opts_len + 2], data, len);
	t->opts_len += 2 + len;
	return 0;
}

/* Append one option TLV to the template and index it. */
static int tmpl_put(struct rb_dhcp4_template *t, uint8_t code, const void *data, size_t len)
{
	return tmpl_append(t, code, data, len, &t->opt_off[code]);
}

/*
 * Option 43 for PXE clients with only PXE_DISCOVERY_CONTROL (PXE 2.1
 * vendor option 6), kept out of opt_off[] so that other clients never
 * get it.
 */
static int tmpl_put_pxe_discovery(struct rb_dhcp4_template *t, const struct rb_cfg_profile *p)
{
	uint8_t payload[] = { 6, 1, p->pxe_discovery_control, RB_OPT_END };

	if (!p->has_pxe_discovery_control)
		return 0;
	return tmpl_append(t, RB_OPT_VENDOR_SPECIFIC, payload, sizeof(payload), &t->pxe_vendor_off);
}

static int tmpl_put_u32(struct rb_dhcp4_template *t, uint8_t code, uint32_t host_value)
{
	uint32_t be = htonl(host_value);

	return tmpl_put(t, code, &be, sizeof(be));
}

static int tmpl_put_addrs(struct rb_dhcp4_template *t, uint8_t code, const struct rb_cfg_addrs *a)
{
	if (a->count == 0)
		return 0;
	return tmpl_put(t, code, a->addr, (size_t)a->count * sizeof(a->addr[0]));
}

static int tmpl_put_string(struct rb_dhcp4_template *t, uint8_t code, const char *s)
{
	if (s[0] == '\0')
		return 0;
	return tmpl_put(t, code, s, strlen(s));
}

/*
 * Option 143: per URI a 16-bit big-endian length and the URI bytes.
 * Returns -EMSGSIZE, after logging, when the list exceeds one option.
 */
static int tmpl_put_sztp_servers(struct rb_dhcp4_template *t, const struct rb_cfg_profile *p)
{
	uint8_t payload[255];
	size_t len = 0;

	if (p->n_sztp_servers == 0)
		return 0;

	for (uint8_t i = 0; i < p->n_sztp_servers && i < RB_CFG_URIS_MAX; i++) {
		size_t uri_len = strnlen(p->sztp_servers[i], RB_CFG_URI_MAX);

		if (len + 2 + uri_len > sizeof(payload)) {
			log_err("boot profile %s: SZTP bootstrap server URIs do not fit the "
				"%zu bytes of one option 143: list fewer or shorter URIs",
				p->name, sizeof(payload));
			return -EMSGSIZE;
		}
		payload[len] = (uint8_t)(uri_len >> 8);
		payload[len + 1] = (uint8_t)uri_len;
		memcpy(&payload[len + 2], p->sztp_servers[i], uri_len);
		len += 2 + uri_len;
	}
	return tmpl_put(t, RB_OPT_SZTP_REDIRECT, payload, len);
}

/* The switch ZTP and SZTP options of a profile: 150, 43 and 143, and the PXE 43. */
static int tmpl_put_profile_options(struct rb_dhcp4_template *t, const struct rb_cfg_profile *p)
{
	int err = 0;

	err = err ?: tmpl_put_addrs(t, RB_OPT_TFTP_SERVER_ADDRESS, &p->tftp_server_addrs);
	if (p->vendor_info_len)
		err = err ?: tmpl_put(t, RB_OPT_VENDOR_SPECIFIC, p->vendor_info, p->vendor_info_len);
	err = err ?: tmpl_put_sztp_servers(t, p);
	err = err ?: tmpl_put_pxe_discovery(t, p);
	return err;
}

static int tmpl_put_bootfiles(struct rb_dhcp4_template *t, const struct rb_cfg_profile *p)
{
	if (p->n_bootfiles > RB_BOOTFILES_MAX)
		return -ENOSPC;

	for (uint8_t i = 0; i < p->n_bootfiles; i++) {
		const struct rb_cfg_bootfile *src = &p->bootfiles[i];
		struct rb_bootfile *dst = &t->bootfiles[i];
		size_t len = strlen(src->file);

		if (len == 0 || len >= RB_BOOTFILE_MAX)
			return -ENAMETOOLONG;
		dst->arch = src->arch;
		dst->ipxe = src->ipxe;
		dst->http = src->http;
		dst->len = (uint8_t)len;
		memcpy(dst->name, src->file, len);
	}
	t->n_bootfiles = p->n_bootfiles;
	return 0;
}

int rb_dhcp4_template_encode(const struct rb_cfg_subnet *subnet,
			     const struct rb_cfg_profile *profile,
			     struct rb_dhcp4_template *out)
{
	uint32_t mask = subnet->prefix_len ? htonl(~0u << (32 - subnet->prefix_len)) : 0;
	int32_t offset_be = (int32_t)htonl((uint32_t)subnet->time_offset);
	unsigned int subnet_len;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->server_id = subnet->server_id;
	out->siaddr = subnet->next_server ? subnet->next_server : subnet->server_id;
	out->lease_time = subnet->lease_time;
	if (subnet->not_authoritative)
		out->flags |= RB_TMPL_F_NOT_AUTHORITATIVE;

	err = err ?: tmpl_put(out, RB_OPT_SUBNET_MASK, &mask, sizeof(mask));
	if (subnet->has_time_offset)
		err = err ?: tmpl_put(out, RB_OPT_TIME_OFFSET, &offset_be, sizeof(offset_be));
	err = err ?: tmpl_put_addrs(out, RB_OPT_ROUTER, &subnet->routers);
	err = err ?: tmpl_put_addrs(out, RB_OPT_TIME_SERVER, &subnet->time_servers);
	err = err ?: tmpl_put_addrs(out, RB_OPT_DNS, &subnet->dns_servers);
	err = err ?: tmpl_put_addrs(out, RB_OPT_LOG_SERVER, &subnet->log_servers);
	err = err ?: tmpl_put_string(out, RB_OPT_DOMAIN_NAME, subnet->domain_name);
	err = err ?: tmpl_put_u32(out, RB_OPT_LEASE_TIME, subnet->lease_time);
	err = err ?: tmpl_put_u32(out, RB_OPT_RENEWAL_TIME, subnet->renewal_time);
	err = err ?: tmpl_put_u32(out, RB_OPT_REBINDING_TIME, subnet->rebinding_time);
	/* PXE clients ignore an offer that lacks class "PXEClient" (PXE 2.1). */
	err = err ?: tmpl_put_string(out, RB_OPT_VENDOR_CLASS, "PXEClient");
	/* UEFI HTTP Boot clients ignore an offer that lacks class "HTTPClient". */
	err = err ?: tmpl_append(out, RB_OPT_VENDOR_CLASS, "HTTPClient", strlen("HTTPClient"),
				 &out->http_class_off);
	err = err ?: tmpl_put_string(out, RB_OPT_TFTP_SERVER, subnet->tftp_server_name);
	if (err) {
		log_err("dhcpv4 subnet %s: options do not fit the %d-byte reply template: "
			"shorten the domain or TFTP server name, or list fewer servers",
			subnet->name, RB_TMPL_OPTS_LEN);
		return err;
	}

	subnet_len = out->opts_len;
	err = tmpl_put_profile_options(out, profile);
	if (err == -ENOSPC) {
		log_err("dhcpv4 subnet %s with boot profile %s: options do not fit the %d-byte "
			"reply template (%u bytes used by the subnet): shorten vendor-specific-info "
			"or the SZTP bootstrap server URIs, or list fewer servers",
			subnet->name, profile->name, RB_TMPL_OPTS_LEN, subnet_len);
	}
	if (err)
		return err;

	err = tmpl_put_bootfiles(out, profile);
	if (err) {
		log_err("boot profile %s: boot files do not fit: at most %d entries "
			"of at most %d bytes each", profile->name, RB_BOOTFILES_MAX,
			RB_BOOTFILE_MAX - 1);
		return err;
	}
	return 0;
}

int rb_dhcp4_templates_build(const struct rb_config *cfg, struct rb_dhcp4_templates *out)
{
	size_t *pairs = NULL;
	void *items = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	err = rb_template_tables_alloc(sizeof(*out->items), cfg->n_devices, cfg->n_subnets, &items,
				       &out->device_template, &out->pool_template, &pairs);
	out->items = items;
	if (err)
		goto out;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct rb_cfg_device *dev = &cfg->devices[i];
		size_t before = out->count;
		int id = rb_template_pair_id(pairs, &out->count, cfg->n_profiles, dev->subnet,
					     dev->profile);

		if (id < 0) {
			log_err("more than %d (subnet, boot profile) pairs in the inventory: "
				"merge profiles or subnets", RB_MAX_TEMPLATES);
			err = id;
			goto out;
		}
		out->device_template[i] = (uint32_t)id;
		if (out->count == before)
			continue;

		err = rb_dhcp4_template_encode(&cfg->subnets[dev->subnet],
					       &cfg->profiles[dev->profile], &out->items[id]);
		if (err)
			goto out;
	}

	/* Pool devices of a subnet share the template of (subnet, pool profile). */
	for (size_t s = 0; s < cfg->n_subnets; s++) {
		const struct rb_cfg_subnet *subnet = &cfg->subnets[s];
		size_t before = out->count;
		int id;

		if (subnet->n_pool_ranges == 0)
			continue;
		id = rb_template_pair_id(pairs, &out->count, cfg->n_profiles, s,
					 subnet->pool_profile);
		if (id < 0) {
			log_err("more than %d (subnet, boot profile) pairs in the inventory and "
				"pools: merge profiles or subnets", RB_MAX_TEMPLATES);
			err = id;
			goto out;
		}
		out->pool_template[s] = (uint32_t)id;
		if (out->count == before)
			continue;

		err = rb_dhcp4_template_encode(subnet, &cfg->profiles[subnet->pool_profile],
					       &out->items[id]);
		if (err)
			goto out;
	}

out:
	free(pairs);
	if (err)
		rb_dhcp4_templates_free(out);
	return err;
}

void rb_dhcp4_templates_free(struct rb_dhcp4_templates *t)
{
	rb_template_tables_free(t->items, t->device_template, t->pool_template);
	memset(t, 0, sizeof(*t));
}

void rb_dhcp4_device_fill(const struct rb_cfg_device *dev, uint32_t template_id,
			  struct rb_device *rec)
{
	size_t len = strnlen(dev->hostname, RB_HOSTNAME_MAX);

	rec->ipv4 = dev->ipv4;
	rec->template_id = template_id;
	rec->inventory = 1;
	rec->hostname_len = (uint8_t)len;
	memset(rec->hostname, 0, sizeof(rec->hostname));
	memcpy(rec->hostname, dev->hostname, len);
}
