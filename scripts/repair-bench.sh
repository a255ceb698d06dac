#!/usr/bin/env bash
# Repair benchmark, run by hand (docs/benchmarks.md, "Repairing a published week"): `reviewcal solve --stats`
# (release build) and the CP-SAT reference (Benchmarks/cpsat_reference.py, with the baseline's terms) on every repair
# instance of a folder (default: ../shared/spec/instances/repair when it is there, else the copies in
# Tests/SchedulingTests/Fixtures/repair), one after the other on each instance and round, so that the host's drift
# weighs on both alike. Each of our solutions is checked by the reference score_solution.py when it is there. Beside
# the repair's changed sessions, the plain re-run's: the same week solved without its `published` baseline, its
# changes counted against that baseline. Prints one Markdown table; with ROUNDS > 1, medians per instance.
#   scripts/repair-bench.sh [FOLDER|FILE …]
#   TIME_LIMIT=10 SEED=1 ROUNDS=1                 our time limit and seed; rounds per instance
#   CPSAT_SECONDS=120 CPSAT_WORKERS=2             CP-SAT's search limit and workers
#   PYTHON=python3                                a Python with OR-Tools (pip install ortools==9.15.6755)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
TIME_LIMIT=${TIME_LIMIT:-10}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-1}
CPSAT_SECONDS=${CPSAT_SECONDS:-120}
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
  if [ -d ../shared/spec/instances/repair ]; then set -- ../shared/spec/instances/repair; else set -- Tests/SchedulingTests/Fixtures/repair; fi
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
trap 'rm -rf "$OUT"' EXIT

# Fields of one JSON line (or file), by key, as printed by Python.
field() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print("–" if v is None else json.dumps(v) if isinstance(v, bool) else v)' "$1" "$2"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "–"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# The lines' one value, or each value with how many rounds gave it.
tally() { sort | uniq -c | awk '{n[NR]=$1; $1=""; v[NR]=substr($0, 2)} END {if (NR == 1) print v[1]; else { for (i = 1; i <= NR; i++) printf "%s%s× %s", (i>1?"; ":""), n[i], v[i]; print "" } }'; }
ratio() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { if (a+0 == a && b+0 == b && b != 0) printf "%." d "f", a / b; else print "–" }'; }
# The problem without its baseline.
strip_published() { "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("published", None); json.dump(d, open(sys.argv[2], "w"))' "$1" "$2"; }
# Published sessions a solution changes (moved, new member or team, dropped), as score_solution.py counts them.
changed_sessions() {
  "$PYTHON" -c '
import json, sys
problem, solution = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
placed = {a["request"]: a for a in solution["assignments"]}
print(sum(1 for p in problem.get("published") or []
          if (placed.get(p["request"]) or {}).get("option", -1) != p["option"]
          or placed[p["request"]].get("member") != p["member"] or placed[p["request"]]["team"] != p["team"]))' "$1" "$2"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), time limit $TIME_LIMIT s, seed $SEED," \
  "CP-SAT $CPSAT_SECONDS s with $CPSAT_WORKERS workers, $ROUNDS round(s)"
echo
echo "| instance | requests | published | least score (reference) | ours (s) | score | proven | changed | check | CP-SAT (s) | CP-SAT score | CP-SAT status | CP-SAT changed | time ours ÷ CP-SAT | changed: reference | changed: plain re-run |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
for p in "${files[@]}"; do
  name=$(basename "$p" .json)
  requests=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["requests"]))' "$p")
  published=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("published") or []))' "$p")
  expected="${p%.json}.expected.json"
  least="–"
  reference_changed="–"
  if [ -f "$expected" ]; then
    least=$(field "$(cat "$expected")" optimal_score)
    reference_changed=$(field "$(cat "$expected")" changed_sessions)
  fi
  : >"$OUT/$name.ours"
  : >"$OUT/$name.cpsat"
  for round in $(seq "$ROUNDS"); do
    "$BIN/reviewcal" solve "$p" --out "$OUT/$name.solution.json" --time-limit "$TIME_LIMIT" --seed "$SEED" --stats \
      2>"$OUT/$name.err" >/dev/null || true
    stats=$(grep -m1 '^{"seconds"' "$OUT/$name.err" || echo '{}')
    check="no solution: $( (grep -v '^{"seconds"' "$OUT/$name.err" || true) | head -c 120)"
    if [ -f "$OUT/$name.solution.json" ]; then
      check="–"
      if [ -f ../shared/tools/score_solution.py ]; then
        check=$("$PYTHON" ../shared/tools/score_solution.py "$p" "$OUT/$name.solution.json" 2>&1 | tail -1)
      fi
    fi
    echo "$(field "$stats" seconds) $(field "$stats" score) $(field "$stats" proven) $(field "$stats" changedSessions) $check" >>"$OUT/$name.ours"
    rm -f "$OUT/$name.solution.json"
    cpsat=$("$PYTHON" Benchmarks/cpsat_reference.py "$p" --seconds "$CPSAT_SECONDS" --workers "$CPSAT_WORKERS" | tail -1)
    echo "$(field "$cpsat" seconds) $(field "$cpsat" score) $(field "$cpsat" status) $(field "$cpsat" changedSessions)" >>"$OUT/$name.cpsat"
  done
  # The plain re-run, once: the week solved without its baseline, its changes counted against the baseline.
  strip_published "$p" "$OUT/$name.plain.json"
  plain="–"
  if "$BIN/reviewcal" solve "$OUT/$name.plain.json" --out "$OUT/$name.plain.solution.json" --time-limit "$TIME_LIMIT" --seed "$SEED" \
    2>/dev/null >/dev/null; then
    plain=$(changed_sessions "$p" "$OUT/$name.plain.solution.json")
  fi
  seconds=$(cut -d' ' -f1 "$OUT/$name.ours" | median)
  score=$(cut -d' ' -f2 "$OUT/$name.ours" | median)
  proven=$(cut -d' ' -f3 "$OUT/$name.ours" | tally)
  changed=$(cut -d' ' -f4 "$OUT/$name.ours" | tally)
  check=$(cut -d' ' -f5- "$OUT/$name.ours" | tally)
  cseconds=$(cut -d' ' -f1 "$OUT/$name.cpsat" | median)
  cscore=$(cut -d' ' -f2 "$OUT/$name.cpsat" | median)
  cstatus=$(cut -d' ' -f3 "$OUT/$name.cpsat" | tally)
  cchanged=$(cut -d' ' -f4 "$OUT/$name.cpsat" | tally)
  echo "| $name | $requests | $published | $least | $seconds | $score | $proven | $changed | $check | $cseconds | $cscore | $cstatus | $cchanged |" \
    "$(ratio "$seconds" "$cseconds" 4) | $reference_changed | $plain |"
done
