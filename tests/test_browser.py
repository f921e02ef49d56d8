"""The real-browser check of the built book (tests/browser_check.py), on tiny hand-written pages.

One headless Chromium serves the whole module. Without Chromium/chromedriver the browser tests
are skipped, with the reason; under CI=true they fail instead (CI installs Chromium). The
log-classification and command-line tests need no browser.
"""

from __future__ import annotations

import json
import struct
import zlib
from importlib import metadata
from pathlib import Path

import pytest

import browser_check as bc

FOUND = bc.find_chromium()

HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'


def _mathjax_js() -> Path | None:
    """MathJax as the book's build ships it (the sphinx-mathjax-offline package), if installed."""
    try:
        dist = metadata.distribution("sphinx-mathjax-offline")
    except metadata.PackageNotFoundError:
        return None
    path = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax/tex-chtml.js"))
    return path if path.is_file() else None


MATHJAX = _mathjax_js()


@pytest.fixture(scope="module")
def driver():
    if FOUND is None:
        if bc.in_ci():
            pytest.fail(f"CI=true, but no Chromium/chromedriver is installed ({bc.INSTALL_HINT})")
        pytest.skip(f"no Chromium found ({bc.INSTALL_HINT})")
    drv = bc.start_browser(*FOUND)
    yield drv
    drv.quit()


