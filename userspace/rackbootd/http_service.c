// SPDX-License-Identifier: MIT
/*
 * The HTTP and HTTPS server in rackbootd: its sockets open with the other services,
 * its worker threads start with them, and its counters are added to the
 * pinned userspace counters on every tick.  A 200 GET of a whole file by
 * an inventory device's address moves that device to phase image.  The
 * workers also serve the Prometheus metrics (metrics/metrics.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "rackbootd/daemon.h"
#include "xdp/device_state.h"

static const struct rb_cfg_device *device_of(const struct rb_config *cfg,
					     const struct sockaddr *client, char *addr,
					     size_t size)
{
	if (client->sa_family == AF_INET6) {
		const struct in6_addr *ip6 = &((const struct sockaddr_in6 *)client)->sin6_addr;

		inet_ntop(AF_INET6, ip6, addr, (socklen_t)size);
		return rb_config_device_by_ipv6(cfg, ip6);
	}
	if (client->sa_family == AF_INET) {
		const struct in_addr *ip4 = &((const struct sockaddr_in *)client)->sin_addr;

		inet_ntop(AF_INET, ip4, addr, (socklen_t)size);
		return rb_config_device_by_ipv4(cfg, ip4->s_addr);
	}
	snprintf(addr, size, "-");
	return NULL;
}

/*
 * Called from an HTTP worker thread with the config of the worker's
 * site, which a reload does not free while the worker uses it.  The map
 * update is a syscall, so no lock is needed.  Like the TFTP fetch, the
 * read and write of the record may lose an update that XDP makes to it
 * in between.
 */
static void http_fetched(void *arg, const struct rb_config *cfg, const struct sockaddr *client,
			 const char *path, uint64_t bytes)
{
	struct rb_daemon *d = arg;
	const struct rb_cfg_device *dev;
	char addr[INET6_ADDRSTRLEN], file[256], mac[18];
	struct rb_device rec;
	bool first = false;
	int err;

	if (!cfg)
		return;
	dev = device_of(cfg, client, addr, sizeof(addr));
	if (!dev)
		return;
	rb_mac_format(dev->mac, mac);
	rb_escape(path, strlen(path), file, sizeof(file));

	err = rb_device_get(rb_xdp_maps(d->xdp)->devices, dev->mac, &rec);
	if (!err) {
		first = rec.phase_ns[RB_PHASE_IMAGE] == 0;
		rb_device_set_phase(&rec, RB_PHASE_IMAGE, rb_boottime_ns());
		err = rb_device_put(rb_xdp_maps(d->xdp)->devices, dev->mac, &rec);
	}
	if (err) {
		log_err("http: recording the image fetch of %s (%s) failed: %s", mac, addr,
			strerror(-err));
		return;
	}
	/* Only the first fetch of a device is an info line, so a device in a loop stays quiet. */
	rb_log(first ? RB_LOG_INFO : RB_LOG_DEBUG, "http: %s (%s, %s) fetched /%s (%llu bytes)",
	       dev->hostname[0] ? dev->hostname : "-", mac, addr, file, (unsigned long long)bytes);
}

/*
 * Called from an HTTP worker thread for the metrics path.  The workers
 * start after the XDP maps are open and stop before they are closed.
 * The metrics read the maps through syscalls and the store in read-only
 * transactions of their own, so no lock is needed.
 */
static int render_metrics(void *arg, const struct rb_config *cfg, struct rb_prom_buf *b,
			  const char **what)
{
	struct rb_daemon *d = arg;
	const struct rb_xdp_maps *maps;
	struct rb_metrics_source src;

	if (!d->xdp) {
		*what = "the XDP maps are not open";
		return -ENODEV;
	}
	maps = rb_xdp_maps(d->xdp);
	src = (struct rb_metrics_source){
		.devices_fd = maps->devices,
		.xdp_counters_fd = maps->xdp_counters,
		.us_counters_fd = maps->us_counters,
		.store = d->store,
		.cfg = cfg,
	};
	return rb_metrics_render(&src, b, what);
}

/*
 * An HTTP connection takes up to four file descriptors (socket, file
 * and pipe), and an HTTPS one two.  So raise the soft RLIMIT_NOFILE
 * towards what the limits need, up to the hard limit.  Over the limit,
 * accept fails with EMFILE and a worker retries on its next tick.
 */
