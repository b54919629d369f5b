// SPDX-License-Identifier: MIT
/*
 * Write rb_relay_pools: one LPM entry per subnet whose pool has an XDP
 * queue, so that a relayed DISCOVER from an unknown device on that
 * subnet's link binds a pool address in XDP, as on a local link.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dhcp4/pool.h"
#include "dhcp4/template.h"
#include "xdp/loader_internal.h"

/* Delete every entry, so that subnets no longer in the config go. */
static int relay_pools_clear(int fd)
{
	struct rb_relay_pool_key key;

	for (int guard = 0; guard <= RB_MAX_POOLS; guard++) {
		if (bpf_map_get_next_key(fd, NULL, &key))
			return 0;
		if (bpf_map_delete_elem(fd, &key) && errno != ENOENT) {
			int err = -errno;

			log_err("map %s: removing a subnet failed: %s", RB_PIN_RELAY_POOLS,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

int rb_xdp_relay_pools_fill(int fd, const struct rb_config *cfg,
			    const struct rb_dhcp4_templates *t)
{
	int err = relay_pools_clear(fd);

	for (size_t s = 0; s < cfg->n_subnets && s < RB_MAX_POOLS && !err; s++) {
		const struct rb_cfg_subnet *sub = &cfg->subnets[s];
		struct rb_relay_pool_key key = { .prefixlen = sub->prefix_len, .addr = sub->prefix };
		struct rb_relay_pool val = { .pool_id = (__u32)s + 1,
					     .pool_template = t->pool_template[s] };
		char text[INET_ADDRSTRLEN];
		size_t first;

		/* The pool start creates queues only for the first pool subnet of each link. */
		if (!sub->n_pool_ranges || !rb_dhcp4_pool_of_interface(cfg, sub->interface, &first) ||
		    first != s)
			continue;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			err = -errno;
			log_err("map %s: writing subnet %s/%u (\"%s\") failed: %s", RB_PIN_RELAY_POOLS,
				inet_ntop(AF_INET, &sub->prefix, text, sizeof(text)),
				sub->prefix_len, sub->name, strerror(-err));
		}
	}
	return err;
}
