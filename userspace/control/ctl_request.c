// SPDX-License-Identifier: MIT
/*
 * Parse control requests (ctl_request.h) with jansson.  The parser
 * checks each key against the command's list, each value's type and
 * length, and copies into the caller's struct only a request that is
 * valid as a whole.
 */
#include <errno.h>
#include <jansson.h>
#include <net/ethernet.h>
#include <netinet/ether.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control/ctl_request.h"
#include "xdp/map_names.h"

/* Key bits: the keys a command takes, beside "command" and "format". */
#define KEY_PHASE	0x01
#define KEY_PROFILE	0x02
#define KEY_SUBNET	0x04
#define KEY_MAC		0x08
#define KEY_DEVICE	0x10
#define KEY_LINES	0x20
#define KEY_SLOWEST	0x40

struct command_info {
	enum rb_ctl_command command;
	const char *name;
	unsigned int keys;	/* KEY_* the command takes */
	unsigned int required;	/* KEY_* it needs */
};

static const struct command_info commands[] = {
	{ RB_CTL_DEVICES, "devices", KEY_PHASE | KEY_PROFILE | KEY_SUBNET, 0 },
	{ RB_CTL_DEVICE, "device", KEY_MAC, KEY_MAC },
	{ RB_CTL_LEASES, "leases", 0, 0 },
	{ RB_CTL_STATS, "stats", 0, 0 },
	{ RB_CTL_LOGS, "logs", KEY_DEVICE | KEY_LINES, KEY_DEVICE },
	{ RB_CTL_RELOAD, "reload", 0, 0 },
	{ RB_CTL_TOP, "top", KEY_SLOWEST, 0 },
};

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct {
	const char *name;
	unsigned int key;
} key_names[] = {
	{ "phase", KEY_PHASE },	{ "profile", KEY_PROFILE }, { "subnet", KEY_SUBNET },
	{ "mac", KEY_MAC },	{ "device", KEY_DEVICE },   { "lines", KEY_LINES },
	{ "slowest", KEY_SLOWEST },
};

const char *rb_ctl_command_name(enum rb_ctl_command command)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (commands[i].command == command)
			return commands[i].name;
	}
	return "";
}

int rb_ctl_invalid(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct command_info *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

static unsigned int key_of(const char *name)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	}
	return 0;
}

/* Copy a string value of at most RB_CTL_NAME_MAX bytes, without NULs. */
static int copy_name(const char *key, json_t *value, char *dst, char *why, size_t why_len)
{
	size_t len;

	if (!json_is_string(value))
		return rb_ctl_invalid(why, why_len, "\"%s\" must be a string", key);
	len = json_string_length(value);
	if (len == 0 || len > RB_CTL_NAME_MAX || memchr(json_string_value(value), '\0', len))
		return rb_ctl_invalid(why, why_len, "\"%s\" must be 1 to %d bytes without NUL", key,
			       RB_CTL_NAME_MAX);
	memcpy(dst, json_string_value(value), len);
	dst[len] = '\0';
	return 0;
}

static int parse_count(const char *key, json_t *value, json_int_t max, uint32_t *out, char *why,
		       size_t why_len)
{
	json_int_t n;

	if (!json_is_integer(value))
		return rb_ctl_invalid(why, why_len, "\"%s\" must be an integer", key);
	n = json_integer_value(value);
	if (n < 0 || n > max)
		return rb_ctl_invalid(why, why_len, "\"%s\" %lld is out of range 0..%lld", key,
			       (long long)n, (long long)max);
	*out = (uint32_t)n;
	return 0;
}

static int parse_phase(json_t *value, int *phase, char *why, size_t why_len)
{
	char name[RB_CTL_NAME_MAX + 1];
	int err = copy_name("phase", value, name, why, why_len);

	if (err)
		return err;
	for (int p = 0; p < RB_PHASE_COUNT; p++) {
		if (strcmp(rb_phase_names[p], name) == 0) {
			*phase = p;
			return 0;
		}
	}
	return rb_ctl_invalid(why, why_len, "unknown phase \"%s\": use none, discovered, offered, leased, "
		       "bootfile or image", name);
}

