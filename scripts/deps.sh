#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages a make target needs, and only those that are missing.
#   scripts/deps.sh build|check|bench|fuzz
set -eu

build="cmake gcc make pkg-config libmicrohttpd-dev libjansson-dev libssl-dev libsodium-dev
       libcurl4-openssl-dev libsqlite3-dev libpq-dev"
# chromium: the browser the e2e suite drives through the hosted pages (playwright-core)
check="$build libcmocka-dev postgresql openssl chromium"
bench="$build nginx-light wrk"
fuzz="$build clang libclang-rt-14-dev"

case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
bench) want=$bench ;;
fuzz) want=$fuzz ;;
*) echo "usage: $0 build|check|bench|fuzz" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# node and npm drive the end-to-end suite; any install that provides them will do
if [ "${1:-build}" = check ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "missing packages:$missing -- run as root or: sudo apt-get install$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
