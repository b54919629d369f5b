/* SPDX-License-Identifier: MIT */
/*
 * The appliance configuration: a JSON file (RFC 7951 encoding) of the
 * YANG module yang/rackboot.yang, validated by libyang and converted into
 * plain C structs.  Types, ranges, defaults and references are checked
 * by the YANG module; config.c adds only what YANG cannot express.
 * Addresses are in network byte order.
 */
#ifndef RB_CONFIG_H
#define RB_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rackboot/maps.h"

#define RB_CFG_NAME_MAX		64	/* profile, subnet names */
#define RB_CFG_ADDRS_MAX	8	/* addresses per address-list option */
#define RB_CFG_DOMAIN_MAX	256
#define RB_CFG_ERRORS_MAX	100	/* errors stored per load; more are counted */
#define RB_CFG_OPTION_MAX	255	/* DHCPv4 option payload, without concatenation */
#define RB_CFG_URIS_MAX		8	/* URIs per profile list */
#define RB_CFG_URI_MAX		254	/* URI bytes plus NUL; fits one option 143 entry */
#define RB_CFG_POOL_RANGES_MAX	16	/* ranges per subnet pool */
#define RB_CFG_RELAY_ID_MAX	64	/* bytes of a reserved circuit-id or remote-id */
#define RB_CFG_DUID_MAX		130	/* DUID bytes: 2 of type, at most 128 of data (RFC 8415 11.1) */
#define RB_CFG_DOMAINS_MAX	8	/* names in a DHCPv6 domain search list */
#define RB_CFG_BOOT_PARAMS_MAX	4	/* DHCPv6 option 60 parameters per boot file URL */
#define RB_CFG_BOOT_PARAM_LEN	128	/* bytes of one option 60 parameter plus NUL */
#define RB_CFG_RA_PREFIXES_MAX	4	/* prefix information options per RA */
#define RB_CFG_CMDLINE_MAX	1025	/* iPXE kernel command line bytes plus NUL */
#define RB_CFG_SYSLOG_COLLECTORS_MAX	8	/* syslog collectors, the YANG max-elements */

enum rb_xdp_mode {
	RB_XDP_MODE_NATIVE = 0,	/* driver mode; fails where unsupported */
	RB_XDP_MODE_SKB,	/* generic mode, for any interface */
};

struct rb_cfg_iface {
	char name[IF_NAMESIZE];
	enum rb_xdp_mode xdp_mode;
	uint32_t unknown_rate;		/* flood-protection, requests/s; 0 = no limit */
	uint32_t unknown_burst;		/* flood-protection bucket size, requests */
	uint32_t circuit_rate;		/* flood-protection per relay circuit, requests/s; 0 = no limit */
	uint32_t circuit_burst;		/* flood-protection bucket size per relay circuit, requests */
};

struct rb_cfg_addrs {
	uint32_t addr[RB_CFG_ADDRS_MAX];
	uint8_t count;
};

/* One block of pool addresses, start and end included, network byte order. */
struct rb_cfg_pool_range {
	uint32_t start;
	uint32_t end;
};

