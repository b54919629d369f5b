#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every libFuzzer harness in build/fuzz for FUZZ_SECONDS each (default
# 60), one after the other.  Each keeps its corpus in build/fuzz/corpus-NAME,
# seeded from tests/fuzz/corpus/NAME, so that a second run goes on where the
# first stopped.  A crash leaves its input in build/fuzz/artifacts and makes
# the script exit 1.  Usage: make fuzz FUZZ_SECONDS=600
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

SECONDS_EACH=${FUZZ_SECONDS:-60}
if ! [[ $SECONDS_EACH =~ ^[0-9]+$ ]] || ((SECONDS_EACH < 1)); then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds, not '$SECONDS_EACH'" >&2
	exit 2
fi

mkdir -p build/fuzz/artifacts
failed=0
for harness in build/fuzz/fuzz_*; do
	[[ -x $harness ]] || continue
	name=${harness##*/fuzz_}
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus"
	if [[ -d tests/fuzz/corpus/$name ]]; then
		cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	fi

	log=build/fuzz/$name.log
	echo "fuzz: $name for $SECONDS_EACH s (log: $log)"
	if timeout $((SECONDS_EACH + 60)) "$harness" -max_total_time="$SECONDS_EACH" -max_len=2048 \
		-artifact_prefix=build/fuzz/artifacts/"$name"- "$corpus" >"$log" 2>&1; then
		echo "fuzz: $name: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$log" || echo finished)," \
			"corpus $(find "$corpus" -type f | wc -l) inputs"
	else
		echo "fuzz: $name failed (crash or sanitizer report); the last lines of $log:" >&2
		tail -n 30 "$log" >&2
		failed=1
	fi
done
exit $failed
