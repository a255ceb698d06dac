#!/usr/bin/env bash
# The Thursday rush on two servers sharing one PostgreSQL database, run by hand on loopback (docs/benchmarks.md):
# a throwaway PostgreSQL server, two `reviewcal serve --database …` instances with rehearsal clocks, 100 concurrent
# clients on each. 2 × 500 registrations from Thursday 14:59:30 (all accepted, all stored, none twice), 2 × 250 at
# 15:00:00 (all refused as late, nothing stored). Needs PostgreSQL's server programs (apt-get install postgresql).
# CONFIG=release (default) or debug; PGOPTIONS_EXTRA="-c name=value …" passes settings to the PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
PORT=${PORT:-18281}
PGPORT=${REVIEWCAL_PG_PORT:-54339}
. scripts/bench-postgres.sh
export REVIEWCAL_DATABASE="postgres://postgres@127.0.0.1:$PGPORT/postgres"

"$BIN/reviewcal" admin token issue --all-units --config config >"$WORK/tokens.tsv"
OFFICE=$("$BIN/reviewcal" admin token issue --office --config config | tail -1)
"$BIN/reviewcal" admin allow-extra --unit all --kind cap-uy --campaign 2026 --extra 60 --config config >/dev/null
URLS=()
for i in 0 1; do
  "$BIN/reviewcal" serve --config config --port $((PORT + i)) --rehearsal-clock 2026-12-03T14:59:00 >>"$WORK/server-$i.log" 2>&1 &
  URLS+=("http://127.0.0.1:$((PORT + i))")
done
for url in "${URLS[@]}"; do
  for _ in $(seq 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
done
set_clocks() {
  for url in "${URLS[@]}"; do
    curl -sf -X POST -H "Authorization: Bearer $OFFICE" -H 'Content-Type: application/json' -d "{\"now\":\"$1\"}" "$url/v1/admin/clock" >/dev/null
  done
}

echo "== two servers, one PostgreSQL database ($("$PGBIN/postgres" --version))"
# COUNT registrations from CLIENTS clients on each server at once, with key prefixes A (server 0) and B (server 1).
rush() {
  "$BIN/LoadBench" register "${URLS[0]}" "$WORK/tokens.tsv" 2026-W50 "$1" "$2" "$3" "$WORK/acked-$3.txt" &
  local first=$!
  "$BIN/LoadBench" register "${URLS[1]}" "$WORK/tokens.tsv" 2026-W50 "$1" "$2" "$4" "$WORK/acked-$4.txt" &
  wait $first $!
}
echo "== 2 × 500 from 14:59:30, 100 clients on each server (week 2026-W50 closes Thursday 2026-12-03 15:00)"
set_clocks 2026-12-03T14:59:30
rush 500 100 a b
echo "== 2 × 250 at 15:00:00"
set_clocks 2026-12-03T15:00:00
rush 250 100 c d
echo "== each server sees what the other stored"
"$BIN/LoadBench" verify "${URLS[1]}" "$OFFICE" 2026-W50 a "$WORK/acked-a.txt" 500
"$BIN/LoadBench" verify "${URLS[0]}" "$OFFICE" 2026-W50 b "$WORK/acked-b.txt" 500
"$BIN/LoadBench" verify "${URLS[0]}" "$OFFICE" 2026-W50 c "$WORK/acked-c.txt" 0
"$BIN/LoadBench" verify "${URLS[1]}" "$OFFICE" 2026-W50 d "$WORK/acked-d.txt" 0