struct rb_cfg_subnet {
	char name[RB_CFG_NAME_MAX];
	char interface[IF_NAMESIZE];	/* served on this interface */
	uint32_t prefix;		/* network address */
	uint8_t prefix_len;
	uint32_t server_id;		/* appliance address in the subnet (option 54) */
	uint32_t next_server;		/* BOOTP siaddr, TFTP server; default server_id */
	uint32_t lease_time;		/* seconds (option 51) */
	uint32_t renewal_time;		/* T1 seconds (option 58), default lease/2 */
	uint32_t rebinding_time;	/* T2 seconds (option 59), default lease*7/8 */
	/* YANG authoritative false: ignore, not NAK, a REQUEST for an unheld address. */
	bool not_authoritative;		/* false, the YANG default, also in a zeroed struct */
	bool has_time_offset;
	int32_t time_offset;		/* seconds east of UTC (option 2) */
	struct rb_cfg_addrs routers;		/* option 3 */
	struct rb_cfg_addrs time_servers;	/* option 4 */
	struct rb_cfg_addrs dns_servers;	/* option 6 */
	struct rb_cfg_addrs log_servers;	/* option 7 */
	char domain_name[RB_CFG_DOMAIN_MAX];	/* option 15, "" = none */
	char tftp_server_name[RB_CFG_DOMAIN_MAX];	/* option 66, "" = none */
	/* Addresses for devices not in the inventory; none when n_pool_ranges is 0. */
	struct rb_cfg_pool_range pool_ranges[RB_CFG_POOL_RANGES_MAX];
	uint8_t n_pool_ranges;
	size_t pool_profile;		/* index into profiles */
};

struct rb_cfg_addrs6 {
	struct in6_addr addr[RB_CFG_ADDRS_MAX];
	uint8_t count;
};

/* One block of DHCPv6 pool addresses, start and end included. */
struct rb_cfg_pool_range6 {
	struct in6_addr start;
	struct in6_addr end;
};

/*
 * Vendor-specific information (DHCPv6 option 17) with enterprise number
 * 4491 (CableLabs), whose sub-options embedded provisioning clients read.
 * Each sub-option is left out when its count or length is 0.
 */
struct rb_cfg_vendor4491 {
	struct rb_cfg_addrs6 tftp_servers;	/* sub-option 32 */
	char config_file[RB_CFG_DOMAIN_MAX];	/* sub-option 33, "" = none */
	struct rb_cfg_addrs6 syslog_servers;	/* sub-option 34 */
	struct rb_cfg_addrs6 time_servers;	/* sub-option 37 */
	bool has_time_offset;
	int32_t time_offset;			/* sub-option 38, seconds east of UTC */
};

struct rb_cfg_subnet6 {
	char name[RB_CFG_NAME_MAX];
	char interface[IF_NAMESIZE];	/* served on this interface; "" = only behind relays */
	struct in6_addr prefix;
	uint8_t prefix_len;
	uint32_t preferred_lifetime;	/* seconds, IA Address option */
	uint32_t valid_lifetime;	/* seconds, IA Address option */
	uint32_t renewal_time;		/* T1 seconds, default preferred/2 */
	uint32_t rebinding_time;	/* T2 seconds, default preferred*4/5 */
	bool rapid_commit;		/* answer a Solicit with Rapid Commit by a Reply */
	struct rb_cfg_addrs6 dns_servers;	/* option 23 */
	char domain_search[RB_CFG_DOMAINS_MAX][RB_CFG_DOMAIN_MAX];	/* option 24 */
	uint8_t n_domain_search;
	struct rb_cfg_addrs6 ntp_servers;	/* option 56, NTP server address sub-options */
	struct rb_cfg_addrs6 sntp_servers;	/* option 31 */
	struct rb_cfg_vendor4491 vendor4491;	/* option 17 */
	/* Addresses for devices not in the inventory; none when n_pool_ranges is 0. */
	struct rb_cfg_pool_range6 pool_ranges[RB_CFG_POOL_RANGES_MAX];
	uint8_t n_pool_ranges;
	size_t pool_profile;		/* index into profiles */
};

/* One prefix information option of a router advertisement (RFC 4861 4.6.2). */
struct rb_cfg_ra_prefix {
	struct in6_addr prefix;
	uint8_t prefix_len;
	bool on_link;			/* L flag */
	bool autonomous;		/* A flag */
	uint32_t valid_lifetime;	/* seconds, 0xffffffff = infinity */
	uint32_t preferred_lifetime;
};

