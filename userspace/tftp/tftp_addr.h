/* SPDX-License-Identifier: MIT */
/*
 * Client and local addresses of the TFTP server, IPv4 or IPv6.
 *
 * The server socket may be an IPv6 socket that also receives IPv4
 * (IPV6_V6ONLY off), where an IPv4 client shows up as ::ffff:a.b.c.d.
 * The server unmaps such addresses at once, so that everything past the
 * server socket (transfer sockets, logs, the completion callback) gets
 * an IPv4 client as AF_INET and only real IPv6 clients as AF_INET6.
 */
#ifndef RB_TFTP_ADDR_H
#define RB_TFTP_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 socket address.  sa.sa_family is the family of the valid member. */
union tftp_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/*
 * Text of "[addr]:port" with the scope for a link-local address
 * ("[fe80::1%eth0]:69"), and "a.b.c.d:port" for IPv4.
 */
#define TFTP_ADDR_TEXT_MAX	(INET6_ADDRSTRLEN + 1 + 16 + 8)

/* Length of the sockaddr for its family: sockaddr_in or sockaddr_in6. */
socklen_t tftp_addr_len(const union tftp_addr *addr);

/* Turn an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into AF_INET in place. */
void tftp_addr_unmap(union tftp_addr *addr);

/*
 * Write addr as a socket of family expects it into out: an AF_INET
 * address becomes ::ffff:a.b.c.d for an AF_INET6 socket.  Returns the
 * length of out, or 0 when an IPv6 address cannot go to an IPv4 socket.
 */
socklen_t tftp_addr_for_socket(const union tftp_addr *addr, int family, union tftp_addr *out);

/* Same family, address, port and (IPv6) scope. */
bool tftp_addr_equal(const union tftp_addr *a, const union tftp_addr *b);

/* True for an address a transfer socket cannot be bound to: multicast, broadcast. */
bool tftp_addr_is_group(const union tftp_addr *addr);

const char *tftp_addr_text(const union tftp_addr *addr, char *out, size_t size);

#endif
