#!/usr/bin/env bash
# The browser test of the District Office's workspace (/office): Chromium through Selenium, with axe-core.
# Uses an already built reviewcal (REVIEWCAL_BIN, default .build/debug/reviewcal); builds nothing.
# Screenshots (<page>-<width>.png at 1366, 820 and 390 px) and axe results go to BROWSER_TEST_OUT (default .build/browser-test).
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
python3 -c 'import selenium' >/dev/null 2>&1 \
  || skip "the Python module selenium is missing (pip install selenium)."
# axe-core 4.12: the axe.min.js of axe-playwright-python 0.1.8 (pip install --no-deps; only the file is used), or AXE_JS.
if [ -z "${AXE_JS:-}" ]; then
  python3 -c 'import importlib.util, os, sys; s = importlib.util.find_spec("axe_playwright_python"); sys.exit(0 if s and os.path.exists(os.path.join(list(s.submodule_search_locations)[0], "axe.min.js")) else 1)' \
    >/dev/null 2>&1 || skip "axe-core is missing (pip install --no-deps axe-playwright-python==0.1.8, or set AXE_JS to an axe.min.js)."
fi

if [ ! -x "$BIN" ]; then
  echo "Browser test: the reviewcal binary $BIN is missing; build it first (swift build) or set REVIEWCAL_BIN." >&2
  exit 1
fi

CHROMIUM_BIN=$CHROMIUM CHROMEDRIVER_BIN=$CHROMEDRIVER \
  exec python3 Tests/browser/office_browser_test.py --bin "$BIN" --config config --out "$OUT"