/* Router advertisements sent on one interface (RFC 4861 6.2.1). */
struct rb_cfg_ra {
	char interface[IF_NAMESIZE];
	uint32_t min_interval_ms;	/* MinRtrAdvInterval */
	uint32_t max_interval_ms;	/* MaxRtrAdvInterval */
	uint16_t router_lifetime;	/* seconds; 0 = the appliance is not a default router */
	uint32_t reachable_time;	/* ms, 0 = unspecified */
	uint32_t retrans_timer;		/* ms, 0 = unspecified */
	uint8_t cur_hop_limit;		/* 0 = unspecified */
	bool managed;			/* M flag: addresses from DHCPv6 */
	bool other;			/* O flag: other configuration from DHCPv6 */
	uint32_t mtu;			/* MTU option, 0 = left out */
	struct rb_cfg_ra_prefix prefixes[RB_CFG_RA_PREFIXES_MAX];
	uint8_t n_prefixes;
	struct rb_cfg_addrs6 rdnss;	/* RDNSS option (RFC 8106), left out when empty */
	uint32_t rdnss_lifetime;	/* seconds */
};

#define RB_CFG_DNS_NAME_MAX	254	/* a DNS name in text, 253 bytes plus NUL */
#define RB_CFG_DNS_NS_MAX	4	/* name-server entries */
#define RB_CFG_DNS_TXT_MAX	8	/* strings per TXT record */
#define RB_CFG_DNS_UPSTREAMS_MAX	4

/* A and AAAA records of one name.  Names are as written in the config: see struct rb_cfg_dns. */
struct rb_cfg_dns_host {
	char name[RB_CFG_DNS_NAME_MAX];
	struct rb_cfg_addrs ipv4;
	struct rb_cfg_addrs6 ipv6;
};

struct rb_cfg_dns_cname {
	char name[RB_CFG_DNS_NAME_MAX];
	char target[RB_CFG_DNS_NAME_MAX];
};

struct rb_cfg_dns_srv {
	char name[RB_CFG_DNS_NAME_MAX];
	char target[RB_CFG_DNS_NAME_MAX];
	uint16_t port;
	uint16_t priority;
	uint16_t weight;
};

struct rb_cfg_dns_txt {
	char name[RB_CFG_DNS_NAME_MAX];
	char text[RB_CFG_DNS_TXT_MAX][256];	/* each 0 to 255 bytes plus NUL */
	uint8_t n_text;
};

/* An upstream resolver, as a socket address of its family. */
struct rb_cfg_dns_upstream {
	bool ipv6;
	uint32_t ipv4;			/* network order */
	struct in6_addr addr6;
	uint16_t port;
};

/*
 * The DNS server.  Names are text as the config writes them: relative to
 * zone unless they end with a dot, "@" for the zone.  The checks in
 * config_dns.c guarantee that each one converts to a valid wire name.
 */
struct rb_cfg_dns {
	bool enabled;			/* the dns container is present */
	char zone[RB_CFG_DNS_NAME_MAX];
	uint16_t port;			/* UDP and TCP, default 53 */
	uint32_t ttl;			/* seconds, of every record */
	char name_servers[RB_CFG_DNS_NS_MAX][RB_CFG_DNS_NAME_MAX];
	uint8_t n_name_servers;		/* 0: one NS record, ns.<zone> */
	char primary_server[RB_CFG_DNS_NAME_MAX];	/* SOA MNAME, "" = first name server */
	char contact[RB_CFG_DNS_NAME_MAX];		/* SOA RNAME */
	uint32_t serial, refresh, retry, expire, minimum;	/* SOA fields, seconds */
	uint16_t edns_udp_size;		/* bytes */
	uint16_t tcp_idle_timeout;	/* seconds */
	uint16_t tcp_max_connections;
	bool forwarding;		/* forward names outside the zones to the upstreams */
	uint16_t forward_timeout_ms;	/* per upstream */
	struct rb_cfg_dns_upstream upstreams[RB_CFG_DNS_UPSTREAMS_MAX];
	uint8_t n_upstreams;
	struct rb_cfg_dns_host *hosts;
	size_t n_hosts;
	struct rb_cfg_dns_cname *cnames;
	size_t n_cnames;
	struct rb_cfg_dns_srv *srvs;
	size_t n_srvs;
	struct rb_cfg_dns_txt *txts;
	size_t n_txts;
};

