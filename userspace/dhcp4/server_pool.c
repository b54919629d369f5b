// SPDX-License-Identifier: MIT
/*
 * The subnet pools on the slow path: rebuild the allocator from the
 * pool devices in rb_devices at start, give a device not in the
 * inventory an address and a record, and take the address back on
 * RELEASE and DECLINE.  Once a pool device has a record, the XDP program
 * answers its requests like an inventory device's.
 *
 * It also frees pool devices whose lease ended, and finds the template
 * that answers a DHCPINFORM from a device not in the inventory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "dhcp4/server_internal.h"
#include "dhcp4/template.h"
#include "leases/leases.h"
#include "xdp/device_state.h"

/* Duplicate records removed at start; a sane map has none. */
#define DUPLICATES_MAX	64

static struct rb_log_repeat repeat_pool_full =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "dhcpv4: pool exhausted, device not in the inventory ignored");
#define NS_PER_S	1000000000ull

static struct rb_log_repeat repeat_expire_read =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dhcpv4: reading rb_devices for the pool expiry failed");

static struct rb_log_repeat repeat_pool_insert =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "dhcpv4: adding a pool device record failed");

static void remove_duplicates(int fd, const struct rb_mac_key *keys, size_t n)
{
	char mac[18];

	for (size_t i = 0; i < n; i++) {
		rb_mac_format(keys[i].addr, mac);
		if (bpf_map_delete_elem(fd, &keys[i]) && errno != ENOENT)
			log_err("dhcpv4: removing pool device %s, whose address another record "
				"has, failed: %s", mac, strerror(errno));
		else
			log_warn("dhcpv4: removed pool device %s: another record has its address; "
				 "it gets a new one at its next DISCOVER", mac);
	}
}

/* Mark the address of every pool device record in rb_devices as held. */
static int pool_rebuild(struct rb_dhcp4_server *srv)
{
	struct rb_mac_key key, *prev = NULL, dup[DUPLICATES_MAX];
	size_t kept = 0, n_dup = 0;
	int fd = srv->cfg.devices_fd;

	for (int guard = 0; guard < RB_MAX_DEVICES * 2; guard++) {
		struct rb_device rec;

		if (bpf_map_get_next_key(fd, prev, &key))
			break;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rec) ||
		    !rb_dhcp4_pool_is_dynamic(srv->cfg.config, key.addr, rec.ipv4))
			continue;
		if (rb_dhcp4_pool_hold(&srv->pool, rec.ipv4) == 0)
			kept++;
		else if (n_dup < DUPLICATES_MAX)
			dup[n_dup++] = key;
	}

	remove_duplicates(fd, dup, n_dup);
	if (kept)
		log_info("dhcpv4: pool devices that kept their addresses from the pinned map: %zu",
			 kept);
	return 0;
}

int rb_dhcp4_server_pool_start(struct rb_dhcp4_server *srv)
{
	const struct rb_config *cfg = srv->cfg.config;
	struct rb_dhcp4_templates t;
	int err;

	if (!cfg || srv->pool_template)
		return 0;

	/* The same config gives the same template ids as the ones in the map. */
	err = rb_dhcp4_templates_build(cfg, &t);
	if (err)
		return err;
	srv->pool_template = t.pool_template;
	t.pool_template = NULL;
	rb_dhcp4_templates_free(&t);

	err = rb_dhcp4_pool_init(&srv->pool, cfg);
	if (err) {
		log_err("dhcpv4: allocating the pool bitmaps failed: %s", strerror(-err));
		return err;
	}
	srv->pool_started = true;
	err = pool_rebuild(srv);
	return err ?: rb_dhcp4_server_lend_start(srv, rb_boottime_ns());
}

void rb_dhcp4_server_pool_free(struct rb_dhcp4_server *srv)
{
	srv->pool_started = false;
	rb_dhcp4_server_lend_free(srv);
	rb_dhcp4_pool_free(&srv->pool);
	free(srv->pool_template);
	srv->pool_template = NULL;
	free(srv->expiry);
	srv->expiry = NULL;
	srv->expire_resume = false;
}

