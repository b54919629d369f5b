/* SPDX-License-Identifier: MIT */
/*
 * The userspace encoder: answer one DHCPv4 request from a device record
 * and its template with the same codec the XDP program runs, so that
 * both paths send the same bytes.
 */
#ifndef RB_DHCP4_ANSWER_H
#define RB_DHCP4_ANSWER_H

#include <stdbool.h>
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
	int relayed;		/* dst_ip is giaddr: send over UDP to the relay agent */
	int overload;		/* 1: options moved into file and sname (option 52) */
};

/* RB_OPT_SUBNET_SELECTION and RB_RELAY_LINK_SELECTION are in rackboot/dhcp4_wire.h. */

/*
 * Copy msg into work->in and parse it.  Returns RB_D4_OK or an enum
 * rb_dhcp4_parse_error.
 */
int rb_dhcp4_load(struct rb_dhcp4_work *work, const void *msg, size_t len);

/*
 * Build the reply to the request parsed into work for the device with
 * record dev (all zero for a device without one, which gets a NAK or
 * nothing).  mtu is the link's largest IP datagram.  Options that do not
 * fit the client's maximum move into the file and sname fields, as
 * rb_dhcp4_overload() does.  Returns 0 and fills ans (ans->reply_type 0
 * when the request needs no answer from this server), or -1 when the
 * reply cannot be built.
 */
int rb_dhcp4_answer(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
		    const struct rb_device *dev, uint32_t mtu, struct rb_dhcp4_answer *ans);

/*
 * Move the options of the reply of len bytes in out, built without a
 * size limit, into the options, file and sname fields, so that the reply
 * fits limit bytes.  Option 52 names the fields used (RFC 2131 section
 * 4.1, RFC 2132 section 9.3).  The file field is used only when it is
 * empty or the reply carries option 67.  Returns the new length, or -1
 * when the options do not fit even so, and out is then overwritten.
 */
int rb_dhcp4_overload(struct rb_dhcp4_buf *out, uint32_t len, uint32_t limit);

/*
 * Build the DHCPACK to the DHCPINFORM parsed into work (RFC 2131 section
 * 4.3.5): no yiaddr, no lease options 51, 58 and 59, no boot file, and
 * the other options of tmpl that option 55 asks for.  The reply goes to
 * ciaddr, or to giaddr for a relayed request.  Returns 0 and fills ans,
 * or -1 when the reply cannot be built or ciaddr is 0.
 */
int rb_dhcp4_answer_inform(struct rb_dhcp4_work *work, const struct rb_dhcp4_template *tmpl,
			   uint32_t mtu, struct rb_dhcp4_answer *ans);

/*
 * Return the address that selects the subnet of a relayed request,
 * network order: option 118 (RFC 3011), else the link selection
 * sub-option of option 82 (RFC 3527), else giaddr.
 * NOTE: option 118 wins when a request carries both, which is believed
 * to be what RFC 3527 asks for; that text was not checked here.
 */
uint32_t rb_dhcp4_link_address(const struct rb_dhcp4_work *work);

/*
 * Find sub-option code of the request's option 82.  Returns the offset
 * of its payload in work->in and sets *len, or returns 0 with *len 0
 * when the request has no such sub-option.
 */
uint32_t rb_dhcp4_relay_suboption(const struct rb_dhcp4_work *work, uint8_t code, uint32_t *len);

/*
 * Check that addr (network order) lies in the subnet of tmpl: its server
 * identifier under the mask of its option 1.  false when the template
 * has no option 1.
 */
bool rb_dhcp4_template_has_addr(const struct rb_dhcp4_template *tmpl, uint32_t addr);

/*
 * Return the destination of the reply to a relayed request (RFC 2131
 * section 4.1): giaddr, at the relay agent's server port.  A NAK gets
 * the broadcast bit in the built reply, so that the relay agent
 * broadcasts it on the client's link (RFC 2131 section 4.3.2).
 */
uint32_t rb_dhcp4_relay_destination(struct rb_dhcp4_work *work, uint32_t reply_type);

/*
 * Frame a built reply as Ethernet + IPv4 + UDP exactly as the XDP
 * program does.  Returns the frame length, or -1 when frame_size is too
 * small.
 */
int rb_dhcp4_frame(const struct rb_dhcp4_work *work, const struct rb_dhcp4_answer *ans,
		   const uint8_t src_mac[6], uint16_t server_port, uint16_t client_port,
		   uint8_t *frame, size_t frame_size);

#endif
