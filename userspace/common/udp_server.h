/* SPDX-License-Identifier: MIT */
#ifndef RB_COMMON_UDP_SERVER_H
#define RB_COMMON_UDP_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

/* A socket option that rb_udp_server_open() sets to 1. */
struct rb_sockopt {
	int level;
	int name;
	const char *text;	/* the option's name in messages, such as "SO_BROADCAST" */
};

/*
 * Open a UDP socket of addr's family (AF_INET or AF_INET6), set each of
 * the n_opts options, and bind it to addr with rb_bind_retry().  service
 * is the log prefix and config container ("dhcpv4"), protocol the name
 * of the servers that may hold the port ("DHCP").  Logs every failure.
 * Returns the socket, or a negative errno.
 */
int rb_udp_server_open(const char *service, const char *protocol, const struct sockaddr *addr,
		       socklen_t addr_len, const struct rb_sockopt *opts, size_t n_opts);

#endif
