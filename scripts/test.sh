#!/usr/bin/env bash
# Builds once (sources and tests), then runs the whole suite (each layer's tests, and the CLI's tests that run the built
# executables), the slow-client and database-deadline tests alone (they time deadlines of a second or two); the time rules run again in a
# process started in another time zone;
# a SIGTERM in the middle of a registration rush, and backup and restore with the command line; the deployment files
# (nginx, systemd, Prometheus rules) and the server's /metrics through promtool;
# the office workspace's browser test (Chromium, Selenium, axe) runs against a real server when Chromium and the
# Python modules are installed; the e-mail of published changes (scripts/mail-test.sh: msmtp to a local aiosmtpd, every
# message parsed and compared with the feeds, then the SMTP server down, a failing sendmail command, kill -9 and two
# servers on one PostgreSQL database) when msmtp-mta, python3-aiosmtpd and python3-icalendar are installed; the
# storage and server tests run again on PostgreSQL when its server programs are installed (.ci/run installs all of
# them); and the database's faults (scripts/fault-test.sh: PostgreSQL restarted, stopped,
# frozen and read-only under a rush of two servers, SQLite on a full disk) run last, the PostgreSQL part where it is
# installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --build-tests
# The slow-client tests and the database-fault tests time deadlines of a second or two (the server's own timeouts, a
# lock held elsewhere, a statement not answered): they run alone, not beside suites that load both cores.
TIMED='SlowClientTests|StoreFaultTests|DatabaseFaultTests'
TZ=UTC swift test --skip-build --skip "$TIMED"
echo "== the timed tests alone: slow clients, the database's deadlines"
TZ=UTC swift test --skip-build --filter "$TIMED"
# The same time rules in a process started in another zone: no test changes the zone while others run.
TZ=America/New_York swift test --skip-build --filter 'CutoffTests|RegistrationTests|CommandFlowTests'
echo "== SIGTERM in the middle of a registration rush; backup and restore with the command line"
python3 scripts/shutdown-test.py .build/debug/reviewcal
echo "== the deployment files: promtool, systemd-analyze, nginx -t, a feed through nginx, promtool check metrics"
REVIEWCAL_BIN=.build/debug/reviewcal scripts/deploy-check.sh
echo "== the office workspace in Chromium (screenshots and axe results in .build/browser-test)"
REVIEWCAL_BIN=.build/debug/reviewcal BROWSER_TEST_OUT=.build/browser-test scripts/browser-test.sh
echo "== e-mail of published changes: msmtp to a local aiosmtpd; SMTP down, sendmail failing, kill -9, two servers"
REVIEWCAL_BIN=.build/debug/reviewcal scripts/mail-test.sh

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL is not installed: the PostgreSQL runs are skipped (apt-get install postgresql to add them)."
  echo "== the database's faults: SQLite on a full disk"
  REVIEWCAL_BIN=.build/debug/reviewcal scripts/fault-test.sh
  exit 0
fi
PGPORT=${REVIEWCAL_PG_PORT:-54329}
PGDATA=$(mktemp -d)
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); chown postgres:postgres "$PGDATA"; else AS=(); fi
stop_postgres() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap stop_postgres EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
echo "== the storage and server tests on PostgreSQL ($("$PGBIN/postgres" --version), port $PGPORT)"
REVIEWCAL_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/postgres" TZ=UTC swift test --skip-build --filter 'ReviewStoreTests|ReviewServiceTests|ReviewServerTests' --skip "$TIMED"
echo "== the database's deadlines on PostgreSQL, alone"
REVIEWCAL_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/postgres" TZ=UTC swift test --skip-build --filter 'StoreFaultTests|DatabaseFaultTests'
stop_postgres
trap - EXIT
echo "== the database's faults: PostgreSQL restarted, stopped, frozen and read-only during rushes; SQLite on a full disk"
REVIEWCAL_BIN=.build/debug/reviewcal scripts/fault-test.sh
