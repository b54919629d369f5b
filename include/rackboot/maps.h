/* SPDX-License-Identifier: MIT */
/*
 * Map keys and values shared by the XDP programs and rackbootd.
 *
 * Only <linux/types.h>, <linux/bpf.h> (for struct bpf_spin_lock),
 * fixed-width fields and explicit padding, so that clang's BPF target
 * and the host compiler agree on every offset.  The
 * _Static_assert lines at the end catch a size that drifts on one side.
 * Addresses are stored in network byte order, times in nanoseconds of
 * CLOCK_BOOTTIME (bpf_ktime_get_boot_ns()).
 */
#ifndef RACKBOOT_MAPS_H
#define RACKBOOT_MAPS_H

#include <linux/bpf.h>
#include <linux/types.h>

/* Map sizes; rackbootd rejects a config that would not fit. */
#define RB_MAX_DEVICES		262144	/* inventory, pool devices and leases */
#define RB_MAX_TEMPLATES	256
#define RB_MAX_IFACES		64

/* Names under the pin folder (config: bpffs-pin-path). */
#define RB_PIN_DEVICES		"rb_devices"
#define RB_PIN_TEMPLATES	"rb_dhcp4_templates"
#define RB_PIN_IFACES		"rb_ifaces"
#define RB_PIN_XDP_COUNTERS	"rb_xdp_counters"
#define RB_PIN_US_COUNTERS	"rb_us_counters"
#define RB_PIN_EVENTS		"rb_events"

/*
 * Bytes of the rb_events ring buffer (a power of two).  At 32 bytes an
 * event it holds 262,144 events: what XDP grants in well over a second
 * at line rate, and the backlog of a rackbootd restart.
 */
#define RB_EVENTS_BYTES		(8U << 20)

#define RB_HOSTNAME_MAX		64	/* option 12 payload, no NUL */
#define RB_BOOTFILE_MAX		128	/* BOOTP file field size */
#define RB_BOOTFILES_MAX	8	/* boot file choices per template */
#define RB_TMPL_OPTS_LEN	512	/* pre-encoded option TLVs */

/* Progress of one device; each phase has a timestamp in struct rb_device. */
enum rb_phase {
	RB_PHASE_NONE = 0,
	RB_PHASE_DISCOVERED,	/* DISCOVER seen */
	RB_PHASE_OFFERED,	/* OFFER sent */
	RB_PHASE_LEASED,	/* ACK sent */
	RB_PHASE_BOOTFILE,	/* boot file fetched by TFTP */
	RB_PHASE_COUNT,
};

/* Key of rb_devices: the client hardware address (chaddr, htype 1). */
struct rb_mac_key {
	__u8 addr[6];		/* Ethernet MAC */
	__u8 pad[2];		/* zero */
};

/*
 * Value of rb_devices: the inventory entry written by rackbootd from the
 * config, and the state that XDP and rackbootd both update.  Concurrent
 * updates of one record from two CPUs can only reorder timestamps.
 */
struct rb_device {
	__u32 ipv4;		/* reserved address */
	__u32 template_id;	/* index into rb_dhcp4_templates */
	__u32 phase;		/* highest enum rb_phase reached */
	__u8 hostname_len;	/* bytes used in hostname, 0 = none */
	__u8 from_xdp;		/* 1 when the last reply came from XDP */
	__u16 client_arch;	/* last option 93 value, host order; RB_ARCH_ANY: none seen */
	__u64 phase_ns[RB_PHASE_COUNT];	/* first time each phase was reached */
	__u64 xdp_replies;	/* OFFER/ACK/NAK sent by XDP */
	__u64 us_replies;	/* OFFER/ACK/NAK sent by rackbootd */
	__u8 hostname[RB_HOSTNAME_MAX];	/* option 12 payload */
	__u8 uuid[16];		/* last option 97 UUID (RFC 4578), as on the wire */
	__u8 has_uuid;		/* 1 when uuid contains a value */
	__u8 uuid_pad[7];	/* zero */
	__u64 lease_ns;		/* CLOCK_BOOTTIME of the last ACK, 0 = none; pool expiry */
};

