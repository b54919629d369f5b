/* SPDX-License-Identifier: MIT */
/* Reply lines of the control protocol (shapes in ctl_request.h). */
#ifndef RB_CTL_REPLY_H
#define RB_CTL_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A reply line, newline included; data is malloc'ed. */
struct rb_ctl_reply {
	char *data;
	size_t len;
};

/*
 * A reply body being written: commands print their JSON value or text
 * to out, an open_memstream over data.
 */
struct rb_ctl_body {
	FILE *out;
	char *data;
	size_t len;
};

/* Open body.  Returns 0 or -ENOMEM. */
int rb_ctl_body_open(struct rb_ctl_body *body);

/* Close body's stream, so that data and len are final.  Returns 0 or -ENOMEM. */
int rb_ctl_body_close(struct rb_ctl_body *body);

void rb_ctl_body_free(struct rb_ctl_body *body);

/*
 * Wrap a body as {"ok":true,"result":BODY} (BODY a JSON value) or
 * {"ok":true,"text":"BODY"}.  Newlines between JSON tokens become
 * spaces, so that the reply stays one line.  Returns 0 or -ENOMEM.
 */
int rb_ctl_reply_ok(struct rb_ctl_reply *reply, const struct rb_ctl_body *body, bool text);

/* {"ok":false,"error":MESSAGE}.  Returns 0 or -ENOMEM. */
int rb_ctl_reply_error(struct rb_ctl_reply *reply, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void rb_ctl_reply_free(struct rb_ctl_reply *reply);

#endif
