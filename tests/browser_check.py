#!/usr/bin/env python3
"""A reader's check of the built book, in a real browser.

Loads every HTML page of a built Jupyter Book (``_build/html``) from ``file://`` in headless
Chromium, driven by selenium through the system's own chromedriver (Selenium Manager never
runs, nothing is downloaded), with the network off (DevTools offline emulation, and a host
resolver that resolves no name). On each page it checks:

``images``
    every ``<img>`` loaded (``complete`` and ``naturalWidth > 0``);
``math``
    MathJax present where the page has math, finished (``MathJax.startup.promise``, with a
    timeout), every Sphinx math node typeset, no MathJax error node (``mjx-merror``), and no
    raw TeX (``$...$``, ``$$``, ``\\(``, ``\\[``, ``\\begin{``) left in the text outside code;
``myst``
    no MyST markup left unrendered in the page's text outside code: a role (``{doc}`x```,
    ``{numref}``, ``{glue:md}``..., also as ``{doc}`` right before an inline code element, which
    is what CommonMark makes of a role it does not know), a directive fence (`````{``,
    ``:::{``), or a code block whose language is a directive (``highlight-{note}``);
``captions``
    at 1280 px and at 390 px every caption (a table's ``<caption>``, a ``<figcaption>``, a code
    block's caption) lies within the page: inside the viewport, the article's text column and
    the scroll box that holds it (a caption wider than its table's scroll box is cut off at the
    box's edge, and scrolling shows the table, not the caption's end), and its text does not
    overflow its own box;
``phone``
    at a 390 px wide (mobile) viewport no block of the article (paragraphs, list items,
    headings, captions, figures, images, outputs, ...) reaches past the viewport, except code,
    tables, display math and images that sit in their own horizontal scroll box (an ancestor
    inside the article with ``overflow-x: auto|scroll`` that itself fits), and the page as a
    whole does not scroll sideways;
``phone figs``
    at 390 px every image of the article is displayed at >= 72% of its natural width (the
    book's figures are drawn at 100 dpi with text of at least 9 pt, 12.5 px: at 72% it is
    9 px on the screen), or at its full natural width;
``figures``
    at 1280 px every image of the article is displayed at >= 90% of its natural width (the
    ratio is printed per image);
``console``
    no console message of level SEVERE (JavaScript errors, failed loads), except Chromium's
    refusal of the theme's CORS-mode font *preloads* from a ``file://`` page (origin
    ``null``): only there, and the same fonts load through the stylesheet (checked: the font
    file must exist in the build);
``requests``
    no request to anything but ``file:``/``data:``/``blob:``/``about:`` URLs (from the
    DevTools performance log);
``screenshot``
    a full-page PNG at 1280 px, into a temporary folder printed at the end.

Every HTML page is loaded, ``search.html`` and ``genindex.html`` included (a reader reaches
both from every page; they are plain pages with no math). Sphinx's folders that start with
``_`` (``_static`` holds theme template fragments, not pages) are not pages. A page that is
only a ``<meta http-equiv="refresh">`` redirect (the book's ``index.html``) is checked to
arrive at its target; the other checks run on the target itself.

One line per page and check, with counts; failures name the page and the element; a
summary; exit status 1 on any failure. Where no Chromium or chromedriver is found it prints
``SKIPPED browser check: ...`` and exits 0, except under ``CI=true`` (or ``--require``),
where that is a failure (exit 1).

    python tests/browser_check.py _build/html [--screenshots DIR] [--page GLOB ...]

Importable: ``find_chromium``, ``start_browser``, ``check_page``, ``html_pages``, ``main``
(tests/test_browser.py drives it on small hand-written pages).
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

PHONE_WIDTH = 390
PHONE_HEIGHT = 844
DESKTOP_WIDTH = 1280
DESKTOP_HEIGHT = 900
MIN_FIGURE_RATIO = 0.90
MIN_PHONE_FIGURE_RATIO = 0.72
"""At 390 px an image shows at least this share of its natural width: 9 px for the house style's
smallest text (glorot.plots.MIN_FONT_PT = 9 pt at 100 dpi = 12.5 px)."""
PAGE_TIMEOUT_S = 30
IMAGE_TIMEOUT_S = 10
MATHJAX_TIMEOUT_S = 20
MAX_DETAILS = 8
"""At most this many offending elements are named per page and check (the count is exact)."""

INSTALL_HINT = "apt-get install chromium chromium-driver"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LOCAL_SCHEMES = {"file", "data", "blob", "about"}

# --- finding and starting the browser -----------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_chromium() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None where either is missing.

    ``$CHROMIUM`` and ``$CHROMEDRIVER`` win; otherwise the first of the usual names on PATH
    (Debian: ``/usr/bin/chromium`` and ``/usr/bin/chromedriver``).
    """
    browser = os.environ.get("CHROMIUM") or next(
        (p for p in map(shutil.which, CHROMIUM_NAMES) if p), None
    )
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not driver and Path("/usr/bin/chromedriver").is_file():
        driver = "/usr/bin/chromedriver"
    if not browser or not driver or not Path(browser).is_file() or not Path(driver).is_file():
        return None
    return browser, driver


