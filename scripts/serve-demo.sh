#!/usr/bin/env bash
# Runs the service on the sample district (config/, SQLite in data/), with a demo week registered,
# scheduled and published so that the feeds already have events.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --product reviewcal
exec .build/debug/reviewcal serve --demo --config config --data data "$@"
