#!/usr/bin/env python3
"""The database's faults during a registration rush (run by scripts/fault-test.sh, itself run by scripts/test.sh).

PostgreSQL part: a throwaway PostgreSQL server and two `reviewcal serve` on it, each with a rehearsal clock before
Thursday's cutoff. Registrations are sent from many concurrent clients that behave like `reviewcal register`: a 503
is sent again with the same Idempotency-Key after its Retry-After, a connection that fails is tried again. Faults, one
after another:

  1. `pg_ctl restart -m fast` in the middle of a rush;
  2. `pg_ctl restart -m immediate` in the middle of a rush;
  3. `pg_ctl stop -m fast`, 20 seconds without a database, `pg_ctl start`;
  4. every PostgreSQL process stopped (SIGSTOP) for 15 seconds: a database that accepts and never answers;
  5. the database read-only (default_transaction_read_only, as a standby after a failover), then writable again;
  6. a rush without a fault: every registration acknowledged at its first attempt;
  7. SIGTERM to both servers while the database does not answer and writes wait for it: one server with a grace
     period shorter than the store's deadline (it must exit on time, saying that work was cut), one longer (it must
     exit 0 once the deadlines have answered the writes).

Checked: no answer is a 500, and none takes longer than ANSWER_BOUND seconds; during each fault the writes are
answered 503 with Retry-After (never left waiting) and `/readyz` turns 503; after each, each server writes again
within RECOVERY_BOUND seconds of the database being back and `/readyz` is 200 again; every acknowledged registration is
stored exactly once (read back through the API at the end); nothing stored twice.

SQLite part: a server whose data folder is on a small tmpfs; a filler file takes the free space, a rush runs into the
full disk; then the filler is removed. Checked: while full, writes are 503 with Retry-After (no 500) and `/readyz` is
503; once space returns, `/readyz` is 200 and writes succeed; `PRAGMA integrity_check` says ok; every acknowledged
registration stored once. Mounting a tmpfs needs root: without it the part is skipped (a failure with
REQUIRE_FAULT_TEST=1).

Prints the counts of each phase; exits 1 on any loss, duplicate, hang, 500 or missed bound.

Usage: scripts/fault-test.py [REVIEWCAL_BIN] [--only postgres|sqlite]
"""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.path.abspath(next((a for a in sys.argv[1:] if not a.startswith("--")), ".build/debug/reviewcal"))
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
CLOCK = "2026-12-03T14:00:00"  # week 2026-W50 closes Thursday 2026-12-03 15:00 (rehearsal clock)
WEEK = "2026-W50"
DAYS = [f"2026-12-{d:02d}" for d in range(7, 12)]
ANSWER_BOUND = 8.0     # seconds: the longest any answer may take, fault or not (the store's deadline is 5 s)
RECOVERY_BOUND = 10.0  # seconds: from the database being back to a server's first acknowledged write
GIVE_UP = 180.0        # seconds: a client stops sending one registration again after this long
FAILURES = []


def fail(message):
    print(f"FAIL {message}", flush=True)
    FAILURES.append(message)


def say(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw).stdout


# --- HTTP ------------------------------------------------------------------------------------------------------------

def http_call(port, method, path, token=None, body=None, key=None, timeout=30):
    """('answer', status, headers, body bytes, seconds) or ('error', why, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    try:
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return ("answer", resp.status, dict(resp.getheaders()), data, time.monotonic() - started)
    except (OSError, http.client.HTTPException) as e:
        return ("error", f"{type(e).__name__}: {e}", time.monotonic() - started)
    finally:
        conn.close()


def ready(port):
    r = http_call(port, "GET", "/readyz", timeout=10)
    return r[0] == "answer" and r[1] == 200


def wait_ready(port, seconds=60):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if ready(port):
            return True
        time.sleep(0.1)
    return False


def registration(note, day):
    return json.dumps({"kind": "cap-uy", "options": [{"start": f"{day}T07:30", "end": f"{day}T11:30"}],
                       "draftSent": "2026-11-23", "contactName": "Thử sự cố cơ sở dữ liệu", "note": note})


class Ledger:
    """Every attempt and every registration's final outcome, across phases."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = []      # (phase, port, status or error text, seconds, retry-after header)
        self.acked = {}         # note -> request id
        self.gave_up = []       # notes never acknowledged

    def record(self, phase, port, outcome):
        with self.lock:
            if outcome[0] == "answer":
                self.attempts.append((phase, port, outcome[1], outcome[4], outcome[2].get("Retry-After")))
            else:
                self.attempts.append((phase, port, outcome[1], outcome[2], None))

    def of(self, phase):
        with self.lock:
            return [a for a in self.attempts if a[0] == phase]