def start_browser(browser: str, driver: str):
    """Headless Chromium with the network off, browser and performance logs on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={DESKTOP_WIDTH},{DESKTOP_HEIGHT}",
        # No name resolves: a request to any host fails even before the offline emulation.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path: selenium skips Selenium Manager (no download, no lookup); were
    # it ever reached, SE_OFFLINE keeps it from the network.
    os.environ.setdefault("SE_OFFLINE", "true")
    service = Service(executable_path=driver, log_output=os.devnull)
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(PAGE_TIMEOUT_S)
    drv.set_script_timeout(max(IMAGE_TIMEOUT_S, MATHJAX_TIMEOUT_S) + 10)
    drv.execute_cdp_cmd("Network.enable", {})
    drv.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    return drv


# --- what the page reports (JavaScript run in the page) ------------------------------------

_JS_HELPERS = r"""
function describe(el) {
  if (!el || !el.tagName) return '?';
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  else if (el.classList && el.classList.length) {
    s += '.' + Array.from(el.classList).slice(0, 2).join('.');
  }
  const where = el.parentElement && el.parentElement.closest('[id]');
  if (where && where.id && where.id !== el.id) s += ' in #' + where.id;
  let text = '';
  if (el.tagName === 'IMG') {
    text = (el.getAttribute('src') || '').split('/').pop();
    const m = text.match(/^([0-9a-f]{12})[0-9a-f]{20,}(\.\w+)$/);  // myst-nb's hashed names
    if (m) text = m[1] + '...' + m[2];
  }
  else text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
  if (text) s += ' "' + (text.length > 60 ? text.slice(0, 57) + '...' : text) + '"';
  return s;
}
function scopeOf() {
  return document.querySelector('article.bd-article') || document.querySelector('main')
      || document.querySelector('[role="main"]') || document.body;
}
"""

JS_WAIT_IMAGES = _JS_HELPERS + r"""
const done = arguments[arguments.length - 1];
const timeoutMs = arguments[0];
const imgs = Array.from(document.images);
for (const i of imgs) if (i.loading === 'lazy') i.loading = 'eager';
const pending = imgs.filter(i => !i.complete).map(i => new Promise(r => {
  i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true});
}));
const timer = new Promise(r => setTimeout(r, timeoutMs));
Promise.race([Promise.all(pending), timer]).then(() => done(imgs.map(i => ({
  src: i.getAttribute('src') || '', complete: i.complete, nw: i.naturalWidth, desc: describe(i)
}))));
"""

JS_WAIT_MATHJAX = r"""
const done = arguments[arguments.length - 1];
const timeoutMs = arguments[0];
const start = Date.now();
const hasScript = () => Array.from(document.scripts).some(
  s => /mathjax|tex-(chtml|svg|mml)/i.test(s.src || ''));
