#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Foundation benchmark: porch serving discovery and JWKS, side by side with nginx serving the
# very same bytes as static files. See bench/README.md.
#
#   PORCH_BIN=build/porch bench/run.sh        (what `make bench` runs)
#
# Environment: BENCH_DURATION (wrk -d, default 10s), BENCH_WARMUP (default 2s),
# BENCH_CONNECTIONS (default 64), BENCH_THREADS (wrk -t, default 2), PORCH_THREADS_ARG
# (passed as porch --threads when set), NGINX (default: nginx on PATH or /usr/sbin/nginx).
# Targets are reported as PASS/MISS; the script fails only when it cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
PORCH_BIN=${PORCH_BIN:-$top/build/porch}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
RATIO_TARGET=0.9
RSS_TARGET_KIB=$((10 * 1024))

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$PORCH_BIN" ] || die "PORCH_BIN=$PORCH_BIN is not an executable (make bench builds build/porch)"
command -v wrk >/dev/null || die "wrk not installed (apt-get install wrk)"
[ -x "$NGINX" ] || die "nginx not installed (apt-get install nginx-light)"
command -v curl >/dev/null || die "curl not installed"

free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null ||
        python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers may run as nobody
porch_pid=
nginx_pid=
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    [ -n "$porch_pid" ] && kill -TERM "$porch_pid" 2>/dev/null || true
    [ -n "$porch_pid" ] && wait "$porch_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$here/results"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$out") 2>&1

porch_port=$(free_port)
nginx_port=$(free_port)
while [ "$nginx_port" = "$porch_port" ]; do nginx_port=$(free_port); done

# --- porch ----------------------------------------------------------------------------------
common=(--listen "127.0.0.1:$porch_port" --data-dir "$tmp/porch" --db "sqlite:$tmp/porch/porch.db")
mkdir -p "$tmp/porch"
init=$("$PORCH_BIN" init --tenant-name "Bench" --subdomain bench --json "${common[@]}" 2>"$tmp/init.log") ||
    { cat "$tmp/init.log" >&2; die "porch init failed"; }
field() { printf '%s' "$init" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]||""))' "$1"; }
tid=$(field tenantId)
client_id=$(field clientId)
client_secret=$(field clientSecret)
[ -n "$tid" ] || die "no tenantId in porch init output"
[ -n "$client_secret" ] || die "no bootstrap client in porch init output"

threads_arg=()
[ -n "${PORCH_THREADS_ARG:-}" ] && threads_arg=(--threads "$PORCH_THREADS_ARG")
"$PORCH_BIN" serve "${common[@]}" --log-level warn "${threads_arg[@]}" 2>/dev/null &
porch_pid=$!
for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$porch_port/healthz" >/dev/null 2>&1 && break
    kill -0 "$porch_pid" 2>/dev/null || die "porch serve exited during start-up"
    sleep 0.05
done
curl -fs "http://127.0.0.1:$porch_port/healthz" >/dev/null || die "porch serve did not become healthy"
sleep 0.5
rss_idle=$(rss_kib "$porch_pid")
# RSS counts every shared-library page mapped, which varies with what the page cache holds
# (fault-around maps neighbours of hot pages); PSS and private dirty pages are what porch costs.
pss_idle=$(awk '/^Pss:/ {print $2}' "/proc/$porch_pid/smaps_rollup" 2>/dev/null || echo 0)
priv_idle=$(awk '/^Private_Dirty:/ {print $2}' "/proc/$porch_pid/smaps_rollup" 2>/dev/null || echo 0)

disco_path="/$tid/v2.0/.well-known/openid-configuration"
jwks_path="/$tid/discovery/v2.0/keys"

