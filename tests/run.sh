#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every test suite and print one summary line.
#
#   bash tests/run.sh [SUBSTRING...]
#
# Suites are the unit and BPF test binaries build/tests/test_* (cmocka,
# with TAP output) and the scripts tests/integration/*.sh, in that order.
# With arguments, only suites whose path contains one of them run.
#
# Every "ok" and "not ok" line of a suite counts as one test, "# SKIP" as
# skipped.  A suite counts as one failure when it exits non-zero without
# a "not ok" line (a crash, a failed set-up) or prints no result at all.
# A suite that runs past its time limit counts as one more failure.  Exit
# status 77 means the suite cannot run on this machine and counts as
# skipped.  The last line is 'N passed, N failed' (', N skipped' when
# any were), and the exit status is 1 when anything failed.
#
# Time limits per suite, in seconds: RB_UNIT_TIMEOUT (default 120) and
# RB_INTEGRATION_TIMEOUT (default 480); SIGKILL follows SIGTERM after
# RB_KILL_AFTER (default 15).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

UNIT_TIMEOUT=${RB_UNIT_TIMEOUT:-120}
INTEGRATION_TIMEOUT=${RB_INTEGRATION_TIMEOUT:-480}

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUMMARY=()

# Namespace prefix of the suites of this run, "rbr<pid>s<suite>-": each
# suite gets its own, and none matches the "rbt<pid>-" of a suite that
# runs alone.
RUN_TAG="rbr$$s"

# suite_selected PATH: exit 0 when no filter was given or one matches.
suite_selected() {
	local path=$1 want

	((${#FILTERS[@]} == 0)) && return 0
	for want in "${FILTERS[@]}"; do
		[[ "$path" == *"$want"* ]] && return 0
	done
	return 1
}

# sweep_prefix PREFIX: remove what a suite killed by SIGKILL left behind.
# Only names that start with this run's per-suite prefix are touched.
sweep_prefix() {
	local prefix=$1 netns pid mnt

	for netns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ "$netns" == "$prefix"* ]] || continue
		for pid in $(ip netns pids "$netns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$netns" 2>/dev/null
		echo "# removed leftover namespace $netns"
	done
	while read -r _ mnt _; do
		if [[ "$mnt" == */rackboot-"${prefix%-}".* ]]; then
			umount "$mnt" 2>/dev/null && echo "# unmounted leftover $mnt"
		fi
	done </proc/mounts
}

# count_results LOG: sets PASSED, FAILED, SKIPPED from the TAP lines.
count_results() {
	local log=$1

	SKIPPED=$(grep -Ec '^(not )?ok\b.*#[[:space:]]*(SKIP|skip)' "$log")
	FAILED=$(grep -E '^not ok\b' "$log" | grep -Evc '#[[:space:]]*(SKIP|skip|TODO|todo)')
	PASSED=$(grep -E '^ok\b' "$log" | grep -Evc '#[[:space:]]*(SKIP|skip)')
}

# run_suite KIND LIMIT PATH COMMAND...: run one suite and add its results.
run_suite() {
	local kind=$1 limit=$2 path=$3 log status start seconds note=""

	shift 3
	log="$RESULTS/$(basename "$path").log"
	echo "# ---- $path"
	start=$SECONDS
	RB_RUN_ID="$RUN_TAG$SUITE_INDEX" CMOCKA_MESSAGE_OUTPUT=TAP \
		timeout --kill-after="${RB_KILL_AFTER:-15}" "$limit" "$@" 2>&1 </dev/null | tee "$log"
	status=${PIPESTATUS[0]}
	seconds=$((SECONDS - start))
	sweep_prefix "$RUN_TAG$SUITE_INDEX-"
	SUITE_INDEX=$((SUITE_INDEX + 1))

	count_results "$log"
	case "$status" in
	0)
		if ((PASSED + FAILED + SKIPPED == 0)); then
			FAILED=1
			note="no test results"
		fi
		;;
	77)
		if ((SKIPPED == 0)); then
			SKIPPED=1
		fi
		note="skipped: $(grep -m1 -E '^1\.\.0' "$log" | sed 's/^1\.\.0 *# *SKIP *//')"
		;;
	124 | 137)
		FAILED=$((FAILED + 1))
		note="timed out after $limit s"
		;;
	*)
		if ((FAILED == 0)); then
			FAILED=1
		fi
		note="exit status $status"
		;;
	esac

	TOTAL_PASSED=$((TOTAL_PASSED + PASSED))
	TOTAL_FAILED=$((TOTAL_FAILED + FAILED))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + SKIPPED))
	SUMMARY+=("$(printf '%-11s %-44s pass %3d  fail %3d  skip %3d  %4d s  %s' \
		"$kind" "$path" "$PASSED" "$FAILED" "$SKIPPED" "$seconds" "$note")")
}

main() {
	local bin script line

	FILTERS=("$@")
	if ((EUID != 0)); then
		echo "tests/run.sh: the integration tests create network namespaces" \
			"and attach XDP programs, so run as root: sudo make test" >&2
		exit 1
	fi

	RESULTS=build/test-results
	rm -rf "$RESULTS" && mkdir -p "$RESULTS" || exit 1
	SUITE_INDEX=1

	for bin in build/tests/test_*; do
		[[ -x "$bin" && -f "$bin" ]] || continue
		suite_selected "$bin" || continue
		run_suite unit "$UNIT_TIMEOUT" "$bin" "./$bin"
	done
	for script in tests/integration/*.sh; do
		[[ -f "$script" ]] || continue
		suite_selected "$script" || continue
		run_suite integration "$INTEGRATION_TIMEOUT" "$script" bash "$script"
	done

	if ((SUITE_INDEX == 1)); then
		echo "tests/run.sh: no test suite found; run 'make' first" >&2
		TOTAL_FAILED=1
	fi

	echo "# ---- results (suite logs in $RESULTS)"
	for line in "${SUMMARY[@]}"; do
		echo "# $line"
	done

	if ((TOTAL_SKIPPED > 0)); then
		echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
	else
		echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
	fi
	((TOTAL_FAILED == 0))
}

main "$@"
