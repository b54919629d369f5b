// SPDX-License-Identifier: MIT
/*
 * The consumer of the rb_events ring buffer, through libbpf's
 * ring_buffer API.  XDP writes without waking anyone, so rackbootd drains
 * the ring on a 20 ms io_uring timeout and on its 1 s tick.  libbpf moves the consumer
 * position past each event as soon as the callback returns, before the
 * batch with its write is committed.  So a SIGKILL loses the events of
 * the open batch from the ring, and the reconcile at start writes their
 * DHCPv4 leases from rb_devices.  NOTE: DHCPv6 leases lost that way stay
 * out of the store until the client's next Renew reaches XDP, because
 * rb_devices6 keeps no IAID to reconcile from.
 *
 * Records differ in size by kind: a DHCPv4 record is a struct rb_event,
 * a DHCPv6 lease a struct rb_event6, a finished XDP TFTP transfer a
 * struct rb_tftp_event, and each starts with the __u16 type that
 * selects the struct.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "leases/leases_internal.h"
#include "xdp/device_state.h"

static struct rb_log_repeat repeat_bad_event =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "leases: invalid rb_events record ignored");

/* Check that a record of type has the size of its struct; log it when not. */
static bool size_fits(uint16_t type, size_t size, size_t expected)
{
	if (size >= expected)
		return true;
	rb_log_repeat(&repeat_bad_event, "leases: rb_events record of type %u and %zu bytes "
		      "ignored: expected %zu; is the loaded XDP program from another rackboot "
		      "release?", type, size, expected);
	return false;
}

static void on_event4(struct rb_leases *l, const void *data)
{
	struct rb_event ev;

	memcpy(&ev, data, sizeof(ev));
	if (ev.type == RB_EV_DHCP4_LEASE) {
		rb_leases_write(l, ev.mac, ev.ipv4, ev.template_id, ev.ns, ev.lease_time,
				RB_LEASE_XDP);
		return;
	}
	/* A BIND: the lease itself comes with the ACK; the handler takes the address off loan. */
	if (l->on_bind && rb_leases_batch_write(l) == 0)
		l->on_bind(l->on_bind_arg, &ev);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct rb_leases *l = ctx;
	struct rb_event6 ev6;
	struct rb_tftp_event tftp;
	uint16_t type;

	if (size < sizeof(type)) {
		rb_log_repeat(&repeat_bad_event, "leases: rb_events record of %zu bytes ignored: "
			      "too short for a type", size);
		return 0;
	}
	memcpy(&type, data, sizeof(type));

	switch (type) {
	case RB_EV_DHCP4_LEASE:
	case RB_EV_DHCP4_BIND:
		if (!size_fits(type, size, sizeof(struct rb_event)))
			break;
		l->events_seen++;
		on_event4(l, data);
		break;
	case RB_EV_DHCP6_LEASE:
		if (!size_fits(type, size, sizeof(ev6)))
			break;
		l->events_seen++;
		memcpy(&ev6, data, sizeof(ev6));
		rb_leases_write6(l, &ev6);
		break;
	case RB_EV_TFTP_DONE:
		/* Not the store's: the TFTP server ends the transfer. */
		if (!size_fits(type, size, sizeof(tftp)))
			break;
		memcpy(&tftp, data, sizeof(tftp));
		if (l->on_tftp_done)
			l->on_tftp_done(l->on_tftp_done_arg, &tftp);
		break;
	default:
		rb_log_repeat(&repeat_bad_event, "leases: rb_events record of unknown type %u "
			      "ignored", type);
		break;
	}
	/* Never negative: libbpf would stop the drain with the event consumed. */
	return 0;
}

int rb_leases_ring_open(struct rb_leases *l)
{
	l->events = ring_buffer__new(l->maps.events, on_event, l, NULL);
	if (!l->events) {
		int err = -errno;

		log_err("leases: opening the %s ring buffer (fd %d) failed: %s", RB_PIN_EVENTS,
			l->maps.events, strerror(-err));
		return err;
	}
	return 0;
}

int rb_leases_ring_drain(struct rb_leases *l)
{
	int n;

	if (!l->events)
		return 0;
	n = ring_buffer__consume(l->events);
	if (n < 0) {
		log_err("leases: reading the %s ring buffer failed: %s", RB_PIN_EVENTS,
			strerror(-n));
		return n;
	}
	return 0;
}