/*
 * One boot file choice.  The first entry of a template that matches the
 * request wins, so rackbootd orders them: iPXE entries, then entries for
 * one architecture, then the default.  An HTTP entry comes first of all
 * and is skipped for clients that are not UEFI HTTP Boot clients.
 */
struct rb_bootfile {
	__u16 arch;		/* option 93 value, host order; RB_ARCH_ANY matches all */
	__u8 ipxe;		/* 1: only for requests with user class "iPXE" */
	__u8 len;		/* bytes used in name, at most RB_BOOTFILE_MAX - 1 */
	__u8 name[RB_BOOTFILE_MAX];	/* NUL padded */
	__u8 http;		/* 1: a URL only for requests with vendor class "HTTPClient" */
	__u8 pad[3];		/* zero */
};

#define RB_ARCH_ANY	0xffff

/*
 * Value of rb_dhcp4_templates: what one (subnet, boot profile) pair puts
 * in every OFFER and ACK.  opts holds complete option TLVs; opt_off[code]
 * is the offset of option 'code' in opts plus one, or 0 when absent.
 */
struct rb_dhcp4_template {
	__u32 server_id;	/* option 54 and IP source address */
	__u32 siaddr;		/* BOOTP next server (the TFTP server) */
	__u32 lease_time;	/* seconds, host order; also in opts as 51 */
	__u16 opts_len;		/* bytes used in opts */
	__u8 n_bootfiles;	/* entries used in bootfiles */
	__u8 pad;
	/*
	 * Offsets in opts plus one, 0 when absent, of TLVs that opt_off
	 * cannot index because they share a code with another TLV: option 60
	 * "HTTPClient" and option 43 sent only to PXEClient requests.
	 */
	__u16 http_class_off;
	__u16 pxe_vendor_off;
	__u32 pad2;
	__u16 opt_off[256];
	__u8 opts[RB_TMPL_OPTS_LEN];
	struct rb_bootfile bootfiles[RB_BOOTFILES_MAX];
};

/*
 * Value of rb_ifaces, keyed by ifindex (__u32).
 *
 * The token bucket limits the requests from unknown devices that XDP
 * passes up to rackbootd, so that a flood of random MACs cannot starve
 * it.  All CPUs share one bucket per link under a spin lock.  Per-CPU
 * buckets would be wrong: every DISCOVER has the same addresses and ports
 * (0.0.0.0:68 to 255.255.255.255:67), so RSS steers a flood to one CPU,
 * which would then get only rate / ncpus.  A config load rewrites the
 * whole value, which refills the bucket.
 */
struct rb_iface {
	__u8 mac[6];		/* source MAC of replies */
	__u16 mtu;		/* largest IP datagram the link carries */
	__u32 enabled;		/* 1 when DHCPv4 is served on this link */
	__u32 unknown_rate;	/* unknown-device requests per second, 0 = no limit */
	__u32 unknown_burst;	/* bucket size in requests */
	struct bpf_spin_lock lock;	/* guards bucket_tokens and bucket_ns */
	__u64 bucket_tokens;	/* RB_TOKEN_UNIT per request */
	__u64 bucket_ns;	/* time of the last refill, 0 = bucket full */
};

/* bucket_tokens of one request; refilling adds unknown_rate per nanosecond. */
#define RB_TOKEN_UNIT	1000000000ULL

/* What an rb_event reports. */
enum rb_event_type {
	RB_EV_DHCP4_LEASE = 1,	/* ACK sent: a lease granted or renewed */
	RB_EV_DHCP4_BIND,	/* a pool address bound to a new device (OFFER) */
};

/*
 * One record of the rb_events ring buffer, written by XDP for every
 * fast-path decision that the store must keep, drained by rackbootd.
 */
struct rb_event {
	__u16 type;		/* enum rb_event_type */
	__u8 mac[6];		/* chaddr */
	__u32 ipv4;		/* yiaddr, network order */
	__u32 lease_time;	/* seconds, host order; 0 for BIND */
	__u64 ns;		/* CLOCK_BOOTTIME when the reply was sent */
	__u32 template_id;	/* rb_device.template_id */
	__u32 pad;		/* zero */
};

