// SPDX-License-Identifier: MIT
/*
 * The XDP pool queues on rackbootd's side: drain them at start, settle
 * what the store says was lent, keep them filled, and take the bind
 * events back.  The rules are in pool_lend.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "dhcp4/pool_lend.h"
#include "dhcp4/server_internal.h"

#define NS_PER_S	1000000000ull

/* Device records read when a hold-back ends, twice the size of rb_devices. */
#define WALK_MAX	(RB_MAX_DEVICES * 2)

/* A growing list of addresses. */
struct addr_list {
	uint32_t *addrs;
	size_t n;
	size_t cap;
};

static int list_add(struct addr_list *list, uint32_t addr)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 1024;
		uint32_t *grown = realloc(list->addrs, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->addrs = grown;
		list->cap = cap;
	}
	list->addrs[list->n++] = addr;
	return 0;
}

static int list_add_cb(uint32_t addr, void *arg)
{
	return list_add(arg, addr);
}

static const char *addr_text(uint32_t addr, char out[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &addr, out, INET_ADDRSTRLEN);
}

/* true when the pool of config subnet s is the one unknown devices get on its link. */
static bool serves_link(const struct rb_config *cfg, size_t s)
{
	size_t first;

	return s < RB_MAX_POOLS &&
	       rb_dhcp4_pool_of_interface(cfg, cfg->subnets[s].interface, &first) && first == s;
}

/*
 * Remove the lender's record of every address in addrs, in one batch
 * when no other batch is open, else one commit each.
 */
static void unlend_all(struct rb_dhcp4_lending *l, const uint32_t *addrs, size_t n)
{
	bool batch;

	if (!l->has_lender || n == 0)
		return;
	batch = l->lender.begin(l->lender.arg) == 0;
	for (size_t i = 0; i < n; i++) {
		int err = l->lender.unlend(l->lender.arg, addrs[i]);
		char text[INET_ADDRSTRLEN];

		if (err && err != -ENOENT)
			log_err("dhcpv4: removing lent pool address %s from the store failed: %s",
				addr_text(addrs[i], text), strerror(-err));
	}
	if (batch)
		l->lender.commit(l->lender.arg);
}

/* Record every address of addrs as lent, durably.  Returns 0 or a negative errno. */
static int lend_all(struct rb_dhcp4_lending *l, const uint32_t *addrs, size_t n)
{
	int err;

	if (!l->has_lender || n == 0)
		return 0;
	err = l->lender.begin(l->lender.arg);
	if (err == -EBUSY && l->lender.flush) {
		l->lender.flush(l->lender.flush_arg);
		err = l->lender.begin(l->lender.arg);
	}
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		err = l->lender.lend(l->lender.arg, addrs[i]);
		if (err) {
			l->lender.abort(l->lender.arg);
			return err;
		}
	}
	return l->lender.commit(l->lender.arg);
}

/*
 * Pop every address of the queue behind fd into out.  Returns 0 or a
 * negative errno.
 */
static int queue_drain(int fd, struct addr_list *out)
{
	for (size_t i = 0; i <= RB_POOL_QUEUE_MAX; i++) {
		uint32_t addr;
		int err;

		if (bpf_map_lookup_and_delete_elem(fd, NULL, &addr))
			return errno == ENOENT ? 0 : -errno;
		err = list_add(out, addr);
		if (err)
			return err;
	}
	return 0;
}

/* true when the map behind fd is a queue this version creates. */
static bool queue_shape_ok(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_MAP_TYPE_QUEUE &&
	       info.value_size == sizeof(__u32) && info.max_entries == RB_POOL_QUEUE_MAX;
}

/*
 * Drain the queue in slot into out.  A queue that a pool serving a link
 * will use again stays, with its fd in l->queue_fd; the others leave
 * the map.
 */
static int slot_drain(struct rb_dhcp4_server *srv, __u32 slot, struct addr_list *out)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	__u32 id;
	int fd, err;

	if (bpf_map_lookup_elem(l->queues_fd, &slot, &id))
		return 0;	/* empty slot */
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0) {
		err = -errno;
		log_err("dhcpv4: opening pool queue %u (map id %u) failed: %s", slot, id,
			strerror(-err));
		return err;
	}

	err = queue_drain(fd, out);
	if (err) {
		log_err("dhcpv4: draining pool queue %u failed: %s", slot, strerror(-err));
		close(fd);
		return err;
	}
	if (slot < srv->cfg.config->n_subnets && serves_link(srv->cfg.config, slot) &&
	    queue_shape_ok(fd)) {
		l->queue_fd[slot] = fd;
		return 0;
	}
	close(fd);
	if (bpf_map_delete_elem(l->queues_fd, &slot) && errno != ENOENT)
		log_warn("dhcpv4: removing unused pool queue %u failed: %s", slot, strerror(errno));
	return 0;
}

