// SPDX-License-Identifier: MIT
#include <errno.h>
#include <time.h>

#include "common/bind_retry.h"
#include "common/log.h"

#define BIND_RETRIES	20
#define BIND_WAIT_NS	100000000L	/* 100 ms between tries */

int rb_bind_retry(int fd, const struct sockaddr *addr, socklen_t len, const char *service)
{
	const struct timespec wait = { .tv_sec = 0, .tv_nsec = BIND_WAIT_NS };

	for (int i = 0; i <= BIND_RETRIES; i++) {
		if (bind(fd, addr, len) == 0) {
			if (i > 0)
				log_info("%s: port free after %d ms", service, i * 100);
			return 0;
		}
		if (errno != EADDRINUSE)
			return -errno;
		if (i == 0)
			log_warn("%s: port in use, retrying for up to %d s", service,
				 BIND_RETRIES / 10);
		nanosleep(&wait, NULL);
	}
	return -EADDRINUSE;
}