/* Indexes of rb_xdp_counters, a per-CPU array of __u64. */
enum rb_xdp_counter {
	RB_XC_RX = 0,		/* packets seen by the program */
	RB_XC_PASS_NOT_DHCP,	/* not UDP to port 67 */
	RB_XC_TX_OFFER,
	RB_XC_TX_ACK,
	RB_XC_TX_NAK,
	RB_XC_PASS_UNKNOWN_MAC,	/* chaddr not in rb_devices */
	RB_XC_PASS_RELAYED,	/* giaddr set: userspace routes the reply */
	RB_XC_PASS_OTHER_SERVER,	/* REQUEST naming another server */
	RB_XC_PASS_MSG_TYPE,	/* INFORM, DECLINE, RELEASE, BOOTP, ... */
	RB_XC_PASS_IP_OPTIONS,	/* IPv4 header with options or fragment */
	RB_XC_PASS_TOO_LARGE,	/* DHCP message longer than RB_DHCP4_MAX_LEN */
	RB_XC_PASS_NO_TEMPLATE,	/* device points at a missing template */
	RB_XC_PASS_TX_FAILED,	/* could not resize or write the frame */
	RB_XC_PASS_IFACE_OFF,	/* interface not in rb_ifaces */
	RB_XC_MALFORMED_SHORT,	/* shorter than the BOOTP header */
	RB_XC_MALFORMED_OP,	/* op is not BOOTREQUEST */
	RB_XC_MALFORMED_HLEN,	/* htype/hlen not Ethernet, or hlen > 16 */
	RB_XC_MALFORMED_COOKIE,	/* magic cookie missing */
	RB_XC_MALFORMED_OPTION,	/* option length runs past the end */
	RB_XC_MALFORMED_NO_END,	/* no end option */
	RB_XC_MALFORMED_BAD_LEN,	/* option with an invalid length */
	RB_XC_MALFORMED_UDP,	/* UDP length disagrees with the frame */
	RB_XC_MALFORMED_TOO_MANY,	/* more options than the walk allows */
	RB_XC_DROP_FLOOD,	/* unknown device over the link's unknown-device-rate */
	RB_XC_EVENT_LOST,	/* rb_events full: the store learns it from rb_devices */
	RB_XC_COUNT,
};

/* Indexes of rb_us_counters: a plain array of __u64 owned by rackbootd. */
enum rb_us_counter {
	RB_UC_RX = 0,		/* DHCPv4 packets read from the socket */
	RB_UC_TX_OFFER,
	RB_UC_TX_ACK,
	RB_UC_TX_NAK,
	RB_UC_IGNORED_UNKNOWN,	/* unknown device and no pool */
	RB_UC_IGNORED_OTHER,	/* not for us: other server, BOOTREPLY, ... */
	RB_UC_MALFORMED,	/* rejected by the parser */
	RB_UC_SEND_FAILED,
	RB_UC_TFTP_RRQ,		/* TFTP read requests */
	RB_UC_TFTP_DONE,	/* transfers finished */
	RB_UC_TFTP_ERROR,	/* transfers ended with an error packet */
	RB_UC_TFTP_TIMEOUT,	/* transfers abandoned after retries */
	RB_UC_COUNT,
};

_Static_assert(sizeof(struct rb_mac_key) == 8, "rb_mac_key size");
_Static_assert(sizeof(struct rb_device) == 16 + 8 * RB_PHASE_COUNT + 16 + RB_HOSTNAME_MAX + 32,
	       "rb_device size");
_Static_assert(sizeof(struct rb_bootfile) == 8 + RB_BOOTFILE_MAX, "rb_bootfile size");
_Static_assert(sizeof(struct rb_dhcp4_template) ==
	       24 + 512 + RB_TMPL_OPTS_LEN + RB_BOOTFILES_MAX * (8 + RB_BOOTFILE_MAX),
	       "rb_dhcp4_template size");
_Static_assert(sizeof(struct rb_event) == 32, "rb_event size");
_Static_assert(sizeof(struct rb_iface) == 24 + 16, "rb_iface size");
_Static_assert(__builtin_offsetof(struct rb_iface, bucket_tokens) == 24, "rb_iface bucket offset");

#endif
