#!/usr/bin/env bash
# Scheduler benchmark, run by hand (docs/benchmarks.md): `reviewcal solve --stats` (release build) and the CP-SAT
# reference (Benchmarks/cpsat_reference.py) on every instance of a folder (default: the public instances when
# ../shared is there, else the copies in Tests/SchedulingTests/Fixtures/instances), one after the other on each
# instance and round, so that the host's drift weighs on both alike. Each solution is checked by the reference
# score_solution.py when it is there. Prints one Markdown table; with ROUNDS > 1, medians per instance.
#   scripts/solver-bench.sh [FOLDER|FILE …]
#   TIME_LIMIT=10 SEED=1 ROUNDS=1                 our time limit and seed; rounds per instance
#   CPSAT_SECONDS=$TIME_LIMIT CPSAT_WORKERS=2     CP-SAT's search limit and workers
#   PYTHON=python3                                a Python with OR-Tools (pip install ortools==9.15.6755)
#   SLOW=1                                        one busy loop pinned to each core for the whole run: every
#                                                 thread of the solvers gets about half a core, as on a host half
#                                                 as fast
#   BOUND=SECONDS                                 also CBC's root lower bound of each week (SchedBench --bound)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
TIME_LIMIT=${TIME_LIMIT:-10}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-1}
CPSAT_SECONDS=${CPSAT_SECONDS:-$TIME_LIMIT}
CPSAT_WORKERS=${CPSAT_WORKERS:-2}
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import ortools" 2>/dev/null; then
  echo "OR-Tools is missing for $PYTHON: python3 -m venv .venv-cpsat && .venv-cpsat/bin/pip install ortools==9.15.6755," >&2
  echo "then PYTHON=.venv-cpsat/bin/python $0" >&2
  exit 1
fi
swift build -c release --product reviewcal >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path)
if [ $# -eq 0 ]; then
  if [ -d ../shared/spec/instances ]; then set -- ../shared/spec/instances; else set -- Tests/SchedulingTests/Fixtures/instances; fi
fi
files=()
for path in "$@"; do
  if [ -d "$path" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(ls "$path"/*.json | grep -v '\.expected\.json$')
  else
    files+=("$path")
  fi
done

OUT=$(mktemp -d)
burners=()
stop_burners() { for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_burners EXIT
if [ "${SLOW:-0}" = 1 ]; then
  for cpu in $(seq 0 $(($(nproc) - 1))); do
    taskset -c "$cpu" sh -c 'while :; do :; done' &
    burners+=($!)
  done
fi

# Fields of one JSON line, by key, as printed by Python.
field() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print("–" if v is None else json.dumps(v) if isinstance(v, bool) else v)' "$1" "$2"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "–"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# The lines' one value, or each value with how many rounds gave it.
tally() { sort | uniq -c | awk '{n[NR]=$1; $1=""; v[NR]=substr($0, 2)} END {if (NR == 1) print v[1]; else { for (i = 1; i <= NR; i++) printf "%s%s× %s", (i>1?"; ":""), n[i], v[i]; print "" } }'; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), SLOW=${SLOW:-0}, time limit $TIME_LIMIT s," \
  "seed $SEED, CP-SAT $CPSAT_SECONDS s with $CPSAT_WORKERS workers, $ROUNDS round(s)"
echo
echo "| instance | requests | ours (s) | score | bound | proven | check | peak RSS (MB) | CP-SAT (s) | CP-SAT score | CP-SAT status | time ours ÷ CP-SAT | score ours ÷ CP-SAT |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |"
for p in "${files[@]}"; do
  name=$(basename "$p" .json)
  requests=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["requests"]))' "$p")
  : >"$OUT/$name.ours"
  : >"$OUT/$name.cpsat"
  for round in $(seq "$ROUNDS"); do
    /usr/bin/time -f "%M" -o "$OUT/$name.rss" "$BIN/reviewcal" solve "$p" --out "$OUT/$name.solution.json" \
      --time-limit "$TIME_LIMIT" --seed "$SEED" --stats 2>"$OUT/$name.err" >/dev/null || true
    stats=$(grep -m1 '^{"seconds"' "$OUT/$name.err" || echo '{}')
    check="no solution: $( (grep -v '^{"seconds"' "$OUT/$name.err" || true) | head -c 120)"
    if [ -f "$OUT/$name.solution.json" ]; then
      check="–"
      if [ -f ../shared/tools/score_solution.py ]; then
        check=$("$PYTHON" ../shared/tools/score_solution.py "$p" "$OUT/$name.solution.json" 2>&1 | tail -1)
      fi
    fi
    echo "$(field "$stats" seconds) $(field "$stats" score) $(field "$stats" bound) $(field "$stats" proven) $(tail -1 "$OUT/$name.rss") $check" >>"$OUT/$name.ours"
    rm -f "$OUT/$name.solution.json"
    cpsat=$("$PYTHON" Benchmarks/cpsat_reference.py "$p" --seconds "$CPSAT_SECONDS" --workers "$CPSAT_WORKERS" | tail -1)
    echo "$(field "$cpsat" seconds) $(field "$cpsat" score) $(field "$cpsat" status)" >>"$OUT/$name.cpsat"
  done
  seconds=$(cut -d' ' -f1 "$OUT/$name.ours" | median)
  score=$(cut -d' ' -f2 "$OUT/$name.ours" | median)
  bound=$(cut -d' ' -f3 "$OUT/$name.ours" | median)
  proven=$(cut -d' ' -f4 "$OUT/$name.ours" | tally)
  rss=$(cut -d' ' -f5 "$OUT/$name.ours" | median)
  check=$(cut -d' ' -f6- "$OUT/$name.ours" | tally)
  cseconds=$(cut -d' ' -f1 "$OUT/$name.cpsat" | median)
  cscore=$(cut -d' ' -f2 "$OUT/$name.cpsat" | median)
  cstatus=$(cut -d' ' -f3 "$OUT/$name.cpsat" | tally)
  ratio() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { if (a+0 == a && b+0 == b && b != 0) printf "%." d "f", a / b; else print "–" }'; }
  megabytes=$(awk -v kb="$rss" 'BEGIN { if (kb + 0 == kb) printf "%d", kb / 1024; else print "–" }')
  echo "| $name | $requests | $seconds | $score | $bound | $proven | $check | $megabytes | $cseconds | $cscore | $cstatus |" \
    "$(ratio "$seconds" "$cseconds" 3) | $(ratio "$score" "$cscore" 4) |"
done

if [ -n "${BOUND:-}" ]; then
  echo
  echo "== CBC's lower bound (root relaxation and cuts of the whole week, at most $BOUND s), SchedBench --bound"
  swift build -c release --product SchedBench >/dev/null 2>&1
  "$BIN/SchedBench" --time-limit "$TIME_LIMIT" --seed "$SEED" --bound "$BOUND" "${files[@]}"
fi