def send_until_answered(ledger, phase, port, token, note, day, first_only=False):
    """Sends one registration as `reviewcal register` would, again after a 503 or a failed connection. Returns the
    final status (or None when it gave up)."""
    key = f"fault-{note}"
    payload = registration(note, day)
    started = time.monotonic()
    while True:
        r = http_call(port, "POST", "/v1/requests", token=token, body=payload, key=key)
        ledger.record(phase, port, r)
        if r[0] == "answer" and r[1] in (200, 201):
            with ledger.lock:
                ledger.acked[note] = json.loads(r[3])["request"]["id"]
            return r[1]
        if r[0] == "answer" and r[1] != 503:
            return r[1]
        if first_only:
            return None
        if time.monotonic() - started > GIVE_UP:
            with ledger.lock:
                ledger.gave_up.append(note)
            return None
        wait = 0.5
        if r[0] == "answer":
            try:
                wait = float(r[2].get("Retry-After", "1"))
            except ValueError:
                wait = 1.0
        time.sleep(min(wait, 5.0))


class Rush:
    """`count` registrations spread over `ports`, `clients` concurrent senders per port, in a background thread."""

    def __init__(self, ledger, phase, ports, tokens, count, clients, first_only=False):
        self.ledger, self.phase, self.ports, self.tokens = ledger, phase, ports, tokens
        self.count, self.clients, self.first_only = count, clients, first_only
        self.next = 0
        self.lock = threading.Lock()
        self.finals = {}
        self.threads = []

    def start(self):
        for port in self.ports:
            for _ in range(self.clients):
                t = threading.Thread(target=self.worker, args=(port,), daemon=True)
                t.start()
                self.threads.append(t)
        return self

    def worker(self, port):
        while True:
            with self.lock:
                i = self.next
                self.next += 1
            if i >= self.count:
                return
            note = f"{self.phase}-{i}"
            status = send_until_answered(self.ledger, self.phase, port, self.tokens[i % len(self.tokens)], note,
                                         DAYS[i % len(DAYS)], self.first_only)
            with self.lock:
                self.finals[note] = status

    def acked(self):
        with self.lock:
            return sum(1 for s in self.finals.values() if s in (200, 201))

    def join(self, timeout=GIVE_UP + 60):
        until = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.1, until - time.monotonic()))
        if any(t.is_alive() for t in self.threads):
            fail(f"{self.phase}: clients still waiting after {timeout:.0f} s (a hang)")


def summarize(ledger, phase):
    attempts = ledger.of(phase)
    statuses = {}
    for a in attempts:
        statuses[a[2] if isinstance(a[2], int) else "no answer"] = statuses.get(a[2] if isinstance(a[2], int) else "no answer", 0) + 1
    longest = max((a[3] for a in attempts if isinstance(a[2], int)), default=0)
    no_retry_after = sum(1 for a in attempts if a[2] == 503 and not a[4])
    say(f"     attempts {len(attempts)}: {dict(sorted(statuses.items(), key=lambda kv: str(kv[0])))}; "
        f"longest answer {longest:.2f} s")
    if any(a[2] == 500 for a in attempts):
        fail(f"{phase}: {statuses[500]} answers were 500")
    if any(isinstance(a[2], int) and a[2] not in (200, 201, 503) for a in attempts):
        fail(f"{phase}: unexpected statuses {statuses}")
    if no_retry_after:
        fail(f"{phase}: {no_retry_after} answers 503 without Retry-After")
    if longest > ANSWER_BOUND:
        fail(f"{phase}: an answer took {longest:.2f} s (bound {ANSWER_BOUND} s)")
    errors = [a for a in attempts if not isinstance(a[2], int)]
    if errors:
        fail(f"{phase}: {len(errors)} attempts got no HTTP answer, e.g. {errors[0][2]}")
    return statuses


