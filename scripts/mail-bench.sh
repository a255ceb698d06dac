#!/usr/bin/env bash
# The cost of e-mail on a province's week, run by hand on loopback (docs/benchmarks.md, "E-mail of a published week"):
# a 500-session week of the sample district repeated ten times (531 units, 140 members, 60 teams, every one with an
# address, invitations and notices mixed); the publish through the office's page timed with and without the
# district's `mail` section, and the messages handed over by msmtp to a local aiosmtpd at --mail-concurrency 1 and 4,
# in alternating rounds on fresh copies of the same data (scripts/mail-bench.py says how).
# ROUNDS (default 3), COPIES (default 10), CONFIG=release (default) or debug. Needs msmtp-mta, python3-aiosmtpd and
# python3-yaml (Debian's Python).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
/usr/sbin/sendmail --version 2>/dev/null | grep -q msmtp || { echo "/usr/sbin/sendmail is not msmtp (apt-get install msmtp-mta)" >&2; exit 1; }
/usr/bin/python3 -c 'import aiosmtpd, yaml' 2>/dev/null || { echo "apt-get install python3-aiosmtpd python3-yaml" >&2; exit 1; }
swift build -c "$CONFIG" --product reviewcal >/dev/null
BIN=$(swift build -c "$CONFIG" --show-bin-path)
exec /usr/bin/python3 scripts/mail-bench.py "$BIN/reviewcal" --rounds "${ROUNDS:-3}" --copies "${COPIES:-10}" "$@"