/* Keep the declined addresses that still lie in a pool of the new config. */
static void quarantine_restore(struct rb_dhcp4_pool *p, const struct rb_dhcp4_quarantine *saved)
{
	size_t n = 0;

	for (size_t i = 0; i < RB_DHCP4_QUARANTINE_MAX; i++) {
		if (saved[i].addr && rb_dhcp4_pool_find(p->cfg, saved[i].addr, NULL))
			p->quarantine[n++] = saved[i];
	}
}

int rb_dhcp4_server_set_config(struct rb_dhcp4_server *srv, const struct rb_config *config)
{
	struct rb_dhcp4_quarantine *saved;
	int err;

	if (!srv->pool_started) {
		srv->cfg.config = config;
		return 0;
	}
	saved = malloc(sizeof(srv->pool.quarantine));
	if (!saved)
		return -ENOMEM;
	memcpy(saved, srv->pool.quarantine, sizeof(srv->pool.quarantine));

	/*
	 * The same steps as a restart: the allocator is rebuilt from the
	 * records in rb_devices, and the queues are drained and filled again.
	 */
	rb_dhcp4_server_pool_free(srv);
	srv->cfg.config = config;
	srv->expire_resume = false;
	err = rb_dhcp4_server_pool_start(srv);
	if (!err && srv->pool.cfg)
		quarantine_restore(&srv->pool, saved);
	free(saved);
	if (err)
		log_err("dhcpv4: rebuilding the pools from the new config failed: %s; devices not in "
			"the inventory get no new address until the next reload or restart",
			strerror(-err));
	return err;
}

/*
 * The subnet whose pool serves a request: for a relayed request the one
 * holding the link address, else the first with a pool on the ingress
 * interface.  false when there is none.
 */
static bool pool_subnet(const struct rb_dhcp4_server *srv, int ifindex, size_t *out)
{
	const struct rb_config *cfg = srv->cfg.config;
	uint32_t link = srv->work.req.giaddr ? rb_dhcp4_link_address(&srv->work) : 0;
	char ifname[IF_NAMESIZE] = "";

	if (!link && (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, ifname)))
		return false;

	for (size_t s = 0; s < cfg->n_subnets; s++) {
		const struct rb_cfg_subnet *subnet = &cfg->subnets[s];
		uint32_t mask = subnet->prefix_len ? htonl(~0u << (32 - subnet->prefix_len)) : 0;

		if (subnet->n_pool_ranges == 0)
			continue;
		if (link ? (link & mask) == (subnet->prefix & mask) :
			   strcmp(subnet->interface, ifname) == 0) {
			*out = s;
			return true;
		}
	}
	return false;
}

