#!/usr/bin/env python3
"""SIGTERM in the middle of a registration rush (run by scripts/test.sh).

Starts `reviewcal serve` on a fresh SQLite folder with a rehearsal clock before Thursday's cutoff, sends registrations
from many concurrent clients (each on a new connection, so that a closed keep-alive connection cannot be mistaken for
a cut response), sends SIGTERM to the server once a good part of them is acknowledged, and checks that:

- the server exits 0 within its grace period;
- no client saw a response cut in the middle (a status line without its whole body, or a connection closed after the
  request was read and before an answer);
- every acknowledged registration (201) is stored, and none twice (checked on the restarted server);
- `reviewcal backup` taken while that server runs, restored with `reviewcal restore` into an empty folder, gives a
  server that lists the same requests; a second restore over it is refused without --replace.

Connections refused or reset before the request was sent (the server had stopped accepting) are counted apart: the
client knows nothing was stored and sends again later. A connection reset after the request was written but before any
byte of an answer (or closed without one) is counted apart too when the request is not stored: it was still in the listener's backlog when the
server stopped accepting, and the kernel reset it unread. If such a request is stored, it counts as cut.

Usage: scripts/shutdown-test.py [REVIEWCAL_BIN]   (default .build/debug/reviewcal)
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/reviewcal"
CLOCK = "2026-12-03T14:00:00"  # 2026-W50 closes Thursday 2026-12-03 15:00 (rehearsal clock)
WEEK = "2026-W50"
COUNT, CLIENTS, GRACE = 1200, 60, 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(data, *args):
    return subprocess.run([BIN, *args, "--config", "config", "--data", data], check=True, capture_output=True, text=True).stdout


def start(data, port, log):
    proc = subprocess.Popen(
        [BIN, "serve", "--config", "config", "--data", data, "--port", str(port), "--rehearsal-clock", CLOCK,
         "--grace-period", str(GRACE), "--job-interval", "3600"], stdout=log, stderr=log)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not become ready")


def body(i, day):
    return json.dumps({"kind": "cap-uy", "options": [{"start": f"{day}T07:30", "end": f"{day}T11:30"}],
                       "draftSent": "2026-11-23", "contactName": "Thử dừng máy chủ", "note": f"sd-{i}"})


def post(port, token, payload, key):
    """One registration on a new connection: ('answer', status, body), ('refused', why) or ('cut', why)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.connect()
    except OSError as e:
        return ("refused", type(e).__name__)
    sent = False
    try:
        conn.request("POST", "/v1/requests", body=payload.encode(), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
        sent = True
        resp = conn.getresponse()
        status = resp.status
        try:
            data = resp.read()
        except (http.client.IncompleteRead, OSError) as e:
            return ("cut", f"body cut after status {status}: {type(e).__name__}")
        return ("answer", status, data)
    except http.client.RemoteDisconnected as e:
        return ("reset", f"closed without an answer after the request: {e}")
    except (ConnectionResetError, BrokenPipeError) as e:
        # A reset with no byte of an answer: either the connection was still in the listener's backlog when the server
        # stopped accepting (the kernel resets it; nothing was read), or the server read the request and dropped it.
        # Which one is decided after the restart: a request of this kind that is stored counts as cut.
        return ("refused", type(e).__name__) if not sent else ("reset", f"reset after the request: {type(e).__name__}")
    except OSError as e:
        return ("cut", f"{type(e).__name__}: {e}")
    finally:
        conn.close()


def main():
    work = tempfile.mkdtemp(prefix="reviewcal-shutdown-")
    data = os.path.join(work, "data")
    tokens = [line.split("\t") for line in cli(data, "admin", "token", "issue", "--all-units").splitlines() if "\t" in line]
    office = cli(data, "admin", "token", "issue", "--office").strip().splitlines()[-1]
    cli(data, "admin", "allow-extra", "--unit", "all", "--kind", "cap-uy", "--campaign", "2026", "--extra", "200")
    port = free_port()
    log = open(os.path.join(work, "server.log"), "wb")
    server = start(data, port, log)
    days = [f"2026-12-{d:02d}" for d in range(7, 12)]

    # Units that may register a party organisation's collective review.
    allowed = []
    for unit, token in tokens:
        r = post(port, token, body(f"warm-{unit}", days[0]), f"warm-{unit}")
        if r[0] == "answer" and r[1] == 201:
            allowed.append(token)
    assert allowed, "no unit could register cap-uy"

    results, lock, next_i = [], threading.Lock(), [0]

    def worker():
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= COUNT:
                return
            r = post(port, allowed[i % len(allowed)], body(i, days[i % len(days)]), f"sd-{i}")
            with lock:
                results.append((i, r))

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    while True:
        with lock:
            acked = sum(1 for _, r in results if r[0] == "answer" and r[1] == 201)
        if acked >= COUNT // 4 or time.monotonic() - started > 60:
            break
        time.sleep(0.01)
    server.send_signal(signal.SIGTERM)
    term_at = time.monotonic()
    try:
        code = server.wait(timeout=GRACE + 15)
    except subprocess.TimeoutExpired:
        server.kill()
        raise SystemExit(f"FAILED: the server did not stop within {GRACE + 15} s of SIGTERM")
    stopped_after = time.monotonic() - term_at
    for t in threads:
        t.join()

    ids, cut, refused, statuses, reset = {}, [], 0, {}, []
    for i, r in results:
        if r[0] == "answer":
            statuses[r[1]] = statuses.get(r[1], 0) + 1
            if r[1] == 201:
                ids[json.loads(r[2])["request"]["id"]] = i
        elif r[0] == "cut":
            cut.append((i, r[1]))
        elif r[0] == "reset":
            reset.append((i, r[1]))
        else:
            refused += 1
    print(f"SIGTERM after {acked} acknowledged; server exited {code} after {stopped_after:.2f} s; "
          f"answers {dict(sorted(statuses.items()))}, refused before sending {refused}, "
          f"reset without an answer {len(reset)}, cut {len(cut)}")

    # Restart and check what is stored; take a backup with `reviewcal backup` while this server runs.
    server = start(data, port, log)
    backup = os.path.join(work, "backup.json")
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", f"/v1/requests?week={WEEK}", headers={"Authorization": f"Bearer {office}"})
        stored = json.loads(c.getresponse().read())
        subprocess.run([BIN, "backup", backup, "--data", data], check=True, capture_output=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=GRACE + 15)
    # `reviewcal restore` into an empty folder gives a server that lists the same requests.
    restored_data = os.path.join(work, "restored")
    out = subprocess.run([BIN, "restore", backup, "--data", restored_data], check=True, capture_output=True, text=True).stdout
    again = subprocess.run([BIN, "restore", backup, "--data", restored_data], capture_output=True, text=True)
    server = start(restored_data, port, log)
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", f"/v1/requests?week={WEEK}", headers={"Authorization": f"Bearer {office}"})
        restored = json.loads(c.getresponse().read())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=GRACE + 15)
    print(f"backup while serving, restore into an empty folder: {out.strip()}; {len(restored)} requests listed as before")
    notes = [v["request"].get("note") for v in stored if (v["request"].get("note") or "").startswith("sd-") and not v["request"]["note"].startswith("sd-warm")]
    stored_ids = {v["request"]["id"] for v in stored}
    missing = [i for i in ids if i not in stored_ids]
    duplicates = len(notes) - len(set(notes))
    # A reset request that was nevertheless stored was read and then dropped without an answer: that is a cut.
    stored_notes = set(notes)
    read_then_reset = [(i, why) for i, why in reset if f"sd-{i}" in stored_notes]
    cut += read_then_reset
    print(f"reset without an answer: {len(reset)}, of which stored (read, then dropped): {len(read_then_reset)}")
    print(f"stored {len(notes)} of the rush; acknowledged {len(ids)}; missing {len(missing)}; duplicated {duplicates}")
    failures = []
    if code != 0:
        failures.append(f"exit status {code}, expected 0")
    if cut:
        failures.append(f"{len(cut)} responses cut, e.g. {cut[:3]}")
    if missing:
        failures.append(f"acknowledged but not stored: {missing[:5]}")
    if duplicates:
        failures.append(f"{duplicates} registrations stored twice")
    if sorted(json.dumps(v, sort_keys=True) for v in restored) != sorted(json.dumps(v, sort_keys=True) for v in stored):
        failures.append("the restored database does not list the same requests")
    if again.returncode == 0 or "--replace" not in again.stderr:
        failures.append(f"a restore over data was not refused with a hint of --replace: {again.returncode} {again.stderr!r}")
    if len(ids) >= COUNT:
        failures.append("the rush ended before SIGTERM: nothing was tested")
    if failures:
        print("FAILED: " + "; ".join(failures))
        print(open(os.path.join(work, "server.log"), errors="replace").read()[-3000:])
        sys.exit(1)
    print("ok: exit 0, no response cut, every acknowledged registration stored once; backup and restore equal")


if __name__ == "__main__":
    main()
