// SPDX-License-Identifier: MIT
/*
 * The HTTP server's workers: sockets, rings and threads, the TLS
 * context of the HTTPS port, and the counters summed over the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/bind_retry.h"
#include "http/http_internal.h"
#include "http/http_metrics.h"

#define RB_HTTP_LISTEN_BACKLOG	1024
#define RB_HTTP_DEFER_ACCEPT_S	1

void rb_http_server_config_defaults(struct rb_http_server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 80;
	cfg->max_connections = RB_HTTP_DEFAULT_MAX_CONNECTIONS;
	cfg->idle_timeout_ms = RB_HTTP_DEFAULT_IDLE_TIMEOUT_MS;
}

static int set_int_option(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* Listen on [::] with IPV6_V6ONLY off, or 0.0.0.0 without IPv6.  loopback_only binds ::1 or 127.0.0.1. */
static int open_listener(const struct rb_http_server_config *cfg, uint16_t port, int *out)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	const struct sockaddr *addr = (const struct sockaddr *)&in6;
	socklen_t len = sizeof(in6);
	int fd, err;

	in6.sin6_addr = cfg->loopback_only ? in6addr_loopback : in6addr_any;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && errno == EAFNOSUPPORT) {
		in4.sin_addr.s_addr = htonl(cfg->loopback_only ? INADDR_LOOPBACK : INADDR_ANY);
		addr = (const struct sockaddr *)&in4;
		len = sizeof(in4);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return -errno;

	err = set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!err)
		err = set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!err && addr->sa_family == AF_INET6)
		err = set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	/*
	 * Accept a connection once its first bytes (request or ClientHello)
	 * are in, so that the first receive completes at once.  A client
	 * that sends nothing is accepted after about this many seconds.
	 */
	if (!err)
		err = set_int_option(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, RB_HTTP_DEFER_ACCEPT_S);
	if (!err)
		err = rb_bind_retry(fd, addr, len, "http");
	if (!err && listen(fd, RB_HTTP_LISTEN_BACKLOG) < 0)
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int worker_init(struct rb_http_server *srv, struct rb_http_worker *w, unsigned index)
{
	int err;

	w->srv = srv;
	w->index = index;
	w->conns = calloc(srv->cfg.max_connections, sizeof(*w->conns));
	if (!w->conns)
		return -ENOMEM;
	w->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (w->wake_fd < 0)
		return -errno;
	err = open_listener(&srv->cfg, srv->port, &w->listen_fd);
	if (err)
		return err;
	/* Port 0: the first socket picks a port, and the others join it. */
	if (srv->port == 0)
		srv->port = local_port(w->listen_fd);
	if (!srv->tls)
		return 0;

	w->tls_plain = malloc(RB_TLS_WRITE_MAX);
	if (!w->tls_plain)
		return -ENOMEM;
	err = open_listener(&srv->cfg, srv->tls_port, &w->tls_listen_fd);
	if (err)
		return err;
	if (srv->tls_port == 0)
		srv->tls_port = local_port(w->tls_listen_fd);
	return 0;
}

static unsigned worker_count(const struct rb_http_server_config *cfg)
{
	long cpus;

	if (cfg->workers)
		return cfg->workers;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus > RB_HTTP_MAX_WORKERS ? RB_HTTP_MAX_WORKERS : (unsigned)cpus;
}

/*
 * A site serving root (a path of at most 4095 bytes), the iPXE scripts
 * of cfg and, when metrics is set, the metrics route with the
 * http/metrics settings of cfg.
 */
static int site_new(const char *root, const struct rb_config *cfg,
		    const struct rb_http_metrics *metrics, struct rb_http_site **out)
{
	struct rb_http_site *site = calloc(1, sizeof(*site));
	struct rb_http_metrics *own;
	int err;

	if (!site)
		return -ENOMEM;
	site->cfg = cfg;
	if (metrics) {
		/* A copy per site, so that a reload never changes what a worker reads. */
		own = malloc(sizeof(*own));
		if (!own) {
			free(site);
			return -ENOMEM;
		}
		*own = *metrics;
		if (cfg)
			own->cfg = &cfg->http.metrics;
		site->metrics = own;
	}
	site->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (site->root_fd < 0) {
		err = -errno;
		log_err("http: opening the root folder %s failed: %s; create it or set http/root",
			root, strerror(-err));
		free((void *)site->metrics);
		free(site);
		return err;
	}
	*out = site;
	return 0;
}

static void site_free(struct rb_http_site *site)
{
	if (!site)
		return;
	if (site->root_fd >= 0)
		close(site->root_fd);
	free((void *)site->metrics);
	free(site);
}

