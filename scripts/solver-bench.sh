#!/usr/bin/env bash
# Scheduler benchmark, run by hand (docs/benchmarks.md): release build; time and score of every instance in a folder
# (default: the public instances when ../shared is there, else the copies in Tests/SchedulingTests/Fixtures/instances)
# beside the reference figures of its .expected.json, then `reviewcal solve` on each for wall time and peak memory,
# checked by the reference score_solution.py when it is there.
#   scripts/solver-bench.sh [FOLDER|FILE …]      TIME_LIMIT=10 SEED=1 BOUND=seconds (adds CBC's lower bound)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
TIME_LIMIT=${TIME_LIMIT:-10}
SEED=${SEED:-1}
swift build -c release --product SchedBench >/dev/null 2>&1
swift build -c release --product reviewcal >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path)
if [ $# -eq 0 ]; then
  if [ -d ../shared/spec/instances ]; then set -- ../shared/spec/instances; else set -- Tests/SchedulingTests/Fixtures/instances; fi
fi
echo "== Solver.solve, time limit $TIME_LIMIT s, seed $SEED"
"$BIN/SchedBench" --time-limit "$TIME_LIMIT" --seed "$SEED" ${BOUND:+--bound "$BOUND"} "$@"
echo
echo "== reviewcal solve: wall time and peak memory of the whole command"
OUT=$(mktemp -d)
echo "| instance | wall (s) | peak RSS (MB) | reference check |"
echo "| --- | ---: | ---: | --- |"
for path in "$@"; do
  if [ -d "$path" ]; then files=$(ls "$path"/*.json | grep -v '\.expected\.json$'); else files=$path; fi
  for p in $files; do
    name=$(basename "$p" .json)
    /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$BIN/reviewcal" solve "$p" --out "$OUT/$name.solution.json" \
      --time-limit "$TIME_LIMIT" --seed "$SEED" 2>"$OUT/$name.err" || true
    read -r wall kb <"$OUT/$name.time"
    check="–"
    if [ -f ../shared/tools/score_solution.py ] && [ -f "$OUT/$name.solution.json" ]; then
      check=$(python3 ../shared/tools/score_solution.py "$p" "$OUT/$name.solution.json" 2>&1 | tail -1)
    elif [ ! -f "$OUT/$name.solution.json" ]; then
      check="no solution: $(head -c 120 "$OUT/$name.err")"
    fi
    echo "| $name | $wall | $((kb / 1024)) | $check |"
  done
done
