/* SPDX-License-Identifier: MIT */
/*
 * A network namespace of the calling process's own, built with ip(8),
 * for tests and tools that need links and routes the host does not see.
 * The kernel removes the namespace, with every veth pair in it, when
 * the process exits.
 */
#ifndef RB_TEST_NETNS_UNSHARE_H
#define RB_TEST_NETNS_UNSHARE_H

#include <stdint.h>

/*
 * Move the calling process into a new network namespace, in which only
 * lo exists and is down.  Returns 0, or -errno from unshare(2), which
 * needs CAP_SYS_ADMIN.
 */
int test_netns_unshare(void);

/*
 * Run the shell command built from fmt.  Returns 0, or -1 after printing
 * the command that failed on stderr.
 */
int test_netns_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Add the veth pair name and peer, give name the address cidr
 * ("10.0.0.1/24") and bring both ends up.  Returns 0 or -1 as
 * test_netns_sh() does.
 */
int test_netns_veth(const char *name, const char *peer, const char *cidr);

/* Copy the Ethernet address of ifname into mac.  Returns 0 or -errno. */
int test_netns_read_mac(const char *ifname, uint8_t mac[6]);

#endif
