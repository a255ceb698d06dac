#!/usr/bin/python3
"""E-mail of every published change, end to end (run by scripts/mail-test.sh, itself run by scripts/test.sh).

A local SMTP server (Debian's aiosmtpd with scripts/mail_sink.py, which keeps every message with its envelope) on
loopback; `reviewcal serve` delivering through Debian's msmtp (`--sendmail "/usr/sbin/sendmail -C FILE -t -i"`, FILE
a throwaway msmtp configuration: 127.0.0.1, the sink's port, no authentication, no TLS, `from` the office's address).
The office acts through its pages (/office, signed in with the demo account that `serve --demo` sets up on the
server's clock), so the server that queues the messages is the one that delivers them, at once. A rehearsal clock
(Thursday 2026-12-03 14:00, before the cutoff of week 2026-W50; a server started again goes on from where the last
one was) makes the run independent of today's date. The outbox is read from the database itself.

One district on SQLite, changes one after another:

  a1. the sample week published (`serve --demo`): one message per person, none twice;
  a2. a published session given another member: the old member is sent METHOD:CANCEL, the new one METHOD:REQUEST;
  a3. a published session cancelled: METHOD:CANCEL with STATUS:CANCELLED to everyone concerned;
  b1. the SMTP server down during a change: the messages wait (queued, with msmtp's error), then go once it is back;
  b2. the sendmail command failing (exit 1): queued with the error, attempt after attempt, never lost; the server
      restarted with a working command delivers them;
  b3. kill -9 of the server after the change and before delivery (the SMTP server down so nothing went), the SMTP
      server back, the server started again: delivered after the restart, exactly once;
  b4. kill -9 of the server in the middle of handing messages over (a sendmail command that never ends): after the
      restart, once their lease has ended (the clock moved past it), delivered exactly once, with the Message-ID they
      were queued with.

Then two servers on one throwaway PostgreSQL database (b5): every unit of the district registers with a contact
address, the week is scheduled and published through one server, both deliver (a sendmail command slowed down so
that both take part): each message received exactly once.

Every message received is parsed with `email` and `icalendar` and checked against the outbox row it came from
(envelope, From, To, Subject decoded, Message-ID, 7-bit), against the person (the greeting "Kính gửi" and their name
with its diacritics) and against the feeds fetched over HTTP: an invitation's METHOD equals its part's `method=`,
UID and SEQUENCE equal the feed's event, DTSTART has TZID=Asia/Ho_Chi_Minh and the feed's local time, ORGANIZER is
the office, the one ATTENDEE is the recipient with RSVP=FALSE, the attachments invite.ics… repeat the calendars; a
notice carries the person's feed link. A person's SEQUENCE for one event only grows from message to message.

Prints, per step, the messages queued, sent and received; exits 1 on any failure.

Usage: /usr/bin/python3 scripts/mail-test.py [REVIEWCAL_BIN] [--only sqlite|postgres] [--keep]
"""
import collections
import datetime
import email.header
import email.policy
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse

from icalendar import Calendar

from mail_harness import OfficePages, Outbox, Postgres, Sink, free_port, http, poll

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
KEEP = "--keep" in sys.argv
if ONLY in ARGS:
    ARGS.remove(ONLY)
BIN = os.path.abspath(ARGS[0] if ARGS else os.path.join(ROOT, ".build/debug/reviewcal"))
CONFIG = os.path.join(ROOT, "config")
START = datetime.datetime(2026, 12, 3, 14, 0, 0)  # local time: week 2026-W50 closes Thursday 15:00
WEEK = "2026-W50"
ZONE = "Asia/Ho_Chi_Minh"
LOGIN = "van-phong"  # the demo account: `serve --demo` sets its password, on the server's (rehearsal) clock
DELIVERY_BOUND = 240.0  # seconds: the longest a step may take to be delivered, on a loaded 2-core machine
LEASE = 300             # seconds: the lease of a claimed message (ReviewService.deliverOutbox)
FAILURES = []
SUMMARY = []


def fail(message):
    print(f"FAIL {message}", flush=True)
    FAILURES.append(message)


def say(message):
    print(message, flush=True)


def run(*args, stdin=None, env=None):
    r = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"reviewcal {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r.stdout


def wait_for(what, predicate, timeout=DELIVERY_BOUND, every=0.25):
    """Polls `predicate` until it returns something true; returns it, or None (and a failure) after `timeout`."""
    value = poll(predicate, timeout, every)
    if not value:
        fail(f"{what}: not within {timeout:.0f} s")
    return value


# --- the district's configuration (what the checks compare with) ----------------------------------------------------

def yaml_blocks(path):
    """The `- id:` entries of a config list as {id: {key: value}} (scalar values only, comments dropped)."""
    blocks, current = {}, None
    for line in open(path, encoding="utf-8"):
        line = re.sub(r"\s+#.*$", "", line.rstrip("\n"))
        m = re.match(r"^- id:\s*(\S+)", line)
        if m:
            current = blocks.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s+([A-Za-z]+):\s*(.+)$", line)
        if current is not None and m:
            current[m.group(1)] = m.group(2).strip()
        elif line and not line.startswith((" ", "#")):
            current = None
    return blocks


