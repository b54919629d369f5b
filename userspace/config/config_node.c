// SPDX-License-Identifier: MIT
/*
 * Readers of the validated data tree that config_convert.c,
 * config_dhcp6.c and config_ra.c share: children by name, typed values,
 * and the address and hex encodings that the YANG types allow.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

const struct lyd_node *rb_cfg_child(const struct lyd_node *parent, const char *name)
{
	struct lyd_node *match = NULL;

	if (!parent || lyd_find_path(parent, name, 0, &match))
		return NULL;
	return match;
}

const char *rb_cfg_child_str(const struct lyd_node *parent, const char *name)
{
	const struct lyd_node *node = rb_cfg_child(parent, name);

	return node ? lyd_get_value(node) : NULL;
}

const struct lyd_value *rb_cfg_child_value(const struct lyd_node *parent, const char *name)
{
	const struct lyd_node *node = rb_cfg_child(parent, name);

	return node ? &((const struct lyd_node_term *)node)->value : NULL;
}

void rb_cfg_copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

uint32_t rb_cfg_ipv4(const char *text)
{
	struct in_addr addr = { 0 };

	if (text)
		inet_pton(AF_INET, text, &addr);
	return addr.s_addr;
}

struct in6_addr rb_cfg_ipv6(const char *text)
{
	struct in6_addr addr = IN6ADDR_ANY_INIT;

	if (text)
		inet_pton(AF_INET6, text, &addr);
	return addr;
}

void rb_cfg_ipv6_prefix(const char *text, struct in6_addr *prefix, uint8_t *len)
{
	char addr[INET6_ADDRSTRLEN + 4];
	char *slash;

	*prefix = (struct in6_addr)IN6ADDR_ANY_INIT;
	*len = 0;
	rb_cfg_copy_str(addr, sizeof(addr), text);
	slash = strchr(addr, '/');
	if (!slash)
		return;
	*slash = '\0';
	*prefix = rb_cfg_ipv6(addr);
	*len = (uint8_t)atoi(slash + 1);
}

size_t rb_cfg_count_entries(const struct lyd_node *container, const char *name)
{
	const struct lyd_node *node;
	size_t count = 0;

	LY_LIST_FOR(lyd_child(container), node) {
		if (node->schema && strcmp(node->schema->name, name) == 0)
			count++;
	}
	return count;
}

void rb_cfg_convert_hex(const char *text, uint8_t *out, size_t size, uint8_t *len)
{
	unsigned int byte;

	*len = 0;
	while (text && *len < size && sscanf(text, "%2x", &byte) == 1) {
		out[(*len)++] = (uint8_t)byte;
		text += 2;
		if (*text == ':')
			text++;
	}
}
