"""One claim, one judge: every verdict of a chapter and every row of the scorecard comes from a
:class:`glorot.claims.Claim` (its rule and the shared scale rule of :meth:`Claim.judge`).

Read statically from the chapters' code cells and from ``scorecard.py``: neither calls
``pages.verdict`` nor writes a verdict kind as a string, so neither can judge a claim by code
of its own. Each claim is used by the page it names.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from glorot import claims, pages
from glorot.experiments import registry

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("0[1-8]_*.ipynb"))
"""The chapters that follow the paper (09 and 10 are about this book's own performance and
cluster runs: their verdicts are not the paper's claims)."""
KINDS = set(pages.VERDICTS)


def _code(nb: Path) -> str:
    cells = json.loads(nb.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _judges(tree: ast.AST) -> list[str]:
    """What in ``tree`` judges by itself: calls of ``verdict`` and verdict kinds as strings."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "verdict") or (isinstance(f, ast.Name) and f.id == "verdict"):
                found.append(f"line {node.lineno}: calls verdict()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in KINDS:
            found.append(f"line {node.lineno}: writes the verdict kind {node.value!r}")
    return found


def _source_without_magics(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!")))


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_judges_a_claim_itself(nb):
    assert _judges(ast.parse(_source_without_magics(_code(nb)))) == []


def test_the_scorecard_judges_nothing_itself():
    tree = ast.parse((ROOT / "src" / "glorot" / "scorecard.py").read_text())
    assert _judges(tree) == []


def test_every_claim_is_used_by_its_page():
    code = {nb.stem: _code(nb) for nb in CHAPTERS}
    assert claims.CLAIMS, "no claim is registered"
    unused = [k for k, c in claims.CLAIMS.items() if c.page not in code or f'"{k}"' not in code[c.page]]
    assert unused == []


def test_every_claim_names_a_real_page_and_a_scale():
    pages_ = {nb.stem for nb in CHAPTERS}
    for key, c in claims.CLAIMS.items():
        assert c.page in pages_, key
        assert c.scale in claims.SCALES and c.text and c.paper and c.section, key


# --------------------------------------------------------------------------- the shared scale rule


def _result(profile="quick", **overrides):
    cfg = registry.config("gradient_dynamics", profile, **overrides)
    return registry.Result("gradient_dynamics", profile, cfg, {}, {}, "archived")


def _claim(kind, scale="full"):
    return claims.Claim("test.claim", "Fig. 0", "a claim", "the paper's words", "05_learning_dynamics", "gradients",
                        rule=lambda run: claims.Judgement(kind, "the reason", "ours"), scale=scale, section="§0")


@pytest.mark.parametrize("kind", ["partly", "differs"])
def test_a_partial_result_below_the_papers_scale_is_not_yet_a_verdict(kind):
    j = _claim(kind).judge(_result("quick"))
    assert j.kind == "not yet at paper scale" and j.reason.endswith("in a run smaller than the paper's")
    assert _claim(kind).judge(_result("paper")).kind == kind


@pytest.mark.parametrize("kind", ["agrees", "inconclusive"])
def test_other_outcomes_stand_at_any_scale(kind):
    assert _claim(kind).judge(_result("quick")).kind == kind


def test_a_budget_claim_is_judged_at_the_papers_updates_at_any_width():
    long = _result("quick", updates=1_900_000, probe_every=20_000, eval_every=20_000)
    j = _claim("partly", scale="budget").judge(long)
    assert j.kind == "partly" and "at the paper's budget at width 100" in j.reason
    assert _claim("partly", scale="budget").judge(_result("quick")).kind == "not yet at paper scale"
    assert _claim("partly", scale="full").judge(long).kind == "not yet at paper scale"


def test_a_missing_run_is_not_archived_and_combine_takes_the_worst():
    class Missing:
        experiment, why = "gradient_dynamics", "absent"

    assert _claim("agrees").judge(Missing()).kind == claims.NOT_ARCHIVED
    a, p = claims.Judgement("agrees", "one"), claims.Judgement("partly", "two")
    both = claims.combine(a, p)
    assert both.kind == "partly" and both.reason == "one; two"
    assert claims.combine(a, claims.Judgement("differs", "three")).kind == "differs"
    with pytest.raises(ValueError):
        claims.Judgement("maybe", "a reason")
