// SPDX-License-Identifier: MIT
/* The syslog container: receiver limits, the TLS listener and the collectors to forward to. */
#include <string.h>

#include "config/config_internal.h"

/* libyang fills in the defaults of the YANG module, and the fallbacks here are the same. */
static uint32_t child_u32(const struct lyd_node *node, const char *name, uint32_t fallback)
{
	const struct lyd_value *value = rb_cfg_child_value(node, name);

	return value ? value->uint32 : fallback;
}

static uint16_t child_u16(const struct lyd_node *node, const char *name, uint16_t fallback)
{
	const struct lyd_value *value = rb_cfg_child_value(node, name);

	return value ? value->uint16 : fallback;
}

static void convert_collector(const struct lyd_node *node, struct rb_cfg_syslog_collector *c)
{
	const char *transport = rb_cfg_child_str(node, "transport");

	rb_cfg_copy_str(c->host, sizeof(c->host), rb_cfg_child_str(node, "host"));
	c->port = child_u16(node, "port", 514);
	c->transport = RB_CFG_SYSLOG_UDP;
	if (transport && strcmp(transport, "tcp") == 0)
		c->transport = RB_CFG_SYSLOG_TCP;
	else if (transport && strcmp(transport, "tls") == 0)
		c->transport = RB_CFG_SYSLOG_TLS;
	c->queue_size = child_u32(node, "queue-size", 1000);
	rb_cfg_copy_str(c->ca_certificates, sizeof(c->ca_certificates),
			rb_cfg_child_str(node, "ca-certificates"));
	rb_cfg_copy_str(c->server_name, sizeof(c->server_name),
			rb_cfg_child_str(node, "server-name"));
}

static void convert_tls(const struct lyd_node *syslog, struct rb_cfg_syslog *sl)
{
	const struct lyd_node *node = rb_cfg_child(syslog, "tls");

	if (!node)
		return;
	sl->tls_enabled = true;
	sl->tls_port = child_u16(node, "port", 6514);
	rb_cfg_copy_str(sl->tls_certificate, sizeof(sl->tls_certificate),
			rb_cfg_child_str(node, "certificate"));
	rb_cfg_copy_str(sl->tls_private_key, sizeof(sl->tls_private_key),
			rb_cfg_child_str(node, "private-key"));
	rb_cfg_copy_str(sl->tls_client_ca, sizeof(sl->tls_client_ca),
			rb_cfg_child_str(node, "client-ca-certificates"));
}

int rb_cfg_convert_syslog(const struct lyd_node *root, struct rb_config *cfg)
{
	const struct lyd_node *node = rb_cfg_child(root, "syslog"), *entry;
	struct rb_cfg_syslog *sl = &cfg->syslog;
	const struct lyd_value *enabled;

	if (!node)
		return 0;
	enabled = rb_cfg_child_value(node, "enabled");
	sl->enabled = enabled && enabled->boolean;
	sl->udp_port = child_u16(node, "udp-port", 514);
	sl->tcp_port = child_u16(node, "tcp-port", 601);
	sl->max_message = child_u32(node, "max-message-size", 8192);
	sl->entries_per_device = child_u32(node, "entries-per-device", 200);
	sl->max_connections = child_u32(node, "max-connections", 256);
	sl->idle_timeout_s = child_u32(node, "idle-timeout", 300);
	sl->commit_interval_ms = child_u32(node, "commit-interval", 1000);
	convert_tls(node, sl);

	RB_CFG_FOR_EACH_ENTRY(node, "collector", entry) {
		/* YANG max-elements limits the count, and this check keeps the array safe. */
		if (sl->n_collectors >= RB_CFG_SYSLOG_COLLECTORS_MAX)
			break;
		convert_collector(entry, &sl->collectors[sl->n_collectors++]);
	}
	return 0;
}
