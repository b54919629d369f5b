// SPDX-License-Identifier: MIT
/*
 * Device commands: the DHCPv6 addresses and filters of devices (phase,
 * profile, subnet) and the timeline of one device.  The timeline gathers what an operator
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
#include <unistd.h>

#include "control/ctl_commands.h"
#include "rackboot/dhcp6_maps.h"
#include "store/store.h"
#include "syslog/syslog_show.h"
#include "xdp/device_state.h"
#include "xdp/map_names.h"
#include "xdp/state_format.h"
#include "xdp/state_read6.h"

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

/*
 * The subnet filter: the DHCPv4 and DHCPv6 subnets of a configured name
 * (either or both), or one IPv4 or IPv6 prefix.
 */
struct subnet_filter {
	bool has_ipv4;
	uint32_t prefix;	/* network order */
	uint8_t len;
	bool has_ipv6;
	struct in6_addr prefix6;
	uint8_t len6;
};

static bool in_prefix6(const uint8_t addr[16], const struct in6_addr *prefix, uint8_t prefix_len)
{
	size_t full = prefix_len / 8;
	uint8_t mask = (uint8_t)(0xff00 >> (prefix_len % 8));

	if (memcmp(addr, prefix->s6_addr, full) != 0)
		return false;
	return full == 16 || (addr[full] & mask) == (prefix->s6_addr[full] & mask);
}

static bool filter_by_name(const struct rb_config *cfg, const char *name, struct subnet_filter *f)
{
	for (size_t i = 0; i < cfg->n_subnets && !f->has_ipv4; i++) {
		if (strcmp(cfg->subnets[i].name, name) == 0) {
			f->has_ipv4 = true;
			f->prefix = cfg->subnets[i].prefix;
			f->len = cfg->subnets[i].prefix_len;
		}
	}
	for (size_t i = 0; i < cfg->n_subnets6 && !f->has_ipv6; i++) {
		if (strcmp(cfg->subnets6[i].name, name) == 0) {
			f->has_ipv6 = true;
			f->prefix6 = cfg->subnets6[i].prefix;
			f->len6 = cfg->subnets6[i].prefix_len;
		}
	}
	return f->has_ipv4 || f->has_ipv6;
}

/*
 * Parse "ADDRESS/LEN" into f: an IPv6 prefix when ADDRESS contains a
 * colon, else an IPv4 one.  Returns false for anything else, a length
 * out of range included.
 */
static bool filter_by_prefix(const char *text, struct subnet_filter *f)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	bool ipv6;
	char *end;
	long len;

	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return false;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	ipv6 = strchr(addr, ':') != NULL;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end || errno || len < 0 || len > (ipv6 ? 128 : 32))
		return false;
	if (ipv6) {
		f->has_ipv6 = inet_pton(AF_INET6, addr, &f->prefix6) == 1;
		f->len6 = (uint8_t)len;
		return f->has_ipv6;
	}
	f->has_ipv4 = inet_pton(AF_INET, addr, &f->prefix) == 1;
	f->len = (uint8_t)len;
	return f->has_ipv4;
}

static int parse_subnet_filter(const struct rb_config *cfg, const char *text,
			       struct subnet_filter *f, char *why, size_t why_len)
{
	memset(f, 0, sizeof(*f));
	if (filter_by_name(cfg, text, f) || filter_by_prefix(text, f))
		return 0;
	return rb_ctl_invalid(why, why_len, "subnet \"%s\" is neither a configured DHCPv4 or "
			      "DHCPv6 subnet name nor a prefix such as 10.0.0.0/24 or "
			      "fd00:213::/64", text);
}

static bool subnet_matches(const struct subnet_filter *f, const struct rb_state_device *dev)
{
	if (f->has_ipv4 && dev->rec.ipv4 != 0 && in_prefix(dev->rec.ipv4, f->prefix, f->len))
		return true;
	return f->has_ipv6 && dev->ipv6_source != RB_STATE_IPV6_NONE &&
	       in_prefix6(dev->ipv6, &f->prefix6, f->len6);
}

static bool device_matches(const struct rb_config *cfg, const struct rb_ctl_request *req,
			   const struct rb_state_device *dev, const struct subnet_filter *subnet)
{
	const struct rb_cfg_profile *profile;

	if (req->phase >= 0 && dev->rec.phase != (uint32_t)req->phase)
		return false;
	if (req->profile[0]) {
		profile = rb_ctl_device_profile(cfg, dev);
		if (!profile || strcmp(profile->name, req->profile) != 0)
			return false;
	}
	if (subnet && !subnet_matches(subnet, dev))
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
	struct subnet_filter subnet;
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

int rb_ctl_read_ipv6(const struct rb_ctl_context *ctx, struct rb_state_device *devs, size_t n,
		     char *why, size_t why_len)
{
	int fd, err;

	/* rackbootd pins rb_devices6 beside rb_devices, also without a dhcpv6 subnet. */
	fd = rb_state_open(ctx->cfg->bpffs_pin_path, RB_PIN_DEVICES6);
	if (fd < 0) {
		snprintf(why, why_len, "opening map %s/%s failed: %s", ctx->cfg->bpffs_pin_path,
			 RB_PIN_DEVICES6, strerror(-fd));
		return fd;
	}
	err = rb_state_read_ipv6(fd, ctx->store, (int64_t)time(NULL), devs, n);
	close(fd);
	if (err)
		snprintf(why, why_len, "reading the DHCPv6 reservations and leases failed: %s",
			 strerror(-err));
	return err;
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
	rb_state_ipv6_json(out, dev);
	fputc(',', out);
}

static void timeline_text(FILE *out, const struct rb_config *cfg, const struct rb_state_device *dev,
			  struct rb_store *store)
{
	const struct rb_cfg_profile *profile = rb_ctl_device_profile(cfg, dev);
	const struct rb_device *r = &dev->rec;
	struct rb_store_lease lease;
	char mac[18], addr[INET_ADDRSTRLEN], addr6[INET6_ADDRSTRLEN], when[32];
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
	if (!rb_state_ipv6_text(dev, addr6)) {
		fputs("no DHCPv6 address: none reserved and no bound lease in the store\n", out);
	} else {
		fprintf(out, "DHCPv6 address %s (%s)\n", addr6,
			dev->ipv6_source == RB_STATE_IPV6_LEASE ? "bound lease in the store" :
			"reserved in the inventory, not leased");
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
	err = rb_ctl_read_ipv6(ctx, &dev, 1, why, why_len);
	if (err)
		return err;

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
