#!/usr/bin/env bash
# Builds once (sources and tests), then runs the whole suite; the time rules run again under two process time zones.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --build-tests
TZ=UTC swift test --skip-build
TZ=America/New_York swift test --skip-build --filter 'CutoffTests|RegistrationTests'
