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
#define RB_MAX_POOLS		64	/* subnet pools with an XDP free-address queue */

/*
 * Maximum addresses in one pool queue.  rackbootd lends up to this many free
 * pool addresses to XDP at once, so that a burst of new devices is bound
 * in XDP until the next refill.  Each queue takes 4 bytes an entry.
 */
#define RB_POOL_QUEUE_MAX	131072

/*
 * Reservations by relay agent information that XDP can look up: one per
 * device, so the map is as large as rb_devices.  The map allocates each
 * entry on insert, so unused room costs no memory.
 */
#define RB_MAX_RELAY_RESERVATIONS	RB_MAX_DEVICES

/*
 * Relay circuits with an unknown-device bucket (LRU: the circuits seen
 * least recently lose their bucket, which then starts full again).
 */
#define RB_MAX_RELAY_CIRCUITS	65536

/* Bytes of a circuit-id or remote-id that a reservation names. */
#define RB_RELAY_ID_MAX		64

/* Names under the pin folder (config: bpffs-pin-path). */
#define RB_PIN_DEVICES		"rb_devices"
#define RB_PIN_TEMPLATES	"rb_dhcp4_templates"
#define RB_PIN_IFACES		"rb_ifaces"
#define RB_PIN_XDP_COUNTERS	"rb_xdp_counters"
#define RB_PIN_US_COUNTERS	"rb_us_counters"
#define RB_PIN_EVENTS		"rb_events"
#define RB_PIN_POOL_QUEUES	"rb_pool_queues"
#define RB_PIN_RELAY_RESERVATIONS	"rb_relay_reservations"
#define RB_PIN_RELAY_POOLS	"rb_relay_pools"

/*
 * Bytes of the rb_events ring buffer (a power of two).  Each record
 * takes an 8-byte ring header besides its struct.  So the ring has room
 * for 209,715 DHCPv4 records of 32 bytes: what XDP grants in over half a
 * second at line rate, and the backlog of a rackbootd restart.  A DHCPv6
 * record (struct rb_event6) takes 192 bytes, so about 41,900 of those fit.
 */
#define RB_EVENTS_BYTES		(8U << 20)

#define RB_HOSTNAME_MAX		64	/* option 12 payload, no NUL */
#define RB_BOOTFILE_MAX		256	/* boot file name bytes plus NUL: option 67 holds 255 */
#define RB_BOOTP_FILE_LEN	128	/* BOOTP file field; a longer name goes in option 67 */
#define RB_BOOTFILES_MAX	8	/* boot file choices per template */
#define RB_TMPL_OPTS_LEN	512	/* pre-encoded option TLVs */

/* Progress of one device; each phase has a timestamp in struct rb_device. */
enum rb_phase {
	RB_PHASE_NONE = 0,
	RB_PHASE_DISCOVERED,	/* DISCOVER seen */
	RB_PHASE_OFFERED,	/* OFFER sent */
	RB_PHASE_LEASED,	/* ACK sent */
	RB_PHASE_BOOTFILE,	/* boot file fetched by TFTP */
	RB_PHASE_IMAGE,		/* a file fetched in full over HTTP (200 GET) */
	RB_PHASE_COUNT,
};

/*
 * Key of a reservation by relay agent information (RFC 3046): the relay
 * agent's giaddr and rb_relay_id_hash() of the circuit-id and remote-id
 * that the reservation names.  Two reservations can share a hash, so a
 * lookup compares the IDs themselves on a hit.  Also the key of the
 * per-circuit flood buckets, there with the hash of the circuit-id alone.
 */
struct rb_relay_key {
	__u32 giaddr;		/* relay agent address, network order; 0 = any relay agent */
	__u32 id_hash;		/* rb_relay_id_hash() of the named IDs */
};

/*
 * Value of rb_relay_reservations: the IDs of one reservation, compared
 * with the request's on a hit, and the device it selects.  rackbootd
 * writes one entry per reserved device.  When two reservations share a key,
 * the map keeps one of them: a request for the other then finds IDs that
 * differ, and XDP passes it up to the full search in rackbootd.
 */
