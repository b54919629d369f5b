// SPDX-License-Identifier: MIT
/*
 * The load sequence: check interfaces, prepare and lock the pin folder,
 * and remove programs that a killed rackbootd of this folder left
 * attached.  Then open the skeleton, set rodata, reuse pinned maps,
 * attach through libxdp (which loads the object), pin new maps, open the
 * userspace counters and fill the maps.
 * Every failure goes through rb_xdp_stop(), the one rollback path.
 *
 * libxdp 1.3.1 loads the object itself inside the first
 * xdp_program__attach(), because behind its dispatcher the program runs as
 * a BPF_PROG_TYPE_EXT replacement of a dispatcher slot.  So the loader
 * does not call dhcp4_bpf__load(), and the maps exist only after the
 * first attach: pinning and filling come after attaching.  Later attaches
 * reuse the loaded program.
 *
 * NOTE: only libxdp's fallback (the program attached alone) has run here,
 * because the development kernel rejected every BPF_PROG_TYPE_EXT load
 * with EPERM.  The dispatcher path, and one program behind the
 * dispatchers of several interfaces, are untested.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xdp/libxdp.h>

#include "common/log.h"
#include "dhcp4.skel.h"
#include "rackboot/tftp_maps.h"
#include "xdp/dhcp6_fill.h"
#include "xdp/loader_internal.h"

struct rb_xdp {
	struct dhcp4_bpf *skel;
	struct xdp_program *prog;
	struct rb_xdp_iface *ifaces;
	size_t n_ifaces;
	struct rb_xdp_maps maps;
	int devices6;			/* rb_devices6, filled by dhcp6_fill.c */
	struct rb_xdp_summary summary;
	int lock_fd;			/* flock on the pin folder */
};

/* A map of the skeleton that is pinned, and where its fd goes. */
struct pinned_map {
	const char *name;
	struct bpf_map *map;
	int *fd;
	bool reused;
};

#define N_PINNED 10

static void pinned_maps(struct rb_xdp *x, struct pinned_map out[N_PINNED])
{
	out[0] = (struct pinned_map){ .name = RB_PIN_DEVICES, .map = x->skel->maps.rb_devices,
				      .fd = &x->maps.devices };
	out[1] = (struct pinned_map){ .name = RB_PIN_TEMPLATES,
				      .map = x->skel->maps.rb_dhcp4_templates,
				      .fd = &x->maps.templates };
	out[2] = (struct pinned_map){ .name = RB_PIN_IFACES, .map = x->skel->maps.rb_ifaces,
				      .fd = &x->maps.ifaces };
	out[3] = (struct pinned_map){ .name = RB_PIN_XDP_COUNTERS,
				      .map = x->skel->maps.rb_xdp_counters,
				      .fd = &x->maps.xdp_counters };
	out[4] = (struct pinned_map){ .name = RB_PIN_EVENTS, .map = x->skel->maps.rb_events,
				      .fd = &x->maps.events };
	out[5] = (struct pinned_map){ .name = RB_PIN_POOL_QUEUES,
				      .map = x->skel->maps.rb_pool_queues,
				      .fd = &x->maps.pool_queues };
	out[6] = (struct pinned_map){ .name = RB_PIN_RELAY_RESERVATIONS,
				      .map = x->skel->maps.rb_relay_reservations,
				      .fd = &x->maps.relay_reservations };
	out[7] = (struct pinned_map){ .name = RB_PIN_RELAY_POOLS,
				      .map = x->skel->maps.rb_relay_pools,
				      .fd = &x->maps.relay_pools };
	out[8] = (struct pinned_map){ .name = RB_PIN_DEVICES6, .map = x->skel->maps.rb_devices6,
				      .fd = &x->devices6 };
	out[9] = (struct pinned_map){ .name = RB_PIN_TFTP_XFERS, .map = x->skel->maps.rb_tftp_xfers,
				      .fd = &x->maps.tftp_xfers };
}

static int attach_all(struct rb_xdp *x)
{
	for (size_t i = 0; i < x->n_ifaces; i++) {
		int err = rb_xdp_attach(x->prog, &x->ifaces[i]);

		if (err)
			return err;
		x->summary.interfaces++;
	}
	return 0;
}

static uint32_t min_mtu(const struct rb_xdp *x)
{
	uint32_t mtu = UINT32_MAX;

	for (size_t i = 0; i < x->n_ifaces; i++) {
		if (x->ifaces[i].mtu < mtu)
			mtu = x->ifaces[i].mtu;
	}
	return x->n_ifaces ? mtu : 0;
}

static void detach_all(struct rb_xdp *x)
{
	for (size_t i = 0; i < x->n_ifaces; i++)
		rb_xdp_detach(x->prog, &x->ifaces[i]);
}

