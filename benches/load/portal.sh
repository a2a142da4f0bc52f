#!/bin/sh
# Load test of the portal with wrk (Debian package `wrk`) against the release server.
# Usage: benches/load/portal.sh DIR   where DIR holds catalog.db and index/ built by
#        `CATALOG_DIR=DIR cargo bench --bench catalog` (1,000,000 items by default).
set -eu
dir=${1:?usage: portal.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/target/release/gongkai"
[ -x "$bin" ] || (cd "$root" && cargo build --release)
port=${PORT:-18099}
"$bin" serve --database "sqlite://$dir/catalog.db" --index-dir "$dir/index" --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
for kind in doc column search; do
  echo "== $kind"
  KIND=$kind wrk -t2 -c32 -d${SECONDS_EACH:-20}s --latency -s "$root/benches/load/random.lua" "http://127.0.0.1:$port" \
    | grep -E "Requests/sec|Latency|  50%|  99%|Non-2xx"
done
echo "== server memory"
grep -E "VmHWM|VmRSS" "/proc/$pid/status"
