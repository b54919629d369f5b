// SPDX-License-Identifier: MIT
/*
 * The services on rackbootd's ring: the DHCPv4 slow path and the TFTP
 * server, which hands transfers to the XDP data path, and the HTTP
 * server's start and stop (http_service.c).  A finished TFTP download by
 * an inventory device's address, from userspace or XDP, moves that
 * device to phase bootfile, and the TFTP server's counters are added to
 * the pinned userspace counters as they change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "control/ctl_server.h"
#include "dhcp4/pool_lend.h"
#include "dhcp6/server.h"
#include "dns/dns_server.h"
#include "leases/leases.h"
#include "rackbootd/daemon.h"
#include "tftp/tftp_xdp.h"
#include "xdp/device_state.h"

/* Add what the TFTP counters gained since the last call to the pinned ones. */
static void tftp_mirror(struct rb_daemon *d)
{
	const struct rb_tftp_counters *now = rb_tftp_server_counters(d->tftp);
	struct rb_tftp_counters *seen = &d->tftp_mirrored;
	uint64_t *us = rb_xdp_maps(d->xdp)->us;

	us[RB_UC_TFTP_RRQ] += now->rrq - seen->rrq;
	us[RB_UC_TFTP_DONE] += now->done - seen->done;
	/* Both end with an ERROR packet: sent by the server, or by the client. */
	us[RB_UC_TFTP_ERROR] += (now->error + now->aborted) - (seen->error + seen->aborted);
	us[RB_UC_TFTP_TIMEOUT] += now->timeout - seen->timeout;
	*seen = *now;
}

/*
 * Any completed download from an inventory device's address counts as
 * its boot file fetch.
 */
static struct rb_log_repeat fetch_not_inventory =
	RB_LOG_REPEAT_INIT(RB_LOG_INFO, "tftp: downloads by addresses not in the inventory");

static void tftp_complete(void *arg, const struct sockaddr *client_addr, const char *path,
			  uint64_t bytes)
{
	const struct sockaddr_in *client = (const struct sockaddr_in *)client_addr;
	struct rb_daemon *d = arg;
	const struct rb_cfg_device *dev;
	char addr[INET6_ADDRSTRLEN], file[256], mac[18];
	struct rb_device rec;
	int err;

	rb_escape(path, strlen(path), file, sizeof(file));
	/* TODO: also match IPv6 clients by their DHCPv6 pool lease, not only by ipv6-address. */
	if (client_addr->sa_family == AF_INET6) {
		const struct in6_addr *ip6 = &((const struct sockaddr_in6 *)client_addr)->sin6_addr;

		inet_ntop(AF_INET6, ip6, addr, sizeof(addr));
		dev = rb_config_device_by_ipv6(d->cfg, ip6);
	} else {
		inet_ntop(AF_INET, &client->sin_addr, addr, sizeof(addr));
		dev = rb_config_device_by_ipv4(d->cfg, client->sin_addr.s_addr);
	}
	if (!dev) {
		rb_log_repeat(&fetch_not_inventory,
			      "tftp: %s fetched %s (%llu bytes); the address is not in the inventory",
			      addr, file, (unsigned long long)bytes);
		return;
	}
	rb_mac_format(dev->mac, mac);

	err = rb_device_get(rb_xdp_maps(d->xdp)->devices, dev->mac, &rec);
	if (!err) {
		rb_device_set_phase(&rec, RB_PHASE_BOOTFILE, rb_boottime_ns());
		err = rb_device_put(rb_xdp_maps(d->xdp)->devices, dev->mac, &rec);
	}
	if (err)
		log_err("tftp: recording the boot file fetch of %s (%s) failed: %s", mac, addr,
			strerror(-err));
	log_info("tftp: %s (%s, %s) fetched %s (%llu bytes)", dev->hostname[0] ? dev->hostname : "-",
		 mac, addr, file, (unsigned long long)bytes);
}