/*
 * Addresses drained from the queues are free: no device got them.  One
 * that a device record holds breaks the rule that a queue never holds a
 * bound address; the record keeps it.
 */
static void settle_drained(struct rb_dhcp4_server *srv, const struct addr_list *drained)
{
	char text[INET_ADDRSTRLEN];

	for (size_t i = 0; i < drained->n; i++) {
		if (rb_dhcp4_pool_is_held(&srv->pool, drained->addrs[i]))
			log_err("dhcpv4: pool address %s was in an XDP queue and in a device record "
				"at once; the record keeps it", addr_text(drained->addrs[i], text));
	}
	unlend_all(&srv->lending, drained->addrs, drained->n);
	if (drained->n)
		log_info("dhcpv4: took %zu lent pool addresses back from the XDP queues",
			 drained->n);
}

/* The maximum lease time of the pools plus the expiry grace, in seconds. */
static uint64_t hold_back_s(const struct rb_config *cfg)
{
	uint64_t longest = 0;

	for (size_t s = 0; s < cfg->n_subnets; s++) {
		if (cfg->subnets[s].n_pool_ranges && cfg->subnets[s].lease_time > longest)
			longest = cfg->subnets[s].lease_time;
	}
	return longest + RB_DHCP4_EXPIRE_GRACE_S;
}

/*
 * Settle what the lender still records as lent after the drain.  An
 * address in no pool loses its lent record.  One that a device record
 * holds (bound while rackbootd was away) keeps it until its lease is
 * written or the record expires.  Any other is held back.
 */
static int settle_lent(struct rb_dhcp4_server *srv, uint64_t now_ns)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	struct addr_list lent = { 0 }, gone = { 0 };
	size_t held_back = 0;
	int err = 0;

	if (!l->has_lender)
		return 0;
	err = l->lender.foreach_lent(l->lender.arg, list_add_cb, &lent);
	for (size_t i = 0; i < lent.n && !err; i++) {
		uint32_t addr = lent.addrs[i];

		if (!rb_dhcp4_pool_find(srv->cfg.config, addr, NULL)) {
			err = list_add(&gone, addr);
			continue;
		}
		if (rb_dhcp4_pool_is_held(&srv->pool, addr))
			continue;
		rb_dhcp4_pool_mark(&srv->pool, addr, RB_DHCP4_POOL_HELD_BACK, true);
		held_back++;
	}
	if (err) {
		log_err("dhcpv4: reading the lent pool addresses from the store failed: %s",
			strerror(-err));
	} else {
		unlend_all(l, gone.addrs, gone.n);
	}

	if (held_back) {
		l->hold_back_until_ns = now_ns + hold_back_s(srv->cfg.config) * NS_PER_S;
		log_warn("dhcpv4: %zu pool addresses lent to XDP before an unclean stop are in no "
			 "queue and no device record; they stay held for %llu s, in case devices "
			 "still use them", held_back,
			 (unsigned long long)hold_back_s(srv->cfg.config));
	}
	free(lent.addrs);
	free(gone.addrs);
	return err;
}

/* Create the queue of every pool that serves a link and has none. */
static int queues_create(struct rb_dhcp4_server *srv)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	const struct rb_config *cfg = srv->cfg.config;

	for (__u32 s = 0; s < cfg->n_subnets && s < RB_MAX_POOLS; s++) {
		int fd;

		if (l->queue_fd[s] >= 0 || !serves_link(cfg, s))
			continue;
		fd = bpf_map_create(BPF_MAP_TYPE_QUEUE, "rb_pool_queue", 0, sizeof(__u32),
				    RB_POOL_QUEUE_MAX, NULL);
		if (fd < 0 || bpf_map_update_elem(l->queues_fd, &s, &fd, BPF_ANY)) {
			int err = -errno;

			log_err("dhcpv4: creating the XDP queue of the pool of subnet \"%s\" failed: "
				"%s", cfg->subnets[s].name, strerror(-err));
			if (fd >= 0)
				close(fd);
			return err;
		}
		l->queue_fd[s] = fd;
	}
	return 0;
}

