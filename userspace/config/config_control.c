// SPDX-License-Identifier: MIT
/* Conversion of the control container: rackbootctl's UNIX socket. */
#include "config/config_internal.h"

void rb_cfg_convert_control(const struct lyd_node *root, struct rb_config *cfg)
{
	const struct lyd_node *control = rb_cfg_child(root, "control");
	struct rb_cfg_control *out = &cfg->control;
	const struct lyd_value *v;

	/* libyang fills in the container and its defaults; the fallbacks are the same. */
	rb_cfg_copy_str(out->socket_path, sizeof(out->socket_path),
			rb_cfg_child_str(control, "socket-path") ?: "/run/rackboot/control.sock");
	rb_cfg_copy_str(out->group, sizeof(out->group), rb_cfg_child_str(control, "group"));
	v = rb_cfg_child_value(control, "max-clients");
	out->max_clients = v ? v->uint32 : 16;
	v = rb_cfg_child_value(control, "idle-timeout");
	out->idle_timeout_s = v ? v->uint32 : 30;
}
