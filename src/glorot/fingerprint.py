"""What code a result was computed with: the package's import graph and a fingerprint of it.

A result depends on the module that computed it and on every module of this package that
module imports, directly or not. :func:`code_fingerprint` hashes exactly that code, so the
results archive can tell whether a stored run was made with the code as it is now:

* the **import graph** (:func:`import_graph`) is read statically from the syntax tree of
  every module under ``src/glorot/`` (nothing is imported or executed). It holds the
  package's own modules only; third-party imports do not count (their versions are
  recorded separately, e.g. ``torch_version``);
* each module counts by its syntax tree (``ast.dump``) with docstrings removed (those of
  modules, classes and functions, and the attribute docstrings under assignments), so
  editing a comment, a docstring, blank lines or line breaks does not change the
  fingerprint, while any change to what the code does does;
* importing ``glorot.a.b`` runs ``glorot/__init__.py`` and ``glorot/a/__init__.py`` first,
  so a module's parent packages (and what they import) are part of its code.

The tree ``ast.dump`` prints can differ between Python versions, so a new Python version
may change every fingerprint; that errs on the safe side (runs look stale, never fresh).
Imports computed at run time (``importlib.import_module("glorot." + name)``) are invisible
to a static reading; the package does not use them.
"""

from __future__ import annotations

import ast
import hashlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""The folder of this package (``src/glorot``): the default for every ``package_dir``."""


# --------------------------------------------------------------------------- reading modules


def _module_files(package_dir: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (``glorot.train``, ``glorot.experiments``
    for ``experiments/__init__.py``), from the ``.py`` files under ``package_dir``."""
    package_dir = Path(package_dir).resolve()
    files = {}
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir).with_suffix("")
        if "__pycache__" in rel.parts or not all(p.isidentifier() for p in rel.parts):
            continue  # not importable as a module of this package
        parts = [package_dir.name, *rel.parts]
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


@dataclass(frozen=True)
class _Module:
    """One module as read from its file: the imports it writes (not yet matched against the
    package's modules) and its code (``ast.dump`` without docstrings)."""

    name: str
    path: Path
    refs: tuple[tuple[str, str | None], ...]
    """``(module, None)`` per ``import module``; ``(base, name)`` per ``from base import name``,
    with relative bases already made absolute."""
    code: str


_READ: dict[tuple[str, str, bytes], _Module] = {}
"""Modules already read, keyed by (name, file, sha256 of the source): a file is parsed again
only when its content changes, so checking a whole archive parses the package once."""


def _read(name: str, path: Path) -> _Module:
    """Read and parse one module (cached by content); a file that does not parse raises
    ``SyntaxError`` naming it."""
    source = path.read_bytes()
    key = (name, str(path), hashlib.sha256(source).digest())
    if key not in _READ:
        tree = ast.parse(source, filename=str(path))
        refs = tuple(_refs(tree, name, path.name == "__init__.py"))
        _READ[key] = _Module(name, path, refs, ast.dump(_strip_docstrings(tree)))
    return _READ[key]


def _read_package(package_dir: Path) -> dict[str, _Module]:
    """Every module of the package by name."""
    return {name: _read(name, path) for name, path in _module_files(package_dir).items()}


# --------------------------------------------------------------------------- the import graph


def _from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module named by ``from <base> import ...`` written inside ``module``."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    up = node.level - 1
    if up >= len(package):
        return ""  # beyond the top of the package: not one of ours
    anchor = package[: len(package) - up]
    return ".".join(anchor + ([node.module] if node.module else []))


def _refs(tree: ast.Module, module: str, is_package: bool):
    """Every import statement of ``module``, wherever it is (top level, inside a function,
    under ``if TYPE_CHECKING``: all count), as ``(module, None)`` or ``(base, name)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module, is_package)
            yield from ((base, alias.name) for alias in node.names)


def _imports(module: _Module, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` imports.

    ``from X import a, b`` depends on ``X.a`` and ``X.b`` where those are submodules, and on
    ``X`` itself where a name is not a submodule (it is then defined in ``X``). ``import X.Y``
    depends on ``X.Y``. Parent packages, which Python also runs, are left to the reader of the
    graph (:func:`reachable`), so that a package importing its own submodules is no cycle.
    """
    found: set[str] = set()
    for base, name in module.refs:
        if name is None:
            if base in known:
                found.add(base)
        elif name != "*" and f"{base}.{name}" in known:
            found.add(f"{base}.{name}")
        elif base in known:
            found.add(base)
    found.discard(module.name)
    return found


def import_graph(package_dir: Path | str = PACKAGE_DIR) -> dict[str, set[str]]:
    """The static intra-package import graph: ``{module: {modules of the package it imports}}``.

    Every module of the package is a key (with an empty set if it imports none of the others).
    Names are dotted, e.g. ``"glorot.train"``, ``"glorot.experiments.registry"``.
    """
    return _graph(_read_package(Path(package_dir)))


