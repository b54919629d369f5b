// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "common/log.h"
#include "xdp/device_state.h"
#include "xdp/map_names.h"
#include "xdp/state_format.h"

void rb_json_string(FILE *out, const void *data, size_t len)
{
	const unsigned char *p = data;

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(out, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			/* Bytes past ASCII are not known to be UTF-8, so each is escaped. */
			fprintf(out, "\\u%04x", p[i]);
		else
			fputc(p[i], out);
	}
	fputc('"', out);
}

const char *rb_state_ipv6_source_name(enum rb_state_ipv6_source source)
{
	switch (source) {
	case RB_STATE_IPV6_RESERVATION:
		return "reservation";
	case RB_STATE_IPV6_LEASE:
		return "lease";
	default:
		return "none";
	}
}

const char *rb_state_ipv6_text(const struct rb_state_device *d, char buf[INET6_ADDRSTRLEN])
{
	if (d->ipv6_source == RB_STATE_IPV6_NONE)
		return NULL;
	return inet_ntop(AF_INET6, d->ipv6, buf, INET6_ADDRSTRLEN);
}

void rb_state_ipv6_json(FILE *out, const struct rb_state_device *d)
{
	char addr6[INET6_ADDRSTRLEN];

	if (!rb_state_ipv6_text(d, addr6)) {
		fputs("\"ipv6\":null,\"ipv6_source\":null", out);
		return;
	}
	fprintf(out, "\"ipv6\":\"%s\",\"ipv6_source\":\"%s\"", addr6,
		rb_state_ipv6_source_name(d->ipv6_source));
}

static void device_json(FILE *out, const struct rb_state_device *d)
{
	const struct rb_device *r = &d->rec;
	char mac[18], addr[INET_ADDRSTRLEN];
	const char *sep = "";
	size_t host_len = r->hostname_len < RB_HOSTNAME_MAX ? r->hostname_len : RB_HOSTNAME_MAX;

	inet_ntop(AF_INET, &r->ipv4, addr, sizeof(addr));
	fprintf(out, "{\"mac\":\"%s\",\"ipv4\":\"%s\",\"hostname\":",
		rb_mac_format(d->key.addr, mac), addr);
	rb_json_string(out, r->hostname, host_len);
	fprintf(out, ",\"phase\":\"%s\",\"phase_times_ns\":{", rb_phase_name(r->phase));
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		if (r->phase_ns[p] == 0)
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, sep, rb_phase_names[p], (uint64_t)r->phase_ns[p]);
		sep = ",";
	}
	fprintf(out, "},\"xdp_replies\":%" PRIu64 ",\"us_replies\":%" PRIu64 ",\"client_arch\":",
		(uint64_t)r->xdp_replies, (uint64_t)r->us_replies);
	if (r->client_arch == RB_ARCH_ANY)
		fputs("null", out);
	else
		fprintf(out, "%u", r->client_arch);

	/* The option 97 UUID in wire order, in the 8-4-4-4-12 form of RFC 4122. */
	fputs(",\"uuid\":", out);
	if (r->has_uuid) {
		fputc('"', out);
		for (int i = 0; i < 16; i++)
			fprintf(out, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "",
				r->uuid[i]);
		fputc('"', out);
	} else {
		fputs("null", out);
	}

	fputc(',', out);
	rb_state_ipv6_json(out, d);
	fputc('}', out);
}

void rb_state_devices_json(FILE *out, const struct rb_state_device *devs, size_t n)
{
	fputs("{\"devices\":[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", out);
		device_json(out, &devs[i]);
	}
	fputs(n ? "\n]}\n" : "]}\n", out);
}

/* The earliest phase time of a record, 0 when it reached none. */
static uint64_t first_phase_ns(const struct rb_device *r)
{
	uint64_t first = 0;

	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		if (r->phase_ns[p] && (first == 0 || r->phase_ns[p] < first))
			first = r->phase_ns[p];
	}
	return first;
}

static void phase_offset(char *buf, size_t size, uint64_t t, uint64_t base)
{
	if (t == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "+%.3f", (double)(t - base) / 1e9);
}

/*
 * Width of the table's IPV6 column: an address of up to 24 characters
 * and the reservation mark keep the columns after it aligned.
 */
#define IPV6_COLUMN	"25"

