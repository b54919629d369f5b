// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_ipxe.h"
#include "http/http_path.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rb_http_parse_mac(const char *text, uint8_t mac[6])
{
	size_t len = strlen(text);
	char sep;
	size_t step;

	if (len == 12) {
		sep = '\0';
		step = 2;
	} else if (len == 17 && (text[2] == ':' || text[2] == '-')) {
		sep = text[2];
		step = 3;
	} else {
		return -EINVAL;
	}
	for (size_t i = 0; i < 6; i++) {
		const char *p = text + i * step;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (sep && i < 5 && p[2] != sep)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rb_http_ipxe_target(const char *path, const char *query, uint8_t mac[6], int *is_script)
{
	static const char suffix[] = ".ipxe";
	char name[32];
	size_t prefix = strlen(RB_HTTP_IPXE_PREFIX), len;

	*is_script = 0;
	if (strcmp(path, RB_HTTP_IPXE_BOOT) == 0) {
		*is_script = 1;
		if (rb_http_query_value(query, "mac", name, sizeof(name)))
			return -EINVAL;
		return rb_http_parse_mac(name, mac);
	}
	if (strncmp(path, RB_HTTP_IPXE_PREFIX, prefix) != 0 || strchr(path + prefix, '/'))
		return 0;
	len = strlen(path + prefix);
	if (len <= sizeof(suffix) - 1 || strcasecmp(path + prefix + len - 5, suffix) != 0)
		return 0;
	len -= sizeof(suffix) - 1;
	if (len >= sizeof(name))
		return 0;
	memcpy(name, path + prefix, len);
	name[len] = '\0';
	if (rb_http_parse_mac(name, mac))
		return 0;
	*is_script = 1;
	return 0;
}

/* An output buffer with a sticky overflow flag. */
struct script {
	char *out;
	size_t size;
	size_t len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void put(struct script *s, const char *fmt, ...)
{
	size_t room = s->size - s->len;
	va_list ap;
	int n;

	if (s->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->out + s->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		s->overflow = true;
		return;
	}
	s->len += (size_t)n;
}

/* The device values that replace each {name} in ipxe-cmdline. */
struct device_values {
	char hostname[RB_HOSTNAME_MAX + 1];
	char mac[18];
	char ipv4[INET_ADDRSTRLEN];
	char ipv6[INET6_ADDRSTRLEN];
	const char *profile;
};

static void device_values(const struct rb_config *cfg, const struct rb_cfg_device *dev,
			  struct device_values *v)
{
	const uint8_t *m = dev->mac;

	snprintf(v->hostname, sizeof(v->hostname), "%s", dev->hostname);
	snprintf(v->mac, sizeof(v->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	inet_ntop(AF_INET, &dev->ipv4, v->ipv4, sizeof(v->ipv4));
	v->ipv6[0] = '\0';
	if (dev->has_ipv6)
		inet_ntop(AF_INET6, &dev->ipv6, v->ipv6, sizeof(v->ipv6));
	v->profile = cfg->profiles[dev->profile].name;
}

static const char *value_of(const struct device_values *v, const char *name, size_t len)
{
	static const char *const names[] = { "hostname", "mac", "ipv4", "ipv6", "profile" };
	const char *values[] = { v->hostname, v->mac, v->ipv4, v->ipv6, v->profile };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return values[i];
	}
	return NULL;
}

/* Copy cmdline with each known {name} replaced by the device's value. */
static void put_cmdline(struct script *s, const char *cmdline, const struct device_values *v)
{
	const char *p = cmdline;

	while (*p) {
		const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
		const char *value = close ? value_of(v, p + 1, (size_t)(close - p - 1)) : NULL;

		if (value) {
			put(s, "%s", value);
			p = close + 1;
		} else {
			put(s, "%c", *p);
			p++;
		}
	}
}

long rb_http_ipxe_script(const struct rb_config *cfg, const uint8_t mac[6], char *out,
			 size_t size, const char **reason)
{
	const struct rb_cfg_device *dev = rb_config_device_by_mac(cfg, mac);
	const struct rb_cfg_profile *profile;
	struct script s = { .out = out, .size = size };
	struct device_values v;

	if (!dev) {
		*reason = "no device with this MAC in the inventory";
		return -ENOENT;
	}
	profile = &cfg->profiles[dev->profile];
	if (profile->ipxe_kernel[0] == '\0') {
		*reason = "the device's boot profile has no ipxe-kernel";
		return -ENODATA;
	}
	device_values(cfg, dev, &v);

	put(&s, "#!ipxe\n# rackboot: %s %s, profile %s\n", v.hostname[0] ? v.hostname : "-", v.mac,
	    v.profile);
	put(&s, "kernel %s", profile->ipxe_kernel);
	if (profile->ipxe_cmdline[0]) {
		put(&s, " ");
		put_cmdline(&s, profile->ipxe_cmdline, &v);
	}
	put(&s, "\n");
	if (profile->ipxe_initrd[0])
		put(&s, "initrd %s\n", profile->ipxe_initrd);
	put(&s, "boot\n");
	if (s.overflow) {
		*reason = "the script does not fit the response buffer";
		return -ENOSPC;
	}
	return (long)s.len;
}
