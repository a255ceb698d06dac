#!/usr/bin/env bash
# Checks the deployment files of deploy/ (docs/deploy.md) against a built reviewcal; builds nothing.
#  - Prometheus: promtool check config, check rules, and the alert unit tests (deploy/prometheus/alerts.test.yml).
#  - systemd: systemd-analyze verify of the units, and that reviewcal has every option and command they use.
#  - nginx: deploy/nginx/reviewcal.conf rendered onto free local ports with a throwaway self-signed certificate,
#    `nginx -t`, then run in front of `reviewcal serve --demo` (upstream: that server and a port where nothing
#    listens, so every request also exercises proxy_next_upstream): a feed over https is 200, text/calendar, gzip,
#    and the same bytes as from the server directly; http redirects to https; /metrics is 403 from outside; the
#    server's own /metrics passes `promtool check metrics`.
# Input: REVIEWCAL_BIN (default .build/debug/reviewcal). A missing tool (promtool, nginx, openssl,
# systemd-analyze) skips its checks with one line saying so, unless REQUIRE_DEPLOY_CHECK=1 (CI), which makes that
# a failure. Options or commands of the units that this reviewcal lacks are listed and skipped, unless
# REQUIRE_SERVE_OPTIONS=1. Ports: DEPLOY_CHECK_PORT (default 18080; the first free ports from there are used).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${REVIEWCAL_BIN:-.build/debug/reviewcal}
HOST=sen-hong.lich.example.vn

ok() { echo "ok   $*"; }
fail() {
  echo "FAIL $*" >&2
  for log in "${WORK:-/nonexistent}/reviewcal.log" "${WORK:-/nonexistent}/error.log"; do
    if [ -s "$log" ]; then echo "--- last lines of $(basename "$log"):" >&2; tail -n 20 "$log" >&2; fi
  done
  exit 1
}
skip() {
  if [ "${REQUIRE_DEPLOY_CHECK:-0}" = 1 ]; then fail "$1 (REQUIRE_DEPLOY_CHECK=1)"; fi
  echo "skip $1"
}
have() { command -v "$1" >/dev/null 2>&1; }

[ -x "$BIN" ] || fail "the reviewcal binary $BIN is missing; build it first (swift build) or set REVIEWCAL_BIN."
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

WORK=$(mktemp -d)
APP_PID=
cleanup() {
  local nginx_pid=
  [ -s "$WORK/nginx.pid" ] && nginx_pid=$(cat "$WORK/nginx.pid")
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -n "$APP_PID" ]; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- Prometheus ---------------------------------------------------------------------------------------------------
if have promtool; then
  for step in "check config deploy/prometheus/prometheus.yml" "check rules deploy/prometheus/alerts.yml" \
    "test rules deploy/prometheus/alerts.test.yml"; do
    # shellcheck disable=SC2086 # the step is words on purpose
    promtool $step >"$WORK/promtool.out" 2>&1 || { cat "$WORK/promtool.out" >&2; fail "promtool $step"; }
    ok "promtool $step"
  done
else
  skip "promtool is missing (apt-get install prometheus): the Prometheus files are not checked."
fi