struct rb_relay_reservation {
	__u8 mac[6];		/* inventory MAC: key of the device's rb_devices record */
	__u8 circuit_id_len;	/* bytes used in circuit_id, 0 = not named */
	__u8 remote_id_len;	/* bytes used in remote_id, 0 = not named */
	__u8 circuit_id[RB_RELAY_ID_MAX];	/* sub-option 1 payload (RFC 3046) */
	__u8 remote_id[RB_RELAY_ID_MAX];	/* sub-option 2 payload */
};

/*
 * Value of the LRU map of per-circuit buckets, keyed by giaddr and the
 * hash of the circuit-id.  No lock: an LRU map cannot hold a
 * bpf_spin_lock, so two CPUs that update one bucket at the same moment
 * can both take the last token.  The requests of one relay agent share
 * addresses and ports and reach one receive queue, which keeps that rare.
 */
struct rb_relay_bucket {
	__u64 tokens;		/* RB_TOKEN_UNIT per request */
	__u64 ns;		/* time of the last refill */
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
	__u64 xdp_replies;	/* OFFER/ACK/NAK, and DHCPv6 Advertise/Reply, sent by XDP */
	__u64 us_replies;	/* OFFER/ACK/NAK sent by rackbootd */
	__u8 hostname[RB_HOSTNAME_MAX];	/* option 12 payload */
	__u8 uuid[16];		/* last option 97 UUID (RFC 4578), as on the wire */
	__u8 has_uuid;		/* 1 when uuid contains a value */
	__u8 inventory;		/* 1: written from the inventory; 0: a pool device */
	__u8 uuid_pad[6];	/* zero */
	__u64 lease_ns;		/* CLOCK_BOOTTIME of the last ACK, 0 = none; pool expiry */
	__u64 journal_ns;	/* lease_ns of the last ACK put in rb_events, 0 = none */
	__u32 journal_ipv4;	/* ipv4 of that ACK */
	__u32 journal_pad;	/* zero */
};

/*
 * The store's journal lags the wire by at most a lease time divided by
 * RB_JOURNAL_LAG_DIV.  XDP puts an ACK in rb_events only when the
 * device's last journaled ACK is older than that, or was for another
 * address.  So a device that repeats its DORA or renews early (PXE ROM,
 * iPXE and installer one after the other) costs the store one write.
 * Renewals at T1 (half the lease) are always journaled.  After a power
 * loss the store may hold a lease that ends up to the lag before the
 * client's, so expiry from the store waits that long longer
 * (rb_journal_lag_s).  A SIGKILL loses nothing: rb_devices keeps the
 * last ACK and the reconcile at start writes it.
 */
#define RB_JOURNAL_LAG_DIV	8

static inline __u32 rb_journal_lag_s(__u32 lease_time)
{
	return lease_time / RB_JOURNAL_LAG_DIV + 1;
}

/*
 * Return 1 when a lease journaled at journal_ns (0: none) is younger at
 * now than the journal lag of lease_time seconds, so that a new one for
 * the same address need not be journaled.
 */
static inline int rb_journal_fresh(__u64 journal_ns, __u64 now, __u32 lease_time)
{
	return journal_ns && now >= journal_ns &&
	       now - journal_ns < (__u64)lease_time * (1000000000ULL / RB_JOURNAL_LAG_DIV);
}

/*
 * One boot file choice.  The first entry of a template that matches the
 * request wins, so rackbootd orders them: iPXE entries, then entries for
 * one architecture, then the default.  An HTTP entry comes first of all
 * and is skipped for clients that are not UEFI HTTP Boot clients.
 */
struct rb_bootfile {
	__u16 arch;		/* option 93 value, host order; RB_ARCH_ANY matches all */
	__u8 ipxe;		/* 1: only for requests with user class "iPXE" */
	__u8 len;		/* bytes used in name; above RB_BOOTP_FILE_LEN - 1 only in option 67 */
	__u8 name[RB_BOOTFILE_MAX];	/* NUL padded */
	__u8 http;		/* 1: a URL only for requests with vendor class "HTTPClient" */
	__u8 pad[3];		/* zero */
};

#define RB_ARCH_ANY	0xffff

