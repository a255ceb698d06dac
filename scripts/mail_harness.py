"""What scripts/mail-test.py and scripts/mail-bench.py share: the SMTP sink (aiosmtpd with mail_sink.Sink) and the
msmtp configuration that relays to it, the outbox read from the database, a throwaway PostgreSQL server, and the
office's pages driven over HTTP. Debian's Python (/usr/bin/python3), standard library only (plus aiosmtpd, run in a
process of its own).
"""
import csv
import email
import email.policy
import glob
import http.client as httpclient
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse

SCRIPTS = os.path.dirname(os.path.abspath(__file__))


def poll(predicate, timeout, every=0.25):
    """Calls `predicate` until it returns something true, and returns that; None after `timeout` seconds."""
    until = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > until:
            return None
        time.sleep(every)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the SMTP sink and msmtp ----------------------------------------------------------------------------------------

class Sink:
    """aiosmtpd on loopback with scripts/mail_sink.py; stopped and started again on the same port."""

    def __init__(self, work, sender):
        self.work = work
        self.dir = os.path.join(work, "received")
        self.port = free_port()
        self.proc = None
        self.conf = os.path.join(work, "msmtprc")
        with open(self.conf, "w") as f:
            f.write(f"defaults\nauth off\ntls off\ntimeout 30\nlogfile {os.path.join(work, 'msmtp.log')}\n\n"
                    f"account local\nhost 127.0.0.1\nport {self.port}\nfrom {sender}\n\naccount default : local\n")
        os.chmod(self.conf, 0o600)
        self.sendmail = f"/usr/sbin/sendmail -C {self.conf} -t -i"
        self.cache = {}

    def start(self):
        log = open(os.path.join(self.work, "sink.log"), "ab")
        env = dict(os.environ, PYTHONPATH=os.path.join(SCRIPTS))
        self.proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}", "-c",
                                      "mail_sink.Sink", self.dir], stdout=log, stderr=log, env=env)
        if not poll(self.answers, timeout=60, every=0.1):
            raise SystemExit("the SMTP sink did not start; see sink.log")

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                banner = s.recv(512)
                s.sendall(b"QUIT\r\n")
                return banner.startswith(b"220")
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc = None

    def names(self):
        if not os.path.isdir(self.dir):
            return []
        return sorted(n[:-5] for n in os.listdir(self.dir) if n.endswith(".json"))

    def load(self, name):
        if name not in self.cache:
            meta = json.load(open(os.path.join(self.dir, name + ".json")))
            raw = open(os.path.join(self.dir, name + ".eml"), "rb").read()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            self.cache[name] = (meta, raw, msg)
        return self.cache[name]

    def message_ids(self, names):
        return [str(self.load(n)[2].get("Message-ID", "")).strip().strip("<>") for n in names]


# --- the store's outbox ---------------------------------------------------------------------------------------------

COLUMNS = ["id", "batch", "person", "recipient", "recipient_name", "delivery", "subject", "summary", "message_id",
           "status", "attempts", "last_error", "claimed_by", "created_at", "next_attempt_at"]


class Outbox:
    """The `outbox` table, read directly: SQLite with sqlite3, PostgreSQL with psql."""

    def __init__(self, sqlite_path=None, pg=None):
        self.sqlite_path, self.pg = sqlite_path, pg

    def rows(self):
        query = f"SELECT {', '.join(COLUMNS)} FROM outbox ORDER BY created_at, id"
        if self.pg:
            out = self.pg.query(f"COPY ({query}) TO STDOUT WITH CSV HEADER")
            rows = list(csv.DictReader(io.StringIO(out)))
            for r in rows:
                r["attempts"] = int(r["attempts"])
                for k in ("last_error", "claimed_by"):
                    r[k] = r[k] or None
            return rows
        if not os.path.exists(self.sqlite_path):
            return []
        db = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30)
        try:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(query)]
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return []
            raise
        finally:
            db.close()


# --- PostgreSQL (as scripts/fault-test.py starts it) ----------------------------------------------------------------

class Postgres:
    def __init__(self, work):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2].split(".")])
        self.bin = bins[-1]
        self.data = os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.data)
        self.prefix = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.ctl("-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", tool="initdb")
        self.ctl("-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-o",
                 f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args, tool="pg_ctl", check=True):
        return subprocess.run(self.prefix + [os.path.join(self.bin, tool), *args], check=check, capture_output=True, text=True)

    def query(self, sql):
        return subprocess.run([os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-qAt", "-c", sql], check=True, capture_output=True, text=True).stdout

    def stop(self):
        self.ctl("-D", self.data, "-m", "immediate", "-w", "stop", check=False)


def http(port, method, path, body=None, headers=None, timeout=60):
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.msg, resp.read()
    except (OSError, httpclient.HTTPException) as e:
        return None, None, str(e).encode()
    finally:
        conn.close()


class OfficePages:
    """The office's pages over HTTP, as a browser signed in would use them (session cookie, form tokens)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, msg, data = http(self.port, method, path, body, headers, timeout=600)
        if status is None:
            raise SystemExit(f"{method} {path}: no answer ({data.decode(errors='replace')})")
        for cookie in msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            if re.search(r"max-age=0\b", cookie, re.I) or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        return status, msg, data.decode("utf-8", "replace")

    @staticmethod
    def token(page):
        m = re.search(r'name="_csrf" value="([^"]+)"', page)
        return m.group(1) if m else ""

    def sign_in(self, login, password):
        _, _, page = self.request("GET", "/office/sign-in")
        status, _, _ = self.request("POST", "/office/sign-in", {"login": login, "password": password, "next": "", "_csrf": self.token(page)})
        if status != 303 or "rc_office" not in self.cookies:
            raise SystemExit(f"signing in to the office pages: {status}")

    def form(self, page_path):
        """The form token of a page (GET), for a post that follows."""
        status, _, page = self.request("GET", page_path)
        if status != 200:
            raise SystemExit(f"GET {page_path}: {status}")
        return self.token(page)

    def post(self, action_path, fields, token):
        """Posts a form; (True, "") when the server accepted it (303 back to the page), else (False, why)."""
        status, _, page = self.request("POST", action_path, dict(fields, _csrf=token))
        if status == 303:
            return True, ""
        refusal = re.search(r'<(?:div|section)[^>]*class="[^"]*error[^"]*"[^>]*>(.*?)</(?:div|section)>', page, re.S)
        return False, f"{status}: " + re.sub(r"<[^>]+>|\s+", " ", refusal.group(1) if refusal else page[:300]).strip()[:300]

    def act(self, page_path, action_path, fields):
        """Posts a form of `page_path` to `action_path`."""
        return self.post(action_path, fields, self.form(page_path))