# --- systemd ------------------------------------------------------------------------------------------------------
# verify wants the ExecStart program to exist: the units are checked with /usr/local/bin/reviewcal replaced by $BIN.
if have systemd-analyze; then
  mkdir "$WORK/units"
  for unit in deploy/systemd/*; do
    sed "s#/usr/local/bin/reviewcal#$BIN#g" "$unit" >"$WORK/units/$(basename "$unit")"
  done
  (cd "$WORK/units" && systemd-analyze verify ./*) >"$WORK/verify.out" 2>&1 \
    || { cat "$WORK/verify.out" >&2; fail "systemd-analyze verify deploy/systemd/*"; }
  ok "systemd-analyze verify deploy/systemd/*"
else
  skip "systemd-analyze is missing (apt-get install systemd): the units are not verified."
fi
serve_help=$("$BIN" serve --help 2>&1)
missing=()
while read -r opt; do
  grep -qE -- "(^|[[:space:]])$opt([[:space:]]|$)" <<<"$serve_help" || missing+=("serve $opt")
done < <(grep -h '^ExecStart=' 'deploy/systemd/reviewcal@.service' | grep -o -- '--[a-z-]*' | sort -u)
grep -qE '^  backup( |$)' <<<"$("$BIN" --help 2>&1)" || missing+=("the backup command")
missing_list=$(printf '%s, ' "${missing[@]}")
missing_list=${missing_list%, }
if [ ${#missing[@]} -eq 0 ]; then
  ok "reviewcal has every option and command the units use"
elif [ "${REQUIRE_SERVE_OPTIONS:-0}" = 1 ]; then
  fail "$BIN lacks what the units use: $missing_list"
else
  echo "skip $BIN lacks what the units use (REQUIRE_SERVE_OPTIONS=1 makes this a failure): $missing_list"
fi

# --- nginx in front of a running reviewcal ------------------------------------------------------------------------
if ! have nginx; then skip "nginx is missing (apt-get install nginx-light): the nginx site is not checked."; exit 0; fi
if ! have openssl; then skip "openssl is missing: the nginx site is not checked."; exit 0; fi
have curl || fail "curl is missing."

taken=" "
# free_port VAR: the first port from $next that nothing listens on and that no other VAR took.
next=${DEPLOY_CHECK_PORT:-18080}
free_port() {
  while [[ $taken == *" $next "* ]] || (exec 3<>"/dev/tcp/127.0.0.1/$next") 2>/dev/null; do next=$((next + 1)); done
  printf -v "$1" %s "$next"
  taken+="$next "
  next=$((next + 1))
}
free_port HTTP_PORT
free_port HTTPS_PORT
free_port APP_PORT
free_port DEAD_PORT

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$HOST" -days 2 \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"

# The site, moved onto the test's ports, certificate and log folder; IPv6 listeners dropped (not every CI has IPv6).
sed -e "s#/etc/ssl/reviewcal/fullchain.pem#$WORK/fullchain.pem#" \
  -e "s#/etc/ssl/reviewcal/privkey.pem#$WORK/privkey.pem#" \
  -e "s#/var/log/nginx/#$WORK/#g" \
  -e "s#/var/www/letsencrypt#$WORK/www#" \
  -e '/listen \[::\]/d' \
  -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" \
  -e "s#listen 443 #listen 127.0.0.1:$HTTPS_PORT #" \
  -e "s#server 127.0.0.1:8081 #server 127.0.0.1:$APP_PORT #" \
  -e "s#server 127.0.0.1:8082 #server 127.0.0.1:$DEAD_PORT #" \
  deploy/nginx/reviewcal.conf >"$WORK/site.conf"
if grep -nE '/etc/ssl|/var/log|listen +(80|443)|127\.0\.0\.1:808[12]' "$WORK/site.conf" >&2; then
  fail "scripts/deploy-check.sh no longer renders every line of deploy/nginx/reviewcal.conf above; update its sed"
fi
mkdir -p "$WORK/temp" "$WORK/www"
mime=/etc/nginx/mime.types
[ -f "$mime" ] || { printf 'types { text/html html; text/css css; }\n' >"$WORK/mime.types"; mime=$WORK/mime.types; }
{
  # Workers run as the invoking user; as root nginx would switch them to nobody, who cannot enter $WORK.
  [ "$(id -u)" = 0 ] && echo "user root;"
  cat <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 512; }
http {
  include $mime;
  default_type application/octet-stream;
  client_body_temp_path $WORK/temp/body;
  proxy_temp_path $WORK/temp/proxy;
  fastcgi_temp_path $WORK/temp/fastcgi;
  uwsgi_temp_path $WORK/temp/uwsgi;
  scgi_temp_path $WORK/temp/scgi;
  access_log $WORK/access.log;
  include $WORK/site.conf;
}
CONF
} >"$WORK/nginx.conf"
NGINX=(nginx -e "$WORK/error.log" -p "$WORK/" -c "$WORK/nginx.conf")
"${NGINX[@]}" -t >"$WORK/nginx-t.out" 2>&1 || { cat "$WORK/nginx-t.out" >&2; fail "nginx -t on deploy/nginx/reviewcal.conf"; }
if grep -E '\[(warn|emerg|alert|crit)\]' "$WORK/nginx-t.out" >&2; then fail "nginx -t warns about deploy/nginx/reviewcal.conf"; fi
ok "nginx -t: deploy/nginx/reviewcal.conf (on 127.0.0.1:$HTTP_PORT and :$HTTPS_PORT)"

"$BIN" serve --config config --data "$WORK/data" --demo --host 127.0.0.1 --port "$APP_PORT" >"$WORK/reviewcal.log" 2>&1 &
APP_PID=$!
"${NGINX[@]}" || fail "nginx did not start"
for _ in $(seq 50); do [ -s "$WORK/nginx.pid" ] && break; sleep 0.1; done
[ -s "$WORK/nginx.pid" ] || fail "nginx wrote no pid file"

direct=http://127.0.0.1:$APP_PORT
health=
for _ in $(seq 240); do
  for path in /healthz /health; do
    if curl -sf -o /dev/null "$direct$path"; then health=$path; break 2; fi
  done
  kill -0 "$APP_PID" 2>/dev/null || fail "reviewcal serve exited before answering"
  sleep 0.5
done
[ -n "$health" ] || fail "reviewcal serve did not answer /healthz or /health within 2 minutes"
ok "reviewcal serve --demo answers $health on $direct"
code=$(curl -s -o /dev/null -w '%{http_code}' "$direct/readyz")
case $code in
  200) ok "/readyz: 200" ;;
  404) echo "skip /readyz: this reviewcal does not serve it" ;;
  *) fail "/readyz answered $code" ;;
esac

# The demo prints feed links; any feed of the district will do.
feed=$(grep -m1 -oE '/feeds/district/[a-z0-9]+/[^ ]+\.ics' "$WORK/reviewcal.log" || true)
if [ -z "$feed" ]; then
  feed=$("$BIN" feeds list --config config --data "$WORK/data" | grep -m1 -oE '/feeds/[a-z]+/[a-z0-9]+/[^ ]+\.ics' || true)
fi
[ -n "$feed" ] || fail "found no feed link in the output of reviewcal serve --demo or reviewcal feeds list"

code=$(curl -sS -o "$WORK/direct.ics" -w '%{http_code}' "$direct$feed")
[ "$code" = 200 ] || fail "the feed from reviewcal directly: $code"

https=https://$HOST:$HTTPS_PORT
via=(curl -sS -k --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1")
code=$("${via[@]}" -H 'Accept-Encoding: gzip' -D "$WORK/feed.headers" -o "$WORK/feed.gz" -w '%{http_code}' "$https$feed")
[ "$code" = 200 ] || fail "the feed through nginx: $code (expected 200)"
grep -qiE '^content-type: *text/calendar' "$WORK/feed.headers" || { cat "$WORK/feed.headers" >&2; fail "the feed through nginx is not text/calendar"; }
grep -qiE '^content-encoding: *gzip' "$WORK/feed.headers" || { cat "$WORK/feed.headers" >&2; fail "the feed through nginx is not gzip-encoded"; }
gzip -dc "$WORK/feed.gz" >"$WORK/via.ics" || fail "the feed through nginx is not valid gzip"
if cmp -s "$WORK/direct.ics" "$WORK/via.ics"; then
  ok "feed over https through nginx: 200, text/calendar, gzip, same $(wc -c <"$WORK/direct.ics") bytes as from reviewcal"
elif diff <(grep -v '^DTSTAMP' "$WORK/direct.ics") <(grep -v '^DTSTAMP' "$WORK/via.ics") >&2; then
  ok "feed over https through nginx: 200, text/calendar, gzip, same content as from reviewcal but for DTSTAMP"
else
  fail "the feed through nginx differs from the feed from reviewcal"
fi

# Half the upstream is a port where nothing listens: every request must still be answered (proxy_next_upstream),
# a POST too, since a refused connection means it never reached an instance (without a token: refused, 401).
post=(-o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}')
expected=$(curl -s "${post[@]}" "$direct/v1/requests")
for i in 1 2 3 4; do
  code=$("${via[@]}" "${post[@]}" "$https/v1/requests")
  [ "$code" = "$expected" ] || fail "POST /v1/requests $i through nginx with one instance down: $code (directly: $expected)"
done
ok "4 POSTs through nginx with one of the two instances down: all reached the running one"
for i in 1 2 3 4 5 6; do
  code=$("${via[@]}" -o /dev/null -w '%{http_code}' "$https$feed")
  [ "$code" = 200 ] || fail "feed request $i through nginx with one instance down: $code"
done
ok "6 feed requests through nginx with one of the two instances down: all 200"

code=$("${via[@]}" -H 'Accept-Encoding: gzip' -D "$WORK/yaml.headers" -o /dev/null -w '%{http_code}' "$https/openapi.yaml")
[ "$code" = 200 ] || fail "/openapi.yaml through nginx: $code"
grep -qiE '^content-encoding: *gzip' "$WORK/yaml.headers" || { cat "$WORK/yaml.headers" >&2; fail "nginx did not gzip /openapi.yaml"; }
ok "nginx gzips what reviewcal sends uncompressed (/openapi.yaml)"

if curl -s -D - -o /dev/null -H 'X-Request-Id: deploy-check-1' "$direct$health" | grep -qi '^x-request-id: *deploy-check-1'; then
  rid=$("${via[@]}" -D - -o /dev/null "$https$health" | tr -d '\r' | awk -F': *' 'tolower($1)=="x-request-id" {print $2}')
  [[ $rid =~ ^[0-9a-f]{32}$ ]] || fail "X-Request-Id through nginx is '$rid', not nginx's \$request_id"
  ok "X-Request-Id through nginx is nginx's \$request_id ($rid)"
else
  echo "skip X-Request-Id: this reviewcal does not echo it"
fi

read -r code location < <("${via[@]}" -o /dev/null -w '%{http_code} %{redirect_url}\n' "http://$HOST:$HTTP_PORT$feed")
if [ "$code" != 301 ] || [ "$location" != "https://$HOST$feed" ]; then
  fail "http:// answered $code $location (expected 301 to https://$HOST$feed)"
fi
ok "http:// redirects to https:// (301)"

code=$("${via[@]}" -o /dev/null -w '%{http_code}' "$https/metrics")
[ "$code" = 403 ] || fail "/metrics through nginx: $code (expected 403)"
ok "/metrics through nginx: 403"

code=$(curl -s -o "$WORK/metrics.txt" -w '%{http_code}' "$direct/metrics")
if [ "$code" = 200 ]; then
  if have promtool; then
    promtool check metrics <"$WORK/metrics.txt" >"$WORK/metrics.out" 2>&1 || { cat "$WORK/metrics.out" >&2; fail "promtool check metrics on $direct/metrics"; }
    ok "promtool check metrics on $direct/metrics ($(grep -vc '^#' "$WORK/metrics.txt") samples)"
  else
    skip "promtool is missing: $direct/metrics is not checked."
  fi
else
  echo "skip /metrics on the instance: $code (this reviewcal does not serve it)"
fi