int rb_dhcp4_server_pool_add(struct rb_dhcp4_server *srv, int ifindex, struct rb_device *dev,
			     const char *mac, const char *ifname)
{
	const struct rb_config *cfg = srv->cfg.config;
	struct rb_mac_key key = rb_mac_key_of(srv->work.req.chaddr);
	char addr[INET_ADDRSTRLEN];
	uint32_t ipv4;
	size_t subnet;
	int err;

	if (!cfg || !srv->pool_template || !pool_subnet(srv, ifindex, &subnet))
		return -ENOENT;

	err = rb_dhcp4_pool_alloc(&srv->pool, subnet, rb_boottime_ns(), &ipv4);
	if (err == 0) {
		err = rb_dhcp4_server_lend_record(srv, ipv4);
		if (err) {
			rb_dhcp4_pool_release(&srv->pool, ipv4);
			inet_ntop(AF_INET, &ipv4, addr, sizeof(addr));
			rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
			rb_log_repeat(&repeat_pool_insert, "dhcpv4: DISCOVER from %s on %s ignored: "
				      "recording pool address %s as lent in the store failed: %s; "
				      "check the store folder's disk", mac, ifname, addr,
				      strerror(-err));
			return err;
		}
	} else if (err == -ENOSPC) {
		err = rb_dhcp4_server_lend_take(srv, subnet, &ipv4) ? -ENOSPC : 0;
	}
	if (err) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_UNKNOWN);
		rb_log_repeat(&repeat_pool_full, "dhcpv4: DISCOVER from %s on %s ignored: the pool "
			      "of subnet \"%s\" has no free address; add a range, or wait for "
			      "releases and for declined addresses to leave quarantine", mac, ifname,
			      cfg->subnets[subnet].name);
		return -ENOSPC;
	}

	memset(dev, 0, sizeof(*dev));
	dev->ipv4 = ipv4;
	dev->template_id = srv->pool_template[subnet];
	dev->client_arch = RB_ARCH_ANY;
	if (bpf_map_update_elem(srv->cfg.devices_fd, &key, dev, BPF_NOEXIST)) {
		err = -errno;
		rb_dhcp4_server_lend_forget(srv, dev->ipv4);
		rb_dhcp4_pool_release(&srv->pool, dev->ipv4);
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		rb_log_repeat(&repeat_pool_insert, "dhcpv4: adding the record of pool device %s "
			      "to map %s failed: %s", mac, RB_PIN_DEVICES, strerror(-err));
		return err;
	}

	inet_ntop(AF_INET, &dev->ipv4, addr, sizeof(addr));
	log_info("dhcpv4: pool address %s of subnet \"%s\" goes to %s on %s", addr,
		 cfg->subnets[subnet].name, mac, ifname);
	return 0;
}

bool rb_dhcp4_server_pool_return(struct rb_dhcp4_server *srv, const struct rb_device *dev,
				 const char *mac, const char *ifname)
{
	const struct rb_dhcp4_request *req = &srv->work.req;
	struct rb_mac_key key = rb_mac_key_of(req->chaddr);
	bool decline = req->msg_type == RB_DHCPDECLINE;
	char addr[INET_ADDRSTRLEN];

	if (!srv->cfg.config || !srv->pool_template ||
	    !rb_dhcp4_pool_is_dynamic(srv->cfg.config, req->chaddr, dev->ipv4))
		return false;

	/* RELEASE names the address in ciaddr, DECLINE in option 50 (RFC 2131 section 4.4.6). */
	inet_ntop(AF_INET, &dev->ipv4, addr, sizeof(addr));
	if ((decline && req->requested_ip != dev->ipv4) || (!decline && req->ciaddr != dev->ipv4)) {
		rb_dhcp4_count(srv, RB_UC_IGNORED_OTHER);
		log_info("dhcpv4: %s from %s on %s ignored: it names an address other than its "
			 "pool address %s", decline ? "DECLINE" : "RELEASE", mac, ifname, addr);
		return true;
	}

	/* The record holds the address, so it is no longer lent, whether or not the delete works. */
	rb_dhcp4_server_lend_forget(srv, dev->ipv4);
	if (bpf_map_delete_elem(srv->cfg.devices_fd, &key) && errno != ENOENT)
		log_err("dhcpv4: removing the record of pool device %s failed: %s; its address %s "
			"stays held", mac, strerror(errno), addr);
	else if (decline)
		rb_dhcp4_pool_decline(&srv->pool, dev->ipv4, rb_boottime_ns());
	else
		rb_dhcp4_pool_release(&srv->pool, dev->ipv4);
	rb_leases_ended(srv->cfg.leases, req->chaddr);

	if (decline)
		log_warn("dhcpv4: %s on %s declined pool address %s: another host uses it; it rests "
			 "for %u s, find that host", mac, ifname, addr,
			 srv->cfg.config->decline_quarantine);
	else
		log_info("dhcpv4: %s on %s released pool address %s", mac, ifname, addr);
	return true;
}

/*
 * Store the lease time of template id in *lease_time, from the expiry
 * walk's cache, which a new pass empties.  Returns false when the
 * template is missing.
 */