/* One boot file rule of a profile: which file for which client. */
struct rb_cfg_bootfile {
	uint16_t arch;			/* option 93 value, or RB_ARCH_ANY */
	bool ipxe;			/* client sent user class "iPXE" */
	bool http;			/* client sent vendor class "HTTPClient"; file is a URL */
	char file[RB_BOOTFILE_MAX];
};

/*
 * One DHCPv6 boot file rule (RFC 5970): a URL for option 59 and the
 * parameters for option 60.  Rules are matched as the DHCPv4 ones: iPXE
 * first, then the client architecture of option 61, then the default.
 */
struct rb_cfg_bootfile6 {
	uint16_t arch;			/* option 61 value, or RB_ARCH_ANY */
	bool ipxe;			/* client sent user class "iPXE" (option 15) */
	char url[RB_CFG_URI_MAX];
	char params[RB_CFG_BOOT_PARAMS_MAX][RB_CFG_BOOT_PARAM_LEN];
	uint8_t n_params;
};

struct rb_cfg_profile {
	char name[RB_CFG_NAME_MAX];
	/* Ordered HTTP first, then iPXE, then per architecture, then the default. */
	struct rb_cfg_bootfile bootfiles[RB_BOOTFILES_MAX];
	uint8_t n_bootfiles;

	/* Switch ZTP and SZTP options, each absent when its count or length is 0. */
	struct rb_cfg_addrs tftp_server_addrs;		/* option 150 (RFC 5859) */
	uint8_t vendor_info[RB_CFG_OPTION_MAX];	/* option 43 payload, sent verbatim */
	uint8_t vendor_info_len;
	/* Option 143 URIs (RFC 8572), checked to fit RB_CFG_OPTION_MAX bytes encoded. */
	char sztp_servers[RB_CFG_URIS_MAX][RB_CFG_URI_MAX];
	uint8_t n_sztp_servers;
	/* PXE_DISCOVERY_CONTROL in an option 43 sent only to PXE clients. */
	bool has_pxe_discovery_control;
	uint8_t pxe_discovery_control;

	/* The per-device iPXE script of the HTTP server; none when ipxe_kernel is "". */
	char ipxe_kernel[RB_CFG_URI_MAX];
	char ipxe_initrd[RB_CFG_URI_MAX];	/* "" = no initrd line */
	char ipxe_cmdline[RB_CFG_CMDLINE_MAX];	/* {hostname}, {mac}, ... not yet replaced */

	/* DHCPv6 boot files, ordered iPXE first, then per architecture, then the default. */
	struct rb_cfg_bootfile6 bootfiles6[RB_BOOTFILES_MAX];
	uint8_t n_bootfiles6;
	/* sztp_servers above are also sent as DHCPv6 option 136. */
};

struct rb_cfg_device {
	uint8_t mac[6];
	uint32_t ipv4;
	char hostname[RB_HOSTNAME_MAX];	/* "" = none */
	size_t profile;			/* index into profiles */
	size_t subnet;			/* index of the subnet holding ipv4 */

	/*
	 * Relay agent information (RFC 3046 option 82) that selects this
	 * device whatever its chaddr; unused when both IDs are empty.
	 */
	uint32_t relay_giaddr;		/* relay agent address, 0 = any */
	uint8_t circuit_id[RB_CFG_RELAY_ID_MAX];
	uint8_t circuit_id_len;
	uint8_t remote_id[RB_CFG_RELAY_ID_MAX];
	uint8_t remote_id_len;
	struct rb_relay_key relay_key;	/* of the three fields above */

