# Sourced by the benchmarks that run servers on PostgreSQL (load-test-instances.sh, rush-bench.sh): builds reviewcal
# and LoadBench in $CONFIG, sets BIN and WORK (a new temporary folder), and starts a throwaway PostgreSQL server on
# 127.0.0.1:$PGPORT with `postgres` trusted, stopped (with every background job) when the script exits.
# PGOPTIONS_EXTRA="-c name=value …" passes settings to the server; PG_SETTINGS does the same for the calling script.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)." >&2; exit 1; }
swift build -c "$CONFIG" --product reviewcal >/dev/null 2>&1
swift build -c "$CONFIG" --product LoadBench >/dev/null 2>&1
BIN=$(swift build -c "$CONFIG" --show-bin-path)
WORK=$(mktemp -d)
PGDATA=$WORK/pg
mkdir -p "$PGDATA"
chmod a+x "$WORK"
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); chown postgres:postgres "$PGDATA"; else AS=(); fi
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 ${PG_SETTINGS:-} ${PGOPTIONS_EXTRA:-}" start >/dev/null
