#!/bin/sh
# The whole load run on one database: seed, full reindex, cold start, then wrk on every
# kind of page next to nginx serving the same document page as a static file, all on this
# machine in one run. Prints a table (requests/s, p50, p99, ratio to nginx) and the server's
# peak memory.
#
# Usage: benches/load/full.sh sqlite|postgres [ITEMS] [DIR]
#   ITEMS defaults to 1000000; DIR to /tmp/gongkai-load-<backend>; SECONDS_EACH (15) per run;
#   APPLICATIONS (2000) handled applications; CONNECTIONS (32).
# Needs: target/release/gongkai (built if missing), wrk, nginx, curl; for postgres initdb and
# pg_ctl (Debian's postgresql; run as root it uses the postgres account).
set -eu
backend=${1:?usage: full.sh sqlite|postgres [ITEMS] [DIR]}
items=${2:-1000000}
dir=${3:-/tmp/gongkai-load-$backend}
secs=${SECONDS_EACH:-15}
conns=${CONNECTIONS:-32}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GONGKAI_BIN:-$root/target/release/gongkai}
[ -x "$bin" ] || (cd "$root" && cargo build --release)
mkdir -p "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }

pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  [ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  if [ "$backend" = postgres ] && [ -d "$dir/pg" ]; then $pgrun "$pg_ctl -D '$dir/pg' -m fast stop" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  pg_ctl=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)
  initdb=$(dirname "$pg_ctl")/initdb
  pgrun="sh -c"
  if [ "$(id -u)" = 0 ]; then pgrun="runuser -u postgres -- sh -c"; chown postgres "$dir"; fi
  pgport=$(free_port)
  if [ ! -d "$dir/pg" ]; then
    $pgrun "'$initdb' -D '$dir/pg' -U gongkai --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fresh=1
  fi
  $pgrun "'$pg_ctl' -D '$dir/pg' -o '-p $pgport -k /tmp -c shared_buffers=1GB -c synchronous_commit=off' -l '$dir/pg.log' -w start" >/dev/null
  [ "${fresh:-0}" = 1 ] && $pgrun "psql -h 127.0.0.1 -p $pgport -U gongkai -d postgres -c 'CREATE DATABASE gongkai'" >/dev/null
  url="postgres://gongkai@127.0.0.1:$pgport/gongkai"
else
  url="sqlite://$dir/g.db"
fi
db="--database $url --data-key-file $dir/data.key --files $dir/files"

echo "== $backend, $items items ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r))"
if [ ! -f "$dir/seeded" ]; then
  "$bin" $db bench seed --items "$items" --applications "${APPLICATIONS:-2000}" --today 2026-11-16 | tee "$dir/seed.log"
  touch "$dir/seeded"
else
  cat "$dir/seed.log"
fi
rm -rf "$dir/index"
"$bin" $db reindex --index-dir "$dir/index" | tee "$dir/reindex.log"

port=$(free_port)
base="http://127.0.0.1:$port"
t0=$(now)
"$bin" $db serve --listen "127.0.0.1:$port" --index-dir "$dir/index" --trusted-proxy 127.0.0.1 \
  --today 2026-11-16 --max-connections-per-ip 4096 >"$dir/serve.log" 2>&1 &
spid=$!
pids="$spid"
until curl -sf "$base/healthz" >/dev/null 2>&1; do sleep 0.01; done
echo "cold start to serving (index built): $(since "$t0") s"

# nginx serving the rendered document page as a static file, same machine, same cores.
mid=$((items / 2))
mkdir -p "$dir/www" "$dir/nginx"
curl -sf "$base/info/$mid" >"$dir/www/doc.html"
nport=$(free_port)
cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  default_type text/html;
  server { listen 127.0.0.1:$nport; root $dir/www; }
}
EOF
nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx"

# The application form's cookie and token, and an API token.
curl -s -c "$dir/cookies" "$base/apply/gzmz" >"$dir/apply.html"
token=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$dir/apply.html" | head -1)
cookie=$(awk '$6 == "gk_csrf" {print "gk_csrf=" $7}' "$dir/cookies")
api_token=$("$bin" $db user token gzmz.staff --name "load $(date +%s)" --days 1 2>/dev/null)
org=$(curl -sf -H "Authorization: Bearer $api_token" "$base/api/v1/orgs" | python3 -c 'import json,sys; d=json.load(sys.stdin); items=d["items"] if isinstance(d,dict) else d; print([o["id"] for o in items if o.get("short_code")=="gzmz"][0])')

run() { # name kind url
  out=$(CATALOG_ITEMS=$items KIND=$2 COOKIE=$cookie TOKEN=$token API_TOKEN=$api_token ORG=$org \
    wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$root/benches/load/random.lua" "$3")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$1 $rps $p50 $p99 ${bad:-0}" >>"$dir/results"
}
: >"$dir/results"
run nginx-static static "http://127.0.0.1:$nport"
for k in doc column home search apply api; do run "$k" "$k" "$base"; done
ngx=$(awk '$1 == "nginx-static" {print $2}' "$dir/results")
printf '%-14s %10s %9s %9s %8s %7s\n' page "req/s" p50 p99 "nginx×" errors
awk -v n="$ngx" '{printf "%-14s %10.0f %9s %9s %8.2f %7s\n", $1, $2, $3, $4, $2 / n, $5}' "$dir/results"
echo "server memory: $(grep -E 'VmHWM' "/proc/$spid/status" | awk '{printf "peak %.0f MB", $2/1024}'), $(grep -E 'VmRSS' "/proc/$spid/status" | awk '{printf "now %.0f MB", $2/1024}')"
