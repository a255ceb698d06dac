#!/usr/bin/env bash
# The registration rush of a province deployment, run by hand on loopback (docs/benchmarks.md): 1,000
# registrations from 200 concurrent clients
#   - on one server over SQLite (200 clients on it), and
#   - on two servers over one PostgreSQL database (100 clients on each),
# alternating, ROUNDS times (default 3), each on fresh data; then once more on the two PostgreSQL servers with
# `kill -9` of one of them in the middle: every acknowledged registration stored, none twice.
# Prints p50/p99 per run (all clients' latencies together) and the medians. Needs PostgreSQL's server programs.
# CONFIG=release (default) or debug; PGOPTIONS_EXTRA="-c name=value …" passes settings to the PostgreSQL server.
# BASELINE=DIR (a build folder holding another reviewcal, e.g. an earlier commit's .build/release) runs every round
# on that server too, in alternating order, with the same clients, and prints the medians side by side with their
# ratio (this build's over the baseline's).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18381}
PGPORT=${REVIEWCAL_PG_PORT:-54349}
PG_SETTINGS="-c max_connections=200"
. scripts/bench-postgres.sh
PGURL="postgres://postgres@127.0.0.1:$PGPORT"
CLOCK=2026-12-03T14:00:00   # week 2026-W50 closes Thursday 2026-12-03 15:00
echo "== $(nproc) cores; $("$PGBIN/postgres" --version); reviewcal $CONFIG; 1,000 registrations, 200 concurrent clients"

wait_up() { for _ in $(seq 200); do curl -sf "$1/readyz" >/dev/null && return; sleep 0.1; done; echo "no server at $1" >&2; exit 1; }

# Prepares a fresh database (SQLite folder $1, or PostgreSQL database $2): tokens, office token, extra allowances.
prepare() {
  local args=(--config config --data "$1")
  [ -n "${2:-}" ] && args+=(--database "$PGURL/$2")
  "$SERVER/reviewcal" admin token issue --all-units "${args[@]}" >"$WORK/tokens.tsv"
  OFFICE=$("$SERVER/reviewcal" admin token issue --office "${args[@]}" | tail -1)
  "$SERVER/reviewcal" admin allow-extra --unit all --kind cap-uy --campaign 2026 --extra 60 "${args[@]}" >/dev/null
}

# The machine's busy cores since the last cpu_mark (from /proc/stat): how much of the 2 cores a run used.
cpu_mark() { read -r _ u n s i w q sq st _ </proc/stat; CPU0=$((u + n + s + q + sq + st)); IDLE0=$((i + w)); }
cpu_busy() {
  read -r _ u n s i w q sq st _ </proc/stat
  local busy=$((u + n + s + q + sq + st - CPU0)) idle=$((i + w - IDLE0))
  awk -v b=$busy -v i=$idle -v c="$(nproc)" 'BEGIN { printf "%.2f", (b + i) ? c * b / (b + i) : 0 }'
}

# p50 and p99 (ms) of the latency files given.
percentiles() { cat "$@" | sort -n | awk '{a[NR]=$1} END {i50=int(NR*0.5); i99=int(NR*0.99); if (i99>=NR) i99=NR-1; printf "%.1f %.1f\n", a[i50+1], a[i99+1]}'; }

sqlite_run() {
  local dir=$WORK/sqlite-$1
  prepare "$dir"
  "$SERVER/reviewcal" serve --config config --data "$dir" --port "$PORT" --rehearsal-clock "$CLOCK" --job-interval 3600 >>"$WORK/sqlite.log" 2>&1 &
  local server=$!
  wait_up "http://127.0.0.1:$PORT"
  cpu_mark
  LOADBENCH_LATENCIES=$WORK/lat-s$1 "$BIN/LoadBench" register "http://127.0.0.1:$PORT" "$WORK/tokens.tsv" 2026-W50 1000 200 "s$1" "$WORK/acked-s$1" >"$WORK/out-s$1"
  local busy; busy=$(cpu_busy)
  "$BIN/LoadBench" verify "http://127.0.0.1:$PORT" "$OFFICE" 2026-W50 "s$1" "$WORK/acked-s$1" 1000 >"$WORK/verify-s$1" || { cat "$WORK/verify-s$1"; exit 1; }
  kill -TERM $server; wait $server || true
  read -r p50 p99 < <(percentiles "$WORK/lat-s$1")
  echo "sqlite  round $1: $(head -1 "$WORK/out-s$1" | sed 's/;.*//'); p50 $p50 ms, p99 $p99 ms; $busy cores busy; $(sed -n 2p "$WORK/out-s$1"); $(tail -1 "$WORK/verify-s$1" | cut -c1-40)"
  echo "$p99" >>"$WORK/p99-sqlite"
}

