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


# --------------------------------------------------------------------------- no run settings in module globals

GLOBALS_ALLOWED = {
    ("checkpoints.py", "_saves_done"):
        "the fault injection's count of this process's checkpoint saves (GLOROT_KILL_AFTER_CHECKPOINTS=N kills the "
        "process after its N-th save, whichever runs made them): process state of a test hook, no run setting",
    ("sweep.py", "_free_gpus"):
        "a Dask worker's pool of its own GPUs, shared by its task threads and made on first use: a resource of the "
        "process, no run setting",
}
"""The only ``global`` statements of the package, each with the reason it is not a run's setting.
A run's settings (execution, a chunk's work budget, whether its saves count for the fault
injection) travel as :class:`glorot.run_settings.RunSettings` down the call chain."""


def _global_statements(tree: ast.Module) -> list[str]:
    return sorted({name for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names})


def test_the_global_check_can_fail():
    code = "X = None\ndef f():\n    global X\n    X = 1\nclass C:\n    def g(self):\n        global Y, X\n"
    assert _global_statements(ast.parse(code)) == ["X", "Y"]


def test_no_module_writes_a_global_but_the_listed_ones():
    found = {(str(p.relative_to(PACKAGE)), name) for p in sorted(PACKAGE.rglob("*.py"))
             for name in _global_statements(ast.parse(p.read_text()))}
    assert found == set(GLOBALS_ALLOWED), f"global statements not listed: {sorted(found - set(GLOBALS_ALLOWED))}; " \
                                          f"listed but gone: {sorted(set(GLOBALS_ALLOWED) - found)}"


def test_the_settings_of_a_run_are_no_module_globals_any_more():
    from glorot import checkpoints, train

    gone = {train: ("_EXECUTION", "execution", "current_execution"),
            checkpoints: ("_BUDGET", "_DETACHED", "work_budget", "spend", "budget_spent", "detached")}
    for module, names in gone.items():
        assert not [n for n in names if hasattr(module, n)], module.__name__


def _module_state() -> dict:
    """Every module-level binding of the loaded glorot modules: the object's id and, for a
    dict, list or set, its contents as text."""
    import sys
    import types

    out = {}
    for mod_name, module in list(sys.modules.items()):
        if mod_name != "glorot" and not mod_name.startswith("glorot."):
            continue
        for key, value in vars(module).items():
            if key.startswith("__"):
                continue
            contents = None
            if isinstance(value, (dict, list, set)) and not isinstance(value, types.MappingProxyType):
                contents = repr(sorted(value.items(), key=repr) if isinstance(value, dict) else value)
            out[(mod_name, key)] = (id(value), contents)
    return out


def test_a_run_with_settings_leaves_every_module_variable_as_it_was(tmp_path):
    # a chunk of a run (a budget that pauses it, the graph engine, uncounted saves) and a whole
    # run after it: every module-level name of the package still names the same object, with the
    # same contents, except the fault injection's count of saves (GLOBALS_ALLOWED)
    from glorot import checkpoints
    from glorot.run_settings import Execution, RunSettings, WorkBudget

    exp = EXPERIMENTS["gradient_dynamics"]
    cfg = exp.defaults("smoke")
    exp.runner(cfg, "cpu", tmp_path / "warm", settings=RunSettings(Execution(engine="graph")))  # imports done
    before = _module_state()
    chunk = RunSettings(Execution(engine="graph"), WorkBudget(model_updates=50), fault_injection=False)
    with pytest.raises(checkpoints.ChunkPaused):
        exp.runner(cfg, "cpu", tmp_path / "chunk", settings=chunk)
    exp.runner(cfg, "cpu", tmp_path / "whole")
    after = _module_state()
    moved = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    assert moved == [("glorot.checkpoints", "_saves_done")]