def png(path: Path, width: int, height: int) -> Path:
    """A grey PNG of this size (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def page(tmp_path: Path, body: str, head: str = "", name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<!doctype html><html><head>{HEAD}{head}</head><body>{body}</body></html>")
    return path


def run(driver, path: Path, **kw) -> dict[str, bc.Check]:
    report = bc.check_page(driver, path, path.parent, **kw)
    return {c.name: c for c in report.checks}


PHONE = f"phone {bc.PHONE_WIDTH}"


# --- pages that must pass -------------------------------------------------------------------


def test_a_plain_page_passes_every_check(driver, tmp_path):
    png(tmp_path / "small.png", 300, 100)
    path = page(
        tmp_path,
        """<main><h1>Title</h1>
        <p>Prices are $5 and $10; code such as <code>$x$</code> and <code>\\(y\\)</code> is not math.</p>
        <pre>$ echo "a shell prompt, also not math"</pre>
        <figure><img src="small.png"><figcaption>A caption.</figcaption></figure>
        <ul><li>an item</li></ul></main>""",
    )
    checks = run(driver, path, shots=tmp_path / "shots")
    assert all(c.ok for c in checks.values()), {n: (c.summary, c.details) for n, c in checks.items()}
    assert checks["images"].summary.startswith("1/1")
    assert "no MathJax" in checks["math"].summary
    shot = tmp_path / "shots" / "page.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_wide_table_in_its_own_scroll_box_passes(driver, tmp_path):
    cells = "".join(f"<td>column{i}</td>" for i in range(40))
    path = page(
        tmp_path,
        f"""<main><p>Some text.</p>
        <div style="overflow-x: auto"><table><tr>{cells}</tr></table></div>
        <pre style="overflow-x: auto">{"x" * 300}</pre></main>""",
    )
    phone = run(driver, path)[PHONE]
    assert phone.ok, phone.details
    assert "1 code/table/math/images in own scroll boxes" in phone.summary
    assert "1 code, 1 table" in phone.summary


@pytest.mark.skipif(MATHJAX is None, reason="sphinx-mathjax-offline (MathJax) not installed")
def test_math_typeset_by_mathjax_passes(driver, tmp_path):
    path = page(
        tmp_path,
        '<main><p>Inline <span class="math">\\(x^2 + 1\\)</span> and</p>'
        '<div class="math">\\[ \\frac{1}{n} \\sum_i x_i \\]</div></main>',
        head=f'<script defer src="{MATHJAX.as_uri()}"></script>',
    )
    math = run(driver, path)["math"]
    assert math.ok, math.details
    assert math.summary.startswith("2 typeset (2 math nodes")


def test_a_redirect_page_is_followed(driver, tmp_path):
    page(tmp_path, "<main><p>target</p></main>", name="target.html")
    path = tmp_path / "index.html"
    path.write_text('<meta http-equiv="Refresh" content="0; url=target.html" />')
    checks = run(driver, path)
    assert checks["redirect"].ok and checks["redirect"].summary == "-> target.html"
    assert "images" not in checks  # the target is checked as a page of its own


# --- pages that must fail -------------------------------------------------------------------


def test_a_broken_image_fails(driver, tmp_path):
    png(tmp_path / "fine.png", 50, 50)
    path = page(tmp_path, '<main><img src="fine.png"><img src="missing.png"></main>')
    checks = run(driver, path)
    assert not checks["images"].ok
    assert checks["images"].summary.startswith("1/2")
    assert "missing.png" in checks["images"].details[0]
    assert any("ERR_FILE_NOT_FOUND" in d for d in checks["console"].details)


def test_raw_dollar_math_fails(driver, tmp_path):
    path = page(tmp_path, '<main><p id="where">The variance is $n\\,\\mathrm{Var}[W]$ here.</p></main>')
    math = run(driver, path)["math"]
    assert not math.ok
    assert any("raw TeX" in d and "p#where" in d for d in math.details), math.details


def test_raw_backslash_paren_fails(driver, tmp_path):
    path = page(tmp_path, "<main><li>untypeset \\(x\\) math</li></main>")
    assert not run(driver, path)["math"].ok


@pytest.mark.skipif(MATHJAX is None, reason="sphinx-mathjax-offline (MathJax) not installed")
def test_a_mathjax_error_fails(driver, tmp_path):
    path = page(
        tmp_path,
        '<main><p>Broken <span class="math">\\(\\frac{1}\\)</span>.</p></main>',
        head=f'<script defer src="{MATHJAX.as_uri()}"></script>',
    )
    math = run(driver, path)["math"]
    assert not math.ok
    assert any(d.startswith("MathJax error") for d in math.details), math.details


def test_a_missing_mathjax_fails(driver, tmp_path):
    path = page(
        tmp_path,
        '<main><p><span class="math">\\(x\\)</span></p></main>',
        head='<script defer src="mathjax/tex-chtml.js"></script>',
    )
    math = run(driver, path)["math"]
    assert not math.ok
    assert any("not loaded" in d for d in math.details) and any("not typeset" in d for d in math.details)


def test_a_paragraph_wider_than_the_phone_fails(driver, tmp_path):
    path = page(tmp_path, '<main><p id="wide" style="width: 600px">too wide for a phone</p></main>')
    phone = run(driver, path)[PHONE]
    assert not phone.ok
    assert any("p#wide" in d and "600 px wide" in d for d in phone.details), phone.details


def test_text_that_scrolls_in_a_box_still_fails(driver, tmp_path):
    path = page(
        tmp_path,
        '<main><div style="overflow-x: auto"><p id="t" style="width: 700px">prose</p></div></main>',
    )
    phone = run(driver, path)[PHONE]
    assert not phone.ok
    assert any("p#t" in d and "not code/table/math" in d for d in phone.details), phone.details


def test_a_wide_table_without_a_scroll_box_fails(driver, tmp_path):
    cells = "".join(f"<td>column{i}</td>" for i in range(40))
    path = page(tmp_path, f"<main><table><tr>{cells}</tr></table></main>")
    phone = run(driver, path)[PHONE]
    assert not phone.ok
    assert any("no scroll box" in d for d in phone.details)
    assert any("scrolls sideways" in d for d in phone.details)


def test_a_console_error_fails(driver, tmp_path):
    path = page(tmp_path, '<main><p>fine</p><script>console.error("boom from the page")</script></main>')
    console = run(driver, path)["console"]
    assert not console.ok
    assert "boom from the page" in console.details[0]


def test_a_request_to_the_network_fails(driver, tmp_path):
    path = page(
        tmp_path, "<main><p>fine</p></main>",
        head='<link rel="stylesheet" href="https://cdn.example.org/style.css">',
    )
    requests = run(driver, path)["requests"]
    assert not requests.ok
    assert "https://cdn.example.org/style.css" in requests.details[0]


def test_a_figure_shown_below_90_percent_at_1280_fails(driver, tmp_path):
    png(tmp_path / "big.png", 1200, 300)
    png(tmp_path / "fits.png", 600, 300)
    path = page(
        tmp_path,
        '<main style="width: 800px"><figure id="f1" style="margin: 0"><img src="big.png" style="max-width: 100%"></figure>'
        '<figure id="f2" style="margin: 0"><img src="fits.png" style="max-width: 100%"></figure></main>',
    )
    figures = run(driver, path)["figures"]
    assert not figures.ok
    assert figures.summary.startswith("1/2 shown at >= 90%")
    small = [d for d in figures.details if d.startswith("SMALL")]
    assert len(small) == 1 and "big.png" in small[0] and "800/1200 px" in small[0]
    assert any(d.startswith("ok") and "fits.png" in d and "100.0%" in d for d in figures.details)


# --- no browser needed ----------------------------------------------------------------------


def test_only_the_file_url_font_preload_refusal_is_ignored(tmp_path):
    font = tmp_path / "fa.woff2"
    font.write_bytes(b"font")
    gone = (tmp_path / "gone.woff2").as_uri()
    entries = [
        {"level": "SEVERE", "message": f"x.html 0 Access to font at '{font.as_uri()}' from origin "
                                       "'null' has been blocked by CORS policy: ..."},
        {"level": "SEVERE", "message": f"{font.as_uri()} - Failed to load resource: net::ERR_FAILED"},
        {"level": "SEVERE", "message": f"x.html 0 Access to font at '{gone}' from origin 'null' "
                                       "has been blocked by CORS policy: ..."},
        {"level": "SEVERE", "message": "x.html 3:1 Uncaught ReferenceError: y is not defined"},
        {"level": "WARNING", "message": "a warning is not an error"},
    ]
    errors, ignored = bc.classify_console(entries)
    assert len(ignored) == 2
    assert len(errors) == 2 and "gone.woff2" in errors[0] and "ReferenceError" in errors[1]


def test_foreign_requests_are_the_non_file_urls():
    def event(url, method="Network.requestWillBeSent"):
        key = "url" if method == "Network.webSocketCreated" else "request"
        params = {"url": url} if key == "url" else {"request": {"url": url}}
        return {"message": json.dumps({"message": {"method": method, "params": params}})}

    log = [event("file:///a.html"), event("data:font/woff2;base64,AA"), event("https://x.org/a.js"),
           event("wss://x.org/", "Network.webSocketCreated"),
           {"message": json.dumps({"message": {"method": "Network.dataReceived", "params": {}}})}]
    assert bc.foreign_requests(log) == (4, ["https://x.org/a.js", "wss://x.org/"])


def test_pages_are_the_html_files_outside_sphinx_folders(tmp_path):
    for name in ["index.html", "search.html", "book/01.html", "_static/webpack-macros.html",
                 "_sources/x.html", "book/notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<p>x</p>")
    assert [p.relative_to(tmp_path).as_posix() for p in bc.html_pages(tmp_path)] == [
        "book/01.html", "index.html", "search.html"]


def test_no_chromium_skips_but_fails_under_ci(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bc, "find_chromium", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    assert bc.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("SKIPPED browser check: no Chromium found (apt-get")
    monkeypatch.setenv("CI", "true")
    assert bc.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith("FAILED browser check: no Chromium found")


# --- captions, MyST left as text, figures on a phone (issue 26) ----------------------------

BOOK_CSS = Path(__file__).resolve().parents[1] / "_static" / "book.css"
LONG_CAPTION = ("Table 5.1 When the shrinking toward the input goes, per run and initialization: "
                + "the first update at which the ratio falls below one, " * 6)


def _wide_table(caption: str, columns: int = 30) -> str:
    cells = "".join(f"<td>column{i}</td>" for i in range(columns))
    return (f'<div class="pst-scrollable-table-container" style="overflow-x: auto">'
            f'<table id="tbl-wide"><caption><span class="caption-text">{caption}</span></caption>'
            f"<tr>{cells}</tr></table></div>")


def test_a_caption_wider_than_its_tables_scroll_box_fails_at_both_widths(driver, tmp_path):
    """The synthetic page of issue 26: a table in its own scroll box (so the phone check passes
    it) whose caption is as wide as the table and runs past the box, cut off."""
    path = page(tmp_path, f'<main style="max-width: 688px">{_wide_table(LONG_CAPTION)}</main>')
    checks = run(driver, path)
    assert checks[PHONE].ok, checks[PHONE].details  # the table scrolls in its box: not the phone check's
    captions = checks["captions"]
    assert not captions.ok
    assert "0/1 fit at 1280 px" in captions.summary and "0/1 fit at 390 px" in captions.summary
    assert any(d.startswith("at 1280 px: caption in #tbl-wide") and "past the" in d for d in captions.details)
    assert any(d.startswith("at 390 px: caption in #tbl-wide") for d in captions.details), captions.details


def test_the_books_css_wraps_that_caption(driver, tmp_path):
    """The same table with the book's stylesheet: the caption wraps at its scroll box's width."""
    path = page(tmp_path, f'<main style="max-width: 688px">{_wide_table(LONG_CAPTION)}</main>',
                head=f'<link rel="stylesheet" href="{BOOK_CSS.as_uri()}">')
    captions = run(driver, path)["captions"]
    assert captions.ok, captions.details
    assert "1/1 fit at 1280 px" in captions.summary and "1/1 fit at 390 px" in captions.summary


def test_a_figcaption_whose_text_overflows_fails(driver, tmp_path):
    path = page(tmp_path, '<main><figure id="f"><figcaption style="white-space: nowrap">'
                          + "a caption that never wraps " * 20 + "</figcaption></figure></main>")
    captions = run(driver, path)["captions"]
    assert not captions.ok
    assert any("figcaption" in d for d in captions.details), captions.details


def test_unrendered_myst_roles_and_directives_fail(driver, tmp_path):
    """What CommonMark makes of MyST it does not parse: ``{doc}`x``` becomes "{doc}" and inline
    code, a fenced directive becomes a code block in the "language" ``{note}``; and a role left
    with its backticks in plain text (a glued string shown as text)."""
    path = page(
        tmp_path,
        '<main><p id="a">by the roofline model of {doc}<code class="docutils literal">09_performance</code>: '
        'an estimate.</p>'
        '<p id="b">As {numref}`tbl-cluster-plan` shows.</p>'
        '<p id="c">:::{table} A caption</p>'
        '<div class="highlight-{note} notranslate"><div class="highlight"><pre>text</pre></div></div>'
        '<p>Code about MyST is fine: <code>{doc}`x`</code>, and so is a set {1, 2}.</p>'
        '<pre>```{glue:md} name\n:format: myst\n```</pre></main>',
    )
    myst = run(driver, path)["myst"]
    assert not myst.ok
    assert myst.summary.startswith("4 unrendered"), (myst.summary, myst.details)
    joined = "\n".join(myst.details)
    assert '"{doc}`09_performance`" in p#a' in joined
    assert '"{numref}`tbl-cluster-plan`" in p#b' in joined
    assert ":::{table}" in joined and "p#c" in joined
    assert "a directive shown as code (highlight-{note})" in joined


def test_a_figure_shrunk_on_a_phone_fails_and_one_that_scrolls_passes(driver, tmp_path):
    """At 390 px a 691 px figure shrunk to the column shows at ~50%: its 12.5 px text at ~6 px.
    With the book's stylesheet it keeps 504 px and scrolls sideways in the figure (phone check:
    an image in its own scroll box), at 73%."""
    png(tmp_path / "fig.png", 691, 300)
    body = '<main><figure id="f"><img src="fig.png" style="max-width: 100%"><figcaption>A figure.</figcaption></figure></main>'
    shrunk = run(driver, page(tmp_path, body, name="shrunk.html"))
    assert not shrunk["phone figs"].ok
    assert shrunk["phone figs"].details[0].startswith("SMALL")
    styled = run(driver, page(tmp_path, body.replace("<main>", '<main class="bd-article">'), name="styled.html",
                              head=f'<link rel="stylesheet" href="{BOOK_CSS.as_uri()}">'))
    assert styled["phone figs"].ok, styled["phone figs"].details
    assert " 72.9%  504/691 px" in styled["phone figs"].details[0]
    assert styled[PHONE].ok, styled[PHONE].details
    assert "1 figure" in styled[PHONE].summary
    assert styled["figures"].ok  # at 1280 px nothing changes


def test_every_verdict_badge_is_styled():
    """The scorecard's badges (glorot.scorecard.badge) each have a colour in _static/book.css."""
    from glorot import scorecard

    css = BOOK_CSS.read_text()
    assert set(scorecard.VERDICT_CLASSES.values()) == {
        f"verdict-{k.replace(' ', '-')}" for k in (*scorecard.pages.VERDICTS, scorecard.NOT_ARCHIVED)}
    assert [c for c in scorecard.VERDICT_CLASSES.values() if f".{c} " not in css and f".{c}{{" not in css] == []
