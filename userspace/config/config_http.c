// SPDX-License-Identifier: MIT
/* Conversion of the http container and of the iPXE leaves of the boot profiles. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "config/config_internal.h"

/* A validated inet:ip-prefix, "10.0.0.0/8" or "fd00::/8". */
static void convert_prefix(const char *text, struct rb_cfg_prefix *out)
{
	char addr[INET6_ADDRSTRLEN + 4];
	char *slash;

	memset(out, 0, sizeof(*out));
	rb_cfg_copy_str(addr, sizeof(addr), text);
	slash = strchr(addr, '/');
	if (!slash)
		return;
	*slash = '\0';
	out->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, addr, out->addr) != 1)
		out->family = 0;
	out->len = (uint8_t)atoi(slash + 1);
}

/* The metrics container; libyang fills in its defaults when http is present. */
static void convert_metrics(const struct lyd_node *http, struct rb_cfg_metrics *out)
{
	const struct lyd_node *metrics = rb_cfg_child(http, "metrics");
	const struct lyd_node *node;
	const struct lyd_value *v;

	v = rb_cfg_child_value(metrics, "enabled");
	out->enabled = v ? v->boolean : true;
	rb_cfg_copy_str(out->path, sizeof(out->path),
			rb_cfg_child_str(metrics, "path") ?: "/metrics");
	out->n_allowed = 0;
	if (!metrics)
		return;
	RB_CFG_FOR_EACH_ENTRY(metrics, "allowed-source", node) {
		if (out->n_allowed < RB_CFG_METRICS_SOURCES_MAX)
			convert_prefix(lyd_get_value(node), &out->allowed[out->n_allowed++]);
	}
}

void rb_cfg_convert_http(const struct lyd_node *root, struct rb_config *cfg)
{
	const struct lyd_node *http = rb_cfg_child(root, "http");
	const struct lyd_node *https;
	const struct lyd_value *v;
	struct rb_cfg_http *out = &cfg->http;

	if (!http)
		return;
	out->enabled = true;
	/* libyang fills in the defaults, and the fallbacks are the same. */
	rb_cfg_copy_str(out->root, sizeof(out->root),
			rb_cfg_child_str(http, "root") ?: "/srv/rackboot/http");
	v = rb_cfg_child_value(http, "port");
	out->port = v ? v->uint16 : 80;
	v = rb_cfg_child_value(http, "workers");
	out->workers = v ? v->uint16 : 0;
	v = rb_cfg_child_value(http, "max-connections");
	out->max_connections = v ? v->uint32 : 1024;
	v = rb_cfg_child_value(http, "idle-timeout");
	out->idle_timeout_s = v ? v->uint32 : 30;
	convert_metrics(http, &out->metrics);

	https = rb_cfg_child(http, "https");
	if (!https)
		return;
	out->https_enabled = true;
	v = rb_cfg_child_value(https, "port");
	out->https_port = v ? v->uint16 : 443;
	rb_cfg_copy_str(out->https_certificate, sizeof(out->https_certificate),
			rb_cfg_child_str(https, "certificate"));
	rb_cfg_copy_str(out->https_private_key, sizeof(out->https_private_key),
			rb_cfg_child_str(https, "private-key"));
}

void rb_cfg_convert_profile_ipxe(const struct lyd_node *node, struct rb_cfg_profile *profile)
{
	rb_cfg_copy_str(profile->ipxe_kernel, sizeof(profile->ipxe_kernel),
			rb_cfg_child_str(node, "ipxe-kernel"));
	rb_cfg_copy_str(profile->ipxe_initrd, sizeof(profile->ipxe_initrd),
			rb_cfg_child_str(node, "ipxe-initrd"));
	rb_cfg_copy_str(profile->ipxe_cmdline, sizeof(profile->ipxe_cmdline),
			rb_cfg_child_str(node, "ipxe-cmdline"));
}
