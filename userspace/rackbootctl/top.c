// SPDX-License-Identifier: MIT
/*
 * rackbootctl top: a full-screen view of a hall bring-up, drawn with
 * ncurses and refreshed every second from rackbootd's top snapshot
 * (control/ctl_top.c): devices per phase, rates per protocol, the
 * devices waiting longest before their boot file, and the error
 * counters.  q quits; a resize redraws at once.  When the connection
 * drops, the view shows the error and connects again at the next refresh.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rackbootctl/client.h"
#include "rackbootctl/ctl.h"
#include "xdp/map_names.h"

#define REFRESH_MS	1000
#define KEY_WAIT_MS	100

/* Seconds a snapshot may take, so that q still quits soon when rackbootd hangs. */
#define SNAPSHOT_TIMEOUT_S	3

/* The protocol totals of the snapshot, in the order shown, with their units. */
static const struct {
	const char *key;
	const char *label;
} protocols[] = {
	{ "dhcp4", "DHCPv4 replies" },	{ "dhcp6", "DHCPv6 replies" },
	{ "tftp", "TFTP requests" },	{ "http", "HTTP requests" },
	{ "dns", "DNS queries" },	{ "syslog", "syslog messages" },
};

#define N_PROTOCOLS	(sizeof(protocols) / sizeof(protocols[0]))

struct view {
	const struct options *opts;
	int fd;				/* -1: not connected */
	json_t *now;			/* the last snapshot, NULL before the first */
	json_t *before;			/* the one before it, for the rates */
	double now_s, before_s;		/* CLOCK_MONOTONIC seconds of the two */
	char status[512];		/* "" or what went wrong */
};

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long int_at(json_t *obj, const char *group, const char *key)
{
	json_t *g = group ? json_object_get(obj, group) : obj;

	return json_integer_value(json_object_get(g, key));
}

/* Per second between the two snapshots; 0 until there are two. */
static double rate(const struct view *v, const char *group, const char *key)
{
	double dt = v->now_s - v->before_s;
	long long diff;

	if (!v->before || dt <= 0)
		return 0;
	diff = int_at(v->now, group, key) - int_at(v->before, group, key);
	return diff > 0 ? (double)diff / dt : 0;
}

/* Ask for a new snapshot; keep the last one shown when that fails. */
static void fetch(struct view *v, int rows)
{
	struct rb_ctl_request req = v->opts->req;
	const char *error;
	json_t *reply;

	if (v->fd < 0) {
		v->fd = rb_client_connect(v->opts->socket_path, SNAPSHOT_TIMEOUT_S, v->status,
					  sizeof(v->status));
		if (v->fd < 0)
			return;
	}
	/* As many slow devices as the screen has rows for, within the protocol's limit. */
	if (rows > RB_CTL_SLOWEST_MAX)
		rows = RB_CTL_SLOWEST_MAX;
	req.slowest = rows > 0 ? (uint32_t)rows : 1;
	req.text = false;
	reply = rb_client_call(v->fd, &req, v->status, sizeof(v->status));
	if (!reply) {
		close(v->fd);
		v->fd = -1;
		return;
	}
	error = rb_client_error(reply);
	if (error) {
		snprintf(v->status, sizeof(v->status), "rackbootd: %s", error);
		json_decref(reply);
		return;
	}
	json_decref(v->before);
	v->before = v->now;
	v->before_s = v->now_s;
	v->now = json_incref(json_object_get(reply, "result"));
	v->now_s = monotonic_s();
	v->status[0] = '\0';
	json_decref(reply);
}

static void draw_header(const struct view *v, int cols)
{
	char clock[16];
	time_t t = time(NULL);

	char line[512];

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
	snprintf(line, sizeof(line), " rackbootctl top  %s  %s  (q quits)", v->opts->socket_path,
		 clock);
	/* A narrow terminal drops the socket path first, and the line never wraps. */
	if ((int)strlen(line) > cols)
		snprintf(line, sizeof(line), " rackbootctl top  %s  (q quits)", clock);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', cols);
	mvaddnstr(0, 0, line, cols);
	attroff(A_REVERSE);
}

static int draw_phases(const struct view *v, int row)
{
	mvprintw(row++, 0, "DEVICES PER PHASE (%lld devices)", int_at(v->now, NULL, "devices"));
	for (int p = 0; p < RB_PHASE_COUNT; p++)
		mvprintw(row++, 2, "%-12s %8lld", rb_phase_names[p],
			 int_at(v->now, "phases", rb_phase_names[p]));
	return row + 1;
}

