# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Processes, namespaces, mounts and folders that a test run creates, and
# the trap that removes them on every exit path (normal end, failure,
# Ctrl-C, SIGTERM from the runner's timeout).
#
# Only what was registered here is touched: processes are stopped by the
# PID that rb_spawn recorded, namespaces by their per-run name.

RB_CLEANUP_PIDS=()
RB_CLEANUP_NETNS=()
RB_CLEANUP_MOUNTS=()
RB_CLEANUP_DIRS=()
RB_CLEANUP_HOOKS=()
RB_CLEANUP_DONE=0

# Per-run prefix of every namespace name; RB_RUN_ID overrides it.
RB_PREFIX="${RB_RUN_ID:-rbt$$}-"

# rb_wait_for SECONDS COMMAND [ARG...]: poll every 0.2 s until the command
# exits 0 (returns 0) or SECONDS have passed (returns 1).
rb_wait_for() {
	local seconds=$1 tries i

	shift
	tries=$((seconds * 5))
	for ((i = 0; i < tries; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.2
	done
	"$@"
}

# rb_spawn NETNS LOGFILE COMMAND [ARG...]: start a command in the background
# inside a namespace ("" = this one).  Sets RB_SPAWNED_PID and registers
# the PID for cleanup.  'ip netns exec' execs the command, so the PID is
# the command's own.
rb_spawn() {
	local netns=$1 log=$2

	shift 2
	if [[ -n "$netns" ]]; then
		ip netns exec "$netns" "$@" >"$log" 2>&1 </dev/null &
	else
		"$@" >"$log" 2>&1 </dev/null &
	fi
	RB_SPAWNED_PID=$!
	RB_CLEANUP_PIDS+=("$RB_SPAWNED_PID")
}

rb_pid_alive() {
	kill -0 "$1" 2>/dev/null
}

rb_pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# rb_stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default
# 5).  Sets RB_STOP_STATUS to the exit status (128 + signal when killed)
# and returns 0 when the process ended on SIGTERM, 1 when it needed
# SIGKILL.
rb_stop_pid() {
	local pid=$1 seconds=${2:-5} forced=0

	RB_STOP_STATUS=0
	if rb_pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		if ! rb_wait_for "$seconds" rb_pid_gone "$pid"; then
			kill -KILL "$pid" 2>/dev/null
			forced=1
		fi
	fi
	wait "$pid" 2>/dev/null
	# shellcheck disable=SC2034 # read by the callers
	RB_STOP_STATUS=$?
	return "$forced"
}

# rb_netns_add NAME: create a namespace with loopback up and IPv6 off, so
# that router solicitations and DAD do not add frames to the counters.
rb_netns_add() {
	local name=$1

	ip netns add "$name" || return 1
	RB_CLEANUP_NETNS+=("$name")
	ip -n "$name" link set lo up
	ip netns exec "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# rb_run_dir: a private temporary folder for this run, removed at exit.
# Sets RB_RUN_DIR.
rb_run_dir() {
	RB_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rackboot-${RB_PREFIX%-}.XXXXXX") || return 1
	RB_CLEANUP_DIRS+=("$RB_RUN_DIR")
}

# rb_bpffs_mount DIR: mount a private BPF filesystem instance on DIR.  The
# pinned maps of a run live there rather than under /sys/fs/bpf, because
# 'ip netns exec' mounts a fresh /sys for the namespace and would hide a
# bpffs mounted below it.
rb_bpffs_mount() {
	mkdir -p "$1" || return 1
	mount -t bpf bpf "$1" || return 1
	RB_CLEANUP_MOUNTS+=("$1")
}

# rb_on_cleanup COMMAND: run a shell command during cleanup, before the
# namespaces are deleted (for example to save a log).
rb_on_cleanup() {
	RB_CLEANUP_HOOKS+=("$1")
}

rb_cleanup() {
	local i

	if ((RB_CLEANUP_DONE)); then
		return 0
	fi
	RB_CLEANUP_DONE=1

	for ((i = 0; i < ${#RB_CLEANUP_HOOKS[@]}; i++)); do
		eval "${RB_CLEANUP_HOOKS[i]}" || true
	done

	# Newest first: clients before the daemon they talk to.
	for ((i = ${#RB_CLEANUP_PIDS[@]} - 1; i >= 0; i--)); do
		rb_stop_pid "${RB_CLEANUP_PIDS[i]}" 5 || true
	done

	# Deleting a namespace deletes the veth, bridge and tap devices in it.
	for ((i = ${#RB_CLEANUP_NETNS[@]} - 1; i >= 0; i--)); do
		ip netns del "${RB_CLEANUP_NETNS[i]}" 2>/dev/null || true
	done

	for ((i = ${#RB_CLEANUP_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${RB_CLEANUP_MOUNTS[i]}" 2>/dev/null || true
	done

	if [[ -z "${RB_KEEP_RUN_DIR:-}" ]]; then
		for ((i = ${#RB_CLEANUP_DIRS[@]} - 1; i >= 0; i--)); do
			rm -rf -- "${RB_CLEANUP_DIRS[i]}"
		done
	fi
}

# rb_cleanup_install: run rb_cleanup once on exit, Ctrl-C and SIGTERM.
rb_cleanup_install() {
	trap rb_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