def _graph(modules: dict[str, _Module]) -> dict[str, set[str]]:
    known = set(modules)
    return {name: _imports(module, known) for name, module in modules.items()}


def _parents(module: str) -> list[str]:
    """The packages Python runs before ``module``: ``glorot.a.b`` -> ``glorot``, ``glorot.a``."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def reachable(graph: dict[str, set[str]], module: str) -> list[str]:
    """``module`` and every module it brings in, sorted: what it imports, directly or not, and
    the parent packages of each, which Python runs first.

    A parent package reached only that way (``glorot.experiments`` for
    ``glorot.experiments.cost``) counts by its own code and by what it imports from outside
    itself, not by the submodules it gathers (``from . import setting, saturation, ...``):
    those sibling sections run too, but only to register themselves, and counting them would
    make a change to one section mark every section's results stale. A package imported
    explicitly counts with everything it imports.
    """
    if module not in graph:
        raise KeyError(f"{module!r} is not a module of the package (known: {', '.join(sorted(graph))})")
    full: set[str] = set()  # followed along all their imports
    implicit: set[str] = set()  # parents reached only implicitly: imports below them are left out
    todo = deque([(module, True)])
    while todo:
        name, explicit = todo.popleft()
        if name in full or (not explicit and name in implicit):
            continue
        (full if explicit else implicit).add(name)
        inside = f"{name}."
        for nxt in graph[name]:
            if explicit or not nxt.startswith(inside):
                todo.append((nxt, True))
        todo.extend((parent, False) for parent in _parents(name) if parent in graph)
    return sorted(full | implicit)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``, one per group of modules that import one another.

    Each cycle is a list of modules where each imports the next and the last imports the
    first (``["glorot.a", "glorot.b"]``: a imports b, b imports a), starting at the group's
    alphabetically first module; it is a shortest such cycle, so a group with several
    circles shows one of them (breaking it shows the next). Empty when there are none.
    """
    cycles = []
    for group in _strongly_connected(graph):
        start = min(group)
        if len(group) == 1 and start not in graph.get(start, ()):
            continue
        cycles.append(_shortest_cycle(graph, start, group))
    return sorted(cycles)


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _shortest_cycle(graph: dict[str, set[str]], start: str, group: set[str]) -> list[str]:
    """A shortest path from ``start`` back to itself inside ``group`` (breadth first)."""
    came_from: dict[str, str] = {}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if nxt in group and nxt not in came_from:
                came_from[nxt] = node
                todo.append(nxt)
    raise AssertionError(f"{start} is in a cycle but none was found")  # pragma: no cover


# --------------------------------------------------------------------------- the fingerprint


class _DropDocstrings(ast.NodeTransformer):
    """Removes every statement that is a bare string: docstrings of modules, classes and
    functions, and the attribute docstrings written under assignments. Such a statement does
    nothing when run (only ``__doc__`` would show it), so it is documentation, not code."""

    def visit_Expr(self, node: ast.Expr):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None
        return node


def _strip_docstrings(tree: ast.Module) -> ast.Module:
    """``tree`` without its docstrings (in place)."""
    return _DropDocstrings().visit(tree)


def code_fingerprint(module: str, package_dir: Path | str = PACKAGE_DIR) -> tuple[str, list[str]]:
    """``(sha256 hex, modules)``: the hash of the code of ``module`` and of every module it
    brings in (:func:`reachable`, itself and the package's ``__init__`` included), and the
    sorted list of those modules.

    A ``KeyError`` names a ``module`` that is not (or no longer) in the package.
    """
    package = _read_package(Path(package_dir))
    modules = reachable(_graph(package), module)
    digest = hashlib.sha256()
    for name in modules:
        digest.update(name.encode() + b"\0" + package[name].code.encode() + b"\0")
    return digest.hexdigest(), modules


def modules_hash(modules, package_dir: Path | str = PACKAGE_DIR) -> str:
    """The sha256 of the code of exactly ``modules`` (dotted names), docstrings left out, none
    of what they import: the text hash of code a behavioural probe cannot reach on a CPU (the
    CUDA-graph engine, the Triton kernels; :data:`glorot.behaviour.DEVICE_ONLY_MODULES`)."""
    package = _read_package(Path(package_dir))
    digest = hashlib.sha256()
    for name in sorted(modules):
        if name not in package:
            raise KeyError(f"{name!r} is not a module of the package")
        digest.update(name.encode() + b"\0" + package[name].code.encode() + b"\0")
    return digest.hexdigest()


def source_hash(package_dir: Path | str = PACKAGE_DIR) -> str:
    """The sha256 of every ``.py`` file of the package, byte for byte (names included): the key
    under which behavioural probe outputs are cached (any edit at all makes a new key, so a
    cached output is always the one today's code computes)."""
    digest = hashlib.sha256()
    for name, path in sorted(_module_files(Path(package_dir)).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
