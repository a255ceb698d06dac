#!/usr/bin/env bash
# The database's faults during a registration rush (docs/deploy.md, "When the database fails"): two servers on a
# throwaway PostgreSQL restarted fast and immediately, stopped for 20 s, frozen for 15 s and made read-only, then
# SIGTERM while it does not answer; and one server on SQLite on a small tmpfs filled by a rush. Prints the counts of
# each phase; fails on any loss, duplicate, hang, 500 or missed bound (scripts/fault-test.py says which).
# Needs PostgreSQL's server programs (apt-get install postgresql) and root for the tmpfs (skipped without it, unless
# REQUIRE_FAULT_TEST=1). Input: REVIEWCAL_BIN (default .build/debug/reviewcal); builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${REVIEWCAL_BIN:-.build/debug/reviewcal}
[ -x "$BIN" ] || { echo "the reviewcal binary $BIN is missing; build it first (swift build) or set REVIEWCAL_BIN." >&2; exit 1; }
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  if [ "${REQUIRE_FAULT_TEST:-0}" = 1 ]; then echo "FAIL PostgreSQL is not installed (REQUIRE_FAULT_TEST=1)" >&2; exit 1; fi
  echo "skip the PostgreSQL faults: PostgreSQL is not installed"
  exec python3 scripts/fault-test.py "$BIN" --only sqlite
fi
exec python3 scripts/fault-test.py "$BIN"