static int check_config(const struct rb_http_server_config *cfg)
{
	if (!cfg->root || cfg->root[0] == '\0' || strlen(cfg->root) >= 4096) {
		log_err("http: the root folder is missing or longer than 4095 bytes");
		return -EINVAL;
	}
	if (cfg->max_connections == 0 || cfg->max_connections > (1u << 24) ||
	    cfg->idle_timeout_ms == 0 || cfg->workers > RB_HTTP_MAX_WORKERS) {
		log_err("http: invalid limits: max-connections %u (1 to 16777216), idle timeout "
			"%u ms (at least 1), workers %u (at most %d)", cfg->max_connections,
			cfg->idle_timeout_ms, cfg->workers, RB_HTTP_MAX_WORKERS);
		return -EINVAL;
	}
	return 0;
}

/* Load the certificate and key of the HTTPS port.  Failures are logged by tls.c. */
static int open_tls(struct rb_http_server *srv)
{
	/* The workers are threads, and tls.c's own failure log assumes one thread. */
	struct rb_tls_options options = { .caller_logs_failures = true };

	if (!srv->cfg.tls_certificate)
		return 0;
	if (!srv->cfg.tls_private_key) {
		log_err("http: the HTTPS certificate %s has no private key; set one",
			srv->cfg.tls_certificate);
		return -EINVAL;
	}
	srv->tls = rb_tls_ctx_new(srv->cfg.tls_certificate, srv->cfg.tls_private_key, &options);
	return srv->tls ? 0 : -EINVAL;
}

int rb_http_server_new(const struct rb_http_server_config *cfg, struct rb_http_server **out)
{
	struct rb_http_server *srv;
	int err;

	*out = NULL;
	err = check_config(cfg);
	if (err)
		return err;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->cfg = *cfg;
	snprintf(srv->root, sizeof(srv->root), "%s", cfg->root);
	srv->cfg.root = srv->root;
	srv->port = cfg->port;
	srv->tls_port = cfg->tls_port;
	srv->n_workers = worker_count(cfg);
	srv->workers = calloc(srv->n_workers, sizeof(*srv->workers));
	for (unsigned i = 0; srv->workers && i < srv->n_workers; i++)
		srv->workers[i].listen_fd = srv->workers[i].tls_listen_fd = srv->workers[i].wake_fd = -1;
	srv->retired_seen = calloc(srv->n_workers, sizeof(*srv->retired_seen));
	err = srv->workers && srv->retired_seen ? site_new(srv->root, cfg->cfg, cfg->metrics, &srv->site) : -ENOMEM;
	if (!err)
		err = open_tls(srv);

	for (unsigned i = 0; !err && i < srv->n_workers; i++) {
		err = worker_init(srv, &srv->workers[i], i);
		if (err)
			log_err("http: setting up worker %u on port %u%s failed: %s", i, srv->port,
				srv->tls ? " and the HTTPS port" : "", strerror(-err));
	}
	if (err) {
		rb_http_server_free(srv);
		return err;
	}
	*out = srv;
	return 0;
}

/*
 * Start the worker threads with SIGPIPE blocked.  sendfile and splice to
 * a socket that the peer closed raise SIGPIPE, which no flag turns off as
 * MSG_NOSIGNAL does for send, and which would end the process by default.
 * Blocked, it stays pending on the thread and the call fails with EPIPE.
 */