(function poll() {
  const MJ = window.MathJax;
  if (MJ && MJ.startup && MJ.startup.promise) {
    let settled = false;
    const finish = (state) => { if (!settled) { settled = true; done(state); } };
    setTimeout(() => finish('timeout'), Math.max(0, timeoutMs - (Date.now() - start)));
    MJ.startup.promise.then(() => finish('done'), (e) => finish('error: ' + e));
    return;
  }
  if (!hasScript()) return done('absent');
  // Deferred scripts have run by the load event: a MathJax that has not started a second
  // after it did not load (a missing file, a blocked CDN).
  if (document.readyState === 'complete' && Date.now() - start > 1000) return done('not loaded');
  if (Date.now() - start > timeoutMs) return done('not started');
  setTimeout(poll, 50);
})();
"""

JS_MATH_STATE = _JS_HELPERS + r"""
const mathNodes = Array.from(document.querySelectorAll('.math'));
const untypeset = mathNodes.filter(e => !e.querySelector('mjx-container'));
const errors = Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]')).map(e => {
  const msg = e.getAttribute('data-mjx-error') || e.getAttribute('title') || e.textContent || '';
  const where = e.closest('.math') || e.closest('mjx-container').parentElement;
  return msg.trim().slice(0, 80) + ' at ' + describe(where);
});
// Code is not prose; math nodes that MathJax left untypeset are reported as such, not twice.
const SKIP = 'script, style, noscript, template, textarea, pre, code, kbd, samp, .highlight, '
  + 'mjx-container, .math';
