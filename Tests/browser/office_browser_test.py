#!/usr/bin/env python3
"""Browser test of the District Office's web workspace (/office).

Starts a real `reviewcal serve` on the sample district (config/) with a fresh data folder holding a sample week
(`reviewcal demo`) and an office account, then drives Debian's Chromium through Selenium:

  sign in with the keyboard alone, run the scheduler, move one session to another member (a refusal is checked
  too when the rules refuse the first choice), publish, check that the member's iCalendar feed changed, open the
  print view, the campaign, the feeds (and one feed's QR page), the outbox of e-mailed changes (the server delivers
  through a sendmail script that keeps each message and refuses some addresses; a refused message is sent again
  from the page), the audit log, the district configuration and an address that does not exist, then sign out.

On every page, at each window width of WIDTHS (desktop 1366 px, tablet 820 px, phone 390 px): a full-height
screenshot (<page>-<width>.png), no sideways scrolling (document.documentElement.scrollWidth ≤ window.innerWidth;
the elements that stick out are named), and axe-core 4.12 (every violation fails, whatever its impact). At the
desktop width also: a keyboard walk (Tab reaches every visible control in order, no trap, a visible focus
indicator, a skip link first that moves focus to <main>), labels on every form control and `scope` on every table
header cell. The text a clerk reads on the week board, the audit log and every message (role=status/alert) must
name units, members, teams and actions, never their codes (request ids, m01, to-01, member/…, schedule.run…):
each code found is reported with the page and the sentence it sits in.

axe-core is the axe.min.js shipped in PyPI's axe-playwright-python 0.1.8 (installed with --no-deps; only the
file is used, injected through Selenium), or the file named by AXE_JS.

Usage: office_browser_test.py [--bin PATH] [--config DIR] [--out DIR]
Exit code 0 when everything passes, 1 on a failed check, 2 when the setup could not be done.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


def axe_source_path():
    """The axe-core script: $AXE_JS, else axe_playwright_python/axe.min.js (found without importing the package,
    which needs Playwright)."""
    if os.environ.get("AXE_JS"):
        return os.environ["AXE_JS"]
    import importlib.util
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGIN = "thu-ha"
PASSWORD = "kiem-diem-2026"
WIDTHS = (1366, 820, 390)  # desktop, tablet, phone: every page is checked at each
WIDTH = WIDTHS[0]          # the width of the keyboard walk and of the scenario's clicks
# Codes a clerk must not read (the board, the audit log, the messages): request ids, member and team ids, feed
# subjects, dotted action codes.
CODE_PATTERNS = [
    ("request id", r"\br-[a-z0-9]{8}\b"),
    ("member id", r"\bm\d{2}\b"),
    ("team id", r"\bto-?\d{2}\b"),
    ("member/ subject", r"member/[a-z0-9-]*"),
    ("team/ subject", r"team/[a-z0-9-]*"),
    ("unit/ subject", r"unit/[a-z0-9-]*"),
    ("action code", r"\b(?:schedule|session|request|user|token|feed|absence|unit|mail|clock|invite|week|outbox|campaign)\.[a-z][a-z-]*(?:\.[a-z-]+)*\b"),
]
WAIT = 15  # seconds for a page or a server to answer


class Failure(Exception):
    """A check failed: the message says what was expected and what the page did."""


class SetupError(Exception):
    """The test could not be set up (command failed, server did not start)."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def log(message):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The reviewcal command line and server