static bool lease_time_of(struct rb_dhcp4_server *srv, __u32 id, uint32_t *lease_time)
{
	struct rb_dhcp4_expiry *x = srv->expiry;
	struct rb_dhcp4_template tmpl;

	if (id >= RB_MAX_TEMPLATES)
		return false;
	if (x->lease_time[id] == 0) {
		if (bpf_map_lookup_elem(srv->cfg.templates_fd, &id, &tmpl))
			return false;
		x->lease_time[id] = tmpl.lease_time;
	}
	*lease_time = x->lease_time[id];
	return true;
}

/*
 * The time after which the pool device rec is gone, or 0 when it never
 * expires on its own: the lease end plus the journal lag and a grace,
 * or for a device that got an OFFER but no ACK the end of the offer
 * hold.  With the lag, a record restored from the store after a power
 * loss outlives a renewal that never reached the store.
 */
static uint64_t expiry_ns(struct rb_dhcp4_server *srv, const struct rb_device *rec)
{
	uint64_t acked = rec->lease_ns ? rec->lease_ns : rec->phase_ns[RB_PHASE_LEASED];
	uint32_t lease_time;

	if (acked) {
		if (!lease_time_of(srv, rec->template_id, &lease_time))
			return 0;
		return acked + ((uint64_t)lease_time + rb_journal_lag_s(lease_time) +
				RB_DHCP4_EXPIRE_GRACE_S) * NS_PER_S;
	}
	if (rec->phase_ns[RB_PHASE_OFFERED])
		return rec->phase_ns[RB_PHASE_OFFERED] + RB_DHCP4_OFFER_HOLD_S * NS_PER_S;
	return 0;
}

/* Return true when rec, the record of key, is a pool device whose time is up. */
static bool expired(struct rb_dhcp4_server *srv, const struct rb_mac_key *key,
		    const struct rb_device *rec, uint64_t now_ns)
{
	uint64_t end;

	if (!rb_dhcp4_pool_is_dynamic(srv->cfg.config, key->addr, rec->ipv4))
		return false;
	end = expiry_ns(srv, rec);
	return end && end < now_ns;
}

/*
 * Delete the record of key if it is still expired, because the XDP
 * program may have renewed it since the walk read it.
 * NOTE: a renewal between this lookup and the delete is lost, and the
 * client then falls back to a new DISCOVER.
 */
static void expire_one(struct rb_dhcp4_server *srv, const struct rb_mac_key *key, uint64_t now_ns)
{
	char mac[18], addr[INET_ADDRSTRLEN];
	struct rb_device rec;

	if (bpf_map_lookup_elem(srv->cfg.devices_fd, key, &rec) ||
	    !expired(srv, key, &rec, now_ns))
		return;

	rb_mac_format(key->addr, mac);
	inet_ntop(AF_INET, &rec.ipv4, addr, sizeof(addr));
	if (bpf_map_delete_elem(srv->cfg.devices_fd, key)) {
		if (errno != ENOENT)
			log_err("dhcpv4: removing the record of expired pool device %s failed: %s; "
				"its address %s stays held", mac, strerror(errno), addr);
		return;
	}
	rb_dhcp4_server_lend_forget(srv, rec.ipv4);
	rb_dhcp4_pool_release(&srv->pool, rec.ipv4);
	rb_leases_ended(srv->cfg.leases, key->addr);
	log_debug("dhcpv4: pool address %s of %s expired: %s", addr, mac,
		  rec.lease_ns ? "lease ended without renewal" : "OFFER without REQUEST");
}

/*
 * Read the walk's next records, up to RB_DHCP4_EXPIRE_STEP, into
 * srv->expiry with batch lookups of RB_DHCP4_EXPIRE_BATCH each.  Returns
 * the number read.  At the end of the map or on an error it clears
 * expire_resume, so that the next step starts a new pass.
 */