/*
 * rb_dhcp4_template.flags.  The subnet is authoritative when the bit is
 * clear, as the config default is, so a zeroed template is authoritative.
 */
#define RB_TMPL_F_NOT_AUTHORITATIVE	0x01	/* ignore, not NAK, a REQUEST for an unheld address */

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
	__u8 flags;		/* RB_TMPL_F_* */
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
	__u32 pool_id;		/* rb_pool_queues index + 1 of the pool for unknown devices, 0 = none */
	__u32 pool_template;	/* template id of the devices bound from that pool */
	__u32 circuit_rate;	/* unknown-device requests per second per relay circuit, 0 = no limit */
	__u32 circuit_burst;	/* per-circuit bucket size in requests */
};

/* bucket_tokens of one request; refilling adds unknown_rate per nanosecond. */
#define RB_TOKEN_UNIT	1000000000ULL

/*
 * Kinds of rb_events records.  Every record starts with a __u16 type,
 * and its type fixes its struct: rb_event for the DHCPv4 kinds,
 * rb_event6 (rackboot/dhcp6_maps.h) for RB_EV_DHCP6_LEASE, and
 * rb_tftp_event (rackboot/tftp_maps.h) for RB_EV_TFTP_DONE.
 */
enum rb_event_type {
	RB_EV_DHCP4_LEASE = 1,	/* ACK sent: a lease granted or renewed */
	RB_EV_DHCP4_BIND,	/* a pool address bound to a new device (OFFER) */
	RB_EV_DHCP6_LEASE,	/* DHCPv6 Reply sent: an IA_NA address bound or renewed */
	RB_EV_TFTP_DONE,	/* final block of an XDP transfer acknowledged (rackboot/tftp_maps.h) */
};

/*
 * One DHCPv4 record of the rb_events ring buffer, written by XDP for
 * every fast-path decision that the store must keep, drained by rackbootd.
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

/*
 * Key of rb_relay_pools, an LPM trie of the subnets whose pools serve
 * relayed unknown devices: the relay's link address (option 118, else
 * the link-selection sub-option of option 82, else giaddr) finds the
 * pool.  prefixlen counts the bits of addr (network order) that match.
 */
struct rb_relay_pool_key {
	__u32 prefixlen;
	__u32 addr;
};

/* Value of rb_relay_pools: the pool's queue and the template of its devices. */
struct rb_relay_pool {
	__u32 pool_id;		/* rb_pool_queues index + 1 */
	__u32 pool_template;	/* template id of the devices bound from the pool */
};