	/*
	 * DHCPv6.  A device is found by its DUID when duid_len is set (exact
	 * bytes, any DUID type), otherwise by its MAC: the link-layer address
	 * in a DUID-LL or DUID-LLT, or a relay's Client Link-Layer Address
	 * option 79.  Behind a relay, interface_id (option 18) and remote_id
	 * above (the bytes after the enterprise number of option 37) select
	 * the device as circuit-id and remote-id do for DHCPv4.
	 */
	bool has_ipv6;
	struct in6_addr ipv6;
	size_t subnet6;			/* index of the subnet6 holding ipv6 */
	uint8_t duid[RB_CFG_DUID_MAX];
	uint8_t duid_len;		/* 0 = match by MAC */
	uint8_t interface_id[RB_CFG_RELAY_ID_MAX];
	uint8_t interface_id_len;
};

#define RB_CFG_METRICS_PATH_MAX		256	/* http/metrics/path bytes plus NUL */
#define RB_CFG_METRICS_SOURCES_MAX	16	/* http/metrics/allowed-source entries */

/* A client prefix: family AF_INET (addr in its first 4 bytes) or AF_INET6. */
struct rb_cfg_prefix {
	int family;
	uint8_t addr[16];		/* network order */
	uint8_t len;			/* prefix length in bits */
};

/* Prometheus metrics on the HTTP listener (YANG container http/metrics). */
struct rb_cfg_metrics {
	bool enabled;
	char path[RB_CFG_METRICS_PATH_MAX];	/* request path, "/metrics" by default */
	struct rb_cfg_prefix allowed[RB_CFG_METRICS_SOURCES_MAX];
	size_t n_allowed;		/* 0 = every client may read them */
};

/* The control socket of rackbootctl (YANG container control). */
struct rb_cfg_control {
	char socket_path[108];		/* sun_path, NUL included */
	char group[33];			/* "" = root only */
	uint32_t max_clients;		/* connections served at once */
	uint32_t idle_timeout_s;
};

/* The HTTP server (YANG container http); off when enabled is false. */
struct rb_cfg_http {
	bool enabled;
	char root[PATH_MAX];
	uint16_t port;
	uint16_t workers;		/* 0 = one per online CPU */
	uint32_t max_connections;	/* per worker */
	uint32_t idle_timeout_s;
	/* The HTTPS listener of the same workers. */
	bool https_enabled;
	uint16_t https_port;
	char https_certificate[PATH_MAX];
	char https_private_key[PATH_MAX];
	struct rb_cfg_metrics metrics;
};

enum rb_cfg_syslog_transport {
	RB_CFG_SYSLOG_UDP,
	RB_CFG_SYSLOG_TCP,
	RB_CFG_SYSLOG_TLS,		/* RFC 5425 */
};

/* Maximum length of the server-name leaf: a DNS name of 253 characters or an address. */
#define RB_CFG_SERVER_NAME_MAX	253

/* One NMS collector that receives the forwarded syslog messages. */
struct rb_cfg_syslog_collector {
	char host[INET6_ADDRSTRLEN];	/* IPv4 or IPv6 address, as validated text */
	uint16_t port;
	uint8_t transport;		/* enum rb_cfg_syslog_transport */
	uint32_t queue_size;		/* messages */
	/* With transport TLS: the collector's certificate must chain to a CA
	 * in ca_certificates and carry server_name. */
	char ca_certificates[PATH_MAX];
	char server_name[RB_CFG_SERVER_NAME_MAX + 1];
};