int rb_dhcp4_server_lend_start(struct rb_dhcp4_server *srv, uint64_t now_ns)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	struct addr_list drained = { 0 };
	int err = 0;

	for (int i = 0; i < RB_MAX_POOLS; i++)
		l->queue_fd[i] = -1;
	l->fds_valid = true;
	if (!l->enabled || !srv->cfg.config || !srv->pool_template)
		return 0;

	for (__u32 slot = 0; slot < RB_MAX_POOLS && !err; slot++)
		err = slot_drain(srv, slot, &drained);
	if (!err) {
		settle_drained(srv, &drained);
		err = settle_lent(srv, now_ns);
	}
	free(drained.addrs);
	err = err ?: queues_create(srv);
	if (err)
		return err;

	l->started = true;
	rb_dhcp4_server_pool_refill(srv, now_ns);
	return 0;
}

/*
 * Push addrs into the queue of subnet s.  Returns how many went in; the
 * rest stay held and lent, for the caller to give back.
 */
static size_t queue_push(struct rb_dhcp4_server *srv, size_t s, const uint32_t *addrs, size_t n)
{
	struct rb_dhcp4_lending *l = &srv->lending;

	for (size_t i = 0; i < n; i++) {
		if (bpf_map_update_elem(l->queue_fd[s], NULL, &addrs[i], BPF_ANY)) {
			log_err("dhcpv4: pushing into the XDP queue of the pool of subnet \"%s\" "
				"failed: %s", srv->cfg.config->subnets[s].name, strerror(errno));
			return i;
		}
		rb_dhcp4_pool_mark(&srv->pool, addrs[i], RB_DHCP4_POOL_LENT, true);
		l->lent[s]++;
	}
	return n;
}

/* Lend free addresses of the pool of subnet s until its queue is full. */
static void refill_one(struct rb_dhcp4_server *srv, size_t s, uint64_t now_ns, uint32_t *buf)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	size_t n, pushed;
	int err;

	if (l->lent[s] >= RB_POOL_QUEUE_MAX)
		return;
	n = rb_dhcp4_pool_alloc_many(&srv->pool, s, now_ns, buf, RB_POOL_QUEUE_MAX - l->lent[s]);
	if (n == 0)
		return;

	err = lend_all(l, buf, n);
	if (err) {
		/* -EBUSY: the journal's batch is open; the next tick tries again. */
		if (err != -EBUSY)
			log_err("dhcpv4: recording %zu pool addresses of subnet \"%s\" as lent "
				"failed: %s; they stay out of the XDP queue", n,
				srv->cfg.config->subnets[s].name, strerror(-err));
		for (size_t i = 0; i < n; i++)
			rb_dhcp4_pool_release(&srv->pool, buf[i]);
		return;
	}

	pushed = queue_push(srv, s, buf, n);
	unlend_all(l, buf + pushed, n - pushed);
	for (size_t i = pushed; i < n; i++)
		rb_dhcp4_pool_release(&srv->pool, buf[i]);
}

/*
 * Free the held-back addresses that no device record holds by now.  A
 * record found for one (its bind event was lost) keeps it.
 */
static void hold_back_end(struct rb_dhcp4_server *srv)
{
	struct rb_mac_key key, *prev = NULL;
	struct addr_list ended = { 0 }, kept = { 0 };
	int fd = srv->cfg.devices_fd;

	for (int guard = 0; guard < WALK_MAX; guard++) {
		struct rb_device rec;

		if (bpf_map_get_next_key(fd, prev, &key))
			break;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rec) == 0 &&
		    rb_dhcp4_pool_marked(&srv->pool, rec.ipv4, RB_DHCP4_POOL_HELD_BACK) &&
		    list_add(&kept, rec.ipv4))
			break;
	}
	rb_dhcp4_server_lend_held(srv, kept.addrs, kept.n);

	if (rb_dhcp4_pool_foreach_marked(&srv->pool, RB_DHCP4_POOL_HELD_BACK, list_add_cb, &ended))
		log_err("dhcpv4: listing held-back pool addresses failed: out of memory");
	unlend_all(&srv->lending, ended.addrs, ended.n);
	for (size_t i = 0; i < ended.n; i++)
		rb_dhcp4_pool_release(&srv->pool, ended.addrs[i]);
	log_info("dhcpv4: hold-back ended: %zu pool addresses are free again, %zu turned out "
		 "to be in use", ended.n, kept.n);
	free(ended.addrs);
	free(kept.addrs);
	srv->lending.hold_back_until_ns = 0;
}

