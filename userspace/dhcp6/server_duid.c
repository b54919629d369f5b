// SPDX-License-Identifier: MIT
/*
 * The server's DUID (option 2): the configured server-duid, else a
 * DUID-UUID (RFC 6355, type 4) derived from /etc/machine-id, else a
 * DUID-LL (RFC 8415 section 11.4, type 3) of the first served interface.
 *
 * machine-id(5) recommends that applications do not expose the ID, so the
 * UUID is HMAC-SHA256(key = machine ID, message = RB_DUID_APP_KEY)
 * truncated to 16 bytes, with the version 4 and variant bits set.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/log.h"
#include "dhcp6/server.h"

/* The HMAC message that makes the UUID specific to rackboot's DHCPv6 server. */
#define RB_DUID_APP_KEY	"rackboot dhcpv6 server-duid"

#define DUID_TYPE_LL	3
#define DUID_TYPE_UUID	4
#define MACHINE_ID_LEN	16

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the 128-bit machine ID: 32 hex digits and a newline. */
static int read_machine_id(const char *path, uint8_t id[MACHINE_ID_LEN])
{
	char text[64] = "";
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	if (n < 2 * MACHINE_ID_LEN)
		return -EINVAL;

	for (int i = 0; i < MACHINE_ID_LEN; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		id[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rb_dhcp6_duid_from_machine_id(const char *path, uint8_t *duid, size_t *len)
{
	uint8_t id[MACHINE_ID_LEN], digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	int err;

	err = read_machine_id(path, id);
	if (err)
		return err;
	if (!HMAC(EVP_sha256(), id, sizeof(id), (const unsigned char *)RB_DUID_APP_KEY,
		  strlen(RB_DUID_APP_KEY), digest, &digest_len) || digest_len < 16) {
		log_err("dhcpv6: HMAC-SHA256 of the machine ID from %s failed in OpenSSL; "
			"set dhcpv6 server-duid in the config", path);
		return -EIO;
	}

	/* RFC 4122 version 4 and variant 10xx bits, as for a random UUID. */
	digest[6] = (uint8_t)((digest[6] & 0x0f) | 0x40);
	digest[8] = (uint8_t)((digest[8] & 0x3f) | 0x80);
	duid[0] = 0;
	duid[1] = DUID_TYPE_UUID;
	memcpy(duid + 2, digest, 16);
	*len = 18;
	return 0;
}

int rb_dhcp6_duid_from_iface(const char *ifname, uint8_t *duid, size_t *len)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	if (snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname) >= (int)sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EAFNOSUPPORT;

	/* DUID-LL: type 3, hardware type 1 (Ethernet), link-layer address. */
	duid[0] = 0;
	duid[1] = DUID_TYPE_LL;
	duid[2] = 0;
	duid[3] = ARPHRD_ETHER;
	memcpy(duid + 4, ifr.ifr_hwaddr.sa_data, 6);
	*len = 10;
	return 0;
}

char *rb_dhcp6_format_duid(const uint8_t *duid, size_t len, char *out, size_t size)
{
	size_t pos = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && pos + 3 < size; i++)
		pos += (size_t)snprintf(out + pos, size - pos, i ? ":%02x" : "%02x", duid[i]);
	return out;
}

int rb_dhcp6_server_duid(const struct rb_config *cfg, const char *machine_id_path,
			 uint8_t *duid, size_t *len)
{
	char text[3 * RB_CFG_DUID_MAX + 1] = "";
	const char *origin;
	int err;

	if (cfg->server_duid_len) {
		memcpy(duid, cfg->server_duid, cfg->server_duid_len);
		*len = cfg->server_duid_len;
		origin = "config server-duid";
	} else if ((err = rb_dhcp6_duid_from_machine_id(machine_id_path, duid, len)) == 0) {
		origin = "DUID-UUID derived from the machine ID";
	} else {
		const char *ifname = NULL;

		log_info("dhcpv6: no DUID-UUID from %s (%s); using the DUID-LL of the first "
			 "DHCPv6 interface", machine_id_path, strerror(-err));
		for (size_t i = 0; i < cfg->n_subnets6 && !ifname; i++) {
			if (cfg->subnets6[i].interface[0])
				ifname = cfg->subnets6[i].interface;
		}
		if (!ifname && cfg->n_ifaces)
			ifname = cfg->ifaces[0].name;
		if (!ifname) {
			log_err("dhcpv6: no server DUID: %s is unusable and no interface is "
				"configured; set dhcpv6 server-duid", machine_id_path);
			return -ENOENT;
		}
		err = rb_dhcp6_duid_from_iface(ifname, duid, len);
		if (err) {
			log_err("dhcpv6: reading the MAC of %s for the server DUID failed: %s; set "
				"dhcpv6 server-duid", ifname, strerror(-err));
			return err;
		}
		origin = "DUID-LL of the first DHCPv6 interface";
	}

	rb_dhcp6_format_duid(duid, *len, text, sizeof(text));
	log_info("dhcpv6: server DUID %s (%s)", text, origin);
	return 0;
}