const RAW = /\\\(|\\\[|\\begin\{|\$\$|(?<![\\$\w])\$(?=\S)[^$\n]{1,300}?(?<=\S)\$(?![\w$])/g;
const raw = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const p = n.parentElement;
  if (!p || p.closest(SKIP)) continue;
  const found = n.nodeValue.match(RAW);
  if (!found) continue;
  const block = p.closest('p, li, td, th, h1, h2, h3, h4, h5, h6, figcaption, caption, dt, dd, div')
    || p;
  for (const m of found) {
    raw.push(JSON.stringify(m.length > 40 ? m.slice(0, 37) + '...' : m) + ' in ' + describe(block));
  }
}
return {
  version: (window.MathJax && window.MathJax.version) || '',
  typeset: document.querySelectorAll('mjx-container').length,
  nodes: mathNodes.length,
  untypeset: untypeset.map(describe),
  errors: errors,
  raw: raw,
};
"""

JS_FIGURES = _JS_HELPERS + r"""
const scope = scopeOf();
const cs = getComputedStyle(scope);
const column = scope.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
return {column: column, images: Array.from(scope.querySelectorAll('img')).map(i => {
  const r = i.getBoundingClientRect();
  return {desc: describe(i), nw: i.naturalWidth, w: r.width, shown: r.width > 0 && r.height > 0};
})};
"""

JS_WIDE = _JS_HELPERS + r"""
const vw = document.documentElement.clientWidth;
const scope = scopeOf();
const BLOCKS = 'p, li, dt, dd, dl, ul, ol, blockquote, figcaption, caption, figure, img, '
  + 'h1, h2, h3, h4, h5, h6, table, pre, div.highlight, div.math, mjx-container, div.output, '
  + 'div.cell_output, div.cell, div.admonition, aside, section, details, '
  + 'div.pst-scrollable-table-container, div.table-wrapper, svg';
const OWN_BOX = 'pre, div.highlight, table, div.math, mjx-container[display="true"], img';
const SLACK = 0.5;
const fits = (r) => r.left >= -SLACK && r.right <= vw + SLACK;
const visible = (r) => r.width > 0 && r.height > 0;
function scrollBox(el) {
  for (let a = el.parentElement; a && a !== scope && scope.contains(a); a = a.parentElement) {
    const ox = getComputedStyle(a).overflowX;
    if (ox === 'auto' || ox === 'scroll') return a;
  }
  return null;
}
const offenders = [];
let checked = 0, inBox = 0;
for (const el of scope.querySelectorAll(BLOCKS)) {
  const r = el.getBoundingClientRect();
  if (!visible(r)) continue;
  checked += 1;
  if (fits(r)) continue;
  const box = scrollBox(el);
  const ownBoxKind = el.closest(OWN_BOX);
  const boxFits = box && fits(box.getBoundingClientRect());
  if (boxFits && ownBoxKind && box.contains(ownBoxKind)) { inBox += 1; continue; }
  const why = !box ? 'no scroll box'
            : boxFits ? 'scrolls sideways in a box, but is not code/table/math/image'
            : 'its scroll box is wider than the viewport';
  offenders.push({el: el, width: Math.round(r.width), right: Math.round(r.right), why: why});
}
// Scroll boxes in use (an element that scrolls its own content sideways and fits), by content.
const scrolling = {code: 0, table: 0, math: 0, figure: 0, other: 0};
for (const el of scope.querySelectorAll('*')) {
  const ox = getComputedStyle(el).overflowX;
  if (!(ox === 'auto' || ox === 'scroll') || el.scrollWidth <= el.clientWidth + 1) continue;
  if (!fits(el.getBoundingClientRect())) continue;
  const kind = el.matches('pre, div.highlight') || el.querySelector('pre') ? 'code'
             : el.querySelector('table') ? 'table'
             : el.matches('mjx-container, div.math') || el.querySelector('mjx-container') ? 'math'
             : el.querySelector('img') ? 'figure'
             : 'other';
  scrolling[kind] += 1;
}
// Name the innermost offenders: an element whose wide descendant is listed is the consequence.
const leaves = offenders.filter(o => !offenders.some(p => p !== o && o.el.contains(p.el)));
return {
  viewport: vw,
  page_width: document.documentElement.scrollWidth,
  checked: checked,
  in_box: inBox,
  scrolling: scrolling,
  offenders: leaves.map(o => ({desc: describe(o.el), width: o.width, right: o.right, why: o.why})),
};
"""

JS_MYST = _JS_HELPERS + r"""
// MyST left as text: a role with its backticks, a role name right before inline code (CommonMark's
// reading of a role it does not parse), a directive's fence; code is not prose and is skipped.
const SKIP = 'script, style, noscript, template, textarea, pre, code, kbd, samp, .highlight, '
  + 'mjx-container, .math';
const ROLE = /\{[a-z][\w.+-]*(?::[\w.+-]+)*\}`[^`\n]{0,80}`?/g;
const ROLE_BEFORE_CODE = /\{[a-z][\w.+-]*(?::[\w.+-]+)*\}\s*$/;
const FENCE = /(?:`{3,}|~{3,}|:{3,})\s*\{[a-z][\w.+:-]*\}[^\n]{0,40}/g;
const found = [];
const blockOf = (p) => p.closest('p, li, td, th, h1, h2, h3, h4, h5, h6, figcaption, caption, dt, dd, div') || p;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let scanned = 0;
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const p = n.parentElement;
  if (!p || p.closest(SKIP)) continue;
  scanned += 1;
  const text = n.nodeValue;
  for (const m of [...(text.match(ROLE) || []), ...(text.match(FENCE) || [])]) {
    found.push(JSON.stringify(m.length > 50 ? m.slice(0, 47) + '...' : m) + ' in ' + describe(blockOf(p)));
  }
  const next = n.nextSibling;
  const tail = text.match(ROLE_BEFORE_CODE);
  if (tail && next && next.nodeType === 1 && next.matches('code, tt, kbd, samp, span.pre')) {
    found.push(JSON.stringify(tail[0].trim() + '`' + (next.textContent || '').slice(0, 40) + '`')
               + ' in ' + describe(blockOf(p)));
  }
}
// A fenced directive CommonMark did not know becomes a code block in the directive's "language".
for (const el of document.querySelectorAll('[class*="highlight-{"], code[class*="language-{"]')) {
  const lang = Array.from(el.classList).find(c => c.includes('{')) || '';
  found.push('a directive shown as code (' + lang + '): ' + describe(el));
}
return {scanned: scanned, found: found};
"""

JS_CAPTIONS = _JS_HELPERS + r"""
// Every caption must lie inside what the reader sees of the page: the viewport, the article's
// text column, and every box between it and the article that clips (a scroll box shows only its
// own width: a caption past its edge is cut off, and scrolling moves the table, not the words).
const scope = scopeOf();
const vw = document.documentElement.clientWidth;
const SLACK = 0.5;
const scs = getComputedStyle(scope);
const sr = scope.getBoundingClientRect();
const column = [sr.left + scope.clientLeft + parseFloat(scs.paddingLeft),
                sr.left + scope.clientLeft + scope.clientWidth - parseFloat(scs.paddingRight)];
