"""Every figure and every numbered table of chapters 01-08 (those that follow the paper) says its verdict beside the paper.

Read from the committed, executed notebooks (the pages as they are published): each
``{glue:figure}`` and each ``:::{table}`` block's caption glues, through ``{glue:md}``, a value
holding ``**Verdict: <kind>.**`` with a kind of :data:`glorot.pages.VERDICTS`; its reason comes
from the numbers the cell computed. A block whose run was skipped at this profile glues a
plain sentence saying so (no figure) and is exempt only where its figure value is that
sentence; a block whose run is not archived yet says so (``**Not archived``) in place of a
verdict, with the command that makes the run."""

import json
import re
from pathlib import Path

import pytest

from glorot.pages import VERDICTS

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(p for p in BOOK.glob("0[1-8]_*.ipynb"))
VERDICT = re.compile(r"\*\*Verdict: (" + "|".join(map(re.escape, VERDICTS)) + r")\.\*\* \S")
NOT_RESULTS = {"tbl-table1-commands"}
"""Numbered tables that list commands and their costs, not results: nothing to judge."""
NOT_ARCHIVED = re.compile(r"\*\*Not archived[^*]*\*\* \S")
GLUE_MD = re.compile(r"\{glue:md\}`([^`]+)`")


def _glued(nb: dict) -> dict[str, dict]:
    """Every glued value of an executed notebook, by name: its output's data (mime -> text)."""
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            book = o.get("metadata", {}).get("scrapbook", {})
            if book.get("name"):
                prefix = book.get("mime_prefix", "")
                out[book["name"]] = {k[len(prefix):] if k.startswith(prefix) else k: "".join(v) if isinstance(v, list) else v
                                     for k, v in o.get("data", {}).items()}
    return out


def _blocks(nb: dict):
    """(kind, name, caption) of every glued figure and numbered table in the notebook's Markdown."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for m in re.finditer(r"```\{glue:figure\} (\S+)\n(.*?)```", text, re.S):
            caption = "\n".join(line for line in m.group(2).splitlines() if not line.startswith(":"))
            yield "figure", m.group(1), caption
        for m in re.finditer(r":::\{table\} (.*)\n:name: (\S+)", text):
            yield "table", m.group(2), m.group(1)


def _cases():
    for path in CHAPTERS:
        nb = json.loads(path.read_text())
        glued = _glued(nb)
        for kind, name, caption in _blocks(nb):
            yield pytest.param(path.stem, kind, name, caption, glued, id=f"{path.stem}:{name}")


@pytest.mark.parametrize("chapter, kind, name, caption, glued", list(_cases()))
def test_every_figure_and_table_has_a_verdict(chapter, kind, name, caption, glued):
    if name in NOT_RESULTS:
        return
    keys = GLUE_MD.findall(caption)
    texts = [glued.get(k, {}).get("text/markdown", "") for k in keys]
    assert all(k in glued for k in keys), f"{chapter}: {kind} {name}'s caption glues {keys}, not all executed"
    if kind == "figure" and "image/png" not in glued.get(name, {}):
        assert glued.get(name, {}).get("text/markdown"), f"{chapter}: figure {name} holds neither a figure nor a sentence"
        return  # a skipped run: the page says so in place of the figure
    assert any(VERDICT.search(t) or NOT_ARCHIVED.search(t) for t in texts), (
        f"{chapter}: {kind} {name} has no verdict in its caption ({keys})")


def test_the_chapters_hold_figures_and_tables():
    cases = list(_cases())
    assert len(CHAPTERS) == 8 and len(cases) > 50