static void raise_nofile(const struct rb_cfg_http *http, unsigned workers)
{
	rlim_t need = (rlim_t)workers * http->max_connections * 4 + 256;
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur >= need)
		return;
	lim.rlim_cur = need < lim.rlim_max ? need : lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur < need)
		log_warn("http: %u workers with max-connections %u need %llu file descriptors, but "
			 "RLIMIT_NOFILE allows %llu; raise the hard limit (LimitNOFILE= in the "
			 "systemd unit) or lower max-connections", workers, http->max_connections,
			 (unsigned long long)need, (unsigned long long)lim.rlim_cur);
}

int rb_daemon_http_open(struct rb_daemon *d)
{
	const struct rb_cfg_http *http = &d->cfg->http;
	struct rb_http_server_config cfg;
	int err;

	if (!http->enabled) {
		log_info("http: no http container in the config; HTTP is off");
		return 0;
	}
	rb_http_server_config_defaults(&cfg);
	cfg.root = http->root;
	cfg.port = http->port;
	cfg.workers = http->workers;
	cfg.max_connections = http->max_connections;
	cfg.idle_timeout_ms = http->idle_timeout_s * 1000;
	if (http->https_enabled) {
		cfg.tls_certificate = http->https_certificate;
		cfg.tls_private_key = http->https_private_key;
		cfg.tls_port = http->https_port;
	}
	cfg.cfg = d->cfg;
	d->http_metrics = (struct rb_http_metrics){
		.cfg = &http->metrics,
		.render = render_metrics,
		.arg = d,
	};
	cfg.metrics = &d->http_metrics;
	cfg.on_fetch = http_fetched;
	cfg.on_fetch_arg = d;
	err = rb_http_server_new(&cfg, &d->http);
	if (!err)
		raise_nofile(http, rb_http_server_workers(d->http));
	return err;
}

int rb_daemon_http_start(struct rb_daemon *d)
{
	return d->http ? rb_http_server_start(d->http) : 0;
}

int rb_daemon_http_reload(struct rb_daemon *d)
{
	return d->http ? rb_http_server_set_site(d->http, d->cfg, d->cfg->http.root) : 0;
}

bool rb_daemon_http_settled(struct rb_daemon *d)
{
	if (d->retired_cfg && (!d->http || rb_http_server_site_settled(d->http))) {
		rb_config_free(d->retired_cfg);
		d->retired_cfg = NULL;
	}
	return d->retired_cfg == NULL;
}

/* Add what the HTTP counters gained since the last call to the pinned ones. */
void rb_daemon_http_mirror(struct rb_daemon *d)
{
	struct rb_http_counters now, *seen = &d->http_mirrored;
	uint64_t *us;

	if (!d->http || !d->xdp)
		return;
	us = rb_xdp_maps(d->xdp)->us;
	rb_http_server_counters(d->http, &now);
	us[RB_UC_HTTP_REQUESTS] += now.requests - seen->requests;
	us[RB_UC_HTTP_BYTES] += now.bytes - seen->bytes;
	us[RB_UC_HTTP_2XX] += now.status_2xx - seen->status_2xx;
	us[RB_UC_HTTP_4XX] += now.status_4xx - seen->status_4xx;
	us[RB_UC_HTTP_5XX] += now.status_5xx - seen->status_5xx;
	us[RB_UC_HTTP_CONNECTIONS] += now.connections - seen->connections;
	us[RB_UC_HTTP_REJECTED] += now.rejected - seen->rejected;
	us[RB_UC_HTTP_TIMEOUTS] += now.timeouts - seen->timeouts;
	*seen = now;
}

void rb_daemon_http_stop(struct rb_daemon *d)
{
	rb_http_server_stop(d->http);
	rb_daemon_http_mirror(d);
}

void rb_daemon_http_free(struct rb_daemon *d)
{
	rb_daemon_http_mirror(d);
	rb_http_server_free(d->http);
	d->http = NULL;
	/* No worker runs any more. */
	rb_config_free(d->retired_cfg);
	d->retired_cfg = NULL;
}