const out = [];
let widest = 0;
for (const el of scope.querySelectorAll('caption, figcaption, .code-block-caption')) {
  const r = el.getBoundingClientRect();
  if (!(r.width > 0 && r.height > 0)) continue;
  let left = Math.max(0, column[0]), right = Math.min(vw, column[1]), clip = 'the text column';
  if (right >= vw - SLACK) clip = 'the viewport';
  for (let a = el.parentElement; a && a !== scope && scope.contains(a); a = a.parentElement) {
    if (getComputedStyle(a).overflowX === 'visible') continue;
    const b = a.getBoundingClientRect();
    const bl = b.left + a.clientLeft, br = b.left + a.clientLeft + a.clientWidth;
    if (bl > left) left = bl;
    if (br < right) { right = br; clip = 'its scroll box ' + describe(a).split(' "')[0]; }
  }
  widest = Math.max(widest, r.width);
  const overflow = el.scrollWidth > el.clientWidth + 1;
  const fits = r.left >= left - SLACK && r.right <= right + SLACK && !overflow;
  out.push({desc: describe(el), width: Math.round(r.width), right: Math.round(r.right),
            limit: Math.round(right), room: Math.round(right - left), clip: clip, fits: fits,
            overflow: overflow, scroll: el.scrollWidth, client: el.clientWidth});
}
return {viewport: vw, column: Math.round(column[1] - column[0]), widest: Math.round(widest), captions: out};
"""

JS_PHONE_FIGURES = _JS_HELPERS + r"""
const scope = scopeOf();
return Array.from(scope.querySelectorAll('img')).map(i => {
  const r = i.getBoundingClientRect();
  return {desc: describe(i), nw: i.naturalWidth, w: r.width, shown: r.width > 0 && r.height > 0};
});
"""

JS_RAF = r"""
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
"""

# --- results --------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass
class PageReport:
    page: str
    checks: list[Check] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, summary: str, details=()) -> Check:
        check = Check(name, ok, summary, list(details))
        self.checks.append(check)
        return check


def _capped(items: list[str]) -> list[str]:
    if len(items) <= MAX_DETAILS:
        return list(items)
    return list(items[:MAX_DETAILS]) + [f"... and {len(items) - MAX_DETAILS} more"]


# --- log classification (pure, unit-tested) -------------------------------------------------

_PRELOAD_CORS = re.compile(
    r"Access to font at '(file://[^']+)' from origin 'null' has been blocked by CORS policy"
)
_FAILED_LOAD = re.compile(r"^(file://\S+) - Failed to load resource: net::ERR_FAILED$")


def url_to_path(url: str) -> Path:
    return Path(url2pathname(unquote(urlparse(url).path)))


def classify_console(
    entries: list[dict], preloads: set[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """(errors, ignored) among selenium browser-log entries of level SEVERE.

    Ignored: Chromium blocking a CORS-mode ``<link rel=preload as=font crossorigin>`` from a
    ``file://`` page (origin ``null``), and the ERR_FAILED line that comes with it, provided
    the font file exists (the stylesheet loads it without CORS, so nothing is missing) and,
    where ``preloads`` is given, the page really preloads that URL.
    """
    errors, ignored = [], []
    blocked: set[str] = set()
    for e in entries:
        if e.get("level") != "SEVERE":
            continue
        msg = e.get("message", "")
        m = _PRELOAD_CORS.search(msg)
        if m and url_to_path(m.group(1)).is_file() and (not preloads or m.group(1) in preloads):
            blocked.add(m.group(1))
            ignored.append(msg)
            continue
        errors.append(msg)
    kept = []
    for msg in errors:
        m = _FAILED_LOAD.match(msg)
        if m and m.group(1) in blocked:
            ignored.append(msg)
        else:
            kept.append(msg)
    return kept, ignored


def foreign_requests(perf_entries: list[dict]) -> tuple[int, list[str]]:
    """(number of requests, URLs that are not file:/data:/blob:/about:) from the perf log."""
    count, foreign = 0, []
    for e in perf_entries:
        try:
            msg = json.loads(e["message"])["message"]
        except (KeyError, ValueError, TypeError):
            continue
        method = msg.get("method", "")
        if method == "Network.requestWillBeSent":
            url = msg.get("params", {}).get("request", {}).get("url", "")
        elif method == "Network.webSocketCreated":
            url = msg.get("params", {}).get("url", "")
        else:
            continue
        count += 1
        if urlparse(url).scheme.lower() not in LOCAL_SCHEMES:
            foreign.append(url)
    return count, foreign


# --- one page -------------------------------------------------------------------------------

_REFRESH = re.compile(
    r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']?\s*\d+\s*;\s*url=([^"'>\s]+)""", re.I
)