/* Bind the slow path's socket; the maps come in dhcp4_start(). */
static int dhcp4_open(struct rb_daemon *d)
{
	struct rb_dhcp4_server_config cfg = {
		.devices_fd = -1,
		.templates_fd = -1,
		.ifaces_fd = -1,
		.server_port = d->cfg->dhcp4_server_port,
		.client_port = (uint16_t)(d->cfg->dhcp4_server_port + 1),
		.config = d->cfg,
		.leases = d->leases,
	};

	return rb_dhcp4_server_new(&d->ring, &cfg, &d->dhcp4);
}

/* The lender's flush: commit the lease journal's open batch. */
static void journal_flush(void *leases)
{
	rb_leases_flush(leases);
}

static int dhcp4_start(struct rb_daemon *d)
{
	const struct rb_xdp_maps *maps = rb_xdp_maps(d->xdp);
	struct rb_dhcp4_lender lender;
	int err;

	rb_dhcp4_server_set_maps(d->dhcp4, maps->devices, maps->templates, maps->ifaces, maps->us);
	/* Pool addresses go to the XDP queues only once the store records them. */
	if (d->store) {
		rb_dhcp4_lender_of_store(d->store, &lender);
		lender.flush = journal_flush;
		lender.flush_arg = d->leases;
		rb_dhcp4_server_set_lending(d->dhcp4, maps->pool_queues, &lender);
	}
	err = rb_dhcp4_server_start(d->dhcp4);
	if (err)
		return err;
	log_info("dhcpv4: slow path listening on 0.0.0.0:%u", rb_dhcp4_server_port(d->dhcp4));
	return 0;
}

/* Open the TFTP root and bind the TFTP port, unless TFTP is off. */
static int tftp_open(struct rb_daemon *d)
{
	struct rb_tftp_config cfg;

	if (d->cfg->tftp_root[0] == '\0') {
		log_info("tftp: no root folder configured; TFTP is off");
		return 0;
	}
	rb_tftp_config_defaults(&cfg);
	cfg.root = d->cfg->tftp_root;
	cfg.port = d->cfg->tftp_port;
	cfg.windowsize_max = d->cfg->tftp_windowsize_max;
	cfg.timeout_ms = d->cfg->tftp_timeout_ms;
	cfg.retries = d->cfg->tftp_retries;
	cfg.on_complete = tftp_complete;
	cfg.on_complete_arg = d;

	return rb_tftp_server_new(&d->ring, &cfg, &d->tftp);
}

/* RB_EV_TFTP_DONE from the event ring: XDP saw the final ACK of a transfer. */
static void tftp_xdp_done(void *arg, const struct rb_tftp_event *ev)
{
	struct rb_daemon *d = arg;

	if (d->tftp)
		rb_tftp_server_xdp_done(d->tftp, ev);
}

/*
 * Give the TFTP server the XDP program's maps, unless
 * tftp/xdp-block-store is 0.  A failure leaves every transfer to the
 * server itself, so it does not stop the start.
 */
static void tftp_attach_xdp(struct rb_daemon *d)
{
	const struct rb_xdp_maps *maps = rb_xdp_maps(d->xdp);
	struct rb_tftp_xdp_maps tmaps = {
		.xfers_fd = maps->tftp_xfers,
		.files_fd = maps->tftp_files,
		.blocks_fd = maps->tftp_blocks,
		.n_slots = maps->tftp_slots,
		.mtu = maps->min_mtu,
	};

	if (tmaps.n_slots == 0) {
		log_info("tftp: tftp/xdp-block-store is 0; every transfer is served from userspace");
		return;
	}
	if (rb_tftp_server_set_xdp(d->tftp, &tmaps) == 0)
		rb_leases_set_tftp_handler(d->leases, tftp_xdp_done, d);
	else
		log_warn("tftp: the XDP data path is off; every transfer is served from userspace");
}

static int tftp_start(struct rb_daemon *d)
{
	int err;

	if (!d->tftp)
		return 0;
	tftp_attach_xdp(d);
	/* The TFTP server logs its own start line. */
	err = rb_tftp_server_start(d->tftp);
	if (err)
		log_err("tftp: queueing the first receive failed: %s", strerror(-err));
	return err;
}