void rb_dhcp4_server_pool_refill(struct rb_dhcp4_server *srv, uint64_t now_ns)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	uint32_t *buf;

	if (!l->started)
		return;
	if (l->hold_back_until_ns && now_ns >= l->hold_back_until_ns)
		hold_back_end(srv);

	buf = malloc(RB_POOL_QUEUE_MAX * sizeof(*buf));
	if (!buf) {
		log_err("dhcpv4: refilling the XDP pool queues failed: out of memory");
		return;
	}
	for (size_t s = 0; s < RB_MAX_POOLS; s++) {
		if (l->queue_fd[s] >= 0)
			refill_one(srv, s, now_ns, buf);
	}
	free(buf);
}

/* Clear the lent and held-back marks of addr; returns whether it had one. */
static bool marks_clear(struct rb_dhcp4_server *srv, uint32_t addr)
{
	struct rb_dhcp4_lending *l = &srv->lending;
	bool lent, held_back;
	size_t s;

	if (!l->started)
		return false;
	lent = rb_dhcp4_pool_mark(&srv->pool, addr, RB_DHCP4_POOL_LENT, false);
	held_back = rb_dhcp4_pool_mark(&srv->pool, addr, RB_DHCP4_POOL_HELD_BACK, false);
	if (lent && rb_dhcp4_pool_find(srv->cfg.config, addr, &s) && s < RB_MAX_POOLS &&
	    l->lent[s] > 0)
		l->lent[s]--;
	return lent || held_back;
}

bool rb_dhcp4_server_lend_forget(struct rb_dhcp4_server *srv, uint32_t addr)
{
	bool marked = marks_clear(srv, addr);

	/* A bound address has no mark any more but may still be lent in the store. */
	if (srv->lending.started)
		unlend_all(&srv->lending, &addr, 1);
	return marked;
}

void rb_dhcp4_server_lend_held(struct rb_dhcp4_server *srv, const uint32_t *addrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		marks_clear(srv, addrs[i]);
}

int rb_dhcp4_server_lend_record(struct rb_dhcp4_server *srv, uint32_t addr)
{
	if (!srv->lending.started)
		return 0;
	return lend_all(&srv->lending, &addr, 1);
}

int rb_dhcp4_server_lend_take(struct rb_dhcp4_server *srv, size_t subnet, uint32_t *addr)
{
	struct rb_dhcp4_lending *l = &srv->lending;

	if (!l->started || subnet >= RB_MAX_POOLS || l->queue_fd[subnet] < 0)
		return -ENOENT;
	if (bpf_map_lookup_and_delete_elem(l->queue_fd[subnet], NULL, addr))
		return -ENOSPC;

	/*
	 * It stays held: the caller's record takes it over.  The store keeps
	 * it lent until its lease is written.
	 */
	marks_clear(srv, *addr);
	return 0;
}

void rb_dhcp4_server_pool_bound(struct rb_dhcp4_server *srv, const struct rb_event *ev)
{
	if (ev->type != RB_EV_DHCP4_BIND)
		return;
	/*
	 * Without a mark the address was given back already (the record
	 * expired or was released before this event came), or the start
	 * settled it from the device records.  The store keeps the address
	 * lent until the lease is written, so that a power loss before the
	 * ACK's commit still holds it back.
	 */
	marks_clear(srv, ev->ipv4);
}

void rb_dhcp4_server_set_lending(struct rb_dhcp4_server *srv, int queues_fd,
				 const struct rb_dhcp4_lender *lender)
{
	struct rb_dhcp4_lending *l = &srv->lending;

	l->enabled = queues_fd >= 0;
	l->queues_fd = queues_fd;
	l->has_lender = lender != NULL;
	if (lender)
		l->lender = *lender;
}

void rb_dhcp4_server_lend_free(struct rb_dhcp4_server *srv)
{
	struct rb_dhcp4_lending *l = &srv->lending;

	if (!l->fds_valid)
		return;
	for (int i = 0; i < RB_MAX_POOLS; i++) {
		if (l->queue_fd[i] >= 0)
			close(l->queue_fd[i]);
		l->queue_fd[i] = -1;
	}
	l->started = false;
	l->fds_valid = false;
}
