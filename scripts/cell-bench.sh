#!/usr/bin/env bash
# The cells' command against the office's: clean release build time of reviewcal-cell (its own scratch folder), the
# size of the binary (as built, stripped, and with the Swift runtime linked in statically), the shared libraries it
# loads, and the start time of `--help`, alternating with the office's `reviewcal --help` (release) in the same run.
#
# Usage: scripts/cell-bench.sh [RUNS]   (default 30 starts of each; needs libcurl4-openssl-dev for the static build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== clean release build of reviewcal-cell"
start=$(date +%s.%N)
swift build -c release --product reviewcal-cell --scratch-path "$WORK/dynamic" >/dev/null
end=$(date +%s.%N)
printf 'build (clean, dynamic Swift runtime): %.1f s\n' "$(echo "$end - $start" | bc)"
start=$(date +%s.%N)
swift build -c release --product reviewcal-cell --scratch-path "$WORK/static" --static-swift-stdlib >/dev/null
end=$(date +%s.%N)
printf 'build (clean, Swift runtime linked in): %.1f s\n' "$(echo "$end - $start" | bc)"

cp "$WORK/dynamic/release/reviewcal-cell" "$WORK/cell-dynamic"
cp "$WORK/static/release/reviewcal-cell" "$WORK/cell-static"
strip "$WORK/cell-dynamic" "$WORK/cell-static"
echo "== sizes"
printf '%-44s %8.1f MB\n' "reviewcal-cell as built" "$(echo "$(stat -c %s "$WORK/dynamic/release/reviewcal-cell") / 1048576" | bc -l)"
printf '%-44s %8.1f MB\n' "reviewcal-cell stripped" "$(echo "$(stat -c %s "$WORK/cell-dynamic") / 1048576" | bc -l)"
printf '%-44s %8.1f MB\n' "reviewcal-cell stripped, runtime linked in" "$(echo "$(stat -c %s "$WORK/cell-static") / 1048576" | bc -l)"

echo "== shared libraries of the installable binary (runtime linked in)"
ldd "$WORK/cell-static" | awk '{print $1}' | tr '\n' ' '
echo
if ldd "$WORK/cell-static" | grep -Eq 'libical|libCbc|libsqlite|libqrencode'; then
  echo "FAILED: the cells' command links libical, CBC, SQLite or qrencode"
  exit 1
fi

echo "== office binary for comparison"
swift build -c release --product reviewcal >/dev/null 2>"$WORK/office-build.log" || { cat "$WORK/office-build.log"; exit 1; }
OFFICE=.build/release/reviewcal
printf '%-44s %8.1f MB\n' "reviewcal (office, release) as built" "$(echo "$(stat -c %s "$OFFICE") / 1048576" | bc -l)"

echo "== start time of --help, $RUNS runs each, alternating"
python3 - "$RUNS" "$WORK/cell-static" "$WORK/cell-dynamic" "$OFFICE" <<'EOF'
import statistics, subprocess, sys, time
runs = int(sys.argv[1])
names = {"reviewcal-cell (runtime linked in)": sys.argv[2], "reviewcal-cell (dynamic runtime)": sys.argv[3], "reviewcal (office)": sys.argv[4]}
times = {k: [] for k in names}
for _ in range(runs):
    for name, path in names.items():
        t = time.perf_counter()
        subprocess.run([path, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times[name].append(time.perf_counter() - t)
office = statistics.median(times["reviewcal (office)"])
for name, values in times.items():
    m = statistics.median(values)
    print(f"{name:40s} median {m * 1000:6.1f} ms  min {min(values) * 1000:6.1f} ms  ratio to office {m / office:4.2f}")
EOF
