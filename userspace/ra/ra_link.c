// SPDX-License-Identifier: MIT
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "ra/ra_link.h"

static void link_read(const struct ifaddrs *ifa, struct rb_ra_link_info *out)
{
	if (ifa->ifa_addr->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)ifa->ifa_addr;

		if (ll->sll_halen == 6)
			memcpy(out->mac, ll->sll_addr, 6);
		return;
	}

	if (ifa->ifa_addr->sa_family == AF_INET6 && !out->has_link_local) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ifa->ifa_addr;

		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr)) {
			out->link_local = sin6->sin6_addr;
			out->has_link_local = true;
		}
	}
}

int rb_ra_link_lookup(const char *ifname, struct rb_ra_link_info *out)
{
	struct ifaddrs *list, *ifa;

	memset(out, 0, sizeof(*out));
	out->ifindex = (int)if_nametoindex(ifname);
	if (out->ifindex == 0)
		return -ENODEV;

	if (getifaddrs(&list))
		return -errno;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr && strcmp(ifa->ifa_name, ifname) == 0)
			link_read(ifa, out);
	}
	freeifaddrs(list);
	return 0;
}
