#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run`: on first run create the data directory with a demo tenant, then print where
# things are and serve. Extra configuration comes from PORCH_* variables as usual.
#   scripts/run-demo.sh PORCH_BINARY DATA_DIR
set -eu
bin=$1
data=$2

if ! "$bin" tenant show demo --data-dir "$data" >/dev/null 2>&1; then
    "$bin" init --data-dir "$data" --tenant-name "Porch Demo" --subdomain demo >/dev/null
fi
info=$("$bin" tenant show demo --data-dir "$data")
field() { printf '%s\n' "$info" | awk -v k="$1" '$1 == k { print $2 }'; }

cat <<MSG

  Porch is starting with the demo tenant "Porch Demo".

  Tenant id      $(field tenantId)
  Issuer         $(field issuer)
  Discovery      $(field discoveryUrl)
  Keys (JWKS)    $(field jwksUri)
  Data           $(cd "$data" && pwd) (SQLite database and master key)

  Stop with Ctrl-C. Start again with 'make run'; delete $data to start over.

MSG
exec "$bin" serve --data-dir "$data"
