#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Starts and stops a throwaway PostgreSQL cluster for tests, using the server binaries of
# Debian's postgresql package (/usr/lib/postgresql/<version>/bin, newest version found, or
# $PG_BINDIR). The cluster trusts loopback connections, listens on a free 127.0.0.1 port with
# its socket in DIR, runs with fsync=off, and has a database named `porch`.
#
#   scripts/pg-cluster.sh start DIR   prints postgres://postgres@127.0.0.1:PORT/porch (also in DIR/url)
#   scripts/pg-cluster.sh stop DIR    stops the cluster and removes DIR
#
# initdb refuses to run as root, so as root the server runs as the `postgres` system user.
set -euo pipefail

die() {
    echo "pg-cluster: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR | stop DIR" >&2
    exit 2
}

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/pg_ctl" ] || die "no pg_ctl in PG_BINDIR '$PG_BINDIR'"
        echo "$PG_BINDIR"
        return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] ||
        die "PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/initdb); install the postgresql package or set PG_BINDIR"
    echo "$dir"
}

# Runs a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}


pick_port() {
    i=0
    while [ $i -lt 50 ]; do
        port=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 + 20000 ))
        # A successful connect means something already listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
        i=$((i + 1))
    done
    die "no free loopback port found"
}

start() {
    bindir=$(find_bindir)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    fi
    [ ! -e "$1/data" ] || die "'$1/data' already exists; stop that cluster first"
    mkdir -p "$1"
    dir=$(cd "$1" && pwd)
    chmod 700 "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_owner test -w "$dir" ||
        die "the cluster owner cannot write '$dir' (is a parent directory closed to it?)"

    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync \
        >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
    tries=0
    while :; do
        port=$(pick_port)
        # Settings go to postgresql.auto.conf, so a plain `pg_ctl -D DIR/data restart` keeps them.
        as_owner tee "$dir/data/postgresql.auto.conf" >/dev/null <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            >/dev/null; then
            break
        fi
        tries=$((tries + 1))
        [ $tries -lt 3 ] || die "pg_ctl start failed; see $dir/server.log"
    done
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres porch ||
        die "createdb porch failed"
    url="postgres://postgres@127.0.0.1:$port/porch"
    echo "$url" | as_owner tee "$dir/url" >/dev/null
    echo "$url"
}

stop() {
    [ -d "$1" ] || die "no cluster directory '$1'"
    [ -f "$1/data/PG_VERSION" ] || die "'$1' does not hold a cluster made by this script"
    bindir=$(find_bindir)
    as_owner "$bindir/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 ||
        echo "pg-cluster: server in '$1' was not running" >&2
    rm -rf "$1"
}

[ $# -eq 2 ] || usage
case "$1" in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
