# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# TAP output for the shell test suites (Test Anything Protocol, version 12).
#
# Source this file, then report each check with tap_ok, tap_not_ok,
# tap_skip or one of the comparison helpers, and end the suite with
# tap_finish, which prints the plan and exits 1 when any check failed.
# tests/run.sh counts the "ok" and "not ok" lines and reads "# SKIP".

TAP_COUNT=0
TAP_FAILED=0
TAP_SKIPPED=0

tap_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT - $*"
}

tap_not_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_COUNT - $*"
}

# tap_skip DESCRIPTION REASON
tap_skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	echo "ok $TAP_COUNT - $1 # SKIP $2"
}

# Diagnostic lines start with '#' so that TAP readers ignore them.
tap_diag() {
	local line

	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

# tap_check DESCRIPTION COMMAND [ARG...]: ok when the command exits 0.
tap_check() {
	local desc=$1

	shift
	if "$@"; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	tap_diag "command failed: $*"
	return 1
}

# tap_is GOT EXPECTED DESCRIPTION: ok when the two strings are equal.
tap_is() {
	if [[ "$1" == "$2" ]]; then
		tap_ok "$3"
		return 0
	fi
	tap_not_ok "$3"
	tap_diag "got:      '$1'"
	tap_diag "expected: '$2'"
	return 1
}

# tap_ge GOT MINIMUM DESCRIPTION: ok when the integer GOT >= MINIMUM.
tap_ge() {
	if [[ "$1" =~ ^-?[0-9]+$ ]] && (($1 >= $2)); then
		tap_ok "$3"
		return 0
	fi
	tap_not_ok "$3"
	tap_diag "got:      '$1'"
	tap_diag "expected: at least $2"
	return 1
}

# tap_file_contains FILE PATTERN DESCRIPTION: ok when grep -E finds it.
tap_file_contains() {
	if [[ -f "$1" ]] && grep -Eq -- "$2" "$1"; then
		tap_ok "$3"
		return 0
	fi
	tap_not_ok "$3"
	tap_diag "pattern '$2' not found in $1"
	return 1
}

# tap_finish: print the plan and exit 1 when a check failed, else 0.
tap_finish() {
	echo "1..$TAP_COUNT"
	if ((TAP_FAILED > 0)); then
		exit 1
	fi
	exit 0
}

# tap_skip_all REASON: the whole suite cannot run here (exit 77).
tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}

# tap_bail REASON: a failure that makes the remaining checks pointless.
tap_bail() {
	tap_not_ok "$*"
	echo "Bail out! $*"
	echo "1..$TAP_COUNT"
	exit 1
}
