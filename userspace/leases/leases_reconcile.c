// SPDX-License-Identifier: MIT
/*
 * The store against rb_devices at start, in both directions.
 *
 * Reconcile: rb_devices records the last ACK of every device (lease_ns),
 * so a lease whose event was lost (ring full, or drained but not
 * committed before a SIGKILL) is written from there.
 *
 * Restore: after a reboot or power loss rb_devices starts empty, so an
 * unexpired pool lease in the store gets its device record back.  The
 * slow path then rebuilds its allocator with that address held, and the
 * XDP program answers the device's renewals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "dhcp4/answer.h"
#include "dhcp4/pool.h"
#include "leases/leases_internal.h"
#include "xdp/device_state.h"

#define NS_PER_S	1000000000ULL

/* Lease time per template id, 0 for a missing template. */
static void load_lease_times(const struct rb_leases *l, uint32_t times[RB_MAX_TEMPLATES])
{
	struct rb_dhcp4_template tmpl;

	for (__u32 id = 0; id < RB_MAX_TEMPLATES; id++) {
		times[id] = 0;
		if (bpf_map_lookup_elem(l->maps.templates, &id, &tmpl) == 0 && tmpl.server_id)
			times[id] = tmpl.lease_time;
	}
}

/* true when the store lacks the lease that rec records for mac, or has an older one. */
static bool store_lacks(struct rb_leases *l, const uint8_t mac[6], const struct rb_device *rec)
{
	struct rb_store_lease have;

	if (rb_store_get_lease(l->store, mac, &have))
		return true;
	/* One second of slack: both sides round the same ACK time to seconds. */
	return have.ipv4 != rec->ipv4 || have.start + 1 < rb_leases_realtime(rec->lease_ns);
}

int rb_leases_reconcile(struct rb_leases *l)
{
	uint32_t times[RB_MAX_TEMPLATES];
	struct rb_mac_key key, *prev = NULL;
	size_t written = 0, checked = 0;

	load_lease_times(l, times);
	for (int guard = 0; guard < RB_MAX_DEVICES * 2; guard++) {
		struct rb_device rec;

		if (bpf_map_get_next_key(l->maps.devices, prev, &key))
			break;
		prev = &key;
		if (bpf_map_lookup_elem(l->maps.devices, &key, &rec) || rec.lease_ns == 0)
			continue;
		checked++;
		if (rec.template_id >= RB_MAX_TEMPLATES || !store_lacks(l, key.addr, &rec))
			continue;
		if (rb_leases_write(l, key.addr, rec.ipv4, rec.template_id, rec.lease_ns,
				    times[rec.template_id],
				    rec.from_xdp ? RB_LEASE_XDP : RB_LEASE_USERSPACE) == 0)
			written++;
	}

	if (written)
		log_warn("leases: %zu of the %zu leases in %s were missing from the store or "
			 "older there, and were written; their events were lost (a full ring or "
			 "an unclean stop)", written, checked, RB_PIN_DEVICES);
	else
		log_info("leases: the store has all %zu leases of %s", checked, RB_PIN_DEVICES);
	return 0;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct restore_state {
	struct rb_leases *l;
	uint32_t *addrs;	/* addresses in rb_devices, sorted */
	size_t n_addrs;
	int64_t now_real;
	uint64_t now_boot;
	uint8_t (*stale)[6];	/* store leases to delete after the walk */
	size_t n_stale;
	size_t restored;
};

/* Every address in rb_devices, sorted, for the lookups of the restore. */
static int load_addrs(struct restore_state *s)
{
	struct rb_mac_key key, *prev = NULL;
	int fd = s->l->maps.devices;

	s->addrs = calloc(RB_MAX_DEVICES, sizeof(*s->addrs));
	if (!s->addrs)
		return -ENOMEM;
	while (s->n_addrs < RB_MAX_DEVICES && bpf_map_get_next_key(fd, prev, &key) == 0) {
		struct rb_device rec;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rec) == 0)
			s->addrs[s->n_addrs++] = rec.ipv4;
	}
	qsort(s->addrs, s->n_addrs, sizeof(*s->addrs), compare_u32);
	return 0;
}

