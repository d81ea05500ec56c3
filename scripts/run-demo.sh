#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run`: on first run create the data directory with a demo tenant (its bootstrap admin
# client and a demo user, whose secret and password are saved to DATA_DIR/bootstrap.json with
# mode 0600, and the token viewer app), then print where things are and serve. Extra
# configuration comes from PORCH_* variables as usual.
#   scripts/run-demo.sh PORCH_BINARY DATA_DIR
set -eu
bin=$1
data=$2
boot=$data/bootstrap.json

if ! "$bin" tenant show demo --data-dir "$data" >/dev/null 2>&1; then
    mkdir -p "$data"
    # the file holds the only copy of the client secret and the demo user's password:
    # private from the first byte
    (umask 077 && "$bin" init --data-dir "$data" --tenant-name "Porch Demo" --subdomain demo \
        --demo-user demo@example.com --json >"$boot.tmp" && mv "$boot.tmp" "$boot")
    chmod 600 "$boot"
fi
info=$("$bin" tenant show demo --data-dir "$data")
field() { printf '%s\n' "$info" | awk -v k="$1" '$1 == k { print $2 }'; }
# a string member of bootstrap.json, or nothing (data directories made before a field existed)
boot_field() { [ -f "$boot" ] && sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$boot"; }
client_id=$(boot_field clientId || true)
# the token viewer's page, at the address this run serves (porch init registered it)
try_it=
if [ -n "$(boot_field tokenViewerAppId || true)" ]; then
    try_it="$(field issuer | sed 's,/v2\.0$,,')/tokenviewer"
fi
demo_user=$(boot_field demoUserEmail || true)

cat <<MSG

  Porch is starting with the demo tenant "Porch Demo".

  Tenant id      $(field tenantId)
  Issuer         $(field issuer)
  Discovery      $(field discoveryUrl)
  Keys (JWKS)    $(field jwksUri)
  Token          $(field tokenEndpoint)
  Admin client   ${client_id:-(see the output of porch init)}
  Client secret  in $(cd "$data" && pwd)/bootstrap.json (mode 0600)
  Data           $(cd "$data" && pwd) (SQLite database and master key)${try_it:+

  Try it         $try_it
                 (signs in to the demo tenant and shows the ID and access tokens)}${demo_user:+
  Demo user      $demo_user / password in bootstrap.json (demoUserPassword)}

  Stop with Ctrl-C. Start again with 'make run'; delete $data to start over.

MSG
exec "$bin" serve --data-dir "$data"
