/* SPDX-License-Identifier: MIT */
/* rackbootd's state and the steps main() runs. */
#ifndef RB_DAEMON_H
#define RB_DAEMON_H

#include <liburing.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>

#include "config/config.h"
#include "dhcp4/server.h"
#include "http/http_metrics.h"
#include "http/http_server.h"
#include "tftp/tftp_server.h"
#include "xdp/loader.h"

struct rb_store;
struct rb_leases;
struct rb_ra_sender;
struct rb_dhcp6_server;
struct rb_dns_server;
struct rb_dns_leased;
struct rb_syslog_server;
struct rb_ctl_server;

/* Submission queue entries; the TFTP server queues a few per transfer. */
#define RB_DAEMON_RING_ENTRIES	1024

struct rb_daemon {
	const char *config_path;
	const char *log_level_option;	/* --log-level, NULL = the config's log-level */
	struct rb_config *cfg;
	/* The config before the last reload, until no HTTP worker can use it (reload.c). */
	struct rb_config *retired_cfg;
	struct rb_xdp *xdp;

	struct io_uring ring;
	bool ring_ready;
	int signal_fd;
	int timer_fd;
	struct signalfd_siginfo siginfo;	/* target of the signalfd read */
	uint64_t timer_expirations;		/* target of the timerfd read */
	bool stop;
	int error;			/* negative errno that stopped the loop, or 0 */

	struct rb_store *store;		/* the lease store (LMDB) */
	struct rb_leases *leases;	/* the lease journal writing to it */
	struct rb_dhcp4_server *dhcp4;
	struct rb_tftp_server *tftp;
	struct rb_tftp_counters tftp_mirrored;	/* TFTP counts already added to the maps */
	struct rb_ra_sender *ra;	/* unsolicited router advertisements, NULL = none */
	struct rb_dhcp6_server *dhcp6;	/* the DHCPv6 slow path, NULL = no dhcpv6 subnet */
	uint64_t dhcp6_mirrored[RB_UC_DHCP6_SEND_FAILED - RB_UC_DHCP6_RX + 1];	/* DHCPv6 counts already added to the maps */
	struct rb_dns_server *dns;	/* the DNS server, NULL = no dns container */
	uint64_t dns_mirrored[RB_UC_DNS_TCP_CONNECTIONS - RB_UC_DNS_QUERIES + 1];	/* DNS counts already added to the maps */
	uint64_t dns_refresh_ms;	/* when the leased addresses are read next */
	struct rb_dns_leased *dns_leased;	/* the leased addresses of the zone in use */
	size_t dns_n_leased;
	struct rb_http_server *http;	/* NULL = no http container */
	struct rb_http_counters http_mirrored;	/* HTTP counts already added to the maps */
	struct rb_http_metrics http_metrics;	/* the metrics path of the HTTP server */
	struct rb_syslog_server *syslog;	/* the syslog receiver, NULL = syslog off */
	uint64_t syslog_next_rebuild_ms;	/* CLOCK_MONOTONIC of the next address table rebuild */
	uint64_t syslog_next_commit_ms;		/* CLOCK_MONOTONIC of the next ring write */
	size_t syslog_table_size;		/* addresses in the last address table */
	uint64_t syslog_mirrored[RB_UC_SYSLOG_TLS_REJECTED - RB_UC_SYSLOG_RX_UDP + 1];	/* syslog counts already added to the maps */
	struct rb_ctl_server *control;	/* rackbootctl's socket */
};

/*
 * loop.c: ring, signalfd, timerfd, and the event loop.  Block the signals
 * first thing, so that a SIGTERM during start waits for the loop rather
 * than killing rackbootd with its program attached.
 */
int rb_daemon_block_signals(void);
int rb_daemon_loop_init(struct rb_daemon *d);
int rb_daemon_loop_run(struct rb_daemon *d);
void rb_daemon_loop_exit(struct rb_daemon *d);

/*
 * preflight.c: checks before anything is opened.  Each returns 0 or a
 * negative errno after logging the fix.
 */
int rb_daemon_check_privileges(void);
int rb_daemon_check_tftp_root(const char *config_path, const struct rb_config *cfg);

/*
 * journal.c: the lease store and journal.  open runs before anything
 * touches an interface; start runs after rb_xdp_start() and before
 * rb_daemon_services_start(); close after rb_daemon_loop_exit().
 */
int rb_daemon_journal_open(struct rb_daemon *d);
int rb_daemon_journal_start(struct rb_daemon *d);
void rb_daemon_journal_close(struct rb_daemon *d);