# --- nginx with the same bytes ---------------------------------------------------------------
root="$tmp/www"
mkdir -p "$root/$tid/v2.0/.well-known" "$root/$tid/discovery/v2.0" "$tmp/nginx/logs"
declare -A ctype
fetch() { # path file → writes body to file, prints the Content-Type
    curl -fsS -D "$2.headers" -o "$2" "http://127.0.0.1:$porch_port$1" || die "GET $1 from porch failed"
    awk 'BEGIN{IGNORECASE=1} /^content-type:/ {sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print}' "$2.headers"
}
ctype[discovery]=$(fetch "$disco_path" "$root$disco_path")
ctype[jwks]=$(fetch "$jwks_path" "$root$jwks_path")
chmod -R a+rX "$root"

# Static headers porch adds to these responses (security headers, Cache-Control, CORS), so
# both servers send responses of the same shape; per-request ones (request-id, Date) are left out.
add_headers=$(awk 'BEGIN{IGNORECASE=1}
    /^(content-security-policy|x-content-type-options|x-frame-options|referrer-policy|cache-control|access-control-allow-origin|access-control-allow-methods|strict-transport-security):/ {
        line=$0; sub(/\r$/, "", line); i=index(line, ":"); name=substr(line, 1, i-1); val=substr(line, i+1);
        sub(/^[ \t]+/, "", val); gsub(/\\/, "\\\\", val); gsub(/"/, "\\\"", val);
        printf "            add_header %s \"%s\" always;\n", name, val }' "$root$disco_path.headers")
rm -f "$root$disco_path.headers" "$root$jwks_path.headers"

cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    etag off;
    server_tokens off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $root;
        location = $disco_path {
            types { }
            default_type "${ctype[discovery]}";
$add_headers
        }
        location = $jwks_path {
            types { }
            default_type "${ctype[jwks]}";
$add_headers
        }
    }
}
EOF
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$nginx_port$disco_path" >/dev/null 2>&1 && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/nginx/logs/error.log" >&2; die "nginx exited during start-up"; }
    sleep 0.05
done

for s in discovery jwks; do
    p=$disco_path
    [ $s = jwks ] && p=$jwks_path
    a=$(curl -fsS "http://127.0.0.1:$porch_port$p" | sha256sum)
    b=$(curl -fsS "http://127.0.0.1:$nginx_port$p" | sha256sum)
    [ "$a" = "$b" ] || die "$s: nginx does not serve porch's bytes"
    ct=$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$nginx_port$p")
    [ "$ct" = "${ctype[$s]}" ] || die "$s: nginx Content-Type '$ct' differs from porch's '${ctype[$s]}'"
done

# --- load ------------------------------------------------------------------------------------
cores=$(nproc)
echo "porch bench — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "porch:  $("$PORCH_BIN" version) ($PORCH_BIN), sqlite, --log-level warn${PORCH_THREADS_ARG:+, --threads $PORCH_THREADS_ARG}"
echo "nginx:  $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto, static files"
echo "wrk:    -t$WRK_THREADS -c$CONNS -d$DURATION --latency (warm-up $WARMUP); $cores CPU(s), client and servers share them"
echo

to_us() { # wrk latency like 512.00us, 1.20ms, 2.00s → microseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") m = 1; else if (u == "ms") m = 1000; else if (u == "s") m = 1000000; else if (u == "m") m = 60000000; else m = 1;
        printf "%.0f", n * m }'
}
fmt_us() { awk -v u="$1" 'BEGIN { if (u >= 1000) printf "%.2fms", u / 1000; else printf "%dus", u }'; }

declare -A rps p50 p99 errs ratios
run_wrk() { # key url [wrk options…]
    local o key=$1 url=$2
    shift 2
    o=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" "$url")
    rps[$key]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$o")
    p50[$key]=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$o")")
    p99[$key]=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$o")")
    errs[$key]=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) {gsub(",", "", $i); n += $i}} END {print n + 0}' <<<"$o")
}

for s in discovery jwks; do
    p=$disco_path
    [ $s = jwks ] && p=$jwks_path
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "http://127.0.0.1:$porch_port$p" >/dev/null
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "http://127.0.0.1:$nginx_port$p" >/dev/null
    run_wrk "$s.porch" "http://127.0.0.1:$porch_port$p"
    run_wrk "$s.nginx" "http://127.0.0.1:$nginx_port$p"