/* The IPV6 cell: the address, with "*" when it is only reserved, or "-". */
static void format_ipv6(char *buf, size_t size, const struct rb_state_device *d)
{
	char addr6[INET6_ADDRSTRLEN];

	if (!rb_state_ipv6_text(d, addr6)) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%s%s", addr6, d->ipv6_source == RB_STATE_IPV6_RESERVATION ? "*" : "");
}

static void device_row(FILE *out, const struct rb_state_device *d)
{
	const struct rb_device *r = &d->rec;
	uint64_t base = first_phase_ns(r);
	char mac[18], addr[INET_ADDRSTRLEN], addr6[INET6_ADDRSTRLEN + 1];
	char host[RB_HOSTNAME_MAX * 4 + 1], arch[8];
	char offered[24], leased[24], bootfile[24];
	size_t host_len = r->hostname_len < RB_HOSTNAME_MAX ? r->hostname_len : RB_HOSTNAME_MAX;

	inet_ntop(AF_INET, &r->ipv4, addr, sizeof(addr));
	rb_escape(r->hostname, host_len, host, sizeof(host));
	phase_offset(offered, sizeof(offered), r->phase_ns[RB_PHASE_OFFERED], base);
	phase_offset(leased, sizeof(leased), r->phase_ns[RB_PHASE_LEASED], base);
	phase_offset(bootfile, sizeof(bootfile), r->phase_ns[RB_PHASE_BOOTFILE], base);
	if (r->client_arch == RB_ARCH_ANY)
		snprintf(arch, sizeof(arch), "-");
	else
		snprintf(arch, sizeof(arch), "%u", r->client_arch);

	format_ipv6(addr6, sizeof(addr6), d);

	fprintf(out, "%-17s  %-15s  %-" IPV6_COLUMN "s  %-20s  %-10s  %9s  %9s  %9s  %6" PRIu64 "  %6"
		PRIu64 "  %4s\n", rb_mac_format(d->key.addr, mac), addr, addr6, host[0] ? host : "-",
		rb_phase_name(r->phase), offered, leased, bootfile, (uint64_t)r->xdp_replies,
		(uint64_t)r->us_replies, arch);
}

void rb_state_devices_table(FILE *out, const struct rb_state_device *devs, size_t n)
{
	bool reserved = false;

	fprintf(out, "%-17s  %-15s  %-" IPV6_COLUMN "s  %-20s  %-10s  %9s  %9s  %9s  %6s  %6s  %4s\n",
		"MAC", "IPV4", "IPV6", "HOSTNAME", "PHASE", "OFFERED", "LEASED", "BOOTFILE", "XDP",
		"US", "ARCH");
	for (size_t i = 0; i < n; i++) {
		device_row(out, &devs[i]);
		reserved |= devs[i].ipv6_source == RB_STATE_IPV6_RESERVATION;
	}
	fprintf(out, "%zu devices; times in seconds after the first phase reached\n", n);
	if (reserved)
		fputs("IPV6 with *: reserved in the inventory, not leased (no bound lease in the "
		      "store)\n", out);
}

static void counters_json(FILE *out, const char *name, const char *const *names,
			  const uint64_t *values, size_t n)
{
	fprintf(out, "\"%s\":{", name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", names[i], values[i]);
	fputc('}', out);
}

void rb_state_stats_json(FILE *out, const struct rb_state_stats *stats)
{
	fputc('{', out);
	counters_json(out, "xdp", rb_xdp_counter_names, stats->xdp, RB_XC_COUNT);
	fputc(',', out);
	counters_json(out, "userspace", rb_us_counter_names, stats->us, RB_UC_COUNT);
	fputs("}\n", out);
}

static void counters_table(FILE *out, const char *title, const char *const *names,
			   const uint64_t *values, size_t n)
{
	int width = 0;

	/* One column for the names, as wide as the longest. */
	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(names[i]) > width)
			width = (int)strlen(names[i]);
	}
	fprintf(out, "%s\n", title);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-*s %16" PRIu64 "\n", width, names[i], values[i]);
}

void rb_state_stats_table(FILE *out, const struct rb_state_stats *stats)
{
	counters_table(out, "xdp (summed over CPUs)", rb_xdp_counter_names, stats->xdp,
		       RB_XC_COUNT);
	counters_table(out, "userspace", rb_us_counter_names, stats->us, RB_UC_COUNT);
}
