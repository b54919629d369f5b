// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the control protocol's request parser and reply
 * lines.  Any input is parsed as a request: one that parses must keep
 * the parser's contract (known command, bounded fields, NUL-terminated
 * names), and one that fails must fill in the reason.  The input also goes through both
 * reply wrappers, whose output must be one line of valid JSON.  The
 * sanitizers catch reads and writes outside the buffers, and a broken
 * contract traps.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "control/ctl_reply.h"
#include "control/ctl_request.h"
#include "rackboot/maps.h"

static void check_request(const struct rb_ctl_request *req)
{
	if (req->command <= RB_CTL_NONE || req->command > RB_CTL_TOP)
		__builtin_trap();
	if (req->phase < -1 || req->phase >= RB_PHASE_COUNT)
		__builtin_trap();
	if (strnlen(req->profile, sizeof(req->profile)) == sizeof(req->profile) ||
	    strnlen(req->subnet, sizeof(req->subnet)) == sizeof(req->subnet) ||
	    strnlen(req->device, sizeof(req->device)) == sizeof(req->device))
		__builtin_trap();
	if (req->lines > RB_CTL_LINES_MAX || req->slowest > RB_CTL_SLOWEST_MAX)
		__builtin_trap();
	if (req->command == RB_CTL_LOGS && req->device[0] == '\0')
		__builtin_trap();
}

/* A reply is one line: valid JSON, an object, and a newline only at its end. */
static void check_reply(const struct rb_ctl_reply *reply)
{
	json_t *parsed;

	if (reply->len == 0 || reply->data[reply->len - 1] != '\n' ||
	    memchr(reply->data, '\n', reply->len - 1))
		__builtin_trap();
	/* rackbootctl allows NUL, because a text reply may contain an escaped one. */
	parsed = json_loadb(reply->data, reply->len, JSON_ALLOW_NUL, NULL);
	if (!json_is_object(parsed))
		__builtin_trap();
	json_decref(parsed);
}

static void wrap(const uint8_t *data, size_t size, bool text)
{
	struct rb_ctl_reply reply;
	struct rb_ctl_body body;

	if (rb_ctl_body_open(&body))
		return;
	fwrite(data, 1, size, body.out);
	if (rb_ctl_body_close(&body) == 0 && rb_ctl_reply_ok(&reply, &body, text) == 0) {
		check_reply(&reply);
		rb_ctl_reply_free(&reply);
	}
	rb_ctl_body_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_ctl_request req;
	struct rb_ctl_reply reply;
	char why[512] = "";
	json_t *value;

	if (rb_ctl_request_parse((const char *)data, size, &req, why, sizeof(why)) == 0)
		check_request(&req);
	else if (why[0] == '\0')
		__builtin_trap();

	if (rb_ctl_reply_error(&reply, "%s", why) == 0) {
		check_reply(&reply);
		rb_ctl_reply_free(&reply);
	}
	wrap(data, size, true);
	/* The result wrapper takes a JSON value, as the commands print. */
	value = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (value)
		wrap(data, size, false);
	json_decref(value);
	return 0;
}
