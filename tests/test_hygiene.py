"""The package's hygiene, checked so that a cleanup stays done: no module imports a name it
never uses, and every experiment knob naming an activation or an initialization offers the
same choices (those of glorot.nets), from one definition (glorot.monitoring)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import glorot
from glorot import nets
from glorot.configs import ConfigError
from glorot.experiments import EXPERIMENTS, config

PACKAGE = Path(glorot.__file__).resolve().parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def _unused_imports(tree: ast.Module) -> list[str]:
    imported = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__":
            for a in node.names:
                imported[(a.asname or a.name).split(".")[0]] = node.lineno
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    exported = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            exported = {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return [f"line {line}: {name}" for name, line in imported.items() if name not in used | exported]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_what_it_does_not_use(path):
    assert _unused_imports(ast.parse(path.read_text())) == []


def test_the_unused_import_check_can_fail():
    assert _unused_imports(ast.parse("import os\nimport numpy as np\nfrom typing import Sequence\nnp.ones(1)\n")) == [
        "line 1: os", "line 3: Sequence"]


KNOBS = {"activation": nets.ACTIVATIONS, "activations": nets.ACTIVATIONS, "pretrain_activation": nets.ACTIVATIONS,
         "init": nets.INITS, "inits": nets.INITS}


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_activation_and_init_knobs_offer_the_networks_choices(name):
    exp = EXPERIMENTS[name]
    fields = {f.name for f in dataclasses.fields(exp.config_class)}
    for knob, valid in KNOBS.items():
        if knob not in fields:
            continue
        bad = ["relu6"] if knob.endswith("s") else "relu6"
        with pytest.raises(ConfigError, match=f"{knob}.*: {', '.join(valid)}$"):
            config(name, "smoke", **{knob: bad})
