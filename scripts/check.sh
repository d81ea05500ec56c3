#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The test half of `make check`: unit tests through ctest on SQLite and on a throwaway
# PostgreSQL cluster, then the end-to-end suite against real `porch serve` processes on
# both backends. Usage: scripts/check.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)

tmp=$(mktemp -d)
chmod 755 "$tmp" # the cluster runs as the unprivileged postgres user
cleanup() {
    "$top/scripts/pg-cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

pg_url=$("$top/scripts/pg-cluster.sh" start "$tmp/pg")
echo "== unit tests (SQLite and PostgreSQL at ${pg_url%%\?*})"
(cd "$build" && PORCH_TEST_PG_URL="$pg_url" ctest --output-on-failure -j"$(nproc)")

echo "== end-to-end tests"
PORCH_BIN="$build/porch" PORCH_E2E_PG_URL="$pg_url" "$top/tests/e2e/run.sh"
