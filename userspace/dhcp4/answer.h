/* SPDX-License-Identifier: MIT */
/*
 * The userspace encoder: answer one DHCPv4 request from a device record
 * and its template with the same codec the XDP program runs, so that
 * both paths send the same bytes.
 */
#ifndef RB_DHCP4_ANSWER_H
#define RB_DHCP4_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "rackboot/dhcp4_wire.h"

/* Outcome of rb_dhcp4_answer(). */
struct rb_dhcp4_answer {
	int reply_type;		/* RB_DHCPOFFER/ACK/NAK, or 0: send nothing */
	uint32_t len;		/* reply length in work->out */
	uint32_t dst_ip;	/* IPv4 destination, network order */
	int broadcast;		/* Ethernet destination ff:ff:ff:ff:ff:ff */
	uint32_t src_ip;	/* server identifier, network order */
};

/*
 * Copy msg into work->in and parse it.  Returns RB_D4_OK or an enum
 * rb_dhcp4_parse_error.
 */
int rb_dhcp4_load(struct rb_dhcp4_work *work, const void *msg, size_t len);

/*
 * Build the reply to the request parsed into work for a known device.
 * mtu is the link's largest IP datagram.  Returns 0 and fills ans
 * (ans->reply_type 0 when the request needs no answer from this server),
 * or -1 when the reply cannot be built.
 */
int rb_dhcp4_answer(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
		    const struct rb_device *dev, uint32_t mtu, struct rb_dhcp4_answer *ans);

/*
 * Frame a built reply as Ethernet + IPv4 + UDP exactly as the XDP
 * program does.  Returns the frame length, or -1 when frame_size is too
 * small.
 */
int rb_dhcp4_frame(const struct rb_dhcp4_work *work, const struct rb_dhcp4_answer *ans,
		   const uint8_t src_mac[6], uint16_t server_port, uint16_t client_port,
		   uint8_t *frame, size_t frame_size);

#endif
