// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnsgen_names.h"
#include "gen_sum.h"

#define LABEL_MAX	63	/* RFC 1035 section 2.3.4 */
#define IPV4_DF		0x4000	/* don't fragment, as Linux sets it on a small UDP datagram */
#define IPV4_TTL	64
#define IPV4_PROTO_UDP	17

size_t dnsgen_name_encode(const char *name, uint8_t *out)
{
	size_t len = 0, label;
	const char *dot;

	if (strcmp(name, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	while (*name) {
		dot = strchr(name, '.');
		label = dot ? (size_t)(dot - name) : strlen(name);
		/* The label, its length byte and the root label must fit. */
		if (label == 0 || label > LABEL_MAX || len + 1 + label + 1 > DNSGEN_NAME_MAX)
			return 0;
		out[len] = (uint8_t)label;
		memcpy(out + len + 1, name, label);
		len += 1 + label;
		name += label;
		if (*name == '.')
			name++;
	}
	if (len == 0)
		return 0;
	out[len++] = 0;
	return len;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
	return p + 2;
}

void dnsgen_name_build(struct dnsgen_name *entry, const struct dnsgen_endpoints *ends,
		       const uint8_t *qname, size_t qname_len, uint32_t addr)
{
	size_t frame_len = DNSGEN_FRAME_LEN(qname_len);
	size_t udp_len = frame_len - DNSGEN_UDP_OFF;
	uint8_t *frame = entry->frame;
	uint8_t *ip = frame + DNSGEN_IP_OFF, *udp = frame + DNSGEN_UDP_OFF;
	uint8_t *dns = frame + DNSGEN_DNS_OFF, *p;
	uint16_t check;

	memset(entry, 0, sizeof(*entry));
	memcpy(frame, ends->server_mac, 6);
	memcpy(frame + 6, ends->client_mac, 6);
	put16(frame + 12, 0x0800);	/* EtherType IPv4 */

	ip[0] = 0x45;			/* version 4, 20-byte header */
	put16(ip + 2, (uint16_t)(frame_len - DNSGEN_IP_OFF));
	put16(ip + 6, IPV4_DF);
	ip[8] = IPV4_TTL;
	ip[9] = IPV4_PROTO_UDP;
	memcpy(ip + 12, &ends->client_addr, 4);
	memcpy(ip + 16, &ends->server_addr, 4);
	check = gen_sum_fold(gen_sum_words(ip, 20));
	memcpy(ip + 10, &check, 2);

	/* Source port and checksum stay 0: XDP writes them. */
	put16(udp + 2, DNSGEN_DNS_PORT);
	put16(udp + 4, (uint16_t)udp_len);

	/* ID 0 (XDP writes it), RD, one question. */
	dns[2] = DNSGEN_FLAGS1_RD;
	put16(dns + 4, 1);
	p = dns + DNSGEN_HDR_LEN;
	memcpy(p, qname, qname_len);
	p = put16(p + qname_len, DNSGEN_TYPE_A);
	put16(p, DNSGEN_CLASS_IN);

	/* The zeros after the frame pad an odd datagram for the sum. */
	entry->sum = gen_sum_udp4(ip, udp_len);
	entry->addr = addr;
	entry->frame_len = (uint16_t)frame_len;
	entry->qname_len = (uint16_t)qname_len;
}

/* Parse one "NAME ADDRESS" line into entry.  Returns 0, or -EINVAL after a message. */
static int parse_line(char *line, const char *path, unsigned long lineno, const char *tool,
		      const struct dnsgen_endpoints *ends, struct dnsgen_name *entry)
{
	uint8_t qname[DNSGEN_NAME_MAX];
	char *name, *addr_text, *extra, *save = NULL;
	struct in_addr addr;
	size_t qname_len;

	name = strtok_r(line, " \t\r\n", &save);
	addr_text = strtok_r(NULL, " \t\r\n", &save);
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (!addr_text || extra) {
		fprintf(stderr, "%s: %s line %lu: expected 'NAME IPV4-ADDRESS', the name and "
			"the A record that the servers return for it\n", tool, path, lineno);
		return -EINVAL;
	}
	qname_len = dnsgen_name_encode(name, qname);
	if (qname_len == 0) {
		fprintf(stderr, "%s: %s line %lu: invalid name '%s'; labels must be 1 to 63 "
			"bytes and the name at most %d bytes in wire format\n", tool, path, lineno,
			name, DNSGEN_NAME_MAX);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, addr_text, &addr) != 1) {
		fprintf(stderr, "%s: %s line %lu: invalid IPv4 address '%s'\n", tool, path,
			lineno, addr_text);
		return -EINVAL;
	}
	dnsgen_name_build(entry, ends, qname, qname_len, addr.s_addr);
	return 0;
}

int dnsgen_names_read(FILE *in, const char *path, const char *tool,
		      const struct dnsgen_endpoints *ends, struct dnsgen_name **names)
{
	struct dnsgen_name *list = NULL, *grown;
	size_t cap = 0, n = 0, size = 0;
	unsigned long lineno = 0;
	char *line = NULL, *p;
	int err = -EINVAL;

	while (getline(&line, &size, in) != -1) {
		lineno++;
		p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		if (n == DNSGEN_MAX_NAMES) {
			fprintf(stderr, "%s: %s has more than %d names; remove some\n", tool, path,
				DNSGEN_MAX_NAMES);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				fprintf(stderr, "%s: out of memory reading %s\n", tool, path);
				err = -ENOMEM;
				goto fail;
			}
			list = grown;
		}
		if (parse_line(p, path, lineno, tool, ends, &list[n]))
			goto fail;
		n++;
	}
	free(line);
	if (n == 0) {
		fprintf(stderr, "%s: %s has no 'NAME IPV4-ADDRESS' lines\n", tool, path);
		free(list);
		return -EINVAL;
	}
	*names = list;
	return (int)n;

fail:
	free(line);
	free(list);
	return err;
}
