// SPDX-License-Identifier: MIT
/*
 * Device commands: the filters of devices (phase, profile, subnet) and
 * the timeline of one device.  The timeline gathers what an operator
 * needs to see why a device is stuck: its record's phase times in
 * wall-clock time, its lease in the store and its newest syslog messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/ctl_commands.h"
#include "store/store.h"
#include "syslog/syslog_show.h"
#include "xdp/device_state.h"
#include "xdp/map_names.h"
#include "xdp/state_format.h"

/* How many syslog messages the timeline shows. */
#define TIMELINE_LOG_LINES	10

static bool in_prefix(uint32_t addr, uint32_t prefix, uint8_t prefix_len)
{
	uint32_t mask = prefix_len ? htonl(~0u << (32 - prefix_len)) : 0;

	return (addr & mask) == (prefix & mask);
}

const struct rb_cfg_subnet *rb_ctl_device_subnet(const struct rb_config *cfg,
						 const struct rb_state_device *dev)
{
	if (dev->rec.ipv4 == 0)
		return NULL;
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		const struct rb_cfg_subnet *s = &cfg->subnets[i];

		if (in_prefix(dev->rec.ipv4, s->prefix, s->prefix_len))
			return s;
	}
	return NULL;
}

const struct rb_cfg_profile *rb_ctl_device_profile(const struct rb_config *cfg,
						   const struct rb_state_device *dev)
{
	const struct rb_cfg_device *inv = rb_config_device_by_mac(cfg, dev->key.addr);
	const struct rb_cfg_subnet *subnet;

	if (inv)
		return inv->profile < cfg->n_profiles ? &cfg->profiles[inv->profile] : NULL;
	subnet = rb_ctl_device_subnet(cfg, dev);
	if (!subnet || subnet->n_pool_ranges == 0 || subnet->pool_profile >= cfg->n_profiles)
		return NULL;
	return &cfg->profiles[subnet->pool_profile];
}

/* The subnet filter: a configured subnet's name, else a CIDR prefix. */
struct prefix_filter {
	uint32_t prefix;	/* network order */
	uint8_t len;
};

static int parse_subnet_filter(const struct rb_config *cfg, const char *text,
			       struct prefix_filter *f, char *why, size_t why_len)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	long len;

	for (size_t i = 0; i < cfg->n_subnets; i++) {
		if (strcmp(cfg->subnets[i].name, text) == 0) {
			f->prefix = cfg->subnets[i].prefix;
			f->len = cfg->subnets[i].prefix_len;
			return 0;
		}
	}
	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		goto bad;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	len = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &f->prefix) != 1 || end == slash + 1 || *end || len < 0 ||
	    len > 32)
		goto bad;
	f->len = (uint8_t)len;
	return 0;
bad:
	return rb_ctl_invalid(why, why_len, "subnet \"%s\" is neither a configured subnet name nor an "
		       "IPv4 prefix such as 10.0.0.0/24", text);
}

static bool device_matches(const struct rb_config *cfg, const struct rb_ctl_request *req,
			   const struct rb_state_device *dev, const struct prefix_filter *subnet)
{
	const struct rb_cfg_profile *profile;

	if (req->phase >= 0 && dev->rec.phase != (uint32_t)req->phase)
		return false;
	if (req->profile[0]) {
		profile = rb_ctl_device_profile(cfg, dev);
		if (!profile || strcmp(profile->name, req->profile) != 0)
			return false;
	}
	if (subnet && (dev->rec.ipv4 == 0 || !in_prefix(dev->rec.ipv4, subnet->prefix, subnet->len)))
		return false;
	return true;
}

static bool profile_exists(const struct rb_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_profiles; i++) {
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return true;
	}
	return false;
}

int rb_ctl_filter_devices(const struct rb_config *cfg, const struct rb_ctl_request *req,
			  struct rb_state_device *devs, size_t n, char *why, size_t why_len)
{
	struct prefix_filter subnet;
	size_t kept = 0;
	int err;

	if (req->profile[0] && !profile_exists(cfg, req->profile))
		return rb_ctl_invalid(why, why_len, "profile \"%s\" is not in the config", req->profile);
	if (req->subnet[0]) {
		err = parse_subnet_filter(cfg, req->subnet, &subnet, why, why_len);
		if (err)
			return err;
	}
	for (size_t i = 0; i < n; i++) {
		if (device_matches(cfg, req, &devs[i], req->subnet[0] ? &subnet : NULL))
			devs[kept++] = devs[i];
	}
	return (int)kept;
}

/* CLOCK_BOOTTIME nanoseconds as CLOCK_REALTIME seconds, to the millisecond. */
static double boottime_to_realtime(uint64_t t_ns)
{
	struct timespec now;
	uint64_t boot_now = rb_boottime_ns();

	clock_gettime(CLOCK_REALTIME, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9 - (double)(boot_now - t_ns) / 1e9;
}

static void timeline_json(FILE *out, const struct rb_device *r)
{
	uint64_t first = 0;
	const char *sep = "";

	fputs("\"timeline\":[", out);
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		if (r->phase_ns[p] == 0)
			continue;
		if (first == 0)
			first = r->phase_ns[p];
		fprintf(out, "%s{\"phase\":\"%s\",\"time\":%.3f,\"after_s\":%.3f}", sep,
			rb_phase_names[p], boottime_to_realtime(r->phase_ns[p]),
			(double)(r->phase_ns[p] - first) / 1e9);
		sep = ",";
	}
	fputc(']', out);
}