done
# Client-credentials token issuance: one RS256 signature per request, measured against the
# machine's own RS256 signing ceiling (openssl speed on all cores).
token_path="/$tid/oauth2/v2.0/token"
token_body="grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = "%s"\n' \
    "$token_body" >"$tmp/token.lua"
curl -fsS -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' --data "$token_body" \
    "http://127.0.0.1:$porch_port$token_path" || die "token request failed"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" -s "$tmp/token.lua" "http://127.0.0.1:$porch_port$token_path" >/dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
t0=$(cpu_ticks "$porch_pid")
s0=$(date +%s.%N)
run_wrk token.porch "http://127.0.0.1:$porch_port$token_path" -s "$tmp/token.lua"
t1=$(cpu_ticks "$porch_pid")
s1=$(date +%s.%N)
# porch's CPU use during the run, in cores, so the per-core rate can be compared with one
# openssl process: wrk shares the machine, so whole-machine rates understate porch.
porch_cores=$(awk -v a="$t0" -v b="$t1" -v x="$s0" -v y="$s1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", (b - a) / hz / (y - x) }')
sign_rate=$(openssl speed -seconds 3 -multi "$cores" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}' | tail -1)
sign_rate1=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}' | tail -1)

# Password sign-ins: the whole browser flow and the code redemption per sign-in (bench/signin.mjs),
# against the argon2id verifications/s the machine does at Porch's parameters (one per sign-in).
SIGNIN_CONC=${BENCH_SIGNIN_CONCURRENCY:-$((cores * 2))}
cc -O2 -I"$top/src" "$here/argon2_rate.c" -o "$tmp/argon2_rate" -lsodium -lpthread ||
    die "cannot build bench/argon2_rate.c (libsodium-dev)"
t0=$(cpu_ticks "$porch_pid")
signin=$(node "$here/signin.mjs" "http://127.0.0.1:$porch_port" "$tid" "$client_id" "$client_secret" \
    "$SIGNIN_CONC" "${DURATION%s}") || die "sign-in bench failed"