# Two servers on database rush$1; with "kill" as $2 the first is killed with -9 once 200 registrations are acknowledged.
postgres_run() {
  local db=rush$1 name=p$1
  "${AS[@]}" "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE $db" >/dev/null
  prepare "$WORK/pgdata-$1" "$db"
  local servers=()
  for i in 0 1; do
    "$SERVER/reviewcal" serve --config config --data "$WORK/pgdata-$1" --database "$PGURL/$db" --port $((PORT + 1 + i)) \
      --rehearsal-clock "$CLOCK" --pool-size 10 --job-interval 3600 >>"$WORK/pg-$i.log" 2>&1 &
    servers+=($!)
  done
  wait_up "http://127.0.0.1:$((PORT + 1))"; wait_up "http://127.0.0.1:$((PORT + 2))"
  local started
  started=$(date +%s.%N)
  cpu_mark
  LOADBENCH_LATENCIES=$WORK/lat-${name}a "$BIN/LoadBench" register "http://127.0.0.1:$((PORT + 1))" "$WORK/tokens.tsv" 2026-W50 500 100 "${name}a" "$WORK/acked-${name}a" >"$WORK/out-${name}a" &
  local a=$!
  LOADBENCH_LATENCIES=$WORK/lat-${name}b "$BIN/LoadBench" register "http://127.0.0.1:$((PORT + 2))" "$WORK/tokens.tsv" 2026-W50 500 100 "${name}b" "$WORK/acked-${name}b" >"$WORK/out-${name}b" &
  local b=$!
  if [ "${2:-}" = kill ]; then
    while [ "$(cat "$WORK/acked-${name}a" "$WORK/acked-${name}b" 2>/dev/null | wc -l)" -lt 200 ]; do sleep 0.01; done
    kill -9 "${servers[0]}"
    echo "kill -9 of the first server after $(cat "$WORK/acked-${name}a" "$WORK/acked-${name}b" | wc -l) acknowledged"
  fi
  wait $a $b
  local busy; busy=$(cpu_busy)
  local elapsed
  elapsed=$(echo "$(date +%s.%N) - $started" | bc)
  # Verified through the second server, which saw everything the first committed.
  local ok=1
  for part in a b; do
    "$BIN/LoadBench" verify "http://127.0.0.1:$((PORT + 2))" "$OFFICE" 2026-W50 "${name}$part" "$WORK/acked-${name}$part" 500 >"$WORK/verify-${name}$part" || ok=0
    echo "  $(tail -2 "$WORK/verify-${name}$part" | head -1)"
  done
  kill -TERM "${servers[@]}" 2>/dev/null || true; wait "${servers[@]}" 2>/dev/null || true
  read -r p50 p99 < <(percentiles "$WORK/lat-${name}a" "$WORK/lat-${name}b")
  echo "postgres round $1${2:+ ($2)}: 1000 in $(printf %.2f "$elapsed") s; p50 $p50 ms, p99 $p99 ms; $busy cores busy; server 1: $(sed -n 2p "$WORK/out-${name}a"); server 2: $(sed -n 2p "$WORK/out-${name}b")"
  [ "${2:-}" = kill ] || echo "$p99" >>"$WORK/p99-postgres"
  [ $ok = 1 ] || { echo "FAILED: an acknowledged registration is missing or stored twice"; exit 1; }
}

SERVER=$BIN
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ -n "${BASELINE:-}" ]; then
  [ -x "$BASELINE/reviewcal" ] || { echo "no reviewcal in BASELINE=$BASELINE" >&2; exit 1; }
  BASELINE=$(cd "$BASELINE" && pwd)
  echo "== baseline: $BASELINE/reviewcal, alternating with $BIN/reviewcal"
  for round in $(seq "$ROUNDS"); do
    order=("$BIN" "$BASELINE")
    [ $((round % 2)) = 0 ] && order=("$BASELINE" "$BIN")
    for SERVER in "${order[@]}"; do
      tag=new; [ "$SERVER" = "$BASELINE" ] && tag=base
      echo "-- $tag"
      sqlite_run "$tag$round"
      postgres_run "$tag$round"
      mv "$WORK/p99-sqlite" "$WORK/p99-sqlite-$tag-$round"; mv "$WORK/p99-postgres" "$WORK/p99-postgres-$tag-$round"
    done
  done
  for engine in sqlite postgres; do
    cat "$WORK"/p99-$engine-new-* >"$WORK/p99-$engine-new"; cat "$WORK"/p99-$engine-base-* >"$WORK/p99-$engine-base"
    new=$(median "$WORK/p99-$engine-new"); base=$(median "$WORK/p99-$engine-base")
    echo "== $engine: median p99 of $ROUNDS rounds: this build $new ms, baseline $base ms, ratio $(awk -v a="$new" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
  done
  SERVER=$BIN
else
  for round in $(seq "$ROUNDS"); do
    sqlite_run "$round"
    postgres_run "$round"
  done
  echo "== medians of $ROUNDS rounds: p99 sqlite $(median "$WORK/p99-sqlite") ms, two servers on postgres $(median "$WORK/p99-postgres") ms"
fi
echo "== kill -9 of one of the two PostgreSQL servers in the middle of the rush"
postgres_run k kill
echo "ok"