/*
 * Size the TFTP block store from tftp/xdp-block-store.  Its file table
 * and slots are not pinned: a restart loads the files again, because
 * the transfers that used them ended with their sockets.
 */
static int tftp_size_store(struct rb_xdp *x, const struct rb_config *cfg)
{
	uint64_t slots = ((uint64_t)cfg->tftp_block_store_mib << 20) / RB_TFTP_SLOT_SIZE;
	int err;

	x->maps.tftp_slots = (uint32_t)slots;
	/* An array needs one entry; with 0 MiB nothing is handed to XDP. */
	err = bpf_map__set_max_entries(x->skel->maps.rb_tftp_blocks, slots ? (uint32_t)slots : 1);
	if (err)
		log_err("sizing the TFTP block store to %llu slots (tftp/xdp-block-store %u MiB) "
			"failed: %s", (unsigned long long)slots, cfg->tftp_block_store_mib,
			strerror(-err));
	return err;
}

static int open_program(struct rb_xdp *x, const struct rb_config *cfg)
{
	int err;

	x->skel = dhcp4_bpf__open();
	if (!x->skel) {
		err = -errno;
		log_err("opening the DHCPv4 XDP object failed: %s", strerror(-err));
		return err;
	}

	/* Clients listen one port above the server: 68 for the standard 67. */
	x->skel->rodata->dhcp4_server_port = cfg->dhcp4_server_port;
	x->skel->rodata->dhcp4_client_port = (uint16_t)(cfg->dhcp4_server_port + 1);
	/* Relay agents listen on the server port (RFC 2131 section 4.1), as the slow path assumes. */
	x->skel->rodata->dhcp4_relay_port = cfg->dhcp4_server_port;
	/* DHCPv6 clients listen one port below the server: 546 for the standard 547. */
	x->skel->rodata->dhcp6_server_port = cfg->dhcp6_server_port;
	x->skel->rodata->dhcp6_client_port = (uint16_t)(cfg->dhcp6_server_port - 1);
	/* Without a dns container the DNS fast path is off. */
	x->skel->rodata->dns_port = cfg->dns.enabled ? cfg->dns.port : 0;
	return tftp_size_store(x, cfg);
}

static int reuse_pins(struct rb_xdp *x, const char *pin_dir, struct pinned_map maps[N_PINNED])
{
	for (int i = 0; i < N_PINNED; i++) {
		int err = rb_pin_reuse(maps[i].map, pin_dir, maps[i].name, &maps[i].reused);

		if (err)
			return err;
		x->summary.maps_reused += maps[i].reused;
	}
	return 0;
}

static int create_program(struct rb_xdp *x)
{
	int err;

	x->prog = xdp_program__from_bpf_obj(x->skel->obj, "xdp");
	err = (int)libxdp_get_error(x->prog);
	if (err) {
		x->prog = NULL;
		log_err("creating the libxdp program from the DHCPv4 XDP object failed: %s",
			strerror(-err));
	}
	return err;
}

/* Pin the maps that were created by this load, and take every map's fd. */
static int pin_new(struct rb_xdp *x, const char *pin_dir, struct pinned_map maps[N_PINNED])
{
	for (int i = 0; i < N_PINNED; i++) {
		if (!maps[i].reused) {
			int err = rb_pin_map(maps[i].map, pin_dir, maps[i].name);

			if (err)
				return err;
		}
		*maps[i].fd = bpf_map__fd(maps[i].map);
	}
	return 0;
}

static int xdp_new(const struct rb_config *cfg, struct rb_xdp **out)
{
	struct rb_xdp *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->ifaces = calloc(cfg->n_ifaces ? cfg->n_ifaces : 1, sizeof(*x->ifaces));
	if (!x->ifaces) {
		free(x);
		return -ENOMEM;
	}
	x->n_ifaces = cfg->n_ifaces;
	x->lock_fd = -1;
	x->maps = (struct rb_xdp_maps){ .devices = -1, .templates = -1, .ifaces = -1,
					.xdp_counters = -1, .events = -1, .pool_queues = -1,
					.relay_reservations = -1, .relay_pools = -1,
					.us_counters = -1, .ra_templates = -1, .tftp_xfers = -1,
					.tftp_files = -1, .tftp_blocks = -1, .dns_answers = -1 };
	*out = x;
	return 0;
}