int rb_daemon_services_open(struct rb_daemon *d)
{
	int err = dhcp4_open(d);

	err = err ?: rb_daemon_dhcp6_open(d);
	err = err ?: rb_daemon_dns_open(d);
	err = err ?: tftp_open(d);
	err = err ?: rb_daemon_syslog_open(d);
	err = err ?: rb_daemon_control_open(d);
	return err ?: rb_daemon_http_open(d);
}

int rb_daemon_services_start(struct rb_daemon *d)
{
	int err = dhcp4_start(d);

	err = err ?: rb_daemon_dhcp6_start(d);
	err = err ?: rb_daemon_dns_start(d);
	err = err ?: tftp_start(d);
	err = err ?: rb_daemon_http_start(d);
	err = err ?: rb_daemon_syslog_start(d);
	err = err ?: rb_daemon_control_start(d);
	return err ?: rb_daemon_ra_start(d);
}

int rb_daemon_services_dispatch(struct rb_daemon *d, const struct io_uring_cqe *cqe)
{
	if (d->leases && rb_leases_owns(cqe->user_data))
		return rb_leases_handle_cqe(d->leases, cqe);

	if (d->dhcp4 && rb_dhcp4_owns(cqe->user_data))
		return rb_dhcp4_server_handle_cqe(d->dhcp4, cqe);

	if (d->dhcp6 && rb_dhcp6_owns(cqe->user_data))
		return rb_daemon_dhcp6_dispatch(d, cqe);

	if (d->dns && rb_dns_owns(cqe->user_data))
		return rb_daemon_dns_dispatch(d, cqe);

	if (d->tftp && rb_tftp_owns(cqe->user_data)) {
		int err = rb_tftp_handle_cqe(d->tftp, cqe);

		/* At once, so that rackbootctl never shows a phase before its count. */
		tftp_mirror(d);
		return err;
	}
	if (d->control && rb_ctl_owns(cqe->user_data))
		return rb_ctl_server_handle_cqe(d->control, cqe);
	return rb_daemon_syslog_dispatch(d, cqe);
}

void rb_daemon_services_tick(struct rb_daemon *d)
{
	rb_leases_tick(d->leases);
	if (d->dhcp4)
		rb_dhcp4_server_tick(d->dhcp4);
	rb_daemon_dhcp6_tick(d);
	rb_daemon_dns_tick(d);
	if (d->tftp) {
		rb_tftp_server_tick(d->tftp, rb_tftp_now_ms());
		tftp_mirror(d);
	}
	rb_daemon_http_mirror(d);
	rb_daemon_http_settled(d);
	rb_daemon_ra_tick(d);
	rb_daemon_syslog_tick(d);
	rb_ctl_server_tick(d->control, rb_tftp_now_ms());
}

void rb_daemon_services_stop(struct rb_daemon *d)
{
	rb_leases_stop(d->leases);
	if (d->dhcp4)
		rb_dhcp4_server_stop(d->dhcp4);
	rb_daemon_dhcp6_stop(d);
	rb_daemon_dns_stop(d);
	if (d->tftp)
		rb_tftp_server_stop(d->tftp);
	rb_daemon_http_stop(d);
	rb_daemon_ra_stop(d);
	rb_daemon_syslog_stop(d);
}

bool rb_daemon_services_drained(const struct rb_daemon *d)
{
	return !d->tftp || rb_tftp_server_drained(d->tftp);
}

void rb_daemon_services_free(struct rb_daemon *d)
{
	/* Without d->xdp the start failed before the counters were mapped. */
	if (d->tftp && d->xdp)
		tftp_mirror(d);
	rb_tftp_server_free(d->tftp);
	rb_dhcp4_server_free(d->dhcp4);
	rb_daemon_dhcp6_free(d);
	rb_daemon_dns_free(d);
	d->tftp = NULL;
	d->dhcp4 = NULL;
	rb_daemon_http_free(d);
	rb_daemon_ra_free(d);
	rb_daemon_syslog_free(d);
	rb_daemon_control_free(d);
}
