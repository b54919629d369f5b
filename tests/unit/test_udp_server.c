// SPDX-License-Identifier: MIT
/*
 * rb_udp_server_open() on loopback: the options it sets, the error of a
 * port that another socket has bound, and the error of an option the kernel
 * rejects.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/udp_server.h"

static const struct rb_sockopt OPTS4[] = {
	{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST" },
	{ IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO" },
};

static const struct rb_sockopt OPTS6[] = {
	{ IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
	{ IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
};

static int option_value(int fd, int level, int name)
{
	int value = -1;
	socklen_t len = sizeof(value);

	assert_int_equal(getsockopt(fd, level, name, &value, &len), 0);
	return value;
}

static struct sockaddr_in loopback4(uint16_t port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return addr;
}

static void test_ipv4_options_set(void **state)
{
	struct sockaddr_in addr = loopback4(0);
	int fd;

	(void)state;
	fd = rb_udp_server_open("test", "TEST", (struct sockaddr *)&addr, sizeof(addr), OPTS4, 2);
	assert_true(fd >= 0);
	assert_int_equal(option_value(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	assert_int_equal(option_value(fd, SOL_SOCKET, SO_DOMAIN), AF_INET);
	assert_int_equal(option_value(fd, SOL_SOCKET, SO_BROADCAST), 1);
	assert_int_equal(option_value(fd, IPPROTO_IP, IP_PKTINFO), 1);
	assert_int_equal(option_value(fd, SOL_SOCKET, SO_REUSEADDR), 0);
	close(fd);
}

static void test_ipv6_options_set(void **state)
{
	struct sockaddr_in6 addr = {
		.sin6_family = AF_INET6,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	int fd;

	(void)state;
	fd = rb_udp_server_open("test", "TEST", (struct sockaddr *)&addr, sizeof(addr), OPTS6, 2);
	if (fd == -EADDRNOTAVAIL)
		skip();	/* no ::1 on this machine */
	assert_true(fd >= 0);
	assert_int_equal(option_value(fd, SOL_SOCKET, SO_DOMAIN), AF_INET6);
	assert_int_equal(option_value(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	assert_int_equal(option_value(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
	close(fd);
}

/* A second server on a held port fails after rb_bind_retry()'s 2 s of retries. */
static void test_port_in_use(void **state)
{
	struct sockaddr_in addr = loopback4(0);
	socklen_t len = sizeof(addr);
	int holder, fd;

	(void)state;
	holder = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(holder >= 0);
	assert_int_equal(bind(holder, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(holder, (struct sockaddr *)&addr, &len), 0);

	fd = rb_udp_server_open("test", "TEST", (struct sockaddr *)&addr, sizeof(addr), OPTS4, 2);
	assert_int_equal(fd, -EADDRINUSE);
	close(holder);
}

static void test_rejected_option(void **state)
{
	static const struct rb_sockopt bad[] = {
		{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST" },
		{ IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
	};
	struct sockaddr_in addr = loopback4(0);
	int fd;

	(void)state;
	/* IPV6_V6ONLY on an IPv4 socket: the kernel rejects it, so nothing is bound. */
	fd = rb_udp_server_open("test", "TEST", (struct sockaddr *)&addr, sizeof(addr), bad, 2);
	assert_true(fd < 0);
	assert_int_not_equal(fd, -EADDRINUSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_options_set),
		cmocka_unit_test(test_ipv6_options_set),
		cmocka_unit_test(test_port_in_use),
		cmocka_unit_test(test_rejected_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
