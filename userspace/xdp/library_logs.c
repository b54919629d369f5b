// SPDX-License-Identifier: MIT
/*
 * libbpf and libxdp print through callbacks.  Their warnings include
 * expected noise (libxdp probing for its dispatcher, for one), so every
 * line of theirs goes to the debug level.  The loader logs each failure
 * itself, with the interface or map it concerns and the fix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "common/log.h"
#include "xdp/loader.h"

/* Log each line of one message; verifier logs span many lines. */
static int library_log(const char *library, const char *fmt, va_list ap)
{
	char text[4096];
	char *line, *save = NULL;

	vsnprintf(text, sizeof(text), fmt, ap);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* Most lines start with "libbpf: " already; verifier log lines do not. */
		if (strncmp(line, library, strlen(library)) == 0)
			log_debug("%s", line);
		else
			log_debug("%s: %s", library, line);
	}
	return 0;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return library_log("libbpf", fmt, ap);
}

static int libxdp_log(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return library_log("libxdp", fmt, ap);
}

void rb_xdp_route_library_logs(void)
{
	libbpf_set_print(libbpf_log);
	libxdp_set_print(libxdp_log);
}
