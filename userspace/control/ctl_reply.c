// SPDX-License-Identifier: MIT
/* Reply lines of the control protocol, written through open_memstream. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl_reply.h"
#include "xdp/state_format.h"

int rb_ctl_body_open(struct rb_ctl_body *body)
{
	*body = (struct rb_ctl_body){ 0 };
	body->out = open_memstream(&body->data, &body->len);
	return body->out ? 0 : -ENOMEM;
}

int rb_ctl_body_close(struct rb_ctl_body *body)
{
	int err = 0;

	if (body->out && fclose(body->out) != 0)
		err = -ENOMEM;
	body->out = NULL;
	return err;
}

void rb_ctl_body_free(struct rb_ctl_body *body)
{
	rb_ctl_body_close(body);
	free(body->data);
	*body = (struct rb_ctl_body){ 0 };
}

static int reply_close(struct rb_ctl_reply *reply, FILE *out)
{
	if (fclose(out) != 0) {
		rb_ctl_reply_free(reply);
		return -ENOMEM;
	}
	return 0;
}

int rb_ctl_reply_ok(struct rb_ctl_reply *reply, const struct rb_ctl_body *body, bool text)
{
	FILE *out;

	*reply = (struct rb_ctl_reply){ 0 };
	out = open_memstream(&reply->data, &reply->len);
	if (!out)
		return -ENOMEM;
	if (text) {
		fputs("{\"ok\":true,\"text\":", out);
		rb_json_string(out, body->data ? body->data : "", body->len);
	} else {
		fputs("{\"ok\":true,\"result\":", out);
		/* A raw newline cannot stand inside a JSON string, only between tokens. */
		for (size_t i = 0; i < body->len; i++)
			fputc(body->data[i] == '\n' ? ' ' : body->data[i], out);
		if (body->len == 0)
			fputs("null", out);
	}
	fputs("}\n", out);
	return reply_close(reply, out);
}

int rb_ctl_reply_error(struct rb_ctl_reply *reply, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	FILE *out;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	*reply = (struct rb_ctl_reply){ 0 };
	out = open_memstream(&reply->data, &reply->len);
	if (!out)
		return -ENOMEM;
	fputs("{\"ok\":false,\"error\":", out);
	rb_json_string(out, message, strlen(message));
	fputs("}\n", out);
	return reply_close(reply, out);
}

void rb_ctl_reply_free(struct rb_ctl_reply *reply)
{
	free(reply->data);
	*reply = (struct rb_ctl_reply){ 0 };
}
