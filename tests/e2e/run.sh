#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The end-to-end suite against a real porch binary, on SQLite and then on PostgreSQL.
#
#   PORCH_BIN=build-asan/porch tests/e2e/run.sh [TEST_FILE...]
#
# Builds nothing. Environment:
#   PORCH_BIN             the binary under test (required)
#   PORCH_E2E_PG_URL      a PostgreSQL server to create test databases on; when unset, a
#                         throwaway cluster is started with scripts/pg-cluster.sh and stopped
#                         on exit
#   PORCH_E2E_BACKENDS    which backends to run (default "sqlite postgres")
#   PORCH_E2E_CONCURRENCY test files run at once (default 2)
# Exits non-zero if any run failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

[ -n "${PORCH_BIN:-}" ] || { echo "run.sh: set PORCH_BIN to the porch binary under test" >&2; exit 2; }
PORCH_BIN=$(cd "$(dirname "$PORCH_BIN")" && pwd)/$(basename "$PORCH_BIN")
[ -x "$PORCH_BIN" ] || { echo "run.sh: PORCH_BIN=$PORCH_BIN is not an executable" >&2; exit 2; }
export PORCH_BIN

backends=${PORCH_E2E_BACKENDS:-sqlite postgres}
concurrency=${PORCH_E2E_CONCURRENCY:-2}

if [ ! -d "$here/node_modules" ]; then
    echo "== npm install (tests/e2e)"
    if [ -f "$here/package-lock.json" ]; then
        (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
    else
        (cd "$here" && npm install --no-audit --no-fund >/dev/null)
    fi
fi

tmp=$(mktemp -d)
chmod 755 "$tmp" # the cluster runs as the unprivileged postgres user
pg_script=
cleanup() {
    if [ -n "$pg_script" ]; then
        "$pg_script" stop "$tmp/pg" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case " $backends " in
*" postgres "*)
    if [ -z "${PORCH_E2E_PG_URL:-}" ]; then
        [ -x "$top/scripts/pg-cluster.sh" ] || { echo "run.sh: scripts/pg-cluster.sh is missing" >&2; exit 2; }
        pg_script=$top/scripts/pg-cluster.sh
        PORCH_E2E_PG_URL=$("$pg_script" start "$tmp/pg")
        export PORCH_E2E_PG_URL
    fi
    ;;
esac

cd "$here"
if [ $# -gt 0 ]; then
    files=("$@")
else
    files=(./*.test.js)
fi

echo "== porch under test: $("$PORCH_BIN" version 2>&1 || true) ($PORCH_BIN)"
status=0
failed=
for backend in $backends; do
    echo "== end-to-end suite on $backend"
    if ! PORCH_E2E_BACKEND=$backend node --test --test-concurrency="$concurrency" \
        --test-timeout=120000 "${files[@]}"; then
        status=1
        failed="$failed $backend"
    fi
done

if [ $status -ne 0 ]; then
    echo "== end-to-end suite FAILED on:$failed"
else
    echo "== end-to-end suite passed on: $backends"
fi
exit $status