def _metrics(driver, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.execute_async_script(JS_RAF)


def _screenshot(driver, target: Path) -> tuple[int, int]:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    w, h = int(size["width"]), int(size["height"])
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1},
        },
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    return w, h


def _preloaded_fonts(driver) -> set[str]:
    return set(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('link[rel=preload][as=font]'))"
            ".map(l => l.href)"
        )
        or []
    )


def check_page(
    driver,
    path: Path,
    root: Path | None = None,
    shots: Path | None = None,
    min_ratio: float = MIN_FIGURE_RATIO,
) -> PageReport:
    """Load one HTML file and run every check on it."""
    path = path.resolve()
    root = (root or path.parent).resolve()
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    report = PageReport(rel)
    # Whatever the previous page still does ends here; its log lines are dropped.
    driver.get("about:blank")
    driver.get_log("browser"), driver.get_log("performance")

    _metrics(driver, DESKTOP_WIDTH, DESKTOP_HEIGHT, mobile=False)
    url = path.as_uri()
    driver.get(url)

    refresh = _REFRESH.search(path.read_text(errors="replace")[:4000])
    if refresh:
        target = (path.parent / refresh.group(1).split("#")[0].split("?")[0]).resolve()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (
            driver.current_url.split("#")[0] == url
            or driver.execute_script("return document.readyState") != "complete"
        ):
            time.sleep(0.05)
        arrived = url_to_path(driver.current_url.split("#")[0].split("?")[0]).resolve()
        ok = arrived == target and target.is_file()
        where = target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
        summary = f"-> {where}" + ("" if ok else f" (arrived at {driver.current_url})")
        report.add("redirect", ok, summary, [] if ok else [f"redirect target {where} not reached"])
        _logs(driver, report)
        return report

    # images
    imgs = driver.execute_async_script(JS_WAIT_IMAGES, IMAGE_TIMEOUT_S * 1000)
    broken = [i["desc"] for i in imgs if not (i["complete"] and i["nw"] > 0)]
    report.add("images", not broken, f"{len(imgs) - len(broken)}/{len(imgs)} loaded",
               [f"not loaded: {d}" for d in _capped(broken)])

    # math
    state = driver.execute_async_script(JS_WAIT_MATHJAX, MATHJAX_TIMEOUT_S * 1000)
    m = driver.execute_script(JS_MATH_STATE)
    problems = []
    if state == "absent":
        if m["nodes"] or m["raw"]:
            problems.append("MathJax is not loaded on a page with math")
    elif state != "done":
        problems.append(f"MathJax did not finish: {state}")
    problems += [f"math node not typeset: {d}" for d in m["untypeset"]]
    problems += [f"MathJax error: {d}" for d in m["errors"]]
    problems += [f"raw TeX: {d}" for d in m["raw"]]
    mj = f"MathJax {m['version']}" if m["version"] else "MathJax"
    if state == "absent":
        mj = "no MathJax"
    report.add(
        "math", not problems,
        f"{m['typeset']} typeset ({m['nodes']} math nodes, {mj}, {state}), "
        f"{len(m['untypeset'])} untypeset, {len(m['errors'])} errors, {len(m['raw'])} raw TeX",
        _capped(problems),
    )

    # MyST left unrendered in the text
    myst = driver.execute_script(JS_MYST)
    report.add("myst", not myst["found"],
               f"{len(myst['found'])} unrendered roles or directives in {myst['scanned']} text nodes outside code",
               [f"unrendered MyST: {d}" for d in _capped(myst["found"])])

    # captions at 1280 px (and at 390 px, below)
    captions = {DESKTOP_WIDTH: driver.execute_script(JS_CAPTIONS)}

    # figures at 1280 px
    fig = driver.execute_script(JS_FIGURES)
    shown = [i for i in fig["images"] if i["shown"] and i["nw"] > 0]
    small, lines = [], []
    for i in shown:
        ratio = i["w"] / i["nw"]
        flag = "ok" if ratio >= min_ratio - 1e-9 else "SMALL"
        lines.append(f"{flag:5} {ratio:6.1%}  {i['w']:.0f}/{i['nw']} px  {i['desc']}")
        if flag != "ok":
            small.append(i)
    hidden = len(fig["images"]) - len(shown)
    report.add(
        "figures", not small,
        f"{len(shown) - len(small)}/{len(shown)} shown at >= {min_ratio:.0%} of natural width at "
        f"{DESKTOP_WIDTH} px (text column {fig['column']:.0f} px: up to "
        f"{fig['column'] / min_ratio:.0f} px natural fits)"
        + (f", {hidden} not displayed" if hidden else ""),
        lines,
    )

    # screenshot at 1280 px
    if shots is not None:
        target = shots / (rel.replace("/", "__").removesuffix(".html") + ".png")
        w, h = _screenshot(driver, target)
        report.screenshot = target
        report.add("screenshot", True, f"{target} ({w}x{h})")

    # phone width
    _metrics(driver, PHONE_WIDTH, PHONE_HEIGHT, mobile=True)
    wide = driver.execute_script(JS_WIDE)
    scrolling = ", ".join(f"{n} {kind}" for kind, n in wide["scrolling"].items() if n) or "none"
    problems = [f"{o['desc']} is {o['width']} px wide, reaches {o['right']} px ({o['why']})"
                for o in wide["offenders"]]
    if wide["page_width"] > wide["viewport"] + 1:
        problems.append(f"the page scrolls sideways: {wide['page_width']} px wide in a "
                        f"{wide['viewport']} px viewport")
    report.add(
        f"phone {PHONE_WIDTH}", not problems,
        f"{len(wide['offenders'])} blocks wider than {wide['viewport']} px of {wide['checked']} "
        f"checked; {wide['in_box']} code/table/math/images in own scroll boxes; boxes that scroll: "
        f"{scrolling}; page {wide['page_width']} px",
        _capped(problems),
    )

    # figures at 390 px: shown large enough for their text to be read
    imgs = [i for i in driver.execute_script(JS_PHONE_FIGURES) if i["shown"] and i["nw"] > 0]
    small, lines = [], []
    for i in imgs:
        ratio = i["w"] / i["nw"]
        flag = "ok" if ratio >= MIN_PHONE_FIGURE_RATIO - 1e-9 else "SMALL"
        lines.append(f"{flag:5} {ratio:6.1%}  {i['w']:.0f}/{i['nw']} px  {i['desc']}")
        if flag != "ok":
            small.append(i)
    report.add(
        "phone figs", not small,
        f"{len(imgs) - len(small)}/{len(imgs)} shown at >= {MIN_PHONE_FIGURE_RATIO:.0%} of natural width "
        f"at {PHONE_WIDTH} px (9 pt figure text at >= {12.5 * MIN_PHONE_FIGURE_RATIO:.0f} px)",
        [ln for ln in lines if ln.startswith("SMALL")] + [ln for ln in lines if ln.startswith("ok")],
    )

    captions[PHONE_WIDTH] = driver.execute_script(JS_CAPTIONS)
    _metrics(driver, DESKTOP_WIDTH, DESKTOP_HEIGHT, mobile=False)
    _caption_check(report, captions)

    _logs(driver, report)
    return report


