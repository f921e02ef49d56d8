"""Named experiments, one per paper figure or table, each with three profiles.

* ``smoke``: seconds; for tests and for checking that a chapter runs at all.
* ``quick``: minutes on a laptop CPU; the phenomenon is visible, at reduced width or updates
  where the paper's budget is out of reach (each experiment's ``PROFILES`` say which).
* ``paper``: the paper's sizes and budgets; for training experiments this needs a GPU.

:func:`config` builds and validates a configuration *before any compute*: an unknown
experiment, profile, parameter, activation, initialization or dataset raises a ValueError
that lists the valid values. :func:`run` then returns a :class:`Result`: archived (from
``results/``, with its provenance) when a stored run has exactly this configuration and
``use_archive`` is true, live otherwise. Its :meth:`Result.scale` line says which, for every
figure caption.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import torch

from . import archive, nets, probes
from .train import cpu_threads as torch_threads
from .validation import check_choice, check_positive_int

PROFILES = ("smoke", "quick", "paper")
SHAPESET_TEST_SEED = 10_000
"""Seed of the fixed held-out Shapeset test set (training streams use other seeds)."""


def dataset_names() -> tuple[str, ...]:
    """Every dataset a chapter may name: the online Shapeset and the finite ones."""
    from . import data

    return ("shapeset", *data.DATASETS)


def longer_run(profile: str, factor, config: dict, keys) -> tuple[dict | None, str]:
    """The overrides of a chapter's *longer run*: ``factor`` times each of ``keys`` of
    ``config`` (the updates, and the intervals or sizes that scale with them). Returns
    ``(overrides, "")``, or ``(None, why)`` where no longer run is made: at the paper profile
    (the chapter's main run already has the paper's length) or with a factor of 1. ``factor``
    is validated first (a positive integer)."""
    factor = check_positive_int("longer_factor", factor)
    if check_choice("profile", profile, PROFILES) == "paper":
        return None, "**Skipped**: the paper profile's run above is already full length."
    if factor == 1:
        return None, "**Skipped**: `longer_factor` is 1."
    return {k: factor * config[k] for k in keys}, ""


def check_device(device: str) -> str:
    """``cpu``, ``cuda`` or ``cuda:N``; a CUDA device must be present."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"unknown device {device!r}; valid devices: cpu, cuda, cuda:N") from None
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {device!r}; valid devices: cpu, cuda, cuda:N")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but torch sees no CUDA device here; use device='cpu'")
    return str(device)


# --------------------------------------------------------------------------- inputs