static int parse_mac(json_t *value, uint8_t mac[6], char *why, size_t why_len)
{
	char text[RB_CTL_NAME_MAX + 1];
	struct ether_addr addr;
	int err = copy_name("mac", value, text, why, why_len);

	if (err)
		return err;
	if (strlen(text) != 17 || !ether_aton_r(text, &addr))
		return rb_ctl_invalid(why, why_len, "invalid \"mac\" \"%s\": use aa:bb:cc:dd:ee:ff", text);
	memcpy(mac, addr.ether_addr_octet, 6);
	return 0;
}

static int parse_format(json_t *value, bool *text, char *why, size_t why_len)
{
	const char *s = json_string_value(value);

	if (s && strcmp(s, "json") == 0)
		*text = false;
	else if (s && strcmp(s, "text") == 0)
		*text = true;
	else
		return rb_ctl_invalid(why, why_len, "\"format\" must be \"json\" or \"text\"");
	return 0;
}

/* One key other than "command" of a request for cmd. */
static int parse_key(const struct command_info *cmd, const char *key, json_t *value,
		     struct rb_ctl_request *req, unsigned int *seen, char *why, size_t why_len)
{
	unsigned int k = key_of(key);

	if (strcmp(key, "format") == 0)
		return parse_format(value, &req->text, why, why_len);
	if (!(cmd->keys & k))
		return rb_ctl_invalid(why, why_len, "%s takes no key \"%.64s\"", cmd->name, key);
	*seen |= k;
	switch (k) {
	case KEY_PHASE:
		return parse_phase(value, &req->phase, why, why_len);
	case KEY_PROFILE:
		return copy_name(key, value, req->profile, why, why_len);
	case KEY_SUBNET:
		return copy_name(key, value, req->subnet, why, why_len);
	case KEY_MAC:
		return parse_mac(value, req->mac, why, why_len);
	case KEY_DEVICE:
		return copy_name(key, value, req->device, why, why_len);
	case KEY_LINES:
		return parse_count(key, value, RB_CTL_LINES_MAX, &req->lines, why, why_len);
	default:
		return parse_count(key, value, RB_CTL_SLOWEST_MAX, &req->slowest, why, why_len);
	}
}

static int parse_object(json_t *root, struct rb_ctl_request *req, char *why, size_t why_len)
{
	const struct command_info *cmd;
	unsigned int seen = 0;
	const char *key;
	json_t *value;
	int err;

	if (!json_is_object(root))
		return rb_ctl_invalid(why, why_len, "a request must be a JSON object");
	value = json_object_get(root, "command");
	if (!json_is_string(value))
		return rb_ctl_invalid(why, why_len, "missing \"command\": use devices, device, leases, stats, "
			       "logs, reload or top");
	cmd = find_command(json_string_value(value));
	if (!cmd)
		return rb_ctl_invalid(why, why_len, "unknown command \"%.64s\": use devices, device, leases, "
			       "stats, logs, reload or top", json_string_value(value));
	req->command = cmd->command;

	json_object_foreach(root, key, value) {
		if (strcmp(key, "command") == 0)
			continue;
		err = parse_key(cmd, key, value, req, &seen, why, why_len);
		if (err)
			return err;
	}
	if ((seen & cmd->required) != cmd->required)
		return rb_ctl_invalid(why, why_len, "%s needs \"%s\"", cmd->name,
			       cmd->required == KEY_MAC ? "mac" : "device");
	return 0;
}

int rb_ctl_request_parse(const char *text, size_t len, struct rb_ctl_request *req, char *why,
			 size_t why_len)
{
	struct rb_ctl_request parsed = { .phase = -1, .slowest = 10 };
	json_error_t jerr;
	json_t *root;
	int err;

	if (len >= RB_CTL_REQUEST_MAX)
		return rb_ctl_invalid(why, why_len, "request of %zu bytes is longer than %d", len,
			       RB_CTL_REQUEST_MAX - 1);
	/* Objects with a key twice are rejected, as are NULs inside strings. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return rb_ctl_invalid(why, why_len, "invalid JSON at byte %d: %s", jerr.position, jerr.text);
	err = parse_object(root, &parsed, why, why_len);
	json_decref(root);
	if (!err)
		*req = parsed;
	return err;
}
