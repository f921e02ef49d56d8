"""The package's import graph: arrows point down, no cycle (DESIGN: "A module may import only
modules below it"). The walk here is its own, from the source files' syntax trees, so it does
not rely on glorot.fingerprint, which the archive uses for the same graph."""

from __future__ import annotations

import ast
from pathlib import Path

import glorot

PACKAGE = Path(glorot.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = ("glorot",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The glorot modules ``path`` imports (``from . import x`` names submodule x)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base in known:
                out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known}
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, known) for f in files}


def _cycle_from(graph, start):
    """A path start -> ... -> start if there is one (depth-first)."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_the_walk_sees_the_imports_it_must():
    graph = import_graph()
    assert "glorot.experiments.registry" in graph["glorot.experiments.saturation"]
    assert "glorot.monitoring" in graph["glorot.experiments.saturation"]
    assert {"glorot.experiments.setting", "glorot.experiments.error_curves"} <= graph["glorot.experiments"]
    assert "glorot.nets" in graph["glorot.train"]


def test_no_import_cycle():
    graph = import_graph()
    cycles = [c for c in (_cycle_from(graph, m) for m in graph) if c]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_registry_imports_no_section_and_sections_import_no_other_section():
    graph = import_graph()
    # the registry and the search's rates are shared by the sections, below them
    shared = {"glorot.experiments.registry", "glorot.experiments.search_rates"}
    sections = {m for m in graph if m.startswith("glorot.experiments.") and m not in shared}
    assert not graph["glorot.experiments.registry"] & (sections | {"glorot.experiments"})
    for s in sections:
        assert not graph[s] & (sections | {"glorot.experiments"}), f"{s} imports another section"


def test_modules_below_the_experiments_never_import_them_or_the_plots():
    graph = import_graph()
    # The command line, the claims (judged on the experiments' results), the front page's
    # scorecard and the Dask sweep (which runs the experiments' chunks as tasks) sit above the
    # experiments, beside the plots.
    above = ("glorot.__main__", "glorot.scorecard", "glorot.sweep")
    below = {m for m in graph if not m.startswith("glorot.experiments") and m not in above
             and not m.startswith("glorot.claims")
             and not m.startswith("glorot.plots")}
    for m in below:
        up = {d for d in graph[m] if d.startswith("glorot.experiments") or d.startswith("glorot.plots")}
        assert not up, f"{m} imports {up}"