/* The syslog receiver (RFC 5424, RFC 3164; TCP framing of RFC 6587; TLS of RFC 5425). */
struct rb_cfg_syslog {
	bool enabled;
	uint16_t udp_port;		/* 0 = no UDP */
	uint16_t tcp_port;		/* 0 = no TCP */
	uint32_t max_message;		/* bytes; longer messages are cut */
	uint32_t entries_per_device;
	uint32_t max_connections;
	uint32_t idle_timeout_s;
	uint32_t commit_interval_ms;	/* longest time a ring waits for its store write */
	/* The TLS listener (RFC 5425); the other fields are empty without it. */
	bool tls_enabled;
	uint16_t tls_port;
	char tls_certificate[PATH_MAX];
	char tls_private_key[PATH_MAX];
	char tls_client_ca[PATH_MAX];	/* "" = no client certificate requested */
	struct rb_cfg_syslog_collector collectors[RB_CFG_SYSLOG_COLLECTORS_MAX];
	size_t n_collectors;
};

struct rb_config {
	char bpffs_pin_path[PATH_MAX];	/* folder for pinned maps */
	char tftp_root[PATH_MAX];
	uint16_t tftp_port;		/* default 69 */
	uint16_t tftp_windowsize_max;	/* RFC 7440 blocks per ACK; default 16 */
	uint32_t tftp_timeout_ms;	/* first retransmission timeout; default 1000 */
	uint16_t tftp_retries;		/* retransmissions before a transfer is abandoned; default 5 */
	uint32_t tftp_block_store_mib;	/* XDP TFTP block store, 0 = off; default 64 */
	uint16_t dhcp4_server_port;	/* default 67 */
	uint16_t dhcp6_server_port;	/* default 547; clients are on server port - 1 */
	uint8_t server_duid[RB_CFG_DUID_MAX];	/* DHCPv6 option 2 */
	uint8_t server_duid_len;	/* 0 = derived at start (DUID-UUID of /etc/machine-id) */
	uint32_t decline_quarantine;	/* seconds a declined pool address rests, default 300 */
	char store_path[PATH_MAX];	/* folder of the LMDB store */
	uint64_t store_map_size;	/* bytes */
	uint32_t store_commit_ms;	/* longest wait of a lease for its commit */
	char log_level[16];		/* error, warning, info, debug */
	struct rb_cfg_http http;
	struct rb_cfg_control control;

	struct rb_cfg_iface *ifaces;
	size_t n_ifaces;
	struct rb_cfg_subnet *subnets;
	size_t n_subnets;
	struct rb_cfg_profile *profiles;
	size_t n_profiles;
	struct rb_cfg_device *devices;
	size_t n_devices;
	struct rb_cfg_subnet6 *subnets6;
	size_t n_subnets6;
	struct rb_cfg_ra *ras;		/* router advertisements, one per interface */
	size_t n_ras;
	struct rb_cfg_dns dns;		/* the DNS server; off unless dns.enabled */

	/* Indexes into devices, sorted by MAC and by ipv4, for the lookups. */
	uint32_t *devices_by_mac;
	uint32_t *devices_by_ipv4;
	/* The same for the devices that have a DUID, and those that have an ipv6. */
	uint32_t *devices_by_duid;
	size_t n_devices_by_duid;
	uint32_t *devices_by_ipv6;
	size_t n_devices_by_ipv6;

	struct rb_cfg_syslog syslog;
};

/* One reason a config was rejected. */
struct rb_cfg_error {
	char path[512];		/* data path, "/rackboot:rackboot/..." */
	char value[256];	/* offending value, "" when none applies */
	char message[512];
};

struct rb_cfg_errors {
	struct rb_cfg_error *items;
	size_t count;
	size_t omitted;		/* errors past RB_CFG_ERRORS_MAX or out of memory */
};

/*
 * Load and validate the config file at path.  On success returns 0 and
 * sets *out.  On failure returns a negative errno, sets *out to NULL and
 * fills errs with every error found (callers log each one).  errs is
 * overwritten, not appended to: free it with rb_cfg_errors_free() after
 * each call.
 */
int rb_config_load(const char *path, struct rb_config **out, struct rb_cfg_errors *errs);

