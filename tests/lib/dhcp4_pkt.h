/* SPDX-License-Identifier: MIT */
/*
 * Build DHCPv4 request frames (Ethernet, IPv4, UDP, BOOTP) for tests,
 * with the options given as raw bytes so that malformed ones can be
 * written as easily as valid ones.
 */
#ifndef RB_TEST_DHCP4_PKT_H
#define RB_TEST_DHCP4_PKT_H

#include <stddef.h>
#include <stdint.h>

struct test_dhcp4_req {
	uint8_t op;		/* 0 means BOOTREQUEST */
	uint8_t htype;		/* 0 means 1 (Ethernet) */
	uint8_t hlen;		/* 0 means 6 */
	uint32_t xid;
	uint16_t flags;		/* host order */
	uint32_t ciaddr;	/* network order */
	uint32_t giaddr;
	uint32_t ip_src;	/* network order, 0 = 0.0.0.0 */
	uint8_t mac[6];
	int no_cookie;		/* leave the magic cookie out */
	const uint8_t *opts;	/* raw option bytes after the cookie */
	size_t opts_len;
	size_t pad_to;		/* pad the DHCP message with zeros to this length */
};

/* Frame offsets of the DHCP message. */
#define TEST_DHCP4_OFF 42

/*
 * Write the frame into out; returns its length, or 0 when it does not
 * fit.  UDP length and checksums are set as a client would set them.
 */
size_t test_dhcp4_frame(const struct test_dhcp4_req *r, uint8_t *out, size_t size);

/*
 * Build a bare BOOTREQUEST (Ethernet htype, chaddr 52:..., magic cookie)
 * with opts after the cookie into m, zeroing size bytes first.  Returns
 * the message length: 240 + opts_len, or min_len when that is larger.
 */
size_t test_dhcp4_msg(uint8_t *m, size_t size, const uint8_t *opts, size_t opts_len,
		      size_t min_len);

/* Find option code in a reply frame; returns a pointer to its TLV or NULL. */
const uint8_t *test_dhcp4_find_option(const uint8_t *frame, size_t len, uint8_t code);

#endif
