// SPDX-License-Identifier: MIT
/*
 * Check the configured interfaces before anything is loaded: each must
 * exist and be Ethernet, and each subnet's server-address must be an
 * address of its interface.  That address is the source of every reply
 * and the destination of the clients' TFTP requests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xdp/loader_internal.h"

/* Fill MAC and MTU of one interface through ioctl on sock. */
static int iface_read_link(int sock, struct rb_xdp_iface *iface)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, iface->name, sizeof(iface->name));
	if (ioctl(sock, SIOCGIFHWADDR, &ifr) < 0) {
		int err = -errno;

		log_err("interface %s: reading its MAC address failed: %s", iface->name,
			strerror(-err));
		return err;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		log_err("interface %s is not an Ethernet link (ARPHRD type %u): "
			"DHCPv4 over XDP needs Ethernet; choose another interface",
			iface->name, ifr.ifr_hwaddr.sa_family);
		return -EINVAL;
	}
	memcpy(iface->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);

	if (ioctl(sock, SIOCGIFMTU, &ifr) < 0) {
		int err = -errno;

		log_err("interface %s: reading its MTU failed: %s", iface->name, strerror(-err));
		return err;
	}
	iface->mtu = ifr.ifr_mtu > UINT16_MAX ? UINT16_MAX : (uint16_t)ifr.ifr_mtu;
	return 0;
}

static int iface_lookup(int sock, const struct rb_cfg_iface *cfg, struct rb_xdp_iface *iface)
{
	memset(iface, 0, sizeof(*iface));
	memcpy(iface->name, cfg->name, sizeof(iface->name));
	iface->name[sizeof(iface->name) - 1] = '\0';
	iface->mode = cfg->xdp_mode;

	iface->ifindex = (int)if_nametoindex(iface->name);
	if (iface->ifindex == 0) {
		log_err("interface %s not found in this network namespace: create it, or remove "
			"it from /rackboot:rackboot/interfaces", iface->name);
		return -ENODEV;
	}
	return iface_read_link(sock, iface);
}

static bool iface_has_addr(const struct ifaddrs *list, const char *name, uint32_t addr)
{
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;

		if (!sin || sin->sin_family != AF_INET || strcmp(ifa->ifa_name, name) != 0)
			continue;
		if (sin->sin_addr.s_addr == addr)
			return true;
	}
	return false;
}

static struct rb_xdp_iface *iface_find(struct rb_xdp_iface *ifaces, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ifaces[i].name, name) == 0)
			return &ifaces[i];
	}
	return NULL;
}

/* Check that every subnet's interface is configured and carries its address. */
static int subnets_check(const struct rb_config *cfg, struct rb_xdp_iface *ifaces,
			 const struct ifaddrs *addrs)
{
	int err = 0;

	for (size_t i = 0; i < cfg->n_subnets; i++) {
		const struct rb_cfg_subnet *s = &cfg->subnets[i];
		struct rb_xdp_iface *iface = iface_find(ifaces, cfg->n_ifaces, s->interface);
		char addr[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &s->server_id, addr, sizeof(addr));
		if (!iface) {
			log_err("dhcpv4 subnet %s: interface %s is not in /rackboot:rackboot/interfaces: "
				"add it there", s->name, s->interface);
			err = -EINVAL;
			continue;
		}
		iface->dhcp4 = true;
		if (!iface_has_addr(addrs, s->interface, s->server_id)) {
			log_err("dhcpv4 subnet %s: server-address %s is not an address of interface %s: "
				"add it (ip address add %s/%u dev %s) or fix server-address",
				s->name, addr, s->interface, addr, s->prefix_len, s->interface);
			err = -EADDRNOTAVAIL;
		}
	}
	return err;
}

int rb_xdp_ifaces_check(const struct rb_config *cfg, struct rb_xdp_iface *ifaces)
{
	struct ifaddrs *addrs = NULL;
	int sock, err = 0;

	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		err = -errno;
		log_err("interfaces: opening a socket for interface queries failed: %s",
			strerror(-err));
		return err;
	}

	/* Report every missing interface, not only the first. */
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		int e = iface_lookup(sock, &cfg->ifaces[i], &ifaces[i]);

		if (e)
			err = e;
	}
	close(sock);
	if (err)
		return err;

	if (getifaddrs(&addrs) < 0) {
		err = -errno;
		log_err("interfaces: listing interface addresses failed: %s", strerror(-err));
		return err;
	}
	err = subnets_check(cfg, ifaces, addrs);
	freeifaddrs(addrs);
	return err;
}