static __u32 read_batch(struct rb_dhcp4_server *srv)
{
	struct rb_dhcp4_expiry *x = srv->expiry;
	__u32 n = 0, count;
	int err = 0;

	if (!srv->expire_resume)
		memset(x->lease_time, 0, sizeof(x->lease_time));
	while (n + RB_DHCP4_EXPIRE_BATCH <= RB_DHCP4_EXPIRE_STEP) {
		count = RB_DHCP4_EXPIRE_BATCH;
		err = bpf_map_lookup_batch(srv->cfg.devices_fd,
					   srv->expire_resume ? &srv->expire_batch : NULL,
					   &srv->expire_batch, &x->keys[n], &x->recs[n], &count, NULL);
		srv->expire_resume = err == 0;
		if (err && errno != ENOENT) {
			rb_log_repeat(&repeat_expire_read, "dhcpv4: reading rb_devices for the pool "
				      "expiry failed: %s; the next pass tries again", strerror(errno));
			return n;
		}
		n += count;
		if (err)
			break;
	}
	return n;
}

void rb_dhcp4_server_pool_expire(struct rb_dhcp4_server *srv, uint64_t now_ns)
{
	uint32_t bound[RB_DHCP4_EXPIRE_STEP];
	size_t n_gone = 0, n_bound = 0;
	struct rb_dhcp4_expiry *x;
	__u32 n;

	if (!srv->cfg.config || !srv->pool_template || srv->cfg.devices_fd < 0)
		return;
	if (!srv->expiry) {
		srv->expiry = calloc(1, sizeof(*srv->expiry));
		if (!srv->expiry) {
			log_err("dhcpv4: no memory for the pool expiry walk; expired pool addresses "
				"stay held");
			return;
		}
	}
	x = srv->expiry;

	/*
	 * Read first and delete after: a batch of bpf_map_lookup_batch() goes
	 * on from a bucket, so deletes do not disturb the walk.
	 */
	n = read_batch(srv);
	for (__u32 i = 0; i < n; i++) {
		const struct rb_device *rec = &x->recs[i];

		if (expired(srv, &x->keys[i], rec, now_ns))
			x->keys[n_gone++] = x->keys[i];
		else if (rb_dhcp4_pool_marked(&srv->pool, rec->ipv4, RB_DHCP4_POOL_LENT) ||
			 rb_dhcp4_pool_marked(&srv->pool, rec->ipv4, RB_DHCP4_POOL_HELD_BACK))
			bound[n_bound++] = rec->ipv4;
	}

	/* Records that XDP bound and whose bind event never reached the pool. */
	rb_dhcp4_server_lend_held(srv, bound, n_bound);

	for (size_t i = 0; i < n_gone; i++)
		expire_one(srv, &x->keys[i], now_ns);
}

bool rb_dhcp4_server_inform_template(struct rb_dhcp4_server *srv, uint32_t ciaddr,
				     struct rb_dhcp4_template *tmpl)
{
	const struct rb_config *cfg = srv->cfg.config;

	if (cfg && srv->pool_template) {
		for (size_t s = 0; s < cfg->n_subnets; s++) {
			const struct rb_cfg_subnet *subnet = &cfg->subnets[s];
			uint32_t mask = subnet->prefix_len ?
					htonl(~0u << (32 - subnet->prefix_len)) : 0;
			__u32 id = srv->pool_template[s];

			if (subnet->n_pool_ranges == 0 ||
			    (ciaddr & mask) != (subnet->prefix & mask))
				continue;
			if (bpf_map_lookup_elem(srv->cfg.templates_fd, &id, tmpl) == 0 &&
			    tmpl->server_id)
				return true;
		}
	}

	/* Subnets do not overlap, so a template whose subnet contains ciaddr belongs to it. */
	for (__u32 id = 0; id < RB_MAX_TEMPLATES; id++) {
		if (bpf_map_lookup_elem(srv->cfg.templates_fd, &id, tmpl))
			break;
		if (tmpl->server_id && rb_dhcp4_template_has_addr(tmpl, ciaddr))
			return true;
	}
	return false;
}