def examples(dataset: str, n: int, split: str = "test", seed: int = SHAPESET_TEST_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` fixed examples of a dataset: Shapeset drawn with ``seed`` (the held-out test set
    by default), or the first ``n`` of a finite dataset's split."""
    check_choice("dataset", dataset, dataset_names())
    if dataset == "shapeset":
        from . import shapeset

        return shapeset.generate(n, seed=seed)
    from . import data

    part = getattr(data.load(dataset), split)
    if n > part.x.shape[0]:
        raise ValueError(f"{dataset} {split} split holds {part.x.shape[0]} examples, fewer than the {n} asked for")
    return part.x[:n], part.y[:n]


def input_dim(dataset: str) -> tuple[int, int]:
    """(input dimension, number of classes) of a dataset, without loading it."""
    dims = {"shapeset": (1024, 9), "mnist": (784, 10), "mnist-5k": (784, 10), "cifar10": (3072, 10), "small-imagenet": (1369, 10)}
    return dims[check_choice("dataset", dataset, dataset_names())]


# --------------------------------------------------------------------------- runners


def _init_statistics(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Figs. 6-8 and eq. (17): one network per initialization, at initialization (no
    training), probed on ``n_examples`` fixed test examples."""
    n_in, n_out = input_dim(cfg["dataset"])
    sizes = [n_in] + [cfg["width"]] * cfg["depth"] + [n_out]
    inits = list(cfg["inits"])
    stack = nets.MLPStack(sizes, activations=cfg["activation"], inits=inits, seeds=[cfg["seed"]] * len(inits), device=device)
    x, y = examples(cfg["dataset"], cfg["n_examples"])
    vals = probes.layer_values(stack, x, y, weight_grad_batches=cfg["weight_grad_batches"], batch_size=cfg["weight_grad_batch_size"])
    return {
        "stats": probes.layer_stats(stack, x, y, values=vals),
        "hist": probes.histograms(stack, x, y, bins=cfg["bins"], values=vals),
        "jacobian": probes.jacobian_singular_values(stack, x[: cfg["jacobian_examples"]]),
    }


def _variance_propagation(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Eqs. (5)-(6) checked numerically in the linear regime (f(s) = s): per layer, the
    measured Var[z^i] and Var[dC/ds^i] beside the products of n Var[W] the equations
    predict, using each layer's realised weight variance and also the nominal one (eq. 15:
    n Var[W] = 1/3 for the standard init; 1 for the normalized init with equal widths).
    Inputs are i.i.d. N(0, 1), as the derivation assumes; targets are random classes."""
    w, d = cfg["width"], cfg["depth"]
    sizes = [w] * (d + 1) + [cfg["n_classes"]]
    inits = list(cfg["inits"])
    stack = nets.MLPStack(sizes, activations="linear", inits=inits, seeds=[cfg["seed"]] * len(inits), device=device, dtype=torch.float64)
    g = torch.Generator().manual_seed(cfg["seed"])
    x = torch.randn(cfg["n_examples"], w, generator=g, dtype=torch.float64)
    y = torch.randint(0, cfg["n_classes"], (cfg["n_examples"],), generator=g)
    vals = probes.layer_values(stack, x, y, ["activation", "backprop_grad"])
    rows = []
    for m, init in enumerate(inits):
        n_var = [sizes[i] * float(stack.weights[i][m].double().var()) for i in range(d + 1)]
        nominal = [sizes[i] * nets.init_variance(init, sizes[i], sizes[i + 1]) for i in range(d + 1)]
        fan_out = [sizes[i + 1] * float(stack.weights[i][m].double().var()) for i in range(d + 1)]
        fan_out_nominal = [sizes[i + 1] * nets.init_variance(init, sizes[i], sizes[i + 1]) for i in range(d + 1)]
        var_x = float(x.var())
        top = float(vals["backprop_grad"][d - 1][m].var())
        for k in range(1, d + 1):
            # eq. (5): Var[z^{k+1}] = Var[x] prod_{i<=k} n_i Var[W^i]  (layer k's output)
            rows.append({"init": init, "layer": k, "quantity": "Var[z] (eq. 5)", "measured": float(vals["activation"][k - 1][m].var()),
                         "predicted": var_x * _prod(n_var[:k]), "predicted_nominal": var_x * _prod(nominal[:k])})
            # eq. (6): Var[dC/ds^k] = Var[dC/ds^d] prod_{i=k+1..d} n_{i+1} Var[W^i]  (fan-out of W^{i})
            rows.append({"init": init, "layer": k, "quantity": "Var[dC/ds] (eq. 6)", "measured": float(vals["backprop_grad"][k - 1][m].var()),
                         "predicted": top * _prod(fan_out[k:d]), "predicted_nominal": top * _prod(fan_out_nominal[k:d])})
    df = pd.DataFrame(rows)
    df["ratio"] = df["measured"] / df["predicted"]
    return {"variance": df}


def _prod(values) -> float:
    out = 1.0
    for v in values:
        out *= v
    return out


def _shapeset_frequencies(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Class frequencies of ``n_images`` Shapeset-3x2 images beside the theory (§2)."""
    from . import shapeset

    counts = torch.zeros(9, dtype=torch.long)
    given_up = 0
    chunk = 50_000
    for i, start in enumerate(range(0, cfg["n_images"], chunk)):
        n = min(chunk, cfg["n_images"] - start)
        _, y, info = shapeset.generate(n, seed=cfg["seed"] + i, device=device, return_info=True)
        counts += torch.bincount(y.cpu(), minlength=9)
        given_up += int(info["gave_up"].sum())
    n = cfg["n_images"]
    theory = shapeset.class_probabilities().double()
    with_rejections = shapeset.class_probabilities(include_rejections=True).double()
    freq = counts.double() / n
    df = pd.DataFrame({
        "label": range(9),
        "name": shapeset.LABEL_NAMES,
        "count": counts.numpy(),
        "frequency": freq.numpy(),
        "theory": theory.numpy(),
        "theory_with_rejections": with_rejections.numpy(),
        "std_error": (with_rejections * (1 - with_rejections) / n).sqrt().numpy(),
    })
    # Deviation from the theory that accounts for the given-up second objects.
    df["z_score"] = (df["frequency"] - df["theory_with_rejections"]) / df["std_error"]
    summary = pd.DataFrame([{"n_images": n, "given_up_objects": given_up, "majority_class_error": 1 - float(freq.max()),
                             "theory_majority_class_error": 1 - float(theory.max())}])
    return {"frequencies": df, "summary": summary}


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Experiment:
    """A named experiment: its paper reference, its profiles and how to run it."""

    name: str
    paper: str
    profiles: dict[str, dict]
    runner: Callable[[dict, str], dict[str, pd.DataFrame]]
    choices: dict[str, Callable[[], tuple]]
    note: dict[str, str]
    cpu_threads: int | None = None
    """Torch threads the runner trains with on a CPU (None: torch's default). A configuration's
    own ``cpu_threads`` key wins. :func:`run` applies it, so the provenance names the count used."""

    def defaults(self, profile: str) -> dict:
        return dict(self.profiles[check_choice("profile", profile, PROFILES)])


def _activations() -> tuple:
    return tuple(nets.ACTIVATIONS)


def _inits() -> tuple:
    return nets.INITS


_INIT_FULL = {"activation": "tanh", "inits": ["standard", "normalized"], "width": 1000, "depth": 5, "dataset": "shapeset",
              "n_examples": 300, "weight_grad_batches": 10, "weight_grad_batch_size": 10, "jacobian_examples": 10, "bins": 100, "seed": 0}
_VAR_FULL = {"inits": ["standard", "normalized"], "width": 1000, "depth": 5, "n_classes": 9, "n_examples": 1000, "seed": 0}

EXPERIMENTS: dict[str, Experiment] = {}


def register(*experiments: Experiment) -> None:
    """Add experiments to the registry (modules such as :mod:`glorot.dynamics` call this)."""
    for e in experiments:
        if e.name in EXPERIMENTS:
            raise ValueError(f"experiment {e.name!r} is registered twice")
        if set(e.profiles) != set(PROFILES):
            raise ValueError(f"experiment {e.name!r} must define the profiles {PROFILES}")
        EXPERIMENTS[e.name] = e


register(
        Experiment(
            name="init_statistics",
            paper="Figs. 6, 7, 8 and eq. (17), §4.2.2",
            profiles={
                "smoke": _INIT_FULL | {"width": 60, "n_examples": 40, "weight_grad_batches": 2, "jacobian_examples": 2, "bins": 30},
                "quick": _INIT_FULL,
                "paper": _INIT_FULL,
            },
            runner=_init_statistics,
            choices={"activation": _activations, "inits": _inits, "dataset": dataset_names},
            note={"quick": "the paper's full size (at initialization no training is needed, so quick = paper)"},
        ),
        Experiment(
            name="variance_propagation",
            paper="eqs. (5), (6), (15), §4.2.1",
            profiles={"smoke": _VAR_FULL | {"width": 50, "n_examples": 200}, "quick": _VAR_FULL, "paper": _VAR_FULL},
            runner=_variance_propagation,
            choices={"inits": _inits},
            note={"quick": "the paper's width, 1000 (no training, so quick = paper)"},
        ),
        Experiment(
            name="shapeset_frequencies",
            paper="§2 and Table 1 (the 82.61% of the depth-5 sigmoid)",
            profiles={"smoke": {"n_images": 5_000, "seed": 0}, "quick": {"n_images": 200_000, "seed": 0}, "paper": {"n_images": 1_000_000, "seed": 0}},
            runner=_shapeset_frequencies,
            choices={},
            note={},
        ),
)


def config(experiment: str, profile: str = "quick", **overrides) -> dict:
    """The full, validated configuration of ``experiment`` at ``profile`` with ``overrides``.

    Raises ValueError, naming the valid values, for an unknown experiment, profile or
    parameter, and for an unknown activation, initialization or dataset.
    """
    exp = EXPERIMENTS[check_choice("experiment", experiment, EXPERIMENTS)]
    cfg = exp.defaults(profile)
    for key, value in overrides.items():
        if key not in cfg:
            raise ValueError(f"unknown parameter {key!r} for experiment {experiment!r}; valid parameters: {', '.join(cfg)}")
        if value is None:
            continue
        if isinstance(cfg[key], list) and isinstance(value, (str, int, float)):
            value = [value]
        if isinstance(cfg[key], list):
            value = list(value)
        cfg[key] = value
    for key, valid in exp.choices.items():
        names = {"inits": "init", "activations": "activation"}.get(key, key)
        for v in cfg[key] if isinstance(cfg[key], list) else [cfg[key]]:
            check_choice(names, v, valid())
    return cfg


@dataclass
class Result:
    """An experiment's tables with where they came from."""

    experiment: str
    profile: str
    config: dict
    frames: dict[str, pd.DataFrame]
    provenance: dict
    source: str  # "live" or "archived"

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def scale(self) -> str:
        """The scale statement every figure carries: live/archived, profile, device, date."""
        exp = EXPERIMENTS[self.experiment]
        note = exp.note.get(self.profile, "")
        seeds = self.config.get("seeds", self.config.get("seed"))
        if "n_seeds" in self.config and seeds is not None:
            seeds = list(range(seeds, seeds + self.config["n_seeds"]))
        seeds = "" if seeds is None else f", seed{'s' if isinstance(seeds, list) else ''} {seeds}"
        return (f"{self.source} run, profile '{self.profile}'" + (f" ({note})" if note else "")
                + self.changes_from_profile() + seeds + f"; {archive.describe(self.provenance, self.source)}")

    def changes_from_profile(self) -> str:
        """Where the configuration departs from the profile's defaults (which the profile's note
        describes): ``" with updates=30,000 (profile: 6,000)"``; empty if nowhere."""
        defaults = EXPERIMENTS[self.experiment].profiles[self.profile]

        def fmt(v):
            return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)

        changed = [f"{k}={fmt(v)} (profile: {fmt(defaults.get(k))})" for k, v in self.config.items() if defaults.get(k) != v]
        return f" with {', '.join(changed)}" if changed else ""


def run(experiment: str, profile: str = "quick", device: str = "cpu", use_archive: bool = True, save: bool = False, **overrides) -> Result:
    """Run (or load from the archive) ``experiment`` at ``profile`` on ``device``.

    Everything is validated first. With ``use_archive`` a stored run of exactly this
    configuration is returned instead of computing; with ``save`` a live run is stored.
    """
    cfg = config(experiment, profile, **overrides)
    device = check_device(device)
    if use_archive:
        hit = archive.load(experiment, profile, cfg)
        if hit is not None:
            return Result(experiment, profile, cfg, hit.frames, hit.provenance, "archived")
    exp = EXPERIMENTS[experiment]
    threads = cfg.get("cpu_threads", exp.cpu_threads) if torch.device(device).type == "cpu" else None
    with torch_threads(threads):  # inside, so that the provenance's device names the threads used
        t0 = time.perf_counter()
        frames = exp.runner(cfg, device)
        prov = archive.provenance(cfg, device, time.perf_counter() - t0) | {"experiment": experiment, "profile": profile}
    if save:
        archive.save(experiment, profile, cfg, frames, prov)
    return Result(experiment, profile, cfg, frames, prov, "live")
from . import error_curves  # noqa: E402,F401 (registers experiments)
from . import dynamics, cost_surface  # noqa: E402,F401 (registers experiments)
