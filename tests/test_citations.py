"""No docstring or page cites a file that a reader of the repository cannot open."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITED = re.compile(r"\b([\w./-]+\.(?:md|ipynb|bib))\b")
PLACEHOLDERS = re.compile(r"(^|/)(out|NN_name|X|NN_\*|name)\.(ipynb|md)$")
"""Names in usage examples (``papermill book/X.ipynb out.ipynb``), not citations."""


def _sources():
    yield from sorted((ROOT / "src").rglob("*.py"))
    yield from sorted((ROOT / "book").glob("*.py"))
    yield from sorted((ROOT / "book").glob("*.md"))
    yield ROOT / "README.md"


def _exists(name: str, source: Path) -> bool:
    return any(c.exists() for c in (ROOT / name, source.parent / name, ROOT / "book" / name))


def test_every_cited_file_is_in_the_repository():
    missing = []
    for source in _sources():
        for name in set(CITED.findall(source.read_text())):
            if not PLACEHOLDERS.search(name) and not _exists(name, source):
                missing.append(f"{source.relative_to(ROOT)} cites {name}")
    assert not missing, "\n".join(missing)


def test_every_chapter_cites_the_paper_it_follows():
    """Each page of the book cites Glorot & Bengio (2010) (a {cite} role of its key), so that the
    reference travels with any page a reader lands on."""
    chapters = sorted((ROOT / "book").glob("[0-9][0-9]_*.py"))
    assert chapters
    missing = [p.name for p in chapters if "glorot2010understanding`" not in p.read_text()]
    assert not missing, f"pages that never cite the paper: {missing}"
