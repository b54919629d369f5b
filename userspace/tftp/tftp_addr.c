// SPDX-License-Identifier: MIT
/* IPv4 and IPv6 socket addresses of the TFTP server; see tftp_addr.h. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "tftp/tftp_addr.h"

socklen_t tftp_addr_len(const union tftp_addr *addr)
{
	return addr->sa.sa_family == AF_INET6 ? sizeof(addr->sin6) : sizeof(addr->sin);
}

void tftp_addr_unmap(union tftp_addr *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (addr->sa.sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&addr->sin6.sin6_addr))
		return;

	sin.sin_port = addr->sin6.sin6_port;
	memcpy(&sin.sin_addr, &addr->sin6.sin6_addr.s6_addr[12], sizeof(sin.sin_addr));
	memset(addr, 0, sizeof(*addr));
	addr->sin = sin;
}

socklen_t tftp_addr_for_socket(const union tftp_addr *addr, int family, union tftp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (addr->sa.sa_family == family) {
		*out = *addr;
		return tftp_addr_len(out);
	}
	if (addr->sa.sa_family != AF_INET || family != AF_INET6)
		return 0;

	out->sin6.sin6_family = AF_INET6;
	out->sin6.sin6_port = addr->sin.sin_port;
	out->sin6.sin6_addr.s6_addr[10] = 0xff;
	out->sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&out->sin6.sin6_addr.s6_addr[12], &addr->sin.sin_addr, sizeof(addr->sin.sin_addr));
	return sizeof(out->sin6);
}

bool tftp_addr_equal(const union tftp_addr *a, const union tftp_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr &&
		       a->sin.sin_port == b->sin.sin_port;
	return IN6_ARE_ADDR_EQUAL(&a->sin6.sin6_addr, &b->sin6.sin6_addr) &&
	       a->sin6.sin6_port == b->sin6.sin6_port &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}

bool tftp_addr_is_group(const union tftp_addr *addr)
{
	uint32_t v4;

	if (addr->sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_MULTICAST(&addr->sin6.sin6_addr);
	v4 = ntohl(addr->sin.sin_addr.s_addr);
	return IN_MULTICAST(v4) || v4 == INADDR_BROADCAST;
}

const char *tftp_addr_text(const union tftp_addr *addr, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?", scope[IF_NAMESIZE + 12] = "";
	const struct sockaddr_in6 *sin6 = &addr->sin6;

	if (addr->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &addr->sin.sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(addr->sin.sin_port));
		return out;
	}

	inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
	/* RFC 4007 zone index: the interface name, or its index when it has none. */
	if (sin6->sin6_scope_id != 0) {
		char name[IF_NAMESIZE];

		if (if_indextoname(sin6->sin6_scope_id, name))
			snprintf(scope, sizeof(scope), "%%%s", name);
		else
			snprintf(scope, sizeof(scope), "%%%u", sin6->sin6_scope_id);
	}
	snprintf(out, size, "[%s%s]:%u", ip, scope, ntohs(sin6->sin6_port));
	return out;
}