/* Indexes of rb_xdp_counters, a per-CPU array of __u64. */
enum rb_xdp_counter {
	RB_XC_RX = 0,		/* packets seen by the program */
	RB_XC_PASS_NOT_DHCP,	/* not UDP to port 67 */
	RB_XC_TX_OFFER,
	RB_XC_TX_ACK,
	RB_XC_TX_NAK,
	RB_XC_PASS_UNKNOWN_MAC,	/* chaddr not in rb_devices */
	RB_XC_PASS_RELAYED,	/* relayed, but not a DISCOVER or REQUEST */
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
	RB_XC_EVENT_LOST,	/* rb_events full: the store learns a DHCPv4 lease from rb_devices */
	RB_XC_POOL_BIND,	/* pool address from the link's queue bound to a new device */
	RB_XC_PASS_POOL_EMPTY,	/* unknown device, and the link's pool queue is empty or missing */
	RB_XC_POOL_RACE,	/* another CPU added the device first; its record answers */
	RB_XC_POOL_LOST,	/* a popped address could not go back to its queue */
	RB_XC_PASS_SLOW_REPLY,	/* reply needs option overload or a long boot file name */
	RB_XC_TX_RELAY,		/* reply to a relay agent sent back out of the ingress link */
	RB_XC_REDIRECT_RELAY,	/* reply to a relay agent redirected to another link */
	RB_XC_PASS_RELAY_NOT_LOCAL,	/* relayed request not addressed to this host */
	RB_XC_PASS_RELAY_LINK,	/* link address outside the device's subnet */
	RB_XC_PASS_RELAY_AMBIGUOUS,	/* option 82 reservation that XDP cannot settle */
	RB_XC_PASS_FIB_NO_NEIGH,	/* no neighbour entry for the next hop to giaddr */
	RB_XC_PASS_FIB_FWD_DISABLED,	/* forwarding is off on the ingress link */
	RB_XC_PASS_FIB_FRAG_NEEDED,	/* reply larger than the route's MTU */
	RB_XC_PASS_FIB_OTHER,	/* no route to giaddr, or another FIB lookup failure */
	RB_XC_DROP_RELAY_CIRCUIT,	/* unknown device over its relay circuit's rate */
	RB_XC_TX_RELAY_NO_NEIGH,	/* of tx_relay: no neighbour entry, sent to the agent's source MAC */
	RB_XC_PASS_IPV6_OTHER,	/* IPv6, but neither a Router Solicitation nor UDP to the DHCPv6 port */
	RB_XC_PASS_IPV6_EXT,	/* IPv6 with extension headers, left to the kernel */
	RB_XC_TX_RA,		/* Router Advertisement sent for a Router Solicitation */
	RB_XC_PASS_RA_NO_TEMPLATE,	/* Router Solicitation on a link without an RA template */
	RB_XC_MALFORMED_RS,	/* Router Solicitation failing the RFC 4861 6.1.1 checks */
	RB_XC_TX_DHCP6_REPLY,	/* DHCPv6 Reply sent to a rapid-commit Solicit, a Request or a Renew */
	RB_XC_PASS_DHCP6_UNKNOWN_DUID,	/* client DUID not in rb_devices6 */
	RB_XC_PASS_DHCP6_MSG_TYPE,	/* Confirm, Rebind, Release, Decline, Information-request */
	RB_XC_PASS_DHCP6_OTHER_SERVER,	/* Server Identifier missing or not ours */
	RB_XC_PASS_DHCP6_SLOW,	/* IA_TA, IA_PD, not one IA_NA, or another address requested */
	RB_XC_PASS_DHCP6_RELAYED,	/* Relay-forward: rackbootd unwraps it */
	RB_XC_PASS_DHCP6_NOT_LINK_LOCAL,	/* source address is not link-local unicast */
	RB_XC_PASS_DHCP6_IFACE_OFF,	/* ingress link not in rb_ifaces6, or DHCPv6 off on it */
	RB_XC_PASS_DHCP6_NO_TEMPLATE,	/* device points at a missing DHCPv6 template */
	RB_XC_PASS_DHCP6_TOO_LARGE,	/* request or reply longer than RB_DHCP6_MAX_LEN */
	RB_XC_MALFORMED_DHCP6_UDP,	/* UDP length disagrees with the IPv6 payload or the frame */
	RB_XC_MALFORMED_DHCP6_SHORT,	/* shorter than the DHCPv6 header */
	RB_XC_MALFORMED_DHCP6_MSG_TYPE,	/* a server message type, or an unknown one */
	RB_XC_MALFORMED_DHCP6_OPTION,	/* option runs past the message or its IA_NA */
	RB_XC_MALFORMED_DHCP6_BAD_LEN,	/* known option with an invalid length */
	RB_XC_MALFORMED_DHCP6_DUID,	/* client or server DUID shorter than 3 or longer than 130 bytes */
	RB_XC_MALFORMED_DHCP6_DUPLICATE,	/* second Client or Server Identifier */
	RB_XC_MALFORMED_DHCP6_TOO_MANY,	/* more options than the walk allows */
	RB_XC_TX_DHCP6_ADVERTISE,	/* DHCPv6 Advertise sent to a Solicit that gets no rapid commit */
	RB_XC_PASS_RA_RATE,	/* Router Solicitation over the link's RA reply rate */
	RB_XC_PASS_RS_OPTIONS,	/* Router Solicitation with more options than the walk allows */
	RB_XC_EVENT6_LOST,	/* rb_events full: a DHCPv6 lease misses the store until its next Reply */
	RB_XC_PASS_DHCP6_NO_ROOM,	/* the frame has no room to grow to the DHCPv6 reply's size */
	RB_XC_PASS_DHCP6_WRONG_LINK,	/* device whose subnet6 is on another link, or relayed only */
	RB_XC_DROP_DHCP6_FLOOD,	/* unknown DUID over the link's unknown-device-rate */
	RB_XC_TX_TFTP_DATA,	/* TFTP DATA sent for an ACK of a transfer in rb_tftp_xfers */
	RB_XC_DROP_TFTP_DUP,	/* TFTP ACK for another block than the last sent: no DATA */
	RB_XC_TFTP_DONE,	/* TFTP ACK of the final block: transfer marked done, ACK dropped */
	RB_XC_PASS_TFTP_NO_ROOM,	/* frame could not grow to the DATA: rackbootd sends it */
	RB_XC_PASS_TFTP_MTU,	/* DATA larger than the ingress link's MTU, or link not in rb_ifaces */
	RB_XC_PASS_TFTP_OPCODE,	/* not a 4-byte ACK (ERROR, an ACK with trailing bytes, ...) */
	RB_XC_PASS_TFTP_NO_BLOCK,	/* file entry or block slot missing, or of another generation */
	RB_XC_MALFORMED_TFTP,	/* UDP or IP length disagrees with the frame, or shorter than a TFTP header */
	RB_XC_TFTP_EVENT_LOST,	/* rb_events full: rackbootd sees the end on its timer */
	RB_XC_TX_DNS,		/* DNS response sent from rb_dns_answers */
	RB_XC_PASS_DNS_HEADER,	/* not a standard query: QR, opcode, or section counts */
	RB_XC_PASS_DNS_NAME,	/* question name compressed, malformed or over RB_DNS_XDP_NAME_MAX */
	RB_XC_PASS_DNS_CLASS,	/* question class other than IN */
	RB_XC_PASS_DNS_EDNS,	/* additional record not a version 0 OPT record XDP can read */
	RB_XC_PASS_DNS_MISS,	/* name and type not in rb_dns_answers */
	RB_XC_PASS_DNS_TOO_BIG,	/* response over 512 bytes or the EDNS payload size */
	RB_XC_PASS_DNS_NO_ROOM,	/* frame could not grow to the response */
	RB_XC_MALFORMED_DNS,	/* UDP or IP length disagrees with the frame, or short message */
	RB_XC_PASS_DNS_NOT_LOCAL,	/* query to an address that is not this host's */
	RB_XC_JOURNAL_SKIPPED,	/* ACK left out of rb_events: journaled less than the lag ago */
	RB_XC_JOURNAL6_SKIPPED,	/* DHCPv6 Reply left out of rb_events, as for DHCPv4 */
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
	/* The DHCPv6 slow path, in the order of enum rb_dhcp6_counter. */
	RB_UC_DHCP6_RX,		/* messages read from the socket */
	RB_UC_DHCP6_TX_ADVERTISE,
	RB_UC_DHCP6_TX_REPLY,
	RB_UC_DHCP6_MALFORMED,	/* rejected by the parser or the relay unwrapping */
	RB_UC_DHCP6_DISCARDED,	/* discarded by the rules of RFC 8415 section 16 */
	RB_UC_DHCP6_OTHER_SERVER,	/* a Server Identifier of another server */
	RB_UC_DHCP6_NO_SUBNET,	/* no subnet6 for the arrival interface or link-address */
	RB_UC_DHCP6_NO_ADDRS,	/* IA_NA answered with NoAddrsAvail */
	RB_UC_DHCP6_RELEASED,	/* addresses released */
	RB_UC_DHCP6_DECLINED,	/* addresses declined and quarantined */
	RB_UC_DHCP6_STORE_FAILED,	/* lease writes that failed; the Reply was not sent */
	RB_UC_DHCP6_SEND_FAILED,
	/* The DNS server, in the order of enum rb_dns_counter. */
	RB_UC_DNS_QUERIES,	/* messages received over UDP and TCP */
	RB_UC_DNS_NOERROR,	/* responses by rcode */
	RB_UC_DNS_FORMERR,
	RB_UC_DNS_SERVFAIL,
	RB_UC_DNS_NXDOMAIN,
	RB_UC_DNS_NOTIMP,
	RB_UC_DNS_REFUSED,
	RB_UC_DNS_BADVERS,
	RB_UC_DNS_FORWARDED,	/* queries sent to an upstream resolver */
	RB_UC_DNS_TRUNCATED,	/* responses with the TC bit */
	RB_UC_DNS_DROPPED,	/* messages left without a response */
	RB_UC_DNS_TCP_CONNECTIONS,	/* TCP connections accepted */
	/* The HTTP server, summed over its workers (struct rb_http_counters). */
	RB_UC_HTTP_REQUESTS,	/* answers sent, errors included */
	RB_UC_HTTP_BYTES,	/* body bytes sent */
	RB_UC_HTTP_2XX,		/* answers with a 2xx status */
	RB_UC_HTTP_4XX,
	RB_UC_HTTP_5XX,
	RB_UC_HTTP_CONNECTIONS,	/* connections accepted */
	RB_UC_HTTP_REJECTED,	/* connections closed with 503 at max-connections */
	RB_UC_HTTP_TIMEOUTS,	/* connections closed after idle-timeout */
	/* The syslog receiver and forwarder, in the order of struct rb_syslog_counters. */
	RB_UC_SYSLOG_RX_UDP,		/* messages received over UDP */
	RB_UC_SYSLOG_RX_TCP,		/* messages received over TCP */
	RB_UC_SYSLOG_PARSE_ERRORS,	/* messages without a valid header, stored as text */
	RB_UC_SYSLOG_CUT,		/* messages cut to max-message-size */
	RB_UC_SYSLOG_UNATTRIBUTED,	/* messages from an address of no known device */
	RB_UC_SYSLOG_TCP_REJECTED,	/* connections over max-connections */
	RB_UC_SYSLOG_TCP_IDLE_CLOSED,	/* connections closed after idle-timeout */
	RB_UC_SYSLOG_FORWARDED,		/* messages sent to collectors, summed over them */
	RB_UC_SYSLOG_FWD_DROPPED,	/* messages dropped at a full collector queue */
	RB_UC_SYSLOG_FWD_RECONNECTS,	/* TCP connection attempts to collectors after the first */
	RB_UC_SYSLOG_RX_TLS,		/* messages received over TLS */
	RB_UC_SYSLOG_TLS_REJECTED,	/* TLS connections closed on a failed handshake or bad record */
	RB_UC_SYSLOG_STORE_FAILED,	/* ring writes to the store that failed */
	RB_UC_COUNT,
};

