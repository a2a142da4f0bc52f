#!/usr/bin/env bash
# The JSON API against its OpenAPI document: schemathesis (from PyPI, pinned) generates
# requests from /api/openapi.json and checks every answer against it, on a demo server
# started here on loopback. Usage: tests/api/schemathesis.sh [path/to/gongkai]
#
# Every check runs except positive_data_acceptance ("a request the schema allows must be
# accepted"): the handlers also apply rules that JSON Schema cannot state (an ID number's
# check digit, a phone's shape, a credit code, that an application belongs to the body),
# and answer them with a documented 422 that names the field. What the schema can state
# (required fields, codes from core's lists, dates, hidden characters, unknown fields) it
# states, and the negative checks hold the server to it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/gongkai}
venv=${SCHEMATHESIS_VENV:-/tmp/gongkai-schemathesis}
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --database "sqlite://$work/g.db" --create serve --demo --no-worker --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log"; exit 1; }
# As the bureau's admin (organisations, accounts) and its staff (applications, appeals):
# each may act on its own bureau only, so the other operations answer 403 as documented.
for user in gzmz.admin gzmz.staff; do
  echo "== schemathesis as $user"
  token=$("$bin" --database "sqlite://$work/g.db" user token "$user" --name schemathesis 2>/dev/null)
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --max-examples 50 --seed 20261202 --no-color
done
