"""Every knob of every experiment fed the bad values a careless user gives: each must stop
with a ValueError that names the field, before anything is computed (the runner is replaced
by one that fails if called), and quickly."""

from __future__ import annotations

import dataclasses
import time

import pytest

from glorot import configs, experiments, nets
from glorot.experiments import registry


def _bad_scalars(k) -> list:
    """Values outside knob ``k``'s valid set, by its kind and range."""
    if k.kind == "bool":
        return ["False", 1, None]
    if k.kind == "str":
        out = [5, 1.5, True, ["tanh"]]
        if k.choices is not None:
            out += ["no-such-value", ""]
        return out + ([] if k.optional else [None])
    out = ["abc", "3", True, float("nan"), float("inf"), -float("inf"), [1]]
    if k.kind == "int":
        out.append(16.7)
    if k.lo is not None:
        out.append(k.lo - 1 if k.kind == "int" else k.lo - 1.0)
        if k.lo_open:
            out.append(k.lo)
    out += [1e12, 10**12]
    if not k.optional:
        out.append(None)
    return out


def _bad_values(k) -> list:
    if not k.many:
        return _bad_scalars(k)
    item = dataclasses.replace(k, many=False, optional=False)
    return ["tanh", 0.1, [], None, *[[v] for v in _bad_scalars(item) if v is not None]][: 40]


CASES = [(name, field, value)
         for name, exp in experiments.EXPERIMENTS.items()
         for field, k in exp.config_class.knobs().items()
         for value in _bad_values(k)
         if not (k.optional and value is None)]


def test_every_numeric_knob_has_a_range():
    """Budgets beyond reason are refused only if every number has an upper bound."""
    for name, exp in experiments.EXPERIMENTS.items():
        for field, k in exp.config_class.knobs().items():
            if k.kind in ("int", "float"):
                assert k.hi is not None and k.lo is not None, f"{name}.{field} has no range"


@pytest.fixture
def no_compute(monkeypatch):
    """Replace every runner and the estimate by ones that fail if called."""
    def refuse(*a, **k):
        raise AssertionError("computed although the input was bad")

    for name, exp in list(experiments.EXPERIMENTS.items()):
        monkeypatch.setitem(experiments.EXPERIMENTS, name, dataclasses.replace(exp, runner=refuse))
    monkeypatch.setattr(registry, "estimate", refuse)


def _expect_clear_error(field: str, call) -> None:
    t0 = time.perf_counter()
    with pytest.raises(ValueError) as err:
        call()
    elapsed = time.perf_counter() - t0
    assert field in str(err.value), f"the message does not name {field!r}: {err.value}"
    assert elapsed < 1.0, f"{elapsed:.2f} s before the error"


@pytest.mark.parametrize("name, field, value", CASES, ids=[f"{n}-{f}-{v!r}"[:60] for n, f, v in CASES])
def test_bad_value_is_refused_before_compute(name, field, value, no_compute):
    if value is None:  # None means "keep the profile's value" to experiments.config: build the configuration directly
        _expect_clear_error(field, lambda: configs.build(experiments.EXPERIMENTS[name].config_class, {field: None}))
        return
    _expect_clear_error(field, lambda: experiments.run(name, "smoke", use_archive=False, **{field: value}))


INTERVALS = [(name, field) for name, exp in experiments.EXPERIMENTS.items()
             for field in ("eval_every", "probe_every", "early_updates") if field in exp.config_class.knobs()]


@pytest.mark.parametrize("name, field", INTERVALS)
def test_an_interval_longer_than_the_run_is_refused(name, field, no_compute):
    cfg = experiments.config(name, "smoke")
    _expect_clear_error(field, lambda: experiments.run(name, "smoke", use_archive=False, **{field: cfg.updates + 1}))
    if field != "early_updates":
        _expect_clear_error(field, lambda: experiments.run(name, "smoke", use_archive=False, **{field: 0}))


@pytest.mark.parametrize("arg, value", [("use_archive", "False"), ("save", "yes"), ("allow_long", 1), ("device", 5),
                                        ("device", "tpu"), ("device", "")])
def test_run_arguments_are_checked(arg, value, no_compute):
    _expect_clear_error(arg if arg != "device" else "device", lambda: experiments.run("gradient_dynamics", "smoke", **{arg: value}))


@pytest.mark.parametrize("value", [1e9, 10**9, 0, -1, 2.5, "5", float("nan"), None, True])
def test_longer_factor_is_checked(value):
    cfg = experiments.config("gradient_dynamics", "quick")
    _expect_clear_error("longer_factor", lambda: experiments.longer_run("quick", value, cfg, ("updates",)))


def test_a_longer_run_beyond_the_update_limit_is_refused():
    cfg = experiments.config("shapeset_curves", "paper")
    _expect_clear_error("updates", lambda: experiments.longer_run("quick", 1000, cfg, ("updates",)))


def test_unknown_parameter_and_profile(no_compute):
    _expect_clear_error("lrs", lambda: experiments.run("gradient_dynamics", "smoke", lrs=[0.1, 0.1]))
    _expect_clear_error("profile", lambda: experiments.run("gradient_dynamics", "fast"))


def test_a_learning_rate_stays_the_float_given():
    cfg = experiments.config("cost_comparison", "smoke", learning_rates=[0.03, 0.1])
    assert cfg.learning_rates == (0.03, 0.1) and cfg.to_dict()["learning_rates"] == [0.03, 0.1]
    stack = nets.MLPStack([4, 3, 2], learning_rates=[0.03, 0.1], seeds=[0, 0])
    assert [r["lr"] for r in stack.describe()] == [0.03, 0.1]  # not 0.029999999329447746, the float32 value


def test_the_fuzz_covers_every_experiment_and_knob():
    covered = {(n, f) for n, f, _ in CASES}
    for name, exp in experiments.EXPERIMENTS.items():
        for field in exp.config_class.knobs():
            assert (name, field) in covered
    assert len(CASES) > 500