_Static_assert(sizeof(struct rb_mac_key) == 8, "rb_mac_key size");
_Static_assert(sizeof(struct rb_relay_key) == 8, "rb_relay_key size");
_Static_assert(sizeof(struct rb_device) == 16 + 8 * RB_PHASE_COUNT + 16 + RB_HOSTNAME_MAX + 48,
	       "rb_device size");
_Static_assert(sizeof(struct rb_bootfile) == 8 + RB_BOOTFILE_MAX, "rb_bootfile size");
_Static_assert(sizeof(struct rb_dhcp4_template) ==
	       24 + 512 + RB_TMPL_OPTS_LEN + RB_BOOTFILES_MAX * (8 + RB_BOOTFILE_MAX),
	       "rb_dhcp4_template size");
_Static_assert(sizeof(struct rb_event) == 32, "rb_event size");
_Static_assert(sizeof(struct rb_relay_pool_key) == 8, "rb_relay_pool_key size");
_Static_assert(sizeof(struct rb_relay_pool) == 8, "rb_relay_pool size");
_Static_assert(sizeof(struct rb_iface) == 24 + 32, "rb_iface size");
_Static_assert(sizeof(struct rb_relay_reservation) == 8 + 2 * RB_RELAY_ID_MAX,
	       "rb_relay_reservation size");
_Static_assert(sizeof(struct rb_relay_bucket) == 16, "rb_relay_bucket size");
_Static_assert(RB_XC_COUNT == 92, "rb_xdp_counters size");
_Static_assert(__builtin_offsetof(struct rb_iface, bucket_tokens) == 24, "rb_iface bucket offset");

#endif
