#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run`: on first run create the data directory with a demo tenant (and its bootstrap
# admin client, whose secret is saved to DATA_DIR/bootstrap.json with mode 0600), then print
# where things are and serve. Extra configuration comes from PORCH_* variables as usual.
#   scripts/run-demo.sh PORCH_BINARY DATA_DIR
set -eu
bin=$1
data=$2
boot=$data/bootstrap.json

if ! "$bin" tenant show demo --data-dir "$data" >/dev/null 2>&1; then
    mkdir -p "$data"
    # the file holds the only copy of the client secret: private from the first byte
    (umask 077 && "$bin" init --data-dir "$data" --tenant-name "Porch Demo" --subdomain demo \
        --json >"$boot.tmp" && mv "$boot.tmp" "$boot")
    chmod 600 "$boot"
fi
info=$("$bin" tenant show demo --data-dir "$data")
field() { printf '%s\n' "$info" | awk -v k="$1" '$1 == k { print $2 }'; }
client_id=
if [ -f "$boot" ]; then
    client_id=$(sed -n 's/^ *"clientId": *"\([^"]*\)".*/\1/p' "$boot")
fi

cat <<MSG

  Porch is starting with the demo tenant "Porch Demo".

  Tenant id      $(field tenantId)
  Issuer         $(field issuer)
  Discovery      $(field discoveryUrl)
  Keys (JWKS)    $(field jwksUri)
  Token          $(field tokenEndpoint)
  Admin client   ${client_id:-(see the output of porch init)}
  Client secret  in $(cd "$data" && pwd)/bootstrap.json (mode 0600)
  Data           $(cd "$data" && pwd) (SQLite database and master key)

  Stop with Ctrl-C. Start again with 'make run'; delete $data to start over.

MSG
exec "$bin" serve --data-dir "$data"
