#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Each libFuzzer harness under tests/fuzz runs from its seed corpus for a
# bounded number of inputs under ASan and UBSan.  A crash, leak or
# sanitizer report fails the check; longer runs are for `make fuzz` by hand.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/tap.sh
source tests/lib/tap.sh

RUNS=${RB_FUZZ_RUNS:-300000}	# inputs per harness
MAX_SECONDS=${RB_FUZZ_SECONDS:-60}	# time bound per harness

if ! make -s fuzz-build >/dev/null 2>&1; then
	tap_not_ok "fuzz harnesses build (run make fuzz-build to see why)"
	tap_finish
fi

for harness in build/fuzz/fuzz_*; do
	name=${harness##*/fuzz_}
	work=$(mktemp -d)
	if [[ -d tests/fuzz/corpus/$name ]]; then
		cp tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
	fi

	log=$(mktemp)
	if timeout $((MAX_SECONDS + 30)) "$harness" -runs="$RUNS" -max_total_time="$MAX_SECONDS" \
		-max_len=2048 "$work" >"$log" 2>&1; then
		tap_ok "fuzz $name: $(grep -oE 'Done [0-9]+ runs' "$log" || echo 'finished')"
	else
		tap_not_ok "fuzz $name"
		tap_diag "$(tail -n 30 "$log")"
	fi
	rm -rf "$work" "$log"
done

tap_finish
