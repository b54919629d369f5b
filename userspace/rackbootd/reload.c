// SPDX-License-Identifier: MIT
/* TEMPORARY: replaced by the reload branch at merge */
#include <errno.h>
#include <stdio.h>

#include "rackbootd/reload.h"

int rb_daemon_reload(struct rb_daemon *d, char *why, size_t why_len)
{
	snprintf(why, why_len, "config reload is not implemented");
	return -EOPNOTSUPP;
}
