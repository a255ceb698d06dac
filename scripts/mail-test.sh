#!/usr/bin/env bash
# E-mail of every published change, end to end (docs/deploy.md, "Thư điện tử"): Debian's aiosmtpd on loopback keeps
# every message; `reviewcal serve --sendmail "/usr/sbin/sendmail -C FILE -t -i"` delivers through Debian's msmtp.
# The sample week published, a member changed, a session cancelled; then the faults: the SMTP server down, the sendmail
# command failing, kill -9 before delivery and while handing messages over, two servers on one PostgreSQL database.
# Each message received is parsed (email, icalendar) and compared with its outbox row and the feeds over HTTP
# (scripts/mail-test.py says what is checked). Prints the messages queued, sent and received of each step; exits 1 on
# any failure.
# Needs msmtp-mta, python3-aiosmtpd and python3-icalendar (Debian's Python, /usr/bin/python3), and PostgreSQL's
# server programs for the two-server part. Skipped (exit 0, one line saying why) when the mail packages are missing,
# unless REQUIRE_MAIL_TEST=1 (CI), which makes that a failure.
# Input: REVIEWCAL_BIN (default .build/debug/reviewcal); builds nothing. Arguments are passed to mail-test.py
# (--only sqlite|postgres, --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${REVIEWCAL_BIN:-.build/debug/reviewcal}
PY=/usr/bin/python3

skip() {
  if [ "${REQUIRE_MAIL_TEST:-0}" = 1 ]; then
    echo "Mail test cannot run: $1" >&2
    exit 1
  fi
  echo "Mail test skipped: $1"
  exit 0
}
[ -x /usr/sbin/sendmail ] && /usr/sbin/sendmail --version 2>/dev/null | grep -q msmtp \
  || skip "/usr/sbin/sendmail is not msmtp (apt-get install msmtp-mta)."
[ -x "$PY" ] || skip "$PY is missing (apt-get install python3)."
"$PY" -c 'import aiosmtpd' >/dev/null 2>&1 || skip "Debian's aiosmtpd is missing (apt-get install python3-aiosmtpd)."
"$PY" -c 'import icalendar' >/dev/null 2>&1 || skip "Debian's icalendar is missing (apt-get install python3-icalendar)."
[ -x "$BIN" ] || { echo "the reviewcal binary $BIN is missing; build it first (swift build) or set REVIEWCAL_BIN." >&2; exit 1; }
exec "$PY" scripts/mail-test.py "$BIN" "$@"
