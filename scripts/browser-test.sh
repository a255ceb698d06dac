#!/usr/bin/env bash
# The browser test of the District Office's workspace (/office): Chromium through Selenium, with axe-core.
# Uses an already built reviewcal (REVIEWCAL_BIN, default .build/debug/reviewcal); builds nothing.
# Screenshots and axe results go to BROWSER_TEST_OUT (default .build/browser-test).
# Skipped (exit 0, one line saying why) when Chromium, chromedriver or the Python modules are missing, unless
# REQUIRE_BROWSER_TEST=1 (CI), which makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${REVIEWCAL_BIN:-.build/debug/reviewcal}
OUT=${BROWSER_TEST_OUT:-.build/browser-test}
CHROMIUM=${CHROMIUM_BIN:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}

skip() {
  if [ "${REQUIRE_BROWSER_TEST:-0}" = 1 ]; then
    echo "Browser test cannot run: $1" >&2
    exit 1
  fi
  echo "Browser test skipped: $1"
  exit 0
}
[ -x "$CHROMIUM" ] || skip "$CHROMIUM is missing (apt-get install chromium chromium-driver)."
[ -x "$CHROMEDRIVER" ] || skip "$CHROMEDRIVER is missing (apt-get install chromium-driver)."
command -v python3 >/dev/null 2>&1 || skip "python3 is missing."
python3 -c 'import selenium, axe_selenium_python' >/dev/null 2>&1 \
  || skip "the Python modules selenium and axe-selenium-python are missing (pip install selenium axe-selenium-python)."

if [ ! -x "$BIN" ]; then
  echo "Browser test: the reviewcal binary $BIN is missing; build it first (swift build) or set REVIEWCAL_BIN." >&2
  exit 1
fi

CHROMIUM_BIN=$CHROMIUM CHROMEDRIVER_BIN=$CHROMEDRIVER \
  exec python3 Tests/browser/office_browser_test.py --bin "$BIN" --config config --out "$OUT"
