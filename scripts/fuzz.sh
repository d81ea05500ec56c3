#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer target for a while, starting from the seeds in tests/fuzz/corpus/.
#   scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
secs=${2:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    work=$(mktemp -d)
    [ -d "$top/tests/fuzz/corpus/$name" ] && cp -r "$top/tests/fuzz/corpus/$name/." "$work/"
    echo "== $name for ${secs}s"
    if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$build/$name-" "$work" \
        >"$build/$name.log" 2>&1; then
        echo "$name FAILED; see $build/$name.log and $build/$name-*"
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/$name.log" || true
    rm -rf "$work"
done
exit $status