def office_mail():
    text = open(os.path.join(CONFIG, "district.yaml"), encoding="utf-8").read()
    section = re.search(r"^mail:.*\n((?:[ \t]+.*\n?)+)", text, re.M).group(1)
    address = re.search(r"^\s+from:\s*(\S+)", section, re.M).group(1)
    name = re.search(r"^\s+name:\s*(.+?)\s*(?:#.*)?$", section, re.M).group(1)
    return address, name


OFFICE, OFFICE_NAME = office_mail()
MEMBERS = yaml_blocks(os.path.join(CONFIG, "members.yaml"))
TEAMS = yaml_blocks(os.path.join(CONFIG, "teams.yaml"))
UNITS = yaml_blocks(os.path.join(CONFIG, "units.yaml"))


def delivery_of(person):
    """`invitation`, `notice` or `none` for an outbox person key (`member:m01`, `team:to-01`, `unit:id/address`)."""
    kind, _, rest = person.partition(":")
    entry = {"member": MEMBERS, "team": TEAMS, "unit": UNITS}[kind].get(rest.split("/")[0], {})
    return entry.get("delivery", "invitation")


def person_name(person, recipient_name):
    """The name the greeting must carry, with its diacritics, from the configuration."""
    kind, _, rest = person.partition(":")
    if kind == "member":
        return MEMBERS[rest]["name"]
    if kind == "team":
        return TEAMS[rest]["leader"]
    return recipient_name.split(" – ")[0]


def feed_key(person):
    kind, _, rest = person.partition(":")
    return f"{kind}/{rest.split('/')[0]}"


# --- reviewcal serve ------------------------------------------------------------------------------------------------

class Clock:
    """The rehearsal clock across restarts: a server started again goes on from where the last one was."""

    def __init__(self):
        self.base, self.at = START, time.monotonic()

    def now(self):
        return self.base + datetime.timedelta(seconds=time.monotonic() - self.at)

    def jump(self, seconds):
        self.base, self.at = self.now() + datetime.timedelta(seconds=seconds), time.monotonic()

    def text(self):
        return self.now().strftime("%Y-%m-%dT%H:%M:%S")


def session_members(sid):
    """The live processes of session `sid` other than its leader (from /proc; zombies left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == sid:
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # after the command: state, ppid, pgrp, session
            found.append(int(entry))
    return found


class Server:
    def __init__(self, name, work, data, port, clock, database=None):
        self.name, self.work, self.data, self.port, self.clock, self.database = name, work, data, port, clock, database
        self.proc = None
        self.log_path = os.path.join(work, f"server-{name}.log")
        self.base = f"http://127.0.0.1:{port}"

    def common(self):
        return ["--config", CONFIG, "--data", self.data] + (["--database", self.database] if self.database else [])

    def start(self, sendmail, demo=False, concurrency=4):
        args = [BIN, "serve", *self.common(), "--port", str(self.port), "--rehearsal-clock", self.clock.text(),
                "--sendmail", sendmail, "--mail-interval", "1", "--mail-retry-seconds", "1",
                "--mail-concurrency", str(concurrency), "--job-interval", "3600", "--grace-period", "15"]
        if demo:
            args.append("--demo")
        if self.database:
            args += ["--pool-size", "8"]
        log = open(self.log_path, "ab")
        log.write(f"\n=== {' '.join(args)}\n".encode())
        log.flush()
        # A session of its own, so that kill -9 can take the sendmail commands it runs with it (Foundation starts each
        # in a process group of its own, but within the session).
        self.proc = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)
        if not wait_for(f"server {self.name} ready", self.ready, timeout=300, every=0.2):
            self.kill9()
            raise SystemExit(f"server {self.name} did not start; its log:\n" + open(self.log_path, errors="replace").read()[-3000:])

    def ready(self):
        if self.proc.poll() is not None:
            raise SystemExit(f"server {self.name} exited {self.proc.returncode}; its log:\n"
                             + open(self.log_path, errors="replace").read()[-3000:])
        r = http(self.port, "GET", "/readyz", timeout=5)
        return r[0] == 200

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                fail(f"server {self.name} did not stop within 60 s of SIGTERM")
                self.kill9()
        self.proc = None

    def kill9(self):
        """SIGKILL to the server and to every command it runs (its session's processes), as systemd's stop would."""
        if self.proc and self.proc.poll() is None:
            leader = self.proc.pid
            for pid in [leader] + session_members(leader):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()
            wait_for(f"server {self.name}'s commands gone after kill -9", lambda: not session_members(leader), timeout=10)
        self.proc = None

    def demo_password(self):
        """The demo account's password, as the last `serve --demo` printed it."""
        found = re.findall(r"đăng nhập mẫu: \S+ / (\S+)", open(self.log_path, encoding="utf-8", errors="replace").read())
        if not found:
            raise SystemExit(f"server {self.name}: no demo sign-in in its output")
        return found[-1]

    def feed_links(self):
        out = run("feeds", "list", "--json", "--base-url", self.base, *self.common())
        return {f"{f['kind']}/{f['subject']}": f["https"] for f in json.loads(out)}


# --- checking what was received -------------------------------------------------------------------------------------

def fetch_feeds(links):
    """{feed key: {uid: event}} and {uid: event} over all feeds; fails when two feeds disagree on an event's SEQUENCE."""
    per_feed, everywhere = {}, {}
    for key, url in links.items():
        parts = urllib.parse.urlsplit(url)
        status, _, body = http(parts.port, "GET", parts.path, timeout=60)
        if status != 200:
            fail(f"feed {key}: HTTP {status}")
            continue
        events = {}
        for ev in Calendar.from_ical(body).walk("VEVENT"):
            events[str(ev["UID"])] = ev
            seen = everywhere.get(str(ev["UID"]))
            if seen is not None and int(seen.get("SEQUENCE", 0)) != int(ev.get("SEQUENCE", 0)):
                fail(f"feeds disagree on the SEQUENCE of {ev['UID']}: {seen.get('SEQUENCE')} and {ev.get('SEQUENCE')} ({key})")
            everywhere.setdefault(str(ev["UID"]), ev)
        per_feed[key] = events
    return per_feed, everywhere


def mailbox(raw, field):
    """(name, address) of an address header, its encoded words decoded as RFC 2047 says (white space between two
    encoded words dropped; Python's newer header parser keeps it inside display names, so the older one is used)."""
    value = re.sub(r"\r?\n[ \t]", " ", email.message_from_bytes(raw, policy=email.policy.compat32)[field] or "")
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", value)
    if not m:
        return ("", value)
    name = str(email.header.make_header(email.header.decode_header(m.group(1))))
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1]
    return (name, m.group(2))


