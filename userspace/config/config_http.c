// SPDX-License-Identifier: MIT
/* Conversion of the http container and of the iPXE leaves of the boot profiles. */
#include "config/config_internal.h"

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