/* The same from a JSON string, for tests and reloads. */
int rb_config_load_string(const char *json, struct rb_config **out, struct rb_cfg_errors *errs);

void rb_config_free(struct rb_config *cfg);
void rb_cfg_errors_free(struct rb_cfg_errors *errs);

/*
 * Format one error for a log line: 'PATH: value "VALUE": MESSAGE', leaving
 * out the parts that are empty.  Returns buf.
 */
char *rb_cfg_error_format(const struct rb_cfg_error *err, char *buf, size_t size);

/* One leaf that differs between the running config and a new one, which a reload cannot apply. */
struct rb_cfg_restart_leaf {
	char path[128];		/* data path, "/rackboot:rackboot/tftp/port" */
	char old_value[256];	/* as text; a list of names for list entries */
	char new_value[256];
};

/*
 * Compare next with the running config for a reload, and list the
 * leaves that differ and that only a restart of rackbootd applies.
 * These are ports, interfaces and XDP mode, the store, HTTP workers and
 * TLS files, and others that config_restart.c lists.  running is the config in use,
 * whose server_duid rackbootd sets at start; a next without server-duid
 * keeps that DUID.  Fills up to max items of out and returns how many
 * leaves differ, which may be more than max; 0 = the reload may go on.
 */
size_t rb_config_restart_leaves(const struct rb_config *running, const struct rb_config *next,
				struct rb_cfg_restart_leaf *out, size_t max);

/* Lookups used by the services; return NULL when absent. */
const struct rb_cfg_device *rb_config_device_by_mac(const struct rb_config *cfg,
						    const uint8_t mac[6]);
const struct rb_cfg_device *rb_config_device_by_ipv4(const struct rb_config *cfg,
						     uint32_t ipv4);

/*
 * Find the device reserved for the relay agent information of a relayed
 * request: giaddr and the circuit-id and remote-id sub-options of its
 * option 82 (length 0 when absent).  A reservation matches when each
 * field it names is equal; one that names more fields wins.
 */
const struct rb_cfg_device *rb_config_device_by_relay(const struct rb_config *cfg,
						      uint32_t giaddr,
						      const uint8_t *circuit_id, size_t circuit_len,
						      const uint8_t *remote_id, size_t remote_len);

/*
 * DHCPv6 lookups.  rb_config_device_by_duid() compares the DUID bytes
 * exactly.  The caller finds a device without a DUID by the MAC in a
 * DUID-LL or DUID-LLT, which it extracts, through rb_config_device_by_mac().
 */
const struct rb_cfg_device *rb_config_device_by_duid(const struct rb_config *cfg,
						     const uint8_t *duid, size_t duid_len);
const struct rb_cfg_device *rb_config_device_by_ipv6(const struct rb_config *cfg,
						     const struct in6_addr *addr);

/*
 * Find the device reserved for a DHCPv6 Relay-forward message: the
 * Interface-Id option (18) and the Remote-ID option (37) without its
 * 4-byte enterprise number, length 0 when absent.  A reservation
 * matches when each field it names is equal; one that names more fields
 * wins, and among equals the first in the file.
 */
const struct rb_cfg_device *rb_config_device_by_relay6(const struct rb_config *cfg,
						       const uint8_t *interface_id,
						       size_t interface_id_len,
						       const uint8_t *remote_id, size_t remote_id_len);

/* The subnet6 whose prefix contains addr. */
const struct rb_cfg_subnet6 *rb_config_subnet6_by_addr(const struct rb_config *cfg,
						       const struct in6_addr *addr);

/* The first subnet6 served directly on interface ifname; NULL for "". */
const struct rb_cfg_subnet6 *rb_config_subnet6_by_iface(const struct rb_config *cfg,
							const char *ifname);

/* The router advertisement settings of interface ifname. */
const struct rb_cfg_ra *rb_config_ra_by_iface(const struct rb_config *cfg, const char *ifname);

#endif