static void lease_json(FILE *out, struct rb_store *store, const uint8_t mac[6])
{
	struct rb_store_lease lease;
	char addr[INET_ADDRSTRLEN];

	fputs(",\"lease\":", out);
	if (!store || rb_store_get_lease(store, mac, &lease) != 0) {
		fputs("null", out);
		return;
	}
	inet_ntop(AF_INET, &lease.ipv4, addr, sizeof(addr));
	fprintf(out, "{\"ipv4\":\"%s\",\"source\":\"%s\",\"start\":%" PRId64 ",\"end\":%" PRId64 "}",
		addr, lease.source == RB_LEASE_XDP ? "xdp" : "userspace", lease.start, lease.end);
}

static void logs_json(FILE *out, struct rb_store *store, const uint8_t mac[6])
{
	char name[18];
	int err;

	fputs(",\"logs\":", out);
	/*
	 * rb_syslog_show checks the whole ring first and writes nothing when
	 * it fails: a device without messages (-ENOENT) gets an empty list,
	 * a store that cannot be read null.
	 */
	if (!store) {
		fputs("null", out);
		return;
	}
	err = rb_syslog_show(out, store, rb_mac_format(mac, name), TIMELINE_LOG_LINES, true);
	if (err == -ENOENT)
		rb_syslog_show_empty(out, mac, "", true);
	else if (err)
		fputs("null", out);
}

static void device_head_json(FILE *out, const struct rb_config *cfg, const struct rb_state_device *dev)
{
	const struct rb_cfg_profile *profile = rb_ctl_device_profile(cfg, dev);
	const struct rb_cfg_subnet *subnet = rb_ctl_device_subnet(cfg, dev);
	const struct rb_device *r = &dev->rec;
	char mac[18], addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->ipv4, addr, sizeof(addr));
	fprintf(out, "{\"mac\":\"%s\",\"ipv4\":\"%s\",\"hostname\":", rb_mac_format(dev->key.addr, mac),
		addr);
	rb_json_string(out, r->hostname, r->hostname_len < RB_HOSTNAME_MAX ? r->hostname_len :
		       RB_HOSTNAME_MAX);
	fprintf(out, ",\"inventory\":%s,\"profile\":", r->inventory ? "true" : "false");
	if (profile)
		rb_json_string(out, profile->name, strlen(profile->name));
	else
		fputs("null", out);
	fputs(",\"subnet\":", out);
	if (subnet)
		rb_json_string(out, subnet->name, strlen(subnet->name));
	else
		fputs("null", out);
	fprintf(out, ",\"phase\":\"%s\",\"xdp_replies\":%" PRIu64 ",\"us_replies\":%" PRIu64 ",",
		rb_phase_name(r->phase), (uint64_t)r->xdp_replies, (uint64_t)r->us_replies);
}

static void timeline_text(FILE *out, const struct rb_config *cfg, const struct rb_state_device *dev,
			  struct rb_store *store)
{
	const struct rb_cfg_profile *profile = rb_ctl_device_profile(cfg, dev);
	const struct rb_device *r = &dev->rec;
	struct rb_store_lease lease;
	char mac[18], addr[INET_ADDRSTRLEN], when[32];
	uint64_t first = 0;

	inet_ntop(AF_INET, &r->ipv4, addr, sizeof(addr));
	fprintf(out, "device %s  %s  %.*s  profile %s  phase %s\n", rb_mac_format(dev->key.addr, mac),
		addr, r->hostname_len ? (int)r->hostname_len : 1, r->hostname_len ?
		(const char *)r->hostname : "-", profile ? profile->name : "-", rb_phase_name(r->phase));
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		time_t t;

		if (r->phase_ns[p] == 0)
			continue;
		first = first ? first : r->phase_ns[p];
		t = (time_t)boottime_to_realtime(r->phase_ns[p]);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
		fprintf(out, "  %-10s %s UTC  +%.3f s\n", rb_phase_names[p], when,
			(double)(r->phase_ns[p] - first) / 1e9);
	}
	if (store && rb_store_get_lease(store, dev->key.addr, &lease) == 0) {
		time_t end = (time_t)lease.end;

		inet_ntop(AF_INET, &lease.ipv4, addr, sizeof(addr));
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&end));
		fprintf(out, "lease %s from %s until %s UTC\n", addr,
			lease.source == RB_LEASE_XDP ? "xdp" : "userspace", when);
	} else {
		fputs("no lease in the store\n", out);
	}
	fputs("newest syslog messages:\n", out);
	if (!store || rb_syslog_show(out, store, mac, TIMELINE_LOG_LINES, false) != 0)
		fputs("  none stored\n", out);
}

int rb_ctl_device_timeline(const struct rb_ctl_context *ctx, const struct rb_ctl_request *req,
			   FILE *out, char *why, size_t why_len)
{
	struct rb_state_device dev = { 0 };
	char mac[18];
	int err;

	rb_mac_format(req->mac, mac);
	err = rb_device_get(ctx->devices_fd, req->mac, &dev.rec);
	if (err == -ENOENT) {
		snprintf(why, why_len, "device %s has no record: it is not in the inventory and has "
			 "sent no DHCP request yet", mac);
		return err;
	}
	if (err) {
		snprintf(why, why_len, "reading the record of %s failed: %s", mac, strerror(-err));
		return err;
	}
	memcpy(dev.key.addr, req->mac, 6);

	if (req->text) {
		timeline_text(out, ctx->cfg, &dev, ctx->store);
		return 0;
	}
	device_head_json(out, ctx->cfg, &dev);
	timeline_json(out, &dev.rec);
	lease_json(out, ctx->store, req->mac);
	logs_json(out, ctx->store, req->mac);
	fputc('}', out);
	return 0;
}
