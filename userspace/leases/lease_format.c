// SPDX-License-Identifier: MIT
/* The store's leases as a table or JSON, for rackbootctl leases. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <time.h>

#include "leases/lease_format.h"
#include "store/store.h"
#include "xdp/device_state.h"

struct print_state {
	FILE *out;
	bool json;
	size_t n;
};

static const char *source_name(uint16_t source)
{
	return source == RB_LEASE_XDP ? "xdp" : "userspace";
}

/* "2026-12-04 23:05:00" in UTC. */
static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, 32, "%" PRId64, t);
}

static int print_one(const struct rb_store_lease *lease, void *arg)
{
	struct print_state *s = arg;
	char mac[18], addr[INET_ADDRSTRLEN], start[32], end[32];

	rb_mac_format(lease->mac, mac);
	inet_ntop(AF_INET, &lease->ipv4, addr, sizeof(addr));
	if (s->json) {
		fprintf(s->out, "%s{\"mac\":\"%s\",\"ipv4\":\"%s\",\"source\":\"%s\","
			"\"template_id\":%u,\"start\":%" PRId64 ",\"end\":%" PRId64 "}",
			s->n ? "," : "", mac, addr, source_name(lease->source), lease->template_id,
			lease->start, lease->end);
	} else {
		format_time(lease->start, start);
		format_time(lease->end, end);
		fprintf(s->out, "%-17s  %-15s  %-9s  %-19s  %-19s\n", mac, addr,
			source_name(lease->source), start, end);
	}
	s->n++;
	return 0;
}

static const char *state6_name(uint16_t state)
{
	switch (state) {
	case RB_LEASE6_BOUND:
		return "bound";
	case RB_LEASE6_RELEASED:
		return "released";
	default:
		return "expired";
	}
}

static void format_duid(const struct rb_store_lease6 *lease, char *out, size_t size)
{
	size_t pos = 0;

	out[0] = '\0';
	for (size_t i = 0; i < lease->duid_len && pos + 3 < size; i++)
		pos += (size_t)snprintf(out + pos, size - pos, i ? ":%02x" : "%02x", lease->duid[i]);
}

static int print_one6(const struct rb_store_lease6 *lease, void *arg)
{
	struct print_state *s = arg;
	char duid[3 * RB_STORE_DUID_MAX + 1], mac[18] = "", addr[INET6_ADDRSTRLEN], start[32], end[32];

	format_duid(lease, duid, sizeof(duid));
	if (lease->has_mac)
		rb_mac_format(lease->mac, mac);
	inet_ntop(AF_INET6, &lease->addr, addr, sizeof(addr));
	if (s->json) {
		fprintf(s->out, "%s{\"duid\":\"%s\",\"iaid\":%u,\"ipv6\":\"%s\",\"state\":\"%s\","
			"\"mac\":\"%s\",\"subnet6\":%u,\"start\":%" PRId64 ",\"end\":%" PRId64 "}",
			s->n ? "," : "", duid, lease->iaid, addr, state6_name(lease->state), mac,
			lease->subnet6, lease->start, lease->end);
	} else {
		format_time(lease->start, start);
		format_time(lease->end, end);
		fprintf(s->out, "%-39s  %-10u  %-8s  %-19s  %-19s  %s\n", addr, lease->iaid,
			state6_name(lease->state), start, end, duid);
	}
	s->n++;
	return 0;
}

/*
 * The DHCPv6 leases after the DHCPv4 ones: a "leases6" member in JSON,
 * a second table otherwise.
 */
static int print_leases6(FILE *out, struct rb_store *st, bool json)
{
	struct print_state s = { .out = out, .json = json };
	int err;

	if (json)
		fputs(",\"leases6\":[", out);
	else
		fprintf(out, "\n%-39s  %-10s  %-8s  %-19s  %-19s  %s\n", "IPV6 ADDRESS", "IAID",
			"STATE", "START (UTC)", "END (UTC)", "DUID");
	err = rb_store_foreach_lease6(st, print_one6, &s);
	if (json)
		fputs("]", out);
	else
		fprintf(out, "%zu DHCPv6 leases\n", s.n);
	return err;
}

int rb_lease_print(FILE *out, struct rb_store *st, bool json)
{
	struct print_state s = { .out = out, .json = json };
	int err, err6;

	if (json)
		fputs("{\"leases\":[", out);
	else
		fprintf(out, "%-17s  %-15s  %-9s  %-19s  %-19s\n", "MAC", "ADDRESS", "SOURCE",
			"START (UTC)", "END (UTC)");
	err = rb_store_foreach_lease(st, print_one, &s);
	if (json)
		fputs("]", out);
	else
		fprintf(out, "%zu leases\n", s.n);
	err6 = print_leases6(out, st, json);
	if (json)
		fputs("}\n", out);
	return err ?: err6;
}
