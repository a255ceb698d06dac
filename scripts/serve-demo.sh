#!/usr/bin/env bash
# Runs the service on the sample district (config/, SQLite in data/), with a demo week registered,
# scheduled and published so that the feeds already have events. The e-mail the sample district sends is kept as
# files in data/mail/ (scripts/demo-sendmail.sh) rather than sent; pass --sendmail "/usr/sbin/sendmail -t -i" to send.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --product reviewcal
export REVIEWCAL_DEMO_MAIL="$PWD/data/mail"
exec .build/debug/reviewcal serve --demo --config config --data data --sendmail "'$PWD/scripts/demo-sendmail.sh' -t -i" "$@"
