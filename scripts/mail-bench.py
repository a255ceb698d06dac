#!/usr/bin/python3
"""The cost of e-mail on a province's week (run by scripts/mail-bench.sh; docs/benchmarks.md, "E-mail of a published
week").

A province's configuration is generated from the sample district repeated COPIES times (default 10: 531 units,
140 members, 60 teams, as the office pages' bench uses), every member and team with an address, every unit
registering with a contact address, a mix of invitations and notices. 500 units register for week 2026-W50 through
the API (rehearsal clock Thursday 14:00), the office schedules the week through its page; that data folder is kept.

Then ROUNDS rounds, each on a fresh copy of it, in an order that turns with each round:
  - the publish of the week through the office's page (POST /office/weeks/2026-W50/publish: the request that
    queues every message in the publish's transaction) timed, with the district's `mail` section and without it;
  - with mail, the messages handed over through msmtp to aiosmtpd on loopback at --mail-concurrency 1 and 4, from the
    publish's answer to the last message received (the sink's own clock), and how busy the machine was meanwhile.
Last, the floor of the same chain without reviewcal: 200 of the messages received piped to the same sendmail command
one after another, then four at a time.

Usage: /usr/bin/python3 scripts/mail-bench.py REVIEWCAL_BIN [--rounds N] [--copies N] [--keep]
Needs PyYAML (Debian's python3-yaml) besides what scripts/mail-test.py needs.
"""
import collections
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

