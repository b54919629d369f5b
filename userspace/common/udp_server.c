// SPDX-License-Identifier: MIT
/* UDP server sockets of the DHCPv4 and DHCPv6 slow paths. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/bind_retry.h"
#include "common/log.h"
#include "common/udp_server.h"

static int enable_option(int fd, const char *service, const struct rb_sockopt *opt)
{
	int enable = 1;

	if (setsockopt(fd, opt->level, opt->name, &enable, sizeof(enable)) < 0) {
		int err = -errno;

		log_err("%s: setting %s on the server socket failed: %s", service, opt->text,
			strerror(-err));
		return err;
	}
	return 0;
}

/* Format addr as "0.0.0.0:67" or "[::]:547" into buf. */
static void format_addr(const struct sockaddr *addr, char *buf, size_t size)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
	const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
	char host[INET6_ADDRSTRLEN] = "?";

	if (addr->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	}
}

int rb_udp_server_open(const char *service, const char *protocol, const struct sockaddr *addr,
		       socklen_t addr_len, const struct rb_sockopt *opts, size_t n_opts)
{
	char where[INET6_ADDRSTRLEN + 8];
	int fd, err = 0;

	fd = socket(addr->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		log_err("%s: opening the UDP socket failed: %s", service, strerror(-err));
		return err;
	}

	for (size_t i = 0; i < n_opts && !err; i++)
		err = enable_option(fd, service, &opts[i]);
	if (err) {
		close(fd);
		return err;
	}

	err = rb_bind_retry(fd, addr, addr_len, service);
	if (err) {
		format_addr(addr, where, sizeof(where));
		log_err("%s: binding %s failed: %s; is another %s server running? "
			"stop it, or set %s server-port", service, where, strerror(-err), protocol,
			service);
		close(fd);
		return err;
	}
	return fd;
}