def run_cli(binary, args, stdin=None, timeout=60):
    try:
        done = subprocess.run([binary] + args, input=stdin, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"`reviewcal {' '.join(args[:3])}` could not run: {error}")
    if done.returncode != 0:
        raise SetupError(f"`reviewcal {' '.join(args)}` exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=WAIT):
    """(status, body bytes) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    def __init__(self, binary, config, data, logfile):
        self.binary, self.config, self.data, self.logfile = binary, config, data, logfile
        self.extra = []  # more options of `reviewcal serve`
        self.process = None
        self.base = None

    def start(self):
        for _attempt in range(3):
            port = free_port()
            self.base = f"http://127.0.0.1:{port}"
            with open(self.logfile, "ab") as out:
                self.process = subprocess.Popen(
                    [self.binary, "serve", "--config", self.config, "--data", self.data,
                     "--host", "127.0.0.1", "--port", str(port)] + self.extra,
                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break  # exited: probably the port was taken meanwhile; try another one
                try:
                    if http_get(self.base + "/office/sign-in", timeout=2)[0] == 200:
                        return
                except OSError:
                    pass
                time.sleep(0.1)
            self.stop()
        raise SetupError(f"`reviewcal serve` did not answer on /office/sign-in; its output:\n{self.output()}")

    def output(self):
        try:
            with open(self.logfile, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


# ---------------------------------------------------------------------------------------------------------------
# iCalendar feeds


def feed_text(body):
    """Unfolds the lines (CRLF + one space or tab; folding is by octets, so unfold before decoding)."""
    return re.sub(rb"\r?\n[ \t]", b"", body).decode("utf-8")


def feed_events(text):
    """{UID: unescaped text of the event's SUMMARY and DESCRIPTION}."""
    events = {}
    for block in re.findall(r"BEGIN:VEVENT\r?\n(.*?)END:VEVENT", text, re.S):
        fields = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            name = name.split(";")[0]
            if name in ("UID", "SUMMARY", "DESCRIPTION", "STATUS"):
                value = value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
                fields.setdefault(name, value.replace("\\\\", "\\"))
        events[fields.get("UID", "")] = fields
    return events


# ---------------------------------------------------------------------------------------------------------------
# In-page checks (JavaScript)

JS_HELPERS = r"""
window.__t = window.__t || {};
__t.visible = function (el) {
  if (el.closest('[inert]')) return false;
  var cs = getComputedStyle(el);
  if (cs.visibility !== 'visible' || cs.display === 'none') return false;
  // The content of a closed <details> (all but its summary) is not rendered, though it may still have boxes.
  var closed = el.closest('details:not([open])');
  if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) return false;
  if (el.checkVisibility && !el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) return false;
  return el.getClientRects().length > 0;
};
__t.describe = function (el) {
  if (!el) return 'nothing';
  if (el === document.body) return 'the page itself (body)';
  var s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.getAttribute('name')) s += '[name=' + el.getAttribute('name') + ']';
  if (el.getAttribute('type') && el.tagName === 'INPUT') s += '[type=' + el.type + ']';
  if (el.getAttribute('href')) s += '[href=' + el.getAttribute('href') + ']';
  var text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ');
  if (text) s += ' "' + text.slice(0, 50) + '"';
  return s;
};
__t.focusables = function () {
  var sel = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]';
  var list = Array.prototype.filter.call(document.querySelectorAll(sel), function (el) {
    if (el.disabled || el.tabIndex < 0) return false;
    if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
    if (el.tagName === 'SUMMARY' && !(el.parentElement.tagName === 'DETAILS' && el.parentElement.querySelector('summary') === el)) return false;
    return __t.visible(el);
  });
  // One stop per radio group: the checked radio, or the first one of the group when none is checked.
  var groups = {};
  list = list.filter(function (el) {
    if (el.tagName !== 'INPUT' || el.type !== 'radio' || !el.name) return true;
    var key = (el.form ? Array.prototype.indexOf.call(document.forms, el.form) : -1) + '/' + el.name;
    var radios = list.filter(function (r) {
      return r.tagName === 'INPUT' && r.type === 'radio' && r.name === el.name && r.form === el.form;
    });
    var stop = radios.filter(function (r) { return r.checked; })[0] || radios[0];
    return stop === el;
  });
  // Positive tabindex first (ascending), then document order.
  var positive = list.filter(function (el) { return el.tabIndex > 0; })
    .sort(function (a, b) { return a.tabIndex - b.tabIndex; });
  return positive.concat(list.filter(function (el) { return el.tabIndex === 0; }));
};
__t.toTop = function () {
  // Moves the sequential focus navigation starting point to the start of the document.
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  var html = document.documentElement;
  html.tabIndex = -1; html.focus({preventScroll: true}); html.removeAttribute('tabindex');
  window.scrollTo(0, 0);
};
__t.rgba = function (text) {
  var m = /rgba?\(([^)]*)\)/.exec(text || '');
  if (!m) return null;
  var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
__t.luminance = function (c) {
  var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
};
__t.backdrop = function (el) {
  // The outline is drawn outside the element, over its parent's background.
  for (var e = el.parentElement; e; e = e.parentElement) {
    var c = __t.rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0.5) return c;
  }
  return [255, 255, 255, 1];
};
__t.focusStyle = function (el) {
  var cs = getComputedStyle(el);
  var color = __t.rgba(cs.outlineColor), contrast = null;
  if (color && color[3] > 0.5) {
    var a = __t.luminance(color), b = __t.luminance(__t.backdrop(el));
    contrast = Math.round((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) * 100) / 100;
  }
  return {outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor, outlineStyle: cs.outlineStyle,
          outlineWidth: cs.outlineWidth, boxShadow: cs.boxShadow, contrast: contrast};
};
"""

JS_START_WALK = JS_HELPERS + r"""
var els = __t.focusables();
__t.els = els;
__t.log = [];
if (!__t.listening) {
  __t.listening = true;
  window.addEventListener('keydown', function (e) {
    if (e.key !== 'Tab' || !__t.log) return;
    var el = document.activeElement;
    __t.log.push({idx: __t.els.indexOf(el), body: el === document.body || el === document.documentElement,
                  what: __t.describe(el), style: __t.focusStyle(el)});
  }, true);
}
__t.toTop();
return els.map(function (el) {
  return {what: __t.describe(el), multi: el.tagName === 'INPUT' && /^(date|time|datetime-local|month|week)$/.test(el.type)};
});
"""

JS_END_WALK = r"""
var el = document.activeElement;
var last = {idx: __t.els.indexOf(el), body: el === document.body || el === document.documentElement,
            what: __t.describe(el), style: __t.focusStyle(el)};
var log = __t.log.concat([last]);
__t.log = null;
return log;
"""

JS_LABELS = JS_HELPERS + r"""
var problems = [];
var controls = document.querySelectorAll('input, select, textarea');
Array.prototype.forEach.call(controls, function (el) {
  if (el.tagName === 'INPUT' && /^(hidden|submit|button|reset|image)$/.test(el.type)) return;
  if (!__t.visible(el)) return;
  var aria = (el.getAttribute('aria-label') || '').trim();
  var by = (el.getAttribute('aria-labelledby') || '').trim();
  var byText = by ? by.split(/\s+/).map(function (id) {
    var t = document.getElementById(id); return t ? t.textContent.trim() : '';
  }).join(' ').trim() : '';
  var forText = '';
  if (el.id) {
    if (document.querySelectorAll('#' + CSS.escape(el.id)).length > 1) { problems.push(__t.describe(el) + ': its id is not unique'); return; }
    Array.prototype.forEach.call(document.querySelectorAll('label[for="' + CSS.escape(el.id) + '"]'), function (l) { forText += l.textContent.trim(); });
  }
  if (!aria && !byText && !forText) problems.push(__t.describe(el) + ': no <label for>, aria-label or aria-labelledby');
});
return {checked: controls.length, problems: problems};
"""

JS_SCOPES = r"""
var problems = [];
var cells = document.querySelectorAll('th');
Array.prototype.forEach.call(cells, function (th) {
  var scope = (th.getAttribute('scope') || '').toLowerCase();
  var inHead = !!th.closest('thead');
  var text = th.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
  if (!scope) problems.push('<th> "' + text + '" has no scope');
  else if (!/^(row|col|rowgroup|colgroup)$/.test(scope)) problems.push('<th> "' + text + '" has an invalid scope="' + scope + '"');
  else if (inHead && !/^col/.test(scope)) problems.push('<th> "' + text + '" in <thead> has scope="' + scope + '", expected col');
  else if (!inHead && th.parentElement.firstElementChild === th && th.parentElement.children.length > 1 && !/^row/.test(scope) && th.closest('tbody'))
    problems.push('<th> "' + text + '" starts a body row but has scope="' + scope + '"');
});
return {checked: cells.length, problems: problems};
"""

JS_OVERFLOW = r"""
var width = window.innerWidth;
var wide = [];
Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (el) {
  if (!__t.visible(el)) return;
  var r = el.getBoundingClientRect();
  if (r.right <= width + 0.5) return;  // (an element off to the left, like the hidden skip link, widens nothing)
  // Only the innermost elements that stick out: their parent's box is what they widen.
  for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
    if (c.getBoundingClientRect().right > width + 0.5) return;
  }
  wide.push(__t.describe(el) + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ' px)');
});
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide};
"""


def focus_indicator_problem(style):
    """None when the focused element shows a focus indicator: an outline (of at least 3:1 contrast against the
    background around it, WCAG 1.4.11; Chrome's own two-tone "auto" ring counts) or a box-shadow."""
    if style["boxShadow"] not in ("none", ""):
        return None
    if style["outlineStyle"] == "none" or style["outlineWidth"] in ("0px", "0"):
        return f"no outline or box-shadow (outline {style['outline']})"
    if style["outlineStyle"] != "auto" and style["contrast"] is not None and style["contrast"] < 3:
        return f"outline contrast {style['contrast']}:1 against the background, below 3:1 ({style['outline']})"
    return None


# ---------------------------------------------------------------------------------------------------------------
# The test


class OfficeBrowserTest:
    def __init__(self, binary, config, out):
        self.binary, self.config, self.out = binary, config, out
        self.tmp = tempfile.mkdtemp(prefix="reviewcal-browser-")
        self.data = os.path.join(self.tmp, "data")
        self.server = Server(binary, config, self.data, os.path.join(self.tmp, "serve.log"))
        self.driver = None
        self.failures = []       # (page, message): a page's checks go on after a failure so the report is complete
        self.warnings = []       # (page, message)
        self.pages = []          # names of the pages checked
        self.screenshots = []
        self.axe_counts = {}     # impact -> number of violations (rules × pages)
        self.axe_summary = {}
        self.week = None
        self.axe_version = "?"
        self.axe_review = {}     # rule id -> pages where axe could not decide ("incomplete": to review by hand)
        self.axe_source = None
        self.codes = []          # (page, kind, code, sentence): codes found in the text a clerk reads
        self.overflows = []      # (page, width, scrollWidth)

    # -- helpers ---------------------------------------------------------------------------------------------

    def url(self, path):
        return self.server.base + path

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def fail(self, page, message):
        self.failures.append((page, message))
        log(f"  FAIL [{page}] {message}")

    def warn(self, page, message):
        self.warnings.append((page, message))
        log(f"  warning [{page}] {message}")

    def wait(self, condition, message, timeout=WAIT):
        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            raise Failure(f"{message} (waited {timeout}s; page {self.driver.current_url})")

    def open(self, path):
        self.driver.get(self.url(path))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{path} did not load")

    def mark_page(self):
        """Marks the current document, so that new_page_loaded() tells when another one has replaced it."""
        self.driver.execute_script("window.__officeTestOldPage = true;")

    def new_page_loaded(self, d):
        try:
            return d.execute_script("return !window.__officeTestOldPage && document.readyState === 'complete';")
        except WebDriverException:
            return False  # between two documents

    def click_and_wait(self, element, what):
        """Clicks a link or a submit button and waits for the next page to load."""
        self.mark_page()
        # As a person would see it: the control in the middle of the window, not under the message kept at the top.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        self.wait(self.new_page_loaded, f"clicking {what} did not open a new page")
        self.check_codes_in_messages(f"after {what}")

    def response_status(self):
        return self.driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0]; return n && n.responseStatus ? n.responseStatus : null;")

    def button(self, text_start):
        for b in self.driver.find_elements(By.CSS_SELECTOR, "main button, header button"):
            if b.text.strip().startswith(text_start):
                return b
        return None

    def link(self, text_start, scope="main"):
        for a in self.driver.find_elements(By.CSS_SELECTOR, f"{scope} a[href]"):
            if a.text.strip().startswith(text_start):
                return a
        return None

    def messages(self, role):
        return [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, f"[role={role}]") if e.is_displayed()]

    def set_width(self, width, height=900):
        """Makes the page's viewport `width` × `height` CSS pixels (the window's frame, if any, is added)."""
        d = self.driver
        for _ in range(3):
            viewport = d.execute_script("return [window.innerWidth, window.innerHeight];")
            if viewport == [width, height]:
                return
            size = d.get_window_size()
            d.set_window_size(width + size["width"] - viewport[0], height + size["height"] - viewport[1])

    def screenshot(self, name, width=WIDTH):
        """A full-height PNG at `width`: the window is made as tall as the page. Saved as <name>-<width>.png."""
        d = self.driver
        measure = "return Math.ceil(Math.max(document.body.scrollHeight, document.body.getBoundingClientRect().bottom + window.scrollY));"
        self.set_width(width)
        for _ in range(3):  # a new viewport can change the layout (wrapping), so measure again
            height = min(int(d.execute_script(measure)), 30000)
            if d.execute_script("return [window.innerWidth, window.innerHeight];") == [width, height]:
                break
            self.set_width(width, height)
        d.execute_script("window.scrollTo(0, 0)")
        path = os.path.join(self.out, f"{name}-{width}.png")
        check(d.save_screenshot(path), f"could not write the screenshot {path}")
        self.screenshots.append(os.path.basename(path))
        self.set_width(width)

    def screenshots_at_every_width(self, name):
        """A screenshot of the page as it is now at each width (a state of a page, not checked again)."""
        for width in WIDTHS:
            self.screenshot(name, width)
        self.set_width(WIDTH)

    def check_no_sideways_scrolling(self, name, width):
        """document.documentElement.scrollWidth ≤ window.innerWidth; otherwise names the elements that stick out."""
        d = self.driver
        self.set_width(width)
        result = d.execute_script(JS_HELPERS + JS_OVERFLOW)
        if result["scrollWidth"] > result["innerWidth"]:
            self.overflows.append((name, width, result["scrollWidth"]))
            raise Failure(f"at {width} px the page scrolls sideways: scrollWidth {result['scrollWidth']} > "
                          f"innerWidth {result['innerWidth']}; sticking out: {'; '.join(result['wide'][:6]) or '?'}")

    def check_codes(self, page, where, text):
        """Fails for each request, member, team or action code in `text` (what a clerk reads), naming the sentence."""
        found = []
        for kind, pattern in CODE_PATTERNS:
            for m in re.finditer(pattern, text):
                start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 60)
                end = text.find("\n", m.end())
                end = min(end if end >= 0 else len(text), m.end() + 60)
                sentence = text[start:end].strip()
                found.append((kind, m.group(0), sentence))
        for kind, code, sentence in found:
            self.codes.append((page, where, kind, code, sentence))
        if found:
            shown = "; ".join(f"{kind} '{code}' in «{sentence}»" for kind, code, sentence in found[:8])
            more = f" … and {len(found) - 8} more" if len(found) > 8 else ""
            self.fail(page, f"codes a clerk reads ({where}): {len(found)}: {shown}{more}")

    def check_codes_in_messages(self, where):
        """The messages on the page now shown (role=status and role=alert) name things, not codes."""
        try:
            texts = self.driver.execute_script(
                "return Array.prototype.map.call(document.querySelectorAll('[role=status], [role=alert]'),"
                " function (e) { return e.innerText; }).filter(function (t) { return t && t.trim(); });")
        except WebDriverException:
            return
        if texts:
            self.check_codes(self.path(), f"messages {where}", "\n".join(texts))

    def console_errors(self, page, allowed=()):
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            return
        for entry in entries:
            if entry.get("level") != "SEVERE":
                continue
            text = entry.get("message", "")
            if any(a in text for a in allowed):
                continue
            self.fail(page, f"browser console error: {text}")

    # -- the checks run on every page ------------------------------------------------------------------------

    def check_page(self, name, allowed_console=(), skip_link=True):
        """Runs every per-page check on the page now shown; failures are collected, not raised."""
        log(f"- {name}: {self.path()}")
        self.pages.append(name)
        steps = []
        for width in WIDTHS:
            steps += [
                (f"screenshot at {width} px", lambda w=width: self.screenshot(name, w)),
                (f"width {width} px", lambda w=width: self.check_no_sideways_scrolling(name, w)),
                (f"axe at {width} px", lambda w=width: self.check_axe(name, w)),
            ]
        steps += [
            ("desktop width", lambda: self.set_width(WIDTH)),
            ("codes", lambda: self.check_page_codes(name)),
            ("console", lambda: self.console_errors(name, allowed_console)),
            ("labels", lambda: self.check_labels(name)),
            ("table headers", lambda: self.check_scopes(name)),
            ("axe", lambda: self.check_axe(name)),
            ("keyboard", lambda: self.check_keyboard(name, skip_link)),
        ]
        for step, run in steps:
            try:
                run()
            except Failure as error:
                self.fail(name, f"{step}: {error}")
            except WebDriverException as error:
                self.fail(name, f"{step}: the browser failed: {error.msg or error}")

    def check_page_codes(self, name):
        """The week board and the audit log: the whole text; every other page: its messages."""
        if name.startswith("week") and not name.startswith("week-requests") or name == "audit":
            self.check_codes(name, "page text", self.driver.execute_script("return document.body.innerText;"))
        else:
            self.check_codes_in_messages(f"on {name}")

    def check_labels(self, name):
        result = self.driver.execute_script(JS_LABELS)
        for problem in result["problems"]:
            self.fail(name, f"label: {problem}")

    def check_scopes(self, name):
        result = self.driver.execute_script(JS_SCOPES)
        for problem in result["problems"][:10]:
            self.fail(name, f"table header: {problem}")
        if len(result["problems"]) > 10:
            self.fail(name, f"table header: … and {len(result['problems']) - 10} more")

    def check_axe(self, name, width=WIDTH):
        self.set_width(width)
        if self.axe_source is None:
            path = axe_source_path()
            if not path or not os.path.exists(path):
                raise SetupError("axe-core is missing: pip install --no-deps axe-playwright-python==0.1.8 (or set AXE_JS)")
            with open(path, encoding="utf-8") as f:
                self.axe_source = f.read()
        if not self.driver.execute_script("return !!window.axe;"):
            self.driver.execute_script(self.axe_source)
        results = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations', 'incomplete']})"
            ".then(function (r) { done(r); }, function (e) { done({error: String(e)}); });")
        check(results and "error" not in results, f"axe did not run: {results and results.get('error')}")
        self.axe_version = (results.get("testEngine") or {}).get("version") or self.driver.execute_script("return axe.version;")
        key = f"{name}-{width}"
        summary = {"url": results.get("url"), "width": width, "violations": [],
                   "incomplete": [{"id": r["id"], "nodes": len(r["nodes"])} for r in results.get("incomplete", []) if r["nodes"]]}
        for r in summary["incomplete"]:
            self.axe_review.setdefault(r["id"], []).append(key)
        for violation in results["violations"]:
            impact = violation.get("impact") or "unknown"
            self.axe_counts[impact] = self.axe_counts.get(impact, 0) + 1
            targets = [", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                       for n in violation["nodes"]]
            summary["violations"].append({"id": violation["id"], "impact": impact, "nodes": len(targets)})
            text = (f"axe {impact} at {width} px: {violation['id']} — {violation['help']} ({len(targets)} element(s): "
                    f"{'; '.join(targets[:4])}{' …' if len(targets) > 4 else ''})")
            self.fail(name, text)  # every impact: minor and moderate violations fail too
        self.axe_summary[key] = summary
        with open(os.path.join(self.out, f"axe-{key}.json"), "w", encoding="utf-8") as f:
            json.dump({"page": name, "width": width, "url": results.get("url"), "timestamp": results.get("timestamp"),
                       "testEngine": results.get("testEngine"), "violations": results["violations"],
                       "incomplete": results.get("incomplete", []),
                       "passes": [r["id"] for r in results.get("passes", [])]},
                      f, ensure_ascii=False, indent=2)

    def check_keyboard(self, name, skip_link):
        d = self.driver
        expected = d.execute_script(JS_START_WALK)
        check(expected, "the page has no focusable element")
        presses = len(expected) + 4 * sum(1 for e in expected if e["multi"]) + 3
        ActionChains(d).send_keys(*([Keys.TAB] * presses)).perform()
        states = d.execute_script(JS_END_WALK)
        # states[i] = what had focus when Tab number i+1 was pressed; the last one is the final focus. The first
        # press starts from the top of the document (the page itself has focus).
        visited, unexpected, no_indicator = [], [], []
        stuck_on, stuck = None, 0
        for state in states[1:]:
            if state["body"]:
                if visited:
                    break  # focus left the page after the last control: the walk is complete
                continue
            idx = state["idx"]
            if idx < 0:
                unexpected.append(state["what"])
                continue
            if visited and visited[-1] == idx:
                stuck += 1
                limit = 5 if expected[idx]["multi"] else 1  # date and time inputs take one Tab per part
                if stuck >= limit:
                    stuck_on = state["what"]
                    break
                continue
            stuck = 0
            if idx in visited:
                break  # wrapped around to the top
            visited.append(idx)
            problem = focus_indicator_problem(state["style"])
            if problem:
                no_indicator.append(f"{state['what']}: {problem}")
        problems = []
        if stuck_on:
            problems.append(f"focus is trapped on {stuck_on}: Tab does not move on")
        if unexpected:
            problems.append("Tab reached elements that are hidden or not controls: " + "; ".join(unexpected[:5]))
        missing = [expected[i]["what"] for i in range(len(expected)) if i not in visited]
        if missing:
            problems.append(f"Tab skipped {len(missing)} of {len(expected)} controls: " + "; ".join(missing[:6]))
        order = [i for i in visited]
        if not missing and order != sorted(order):
            first_wrong = next(k for k in range(len(order)) if order[k] != k)
            problems.append(f"Tab order differs from the page order at {expected[order[first_wrong]]['what']}")
        if no_indicator:
            problems.append(f"no visible focus indicator on {len(no_indicator)} of {len(visited)} control(s): "
                            + "; ".join(no_indicator[:3]) + (" …" if len(no_indicator) > 3 else ""))
        for p in problems:
            self.fail(name, f"keyboard: {p}")
        if skip_link:
            self.check_skip_link(name)
        log(f"    keyboard: {len(visited)}/{len(expected)} controls reached with Tab")

    def check_skip_link(self, name):
        d = self.driver
        d.execute_script(JS_HELPERS + "__t.toTop();")
        ActionChains(d).send_keys(Keys.TAB).perform()
        first = d.execute_script(
            "var a = document.activeElement; var h = a.getAttribute('href') || '';"
            "var target = h.charAt(0) === '#' ? document.getElementById(h.slice(1)) : null;"
            "return {tag: a.tagName, href: h, text: a.textContent.trim(), target: target ? target.tagName : null,"
            "        onScreen: a.getBoundingClientRect().left >= 0 && a.getBoundingClientRect().top >= 0};")
        check(first["tag"] == "A" and first["href"].startswith("#") and first["target"] == "MAIN",
              f"the first focusable element is not a skip link to <main> (got <{first['tag'].lower()}> "
              f"href={first['href']!r} \"{first['text'][:40]}\")")
        check(first["onScreen"], "the skip link stays off screen when it has focus")
        ActionChains(d).send_keys(Keys.ENTER).perform()
        self.wait(lambda dr: dr.execute_script(
            "var m = document.querySelector('main'); return document.activeElement === m;"),
            "the skip link does not move focus to <main>", timeout=3)
        # The next Tab must continue inside main, after the header (when main holds a control at all).
        if d.execute_script(JS_HELPERS + "var m = document.querySelector('main');"
                            "return __t.focusables().some(function (el) { return m.contains(el); });"):
            ActionChains(d).send_keys(Keys.TAB).perform()
            inside = d.execute_script("return document.querySelector('main').contains(document.activeElement);")
            check(inside, "after the skip link, Tab does not continue inside <main>")

    # -- the scenario ----------------------------------------------------------------------------------------

    def setup(self):
        os.makedirs(self.out, exist_ok=True)
        for old in os.listdir(self.out):
            if old.endswith(".png") or (old.startswith("axe-") and old.endswith(".json")):
                os.remove(os.path.join(self.out, old))
        common = ["--config", self.config, "--data", self.data]
        run_cli(self.binary, ["admin", "user", "add", LOGIN, "--name", "Nguyễn Thị Thu Hà", "--role", "office",
                              "--password-stdin"] + common, stdin=PASSWORD + "\n")
        demo = run_cli(self.binary, ["demo"] + common)
        match = re.search(r"tuần (\d{1,2})/(\d{4})", demo)
        if not match:
            raise SetupError(f"could not find 'tuần NN/YYYY' in the output of `reviewcal demo`:\n{demo}")
        self.week = f"{match.group(2)}-W{int(match.group(1)):02d}"
        feeds = json.loads(run_cli(self.binary, ["feeds", "list", "--json"] + common))
        # Paths only: the server's port is chosen later.
        self.member_feeds = {f["subject"]: urllib.parse.urlsplit(f["https"]).path
                             for f in feeds if f.get("kind") == "member" and f.get("https")}
        if not self.member_feeds:
            raise SetupError("`reviewcal feeds list --json` lists no member feed")
        log(f"sample week {self.week}; {len(self.member_feeds)} member feeds")
        # E-mail: the demo's publish queued a message per person; the server hands each to a sendmail script that
        # keeps it in a folder, except those to the addresses listed in a file, refused as a relay refuses an unknown
        # mailbox: first one of the demo's recipients, later (the repair step) the contact of the repaired unit.
        queued = json.loads(run_cli(self.binary, ["outbox", "list", "--json"] + common))
        if not queued:
            raise SetupError("the demo's publish queued no e-mail (config/ has addresses): `reviewcal outbox list --json` is empty")
        self.refused = [queued[-1]["recipient"]]
        self.refuse_file = os.path.join(self.tmp, "refuse")
        with open(self.refuse_file, "w", encoding="utf-8") as f:
            f.write(self.refused[0] + "\n")
        self.mail_dir = os.path.join(self.tmp, "mail")
        os.makedirs(self.mail_dir)
        sendmail = os.path.join(self.tmp, "sendmail.sh")
        with open(sendmail, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\n"
                    f"m=$(mktemp '{self.mail_dir}/msg-XXXXXX')\n"
                    "cat > \"$m\"\n"
                    f"for a in $(cat '{self.refuse_file}'); do\n"
                    "  if grep -q -F \"<$a>\" \"$m\"; then\n"
                    "    rm -f \"$m\"; echo \"550 5.1.1 <$a>: Recipient address rejected: User unknown\" >&2; exit 1\n"
                    "  fi\n"
                    "done\n")
        os.chmod(sendmail, 0o755)
        self.server.extra = ["--sendmail", sendmail, "--mail-interval", "1"]
        log(f"{len(queued)} messages queued; the relay refuses {self.refused[0]}")
        self.server.start()
        log(f"server at {self.server.base}")

        options = Options()
        options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WIDTH},900",
                    "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=vi",
                    "--disable-extensions", "--no-first-run", "--disable-background-networking",
                    f"--user-data-dir={os.path.join(self.tmp, 'chromium')}"]:
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"),
                          log_output=os.path.join(self.tmp, "chromedriver.log"))
        try:
            self.driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as error:
            raise SetupError(f"Chromium did not start: {error.msg or error}")
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)

    def feed(self, subject):
        status, body = http_get(self.url(self.member_feeds[subject]))
        check(status == 200, f"the feed of member {subject} answered HTTP {status}")
        return feed_text(body)

    def sign_in(self):
        self.open("/office/sign-in")
        check(self.driver.title.strip() != "", "the sign-in page has no title")
        self.check_page("sign-in")
        # Now with the keyboard alone, from a freshly loaded page.
        self.open("/office/sign-in")
        d = self.driver
        focused = lambda: d.execute_script("return document.activeElement.id")
        if focused() != "login":
            d.execute_script(JS_HELPERS + "__t.toTop();")
            for _ in range(5):
                ActionChains(d).send_keys(Keys.TAB).perform()
                if focused() == "login":
                    break
        check(focused() == "login", "the login field is neither autofocused nor reachable with Tab from the top")
        self.mark_page()
        ActionChains(d).send_keys(LOGIN).perform()
        ActionChains(d).send_keys(Keys.TAB).perform()
        check(focused() == "password", f"Tab from the login field went to '{focused()}', not the password field")
        ActionChains(d).send_keys(PASSWORD).send_keys(Keys.ENTER).perform()
        self.wait(self.new_page_loaded, "pressing Enter in the password field did not submit the form")
        check(self.path().startswith("/office/weeks/"),
              f"after signing in the browser is on {self.path()}, expected a week board /office/weeks/…;"
              f" alerts: {self.messages('alert')}")
        log(f"signed in with the keyboard, landed on {self.path()}")

    def week_board(self):
        self.open(f"/office/weeks/{self.week}")
        check(self.path() == f"/office/weeks/{self.week}", f"the week board redirected to {self.path()}")
        self.check_page("week")
        run = self.button("Chạy xếp lịch")
        check(run is not None, "the week board has no 'Chạy xếp lịch' button")
        self.click_and_wait(run, "'Chạy xếp lịch'")
        status = self.messages("status")
        check(status and all(status), f"no success message (role=status) after 'Chạy xếp lịch'; alerts: {self.messages('alert')}")
        check(not self.messages("alert"), f"'Chạy xếp lịch' showed an error: {self.messages('alert')}")
        log(f"  run: {status[0]}")
        self.screenshots_at_every_width("week-run")

    def sessions_on_board(self):
        return self.driver.execute_script(r"""
          var out = [];
          document.querySelectorAll('table.sessions').forEach(function (table) {
            var caption = table.caption ? table.caption.textContent.trim() : '';
            table.querySelectorAll('tbody tr').forEach(function (tr) {
              var a = tr.querySelector('th a'); var cells = tr.querySelectorAll('td');
              if (!a || cells.length < 5) return;
              out.push({href: a.getAttribute('href'), unit: a.textContent.trim(), caption: caption,
                        time: cells[0].textContent.trim(), member: cells[3].textContent.trim()});
            });
          });
          return out;""")

    def move_session(self):
        sessions = self.sessions_on_board()
        check(sessions, "the week board shows no scheduled session")
        # Prefer a session sharing its time with another member's session: moving it to that member must be
        # refused (clash), which checks the refusal box too.
        chosen, clash = sessions[0], None
        for s in sessions:
            others = [o for o in sessions if o is not s and o["caption"] == s["caption"] and o["time"] == s["time"]
                      and o["member"] != s["member"]]
            if others:
                chosen, clash = s, others[0]["member"]
                break
        session_id = chosen["href"].rstrip("/").rsplit("/", 1)[-1]
        log(f"  session {session_id} ({chosen['unit']}, {chosen['caption']} {chosen['time']}, {chosen['member']})")
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, f"main a[href='{chosen['href']}']"),
                            f"the session link '{chosen['unit']}'")
        check(self.path() == chosen["href"], f"the session link opened {self.path()}")
        self.check_page("session")

        members = [(o.get_attribute("value"), o.text.strip(), o.is_selected())
                   for o in Select(self.driver.find_element(By.ID, "move-member")).options]
        current = next((v for v, _, sel in members if sel), None)
        before = {v: self.feed(v) for v, _, _ in members if v in self.member_feeds}
        uid = f"UID:{session_id}@"

        def order(entry):
            value, label, _ = entry
            if clash and label.startswith(clash + " –") or label == clash:
                return 0  # the clashing member first: expected refusal
            return 1 if value in before and uid not in before[value] else 2
        candidates = sorted([m for m in members if m[0] != current and m[0] in self.member_feeds], key=order)
        check(candidates, "the session page offers no other member to move to")

        refused, moved_to = 0, None
        for value, label, _ in candidates[:8]:
            self.open(chosen["href"])
            Select(self.driver.find_element(By.ID, "move-member")).select_by_value(value)
            self.click_and_wait(self.button("Kiểm tra và chuyển"), "'Kiểm tra và chuyển'")
            alerts, status = self.messages("alert"), self.messages("status")
            if alerts:
                refused += 1
                check(all(alerts), "the refusal box (role=alert) is empty")
                http = self.response_status()
                check(http in (422, None), f"a refused move answered HTTP {http}, expected 422")
                check(Select(self.driver.find_element(By.ID, "move-member")).first_selected_option
                      .get_attribute("value") == value, "the refused form does not keep the chosen member")
                log(f"  move to {label.split(' –')[0]} refused (HTTP {http}): {alerts[0].splitlines()[0][:120]}")
                if refused == 1:
                    self.check_page("session-refused", allowed_console=("status of 422",))
                continue
            check(status and all(status), f"moving to {label} showed neither a refusal nor a success message")
            log(f"  moved to {label.split(' –')[0]}: {status[0]}")
            self.screenshots_at_every_width("session-moved")
            moved_to = value
            break
        check(moved_to, f"no move succeeded ({refused} refused)")
        if clash:
            check(refused >= 1, f"moving to {clash}, who has another session at the same time, was not refused")
        self.moved = {"session": session_id, "unit": chosen["unit"], "from": current, "to": moved_to,
                      "before_to": before[moved_to], "before_from": before.get(current)}

    def publish(self):
        back = self.link("←")
        check(back is not None, "the session page has no link back to the week board")
        self.click_and_wait(back, "the link back to the week board")
        check(self.path() == f"/office/weeks/{self.week}", f"the back link opened {self.path()}")
        publish = self.button("Công bố")
        check(publish is not None, "the week board shows no 'Công bố N thay đổi' button after the move")
        count = re.search(r"\d+", publish.text)
        check(count and int(count.group()) >= 1, f"the publish button says '{publish.text}'")
        self.click_and_wait(publish, f"'{publish.text}'")
        # Publishing asks first: the changes, the people who will see them, then the confirming button.
        check("Ai sẽ thấy thay đổi" in self.driver.page_source, "publishing did not show what will change and who will see it")
        self.check_page("week-publish-confirm")
        confirm = self.button("Xác nhận công bố")
        check(confirm is not None, "the publish confirmation has no 'Xác nhận công bố' button")
        self.click_and_wait(confirm, "'Xác nhận công bố'")
        status = self.messages("status")
        check(status and all(status), f"no success message after publishing; alerts: {self.messages('alert')}")
        check(not self.messages("alert"), f"publishing showed an error: {self.messages('alert')}")
        check(self.button("Công bố") is None, "the publish button is still shown after publishing")
        log(f"  publish: {status[0]}")
        self.check_page("week-published")

        m = self.moved
        after = self.feed(m["to"])
        check(after != m["before_to"], f"the feed of member {m['to']} did not change after the move and publish")
        events = feed_events(after)
        moved = [e for uid, e in events.items() if uid.startswith(m["session"] + "@")]
        check(moved, f"the feed of member {m['to']} has no event {m['session']} after publishing")
        check(m["unit"] in moved[0].get("SUMMARY", "") + moved[0].get("DESCRIPTION", ""),
              f"the event {m['session']} in the feed of member {m['to']} does not name the unit '{m['unit']}'")
        if m["from"] in self.member_feeds:
            old = feed_events(self.feed(m["from"]))
            gone = [e for uid, e in old.items() if uid.startswith(m["session"] + "@") and e.get("STATUS") != "CANCELLED"]
            check(not gone, f"the session {m['session']} is still in the feed of member {m['from']}")
        log(f"  feed of {m['to']} now has '{m['unit']}'")

    def repair(self):
        """An absence that breaks a published session: recorded on the absences page, the repairs proposed side by
        side, the least one chosen, reviewed on the board and published; the session's feed then gives the reason."""
        week = f"/office/weeks/{self.week}"
        self.open(week)
        sessions = [s for s in self.sessions_on_board()
                    if s["href"].rsplit("/", 1)[-1] != self.moved["session"] and s["member"] not in ("", "chưa phân công")]
        check(sessions, "the week board shows no other published session with a member")
        chosen = sessions[0]
        session_id = chosen["href"].rsplit("/", 1)[-1]
        day = re.search(r"(\d{2})/(\d{2})/(\d{4})", chosen["caption"])
        check(day, f"no date in the caption '{chosen['caption']}'")
        date = f"{day.group(3)}-{day.group(2)}-{day.group(1)}"
        nav = self.link("Lịch vắng", scope="header nav")
        check(nav is not None, "the header menu has no 'Lịch vắng' link")
        self.click_and_wait(nav, "the menu link 'Lịch vắng'")
        check(self.path() == "/office/absences", f"'Lịch vắng' opened {self.path()}")
        person = Select(self.driver.find_element(By.ID, "v-person"))
        option = next((o for o in person.options if o.text.startswith(f"Đ/c {chosen['member']} –")), None)
        check(option is not None, f"the absence form does not offer member {chosen['member']}")
        person.select_by_value(option.get_attribute("value"))
        self.driver.execute_script("document.getElementById('v-from').value = arguments[0];", date)
        reason = self.driver.find_element(By.ID, "v-reason")
        reason.clear()
        reason.send_keys("Họp Tỉnh ủy đột xuất")
        self.click_and_wait(self.button("Ghi lịch vắng"), "'Ghi lịch vắng'")
        status = self.messages("status")
        check(status and "buổi đã công bố" in status[0], f"recording the absence did not name the broken session: {status} {self.messages('alert')}")
        log(f"  absence: {status[0][:160]}")
        self.check_page("absences")

        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, f"main a[href='{week}/repair']"), "the repair link")
        frozen = self.driver.find_element(By.ID, "r-frozen")
        frozen.clear()
        frozen.send_keys("0")
        self.click_and_wait(self.button("Đề xuất sửa lịch"), "'Đề xuất sửa lịch'")
        status = self.messages("status")
        check(status and "phương án" in status[0], f"no repair proposed: {status} {self.messages('alert')}")
        boxes = self.driver.find_elements(By.CSS_SELECTOR, "main article.alternative")
        check(len(boxes) >= 1, "the repair page shows no alternative")
        check(chosen["unit"] in boxes[0].text, f"the least repair does not mention '{chosen['unit']}': {boxes[0].text[:200]}")
        log(f"  repair: {len(boxes)} alternatives; first: {boxes[0].text.splitlines()[1][:120]}")
        self.check_page("repair")

        self.click_and_wait(self.button("Chọn phương án 1"), "'Chọn phương án 1'")
        check(self.path() == week, f"choosing a repair opened {self.path()}")
        status = self.messages("status")
        check(status and "Đã chọn phương án 1" in status[0], f"no confirmation of the choice: {status} {self.messages('alert')}")
        publish = self.button("Công bố")
        check(publish is not None, "the board offers no publish button after choosing a repair")
        pending = self.driver.find_elements(By.CSS_SELECTOR, "main details.mail-pending summary")
        check(pending and re.match(r"\d+ người sẽ được báo qua thư", pending[0].text.strip()),
              f"the board does not say who the repair's publish will e-mail: {[p.text for p in pending]}")
        log(f"  before publishing: {pending[0].text.strip()}")
        # The relay refuses the repaired unit's contact from now on (the demo gave each unit an address).
        messages = json.loads(run_cli(self.binary, ["outbox", "list", "--json", "--config", self.config, "--data", self.data]))
        contact = next((m["recipient"] for m in messages
                        if m["recipient"].endswith("@donvi-senhong.example.vn") and m["recipientName"].endswith(chosen["unit"])), None)
        check(contact, f"no message of the demo went to the contact of '{chosen['unit']}'")
        self.refused.append(contact)
        with open(self.refuse_file, "a", encoding="utf-8") as f:
            f.write(contact + "\n")
        self.click_and_wait(publish, f"'{publish.text}'")
        check(chosen["unit"] in self.driver.find_element(By.TAG_NAME, "main").text,
              f"the publish confirmation does not name the repaired unit '{chosen['unit']}'")
        confirm = self.button("Xác nhận công bố")
        check(confirm is not None, "the repair's publish confirmation has no 'Xác nhận công bố' button")
        self.click_and_wait(confirm, "'Xác nhận công bố'")
        check(not self.messages("alert"), f"publishing the repair showed an error: {self.messages('alert')}")
        reasons = [e for f in self.member_feeds for uid, e in feed_events(self.feed(f)).items()
                   if uid.startswith(session_id + "@") and "Họp Tỉnh ủy đột xuất" in e.get("DESCRIPTION", "")]
        check(reasons, f"no member feed gives the absence as the reason of session {session_id}")
        log(f"  published; the feed of the session's member gives the reason")

    def outbox(self):
        """The e-mail of the published changes: each message with its state, newest first; the refused ones with the
        relay's words; one sent again with "Gửi lại"; the week board says how the last publish's messages went."""
        week = f"/office/weeks/{self.week}"
        self.open(week)
        nav = self.link("Thư đã gửi", scope="header nav")
        check(nav is not None, "the header menu has no 'Thư đã gửi' link")
        self.click_and_wait(nav, "the menu link 'Thư đã gửi'")
        check(self.path() == "/office/outbox", f"'Thư đã gửi' opened {self.path()}")
        # The server delivers within seconds; wait until every message was tried.
        deadline = time.monotonic() + WAIT
        while True:
            refused = self.driver.find_elements(By.CSS_SELECTOR, "main table.outbox tr.has-error")
            waiting = self.driver.find_elements(By.CSS_SELECTOR, "main table.outbox tr.state-queued:not(.has-error), main table.outbox tr.state-sending")
            if (len(refused) >= len(self.refused) and not waiting) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
            self.open("/office/outbox")
        check(not waiting, f"{len(waiting)} messages are still waiting after {WAIT}s")
        for address in self.refused:
            check(any(address in r.text for r in refused), f"no message shows the relay's refusal of {address} within {WAIT}s")
        for r in refused:
            check("550 5.1.1" in r.text and "Đang chờ gửi lại" in r.text, f"a refused row does not give the relay's error: {r.text[:300]}")
        sent = self.driver.find_elements(By.CSS_SELECTOR, "main table.outbox tr.state-sent")
        check(sent, "the outbox page shows no sent message")
        kept = os.listdir(self.mail_dir)
        check(len(kept) == len(sent), f"the page shows {len(sent)} sent messages, the relay kept {len(kept)}")
        # Newest first: the repair's messages (among them the refused one to the unit's contact) open the list.
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table.outbox tbody tr")
        newest = rows[0].find_elements(By.TAG_NAME, "td")[0].text
        mine = [r for r in refused if self.refused[-1] in r.text]
        check(mine and mine[0].find_elements(By.TAG_NAME, "td")[0].text == newest,
              f"the repair's refused message to {self.refused[-1]} is not among the newest (queued {newest})")
        log(f"  outbox: {len(sent)} sent, {len(refused)} refused; e.g. {refused[0].text.splitlines()[-1][:120]}")
        self.check_page("outbox")

        row = refused[0]
        address = next(a for a in self.refused if a in row.text)
        attempts = int(row.find_elements(By.TAG_NAME, "td")[-2].text)
        resend = [b for b in row.find_elements(By.TAG_NAME, "button") if b.text.strip().startswith("Gửi lại")]
        check(resend, "the refused message's row has no 'Gửi lại' button")
        self.click_and_wait(resend[0], "'Gửi lại'")
        status = self.messages("status")
        check(status and "Đã xếp lại thư gửi" in status[0] and address in status[0],
              f"no confirmation of the resend: {status} {self.messages('alert')}")
        log(f"  resend: {status[0][:140]}")
        # Sent again at once by the server (and refused again by this relay): one attempt more.
        deadline = time.monotonic() + WAIT
        while True:
            self.open("/office/outbox")
            rows = [r for r in self.driver.find_elements(By.CSS_SELECTOR, "main table.outbox tr.has-error") if address in r.text]
            now = int(rows[0].find_elements(By.TAG_NAME, "td")[-2].text) if rows else attempts
            if now > attempts or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        check(now > attempts, f"the message to {address} was not tried again after 'Gửi lại' ({attempts} attempts)")

        self.open(week)
        note = self.driver.find_elements(By.CSS_SELECTOR, "main .mail-note")
        text = note[0].text if note else "no .mail-note"
        check(re.search(r"Thư báo lần công bố gần nhất: đã gửi (\d+)/(\d+), (\d+) đang chờ gửi", text),
              f"the week board does not say that one message of the last publish waits: {text}")
        log(f"  week board: {text.strip().splitlines()[0][:140]}")

    def other_pages(self):
        week = f"/office/weeks/{self.week}"
        print_link = self.link("In lịch tuần")
        check(print_link is not None, "the week board has no 'In lịch tuần' link")
        self.click_and_wait(print_link, "'In lịch tuần'")
        check(self.path() == f"{week}/print", f"'In lịch tuần' opened {self.path()}")
        body = self.driver.find_element(By.TAG_NAME, "main").text
        check(self.moved["unit"] in body, f"the print view does not list '{self.moved['unit']}'")
        self.check_page("print")

        self.open(week)
        requests = self.driver.find_elements(By.CSS_SELECTOR, f"main a[href='{week}/requests']")
        check(requests, "the week board has no link to the week's requests")
        self.click_and_wait(requests[0], "the requests link")
        check(self.path() == f"{week}/requests", f"the requests link opened {self.path()}")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table.requests tbody tr")
        check(len(rows) >= 10, f"the week's requests page lists {len(rows)} requests")
        check(self.driver.find_elements(By.ID, "admit-unit"), "the requests page has no form to register for a unit")
        self.check_page("week-requests")

        for label, path, name in [("Tiến độ chiến dịch", "/office/campaign", "campaign"),
                                  ("Đường dẫn lịch", "/office/feeds", "feeds")]:
            self.open(week)
            nav = self.link(label, scope="header nav")
            check(nav is not None, f"the header menu has no '{label}' link")
            self.click_and_wait(nav, f"the menu link '{label}'")
            check(self.path() == path, f"'{label}' opened {self.path()}")
            self.check_page(name)

        feed_link = self.driver.find_elements(By.CSS_SELECTOR, "main table.feeds th a[href^='/office/feeds/']")
        check(feed_link, "the feeds page has no link to a feed's page")
        self.click_and_wait(feed_link[0], "the first feed's name")
        qr = self.driver.find_elements(By.CSS_SELECTOR, "main figure svg, main figure img")
        check(len(qr) >= 2, f"the feed page shows {len(qr)} QR codes, expected 2")
        self.check_page("feed-qr")
        self.decode_qr_codes()

        for label, path, name in [("Nhật ký thao tác", "/office/audit", "audit"),
                                  ("Cấu hình huyện", "/office/district", "district")]:
            nav = self.link(label, scope="header nav")
            check(nav is not None, f"the header menu has no '{label}' link")
            self.click_and_wait(nav, f"the menu link '{label}'")
            check(self.path() == path, f"'{label}' opened {self.path()}")
            if name == "audit":
                check(self.moved["unit"] in self.driver.find_element(By.TAG_NAME, "main").text,
                      f"the audit log does not name the moved session's unit {self.moved['unit']}")
            self.check_page(name)

    def not_found(self):
        """An address that does not exist: a Vietnamese page inside the layout, with the menu and a way back."""
        self.open("/office/trang-khong-co")
        check(self.response_status() in (404, None), f"an unknown address answered HTTP {self.response_status()}")
        alerts = self.messages("alert")
        check(alerts and "Không có trang này" in alerts[0], f"the unknown address shows no 'Không có trang này': {alerts}")
        check(self.link("Lịch tuần", scope="header nav") is not None, "the page of an unknown address has no menu")
        check(self.link("Về trang lịch tuần") is not None, "the page of an unknown address has no link back to the week")
        self.check_page("not-found", allowed_console=("status of 404",))

    def decode_qr_codes(self):
        """The QR codes of the feed page, read back from its screenshot by zbarimg (zbar-tools), are its two links."""
        zbarimg = shutil.which("zbarimg")
        if not zbarimg:
            log("  QR codes not decoded: zbarimg is missing (apt-get install zbar-tools)")
            return
        links = [a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "main dl.facts a.url")]
        run = subprocess.run([zbarimg, "--quiet", "--raw", os.path.join(self.out, f"feed-qr-{WIDTH}.png")], capture_output=True, text=True, timeout=60)
        decoded = sorted(line for line in run.stdout.splitlines() if line.strip())
        check(len(links) == 2 and decoded == sorted(links), f"the QR codes read {decoded}, the page's links are {links}")
        log(f"  QR codes decode to the page's {len(decoded)} links")

    def sign_out(self):
        button = self.button("Đăng xuất")
        check(button is not None, "there is no 'Đăng xuất' button in the header")
        self.click_and_wait(button, "'Đăng xuất'")
        check(self.path() == "/office/sign-in", f"after signing out the browser is on {self.path()}")
        check(self.driver.find_elements(By.ID, "login"), "the page after signing out has no login field")
        self.open(f"/office/weeks/{self.week}")
        check(self.path() == "/office/sign-in",
              f"after signing out, /office/weeks/{self.week} opened {self.path()} instead of the sign-in page")
        status, _ = http_get(self.url(f"/office/weeks/{self.week}"))
        check(status in (302, 303, 307), f"without a session /office/weeks/{self.week} answered HTTP {status}, expected a redirect")
        log("signed out; the week board now redirects to the sign-in page")

    def run(self):
        started = time.monotonic()
        self.setup()
        for step in (self.sign_in, self.week_board, self.move_session, self.publish, self.repair, self.outbox, self.other_pages,
                     self.not_found, self.sign_out):
            log(f"== {step.__name__.replace('_', ' ')}")
            step()
        with open(os.path.join(self.out, "axe-summary.json"), "w", encoding="utf-8") as f:
            json.dump(self.axe_summary, f, ensure_ascii=False, indent=2)
        with open(os.path.join(self.out, "codes.json"), "w", encoding="utf-8") as f:
            json.dump([{"page": p, "where": w, "kind": k, "code": c, "text": t} for p, w, k, c, t in self.codes],
                      f, ensure_ascii=False, indent=2)
        return time.monotonic() - started

    def close(self):
        if self.driver:
            try:
                self.driver.quit()
            except Exception:  # noqa: BLE001 - best effort at the end
                pass
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.environ.get("REVIEWCAL_BIN", os.path.join(REPO, ".build/debug/reviewcal")))
    parser.add_argument("--config", default=os.path.join(REPO, "config"))
    parser.add_argument("--out", default=os.environ.get("BROWSER_TEST_OUT", os.path.join(REPO, ".build/browser-test")))
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        print(f"FAIL: the reviewcal binary {binary} is missing or not executable (build it, or set REVIEWCAL_BIN)",
              file=sys.stderr)
        return 2

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)

    test = OfficeBrowserTest(binary, os.path.abspath(args.config), os.path.abspath(args.out))
    code, seconds = 0, 0.0
    try:
        seconds = test.run()
    except SetupError as error:
        print(f"\nFAIL (setup): {error}", file=sys.stderr)
        code = 2
    except Failure as error:
        test.fail("scenario", str(error))
    except WebDriverException as error:
        where = traceback.extract_tb(error.__traceback__)
        line = next((f"line {f.lineno} ({f.name})" for f in reversed(where) if f.filename == __file__), "?")
        test.fail("scenario", f"the browser failed at {line}: {error.msg or error}")
    finally:
        if code == 0 and test.failures and test.server.process:
            tail = test.server.output().strip().splitlines()[-5:]
            if tail:
                log("server output (last lines):\n  " + "\n  ".join(tail))
        test.close()

    if code == 2:
        return code
    impacts = ", ".join(f"{test.axe_counts.get(i, 0)} {i}" for i in ("critical", "serious", "moderate", "minor"))
    print("\n== summary")
    print(f"pages checked ({len(test.pages)}) at {', '.join(f'{w} px' for w in WIDTHS)}: {', '.join(test.pages)}")
    print(f"axe-core {test.axe_version} violations (rules × pages × widths): {impacts}")
    print(f"sideways scrolling: {len(test.overflows)}"
          + "".join(f"\n  {page} at {width} px: scrollWidth {sw}" for page, width, sw in test.overflows))
    print(f"codes in the text a clerk reads: {len(test.codes)} (all of them in {os.path.join(test.out, 'codes.json')})")
    groups = {}
    for page, where, kind, code, sentence in test.codes:
        groups.setdefault((page, where, kind), []).append((code, sentence))
    for (page, where, kind), found in groups.items():
        distinct = sorted(set(c for c, _ in found))
        print(f"  [{page}, {where}] {len(found)} × {kind} ({len(distinct)} distinct: {', '.join(distinct[:6])}"
              f"{' …' if len(distinct) > 6 else ''}); e.g. «{found[0][1]}»")
    if test.axe_review:
        print("axe could not decide (review by hand): "
              + "; ".join(f"{rule} on {', '.join(pages)}" for rule, pages in sorted(test.axe_review.items())))
    print(f"screenshots ({len(test.screenshots)}) in {test.out}: {', '.join(test.screenshots)}")
    print(f"warnings: {len(test.warnings)}; failures: {len(test.failures)}; {seconds:.0f}s")
    if test.failures:
        print("\nFAILED:", file=sys.stderr)
        for page, message in test.failures:
            print(f"  [{page}] {message}", file=sys.stderr)
        return 1
    print("OK: the office workspace passed the browser test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
