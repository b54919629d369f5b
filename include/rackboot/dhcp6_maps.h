/* SPDX-License-Identifier: MIT */
/*
 * Map keys and values of the DHCPv6 fast path, shared by the XDP program
 * and rackbootd.  The same layout rules as rackboot/maps.h apply: only
 * fixed-width fields and explicit zero padding, checked by the
 * _Static_assert lines at the end.
 */
#ifndef RACKBOOT_DHCP6_MAPS_H
#define RACKBOOT_DHCP6_MAPS_H

#include <linux/types.h>

#include "rackboot/maps.h"

/* Maximum DUID length: 2 bytes of type and at most 128 of data (RFC 8415 section 11.1). */
#define RB_DUID_MAX		130
/* Shortest DUID accepted: the type and one byte of data. */
#define RB_DUID_MIN		3

#define RB_MAX_DEVICES6		RB_MAX_DEVICES
#define RB_DHCP6_TMPL_OPTS_LEN	1024	/* pre-encoded option TLVs of one template */
#define RB_DHCP6_BOOT_TLV_MAX	512	/* options 59 and 60 of one boot file rule */

/* Names under the pin folder (config: bpffs-pin-path). */
#define RB_PIN_DEVICES6		"rb_devices6"
#define RB_PIN_DHCP6_TEMPLATES	"rb_dhcp6_templates"
#define RB_PIN_IFACES6		"rb_ifaces6"

/*
 * Key of rb_devices6: a client DUID (option 1 payload) as on the wire.
 * The bytes after len are zero, so two keys of one DUID are equal.
 */
struct rb_duid_key {
	__u8 len;			/* RB_DUID_MIN..RB_DUID_MAX */
	__u8 duid[RB_DUID_MAX];
	__u8 pad;			/* zero */
};

/* rb_device6.flags. */
/*
 * The record is keyed by the DUID-LL of mac because the device has no
 * configured DUID.  Only such a record is found by the MAC in a
 * client's DUID-LLT, so a device with a configured DUID is found by
 * that DUID alone, as in the userspace slow path.
 */
#define RB_D6_DEV_F_MAC_KEY	0x01

/*
 * Value of rb_devices6: one inventory device with a DHCPv6 address,
 * written by rackbootd from the config.  XDP updates xdp_replies,
 * lease_ns and the journal fields, and the phase and counters of the
 * device's DHCPv4 record in
 * rb_devices (found by mac) when has_mac is set.  XDP replies to the
 * device only on the link of ifindex, because the slow path, too, serves a
 * device only from the subnet6 of the link its request arrived on.
 */
struct rb_device6 {
	__u8 addr[16];			/* reserved address for IA_NA */
	__u32 template_id;		/* index into rb_dhcp6_templates */
	__u32 preferred_lifetime;	/* seconds, host order, IA Address option */
	__u32 valid_lifetime;		/* seconds, host order */
	__u32 t1;			/* seconds, host order, IA_NA T1 */
	__u32 t2;			/* seconds, host order, IA_NA T2 */
	__u8 mac[6];			/* key of the device's rb_devices record */
	__u8 has_mac;			/* 1 when mac names an rb_devices record */
	__u8 pad;			/* zero */
	__u32 flags;			/* RB_D6_DEV_F_* */
	__u32 ifindex;			/* link of the device's subnet6, 0 = relayed only */
	__u32 pad2;			/* zero */
	__u64 xdp_replies;		/* Advertises and Replies sent by XDP */
	__u64 lease_ns;			/* CLOCK_BOOTTIME of the last XDP Reply, 0 = none */
	__u64 journal_ns;		/* lease_ns of the last Reply put in rb_events, 0 = none */
	__u8 journal_iaid[4];		/* IAID of that Reply, as on the wire */
	__u8 journal_duid_len;		/* client DUID length of that Reply */
	__u8 journal_pad[3];		/* zero */
	__u8 journal_duid_head[8];	/* first 8 bytes of that DUID, zero padded */
};

/*
 * The rb_events record of RB_EV_DHCP6_LEASE: XDP sent a Reply that binds
 * addr to (duid, iaid).  rb_event has no room for a DUID and an IPv6
 * address, so DHCPv6 leases get this record of their own, and the
 * consumer distinguishes the two by the leading type.  It carries the
 * IAID, which rb_devices6 does not record, so the store's key
 * (DUID, IAID) comes from the event alone.
 */
struct rb_event6 {
	__u16 type;			/* RB_EV_DHCP6_LEASE */
	__u8 duid_len;			/* RB_DUID_MIN..RB_DUID_MAX */
	__u8 has_mac;			/* 1 when mac is the device's inventory MAC */
	__u8 iaid[4];			/* IAID of the bound IA_NA, as on the wire */
	__u8 addr[16];			/* the bound address */
	__u8 mac[6];			/* rb_device6.mac */
	__u8 pad[2];			/* zero */
	__u32 template_id;		/* rb_device6.template_id */
	__u32 preferred_lifetime;	/* seconds, host order, as sent */
	__u32 valid_lifetime;		/* seconds, host order, as sent */
	__u32 pad2;			/* zero */
	__u64 ns;			/* CLOCK_BOOTTIME when the Reply was sent */
	__u8 duid[RB_DUID_MAX];		/* client DUID, zero after duid_len */
	__u8 pad3[6];			/* zero */
};

