// SPDX-License-Identifier: MIT
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns_unshare.h"

int test_netns_unshare(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return 0;
}

int test_netns_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);

	status = system(cmd);
	if (status != 0) {
		fprintf(stderr, "%s: command failed (wait status %d): %s\n",
			program_invocation_short_name, status, cmd);
		return -1;
	}
	return 0;
}

int test_netns_veth(const char *name, const char *peer, const char *cidr)
{
	if (test_netns_sh("ip link add %s type veth peer name %s", name, peer) ||
	    test_netns_sh("ip addr add %s dev %s", cidr, name) ||
	    test_netns_sh("ip link set %s up && ip link set %s up", name, peer))
		return -1;
	return 0;
}

int test_netns_read_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int err = 0;

	if (fd < 0)
		return -errno;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}