static int draw_rates(const struct view *v, int row)
{
	mvprintw(row++, 0, "RATES PER PROTOCOL (per second, total)");
	for (size_t i = 0; i < N_PROTOCOLS; i++)
		mvprintw(row++, 2, "%-16s %10.1f %12lld", protocols[i].label,
			 rate(v, "totals", protocols[i].key), int_at(v->now, "totals", protocols[i].key));
	return row + 1;
}

static int draw_errors(const struct view *v, int row, int last_row)
{
	json_t *errors = json_object_get(v->now, "errors"), *value;
	const char *key;

	mvprintw(row++, 0, "ERRORS (total, per second)");
	if (json_object_size(errors) == 0)
		mvprintw(row++, 2, "none");
	json_object_foreach(errors, key, value) {
		if (row > last_row)
			break;
		mvprintw(row++, 2, "%-30s %10lld %8.1f", key, json_integer_value(value),
			 rate(v, "errors", key));
	}
	return row + 1;
}

static void draw_slowest(const struct view *v, int row, int last_row)
{
	json_t *slowest = json_object_get(v->now, "slowest"), *dev;
	size_t i;

	mvprintw(row++, 0, "SLOWEST DEVICES (no boot file yet, longest in their phase first)");
	if (row > last_row)
		return;
	mvprintw(row++, 2, "%-17s  %-24s %-10s %9s %9s", "MAC", "HOSTNAME", "PHASE", "IN PHASE",
		 "ELAPSED");
	if (json_array_size(slowest) == 0 && row <= last_row)
		mvprintw(row++, 2, "none");
	json_array_foreach(slowest, i, dev) {
		const char *host = json_string_value(json_object_get(dev, "hostname"));

		if (row > last_row)
			break;
		mvprintw(row++, 2, "%-17s  %-24.24s %-10s %8.1fs %8.1fs",
			 json_string_value(json_object_get(dev, "mac")) ?: "?",
			 host && host[0] ? host : "-",
			 json_string_value(json_object_get(dev, "phase")) ?: "?",
			 json_real_value(json_object_get(dev, "in_phase_s")),
			 json_real_value(json_object_get(dev, "elapsed_s")));
	}
}

static void draw(const struct view *v)
{
	int rows, cols, row = 2;

	getmaxyx(stdscr, rows, cols);
	erase();
	draw_header(v, cols);
	if (v->status[0]) {
		attron(A_BOLD);
		mvprintw(rows - 1, 0, "%.*s", cols, v->status);
		attroff(A_BOLD);
	}
	if (!v->now) {
		mvprintw(row, 0, "waiting for rackbootd ...");
		refresh();
		return;
	}
	row = draw_phases(v, row);
	row = draw_rates(v, row);
	row = draw_errors(v, row, rows - 3);
	draw_slowest(v, row, rows - 2);
	refresh();
}

/* The rows left for slow devices under the fixed sections. */
static int slowest_rows(void)
{
	int rows = getmaxy(stdscr) - (2 + RB_PHASE_COUNT + 2 + (int)N_PROTOCOLS + 2 + 3 + 4);

	return rows > 0 ? rows : 1;
}

static int top_screen(const struct options *opts)
{
	struct view v = { .opts = opts, .fd = -1 };
	double next = 0;
	int key;

	setlocale(LC_ALL, "");
	if (!initscr()) {
		fprintf(stderr, "rackbootctl: top cannot set up the terminal (TERM=%s)\n",
			getenv("TERM") ?: "");
		return EXIT_FAILURE;
	}
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	timeout(KEY_WAIT_MS);
	for (;;) {
		if (monotonic_s() >= next) {
			fetch(&v, slowest_rows());
			next = monotonic_s() + REFRESH_MS / 1000.0;
			draw(&v);
		}
		key = getch();
		if (key == 'q' || key == 'Q')
			break;
		if (key == KEY_RESIZE)
			draw(&v);
	}
	endwin();
	if (v.fd >= 0)
		close(v.fd);
	json_decref(v.now);
	json_decref(v.before);
	return EXIT_SUCCESS;
}

int rb_top_run(const struct options *opts)
{
	/* top --json: one snapshot for scripts. */
	if (opts->json)
		return rb_client_run(opts);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "rackbootctl: top needs a terminal; use top --json for one snapshot\n");
		return EXIT_FAILURE;
	}
	return top_screen(opts);
}
