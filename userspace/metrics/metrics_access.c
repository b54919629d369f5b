// SPDX-License-Identifier: MIT
#include <netinet/in.h>
#include <string.h>

#include "metrics/metrics_access.h"

/* Whether the first len bits of a and b agree. */
static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool rb_metrics_allowed(const struct rb_cfg_metrics *cfg, const struct sockaddr *peer)
{
	const uint8_t *addr;

	if (cfg->n_allowed == 0)
		return true;
	if (!peer)
		return false;
	if (peer->sa_family == AF_INET)
		addr = (const uint8_t *)&((const struct sockaddr_in *)peer)->sin_addr;
	else if (peer->sa_family == AF_INET6)
		addr = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
	else
		return false;

	for (size_t i = 0; i < cfg->n_allowed; i++) {
		const struct rb_cfg_prefix *p = &cfg->allowed[i];
		unsigned max = p->family == AF_INET ? 32 : 128;

		if (p->family == peer->sa_family && p->len <= max &&
		    prefix_match(addr, p->addr, p->len))
			return true;
	}
	return false;
}