def when(ev):
    prop = ev["DTSTART"]
    return prop.to_ical().decode(), prop.params.get("TZID")


class Checker:
    """Checks each step's messages against the outbox, the configuration and the feeds; remembers each person's last
    SEQUENCE of each event."""

    def __init__(self):
        self.sequences = {}  # (recipient, uid) -> last SEQUENCE received
        self.counts = collections.Counter()  # what the last step's checks looked at

    def check_step(self, label, rows, sink, names, links):
        """`rows`: the outbox rows of the step; `names`: the sink's messages received during it. Returns
        {person: [(method, uid, sequence, status)]} for the step's own expectations."""
        received = collections.defaultdict(list)
        for n in names:
            received[sink.message_ids([n])[0]].append(n)
        ids = {r["message_id"] for r in rows}
        twice = {m: len(v) for m, v in received.items() if len(v) > 1}
        missing = [r["recipient"] for r in rows if r["message_id"] not in received]
        strangers = [m for m in received if m not in ids]
        if twice:
            fail(f"{label}: received more than once: {twice}")
        if missing:
            fail(f"{label}: never received: {missing}")
        if strangers:
            fail(f"{label}: received messages that are not this step's: {strangers}")
        per_address = collections.Counter(r["recipient"].lower() for r in rows)
        per_person = collections.Counter(r["person"] for r in rows)
        if any(c > 1 for c in per_address.values()) or any(c > 1 for c in per_person.values()):
            fail(f"{label}: a recipient queued twice in one change: "
                 f"{[a for a, c in per_address.items() if c > 1] + [p for p, c in per_person.items() if c > 1]}")
        per_feed, everywhere = fetch_feeds(links)
        self.counts = collections.Counter(feeds=len(per_feed), events=len(everywhere))
        calendars = {}
        for r in rows:
            if received.get(r["message_id"]):
                calendars[r["person"]] = self.check_message(label, r, *sink.load(received[r["message_id"]][0]), links, per_feed, everywhere)
        return calendars

    def check_message(self, label, row, meta, raw, msg, links, per_feed, everywhere):
        who = f"{label}: to {row['recipient']} ({row['person']})"
        problems = []
        if meta["rcptTos"] != [row["recipient"]]:
            problems.append(f"envelope recipients {meta['rcptTos']}")
        if (meta["mailFrom"] or "").lower() != OFFICE.lower():
            problems.append(f"envelope sender {meta['mailFrom']}")
        if any(b > 127 for b in raw):
            problems.append("not 7-bit")
        long = [line for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n") if b"=?" in line and len(line) > 76]
        if long:
            problems.append(f"header lines with encoded words longer than 76 characters (RFC 2047): {long[:2]}")
        frm, to = mailbox(raw, "From"), mailbox(raw, "To")
        if frm != (OFFICE_NAME, OFFICE):
            problems.append(f"From {frm}")
        if to != (row["recipient_name"], row["recipient"]):
            problems.append(f"To {to}, expected {(row['recipient_name'], row['recipient'])}")
        if str(msg["Subject"]) != row["subject"]:
            problems.append(f"Subject decodes to {str(msg['Subject'])!r}, queued {row['subject']!r}")
        if str(msg["Message-ID"]).strip() != f"<{row['message_id']}>":
            problems.append(f"Message-ID {msg['Message-ID']}")
        if str(msg.get("Auto-Submitted", "")) != "auto-generated":
            problems.append("no Auto-Submitted: auto-generated")
        text_part = msg.get_body(preferencelist=("plain",))
        text = text_part.get_content() if text_part else ""
        name = person_name(row["person"], row["recipient_name"])
        greeting = text.splitlines()[0] if text else ""
        if not greeting.startswith("Kính gửi ") or name not in greeting:
            problems.append(f"greeting {greeting!r} (expected 'Kính gửi …{name}…')")
        if not unicodedata.is_normalized("NFC", text) or not unicodedata.is_normalized("NFC", str(msg["Subject"])):
            problems.append("text not in NFC")
        headlines = [line for line in row["summary"].split("\n") if line]
        for line in headlines:
            if line not in text:
                problems.append(f"the change {line!r} is not in the text")
        if row["delivery"] != delivery_of(row["person"]):
            problems.append(f"delivery {row['delivery']}, configured {delivery_of(row['person'])}")
        found = []
        if row["delivery"] == "notice":
            if msg.is_multipart() or msg.get_content_type() != "text/plain":
                problems.append(f"a notice is {msg.get_content_type()}, not a single text/plain")
            link = links.get(feed_key(row["person"]))
            if not link or link not in text:
                problems.append(f"the notice lacks the feed link {link}")
            self.counts["notice links"] += 1
        else:
            found = self.check_invitation(msg, row, headlines, links, per_feed, everywhere, problems)
        for p in problems:
            fail(f"{who}: {p}")
        return found

    def check_invitation(self, msg, row, headlines, links, per_feed, everywhere, problems):
        if msg.get_content_type() != "multipart/mixed":
            problems.append(f"an invitation is {msg.get_content_type()}")
            return []
        parts = list(msg.iter_parts())
        alternative = parts[0]
        inner = list(alternative.iter_parts()) if alternative.is_multipart() else []
        if alternative.get_content_type() != "multipart/alternative" or [p.get_content_type() for p in inner] != ["text/plain", "text/calendar"]:
            problems.append(f"first part {alternative.get_content_type()} of {[p.get_content_type() for p in inner]}")
            return []
        calendars = [inner[1]] + [p for p in parts[1:] if p.get_content_type() == "text/calendar"]
        attachments = [p for p in parts[1:] if p.get_content_type() == "application/ics"]
        if len(calendars) != len(headlines):
            problems.append(f"{len(calendars)} calendars for {len(headlines)} changes")
        names = [p.get_filename() for p in attachments]
        expected_names = ["invite.ics"] + [f"invite-{i}.ics" for i in range(2, len(calendars) + 1)]
        if names != expected_names or any(p.get_content_disposition() != "attachment" for p in attachments):
            problems.append(f"attachments {names}, expected {expected_names}")
        if [p.get_payload(decode=True) for p in attachments] != [p.get_payload(decode=True) for p in calendars]:
            problems.append("the attachments differ from the calendars")
        own = per_feed.get(feed_key(row["person"]), {})
        found = []
        for part in calendars:
            data = part.get_payload(decode=True)
            method = part.get_param("method")
            cal = Calendar.from_ical(data)
            events = cal.walk("VEVENT")
            zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
            if str(cal.get("METHOD")) != method or method not in ("REQUEST", "CANCEL"):
                problems.append(f"METHOD {cal.get('METHOD')} in a part of method={method}")
            if len(events) != 1:
                problems.append(f"{len(events)} events in one calendar")
                continue
            ev = events[0]
            uid, seq = str(ev["UID"]), int(ev.get("SEQUENCE", 0))
            start, tzid = when(ev)
            if tzid != ZONE or zones != [ZONE]:
                problems.append(f"{uid}: DTSTART TZID {tzid}, VTIMEZONE {zones}")
            organizer = ev.get("ORGANIZER")
            if str(organizer).lower() != f"mailto:{OFFICE}".lower() or organizer.params.get("CN") != OFFICE_NAME:
                problems.append(f"{uid}: ORGANIZER {organizer!r}")
            attendees = ev.get("ATTENDEE")
            attendees = attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []
            if len(attendees) != 1 or str(attendees[0]).lower() != f"mailto:{row['recipient']}".lower() \
                    or attendees[0].params.get("RSVP") != "FALSE":
                problems.append(f"{uid}: ATTENDEE {[(str(a), dict(a.params)) for a in attendees]}")
            status = str(ev.get("STATUS", ""))
            if method == "CANCEL" and status != "CANCELLED":
                problems.append(f"{uid}: METHOD:CANCEL with STATUS {status}")
            if method == "REQUEST" and status == "CANCELLED":
                problems.append(f"{uid}: METHOD:REQUEST of a cancelled event")
            feed = everywhere.get(uid)
            if feed is None:
                problems.append(f"{uid}: in no feed")
            elif int(feed.get("SEQUENCE", 0)) != seq:
                problems.append(f"{uid}: SEQUENCE {seq}, the feeds' {feed.get('SEQUENCE')}")
            mine = own.get(uid)
            if method == "REQUEST":
                if mine is None:
                    problems.append(f"{uid}: invited, but not in the person's feed")
                elif (int(mine.get("SEQUENCE", 0)), when(mine)) != (seq, (start, tzid)):
                    problems.append(f"{uid}: SEQUENCE {seq} at {start} ({tzid}); their feed: {mine.get('SEQUENCE')} at {when(mine)}")
            elif mine is not None:
                if str(mine.get("STATUS", "")) != "CANCELLED" or int(mine.get("SEQUENCE", 0)) != seq or when(mine) != (start, tzid):
                    problems.append(f"{uid}: cancelled, but their feed shows {mine.get('STATUS')} SEQUENCE {mine.get('SEQUENCE')} at {when(mine)}")
            key = (row["recipient"].lower(), uid)
            before = self.sequences.get(key)
            if before is not None and seq <= before:
                problems.append(f"{uid}: SEQUENCE {seq} not above the {before} this person was sent before")
            self.sequences[key] = seq
            found.append((method, uid, seq, status, before))
            self.counts[method] += 1
            self.counts["in their own feed"] += mine is not None
        return found


# --- the district on SQLite: a1–a3, b1–b4 ---------------------------------------------------------------------------

class District:
    """One data folder, one server (started again as the steps need), the office signed in, the sink."""

    def __init__(self, work, sink, checker, server, outbox):
        self.work, self.sink, self.checker, self.server, self.outbox = work, sink, checker, server, outbox
        self.office_token = None
        self.password = None
        self.pages = None
        self.links = {}

    def connect(self):
        self.pages = OfficePages(self.server.port)
        self.pages.sign_in(LOGIN, self.password)

    def sessions(self):
        status, _, body = http(self.server.port, "GET", f"/v1/requests?week={WEEK}",
                               headers={"Authorization": f"Bearer {self.office_token}"})
        if status != 200:
            raise SystemExit(f"listing the week's requests: {status}")
        return json.loads(body)

    def reschedule(self, used, restore=None):
        """Gives a published session another member (its time and team kept), or restores a cancelled one; returns
        (request id, old member, new member, team, unit contact person)."""
        views = self.sessions()
        if restore:
            v = next(v for v in views if v["request"]["id"] == restore)
            candidates = [(v, v["placement"]["memberId"])]
        else:
            invited = [m for m, e in MEMBERS.items() if e.get("email") and e.get("delivery", "invitation") == "invitation"]
            candidates = [(v, m) for v in views if v["state"] == "da-cong-bo" and v["request"]["id"] not in used
                          and v["placement"].get("memberId") in invited for m in invited if m != v["placement"]["memberId"]]
        for v, member in candidates:
            p, r = v["placement"], v["request"]
            option = next(i for i, o in enumerate(r["options"]) if o["start"] == p["start"])
            path = f"/office/weeks/{WEEK}/sessions/{r['id']}"
            ok, why = self.pages.act(path, path + "/reschedule", {
                "confirm": "1", "option": str(option), "member": member, "team": p["teamId"],
                "reason": "Tổ chức lại buổi kiểm điểm" if restore else "Đồng chí Ủy viên dự có lịch công tác của Tỉnh ủy"})
            if ok:
                return r["id"], p.get("memberId"), member, p["teamId"], r.get("contactEmail") and f"unit:{r['unitId']}/{r['contactEmail'].lower()}"
            say(f"     (the office refused {r['id']} → {member}: {why})")
        raise SystemExit("no published session could be given another member")

    def cancel(self, used):
        views = self.sessions()
        for v in views:
            if v["state"] == "da-cong-bo" and v["request"]["id"] not in used and v["placement"].get("memberId"):
                p, r = v["placement"], v["request"]
                path = f"/office/weeks/{WEEK}/sessions/{r['id']}"
                ok, why = self.pages.act(path, path + "/cancel", {"confirm": "1", "reason": "Đơn vị đề nghị lùi sang tuần sau"})
                if ok:
                    return r["id"], p["memberId"], p["teamId"], f"unit:{r['unitId']}/{r['contactEmail'].lower()}"
                say(f"     (the office refused to cancel {r['id']}: {why})")
        raise SystemExit("no published session could be cancelled")

    def step(self, label, action):
        """Runs `action`; returns its result and the outbox rows it queued (the messages of a new batch)."""
        batches = {r["batch"] for r in self.outbox.rows()}
        result = action()
        rows = wait_for(f"{label}: messages queued", lambda: [r for r in self.outbox.rows() if r["batch"] not in batches], timeout=120)
        if not rows:
            raise SystemExit(f"{label}: the change queued no message")
        return result, rows

    def delivered(self, label, rows, names, started, expect=None, note=""):
        ids = {r["message_id"] for r in rows}
        batches = {r["batch"] for r in rows}

        def done():
            now = [r for r in self.outbox.rows() if r["batch"] in batches]
            new = [n for n in self.sink.names() if n not in names]
            return now if all(r["status"] == "sent" for r in now) and len(set(self.sink.message_ids(new)) & ids) == len(ids) else None

        rows = wait_for(f"{label}: every message sent and received", done) or [r for r in self.outbox.rows() if r["batch"] in batches]
        took = time.monotonic() - started
        # Anything sent twice would arrive with the others: a short quiet period, then the count.
        time.sleep(1.0)
        new = [n for n in self.sink.names() if n not in names]
        self.links = self.server.feed_links()
        found = self.checker.check_step(label, rows, self.sink, new, self.links)
        sent = sum(r["status"] == "sent" for r in rows)
        unique = len(set(self.sink.message_ids(new)))
        say(f"     {label}: {len(rows)} queued, {sent} sent, {len(new)} received ({unique} Message-IDs) in {took:.1f} s{note}")
        c = self.checker.counts
        say(f"       checked: {c['REQUEST']} REQUEST and {c['CANCEL']} CANCEL calendars against {c['feeds']} feeds "
            f"({c['events']} events; {c['in their own feed']} found in the recipient's own feed), {c['notice links']} notice links")
        SUMMARY.append((label, len(rows), sent, len(new), unique, took))
        if expect:
            expect(rows, found)
        return rows


def expect_methods(label, methods):
    """Exactly the people of `methods` (those configured to receive mail) were written to; an invitation's calendar
    has the method given for its person; a CANCEL follows an earlier invitation of the same event (so that its
    SEQUENCE was compared with the one before)."""
    def check(rows, found):
        got = {r["person"] for r in rows}
        wanted = {p for p in methods if p and delivery_of(p) != "none"}
        if got != wanted:
            fail(f"{label}: messages went to {sorted(got)}, expected {sorted(wanted)}")
        for person, cals in found.items():
            want = methods.get(person)
            if want and [c[0] for c in cals] != [want]:
                fail(f"{label}: {person} was sent {[c[0] for c in cals]}, expected [{want}]")
            for method, uid, seq, status, before in cals:
                if method == "CANCEL" and before is None:
                    fail(f"{label}: {person} was sent a CANCEL of {uid} without an earlier invitation")
    return check


def moved(label, result):
    """What a member change (or a restored session) must send: CANCEL to the old member, REQUEST to the others."""
    req, old, new, team, unit = result
    methods = {f"member:{new}": "REQUEST", f"team:{team}": "REQUEST", unit: "REQUEST"}
    if old and old != new:
        methods[f"member:{old}"] = "CANCEL"
    say(f"     {req}: member:{old} → member:{new}")
    return expect_methods(label, methods)


def rows_of(d, rows):
    batches = {r["batch"] for r in rows}
    return [r for r in d.outbox.rows() if r["batch"] in batches]


def sqlite_part(work, sink, checker):
    data = os.path.join(work, "sqlite")
    os.makedirs(data)
    common = ["--config", CONFIG, "--data", data]
    clock = Clock()
    server = Server("sqlite", work, data, free_port(), clock)
    d = District(work, sink, checker, server, Outbox(sqlite_path=os.path.join(data, "reviewcal.sqlite")))
    used = set()
    try:
        say("== a1. the sample week published (serve --demo), the SMTP server up")
        names, started = set(sink.names()), time.monotonic()
        server.start(sink.sendmail, demo=True)
        d.password = server.demo_password()
        d.office_token = run("admin", "token", "issue", "--office", *common).strip().splitlines()[-1]
        d.connect()
        rows = wait_for("a1: messages queued", d.outbox.rows, timeout=60) or []
        rows = d.delivered("a1 publish (serve --demo)", rows, names, started, expect=lambda rows, found: [
            fail(f"a1: {p} was sent {[c[0] for c in cals]}") for p, cals in found.items() if any(c[0] != "REQUEST" for c in cals)])
        kinds = collections.Counter(r["delivery"] for r in rows)
        say(f"     {kinds['invitation']} invitations, {kinds['notice']} notices, to "
            + ", ".join(f"{sum(r['person'].startswith(k + ':') for r in rows)} {k}s" for k in ("member", "team", "unit")))
        if not kinds["invitation"] or not kinds["notice"]:
            fail(f"a1: expected both invitations and notices, got {dict(kinds)}")

        say("== a2. a published session given another member (reschedule)")
        names, started = set(sink.names()), time.monotonic()
        result, rows = d.step("a2", lambda: d.reschedule(used))
        used.add(result[0])
        d.delivered("a2 reschedule (member changed)", rows, names, started, expect=moved("a2", result))

        say("== a3. a published session cancelled")
        names, started = set(sink.names()), time.monotonic()
        (req, member, team, unit), rows = d.step("a3", lambda: d.cancel(used))
        used.add(req)
        cancelled = req
        say(f"     {req} cancelled")
        d.delivered("a3 cancel", rows, names, started, expect=expect_methods(
            "a3", {f"member:{member}": "CANCEL", f"team:{team}": "CANCEL", unit: "CANCEL"}))

        say("== b1. the SMTP server down during a change; back later")
        sink.stop()
        names, started = set(sink.names()), time.monotonic()
        result, rows = d.step("b1", lambda: d.reschedule(used))
        used.add(result[0])
        waiting = wait_for("b1: every message tried twice and waiting with msmtp's error", lambda: (lambda now: now if all(
            r["status"] == "queued" and r["attempts"] >= 2 and "75" in (r["last_error"] or "") for r in now) else None)(rows_of(d, rows)))
        if waiting:
            say(f"     while down: {len(waiting)} queued, {min(r['attempts'] for r in waiting)}+ attempts each; "
                f"last error: {waiting[0]['last_error'][:150]!r}")
        if [n for n in sink.names() if n not in names]:
            fail("b1: messages received while the SMTP server was down")
        sink.start()
        d.delivered("b1 SMTP down, then up", rows, names, started, expect=moved("b1", result))

        say("== b2. the sendmail command failing (exit 1); then the server started again with msmtp")
        server.stop()
        server.start("/bin/sh -c 'cat >/dev/null; echo \"554 relay refused by policy\" >&2; exit 1'")
        d.connect()
        names, started = set(sink.names()), time.monotonic()
        result, rows = d.step("b2", lambda: d.reschedule(used, restore=cancelled))
        failing = wait_for("b2: every message tried three times and queued with the command's error", lambda: (lambda now: now if all(
            r["status"] == "queued" and r["attempts"] >= 3 and "554 relay refused" in (r["last_error"] or "") for r in now) else None)(
            rows_of(d, rows)))
        if failing:
            say(f"     failing: {len(failing)} queued, {min(r['attempts'] for r in failing)}+ attempts each; "
                f"last error: {failing[0]['last_error'][:150]!r}")
        if any(r["status"] == "failed" for r in d.outbox.rows()):
            fail("b2: a message was given up although giveUpHours has not passed")
        server.stop()
        server.start(sink.sendmail)
        d.connect()
        d.delivered("b2 failing command, then msmtp", rows, names, started, expect=moved("b2", result))

        say("== b3. kill -9 after the change and before delivery (SMTP down); SMTP up; the server started again")
        sink.stop()
        names, started = set(sink.names()), time.monotonic()
        result, rows = d.step("b3", lambda: d.reschedule(used))
        used.add(result[0])
        wait_for("b3: every message tried once", lambda: all(r["attempts"] >= 1 and r["last_error"] for r in rows_of(d, rows)))
        server.kill9()
        say(f"     killed with {dict(collections.Counter(r['status'] for r in rows_of(d, rows)))}")
        sink.start()
        # Started again past the lease of anything it held when it was killed.
        clock.jump(LEASE + 1)
        server.start(sink.sendmail)
        d.connect()
        d.delivered("b3 kill -9 before delivery", rows, names, started, expect=moved("b3", result))

        say("== b4. kill -9 while handing messages over (a sendmail command that never ends); started again after the lease")
        server.stop()
        server.start("/bin/sh -c 'cat >/dev/null; exec sleep 600'")
        d.connect()
        names, started = set(sink.names()), time.monotonic()
        result, rows = d.step("b4", lambda: d.reschedule(used))
        used.add(result[0])
        claimed = wait_for("b4: every message claimed (sending)", lambda: (lambda now: now if all(
            r["status"] == "sending" for r in now) else None)(rows_of(d, rows)), timeout=50)
        server.kill9()
        if claimed:
            say(f"     killed with {len(claimed)} messages sending, claimed by {claimed[0]['claimed_by']}")
        clock.jump(LEASE + 1)
        server.start(sink.sendmail)
        d.connect()
        rows = d.delivered("b4 kill -9 while sending", rows, names, started, expect=moved("b4", result))
        if any(r["attempts"] != 2 for r in rows):
            fail(f"b4: expected 2 attempts per message (the one cut short, the one after the lease), got {[r['attempts'] for r in rows]}")
    finally:
        server.kill9()


# --- two servers on one PostgreSQL database: b5 ---------------------------------------------------------------------

def registrable_kinds():
    text = open(os.path.join(CONFIG, "district.yaml"), encoding="utf-8").read()
    section = re.search(r"^registrableKinds:.*\n((?:[ \t]+.*\n?)+)", text, re.M).group(1)
    return {m.group(1): [k.strip() for k in m.group(2).split(",")] for m in re.finditer(r"^\s+([a-z-]+):\s*\[([^\]]*)\]", section, re.M)}


def postgres_part(work, sink, checker):
    if not glob.glob("/usr/lib/postgresql/*/bin"):
        if os.environ.get("REQUIRE_MAIL_TEST") == "1":
            fail("b5: PostgreSQL is not installed (apt-get install postgresql)")
        else:
            say("skip b5 (two servers on PostgreSQL): PostgreSQL is not installed")
        return
    say("== b5. two servers on one PostgreSQL database: every unit registered, the week published through one")
    os.chmod(work, 0o755)
    pg = Postgres(work)
    data = os.path.join(work, "pg-servers")
    os.makedirs(data)
    clock = Clock()
    a = Server("pg-a", work, data, free_port(), clock, database=pg.url)
    b = Server("pg-b", work, data, free_port(), clock, database=pg.url)
    common = a.common()
    try:
        tokens = dict(line.split("\t") for line in run("admin", "token", "issue", "--all-units", *common).splitlines() if "\t" in line)
        # Each server hands a message over slowly, two at a time: both have messages in hand at once.
        slow = f"/bin/sh -c 'sleep 0.3; exec /usr/sbin/sendmail -C {sink.conf} -t -i'"
        a.start(slow, concurrency=2)
        kinds = registrable_kinds()
        days = [f"2026-12-{d:02d}" for d in range(7, 12)]
        registered = 0
        for i, (unit, entry) in enumerate(UNITS.items()):
            kind = (kinds.get(entry.get("kind")) or ["cap-uy"])[0]
            body = json.dumps({"kind": kind, "draftSent": "2026-11-30", "contactName": f"Văn phòng {entry['name']}",
                               "contactEmail": f"{unit}@donvi-senhong.example.vn", "options": [
                                   {"start": f"{days[i % 5]}T{s}", "end": f"{days[i % 5]}T{e}"} for s, e in
                                   (("07:30", "11:30"), ("13:30", "17:00"))] + [
                                   {"start": f"{days[(i + 2) % 5]}T07:30", "end": f"{days[(i + 2) % 5]}T11:30"}]})
            status, _, answer = http(a.port, "POST", "/v1/requests", body.encode(),
                                     {"Authorization": f"Bearer {tokens[unit]}", "Content-Type": "application/json",
                                      "Idempotency-Key": f"mail-test-{unit}"})
            if status in (200, 201):
                registered += 1
            else:
                say(f"     ({unit} not registered: {status} {answer[:160].decode(errors='replace')})")
        # Started once the units have registered, `--demo` only sets the demo account's password.
        b.start(slow, demo=True, concurrency=2)
        pages = OfficePages(a.port)
        pages.sign_in(LOGIN, b.demo_password())
        ok, why = pages.act(f"/office/weeks/{WEEK}", f"/office/weeks/{WEEK}/run", {})
        if not ok:
            raise SystemExit(f"scheduling the week: {why}")
        outbox = Outbox(pg=pg)
        names, started = set(sink.names()), time.monotonic()
        ok, why = pages.act(f"/office/weeks/{WEEK}", f"/office/weeks/{WEEK}/publish", {"confirm": "1"})
        if not ok:
            raise SystemExit(f"publishing the week: {why}")
        rows = outbox.rows()
        say(f"     {registered} units registered; the publish queued {len(rows)} messages")
        d = District(work, sink, checker, a, outbox)
        rows = d.delivered("b5 two servers, PostgreSQL", rows, names, started)
        by_server = collections.Counter(":".join((r["claimed_by"] or "?").split(":")[-2:-1]) for r in rows)
        say(f"     handed over by server :{a.port} {by_server.get(str(a.port), 0)}, by server :{b.port} {by_server.get(str(b.port), 0)}")
        if by_server.get(str(a.port), 0) == 0 or by_server.get(str(b.port), 0) == 0:
            fail(f"b5: only one server delivered ({dict(by_server)}): the test did not have both servers claim")
        if len(rows) < 50:
            fail(f"b5: only {len(rows)} messages; the week was meant to have many")
    finally:
        a.kill9()
        b.kill9()
        pg.stop()


def main():
    if not os.access(BIN, os.X_OK):
        raise SystemExit(f"the reviewcal binary {BIN} is missing; build it first (swift build)")
    work = tempfile.mkdtemp(prefix="reviewcal-mail-")
    started = time.monotonic()
    sink = Sink(work, OFFICE)
    checker = Checker()
    say(f"mail test: aiosmtpd on 127.0.0.1:{sink.port}, msmtp ({sink.conf}), {BIN}; work folder {work}")
    try:
        sink.start()
        if ONLY in (None, "sqlite"):
            sqlite_part(work, sink, checker)
        if ONLY in (None, "postgres"):
            postgres_part(work, sink, checker)
    finally:
        sink.stop()
    say("\nstep                                  queued   sent  received  Message-IDs  seconds")
    for label, queued, sent, received, unique, took in SUMMARY:
        say(f"{label:<36} {queued:>8} {sent:>6} {received:>9} {unique:>12} {took:>8.1f}")
    say(f"mail test: {time.monotonic() - started:.0f} s")
    if FAILURES:
        say(f"FAILED: {len(FAILURES)} problems (logs and messages kept in {work})")
        for log in sorted(glob.glob(os.path.join(work, "server-*.log"))):
            say(f"--- last lines of {os.path.basename(log)}:\n" + open(log, errors="replace").read()[-2500:])
        sys.exit(1)
    if not KEEP:
        shutil.rmtree(work, ignore_errors=True)
    say("ok: every message queued was received once, parsed and matched its outbox row, its person and the feeds")


if __name__ == "__main__":
    main()