def _caption_check(report: PageReport, by_width: dict[int, dict]) -> None:
    """One ``captions`` line for both widths: every caption within the page (JS_CAPTIONS)."""
    problems, parts = [], []
    for width, res in by_width.items():
        caps = res["captions"]
        bad = [c for c in caps if not c["fits"]]
        parts.append(f"{len(caps) - len(bad)}/{len(caps)} fit at {width} px (widest {res['widest']} px, "
                     f"text column {res['column']} px)")
        for c in bad:
            why = (f"its text overflows its own box ({c['scroll']} px in {c['client']} px)" if c["overflow"]
                   else f"reaches {c['right']} px, past the {c['limit']} px edge of {c['clip']} ({c['room']} px wide)")
            problems.append(f"at {width} px: {c['desc']} is {c['width']} px wide, {why}")
    report.add("captions", not problems, "; ".join(parts), _capped(problems))


def _logs(driver, report: PageReport) -> None:
    try:
        preloads = _preloaded_fonts(driver)
        # Every page is checked as a first visit (the theme keeps its mode in localStorage,
        # which all file:// pages share).
        driver.execute_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
    except Exception:  # a page that navigated away
        preloads = set()
    errors, ignored = classify_console(driver.get_log("browser"), preloads or frozenset())
    note = f" ({len(ignored)} ignored: theme font preloads refused from file://)" if ignored else ""
    report.add("console", not errors, f"{len(errors)} errors{note}",
               [f"console: {e}" for e in _capped(errors)])
    count, foreign = foreign_requests(driver.get_log("performance"))
    report.add("requests", not foreign, f"{count} requests, {len(foreign)} not file:",
               [f"request to {u}" for u in _capped(foreign)])