from mail_harness import OfficePages, Outbox, Sink, free_port, http, poll

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def option(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


BIN = os.path.abspath(next(a for a in sys.argv[1:] if not a.startswith("--") and not a.isdigit()))
ROUNDS = option("--rounds", 3)
COPIES = option("--copies", 10)
KEEP = "--keep" in sys.argv
CLOCK = "2026-12-03T14:00:00"  # week 2026-W50 closes Thursday 15:00
WEEK = "2026-W50"
MONDAY = datetime.date(2026, 12, 7)
TARGET = 500
LOGIN = "van-phong"  # the demo account: `serve --demo` on data that has requests only sets its password


def say(message):
    print(message, flush=True)


def run(*args, stdin=None):
    r = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"reviewcal {' '.join(args[:3])} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r.stdout


# --- the province's configuration ------------------------------------------------------------------------------------

def province(work):
    """Two configuration folders, with and without the district's `mail` section; returns (with, without, office address)."""
    sample = os.path.join(ROOT, "config")
    load = lambda name: yaml.safe_load(open(os.path.join(sample, name), encoding="utf-8"))
    members, teams, units = load("members.yaml"), load("teams.yaml"), load("units.yaml")
    suffix = lambda ident, k: ident if k == 0 else f"{ident}-{k + 1}"
    named = lambda name, k: name if k == 0 else f"{name} ({k + 1})"
    delivery = lambda i, every: "notice" if i % every == every - 1 else "invitation"
    out_members, out_teams, out_units = [], [], []
    for k in range(COPIES):
        for m in members:
            m = dict(m, id=suffix(m["id"], k), name=named(m["name"], k))
            if m.get("homeUnit"):
                m["homeUnit"] = suffix(m["homeUnit"], k)
            m["email"] = f"{m['id']}@tinhuy.example.vn"
            m["delivery"] = delivery(len(out_members), 3)
            out_members.append(m)
        for t in teams:
            t = dict(t, id=suffix(t["id"], k), name=named(t["name"], k))
            t["email"] = f"{t['id']}@tinhuy.example.vn"
            t["delivery"] = delivery(len(out_teams), 3)
            out_teams.append(t)
        for u in units:
            if k > 0 and u["kind"] == "ban-thuong-vu":
                continue  # one standing committee
            u = dict(u, id=suffix(u["id"], k), name=named(u["name"], k))
            u["inCharge"] = [suffix(m, k) for m in u.get("inCharge", [])]
            if u.get("after"):
                u["after"] = [suffix(a, k) for a in u["after"]]
            u["delivery"] = delivery(len(out_units), 4)
            out_units.append(u)
    folders = []
    district = open(os.path.join(sample, "district.yaml"), encoding="utf-8").read()
    office = re.search(r"^mail:.*\n(?:[ \t]+.*\n)*?[ \t]+from:\s*(\S+)", district, re.M).group(1)
    for label in ("mail", "nomail"):
        folder = os.path.join(work, f"config-{label}")
        shutil.copytree(sample, folder)
        for name, items in (("members.yaml", out_members), ("teams.yaml", out_teams), ("units.yaml", out_units)):
            if label == "nomail":
                # Addresses need the district's `mail` section: without it, nobody has one.
                items = [{k: v for k, v in item.items() if k not in ("email", "delivery")} for item in items]
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                yaml.safe_dump(items, f, allow_unicode=True, sort_keys=False, width=200)
        if label == "nomail":
            with open(os.path.join(folder, "district.yaml"), "w", encoding="utf-8") as f:
                f.write(re.sub(r"^mail:.*\n(?:[ \t]+.*\n)*", "", district, flags=re.M))
        run("config", "check", folder)
        folders.append(folder)
    say(f"province: {len(out_units)} units, {len(out_members)} members, {len(out_teams)} teams, every one with an address "
        f"({sum(m['delivery'] == 'notice' for m in out_members + out_teams)} of the members and teams, "
        f"{sum(u['delivery'] == 'notice' for u in out_units)} of the units, take notices; the others invitations)")
    return folders[0], folders[1], office


# --- one server ---------------------------------------------------------------------------------------------------------

class Serve:
    """`reviewcal serve` on its own port and log; with `demo`, the demo account's password it printed."""
    count = 0

    def __init__(self, work, config, data, sendmail, concurrency=4, demo=False):
        Serve.count += 1
        self.port = free_port()
        self.log = open(os.path.join(work, f"server-{Serve.count}.log"), "wb")
        args = [BIN, "serve", "--config", config, "--data", data, "--port", str(self.port), "--rehearsal-clock", CLOCK,
                "--sendmail", sendmail, "--mail-concurrency", str(concurrency), "--job-interval", "3600"] + (["--demo"] if demo else [])
        self.log.write(f"=== {' '.join(args)}\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        if not poll(lambda: self.proc.poll() is not None or http(self.port, "GET", "/readyz", timeout=5)[0] == 200, 300, 0.1) \
                or self.proc.poll() is not None:
            raise SystemExit(f"the server did not start (see {self.log.name})")
        self.password = None
        if demo:
            found = re.findall(r"đăng nhập mẫu: \S+ / (\S+)", open(self.log.name, encoding="utf-8", errors="replace").read())
            if not found:
                raise SystemExit(f"no demo sign-in in {self.log.name}")
            self.password = found[-1]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def prepare(work, config):
    """Registers TARGET units for the week and schedules it; returns the data folder (unpublished proposal)."""
    data = os.path.join(work, "prepared")
    common = ["--config", config, "--data", data]
    tokens = dict(line.split("\t") for line in run("admin", "token", "issue", "--all-units", *common).splitlines() if "\t" in line)
    server = Serve(work, config, data, "/bin/false")
    try:
        district = yaml.safe_load(open(os.path.join(config, "district.yaml"), encoding="utf-8"))
        kinds = district.get("registrableKinds", {})
        units = [u for u in yaml.safe_load(open(os.path.join(config, "units.yaml"), encoding="utf-8")) if u["kind"] != "ban-thuong-vu"][:TARGET]
        slots = [("07:30", "11:30"), ("13:30", "17:00")]

        def register(i_unit):
            i, u = i_unit
            options = []
            for k in range(2):
                day = MONDAY + datetime.timedelta(days=(i + k * 2) % 5)
                start, end = slots[(i + k) % 2]
                options.append({"start": f"{day.isoformat()}T{start}", "end": f"{day.isoformat()}T{end}"})
            body = {"kind": (kinds.get(u["kind"]) or ["cap-uy"])[0], "options": options, "draftSent": "2026-11-30",
                    "contactName": f"Văn phòng {u['name']}", "contactPhone": f"0290 3800 {100 + i % 900}",
                    "contactEmail": f"vanphong.{u['id']}@donvi.example.vn"}
            status, _, answer = http(server.port, "POST", "/v1/requests", json.dumps(body).encode(), {
                "Authorization": f"Bearer {tokens[u['id']]}", "Content-Type": "application/json", "Idempotency-Key": f"bench-{u['id']}"})
            return status, answer

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(register, enumerate(units)))
        refused = [(s, a[:200]) for s, a in results if s not in (200, 201)]
        if refused:
            raise SystemExit(f"{len(refused)} registrations refused, e.g. {refused[:2]}")
    finally:
        server.stop()
    # Started again with --demo now that the week has requests: the demo account, on the server's clock, and nothing else.
    server = Serve(work, config, data, "/bin/false", demo=True)
    try:
        pages = OfficePages(server.port)
        pages.sign_in(LOGIN, server.password)
        started = time.monotonic()
        ok, why = pages.act(f"/office/weeks/{WEEK}", f"/office/weeks/{WEEK}/run", {})
        if not ok:
            raise SystemExit(f"scheduling the week: {why}")
        status, _, body = http(server.port, "GET", f"/office/weeks/{WEEK}", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in pages.cookies.items())})
        flash = re.search(r"Đã xếp lịch: (\d+) buổi, chưa xếp được (\d+)", body.decode())
        say(f"week {WEEK}: {len(results)} registrations; scheduled in {time.monotonic() - started:.1f} s"
            + (f": {flash.group(1)} sessions, {flash.group(2)} not placed" if flash else ""))
    finally:
        server.stop()
    return data


