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

int rb_lease_print(FILE *out, struct rb_store *st, bool json)
{
	struct print_state s = { .out = out, .json = json };
	int err;

	if (json)
		fputs("{\"leases\":[", out);
	else
		fprintf(out, "%-17s  %-15s  %-9s  %-19s  %-19s\n", "MAC", "ADDRESS", "SOURCE",
			"START (UTC)", "END (UTC)");
	err = rb_store_foreach_lease(st, print_one, &s);
	if (json)
		fputs("]}\n", out);
	else
		fprintf(out, "%zu leases\n", s.n);
	return err;
}
