/* SPDX-License-Identifier: MIT */
/*
 * The control protocol between rackbootctl and rackbootd.
 *
 * A client connects to the control socket (a UNIX stream socket) and
 * sends requests, each one JSON object on one line of at most
 * RB_CTL_REQUEST_MAX bytes, newline included:
 *
 *	{"command":"devices","phase":"leased","profile":"pxe","subnet":"lab"}
 *	{"command":"device","mac":"52:54:00:21:30:01","format":"text"}
 *	{"command":"logs","device":"rack1-node01","lines":20}
 *	{"command":"leases"} {"command":"stats"} {"command":"reload"}
 *	{"command":"top","slowest":10}
 *
 * "format" is "json" (the default) or "text".  Each request gets one
 * reply, also one line:
 *
 *	{"ok":true,"result":VALUE}	format json
 *	{"ok":true,"text":"..."}	format text: the table for people
 *	{"ok":false,"error":"..."}	what failed and what to do next
 *
 * Keys that a command does not take are rejected, so that a mistyped
 * filter never shows everything.
 */
#ifndef RB_CTL_REQUEST_H
#define RB_CTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Maximum length of a request line, newline included. */
#define RB_CTL_REQUEST_MAX	4096

/* Maximum length of a filter or device name in a request, NUL excluded. */
#define RB_CTL_NAME_MAX		63

/* Largest "lines" of logs and "slowest" of top. */
#define RB_CTL_LINES_MAX	100000
#define RB_CTL_SLOWEST_MAX	100

/* Default path of the socket, as the YANG module sets it. */
#define RB_CTL_SOCKET_DEFAULT	"/run/rackboot/control.sock"

enum rb_ctl_command {
	RB_CTL_NONE = 0,
	RB_CTL_DEVICES,		/* device records, filtered */
	RB_CTL_DEVICE,		/* one device's timeline */
	RB_CTL_LEASES,		/* the leases in the store */
	RB_CTL_STATS,		/* XDP and userspace counters */
	RB_CTL_LOGS,		/* one device's syslog messages */
	RB_CTL_RELOAD,		/* read the config file again */
	RB_CTL_TOP,		/* one snapshot for rackbootctl top */
};

struct rb_ctl_request {
	enum rb_ctl_command command;
	bool text;			/* format "text": a table for people */
	int phase;			/* devices: enum rb_phase, -1 = any */
	char profile[RB_CTL_NAME_MAX + 1];	/* devices: profile name, "" = any */
	char subnet[RB_CTL_NAME_MAX + 1];	/* devices: subnet name or CIDR, "" = any */
	uint8_t mac[6];			/* device */
	char device[RB_CTL_NAME_MAX + 1];	/* logs: MAC, hostname or "unattributed" */
	uint32_t lines;			/* logs: newest N messages, 0 = all */
	uint32_t slowest;		/* top: how many of the slowest devices, default 10 */
};

/* The name of command in requests, or "" for RB_CTL_NONE. */
const char *rb_ctl_command_name(enum rb_ctl_command command);

/*
 * Parse one request of len bytes (the line without its newline) into
 * req.  Returns 0, or -EINVAL with why filled with what is wrong, for
 * the error reply.
 */
int rb_ctl_request_parse(const char *text, size_t len, struct rb_ctl_request *req, char *why,
			 size_t why_len);

/* Fill why with a formatted reason and return -EINVAL. */
int rb_ctl_invalid(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