/* A pool device record for a lease whose device rb_devices lacks. */
static int restore_one(struct restore_state *s, const struct rb_store_lease *lease)
{
	int64_t ago_s = s->now_real > lease->start ? s->now_real - lease->start : 0;
	uint64_t ago_ns = (uint64_t)ago_s * NS_PER_S;
	struct rb_mac_key key = rb_mac_key_of(lease->mac);
	struct rb_dhcp4_template tmpl;
	struct rb_device rec = { 0 };
	__u32 id = lease->template_id;

	if (bpf_map_lookup_elem(s->l->maps.templates, &id, &tmpl) || !tmpl.server_id ||
	    !rb_dhcp4_template_has_addr(&tmpl, lease->ipv4))
		return -ENOENT;

	rec.ipv4 = lease->ipv4;
	rec.template_id = lease->template_id;
	rec.client_arch = RB_ARCH_ANY;
	/*
	 * A lease from before this boot counts from the boot, which keeps
	 * the address held longer than the lease, never shorter.  The pool
	 * expiry adds the journal lag, for a renewal that the lag kept
	 * from the store.
	 */
	rec.lease_ns = s->now_boot > ago_ns ? s->now_boot - ago_ns : 1;
	rb_device_set_phase(&rec, RB_PHASE_LEASED, rec.lease_ns);
	if (bpf_map_update_elem(s->l->maps.devices, &key, &rec, BPF_NOEXIST))
		return -errno;
	return 0;
}

static int visit_restore(const struct rb_store_lease *lease, void *arg)
{
	struct restore_state *s = arg;
	struct rb_device rec;
	char mac[18], addr[INET_ADDRSTRLEN];
	int err;

	if (rb_leases_expiry(lease) < s->now_real)
		return 0;
	if (rb_device_get(s->l->maps.devices, lease->mac, &rec) == 0)
		return 0;

	rb_mac_format(lease->mac, mac);
	inet_ntop(AF_INET, &lease->ipv4, addr, sizeof(addr));
	if (bsearch(&lease->ipv4, s->addrs, s->n_addrs, sizeof(*s->addrs), compare_u32)) {
		/* Another device has the address in rb_devices, which XDP answers from. */
		log_warn("leases: the store lease of %s on %s is stale: another device record "
			 "has that address; deleting the lease", mac, addr);
		if (s->n_stale < RB_LEASES_BATCH_MAX)
			memcpy(s->stale[s->n_stale++], lease->mac, 6);
		return 0;
	}
	if (!s->l->cfg.config || !rb_dhcp4_pool_find(s->l->cfg.config, lease->ipv4, NULL)) {
		log_warn("leases: the store lease of %s on %s is not restored: the address is in "
			 "no pool of the config and the MAC not in the inventory", mac, addr);
		return 0;
	}

	err = restore_one(s, lease);
	if (err)
		log_warn("leases: restoring the record of %s on %s from the store failed: %s", mac,
			 addr, err == -ENOENT ? "its reply template no longer serves that address" :
			 strerror(-err));
	else
		s->restored++;
	return 0;
}

int rb_leases_restore(struct rb_leases *l)
{
	struct restore_state s = { .l = l, .now_boot = rb_boottime_ns() };
	int err;

	/* The walk reads the committed store, and the deletes come after it. */
	rb_leases_batch_commit(l);
	s.now_real = rb_leases_realtime(s.now_boot);
	err = load_addrs(&s);
	if (err)
		return err;
	s.stale = calloc(RB_LEASES_BATCH_MAX, sizeof(*s.stale));
	if (!s.stale) {
		free(s.addrs);
		return -ENOMEM;
	}

	err = rb_store_foreach_lease(l->store, visit_restore, &s);
	if (err == -EBADMSG)
		log_warn("leases: the store has invalid lease records (logged above); they are "
			 "skipped");
	for (size_t i = 0; i < s.n_stale; i++)
		rb_leases_ended(l, s.stale[i]);
	if (s.restored)
		log_info("leases: %zu pool devices got their records back from the store",
			 s.restored);

	free(s.stale);
	free(s.addrs);
	return err == -EBADMSG ? 0 : err;
}