def probe_write(ledger, phase, port, token, label):
    """Seconds until this server acknowledges a new registration (one attempt every 0.2 s), or None after 60 s."""
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < 60:
        note = f"{phase}-probe-{label}-{n}"
        n += 1
        if send_until_answered(ledger, phase, port, token, note, DAYS[n % len(DAYS)], first_only=True) in (200, 201):
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def recovered(ledger, phase, ports, tokens):
    """Each server, probed at once and side by side: how long after the database is back it acknowledges a write."""
    recovery = {}
    threads = [threading.Thread(target=lambda p=p: recovery.__setitem__(p, probe_write(ledger, phase, p, tokens[0], p))) for p in ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in ports:
        say(f"     server :{p} wrote again {recovery[p]:.2f} s after the database was back" if recovery[p] is not None
            else f"     server :{p} did not write again within 60 s")
        if recovery[p] is None or recovery[p] > RECOVERY_BOUND:
            fail(f"{phase}: server :{p} wrote again after {recovery[p]} s (bound {RECOVERY_BOUND} s)")


def readiness_watch(ports, stop, seen):
    """Polls /readyz of each port every 0.25 s into seen[port] = [(t, status)]."""
    while not stop.is_set():
        for port in ports:
            r = http_call(port, "GET", "/readyz", timeout=10)
            seen.setdefault(port, []).append((time.monotonic(), r[1] if r[0] == "answer" else None))
        time.sleep(0.25)


# --- PostgreSQL ------------------------------------------------------------------------------------------------------

class Postgres:
    def __init__(self, work):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2].split(".")])
        if not bins:
            raise SystemExit("PostgreSQL's server programs are not installed (apt-get install postgresql)")
        self.bin = bins[-1]
        self.data = os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.data)
        self.prefix = []
        if os.geteuid() == 0:
            shutil.chown(work, "postgres", "postgres")
            shutil.chown(self.data, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.ctl("-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", tool="initdb")
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args, tool="pg_ctl", check=True):
        return subprocess.run(self.prefix + [os.path.join(self.bin, tool), *args], check=check, capture_output=True, text=True)

    def start(self):
        self.ctl("-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-o",
                 f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start")

    def sql(self, statement):
        psql = os.path.join(self.bin, "psql")
        subprocess.run(self.prefix + [psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qAt", "-c", statement],
                       check=True, capture_output=True, text=True)

    def stop(self, mode="fast"):
        self.ctl("-D", self.data, "-m", mode, "-w", "stop", check=False)

    def restart(self, mode):
        self.stop(mode)
        self.start()

    def pids(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                main = int(f.readline())
        except (OSError, ValueError):
            return []
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(main)], capture_output=True, text=True).stdout
        return [main] + [int(p) for p in out.split()]

    def signal_all(self, sig):
        for pid in self.pids():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def freeze(self):
        self.signal_all(signal.SIGSTOP)

    def thaw(self):
        self.signal_all(signal.SIGCONT)


def start_server(data, port, log, database=None, grace=10):
    args = [BIN, "serve", "--config", "config", "--data", data, "--port", str(port), "--rehearsal-clock", CLOCK,
            "--grace-period", str(grace), "--job-interval", "3600"]
    if database:
        args += ["--database", database, "--pool-size", "10"]
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    if not wait_ready(port):
        proc.kill()
        raise SystemExit(f"the server on port {port} did not become ready")
    return proc


def prepare(data, database=None):
    extra = ["--config", "config", "--data", data] + (["--database", database] if database else [])
    tokens = [line.split("\t") for line in run(BIN, "admin", "token", "issue", "--all-units", *extra).splitlines() if "\t" in line]
    office = run(BIN, "admin", "token", "issue", "--office", *extra).strip().splitlines()[-1]
    run(BIN, "admin", "allow-extra", "--unit", "all", "--kind", "cap-uy", "--campaign", "2026", "--extra", "400", *extra)
    return tokens, office


def allowed_tokens(port, tokens, ledger):
    """The units that may register a party organisation's collective review (one warm-up registration each)."""
    allowed = []
    for unit, token in tokens:
        if send_until_answered(ledger, "warm", port, token, f"warm-{unit}", DAYS[0]) in (200, 201):
            allowed.append(token)
    if not allowed:
        raise SystemExit("no unit could register cap-uy")
    return allowed


def stored_notes(port, office):
    r = http_call(port, "GET", f"/v1/requests?week={WEEK}", token=office, timeout=60)
    if r[0] != "answer" or r[1] != 200:
        fail(f"listing the week's requests: {r[:2]}")
        return []
    return [v["request"].get("note") or "" for v in json.loads(r[3])]


def check_stored(ledger, port, office, label):
    notes = stored_notes(port, office)
    counts = {}
    for n in notes:
        counts[n] = counts.get(n, 0) + 1
    with ledger.lock:
        acked = dict(ledger.acked)
        gave_up = list(ledger.gave_up)
    missing = [n for n in acked if counts.get(n, 0) == 0]
    twice = [n for n, c in counts.items() if c > 1]
    say(f"{label}: {len(acked)} acknowledged, {len(notes)} stored; missing {len(missing)}, stored twice {len(twice)}, "
        f"given up {len(gave_up)}")
    if missing:
        fail(f"acknowledged but not stored: {missing[:5]}")
    if twice:
        fail(f"stored twice: {twice[:5]}")
    if gave_up:
        fail(f"never acknowledged after {GIVE_UP:.0f} s of sending again: {gave_up[:5]}")


def fault_in_rush(ledger, ports, tokens, phase, action, after_acked=120, count=400):
    say(f"== {phase}")
    rush = Rush(ledger, phase, ports, tokens, count, 20).start()
    while rush.acked() < after_acked and any(t.is_alive() for t in rush.threads):
        time.sleep(0.01)
    at = rush.acked()
    started = time.monotonic()
    action()
    back = time.monotonic()
    say(f"     fault after {at} acknowledged; database back after {back - started:.2f} s")
    recovered(ledger, phase, ports, tokens)
    rush.join()
    say(f"     rush: {rush.acked()} of {count} acknowledged")
    summarize(ledger, phase)
    for p in ports:
        if not wait_ready(p, 10):
            fail(f"{phase}: /readyz of :{p} not 200 within 10 s after the database was back")


def outage(ledger, ports, tokens, phase, down, up, seconds):
    """The database down (or not answering) for `seconds` while a rush runs: writes are answered 503 in bounded time,
    /readyz turns 503, and after it both come back."""
    say(f"== {phase}")
    stop = threading.Event()
    seen = {}
    watcher = threading.Thread(target=readiness_watch, args=(ports, stop, seen), daemon=True)
    watcher.start()
    rush = Rush(ledger, phase, ports, tokens, 300, 10).start()
    while rush.acked() < 60 and any(t.is_alive() for t in rush.threads):
        time.sleep(0.01)
    down()
    down_at = time.monotonic()
    time.sleep(seconds)
    up_started = time.monotonic()
    up()
    back = time.monotonic()
    recovered(ledger, phase, ports, tokens)
    for p in ports:
        wait_ready(p, 15)
    time.sleep(0.5)
    stop.set()
    watcher.join()
    rush.join()
    outage_answers = ledger.of(phase)
    say(f"     database unavailable for {up_started - down_at:.1f} s, back after {back - up_started:.2f} s more")
    for p in ports:
        states = seen.get(p, [])
        # Not ready from 5 seconds into the fault (a readiness check waits up to 3 s) until it ended.
        middle = [s for t, s in states if down_at + 5 <= t <= up_started]
        after = [s for t, s in states if t >= back]
        first_503 = next((t - down_at for t, s in states if t >= down_at and s == 503), None)
        say(f"     /readyz :{p}: first 503 {first_503 and round(first_503, 2)} s into the fault; during "
            f"{ {s: middle.count(s) for s in set(middle)} }; last after {after[-1] if after else None}")
        if not middle or any(s != 503 for s in middle):
            fail(f"{phase}: /readyz of :{p} was not 503 throughout the fault: {middle}")
        if not after or after[-1] != 200:
            fail(f"{phase}: /readyz of :{p} not 200 after the fault")
    fault_503 = [a for a in outage_answers if a[2] == 503]
    if not fault_503:
        fail(f"{phase}: no write was answered 503 during the fault")
    say(f"     rush: {rush.acked()} of 300 acknowledged (clients sent again after each 503)")
    summarize(ledger, phase)


def read_only(ledger, pg, ports, tokens):
    """The database accepts no writes (as a standby would after a failover): writes are 503 with Retry-After, /readyz
    is 503; once it accepts writes again, both servers write within the bound."""
    say("== read-only database")
    pg.sql("ALTER SYSTEM SET default_transaction_read_only = on")
    pg.sql("SELECT pg_reload_conf()")
    time.sleep(1)
    rush = Rush(ledger, "read-only", ports, tokens, 60, 5, first_only=True).start()
    rush.join()
    statuses = summarize(ledger, "read-only")
    not_ready = [p for p in ports if not ready(p)]
    say(f"     while read-only: {rush.acked()} of 60 acknowledged; /readyz 503 on {len(not_ready)} of {len(ports)} servers")
    if rush.acked() or statuses.get(503, 0) != 60:
        fail(f"read-only: expected 60 answers 503, got {statuses}")
    if len(not_ready) != len(ports):
        fail("read-only: /readyz was 200 while the database took no writes")
    pg.sql("ALTER SYSTEM RESET default_transaction_read_only")
    pg.sql("SELECT pg_reload_conf()")
    recovered(ledger, "read-only", ports, tokens)
    for p in ports:
        if not wait_ready(p, 10):
            fail(f"read-only: /readyz of :{p} not 200 after the database took writes again")


def postgres_part(work):
    ledger = Ledger()
    pg = Postgres(work)
    data = os.path.join(work, "pg-servers")
    tokens, office = prepare(data, pg.url)
    ports = [free_port(), free_port()]
    log = open(os.path.join(work, "servers.log"), "wb")
    servers = [start_server(data, ports[0], log, pg.url, grace=3), start_server(data, ports[1], log, pg.url, grace=10)]
    say(f"PostgreSQL part: {subprocess.run([os.path.join(pg.bin, 'postgres'), '--version'], capture_output=True, text=True).stdout.strip()}; "
        f"servers :{ports[0]} and :{ports[1]}")
    try:
        allowed = allowed_tokens(ports[0], tokens, ledger)
        fault_in_rush(ledger, ports, allowed, "restart-fast", lambda: pg.restart("fast"))
        fault_in_rush(ledger, ports, allowed, "restart-immediate", lambda: pg.restart("immediate"))
        outage(ledger, ports, allowed, "stopped-20s", lambda: pg.stop("fast"), pg.start, 20)
        outage(ledger, ports, allowed, "frozen-15s", pg.freeze, pg.thaw, 15)
        read_only(ledger, pg, ports, allowed)

        say("== a rush after the faults")
        rush = Rush(ledger, "after", ports, allowed, 400, 20, first_only=True).start()
        rush.join()
        statuses = summarize(ledger, "after")
        say(f"     {rush.acked()} of 400 acknowledged at the first attempt")
        if rush.acked() != 400:
            fail(f"after the faults: {rush.acked()} of 400 acknowledged at the first attempt, {statuses}")
        check_stored(ledger, ports[0], office, "stored, read through the first server")

        say("== SIGTERM while the database does not answer and writes wait for it")
        pg.freeze()
        waiting = [threading.Thread(target=http_call, args=(p, "POST", "/v1/requests"),
                                    kwargs={"token": allowed[0], "body": registration(f"term-{p}-{i}", DAYS[0]), "key": f"term-{p}-{i}"},
                                    daemon=True) for p in ports for i in range(5)]
        for t in waiting:
            t.start()
        time.sleep(1)
        term_at = time.monotonic()
        for s in servers:
            s.send_signal(signal.SIGTERM)
        exits = []
        for s, grace in zip(servers, (3, 10)):
            try:
                code = s.wait(timeout=grace + 5)
                exits.append((grace, code, time.monotonic() - term_at))
            except subprocess.TimeoutExpired:
                s.kill()
                exits.append((grace, None, None))
        pg.thaw()
        for grace, code, took in exits:
            say(f"     grace period {grace} s: exit status {code} after {took and round(took, 2)} s")
            if code is None:
                fail(f"SIGTERM: the server with a grace period of {grace} s did not exit within {grace + 5} s")
            elif took > grace + 1:
                fail(f"SIGTERM: the server with a grace period of {grace} s took {took:.2f} s")
        if exits[0][1] == 0:
            fail("SIGTERM: the server whose grace period ended before its writes' deadline exited 0, not saying work was cut")
        if exits[1][1] != 0:
            fail(f"SIGTERM: the server whose writes' deadlines ended within its grace period exited {exits[1][1]}, expected 0")
    finally:
        for s in servers:
            if s.poll() is None:
                s.kill()
        pg.thaw()
        pg.stop("immediate")
        log.close()
    if FAILURES:
        say("--- last lines of the servers' log:")
        say(open(os.path.join(work, "servers.log"), errors="replace").read()[-4000:])


# --- SQLite on a full disk -------------------------------------------------------------------------------------------

def sqlite_part(work):
    mount = os.path.join(work, "small")
    os.makedirs(mount)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount], capture_output=True).returncode != 0:
        if os.environ.get("REQUIRE_FAULT_TEST") == "1":
            fail("SQLite part: cannot mount a tmpfs (needs root)")
        else:
            say("skip SQLite on a full disk: mounting a tmpfs needs root")
        return
    ledger = Ledger()
    server = None
    log = open(os.path.join(work, "sqlite-server.log"), "wb")
    try:
        data = os.path.join(mount, "data")
        tokens, office = prepare(data)
        port = free_port()
        server = start_server(data, port, log)
        allowed = allowed_tokens(port, tokens, ledger)
        rush = Rush(ledger, "sqlite-warm", [port], allowed, 100, 10, first_only=True).start()
        rush.join()
        # Fill the disk but for 256 KiB: the rush runs into it.
        st = os.statvfs(mount)
        free = st.f_bavail * st.f_frsize
        filler = os.path.join(mount, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * max(0, free - 256 * 1024))
        say(f"SQLite part: tmpfs of 16 MiB, {free // 1024} KiB free before the filler, 256 KiB after")
        say("== SQLite: a rush into a full disk")
        stop = threading.Event()
        seen = {}
        watcher = threading.Thread(target=readiness_watch, args=([port], stop, seen), daemon=True)
        watcher.start()
        rush = Rush(ledger, "sqlite-full", [port], allowed, 1000, 20, first_only=True).start()
        rush.join()
        time.sleep(1)
        full_ready = [s for _, s in seen.get(port, [])][-3:]
        statuses = summarize(ledger, "sqlite-full")
        if not statuses.get(503):
            fail("SQLite full disk: no write was answered 503 (was the disk full?)")
        say(f"     /readyz while full: {full_ready}")
        if not full_ready or any(s != 503 for s in full_ready):
            fail(f"SQLite full disk: /readyz was not 503 while the disk was full: {full_ready}")
        os.remove(filler)
        freed = time.monotonic()
        ok = wait_ready(port, 15)
        stop.set()
        watcher.join()
        say(f"     space back: /readyz 200 after {time.monotonic() - freed:.2f} s" if ok else "     /readyz not 200 within 15 s")
        if not ok:
            fail("SQLite: /readyz not 200 within 15 s of space returning")
        took = probe_write(ledger, "sqlite-back", port, allowed[0], "x")
        say(f"     wrote again {took:.2f} s after space returned" if took is not None else "     did not write again")
        if took is None or took > RECOVERY_BOUND:
            fail(f"SQLite: wrote again after {took} s")
        rush = Rush(ledger, "sqlite-after", [port], allowed, 300, 20, first_only=True).start()
        rush.join()
        summarize(ledger, "sqlite-after")
        if rush.acked() != 300:
            fail(f"SQLite after space returned: {rush.acked()} of 300 acknowledged")
        check_stored(ledger, port, office, "SQLite: stored")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        server = None
        db = sqlite3.connect(os.path.join(data, "reviewcal.sqlite"))
        result = db.execute("PRAGMA integrity_check").fetchall()
        db.close()
        say(f"     PRAGMA integrity_check: {result}")
        if result != [("ok",)]:
            fail(f"SQLite integrity check: {result}")
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        log.close()
        subprocess.run(["umount", "-l", mount], capture_output=True)
    if FAILURES:
        say("--- last lines of the server's log:")
        say(open(os.path.join(work, "sqlite-server.log"), errors="replace").read()[-3000:])


def main():
    work = tempfile.mkdtemp(prefix="reviewcal-faults-")
    os.chmod(work, 0o755)
    started = time.monotonic()
    try:
        if ONLY in (None, "postgres"):
            postgres_part(work)
        if ONLY in (None, "sqlite"):
            sqlite_part(work)
    finally:
        subprocess.run(["umount", "-l", os.path.join(work, "small")], capture_output=True)
    say(f"fault test: {time.monotonic() - started:.0f} s")
    if FAILURES:
        say(f"FAILED: {len(FAILURES)} problems: " + "; ".join(FAILURES))
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    say("ok: every acknowledged registration stored once; no 500, no hang; each server wrote again within "
        f"{RECOVERY_BOUND:.0f} s of the database being back; SIGTERM on time")


if __name__ == "__main__":
    main()