static int start_workers(struct rb_http_server *srv)
{
	sigset_t pipe_only, old;
	int err = 0;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	for (unsigned i = 0; i < srv->n_workers && !err; i++) {
		struct rb_http_worker *w = &srv->workers[i];

		err = pthread_create(&w->thread, NULL, rb_http_worker_main, w);
		if (err)
			log_err("http: starting worker thread %u failed: %s", i, strerror(err));
		else
			w->thread_started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}

int rb_http_server_start(struct rb_http_server *srv)
{
	int err = start_workers(srv);

	if (err)
		return err;
	log_info("http: %u workers serving %s on port %u (max %u connections each, idle "
		 "timeout %u ms)", srv->n_workers, srv->root, srv->port, srv->cfg.max_connections,
		 srv->cfg.idle_timeout_ms);
	if (srv->tls)
		log_info("http: the same workers serve HTTPS on port %u", srv->tls_port);
	return 0;
}

uint16_t rb_http_server_port(const struct rb_http_server *srv)
{
	return srv->port;
}

uint16_t rb_http_server_tls_port(const struct rb_http_server *srv)
{
	return srv->tls ? srv->tls_port : 0;
}

int rb_http_server_set_site(struct rb_http_server *srv, const struct rb_config *cfg,
			    const char *root)
{
	struct rb_http_site *site;
	int err;

	if (!rb_http_server_site_settled(srv))
		return -EBUSY;
	if (strlen(root) >= sizeof(srv->root)) {
		log_err("http: root folder %.64s... is longer than %zu bytes; set a shorter "
			"http/root", root, sizeof(srv->root) - 1);
		return -ENAMETOOLONG;
	}
	err = site_new(root, cfg, srv->cfg.metrics, &site);
	if (err)
		return err;

	/*
	 * The store is ordered before the loads of the workers' counters, so
	 * a worker whose counter moves on afterwards loads the new site.
	 */
	srv->retired = __atomic_exchange_n(&srv->site, site, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < srv->n_workers; i++)
		srv->retired_seen[i] = __atomic_load_n(&srv->workers[i].quiescent, __ATOMIC_SEQ_CST);
	if (strcmp(srv->root, root) != 0)
		log_info("http: root folder is now %s (was %s)", root, srv->root);
	snprintf(srv->root, sizeof(srv->root), "%s", root);
	return 0;
}

bool rb_http_server_site_settled(struct rb_http_server *srv)
{
	if (!srv->retired)
		return true;
	for (unsigned i = 0; i < srv->n_workers; i++) {
		const struct rb_http_worker *w = &srv->workers[i];

		if (!w->thread_started || __atomic_load_n(&w->offline, __ATOMIC_SEQ_CST))
			continue;
		if (__atomic_load_n(&w->quiescent, __ATOMIC_SEQ_CST) == srv->retired_seen[i])
			return false;
	}
	site_free(srv->retired);
	srv->retired = NULL;
	return true;
}

unsigned rb_http_server_workers(const struct rb_http_server *srv)
{
	return srv->n_workers;
}

void rb_http_server_counters(const struct rb_http_server *srv, struct rb_http_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < srv->n_workers; i++) {
		const struct rb_http_worker_counters *c = &srv->workers[i].counters;

		sum->requests += __atomic_load_n(&c->requests, __ATOMIC_RELAXED);
		sum->bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
		sum->status_2xx += __atomic_load_n(&c->status_2xx, __ATOMIC_RELAXED);
		sum->status_4xx += __atomic_load_n(&c->status_4xx, __ATOMIC_RELAXED);
		sum->status_5xx += __atomic_load_n(&c->status_5xx, __ATOMIC_RELAXED);
		sum->connections += __atomic_load_n(&c->connections, __ATOMIC_RELAXED);
		sum->rejected += __atomic_load_n(&c->rejected, __ATOMIC_RELAXED);
		sum->timeouts += __atomic_load_n(&c->timeouts, __ATOMIC_RELAXED);
		sum->tls_connections += __atomic_load_n(&c->tls_connections, __ATOMIC_RELAXED);
		sum->tls_failures += __atomic_load_n(&c->tls_failures, __ATOMIC_RELAXED);
	}
}

void rb_http_server_stop(struct rb_http_server *srv)
{
	uint64_t wake = 1;
	unsigned joined = 0;

	if (!srv || srv->stopped)
		return;
	srv->stopped = true;
	for (unsigned i = 0; i < srv->n_workers; i++) {
		struct rb_http_worker *w = &srv->workers[i];

		if (w->thread_started && write(w->wake_fd, &wake, sizeof(wake)) != sizeof(wake))
			log_err("http: waking worker %u to stop failed: %s", i, strerror(errno));
	}
	for (unsigned i = 0; i < srv->n_workers; i++) {
		struct rb_http_worker *w = &srv->workers[i];

		if (!w->thread_started)
			continue;
		pthread_join(w->thread, NULL);
		w->thread_started = false;
		joined++;
	}
	if (joined)
		log_info("http: %u workers stopped", joined);
}

static void worker_free(struct rb_http_worker *w)
{
	if (w->ring_ready)
		io_uring_queue_exit(&w->ring);
	w->ring_ready = false;
	if (w->listen_fd >= 0)
		close(w->listen_fd);
	if (w->tls_listen_fd >= 0)
		close(w->tls_listen_fd);
	free(w->tls_plain);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	free(w->conns);
}

void rb_http_server_free(struct rb_http_server *srv)
{
	if (!srv)
		return;
	rb_http_server_stop(srv);
	for (unsigned i = 0; srv->workers && i < srv->n_workers; i++)
		worker_free(&srv->workers[i]);
	free(srv->workers);
	site_free(srv->site);
	site_free(srv->retired);
	free(srv->retired_seen);
	rb_tls_ctx_free(srv->tls);
	free(srv);
}