/*
 * services.c: the DHCPv4 slow path and TFTP on the daemon's ring.  open
 * binds the ports and opens the TFTP root before the XDP program is
 * loaded, so that a port in use fails the start before any interface is
 * touched.  start gives the services the maps and queues the receives.
 */
int rb_daemon_services_open(struct rb_daemon *d);
int rb_daemon_services_start(struct rb_daemon *d);
void rb_daemon_services_tick(struct rb_daemon *d);
int rb_daemon_services_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe);
void rb_daemon_services_stop(struct rb_daemon *d);
bool rb_daemon_services_drained(const struct rb_daemon *d);
void rb_daemon_services_free(struct rb_daemon *d);

/*
 * The reload steps of each service (reload.c runs them): each applies
 * d->cfg, the new config, over old.  Each returns 0, or a negative errno
 * after logging, with nothing changed or with a state that the same step
 * run with the configs swapped puts back.
 */
int rb_daemon_ra_reload(struct rb_daemon *d, const struct rb_config *old);
int rb_daemon_dhcp6_reload(struct rb_daemon *d);
int rb_daemon_dns_reload(struct rb_daemon *d);
int rb_daemon_syslog_reload(struct rb_daemon *d, const struct rb_config *old);
/* Runs last, because its old site cannot come back until the workers let go of it. */
int rb_daemon_http_reload(struct rb_daemon *d);
/* Free retired_cfg once no HTTP worker can use it; true when none is left. */
bool rb_daemon_http_settled(struct rb_daemon *d);

/*
 * ra_service.c: router advertisements.  start, after rb_xdp_start(),
 * writes the XDP templates and opens the sender; tick sends the RAs that
 * are due; stop sends the final ones; free closes the sender.
 */
int rb_daemon_ra_start(struct rb_daemon *d);
void rb_daemon_ra_tick(struct rb_daemon *d);
void rb_daemon_ra_stop(struct rb_daemon *d);
void rb_daemon_ra_free(struct rb_daemon *d);

/*
 * dhcp6_service.c: the DHCPv6 slow path, with the same steps as the
 * services above.  dispatch returns -ENOENT for a completion that is not
 * the DHCPv6 server's.
 */
int rb_daemon_dhcp6_open(struct rb_daemon *d);
int rb_daemon_dhcp6_start(struct rb_daemon *d);
int rb_daemon_dhcp6_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe);
void rb_daemon_dhcp6_tick(struct rb_daemon *d);
void rb_daemon_dhcp6_stop(struct rb_daemon *d);
void rb_daemon_dhcp6_free(struct rb_daemon *d);

/*
 * dns_service.c: the DNS server, with the same steps as the services
 * above.  tick also rebuilds the zone when the devices' DHCPv6 leases
 * in the store changed.  dispatch returns -ENOENT for a completion that
 * is not the DNS server's.
 */
int rb_daemon_dns_open(struct rb_daemon *d);
int rb_daemon_dns_start(struct rb_daemon *d);
int rb_daemon_dns_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe);
void rb_daemon_dns_tick(struct rb_daemon *d);
void rb_daemon_dns_stop(struct rb_daemon *d);
void rb_daemon_dns_free(struct rb_daemon *d);

/*
 * http_service.c: the HTTP server, which runs its own worker threads.
 * open binds the port with the other services, start starts the
 * threads, mirror adds its counters to the pinned ones (on every tick),
 * stop joins the threads, free closes the sockets.
 */
int rb_daemon_http_open(struct rb_daemon *d);
int rb_daemon_http_start(struct rb_daemon *d);
void rb_daemon_http_mirror(struct rb_daemon *d);
void rb_daemon_http_stop(struct rb_daemon *d);
void rb_daemon_http_free(struct rb_daemon *d);

/*
 * syslog_service.c: the syslog receiver, with the same steps as the
 * services above.  dispatch returns -ENOENT for a completion that is not
 * the receiver's.  free writes the rings to the store a last time.
 */
int rb_daemon_syslog_open(struct rb_daemon *d);
int rb_daemon_syslog_start(struct rb_daemon *d);
int rb_daemon_syslog_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe);
void rb_daemon_syslog_tick(struct rb_daemon *d);
void rb_daemon_syslog_stop(struct rb_daemon *d);
void rb_daemon_syslog_free(struct rb_daemon *d);

/*
 * control_service.c: rackbootctl's socket.  open binds it with the
 * other services, start queues its first poll, free closes it and
 * removes the socket file.  Its completions and idle timeouts go
 * through services.c.
 */
int rb_daemon_control_open(struct rb_daemon *d);
int rb_daemon_control_start(struct rb_daemon *d);
void rb_daemon_control_free(struct rb_daemon *d);

#endif
