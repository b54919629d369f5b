// SPDX-License-Identifier: MIT
/*
 * Router advertisement settings (RFC 4861, section 6.2.1): conversion
 * with the defaults that depend on max-interval, and the checks of the
 * advertised prefixes that YANG cannot express.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

#define PATH_LEN	512
#define MS_PER_S	1000u

/*
 * The MinRtrAdvInterval default of RFC 4861, section 6.2.1, as verified
 * erratum 3154 corrects it: 0.33 * MaxRtrAdvInterval when that is at
 * least 9 seconds, otherwise 0.75 * MaxRtrAdvInterval.  A third is used
 * for 0.33, so that 9 seconds give the 3-second minimum.
 */
static uint32_t default_min_interval_ms(uint32_t max_interval_ms)
{
	if (max_interval_ms >= 9 * MS_PER_S)
		return max_interval_ms / 3;
	return max_interval_ms * 3 / 4;
}

static void convert_prefixes(const struct lyd_node *node, struct rb_cfg_ra *ra)
{
	const struct lyd_node *entry;

	RB_CFG_FOR_EACH_ENTRY(node, "prefix", entry) {
		struct rb_cfg_ra_prefix *prefix;
		const struct lyd_value *value;

		/* YANG max-elements limits the count; this keeps the array safe. */
		if (ra->n_prefixes >= RB_CFG_RA_PREFIXES_MAX)
			break;
		prefix = &ra->prefixes[ra->n_prefixes++];
		rb_cfg_ipv6_prefix(rb_cfg_child_str(entry, "prefix"), &prefix->prefix,
				   &prefix->prefix_len);

		/* libyang fills in the defaults; the fallbacks are the same. */
		value = rb_cfg_child_value(entry, "on-link");
		prefix->on_link = !value || value->boolean;
		value = rb_cfg_child_value(entry, "autonomous");
		prefix->autonomous = !value || value->boolean;
		value = rb_cfg_child_value(entry, "valid-lifetime");
		prefix->valid_lifetime = value ? value->uint32 : 2592000;
		value = rb_cfg_child_value(entry, "preferred-lifetime");
		prefix->preferred_lifetime = value ? value->uint32 : 604800;
	}
}

static void convert_rdnss(const struct lyd_node *rdnss, struct rb_cfg_ra *ra)
{
	const struct lyd_value *lifetime = rb_cfg_child_value(rdnss, "lifetime");
	const struct lyd_node *entry;

	ra->rdnss.count = 0;
	RB_CFG_FOR_EACH_ENTRY(rdnss, "address", entry) {
		if (ra->rdnss.count < RB_CFG_ADDRS_MAX)
			ra->rdnss.addr[ra->rdnss.count++] = rb_cfg_ipv6(lyd_get_value(entry));
	}

	/* RFC 8106, section 5.1: by default at least 3 * MaxRtrAdvInterval. */
	ra->rdnss_lifetime = lifetime ? lifetime->uint32 : 3 * (ra->max_interval_ms / MS_PER_S);
}

static void convert_ra(const struct lyd_node *node, struct rb_cfg_ra *ra)
{
	const struct lyd_value *value;

	rb_cfg_copy_str(ra->interface, sizeof(ra->interface), rb_cfg_child_str(node, "name"));

	/* libyang fills in the defaults; the fallbacks are the same. */
	value = rb_cfg_child_value(node, "max-interval");
	ra->max_interval_ms = (value ? value->uint16 : 600) * MS_PER_S;
	value = rb_cfg_child_value(node, "min-interval");
	ra->min_interval_ms = value ? value->uint16 * MS_PER_S :
				      default_min_interval_ms(ra->max_interval_ms);
	value = rb_cfg_child_value(node, "router-lifetime");
	ra->router_lifetime = value ? value->uint16 : 0;
	value = rb_cfg_child_value(node, "reachable-time");
	ra->reachable_time = value ? value->uint32 : 0;
	value = rb_cfg_child_value(node, "retrans-timer");
	ra->retrans_timer = value ? value->uint32 : 0;
	value = rb_cfg_child_value(node, "cur-hop-limit");
	ra->cur_hop_limit = value ? value->uint8 : 64;
	value = rb_cfg_child_value(node, "managed-flag");
	ra->managed = value && value->boolean;
	value = rb_cfg_child_value(node, "other-config-flag");
	ra->other = value && value->boolean;
	value = rb_cfg_child_value(node, "mtu");
	ra->mtu = value ? value->uint32 : 0;

	convert_prefixes(node, ra);
	convert_rdnss(rb_cfg_child(node, "rdnss"), ra);
}

int rb_cfg_convert_ra(const struct lyd_node *root, struct rb_config *cfg,
		      struct rb_cfg_sources *src)
{
	const struct lyd_node *container = rb_cfg_child(root, "router-advertisements"), *node;
	size_t i = 0;

	cfg->n_ras = rb_cfg_count_entries(container, "interface");
	if (cfg->n_ras == 0)
		return 0;
	cfg->ras = calloc(cfg->n_ras, sizeof(*cfg->ras));
	src->ras = calloc(cfg->n_ras, sizeof(*src->ras));
	if (!cfg->ras || !src->ras)
		return -ENOMEM;

	RB_CFG_FOR_EACH_ENTRY(container, "interface", node) {
		src->ras[i] = node;
		convert_ra(node, &cfg->ras[i++]);
	}
	return 0;
}

/* One prefix information option: no link-local or multicast, /64 for SLAAC. */
static void check_prefix(const struct rb_cfg_ra_prefix *prefix, const struct lyd_node *entry,
			 struct rb_cfg_errors *errs)
{
	char path[PATH_LEN], addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 4];

	rb_cfg_child_path(entry, "prefix", path, sizeof(path));
	snprintf(text, sizeof(text), "%s/%u", rb_cfg_ipv6_str(&prefix->prefix, addr, sizeof(addr)),
		 prefix->prefix_len);

	if (rb_cfg_ipv6_special(&prefix->prefix, prefix->prefix_len) == RB_CFG_IPV6_MULTICAST)
		rb_cfg_err_add(errs, path, text, "overlaps the multicast prefix ff00::/8; advertise "
			       "the unicast prefix of the link");
	else if (rb_cfg_ipv6_special(&prefix->prefix, prefix->prefix_len) == RB_CFG_IPV6_LINK_LOCAL)
		rb_cfg_err_add(errs, path, text, "overlaps the link-local prefix fe80::/10, which a "
			       "prefix information option must not carry (RFC 4861, section 6.2.1); "
			       "advertise the global or unique local prefix of the link");
	else if (prefix->autonomous && prefix->prefix_len != 64)
		rb_cfg_err_add(errs, path, text, "is autonomous but not a /64, so hosts ignore it "
			       "for address autoconfiguration (RFC 4862, section 5.5.3); use a /64 "
			       "or set autonomous to false");
}

void rb_cfg_check_ra(const struct rb_config *cfg, const struct rb_cfg_sources *src,
		     struct rb_cfg_errors *errs)
{
	for (size_t i = 0; i < cfg->n_ras; i++) {
		const struct rb_cfg_ra *ra = &cfg->ras[i];
		const struct lyd_node *entry;
		uint8_t p = 0;

		RB_CFG_FOR_EACH_ENTRY(src->ras[i], "prefix", entry) {
			if (p >= ra->n_prefixes)
				break;
			check_prefix(&ra->prefixes[p++], entry, errs);
		}
	}
}