t1=$(cpu_ticks "$porch_pid")
jfield() { printf '%s' "$signin" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
signin_rate=$(jfield rate)
signin_secs=$(jfield seconds)
signin_n=$(jfield signins)
signin_cores=$(awk -v a="$t0" -v b="$t1" -v s="$signin_secs" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / s }')
argon_rate=$("$tmp/argon2_rate" "$cores" 5)
argon_rate1=$("$tmp/argon2_rate" 1 5)

kill -0 "$porch_pid" 2>/dev/null || die "porch died under load"
rss_load=$(rss_kib "$porch_pid")
rss_peak=$(hwm_kib "$porch_pid")

printf '%-10s %-6s %12s %10s %10s %8s %10s\n' scenario server 'req/s' p50 p99 errors 'porch/nginx'
misses=0
for s in discovery jwks; do
    ratio=$(awk -v a="${rps[$s.porch]}" -v b="${rps[$s.nginx]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    for srv in porch nginx; do
        r=""
        [ $srv = porch ] && r=$ratio
        printf '%-10s %-6s %12s %10s %10s %8s %10s\n' "$s" "$srv" "${rps[$s.$srv]}" "$(fmt_us "${p50[$s.$srv]}")" \
            "$(fmt_us "${p99[$s.$srv]}")" "${errs[$s.$srv]}" "$r"
    done
    ratios[$s]=$ratio
done
tratio=$(awk -v a="${rps[token.porch]}" -v b="$sign_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
printf '%-10s %-6s %12s %10s %10s %8s %10s\n' token porch "${rps[token.porch]}" "$(fmt_us "${p50[token.porch]}")" \
    "$(fmt_us "${p99[token.porch]}")" "${errs[token.porch]}" ""
echo "token      openssl ${sign_rate} RS256 signs/s (openssl speed -multi $cores rsa2048); porch/openssl $tratio"
cratio=$(awk -v a="${rps[token.porch]}" -v c="$porch_cores" -v b="$sign_rate1" 'BEGIN { if (b > 0 && c > 0) printf "%.2f", a / c / b; else print "n/a" }')
echo "token      per core: porch used $porch_cores cores → $(awk -v a="${rps[token.porch]}" -v c="$porch_cores" 'BEGIN { if (c > 0) printf "%.0f", a / c }') tokens/s/core vs openssl ${sign_rate1} signs/s on one core; ratio $cratio"
sratio=$(awk -v a="$signin_rate" -v b="$argon_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
scratio=$(awk -v a="$signin_rate" -v c="$signin_cores" -v b="$argon_rate1" 'BEGIN { if (b > 0 && c > 0) printf "%.2f", a / c / b; else print "n/a" }')
echo "signin     porch ${signin_rate} password sign-ins/s ($signin_n in ${signin_secs}s, $SIGNIN_CONC at a time; p50 $(jfield p50_ms)ms p99 $(jfield p99_ms)ms, $(jfield errors) errors)"
echo "signin     argon2id ${argon_rate} verifications/s on $cores threads, ${argon_rate1} on one; porch/argon2 $sratio"
echo "signin     per core: porch used $signin_cores cores → ratio $scratio"
echo
printf 'porch RSS: idle %s KiB (%.1f MiB), after load %s KiB (%.1f MiB), peak %s KiB\n' \
    "$rss_idle" "$(awk -v k="$rss_idle" 'BEGIN{print k/1024}')" "$rss_load" "$(awk -v k="$rss_load" 'BEGIN{print k/1024}')" "$rss_peak"
printf 'porch idle PSS %s KiB, private dirty %s KiB\n' "$pss_idle" "$priv_idle"
echo
echo "targets:"
for s in discovery jwks; do
    verdict=$(awk -v r="${ratios[$s]}" -v t="$RATIO_TARGET" 'BEGIN { print (r != "n/a" && r + 0 >= t) ? "PASS" : "MISS" }')
    [ "${errs[$s.porch]}" = 0 ] || verdict="MISS (porch answered ${errs[$s.porch]} errors)"
    echo "  $verdict  $s throughput porch/nginx ${ratios[$s]} (target >= $RATIO_TARGET)"
done
verdict=$(awk -v r="$tratio" 'BEGIN { print (r != "n/a" && r + 0 >= 0.8) ? "PASS" : "MISS" }')
[ "${errs[token.porch]}" = 0 ] || verdict="MISS (porch answered ${errs[token.porch]} errors)"
echo "  $verdict  client-credentials tokens/s over openssl RS256 signs/s, whole machine, $tratio (target >= 0.8)"
verdict=$(awk -v r="$cratio" 'BEGIN { print (r != "n/a" && r + 0 >= 0.8) ? "PASS" : "MISS" }')
echo "  $verdict  the same per core of porch CPU (wrk excluded) $cratio (target >= 0.8)"
verdict=$(awk -v r="$sratio" 'BEGIN { print (r != "n/a" && r + 0 >= 0.8) ? "PASS" : "MISS" }')
[ "$(jfield errors)" = 0 ] || verdict="MISS (sign-in errors)"
echo "  $verdict  password sign-ins/s over argon2id verifications/s, whole machine, $sratio (target >= 0.8)"
verdict=$(awk -v r="$scratio" 'BEGIN { print (r != "n/a" && r + 0 >= 0.8) ? "PASS" : "MISS" }')
echo "  $verdict  the same per core of porch CPU (the node client excluded) $scratio (target >= 0.8)"
verdict=MISS
[ "$rss_idle" -lt "$RSS_TARGET_KIB" ] && verdict=PASS
echo "  $verdict  idle RSS $rss_idle KiB (target < $RSS_TARGET_KIB KiB)"
echo
echo "saved to ${out#"$top"/}"