int rb_xdp_start(const struct rb_config *cfg, struct rb_xdp **out)
{
	struct pinned_map maps[N_PINNED];
	struct rb_xdp *x;
	bool us_reused;
	int err;

	rb_xdp_route_library_logs();
	err = xdp_new(cfg, &x);
	if (err)
		return err;

	err = rb_xdp_ifaces_check(cfg, x->ifaces);
	if (err)
		goto fail;

	x->lock_fd = rb_bpffs_prepare(cfg->bpffs_pin_path);
	if (x->lock_fd < 0) {
		err = x->lock_fd;
		goto fail;
	}

	/* Before reuse_pins(), which may replace the pinned maps a leftover uses. */
	err = rb_xdp_remove_leftovers(x->ifaces, x->n_ifaces, cfg->bpffs_pin_path);
	if (err)
		goto fail;

	err = open_program(x, cfg);
	if (err)
		goto fail;
	pinned_maps(x, maps);
	err = reuse_pins(x, cfg->bpffs_pin_path, maps);
	if (err)
		goto fail;

	err = create_program(x);
	if (err)
		goto fail;
	err = attach_all(x);
	if (err)
		goto fail;

	err = pin_new(x, cfg->bpffs_pin_path, maps);
	if (err)
		goto fail;
	x->maps.ra_templates = bpf_map__fd(x->skel->maps.rb_ra_templates);
	x->maps.tftp_files = bpf_map__fd(x->skel->maps.rb_tftp_files);
	x->maps.tftp_blocks = bpf_map__fd(x->skel->maps.rb_tftp_blocks);
	x->maps.dns_answers = bpf_map__fd(x->skel->maps.rb_dns_answers);
	x->maps.min_mtu = min_mtu(x);
	err = rb_us_counters_open(cfg->bpffs_pin_path, &x->maps.us_counters, &x->maps.us,
				  &us_reused);
	if (err)
		goto fail;
	x->summary.maps_reused += us_reused;

	err = rb_xdp_maps_fill(cfg, &x->maps, x->ifaces, x->n_ifaces, &x->summary);
	if (err)
		goto fail;
	err = rb_xdp_dhcp6_start(cfg, x->skel, x->ifaces, x->n_ifaces);
	if (err)
		goto fail;

	*out = x;
	return 0;

fail:
	rb_xdp_stop(x);
	return err;
}

/* The interfaces of cfg must be those the program is attached to, in the same order. */
static int ifaces_same(const struct rb_xdp *x, const struct rb_xdp_iface *ifaces, size_t n)
{
	if (n != x->n_ifaces)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (ifaces[i].ifindex != x->ifaces[i].ifindex) {
			log_err("interface %s has ifindex %d now, but the XDP program is attached to "
				"ifindex %d; restart rackbootd to attach to the new link",
				ifaces[i].name, ifaces[i].ifindex, x->ifaces[i].ifindex);
			return -ENODEV;
		}
	}
	return 0;
}

int rb_xdp_reload(struct rb_xdp *x, const struct rb_config *cfg, struct rb_xdp_summary *summary)
{
	struct rb_xdp_iface *ifaces;
	int err;

	memset(summary, 0, sizeof(*summary));
	ifaces = calloc(cfg->n_ifaces ? cfg->n_ifaces : 1, sizeof(*ifaces));
	if (!ifaces)
		return -ENOMEM;
	/* Subnets may have moved to other links, so each link's dhcp4 flag is found again. */
	err = rb_xdp_ifaces_check(cfg, ifaces);
	if (!err)
		err = ifaces_same(x, ifaces, cfg->n_ifaces);
	if (err) {
		free(ifaces);
		return err;
	}
	for (size_t i = 0; i < x->n_ifaces; i++)
		ifaces[i].attached = x->ifaces[i].attached;

	err = rb_xdp_maps_fill(cfg, &x->maps, ifaces, x->n_ifaces, summary);
	if (!err)
		err = rb_xdp_dhcp6_start(cfg, x->skel, ifaces, x->n_ifaces);
	summary->interfaces = x->summary.interfaces;
	free(x->ifaces);
	x->ifaces = ifaces;
	return err;
}

const struct rb_xdp_maps *rb_xdp_maps(const struct rb_xdp *xdp)
{
	return &xdp->maps;
}

const struct rb_xdp_summary *rb_xdp_summary(const struct rb_xdp *xdp)
{
	return &xdp->summary;
}

void rb_xdp_stop(struct rb_xdp *x)
{
	if (!x)
		return;

	if (x->prog) {
		detach_all(x);
		xdp_program__close(x->prog);
	}
	/* The map fds belong to the skeleton's object, closed with it. */
	dhcp4_bpf__destroy(x->skel);
	rb_us_counters_close(x->maps.us_counters, x->maps.us);
	if (x->lock_fd >= 0)
		close(x->lock_fd);
	free(x->ifaces);
	free(x);
}
