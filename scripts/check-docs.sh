#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when docs/configuration.md's option table differs from what the binary prints.
#   scripts/check-docs.sh PORCH_BINARY
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
want=$(mktemp)
have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
"$1" help options >"$want"
sed -n '/<!-- options:begin -->/,/<!-- options:end -->/p' "$top/docs/configuration.md" |
    sed '1d;$d' >"$have"
if ! diff -u "$have" "$want"; then
    echo "docs/configuration.md is out of date: replace its option table with 'porch help options'" >&2
    exit 1
fi
echo "docs/configuration.md matches 'porch help options'"
