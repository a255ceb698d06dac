#!/usr/bin/env bash
# The Thursday rush, run by hand on loopback (docs/benchmarks.md):
#  1. 1,000 registrations for next week from 200 concurrent clients: 500 with the rehearsal clock at
#     Thursday 14:59:50 (all accepted before 15:00, none twice), 500 at 15:00:00 (all refused as late, nothing stored).
#  2. 1,000 registrations again with `kill -9` of the server in the middle and a restart: every acknowledged
#     registration is there, none twice.
# CONFIG=release (default) or debug.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
PORT=${PORT:-18181}
swift build -c "$CONFIG" --product reviewcal >/dev/null
swift build -c "$CONFIG" --product LoadBench >/dev/null
BIN=$(swift build -c "$CONFIG" --show-bin-path)
WORK=$(mktemp -d)
DATA=$WORK/data
URL=http://127.0.0.1:$PORT
trap 'kill -9 $(jobs -p) 2>/dev/null || true' EXIT

start_server() {
  "$BIN/reviewcal" serve --config config --data "$DATA" --port "$PORT" --rehearsal-clock 2026-12-03T14:59:00 >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "$URL/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
set_clock() {
  curl -sf -X POST -H "Authorization: Bearer $OFFICE" -H 'Content-Type: application/json' -d "{\"now\":\"$1\"}" "$URL/v1/admin/clock" >/dev/null
}

"$BIN/reviewcal" admin token issue --all-units --config config --data "$DATA" >"$WORK/tokens.tsv"
OFFICE=$("$BIN/reviewcal" admin token issue --office --config config --data "$DATA" | tail -1)
"$BIN/reviewcal" admin allow-extra --unit all --kind cap-uy --campaign 2026 --extra 60 --config config --data "$DATA" >/dev/null
start_server

echo "== 1. cutoff: 500 from 14:59:50 (the run takes about a second), 500 at 15:00:00 (week 2026-W50 closes Thursday 2026-12-03 15:00)"
set_clock 2026-12-03T14:59:50
"$BIN/LoadBench" register "$URL" "$WORK/tokens.tsv" 2026-W50 500 200 before "$WORK/acked-before.txt"
set_clock 2026-12-03T15:00:00
"$BIN/LoadBench" register "$URL" "$WORK/tokens.tsv" 2026-W50 500 200 after "$WORK/acked-after.txt"
"$BIN/LoadBench" verify "$URL" "$OFFICE" 2026-W50 before "$WORK/acked-before.txt" 500
"$BIN/LoadBench" verify "$URL" "$OFFICE" 2026-W50 after "$WORK/acked-after.txt" 0

echo "== 2. kill -9 in the middle (week 2026-W51, clock 2026-12-03 15:00)"
: >"$WORK/acked-crash.txt"
"$BIN/LoadBench" register "$URL" "$WORK/tokens.tsv" 2026-W51 1000 200 crash "$WORK/acked-crash.txt" &
LOAD=$!
while [ "$(wc -l <"$WORK/acked-crash.txt" 2>/dev/null || echo 0)" -lt 300 ]; do sleep 0.01; done
kill -9 "$SERVER"
echo "killed the server after $(wc -l <"$WORK/acked-crash.txt") acknowledgements"
wait "$LOAD" || true
start_server
set_clock 2026-12-03T15:00:00
"$BIN/LoadBench" verify "$URL" "$OFFICE" 2026-W51 crash "$WORK/acked-crash.txt" 1000
echo "== retry of the same 1,000 after the restart (same idempotency keys): nothing twice"
"$BIN/LoadBench" register "$URL" "$WORK/tokens.tsv" 2026-W51 1000 200 crash "$WORK/acked-retry.txt"
cat "$WORK/acked-crash.txt" >>"$WORK/acked-retry.txt"
"$BIN/LoadBench" verify "$URL" "$OFFICE" 2026-W51 crash "$WORK/acked-retry.txt" 1000