/* Value of rb_ifaces6, keyed by ifindex (__u32): the link's reply source. */
struct rb_iface6 {
	__u8 link_local[16];		/* IPv6 source address of replies (fe80::/10) */
	__u8 mac[6];			/* Ethernet source address of replies */
	__u16 mtu;			/* largest IPv6 packet the link carries */
	__u32 enabled;			/* 1 when DHCPv6 is served on this link */
	__u32 pad;			/* zero */
};

/*
 * Slots of the pre-encoded options in a template, in the order a reply
 * carries them.  The bit (1 << slot) in rb_dhcp6_request.oro_bits is
 * set when the client's Option Request option names the slot's code.
 */
enum rb_dhcp6_slot {
	RB_D6_SLOT_DNS = 0,		/* option 23, DNS Recursive Name Server (RFC 3646) */
	RB_D6_SLOT_DOMAINS,		/* option 24, Domain Search List */
	RB_D6_SLOT_SNTP,		/* option 31, SNTP servers (RFC 4075) */
	RB_D6_SLOT_NTP,			/* option 56, NTP server (RFC 5908) */
	RB_D6_SLOT_VENDOR_OPTS,		/* option 17, enterprise 4491 (CableLabs) */
	RB_D6_SLOT_SZTP,		/* option 136, SZTP redirect (RFC 8572) */
	RB_D6_SLOT_SOL_MAX_RT,		/* option 82 (RFC 8415 section 21.24) */
	RB_D6_SLOT_INF_MAX_RT,		/* option 83 (RFC 8415 section 21.25) */
	RB_D6_SLOT_COUNT,
};

/* Further oro_bits, for the boot file options that bootfiles[] contains. */
#define RB_D6_ORO_BOOTFILE_URL		(1U << RB_D6_SLOT_COUNT)	/* option 59 */
#define RB_D6_ORO_BOOTFILE_PARAM	(1U << (RB_D6_SLOT_COUNT + 1))	/* option 60 */

/*
 * One DHCPv6 boot file rule (RFC 5970).  The first entry of a template
 * that matches the request wins, so template6.c orders them: iPXE
 * entries, then entries for one architecture, then the default.
 */
struct rb_bootfile6 {
	__u16 arch;			/* option 61 value, host order; RB_ARCH_ANY matches all */
	__u8 ipxe;			/* 1: only for requests with user class "iPXE" */
	__u8 pad;			/* zero */
	__u16 url_tlv_len;		/* bytes of the option 59 TLV at the start of tlv */
	__u16 param_tlv_len;		/* bytes of the option 60 TLV after it, 0 = none */
	__u8 tlv[RB_DHCP6_BOOT_TLV_MAX];
};

/* rb_dhcp6_template.flags. */
#define RB_D6_TMPL_F_RAPID_COMMIT	0x01	/* the subnet replies to a rapid-commit Solicit */

/*
 * Value of rb_dhcp6_templates: what one (subnet6, boot profile) pair
 * puts in every Advertise and Reply.  opts contains complete option TLVs
 * (2-byte code, 2-byte length, payload); slot_off[slot] is the offset
 * of a slot's TLV in opts plus one, or 0 when the subnet has none.
 */
struct rb_dhcp6_template {
	__u8 server_duid_len;		/* bytes of the DUID in server_id */
	__u8 flags;			/* RB_D6_TMPL_F_* */
	__u16 opts_len;			/* bytes used in opts */
	__u8 n_bootfiles;		/* entries used in bootfiles */
	__u8 pad[3];			/* zero */
	__u16 slot_off[RB_D6_SLOT_COUNT];
	/* Option 2 TLV: code and length (4 bytes), then the server DUID. */
	__u8 server_id[4 + RB_DUID_MAX + 2];
	__u8 opts[RB_DHCP6_TMPL_OPTS_LEN];
	struct rb_bootfile6 bootfiles[RB_BOOTFILES_MAX];
	__u8 tail[8];			/* zero; the 8-byte copies of the last TLV may read it */
};

_Static_assert(sizeof(struct rb_duid_key) == 132, "rb_duid_key size");
_Static_assert(sizeof(struct rb_device6) == 96, "rb_device6 size");
_Static_assert(__builtin_offsetof(struct rb_device6, ifindex) == 48, "rb_device6 ifindex offset");
_Static_assert(__builtin_offsetof(struct rb_device6, xdp_replies) == 56,
	       "rb_device6 xdp_replies offset");
_Static_assert(sizeof(struct rb_iface6) == 32, "rb_iface6 size");
_Static_assert(sizeof(struct rb_event6) == 192, "rb_event6 size");
_Static_assert(__builtin_offsetof(struct rb_event6, ns) == 48, "rb_event6 ns offset");
_Static_assert(sizeof(struct rb_bootfile6) == 8 + RB_DHCP6_BOOT_TLV_MAX, "rb_bootfile6 size");
_Static_assert(sizeof(struct rb_dhcp6_template) ==
	       8 + 2 * RB_D6_SLOT_COUNT + 136 + RB_DHCP6_TMPL_OPTS_LEN +
	       RB_BOOTFILES_MAX * (8 + RB_DHCP6_BOOT_TLV_MAX) + 8,
	       "rb_dhcp6_template size");

#endif