# --- the book -------------------------------------------------------------------------------


def html_pages(root: Path) -> list[Path]:
    """Every page of a built book: *.html outside Sphinx's _-folders (_static, _sources...)."""
    return sorted(
        p for p in root.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(root).parts[:-1])
    )


def _print_report(report: PageReport) -> None:
    for c in report.checks:
        status = "ok" if c.ok else "FAIL"
        print(f"{status:4} {report.page:34} {c.name:10} {c.summary}")
        for d in c.details:
            print(f"{'':4} {'':34} {'':10}   {d}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html", type=Path, help="the built site, e.g. _build/html")
    ap.add_argument("--screenshots", type=Path, default=None,
                    help="folder for the screenshots (default: a new temporary folder)")
    ap.add_argument("--page", action="append", default=[],
                    help="only pages whose path (relative to HTML) matches this glob")
    ap.add_argument("--min-figure-ratio", type=float, default=MIN_FIGURE_RATIO)
    ap.add_argument("--require", action="store_true",
                    help="fail where no Chromium is found (implied by CI=true)")
    args = ap.parse_args(argv)

    found = find_chromium()
    missing = None
    if found is None:
        missing = f"no Chromium found ({INSTALL_HINT})"
    else:
        try:
            import selenium  # noqa: F401  (the `test` extra)
        except ImportError:
            missing = "selenium is not installed (pip install -e '.[test]')"
    if missing:
        if args.require or in_ci():
            print(f"FAILED browser check: {missing}; CI=true requires it")
            return 1
        print(f"SKIPPED browser check: {missing}")
        return 0

    root = args.html.resolve()
    pages = html_pages(root)
    if args.page:
        pages = [p for p in pages if any(fnmatch.fnmatch(p.relative_to(root).as_posix(), g)
                                         for g in args.page)]
    if not pages:
        print(f"FAILED browser check: no HTML pages under {root}")
        return 1
    shots = (args.screenshots or Path(tempfile.mkdtemp(prefix="browser-check-"))).resolve()
    shots.mkdir(parents=True, exist_ok=True)

    t0 = time.monotonic()
    browser, driver_path = found
    print(f"browser check: {len(pages)} pages under {root}, {Path(browser).name} via {driver_path}, "
          f"network off")
    driver = start_browser(browser, driver_path)
    reports = []
    try:
        for page in pages:
            try:
                report = check_page(driver, page, root, shots, args.min_figure_ratio)
            except Exception as exc:  # a page that hangs or breaks the driver fails, named
                report = PageReport(page.relative_to(root).as_posix())
                report.add("load", False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                           [f"could not check: {exc!s}"[:300]])
            _print_report(report)
            reports.append(report)
    finally:
        driver.quit()
    wall = time.monotonic() - t0

    failed = [r for r in reports if not r.ok]
    names = []
    for r in reports:
        for c in r.checks:
            if c.name not in names:
                names.append(c.name)
    print()
    print(f"browser check summary ({len(reports)} pages, {wall:.1f} s):")
    for name in names:
        rows = [(r, c) for r in reports for c in r.checks if c.name == name]
        bad = [r.page for r, c in rows if not c.ok]
        print(f"  {name:10} {len(rows) - len(bad)}/{len(rows)} pages ok"
              + (f"; failing: {', '.join(bad)}" if bad else ""))
    print(f"  screenshots: {shots}")
    if failed:
        print(f"FAILED browser check: {len(failed)} of {len(reports)} pages have failures:")
        for r in failed:
            for c in r.checks:
                if not c.ok:
                    first = next((d for d in c.details if not d.startswith("ok ")), c.summary)
                    print(f"  {r.page}: {c.name}: {first}")
        return 1
    print(f"browser check passed: {len(reports)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
