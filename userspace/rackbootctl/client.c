// SPDX-License-Identifier: MIT
/*
 * rackbootctl's side of the control protocol (control/ctl_request.h):
 * one request line out, one reply line back, parsed with jansson.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "rackbootctl/client.h"
#include "rackbootctl/ctl.h"
#include "xdp/device_state.h"
#include "xdp/map_names.h"

int rb_client_connect(const char *path, int timeout_s, char *why, size_t why_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval timeout = { .tv_sec = timeout_s };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(why, why_len, "socket path %s is longer than %zu bytes", path,
			 sizeof(addr.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "creating a UNIX socket failed: %s", strerror(-err));
		return err;
	}
	/* The timeouts keep a stuck rackbootd from hanging a script. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) == 0)
		return fd;

	err = -errno;
	close(fd);
	if (err == -EACCES || err == -EPERM)
		snprintf(why, why_len, "connecting to %s failed: %s: run as root or as a member of "
			 "the config's control/group", path, strerror(-err));
	else
		snprintf(why, why_len, "connecting to rackbootd at %s failed: %s: is rackbootd "
			 "running? Use --socket with the config's control/socket-path, or --offline "
			 "to read the pinned maps and the store directly", path, strerror(-err));
	return err;
}

static json_t *request_json(const struct rb_ctl_request *req)
{
	json_t *o = json_object();
	char mac[18];

	json_object_set_new(o, "command", json_string(rb_ctl_command_name(req->command)));
	if (req->text)
		json_object_set_new(o, "format", json_string("text"));
	if (req->phase >= 0)
		json_object_set_new(o, "phase", json_string(rb_phase_name((unsigned int)req->phase)));
	if (req->profile[0])
		json_object_set_new(o, "profile", json_string(req->profile));
	if (req->subnet[0])
		json_object_set_new(o, "subnet", json_string(req->subnet));
	if (req->command == RB_CTL_DEVICE)
		json_object_set_new(o, "mac", json_string(rb_mac_format(req->mac, mac)));
	if (req->device[0])
		json_object_set_new(o, "device", json_string(req->device));
	if (req->lines)
		json_object_set_new(o, "lines", json_integer(req->lines));
	if (req->command == RB_CTL_TOP)
		json_object_set_new(o, "slowest", json_integer(req->slowest));
	return o;
}

static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one line; *line is malloc'ed and NUL-terminated, without its newline. */
static int read_line(int fd, char **line, size_t *len)
{
	size_t cap = 65536, used = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (used == cap) {
			if (cap >= RB_CLIENT_REPLY_MAX || !(bigger = realloc(buf, cap * 2))) {
				free(buf);
				return -EMSGSIZE;
			}
			buf = bigger;
			cap *= 2;
		}
		n = recv(fd, buf + used, cap - used, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n == 0 ? -ECONNRESET : -errno;
		}
		if (memchr(buf + used, '\n', (size_t)n)) {
			used += (size_t)n;
			*len = (size_t)((char *)memchr(buf, '\n', used) - buf);
			*line = buf;
			return 0;
		}
		used += (size_t)n;
	}
}

json_t *rb_client_call(int fd, const struct rb_ctl_request *req, char *why, size_t why_len)
{
	json_t *request = request_json(req), *reply;
	char *text = json_dumps(request, JSON_COMPACT), *line = NULL;
	json_error_t jerr;
	size_t len = 0;
	int err;

	json_decref(request);
	if (!text) {
		snprintf(why, why_len, "out of memory building the request");
		return NULL;
	}
	err = send_all(fd, text, strlen(text));
	err = err ?: send_all(fd, "\n", 1);
	free(text);
	/*
	 * rackbootd turns a connection away (credentials, max-clients) with
	 * an error line and closes it, maybe before the request is sent: that
	 * line is still there to read after EPIPE.
	 */
	if (!err || err == -EPIPE || err == -ECONNRESET)
		err = read_line(fd, &line, &len);
	if (err) {
		snprintf(why, why_len, "talking to rackbootd failed: %s%s", strerror(-err),
			 err == -EAGAIN ? " (no reply within the timeout)" : "");
		return NULL;
	}
	/* A text reply may contain an escaped NUL, because rb_json_string escapes any byte. */
	reply = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	free(line);
	if (!json_is_object(reply)) {
		snprintf(why, why_len, "rackbootd sent an invalid reply: %s", reply ? "not an object" :
			 jerr.text);
		json_decref(reply);
		return NULL;
	}
	return reply;
}

const char *rb_client_error(json_t *reply)
{
	if (json_is_true(json_object_get(reply, "ok")))
		return NULL;
	return json_string_value(json_object_get(reply, "error")) ?: "rackbootd sent no error text";
}

/*
 * Write a text reply as the bytes rackbootd printed.  rb_json_string
 * escapes each byte past ASCII as its own \u00XX, which jansson decodes
 * to a two-byte UTF-8 sequence, so each such sequence is one byte again.
 */
static void write_text(FILE *out, json_t *text)
{
	const unsigned char *p = (const unsigned char *)json_string_value(text);
	size_t len = json_string_length(text);

	for (size_t i = 0; p && i < len; i++) {
		if ((p[i] & 0xe0) == 0xc0 && i + 1 < len && (p[i + 1] & 0xc0) == 0x80) {
			fputc(((p[i] & 0x1f) << 6) | (p[i + 1] & 0x3f), out);
			i++;
		} else {
			fputc(p[i], out);
		}
	}
}

int rb_client_run(const struct options *opts)
{
	char why[1024];
	const char *error;
	json_t *reply;
	int fd;

	fd = rb_client_connect(opts->socket_path, RB_CLIENT_TIMEOUT_S, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "rackbootctl: %s\n", why);
		return EXIT_FAILURE;
	}
	reply = rb_client_call(fd, &opts->req, why, sizeof(why));
	close(fd);
	if (!reply) {
		fprintf(stderr, "rackbootctl: %s\n", why);
		return EXIT_FAILURE;
	}
	error = rb_client_error(reply);
	if (error) {
		fprintf(stderr, "rackbootctl: %s: %s\n", rb_ctl_command_name(opts->req.command), error);
		json_decref(reply);
		return EXIT_FAILURE;
	}
	if (opts->req.text) {
		write_text(stdout, json_object_get(reply, "text"));
	} else {
		json_dumpf(json_object_get(reply, "result"), stdout,
			   JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
		fputc('\n', stdout);
	}
	json_decref(reply);
	return EXIT_SUCCESS;
}