# --- measuring ----------------------------------------------------------------------------------------------------------

def cpu():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4]


def busy(before, after):
    b, i = after[0] - before[0], after[1] - before[1]
    return os.cpu_count() * b / (b + i) if b + i else 0.0


def one_run(work, label, config, prepared, sink, concurrency):
    data = os.path.join(work, f"run-{label}")
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(prepared, data)
    server = Serve(work, config, data, sink.sendmail, concurrency or 4, demo=True)
    try:
        pages = OfficePages(server.port)
        pages.sign_in(LOGIN, server.password)
        token = pages.form(f"/office/weeks/{WEEK}")
        before = set(sink.names())
        started = time.monotonic()
        ok, why = pages.post(f"/office/weeks/{WEEK}/publish", {"confirm": "1"}, token)
        publish = time.monotonic() - started
        answered = time.time()
        if not ok:
            raise SystemExit(f"{label}: publishing the week: {why}")
        result = {"publish": publish}
        if concurrency:
            c0 = cpu()
            outbox = Outbox(sqlite_path=os.path.join(data, "reviewcal.sqlite"))
            rows = outbox.rows()
            done = poll(lambda: len(set(sink.names()) - before) >= len(rows), 1800, 0.5)
            c1 = cpu()
            if not done:
                raise SystemExit(f"{label}: not every message received within 30 minutes")
            new = sorted(set(sink.names()) - before)
            received = [json.load(open(os.path.join(sink.dir, n + ".json"))) for n in new]
            last = max(m["received"] for m in received)
            first = min(m["received"] for m in received)
            ids = set(sink.message_ids(new))
            rows = outbox.rows()
            if len(ids) != len(rows) or len(new) != len(rows) or any(r["status"] != "sent" for r in rows):
                raise SystemExit(f"{label}: {len(rows)} queued, {len(new)} received, {len(ids)} Message-IDs")
            kinds = collections.Counter(r["delivery"] for r in rows)
            result.update(messages=len(rows), seconds=last - answered, rate=len(rows) / (last - answered),
                          first=first - answered, cores=busy(c0, c1), invitations=kinds["invitation"], notices=kinds["notice"],
                          bytes=sum(m["size"] for m in received))
            sample = os.path.join(work, "sample")
            if not os.path.isdir(sample):
                os.makedirs(sample)
                for n in new[::max(1, len(new) // 200)][:200]:
                    shutil.copy(os.path.join(sink.dir, n + ".eml"), sample)
            for n in new:
                for suffix in (".eml", ".json"):
                    os.remove(os.path.join(sink.dir, n + suffix))
                sink.cache.pop(n, None)
        return result
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def floor(work, sink, parallel):
    """Messages per second of the sendmail command alone, on the sample, `parallel` at a time."""
    files = sorted(os.path.join(work, "sample", f) for f in os.listdir(os.path.join(work, "sample")))
    before = len(sink.names())

    def send(path):
        with open(path, "rb") as f:
            return subprocess.run(sink.sendmail.split(), stdin=f, capture_output=True).returncode

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        codes = list(pool.map(send, files))
    took = time.monotonic() - started
    if any(codes) or len(sink.names()) - before != len(files):
        raise SystemExit(f"the sendmail command alone: exit statuses {collections.Counter(codes)}")
    return len(files) / took, len(files)


def main():
    work = tempfile.mkdtemp(prefix="reviewcal-mail-bench-")
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    say(f"mail bench: {os.cpu_count()} cores, load average {' '.join(load)} at the start; {BIN}; work folder {work}")
    with_mail, without_mail, office = province(work)
    prepared = prepare(work, with_mail)
    sink = Sink(work, office)
    sink.start()
    variants = [("no mail", without_mail, None), ("mail, concurrency 1", with_mail, 1), ("mail, concurrency 4", with_mail, 4)]
    results = collections.defaultdict(list)
    try:
        for r in range(ROUNDS):
            order = variants[r % 3:] + variants[:r % 3]
            for label, config, concurrency in order:
                out = one_run(work, f"{r + 1}-{label.replace(' ', '').replace(',', '-')}", config, prepared, sink, concurrency)
                results[label].append(out)
                line = f"round {r + 1}, {label}: publish {out['publish'] * 1000:.0f} ms"
                if concurrency:
                    line += (f"; {out['messages']} messages ({out['invitations']} invitations, {out['notices']} notices, "
                             f"{out['bytes'] / out['messages'] / 1024:.1f} KiB on average) received {out['seconds']:.1f} s after the "
                             f"publish's answer (first after {out['first']:.2f} s): {out['rate']:.1f} messages/s; {out['cores']:.2f} cores busy")
                say(line)
        chain = [floor(work, sink, 1), floor(work, sink, 4)]
        say(f"the sendmail command alone (msmtp to aiosmtpd, {chain[0][1]} of the messages): {chain[0][0]:.1f} messages/s one at a "
            f"time, {chain[1][0]:.1f} four at a time")
    finally:
        sink.stop()
    say("")
    base = statistics.median(x["publish"] for x in results["no mail"])
    for label, _, concurrency in variants:
        xs = results[label]
        times = [x["publish"] * 1000 for x in xs]
        line = (f"{label:<22} publish median {statistics.median(times):.0f} ms ({', '.join('%.0f' % t for t in times)}); "
                f"× {statistics.median(times) / 1000 / base:.2f} of no mail")
        if concurrency:
            rates = [x["rate"] for x in xs]
            line += f"; delivery median {statistics.median(rates):.1f} messages/s ({', '.join('%.1f' % r for r in rates)})"
        say(line)
    with open("/proc/loadavg") as f:
        say(f"load average at the end: {' '.join(f.read().split()[:3])}")
    if not KEEP:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
