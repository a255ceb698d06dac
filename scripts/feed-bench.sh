#!/usr/bin/env bash
# Feed serving benchmark, run by hand on loopback (docs/benchmarks.md): one member's feed from reviewcal and
# the same bytes from nginx (with ETag), full GET and conditional GET, 64 connections each, in alternating rounds
# (ROUNDS=3, DURATION=10s); then every feed of
# the sample district once, and the server's peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get install -y -qq wrk nginx >/dev/null; }
PORT=${PORT:-18383}
NGINX_PORT=${NGINX_PORT:-18384}
DURATION=${DURATION:-10s}
swift build -c release --product reviewcal >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT

"$BIN/reviewcal" demo --config config --data "$WORK/data" --base-url "http://127.0.0.1:$PORT" >/dev/null
"$BIN/reviewcal" export --config config --data "$WORK/data" --out "$WORK/www" >/dev/null
"$BIN/reviewcal" feeds list --config config --data "$WORK/data" --base-url "http://127.0.0.1:$PORT" | grep -E '^\s+http' >"$WORK/urls.txt"
"$BIN/reviewcal" serve --config config --data "$WORK/data" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

# The busiest member feed.
URL=""; BEST=0
for u in $(grep '/feeds/members/' "$WORK/urls.txt"); do
  n=$(curl -s "$u" | grep -c '^BEGIN:VEVENT' || true)
  if [ "$n" -gt "$BEST" ]; then BEST=$n; URL=$u; fi
done
NAME=$(basename "$URL")
cp "$WORK/www/members/$NAME" "$WORK/www/feed.ics"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/calendar ics; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { root $WORK/www; etag on; add_header Cache-Control "private, max-age=300"; charset utf-8; }
  }
}
CONF
chmod -R a+rX "$WORK/www"; chmod a+x "$WORK"
nginx -c "$WORK/nginx.conf"
sleep 0.5
NGINX_URL=http://127.0.0.1:$NGINX_PORT/feed.ics
ETAG=$(curl -sI "$URL" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
NGINX_ETAG=$(curl -sI "$NGINX_URL" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
echo "feed: $BEST events, $(wc -c <"$WORK/www/feed.ics") bytes; reviewcal ETag $ETAG, nginx ETag $NGINX_ETAG"
curl -s -o /dev/null -w "reviewcal conditional GET: %{http_code}\n" -H "If-None-Match: $ETAG" "$URL"
curl -s -o /dev/null -w "nginx conditional GET: %{http_code}\n" -H "If-None-Match: $NGINX_ETAG" "$NGINX_URL"
# Each case runs ROUNDS times, reviewcal and nginx in turn, so that a noisy moment of the shared machine falls on
# both; the medians are compared.
ROUNDS=${ROUNDS:-3}
bench() { wrk -t2 -c64 -d"$DURATION" --latency "$@" | awk '/Requests\/sec/ {rps=$2} $1=="99%" {p99=$2} END {print rps, p99}'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for kind in full conditional; do
  : >"$WORK/$kind-reviewcal.txt"; : >"$WORK/$kind-nginx.txt"
  for round in $(seq "$ROUNDS"); do
    if [ "$kind" = full ]; then
      bench "$URL" >>"$WORK/$kind-reviewcal.txt"
      bench "$NGINX_URL" >>"$WORK/$kind-nginx.txt"
    else
      bench -H "If-None-Match: $ETAG" "$URL" >>"$WORK/$kind-reviewcal.txt"
      bench -H "If-None-Match: $NGINX_ETAG" "$NGINX_URL" >>"$WORK/$kind-nginx.txt"
    fi
  done
  for server in reviewcal nginx; do
    echo "== $server $kind GET, $ROUNDS rounds of $DURATION (requests/s p99): $(tr '\n' ';' <"$WORK/$kind-$server.txt")"
  done
  r=$(median <"$WORK/$kind-reviewcal.txt"); n=$(median <"$WORK/$kind-nginx.txt")
  echo "   median requests/s: reviewcal $r, nginx $n: $(awk -v r="$r" -v n="$n" 'BEGIN {printf "%.0f", 100 * r / n}') % of nginx"
done
for u in $(cat "$WORK/urls.txt"); do curl -sf -o /dev/null "$u"; done
echo "served every feed of the sample district ($(wc -l <"$WORK/urls.txt") URLs)"
grep -E 'VmHWM|VmRSS' "/proc/$SERVER/status"
